/*
 * LRU and MRU, the two ends of one recency list.
 *
 * LRU: evict the page whose last access is the oldest (exact, not an
 * approximation).
 *
 * Definition. The resident frames form a list ordered by the time of their
 * page's last access, loads included. A load or an access moves the frame
 * to the head; the victim is the tail. There are no ties: accesses happen
 * one at a time.
 *
 *	head (most recently used)              tail (victim)
 *	  [1] <-> [3] <-> [0] <-> [2]
 *	   ^ on_map / on_access put a frame here
 *
 * This is the stack algorithm of Mattson et al. (1970): the pages resident
 * with N frames are always a subset of those resident with N+1, so LRU
 * never shows Belady's anomaly. OSTEP's paging-policy.py (LRU), libCacheSim
 * (LRU) and the textbooks use this definition. Real kernels cannot afford
 * a list update per access and approximate it (see clock.c, linux.c); here
 * it needs on_access for every access.
 *
 * MRU: evict the page whose last access is the most recent: the head of
 * the same list. The victim is chosen before the missing page is loaded,
 * so it is the most recently used page *other than* the one being brought
 * in. MRU is the right choice for a loop slightly larger than memory, where
 * LRU misses every time: on 0 1 2 3 0 1 2 3 ... with 3 frames MRU keeps
 * most of the loop resident. OSTEP's paging-policy.py (MRU) uses this
 * definition. There are no ties.
 *
 * Every operation is O(1): one intrusive doubly linked list over frame
 * indices, no allocation after create.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct lru {
	struct flink *lk; /* recency list links, per frame */
	struct flist l;	  /* head: most recent access, tail: least recent */
};

static void *lru_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			const struct vmsim_policy_env *env)
{
	struct lru *s;

	(void)cfg;
	if (vmsim_policy_check(&lru_policy, nframes, env) != 0)
		return NULL;
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	s->lk = flinks_new(nframes);
	if (!s->lk) {
		free(s);
		return NULL;
	}
	flist_init(&s->l);
	return s;
}

static void lru_destroy(void *state)
{
	struct lru *s = state;

	if (s)
		flinks_free(s->lk);
	free(s);
}

static void lru_on_map(void *state, pfn_t pfn)
{
	struct lru *s = state;

	flist_push_head(&s->l, s->lk, (uint32_t)pfn);
}

static void lru_on_access(void *state, pfn_t pfn, bool write)
{
	struct lru *s = state;

	(void)write;
	flist_move_head(&s->l, s->lk, (uint32_t)pfn);
}

static void lru_on_unmap(void *state, pfn_t pfn)
{
	struct lru *s = state;

	flist_del(&s->l, s->lk, (uint32_t)pfn);
}

static int lru_grow(void *state, size_t old, size_t nframes)
{
	struct lru *s = state;

	return flinks_grow(&s->lk, old, nframes);
}

static pfn_t lru_pick_victim(void *state)
{
	struct lru *s = state;

	return s->l.tail == FL_NIL ? VMSIM_POLICY_NO_FRAME : s->l.tail;
}

const struct vmsim_policy_ops lru_policy = {
    .name = "lru",
    .describe = "least recently used: evict the page whose last use is the oldest (exact)",
    .flags = 0,
    .create = lru_create,
    .destroy = lru_destroy,
    .on_map = lru_on_map,
    .on_access = lru_on_access,
    .on_unmap = lru_on_unmap,
    .pick_victim = lru_pick_victim,
    .expire = NULL,
    .grow = lru_grow,
};

static pfn_t mru_pick_victim(void *state)
{
	struct lru *s = state;

	return s->l.head == FL_NIL ? VMSIM_POLICY_NO_FRAME : s->l.head;
}

const struct vmsim_policy_ops mru_policy = {
    .name = "mru",
    .describe = "most recently used: evict the page whose last use is the newest",
    .flags = 0,
    .create = lru_create,
    .destroy = lru_destroy,
    .on_map = lru_on_map,
    .on_access = lru_on_access,
    .on_unmap = lru_on_unmap,
    .pick_victim = mru_pick_victim,
    .expire = NULL,
    .grow = lru_grow,
};
