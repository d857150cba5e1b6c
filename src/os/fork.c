/*
 * fork(): the child gets a copy of the parent's areas, and of the page
 * tables of the areas that need it: those that have had anonymous pages
 * (Linux's vma_needs_copy: an anon_vma), and hugetlb areas (their pages
 * live in no page cache the child could fault them in from). Shared
 * mappings and private file mappings without anonymous pages are not
 * copied: the child faults their pages in from the page cache, as on Linux,
 * so it starts with none of them in its RSS. Private pages become read-only
 * in both and are shared until one of them writes (copy-on-write, see
 * do_cow_break). Each copied PTE adds one to the frame's mapcount and refcount.
 * The parent's TLB entries that allowed writes are invalidated (batched as
 * Linux batches them). Swap entries are copied, each taking a reference on
 * its slot. The child's PTEs start old (A clear), and clean for
 * shared mappings, as Linux's copy_present_pte leaves them.
 */
#include "base/base.h"
#include "os/kernel.h"

struct fork_ctx {
	struct vmsim_system *sys;
	struct process *parent, *child;
	const struct vma *vma; /* the area being copied */
	struct flush_batch b;
	int rc;
};

/* Must fork copy @vma's page-table entries? (Linux's vma_needs_copy.) */
static bool vma_needs_copy(const struct vma *vma)
{
	return vma->anon || vma->hugetlb;
}

static int copy_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct fork_ctx *c = arg;
	struct vmsim_system *sys = c->sys;
	pte_t e = *leaf;
	pte_t *slot;
	const struct vma *vma = c->vma;
	if (va >= vma->end)
		return 1;
	if (va < vma->start)
		return 0;
	if ((c->rc = pt_slot(&c->child->pt, va, ps, &slot)))
		return 1;
	if (pte_is_swap(e)) {
		/* both now refer to the swapped-out page */
		*slot = e;
		swap_get(&sys->swap, swp_slot(e));
		c->child->swap_ents++;
		return 0;
	}
	bool shared = vma->flags & VMSIM_MAP_SHARED;
	if (!shared && (e & PTE_RW)) {
		e &= ~PTE_RW;
		*leaf = e;
		flush_add(sys, &c->b, va);
	}
	pte_t ce = e & ~PTE_A;
	if (shared)
		ce &= ~PTE_D; /* the dirt stays with the page */
	*slot = ce;
	pfn_t pfn = pte_pfn(e, ps != VMSIM_PAGE_4K);
	if (!is_zero_pfn(sys, pfn)) {
		struct frame *f = phys_frame(&sys->pm, pfn);
		f->mapcount++;
		f->refcount++;
		if (shared && (e & PTE_D))
			f->flags |= FRAME_DIRTY;
		if (f->flags & FRAME_HUGETLB)
			c->child->hugetlb_pages += 1ULL << (9 * (unsigned)ps);
		else if (!(f->flags & FRAME_FILE))
			c->child->rss_anon += 1ULL << (9 * (unsigned)ps);
		else if (((const struct vfile *)f->owner)->kind == VF_SHMEM)
			c->child->rss_shmem++;
		else
			c->child->rss_file++;
	}
	return 0;
}

int vmsim_fork(struct vmsim_system *sys, int ppid, int *child)
{
	struct process *parent = proc_get(sys, ppid), *p;
	int rc;
	if (!parent)
		return VMSIM_ESRCH;
	/* the child needs at most as many tables as the parent has: make room
	 * now, since reclaim may not run while the parent's tables are walked */
	kernel_reserve(sys, parent->pt.ntables + 1);
	if ((rc = proc_new(sys, &p)))
		return rc;
	if ((rc = vma_map_copy(&p->vmas, &parent->vmas))) {
		proc_teardown(sys, p);
		return rc;
	}
	uint64_t charge = 0;
	for (size_t i = 0; i < p->vmas.n; i++) {
		p->vmas.v[i].locked = 0; /* memory locks are not inherited */
		if (p->vmas.v[i].account)
			charge += vma_pages(&p->vmas.v[i]);
	}
	/* the child's private writable areas are promised again (dup_mmap) */
	if ((rc = vm_enough_memory(sys, p, charge))) {
		for (size_t i = 0; i < p->vmas.n; i++)
			p->vmas.v[i].account = false; /* nothing charged to give back */
		proc_teardown(sys, p);
		return rc;
	}
	p->brk_start = parent->brk_start;
	p->brk = parent->brk;
	/* the child joins the parent's family: its anonymous pages are shared */
	anon_put(p->anon);
	p->anon = parent->anon;
	p->anon->refs++;
	struct fork_ctx c = {sys, parent, p, NULL, {0}, 0};
	flush_init(&c.b, parent);
	for (size_t i = 0; i < parent->vmas.n && !c.rc; i++) {
		c.vma = &parent->vmas.v[i];
		if (vma_needs_copy(c.vma))
			pt_for_each_leaf_range(&parent->pt, c.vma->start, c.vma->end, copy_one, &c);
	}
	flush_finish(sys, &c.b);
	p->anon_moved = parent->anon_moved;
	p->mlock_future = 0; /* mlockall(MCL_FUTURE) is not inherited */
	if (c.rc) {
		/* out of frames for the child's tables: undo the child */
		proc_teardown(sys, p);
		return c.rc;
	}
	khugepaged_fork(sys, parent, p);
	*child = p->pid;
	check_if_debug(sys);
	return 0;
}
