/*
 * make validate case: copy-on-write after fork. The parent writes every page
 * of 16 MiB of private anonymous memory and forks; the child writes the
 * first half. Measured in the child: its faults, and the area's Rss, Pss,
 * Shared_Dirty and Private_Dirty.
 */
#define _GNU_SOURCE

#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "validate.h"

#define LEN  (16ULL << 20)
#define HALF (LEN / 2)

static const char *const fields[] = {"Rss", "Pss", "Shared_Dirty", "Private_Dirty"};

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	(void)h;
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[2];
	if (p == MAP_FAILED || pipe(fds) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "mmap or pipe failed");
	/* the parent's pages must stay 4 KiB, as in vmsim with THP madvise */
	madvise(p, LEN, MADV_NOHUGEPAGE);
	for (uint64_t off = 0; off < LEN; off += 4096)
		p[off] = 1;
	pid_t child = fork();
	if (child < 0)
		return vwhy(VCASE_FAIL, why, whylen, "fork failed");
	if (child == 0) {
		double cv[5];
		struct vrusage t0 = vru_now();
		for (uint64_t off = 0; off < HALF; off += 4096)
			p[off] = 2;
		cv[0] = (double)vru_since(t0).minor;
		for (int i = 0; i < 4; i++)
			cv[1 + i] = (double)vsmaps_kib(p, fields[i]);
		_exit(write(fds[1], cv, sizeof(cv)) == (ssize_t)sizeof(cv) ? 0 : 1);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], v, 5 * sizeof(double));
	waitpid(child, NULL, 0);
	if (n != 5 * (ssize_t)sizeof(double))
		return vwhy(VCASE_FAIL, why, whylen, "the child did not report");
	return 0;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1;
	int pid, child, rc;
	vaddr_t va;
	vsim_config(h, &cfg);
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	rc = vmsim_mmap(sys, pid, 0, LEN, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &va);
	if (!rc)
		rc = vmsim_madvise(sys, pid, va, LEN, VMSIM_MADV_NOHUGEPAGE);
	if (!rc)
		rc = vsim_touch(sys, pid, va, LEN, true);
	if (!rc)
		rc = vmsim_fork(sys, pid, &child);
	if (!rc) {
		vmsim_proc_stats(sys, child, &s0);
		rc = vsim_touch(sys, child, va, HALF, true);
		vmsim_proc_stats(sys, child, &s1);
	}
	if (rc) {
		vmsim_system_free(sys);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	}
	v[0] = (double)(s1.faults_minor - s0.faults_minor);
	for (int i = 0; i < 4; i++)
		v[1 + i] = vsim_smaps_kib(sys, child, va, fields[i]);
	vmsim_system_free(sys);
	return 0;
}

const struct vcase vcase_anon_cow_fork = {
    .name = "anon_cow_fork",
    .title = "16 MiB private anonymous memory written, fork, the child writes the first half: the "
	     "child's faults and smaps of the area",
    .metric = {{"child faults", 0.5, 2, NULL},
	       {"Rss KiB", 0.5, 8, NULL},
	       {"Pss KiB", 0.5, 8, NULL},
	       {"Shared_Dirty KiB", 0.5, 8, NULL},
	       {"Private_Dirty KiB", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
