/*
 * Set-associative TLB array: `sets` sets of `ways` ways, sets a power of two.
 * The set of a tag is its VPN (in pages of the tag's size) modulo sets:
 *
 *   set = tlb_tag_vpn(tag) & (sets - 1)
 *   tags[set * ways + 0 .. ways - 1]   <- one set's tags, contiguous
 *
 * A lookup reads only the set's tags (a 4-way set is 32 bytes, half a cache
 * line), so a hit costs a mask, a multiply, a few compares and one stamp.
 * Only tlb.c calls this, through tlb_setassoc_ops.
 *
 * Replacement within a set, and its exact tie-breaking:
 *  - An insert takes the lowest-indexed invalid way of the set; a valid way
 *    is evicted only when the whole set is valid.
 *  - LRU: each hit and insert stamps the way with ++clock (one 64-bit clock
 *    per array); invalid ways have stamp 0. One scan picks the first way
 *    with the smallest stamp: the lowest invalid way, else the least
 *    recently used one (valid stamps are unique, so there are no ties).
 *  - PLRU: the classic binary tree of ways - 1 nodes per set (ways a power
 *    of two). Node bit 0 sends the next victim to the lower-indexed half,
 *    1 to the upper half. A hit or insert on way w sets every node on w's
 *    path to point away from w; the victim follows the bits from the root.
 *  - RANDOM: victim = rng_below(ways) from the array's xorshift64* stream,
 *    seeded at create. Hits draw no numbers, so the victims depend only on
 *    the seed and on how many evictions came before.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "mmu/tlb.h"

struct sa_array {
	uint64_t *tags;		  /* sets * ways stored tags, set-major; 0 = invalid */
	uint64_t *vals;		  /* the entries' vals, same layout */
	uint64_t *stamp;	  /* LRU: last-use stamp per way, else NULL */
	uint8_t *plru;		  /* PLRU: `ways` node bytes per set (node 0 unused) */
	uint64_t clock;		  /* LRU: last stamp handed out */
	uint64_t set_mask;	  /* sets - 1 */
	uint32_t ways;		  /* ways per set, >= 1 */
	uint32_t sets;		  /* number of sets, a power of two */
	enum vmsim_tlb_repl repl; /* replacement policy */
	struct rng rng;		  /* RANDOM: victim stream */
};

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline void touch(struct sa_array *a, size_t set, size_t base, uint32_t w)
{
	if (likely(a->repl == VMSIM_REPL_LRU))
		a->stamp[base + w] = ++a->clock;
	else if (a->repl == VMSIM_REPL_PLRU)
		plru_touch(a->plru + set * a->ways, a->ways, w);
}

static void sa_destroy(void *st)
{
	struct sa_array *a = st;
	if (!a)
		return;
	free(a->tags);
	free(a->vals);
	free(a->stamp);
	free(a->plru);
	free(a);
}

/* ways 0 means fully associative (one set). NULL on a geometry this design
 * cannot hold (entries not divisible by ways, sets not a power of two, PLRU
 * with ways not a power of two) or on host OOM. */
static void *sa_create(const struct vmsim_tlb_array_cfg *cfg, uint64_t seed)
{
	uint32_t ways = cfg->ways ? cfg->ways : cfg->entries;
	struct sa_array *a;
	size_t n = cfg->entries;

	if (!cfg->entries || ways > cfg->entries || cfg->entries % ways)
		return NULL;
	if (!is_pow2(cfg->entries / ways))
		return NULL;
	if (cfg->repl == VMSIM_REPL_PLRU && !is_pow2(ways))
		return NULL;
	if (cfg->repl != VMSIM_REPL_LRU && cfg->repl != VMSIM_REPL_PLRU &&
	    cfg->repl != VMSIM_REPL_RANDOM)
		return NULL;

	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->ways = ways;
	a->sets = cfg->entries / ways;
	a->set_mask = a->sets - 1;
	a->repl = cfg->repl;
	rng_seed(&a->rng, seed);
	a->tags = calloc(n, sizeof(*a->tags));
	a->vals = calloc(n, sizeof(*a->vals));
	if (!a->tags || !a->vals)
		goto out_free;
	if (a->repl == VMSIM_REPL_LRU) {
		a->stamp = calloc(n, sizeof(*a->stamp));
		if (!a->stamp)
			goto out_free;
	} else if (a->repl == VMSIM_REPL_PLRU) {
		a->plru = calloc(n, sizeof(*a->plru));
		if (!a->plru)
			goto out_free;
	}
	return a;

out_free:
	sa_destroy(a);
	return NULL;
}

/* The hot path: one set, its tags side by side. */
static uint64_t *sa_lookup(void *st, uint64_t tag)
{
	struct sa_array *a = st;
	size_t set = (size_t)(tlb_tag_vpn(tag) & a->set_mask);
	size_t base = set * a->ways;
	const uint64_t *t = a->tags + base;

	for (uint32_t w = 0; w < a->ways; w++) {
		if (tlb_tag_match(t[w], tag)) {
			touch(a, set, base, w);
			return &a->vals[base + w];
		}
	}
	return NULL;
}

static uint32_t pick_victim(struct sa_array *a, size_t set, size_t base)
{
	uint32_t v = 0;

	switch (a->repl) {
	case VMSIM_REPL_LRU:
		/* invalid ways have stamp 0, valid ones >= 1: the first
		 * smallest stamp is the first invalid way, else the LRU one */
		for (uint32_t w = 1; w < a->ways; w++)
			if (a->stamp[base + w] < a->stamp[base + v])
				v = w;
		return v;
	case VMSIM_REPL_PLRU:
		return plru_victim(a->plru + set * a->ways, a->ways);
	case VMSIM_REPL_RANDOM:
		return (uint32_t)rng_below(&a->rng, a->ways);
	}
	return 0;
}

static bool sa_insert(void *st, uint64_t tag, uint64_t val, uint64_t *ev_tag, uint64_t *ev_val,
		      uint64_t **where)
{
	struct sa_array *a = st;
	size_t set = (size_t)(tlb_tag_vpn(tag) & a->set_mask);
	size_t base = set * a->ways;
	bool evicted = false;
	uint32_t w;

	VMSIM_BUG_ON(!(tag & TLB_TAG_V));
	if (a->repl == VMSIM_REPL_LRU) {
		w = pick_victim(a, set, base); /* covers invalid ways too */
	} else {
		for (w = 0; w < a->ways; w++)
			if (!(a->tags[base + w] & TLB_TAG_V))
				break;
		if (w == a->ways)
			w = pick_victim(a, set, base);
	}
	if (a->tags[base + w] & TLB_TAG_V) {
		*ev_tag = a->tags[base + w];
		*ev_val = a->vals[base + w];
		evicted = true;
	}
	a->tags[base + w] = tag;
	a->vals[base + w] = val;
	touch(a, set, base, w);
	if (where)
		*where = &a->vals[base + w];
	return evicted;
}

static void clear_way(struct sa_array *a, size_t i)
{
	a->tags[i] = 0;
	a->vals[i] = 0;
	if (a->stamp)
		a->stamp[i] = 0;
}

static unsigned sa_remove(void *st, uint64_t etag)
{
	struct sa_array *a = st;
	size_t base = (size_t)(tlb_tag_vpn(etag) & a->set_mask) * a->ways;

	for (uint32_t w = 0; w < a->ways; w++) {
		if (a->tags[base + w] == etag && (etag & TLB_TAG_V)) {
			clear_way(a, base + w);
			return 1;
		}
	}
	return 0;
}

static unsigned sa_remove_if(void *st, bool (*pred)(uint64_t tag, uint64_t val, const void *arg),
			     const void *arg)
{
	struct sa_array *a = st;
	size_t n = (size_t)a->sets * a->ways;
	unsigned removed = 0;

	for (size_t i = 0; i < n; i++) {
		if ((a->tags[i] & TLB_TAG_V) && pred(a->tags[i], a->vals[i], arg)) {
			clear_way(a, i);
			removed++;
		}
	}
	return removed;
}

static void sa_for_each(void *st, void (*fn)(uint64_t tag, uint64_t val, void *arg), void *arg)
{
	struct sa_array *a = st;
	size_t n = (size_t)a->sets * a->ways;

	for (size_t i = 0; i < n; i++)
		if (a->tags[i] & TLB_TAG_V)
			fn(a->tags[i], a->vals[i], arg);
}

static bool sa_fast_view(void *st, struct tlb_fast *out)
{
	struct sa_array *a = st;
	if (a->repl != VMSIM_REPL_LRU)
		return false;
	*out = (struct tlb_fast){
	    .tags = a->tags,
	    .vals = a->vals,
	    .stamp = a->stamp,
	    .clock = &a->clock,
	    .set_mask = a->set_mask,
	    .ways = a->ways,
	};
	return true;
}

const struct tlb_ops tlb_setassoc_ops = {
    .name = "setassoc",
    .create = sa_create,       /* tlb_init, once per array */
    .destroy = sa_destroy,     /* tlb_release */
    .lookup = sa_lookup,       /* every translation: the hot path */
    .insert = sa_insert,       /* fills after walks and L2 hits */
    .remove = sa_remove,       /* INVLPG of one exact tag */
    .remove_if = sa_remove_if, /* flushes, INVLPG of smashed pieces */
    .for_each = sa_for_each,   /* reports, invariant checks */
    .fast_view = sa_fast_view, /* tlb_init: the L1D 4 KiB inline probe */
};
