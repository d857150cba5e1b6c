/*
 * make validate case: khugepaged. A 10 MiB anonymous mapping (2 MiB
 * aligned: its length is a multiple of 2 MiB) given MADV_NOHUGEPAGE is
 * written one byte per page in its first 8 MiB and in 256 pages of its last
 * 2 MiB, so it holds 4 KiB pages only; then MADV_HUGEPAGE puts the process
 * on khugepaged's list, and the step waits (natively in real time, in
 * vmsim in simulated time, 100 ms at a time, at most 120 s) until
 * khugepaged has collapsed the ranges. With max_ptes_none 511 the half-used
 * range collapses too, its empty half filled with zeroed pages. Afterwards
 * every page is written again.
 */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "validate.h"

#define MiB	   (1ULL << 20)
#define LEN	   (10 * MiB)
#define FULL	   (8 * MiB)
#define HALF_PAGES 256
#define WAIT_S	   120.0
#define STEP_NS	   100000000ULL

/* The AnonHugePages the collapse gives with the host's max_ptes_none. */
static long expected_kib(const struct vhost *h)
{
	return (long)((FULL + (h->kh_max_ptes_none >= 512 - HALF_PAGES ? 2 * MiB : 0)) >> 10);
}

static int usable(const struct vhost *h, char *why, size_t whylen)
{
	if (!h->khugepaged)
		return vwhy(VCASE_SKIP, why, whylen, "no transparent_hugepage/khugepaged here");
	if (h->thp == VMSIM_THP_NEVER)
		return vwhy(VCASE_SKIP, why, whylen, "THP is never: khugepaged does not run");
	return 0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	int rc = usable(h, why, whylen);
	if (rc)
		return rc;
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, LEN, MADV_NOHUGEPAGE) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "mmap or madvise failed");
	for (uint64_t off = 0; off < FULL + HALF_PAGES * 4096ULL; off += 4096)
		p[off] = 1;
	v[0] = (double)vsmaps_kib(p, "Rss");
	if (madvise(p, LEN, MADV_HUGEPAGE) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "madvise(MADV_HUGEPAGE) failed");
	double t0 = now_s(), t = t0;
	while (vsmaps_kib(p, "AnonHugePages") < expected_kib(h) && t - t0 < WAIT_S) {
		usleep(STEP_NS / 1000);
		t = now_s();
	}
	v[1] = (double)vsmaps_kib(p, "AnonHugePages");
	v[2] = (double)vsmaps_kib(p, "Rss");
	struct vrusage r0 = vru_now();
	for (uint64_t off = 0; off < LEN; off += 4096)
		p[off] = 2;
	v[3] = (double)vru_since(r0).minor;
	v[4] = t - t0;
	return 0;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1;
	vaddr_t p;
	int pid, rc = usable(h, why, whylen);
	if (rc)
		return rc;
	vsim_config(h, &cfg);
	cfg.khugepaged = true;
	if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
		return rc;
	rc = vmsim_mmap(sys, pid, 0, LEN, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &p);
	if (!rc)
		rc = vmsim_madvise(sys, pid, p, LEN, VMSIM_MADV_NOHUGEPAGE);
	if (!rc)
		rc = vsim_touch(sys, pid, p, FULL + HALF_PAGES * 4096ULL, true);
	v[0] = vsim_smaps_kib(sys, pid, p, "Rss");
	if (!rc)
		rc = vmsim_madvise(sys, pid, p, LEN, VMSIM_MADV_HUGEPAGE);
	uint64_t slept = 0;
	while (!rc && vsim_smaps_kib(sys, pid, p, "AnonHugePages") < (double)expected_kib(h) &&
	       slept < (uint64_t)(WAIT_S * 1e9)) {
		rc = vmsim_sleep(sys, STEP_NS);
		slept += STEP_NS;
	}
	v[1] = vsim_smaps_kib(sys, pid, p, "AnonHugePages");
	v[2] = vsim_smaps_kib(sys, pid, p, "Rss");
	vmsim_proc_stats(sys, pid, &s0);
	if (!rc)
		rc = vsim_touch(sys, pid, p, LEN, true);
	vmsim_proc_stats(sys, pid, &s1);
	v[3] = (double)(s1.faults_minor - s0.faults_minor);
	v[4] = (double)slept / 1e9;
	vmsim_system_free(sys);
	if (rc)
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	return 0;
}

const struct vcase vcase_khugepaged = {
    .name = "khugepaged",
    .title = "10 MiB anonymous mmap written as 4 KiB pages (8 MiB whole, 256 pages of the "
	     "last 2 MiB), then MADV_HUGEPAGE: khugepaged collapses it",
    .metric = {{"Rss KiB before", 0.5, 8, NULL},
	       {"AnonHugePages KiB after", 0, 0, NULL},
	       {"Rss KiB after", 0.5, 8, NULL},
	       {"faults writing it again", 0, 2, NULL},
	       {"seconds until collapsed", 0, 0,
		"the length of khugepaged's list. Linux's holds every process of the host "
		"that has had an area THP allows, so the new process waits for the running "
		"scan_sleep_millisecs sleeps and for the scan to come round to it (from under "
		"5 s to several tens of seconds here). vmsim's machine has only this process: "
		"its list was empty, and khugepaged, waiting for work, runs at once when a "
		"process goes on the list, as Linux's does in that state (the first 100 ms step "
		"sees the collapse)"}},
    .native = native,
    .sim = sim,
};
