/*
 * The counter tables (include/vmsim/stats_table.h) against every output
 * made from them: each system and process row must appear in the JSON
 * report (at its path, with its value), in the text report (its label with
 * its value, or its column header), in the CSV header (with a d_ column
 * when cumulative), among the scenario figures (accepted by the evaluator,
 * also after `last.`), and in docs/FORMATS.md and docs/SCENARIOS.md. A row
 * an output leaves out fails here with the row's name.
 *
 * The run: 16 MiB of RAM, 16 MiB of swap, working-set sampling on (the
 * working-set line is printed only when samples exist) and khugepaged on
 * (its line likewise); process 1 writes 64 pages, forks, and its child
 * writes 16 of them.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/plot.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/series.h"
#include "vmsim/error.h"
#include "vmsim/stats_table.h"
#include "vmsim/vm.h"
#include "workload/scenario.h"
#include "workload/sweep.h"

#ifndef VMSIM_SOURCE_DIR
#define VMSIM_SOURCE_DIR "."
#endif

#define PG 4096ULL

struct fixture {
	struct vmsim_system *sys;
	int parent, child;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	vaddr_t at;

	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 16ULL << 20;
	cfg.swap_bytes = 16ULL << 20;
	cfg.wss_window = 32;
	cfg.khugepaged = true; /* its report line is printed only when it is on */
	cfg.seed = 5;
	assert_ok(vmsim_system_new(&cfg, &f->sys));
	assert_ok(vmsim_process_create(f->sys, &f->parent));
	assert_ok(vmsim_mmap(f->sys, f->parent, 0, 64 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &at));
	for (uint64_t i = 0; i < 64; i++)
		assert_ok(vmsim_access(f->sys, f->parent, at + i * PG, 8, VMSIM_WRITE, NULL));
	assert_ok(vmsim_fork(f->sys, f->parent, &f->child));
	for (uint64_t i = 0; i < 16; i++)
		assert_ok(vmsim_access(f->sys, f->child, at + i * PG, 8, VMSIM_WRITE, NULL));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vmsim_system_free(f->sys);
	free(f);
	return 0;
}

/* ---- the tables themselves ---------------------------------------------- */

/* Names must be unique in a table, or a lookup would find the wrong row. */
static void tables_have_unique_names_and_a_label_each(void **state)
{
	(void)state;
	for (int scope = 0; scope < 2; scope++) {
		size_t n;
		const struct vmsim_stat_desc *t =
		    scope ? vmsim_proc_stat_table(&n) : vmsim_sys_stat_table(&n);
		assert_true(n > 20);
		for (size_t i = 0; i < n; i++) {
			assert_non_null(t[i].json);
			assert_non_null(t[i].figure);
			assert_non_null(t[i].label);
			assert_true(t[i].doc && *t[i].doc);
			assert_true(t[i].section < VMSIM_STAT_NSECTIONS);
			for (size_t j = 0; j < i; j++) {
				if (!strcmp(t[i].json, t[j].json) ||
				    !strcmp(t[i].figure, t[j].figure) ||
				    (t[i].csv && t[j].csv && !strcmp(t[i].csv, t[j].csv)))
					fail_msg("rows %s and %s share a name", t[j].field,
						 t[i].field);
			}
		}
	}
}

static void lookups_find_rows_by_figure_and_json_path(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats st;
	struct vmsim_proc_stats ps;
	const struct vmsim_stat_desc *d;

	assert_ok(vmsim_sys_stats(f->sys, &st));
	d = vmsim_stat_by_figure(VMSIM_STAT_SYS, "faults.minor");
	assert_non_null(d);
	assert_string_equal(d->field, "faults_minor");
	assert_int_equal(vmsim_stat_u64(d, &st), st.faults_minor);
	d = vmsim_stat_by_figure(VMSIM_STAT_SYS, "mem.free");
	assert_non_null(d);
	assert_int_equal(d->unit, VMSIM_STAT_PAGES);
	assert_true(vmsim_stat_scaled(d, &st) == (double)(st.frames_free * PG));
	d = vmsim_stat_by_figure(VMSIM_STAT_SYS, "walk.count");
	assert_non_null(d);
	assert_int_equal(vmsim_stat_u64(d, &st), st.mmu.walk.walks);
	d = vmsim_stat_by_json(VMSIM_STAT_SYS, "files.writeback_errors");
	assert_non_null(d);
	assert_string_equal(d->figure, "files.writeback_errors");
	d = vmsim_stat_by_figure(VMSIM_STAT_SYS, "time.seconds");
	assert_non_null(d);
	assert_true(vmsim_stat_value(d, &st) == st.seconds);

	assert_ok(vmsim_proc_stats(f->sys, f->child, &ps));
	d = vmsim_stat_by_figure(VMSIM_STAT_PROC, "cow.copies");
	assert_non_null(d);
	assert_int_equal(vmsim_stat_u64(d, &ps), 16);
	d = vmsim_stat_by_figure(VMSIM_STAT_PROC, "pid");
	assert_int_equal(vmsim_stat_u64(d, &ps), (uint64_t)f->child);
	d = vmsim_stat_by_figure(VMSIM_STAT_PROC, "alive");
	assert_true(vmsim_stat_value(d, &ps) == 1.0);

	assert_null(vmsim_stat_by_figure(VMSIM_STAT_SYS, "swap.outz"));
	assert_null(vmsim_stat_by_figure(VMSIM_STAT_SYS, NULL));
	assert_null(vmsim_stat_by_json(VMSIM_STAT_PROC, "nothing"));
	/* scopes are separate: vms is a process figure only */
	assert_null(vmsim_stat_by_figure(VMSIM_STAT_SYS, "vms"));
}

/* ---- JSON --------------------------------------------------------------- */

static void json_report_has_every_row_with_its_value(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats st;
	struct vmsim_proc_stats ps;
	struct capture c;
	struct sweep_json *doc;
	char err[256], why[256], path[160];
	size_t n;
	const struct vmsim_stat_desc *t;
	static const struct report_json_opts opts = {.indent = 0, .smaps = false};

	assert_ok(report_json_write(capture_start(&c), f->sys, &opts));
	char *text = capture_end(&c);
	assert_ok(sweep_json_parse(text, strlen(text), &doc, err, sizeof(err)));
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_ok(vmsim_proc_stats(f->sys, f->parent, &ps));

	t = vmsim_sys_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct sweep_json *v;
		snprintf(path, sizeof(path), "system.%s", t[i].json);
		if (sweep_json_path(doc, path, false, &v, why, sizeof(why)))
			fail_msg("row %s: %s", t[i].field, why);
		double want = vmsim_stat_value(&t[i], &st);
		if (fabs(v->num - want) > 1e-9 * (fabs(want) + 1))
			fail_msg("row %s: JSON %g, counter %g", t[i].field, v->num, want);
	}
	t = vmsim_proc_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct sweep_json *v;
		snprintf(path, sizeof(path), "processes[0].%s", t[i].json);
		if (sweep_json_path(doc, path, false, &v, why, sizeof(why)))
			fail_msg("process row %s: %s", t[i].field, why);
		if (v->num != vmsim_stat_value(&t[i], &ps))
			fail_msg("process row %s: JSON %g, counter %g", t[i].field, v->num,
				 vmsim_stat_value(&t[i], &ps));
	}
	/* the pieces that are no rows are there too */
	const struct sweep_json *v;
	assert_ok(sweep_json_path(doc, "system.faults.invalid", false, &v, why, sizeof(why)));
	assert_ok(
	    sweep_json_path(doc, "system.mmu.walk.refs_per_walk", false, &v, why, sizeof(why)));
	assert_ok(sweep_json_path(doc, "system.mmu.tlb[L1D].misses", false, &v, why, sizeof(why)));
	sweep_json_free(doc);
	free(text);
}

/* ---- text --------------------------------------------------------------- */

/* Row @d of @stats as the text report prints values. */
static void text_value(const struct vmsim_stat_desc *d, const void *stats, char *buf, size_t len)
{
	switch (d->unit) {
	case VMSIM_STAT_PAGES:
	case VMSIM_STAT_BYTES:
		snprintf(buf, len, "%s", report_bytes((uint64_t)vmsim_stat_scaled(d, stats)).s);
		return;
	case VMSIM_STAT_FLAG:
		snprintf(buf, len, "%s", vmsim_stat_value(d, stats) != 0 ? "yes" : "no");
		return;
	case VMSIM_STAT_SECONDS:
		snprintf(buf, len, "%s", report_seconds(vmsim_stat_value(d, stats)).s);
		return;
	case VMSIM_STAT_RATIO:
		snprintf(buf, len, "%s", report_ratio(vmsim_stat_value(d, stats)).s);
		return;
	case VMSIM_STAT_COUNT:
		break;
	}
	snprintf(buf, len, "%s", report_count(vmsim_stat_u64(d, stats)).s);
}

/* @label with "%s" replaced by @value. */
static void fill_label(const char *label, const char *value, char *buf, size_t len)
{
	const char *at = strstr(label, "%s");
	assert_non_null(at);
	snprintf(buf, len, "%.*s%s%s", (int)(at - label), label, value, at + 2);
}

static void text_report_has_every_row(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats st;
	struct vmsim_proc_stats ps;
	struct capture c;
	char val[64], want[192];
	size_t n;
	const struct vmsim_stat_desc *t;

	FILE *out = capture_start(&c);
	report_memory(out, f->sys);
	report_processes(out, f->sys, NULL);
	report_faults(out, f->sys, NULL);
	report_walks(out, f->sys);
	report_reclaim(out, f->sys);
	report_time(out, f->sys);
	assert_ok(report_process(out, f->sys, f->parent, NULL));
	char *text = capture_end(&c);
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_true(st.wss_samples > 0);

	t = vmsim_sys_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (t[i].section == VMSIM_STAT_SEC_WALK) { /* a column of the walks table */
			if (!strstr(text, t[i].label))
				fail_msg("row %s: no column '%s' in\n%s", t[i].field, t[i].label,
					 text);
			continue;
		}
		text_value(&t[i], &st, val, sizeof(val));
		fill_label(t[i].label, val, want, sizeof(want));
		if (!strstr(text, want))
			fail_msg("row %s: no '%s' in\n%s", t[i].field, want, text);
	}
	t = vmsim_proc_stat_table(&n);
	assert_ok(vmsim_proc_stats(f->sys, f->parent, &ps));
	for (size_t i = 0; i < n; i++) {
		if (!strstr(text, t[i].label))
			fail_msg("process row %s: no column '%s' in\n%s", t[i].field, t[i].label,
				 text);
		if (t[i].section != VMSIM_STAT_SEC_PMEM)
			continue;
		/* the one-line summary says "label value" */
		text_value(&t[i], &ps, val, sizeof(val));
		snprintf(want, sizeof(want), "%s %s", t[i].label, val);
		if (!strstr(text, want))
			fail_msg("process row %s: no '%s' in\n%s", t[i].field, want, text);
	}
	free(text);
}

/* ---- CSV and plots -------------------------------------------------------- */

/* Is @name one of the comma-separated fields of @header? */
static bool has_field(const char *header, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = header; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

static void csv_header_has_every_row_and_the_plot_columns(void **state)
{
	struct fixture *f = *state;
	struct series *s = series_new();
	struct capture c;
	char d[96];
	size_t n;
	const struct vmsim_stat_desc *t;

	assert_non_null(s);
	assert_ok(series_sample(s, f->sys, 80, NULL));
	assert_ok(series_sample(s, f->sys, 80, "end"));
	assert_ok(report_csv_write(capture_start(&c), s, NULL));
	char *text = capture_end(&c);
	char *nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_int_equal(strncmp(text, REPORT_CSV_FIRST_COLUMNS, strlen(REPORT_CSV_FIRST_COLUMNS)),
			 0);

	t = vmsim_sys_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].csv)
			fail_msg("row %s has no CSV column", t[i].field);
		if (!has_field(text, t[i].csv))
			fail_msg("row %s: no column %s in %s", t[i].field, t[i].csv, text);
		snprintf(d, sizeof(d), "d_%s", t[i].csv);
		if (t[i].kind == VMSIM_STAT_CUM && !has_field(text, d))
			fail_msg("cumulative row %s: no column %s", t[i].field, d);
	}
	t = vmsim_proc_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].csv)
			continue;
		snprintf(d, sizeof(d), "%s%d", t[i].csv, f->parent);
		if (!has_field(text, d))
			fail_msg("process row %s: no column %s", t[i].field, d);
	}
	const char *const *need = plot_csv_columns(&n);
	for (size_t i = 0; i < n; i++)
		if (!has_field(text, need[i]))
			fail_msg("the plots read column %s, which the CSV lacks", need[i]);
	free(text);
	series_free(s);
}

/* ---- scenario figures ------------------------------------------------------- */

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t k = strlen(s);
	if (*len + k + 1 > *cap) {
		*cap = (*len + k + 1) * 2;
		*buf = realloc(*buf, *cap);
		assert_non_null(*buf);
	}
	memcpy(*buf + *len, s, k + 1);
	*len += k;
}

static void every_figure_is_known_to_scenarios(void **state)
{
	char *text = NULL, line[160];
	size_t len = 0, cap = 0, n, want = 0;
	const struct vmsim_stat_desc *t;
	struct scenario_result res;
	struct capture out, err;
	(void)state;

	append(&text, &len, &cap,
	       "machine ram=16M swap=16M wss=32\nprocess A\nmmap A buf 256K\n"
	       "touch A buf write\nfork A B\ntouch B buf[0:64K] write\n");
	t = vmsim_sys_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "expect %s >= 0\nexpect last.%s >= 0\n", t[i].figure,
			 t[i].figure);
		append(&text, &len, &cap, line);
		want += 2;
	}
	t = vmsim_proc_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "expect B.%s >= 0\n", t[i].figure);
		append(&text, &len, &cap, line);
		want++;
	}
	/* values as the table reads them */
	append(&text, &len, &cap,
	       "expect B.cow.copies == 16\nexpect mem.total == 16M\nexpect swap.total == 16M\n"
	       "expect last.faults.minor == 16\nexpect B.alive\n");
	want += 5;

	struct scenario_opts o = {.out = capture_start(&out), .err = capture_start(&err)};
	o.headline = true;
	int rc = scenario_run_text("figures.vms", text, NULL, &o, &res);
	char *outs = capture_end(&out), *errs = capture_end(&err);
	if (rc)
		fail_msg("scenario failed (%d): %s", rc, errs);
	assert_int_equal(res.expects, want);
	assert_int_equal(res.failed, 0);
	free(outs);
	free(errs);
	free(text);
}

/* ---- documentation ------------------------------------------------------------ */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Does @doc hold `@prefix@name` (in backquotes)? */
static bool documents(const char *doc, const char *prefix, const char *name)
{
	char want[160];
	snprintf(want, sizeof(want), "`%s%s`", prefix, name);
	return strstr(doc, want) != NULL;
}

static void docs_list_every_row(void **state)
{
	char *formats = slurp(VMSIM_SOURCE_DIR "/docs/FORMATS.md");
	char *scen = slurp(VMSIM_SOURCE_DIR "/docs/SCENARIOS.md");
	size_t n;
	const struct vmsim_stat_desc *t;
	(void)state;

	t = vmsim_sys_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!documents(formats, "system.", t[i].json))
			fail_msg("docs/FORMATS.md lacks `system.%s`", t[i].json);
		if (!documents(formats, "", t[i].csv))
			fail_msg("docs/FORMATS.md lacks the CSV column `%s`", t[i].csv);
		if (!documents(scen, "", t[i].figure))
			fail_msg("docs/SCENARIOS.md lacks the figure `%s`", t[i].figure);
	}
	t = vmsim_proc_stat_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!documents(formats, "", t[i].json))
			fail_msg("docs/FORMATS.md lacks the process member `%s`", t[i].json);
		if (!documents(scen, "P.", t[i].figure))
			fail_msg("docs/SCENARIOS.md lacks the figure `P.%s`", t[i].figure);
	}
	free(formats);
	free(scen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tables_have_unique_names_and_a_label_each),
	    cmocka_unit_test_setup_teardown(lookups_find_rows_by_figure_and_json_path, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(json_report_has_every_row_with_its_value, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(text_report_has_every_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(csv_header_has_every_row_and_the_plot_columns, setup,
					    teardown),
	    cmocka_unit_test(every_figure_is_known_to_scenarios),
	    cmocka_unit_test(docs_list_every_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
