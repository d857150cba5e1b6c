/* The shared file steps (see file_common.h). */
#define _GNU_SOURCE

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "file_common.h"

#define LEN	 ((uint64_t)VFILE_MIB << 20)
#define READ_BUF (128 << 10) /* cat's buffer */

static int host_advice(int advice)
{
	return advice == VMSIM_MADV_SEQUENTIAL ? MADV_SEQUENTIAL
	       : advice == VMSIM_MADV_RANDOM   ? MADV_RANDOM
					       : MADV_NORMAL;
}

static void read_pages(const char *p)
{
	volatile char sink = 0;
	for (uint64_t off = 0; off < LEN; off += 4096)
		sink += p[off];
	(void)sink;
}

int vfile_native(const char *dir, enum vfile_prep prep, int advice, double *v, char *why,
		 size_t whylen)
{
	char path[512];
	if (vtest_file(dir, "file50.dat", VFILE_MIB, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	if (vdrop_file(path))
		return vwhy(VCASE_FAIL, why, whylen, "%s: posix_fadvise failed", path);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return vwhy(VCASE_FAIL, why, whylen, "%s: cannot open", path);
	if (prep == VFILE_WARM_MMAP) {
		char *w = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
		if (w == MAP_FAILED)
			return vwhy(VCASE_FAIL, why, whylen, "mmap failed");
		read_pages(w);
		munmap(w, LEN);
	} else if (prep == VFILE_WARM_READ) {
		char *buf = malloc(READ_BUF);
		if (!buf)
			return vwhy(VCASE_FAIL, why, whylen, "out of memory");
		while (read(fd, buf, READ_BUF) > 0)
			;
		free(buf);
	}
	char *p = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return vwhy(VCASE_FAIL, why, whylen, "mmap failed");
	if (advice != VMSIM_MADV_NORMAL)
		madvise(p, LEN, host_advice(advice));
	if (prep == VFILE_WILLNEED)
		madvise(p, LEN, MADV_WILLNEED);
	struct vrusage t0 = vru_now();
	read_pages(p);
	struct vrusage d = vru_since(t0);
	v[0] = (double)d.major;
	v[1] = (double)d.minor;
	v[2] = (double)vsmaps_kib(p, "Rss");
	munmap(p, LEN);
	close(fd);
	return 0;
}

int vfile_sim(const struct vhost *h, const char *dir, uint64_t ra_kb, enum vfile_prep prep,
	      int advice, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1;
	char path[512];
	int pid, fd, rc;
	vaddr_t va;
	if (vtest_file(dir, "file50.dat", VFILE_MIB, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	vsim_config(h, &cfg);
	cfg.readahead_kb = ra_kb;
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	if ((rc = vmsim_file_open(sys, path, false, &fd)))
		goto out;
	if (prep == VFILE_WARM_MMAP) {
		vaddr_t w;
		rc = vmsim_mmap(sys, pid, 0, LEN, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &w);
		if (!rc)
			rc = vsim_touch(sys, pid, w, LEN, false);
		if (!rc)
			rc = vmsim_munmap(sys, pid, w, LEN);
	} else if (prep == VFILE_WARM_READ) {
		uint64_t done = 1;
		while (!rc && done)
			rc = vmsim_file_read(sys, fd, NULL, READ_BUF, &done);
	}
	if (!rc)
		rc = vmsim_mmap(sys, pid, 0, LEN, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &va);
	if (!rc && advice != VMSIM_MADV_NORMAL)
		rc = vmsim_madvise(sys, pid, va, LEN, advice);
	if (!rc && prep == VFILE_WILLNEED)
		rc = vmsim_madvise(sys, pid, va, LEN, VMSIM_MADV_WILLNEED);
	vmsim_proc_stats(sys, pid, &s0);
	if (!rc)
		rc = vsim_touch(sys, pid, va, LEN, false);
	vmsim_proc_stats(sys, pid, &s1);
	if (!rc) {
		v[0] = (double)(s1.faults_major - s0.faults_major);
		v[1] = (double)(s1.faults_minor - s0.faults_minor);
		v[2] = vsim_smaps_kib(sys, pid, va, "Rss");
	}
out:
	vmsim_system_free(sys);
	if (rc)
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	return 0;
}
