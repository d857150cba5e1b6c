/*
 * An open-addressing hash map from 64-bit page numbers to 64-bit values,
 * for reference-string mode (paging.c, refstring.c): linear probing,
 * Fibonacci hashing, power-of-two size, at most half full, no deletion.
 * A slot whose value is PMAP_EMPTY is free; every other value is the
 * user's. Lookups allocate nothing; an insertion may grow the table
 * (amortised O(1)), which moves every slot.
 *
 *	slot = (page * 2^64/phi) >> (64 - bits), then slot+1, slot+2, ...
 *
 * Only src/workload/ includes this header.
 */
#ifndef VMSIM_WORKLOAD_PAGING_MAP_H
#define VMSIM_WORKLOAD_PAGING_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vmsim/error.h"

#define PMAP_EMPTY UINT64_MAX /* value of a free slot */

struct pmap_slot {
	uint64_t key; /* page number; meaningless in a free slot */
	uint64_t val; /* the user's value, PMAP_EMPTY if the slot is free */
};

struct pmap {
	struct pmap_slot *s; /* 2^bits slots */
	size_t mask;	     /* 2^bits - 1 */
	size_t count;	     /* used slots */
	unsigned shift;	     /* 64 - bits */
};

/* An empty map with room for @n keys before it grows. Returns 0 or
 * VMSIM_ENOHOSTMEM. */
static inline int pmap_init(struct pmap *m, size_t n)
{
	unsigned bits = 4;
	size_t i;

	while (((size_t)1 << bits) < 2 * n && bits < 62)
		bits++;
	m->s = malloc(((size_t)1 << bits) * sizeof(*m->s));
	if (!m->s)
		return VMSIM_ENOHOSTMEM;
	m->mask = ((size_t)1 << bits) - 1;
	m->shift = 64 - bits;
	m->count = 0;
	for (i = 0; i <= m->mask; i++)
		m->s[i].val = PMAP_EMPTY;
	return 0;
}

static inline void pmap_release(struct pmap *m)
{
	free(m->s);
	m->s = NULL;
}

/* The slot where the search for @key starts. */
static inline size_t pmap_home(const struct pmap *m, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> m->shift);
}

/* Start loading @key's first slot into the cache, for a probe soon after. */
static inline void pmap_prefetch(const struct pmap *m, uint64_t key)
{
	__builtin_prefetch(&m->s[pmap_home(m, key)]);
}

/* The slot holding @key, or the free slot where it would go. */
static inline size_t pmap_probe(const struct pmap *m, uint64_t key)
{
	size_t i = pmap_home(m, key);

	while (m->s[i].val != PMAP_EMPTY && m->s[i].key != key)
		i = (i + 1) & m->mask;
	return i;
}

/* Make room for one more key: double the table if it would be more than
 * half full. Slot numbers change when it grows (*@grew set). Returns 0 or
 * VMSIM_ENOHOSTMEM (the map is then unchanged). */
static inline int pmap_reserve(struct pmap *m, int *grew /* out */)
{
	struct pmap old = *m;
	size_t i;

	*grew = 0;
	if (2 * (m->count + 1) <= m->mask + 1)
		return 0;
	if (pmap_init(m, m->mask + 1) != 0) {
		*m = old;
		return VMSIM_ENOHOSTMEM;
	}
	for (i = 0; i <= old.mask; i++) {
		if (old.s[i].val != PMAP_EMPTY) {
			size_t j = pmap_probe(m, old.s[i].key);
			m->s[j] = old.s[i];
		}
	}
	m->count = old.count;
	free(old.s);
	*grew = 1;
	return 0;
}

#endif
