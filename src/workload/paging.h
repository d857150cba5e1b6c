/*
 * Reference-string mode: one replacement policy alone over a stream of page
 * numbers with exactly N frames, as textbooks and cache studies define it.
 *
 * A simulation starts with N empty frames. For each reference, in order:
 *
 *   1. time advances by one (the first reference is at time 1);
 *   2. a variable-space policy (ws) may first free frames (policy expire);
 *   3. hit  if the page is resident: its frame's referenced bit is set and
 *           the policy's on_access is called (if it has one);
 *      miss otherwise: a free frame is taken (lowest number first, then the
 *           most recently freed), or else the policy picks a victim which is
 *           evicted (on_unmap); the page is loaded into the frame, its
 *           referenced bit set, and on_map called. The miss is compulsory
 *           if the page was never referenced before.
 *
 * The referenced bits are emulated, one per frame, and handed to the policy
 * through struct vmsim_policy_env with the clock (now) and, when the whole stream
 * is known, the next-use times that OPT needs.
 *
 * The page-to-frame map is an open-addressing hash table that also keeps
 * the pages evicted earlier (to tell compulsory misses apart), so its size
 * grows with the number of distinct pages, never per reference. Frames are
 * allocated as they come into use (policies with a grow callback), so N
 * larger than the distinct pages costs nothing for the frames never used.
 *
 * Callers: src/cli/cmd_paging.c, bench/bench_paging.c, tests.
 */
#ifndef VMSIM_WORKLOAD_PAGING_H
#define VMSIM_WORKLOAD_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/policy.h"

/* Totals of one simulation. */
struct paging_stats {
	uint64_t refs;	       /* references simulated */
	uint64_t hits;	       /* references to a resident page */
	uint64_t misses;       /* references that loaded their page (refs - hits) */
	uint64_t compulsory;   /* misses that were first references (= distinct pages) */
	uint64_t evictions;    /* victims chosen by pick_victim */
	uint64_t expirations;  /* frames freed by expire (ws) */
	uint64_t resident_sum; /* sum over references of resident frames after it */
};

/* One reference, as the trace callback sees it. */
struct paging_event {
	uint64_t time;		    /* 1 for the first reference */
	uint64_t page;		    /* the page referenced */
	bool hit;		    /* it was resident */
	bool compulsory;	    /* a miss on the page's first reference */
	bool evicted;		    /* a victim was evicted to make room */
	uint64_t victim;	    /* the evicted page, if evicted */
	const uint64_t *expired;    /* pages freed by expire before the reference */
	size_t nexpired;	    /* how many */
	const uint64_t *frame_page; /* page in each frame below ncap, after the reference */
	const uint8_t *frame_used;  /* whether each frame below ncap holds a page */
	size_t ncap;		    /* entries of frame_page, frame_used; frames from
				       ncap to nframes-1 were never used (are empty) */
	size_t nframes;		    /* frames */
};

typedef void (*paging_trace_fn)(const struct paging_event *ev, void *arg);

struct paging_sim;

/*
 * A new simulation of policy @ops (parameters @cfg) with @nframes frames.
 * @future says whether paging_feed() will get next-use times. Returns 0
 * and sets *@out, or VMSIM_ERANGE (@nframes is 0 or too large),
 * VMSIM_ENOTSUP (the policy needs the future and @future is false) or
 * VMSIM_ENOHOSTMEM.
 */
int paging_new(struct paging_sim **out /* out */, const struct vmsim_policy_ops *ops,
	       size_t nframes, const struct vmsim_policy_cfg *cfg, bool future);

/* Call @fn(@arg) after every reference from now on (NULL: stop). Returns 0
 * or VMSIM_ENOHOSTMEM. */
int paging_set_trace(struct paging_sim *sim, paging_trace_fn fn, void *arg);

/*
 * Simulate the next @n references @pages. @next gives their next-use times
 * as refstring_next_use() computes them for the whole stream (so
 * next[i] is absolute, counting from the first reference ever fed); it is
 * required when the simulation was created with future (VMSIM_EINVAL if it
 * is NULL then), ignored otherwise. Returns 0, or VMSIM_ENOHOSTMEM when the
 * page map cannot grow: the references before the failing one have been
 * simulated.
 */
int paging_feed(struct paging_sim *sim, const uint64_t *pages, const uint64_t *next, size_t n);

/* The totals so far. */
const struct paging_stats *paging_stats(const struct paging_sim *sim);

/* The policy and frame count @sim was created with. */
const struct vmsim_policy_ops *paging_policy(const struct paging_sim *sim);
size_t paging_nframes(const struct paging_sim *sim);

/* Free @sim (NULL is allowed). */
void paging_free(struct paging_sim *sim);

#endif
