/*
 * vmsim_check: every invariant of the machine, checked from scratch.
 *   1. physical memory: the buddy allocator's own invariants;
 *   2. the MMU: no TLB or paging-structure cache entry without a matching
 *      PTE, none granting more than the PTEs;
 *   3. every leaf PTE of a live process lies inside one of its VMAs and
 *      grants no more than the VMA (present only if the VMA is accessible,
 *      writable only if the VMA is and the page is not shared copy-on-write,
 *      executable only if the VMA is);
 *   4. every user frame's mapcount equals the PTEs that map it and its
 *      refcount that plus the shared-memory object holding it;
 *   5. frames are conserved: each allocated frame is a page table of a live
 *      process or of the idle tables, the zero page, or a user page somebody
 *      references (nothing leaks);
 *   6. each process's RSS counters equal what its page tables map;
 *   7. swap: every slot's reference count equals the swap entries naming it
 *      plus one if a page caches it plus one if shared memory keeps its
 *      page there; a swap-cache page and its slot name each other; the
 *      slots in use are counted right;
 *   8. the replacement policy knows exactly the private anonymous pages
 *      and the page-cache pages (shared memory included).
 * Public API; tests call it after every case.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "os/kernel.h"

struct check {
	struct vmsim_system *sys;
	char *why;
	size_t whylen;
	int rc;
	uint32_t *maps;				   /* expected mapcount per frame */
	uint32_t *refs;				   /* expected refcount per frame */
	uint32_t *slots;			   /* expected reference count per swap slot */
	struct process *p;			   /* process being walked */
	uint64_t anon, shmem, file, swap, hugetlb; /* its pages by kind */
	uint64_t pool;				   /* hugetlb frames counted in the pools */
	struct vfile *vf;			   /* file whose cache is being counted */
	uint64_t cached;			   /* its pages counted */
};

__attribute__((format(printf, 2, 3))) static void fail(struct check *c, const char *fmt, ...)
{
	va_list ap;
	if (c->rc)
		return;
	c->rc = VMSIM_ECHECK;
	if (c->why && c->whylen) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
}

static int check_leaf(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct check *c = arg;
	struct vmsim_system *sys = c->sys;
	struct process *p = c->p;
	pte_t e = *leaf;
	unsigned long long a = va;

	bool huge = ps != VMSIM_PAGE_4K;
	uint64_t pages = 1ULL << (9 * (unsigned)ps);
	struct vma *v = vma_find(&p->vmas, va);
	if (!v || (huge && va + (pages << VMSIM_PAGE_SHIFT) > v->end)) {
		fail(c, "pid %d: page %#llx is mapped outside every VMA", p->pid, a);
		return 1;
	}
	if (huge != (v->hugetlb != 0) && !(huge && ps == VMSIM_PAGE_2M && !v->file)) {
		fail(c, "pid %d: a %s leaf at %#llx in a %s area", p->pid, vmsim_page_size_name(ps),
		     a, v->hugetlb ? "hugetlb" : "small-page");
		return 1;
	}
	if (pte_is_swap(e)) {
		uint64_t s = swp_slot(e);
		if (s >= sys->swap.nslots || (v->flags & VMSIM_MAP_SHARED)) {
			fail(c, "pid %d: bad swap entry %#llx at %#llx", p->pid,
			     (unsigned long long)e, a);
			return 1;
		}
		c->slots[s]++;
		c->swap++;
		return 0;
	}
	pfn_t pfn = pte_pfn(e, huge);
	if (pfn >= sys->pm.nframes) {
		fail(c, "pid %d: page %#llx maps frame %#llx beyond RAM", p->pid, a,
		     (unsigned long long)pfn);
		return 1;
	}
	if (!phys_frame_present(&sys->pm, pfn)) {
		fail(c, "pid %d: page %#llx maps frame %#llx, never allocated", p->pid, a,
		     (unsigned long long)pfn);
		return 1;
	}
	if (pte_present(e)) {
		if (v->prot == VMSIM_PROT_NONE)
			fail(c, "pid %d: page %#llx present in a PROT_NONE area", p->pid, a);
		if (!(e & PTE_US))
			fail(c, "pid %d: user page %#llx without U/S", p->pid, a);
		if ((e & PTE_RW) && !(v->prot & VMSIM_PROT_WRITE))
			fail(c, "pid %d: page %#llx writable in a read-only area", p->pid, a);
		if (!(e & PTE_NX) && !(v->prot & VMSIM_PROT_EXEC))
			fail(c, "pid %d: page %#llx executable in a no-exec area", p->pid, a);
		if ((e & PTE_RW) && is_zero_pfn(sys, pfn))
			fail(c, "pid %d: the zero page is writable at %#llx", p->pid, a);
	} else if (v->prot != VMSIM_PROT_NONE) {
		fail(c, "pid %d: PROT_NONE entry at %#llx in an accessible area", p->pid, a);
	}
	if (is_zero_pfn(sys, pfn))
		return c->rc;
	c->maps[pfn]++;
	c->refs[pfn]++;
	const struct frame *f = phys_frame(&sys->pm, pfn);
	if (huge && ((f->flags & FRAME_HUGETLB) != 0) != (v->hugetlb != 0))
		fail(c, "pid %d: huge leaf %#llx and its frame disagree on hugetlb", p->pid, a);
	if (f->flags & FRAME_HUGETLB)
		c->hugetlb += pages;
	else if (!(f->flags & FRAME_FILE))
		c->anon += pages;
	else if (((const struct vfile *)f->owner)->kind == VF_SHMEM)
		c->shmem++;
	else
		c->file++;
	if ((f->flags & FRAME_FILE) && (void *)v->file != f->owner)
		fail(c, "pid %d: page %#llx maps a page of another file", p->pid, a);
	return c->rc;
}

/* Should the replacement policy know frame @f? Private anonymous pages and
 * page-cache pages (files and shared memory). */
static bool evictable(const struct frame *f)
{
	if (f->flags & FRAME_MLOCKED)
		return false; /* culled: in a locked area */
	if (f->flags & FRAME_FILE)
		return true;
	return (f->flags & FRAME_ANON) != 0;
}

/* Each shared-memory page in swap holds a reference on its slot. */
static void count_swapped(uint64_t pgoff, uint64_t slot, void *arg)
{
	struct check *c = arg;
	c->cached++;
	if (slot >= c->sys->swap.nslots) {
		fail(c, "shared memory: offset %llu names swap slot %llu, past the device",
		     (unsigned long long)pgoff, (unsigned long long)slot);
		return;
	}
	c->slots[slot]++;
}

/* Each cached page: the cache's reference, and it names its file and offset. */
static void count_cached(uint64_t pgoff, pfn_t pfn, void *arg)
{
	struct check *c = arg;
	c->cached++;
	if (pfn >= c->sys->pm.nframes || !phys_frame_present(&c->sys->pm, pfn)) {
		fail(c, "page cache: offset %llu holds frame %#llx, beyond what was allocated",
		     (unsigned long long)pgoff, (unsigned long long)pfn);
		return;
	}
	const struct frame *f = phys_frame(&c->sys->pm, pfn);
	if (!(f->flags & FRAME_FILE) || f->owner != (void *)c->vf || f->index != pgoff) {
		fail(c, "page cache: offset %llu holds frame %#llx, which does not belong there",
		     (unsigned long long)pgoff, (unsigned long long)pfn);
		return;
	}
	c->refs[pfn]++;
}

/* A writable private page must be mapped once: check after counting. */
static int check_cow(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct check *c = arg;
	(void)ps;
	if (!(*leaf & PTE_RW) || !pte_present(*leaf))
		return 0;
	struct vma *v = vma_find(&c->p->vmas, va);
	pfn_t pfn = pte_pfn(*leaf, false);
	if (!(v->flags & VMSIM_MAP_SHARED) && c->maps[pfn] != 1)
		fail(c, "pid %d: private page %#llx is writable but mapped %u times", c->p->pid,
		     (unsigned long long)va, c->maps[pfn]);
	else if (!(v->flags & VMSIM_MAP_SHARED) &&
		 (phys_frame(&c->sys->pm, pfn)->flags & FRAME_FILE))
		fail(c, "pid %d: private mapping %#llx writes to the page cache", c->p->pid,
		     (unsigned long long)va);
	return c->rc;
}

int vmsim_check(struct vmsim_system *sys, char *why, size_t whylen)
{
	struct check c = {.sys = sys, .why = why, .whylen = whylen};
	uint64_t n = sys->pm.nframes, tables = sys->idle_pt.ntables;
	char sub[256];

	if (phys_check(&sys->pm, sub, sizeof(sub))) {
		fail(&c, "physical memory: %s", sub);
		return c.rc;
	}
	if (mmu_check(&sys->mmu, sub, sizeof(sub))) {
		fail(&c, "mmu: %s", sub);
		return c.rc;
	}
	c.maps = calloc(n, sizeof(*c.maps));
	c.refs = calloc(n, sizeof(*c.refs));
	c.slots = calloc(sys->swap.nslots + 1, sizeof(*c.slots));
	if (!c.maps || !c.refs || !c.slots) {
		free(c.maps);
		free(c.refs);
		free(c.slots);
		return VMSIM_ENOHOSTMEM;
	}
	for (int pid = 1; pid < sys->nprocs && !c.rc; pid++) {
		struct process *p = sys->procs[pid];
		if (!p || !p->alive)
			continue;
		c.p = p;
		c.anon = c.shmem = c.file = c.swap = c.hugetlb = 0;
		pt_for_each_leaf(&p->pt, check_leaf, &c);
		if (!c.rc &&
		    (c.anon != p->rss_anon || c.shmem != p->rss_shmem || c.file != p->rss_file ||
		     c.swap != p->swap_ents || c.hugetlb != p->hugetlb_pages))
			fail(&c,
			     "pid %d: counters anon %llu file %llu shmem %llu swap %llu, page "
			     "tables %llu %llu %llu %llu",
			     pid, (unsigned long long)p->rss_anon, (unsigned long long)p->rss_file,
			     (unsigned long long)p->rss_shmem, (unsigned long long)p->swap_ents,
			     (unsigned long long)c.anon, (unsigned long long)c.file,
			     (unsigned long long)c.shmem, (unsigned long long)c.swap);
		tables += p->pt.ntables;
		for (size_t i = 1; i < p->vmas.n && !c.rc; i++)
			if (p->vmas.v[i - 1].end > p->vmas.v[i].start)
				fail(&c, "pid %d: VMAs overlap at %#llx", pid,
				     (unsigned long long)p->vmas.v[i].start);
	}
	for (int pid = 1; pid < sys->nprocs && !c.rc; pid++) {
		struct process *p = sys->procs[pid];
		if (p && p->alive) {
			c.p = p;
			pt_for_each_leaf(&p->pt, check_cow, &c);
		}
	}
	/* Committed_AS: the accounted areas and shared-memory objects */
	uint64_t committed = 0;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		const struct process *p = sys->procs[pid];
		for (size_t i = 0; p && p->alive && i < p->vmas.n; i++)
			if (p->vmas.v[i].account)
				committed += vma_pages(&p->vmas.v[i]);
	}
	for (const struct vfile *f = sys->file_list; f; f = f->next)
		committed += f->committed;
	if (!c.rc && committed != sys->committed)
		fail(&c, "Committed_AS is %llu pages, the accounted areas hold %llu",
		     (unsigned long long)sys->committed, (unsigned long long)committed);
	uint64_t shmem_swapped = 0;
	for (struct vfile *f = sys->file_list; f && !c.rc; f = f->next) {
		c.vf = f;
		c.cached = 0;
		pcache_for_each(f, count_cached, &c);
		if (c.cached != f->cached)
			fail(&c, "a file's page cache holds %llu pages, counted %llu",
			     (unsigned long long)f->cached, (unsigned long long)c.cached);
		shmem_swapped += f->swapped;
		c.cached = 0;
		pcache_for_each_swapped(f, count_swapped, &c);
		if (!c.rc && c.cached != f->swapped)
			fail(&c, "shared memory has %llu pages in swap, counted %llu",
			     (unsigned long long)f->swapped, (unsigned long long)c.cached);
	}

	if (!c.rc && shmem_swapped != sys->rc.shmem_swapped)
		fail(&c, "%llu shared-memory pages counted in swap, the objects hold %llu",
		     (unsigned long long)sys->rc.shmem_swapped, (unsigned long long)shmem_swapped);

	/* the swap cache: each cached page and its slot name each other */
	const struct swap_dev *sw = &sys->swap;
	uint64_t slots_used = 0;
	for (uint64_t s = 0; s < sw->nslots && !c.rc; s++) {
		if (sw->cache[s]) {
			pfn_t pfn = sw->cache[s] - 1;
			const struct frame *f = pfn < n && phys_frame_present(&sys->pm, pfn)
						    ? phys_frame(&sys->pm, pfn)
						    : NULL;
			if (!f || !(f->flags & FRAME_SWAPCACHE) || f->swap != s + 1)
				fail(&c,
				     "swap slot %llu caches frame %#llx, which does not name it",
				     (unsigned long long)s, (unsigned long long)pfn);
			else
				c.refs[pfn]++;
			c.slots[s]++;
		}
		if (sw->refs[s] != c.slots[s])
			fail(&c, "swap slot %llu: %u references, expected %u",
			     (unsigned long long)s, sw->refs[s], c.slots[s]);
		slots_used += sw->refs[s] != 0;
	}
	if (!c.rc && slots_used != sw->used)
		fail(&c, "swap: %llu slots in use, counted %llu", (unsigned long long)slots_used,
		     (unsigned long long)sw->used);

	/* every frame: free, or accounted for */
	uint64_t used = 0, pt_frames = 0, lru = 0, unevictable = 0;
	for (pfn_t pfn = 0; pfn < n && !c.rc; pfn++) {
		if (!phys_frame_present(&sys->pm, pfn)) { /* a gigabyte never used: free */
			pfn |= PHYS_CHUNK_MASK;
			continue;
		}
		const struct frame *f = phys_frame(&sys->pm, pfn);
		if (!(f->flags & FRAME_HEAD)) {
			if (c.maps[pfn] || c.refs[pfn])
				fail(&c, "frame %#llx is mapped but not allocated",
				     (unsigned long long)pfn);
			continue;
		}
		used += 1ULL << f->order;
		if (f->flags & FRAME_PAGETABLE) {
			pt_frames++;
		} else if (f->flags & FRAME_ZERO) {
			if (pfn != sys->zero_pfn && pfn != sys->huge_zero_pfn)
				fail(&c, "frame %#llx: a second zero page",
				     (unsigned long long)pfn);
		} else if ((f->flags & FRAME_HUGETLB) && f->refcount == 0 && c.maps[pfn] == 0) {
			c.pool += 1ULL << f->order; /* waiting in its pool */
		} else if (f->mapcount != c.maps[pfn] || f->refcount != c.refs[pfn]) {
			fail(&c, "frame %#llx: mapcount %u refcount %u, expected %u and %u",
			     (unsigned long long)pfn, f->mapcount, f->refcount, c.maps[pfn],
			     c.refs[pfn]);
		} else if (f->refcount == 0) {
			fail(&c, "frame %#llx is allocated but nobody uses it (a leak)",
			     (unsigned long long)pfn);
		} else if (!(f->flags & FRAME_LRU) != !evictable(f)) {
			fail(&c, "frame %#llx: the policy %s it", (unsigned long long)pfn,
			     (f->flags & FRAME_LRU) ? "tracks" : "does not track");
		} else if ((f->flags & FRAME_SWAPCACHE) && (f->swap == 0 || f->swap > sw->nslots ||
							    sw->cache[f->swap - 1] != pfn + 1)) {
			fail(&c, "frame %#llx claims swap slot %llu", (unsigned long long)pfn,
			     (unsigned long long)f->swap - 1);
		}
		lru += (f->flags & FRAME_LRU) != 0;
		if (f->flags & FRAME_MLOCKED)
			unevictable += 1ULL << f->order;
		if ((f->flags & FRAME_FILE) && f->order) {
			/* a page-cache folio: every page has its own counts */
			if (f->folio != f->order)
				fail(&c,
				     "frame %#llx: a block of order %u holds a folio of order %u",
				     (unsigned long long)pfn, f->order, f->folio);
			for (uint64_t i = 1; i < (1ULL << f->order) && !c.rc; i++) {
				const struct frame *t = phys_frame(&sys->pm, pfn + i);
				if (t->mapcount != c.maps[pfn + i] ||
				    t->refcount != c.refs[pfn + i] || t->folio != f->folio ||
				    (t->flags & FRAME_LRU))
					fail(&c,
					     "frame %#llx (folio page %llu): mapcount %u refcount "
					     "%u, "
					     "expected %u and %u",
					     (unsigned long long)(pfn + i), (unsigned long long)i,
					     t->mapcount, t->refcount, c.maps[pfn + i],
					     c.refs[pfn + i]);
			}
			pfn += (1ULL << f->order) - 1;
		}
	}
	uint64_t pool = 0;
	for (unsigned ps = 1; ps < VMSIM_NPAGE_SIZES; ps++)
		pool += sys->hugetlb_nfree[ps] << (9 * ps);
	if (!c.rc && pool != c.pool)
		fail(&c, "hugetlb pools hold %llu frames, counted %llu", (unsigned long long)pool,
		     (unsigned long long)c.pool);
	if (!c.rc && lru != sys->lru_pages)
		fail(&c, "the policy tracks %llu frames, counted %llu",
		     (unsigned long long)sys->lru_pages, (unsigned long long)lru);
	if (!c.rc && unevictable != sys->rc.unevictable)
		fail(&c, "%llu unevictable pages counted, %llu culled frames found",
		     (unsigned long long)sys->rc.unevictable, (unsigned long long)unevictable);
	if (!c.rc && used + sys->pm.nr_free != n)
		fail(&c, "frames: %llu used + %llu free != %llu", (unsigned long long)used,
		     (unsigned long long)sys->pm.nr_free, (unsigned long long)n);
	if (!c.rc && pt_frames != tables)
		fail(&c, "page-table frames: %llu allocated, processes account for %llu",
		     (unsigned long long)pt_frames, (unsigned long long)tables);
	free(c.maps);
	free(c.refs);
	free(c.slots);
	return c.rc;
}

void check_if_debug(struct vmsim_system *sys)
{
	char why[256];
	if (!sys->cfg.check_every_event)
		return;
	if (vmsim_check(sys, why, sizeof(why))) {
		fprintf(stderr, "vmsim: invariant broken: %s\n", why);
		VMSIM_BUG_ON(1);
	}
}
