/*
 * The built-in MMU tour (see tour.h). Each part sets up what it needs on
 * one simulated machine of 4 GiB, runs accesses through the MMU and prints
 * what happened, counted by the MMU itself. Parts:
 *   1. an address split into indices, and the walk that reads one entry
 *      per level, setting accessed/dirty bits;
 *   2. two processes using the same virtual address, each through its own
 *      page tables, and the faults that enforce isolation and protection;
 *   3. TLB reach: a cyclic loop that fits the seed's 64-entry TLB, and one
 *      page more that makes LRU miss every time;
 *   4. 4 KiB versus 2 MiB pages over a 1 GiB array.
 */
#include "workload/tour.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "mmu/mmu.h"
#include "vmsim/error.h"

#define TOUR_RAM (4ULL << 30)

struct tour {
	FILE *out;
	struct phys_mem pm;
	struct mmu mmu;
	struct vmsim_mmu_cfg cfg;
};

static const char *level_name(unsigned level)
{
	static const char *const names[] = {"", "PT", "PD", "PDPT", "PML4", "PML5"};
	return level <= 5 ? names[level] : "?";
}

/* "P RW US A D" style flag list of an entry. */
static const char *flag_str(pte_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", (e & PTE_P) ? "P" : "-", (e & PTE_RW) ? " RW" : " R",
		 (e & PTE_US) ? " US" : " S", (e & PTE_A) ? " A" : "", (e & PTE_D) ? " D" : "",
		 (e & PTE_PS) ? " PS" : "", (e & PTE_G) ? " G" : "", (e & PTE_NX) ? " NX" : "");
	return buf;
}

static const char *fault_name(int f)
{
	switch (f) {
	case MMU_OK:
		return "ok";
	case MMU_FAULT_NOT_PRESENT:
		return "page fault (not present)";
	case MMU_FAULT_PROTECTION:
		return "page fault (protection)";
	case MMU_FAULT_RESERVED:
		return "page fault (reserved bit)";
	case MMU_FAULT_NONCANONICAL:
		return "general protection (non-canonical)";
	}
	return "?";
}

/* Print the entries on the path to @va, as the walk left them. */
static void print_path(struct tour *t, const struct pagetable *pt, vaddr_t va)
{
	pfn_t table = pt->root;
	char fl[64];
	fprintf(t->out, "     %-5s %-12s %5s  %-18s  %s\n", "level", "table frame", "index",
		"entry", "flags");
	for (unsigned l = pt->levels;; l--) {
		pte_t e = pt_table(&t->pm, table)[pte_index(va, l)];
		fprintf(t->out, "     %-5s %#-12" PRIx64 " %5u  %#018" PRIx64 "  %s\n",
			level_name(l), table, pte_index(va, l), e, flag_str(e, fl, sizeof(fl)));
		if (l == 1 || !(e & PTE_P) || (e & PTE_PS))
			break;
		table = pte_pfn(e, false);
	}
}

static int part_walk(struct tour *t)
{
	struct pagetable pt;
	struct vmsim_va_split s;
	struct mmu_xlate x;
	vaddr_t va = 0x7ffd12345678ULL;
	pfn_t frame;
	int rc;

	fprintf(t->out, "1. One address, split and walked (%u-level paging)\n", t->cfg.levels);
	if ((rc = pt_init(&pt, &t->pm, t->cfg.levels)))
		return rc;
	if ((rc = phys_alloc(&t->pm, 0, FRAME_ANON, &frame)))
		goto out;
	if ((rc = pt_map(&pt, va & ~0xFFFULL, frame, VMSIM_PAGE_4K, PTE_RW | PTE_US | PTE_NX)))
		goto out_frame;
	mmu_set_cr3(&t->mmu, pt.root, 1, false);
	vmsim_va_split(va, t->cfg.levels, VMSIM_PAGE_4K, &s);
	fprintf(t->out, "   va %#" PRIx64 " = ", va);
	for (unsigned i = 0; i < s.nlevels; i++)
		fprintf(t->out, "%s[%u] ", s.level[i].name, s.level[i].index);
	fprintf(t->out, "+ offset %#" PRIx64 " (%u bits)\n", s.offset, s.offset_bits);
	fprintf(t->out, "   page tables before the first access (%" PRIu64 " table frames):\n",
		pt.ntables);
	print_path(t, &pt, va);
	uint64_t refs0 = t->mmu.stats.walk.mem_refs;
	rc = mmu_translate(&t->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x);
	fprintf(t->out,
		"   user write to %#" PRIx64 ": %s, pa %#" PRIx64 " (frame %#" PRIx64
		"), the walk read %" PRIu64 " entries\n",
		va, fault_name(rc), x.pa, frame, t->mmu.stats.walk.mem_refs - refs0);
	fprintf(t->out, "   after it (A set on every level, D on the leaf):\n");
	print_path(t, &pt, va);
	refs0 = t->mmu.stats.walk.mem_refs;
	rc = mmu_translate(&t->mmu, va + 8, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   user read of %#" PRIx64 ": %s, TLB hit, %" PRIu64 " entries read\n\n",
		va + 8, fault_name(rc), t->mmu.stats.walk.mem_refs - refs0);
	rc = 0;
	mmu_flush_all(&t->mmu, false);
	pt_release(&pt);
out_frame:
	phys_free(&t->pm, frame, 0);
	return rc;
out:
	pt_release(&pt);
	return rc;
}

static int part_isolation(struct tour *t)
{
	struct pagetable a, b;
	struct mmu_xlate x;
	pfn_t fa, fb, fk;
	const vaddr_t va = 0x7ffd12340000ULL, only_a = 0x400000, kva = 0xffffffff81000000ULL;
	int rc;

	fprintf(t->out, "2. Two processes, one virtual address (isolation and protection)\n");
	if ((rc = pt_init(&a, &t->pm, t->cfg.levels)))
		return rc;
	if ((rc = pt_init(&b, &t->pm, t->cfg.levels)))
		goto out_a;
	if ((rc = phys_alloc(&t->pm, 0, FRAME_ANON, &fa)))
		goto out_b;
	if ((rc = phys_alloc(&t->pm, 0, FRAME_ANON, &fb)))
		goto out_fa;
	if ((rc = phys_alloc(&t->pm, 0, 0, &fk)))
		goto out_fb;
	/* user pages; a read-only page only in A; a kernel page in both */
	if ((rc = pt_map(&a, va, fa, VMSIM_PAGE_4K, PTE_RW | PTE_US | PTE_NX)) ||
	    (rc = pt_map(&b, va, fb, VMSIM_PAGE_4K, PTE_RW | PTE_US | PTE_NX)) ||
	    (rc = pt_map(&a, only_a, fa, VMSIM_PAGE_4K, PTE_US)) ||
	    (rc = pt_map(&a, kva, fk, VMSIM_PAGE_4K, PTE_RW | PTE_G)) ||
	    (rc = pt_map(&b, kva, fk, VMSIM_PAGE_4K, PTE_RW | PTE_G)))
		goto out_fk;

	mmu_set_cr3(&t->mmu, a.root, 1, false);
	rc = mmu_translate(&t->mmu, va, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   process A reads  %#" PRIx64 " -> pa %#" PRIx64 "\n", va, x.pa);
	mmu_set_cr3(&t->mmu, b.root, 2, false);
	rc = mmu_translate(&t->mmu, va, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " -> pa %#" PRIx64
		" (its own page tables, its own frame)\n",
		va, x.pa);
	rc = mmu_translate(&t->mmu, only_a, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " (mapped only in A): %s at %s, error code %#x\n",
		only_a, fault_name(rc), level_name(x.level), x.error_code);
	rc = mmu_translate(&t->mmu, kva, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " (kernel page, U/S=0): %s, error code %#x\n", kva,
		fault_name(rc), x.error_code);
	mmu_set_cr3(&t->mmu, a.root, 1, t->cfg.pcid);
	rc = mmu_translate(&t->mmu, only_a, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x);
	fprintf(t->out, "   process A writes %#" PRIx64 " (read-only page): %s, error code %#x\n",
		only_a, fault_name(rc), x.error_code);
	rc = mmu_translate(&t->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_FETCH, &x);
	fprintf(t->out, "   process A jumps to %#" PRIx64 " (NX data page): %s, error code %#x\n",
		va, fault_name(rc), x.error_code);
	rc = mmu_translate(&t->mmu, 0x0000800000000000ULL, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   process A reads  0x800000000000 (non-canonical with %u levels): %s\n\n",
		t->cfg.levels, fault_name(rc));
	rc = 0;
	mmu_flush_all(&t->mmu, false);
out_fk:
	phys_free(&t->pm, fk, 0);
out_fb:
	phys_free(&t->pm, fb, 0);
out_fa:
	phys_free(&t->pm, fa, 0);
out_b:
	pt_release(&b);
out_a:
	pt_release(&a);
	return rc;
}

/* Cyclic loop over @npages pages, @passes times; prints L1D hits and misses. */
static int part_reach_loop(struct tour *t, struct mmu *m, struct pagetable *pt, uint64_t npages,
			   unsigned passes)
{
	struct mmu_xlate x;
	const vaddr_t base = 0x10000000ULL;
	struct vmsim_tlb_level_stats before = m->stats.tlb[VMSIM_TLB_L1D];
	mmu_set_cr3(m, pt->root, 1, false);
	for (unsigned p = 0; p < passes; p++)
		for (uint64_t i = 0; i < npages; i++)
			if (mmu_translate(m, base + (i << 12), VMSIM_ACC_USER, &x))
				return VMSIM_EINVAL;
	const struct vmsim_tlb_level_stats *s = &m->stats.tlb[VMSIM_TLB_L1D];
	uint64_t hits = s->hits[0] - before.hits[0], misses = s->misses - before.misses;
	fprintf(t->out,
		"   loop over %3" PRIu64 " pages (%4" PRIu64 " KiB) x %u: %5" PRIu64
		" hits %5" PRIu64 " misses  hit ratio %5.1f%%\n",
		npages, npages * 4, passes, hits, misses,
		100.0 * (double)hits / (double)(hits + misses));
	return 0;
}

static int part_reach(struct tour *t)
{
	struct vmsim_mmu_cfg seed;
	struct mmu *m;
	struct pagetable pt;
	pfn_t data;
	int rc;

	fprintf(t->out,
		"3. TLB reach: the seed's 64-entry fully associative LRU TLB covers 256 KiB\n");
	if ((rc = vmsim_cpu_preset("textbook", &seed)))
		return rc;
	m = malloc(sizeof(*m));
	if (!m)
		return VMSIM_ENOHOSTMEM;
	if ((rc = mmu_init(m, &t->pm, &seed)))
		goto out_free;
	if ((rc = pt_init(&pt, &t->pm, seed.levels)))
		goto out_mmu;
	if ((rc = phys_alloc(&t->pm, 7, FRAME_ANON, &data)))
		goto out_pt;
	for (uint64_t i = 0; i < 128 && !rc; i++)
		rc = pt_map(&pt, 0x10000000ULL + (i << 12), data + i, VMSIM_PAGE_4K,
			    PTE_RW | PTE_US);
	if (!rc)
		rc = part_reach_loop(t, m, &pt, 64, 10);
	if (!rc)
		rc = part_reach_loop(t, m, &pt, 65, 10);
	if (!rc)
		fprintf(t->out, "   one page more than the TLB holds: LRU evicts exactly the page "
				"needed next, every time\n\n");
	phys_free(&t->pm, data, 7);
out_pt:
	pt_release(&pt);
out_mmu:
	mmu_release(m);
out_free:
	free(m);
	return rc;
}

/* Map 1 GiB at @base with pages of size @ps onto @data, sweep it twice (one
 * read per 4 KiB), print what the TLBs and the walker did. */
static int part_huge_sweep(struct tour *t, enum vmsim_page_size ps, pfn_t data)
{
	struct pagetable pt;
	struct mmu_xlate x;
	const vaddr_t base = 0x40000000ULL;
	const uint64_t size = 1ULL << 30;
	uint64_t step = 1ULL << vmsim_page_shift(ps);
	int rc;

	if ((rc = pt_init(&pt, &t->pm, t->cfg.levels)))
		return rc;
	for (uint64_t off = 0; off < size && !rc; off += step)
		rc = pt_map(&pt, base + off, data + (off >> 12), ps, PTE_RW | PTE_US | PTE_NX);
	if (rc)
		goto out;
	mmu_flush_all(&t->mmu, false);
	mmu_set_cr3(&t->mmu, pt.root, 3, false);
	struct vmsim_mmu_stats before = t->mmu.stats;
	for (unsigned pass = 0; pass < 2; pass++)
		for (uint64_t off = 0; off < size; off += 4096)
			if ((rc = mmu_translate(&t->mmu, base + off, VMSIM_ACC_USER, &x)))
				goto out;
	const struct vmsim_mmu_stats *s = &t->mmu.stats;
	uint64_t l1miss = s->tlb[VMSIM_TLB_L1D].misses - before.tlb[VMSIM_TLB_L1D].misses;
	uint64_t walks = s->walk.walks - before.walk.walks;
	uint64_t refs = s->walk.mem_refs - before.walk.mem_refs;
	fprintf(t->out,
		"   %-4s %9" PRIu64 " %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
		vmsim_page_size_name(ps), size / step, pt.ntables, l1miss, walks, refs);
out:
	mmu_flush_all(&t->mmu, false);
	pt_release(&pt);
	return rc;
}

static int part_huge(struct tour *t)
{
	pfn_t data;
	int rc;

	fprintf(t->out, "4. Huge pages: a 1 GiB array read twice, one access per 4 KiB "
			"(524288 accesses)\n");
	fprintf(t->out, "   %-4s %9s %12s %10s %10s %10s\n", "page", "mappings", "table frames",
		"L1D misses", "walks", "walk refs");
	if ((rc = phys_alloc(&t->pm, PHYS_MAX_ORDER, FRAME_ANON, &data)))
		return rc;
	rc = part_huge_sweep(t, VMSIM_PAGE_4K, data);
	if (!rc)
		rc = part_huge_sweep(t, VMSIM_PAGE_2M, data);
	if (!rc)
		rc = part_huge_sweep(t, VMSIM_PAGE_1G, data);
	phys_free(&t->pm, data, PHYS_MAX_ORDER);
	if (!rc)
		fprintf(t->out,
			"   with 4 KiB pages every access to a new page misses every TLB "
			"level; a 2 MiB entry\n   serves 512 of them and a 1 GiB entry all\n\n");
	return rc;
}

static void print_counters(struct tour *t)
{
	static const char *const lv[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};
	const struct vmsim_mmu_stats *s = &t->mmu.stats;
	fprintf(t->out, "Counters of the %s MMU over parts 1, 2 and 4:\n", t->cfg.cpu);
	fprintf(t->out,
		"   translations %" PRIu64 ", faults %" PRIu64 " (non-canonical %" PRIu64
		"), CR3 writes %" PRIu64 "\n",
		s->translations, s->faults, s->noncanonical, s->cr3_writes);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_stats *ts = &s->tlb[l];
		if (!ts->lookups)
			continue;
		uint64_t hits = ts->hits[0] + ts->hits[1] + ts->hits[2];
		fprintf(t->out,
			"   TLB %-3s lookups %9" PRIu64 "  hits 4K %9" PRIu64 " 2M %7" PRIu64
			" 1G %7" PRIu64 "  misses %9" PRIu64 "  hit ratio %5.1f%%\n",
			lv[l], ts->lookups, ts->hits[0], ts->hits[1], ts->hits[2], ts->misses,
			100.0 * (double)hits / (double)ts->lookups);
	}
	const struct vmsim_walk_stats *w = &s->walk;
	fprintf(t->out,
		"   walks %" PRIu64 ", entries read %" PRIu64
		" (%.2f per walk), A bits set %" PRIu64 ", D bits set %" PRIu64 "\n",
		w->walks, w->mem_refs, w->walks ? (double)w->mem_refs / (double)w->walks : 0.0,
		w->a_sets, w->d_sets);
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++)
		if (w->pwc_lookups[l])
			fprintf(t->out,
				"   paging-structure cache %-4s lookups %9" PRIu64 " hits %9" PRIu64
				" (%.1f%%)\n",
				level_name(l), w->pwc_lookups[l], w->pwc_hits[l],
				100.0 * (double)w->pwc_hits[l] / (double)w->pwc_lookups[l]);
}

int tour_run(FILE *out, const struct vmsim_mmu_cfg *cfg)
{
	struct tour *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return VMSIM_ENOHOSTMEM;
	t->out = out;
	t->cfg = *cfg;
	if ((rc = phys_init(&t->pm, TOUR_RAM, false)))
		goto out_free;
	if ((rc = mmu_init(&t->mmu, &t->pm, cfg)))
		goto out_phys;
	fprintf(out,
		"vmsim MMU tour: cpu %s, %u-level paging, %llu MiB of RAM, PCID %s, "
		"paging-structure caches %s\n\n",
		cfg->cpu, cfg->levels, TOUR_RAM >> 20, cfg->pcid ? "on" : "off",
		cfg->pwc ? "on" : "off");
	if (!(rc = part_walk(t)) && !(rc = part_isolation(t)) && !(rc = part_reach(t)) &&
	    !(rc = part_huge(t)))
		print_counters(t);
	if (!rc && t->pm.nr_free != t->pm.nframes)
		rc = VMSIM_ECHECK; /* the tour must give back every frame */
	mmu_release(&t->mmu);
out_phys:
	phys_release(&t->pm);
out_free:
	free(t);
	return rc;
}
