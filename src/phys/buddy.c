/*
 * The buddy allocator of simulated physical memory (xv6 kalloc.c grown up).
 *
 * A free block of order o is 2^o frames aligned to 2^o; only its head frame
 * carries FRAME_BUDDY and o, linked through frame.prev/next on free_head[o].
 * Freeing merges with the buddy (pfn ^ 2^o) while it is a free head of o.
 *
 * Allocation order (deterministic): take the head of the smallest non-empty
 * list of order >= the request; split it, pushing each upper half on the
 * head of its list and keeping the lower half. phys_init fills each list in
 * ascending address order and phys_free pushes the merged block on the head
 * (LIFO), so a fresh machine hands out ascending pfns from 0.
 * Only the mmu/ and os/ layers call this; phys_check is for tests and debug.
 */
#include "phys/phys.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"

/* Push @pfn as a free block of @order on the head of its list. */
static void list_push(struct phys_mem *pm, unsigned order, pfn_t pfn)
{
	struct frame *f = phys_frame(pm, pfn);
	uint32_t head = pm->free_head[order];

	f->flags = FRAME_BUDDY;
	f->order = (uint8_t)order;
	f->prev = FRAME_NIL;
	f->next = head;
	if (head != FRAME_NIL)
		phys_frame(pm, head)->prev = (uint32_t)pfn;
	pm->free_head[order] = (uint32_t)pfn;
	pm->nr_free_blocks[order]++;
}

/* Unlink the free block at @pfn from list @order and drop its FRAME_BUDDY. */
static void list_del(struct phys_mem *pm, unsigned order, pfn_t pfn)
{
	struct frame *f = phys_frame(pm, pfn);

	if (f->prev != FRAME_NIL)
		phys_frame(pm, f->prev)->next = f->next;
	else
		pm->free_head[order] = f->next;
	if (f->next != FRAME_NIL)
		phys_frame(pm, f->next)->prev = f->prev;
	f->flags &= ~(uint32_t)FRAME_BUDDY;
	f->prev = FRAME_NIL;
	f->next = FRAME_NIL;
	pm->nr_free_blocks[order]--;
}

/* Carve the lowest never-carved gigabyte onto the (empty) list of the
 * largest order, allocating its chunk's frame table; it is already counted
 * in nr_free and nr_free_blocks. Returns 0 or VMSIM_ENOHOSTMEM (nothing
 * changed). */
static int carve_lazy(struct phys_mem *pm)
{
	pfn_t pfn = pm->lazy_next;
	struct frame *f;

	VMSIM_BUG_ON(pm->free_head[PHYS_MAX_ORDER] != FRAME_NIL);
	if (phys_chunk_use(pm, pfn >> PHYS_CHUNK_SHIFT) != 0)
		return VMSIM_ENOHOSTMEM;
	f = phys_frame(pm, pfn);
	f->flags = FRAME_BUDDY;
	f->order = PHYS_MAX_ORDER;
	f->prev = FRAME_NIL;
	f->next = FRAME_NIL;
	pm->free_head[PHYS_MAX_ORDER] = (uint32_t)pfn;
	pm->lazy_next += PHYS_CHUNK_FRAMES;
	return 0;
}

/* Whether frames allocated with @flags get their bytes at allocation. */
static bool wants_bytes(const struct phys_mem *pm, uint32_t flags)
{
	return (flags & FRAME_PAGETABLE) || (pm->data_mode && (flags & FRAME_DATA));
}

/* Give each of the 2^@order free frames at @pfn zeroed bytes. On host OOM
 * frees what it gave and returns VMSIM_ENOHOSTMEM, else 0. */
static int give_bytes(struct phys_mem *pm, pfn_t pfn, unsigned order)
{
	uint64_t n = 1ULL << order;
	uint64_t i;

	for (i = 0; i < n; i++) {
		VMSIM_BUG_ON(*phys_bytes_slot(pm, pfn + i) != NULL);
		*phys_bytes_slot(pm, pfn + i) = pool_get(&pm->pool);
		if (*phys_bytes_slot(pm, pfn + i) == NULL)
			goto out_free_bytes;
	}
	pm->stats.bytes_frames += n;
	return 0;

out_free_bytes:
	while (i-- > 0) {
		pool_put(&pm->pool, *phys_bytes_slot(pm, pfn + i));
		*phys_bytes_slot(pm, pfn + i) = NULL;
	}
	return VMSIM_ENOHOSTMEM;
}

/*
 * Allocate 2^@order frames aligned to their size, following the allocation
 * order in the file header. Every attempt with valid arguments counts in
 * nallocs; the fail_alloc_at-th one returns VMSIM_ENOMEM touching nothing
 * else. Returns 0 and the head in *@pfn, VMSIM_EINVAL (order too big, or
 * FRAME_BUDDY/FRAME_HEAD in @flags; nothing changed), VMSIM_ENOMEM (no
 * block big enough: only nallocs and stats.failures change) or
 * VMSIM_ENOHOSTMEM (only nallocs changes).
 */
int phys_alloc(struct phys_mem *pm, unsigned order, uint32_t flags, pfn_t *pfn /* out */)
{
	unsigned k = order;
	uint64_t n;
	pfn_t head;

	if (order > PHYS_MAX_ORDER || (flags & (FRAME_BUDDY | FRAME_HEAD)))
		return VMSIM_EINVAL;
	pm->nallocs++;
	if (pm->fail_alloc_at != 0 && pm->nallocs == pm->fail_alloc_at)
		return VMSIM_ENOMEM;

	while (k <= PHYS_MAX_ORDER && pm->free_head[k] == FRAME_NIL)
		k++;
	if (k > PHYS_MAX_ORDER && pm->lazy_next < pm->lazy_end) {
		if (carve_lazy(pm) != 0)
			return VMSIM_ENOHOSTMEM;
		k = PHYS_MAX_ORDER;
	}
	if (k > PHYS_MAX_ORDER) {
		pm->stats.failures++;
		return VMSIM_ENOMEM;
	}
	head = pm->free_head[k];
	if (wants_bytes(pm, flags)) {
		int err = give_bytes(pm, head, order);
		if (err)
			return err;
	}

	list_del(pm, k, head);
	while (k > order) {
		k--;
		list_push(pm, k, head + (1ULL << k));
		pm->stats.splits++;
	}

	n = 1ULL << order;
	for (uint64_t i = 0; i < n; i++) {
		struct frame *f = phys_frame(pm, head + i);

		f->flags = flags;
		f->order = 0;
		f->folio = 0;
		f->refcount = 0;
		f->mapcount = 0;
		f->owner = NULL;
		f->index = 0;
		f->swap = 0;
		f->prev = FRAME_NIL;
		f->next = FRAME_NIL;
	}
	phys_frame(pm, head)->flags |= FRAME_HEAD;
	phys_frame(pm, head)->order = (uint8_t)order;
	pm->nr_free -= n;
	pm->stats.allocs[order]++;
	*pfn = head;
	return 0;
}

/*
 * Free the allocated block of 2^@order frames headed by @pfn: drop its
 * bytes and flags, then merge it with free buddies and push the result on
 * the head of its list. Anything but an allocated head of @order is a bug.
 */
void phys_free(struct phys_mem *pm, pfn_t pfn, unsigned order)
{
	struct frame *f;
	uint64_t n;

	VMSIM_BUG_ON(pfn >= pm->nframes || order > PHYS_MAX_ORDER);
	f = phys_frame(pm, pfn);
	n = 1ULL << order;
	VMSIM_BUG_ON(!(f->flags & FRAME_HEAD) || (f->flags & FRAME_BUDDY));
	VMSIM_BUG_ON(f->order != order || pfn + n > pm->nframes);

	for (uint64_t i = 0; i < n; i++) {
		if (*phys_bytes_slot(pm, pfn + i) != NULL) {
			pool_put(&pm->pool, *phys_bytes_slot(pm, pfn + i));
			*phys_bytes_slot(pm, pfn + i) = NULL;
			pm->stats.bytes_frames--;
		}
		phys_frame(pm, pfn + i)->flags = 0;
	}
	pm->nr_free += n;
	pm->stats.frees[order]++;

	while (order < PHYS_MAX_ORDER) {
		pfn_t buddy = pfn ^ (1ULL << order);
		struct frame *b;

		if (buddy >= pm->nframes)
			break;
		b = phys_frame(pm, buddy);
		if (!(b->flags & FRAME_BUDDY) || b->order != order)
			break;
		list_del(pm, order, buddy);
		pm->stats.merges++;
		pfn &= ~(1ULL << order);
		order++;
	}
	list_push(pm, order, pfn);
}

/* Number of free blocks of exactly @order (0 for an order out of range). */
uint64_t phys_free_blocks(const struct phys_mem *pm, unsigned order)
{
	return order <= PHYS_MAX_ORDER ? pm->nr_free_blocks[order] : 0;
}

/*
 * Linux's __fragmentation_index (mm/vmstat.c) for a request of 2^@order
 * frames, in thousandths: 0 if nothing is free (or @order is out of range),
 * -1000 if a free block of @order or larger exists, else
 *   1000 - (1000 + free_frames * 1000 / 2^order) / free_blocks
 * in integer arithmetic. Near 0 the failure is for lack of memory, near
 * 1000 for fragmentation (e.g. 512 scattered free frames: order 1 -> 499,
 * order 9 -> 997).
 */
int phys_frag_index(const struct phys_mem *pm, unsigned order)
{
	uint64_t requested = 1ULL << order;
	uint64_t blocks = 0;

	if (order > PHYS_MAX_ORDER)
		return 0;
	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		blocks += pm->nr_free_blocks[o];
	if (blocks == 0)
		return 0;
	for (unsigned o = order; o < PHYS_NORDERS; o++)
		if (pm->nr_free_blocks[o] != 0)
			return -1000;
	return 1000 - (int)((1000 + pm->nr_free * 1000 / requested) / blocks);
}

/* Bitmap helpers for phys_check: a block of order >= 6 covers whole 64-bit
 * words (it is aligned to 64), a smaller one lies within a single word. */
static bool bits_any(const uint64_t *bm, pfn_t pfn, unsigned order)
{
	if (order >= 6) {
		for (uint64_t w = pfn / 64; w < (pfn + (1ULL << order)) / 64; w++)
			if (bm[w] != 0)
				return true;
		return false;
	}
	return (bm[pfn / 64] & (((1ULL << (1u << order)) - 1) << (pfn % 64))) != 0;
}

static void bits_set(uint64_t *bm, pfn_t pfn, unsigned order)
{
	if (order >= 6) {
		for (uint64_t w = pfn / 64; w < (pfn + (1ULL << order)) / 64; w++)
			bm[w] = UINT64_MAX;
		return;
	}
	bm[pfn / 64] |= ((1ULL << (1u << order)) - 1) << (pfn % 64);
}

/* Write the reason into @why (if any) and return VMSIM_ECHECK. */
__attribute__((format(printf, 3, 4))) static int check_fail(char *why, size_t whylen,
							    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	why_vset(why, whylen, VMSIM_ECHECK, fmt, ap);
	va_end(ap);
	return VMSIM_ECHECK;
}

/* Check the free block at @pfn reached on list @o after @prev, and mark its
 * frames in @bm. Returns 0 or VMSIM_ECHECK. */
static int check_free_block(const struct phys_mem *pm, uint64_t *bm, unsigned o, uint32_t pfn,
			    uint32_t prev, char *why, size_t whylen)
{
	const struct frame *f;

	if (pfn >= pm->nframes)
		return check_fail(why, whylen,
				  "free_list[%u]: pfn %u beyond ram (%" PRIu64 " frames)", o, pfn,
				  pm->nframes);
	f = phys_frame(pm, pfn);
	if (f->prev != prev)
		return check_fail(why, whylen, "free_list[%u]: pfn %u has prev %u, expected %u", o,
				  pfn, f->prev, prev);
	if (!(f->flags & FRAME_BUDDY) || (f->flags & FRAME_HEAD))
		return check_fail(why, whylen,
				  "free_list[%u]: pfn %u has flags %#x, not a free head", o, pfn,
				  f->flags);
	if (f->order != o)
		return check_fail(why, whylen, "free_list[%u]: pfn %u has order %u", o, pfn,
				  f->order);
	if ((pfn & ((1ULL << o) - 1)) != 0)
		return check_fail(why, whylen, "free_list[%u]: pfn %u not aligned", o, pfn);
	if (pfn + (1ULL << o) > pm->nframes)
		return check_fail(why, whylen, "free_list[%u]: block at pfn %u ends beyond ram", o,
				  pfn);
	if (pfn >= pm->lazy_next && pfn < pm->lazy_end)
		return check_fail(
		    why, whylen,
		    "free_list[%u]: block at pfn %u lies in the gigabytes never carved", o, pfn);
	if (bits_any(bm, pfn, o))
		return check_fail(why, whylen,
				  "free_list[%u]: block at pfn %u overlaps another free block", o,
				  pfn);
	bits_set(bm, pfn, o);
	return 0;
}

/* Check every free list and its count, and that they hold nr_free frames;
 * marks free frames in @bm. Returns 0 or VMSIM_ECHECK. A list that loops
 * fails the prev check or the overlap check, so the walk always ends. */
static int check_free_lists(const struct phys_mem *pm, uint64_t *bm, char *why, size_t whylen)
{
	uint64_t nr_free = 0;

	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		uint64_t count = 0;
		uint32_t prev = FRAME_NIL;

		for (uint32_t pfn = pm->free_head[o]; pfn != FRAME_NIL;
		     pfn = phys_frame(pm, pfn)->next) {
			int err = check_free_block(pm, bm, o, pfn, prev, why, whylen);

			if (err)
				return err;
			count++;
			nr_free += 1ULL << o;
			prev = pfn;
		}
		if (o == PHYS_MAX_ORDER) { /* the gigabytes never carved */
			count += (pm->lazy_end - pm->lazy_next) >> PHYS_MAX_ORDER;
			nr_free += pm->lazy_end - pm->lazy_next;
		}
		if (count != pm->nr_free_blocks[o])
			return check_fail(why, whylen,
					  "free_list[%u]: %" PRIu64
					  " blocks, nr_free_blocks says %" PRIu64,
					  o, count, pm->nr_free_blocks[o]);
	}
	if (nr_free != pm->nr_free)
		return check_fail(why, whylen,
				  "free lists hold %" PRIu64 " frames, nr_free says %" PRIu64,
				  nr_free, pm->nr_free);
	return 0;
}

/* Check the frames of the block of @order at @pfn: none but the head
 * carries FRAME_BUDDY/FRAME_HEAD, and a free block has no bytes. */
static int check_block_frames(const struct phys_mem *pm, pfn_t pfn, unsigned order, bool is_free,
			      char *why, size_t whylen)
{
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		uint32_t flags = phys_frame(pm, pfn + i)->flags;

		if (i > 0 && (flags & (FRAME_BUDDY | FRAME_HEAD)))
			return check_fail(why, whylen,
					  "pfn %" PRIu64 " inside the %s block at pfn %" PRIu64
					  " order %u has flags %#x",
					  pfn + i, is_free ? "free" : "allocated", pfn, order,
					  flags);
		if (is_free && *phys_bytes_slot(pm, pfn + i) != NULL)
			return check_fail(why, whylen,
					  "free pfn %" PRIu64 " (block at pfn %" PRIu64
					  " order %u) has bytes",
					  pfn + i, pfn, order);
	}
	return 0;
}

/* Walk RAM block by block (free blocks marked in @bm, allocated heads by
 * FRAME_HEAD) and check that the blocks tile it and that their frames are
 * consistent. Returns 0 or VMSIM_ECHECK. */
static int check_tiling(const struct phys_mem *pm, const uint64_t *bm, char *why, size_t whylen)
{
	uint64_t used = 0;
	uint64_t free_frames = 0;
	pfn_t pfn = 0;

	while (pfn < pm->nframes) {
		const struct frame *f;
		bool is_free;
		uint64_t n;
		int err;

		if (pfn >= pm->lazy_next && pfn < pm->lazy_end) {
			if (phys_frame_present(pm, pfn))
				return check_fail(
				    why, whylen,
				    "pfn %" PRIu64 " was never carved but has a frame table", pfn);
			free_frames += PHYS_CHUNK_FRAMES;
			pfn += PHYS_CHUNK_FRAMES;
			continue;
		}
		if (!phys_frame_present(pm, pfn))
			return check_fail(why, whylen,
					  "pfn %" PRIu64 " was carved but has no frame table", pfn);
		f = phys_frame(pm, pfn);
		is_free = (bm[pfn / 64] >> (pfn % 64)) & 1;

		if (f->flags & FRAME_BUDDY) {
			if (!is_free)
				return check_fail(
				    why, whylen,
				    "pfn %" PRIu64 " has FRAME_BUDDY but is on no free list", pfn);
		} else if (f->flags & FRAME_HEAD) {
			if (f->order > PHYS_MAX_ORDER || (pfn & ((1ULL << f->order) - 1)) != 0 ||
			    pfn + (1ULL << f->order) > pm->nframes)
				return check_fail(why, whylen,
						  "allocated block at pfn %" PRIu64
						  " order %u misaligned or beyond ram",
						  pfn, f->order);
			if (bits_any(bm, pfn, f->order))
				return check_fail(why, whylen,
						  "allocated block at pfn %" PRIu64
						  " order %u overlaps a free block",
						  pfn, f->order);
		} else {
			return check_fail(why, whylen,
					  "pfn %" PRIu64
					  " starts no block (neither FRAME_BUDDY nor FRAME_HEAD)",
					  pfn);
		}

		n = 1ULL << f->order;
		err = check_block_frames(pm, pfn, f->order, is_free, why, whylen);
		if (err)
			return err;
		if (is_free)
			free_frames += n;
		else
			used += n;
		pfn += n;
	}
	if (free_frames != pm->nr_free || free_frames + used != pm->nframes)
		return check_fail(why, whylen,
				  "free %" PRIu64 " + used %" PRIu64 " frames != %" PRIu64
				  " (nr_free %" PRIu64 ")",
				  free_frames, used, pm->nframes, pm->nr_free);
	return 0;
}

/*
 * Check the invariants of phys.h in O(nframes) time, using a temporary
 * bitmap of free frames. Returns 0, VMSIM_ECHECK with the first violation
 * (naming the pfn and order) in @why, or VMSIM_ENOHOSTMEM if the bitmap
 * cannot be allocated.
 */
int phys_check(const struct phys_mem *pm, char *why, size_t whylen)
{
	uint64_t *bm;
	int err;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	bm = calloc(pm->nframes / 64 + 1, sizeof(*bm));
	if (bm == NULL) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "no host memory for the check bitmap");
		return VMSIM_ENOHOSTMEM;
	}
	err = check_free_lists(pm, bm, why, whylen);
	if (err == 0)
		err = check_tiling(pm, bm, why, whylen);
	free(bm);
	return err;
}

/*
 * Turn the allocated block of 2^@order frames at @pfn into 2^@order
 * allocated blocks of one frame each (Linux's split_page), keeping every
 * frame's flags, bytes and fields; each can then be freed on its own and
 * the buddy allocator merges them back as they come. Anything but an
 * allocated head of @order is a bug.
 */
void phys_split(struct phys_mem *pm, pfn_t pfn, unsigned order)
{
	struct frame *f = phys_frame(pm, pfn);
	VMSIM_BUG_ON(pfn >= pm->nframes || !(f->flags & FRAME_HEAD) || f->order != order);
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		phys_frame(pm, pfn + i)->flags |= FRAME_HEAD;
		phys_frame(pm, pfn + i)->order = 0;
	}
	pm->stats.splits++;
}
