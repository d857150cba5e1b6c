/*
 * Memory-management system calls: mmap, munmap, mprotect, brk, madvise,
 * with Linux's argument checks and errors, and the page-zapping they share.
 * Only the public API (and src/os/) calls this.
 *
 * New mappings are placed top-down below MMAP_BASE (Linux's default
 * layout), or at the hint when the hint's range is free.
 */
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

#define PAGE_MASK_LOW (VMSIM_PAGE_SIZE - 1)
#define HPAGE_SIZE    (2ULL << 20)

static inline uint64_t page_round_up(uint64_t x)
{
	return (x + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
}

/* Drop one leaf entry of @p at @va: the mapper's references go (a swap
 * entry's slot reference too), the frame is freed when nobody holds it any
 * more. A dirty PTE leaves its dirt on the page, as Linux's zap does. */
static void zap_pte(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *slot,
		    struct flush_batch *b)
{
	pte_t e = *slot;
	*slot = 0;
	if (pte_is_swap(e)) {
		uint64_t s = swp_slot(e);
		p->swap_ents--;
		swap_put(&sys->swap, s);
		swapcache_trim(sys, s); /* the cache may be the page's only user now */
		return;
	}
	if (pte_present(e))
		flush_add(sys, b, va);
	pfn_t pfn = pte_pfn(e, false);
	if (is_zero_pfn(sys, pfn))
		return;
	struct frame *f = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(f->mapcount == 0 || f->refcount == 0);
	if (e & PTE_D)
		f->flags |= FRAME_DIRTY;
	f->mapcount--;
	if (!(f->flags & FRAME_FILE)) {
		p->rss_anon--;
	} else {
		struct vfile *vf = f->owner;
		if (vf->kind == VF_SHMEM)
			p->rss_shmem--;
		else
			p->rss_file--;
		/* unmapping writes a dirty file page back (the simulation's
		 * stand-in for the writeback threads, which would soon) */
		if (f->flags & FRAME_DIRTY)
			pcache_writeback(sys, vf, f->index, pfn);
	}
	put_user_frame(sys, pfn);
}

struct zap_ctx {
	struct vmsim_system *sys;
	struct process *p;
	struct flush_batch *b;
	vaddr_t start, end;
};

static int zap_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct zap_ctx *z = arg;
	if (va >= z->end)
		return 1; /* past the range: stop the walk */
	if (va < z->start)
		return 0;
	if (ps != VMSIM_PAGE_4K)
		zap_huge(z->sys, z->p, va, leaf, ps, z->b);
	else
		zap_pte(z->sys, z->p, va, leaf, z->b);
	return 0;
}

/* Drop every leaf of [@start, @end); the caller has split huge pages
 * straddling its ends (split_huge_at). */
void zap_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end,
	       struct flush_batch *b)
{
	struct zap_ctx z = {sys, p, b, start, end};
	pt_for_each_leaf_range(&p->pt, start, end, zap_one, &z);
}

static int split_all(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	void **a = arg;
	int *rc = a[2];
	if (ps == VMSIM_PAGE_1G)
		*rc = VMSIM_ENOTSUP;
	else if (ps == VMSIM_PAGE_2M && pte_present(*leaf))
		*rc = split_huge_at(a[0], a[1], va + VMSIM_PAGE_SIZE);
	return *rc == VMSIM_EINVAL ? (*rc = VMSIM_ENOTSUP) : *rc;
}

/* Split every huge page in [@start, @end) into 4 KiB pages (hugetlb pages
 * cannot be: VMSIM_ENOTSUP). */
int split_huge_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	int rc = 0;
	void *a[3] = {sys, p, &rc};
	pt_for_each_leaf_range(&p->pt, start, end, split_all, a);
	return rc;
}

/* Does [@start, @end) cut a hugetlb area somewhere else than at a boundary
 * of its pages? (Linux: EINVAL.) */
bool hugetlb_misaligned(struct process *p, vaddr_t start, vaddr_t end)
{
	for (size_t i = vma_index_after(&p->vmas, start); i < p->vmas.n && p->vmas.v[i].start < end;
	     i++) {
		const struct vma *v = &p->vmas.v[i];
		if (!v->hugetlb)
			continue;
		uint64_t size = 1ULL << vmsim_page_shift((enum vmsim_page_size)(v->hugetlb - 1));
		if ((start > v->start && (start & (size - 1))) ||
		    (end < v->end && (end & (size - 1))))
			return true;
	}
	return false;
}

/* Split the huge pages straddling @start and @end. */
int split_range_ends(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	int rc = split_huge_at(sys, p, start);
	return rc ? rc : split_huge_at(sys, p, end);
}

int do_munmap(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	struct flush_batch b;
	int rc;
	if ((rc = split_range_ends(sys, p, start, end)) || (rc = vma_split_at(&p->vmas, start)) ||
	    (rc = vma_split_at(&p->vmas, end)))
		return rc;
	flush_init(&b, p);
	zap_range(sys, p, start, end, &b);
	size_t i = vma_index_after(&p->vmas, start);
	while (i < p->vmas.n && p->vmas.v[i].start < end)
		vma_remove(sys, &p->vmas, i);
	/* free the page tables left empty between the neighbouring areas (as
	 * Linux's free_pgtables does), then make the TLBs and the
	 * paging-structure caches forget them */
	vaddr_t lo = i > 0 ? p->vmas.v[i - 1].end : 0;
	vaddr_t hi = i < p->vmas.n ? p->vmas.v[i].start : task_size(p);
	uint64_t freed = pt_prune(&p->pt, lo, hi);
	if (freed && b.n == 0)
		flush_add(sys, &b, start);
	flush_finish(sys, &b);
	return 0;
}

/* The highest gap of @len below @top (top-down, as Linux's
 * vm_unmapped_area). Returns 0 if none. */
static vaddr_t find_gap(struct process *p, vaddr_t top, uint64_t len)
{
	const struct vma_map *m = &p->vmas;
	size_t i = vma_index_after(m, top - 1);
	/* i: first area ending above top-1; walk down through areas below */
	for (;;) {
		vaddr_t gap_top = top;
		if (i < m->n && m->v[i].start < gap_top)
			gap_top = m->v[i].start;
		vaddr_t gap_bottom = i > 0 ? m->v[i - 1].end : MMAP_MIN;
		if (gap_top > gap_bottom && gap_top - gap_bottom >= len)
			return gap_top - len;
		if (i == 0)
			return 0;
		i--;
		top = m->v[i].start;
	}
}

vaddr_t get_unmapped_area(struct process *p, vaddr_t hint, uint64_t len, uint64_t align,
			  bool thp_align, uint64_t off)
{
	const vaddr_t limit = task_size(p);
	if (len > limit)
		return 0;
	vaddr_t start = hint & ~(align - 1);
	/* a hint is taken when its range is free and does not straddle the
	 * 47-bit boundary (x86's mmap_address_hint_valid) */
	if (start && start >= MMAP_MIN && start <= limit - len &&
	    (start > USER_TOP) == (start + len > USER_TOP) &&
	    vma_range_free(&p->vmas, start, start + len))
		return start;
	/* a hint above 47 bits opts in to the whole 56-bit space */
	vaddr_t top = MMAP_BASE;
	if (hint > USER_TOP && limit > USER_TOP)
		top += limit - USER_TOP;
	if (thp_align && !hint) {
		/* Linux's __thp_get_unmapped_area: a gap 2 MiB longer, then
		 * the lowest address in it congruent to @off modulo 2 MiB, or
		 * one 2 MiB higher when the gap's start already is (top-down) */
		vaddr_t r = find_gap(p, top, len + HPAGE_SIZE);
		if (r) {
			uint64_t sub = (off - r) & (HPAGE_SIZE - 1);
			return sub ? r + sub : r + HPAGE_SIZE;
		}
	}
	start = find_gap(p, top, len + align - VMSIM_PAGE_SIZE);
	return start ? (start + align - 1) & ~(align - 1) : 0;
}

/* Fault in every page of [@start, @end) inside one area. With @strict, a
 * PROT_NONE area or a page that cannot be had (SIGBUS, SIGSEGV) stops it
 * with VMSIM_EFAULT. */
static int populate_area(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end,
			 bool strict)
{
	struct vma *vma = vma_find(&p->vmas, start);
	if (!vma)
		return 0;
	if (vma->prot == VMSIM_PROT_NONE)
		return strict ? VMSIM_EFAULT : 0;
	unsigned acc = VMSIM_ACC_USER;
	if ((vma->prot & VMSIM_PROT_WRITE) && !(vma->flags & VMSIM_MAP_SHARED))
		acc |= VMSIM_ACC_WRITE;
	for (vaddr_t va = start; va < end && p->alive; va += VMSIM_PAGE_SIZE) {
		struct vm_fault vmf;
		unsigned level;
		pte_t *e = pt_lookup(&p->pt, va, &level);
		if (e && pte_present(*e) && (!(acc & VMSIM_ACC_WRITE) || (*e & PTE_RW)))
			continue; /* already there (a 4 KiB page or a huge one) */
		vm_fault_t r = os_handle_fault(sys, p, va, acc, &vmf);
		int rc = vmf_errno(&vmf, r);
		if (rc)
			return rc;
		if (strict && (r & (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS)))
			return VMSIM_EFAULT;
	}
	return 0;
}

static int populate_areas(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end,
			  bool strict)
{
	for (size_t i = vma_index_after(&p->vmas, start); i < p->vmas.n && p->alive; i++) {
		const struct vma *v = &p->vmas.v[i];
		if (v->start >= end)
			break;
		vaddr_t lo = v->start > start ? v->start : start;
		vaddr_t hi = v->end < end ? v->end : end;
		int rc = populate_area(sys, p, lo, hi, strict);
		if (rc)
			return rc;
	}
	return 0;
}

int populate(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	return populate_areas(sys, p, start, end, false);
}

int populate_strict(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	return populate_areas(sys, p, start, end, true);
}

int vmsim_mmap(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len, int prot, int flags,
	       int fd, uint64_t offset, vaddr_t *out)
{
	struct process *p = proc_get(sys, pid);
	const int known = VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE | VMSIM_MAP_FIXED |
			  VMSIM_MAP_ANONYMOUS | VMSIM_MAP_NORESERVE | VMSIM_MAP_POPULATE |
			  VMSIM_MAP_FIXED_NOREPLACE | VMSIM_MAP_HUGETLB | VMSIM_MAP_LOCKED |
			  (int)(63U << 26);
	int rc;

	if (!p)
		return VMSIM_ESRCH;
	int type = flags & (VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE);
	if (len == 0 || (flags & ~known) ||
	    (type != VMSIM_MAP_SHARED && type != VMSIM_MAP_PRIVATE) ||
	    (prot & ~(VMSIM_PROT_READ | VMSIM_PROT_WRITE | VMSIM_PROT_EXEC)) ||
	    (offset & PAGE_MASK_LOW))
		return VMSIM_EINVAL;
	struct vfile *file = NULL;
	if (!(flags & VMSIM_MAP_ANONYMOUS)) {
		file = vfile_of_fd(sys, fd);
		if (!file)
			return VMSIM_EBADF;
		if (type == VMSIM_MAP_SHARED && (prot & VMSIM_PROT_WRITE) && !file->writable)
			return VMSIM_EACCES;
	}
	if (len > task_size(p))
		return VMSIM_ENOMEM;
	/* hugetlb: the page size from bits 26..31 (0: 2 MiB), anonymous only */
	uint64_t align = VMSIM_PAGE_SIZE;
	int hugetlb = 0;
	if (flags & VMSIM_MAP_HUGETLB) {
		unsigned shift = ((unsigned)flags >> 26) & 63;
		if (file || (shift && shift != 21 && shift != 30))
			return VMSIM_EINVAL;
		hugetlb = 1 + (shift == 30 ? VMSIM_PAGE_1G : VMSIM_PAGE_2M);
		align = 1ULL << vmsim_page_shift((enum vmsim_page_size)(hugetlb - 1));
	} else if (flags & (int)(63U << 26)) {
		return VMSIM_EINVAL;
	}
	len = (len + align - 1) & ~(align - 1);
	bool fixed = flags & (VMSIM_MAP_FIXED | VMSIM_MAP_FIXED_NOREPLACE);
	if (fixed && (addr & (align - 1)))
		return VMSIM_EINVAL;

	/* what Committed_AS takes: a private writable area, or the object of
	 * shared anonymous memory (both unless MAP_NORESERVE outside mode 2) */
	uint64_t charge = 0;
	bool account = type == VMSIM_MAP_PRIVATE && vma_accountable(sys, flags, prot, hugetlb);
	bool shm_account = !file && type == VMSIM_MAP_SHARED && !hugetlb &&
			   (!(flags & VMSIM_MAP_NORESERVE) ||
			    sys->cfg.overcommit_memory == VMSIM_OVERCOMMIT_NEVER);
	if (account || shm_account)
		charge = len >> VMSIM_PAGE_SHIFT;

	vaddr_t start;
	if (fixed) {
		if (addr < MMAP_MIN || len > task_size(p) || addr > task_size(p) - len)
			return VMSIM_ENOMEM;
		start = addr;
		if (!vma_range_free(&p->vmas, start, start + len)) {
			if (flags & VMSIM_MAP_FIXED_NOREPLACE)
				return VMSIM_EEXIST;
			/* the charge of what is replaced counts against the new
			 * one (Linux's nr_accounted), checked before unmapping */
			uint64_t old = 0;
			for (size_t i = vma_index_after(&p->vmas, start);
			     i < p->vmas.n && p->vmas.v[i].start < start + len; i++) {
				const struct vma *o = &p->vmas.v[i];
				vaddr_t lo = o->start > start ? o->start : start;
				vaddr_t hi = o->end < start + len ? o->end : start + len;
				if (o->account)
					old += (hi - lo) >> VMSIM_PAGE_SHIFT;
			}
			if (account) {
				if ((rc = vm_enough_memory(sys, p, charge - old)))
					return rc;
				sys->committed += old; /* do_munmap gives it back */
				charge = 0;	       /* charged */
			}
			if ((rc = do_munmap(sys, p, start, start + len))) {
				if (account)
					vm_unacct_memory(sys, len >> VMSIM_PAGE_SHIFT);
				return rc;
			}
		}
	} else {
		/* private anonymous areas of whole 2 MiB pages start on a 2 MiB
		 * boundary (Linux 6.7+), so that THP can back all of them; a
		 * file mapping that covers a whole 2 MiB-aligned stretch of the
		 * file is placed so that such stretches fall on 2 MiB in memory
		 * too, where PMD-sized folios can be mapped (the file systems'
		 * thp_get_unmapped_area: ext4, xfs; whatever its length) */
		bool thp_align =
		    !file && type == VMSIM_MAP_PRIVATE && !hugetlb && !(len & (HPAGE_SIZE - 1));
		if (file && file->kind != VF_SHMEM) {
			uint64_t off_align = (offset + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1);
			uint64_t off_end = (offset + len) & ~(HPAGE_SIZE - 1);
			thp_align = off_end > off_align && off_end - off_align >= HPAGE_SIZE;
		}
		start = get_unmapped_area(p, addr, len, align, thp_align, file ? offset : 0);
		if (!start)
			return VMSIM_ENOMEM;
	}

	struct vma v = {
	    .start = start,
	    .end = start + len,
	    .prot = prot,
	    .flags = flags & (VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS |
			      VMSIM_MAP_NORESERVE),
	    .advice = VMSIM_MADV_NORMAL,
	    .name = "",
	    .anon_pgoff = start >> VMSIM_PAGE_SHIFT,
	    .locked = (flags & VMSIM_MAP_LOCKED) ? VMA_LOCKED : p->mlock_future,
	};
	v.hugetlb = hugetlb; /* hugetlb memory is its own: no page-cache object */
	if (charge && (rc = vm_enough_memory(sys, p, charge)))
		return rc;
	if (account)
		charge = len >> VMSIM_PAGE_SHIFT; /* now held: by the area or, below, undone */
	v.account = account;
	if (file) {
		v.file = file;
		v.pgoff = offset >> VMSIM_PAGE_SHIFT;
		vfile_get(file);
	} else if (type == VMSIM_MAP_SHARED && !hugetlb) {
		v.file = vfile_new_shmem(sys, len >> VMSIM_PAGE_SHIFT);
		if (!v.file) {
			if (charge)
				vm_unacct_memory(sys, charge);
			return VMSIM_ENOHOSTMEM;
		}
		if (shm_account)
			v.file->committed = charge; /* the object holds it now */
	}
	if ((rc = vma_insert(&p->vmas, &v))) {
		if (v.file)
			vfile_put(sys, v.file); /* gives back a shmem charge */
		if (account)
			vm_unacct_memory(sys, charge);
		return rc;
	}
	vma_merge_around(sys, &p->vmas, vma_index_after(&p->vmas, start));
	/* Linux's mmap does not fail when the pages cannot all be populated */
	if ((flags & VMSIM_MAP_POPULATE) || v.locked == VMA_LOCKED)
		populate(sys, p, start, start + len);
	*out = start;
	check_if_debug(sys);
	return 0;
}

int vmsim_munmap(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	if ((addr & PAGE_MASK_LOW) || len == 0 || len > task_size(p) ||
	    addr > task_size(p) - page_round_up(len))
		return VMSIM_EINVAL;
	if (hugetlb_misaligned(p, addr, addr + page_round_up(len)))
		return VMSIM_EINVAL;
	int rc = do_munmap(sys, p, addr, addr + page_round_up(len));
	check_if_debug(sys);
	return rc;
}

/* Merge back the areas of [@start, @end) and its neighbours that became
 * equal, from the end so that indices stay valid. */
void merge_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end)
{
	size_t first = vma_index_after(&p->vmas, start);
	size_t last = vma_index_after(&p->vmas, end - 1);
	for (size_t i = last + 1; i-- > first;)
		if (i < p->vmas.n)
			vma_merge_around(sys, &p->vmas, i);
}

/* Is [@start, @end) covered by areas without a hole? */
bool range_mapped(struct process *p, vaddr_t start, vaddr_t end)
{
	size_t i = vma_index_after(&p->vmas, start);
	vaddr_t at = start;
	for (; i < p->vmas.n && at < end; i++) {
		if (p->vmas.v[i].start > at)
			return false;
		at = p->vmas.v[i].end;
	}
	return at >= end;
}

struct protect_ctx {
	struct vmsim_system *sys;
	struct process *p;
	struct flush_batch *b;
	const struct vma *vma;
	vaddr_t start, end;
};

/* Rewrite one leaf for the area's new protection. */
static int protect_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct protect_ctx *c = arg;
	if (va >= c->end)
		return 1;
	if (va < c->start)
		return 0;
	pte_t e = *leaf;
	if (pte_is_swap(e))
		return 0; /* the swap-in maps it with the area's protection */
	bool huge = ps != VMSIM_PAGE_4K;
	pfn_t pfn = pte_pfn(e, huge);
	pte_t keep = e & (PTE_PFN_MASK | PTE_A | PTE_D | (huge ? PTE_PS : 0));
	pte_t ne;
	if (c->vma->prot == VMSIM_PROT_NONE) {
		ne = keep | PTE_PROTNONE;
	} else {
		/* writable at once only where no write fault is needed: shared
		 * memory, or a private page this process alone maps (Linux's
		 * can_change_pte_writable) */
		bool w = false;
		if (c->vma->prot & VMSIM_PROT_WRITE) {
			if (c->vma->file && (c->vma->flags & VMSIM_MAP_SHARED))
				/* shared memory at once; a shared file page only if
				 * already dirty (write-notify) */
				w = c->vma->file->kind == VF_SHMEM || (e & PTE_D);
			else if (!is_zero_pfn(c->sys, pfn)) {
				const struct frame *f = phys_frame(&c->sys->pm, pfn);
				w = f->mapcount == 1 && f->refcount == 1 &&
				    !(f->flags & FRAME_SWAPCACHE);
			}
		}
		ne = keep | vma_pte_flags(c->vma, w);
	}
	if (ne != e) {
		*leaf = ne;
		if (pte_present(e))
			flush_add(c->sys, c->b, va);
	}
	return 0;
}

int vmsim_mprotect(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len, int prot)
{
	struct process *p = proc_get(sys, pid);
	struct flush_batch b;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((addr & PAGE_MASK_LOW) ||
	    (prot & ~(VMSIM_PROT_READ | VMSIM_PROT_WRITE | VMSIM_PROT_EXEC)))
		return VMSIM_EINVAL;
	if (len == 0)
		return 0;
	if (len > task_size(p) || addr > task_size(p) - page_round_up(len))
		return VMSIM_ENOMEM;
	vaddr_t end = addr + page_round_up(len);
	if (!range_mapped(p, addr, end))
		return VMSIM_ENOMEM;
	if (hugetlb_misaligned(p, addr, end))
		return VMSIM_EINVAL;
	if ((rc = split_range_ends(sys, p, addr, end)))
		return rc;
	if (prot == VMSIM_PROT_NONE && (rc = split_huge_range(sys, p, addr, end)))
		return rc; /* PROT_NONE entries are kept per 4 KiB page */
	/* a private area turning writable is charged to Committed_AS (all
	 * of the range at once, before anything changes) */
	uint64_t charge = 0;
	for (size_t i = vma_index_after(&p->vmas, addr); i < p->vmas.n && p->vmas.v[i].start < end;
	     i++) {
		const struct vma *v = &p->vmas.v[i];
		vaddr_t lo = v->start > addr ? v->start : addr, hi = v->end < end ? v->end : end;
		if ((prot & VMSIM_PROT_WRITE) && !v->account && !(v->prot & VMSIM_PROT_WRITE) &&
		    !(v->flags & VMSIM_MAP_SHARED) && !v->hugetlb &&
		    !(v->flags & VMSIM_MAP_NORESERVE))
			charge += (hi - lo) >> VMSIM_PAGE_SHIFT;
	}
	if (charge && (rc = vm_enough_memory(sys, p, charge)))
		return rc;
	if ((rc = vma_split_at(&p->vmas, addr)) || (rc = vma_split_at(&p->vmas, end))) {
		if (charge)
			vm_unacct_memory(sys, charge);
		return rc;
	}
	flush_init(&b, p);
	for (size_t i = vma_index_after(&p->vmas, addr); i < p->vmas.n && p->vmas.v[i].start < end;
	     i++) {
		struct vma *v = &p->vmas.v[i];
		if ((prot & VMSIM_PROT_WRITE) && !v->account && !(v->prot & VMSIM_PROT_WRITE) &&
		    !(v->flags & VMSIM_MAP_SHARED) && !v->hugetlb &&
		    !(v->flags & VMSIM_MAP_NORESERVE)) {
			v->account = true; /* charged above */
		} else if (!(prot & VMSIM_PROT_WRITE) && v->account && !v->file && !v->anon) {
			/* read-only anonymous memory never written holds no
			 * promise (Linux 6.2+ drops VM_ACCOUNT) */
			v->account = false;
			vm_unacct_memory(sys, vma_pages(v));
		}
		v->prot = prot;
		struct protect_ctx c = {sys, p, &b, v, v->start, v->end};
		pt_for_each_leaf_range(&p->pt, v->start, v->end, protect_one, &c);
	}
	flush_finish(sys, &b);
	merge_range(sys, p, addr, end);
	check_if_debug(sys);
	return 0;
}

int vmsim_brk(struct vmsim_system *sys, int pid, vaddr_t addr, vaddr_t *out)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	*out = p->brk;
	if (addr < p->brk_start || addr > MMAP_BASE)
		return 0; /* Linux answers with the current break */
	vaddr_t newend = page_round_up(addr), oldend = page_round_up(p->brk);
	if (newend < oldend) {
		int rc = do_munmap(sys, p, newend, oldend);
		if (rc)
			return rc;
	} else if (newend > oldend) {
		if (!vma_range_free(&p->vmas, oldend, newend))
			return 0; /* would collide: the break stays */
		uint64_t grow = (newend - oldend) >> VMSIM_PAGE_SHIFT;
		if (vm_enough_memory(sys, p, grow))
			return 0; /* over the commit limit: the break stays */
		struct vma *heap = oldend > p->brk_start ? vma_find(&p->vmas, oldend - 1) : NULL;
		if (heap && heap->end == oldend && !heap->file &&
		    heap->prot == (VMSIM_PROT_READ | VMSIM_PROT_WRITE) &&
		    heap->flags == (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS) &&
		    heap->advice == VMSIM_MADV_NORMAL && !strcmp(heap->name, "[heap]") &&
		    heap->account && heap->locked == p->mlock_future) {
			heap->end = newend;
		} else {
			struct vma v = {
			    .start = oldend,
			    .end = newend,
			    .prot = VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			    .flags = VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS,
			    .advice = VMSIM_MADV_NORMAL,
			    .name = "[heap]",
			    .anon_pgoff = oldend >> VMSIM_PAGE_SHIFT,
			    .locked = p->mlock_future,
			    .account = true,
			};
			int rc = vma_insert(&p->vmas, &v);
			if (rc) {
				vm_unacct_memory(sys, grow);
				return rc;
			}
		}
	}
	if (newend > oldend) {
		const struct vma *h = vma_find(&p->vmas, oldend);
		if (h && h->locked == VMA_LOCKED)
			populate(sys, p, oldend, newend); /* mlockall(MCL_FUTURE) */
	}
	p->brk = addr;
	*out = addr;
	check_if_debug(sys);
	return 0;
}

int vmsim_madvise(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len, int advice)
{
	struct process *p = proc_get(sys, pid);
	struct flush_batch b;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((addr & PAGE_MASK_LOW) || advice < VMSIM_MADV_NORMAL ||
	    (advice > VMSIM_MADV_DONTNEED && advice != VMSIM_MADV_HUGEPAGE &&
	     advice != VMSIM_MADV_NOHUGEPAGE))
		return VMSIM_EINVAL;
	if (len == 0)
		return 0;
	if (len > task_size(p) || addr > task_size(p) - page_round_up(len))
		return VMSIM_EINVAL;
	vaddr_t end = addr + page_round_up(len);
	bool holes = !range_mapped(p, addr, end);
	if (advice == VMSIM_MADV_DONTNEED) {
		/* Linux walks the areas in order and stops with EINVAL at the
		 * first locked one: the areas before it are zapped, locked
		 * pages and everything after them stay */
		vaddr_t stop = end;
		for (size_t i = vma_index_after(&p->vmas, addr);
		     i < p->vmas.n && p->vmas.v[i].start < end; i++)
			if (p->vmas.v[i].locked) {
				stop = p->vmas.v[i].start > addr ? p->vmas.v[i].start : addr;
				break;
			}
		if (stop > addr && (rc = split_range_ends(sys, p, addr, stop)))
			return rc;
		flush_init(&b, p);
		for (size_t i = vma_index_after(&p->vmas, addr);
		     i < p->vmas.n && p->vmas.v[i].start < stop; i++) {
			const struct vma *v = &p->vmas.v[i];
			vaddr_t s = v->start > addr ? v->start : addr;
			vaddr_t e = v->end < stop ? v->end : stop;
			zap_range(sys, p, s, e, &b);
		}
		flush_finish(sys, &b);
		if (stop < end) {
			check_if_debug(sys);
			return VMSIM_EINVAL;
		}
	} else if (advice == VMSIM_MADV_WILLNEED) {
		/* a file range is read ahead now (Linux's vfs_fadvise WILLNEED:
		 * up to one readahead window, in single pages) */
		for (size_t i = vma_index_after(&p->vmas, addr);
		     i < p->vmas.n && p->vmas.v[i].start < end; i++) {
			const struct vma *v = &p->vmas.v[i];
			if (!v->file || v->file->kind == VF_SHMEM)
				continue;
			vaddr_t s = v->start > addr ? v->start : addr;
			vaddr_t e = v->end < end ? v->end : end;
			ra_force(sys, v->file, v->pgoff + ((s - v->start) >> VMSIM_PAGE_SHIFT),
				 (e - s) >> VMSIM_PAGE_SHIFT);
		}
	} else {
		/* the advice is a property of the area: split it off, and the
		 * huge pages straddling its ends first */
		if ((rc = split_range_ends(sys, p, addr, end)) ||
		    (rc = vma_split_at(&p->vmas, addr)) || (rc = vma_split_at(&p->vmas, end)))
			return rc;
		for (size_t i = vma_index_after(&p->vmas, addr);
		     i < p->vmas.n && p->vmas.v[i].start < end; i++) {
			if (advice == VMSIM_MADV_HUGEPAGE) {
				p->vmas.v[i].thp = 1;
				khugepaged_enter(sys, p, &p->vmas.v[i]);
			} else if (advice == VMSIM_MADV_NOHUGEPAGE)
				p->vmas.v[i].thp = -1;
			else
				p->vmas.v[i].advice = advice;
		}
		merge_range(sys, p, addr, end);
	}
	check_if_debug(sys);
	return holes ? VMSIM_ENOMEM : 0;
}

/* Clean one mapping of a file page: its dirt moves to the page, and write
 * access goes, so the next write faults to dirty it again (Linux's
 * page_mkclean). */
static void mkclean_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e,
			void *arg)
{
	struct frame *f = arg;
	struct flush_batch b;
	if (!(*e & (PTE_D | PTE_RW)))
		return;
	if (*e & PTE_D)
		f->flags |= FRAME_DIRTY;
	bool present = pte_present(*e);
	*e &= ~(PTE_D | PTE_RW);
	if (present) {
		flush_init(&b, p);
		flush_add(sys, &b, va);
		flush_finish(sys, &b);
	}
}

/* Write back every dirty cached page of @f in [@first, @last), whoever
 * dirtied it (Linux's msync is an fsync of the file range). */
int file_sync_range(struct vmsim_system *sys, struct vfile *f, uint64_t first, uint64_t last)
{
	int rc = 0;
	uint64_t end = vfile_pages(f) < last ? vfile_pages(f) : last;
	for (uint64_t pgoff = first; pgoff < end; pgoff++) {
		pfn_t pfn = pcache_lookup(f, pgoff);
		if (pfn == PFN_NONE)
			continue;
		struct frame *fr = phys_frame(&sys->pm, pfn);
		rmap_walk(sys, pfn, mkclean_one, fr);
		int e = pcache_writeback(sys, f, pgoff, pfn);
		if (e && !rc)
			rc = e;
	}
	/* an earlier failed write-back (at munmap or reclaim) is reported by
	 * the first msync that follows, as Linux's fsync reports AS_EIO */
	if (!rc)
		rc = f->wb_error;
	f->wb_error = 0;
	return rc;
}

int vmsim_msync(struct vmsim_system *sys, int pid, vaddr_t addr, uint64_t len, int flags)
{
	struct process *p = proc_get(sys, pid);
	int rc = 0;
	if (!p)
		return VMSIM_ESRCH;
	if ((addr & PAGE_MASK_LOW) ||
	    (flags & ~(VMSIM_MS_ASYNC | VMSIM_MS_SYNC | VMSIM_MS_INVALIDATE)) ||
	    ((flags & VMSIM_MS_ASYNC) && (flags & VMSIM_MS_SYNC)))
		return VMSIM_EINVAL;
	if (len == 0)
		return 0;
	if (len > task_size(p) || addr > task_size(p) - page_round_up(len))
		return VMSIM_ENOMEM;
	vaddr_t end = addr + page_round_up(len);
	bool holes = !range_mapped(p, addr, end);
	for (size_t i = vma_index_after(&p->vmas, addr); i < p->vmas.n && p->vmas.v[i].start < end;
	     i++) {
		const struct vma *v = &p->vmas.v[i];
		if (!v->file || !(v->flags & VMSIM_MAP_SHARED) || v->file->kind == VF_SHMEM)
			continue;
		vaddr_t lo = v->start > addr ? v->start : addr;
		vaddr_t hi = v->end < end ? v->end : end;
		uint64_t first = v->pgoff + ((lo - v->start) >> VMSIM_PAGE_SHIFT);
		int e =
		    file_sync_range(sys, v->file, first, first + ((hi - lo) >> VMSIM_PAGE_SHIFT));
		if (e && !rc)
			rc = e;
	}
	check_if_debug(sys);
	return rc ? rc : holes ? VMSIM_ENOMEM : 0;
}
