/*
 * mlock, mlock2, munlock, mlockall, munlockall and MAP_LOCKED: locked areas
 * (Linux's VM_LOCKED). Their pages are faulted in at once (not with
 * MLOCK_ONFAULT) and never evicted. As on Linux, a page is not taken off
 * the policy's lists when it is locked, but when reclaim meets it (the
 * unevictable list's culling): evict() finds a locked area in the page's
 * reverse map, sets FRAME_MLOCKED and drops it from the policy. munlock,
 * and any unmapping that leaves the page alive, put it back; if another
 * locked area still maps it, the next reclaim culls it again (Linux's
 * mlock_count, counted lazily). hugetlb areas are never marked locked
 * (their pages are unevictable anyway). Only the public API calls this.
 */
#include "base/base.h"
#include "os/kernel.h"

#define PAGE_MASK_LOW (VMSIM_PAGE_SIZE - 1)

/* Bytes of @p's locked areas (VmLck), and of those inside [@start, @end). */
static uint64_t locked_bytes(const struct process *p, vaddr_t start, vaddr_t end,
			     uint64_t *inside /* out */)
{
	uint64_t all = 0;
	*inside = 0;
	for (size_t i = 0; i < p->vmas.n; i++) {
		const struct vma *v = &p->vmas.v[i];
		if (!v->locked)
			continue;
		all += v->end - v->start;
		vaddr_t lo = v->start > start ? v->start : start;
		vaddr_t hi = v->end < end ? v->end : end;
		if (lo < hi)
			*inside += hi - lo;
	}
	return all;
}

struct putback_ctx {
	struct vmsim_system *sys;
	vaddr_t end;
};

/* A leaf of an area that stops being locked: its page goes back to the
 * policy's lists (culled again if another locked area maps it). */
static int putback_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct putback_ctx *c = arg;
	(void)ps;
	if (va >= c->end)
		return 1;
	if (!(*leaf & (PTE_P | PTE_PROTNONE)))
		return 0;
	pfn_t pfn = pte_pfn(*leaf, ps != VMSIM_PAGE_4K);
	if (is_zero_pfn(c->sys, pfn))
		return 0;
	struct frame *f = phys_frame(&c->sys->pm, pfn);
	if (f->flags & FRAME_MLOCKED) {
		f->flags &= ~FRAME_MLOCKED;
		c->sys->rc.unevictable -= 1ULL << f->order;
		lru_add(c->sys, pfn);
	}
	return 0;
}

/*
 * Set the locked state of every area in [@start, @end) to @locked (areas
 * split at the ends), as Linux's apply_vma_lock_flags: up to the first
 * hole, which gives VMSIM_ENOMEM. Pages of areas that stop being locked go
 * back to the policy.
 */
static int apply_lock(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end,
		      uint8_t locked)
{
	int rc;
	/* hugetlb areas are left whole: they are never marked */
	for (int k = 0; k < 2; k++) {
		vaddr_t cut = k ? end : start;
		const struct vma *v = vma_find(&p->vmas, cut);
		if (!v || v->hugetlb)
			continue;
		if ((rc = split_huge_at(sys, p, cut)) || (rc = vma_split_at(&p->vmas, cut)))
			return rc;
	}
	vaddr_t at = start;
	rc = 0;
	for (size_t i = vma_index_after(&p->vmas, start); i < p->vmas.n && at < end; i++) {
		struct vma *v = &p->vmas.v[i];
		if (v->start != at) {
			rc = VMSIM_ENOMEM; /* a hole */
			break;
		}
		at = v->end;
		if (v->hugetlb)
			continue;
		bool was = v->locked;
		v->locked = locked;
		if (was && !locked) {
			struct putback_ctx c = {sys, v->end};
			pt_for_each_leaf_range(&p->pt, v->start, v->end, putback_one, &c);
		}
	}
	if (!rc && at < end)
		rc = VMSIM_ENOMEM;
	merge_range(sys, p, start, at > start ? at : start + VMSIM_PAGE_SIZE);
	return rc;
}

/* The page range of [@addr, @addr + @len), widened to whole pages. */
static int page_range(const struct process *p, vaddr_t addr, uint64_t len, vaddr_t *start,
		      vaddr_t *end)
{
	vaddr_t s = addr & ~PAGE_MASK_LOW;
	if (len > task_size(p) || addr > task_size(p) - len)
		return VMSIM_ENOMEM;
	*start = s;
	*end = (addr + len + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
	return 0;
}

/* Would locking @more bytes keep @p within memlock_limit? */
static bool under_limit(const struct vmsim_system *sys, uint64_t now, uint64_t more)
{
	uint64_t lim = sys->cfg.memlock_limit;
	return lim == 0 || now + more <= lim;
}

int vmsim_mlock(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len, int flags)
{
	struct process *p = proc_get(sys, pid);
	vaddr_t start, end;
	uint64_t inside;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if (flags & ~VMSIM_MLOCK_ONFAULT)
		return VMSIM_EINVAL;
	if ((rc = page_range(p, addr, len, &start, &end)))
		return rc;
	if (start == end)
		return 0;
	uint64_t now = locked_bytes(p, start, end, &inside);
	if (!under_limit(sys, now - inside, end - start))
		return VMSIM_ENOMEM;
	rc = apply_lock(sys, p, start, end,
			(flags & VMSIM_MLOCK_ONFAULT) ? VMA_LOCKED_ONFAULT : VMA_LOCKED);
	if (rc == 0 && !(flags & VMSIM_MLOCK_ONFAULT)) {
		/* as Linux's mlock: the areas stay locked, the pages up to the
		 * first that cannot be had are faulted in, and the error is
		 * mlock's own (EFAULT becomes ENOMEM, ENOMEM EAGAIN) */
		rc = populate_strict(sys, p, start, end);
		rc = rc == VMSIM_EFAULT ? VMSIM_ENOMEM : rc == VMSIM_ENOMEM ? VMSIM_EAGAIN : rc;
	}
	check_if_debug(sys);
	return rc;
}

int vmsim_munlock(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len)
{
	struct process *p = proc_get(sys, pid);
	vaddr_t start, end;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((rc = page_range(p, addr, len, &start, &end)))
		return rc;
	if (start == end)
		return 0;
	rc = apply_lock(sys, p, start, end, 0);
	check_if_debug(sys);
	return rc;
}

int vmsim_mlockall(struct vmsim_system *sys, int pid, int flags)
{
	struct process *p = proc_get(sys, pid);
	const int known = VMSIM_MCL_CURRENT | VMSIM_MCL_FUTURE | VMSIM_MCL_ONFAULT;
	if (!p)
		return VMSIM_ESRCH;
	if (!(flags & (VMSIM_MCL_CURRENT | VMSIM_MCL_FUTURE)) || (flags & ~known))
		return VMSIM_EINVAL;
	uint8_t locked = (flags & VMSIM_MCL_ONFAULT) ? VMA_LOCKED_ONFAULT : VMA_LOCKED;
	if (flags & VMSIM_MCL_CURRENT) {
		uint64_t total = 0;
		for (size_t i = 0; i < p->vmas.n; i++)
			total += p->vmas.v[i].end - p->vmas.v[i].start;
		if (!under_limit(sys, 0, total))
			return VMSIM_ENOMEM;
	}
	p->mlock_future = (flags & VMSIM_MCL_FUTURE) ? locked : 0;
	if (flags & VMSIM_MCL_CURRENT) {
		for (size_t i = 0; i < p->vmas.n; i++)
			if (!p->vmas.v[i].hugetlb)
				p->vmas.v[i].locked = locked;
		for (size_t i = p->vmas.n; i-- > 0;)
			if (i < p->vmas.n)
				vma_merge_around(sys, &p->vmas, i);
		if (locked == VMA_LOCKED)
			populate(sys, p, 0, task_size(p));
	}
	check_if_debug(sys);
	return 0;
}

int vmsim_munlockall(struct vmsim_system *sys, int pid)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	p->mlock_future = 0;
	for (size_t i = 0; i < p->vmas.n; i++) {
		struct vma *v = &p->vmas.v[i];
		if (!v->locked)
			continue;
		v->locked = 0;
		struct putback_ctx c = {sys, v->end};
		pt_for_each_leaf_range(&p->pt, v->start, v->end, putback_one, &c);
	}
	for (size_t i = p->vmas.n; i-- > 0;)
		if (i < p->vmas.n)
			vma_merge_around(sys, &p->vmas, i);
	check_if_debug(sys);
	return 0;
}

static void locked_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	bool *locked = arg;
	(void)sys;
	(void)e;
	const struct vma *v = vma_find(&p->vmas, va);
	if (v && v->locked)
		*locked = true;
}

bool page_in_locked_area(struct vmsim_system *sys, pfn_t pfn)
{
	bool locked = false;
	rmap_walk(sys, pfn, locked_one, &locked);
	return locked;
}
