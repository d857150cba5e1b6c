/*
 * make validate case: overcommit accounting under the host's
 * overcommit_memory (0, the heuristic, on a default system). A private
 * anonymous request four times RAM is refused; half of RAM is accepted.
 * The change of Committed_AS (/proc/meminfo) for 1 GiB mapped: private
 * writable (charged), private read-only (not), MAP_NORESERVE (not), shared
 * anonymous (charged to the shmem object), and a never-written private
 * area made read-only by mprotect (its charge given back, Linux 6.2+).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "validate.h"

#define GIB (1ULL << 30)

/* Committed_AS of /proc/meminfo in KiB, or -1. */
static double committed_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	double v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Committed_AS: %lf", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Committed_AS change of mapping 1 GiB with @prot / @flags (then mprotect
 * to PROT_READ if @ro_after), unmapped afterwards. */
static double delta(int prot, int flags, bool ro_after)
{
	double c0 = committed_kib();
	void *p = mmap(NULL, GIB, prot, flags, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (ro_after) {
		c0 = committed_kib();
		mprotect(p, GIB, PROT_READ);
	}
	double c1 = committed_kib();
	munmap(p, GIB);
	return c1 - c0;
}

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int mode = -1;
	if (!f || fscanf(f, "%d", &mode) != 1 || mode != 0) {
		if (f)
			fclose(f);
		return vwhy(VCASE_SKIP, why, whylen, "overcommit_memory is not 0 here");
	}
	fclose(f);
	const int priv = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
	void *big = mmap(NULL, 4 * h->ram_bytes, rw, priv, -1, 0);
	v[0] = big == MAP_FAILED && errno == ENOMEM;
	if (big != MAP_FAILED)
		munmap(big, 4 * h->ram_bytes);
	void *half = mmap(NULL, h->ram_bytes / 2, rw, priv, -1, 0);
	v[1] = half != MAP_FAILED;
	if (half != MAP_FAILED)
		munmap(half, h->ram_bytes / 2);
	v[2] = delta(rw, priv, false);
	v[3] = delta(PROT_READ, priv, false);
	v[4] = delta(rw, MAP_SHARED | MAP_ANONYMOUS, false);
	v[5] = delta(rw, priv, true);
	(void)why;
	(void)whylen;
	return 0;
}

/* As delta() in vmsim. */
static double sim_delta(struct vmsim_system *sys, int pid, int prot, int flags, bool ro_after)
{
	struct vmsim_sys_stats s0, s1;
	vaddr_t va;
	vmsim_sys_stats(sys, &s0);
	if (vmsim_mmap(sys, pid, 0, GIB, prot, flags, -1, 0, &va))
		return -1;
	if (ro_after) {
		vmsim_sys_stats(sys, &s0);
		vmsim_mprotect(sys, pid, va, GIB, VMSIM_PROT_READ);
	}
	vmsim_sys_stats(sys, &s1);
	vmsim_munmap(sys, pid, va, GIB);
	return ((double)s1.committed_as - (double)s0.committed_as) / 1024;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vaddr_t va;
	int pid, rc;
	vsim_config(h, &cfg); /* 4 GiB of RAM, no swap, overcommit_memory 0 */
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	const int priv = VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS;
	const int rw = VMSIM_PROT_READ | VMSIM_PROT_WRITE;
	rc = vmsim_mmap(sys, pid, 0, 4 * cfg.ram_bytes, rw, priv, -1, 0, &va);
	v[0] = rc == VMSIM_ENOMEM;
	if (!rc)
		vmsim_munmap(sys, pid, va, 4 * cfg.ram_bytes);
	rc = vmsim_mmap(sys, pid, 0, cfg.ram_bytes / 2, rw, priv, -1, 0, &va);
	v[1] = rc == 0;
	if (!rc)
		vmsim_munmap(sys, pid, va, cfg.ram_bytes / 2);
	v[2] = sim_delta(sys, pid, rw, priv, false);
	v[3] = sim_delta(sys, pid, VMSIM_PROT_READ, priv, false);
	v[4] = sim_delta(sys, pid, rw, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS, false);
	v[5] = sim_delta(sys, pid, rw, priv, true);
	vmsim_system_free(sys);
	return 0;
}

const struct vcase vcase_overcommit = {
    .name = "overcommit",
    .title = "overcommit_memory 0: a request of 4 x RAM refused, RAM / 2 accepted; Committed_AS "
	     "change of 1 GiB private rw, private r--, shared rw, rw made r-- unwritten",
    .metric = {{"4 x RAM refused", 0, 0, NULL},
	       {"RAM / 2 accepted", 0, 0, NULL},
	       {"Committed_AS KiB, private rw", 0.5, 16384, NULL},
	       {"Committed_AS KiB, private r--", 0, 16384, NULL},
	       {"Committed_AS KiB, shared rw", 0.5, 16384, NULL},
	       {"Committed_AS KiB, mprotect r--", 0.5, 16384, NULL}},
    .native = native,
    .sim = sim,
};
