/*
 * Reference-string mode's simulation loop (the definition is in paging.h).
 *
 * State per frame: the page it holds, the map slot of that page, the
 * emulated referenced bit and, for OPT, the page's next-use time. The map
 * holds every page ever referenced: its value is the frame while the page
 * is resident and GHOST after it was evicted, so one probe per reference
 * tells hit, capacity miss and compulsory miss apart, and an eviction only
 * rewrites the victim's slot (found through slot_of) without deleting.
 *
 *	map:  page 7 -> frame 2     page 3 -> GHOST     (page 9: no slot yet)
 *	frames:  [0] page 4   [1] page 1   [2] page 7
 *
 * The per-frame arrays (and the policy, through its grow callback) hold
 * only cap frames, the frames that could be in use so far: cap starts at
 * min(nframes, INITIAL_CAP) and doubles, up to nframes, when a miss finds
 * no free frame. Frames are taken lowest first, so frames at or above cap
 * are exactly the ones never used yet, and a run asked for more frames
 * than it has distinct pages never allocates the rest: host memory and
 * time follow the distinct pages and the references, not nframes.
 *
 * The loop allocates nothing except when a page is seen for the first time
 * and the map must grow, or cap doubles (amortised, at most
 * log2(distinct pages) times each).
 */
#include "workload/paging.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "workload/paging_map.h"

#define GHOST	    (UINT64_MAX - 1) /* map value of a page referenced before, not resident */
#define PREFETCH    16		     /* references between a slot's prefetch and its probe */
#define INITIAL_CAP 1024	     /* frames allocated at first (fewer if nframes is less) */

struct paging_sim {
	const struct vmsim_policy_ops *ops; /* the policy */
	void *pst;			    /* its state */
	size_t nframes;			    /* frames asked for */
	size_t cap;			    /* frames allocated: 0 .. cap-1 (<= nframes) */
	struct pmap map;		    /* page -> frame or GHOST */
	uint64_t *page_of;		    /* page_of[frame], frames below cap */
	size_t *slot_of;		    /* slot_of[frame]: map slot of its page */
	uint8_t *ref;			    /* emulated referenced bit, per frame */
	uint8_t *used;			    /* whether each frame holds a page */
	uint64_t *next_of;		    /* next use of each frame's page; NULL without future */
	uint32_t *free_stack;		    /* free frames, top = next one used */
	size_t nfree;			    /* entries of free_stack */
	uint64_t now;			    /* time of the current reference */
	struct paging_stats st;		    /* totals */
	paging_trace_fn trace;		    /* per-reference callback, or NULL */
	void *trace_arg;		    /* its argument */
	uint64_t *expired;		    /* pages expired before this reference (trace only) */
	size_t nexpired;		    /* entries of expired */
};

/* ---- the environment the policy sees ---------------------------------------- */

static bool env_test_clear_referenced(void *ctx, pfn_t pfn)
{
	struct paging_sim *s = ctx;
	bool r = s->ref[pfn] != 0;

	s->ref[pfn] = 0;
	return r;
}

static uint64_t env_next_use(void *ctx, pfn_t pfn)
{
	struct paging_sim *s = ctx;

	return s->next_of[pfn];
}

static uint64_t env_now(void *ctx)
{
	struct paging_sim *s = ctx;

	return s->now;
}

/* ---- lifecycle ------------------------------------------------------------- */

int paging_new(struct paging_sim **out, const struct vmsim_policy_ops *ops, size_t nframes,
	       const struct vmsim_policy_cfg *cfg, bool future)
{
	struct vmsim_policy_env env = {
	    .ctx = NULL,
	    .test_clear_referenced = env_test_clear_referenced,
	    .next_use = future ? env_next_use : NULL,
	    .now = env_now,
	};
	struct vmsim_policy_cfg c = *cfg;
	struct paging_sim *s;
	size_t i, cap;
	int rc;

	rc = vmsim_policy_check(ops, nframes, &env);
	if (rc != 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return VMSIM_ENOHOSTMEM;
	env.ctx = s;
	cap = ops->grow && nframes > INITIAL_CAP ? INITIAL_CAP : nframes;
	s->ops = ops;
	s->nframes = nframes;
	s->cap = cap;
	s->page_of = malloc(cap * sizeof(*s->page_of));
	s->slot_of = malloc(cap * sizeof(*s->slot_of));
	s->ref = calloc(cap, 1);
	s->used = calloc(cap, 1);
	s->free_stack = malloc(cap * sizeof(*s->free_stack));
	if (future)
		s->next_of = malloc(cap * sizeof(*s->next_of));
	if (!s->page_of || !s->slot_of || !s->ref || !s->used || !s->free_stack ||
	    (future && !s->next_of) || pmap_init(&s->map, cap < 65536 ? cap : 65536) != 0)
		goto out_free;
	for (i = 0; i < cap; i++) {
		s->free_stack[i] = (uint32_t)(cap - 1 - i);
		s->page_of[i] = 0;
	}
	s->nfree = cap;
	/* the window of ws and wsclock follows the frames asked for, not cap */
	c.tau = vmsim_policy_tau(cfg, nframes);
	s->pst = ops->create(&c, cap, &env);
	if (!s->pst)
		goto out_free;
	*out = s;
	return 0;

out_free:
	paging_free(s);
	return VMSIM_ENOHOSTMEM;
}

void paging_free(struct paging_sim *s)
{
	if (!s)
		return;
	if (s->pst)
		s->ops->destroy(s->pst);
	pmap_release(&s->map);
	free(s->page_of);
	free(s->slot_of);
	free(s->ref);
	free(s->used);
	free(s->next_of);
	free(s->free_stack);
	free(s->expired);
	free(s);
}

int paging_set_trace(struct paging_sim *s, paging_trace_fn fn, void *arg)
{
	if (fn && !s->expired) {
		s->expired = malloc(s->cap * sizeof(*s->expired));
		if (!s->expired)
			return VMSIM_ENOHOSTMEM;
	}
	s->trace = fn;
	s->trace_arg = arg;
	return 0;
}

const struct paging_stats *paging_stats(const struct paging_sim *s)
{
	return &s->st;
}

const struct vmsim_policy_ops *paging_policy(const struct paging_sim *s)
{
	return s->ops;
}

size_t paging_nframes(const struct paging_sim *s)
{
	return s->nframes;
}

/* ---- the loop ------------------------------------------------------------- */

/* Take frame @f's page out of memory: tell the policy, mark the page GHOST. */
static void drop(struct paging_sim *s, uint32_t f)
{
	VMSIM_BUG_ON(f >= s->cap || !s->used[f]);
	s->ops->on_unmap(s->pst, f);
	s->map.s[s->slot_of[f]].val = GHOST;
	s->used[f] = 0;
}

/* Free every frame the policy's expire() gives up. */
static void run_expire(struct paging_sim *s)
{
	pfn_t f;

	while ((f = s->ops->expire(s->pst)) != VMSIM_POLICY_NO_FRAME) {
		drop(s, (uint32_t)f);
		if (s->trace && s->nexpired < s->cap)
			s->expired[s->nexpired++] = s->page_of[f];
		s->free_stack[s->nfree++] = (uint32_t)f;
		s->st.expirations++;
	}
}

/* A page seen for the first time: give it a GHOST slot. Returns its slot
 * through *@slot, or VMSIM_ENOHOSTMEM. */
static int add_page(struct paging_sim *s, uint64_t page, size_t *slot /* in, out */)
{
	int grew;
	size_t f;

	if (pmap_reserve(&s->map, &grew) != 0)
		return VMSIM_ENOHOSTMEM;
	if (grew) {
		for (f = 0; f < s->cap; f++)
			if (s->used[f])
				s->slot_of[f] = pmap_probe(&s->map, s->page_of[f]);
		*slot = pmap_probe(&s->map, page);
	}
	s->map.s[*slot].key = page;
	s->map.s[*slot].val = GHOST;
	s->map.count++;
	return 0;
}

/* Grow one array of @n elements of @size bytes to @m elements. */
static int grow_array(void *ptr /* in, out: address of the array pointer */, size_t size, size_t m)
{
	void *g, **p = ptr;

	if (!*p)
		return 0;
	g = realloc(*p, m * size);
	if (!g)
		return VMSIM_ENOHOSTMEM;
	*p = g;
	return 0;
}

/* No frame is free and fewer than nframes are allocated: double cap (at
 * most to nframes), the new frames free, lowest on top. Returns 0 or
 * VMSIM_ENOHOSTMEM (cap unchanged; arrays that grew are harmless). */
static int grow_frames(struct paging_sim *s)
{
	size_t old = s->cap, cap = old > s->nframes - old ? s->nframes : 2 * old, f;

	if (grow_array(&s->page_of, sizeof(*s->page_of), cap) != 0 ||
	    grow_array(&s->slot_of, sizeof(*s->slot_of), cap) != 0 ||
	    grow_array(&s->ref, sizeof(*s->ref), cap) != 0 ||
	    grow_array(&s->used, sizeof(*s->used), cap) != 0 ||
	    grow_array(&s->next_of, sizeof(*s->next_of), cap) != 0 ||
	    grow_array(&s->free_stack, sizeof(*s->free_stack), cap) != 0 ||
	    grow_array(&s->expired, sizeof(*s->expired), cap) != 0 ||
	    s->ops->grow(s->pst, old, cap) != 0)
		return VMSIM_ENOHOSTMEM;
	memset(s->ref + old, 0, cap - old);
	memset(s->used + old, 0, cap - old);
	for (f = old; f < cap; f++)
		s->page_of[f] = 0;
	for (f = cap; f-- > old;)
		s->free_stack[s->nfree++] = (uint32_t)f;
	s->cap = cap;
	return 0;
}

static void report(struct paging_sim *s, uint64_t page, bool hit, bool compulsory, bool evicted,
		   uint64_t victim)
{
	struct paging_event ev = {
	    .time = s->now,
	    .page = page,
	    .hit = hit,
	    .compulsory = compulsory,
	    .evicted = evicted,
	    .victim = victim,
	    .expired = s->expired,
	    .nexpired = s->nexpired,
	    .frame_page = s->page_of,
	    .frame_used = s->used,
	    .ncap = s->cap,
	    .nframes = s->nframes,
	};

	s->trace(&ev, s->trace_arg);
	s->nexpired = 0;
}

int paging_feed(struct paging_sim *s, const uint64_t *pages, const uint64_t *next, size_t n)
{
	const struct vmsim_policy_ops *ops = s->ops;
	void (*on_access)(void *, pfn_t, bool) = ops->on_access;
	size_t i;

	if (s->next_of && !next)
		return VMSIM_EINVAL;
	for (i = 0; i < n; i++) {
		uint64_t page = pages[i], v, victim = 0;
		bool compulsory = false, evicted = false;
		size_t slot;
		uint32_t f;

		/* The map is larger than the host caches for big inputs and the
		 * policy's work between probes hides nothing, so ask for the
		 * slot of a later reference now. */
		if (i + PREFETCH < n)
			pmap_prefetch(&s->map, pages[i + PREFETCH]);
		s->now++;
		if (ops->expire)
			run_expire(s);
		slot = pmap_probe(&s->map, page);
		v = s->map.s[slot].val;
		if (v < s->nframes) {
			f = (uint32_t)v;
			s->st.hits++;
			s->ref[f] = 1;
			if (s->next_of)
				s->next_of[f] = next[i];
			if (on_access)
				on_access(s->pst, f, false);
			s->st.resident_sum += s->cap - s->nfree;
			if (s->trace)
				report(s, page, true, false, false, 0);
			continue;
		}
		if (v == PMAP_EMPTY) {
			if (add_page(s, page, &slot) != 0) {
				s->now--;
				s->st.refs += i;
				return VMSIM_ENOHOSTMEM;
			}
			compulsory = true;
			s->st.compulsory++;
		}
		s->st.misses++;
		if (!s->nfree && s->cap < s->nframes && grow_frames(s) != 0) {
			s->now--;
			s->st.misses--;
			if (compulsory) { /* the page keeps its GHOST slot: it was not referenced */
				s->map.s[slot].val = PMAP_EMPTY;
				s->map.count--;
				s->st.compulsory--;
			}
			s->st.refs += i;
			return VMSIM_ENOHOSTMEM;
		}
		if (s->nfree) {
			f = s->free_stack[--s->nfree];
		} else {
			pfn_t vf = ops->pick_victim(s->pst);
			VMSIM_BUG_ON(vf >= s->cap);
			f = (uint32_t)vf;
			drop(s, f);
			evicted = true;
			victim = s->page_of[f];
			s->st.evictions++;
		}
		s->map.s[slot].val = f;
		s->slot_of[f] = slot;
		s->page_of[f] = page;
		s->used[f] = 1;
		s->ref[f] = 1;
		if (s->next_of)
			s->next_of[f] = next[i];
		ops->on_map(s->pst, f);
		s->st.resident_sum += s->cap - s->nfree;
		if (s->trace)
			report(s, page, false, compulsory, evicted, victim);
	}
	s->st.refs += n;
	return 0;
}
