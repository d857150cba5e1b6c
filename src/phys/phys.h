/*
 * Simulated physical memory: the frame table, the buddy allocator and frame
 * contents. Only the mmu/ and os/ layers call this.
 *
 * Invariants (checked by phys_check):
 *   - every frame is in exactly one state: inside a free buddy block, or
 *     inside an allocated block; nr_free + nr_used == nframes;
 *   - a free block of order o starts at a pfn aligned to 2^o, its head frame
 *     carries FRAME_BUDDY and order o, and it sits on free_list[o];
 *   - frame bytes exist only for frames that are allocated and either hold a
 *     page table (always) or data (data mode), and are zero when first given.
 *
 * Host memory is spent lazily. The frame table and the contents table are
 * split into chunks of 2^PHYS_CHUNK_SHIFT frames (one largest buddy block,
 * 1 GiB of RAM); a chunk is allocated when the allocator first hands out a
 * frame of it, so a 16 TiB machine that uses 1 GiB pays for one chunk. A
 * frame gets its 4 KiB of bytes only when first asked for them.
 */
#ifndef VMSIM_PHYS_H
#define VMSIM_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/types.h"

#define PHYS_MAX_ORDER 18 /* 2^18 frames = 1 GiB */
#define PHYS_NORDERS   (PHYS_MAX_ORDER + 1)
#define FRAME_NIL      UINT32_MAX /* end of a frame list */

/* frame.flags */
enum frame_flags {
	FRAME_BUDDY = 1u << 0,	    /* head of a free buddy block (order in .order) */
	FRAME_HEAD = 1u << 1,	    /* head of an allocated block (order in .order) */
	FRAME_PAGETABLE = 1u << 2,  /* holds a page table (kernel memory, bytes always) */
	FRAME_DATA = 1u << 3,	    /* holds bytes of user data (data mode) */
	FRAME_ANON = 1u << 4,	    /* anonymous page (os layer) */
	FRAME_FILE = 1u << 5,	    /* page-cache page (os layer) */
	FRAME_ZERO = 1u << 6,	    /* the shared zero page (os layer) */
	FRAME_DIRTY = 1u << 7,	    /* contents differ from backing store (os layer) */
	FRAME_LOCKED = 1u << 8,	    /* pinned: never chosen for reclaim (os layer) */
	FRAME_RESERVED = 1u << 9,   /* never allocatable (firmware holes, tests) */
	FRAME_SWAPCACHE = 1u << 10, /* in the swap cache: .swap holds its slot (os layer) */
	FRAME_LRU = 1u << 11,	    /* known to the replacement policy (os layer) */
	FRAME_HUGETLB = 1u << 12,   /* a page of the hugetlb pool (os layer) */
	FRAME_MLOCKED = 1u << 13,   /* found in a locked area: off the policy's lists (os layer) */
	FRAME_READAHEAD = 1u << 14, /* head of a page-cache folio with the readahead mark
				     * (Linux's PG_readahead; os layer) */
};

/*
 * One per 4 KiB frame (48 bytes). Fields other than flags/order are owned by
 * the os layer; phys only clears them when a block is allocated.
 */
struct frame {
	uint32_t flags;	   /* enum frame_flags */
	uint8_t order;	   /* block order, valid on FRAME_BUDDY and FRAME_HEAD frames */
	uint8_t folio;	   /* os: order of the page-cache folio this page belongs to, on
			    * every page of it (0: a single page) */
	uint8_t pad[2];	   /* keeps the struct 8-byte aligned */
	uint32_t refcount; /* references held (mappers, page cache, swap cache, pins) */
	uint32_t mapcount; /* PTEs that map this frame */
	void *owner;	   /* reverse map: the anon area / file that owns the page */
	uint64_t index;	   /* reverse map: page index within the owner */
	uint64_t swap;	   /* swap slot + 1 while in the swap cache, else 0 */
	uint32_t prev;	   /* list links: buddy free lists here, LRU lists in os/ */
	uint32_t next;	   /* FRAME_NIL terminates */
};

struct phys_stats {
	uint64_t allocs[PHYS_NORDERS]; /* successful allocations, per order */
	uint64_t frees[PHYS_NORDERS];  /* frees, per order */
	uint64_t splits;	       /* block splits */
	uint64_t merges;	       /* buddy merges */
	uint64_t failures;	       /* allocations refused for lack of a block */
	uint64_t bytes_frames;	       /* frames that currently hold host bytes */
};

/* Frames per chunk of the frame table: one block of the largest order. */
#define PHYS_CHUNK_SHIFT  PHYS_MAX_ORDER
#define PHYS_CHUNK_FRAMES (1ULL << PHYS_CHUNK_SHIFT)
#define PHYS_CHUNK_MASK	  (PHYS_CHUNK_FRAMES - 1)

/* The metadata of one chunk of RAM; both arrays are NULL until it is used. */
struct phys_chunk {
	struct frame *frames; /* frame table of the chunk's frames */
	uint8_t **bytes;      /* their contents (NULL until used) */
};

/* Host memory for frame contents (bytepool.c): 4 KiB blocks from 2 MiB chunks. */
struct byte_pool {
	struct pool_chunk *chunks; /* every chunk, newest first */
	struct free_block *free;   /* blocks given back */
	uint8_t *bump, *bump_end;  /* unused part of the newest chunk */
};

/* A zeroed 4 KiB block, or NULL when the host is out of memory. */
uint8_t *pool_get(struct byte_pool *bp);
/* Give a block back. */
void pool_put(struct byte_pool *bp, uint8_t *p);
/* Return every chunk to the host. */
void pool_release(struct byte_pool *bp);

struct phys_mem {
	uint64_t nframes;		       /* frames of simulated RAM */
	uint64_t nr_free;		       /* frames in free blocks */
	struct phys_chunk *chunk;	       /* frame table by chunk, nchunks entries */
	uint64_t nchunks;		       /* chunks covering nframes */
	uint64_t chunks_used;		       /* chunks with their arrays allocated */
	uint64_t lazy_next;		       /* first largest-order block never carved */
	uint64_t lazy_end;		       /* end of the largest-order blocks */
	uint32_t free_head[PHYS_NORDERS];      /* free list heads per order */
	uint64_t nr_free_blocks[PHYS_NORDERS]; /* blocks on each free list */
	bool data_mode;			       /* data frames hold real bytes */
	uint64_t fail_alloc_at;		       /* test hook: fail the N-th allocation (0: never) */
	uint64_t nallocs;		       /* allocation attempts, for the hook */
	struct phys_stats stats;	       /* counters */
	struct byte_pool pool;		       /* host memory of frame contents */
};

/* Set up @pm with @bytes of RAM (rounded down to 4 KiB, at least one frame).
 * Returns 0, VMSIM_EINVAL (size 0, above 2^52, or more than FRAME_NIL
 * = 2^32 - 1 frames: free-list links are 32-bit) or VMSIM_ENOHOSTMEM. */
int phys_init(struct phys_mem *pm, uint64_t bytes, bool data_mode);

/* Free everything phys_init and later calls allocated on the host. */
void phys_release(struct phys_mem *pm);

/*
 * Allocate a block of 2^@order frames aligned to its size. @flags (FRAME_*
 * other than BUDDY/HEAD) are stored on every frame of the block; with
 * FRAME_PAGETABLE, or FRAME_DATA in data mode, each frame gets zeroed bytes.
 * Fields refcount, mapcount, owner, index, swap are zeroed. Returns 0 and the first
 * pfn in *@pfn, or VMSIM_ENOMEM (no block; nothing changed), VMSIM_EINVAL
 * (order > PHYS_MAX_ORDER) or VMSIM_ENOHOSTMEM.
 */
int phys_alloc(struct phys_mem *pm, unsigned order, uint32_t flags, pfn_t *pfn /* out */);

/* Return the block of 2^@order frames at @pfn, as allocated, and merge it
 * with free buddies. Frees the bytes of its frames. Passing anything but an
 * allocated block head with its order is a bug (VMSIM_BUG_ON). */
void phys_free(struct phys_mem *pm, pfn_t pfn, unsigned order);

/* Make the allocated block of 2^@order frames at @pfn 2^@order blocks of
 * one frame each (flags, bytes and fields kept), to be freed one by one. */
void phys_split(struct phys_mem *pm, pfn_t pfn, unsigned order);

/* The frame-table entry of @pfn (< nframes), which must lie in a chunk in use
 * (any frame allocated or freed since phys_init, or near one: see
 * phys_frame_present). */
static inline struct frame *phys_frame(const struct phys_mem *pm, pfn_t pfn)
{
	return &pm->chunk[pfn >> PHYS_CHUNK_SHIFT].frames[pfn & PHYS_CHUNK_MASK];
}

/* Whether the chunk of @pfn (< nframes) has its frame table: false for the
 * frames of largest-order blocks that were never allocated, which are free
 * and carry no metadata. Scans over all of RAM skip the rest of the chunk. */
static inline bool phys_frame_present(const struct phys_mem *pm, pfn_t pfn)
{
	return pm->chunk[pfn >> PHYS_CHUNK_SHIFT].frames != NULL;
}

/* Where the bytes pointer of @pfn lives (its chunk must be in use). */
static inline uint8_t **phys_bytes_slot(const struct phys_mem *pm, pfn_t pfn)
{
	return &pm->chunk[pfn >> PHYS_CHUNK_SHIFT].bytes[pfn & PHYS_CHUNK_MASK];
}

/* The 4096 bytes of frame @pfn, allocating zeroed bytes on first use.
 * Returns NULL only when the host is out of memory. */
uint8_t *phys_bytes(struct phys_mem *pm, pfn_t pfn);

/* The bytes of @pfn if it already has them, else NULL (no allocation). */
static inline uint8_t *phys_bytes_if_present(const struct phys_mem *pm, pfn_t pfn)
{
	return *phys_bytes_slot(pm, pfn);
}

/* Allocate the frame table of chunk @c if it has none (phys internal: the
 * allocator calls it when it carves a block). Returns 0 or VMSIM_ENOHOSTMEM. */
int phys_chunk_use(struct phys_mem *pm, uint64_t c);

/* Host bytes of frame metadata in use (the chunks' tables and directory). */
uint64_t phys_meta_bytes(const struct phys_mem *pm);

/* Number of free blocks of exactly @order. */
uint64_t phys_free_blocks(const struct phys_mem *pm, unsigned order);

/*
 * Linux's fragmentation index for an allocation of @order, in thousandths:
 * -1000 when a free block of that order or larger exists (the request would
 * succeed), 0 when there is no free memory at all, and towards 1000 as the
 * failure is due to fragmentation rather than lack of memory.
 */
int phys_frag_index(const struct phys_mem *pm, unsigned order);

/*
 * Check the invariants above. Returns 0, or VMSIM_ECHECK with a one-line
 * description in @why (if not NULL) of the first violation found.
 */
int phys_check(const struct phys_mem *pm, char *why, size_t whylen);

#endif
