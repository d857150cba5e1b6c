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
 * a frame twice, mapping a resident one) is caught with VMSIM_BUG_ON. Links
 * are stored XOR-ed with FL_OFF, so that zeroed memory is "on no list": the
 * array comes from host_zalloc and a machine's frames that a policy never
 * sees cost no host memory (a 16 TiB machine has 2^32 of them).
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
	uint32_t prev_x; /* previous member (FL_NIL at the head), XOR FL_OFF */
	uint32_t next_x; /* next member (FL_NIL at the tail), XOR FL_OFF */
};

struct flist {
	uint32_t head; /* first member or FL_NIL */
	uint32_t tail; /* last member or FL_NIL */
};

static inline uint32_t flink_prev(const struct flink *lk, uint32_t i)
{
	return lk[i].prev_x ^ FL_OFF;
}

static inline uint32_t flink_next(const struct flink *lk, uint32_t i)
{
	return lk[i].next_x ^ FL_OFF;
}

static inline void flink_set_prev(struct flink *lk, uint32_t i, uint32_t v)
{
	lk[i].prev_x = v ^ FL_OFF;
}

static inline void flink_set_next(struct flink *lk, uint32_t i, uint32_t v)
{
	lk[i].next_x = v ^ FL_OFF;
}

/* An array of @n links, all off-list (zeroed, untouched until used); NULL
 * when out of host memory. Free it with flinks_free. */
static inline struct flink *flinks_new(size_t n)
{
	return host_zalloc((n ? n : 1) * sizeof(struct flink));
}

static inline void flinks_free(struct flink *lk)
{
	host_zfree(lk);
}

/* Grow *@lk from @old to @n links, the new ones off-list. Returns 0, or
 * VMSIM_ENOHOSTMEM with *@lk unchanged. */
static inline int flinks_grow(struct flink **lk, size_t old, size_t n)
{
	struct flink *g = host_zrealloc(*lk, old * sizeof(*g), n * sizeof(*g));

	if (!g)
		return VMSIM_ENOHOSTMEM;
	*lk = g;
	return 0;
}

static inline bool flink_on(const struct flink *lk, uint32_t i)
{
	return lk[i].prev_x != 0;
}

static inline void flink_off(struct flink *lk, uint32_t i)
{
	lk[i].prev_x = lk[i].next_x = 0;
}

static inline void flist_init(struct flist *l)
{
	l->head = l->tail = FL_NIL;
}

/* Make @i, which is on no list, the head of @l. */
static inline void flist_push_head(struct flist *l, struct flink *lk, uint32_t i)
{
	VMSIM_BUG_ON(flink_on(lk, i));
	flink_set_prev(lk, i, FL_NIL);
	flink_set_next(lk, i, l->head);
	if (l->head != FL_NIL)
		flink_set_prev(lk, l->head, i);
	else
		l->tail = i;
	l->head = i;
}

/* Make @i, which is on no list, the tail of @l. */
static inline void flist_push_tail(struct flist *l, struct flink *lk, uint32_t i)
{
	VMSIM_BUG_ON(flink_on(lk, i));
	flink_set_next(lk, i, FL_NIL);
	flink_set_prev(lk, i, l->tail);
	if (l->tail != FL_NIL)
		flink_set_next(lk, l->tail, i);
	else
		l->head = i;
	l->tail = i;
}

/* Take @i, a member of @l, off it. */
static inline void flist_del(struct flist *l, struct flink *lk, uint32_t i)
{
	uint32_t p = flink_prev(lk, i), n = flink_next(lk, i);

	VMSIM_BUG_ON(!flink_on(lk, i));
	if (p != FL_NIL)
		flink_set_next(lk, p, n);
	else
		l->head = n;
	if (n != FL_NIL)
		flink_set_prev(lk, n, p);
	else
		l->tail = p;
	flink_off(lk, i);
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
	uint32_t h = *hand, hp;

	VMSIM_BUG_ON(flink_on(lk, i));
	if (h == FL_NIL) {
		flink_set_prev(lk, i, i);
		flink_set_next(lk, i, i);
		*hand = i;
		return;
	}
	hp = flink_prev(lk, h);
	flink_set_next(lk, i, h);
	flink_set_prev(lk, i, hp);
	flink_set_next(lk, hp, i);
	flink_set_prev(lk, h, i);
}

/* Take @i, a member, out of the ring; a hand on @i moves to its successor. */
static inline void fring_del(uint32_t *hand, struct flink *lk, uint32_t i)
{
	uint32_t p = flink_prev(lk, i), n = flink_next(lk, i);

	VMSIM_BUG_ON(!flink_on(lk, i));
	if (n == i) {
		*hand = FL_NIL;
	} else {
		flink_set_next(lk, p, n);
		flink_set_prev(lk, n, p);
		if (*hand == i)
			*hand = n;
	}
	flink_off(lk, i);
}

#endif
