/*
 * The frame table and frame contents of simulated physical memory.
 *
 * phys_init carves RAM into maximal aligned buddy blocks, lowest address
 * first, and writes only their head frames:
 *
 *   2^18 + 3 frames:   [ order 18 at pfn 0 ......... ][ o1 at 2^18 ][ o0 ]
 *
 * Host memory is spent lazily: the frame table and the bytes-pointer table
 * are calloc'd (pages never written cost nothing), and a frame gets its
 * 4 KiB of contents only when allocated for a page table or data, or when
 * phys_bytes first asks. Invariant: bytes[pfn] is NULL for every free frame
 * and stats.bytes_frames counts the non-NULL entries. The allocator proper
 * lives in buddy.c; only the mmu/ and os/ layers call this.
 */
#include "phys/phys.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* Largest RAM phys_init accepts: 2^52 bytes (x86-64 MAXPHYADDR), and no
 * more frames than a 32-bit free-list link can name (FRAME_NIL excluded). */
#define PHYS_MAX_BYTES	(1ULL << 52)
#define PHYS_MAX_FRAMES ((uint64_t)FRAME_NIL)

/* The largest order of an aligned block starting at @pfn that fits in @left frames. */
static unsigned max_block_order(pfn_t pfn, uint64_t left)
{
	unsigned order = PHYS_MAX_ORDER;

	while (order > 0 && ((pfn & ((1ULL << order) - 1)) != 0 || (1ULL << order) > left))
		order--;
	return order;
}

/* Put all of RAM on the free lists as maximal aligned blocks, each list in
 * ascending address order (head = lowest pfn); touches only head frames. */
static void carve_free_blocks(struct phys_mem *pm)
{
	uint32_t tail[PHYS_NORDERS];
	pfn_t pfn = 0;

	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		tail[o] = FRAME_NIL;
	while (pfn < pm->nframes) {
		unsigned order = max_block_order(pfn, pm->nframes - pfn);
		struct frame *f = &pm->frames[pfn];

		f->flags = FRAME_BUDDY;
		f->order = (uint8_t)order;
		f->prev = tail[order];
		f->next = FRAME_NIL;
		if (tail[order] == FRAME_NIL)
			pm->free_head[order] = (uint32_t)pfn;
		else
			pm->frames[tail[order]].next = (uint32_t)pfn;
		tail[order] = (uint32_t)pfn;
		pm->nr_free_blocks[order]++;
		pfn += 1ULL << order;
	}
	pm->nr_free = pm->nframes;
}

/*
 * Set up @pm with @bytes of RAM, all free, in time proportional to the
 * number of initial blocks (not frames). On failure *@pm is left zeroed
 * with empty free lists, so phys_release on it is harmless.
 * Returns 0, VMSIM_EINVAL (fewer than 4096 bytes, above 2^52 bytes, or
 * more than FRAME_NIL frames) or VMSIM_ENOHOSTMEM.
 */
int phys_init(struct phys_mem *pm, uint64_t bytes, bool data_mode)
{
	uint64_t nframes = bytes >> VMSIM_PAGE_SHIFT;

	memset(pm, 0, sizeof(*pm));
	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		pm->free_head[o] = FRAME_NIL;
	if (bytes > PHYS_MAX_BYTES || nframes == 0 || nframes > PHYS_MAX_FRAMES)
		return VMSIM_EINVAL;

	pm->frames = calloc(nframes, sizeof(*pm->frames));
	if (pm->frames == NULL)
		return VMSIM_ENOHOSTMEM;
	pm->bytes = calloc(nframes, sizeof(*pm->bytes));
	if (pm->bytes == NULL)
		goto out_free_frames;
	pm->nframes = nframes;
	pm->data_mode = data_mode;
	carve_free_blocks(pm);
	return 0;

out_free_frames:
	free(pm->frames);
	pm->frames = NULL;
	return VMSIM_ENOHOSTMEM;
}

/* Free the frame table, the bytes table and every frame's bytes; leaves
 * *@pm zeroed with empty free lists (releasing twice is harmless). */
void phys_release(struct phys_mem *pm)
{
	pool_release(&pm->pool); /* every frame's bytes at once */
	free(pm->bytes);
	free(pm->frames);
	memset(pm, 0, sizeof(*pm));
	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		pm->free_head[o] = FRAME_NIL;
}

/* Whether @pfn lies inside a free buddy block: some aligned frame at or
 * below it heads a free block big enough to cover it. */
static bool frame_is_free(const struct phys_mem *pm, pfn_t pfn)
{
	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		const struct frame *head = &pm->frames[pfn & ~((1ULL << o) - 1)];

		if ((head->flags & FRAME_BUDDY) && head->order >= o)
			return true;
	}
	return false;
}

/*
 * The 4096 bytes of allocated frame @pfn, zeroed bytes from the pool on first use.
 * Asking for the bytes of a frame beyond RAM or of a free frame is a bug.
 * Returns NULL only when the host is out of memory.
 */
uint8_t *phys_bytes(struct phys_mem *pm, pfn_t pfn)
{
	VMSIM_BUG_ON(pfn >= pm->nframes);
	if (likely(pm->bytes[pfn] != NULL))
		return pm->bytes[pfn];
	VMSIM_BUG_ON(frame_is_free(pm, pfn));
	pm->bytes[pfn] = pool_get(&pm->pool);
	if (pm->bytes[pfn] == NULL)
		return NULL;
	pm->stats.bytes_frames++;
	return pm->bytes[pfn];
}
