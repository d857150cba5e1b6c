/*
 * khugepaged: the kernel thread that collapses 2 MiB ranges of 4 KiB
 * anonymous pages into transparent huge pages, as Linux's mm/khugepaged.c.
 *
 * A process goes on its list when one of its areas may have huge pages and
 * has had anonymous pages (Linux's khugepaged_enter_vma: a THP fault,
 * MADV_HUGEPAGE on a used area, fork of a listed parent). Every
 * scan_sleep_ms of simulated time a pass looks at pages_to_scan pages,
 * going on from where the last pass stopped:
 *
 *   list:  p3 -> p5 -> p9          cursor (p5, addr)
 *   p5:    [area, not eligible]    costs 1 page
 *          [eligible area: 2M | 2M | 2M ]  each PMD-aligned 2 MiB costs 512
 *
 * A 2 MiB range under a page table collapses when at most max_ptes_none of
 * its PTEs are empty or map the zero page, at most max_ptes_shared pages
 * are mapped by other processes too, at least one PTE is writable and one
 * accessed, none is in swap, and every page is referenced by its PTEs
 * alone; a zeroed 2 MiB block then gets the pages' bytes, the table goes
 * and one huge leaf maps the range. The block may be had by reclaim and
 * compaction (khugepaged_defrag, on by default as in Linux); with none the
 * pass ends and the next comes alloc_sleep_ms later. After a pass through the whole
 * list the scan starts again at its head (full_scans). When the list is
 * empty khugepaged sleeps until a process goes on it, and then runs at once.
 *
 * Time is the cost model's estimated time (sys_cycles): vmsim_access looks
 * at the clock every KH_CHECK_ACCESSES accesses while khugepaged has work,
 * vmsim_sleep lets time pass. A pass costs no simulated time (it runs on
 * another CPU of the real machine). Only src/os/ calls this.
 */
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

#define HPAGE_2M	  (2ULL << 20)
#define KH_CHECK_ACCESSES 1024 /* accesses between looks at the clock */

enum scan_result {
	SCAN_SUCCEED,	 /* collapsed */
	SCAN_PMD_NULL,	 /* no page table under the range */
	SCAN_PMD_MAPPED, /* a huge page maps it already */
	SCAN_REFUSED,	 /* its PTEs do not allow a collapse */
	SCAN_ALLOC_FAIL, /* no 2 MiB block free */
};

/* The live listed process with the smallest kh_seq >= @seq, or NULL. */
static struct process *listed_from(struct vmsim_system *sys, uint64_t seq)
{
	struct process *best = NULL;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (p && p->alive && p->kh_seq >= seq && (!best || p->kh_seq < best->kh_seq))
			best = p;
	}
	return best;
}

static bool has_work(struct vmsim_system *sys)
{
	return listed_from(sys, 1) != NULL;
}

static void look_at_clock_soon(struct vmsim_system *sys)
{
	sys->kh.check_at = sys->kh.next_wake == UINT64_MAX ? UINT64_MAX : sys->accesses;
	timers_update(sys);
}

static void enlist(struct vmsim_system *sys, struct process *p)
{
	bool idle = !has_work(sys);
	p->kh_seq = ++sys->kh.next_seq;
	if (idle) { /* khugepaged waited for work: it runs now */
		sys->kh.next_wake = sys_cycles(sys);
		look_at_clock_soon(sys);
	}
}

void khugepaged_enter(struct vmsim_system *sys, struct process *p, const struct vma *vma)
{
	if (sys->cfg.khugepaged && !p->kh_seq && vma->anon && thp_allowed(sys, vma))
		enlist(sys, p);
}

void khugepaged_fork(struct vmsim_system *sys, const struct process *parent, struct process *child)
{
	if (parent->kh_seq && !child->kh_seq)
		enlist(sys, child);
}

/* May khugepaged collapse in @vma (Linux's thp_vma_allowable_order for
 * khugepaged: an area with an anon_vma)? */
static bool eligible(const struct vmsim_system *sys, const struct vma *vma)
{
	return vma->anon && thp_allowed(sys, vma) && vma->prot != VMSIM_PROT_NONE;
}

/* Linux's hpage_collapse_scan_pmd: may the 512 PTEs of table @pt be one
 * huge page? *@present gets the bitmap of pages mapped (not the zero page). */
static bool collapsible(struct vmsim_system *sys, const pte_t *pt, uint64_t present[8])
{
	const struct vmsim_config *cfg = &sys->cfg;
	uint64_t none = 0, shared = 0;
	bool writable = false, referenced = false;
	memset(present, 0, 8 * sizeof(present[0]));
	for (unsigned i = 0; i < PTE_ENTRIES; i++) {
		pte_t e = pt[i];
		if (e == 0 || (pte_present(e) && is_zero_pfn(sys, pte_pfn(e, false)))) {
			if (++none > cfg->khugepaged_max_ptes_none)
				return false;
			continue;
		}
		if (!pte_present(e))
			return false; /* in swap (vmsim does not read it back for a collapse),
				       * or a PROT_NONE page */
		const struct frame *f = phys_frame(&sys->pm, pte_pfn(e, false));
		if (f->flags & FRAME_FILE)
			return false;
		if (f->mapcount > 1 && ++shared > cfg->khugepaged_max_ptes_shared)
			return false;
		if (f->refcount != f->mapcount)
			return false; /* the swap cache or someone else holds it too */
		writable |= (e & PTE_RW) != 0;
		referenced |= (e & PTE_A) != 0;
		present[i >> 6] |= 1ULL << (i & 63);
	}
	return writable && referenced;
}

/* Linux's collapse_huge_page: the range at @haddr of @vma, whose table
 * @pt was found collapsible, becomes the huge page @pfn. */
static void collapse(struct vmsim_system *sys, struct process *p, const struct vma *vma,
		     vaddr_t haddr, const pte_t *pt, const uint64_t present[8], pfn_t pfn)
{
	struct flush_batch b;
	if (sys->cfg.data_mode) /* the block is zeroed: the empty PTEs stay zeros */
		for (unsigned i = 0; i < PTE_ENTRIES; i++)
			if (present[i >> 6] & (1ULL << (i & 63)))
				memcpy(phys_bytes(&sys->pm, pfn + i),
				       phys_bytes(&sys->pm, pte_pfn(pt[i], false)),
				       VMSIM_PAGE_SIZE);
	flush_init(&b, p);
	zap_range(sys, p, haddr, haddr + HPAGE_2M, &b);
	int rc = pt_free_table_2m(&p->pt, haddr);
	VMSIM_BUG_ON(rc);
	pte_t *pd;
	rc = pt_slot(&p->pt, haddr, VMSIM_PAGE_2M, &pd); /* the PD exists: no allocation */
	VMSIM_BUG_ON(rc || *pd);
	thp_install(sys, p, vma, haddr, pd, pfn);
	memcpy(sys->thp_touched[pfn >> 9], present, sizeof(sys->thp_touched[0]));
	flush_finish(sys, &b);
	sys->kh.collapsed++;
}

static enum scan_result scan_range(struct vmsim_system *sys, struct process *p,
				   const struct vma *vma, vaddr_t haddr)
{
	unsigned level;
	uint64_t present[8];
	pfn_t pfn;
	pte_t *e = pt_lookup(&p->pt, haddr, &level);
	if (!e || (level >= 2 && !pte_present(*e)))
		return SCAN_PMD_NULL;
	if (level >= 2)
		return SCAN_PMD_MAPPED;
	/* level 1: haddr is 2 MiB aligned, so e is the table's first entry */
	if (!collapsible(sys, e, present)) {
		sys->kh.refused++;
		return SCAN_REFUSED;
	}
	if (thp_alloc_block(sys, sys->cfg.khugepaged_defrag ? THP_DIRECT : THP_LIGHT, &pfn)) {
		sys->kh.alloc_failed++;
		return SCAN_ALLOC_FAIL;
	}
	/* reclaim or compaction for the block may have changed the PTEs: look
	 * again, as Linux's __collapse_huge_page_isolate does */
	e = pt_lookup(&p->pt, haddr, &level);
	if (!e || level != 1 || !collapsible(sys, e, present)) {
		phys_free(&sys->pm, pfn, 9);
		sys->kh.refused++;
		return SCAN_REFUSED;
	}
	collapse(sys, p, vma, haddr, e, present, pfn);
	return SCAN_SUCCEED;
}

/* Linux's khugepaged_scan_mm_slot: scan the process at the cursor for at
 * most @pages pages; returns the pages scanned. */
static uint64_t scan_process(struct vmsim_system *sys, uint64_t pages, enum scan_result *result)
{
	struct khugepaged *kh = &sys->kh;
	struct process *p = listed_from(sys, kh->cursor ? kh->cursor : 1);
	uint64_t progress = 0;
	if (!p) {
		kh->cursor = 0;
		kh->full_scans++;
		return 0;
	}
	if (p->kh_seq != kh->cursor) { /* a new process (or the one scanned exited) */
		kh->cursor = p->kh_seq;
		kh->addr = 0;
	}
	size_t i;
	for (i = vma_index_after(&p->vmas, kh->addr); i < p->vmas.n; i++) {
		const struct vma *v = &p->vmas.v[i];
		vaddr_t hstart = (v->start + HPAGE_2M - 1) & ~(HPAGE_2M - 1);
		vaddr_t hend = v->end & ~(HPAGE_2M - 1);
		if (!eligible(sys, v) || kh->addr > hend) {
			progress++;
			continue;
		}
		if (kh->addr < hstart)
			kh->addr = hstart;
		while (kh->addr < hend) {
			*result = scan_range(sys, p, v, kh->addr);
			kh->addr += HPAGE_2M;
			progress += PTE_ENTRIES;
			if (*result == SCAN_ALLOC_FAIL || progress >= pages)
				return progress;
		}
	}
	/* every area done: on to the next process, or back to the head */
	struct process *next = listed_from(sys, p->kh_seq + 1);
	kh->addr = 0;
	if (next) {
		kh->cursor = next->kh_seq;
	} else {
		kh->cursor = 0;
		kh->full_scans++;
	}
	return progress;
}

/* Linux's khugepaged_do_scan: one pass of pages_to_scan pages, at most
 * once through the list head. True if it ended for want of a 2 MiB block. */
static bool pass(struct vmsim_system *sys)
{
	const uint64_t pages = sys->cfg.khugepaged_pages_to_scan;
	uint64_t progress = 0;
	unsigned heads = 0;
	sys->kh.passes++;
	for (;;) {
		enum scan_result result = SCAN_SUCCEED;
		if (sys->kh.cursor == 0)
			heads++;
		if (heads < 2 && has_work(sys)) {
			uint64_t n = scan_process(sys, pages - progress, &result);
			progress += n;
			sys->kh.scanned += n;
		} else
			progress = pages;
		if (result == SCAN_ALLOC_FAIL)
			return true;
		if (progress >= pages)
			return false;
	}
}

/* Run every pass due at cycle @now. */
static void run_due(struct vmsim_system *sys, uint64_t now)
{
	struct khugepaged *kh = &sys->kh;
	while (kh->next_wake <= now) {
		uint64_t at = kh->next_wake;
		bool starved = pass(sys);
		if (!has_work(sys))
			kh->next_wake = UINT64_MAX;
		else
			kh->next_wake =
			    at + ms_cycles(sys, starved ? sys->cfg.khugepaged_alloc_sleep_ms
							: sys->cfg.khugepaged_scan_sleep_ms);
	}
	check_if_debug(sys);
}

void khugepaged_tick(struct vmsim_system *sys)
{
	run_due(sys, sys_cycles(sys));
	sys->kh.check_at =
	    sys->kh.next_wake == UINT64_MAX ? UINT64_MAX : sys->accesses + KH_CHECK_ACCESSES;
	timers_update(sys);
}
