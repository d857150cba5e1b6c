/*
 * bench_mmu: translations per second through the simulated MMU, single
 * thread, for four streams:
 *   l1-hit       cyclic over 32 pages (all in the L1 data TLB)
 *   stlb-hit     cyclic over 1024 pages (miss L1, hit the second-level TLB)
 *   walk+pwc     uniform random 4 KiB pages over a 64 GiB mapped space,
 *                paging-structure caches on (nearly every access walks)
 *   walk-nopwc   the same with paging-structure caches off
 * and one anchor measured in the same run: dependent random 8-byte reads
 * over a 128 MiB host array (the size of the 64 GiB space's leaf tables),
 * i.e. what one host cache miss costs on this machine.
 *
 * usage: bench_mmu [--quick] [--cpu NAME] [--only STREAM]   (default cpu: skylake)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "mmu/mmu.h"
#include "vmsim/error.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_mmu: %s: %s\n", what, vmsim_strerror(rc));
	exit(1);
}

struct machine {
	struct phys_mem pm;
	struct pagetable pt;
	struct mmu mmu;
};

static void machine_init(struct machine *mc, uint64_t ram, const char *cpu, bool pwc)
{
	struct vmsim_mmu_cfg cfg;
	int rc;
	if ((rc = vmsim_cpu_preset(cpu, &cfg)))
		die(cpu, rc);
	cfg.pwc = pwc && cfg.pwc;
	if ((rc = phys_init(&mc->pm, ram, false)))
		die("phys_init", rc);
	if ((rc = pt_init(&mc->pt, &mc->pm, cfg.levels)))
		die("pt_init", rc);
	if ((rc = mmu_init(&mc->mmu, &mc->pm, &cfg)))
		die("mmu_init", rc);
	mmu_set_cr3(&mc->mmu, mc->pt.root, 1, false);
}

static void machine_release(struct machine *mc)
{
	mmu_release(&mc->mmu);
	pt_release(&mc->pt);
	phys_release(&mc->pm);
}

/* Map @npages 4 KiB pages from @base onto the frames starting at @pfn. */
static void map_range(struct machine *mc, vaddr_t base, uint64_t npages, pfn_t pfn)
{
	for (uint64_t i = 0; i < npages; i++) {
		int rc = pt_map(&mc->pt, base + (i << 12), pfn + i, VMSIM_PAGE_4K, PTE_RW | PTE_US);
		if (rc)
			die("pt_map", rc);
	}
}

static volatile uint64_t sink;

/* Cyclic stream over @npages pages, @n translations; returns M/s. */
static double run_cyclic(struct machine *mc, uint64_t npages, uint64_t n)
{
	struct mmu_xlate x;
	uint64_t sum = 0;
	vaddr_t base = 0x10000000ULL;
	/* warm up */
	for (uint64_t i = 0; i < 4 * npages; i++)
		mmu_translate(&mc->mmu, base + ((i % npages) << 12), VMSIM_ACC_USER, &x);
	double t0 = now();
	uint64_t p = 0;
	for (uint64_t i = 0; i < n; i++) {
		mmu_translate(&mc->mmu, base + (p << 12) + (i & 0xff8), VMSIM_ACC_USER, &x);
		sum += x.pa;
		if (++p == npages)
			p = 0;
	}
	double dt = now() - t0;
	sink = sum;
	return (double)n / dt / 1e6;
}

/* Uniform random 4 KiB pages over @npages. */
static double run_random(struct machine *mc, uint64_t npages, uint64_t n)
{
	struct mmu_xlate x;
	struct rng r;
	uint64_t sum = 0;
	vaddr_t base = 0x10000000000ULL; /* 1 TiB: a fresh PML4 slot */
	rng_seed(&r, 42);
	for (uint64_t i = 0; i < 100000; i++)
		mmu_translate(&mc->mmu, base + (rng_below(&r, npages) << 12), VMSIM_ACC_USER, &x);
	double t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		mmu_translate(&mc->mmu, base + (rng_below(&r, npages) << 12), VMSIM_ACC_USER, &x);
		sum += x.pa;
	}
	double dt = now() - t0;
	sink = sum;
	return (double)n / dt / 1e6;
}

/* Anchor: dependent random reads over @bytes of host memory (a random cycle). */
static double run_anchor(uint64_t bytes, uint64_t n)
{
	uint64_t count = bytes / 8;
	uint64_t *next = malloc(count * sizeof(*next));
	struct rng r;
	if (!next)
		die("anchor", VMSIM_ENOHOSTMEM);
	for (uint64_t i = 0; i < count; i++)
		next[i] = i;
	rng_seed(&r, 7);
	/* Sattolo's algorithm: one cycle through every slot */
	for (uint64_t i = count - 1; i > 0; i--) {
		uint64_t j = rng_below(&r, i);
		uint64_t t = next[i];
		next[i] = next[j];
		next[j] = t;
	}
	uint64_t p = 0;
	double t0 = now();
	for (uint64_t i = 0; i < n; i++)
		p = next[p];
	double dt = now() - t0;
	sink = p;
	free(next);
	return (double)n / dt / 1e6;
}

static bool want(const char *only, const char *stream)
{
	return !only || !strcmp(only, stream);
}

int main(int argc, char **argv)
{
	const char *cpu = "skylake", *only = NULL;
	bool quick = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
			cpu = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr,
				"usage: bench_mmu [--quick] [--cpu NAME] [--only STREAM]\n");
			return 2;
		}
	}
	uint64_t scale = quick ? 10 : 1;
	struct machine *mc = calloc(1, sizeof(*mc));
	if (!mc)
		die("calloc", VMSIM_ENOHOSTMEM);

	printf("bench_mmu: cpu preset %s, single thread\n", cpu);
	printf("%-12s %14s %12s\n", "stream", "translations", "M/s");

	uint64_t n;
	machine_init(mc, 1ULL << 30, cpu, true);
	map_range(mc, 0x10000000ULL, 1024, 0x1000);
	if (want(only, "l1-hit")) {
		n = 200000000 / scale;
		printf("%-12s %14" PRIu64 " %12.1f\n", "l1-hit", n, run_cyclic(mc, 32, n));
	}
	if (want(only, "stlb-hit")) {
		n = 50000000 / scale;
		double stlb = run_cyclic(mc, 1024, n);
		const struct vmsim_tlb_level_stats *l2 = &mc->mmu.stats.tlb[VMSIM_TLB_L2];
		printf("%-12s %14" PRIu64 " %12.1f   (L2 hits %" PRIu64 ", walks %" PRIu64 ")\n",
		       "stlb-hit", n, stlb, l2->hits[0], mc->mmu.stats.walk.walks);
	}
	machine_release(mc);

	/* 64 GiB of 4 KiB pages: 16 Mi PTEs in 128 MiB of leaf tables */
	uint64_t npages = quick ? (1ULL << 20) : (1ULL << 24);
	for (int pwc = 1; pwc >= 0; pwc--) {
		if (!want(only, pwc ? "walk+pwc" : "walk-nopwc"))
			continue;
		machine_init(mc, (npages << 12) + (1ULL << 30), cpu, pwc);
		pfn_t data;
		int rc = phys_alloc(&mc->pm, 0, 0, &data); /* any frame: data is not touched */
		if (rc)
			die("phys_alloc", rc);
		double t0 = now();
		/* all pages share one data frame: the walk never reads data, and
		 * the page tables are what this measures */
		for (uint64_t i = 0; i < npages; i++) {
			rc = pt_map(&mc->pt, 0x10000000000ULL + (i << 12), data, VMSIM_PAGE_4K,
				    PTE_RW | PTE_US);
			if (rc)
				die("pt_map", rc);
		}
		double tmap = now() - t0;
		n = 20000000 / scale;
		double r = run_random(mc, npages, n);
		const struct vmsim_walk_stats *ws = &mc->mmu.stats.walk;
		printf("%-12s %14" PRIu64 " %12.2f   (%" PRIu64 " GiB mapped in %.1f s, %" PRIu64
		       " table frames; %.2f refs/walk)\n",
		       pwc ? "walk+pwc" : "walk-nopwc", n, r, npages >> 18, tmap, mc->pt.ntables,
		       (double)ws->mem_refs / (double)ws->walks);
		machine_release(mc);
	}
	n = 20000000 / scale;
	if (want(only, "anchor"))
		printf("%-12s %14" PRIu64
		       " %12.2f   (dependent random reads, 128 MiB host array)\n",
		       "anchor", n, run_anchor(128ULL << 20, n));
	free(mc);
	return 0;
}
