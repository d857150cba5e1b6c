/*
 * The host memory behind frame contents: 4 KiB blocks carved from 2 MiB
 * chunks that ask the host for transparent huge pages. Page tables of a
 * large simulated machine are touched at random by every walk; packed into
 * huge host pages they cost the host one TLB entry per 512 frames instead of
 * one per frame. Freed blocks go on a free list (linked through their first
 * bytes) and are zeroed again when handed out. Only src/phys/ calls this.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"
#include "phys/phys.h"

#define CHUNK_BYTES (2ULL << 20)

struct pool_chunk {
	struct pool_chunk *next; /* older chunk */
	uint8_t *mem;		 /* CHUNK_BYTES, 2 MiB aligned */
	void *map;		 /* what mmap returned (unaligned) */
	size_t maplen;		 /* its length */
};

struct free_block {
	struct free_block *next;
};

/* A fresh chunk, or NULL when the host refuses. */
static struct pool_chunk *chunk_new(struct byte_pool *bp)
{
	struct pool_chunk *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	/* map 4 MiB to find a 2 MiB-aligned 2 MiB inside it */
	c->maplen = 2 * CHUNK_BYTES;
	c->map = mmap(NULL, c->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->map == MAP_FAILED) {
		free(c);
		return NULL;
	}
	uintptr_t at = ((uintptr_t)c->map + CHUNK_BYTES - 1) & ~(uintptr_t)(CHUNK_BYTES - 1);
	c->mem = (uint8_t *)at;
#ifdef MADV_HUGEPAGE
	madvise(c->mem, CHUNK_BYTES, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
	c->next = bp->chunks;
	bp->chunks = c;
	bp->bump = c->mem;
	bp->bump_end = c->mem + CHUNK_BYTES;
	return c;
}

uint8_t *pool_get(struct byte_pool *bp)
{
	if (bp->free) {
		struct free_block *b = bp->free;
		bp->free = b->next;
		memset(b, 0, VMSIM_PAGE_SIZE);
		return (uint8_t *)b;
	}
	if (bp->bump == bp->bump_end && !chunk_new(bp))
		return NULL;
	uint8_t *p = bp->bump; /* fresh anonymous memory is already zero */
	bp->bump += VMSIM_PAGE_SIZE;
	return p;
}

void pool_put(struct byte_pool *bp, uint8_t *p)
{
	struct free_block *b = (struct free_block *)(void *)p;
	b->next = bp->free;
	bp->free = b;
}

void pool_release(struct byte_pool *bp)
{
	while (bp->chunks) {
		struct pool_chunk *c = bp->chunks;
		bp->chunks = c->next;
		munmap(c->map, c->maplen);
		free(c);
	}
	*bp = (struct byte_pool){0};
}
