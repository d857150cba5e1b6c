/*
 * WSClock (Carr and Hennessy 1981): the working-set idea carried out with a
 * clock hand and referenced bits instead of exact reference times.
 *
 * Definition. The resident frames form a ring in load order with a hand, as
 * in clock.c, and each frame records an estimate of its page's last use:
 * the load time, then the time of every hand visit that found the page
 * referenced. Time is env->now(), in references; tau is the window. To
 * choose a victim the hand examines frames in ring order:
 *
 *   referenced bit set        clear it, last use := now, move on (in use)
 *   clear, now - last > tau   the victim: outside the working set
 *   clear, now - last <= tau  move on (still in the working set)
 *
 * If the hand gets back to where it started without a victim (every page
 * is in the working set) the victim is the frame with the oldest last use,
 * ties to the first one the hand met; the hand then stays where it started.
 * Otherwise the hand stays on the victim, and once the victim is unmapped
 * it moves to the next frame. A newly loaded page joins the ring just
 * behind the hand with last use = now.
 *
 *	     hand -> [f3 R=1] -> [f0 R=0 age 2] -> [f5 R=0 age 9] -> ...
 *	tau = 4:   clear, keep      keep (age <= 4)     victim (age > 4)
 *
 * Simplifications: the original schedules write-backs of dirty pages and
 * keeps sweeping; vmsim's kernel writes back synchronously, so dirty and
 * clean pages are treated alike. Time is global, not per process. The
 * default window (cfg->tau == 0) is tau = nframes.
 *
 * Cost: O(1) per map and unmap. A search is amortised O(1) while some page
 * is outside the window, but one that finds every page inside it makes a
 * full turn, O(nframes); a window long relative to memory makes that the
 * common case (then WSClock behaves as clock with a costlier hand).
 * Tanenbaum (MOS 4th ed., 3.4.9) describes the same algorithm.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct wsclock {
	struct vmsim_policy_env env; /* test_clear_referenced, now */
	struct flink *lk;	     /* ring links in load order, per frame */
	uint64_t *last;		     /* last[frame]: estimated time of last use */
	uint32_t hand;		     /* next frame the hand examines; FL_NIL if none */
	size_t nres;		     /* resident frames */
	uint64_t tau;		     /* window, in references */
};

static void *wsclock_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			    const struct vmsim_policy_env *env)
{
	struct wsclock *w;

	if (vmsim_policy_check(&wsclock_policy, nframes, env) != 0)
		return NULL;
	w = malloc(sizeof(*w));
	if (!w)
		return NULL;
	w->lk = flinks_new(nframes);
	w->last = host_zalloc(nframes * sizeof(*w->last));
	if (!w->lk || !w->last) {
		flinks_free(w->lk);
		host_zfree(w->last);
		free(w);
		return NULL;
	}
	w->env = *env;
	w->tau = vmsim_policy_tau(cfg, nframes);
	w->hand = FL_NIL;
	w->nres = 0;
	return w;
}

static void wsclock_destroy(void *state)
{
	struct wsclock *w = state;

	if (w) {
		flinks_free(w->lk);
		host_zfree(w->last);
	}
	free(w);
}

static void wsclock_on_map(void *state, pfn_t pfn)
{
	struct wsclock *w = state;

	w->last[pfn] = w->env.now(w->env.ctx);
	fring_insert(&w->hand, w->lk, (uint32_t)pfn);
	w->nres++;
}

static void wsclock_on_unmap(void *state, pfn_t pfn)
{
	struct wsclock *w = state;

	fring_del(&w->hand, w->lk, (uint32_t)pfn);
	w->nres--;
}

static int wsclock_grow(void *state, size_t old, size_t nframes)
{
	struct wsclock *w = state;
	uint64_t *last;

	if (flinks_grow(&w->lk, old, nframes) != 0)
		return VMSIM_ENOHOSTMEM;
	last = host_zrealloc(w->last, old * sizeof(*last), nframes * sizeof(*last));
	if (!last)
		return VMSIM_ENOHOSTMEM; /* the longer links are harmless */
	w->last = last;
	return 0;
}

static pfn_t wsclock_pick_victim(void *state)
{
	struct wsclock *w = state;
	uint64_t now;
	uint32_t f, oldest = FL_NIL;
	size_t i;

	if (w->hand == FL_NIL)
		return VMSIM_POLICY_NO_FRAME;
	now = w->env.now(w->env.ctx);
	f = w->hand;
	for (i = 0; i < w->nres; i++) {
		if (w->env.test_clear_referenced(w->env.ctx, f)) {
			w->last[f] = now;
		} else if (now - w->last[f] > w->tau) {
			w->hand = f;
			return f;
		}
		if (oldest == FL_NIL || w->last[f] < w->last[oldest])
			oldest = f;
		f = flink_next(w->lk, f);
	}
	return oldest;
}

const struct vmsim_policy_ops wsclock_policy = {
    .name = "wsclock",
    .describe = "WSClock: the hand evicts the first unreferenced page idle over tau "
		"references, else the oldest",
    .flags = VMSIM_POLICY_NEEDS_REFERENCED | VMSIM_POLICY_NEEDS_TIME | VMSIM_POLICY_USES_TAU,
    .create = wsclock_create,
    .destroy = wsclock_destroy,
    .on_map = wsclock_on_map,
    .on_access = NULL,
    .on_unmap = wsclock_on_unmap,
    .pick_victim = wsclock_pick_victim,
    .expire = NULL,
    .grow = wsclock_grow,
};
