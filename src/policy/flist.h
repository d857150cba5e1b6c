/*
 * Intrusive lists and rings over frame indices, the one data structure most
 * policies are built from. A policy keeps an array of struct flink, one per
 * frame, and threads frames through it with 32-bit indices: no pointers, no
 * allocation after create, every operation O(1).
 *
 *   list:  head <-> ... <-> tail          (each policy says which end is which)
 *   ring:  ... -> a -> b -> c -> a ...    with a hand naming one member
 *
 * A frame on no list has both links FL_OFF, so misuse by a caller (unmapping
 * a frame twice, mapping a resident one) is caught with VMSIM_BUG_ON.
 * Only src/policy/ includes this header.
 */
#ifndef VMSIM_POLICY_FLIST_H
#define VMSIM_POLICY_FLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "vmsim/error.h"

#define FL_NIL UINT32_MAX	/* end of a list, or an empty ring's hand */
#define FL_OFF (UINT32_MAX - 1) /* both links of a frame on no list */

struct flink {
	uint32_t prev; /* previous member, FL_NIL at the head, FL_OFF if on no list */
	uint32_t next; /* next member, FL_NIL at the tail, FL_OFF if on no list */
};

struct flist {
	uint32_t head; /* first member or FL_NIL */
	uint32_t tail; /* last member or FL_NIL */
};

/* An array of @n links, all off-list; NULL when out of host memory. */
static inline struct flink *flinks_new(size_t n)
{
	struct flink *lk = malloc((n ? n : 1) * sizeof(*lk));
	size_t i;

	if (!lk)
		return NULL;
	for (i = 0; i < n; i++)
		lk[i].prev = lk[i].next = FL_OFF;
	return lk;
}

/* Grow *@lk from @old to @n links, the new ones off-list. Returns 0, or
 * VMSIM_ENOHOSTMEM with *@lk unchanged. */
static inline int flinks_grow(struct flink **lk, size_t old, size_t n)
{
	struct flink *g = realloc(*lk, n * sizeof(*g));
	size_t i;

	if (!g)
		return VMSIM_ENOHOSTMEM;
	for (i = old; i < n; i++)
		g[i].prev = g[i].next = FL_OFF;
	*lk = g;
	return 0;
}

static inline bool flink_on(const struct flink *lk, uint32_t i)
{
	return lk[i].prev != FL_OFF;
}

static inline void flist_init(struct flist *l)
{
	l->head = l->tail = FL_NIL;
}

/* Make @i, which is on no list, the head of @l. */
static inline void flist_push_head(struct flist *l, struct flink *lk, uint32_t i)
{
	VMSIM_BUG_ON(flink_on(lk, i));
	lk[i].prev = FL_NIL;
	lk[i].next = l->head;
	if (l->head != FL_NIL)
		lk[l->head].prev = i;
	else
		l->tail = i;
	l->head = i;
}

/* Make @i, which is on no list, the tail of @l. */
static inline void flist_push_tail(struct flist *l, struct flink *lk, uint32_t i)
{
	VMSIM_BUG_ON(flink_on(lk, i));
	lk[i].next = FL_NIL;
	lk[i].prev = l->tail;
	if (l->tail != FL_NIL)
		lk[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
}

/* Take @i, a member of @l, off it. */
static inline void flist_del(struct flist *l, struct flink *lk, uint32_t i)
{
	uint32_t p = lk[i].prev, n = lk[i].next;

	VMSIM_BUG_ON(!flink_on(lk, i));
	if (p != FL_NIL)
		lk[p].next = n;
	else
		l->head = n;
	if (n != FL_NIL)
		lk[n].prev = p;
	else
		l->tail = p;
	lk[i].prev = lk[i].next = FL_OFF;
}

/* Move @i, a member of @l, to the head of @l. */
static inline void flist_move_head(struct flist *l, struct flink *lk, uint32_t i)
{
	if (l->head == i)
		return;
	flist_del(l, lk, i);
	flist_push_head(l, lk, i);
}

/* Insert @i, on no list, into the ring whose hand is *@hand, just before
 * the hand: the last place the hand will reach. An empty ring (*@hand ==
 * FL_NIL) becomes {i} with the hand on @i. */
static inline void fring_insert(uint32_t *hand, struct flink *lk, uint32_t i)
{
	uint32_t h = *hand;

	VMSIM_BUG_ON(flink_on(lk, i));
	if (h == FL_NIL) {
		lk[i].prev = lk[i].next = i;
		*hand = i;
		return;
	}
	lk[i].next = h;
	lk[i].prev = lk[h].prev;
	lk[lk[h].prev].next = i;
	lk[h].prev = i;
}

/* Take @i, a member, out of the ring; a hand on @i moves to its successor. */
static inline void fring_del(uint32_t *hand, struct flink *lk, uint32_t i)
{
	VMSIM_BUG_ON(!flink_on(lk, i));
	if (lk[i].next == i) {
		*hand = FL_NIL;
	} else {
		lk[lk[i].prev].next = lk[i].next;
		lk[lk[i].next].prev = lk[i].prev;
		if (*hand == i)
			*hand = lk[i].next;
	}
	lk[i].prev = lk[i].next = FL_OFF;
}

#endif
