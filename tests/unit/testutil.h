/*
 * Helpers shared by the cmocka unit tests; includes cmocka.h after the
 * headers it needs (stdarg.h, stddef.h, stdint.h, setjmp.h).
 */
#ifndef VMSIM_TESTUTIL_H
#define VMSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h last: it relies on the headers above */
#include <cmocka.h>

#include "phys/phys.h"

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

#endif
