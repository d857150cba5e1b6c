/*
 * Clock (second chance), in the two forms textbooks and simulators use.
 *
 * Definition. The resident frames form a ring in the order their pages
 * were loaded, and a hand points at one of them. To choose a victim the
 * hand examines the frame it points at: if the page's referenced bit is
 * set, the hand clears it (the page's second chance) and moves on; the
 * first frame found with the bit clear is the victim. The hand stays on
 * the victim; when the victim is unmapped the hand moves to the next
 * frame, and the page loaded in its place joins the ring just behind the
 * hand, so it is the last the hand reaches:
 *
 *	          hand
 *	           v
 *	   .-> [2:1] -> [0:0] -> [3:1] -> [1:1] --.     [frame:referenced bit]
 *	   '--------------------------------------'
 *	   the hand clears 2's bit, stops at 0: victim frame 0
 *
 * The hand makes at most one full turn: after one, every bit is clear.
 * There are no ties. Hits only set the referenced bit (in the kernel, the
 * MMU's accessed bit); the policy needs no per-access call.
 *
 * The two forms differ only in the bit of a newly loaded page:
 *
 *   clock       the bit is set, as a hardware accessed bit is by the access
 *               that faulted the page in. A new page therefore survives the
 *               hand's next pass. This is the kernel form (Linux, the BSDs
 *               and Tanenbaum's clock, MOS 4th ed. 3.4.5, reading hardware R bits),
 *               and the one OSTEP's paging-policy.py uses (its CLOCK sets a
 *               loaded page's reference count to 1; it chooses frames at
 *               random instead of with a hand, so its counts differ).
 *   clock-fifo  the bit is clear: only a hit after the load earns a second
 *               chance. This is "FIFO with reinsertion", the cache
 *               literature's definition of Clock, used by libCacheSim
 *               (Clock.c: an inserted object starts with frequency 0, a hit
 *               sets it to 1, eviction reinserts objects with 1).
 *
 * clock-fifo clears the bit itself in on_map (the caller always sets it on
 * load, like hardware). Cost: O(1) per map and unmap; a victim search is
 * amortised O(1) per reference, because every bit the hand clears was set
 * by a reference.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct clock {
	struct vmsim_policy_env env; /* test_clear_referenced */
	struct flink *lk;	     /* ring links in load order, per frame */
	uint32_t hand;		     /* next frame the hand examines; FL_NIL if none */
	size_t nres;		     /* resident frames (ring size) */
	bool load_clear;	     /* clock-fifo: clear the bit of a newly loaded page */
};

static void *create(const struct vmsim_policy_ops *ops, size_t nframes,
		    const struct vmsim_policy_env *env, bool load_clear)
{
	struct clock *c;

	if (vmsim_policy_check(ops, nframes, env) != 0)
		return NULL;
	c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	c->lk = flinks_new(nframes);
	if (!c->lk) {
		free(c);
		return NULL;
	}
	c->env = *env;
	c->hand = FL_NIL;
	c->nres = 0;
	c->load_clear = load_clear;
	return c;
}

static void *clock_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			  const struct vmsim_policy_env *env)
{
	(void)cfg;
	return create(&clock_policy, nframes, env, false);
}

static void *clock_fifo_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			       const struct vmsim_policy_env *env)
{
	(void)cfg;
	return create(&clock_fifo_policy, nframes, env, true);
}

static void clock_destroy(void *state)
{
	struct clock *c = state;

	if (c)
		flinks_free(c->lk);
	free(c);
}

static void clock_on_map(void *state, pfn_t pfn)
{
	struct clock *c = state;

	fring_insert(&c->hand, c->lk, (uint32_t)pfn);
	c->nres++;
	if (c->load_clear)
		(void)c->env.test_clear_referenced(c->env.ctx, pfn);
}

static void clock_on_unmap(void *state, pfn_t pfn)
{
	struct clock *c = state;

	fring_del(&c->hand, c->lk, (uint32_t)pfn);
	c->nres--;
}

static int clock_grow(void *state, size_t old, size_t nframes)
{
	struct clock *c = state;

	return flinks_grow(&c->lk, old, nframes);
}

static pfn_t clock_pick_victim(void *state)
{
	struct clock *c = state;
	size_t steps;

	if (c->hand == FL_NIL)
		return VMSIM_POLICY_NO_FRAME;
	/* One turn clears every bit; a second bounds the search even if the
	 * environment keeps setting bits behind the hand. */
	for (steps = 0; steps < 2 * c->nres; steps++) {
		if (!c->env.test_clear_referenced(c->env.ctx, c->hand))
			break;
		c->hand = flink_next(c->lk, c->hand);
	}
	return c->hand;
}

const struct vmsim_policy_ops clock_policy = {
    .name = "clock",
    .describe = "second chance: a hand sweeps frames in load order; a loaded page starts "
		"referenced",
    .flags = VMSIM_POLICY_NEEDS_REFERENCED,
    .create = clock_create,
    .destroy = clock_destroy,
    .on_map = clock_on_map,
    .on_access = NULL,
    .on_unmap = clock_on_unmap,
    .pick_victim = clock_pick_victim,
    .expire = NULL,
    .grow = clock_grow,
};

const struct vmsim_policy_ops clock_fifo_policy = {
    .name = "clock-fifo",
    .describe = "FIFO with reinsertion (libCacheSim's Clock): as clock, but a loaded page "
		"starts unreferenced",
    .flags = VMSIM_POLICY_NEEDS_REFERENCED,
    .create = clock_fifo_create,
    .destroy = clock_destroy,
    .on_map = clock_on_map,
    .on_access = NULL,
    .on_unmap = clock_on_unmap,
    .pick_victim = clock_pick_victim,
    .expire = NULL,
    .grow = clock_grow,
};
