/*
 * FIFO: evict the page that has been resident the longest.
 *
 * Definition. The resident frames form a queue in the order their pages
 * were loaded. A load appends the frame at the tail; an access changes
 * nothing; the victim is the frame at the head (the earliest load still
 * resident). There are no ties: loads happen one at a time.
 *
 *	head (victim)                     tail (newest)
 *	  [3] -> [0] -> [2] -> [1]  <- on_map appends here
 *
 * FIFO ignores use entirely, which is why it shows Belady's anomaly: on
 * 1 2 3 4 1 2 5 1 2 3 4 5 it faults 9 times with 3 frames and 10 times with
 * 4. OSTEP's paging-policy.py (FIFO), libCacheSim (FIFO) and the textbooks
 * (Silberschatz et al., Operating System Concepts; Tanenbaum, Modern
 * Operating Systems) use this definition.
 *
 * Every operation is O(1).
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct fifo {
	struct flink *lk; /* queue links, per frame */
	struct flist q;	  /* head: oldest load, tail: newest */
};

static void *fifo_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			 const struct vmsim_policy_env *env)
{
	struct fifo *f;

	(void)cfg;
	if (vmsim_policy_check(&fifo_policy, nframes, env) != 0)
		return NULL;
	f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	f->lk = flinks_new(nframes);
	if (!f->lk) {
		free(f);
		return NULL;
	}
	flist_init(&f->q);
	return f;
}

static void fifo_destroy(void *state)
{
	struct fifo *f = state;

	if (f)
		flinks_free(f->lk);
	free(f);
}

static void fifo_on_map(void *state, pfn_t pfn)
{
	struct fifo *f = state;

	flist_push_tail(&f->q, f->lk, (uint32_t)pfn);
}

static void fifo_on_unmap(void *state, pfn_t pfn)
{
	struct fifo *f = state;

	flist_del(&f->q, f->lk, (uint32_t)pfn);
}

static int fifo_grow(void *state, size_t old, size_t nframes)
{
	struct fifo *f = state;

	return flinks_grow(&f->lk, old, nframes);
}

static pfn_t fifo_pick_victim(void *state)
{
	struct fifo *f = state;

	return f->q.head == FL_NIL ? VMSIM_POLICY_NO_FRAME : f->q.head;
}

const struct vmsim_policy_ops fifo_policy = {
    .name = "fifo",
    .describe = "first in, first out: evict the page loaded earliest; hits change nothing",
    .flags = 0,
    .create = fifo_create,
    .destroy = fifo_destroy,
    .on_map = fifo_on_map,
    .on_access = NULL,
    .on_unmap = fifo_on_unmap,
    .pick_victim = fifo_pick_victim,
    .expire = NULL,
    .grow = fifo_grow,
};
