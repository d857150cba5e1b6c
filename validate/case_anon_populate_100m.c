/* make validate case: 100 MiB private anonymous mmap with MAP_POPULATE (faults of the mmap call),
 * then one byte written per page. */
#include "anon_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	(void)h;
	return vanon_native(100ULL << 20, VANON_WRITE | VANON_POPULATE, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vanon_sim(h, 100ULL << 20, VANON_WRITE | VANON_POPULATE, v, why, whylen);
}

const struct vcase vcase_anon_populate_100m = {
    .name = "anon_populate_100m",
    .title = "100 MiB private anonymous mmap with MAP_POPULATE (faults of the mmap call), then one "
	     "byte written per page",
    .metric = {VANON_METRICS},
    .native = native,
    .sim = sim,
};
