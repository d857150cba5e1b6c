/*
 * mremap(): shrink an area, grow it in place, or move it with its pages.
 * A move copies the area to the new place and moves its page-table entries
 * there one by one (Linux's move_page_tables): frames do not change, so
 * contents, sharing with a fork family, swap entries, dirty and accessed
 * bits all go with them, and no fault happens afterwards.
 *
 *   old  [====A====)            new  [====A====)+++)   (+: growth, empty)
 *
 * The moved area keeps its anonymous-page index (anon_pgoff) and file
 * offset, so the reverse map still finds each page: frame->index of an
 * anonymous page is the index of its area plus its offset in it, which a
 * move leaves alone (Linux keeps vm_pgoff for the same reason). Transparent
 * huge pages move whole when the old and new addresses agree modulo 2 MiB,
 * else they are split first, as Linux's move_huge_pmd falls back to. Only
 * the public API calls this.
 */
#include "base/base.h"
#include "os/kernel.h"

#define PAGE_MASK_LOW (VMSIM_PAGE_SIZE - 1)
#define HPAGE_SIZE    (2ULL << 20)

struct move_ctx {
	struct vmsim_system *sys;
	struct process *p;
	vaddr_t from, to, len; /* [from, from + len) goes to [to, to + len) */
	struct flush_batch *b;
	int rc;
};

/* Move one leaf of the old range to the same offset in the new one. */
static int move_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct move_ctx *c = arg;
	if (va >= c->from + c->len)
		return 1;
	if (va < c->from || *leaf == 0)
		return 0;
	pte_t *slot;
	vaddr_t dst = c->to + (va - c->from);
	if ((c->rc = pt_slot(&c->p->pt, dst, ps, &slot)))
		return 1;
	VMSIM_BUG_ON(*slot != 0);
	pte_t e = *leaf;
	*leaf = 0;
	*slot = e;
	if (pte_present(e))
		flush_add(c->sys, c->b, va);
	return 0;
}

/* Page tables a move of @len bytes may need, at most. */
static uint64_t tables_for(const struct process *p, uint64_t len)
{
	return (len >> 21) + 2 + 2 * p->pt.levels;
}

/*
 * Move [@from, @from + @old_len) of area @vi to @to as an area of @new_len
 * bytes; @to's range is free. With @dontunmap the old area stays, empty.
 */
static int move_vma(struct vmsim_system *sys, struct process *p, vaddr_t from, uint64_t old_len,
		    vaddr_t to, uint64_t new_len, bool dontunmap)
{
	struct flush_batch b;
	int rc;
	uint64_t len = old_len < new_len ? old_len : new_len;
	if ((from ^ to) & (HPAGE_SIZE - 1)) {
		if ((rc = split_huge_range(sys, p, from, from + len)))
			return rc;
	}
	if ((rc = split_range_ends(sys, p, from, from + len)) ||
	    (rc = vma_split_at(&p->vmas, from)) || (rc = vma_split_at(&p->vmas, from + len)))
		return rc;
	/* the tables the new range needs, before anything moves: pt_slot
	 * must not fail half-way (reclaim may still run now, not later) */
	kernel_reserve(sys, tables_for(p, new_len));
	if (sys->pm.nr_free < tables_for(p, new_len))
		return VMSIM_ENOMEM;
	struct vma *old = vma_find(&p->vmas, from);
	struct vma v = *old;
	v.start = to;
	v.end = to + new_len;
	if (v.file)
		vfile_get(v.file);
	if ((rc = vma_insert(&p->vmas, &v))) {
		if (v.file)
			vfile_put(sys, v.file);
		return rc;
	}
	/* the new area holds the old one's charge (the growth was charged by
	 * the caller); with dontunmap the old area keeps its own too */
	if (v.account && !dontunmap)
		sys->committed += len >> VMSIM_PAGE_SHIFT;
	if (to >> VMSIM_PAGE_SHIFT != v.anon_pgoff)
		p->anon_moved = true;
	/* tables left empty at the destination by earlier unmaps would stop
	 * a huge leaf from landing: free them first */
	flush_init(&b, p);
	if (pt_prune(&p->pt, to, to + new_len))
		flush_add(sys, &b, to);
	struct move_ctx c = {sys, p, from, to, len, &b, 0};
	pt_for_each_leaf_range(&p->pt, from, from + len, move_one, &c);
	if (c.rc == VMSIM_EEXIST) {
		/* a huge leaf met a page table at its destination: split what
		 * is left (moved entries are gone from the old range) */
		flush_finish(sys, &b);
		if ((rc = split_huge_range(sys, p, from, from + len)))
			return rc;
		flush_init(&b, p);
		c.rc = 0;
		pt_for_each_leaf_range(&p->pt, from, from + len, move_one, &c);
	}
	flush_finish(sys, &b);
	VMSIM_BUG_ON(c.rc); /* the frames were reserved above */
	if (dontunmap) {
		/* the old area stays, empty, and no longer locked (Linux) */
		old = vma_find(&p->vmas, from);
		old->locked = 0;
		merge_range(sys, p, from, from + len);
	} else if ((rc = do_munmap(sys, p, from, from + len))) {
		return rc;
	}
	merge_range(sys, p, to, to + new_len);
	return 0;
}

/* Can area @v (ending at @v->end) grow by @delta bytes in place? */
static bool expandable(const struct process *p, const struct vma *v, uint64_t delta)
{
	vaddr_t limit = task_size(p);
	if (delta > limit || v->end > limit - delta)
		return false;
	if ((v->end <= USER_TOP) != (v->end + delta <= USER_TOP))
		return false; /* would cross the 47-bit boundary */
	return vma_range_free(&p->vmas, v->end, v->end + delta);
}

int vmsim_mremap(struct vmsim_system *sys, int pid, vaddr_t old_addr, uint64_t old_len,
		 uint64_t new_len, int flags, vaddr_t new_addr, vaddr_t *out)
{
	struct process *p = proc_get(sys, pid);
	const int known = VMSIM_MREMAP_MAYMOVE | VMSIM_MREMAP_FIXED | VMSIM_MREMAP_DONTUNMAP;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((flags & ~known) ||
	    ((flags & (VMSIM_MREMAP_FIXED | VMSIM_MREMAP_DONTUNMAP)) &&
	     !(flags & VMSIM_MREMAP_MAYMOVE)) ||
	    (old_addr & PAGE_MASK_LOW))
		return VMSIM_EINVAL;
	const vaddr_t limit = task_size(p);
	if (old_len > limit || new_len > limit)
		return VMSIM_EINVAL;
	old_len = (old_len + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
	new_len = (new_len + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
	if (!new_len || ((flags & VMSIM_MREMAP_DONTUNMAP) && old_len != new_len))
		return VMSIM_EINVAL;
	struct vma *vma = vma_find(&p->vmas, old_addr);
	if (!vma)
		return VMSIM_EFAULT;
	if (vma->hugetlb) {
		uint64_t hs = 1ULL << vmsim_page_shift((enum vmsim_page_size)(vma->hugetlb - 1));
		/* hugetlb reservations cannot be split: no growth (Linux) */
		if ((old_addr & (hs - 1)) || (old_len & (hs - 1)) || (new_len & (hs - 1)) ||
		    new_len > old_len || ((flags & VMSIM_MREMAP_FIXED) && (new_addr & (hs - 1))))
			return VMSIM_EINVAL;
	}
	if (old_len == 0)
		return VMSIM_EINVAL; /* duplicating a shared mapping is not modelled */

	if (flags & VMSIM_MREMAP_FIXED) {
		if ((new_addr & PAGE_MASK_LOW) || new_addr > limit - new_len)
			return VMSIM_EINVAL;
		if (old_addr < new_addr + new_len && new_addr < old_addr + old_len)
			return VMSIM_EINVAL; /* the ranges overlap */
	}
	if (!(flags & (VMSIM_MREMAP_FIXED | VMSIM_MREMAP_DONTUNMAP)) && new_len <= old_len) {
		/* shrinking (or nothing) always works: unmap the tail */
		if (new_len < old_len &&
		    (rc = do_munmap(sys, p, old_addr + new_len, old_addr + old_len)))
			return rc;
		*out = old_addr;
		check_if_debug(sys);
		return 0;
	}
	if (old_len > vma->end - old_addr)
		return VMSIM_EFAULT; /* the range leaves the area */
	uint8_t locked = vma->locked;
	bool account = vma->account;
	vaddr_t at;
	if (flags & VMSIM_MREMAP_FIXED) {
		if ((rc = do_munmap(sys, p, new_addr, new_addr + new_len)))
			return rc;
		if (new_len < old_len) {
			if ((rc = do_munmap(sys, p, old_addr + new_len, old_addr + old_len)))
				return rc;
			old_len = new_len;
		}
		at = new_addr;
	} else if (!(flags & VMSIM_MREMAP_DONTUNMAP) && old_addr + old_len == vma->end &&
		   expandable(p, vma, new_len - old_len)) {
		/* grow in place */
		if (account &&
		    (rc = vm_enough_memory(sys, p, (new_len - old_len) >> VMSIM_PAGE_SHIFT)))
			return rc;
		vma->end = old_addr + new_len;
		merge_range(sys, p, old_addr, old_addr + new_len);
		if (locked == VMA_LOCKED)
			populate(sys, p, old_addr + old_len, old_addr + new_len);
		*out = old_addr;
		check_if_debug(sys);
		return 0;
	} else if (!(flags & VMSIM_MREMAP_MAYMOVE)) {
		return VMSIM_ENOMEM;
	} else {
		bool thp_align = !vma->file && !(vma->flags & VMSIM_MAP_SHARED) && !vma->hugetlb &&
				 !(new_len & (HPAGE_SIZE - 1));
		uint64_t align = VMSIM_PAGE_SIZE;
		if (vma->hugetlb)
			align = 1ULL << vmsim_page_shift((enum vmsim_page_size)(vma->hugetlb - 1));
		at = get_unmapped_area(p, 0, new_len, align, thp_align, 0);
		if (!at)
			return VMSIM_ENOMEM;
	}
	/* Committed_AS: the growth, or with dontunmap the whole new area */
	uint64_t charge = 0;
	if (account)
		charge = ((flags & VMSIM_MREMAP_DONTUNMAP) ? new_len : new_len - old_len) >>
			 VMSIM_PAGE_SHIFT;
	if (charge && (rc = vm_enough_memory(sys, p, charge)))
		return rc;
	if ((rc = move_vma(sys, p, old_addr, old_len, at, new_len,
			   flags & VMSIM_MREMAP_DONTUNMAP))) {
		if (charge)
			vm_unacct_memory(sys, charge);
		return rc;
	}
	if (locked == VMA_LOCKED && new_len > old_len)
		populate(sys, p, at + old_len, at + new_len);
	*out = at;
	check_if_debug(sys);
	return 0;
}
