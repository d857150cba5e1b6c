/*
 * make validate case: fork without copying page tables that need none
 * (Linux's vma_needs_copy). The parent maps the 50 MiB test file
 * MAP_PRIVATE read-only and reads every page, maps 2 MiB of shared
 * anonymous memory and writes every page, then forks. Measured: the
 * child's Rss of both areas right after fork (Linux copies no PTE of them:
 * 0), the parent's file Pss right after fork (not halved), and the child's
 * faults reading one byte per page of the shared memory, then of the file.
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "validate.h"

#define FILE_LEN (50ULL << 20)
#define SHM_LEN	 (2ULL << 20)

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	char path[4096];
	int go[2], res[2];
	if (vtest_file(h->dir, "file50.dat", 50, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return vwhy(VCASE_FAIL, why, whylen, "cannot open %s", path);
	volatile char *f = mmap(NULL, FILE_LEN, PROT_READ, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, SHM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	close(fd);
	if (f == MAP_FAILED || s == MAP_FAILED || pipe(go) || pipe(res))
		return vwhy(VCASE_FAIL, why, whylen, "mmap or pipe failed");
	for (uint64_t off = 0; off < FILE_LEN; off += 4096)
		(void)f[off];
	for (uint64_t off = 0; off < SHM_LEN; off += 4096)
		s[off] = 1;
	pid_t child = fork();
	if (child < 0)
		return vwhy(VCASE_FAIL, why, whylen, "fork failed");
	if (child == 0) {
		double cv[4];
		char c;
		cv[0] = (double)vsmaps_kib((const void *)f, "Rss");
		cv[1] = (double)vsmaps_kib(s, "Rss");
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		struct vrusage t0 = vru_now();
		for (uint64_t off = 0; off < SHM_LEN; off += 4096)
			(void)((volatile char *)s)[off];
		cv[2] = (double)vru_since(t0).minor;
		t0 = vru_now();
		for (uint64_t off = 0; off < FILE_LEN; off += 4096)
			(void)f[off];
		struct vrusage d = vru_since(t0);
		cv[3] = (double)(d.minor + d.major);
		_exit(write(res[1], cv, sizeof(cv)) == (ssize_t)sizeof(cv) ? 0 : 1);
	}
	double pss = (double)vsmaps_kib((const void *)f, "Pss");
	double cv[4];
	ssize_t n = -1;
	if (write(go[1], "g", 1) == 1)
		n = read(res[0], cv, sizeof(cv));
	waitpid(child, NULL, 0);
	if (n != (ssize_t)sizeof(cv))
		return vwhy(VCASE_FAIL, why, whylen, "the child did not report");
	v[0] = cv[0];
	v[1] = cv[1];
	v[2] = pss;
	v[3] = cv[2];
	v[4] = cv[3];
	return 0;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1, s2;
	char path[4096];
	vaddr_t f, s;
	int pid, child, fd, rc;
	if (vtest_file(h->dir, "file50.dat", 50, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	vsim_config(h, &cfg);
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	rc = vmsim_file_open(sys, path, false, &fd);
	if (!rc)
		rc = vmsim_mmap(sys, pid, 0, FILE_LEN, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, 0,
				&f);
	if (!rc)
		rc = vmsim_mmap(sys, pid, 0, SHM_LEN, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
				VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS, -1, 0, &s);
	if (!rc)
		rc = vsim_touch(sys, pid, f, FILE_LEN, false);
	if (!rc)
		rc = vsim_touch(sys, pid, s, SHM_LEN, true);
	if (!rc)
		rc = vmsim_fork(sys, pid, &child);
	if (!rc) {
		v[0] = vsim_smaps_kib(sys, child, f, "Rss");
		v[1] = vsim_smaps_kib(sys, child, s, "Rss");
		v[2] = vsim_smaps_kib(sys, pid, f, "Pss");
		vmsim_proc_stats(sys, child, &s0);
		rc = vsim_touch(sys, child, s, SHM_LEN, false);
	}
	if (!rc) {
		vmsim_proc_stats(sys, child, &s1);
		rc = vsim_touch(sys, child, f, FILE_LEN, false);
		vmsim_proc_stats(sys, child, &s2);
	}
	if (rc) {
		vmsim_system_free(sys);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	}
	v[3] = (double)(s1.faults_minor - s0.faults_minor);
	v[4] = (double)(s2.faults_minor + s2.faults_major - s1.faults_minor - s1.faults_major);
	vmsim_system_free(sys);
	return 0;
}

const struct vcase vcase_fork_nocopy = {
    .name = "fork_nocopy",
    .title = "fork after reading a 50 MiB MAP_PRIVATE file mapping and writing 2 MiB of shared "
	     "anonymous memory: what the child has, and what it faults",
    .metric = {{"child file Rss KiB", 0, 8, NULL},
	       {"child shmem Rss KiB", 0, 8, NULL},
	       {"parent file Pss KiB", 0.5, 8, NULL},
	       {"child shmem read faults", 2, 1, NULL},
	       {"child file read faults", 2, 2,
		"both map a whole folio per fault, so the count is the number of folios the "
		"file is cached in. vmsim starts with the file out of its cache and builds the "
		"folios from the parent's mmap read-around (orders ramping up from the first "
		"window); the host's file is already cached (the case does not drop it), in "
		"folios made by whoever cached it first, and their sizes change from run to run "
		"(65 and 634 faults seen on this host). The copy itself matches: the child has "
		"none of these pages after fork"}},
    .native = native,
    .sim = sim,
};
