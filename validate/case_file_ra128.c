/* make validate case: 50 MiB file mmap, one byte read per page, cold cache, on a device with
 * read_ahead_kb 128 (VMSIM_VALIDATE_RA128_DIR). */
#include "file_common.h"

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	if (!h->dir_ra128)
		return vwhy(VCASE_SKIP, why, whylen, "VMSIM_VALIDATE_RA128_DIR is not set");
	return vfile_native(h->dir_ra128, VFILE_COLD, VMSIM_MADV_NORMAL, v, why, whylen);
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	if (!h->dir_ra128)
		return vwhy(VCASE_SKIP, why, whylen, "VMSIM_VALIDATE_RA128_DIR is not set");
	return vfile_sim(h, h->dir_ra128, 128, VFILE_COLD, VMSIM_MADV_NORMAL, v, why, whylen);
}

const struct vcase vcase_file_ra128 = {
    .name = "file_ra128",
    .title = "50 MiB file mmap, one byte read per page, cold cache, on a device with read_ahead_kb "
	     "128 (VMSIM_VALIDATE_RA128_DIR)",
    .metric = {{"major faults", 0, 1, NULL},
	       {"minor faults", 2, 2, NULL},
	       {"Rss KiB", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
