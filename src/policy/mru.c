/*
 * MRU: evict the page whose last access is the most recent.
 *
 * Definition. The resident frames form a list ordered by the time of their
 * page's last access, loads included; a load or an access moves the frame
 * to the head; the victim is the head. The victim is chosen before the
 * missing page is loaded, so it is the most recently used page *other than*
 * the one being brought in. There are no ties.
 *
 *	head (victim: most recently used)      tail (least recently used)
 *	  [1] <-> [3] <-> [0] <-> [2]
 *
 * MRU is the right choice for a loop slightly larger than memory, where LRU
 * misses every time: on 0 1 2 3 0 1 2 3 ... with 3 frames MRU keeps most of
 * the loop resident. OSTEP's paging-policy.py (MRU) uses this definition.
 *
 * Every operation is O(1); needs on_access for every access.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct mru {
	struct flink *lk; /* recency list links, per frame */
	struct flist l;	  /* head: most recent access, tail: least recent */
};

static void *mru_create(const struct policy_cfg *cfg, size_t nframes, const struct policy_env *env)
{
	struct mru *s;

	(void)cfg;
	if (policy_check(&mru_policy, nframes, env) != 0)
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

static void mru_destroy(void *state)
{
	struct mru *s = state;

	if (s)
		free(s->lk);
	free(s);
}

static void mru_on_map(void *state, pfn_t pfn)
{
	struct mru *s = state;

	flist_push_head(&s->l, s->lk, (uint32_t)pfn);
}

static void mru_on_access(void *state, pfn_t pfn, bool write)
{
	struct mru *s = state;

	(void)write;
	flist_move_head(&s->l, s->lk, (uint32_t)pfn);
}

static void mru_on_unmap(void *state, pfn_t pfn)
{
	struct mru *s = state;

	flist_del(&s->l, s->lk, (uint32_t)pfn);
}

static pfn_t mru_pick_victim(void *state)
{
	struct mru *s = state;

	return s->l.head == FL_NIL ? POLICY_NO_FRAME : s->l.head;
}

const struct policy_ops mru_policy = {
    .name = "mru",
    .describe = "most recently used: evict the page whose last use is the newest",
    .flags = 0,
    .create = mru_create,
    .destroy = mru_destroy,
    .on_map = mru_on_map,
    .on_access = mru_on_access,
    .on_unmap = mru_on_unmap,
    .pick_victim = mru_pick_victim,
    .expire = NULL,
};
