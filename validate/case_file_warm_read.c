/* make validate case: 50 MiB file mmap, one byte read per page, cache filled by read() in 128 KiB
 * pieces (as cat does). */
#include "file_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_native(h->dir, VFILE_WARM_READ, VMSIM_MADV_NORMAL, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	return vfile_sim(h, h->dir, h->read_ahead_kb, VFILE_WARM_READ, VMSIM_MADV_NORMAL, v, why,
			 whylen);
}

const struct vcase vcase_file_warm_read = {
    .name = "file_warm_read",
    .title = "50 MiB file mmap, one byte read per page, cache filled by read() in 128 KiB pieces "
	     "(as cat does)",
    .metric = {{"major faults", 0, 1, NULL},
	       {"minor faults", 2, 2, NULL},
	       {"Rss KiB", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
