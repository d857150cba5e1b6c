/* make validate case: 50 MiB file mmap, one byte read per page, cold cache, MADV_SEQUENTIAL. */
#include "file_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_native(h->dir, VFILE_COLD, VMSIM_MADV_SEQUENTIAL, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_sim(h, h->dir, h->read_ahead_kb, VFILE_COLD, VMSIM_MADV_SEQUENTIAL, v, why,
			 whylen);
}

const struct vcase vcase_file_cold_sequential = {
    .name = "file_cold_sequential",
    .title = "50 MiB file mmap, one byte read per page, cold cache, MADV_SEQUENTIAL",
    .metric = {{"major faults", 0, 1, NULL},
	       {"minor faults", 2, 2, NULL},
	       {"Rss KiB", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
