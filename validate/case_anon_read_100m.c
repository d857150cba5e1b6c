/* make validate case: 100 MiB private anonymous mmap, one byte read per page (the zero page). */
#include "anon_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	(void)h;
	return vanon_native(100ULL << 20, 0, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vanon_sim(h, 100ULL << 20, 0, v, why, whylen);
}

const struct vcase vcase_anon_read_100m = {
    .name = "anon_read_100m",
    .title = "100 MiB private anonymous mmap, one byte read per page (the zero page)",
    .metric = {VANON_METRICS},
    .native = native,
    .sim = sim,
};
