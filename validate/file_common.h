/*
 * The file steps several cases share: a 50 MiB file of the test directory,
 * mapped MAP_SHARED read-only, one byte read per page, after preparing the
 * page cache one way (cold, warm from an earlier mmap read, warm from
 * read(), or MADV_WILLNEED) under some madvise advice. Reports
 *   value[0] major faults of the read pass
 *   value[1] minor faults of the read pass
 *   value[2] Rss of the area in KiB afterwards
 */
#ifndef VMSIM_VALIDATE_FILE_COMMON_H
#define VMSIM_VALIDATE_FILE_COMMON_H

#include "validate.h"

#define VFILE_MIB 50

enum vfile_prep {
	VFILE_COLD,	 /* dropped with POSIX_FADV_DONTNEED */
	VFILE_WARM_MMAP, /* cold, then read once through another mapping */
	VFILE_WARM_READ, /* cold, then read() in 128 KiB pieces, as cat does */
	VFILE_WILLNEED,	 /* cold, then madvise(MADV_WILLNEED) on the mapping */
};

/* @advice: VMSIM_MADV_NORMAL, _SEQUENTIAL or _RANDOM. @dir: where the file
 * lives; @ra_kb: read_ahead_kb of its device. */
int vfile_native(const char *dir, enum vfile_prep prep, int advice, double *value, char *why,
		 size_t whylen);
int vfile_sim(const struct vhost *h, const char *dir, uint64_t ra_kb, enum vfile_prep prep,
	      int advice, double *value, char *why, size_t whylen);

#endif
