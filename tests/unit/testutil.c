#include "testutil.h"

#include "vmsim/error.h"

const char *testutil_strerror(int rc)
{
	return vmsim_strerror(rc);
}

void testutil_check_phys(const struct phys_mem *pm)
{
	char why[256] = "";
	if (phys_check(pm, why, sizeof(why)) != 0)
		fail_msg("phys invariant broken: %s", why);
}
