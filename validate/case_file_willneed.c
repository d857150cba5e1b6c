/* make validate case: 50 MiB file mmap, MADV_WILLNEED on the whole mapping, then one byte read per
 * page. */
#include "file_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_native(h->dir, VFILE_WILLNEED, VMSIM_MADV_NORMAL, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_sim(h, h->dir, h->read_ahead_kb, VFILE_WILLNEED, VMSIM_MADV_NORMAL, v, why,
			 whylen);
}

const struct vcase vcase_file_willneed = {
    .name = "file_willneed",
    .title = "50 MiB file mmap, MADV_WILLNEED on the whole mapping, then one byte read per page",
    .metric = {{"major faults", 0, 1, NULL},
	       {"minor faults", 2, 2, NULL},
	       {"Rss KiB", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
