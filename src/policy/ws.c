/*
 * ws: Denning's working-set policy with window tau (Denning 1968).
 *
 * Definition. Time counts references (env->now(): the current reference is
 * at time t). The working set W(t, tau) is the set of pages referenced at
 * times t-tau+1 .. t, the last tau references. The policy keeps exactly the
 * working set resident: before the reference at time t is made, every page
 * whose last reference is older than t - tau (so which is not in
 * W(t-1, tau)) leaves memory (expire()), and the frames it frees are free
 * for any use. A reference therefore hits if and only if the same page was
 * referenced within the last tau references; without a frame limit, the
 * faults are the references whose distance back to the previous reference
 * of the same page exceeds tau (plus the first references), and memory use
 * varies with the program's locality, which is the point of the policy.
 *
 * With a fixed number of frames the working set can be larger than memory.
 * Then a miss with no free frame evicts the page whose last reference is
 * the oldest (the one that would leave the window next), which is LRU
 * restricted to the working set. No ties: references happen one at a time.
 * The default window (cfg->tau == 0) is one reference per frame, tau =
 * nframes, for which the working set never outgrows memory.
 *
 *	time:   ... t-tau-1 | t-tau ... t-1 | t
 *	                    |<- W(t-1,tau) ->|  pages last used left of the bar expire
 *
 * Needs every access (on_access) and env->now. Structure: an LRU list of the
 * resident frames with each frame's last-reference time; the expiring page
 * is always the LRU tail, so expire(), pick_victim() and every update are
 * O(1).
 *
 * Textbooks: Denning's definition as in Silberschatz et al. (the working-set
 * model) and Tanenbaum
 * 3.4.8 (whose scan-based variant with R bits is what wsclock.c
 * approximates). Cache simulators such as libCacheSim have no ws.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct ws {
	struct vmsim_policy_env env; /* now */
	struct flink *lk;	     /* recency list links, per frame */
	struct flist l;		     /* head: most recent reference, tail: oldest */
	uint64_t *last;		     /* last[frame]: time of its page's last reference */
	uint64_t tau;		     /* window, in references */
};

static void *ws_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
		       const struct vmsim_policy_env *env)
{
	struct ws *w;

	if (vmsim_policy_check(&ws_policy, nframes, env) != 0)
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
	flist_init(&w->l);
	return w;
}

static void ws_destroy(void *state)
{
	struct ws *w = state;

	if (w) {
		flinks_free(w->lk);
		host_zfree(w->last);
	}
	free(w);
}

static void ws_on_map(void *state, pfn_t pfn)
{
	struct ws *w = state;

	w->last[pfn] = w->env.now(w->env.ctx);
	flist_push_head(&w->l, w->lk, (uint32_t)pfn);
}

static void ws_on_access(void *state, pfn_t pfn, bool write)
{
	struct ws *w = state;

	(void)write;
	w->last[pfn] = w->env.now(w->env.ctx);
	flist_move_head(&w->l, w->lk, (uint32_t)pfn);
}

static void ws_on_unmap(void *state, pfn_t pfn)
{
	struct ws *w = state;

	flist_del(&w->l, w->lk, (uint32_t)pfn);
}

static int ws_grow(void *state, size_t old, size_t nframes)
{
	struct ws *w = state;
	uint64_t *last;

	if (flinks_grow(&w->lk, old, nframes) != 0)
		return VMSIM_ENOHOSTMEM;
	last = host_zrealloc(w->last, old * sizeof(*last), nframes * sizeof(*last));
	if (!last)
		return VMSIM_ENOHOSTMEM; /* the longer links are harmless */
	w->last = last;
	return 0;
}

static pfn_t ws_pick_victim(void *state)
{
	struct ws *w = state;

	return w->l.tail == FL_NIL ? VMSIM_POLICY_NO_FRAME : w->l.tail;
}

static pfn_t ws_expire(void *state)
{
	struct ws *w = state;
	uint32_t t = w->l.tail;

	if (t == FL_NIL || w->env.now(w->env.ctx) - w->last[t] <= w->tau)
		return VMSIM_POLICY_NO_FRAME;
	return t;
}

const struct vmsim_policy_ops ws_policy = {
    .name = "ws",
    .describe = "Denning's working set: keep the pages used in the last tau references; "
		"when full, LRU",
    .flags = VMSIM_POLICY_NEEDS_TIME | VMSIM_POLICY_USES_TAU,
    .create = ws_create,
    .destroy = ws_destroy,
    .on_map = ws_on_map,
    .on_access = ws_on_access,
    .on_unmap = ws_on_unmap,
    .pick_victim = ws_pick_victim,
    .expire = ws_expire,
    .grow = ws_grow,
};
