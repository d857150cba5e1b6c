/*
 * OPT (Belady's MIN): evict the page whose next reference is the farthest
 * in the future. No policy faults less (Belady 1966; Mattson et al. 1970),
 * which makes OPT the yardstick the others are measured against.
 *
 * Definition. Each resident frame is keyed by the time of its page's next
 * reference, env->next_use(), read when the page is loaded and again at
 * every access (an access moves the next reference further on). The victim
 * is the frame with the largest key. Pages never referenced again have key
 * VMSIM_POLICY_NEVER and so go first; the only possible ties are between such
 * pages (two resident pages cannot share a next reference), and they are
 * broken by the lowest frame number. The choice among pages never used
 * again does not change the number of faults, only which page a trace
 * shows leaving. (OSTEP's paging-policy.py breaks the same tie towards the
 * page loaded last, so its traces may name another victim; the counts
 * agree.)
 *
 * OPT needs the future, so it runs only where the whole reference stream is
 * known in advance (reference-string mode, complete traces); without
 * env->next_use, vmsim_policy_check() fails with VMSIM_ENOTSUP and create()
 * returns NULL.
 *
 * Structure: a binary max-heap of (key, frame) pairs with a per-frame index
 * into it, so a load, an access (re-key) and an unmap are O(log n) and
 * choosing a victim is O(1). A miss unmaps the root and maps a page into
 * the same frame at once; so that it costs one sift instead of two, unmapping
 * the root only leaves a hole there, which the next on_map fills (a far
 * next use sifts down little) and any other call closes first.
 *
 *	            (never, f2)
 *	           /           \
 *	   (t=907, f0)       (t=310, f3)      parent >= children:
 *	   /                                  key first, then lower frame
 *	(t=88, f1)
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct entry {
	uint64_t key; /* next reference of the page in pfn */
	uint32_t pfn; /* the frame */
};

struct opt {
	struct vmsim_policy_env env; /* next_use */
	struct entry *heap;	     /* heap[0 .. n-1], max-heap by evicts_before() */
	uint32_t *pos;		     /* pos[frame]: its index in heap, FL_OFF if not resident */
	uint32_t n;		     /* heap entries, the hole included */
	bool hole;		     /* heap[0] is stale: its frame was unmapped */
};

/* True if @a should be evicted before @b. */
static inline bool evicts_before(const struct entry *a, const struct entry *b)
{
	return a->key > b->key || (a->key == b->key && a->pfn < b->pfn);
}

static inline void place(struct opt *o, uint32_t i, struct entry e)
{
	o->heap[i] = e;
	o->pos[e.pfn] = i;
}

/* Restore the heap order for the entry at @i, moving it up or down. */
static void fix(struct opt *o, uint32_t i)
{
	struct entry e = o->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!evicts_before(&e, &o->heap[parent]))
			break;
		place(o, i, o->heap[parent]);
		i = parent;
	}
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= o->n)
			break;
		if (c + 1 < o->n && evicts_before(&o->heap[c + 1], &o->heap[c]))
			c++;
		if (!evicts_before(&o->heap[c], &e))
			break;
		place(o, i, o->heap[c]);
		i = c;
	}
	place(o, i, e);
}

/* Remove the hole at the root for good, if there is one. */
static void settle(struct opt *o)
{
	if (!o->hole)
		return;
	o->hole = false;
	if (--o->n == 0)
		return;
	place(o, 0, o->heap[o->n]);
	fix(o, 0);
}

static void *opt_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			const struct vmsim_policy_env *env)
{
	struct opt *o;
	size_t i;

	(void)cfg;
	if (vmsim_policy_check(&opt_policy, nframes, env) != 0)
		return NULL;
	o = malloc(sizeof(*o));
	if (!o)
		return NULL;
	o->heap = malloc(nframes * sizeof(*o->heap));
	o->pos = malloc(nframes * sizeof(*o->pos));
	if (!o->heap || !o->pos) {
		free(o->heap);
		free(o->pos);
		free(o);
		return NULL;
	}
	for (i = 0; i < nframes; i++)
		o->pos[i] = FL_OFF;
	o->env = *env;
	o->n = 0;
	o->hole = false;
	return o;
}

static void opt_destroy(void *state)
{
	struct opt *o = state;

	if (o) {
		free(o->heap);
		free(o->pos);
	}
	free(o);
}

static void opt_on_map(void *state, pfn_t pfn)
{
	struct opt *o = state;
	struct entry e = {.key = o->env.next_use(o->env.ctx, pfn), .pfn = (uint32_t)pfn};

	VMSIM_BUG_ON(o->pos[pfn] != FL_OFF);
	if (o->hole) {
		o->hole = false;
		place(o, 0, e);
		fix(o, 0);
		return;
	}
	o->heap[o->n] = e;
	o->pos[pfn] = o->n++;
	fix(o, o->n - 1);
}

static void opt_on_access(void *state, pfn_t pfn, bool write)
{
	struct opt *o = state;
	uint32_t i = o->pos[pfn];

	(void)write;
	VMSIM_BUG_ON(i == FL_OFF);
	if (o->hole) {
		settle(o);
		i = o->pos[pfn];
	}
	o->heap[i].key = o->env.next_use(o->env.ctx, pfn);
	fix(o, i);
}

static void opt_on_unmap(void *state, pfn_t pfn)
{
	struct opt *o = state;
	uint32_t i;

	VMSIM_BUG_ON(o->pos[pfn] == FL_OFF);
	if (o->pos[pfn] == 0) {
		/* the live root (with a hole, no frame sits at 0) */
		o->pos[pfn] = FL_OFF;
		o->hole = true;
		return;
	}
	settle(o);
	i = o->pos[pfn];
	o->pos[pfn] = FL_OFF;
	if (i == --o->n)
		return;
	place(o, i, o->heap[o->n]);
	fix(o, i);
}

static int opt_grow(void *state, size_t old, size_t nframes)
{
	struct opt *o = state;
	struct entry *heap;
	uint32_t *pos;
	size_t i;

	heap = realloc(o->heap, nframes * sizeof(*heap));
	if (!heap)
		return VMSIM_ENOHOSTMEM;
	o->heap = heap;
	pos = realloc(o->pos, nframes * sizeof(*pos));
	if (!pos)
		return VMSIM_ENOHOSTMEM; /* the longer heap is harmless */
	for (i = old; i < nframes; i++)
		pos[i] = FL_OFF;
	o->pos = pos;
	return 0;
}

static pfn_t opt_pick_victim(void *state)
{
	struct opt *o = state;

	settle(o);
	return o->n ? o->heap[0].pfn : VMSIM_POLICY_NO_FRAME;
}

const struct vmsim_policy_ops opt_policy = {
    .name = "opt",
    .describe = "Belady's MIN: evict the page next used farthest in the future (needs the "
		"whole stream)",
    .flags = VMSIM_POLICY_NEEDS_FUTURE,
    .create = opt_create,
    .destroy = opt_destroy,
    .on_map = opt_on_map,
    .on_access = opt_on_access,
    .on_unmap = opt_on_unmap,
    .pick_victim = opt_pick_victim,
    .expire = NULL,
    .grow = opt_grow,
};
