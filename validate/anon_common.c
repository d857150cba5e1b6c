/* The shared anonymous-memory steps (see anon_common.h). */
#define _GNU_SOURCE

#include <string.h>
#include <sys/mman.h>

#include "anon_common.h"

int vanon_native(uint64_t len, unsigned how, double *v, char *why, size_t whylen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (how & VANON_POPULATE ? MAP_POPULATE : 0);
	struct vrusage before = vru_now();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return vwhy(VCASE_FAIL, why, whylen, "mmap failed");
	if ((how & VANON_HUGE) && madvise(p, len, MADV_HUGEPAGE) != 0)
		return vwhy(VCASE_SKIP, why, whylen, "MADV_HUGEPAGE refused (no THP)");
	struct vrusage mapped = vru_since(before);
	struct vrusage t0 = vru_now();
	volatile char sink = 0;
	for (uint64_t off = 0; off < len; off += 4096) {
		if (how & VANON_WRITE)
			p[off] = 1;
		else
			sink += p[off];
	}
	struct vrusage touch = vru_since(t0);
	(void)sink;
	struct vrusage step = how & VANON_POPULATE ? mapped : touch;
	v[0] = (double)step.minor;
	v[1] = (double)step.major;
	v[2] = (double)vsmaps_kib(p, "Rss");
	v[3] = (double)vsmaps_kib(p, "AnonHugePages");
	v[4] = how & VANON_POPULATE ? (double)touch.minor : 0;
	return 0;
}

int vanon_sim(const struct vhost *h, uint64_t len, unsigned how, double *v, char *why,
	      size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1, s2;
	int pid, rc;
	vaddr_t va;
	vsim_config(h, &cfg);
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	int flags = VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS |
		    (how & VANON_POPULATE ? VMSIM_MAP_POPULATE : 0);
	vmsim_proc_stats(sys, pid, &s0);
	rc = vmsim_mmap(sys, pid, 0, len, VMSIM_PROT_READ | VMSIM_PROT_WRITE, flags, -1, 0, &va);
	if (!rc && (how & VANON_HUGE))
		rc = vmsim_madvise(sys, pid, va, len, VMSIM_MADV_HUGEPAGE);
	vmsim_proc_stats(sys, pid, &s1);
	if (!rc)
		rc = vsim_touch(sys, pid, va, len, how & VANON_WRITE);
	vmsim_proc_stats(sys, pid, &s2);
	if (rc) {
		vmsim_system_free(sys);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	}
	if (how & VANON_POPULATE) {
		v[0] = (double)(s1.faults_minor - s0.faults_minor);
		v[1] = (double)(s1.faults_major - s0.faults_major);
		v[4] = (double)(s2.faults_minor - s1.faults_minor);
	} else {
		v[0] = (double)(s2.faults_minor - s1.faults_minor);
		v[1] = (double)(s2.faults_major - s1.faults_major);
		v[4] = 0;
	}
	v[2] = vsim_smaps_kib(sys, pid, va, "Rss");
	v[3] = vsim_smaps_kib(sys, pid, va, "AnonHugePages");
	vmsim_system_free(sys);
	return 0;
}
