/*
 * Helpers shared by the cmocka unit tests; includes cmocka.h after the
 * headers it needs (stdarg.h, stddef.h, stdint.h, setjmp.h).
 */
#ifndef VMSIM_TESTUTIL_H
#define VMSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* cmocka.h last: it relies on the headers above */
#include <cmocka.h>

#include "phys/phys.h"
#include "vmsim/vm.h"

/* Skipped cases: cmocka counts a skip() as a pass, so testutil counts them
 * itself. A main whose cases may skip returns
 * testutil_result(cmocka_run_group_tests(...)): 0 when every case passed,
 * TESTUTIL_SKIPPED when none failed and some skipped (CTest's
 * SKIP_RETURN_CODE, so the run lists the binary as skipped), 1 when some
 * failed. A binary that skips without returning through testutil_result
 * exits 1 (a skip must not pass unseen). */
#define TESTUTIL_SKIPPED 77
extern unsigned testutil_skips;
void testutil_note_skip(void);
int testutil_result(int failed);
#undef skip
#define skip() (testutil_note_skip(), _skip(__FILE__, __LINE__))

/* Fail the test, printing vmsim_strerror, unless @expr returns 0. */
#define assert_ok(expr)                                                                            \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != 0)                                                                      \
			fail_msg("%s returned %d (%s)", #expr, rc_, testutil_strerror(rc_));       \
	} while (0)

const char *testutil_strerror(int rc);

/* Fail the test if phys_check finds a broken invariant. */
void testutil_check_phys(const struct phys_mem *pm);

/* The machine fixture of the kernel tests. test_machine: the default
 * configuration with @ram bytes of RAM, data mode @data and, unless
 * @swap, no swap device. check_sys fails the test, printing the reason,
 * when vmsim_check finds a broken invariant; new_proc creates a process
 * and returns its pid. */
struct vmsim_system *test_machine(uint64_t ram, bool data, bool swap);
void check_sys(struct vmsim_system *sys);
int new_proc(struct vmsim_system *sys);
/* The system's and process @pid's counters now (the call must succeed). */
struct vmsim_sys_stats sst(struct vmsim_system *sys);
struct vmsim_proc_stats pst(struct vmsim_system *sys, int pid);

/* What a report function prints, kept in memory (open_memstream):
 * capture_start gives the stream to print to, capture_end closes it and
 * returns the text, which the caller frees. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
};
FILE *capture_start(struct capture *c);
char *capture_end(struct capture *c);

#endif
