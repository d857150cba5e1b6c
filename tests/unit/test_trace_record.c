/*
 * vmsim record on a real program: this test binary records itself. Run
 * as "test_trace_record --touch N" it maps N pages at TOUCH_BASE and
 * writes one byte in each; the test records that run under Valgrind,
 * replays the trace and checks the known property: every one of the N
 * pages is touched, mapped after the replay, and faulted at least once.
 * Without valgrind, or in an AddressSanitizer build (such a binary cannot
 * run under valgrind), the recording test is reported as skipped.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/trace.h"

#define TOUCH_BASE  0x5a0000000ULL /* far from the heap, the libraries and valgrind */
#define TOUCH_PAGES 64

static char g_self[PATH_MAX];
static char g_out[64];

/* The traced program: touch @n pages at TOUCH_BASE. */
static int touch(long n)
{
	volatile char *p = mmap((void *)TOUCH_BASE, (size_t)n * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || (uintptr_t)p != TOUCH_BASE) {
		fprintf(stderr, "touch: could not map at 0x%llx\n", (unsigned long long)TOUCH_BASE);
		return 3;
	}
	for (long i = 0; i < n; i++)
		p[i * 4096 + 100] = (char)i;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(g_out, sizeof(g_out), "/tmp/vmsim-record-test.%ld.vmt", (long)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(g_out);
	return 0;
}

static void record_touching_program_faults_every_page(void **state)
{
	char pages[16];
	char *argv[] = {g_self, "--touch", pages, NULL};
	struct trace_record_opts o = {
	    .out_path = g_out, .zstd_level = 3, .tool = TRACE_TOOL_LACKEY};
	struct trace_record_result res;
	struct trace_error err;
	struct trace *t;
	struct trace_rec batch[TRACE_BATCH];
	bool touched[TOUCH_PAGES] = {false};
	size_t n;

	(void)state;
#ifdef __SANITIZE_ADDRESS__
	skip(); /* valgrind cannot run an ASan-instrumented program */
#endif
	if (!trace_find_program("valgrind"))
		skip(); /* recording needs valgrind */
	snprintf(pages, sizeof(pages), "%d", TOUCH_PAGES);
	if (trace_record(argv, &o, &res, &err))
		fail_msg("trace_record: %s", err.msg);
	assert_int_equal(res.exit_status, 0);
	assert_true(res.accesses > 1000);
	assert_int_equal(res.records, res.accesses);

	/* the trace has a store in every page of the array */
	assert_ok(trace_open(&t, g_out, NULL, &err));
	assert_string_equal(trace_get_info(t)->format, "vmsim");
	assert_string_equal(trace_get_info(t)->compression, "zstd");
	assert_int_equal(trace_get_info(t)->source, TRACE_SRC_LACKEY);
	while (trace_read(t, batch, TRACE_BATCH, &n, &err) == 0 && n > 0)
		for (size_t i = 0; i < n; i++) {
			uint64_t off = batch[i].addr - TOUCH_BASE;
			if (batch[i].kind == TRACE_WRITE && off < TOUCH_PAGES * 4096ULL)
				touched[off / 4096] = true;
		}
	trace_close(t);
	for (int i = 0; i < TOUCH_PAGES; i++)
		if (!touched[i])
			fail_msg("page %d of the array has no store in the trace", i);

	/* replayed, each of those pages is mapped and the faults cover them */
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct replay_opts ro;
	struct replay_stats st;
	struct vmsim_proc_stats ps;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 256 << 20;
	cfg.swap_bytes = 0;
	assert_ok(vmsim_system_new(&cfg, &sys));
	replay_opts_default(&ro);
	if (replay_file(sys, g_out, &ro, &st, &err))
		fail_msg("replay: %s", err.msg);
	assert_true(st.inferred_vmas >= 1);
	for (int i = 0; i < TOUCH_PAGES; i++) {
		struct vmsim_walk_info w;
		assert_ok(vmsim_walk_describe(sys, st.first_pid, TOUCH_BASE + 4096ULL * i, &w));
		if (!w.mapped)
			fail_msg("page %d of the array is not mapped after the replay", i);
	}
	assert_ok(vmsim_proc_stats(sys, st.first_pid, &ps));
	assert_true(ps.faults_minor >= TOUCH_PAGES);
	assert_int_equal(ps.faults_invalid, 0);
	vmsim_system_free(sys);
}

static void record_true_writes_a_readable_trace(void **state)
{
	char *argv[] = {"true", NULL};
	struct trace_record_opts o = {.out_path = g_out, .zstd_level = 1};
	struct trace_record_result res;
	struct trace_rec batch[TRACE_BATCH];
	struct trace_error err;
	struct trace *t;
	uint64_t records = 0, fetches = 0;
	size_t n;

	(void)state;
	if (!trace_find_program("valgrind"))
		skip();
	if (trace_record(argv, &o, &res, &err))
		fail_msg("trace_record: %s", err.msg);
	assert_int_equal(res.exit_status, 0);
	assert_ok(trace_open(&t, g_out, NULL, &err));
	while (trace_read(t, batch, TRACE_BATCH, &n, &err) == 0 && n > 0)
		for (size_t i = 0; i < n; i++) {
			records++;
			fetches += batch[i].kind == TRACE_EXEC;
		}
	trace_close(t);
	assert_int_equal(records, res.records);
	/* even true runs the dynamic loader: many thousands of instructions */
	assert_true(fetches > 10000);
}

static void record_missing_valgrind_is_a_clear_error(void **state)
{
	char *argv[] = {"true", NULL};
	struct trace_record_opts o = {.out_path = g_out, .valgrind = "/nonexistent/valgrind"};
	struct trace_record_result res;
	struct trace_error err;

	(void)state;
	assert_int_equal(trace_record(argv, &o, &res, &err), VMSIM_ENOTSUP);
	assert_non_null(strstr(err.msg, "not found"));
	assert_int_equal(access(g_out, F_OK), -1); /* no output left behind */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(record_touching_program_faults_every_page, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(record_true_writes_a_readable_trace, setup, teardown),
	    cmocka_unit_test_setup_teardown(record_missing_valgrind_is_a_clear_error, setup,
					    teardown),
	};

	if (argc == 3 && !strcmp(argv[1], "--touch"))
		return touch(atol(argv[2]));
	if (!realpath(argv[0], g_self))
		snprintf(g_self, sizeof(g_self), "%s", argv[0]);
	return testutil_result(cmocka_run_group_tests_name("trace record", tests, NULL, NULL));
}
