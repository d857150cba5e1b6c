/*
 * The anonymous-memory steps several cases share: map @len bytes of private
 * anonymous memory (optionally MAP_POPULATE or MADV_HUGEPAGE), touch one
 * byte of every page, and report
 *   value[0] minor faults of the touch (with MAP_POPULATE: of the mmap call)
 *   value[1] major faults of the same
 *   value[2] Rss of the area in KiB
 *   value[3] AnonHugePages of the area in KiB
 *   value[4] minor faults of the touch after MAP_POPULATE (else 0)
 */
#ifndef VMSIM_VALIDATE_ANON_COMMON_H
#define VMSIM_VALIDATE_ANON_COMMON_H

#include "validate.h"

#define VANON_WRITE    1 /* store (else load) */
#define VANON_POPULATE 2 /* MAP_POPULATE */
#define VANON_HUGE     4 /* MADV_HUGEPAGE before the touch */

int vanon_native(uint64_t len, unsigned how, double *value, char *why, size_t whylen);
int vanon_sim(const struct vhost *h, uint64_t len, unsigned how, double *value, char *why,
	      size_t whylen);

#define VANON_METRICS                                                                              \
	{"minor faults", 0.5, 2, NULL}, {"major faults", 0, 0, NULL}, {"Rss KiB", 0.5, 8, NULL},   \
	    {"AnonHugePages KiB", 0.5, 0, NULL},                                                   \
	{                                                                                          \
		"touch faults", 0.5, 2, NULL                                                       \
	}

#endif
