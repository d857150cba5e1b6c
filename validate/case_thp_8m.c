/* make validate case: 8 MiB anonymous mmap with MADV_HUGEPAGE, one byte written per page. */
#include "anon_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	(void)h;
	return vanon_native(8ULL << 20, VANON_WRITE | VANON_HUGE, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vanon_sim(h, 8ULL << 20, VANON_WRITE | VANON_HUGE, v, why, whylen);
}

const struct vcase vcase_thp_8m = {
    .name = "thp_8m",
    .title = "8 MiB anonymous mmap with MADV_HUGEPAGE, one byte written per page",
    .metric = {VANON_METRICS},
    .native = native,
    .sim = sim,
};
