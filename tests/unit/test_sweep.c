/*
 * Sweeps (src/workload/sweep*.c): the spec parser and its expansion order,
 * ranges and exclusions, every error with its line and column, the checks
 * made before anything runs (axis values, metric paths, workloads), the
 * JSON reader and its paths, the settings adapter, and one real point run
 * over a trace and over a generator.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "vmsim/vm.h"
#include "workload/sweep.h"

static struct sweep_spec *parse_ok(const char *text)
{
	struct sweep_spec *s = NULL;
	char err[1024];
	int rc = sweep_spec_parse("t.sweep", text, NULL, &s, err, sizeof(err));
	if (rc)
		fail_msg("parse failed: %s", err);
	return s;
}

/* The error of parsing (then checking) @text. */
static void parse_err(const char *text, bool check, char *err, size_t len)
{
	struct sweep_spec *s = NULL;
	int rc = sweep_spec_parse("t.sweep", text, NULL, &s, err, len);
	if (check) {
		if (rc)
			fail_msg("parse failed: %s", err);
		rc = sweep_spec_check(s, err, len);
		sweep_spec_free(s);
	}
	if (rc == 0)
		fail_msg("accepted: %s", text);
}

static void spec_expands_workloads_outermost_last_axis_fastest(void **state)
{
	(void)state;
	struct sweep_spec *s = parse_ok("axis policy = fifo lru\n"
					"axis frames = 64 128 256\n"
					"workload gen 1M seq as a\n"
					"workload gen 1M random as b\n"
					"metric system.faults.minor\n"
					"repeat 2\n");
	char key[256];
	assert_int_equal(s->npoints, 2 * 2 * 3 * 2);
	sweep_point_key(s, 0, key, sizeof(key));
	assert_string_equal(key, "workload=a policy=fifo frames=64 rep=0");
	sweep_point_key(s, 1, key, sizeof(key));
	assert_string_equal(key, "workload=a policy=fifo frames=64 rep=1");
	sweep_point_key(s, 2, key, sizeof(key));
	assert_string_equal(key, "workload=a policy=fifo frames=128 rep=0");
	sweep_point_key(s, 12, key, sizeof(key));
	assert_string_equal(key, "workload=b policy=fifo frames=64 rep=0");
	sweep_point_key(s, 23, key, sizeof(key));
	assert_string_equal(key, "workload=b policy=lru frames=256 rep=1");
	assert_string_equal(sweep_point_value(s, 23, 1), "256");
	assert_string_equal(s->metrics[0].name, "system.faults.minor");
	sweep_spec_free(s);
}

static void spec_ranges_expand_geometric_and_additive(void **state)
{
	(void)state;
	struct sweep_spec *s = parse_ok("axis l1d_entries = 16..256*2\n"
					"axis ram = 1M..4M+1M, 8M\n"
					"seeds 1..3\n"
					"workload gen 1M seq\n"
					"metric system.faults.minor\n");
	const struct sweep_axis *a = &s->axes[0];
	assert_int_equal(a->nvalues, 5);
	assert_string_equal(a->values[0], "16");
	assert_string_equal(a->values[4], "256");
	a = &s->axes[1];
	assert_int_equal(a->nvalues, 5);
	assert_string_equal(a->values[0], "1M");
	assert_string_equal(a->values[3], "4M");
	assert_string_equal(a->values[4], "8M");
	assert_int_equal(a->vpos[4].col, 23);
	a = &s->axes[2];
	assert_string_equal(a->name, "seed");
	assert_int_equal(a->nvalues, 3);
	assert_string_equal(a->values[2], "3");
	assert_string_equal(s->workloads[0].label, "seq-1M");
	sweep_spec_free(s);
}

static void spec_exclude_leaves_out_matching_points(void **state)
{
	(void)state;
	struct sweep_spec *s = parse_ok("axis policy = fifo lru clock\n"
					"axis frames = 64 128\n"
					"workload gen 1M seq as a\n"
					"workload gen 1M loop as b\n"
					"metric m = system.faults.minor\n"
					"exclude policy=lru frames=64\n"
					"exclude workload=b policy=clock\n");
	char key[256];
	assert_int_equal(s->npoints, 12 - 2 - 2);
	for (size_t p = 0; p < s->npoints; p++) {
		sweep_point_key(s, p, key, sizeof(key));
		assert_null(strstr(key, "policy=lru frames=64"));
		assert_false(strstr(key, "workload=b") && strstr(key, "policy=clock"));
	}
	sweep_spec_free(s);
}

static void spec_errors_name_line_column_and_what_was_expected(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"axes policy = lru\n", "t.sweep:1:1: expected axis, set, workload, metric, seeds, "
				    "repeat or exclude, found 'axes'"},
	    {"axis policy lru\n", "t.sweep:1:13: expected '=' after the axis name, found 'lru'"},
	    {"axis policy =\n", "t.sweep:1:14: expected one value or more, found the end of the "
				"line"},
	    {"axis polcy = lru\n", "t.sweep:1:6: unknown machine setting 'polcy'"},
	    {"axis frames = 8..2\n", "t.sweep:1:15: range '8..2' runs downwards"},
	    {"axis frames = 1..x\n", "t.sweep:1:15: expected a range such as 16..256*2"},
	    {"axis policy = lru lru\n", "t.sweep:1:19: value 'lru' is already on axis policy"},
	    {"\n# c\naxis policy = lru\naxis policy = fifo\n",
	     "t.sweep:4:6: axis policy is already defined on line 3"},
	    {"workload tape x\n", "t.sweep:1:10: expected trace, scenario or gen, found 'tape'"},
	    {"workload gen big seq\n", "t.sweep:1:14: expected the size of the generated area"},
	    {"workload trace a.vmt\nworkload trace b/a.vmt\n",
	     "t.sweep:2:16: label 'a' already names the workload of line 1"},
	    {"workload trace a.vmt as\n", "t.sweep:1:24: expected a label after 'as'"},
	    {"workload gen 1M seq\nmetric x = system.faults.minor +\n",
	     "t.sweep:2:33: expected a JSON path of the report"},
	    {"workload gen 1M seq\nmetric x = (system.faults.minor\n",
	     "t.sweep:2:32: expected ')'"},
	    {"workload gen 1M seq\nmetric x = a.b[1\n", "t.sweep:2:12: expected ']' to close"},
	    {"workload gen 1M seq\n", "t.sweep:2:1: expected a metric line"},
	    {"metric system.faults.minor\n", "t.sweep:2:1: expected a workload line"},
	    {"axis frames = 64\nworkload gen 1M seq\nmetric a\nexclude frames=65\n",
	     "t.sweep:4:16: '65' is not a value of frames"},
	    {"workload gen 1M seq\nmetric a\nexclude ram=1M\n",
	     "t.sweep:3:9: 'ram' is not an axis"},
	    {"axis frames = 64\nworkload gen 1M seq\nmetric a\nexclude frames=64\n",
	     "t.sweep: every point is excluded"},
	    {"repeat 0\n", "t.sweep:1:8: expected a number of repetitions from 1 to 1000"},
	    {"set ram = 1M 2M\n", "t.sweep:1:14: expected the end of the line (one value per set"},
	    {"axis ram = 1M\nset ram = 2M\n", "t.sweep:2:5: ram is already an axis (line 1)"},
	    {"axis frames = 1..2000000*1\n", "t.sweep:1:15: range '1..2000000*1' does not advance"},
	    {"axis frames = 1..20000\n", "t.sweep:1:15: axis frames has more than 10000 values"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[1024];
		parse_err(cases[i].text, false, err, sizeof(err));
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: got '%s', expected '%s...'", i, err, cases[i].msg);
	}
}

static void spec_check_reports_bad_values_before_running(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"axis ram = 64M 1K\nworkload gen 1M seq\nmetric system.faults.minor\n",
	     "t.sweep:1:16: axis ram: value '1K' rejected: expected a size of at least 256K"},
	    {"axis policy = lru nope\nworkload gen 1M seq\nmetric system.faults.minor\n",
	     "t.sweep:1:19: axis policy: value 'nope' rejected: unknown replacement policy"},
	    {"axis page_size = 4k 1g\nworkload gen 1M seq\nmetric system.faults.minor\n",
	     "t.sweep:1:21: axis page_size: value '1g' rejected: expected 4k (THP never) or 2m"},
	    {"axis l1d_entries = 64 48\nworkload trace /dev/null\nmetric system.faults.minor\n",
	     "t.sweep:1:23: axis l1d_entries: value '48' rejected: 48 entries do not fit the "
	     "4-way"},
	    {"axis l1d_entries = 64\nworkload gen 1M seq\nmetric system.faults.minor\n",
	     "t.sweep:1:6: axis l1d_entries: only trace workloads take this setting"},
	    {"set cpu = pentium\nworkload gen 1M seq\nmetric system.faults.minor\n",
	     "t.sweep:1:5: set cpu: unknown CPU preset 'pentium'"},
	    {"workload gen 1M seq\nmetric system.faults.minr\n",
	     "t.sweep:2:8: metric system.faults.minr: unknown metric path 'system.faults.minr': "
	     "'system.faults' has no member 'minr' (it has minor, major, invalid)"},
	    {"workload gen 1M seq\nmetric x = 2 * system.mmu.tlb[L3].misses\n",
	     "t.sweep:2:16: metric x: unknown metric path 'system.mmu.tlb[L3].misses': "
	     "'system.mmu.tlb' has no element [L3]"},
	    {"workload gen 1M seq\nmetric x = system.faults\n",
	     "t.sweep:2:12: metric x: unknown metric path 'system.faults': 'system.faults' is an "
	     "object, not a number"},
	    {"workload gen 1M seq\nmetric x = sytem.faults.minor\n",
	     "t.sweep:2:12: metric x: unknown metric path 'sytem.faults.minor': the report has no "
	     "member 'sytem'"},
	    {"workload trace /nonexistent/t.vmt\nmetric system.faults.minor\n",
	     "t.sweep:1:10: trace '/nonexistent/t.vmt': cannot open /nonexistent/t.vmt: No such "
	     "file"},
	    {"workload scenario nope\nmetric system.faults.minor\n",
	     "t.sweep:1:10: scenario 'nope': no such built-in scenario"},
	    {"workload gen 1M zipf alpha=-1\nmetric system.faults.minor\n",
	     "t.sweep:1:10: generator 'zipf alpha=-1' over 1M:"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[1024];
		parse_err(cases[i].text, true, err, sizeof(err));
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: got '%s', expected '%s...'", i, err, cases[i].msg);
	}
}

static void json_path_reads_members_indices_and_named_elements(void **state)
{
	(void)state;
	const char *text = "{\"a\": {\"b\": [ {\"level\": \"L1D\", \"n\": 3}, {\"level\": \"L2\", "
			   "\"n\": 4.5e1} ], \"t\": true, \"z\": null, \"s\": \"x\\u00e9\\n\"}}";
	struct sweep_json *doc;
	const struct sweep_json *v;
	char why[256];
	assert_ok(sweep_json_parse(text, strlen(text), &doc, why, sizeof(why)));
	assert_ok(sweep_json_path(doc, "a.b[0].n", false, &v, why, sizeof(why)));
	assert_true(v->num == 3);
	assert_ok(sweep_json_path(doc, "a.b[L2].n", false, &v, why, sizeof(why)));
	assert_true(v->num == 45);
	assert_ok(sweep_json_path(doc, "a.t", false, &v, why, sizeof(why)));
	assert_int_equal(v->type, SWEEP_JSON_BOOL);
	assert_ok(sweep_json_path(doc, "a.z", false, &v, why, sizeof(why)));
	assert_int_equal(v->type, SWEEP_JSON_NULL);
	assert_int_equal(sweep_json_path(doc, "a.s", false, &v, why, sizeof(why)), VMSIM_EINVAL);
	assert_string_equal(sweep_json_member(sweep_json_member(doc, "a"), "s")->str,
			    "x\xc3\xa9\n");
	assert_int_equal(sweep_json_path(doc, "a.b[2].n", false, &v, why, sizeof(why)),
			 VMSIM_ENOENT);
	assert_string_equal(why, "'a.b' has no element [2]");
	assert_ok(sweep_json_path(doc, "a.b[2].n", true, &v, why, sizeof(why)));
	assert_null(v);
	assert_int_equal(sweep_json_path(doc, "a.b[0", false, &v, why, sizeof(why)), VMSIM_EPARSE);
	sweep_json_free(doc);
}

static void json_parse_rejects_malformed_documents(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",	     "{",   "{\"a\" 1}", "[1,]",      "{\"a\":1,}", "\"abc",
	    "[1 2]", "nul", "{} x",	 "[\"\\q\"]", "[\"\x01\"]",
	};
	char deep[200];
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sweep_json *doc = NULL;
		char why[256];
		if (sweep_json_parse(bad[i], strlen(bad[i]), &doc, why, sizeof(why)) !=
		    VMSIM_EPARSE)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(why, "byte "));
	}
	struct sweep_json *doc = NULL;
	assert_int_equal(sweep_json_parse(deep, strlen(deep), &doc, NULL, 0), VMSIM_EPARSE);
}

static void setting_l1d_entries_resizes_every_array_keeping_ways(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	char why[256];
	vmsim_config_default(&cfg);
	assert_ok(sweep_setting_apply(&cfg, "cpu", "skylake", why, sizeof(why)));
	struct vmsim_tlb_level_cfg before = cfg.mmu.tlb.level[VMSIM_TLB_L1D];
	assert_ok(sweep_setting_apply(&cfg, "l1d_entries", "16", why, sizeof(why)));
	const struct vmsim_tlb_level_cfg *l = &cfg.mmu.tlb.level[VMSIM_TLB_L1D];
	assert_int_equal(l->narrays, before.narrays);
	for (unsigned i = 0; i < l->narrays; i++) {
		assert_int_equal(l->arrays[i].entries, 16);
		if (before.arrays[i].ways && before.arrays[i].ways < before.arrays[i].entries)
			assert_int_equal(l->arrays[i].ways, before.arrays[i].ways);
		assert_int_equal(l->arrays[i].sizes, before.arrays[i].sizes);
	}
	assert_null(vmsim_config_problem(&cfg));
	assert_ok(sweep_setting_apply(&cfg, "l2_entries", "0", why, sizeof(why)));
	assert_int_equal(cfg.mmu.tlb.level[VMSIM_TLB_L2].narrays, 0);
	assert_ok(sweep_setting_apply(&cfg, "frames", "100", why, sizeof(why)));
	assert_int_equal(cfg.ram_bytes, 100 * 4096);
	assert_ok(sweep_setting_apply(&cfg, "page_size", "2m", why, sizeof(why)));
	assert_int_equal(cfg.thp, VMSIM_THP_ALWAYS);
	assert_int_equal(sweep_setting_apply(&cfg, "frames", "-1", why, sizeof(why)), VMSIM_EINVAL);
	assert_int_equal(sweep_setting_apply(&cfg, "nope", "1", why, sizeof(why)), VMSIM_EINVAL);
	char buf[64];
	assert_true(sweep_setting_for_scenario("frames", "64", buf, sizeof(buf)));
	assert_string_equal(buf, "ram=262144");
	assert_false(sweep_setting_for_scenario("l1d_entries", "64", buf, sizeof(buf)));
}

/* A point over a small lackey trace: its metrics equal the counters. */
static void point_run_trace_computes_metrics_from_the_report(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-sweep-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	for (int i = 0; i < 300; i++) /* 300 pages written, then read again */
		fprintf(f, " S %08x,8\n", 0x10000000 + i * 4096);
	for (int i = 0; i < 300; i++)
		fprintf(f, " L %08x,8\n", 0x10000000 + i * 4096);
	fclose(f);
	char text[512];
	snprintf(text, sizeof(text),
		 "set l2_entries = 0\n"
		 "axis l1d_entries = 16 512\n"
		 "workload trace %s as tiny\n"
		 "metric faults = system.faults.minor\n"
		 "metric walks_per_access = system.mmu.walk.walks / system.mmu.translations\n"
		 "metric none = system.faults.minor / system.faults.major\n"
		 "metric rss = processes[0].rss\n"
		 "metric nothing = processes[5].rss\n",
		 path);
	struct sweep_spec *s = parse_ok(text);
	char err[512];
	assert_ok(sweep_spec_check(s, err, sizeof(err)));
	double v[5];
	bool present[5];
	assert_ok(sweep_point_run(s, 0, v, present, err, sizeof(err)));
	assert_true(present[0] && v[0] == 300);
	assert_true(present[1]);
	assert_true(fabs(v[1] - 1.0) < 1e-9); /* 16 entries, no L2 TLB: both passes walk */
	assert_false(present[2]);	      /* divided by 0 major faults */
	assert_true(present[3] && v[3] == 300 * 4096.0);
	assert_false(present[4]);
	double w16 = v[1];
	assert_ok(sweep_point_run(s, 1, v, present, err, sizeof(err)));
	/* 512 entries: only the first pass walks, twice a page (the fault, the retry) */
	assert_true(w16 == 1.0 && fabs(v[1] - 600.0 / 900.0) < 1e-9);
	sweep_spec_free(s);
	unlink(path);
}

/* A generator point through the scenario engine, with the frames setting. */
static void point_run_gen_applies_frames_and_policy(void **state)
{
	(void)state;
	struct sweep_spec *s = parse_ok("axis frames = 128 2048\n"
					"set policy = lru\n"
					"workload gen 4M write loop times=2 as loop\n"
					"metric majors = system.faults.major\n"
					"metric ram = config.ram_bytes\n");
	char err[512];
	double v[2];
	bool present[2];
	assert_ok(sweep_spec_check(s, err, sizeof(err)));
	assert_ok(sweep_point_run(s, 0, v, present, err, sizeof(err)));
	assert_true(present[0] && present[1]);
	assert_true(v[1] == 128 * 4096.0);
	assert_true(v[0] >= 1024); /* 1024 pages loop over 128 frames: the 2nd pass faults */
	assert_ok(sweep_point_run(s, 1, v, present, err, sizeof(err)));
	assert_true(v[0] == 0); /* all fits */
	sweep_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(spec_expands_workloads_outermost_last_axis_fastest),
	    cmocka_unit_test(spec_ranges_expand_geometric_and_additive),
	    cmocka_unit_test(spec_exclude_leaves_out_matching_points),
	    cmocka_unit_test(spec_errors_name_line_column_and_what_was_expected),
	    cmocka_unit_test(spec_check_reports_bad_values_before_running),
	    cmocka_unit_test(json_path_reads_members_indices_and_named_elements),
	    cmocka_unit_test(json_parse_rejects_malformed_documents),
	    cmocka_unit_test(setting_l1d_entries_resizes_every_array_keeping_ways),
	    cmocka_unit_test(point_run_trace_computes_metrics_from_the_report),
	    cmocka_unit_test(point_run_gen_applies_frames_and_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
