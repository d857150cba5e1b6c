/*
 * Tests of the binding entry points (src/api/script.c): configurations by
 * setting name, range accesses, JSON reports and runs, reference-string
 * misses. vmsim_check runs after every case that built a machine.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vmsim/error.h"
#include "vmsim/script.h"
#include "vmsim/vm.h"

#ifndef VMSIM_SOURCE_DIR
#define VMSIM_SOURCE_DIR "."
#endif

static void check_machine(struct vmsim_system *sys)
{
	char why[256];
	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
}

static void config_set_applies_and_refuses_without_change(void **state)
{
	(void)state;
	char why[256] = "";
	struct vmsim_config *cfg = vmsim_config_new();
	assert_non_null(cfg);
	assert_ok(vmsim_config_set(cfg, "ram", "64M", why, sizeof(why)));
	assert_int_equal(cfg->ram_bytes, 64ull << 20);
	assert_ok(vmsim_config_set(cfg, "data", "on", why, sizeof(why)));
	assert_true(cfg->data_mode);
	assert_int_equal(vmsim_config_set(cfg, "ram", "lots", why, sizeof(why)), VMSIM_EINVAL);
	assert_non_null(strstr(why, "lots"));
	assert_int_equal(cfg->ram_bytes, 64ull << 20);
	assert_int_equal(vmsim_config_set(cfg, "frobnicate", "1", why, sizeof(why)), VMSIM_EINVAL);
	assert_int_equal(vmsim_config_set(cfg, NULL, "1", why, sizeof(why)), VMSIM_EINVAL);
	vmsim_config_free(cfg);
	vmsim_config_free(NULL);
}

static void access_range_touches_every_page_once(void **state)
{
	(void)state;
	struct vmsim_config *cfg = vmsim_config_new();
	struct vmsim_system *sys;
	struct vmsim_range_result r;
	vaddr_t a;
	int pid;
	assert_ok(vmsim_config_set(cfg, "ram", "64M", NULL, 0));
	assert_ok(vmsim_system_new(cfg, &sys));
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 100 * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a));
	assert_ok(vmsim_access_range(sys, pid, a, 100 * 4096, 0, 1, VMSIM_WRITE, &r));
	assert_int_equal(r.accesses, 100);
	assert_int_equal(r.faults_minor, 100);
	assert_ok(vmsim_access_range(sys, pid, a, 100 * 4096, 512, 8, VMSIM_READ, &r));
	assert_int_equal(r.accesses, 800);
	assert_int_equal(r.faults_minor, 0);
	assert_int_equal(vmsim_access_range(sys, pid, a, 4096, 0, 0, VMSIM_READ, &r), VMSIM_EINVAL);
	/* past the mapping: SIGSEGV kills the process and the range stops */
	assert_ok(vmsim_access_range(sys, pid, a + 99 * 4096, 3 * 4096, 0, 1, VMSIM_READ, &r));
	assert_int_equal(r.segvs, 1);
	assert_true(r.killed);
	assert_int_equal(r.accesses, 2);
	check_machine(sys);
	vmsim_system_free(sys);
	vmsim_config_free(cfg);
}

static void report_json_names_the_counters(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	char *json = NULL;
	vaddr_t a;
	int pid;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64ull << 20;
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a));
	assert_ok(vmsim_access(sys, pid, a, 1, VMSIM_WRITE, NULL));
	assert_ok(vmsim_report_json(sys, true, "test", &json));
	assert_non_null(json);
	assert_non_null(strstr(json, "\"schema\":\"vmsim-report\""));
	assert_non_null(strstr(json, "\"workload\":\"test\""));
	assert_non_null(strstr(json, "\"faults_minor\":1"));
	assert_non_null(strstr(json, "\"smaps\""));
	const char *nl = strchr(json, '\n'); /* one line: at most a final newline */
	assert_true(nl == NULL || nl[1] == '\0');
	vmsim_string_free(json);
	assert_int_equal(vmsim_report_json(NULL, false, NULL, &json), VMSIM_EINVAL);
	check_machine(sys);
	vmsim_system_free(sys);
}

static void run_trace_json_reports_or_names_the_bad_file(void **state)
{
	(void)state;
	char why[512] = "", *json = NULL;
	assert_ok(vmsim_run_trace_json(NULL, VMSIM_SOURCE_DIR "/data/matmul-ikj.vmt", &json, why,
				       sizeof(why)));
	assert_non_null(strstr(json, "\"minor\":326"));
	vmsim_string_free(json);
	json = NULL;
	char path[] = "/tmp/vmsim-test-script-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "I  zz,4\n", 8), 8);
	close(fd);
	int rc = vmsim_run_trace_json(NULL, path, &json, why, sizeof(why));
	unlink(path);
	assert_int_not_equal(rc, 0);
	assert_null(json);
	assert_non_null(strstr(why, path));
}

static void run_scenario_json_counts_checks(void **state)
{
	(void)state;
	char why[512] = "", *json = NULL;
	unsigned expects = 0, failed = 1;
	const char *const settings[] = {"seed=3", NULL};
	assert_ok(vmsim_run_scenario_json("s07-page-faults", settings, &json, &expects, &failed,
					  why, sizeof(why)));
	assert_true(expects > 0);
	assert_int_equal(failed, 0);
	assert_non_null(strstr(json, "\"invalid\":2"));
	vmsim_string_free(json);
	json = NULL;
	const char *const bad[] = {"ram=lots", NULL};
	assert_int_not_equal(
	    vmsim_run_scenario_json("s07-page-faults", bad, &json, NULL, NULL, why, sizeof(why)),
	    0);
	assert_null(json);
	assert_non_null(strstr(why, "lots"));
}

static void inspect_json_reads_this_process(void **state)
{
	(void)state;
	char why[512] = "", *json = NULL, want[64];
	assert_ok(vmsim_inspect_json(getpid(), false, &json, why, sizeof(why)));
	snprintf(want, sizeof(want), "\"pid\":%d", getpid());
	assert_non_null(strstr(json, want));
	vmsim_string_free(json);
	assert_int_equal(vmsim_inspect_json(0, false, &json, why, sizeof(why)), VMSIM_EINVAL);
	assert_int_equal(vmsim_inspect_json(4194303, false, &json, why, sizeof(why)), VMSIM_ESRCH);
}

static void paging_misses_give_beladys_anomaly_and_one_pass_lru(void **state)
{
	(void)state;
	const uint64_t refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
	const uint64_t frames[] = {3, 4};
	uint64_t misses[2];
	char why[256];
	assert_ok(vmsim_paging_misses(refs, 12, "fifo", frames, 2, misses, why, sizeof(why)));
	assert_int_equal(misses[0], 9);
	assert_int_equal(misses[1], 10);
	assert_ok(vmsim_paging_misses(refs, 12, "lru", frames, 2, misses, why, sizeof(why)));
	assert_int_equal(misses[0], 10);
	assert_int_equal(misses[1], 8);
	assert_ok(vmsim_paging_misses(refs, 12, "opt", frames, 2, misses, why, sizeof(why)));
	assert_int_equal(misses[0], 7);
	assert_int_equal(misses[1], 6);
	assert_int_equal(vmsim_paging_misses(refs, 12, "nope", frames, 2, misses, why, sizeof(why)),
			 VMSIM_EINVAL);
	assert_non_null(strstr(why, "nope"));
	const uint64_t zero[] = {0};
	assert_int_equal(vmsim_paging_misses(refs, 12, "lru", zero, 1, misses, why, sizeof(why)),
			 VMSIM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(config_set_applies_and_refuses_without_change),
	    cmocka_unit_test(access_range_touches_every_page_once),
	    cmocka_unit_test(report_json_names_the_counters),
	    cmocka_unit_test(run_trace_json_reports_or_names_the_bad_file),
	    cmocka_unit_test(run_scenario_json_counts_checks),
	    cmocka_unit_test(inspect_json_reads_this_process),
	    cmocka_unit_test(paging_misses_give_beladys_anomaly_and_one_pass_lru),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
