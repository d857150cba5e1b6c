/*
 * The frame table and frame contents of simulated physical memory.
 *
 * RAM is carved into maximal aligned buddy blocks, lowest address first,
 * writing only their head frames:
 *
 *   2^18 + 3 frames:   [ order 18 at pfn 0 ......... ][ o1 at 2^18 ][ o0 ]
 *
 * Blocks of the largest order are carved lazily: phys_init puts only the
 * blocks of the partial last gigabyte on the free lists, and counts the
 * whole gigabytes [lazy_next, lazy_end) as free largest-order blocks that
 * the allocator carves one at a time, lowest first, when its lists hold no
 * block big enough. That is the order the eager carving gave: the list of
 * the largest order was ascending and the never-used blocks were its tail.
 *
 * Host memory is spent lazily: a chunk's frame table and bytes-pointer
 * table (one chunk per gigabyte) are allocated when its block is carved,
 * from host_zalloc (pages never written cost nothing), and a frame gets its
 * 4 KiB of contents only when allocated for a page table or data, or when
 * phys_bytes first asks. Invariant: a frame's bytes pointer is NULL for every
 * free frame and stats.bytes_frames counts the non-NULL ones. The allocator
 * proper lives in buddy.c; only the mmu/ and os/ layers call this.
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

/* Frames in chunk @c. */
static uint64_t chunk_frames(const struct phys_mem *pm, uint64_t c)
{
	uint64_t left = pm->nframes - (c << PHYS_CHUNK_SHIFT);

	return left < PHYS_CHUNK_FRAMES ? left : PHYS_CHUNK_FRAMES;
}

int phys_chunk_use(struct phys_mem *pm, uint64_t c)
{
	struct phys_chunk *ch = &pm->chunk[c];
	uint64_t n = chunk_frames(pm, c);

	if (ch->frames != NULL)
		return 0;
	ch->frames = host_zalloc(n * sizeof(*ch->frames));
	ch->bytes = host_zalloc(n * sizeof(*ch->bytes));
	if (ch->frames == NULL || ch->bytes == NULL) {
		host_zfree(ch->frames);
		host_zfree(ch->bytes);
		ch->frames = NULL;
		ch->bytes = NULL;
		return VMSIM_ENOHOSTMEM;
	}
	pm->chunks_used++;
	return 0;
}

uint64_t phys_meta_bytes(const struct phys_mem *pm)
{
	uint64_t b = pm->nchunks * sizeof(*pm->chunk);

	for (uint64_t c = 0; c < pm->nchunks; c++)
		if (pm->chunk[c].frames != NULL)
			b += chunk_frames(pm, c) * (sizeof(struct frame) + sizeof(uint8_t *));
	return b;
}

/* Put the partial last gigabyte on the free lists as maximal aligned blocks,
 * each list in ascending address order (head = lowest pfn), touching only
 * head frames, and count the whole gigabytes before it as lazy free blocks
 * of the largest order. Returns 0 or VMSIM_ENOHOSTMEM. */
static int carve_free_blocks(struct phys_mem *pm)
{
	uint32_t tail[PHYS_NORDERS];
	pfn_t pfn = pm->nframes & ~PHYS_CHUNK_MASK;

	pm->lazy_next = 0;
	pm->lazy_end = pfn;
	pm->nr_free_blocks[PHYS_MAX_ORDER] = pfn >> PHYS_MAX_ORDER;
	pm->nr_free = pm->nframes;
	if (pfn < pm->nframes && phys_chunk_use(pm, pfn >> PHYS_CHUNK_SHIFT) != 0)
		return VMSIM_ENOHOSTMEM;

	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		tail[o] = FRAME_NIL;
	while (pfn < pm->nframes) {
		unsigned order = max_block_order(pfn, pm->nframes - pfn);
		struct frame *f = phys_frame(pm, pfn);

		f->flags = FRAME_BUDDY;
		f->order = (uint8_t)order;
		f->prev = tail[order];
		f->next = FRAME_NIL;
		if (tail[order] == FRAME_NIL)
			pm->free_head[order] = (uint32_t)pfn;
		else
			phys_frame(pm, tail[order])->next = (uint32_t)pfn;
		tail[order] = (uint32_t)pfn;
		pm->nr_free_blocks[order]++;
		pfn += 1ULL << order;
	}
	return 0;
}

/*
 * Set up @pm with @bytes of RAM, all free, in time proportional to the
 * number of gigabytes (the chunk directory), allocating no frame table yet
 * but the last partial gigabyte's. On failure *@pm is left zeroed
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

	pm->nchunks = (nframes + PHYS_CHUNK_MASK) >> PHYS_CHUNK_SHIFT;
	pm->chunk = calloc(pm->nchunks, sizeof(*pm->chunk));
	if (pm->chunk == NULL) {
		pm->nchunks = 0;
		return VMSIM_ENOHOSTMEM;
	}
	pm->nframes = nframes;
	pm->data_mode = data_mode;
	if (carve_free_blocks(pm) != 0) {
		phys_release(pm);
		return VMSIM_ENOHOSTMEM;
	}
	return 0;
}

/* Free the frame table, the bytes table and every frame's bytes; leaves
 * *@pm zeroed with empty free lists (releasing twice is harmless). */
void phys_release(struct phys_mem *pm)
{
	pool_release(&pm->pool); /* every frame's bytes at once */
	for (uint64_t c = 0; c < pm->nchunks; c++) {
		host_zfree(pm->chunk[c].frames);
		host_zfree(pm->chunk[c].bytes);
	}
	free(pm->chunk);
	memset(pm, 0, sizeof(*pm));
	for (unsigned o = 0; o < PHYS_NORDERS; o++)
		pm->free_head[o] = FRAME_NIL;
}

/* Whether @pfn lies inside a free buddy block: in a gigabyte never carved,
 * or some aligned frame at or below it heads a free block big enough to
 * cover it. */
static bool frame_is_free(const struct phys_mem *pm, pfn_t pfn)
{
	if (!phys_frame_present(pm, pfn))
		return true;
	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		const struct frame *head = phys_frame(pm, pfn & ~((1ULL << o) - 1));

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
	uint8_t **slot;

	VMSIM_BUG_ON(pfn >= pm->nframes);
	VMSIM_BUG_ON(!phys_frame_present(pm, pfn));
	slot = phys_bytes_slot(pm, pfn);
	if (likely(*slot != NULL))
		return *slot;
	VMSIM_BUG_ON(frame_is_free(pm, pfn));
	*slot = pool_get(&pm->pool);
	if (*slot == NULL)
		return NULL;
	pm->stats.bytes_frames++;
	return *slot;
}
