/*
 * Huge pages. Transparent huge pages (THP): an anonymous private area that
 * allows them (VMSIM_THP_ALWAYS, or VMSIM_THP_MADVISE and MADV_HUGEPAGE) gets a
 * 2 MiB page, a PS leaf at the PD level, on its first write inside a 2 MiB
 * range that lies wholly in the area and has no page table yet, when the
 * buddy allocator has a free order-9 block; else the fault falls back to
 * 4 KiB pages (thp_fault_fallback). A first read maps the huge zero page
 * (read-only, in no RSS); the first write replaces it. A huge page is split
 * into 512 pages, in every process that maps it, when part of it is
 * unmapped or protected, when a copy-on-write needs one 4 KiB page of it,
 * and before it goes to swap.
 *
 * hugetlb: pools of 2 MiB and 1 GiB pages reserved at start; MAP_HUGETLB
 * areas take pages from them on faults (an empty pool: SIGBUS, as with
 * MAP_NORESERVE on Linux), never split, never swap, count in HugetlbPages
 * rather than RSS. After fork a private hugetlb page is copied on write.
 * Only src/os/ calls this.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

#define HPAGE_2M (2ULL << 20)

static unsigned order_of(enum vmsim_page_size ps)
{
	return PTE_INDEX_BITS * (unsigned)ps;
}

int huge_init(struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = &sys->cfg;
	uint64_t want[VMSIM_NPAGE_SIZES] = {0, cfg->hugetlb_2m, cfg->hugetlb_1g};
	uint32_t data = cfg->data_mode ? FRAME_DATA : 0;

	sys->huge_zero_pfn = PFN_NONE;
	sys->thp_touched = calloc((sys->pm.nframes >> 9) + 1, sizeof(*sys->thp_touched));
	if (!sys->thp_touched)
		return VMSIM_ENOHOSTMEM;
	for (unsigned ps = 1; ps < VMSIM_NPAGE_SIZES; ps++) {
		if (!want[ps])
			continue;
		sys->hugetlb_pool[ps] = calloc(want[ps], sizeof(pfn_t));
		if (!sys->hugetlb_pool[ps])
			return VMSIM_ENOHOSTMEM;
		for (uint64_t i = 0; i < want[ps]; i++) {
			pfn_t pfn;
			int rc = phys_alloc(&sys->pm, order_of(ps), FRAME_HUGETLB | data, &pfn);
			if (rc)
				return rc; /* phys_release takes back what was reserved */
			sys->hugetlb_pool[ps][sys->hugetlb_nfree[ps]++] = pfn;
			sys->hugetlb_total[ps]++;
		}
	}
	return 0;
}

void huge_release(struct vmsim_system *sys)
{
	free(sys->thp_touched);
	for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
		free(sys->hugetlb_pool[ps]);
}

bool thp_allowed(const struct vmsim_system *sys, const struct vma *vma)
{
	if (vma->file || vma->hugetlb || (vma->flags & VMSIM_MAP_SHARED) || vma->thp < 0)
		return false;
	return sys->cfg.thp == VMSIM_THP_ALWAYS ||
	       (sys->cfg.thp == VMSIM_THP_MADVISE && vma->thp > 0);
}

/* Without reclaim or compaction (GFP_TRANSHUGE_LIGHT). */
static int alloc_block(struct vmsim_system *sys, pfn_t *pfn)
{
	if (sys->pm.nr_free < 512 + sys->wmark_low)
		return VMSIM_ENOMEM;
	return phys_alloc(&sys->pm, 9, FRAME_ANON | (sys->cfg.data_mode ? FRAME_DATA : 0), pfn);
}

int thp_alloc_block(struct vmsim_system *sys, enum thp_defrag how, pfn_t *pfn)
{
	if (alloc_block(sys, pfn) == 0)
		return 0;
	bool low = sys->pm.nr_free < 512 + sys->wmark_low;
	if (how == THP_DIRECT) {
		/* reclaim and compact, waiting (__GFP_DIRECT_RECLAIM) */
		if (low && !sys->in_reclaim) {
			sys->rc.direct_reclaims++;
			reclaim_pages(sys, 512 + sys->wmark_low - sys->pm.nr_free);
		}
		if (alloc_block(sys, pfn) == 0)
			return 0;
		if (sys->pm.nr_free >= 512 + sys->wmark_low && compact_huge(sys, true))
			return alloc_block(sys, pfn);
		return VMSIM_ENOMEM;
	}
	if (how == THP_WAKE) {
		/* __GFP_KSWAPD_RECLAIM: the fault falls back; kswapd and kcompactd
		 * do their work, here right after it */
		if (low && !sys->in_reclaim) {
			sys->rc.kswapd_runs++;
			reclaim_pages(sys, sys->wmark_high + 512 - sys->pm.nr_free);
		}
		if (sys->pm.nr_free >= 512 + sys->wmark_low)
			compact_huge(sys, false);
	}
	return VMSIM_ENOMEM;
}

/* What a THP fault in @vma may do for a 2 MiB block under the defrag
 * setting (Linux's vma_thp_gfp_mask). */
static enum thp_defrag fault_defrag(const struct vmsim_system *sys, const struct vma *vma)
{
	bool madvised = vma->thp > 0;
	switch (sys->cfg.thp_defrag) {
	case VMSIM_THP_DEFRAG_ALWAYS:
		return THP_DIRECT;
	case VMSIM_THP_DEFRAG_DEFER:
		return THP_WAKE;
	case VMSIM_THP_DEFRAG_DEFER_MADVISE:
		return madvised ? THP_DIRECT : THP_WAKE;
	case VMSIM_THP_DEFRAG_MADVISE:
		return madvised ? THP_DIRECT : THP_LIGHT;
	default:
		return THP_LIGHT;
	}
}

static void flush_one(struct vmsim_system *sys, struct process *p, vaddr_t va)
{
	struct flush_batch b;
	flush_init(&b, p);
	flush_add(sys, &b, va);
	flush_finish(sys, &b);
}

void thp_install(struct vmsim_system *sys, struct process *p, const struct vma *vma, vaddr_t haddr,
		 pte_t *pd, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	f->refcount = 1;
	f->mapcount = 1;
	f->owner = p->anon;
	f->index = vma_anon_index(vma, haddr);
	lru_add(sys, pfn);
	memset(sys->thp_touched[pfn >> 9], 0, sizeof(sys->thp_touched[0]));
	*pd = pte_make(pfn, vma_pte_flags(vma, true) | PTE_PS | PTE_D);
	p->rss_anon += 512;
}

/* Map a new THP at the empty or huge-zero PD entry *@pd for @haddr.
 * VM_FAULT_MINOR, or VM_FAULT_FALLBACK when no 2 MiB block is free (counted
 * as a fallback). */
static vm_fault_t map_new_thp(struct vmsim_system *sys, struct process *p, const struct vma *vma,
			      vaddr_t haddr, pte_t *pd)
{
	pfn_t pfn;
	if (thp_alloc_block(sys, fault_defrag(sys, vma), &pfn)) {
		sys->thp_fallback++;
		return VM_FAULT_FALLBACK;
	}
	thp_install(sys, p, vma, haddr, pd, pfn);
	p->c.zero_fills += 512;
	sys->zero_fills += 512;
	sys->thp_alloc++;
	return VM_FAULT_MINOR;
}

/* The huge zero page, allocated on first use. */
static int huge_zero(struct vmsim_system *sys, pfn_t *pfn)
{
	if (sys->huge_zero_pfn == PFN_NONE) {
		int rc = phys_alloc(&sys->pm, 9, FRAME_ZERO | (sys->cfg.data_mode ? FRAME_DATA : 0),
				    &sys->huge_zero_pfn);
		if (rc) {
			sys->huge_zero_pfn = PFN_NONE;
			return rc;
		}
		phys_frame(&sys->pm, sys->huge_zero_pfn)->refcount = 1;
	}
	*pfn = sys->huge_zero_pfn;
	return 0;
}

/* ---- hugetlb ------------------------------------------------------------- */

static pfn_t hugetlb_take(struct vmsim_system *sys, enum vmsim_page_size ps)
{
	if (!sys->hugetlb_nfree[ps])
		return PFN_NONE;
	pfn_t pfn = sys->hugetlb_pool[ps][--sys->hugetlb_nfree[ps]];
	if (sys->cfg.data_mode) /* a recycled page must not show old bytes */
		for (uint64_t i = 0; i < (1ULL << order_of(ps)); i++)
			memset(phys_bytes(&sys->pm, pfn + i), 0, VMSIM_PAGE_SIZE);
	return pfn;
}

static void hugetlb_put(struct vmsim_system *sys, pfn_t pfn, enum vmsim_page_size ps)
{
	sys->hugetlb_pool[ps][sys->hugetlb_nfree[ps]++] = pfn;
}

/* No huge page left in the pool: SIGBUS. */
static vm_fault_t hugetlb_sigbus(struct vm_fault *vmf)
{
	vmf->reason = VMSIM_SIGBUS_HUGETLB;
	return VM_FAULT_SIGBUS;
}

static vm_fault_t hugetlb_fault(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	struct vma *vma = vmf->vma;
	enum vmsim_page_size ps = (enum vmsim_page_size)(vma->hugetlb - 1);
	uint64_t size = 1ULL << vmsim_page_shift(ps);
	vaddr_t haddr = vmf->va & ~(size - 1);
	pte_t *slot;
	int rc = pt_slot(&p->pt, haddr, ps, &slot);
	if (rc)
		return vmf_error(vmf, rc);
	VMSIM_BUG_ON(*slot != 0);
	pfn_t pfn = hugetlb_take(sys, ps);
	if (pfn == PFN_NONE)
		return hugetlb_sigbus(vmf);
	struct frame *f = phys_frame(&sys->pm, pfn);
	f->refcount = 1;
	f->mapcount = 1;
	*slot = pte_make(pfn, vma_pte_flags(vma, true) | PTE_PS | (vmf->write ? PTE_D : 0));
	p->hugetlb_pages += size >> VMSIM_PAGE_SHIFT;
	return VM_FAULT_MINOR;
}

/* A write to a private hugetlb page shared since fork: copy it, or reuse it
 * when this is the last mapper. */
static vm_fault_t hugetlb_wp(struct vmsim_system *sys, struct vm_fault *vmf,
			     enum vmsim_page_size ps)
{
	struct process *p = vmf->p;
	pte_t *slot = vmf->pte;
	pfn_t old = pte_pfn(*slot, true);
	struct frame *f = phys_frame(&sys->pm, old);
	if (f->mapcount > 1) {
		pfn_t pfn = hugetlb_take(sys, ps);
		if (pfn == PFN_NONE)
			return hugetlb_sigbus(vmf);
		if (sys->cfg.data_mode)
			for (uint64_t i = 0; i < (1ULL << order_of(ps)); i++)
				memcpy(phys_bytes(&sys->pm, pfn + i), phys_bytes(&sys->pm, old + i),
				       VMSIM_PAGE_SIZE);
		struct frame *nf = phys_frame(&sys->pm, pfn);
		nf->refcount = nf->mapcount = 1;
		f->mapcount--;
		f->refcount--;
		*slot = pte_make(pfn, vma_pte_flags(vmf->vma, true) | PTE_PS | PTE_D);
		p->c.cow_copies++;
	} else {
		*slot |= PTE_RW | PTE_D;
		p->c.cow_reuses++;
	}
	flush_one(sys, p, vmf->va);
	return VM_FAULT_MINOR;
}

/* ---- faults -------------------------------------------------------------- */

vm_fault_t do_huge_fault(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	struct vma *vma = vmf->vma;
	if (vma->hugetlb)
		return hugetlb_fault(sys, vmf);
	if (!thp_allowed(sys, vma))
		return VM_FAULT_FALLBACK;
	vaddr_t haddr = vmf->va & ~(HPAGE_2M - 1);
	if (haddr < vma->start || haddr + HPAGE_2M > vma->end)
		return VM_FAULT_FALLBACK;
	pte_t *pd;
	int rc = pt_slot(&p->pt, haddr, VMSIM_PAGE_2M, &pd);
	if (rc)
		return rc == VMSIM_EEXIST ? VM_FAULT_FALLBACK : vmf_error(vmf, rc);
	if (*pd)
		return VM_FAULT_FALLBACK; /* 4 KiB pages live here already */
	vma->anon = true; /* even for the huge zero page, as Linux's vmf_anon_prepare */
	khugepaged_enter(sys, p, vma);
	if (!vmf->write) {
		pfn_t hz;
		if (huge_zero(sys, &hz))
			return VM_FAULT_FALLBACK;
		*pd = pte_make(hz, vma_pte_flags(vma, false) | PTE_PS);
		p->c.zero_maps++;
		return VM_FAULT_MINOR;
	}
	return map_new_thp(sys, p, vma, haddr, pd);
}

vm_fault_t do_huge_wp(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	struct vma *vma = vmf->vma;
	pte_t *pd = vmf->pte;
	vaddr_t haddr = vmf->va & ~(HPAGE_2M - 1);
	pfn_t pfn = pte_pfn(*pd, true);
	int rc;
	if (vma->hugetlb)
		return hugetlb_wp(sys, vmf, (enum vmsim_page_size)(vma->hugetlb - 1));
	if (is_zero_pfn(sys, pfn)) {
		if (thp_allowed(sys, vma) &&
		    map_new_thp(sys, p, vma, haddr, pd) == VM_FAULT_MINOR) {
			flush_one(sys, p, haddr);
			return VM_FAULT_MINOR;
		}
		/* no huge page: 512 small zero-page entries, then the 4 KiB path */
		if ((rc = pt_split_2m(&p->pt, haddr)))
			return vmf_error(vmf, rc);
		flush_one(sys, p, haddr);
		return VM_FAULT_FALLBACK;
	}
	struct frame *f = phys_frame(&sys->pm, pfn);
	if (f->mapcount == 1 && f->refcount == 1) {
		*pd |= PTE_RW | PTE_D;
		p->c.cow_reuses++;
		flush_one(sys, p, haddr);
		return VM_FAULT_MINOR;
	}
	/* shared since fork: copy only the 4 KiB page written, as Linux does */
	rc = split_huge_page(sys, pfn);
	return rc ? vmf_error(vmf, rc) : VM_FAULT_FALLBACK;
}

/* ---- splitting ----------------------------------------------------------- */

struct split_ctx {
	struct vmsim_system *sys;
	int rc;
};

static void split_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	struct split_ctx *c = arg;
	(void)e;
	int rc = pt_split_2m(&p->pt, va);
	if (rc && !c->rc)
		c->rc = rc;
	flush_one(sys, p, va);
}

int split_huge_page(struct vmsim_system *sys, pfn_t head)
{
	struct frame *f = phys_frame(&sys->pm, head);
	struct split_ctx c = {sys, 0};
	VMSIM_BUG_ON(f->order != 9 || !(f->flags & FRAME_ANON));
	/* every mapper needs a page table: make sure they all can have one */
	if (sys->pm.nr_free < f->mapcount + 1)
		return VMSIM_ENOMEM;
	rmap_walk(sys, head, split_one, &c);
	VMSIM_BUG_ON(c.rc); /* frames were checked above */
	bool lru = f->flags & FRAME_LRU;
	if (lru)
		lru_del(sys, head);
	phys_split(&sys->pm, head, 9);
	for (unsigned i = 0; i < 512; i++) {
		struct frame *sub = phys_frame(&sys->pm, head + i);
		sub->refcount = f->refcount;
		sub->mapcount = f->mapcount;
		sub->owner = f->owner;
		sub->index = f->index + i;
		sub->flags = (f->flags & ~FRAME_LRU) | FRAME_HEAD;
		if (lru)
			lru_add(sys, head + i);
	}
	sys->thp_split++;
	return 0;
}

int split_huge_at(struct vmsim_system *sys, struct process *p, vaddr_t addr)
{
	unsigned level;
	if (!(addr & (HPAGE_2M - 1)))
		return 0;
	pte_t *e = pt_lookup(&p->pt, addr, &level);
	if (!e || level == 1 || !pte_present(*e) || !pte_huge(*e))
		return 0;
	pfn_t pfn = pte_pfn(*e, true);
	if (level == 3 || (phys_frame(&sys->pm, pfn)->flags & FRAME_HUGETLB))
		return VMSIM_EINVAL; /* hugetlb pages cannot be split */
	if (is_zero_pfn(sys, pfn)) {
		int rc = pt_split_2m(&p->pt, addr);
		if (!rc)
			flush_one(sys, p, addr);
		return rc;
	}
	return split_huge_page(sys, pfn);
}

void zap_huge(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *pd,
	      enum vmsim_page_size ps, struct flush_batch *b)
{
	pte_t e = *pd;
	*pd = 0;
	flush_add(sys, b, va);
	pfn_t pfn = pte_pfn(e, true);
	if (is_zero_pfn(sys, pfn))
		return;
	struct frame *f = phys_frame(&sys->pm, pfn);
	f->mapcount--;
	if (f->flags & FRAME_HUGETLB) {
		p->hugetlb_pages -= 1ULL << order_of(ps);
		if (--f->refcount == 0)
			hugetlb_put(sys, pfn, ps);
		return;
	}
	p->rss_anon -= 512;
	put_user_frame(sys, pfn);
}
