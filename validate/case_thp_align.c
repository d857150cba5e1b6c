/*
 * make validate case: THP placement. A 400 KiB anonymous mmap, then an
 * 8 MiB one given MADV_HUGEPAGE and written one byte per page. Since Linux
 * 6.7 an anonymous mapping whose length is a multiple of 2 MiB starts on a
 * 2 MiB boundary, so all four 2 MiB ranges can be huge pages (before, the
 * 400 KiB left it misaligned: 3 huge pages and 512 small faults).
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "validate.h"

#define SMALL (400ULL << 10)
#define LEN   (8ULL << 20)

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	(void)h;
	char *s = mmap(NULL, SMALL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED || p == MAP_FAILED || madvise(p, LEN, MADV_HUGEPAGE) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "mmap or madvise failed");
	struct vrusage t0 = vru_now();
	for (uint64_t off = 0; off < LEN; off += 4096)
		p[off] = 1;
	v[0] = (double)vru_since(t0).minor;
	v[1] = (double)vsmaps_kib(p, "AnonHugePages");
	v[2] = ((uintptr_t)p & ((2u << 20) - 1)) == 0;
	return 0;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1;
	vaddr_t s, p;
	int pid, rc;
	vsim_config(h, &cfg);
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	const int anon = VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS;
	const int rw = VMSIM_PROT_READ | VMSIM_PROT_WRITE;
	rc = vmsim_mmap(sys, pid, 0, SMALL, rw, anon, -1, 0, &s);
	if (!rc)
		rc = vmsim_mmap(sys, pid, 0, LEN, rw, anon, -1, 0, &p);
	if (!rc)
		rc = vmsim_madvise(sys, pid, p, LEN, VMSIM_MADV_HUGEPAGE);
	vmsim_proc_stats(sys, pid, &s0);
	if (!rc)
		rc = vsim_touch(sys, pid, p, LEN, true);
	vmsim_proc_stats(sys, pid, &s1);
	if (rc) {
		vmsim_system_free(sys);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	}
	v[0] = (double)(s1.faults_minor - s0.faults_minor);
	v[1] = vsim_smaps_kib(sys, pid, p, "AnonHugePages");
	v[2] = (p & ((2u << 20) - 1)) == 0;
	vmsim_system_free(sys);
	return 0;
}

const struct vcase vcase_thp_align = {
    .name = "thp_align",
    .title = "400 KiB anonymous mmap, then 8 MiB with MADV_HUGEPAGE written one byte per page",
    .metric = {{"minor faults", 0.5, 2, NULL},
	       {"AnonHugePages KiB", 0.5, 0, NULL},
	       {"2 MiB aligned", 0, 0, NULL}},
    .native = native,
    .sim = sim,
};
