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
 * Everything goes through the bare-hardware API (vmsim/hw.h): RAM, page
 * tables built by hand and MMUs, no kernel.
 */
#include "workload/tour.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/hw.h"

#define TOUR_RAM       (4ULL << 30)
#define TOUR_MAX_ORDER 18 /* 1 GiB of frames */

struct tour {
	FILE *out;
	struct vmsim_hw *hw;
	struct vmsim_hw_mmu *mmu;
	struct vmsim_mmu_cfg cfg;
};

/* Index of @va at @level (1 = PT), 9 bits each above the 12-bit offset. */
static unsigned index_at(vmsim_vaddr_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static const char *level_name(unsigned level)
{
	static const char *const names[] = {"", "PT", "PD", "PDPT", "PML4", "PML5"};
	return level <= 5 ? names[level] : "?";
}

/* "P RW US A D" style flag list of an entry. */
static const char *flag_str(uint64_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", (e & VMSIM_PTE_P) ? "P" : "-",
		 (e & VMSIM_PTE_RW) ? " RW" : " R", (e & VMSIM_PTE_US) ? " US" : " S",
		 (e & VMSIM_PTE_A) ? " A" : "", (e & VMSIM_PTE_D) ? " D" : "",
		 (e & VMSIM_PTE_PS) ? " PS" : "", (e & VMSIM_PTE_G) ? " G" : "",
		 (e & VMSIM_PTE_NX) ? " NX" : "");
	return buf;
}

static const char *fault_name(enum vmsim_hw_fault f)
{
	switch (f) {
	case VMSIM_HW_OK:
		return "ok";
	case VMSIM_HW_NOT_PRESENT:
		return "page fault (not present)";
	case VMSIM_HW_PROTECTION:
		return "page fault (protection)";
	case VMSIM_HW_RESERVED:
		return "page fault (reserved bit)";
	case VMSIM_HW_NONCANONICAL:
		return "general protection (non-canonical)";
	}
	return "?";
}

/* Print the entries on the path to @va, as the walk left them. */
static void print_path(struct tour *t, const struct vmsim_hw_pt *pt, vmsim_vaddr_t va)
{
	vmsim_pfn_t table = vmsim_hw_pt_root(pt);
	char fl[64];
	fprintf(t->out, "     %-5s %-12s %5s  %-18s  %s\n", "level", "table frame", "index",
		"entry", "flags");
	for (unsigned l = vmsim_hw_pt_levels(pt);; l--) {
		uint64_t e = vmsim_hw_entry(t->hw, table, index_at(va, l));
		fprintf(t->out, "     %-5s %#-12" PRIx64 " %5u  %#018" PRIx64 "  %s\n",
			level_name(l), table, index_at(va, l), e, flag_str(e, fl, sizeof(fl)));
		if (l == 1 || !(e & VMSIM_PTE_P) || (e & VMSIM_PTE_PS))
			break;
		table = (e & VMSIM_PTE_PFN) >> 12;
	}
}

static int part_walk(struct tour *t)
{
	struct vmsim_hw_pt *pt;
	struct vmsim_va_split s;
	struct vmsim_hw_xlate x;
	const struct vmsim_mmu_stats *st = vmsim_hw_mmu_stats(t->mmu);
	vmsim_vaddr_t va = 0x7ffd12345678ULL;
	enum vmsim_hw_fault f;
	vmsim_pfn_t frame;
	int rc;

	fprintf(t->out, "1. One address, split and walked (%u-level paging)\n", t->cfg.levels);
	if ((rc = vmsim_hw_pt_new(t->hw, t->cfg.levels, &pt)))
		return rc;
	if ((rc = vmsim_hw_frame_alloc(t->hw, 0, &frame)))
		goto out;
	if ((rc = vmsim_hw_pt_map(pt, va & ~0xFFFULL, frame, VMSIM_PAGE_4K,
				  VMSIM_PTE_RW | VMSIM_PTE_US | VMSIM_PTE_NX)))
		goto out_frame;
	vmsim_hw_mmu_set_cr3(t->mmu, vmsim_hw_pt_root(pt), 1, false);
	vmsim_va_split(va, t->cfg.levels, VMSIM_PAGE_4K, &s);
	fprintf(t->out, "   va %#" PRIx64 " = ", va);
	for (unsigned i = 0; i < s.nlevels; i++)
		fprintf(t->out, "%s[%u] ", s.level[i].name, s.level[i].index);
	fprintf(t->out, "+ offset %#" PRIx64 " (%u bits)\n", s.offset, s.offset_bits);
	fprintf(t->out, "   page tables before the first access (%" PRIu64 " table frames):\n",
		vmsim_hw_pt_tables(pt));
	print_path(t, pt, va);
	uint64_t refs0 = st->walk.mem_refs;
	f = vmsim_hw_mmu_translate(t->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x);
	fprintf(t->out,
		"   user write to %#" PRIx64 ": %s, pa %#" PRIx64 " (frame %#" PRIx64
		"), the walk read %" PRIu64 " entries\n",
		va, fault_name(f), x.pa, frame, st->walk.mem_refs - refs0);
	fprintf(t->out, "   after it (A set on every level, D on the leaf):\n");
	print_path(t, pt, va);
	refs0 = st->walk.mem_refs;
	f = vmsim_hw_mmu_translate(t->mmu, va + 8, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   user read of %#" PRIx64 ": %s, TLB hit, %" PRIu64 " entries read\n\n",
		va + 8, fault_name(f), st->walk.mem_refs - refs0);
	vmsim_hw_mmu_flush(t->mmu);
out_frame:
	vmsim_hw_frame_free(t->hw, frame, 0);
out:
	vmsim_hw_pt_free(pt);
	return rc;
}

static int part_isolation(struct tour *t)
{
	struct vmsim_hw_pt *a, *b = NULL;
	struct vmsim_hw_xlate x;
	enum vmsim_hw_fault f;
	vmsim_pfn_t fa, fb, fk;
	const vmsim_vaddr_t va = 0x7ffd12340000ULL, only_a = 0x400000, kva = 0xffffffff81000000ULL;
	const uint64_t user = VMSIM_PTE_RW | VMSIM_PTE_US | VMSIM_PTE_NX;
	int rc;

	fprintf(t->out, "2. Two processes, one virtual address (isolation and protection)\n");
	if ((rc = vmsim_hw_pt_new(t->hw, t->cfg.levels, &a)))
		return rc;
	if ((rc = vmsim_hw_pt_new(t->hw, t->cfg.levels, &b)))
		goto out_pt;
	if ((rc = vmsim_hw_frame_alloc(t->hw, 0, &fa)))
		goto out_pt;
	if ((rc = vmsim_hw_frame_alloc(t->hw, 0, &fb)))
		goto out_fa;
	if ((rc = vmsim_hw_frame_alloc(t->hw, 0, &fk)))
		goto out_fb;
	/* user pages; a read-only page only in A; a kernel page in both */
	if ((rc = vmsim_hw_pt_map(a, va, fa, VMSIM_PAGE_4K, user)) ||
	    (rc = vmsim_hw_pt_map(b, va, fb, VMSIM_PAGE_4K, user)) ||
	    (rc = vmsim_hw_pt_map(a, only_a, fa, VMSIM_PAGE_4K, VMSIM_PTE_US)) ||
	    (rc = vmsim_hw_pt_map(a, kva, fk, VMSIM_PAGE_4K, VMSIM_PTE_RW | VMSIM_PTE_G)) ||
	    (rc = vmsim_hw_pt_map(b, kva, fk, VMSIM_PAGE_4K, VMSIM_PTE_RW | VMSIM_PTE_G)))
		goto out_fk;

	vmsim_hw_mmu_set_cr3(t->mmu, vmsim_hw_pt_root(a), 1, false);
	vmsim_hw_mmu_translate(t->mmu, va, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   process A reads  %#" PRIx64 " -> pa %#" PRIx64 "\n", va, x.pa);
	vmsim_hw_mmu_set_cr3(t->mmu, vmsim_hw_pt_root(b), 2, false);
	vmsim_hw_mmu_translate(t->mmu, va, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " -> pa %#" PRIx64
		" (its own page tables, its own frame)\n",
		va, x.pa);
	f = vmsim_hw_mmu_translate(t->mmu, only_a, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " (mapped only in A): %s at %s, error code %#x\n",
		only_a, fault_name(f), level_name(x.level), x.error_code);
	f = vmsim_hw_mmu_translate(t->mmu, kva, VMSIM_ACC_USER, &x);
	fprintf(t->out,
		"   process B reads  %#" PRIx64 " (kernel page, U/S=0): %s, error code %#x\n", kva,
		fault_name(f), x.error_code);
	vmsim_hw_mmu_set_cr3(t->mmu, vmsim_hw_pt_root(a), 1, t->cfg.pcid);
	f = vmsim_hw_mmu_translate(t->mmu, only_a, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x);
	fprintf(t->out, "   process A writes %#" PRIx64 " (read-only page): %s, error code %#x\n",
		only_a, fault_name(f), x.error_code);
	f = vmsim_hw_mmu_translate(t->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_FETCH, &x);
	fprintf(t->out, "   process A jumps to %#" PRIx64 " (NX data page): %s, error code %#x\n",
		va, fault_name(f), x.error_code);
	f = vmsim_hw_mmu_translate(t->mmu, 0x0000800000000000ULL, VMSIM_ACC_USER, &x);
	fprintf(t->out, "   process A reads  0x800000000000 (non-canonical with %u levels): %s\n\n",
		t->cfg.levels, fault_name(f));
	vmsim_hw_mmu_flush(t->mmu);
out_fk:
	vmsim_hw_frame_free(t->hw, fk, 0);
out_fb:
	vmsim_hw_frame_free(t->hw, fb, 0);
out_fa:
	vmsim_hw_frame_free(t->hw, fa, 0);
out_pt:
	vmsim_hw_pt_free(b);
	vmsim_hw_pt_free(a);
	return rc;
}

/* Cyclic loop over @npages pages, @passes times; prints L1D hits and misses. */
static int part_reach_loop(struct tour *t, struct vmsim_hw_mmu *m, const struct vmsim_hw_pt *pt,
			   uint64_t npages, unsigned passes)
{
	struct vmsim_hw_xlate x;
	const vmsim_vaddr_t base = 0x10000000ULL;
	const struct vmsim_tlb_level_stats *s = &vmsim_hw_mmu_stats(m)->tlb[VMSIM_TLB_L1D];
	struct vmsim_tlb_level_stats before = *s;
	vmsim_hw_mmu_set_cr3(m, vmsim_hw_pt_root(pt), 1, false);
	for (unsigned p = 0; p < passes; p++)
		for (uint64_t i = 0; i < npages; i++)
			if (vmsim_hw_mmu_translate(m, base + (i << 12), VMSIM_ACC_USER, &x))
				return VMSIM_EINVAL;
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
	struct vmsim_hw_mmu *m;
	struct vmsim_hw_pt *pt;
	vmsim_pfn_t data;
	int rc;

	fprintf(t->out,
		"3. TLB reach: the seed's 64-entry fully associative LRU TLB covers 256 KiB\n");
	if ((rc = vmsim_cpu_preset("textbook", &seed)))
		return rc;
	if ((rc = vmsim_hw_mmu_new(t->hw, &seed, &m)))
		return rc;
	if ((rc = vmsim_hw_pt_new(t->hw, seed.levels, &pt)))
		goto out_mmu;
	if ((rc = vmsim_hw_frame_alloc(t->hw, 7, &data)))
		goto out_pt;
	for (uint64_t i = 0; i < 128 && !rc; i++)
		rc = vmsim_hw_pt_map(pt, 0x10000000ULL + (i << 12), data + i, VMSIM_PAGE_4K,
				     VMSIM_PTE_RW | VMSIM_PTE_US);
	if (!rc)
		rc = part_reach_loop(t, m, pt, 64, 10);
	if (!rc)
		rc = part_reach_loop(t, m, pt, 65, 10);
	if (!rc)
		fprintf(t->out, "   one page more than the TLB holds: LRU evicts exactly the page "
				"needed next, every time\n\n");
	vmsim_hw_frame_free(t->hw, data, 7);
out_pt:
	vmsim_hw_pt_free(pt);
out_mmu:
	vmsim_hw_mmu_free(m);
	return rc;
}

/* Map 1 GiB at @base with pages of size @ps onto @data, sweep it twice (one
 * read per 4 KiB), print what the TLBs and the walker did. */
static int part_huge_sweep(struct tour *t, enum vmsim_page_size ps, vmsim_pfn_t data)
{
	struct vmsim_hw_pt *pt;
	struct vmsim_hw_xlate x;
	const vmsim_vaddr_t base = 0x40000000ULL;
	const uint64_t size = 1ULL << 30;
	uint64_t step = 1ULL << vmsim_page_shift(ps);
	int rc;

	if ((rc = vmsim_hw_pt_new(t->hw, t->cfg.levels, &pt)))
		return rc;
	for (uint64_t off = 0; off < size && !rc; off += step)
		rc = vmsim_hw_pt_map(pt, base + off, data + (off >> 12), ps,
				     VMSIM_PTE_RW | VMSIM_PTE_US | VMSIM_PTE_NX);
	if (rc)
		goto out;
	vmsim_hw_mmu_flush(t->mmu);
	vmsim_hw_mmu_set_cr3(t->mmu, vmsim_hw_pt_root(pt), 3, false);
	const struct vmsim_mmu_stats *s = vmsim_hw_mmu_stats(t->mmu);
	struct vmsim_mmu_stats before = *s;
	for (unsigned pass = 0; pass < 2; pass++)
		for (uint64_t off = 0; off < size; off += 4096)
			if ((rc = (int)vmsim_hw_mmu_translate(t->mmu, base + off, VMSIM_ACC_USER,
							      &x)))
				goto out;
	uint64_t l1miss = s->tlb[VMSIM_TLB_L1D].misses - before.tlb[VMSIM_TLB_L1D].misses;
	uint64_t walks = s->walk.walks - before.walk.walks;
	uint64_t refs = s->walk.mem_refs - before.walk.mem_refs;
	fprintf(t->out,
		"   %-4s %9" PRIu64 " %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
		vmsim_page_size_name(ps), size / step, vmsim_hw_pt_tables(pt), l1miss, walks, refs);
out:
	vmsim_hw_mmu_flush(t->mmu);
	vmsim_hw_pt_free(pt);
	return rc;
}

static int part_huge(struct tour *t)
{
	vmsim_pfn_t data;
	int rc;

	fprintf(t->out, "4. Huge pages: a 1 GiB array read twice, one access per 4 KiB "
			"(524288 accesses)\n");
	fprintf(t->out, "   %-4s %9s %12s %10s %10s %10s\n", "page", "mappings", "table frames",
		"L1D misses", "walks", "walk refs");
	if ((rc = vmsim_hw_frame_alloc(t->hw, TOUR_MAX_ORDER, &data)))
		return rc;
	rc = part_huge_sweep(t, VMSIM_PAGE_4K, data);
	if (!rc)
		rc = part_huge_sweep(t, VMSIM_PAGE_2M, data);
	if (!rc)
		rc = part_huge_sweep(t, VMSIM_PAGE_1G, data);
	vmsim_hw_frame_free(t->hw, data, TOUR_MAX_ORDER);
	if (!rc)
		fprintf(t->out,
			"   with 4 KiB pages every access to a new page misses every TLB "
			"level; a 2 MiB entry\n   serves 512 of them and a 1 GiB entry all\n\n");
	return rc;
}

static void print_counters(struct tour *t)
{
	static const char *const lv[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};
	const struct vmsim_mmu_stats *s = vmsim_hw_mmu_stats(t->mmu);
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
	struct tour t = {.out = out, .cfg = *cfg};
	int rc;

	if ((rc = vmsim_hw_new(TOUR_RAM, &t.hw)))
		return rc;
	if ((rc = vmsim_hw_mmu_new(t.hw, cfg, &t.mmu)))
		goto out_hw;
	fprintf(out,
		"vmsim MMU tour: cpu %s, %u-level paging, %llu MiB of RAM, PCID %s, "
		"paging-structure caches %s\n\n",
		cfg->cpu, cfg->levels, TOUR_RAM >> 20, cfg->pcid ? "on" : "off",
		cfg->pwc ? "on" : "off");
	if (!(rc = part_walk(&t)) && !(rc = part_isolation(&t)) && !(rc = part_reach(&t)) &&
	    !(rc = part_huge(&t)))
		print_counters(&t);
	if (!rc && vmsim_hw_frames_free(t.hw) != vmsim_hw_frames(t.hw))
		rc = VMSIM_ECHECK; /* the tour must give back every frame */
	vmsim_hw_mmu_free(t.mmu);
out_hw:
	vmsim_hw_free(t.hw);
	return rc;
}
