/*
 * One-pass miss-ratio curves for LRU: the misses of every memory size at
 * once, from one pass over a reference string (Mattson's stack distances).
 *
 * LRU is a stack algorithm: with F frames the resident pages are always the
 * F most recently used ones, so a reference hits with F frames exactly when
 * its page is among the F most recent, i.e. when its stack distance (its
 * position in the recency stack, 1 for a repeat of the last page) is at
 * most F. One histogram of stack distances therefore gives
 *
 *	misses(F) = compulsory + #{references with distance > F}
 *
 * for every F, equal to the misses of a single LRU run with F frames.
 *
 * The distance is counted, not searched: each distinct page has one mark at
 * the time of its last reference, and the distance of a reference is one
 * more than the number of marks after the page's previous one. The marks
 * live in a Fenwick tree (an order-statistic structure: prefix counts in
 * O(log M)) over compacted times, renumbered whenever the time axis fills,
 * so memory is O(distinct pages) and every reference costs O(log M).
 *
 * Sampled mode (rate < 1) is fixed-rate SHARDS: only pages whose hash falls
 * below rate * 2^24 are tracked; a sampled distance d stands for d / rate,
 * and the curve is scaled from the expected number of sampled references
 * (refs * rate; the difference from the real count is taken as hits at
 * distance 1, SHARDS_adj) to all of them. It is an estimate (docs/PERFORMANCE.md gives its measured
 *error); memory is O(rate * distinct pages).
 *
 * OPT (Belady's MIN) is a stack algorithm too, with the priority of a page
 * its next use (sooner = higher). mrc_new_opt builds its curve with
 * Mattson's priority-stack update: the referenced page goes to slot 1 and
 * the page displaced from there sinks, at each slot keeping the page used
 * sooner, until it reaches the referenced page's old slot (or the bottom
 * for a new page); a reference hits with F frames exactly when its page
 * was in slot F or above. The sinking page is only exchanged at slots
 * holding a page used later than it, found with a max-tree over the slots'
 * next uses, and stops at once when it is never used again: O((1 + swaps)
 * log M) per reference. It needs the next-use times (refstring_next_use).
 *
 * Callers: src/cli/cmd_paging.c, bench/, tests.
 */
#ifndef VMSIM_WORKLOAD_MRC_H
#define VMSIM_WORKLOAD_MRC_H

#include <stddef.h>
#include <stdint.h>

struct mrc;

/* The largest sampling rate denominator: rates are multiples of 2^-24. */
#define MRC_RATE_SCALE (1u << 24)

/*
 * A new, empty curve. @rate is 1 for the exact curve, or the sampled
 * fraction of pages (SHARDS) in (0, 1). Returns 0 and sets *@out, or
 * VMSIM_EINVAL (@rate out of range) or VMSIM_ENOHOSTMEM.
 */
int mrc_new(struct mrc **out /* out */, double rate);

/* A new, empty exact OPT curve (feed it with mrc_feed_opt only). Returns 0
 * and sets *@out, or VMSIM_ENOHOSTMEM. */
int mrc_new_opt(struct mrc **out /* out */);

/* Account the next @n references @pages to an OPT curve, @next[i] being the
 * time of the next reference to pages[i] (times count from 1 over the whole
 * string, UINT64_MAX for none: refstring_next_use). Returns 0, or
 * VMSIM_ENOHOSTMEM (the references before the failing one are accounted). */
int mrc_feed_opt(struct mrc *m, const uint64_t *pages, const uint64_t *next, size_t n);

/* Account the next @n references @pages. Returns 0, or VMSIM_ENOHOSTMEM
 * (the references before the failing one are accounted). */
int mrc_feed(struct mrc *m, const uint64_t *pages, size_t n);

/* References fed so far (all of them, sampled or not). */
uint64_t mrc_refs(const struct mrc *m);

/* Distinct pages so far (estimated from the sample when sampled). */
uint64_t mrc_distinct(const struct mrc *m);

/* Misses of LRU (or OPT, for an OPT curve) with @frames frames (>= 1) over the references so far:
 * exact when the rate is 1, else the SHARDS estimate, rounded. Returns 0
 * or VMSIM_ENOHOSTMEM. */
int mrc_misses(struct mrc *m, uint64_t frames, uint64_t *misses /* out */);

/* Free @m (NULL is allowed). */
void mrc_free(struct mrc *m);

#endif
