/*
 * Memory compaction for 2 MiB blocks, as Linux's mm/compaction.c does it
 * for a THP: when free memory is plentiful but scattered in small holes,
 * the pages that can move are migrated out of a 2 MiB-aligned physical
 * block into free frames elsewhere, so that the whole block becomes free
 * and the buddy allocator merges it into one order-9 block.
 *
 *   block:  [A . F . A F A .]   A anonymous page, F page-cache page, . free
 *   after:  [. . . . . . . .]   A and F now elsewhere, their PTEs, the page
 *                               cache and the swap cache point at the copies
 *
 * A page moves when it is a 4 KiB anonymous or page-cache page that only
 * its mappings, the page cache and the swap cache reference (no pin); a
 * block with anything else (page tables, the zero page, a huge page, a
 * large folio, a pinned page) is passed over. The migration scanner goes
 * up from the lowest block, as Linux's does; the destinations come from the
 * buddy allocator outside the block. Unlike Linux, the buddy allocator does
 * not group allocations by migratetype (unmovable page tables in their own
 * pageblocks), so a page table allocated among a process's pages pins its
 * block: on a machine filled by faults, most blocks hold one. Moving a page keeps its bytes (data
 * mode), its PTE bits (accessed, dirty), its dirty and locked state; the
 * replacement policy sees it as newly added, as Linux puts migrated pages
 * back on the LRU. Only src/os/ calls this.
 */
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

#define BLOCK 512 /* frames of a 2 MiB block */

/* Can the allocated order-0 frame @f move (Linux's isolate_migratepages
 * for an LRU page whose references are all accounted for)? */
static bool movable(const struct frame *f)
{
	const uint32_t never =
	    FRAME_PAGETABLE | FRAME_ZERO | FRAME_HUGETLB | FRAME_RESERVED | FRAME_LOCKED;
	if (!(f->flags & FRAME_HEAD) || f->order != 0 || (f->flags & never) || f->folio ||
	    !(f->flags & (FRAME_ANON | FRAME_FILE)))
		return false;
	uint32_t expected = f->mapcount + ((f->flags & FRAME_FILE) ? 1 : 0) +
			    ((f->flags & FRAME_SWAPCACHE) ? 1 : 0);
	return f->refcount == expected;
}

/* The movable pages of the block at @b, or -1 when something in it cannot
 * move; its free frames in *@nfree. */
static int64_t block_movable(const struct phys_mem *pm, pfn_t b, uint64_t *nfree)
{
	int64_t n = 0;
	*nfree = 0;
	for (pfn_t pfn = b; pfn < b + BLOCK;) {
		const struct frame *f = phys_frame(pm, pfn);
		if (f->flags & FRAME_BUDDY) {
			*nfree += 1ULL << f->order;
			pfn += 1ULL << f->order;
		} else if (movable(f)) {
			n++;
			pfn++;
		} else {
			return -1;
		}
	}
	return n;
}

struct move {
	pfn_t dst;
	struct flush_batch *b;
};

static void repoint(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	struct move *m = arg;
	*e = (*e & ~PTE_PFN_MASK) | (((pte_t)m->dst << VMSIM_PAGE_SHIFT) & PTE_PFN_MASK);
	if (m->b->p != p) {
		flush_finish(sys, m->b);
		flush_init(m->b, p);
	}
	flush_add(sys, m->b, va);
}

/* Linux's migrate_folio: page @src becomes page @dst (allocated, order 0);
 * @src is freed. */
static void migrate(struct vmsim_system *sys, pfn_t src, pfn_t dst)
{
	struct phys_mem *pm = &sys->pm;
	struct frame *s = phys_frame(pm, src), *d = phys_frame(pm, dst);
	struct flush_batch b;
	struct move m = {dst, &b};
	if (sys->cfg.data_mode && phys_bytes_if_present(pm, src))
		memcpy(phys_bytes(pm, dst), phys_bytes(pm, src), VMSIM_PAGE_SIZE);
	flush_init(&b, sys->current);
	rmap_walk(sys, src, repoint, &m);
	flush_finish(sys, &b);
	bool lru = s->flags & FRAME_LRU;
	if (lru)
		lru_del(sys, src);
	d->flags = s->flags | FRAME_HEAD;
	d->order = 0;
	d->folio = 0;
	d->refcount = s->refcount;
	d->mapcount = s->mapcount;
	d->owner = s->owner;
	d->index = s->index;
	d->swap = s->swap;
	if (s->flags & FRAME_FILE)
		pcache_move(s->owner, s->index, dst);
	if (s->flags & FRAME_SWAPCACHE)
		sys->swap.cache[s->swap - 1] = dst + 1;
	if (lru)
		lru_add(sys, dst);
	s->refcount = s->mapcount = 0;
	s->owner = NULL;
	s->swap = 0;
	phys_free(pm, src, 0);
	sys->cp.migrated++;
}

/* Empty the block at @b of its @n movable pages. False if the host ran out
 * of memory for the copies' bytes (the pages moved so far stay moved). */
static bool empty_block(struct vmsim_system *sys, pfn_t b, uint64_t n)
{
	struct phys_mem *pm = &sys->pm;
	pfn_t held[BLOCK]; /* free frames of the block itself, kept out of reach */
	unsigned nheld = 0;
	bool ok = true;
	for (pfn_t src = b; src < b + BLOCK && n; src++) {
		const struct frame *f = phys_frame(pm, src);
		if ((f->flags & FRAME_BUDDY) || !(f->flags & FRAME_HEAD))
			continue;
		pfn_t dst;
		for (;;) {
			if (phys_alloc(pm, 0, f->flags & FRAME_DATA, &dst)) {
				ok = false;
				break;
			}
			if (dst < b || dst >= b + BLOCK)
				break;
			held[nheld++] = dst;
		}
		if (!ok)
			break;
		migrate(sys, src, dst);
		n--;
	}
	while (nheld)
		phys_free(pm, held[--nheld], 0);
	return ok;
}

bool compact_huge(struct vmsim_system *sys, bool direct)
{
	struct phys_mem *pm = &sys->pm;
	if (direct)
		sys->cp.stalls++;
	else
		sys->cp.daemon_wakes++;
	for (pfn_t b = 0; b + BLOCK <= pm->nframes; b += BLOCK) {
		for (unsigned o = 9; o <= PHYS_MAX_ORDER; o++)
			if (phys_free_blocks(pm, o)) {
				sys->cp.success++;
				return true;
			}
		if (!phys_frame_present(pm, b))
			continue; /* never carved: free, and merged already */
		uint64_t nfree;
		int64_t n = block_movable(pm, b, &nfree);
		if (n <= 0)
			continue;
		/* Linux's compaction_suitable: the moved pages need free frames
		 * elsewhere, above the min watermark */
		if (pm->nr_free < nfree + (uint64_t)n + sys->wmark_min)
			break;
		if (!empty_block(sys, b, (uint64_t)n))
			break;
	}
	for (unsigned o = 9; o <= PHYS_MAX_ORDER; o++)
		if (phys_free_blocks(pm, o)) {
			sys->cp.success++;
			return true;
		}
	sys->cp.fail++;
	return false;
}
