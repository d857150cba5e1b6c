/*
 * The TLB hierarchy: levels (L1I, L1D, L2) made of arrays, each array a
 * set-associative or fully-associative cache of translations of one or more
 * page sizes. Only mmu/ calls this.
 *
 * An entry is a (tag, val) pair of 64-bit words.
 *
 *   tag:  63 ............... 16 | 15 | 14 | 13..12 | 11 ........ 0
 *         virtual page number   | G  | V  |  size  |    PCID
 *         (in pages of `size`)
 *
 *   val:  an x86 leaf entry with the permissions of the whole walk folded
 *         in: P, RW, US, D, G, NX and the PFN of the 4 KiB frame at the start
 *         of the (possibly smashed) page, plus the original page size of the
 *         mapping in bits 10..9 (it differs from the tag's size when a level
 *         without an array for that size caches a piece of a larger page).
 *
 * An empty way has tag 0 (V clear), which matches no lookup. A lookup tag
 * has V set and G clear; an entry with G set matches whatever the PCID.
 */
#ifndef VMSIM_TLB_H
#define VMSIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/mmu.h"
#include "vmsim/types.h"

#define TLB_TAG_PCID_MASK  0xFFFULL
#define TLB_TAG_SIZE_SHIFT 12
#define TLB_TAG_V	   (1ULL << 14)
#define TLB_TAG_G	   (1ULL << 15)
#define TLB_TAG_VPN_SHIFT  16

#define TLB_VAL_ORIG_SHIFT 9 /* original page size of the mapping, 2 bits */
#define TLB_VAL_ORIG_MASK  (3ULL << TLB_VAL_ORIG_SHIFT)

static inline uint64_t tlb_tag(vpn_t vpn, enum vmsim_page_size ps, pcid_t pcid)
{
	return (vpn << TLB_TAG_VPN_SHIFT) | TLB_TAG_V | ((uint64_t)ps << TLB_TAG_SIZE_SHIFT) |
	       (pcid & TLB_TAG_PCID_MASK);
}

/* Does the stored entry tag @etag answer the lookup tag @tag? Ordered for
 * the common case: most ways differ in the page number. */
static inline bool tlb_tag_match(uint64_t etag, uint64_t tag)
{
	uint64_t d = etag ^ tag;
	if (d & ~(TLB_TAG_PCID_MASK | TLB_TAG_G))
		return false;
	return !(d & TLB_TAG_PCID_MASK) || (etag & TLB_TAG_G);
}

static inline enum vmsim_page_size tlb_tag_size(uint64_t tag)
{
	return (enum vmsim_page_size)((tag >> TLB_TAG_SIZE_SHIFT) & 3);
}

static inline vpn_t tlb_tag_vpn(uint64_t tag)
{
	return tag >> TLB_TAG_VPN_SHIFT;
}

static inline pcid_t tlb_tag_pcid(uint64_t tag)
{
	return (pcid_t)(tag & TLB_TAG_PCID_MASK);
}

/*
 * A set-associative array with true LRU seen from outside, so that the L1
 * data TLB's 4 KiB probe can be inlined into the MMU's hit path: the same
 * probe and the same LRU update as the design's own lookup.
 */
struct tlb_fast {
	uint64_t *tags;	   /* sets * ways tags, set-major; NULL: no fast path */
	uint64_t *vals;	   /* their vals */
	uint64_t *stamp;   /* LRU stamps */
	uint64_t *clock;   /* the array's stamp source */
	uint64_t set_mask; /* sets - 1 */
	uint32_t ways;	   /* ways per set */
	uint32_t last;	   /* slot of the last hit: probed first (a hint only) */
};

/*
 * Tree pseudo-LRU over @ways ways (a power of two), shared by both array
 * designs: nodes 1 .. ways-1 of a binary tree, node bit 0 sends the next
 * victim to the lower-indexed half, 1 to the upper half.
 */

/* Make every node on @w's path point away from @w (a hit or an insert). */
static inline void plru_touch(uint8_t *node, uint32_t ways, uint32_t w)
{
	uint32_t n = 1;
	for (uint32_t half = ways >> 1; half; half >>= 1) {
		uint32_t upper = (w & half) ? 1 : 0;
		node[n] = (uint8_t)!upper;
		n = 2 * n + upper;
	}
}

/* The way the node bits lead to: the next victim. */
static inline uint32_t plru_victim(const uint8_t *node, uint32_t ways)
{
	uint32_t n = 1, w = 0;
	for (uint32_t half = ways >> 1; half; half >>= 1) {
		uint32_t upper = node[n];
		if (upper)
			w |= half;
		n = 2 * n + upper;
	}
	return w;
}

/*
 * One array design (fully associative, set associative) behind one table.
 * State is private to the design's file.
 */
struct tlb_ops {
	const char *name; /* "setassoc", "fa" */
	/* Build an empty array for @cfg (entries > 0). NULL on host OOM or a
	 * geometry the design cannot hold (e.g. PLRU with ways not a power of 2). */
	void *(*create)(const struct vmsim_tlb_array_cfg *cfg, uint64_t seed);
	void (*destroy)(void *st);
	/* Find the entry answering @tag; on a hit update the replacement state and
	 * return a pointer to its val (the caller may set bits in it), else NULL. */
	uint64_t *(*lookup)(void *st, uint64_t tag);
	/* Insert (@tag, @val); the caller guarantees no entry matches @tag. If a
	 * valid entry was displaced, return true and its tag/val in @ev_tag/@ev_val.
	 * *@where (if not NULL) gets the new entry's val slot. */
	bool (*insert)(void *st, uint64_t tag, uint64_t val, uint64_t *ev_tag /* out */,
		       uint64_t *ev_val /* out */, uint64_t **where /* out */);
	/* Remove the entry whose tag equals @etag exactly (stored form, G included).
	 * Returns the number removed (0 or 1). */
	unsigned (*remove)(void *st, uint64_t etag);
	/* Remove every entry for which @pred returns true; returns how many. */
	unsigned (*remove_if)(void *st, bool (*pred)(uint64_t tag, uint64_t val, const void *arg),
			      const void *arg);
	/* Call @fn for every valid entry (invariant checks, reports). */
	void (*for_each)(void *st, void (*fn)(uint64_t tag, uint64_t val, void *arg), void *arg);
	/* Describe the array for the inline hit path (struct tlb_fast), or return
	 * false if the design cannot be probed that way. NULL: never. */
	bool (*fast_view)(void *st, struct tlb_fast *out /* out */);
};

extern const struct tlb_ops tlb_setassoc_ops; /* src/mmu/tlb_setassoc.c */
extern const struct tlb_ops tlb_fa_ops;	      /* src/mmu/tlb_fa.c */

struct tlb_array {
	const struct tlb_ops *ops;	/* design */
	void *st;			/* its private state */
	struct vmsim_tlb_array_cfg cfg; /* geometry */
};

struct tlb_level {
	unsigned narrays;			    /* 0: level absent */
	struct tlb_array arr[VMSIM_TLB_MAX_ARRAYS]; /* arrays of the level */
	int8_t array_for[VMSIM_NPAGE_SIZES];	    /* array holding each size, -1 none */
	uint64_t nsmashed;			    /* entries holding a piece of a larger page */
	uint64_t nvalid[VMSIM_NPAGE_SIZES]; /* entries by tag size: probes skip empty sizes */
};

struct tlb {
	struct tlb_level lv[VMSIM_TLB_NLEVELS]; /* L1I, L1D, L2 */
	struct vmsim_tlb_level_stats *stats;	/* VMSIM_TLB_NLEVELS counters, caller-owned */
	struct tlb_fast l1d4k;			/* L1D's 4 KiB array, if it allows inlining */
	struct tlb_fast l1d2m;			/* L1D's 2 MiB array, likewise */
	struct tlb_fast l1i4k;			/* L1I's 4 KiB array, likewise */
	enum vmsim_page_size fast_first;	/* the inline probe's first size (4K or 2M) */
};

/*
 * Build the hierarchy from @cfg, counting into @stats (an array of
 * VMSIM_TLB_NLEVELS, owned by the caller). Returns 0, VMSIM_EINVAL (bad
 * geometry: entries not divisible by ways, sets not a power of two, a size
 * held by two arrays of one level, L1D absent) or VMSIM_ENOHOSTMEM.
 */
int tlb_init(struct tlb *t, const struct vmsim_tlb_cfg *cfg, struct vmsim_tlb_level_stats *stats);
void tlb_release(struct tlb *t);

/*
 * Translate @va for @pcid through L1 (L1I when @fetch and present, else L1D)
 * then L2. A hit in L2 is copied into L1. Returns a pointer to the val of the
 * L1 entry (writable, e.g. to set D) and its size in *@ps, or NULL when no
 * level holds the page. Counts lookups, hits, misses, fills and evictions.
 */
uint64_t *tlb_lookup(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch,
		     enum vmsim_page_size *ps /* out */);

/*
 * The inline hit path for data accesses: probe L1D's 4 KiB array, then its
 * 2 MiB array (each when it is set associative with LRU and held by its
 * own array), exactly as the full lookup would, and count the hit. NULL
 * means "not found here": finish with tlb_lookup_data_rest, which counts
 * the lookup.
 */
static inline uint64_t *tlb_probe_fast(struct tlb_fast *f, vpn_t vpn, uint64_t tag)
{
	size_t base = (size_t)(vpn & f->set_mask) * f->ways;
	/* a set holds at most one entry matching a tag, so the slot that hit
	 * last is only a faster first guess: the result is the same */
	if (__builtin_expect(tlb_tag_match(f->tags[f->last], tag), 1) && f->last - base < f->ways) {
		f->stamp[f->last] = ++*f->clock;
		return &f->vals[f->last];
	}
	for (uint32_t w = 0; w < f->ways; w++) {
		if (tlb_tag_match(f->tags[base + w], tag)) {
			f->stamp[base + w] = ++*f->clock;
			f->last = (uint32_t)(base + w);
			return &f->vals[base + w];
		}
	}
	return NULL;
}

static inline uint64_t *tlb_probe_4k(struct tlb *t, vaddr_t va, uint64_t bits)
{
	vpn_t vpn = va >> VMSIM_PAGE_SHIFT;
	return tlb_probe_fast(&t->l1d4k, vpn, (vpn << TLB_TAG_VPN_SHIFT) | bits);
}

static inline uint64_t *tlb_probe_2m(struct tlb *t, vaddr_t va, uint64_t bits)
{
	vpn_t vpn = va >> 21;
	if (!t->l1d2m.tags || !t->lv[VMSIM_TLB_L1D].nvalid[VMSIM_PAGE_2M])
		return NULL;
	return tlb_probe_fast(&t->l1d2m, vpn,
			      (vpn << TLB_TAG_VPN_SHIFT) |
				  ((uint64_t)VMSIM_PAGE_2M << TLB_TAG_SIZE_SHIFT) | bits);
}

/* A page is held at one size only, so the order of the two probes changes
 * no result: the size that hit last goes first. */
static inline uint64_t *tlb_lookup_data_fast(struct tlb *t, vaddr_t va, pcid_t pcid,
					     enum vmsim_page_size *ps /* out */)
{
	const uint64_t bits = TLB_TAG_V | ((uint64_t)pcid & TLB_TAG_PCID_MASK);
	uint64_t *v;
	if (!t->l1d4k.tags)
		return NULL;
	if (__builtin_expect(t->fast_first == VMSIM_PAGE_4K, 1)) {
		*ps = VMSIM_PAGE_4K;
		v = tlb_probe_4k(t, va, bits);
		if (!v && (v = tlb_probe_2m(t, va, bits)) != NULL)
			*ps = t->fast_first = VMSIM_PAGE_2M;
	} else {
		*ps = VMSIM_PAGE_2M;
		v = tlb_probe_2m(t, va, bits);
		if (!v && (v = tlb_probe_4k(t, va, bits)) != NULL)
			*ps = t->fast_first = VMSIM_PAGE_4K;
	}
	if (v) {
		t->stats[VMSIM_TLB_L1D].lookups++;
		t->stats[VMSIM_TLB_L1D].hits[*ps]++;
	}
	return v;
}

/* The rest of a data lookup after tlb_lookup_data_fast missed (or had no
 * fast path): as tlb_lookup with fetch false. */
uint64_t *tlb_lookup_data_rest(struct tlb *t, vaddr_t va, pcid_t pcid,
			       enum vmsim_page_size *ps /* out */);

/* The inline hit path for instruction fetches: L1I's 4 KiB array (when it
 * is set associative with LRU and held alone), as tlb_lookup with fetch
 * true would probe it first, counting the hit. NULL: finish with
 * tlb_lookup_fetch_rest. */
static inline uint64_t *tlb_lookup_fetch_fast(struct tlb *t, vaddr_t va, pcid_t pcid,
					      enum vmsim_page_size *ps /* out */)
{
	vpn_t vpn = va >> VMSIM_PAGE_SHIFT;
	uint64_t *v;
	if (!t->l1i4k.tags)
		return NULL;
	v = tlb_probe_fast(&t->l1i4k, vpn,
			   (vpn << TLB_TAG_VPN_SHIFT) | TLB_TAG_V |
			       ((uint64_t)pcid & TLB_TAG_PCID_MASK));
	if (v) {
		*ps = VMSIM_PAGE_4K;
		t->stats[VMSIM_TLB_L1I].lookups++;
		t->stats[VMSIM_TLB_L1I].hits[VMSIM_PAGE_4K]++;
	}
	return v;
}

/* The rest of a fetch lookup after tlb_lookup_fetch_fast missed (or had no
 * fast path): as tlb_lookup with fetch true. */
uint64_t *tlb_lookup_fetch_rest(struct tlb *t, vaddr_t va, pcid_t pcid,
				enum vmsim_page_size *ps /* out */);

/*
 * Cache the translation of @va found by a walk: a page of size @ps whose val
 * is @val (PFN of the page's first frame, folded permissions, G if global).
 * Fills L1 (I or D) and L2; a level with no array for @ps caches the largest
 * smaller piece it holds that contains @va.
 */
void tlb_fill(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch, enum vmsim_page_size ps,
	      uint64_t val);

/* As tlb_fill, when the caller knows that no level it fills holds an entry
 * answering @va for @pcid (right after tlb_lookup missed, or after
 * tlb_invlpg): skips the look-ups that refill in place. */
void tlb_fill_absent(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch, enum vmsim_page_size ps,
		     uint64_t val);

/* INVLPG: remove, at every level, the entries that translate @va for @pcid
 * or globally, whatever their size (smashed pieces included). Returns how many. */
unsigned tlb_invlpg(struct tlb *t, vaddr_t va, pcid_t pcid);

/* Remove the entries of @pcid (and global ones unless @keep_global). */
unsigned tlb_flush_pcid(struct tlb *t, pcid_t pcid, bool keep_global);

/* Remove every entry (global ones too unless @keep_global). */
unsigned tlb_flush_all(struct tlb *t, bool keep_global);

/* Call @fn for every valid entry of every level. */
void tlb_for_each(struct tlb *t,
		  void (*fn)(enum vmsim_tlb_level lv, uint64_t tag, uint64_t val, void *arg),
		  void *arg);

#endif
