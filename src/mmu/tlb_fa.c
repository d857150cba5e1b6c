/*
 * Fully associative TLB array: any entry may sit in any of its n slots.
 * Hardware compares every tag at once; a simulator cannot, so a hash index
 * finds the slots whose tag could answer a lookup in O(1), whatever n (the
 * 72-entry Zen 4 L1 DTLB, a 3072-entry experiment):
 *
 *   key    = tag & ~(PCID | G)        (VPN, V, size: what every match shares)
 *   bucket = (key * golden) >> (64 - log2 nbuckets),   nbuckets >= 2n
 *   head[bucket] -> slot -> hnext[slot] -> ... -> NIL
 *
 * A chain holds the slots of one key, i.e. one page in several PCIDs plus a
 * global entry, compared with tlb_tag_match. Only tlb.c calls this, through
 * tlb_fa_ops.
 *
 * Replacement, and its exact tie-breaking:
 *  - An insert takes the lowest-indexed free slot (a bitmap of free slots);
 *    a valid slot is evicted only when all n are valid.
 *  - LRU: a circular doubly linked recency list through a sentinel, most
 *    recent first; hits and inserts move the slot to the front, the victim
 *    is the last. No ties.
 *  - PLRU: one binary tree over the n slots (n a power of two), the same
 *    tree as tlb_setassoc.c with the array as its only set.
 *  - RANDOM: victim = rng_below(n) from the array's seeded xorshift64*
 *    stream; hits draw no numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "mmu/tlb.h"

#define NIL UINT32_MAX

struct lru_link {
	uint32_t prev; /* more recently used slot, or the sentinel n */
	uint32_t next; /* less recently used slot, or the sentinel n */
};

struct fa_array {
	uint64_t *tags;		  /* n stored tags; 0 = free slot */
	uint64_t *vals;		  /* n vals */
	uint32_t *hnext;	  /* next slot in the slot's hash chain, NIL ends */
	uint32_t *head;		  /* nbuckets chain heads, NIL = empty */
	struct lru_link *link;	  /* LRU: n + 1 links, circular through the sentinel link[n] */
	uint8_t *plru;		  /* PLRU: n node bytes (node 0 unused) */
	uint64_t *freemap;	  /* bit i set: slot i free */
	uint32_t n;		  /* slots */
	uint32_t nvalid;	  /* valid slots */
	unsigned hash_shift;	  /* 64 - log2(nbuckets) */
	enum vmsim_tlb_repl repl; /* replacement policy */
	struct rng rng;		  /* RANDOM: victim stream */
};

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline uint32_t bucket(const struct fa_array *a, uint64_t tag)
{
	uint64_t key = tag & ~(TLB_TAG_PCID_MASK | TLB_TAG_G);
	return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> a->hash_shift);
}

static inline void lru_unlink(struct fa_array *a, uint32_t i)
{
	struct lru_link *l = a->link;
	l[l[i].prev].next = l[i].next;
	l[l[i].next].prev = l[i].prev;
}

static inline void lru_push_front(struct fa_array *a, uint32_t i)
{
	struct lru_link *l = a->link;
	uint32_t s = a->n, first = l[s].next;
	l[i].prev = s;
	l[i].next = first;
	l[first].prev = i;
	l[s].next = i;
}

static inline void touch(struct fa_array *a, uint32_t i)
{
	if (likely(a->repl == VMSIM_REPL_LRU)) {
		if (a->link[a->n].next != i) {
			lru_unlink(a, i);
			lru_push_front(a, i);
		}
	} else if (a->repl == VMSIM_REPL_PLRU) {
		plru_touch(a->plru, a->n, i);
	}
}

static void hash_unlink(struct fa_array *a, uint32_t i)
{
	uint32_t *p = &a->head[bucket(a, a->tags[i])];

	while (*p != i) {
		VMSIM_BUG_ON(*p == NIL);
		p = &a->hnext[*p];
	}
	*p = a->hnext[i];
	a->hnext[i] = NIL;
}

static void fa_destroy(void *st)
{
	struct fa_array *a = st;
	if (!a)
		return;
	free(a->tags);
	free(a->vals);
	free(a->hnext);
	free(a->head);
	free(a->link);
	free(a->plru);
	free(a->freemap);
	free(a);
}

/* The array holds cfg->entries slots whatever cfg->ways says. NULL on host
 * OOM or PLRU with entries not a power of two. */
static void *fa_create(const struct vmsim_tlb_array_cfg *cfg, uint64_t seed)
{
	struct fa_array *a;
	uint32_t n = cfg->entries;
	size_t nbuckets = 2, nwords;
	unsigned bits = 1;

	if (!n || n > (UINT32_MAX >> 2))
		return NULL;
	if (cfg->repl == VMSIM_REPL_PLRU && !is_pow2(n))
		return NULL;
	if (cfg->repl != VMSIM_REPL_LRU && cfg->repl != VMSIM_REPL_PLRU &&
	    cfg->repl != VMSIM_REPL_RANDOM)
		return NULL;
	while (nbuckets < 2 * (size_t)n) {
		nbuckets <<= 1;
		bits++;
	}
	nwords = ((size_t)n + 63) / 64;

	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->n = n;
	a->repl = cfg->repl;
	a->hash_shift = 64 - bits;
	rng_seed(&a->rng, seed);
	a->tags = calloc(n, sizeof(*a->tags));
	a->vals = calloc(n, sizeof(*a->vals));
	a->hnext = malloc(n * sizeof(*a->hnext));
	a->head = malloc(nbuckets * sizeof(*a->head));
	a->freemap = malloc(nwords * sizeof(*a->freemap));
	if (!a->tags || !a->vals || !a->hnext || !a->head || !a->freemap)
		goto out_free;
	memset(a->hnext, 0xff, n * sizeof(*a->hnext));
	memset(a->head, 0xff, nbuckets * sizeof(*a->head));
	memset(a->freemap, 0xff, nwords * sizeof(*a->freemap));
	if (n % 64)
		a->freemap[nwords - 1] = (1ULL << (n % 64)) - 1;
	if (a->repl == VMSIM_REPL_LRU) {
		a->link = malloc(((size_t)n + 1) * sizeof(*a->link));
		if (!a->link)
			goto out_free;
		a->link[n].prev = a->link[n].next = n; /* empty: the sentinel alone */
	} else if (a->repl == VMSIM_REPL_PLRU) {
		a->plru = calloc(n, sizeof(*a->plru));
		if (!a->plru)
			goto out_free;
	}
	return a;

out_free:
	fa_destroy(a);
	return NULL;
}

static uint64_t *fa_lookup(void *st, uint64_t tag)
{
	struct fa_array *a = st;

	for (uint32_t i = a->head[bucket(a, tag)]; i != NIL; i = a->hnext[i]) {
		if (tlb_tag_match(a->tags[i], tag)) {
			touch(a, i);
			return &a->vals[i];
		}
	}
	return NULL;
}

static uint32_t take_free_slot(struct fa_array *a)
{
	for (size_t w = 0;; w++) {
		VMSIM_BUG_ON(w * 64 >= a->n);
		if (a->freemap[w]) {
			unsigned b = (unsigned)__builtin_ctzll(a->freemap[w]);
			a->freemap[w] &= ~(1ULL << b);
			return (uint32_t)(w * 64 + b);
		}
	}
}

/* Take slot @i out of the index and the recency list; it stays marked used. */
static void detach(struct fa_array *a, uint32_t i)
{
	hash_unlink(a, i);
	if (a->repl == VMSIM_REPL_LRU)
		lru_unlink(a, i);
}

static void free_slot(struct fa_array *a, uint32_t i)
{
	detach(a, i);
	a->tags[i] = 0;
	a->vals[i] = 0;
	a->freemap[i / 64] |= 1ULL << (i % 64);
	a->nvalid--;
}

static bool fa_insert(void *st, uint64_t tag, uint64_t val, uint64_t *ev_tag, uint64_t *ev_val,
		      uint64_t **where)
{
	struct fa_array *a = st;
	bool evicted = false;
	uint32_t i, b;

	VMSIM_BUG_ON(!(tag & TLB_TAG_V));
	if (a->nvalid < a->n) {
		i = take_free_slot(a);
		a->nvalid++;
	} else {
		switch (a->repl) {
		case VMSIM_REPL_LRU:
			i = a->link[a->n].prev; /* least recently used */
			break;
		case VMSIM_REPL_PLRU:
			i = plru_victim(a->plru, a->n);
			break;
		default:
			i = (uint32_t)rng_below(&a->rng, a->n);
			break;
		}
		*ev_tag = a->tags[i];
		*ev_val = a->vals[i];
		evicted = true;
		detach(a, i);
	}
	a->tags[i] = tag;
	a->vals[i] = val;
	b = bucket(a, tag);
	a->hnext[i] = a->head[b];
	a->head[b] = i;
	if (a->repl == VMSIM_REPL_LRU)
		lru_push_front(a, i);
	else if (a->repl == VMSIM_REPL_PLRU)
		plru_touch(a->plru, a->n, i);
	if (where)
		*where = &a->vals[i];
	return evicted;
}

static unsigned fa_remove(void *st, uint64_t etag)
{
	struct fa_array *a = st;

	if (!(etag & TLB_TAG_V))
		return 0;
	for (uint32_t i = a->head[bucket(a, etag)]; i != NIL; i = a->hnext[i]) {
		if (a->tags[i] == etag) {
			free_slot(a, i);
			return 1;
		}
	}
	return 0;
}

static unsigned fa_remove_if(void *st, bool (*pred)(uint64_t tag, uint64_t val, const void *arg),
			     const void *arg)
{
	struct fa_array *a = st;
	unsigned removed = 0;

	for (uint32_t i = 0; i < a->n && a->nvalid; i++) {
		if ((a->tags[i] & TLB_TAG_V) && pred(a->tags[i], a->vals[i], arg)) {
			free_slot(a, i);
			removed++;
		}
	}
	return removed;
}

static void fa_for_each(void *st, void (*fn)(uint64_t tag, uint64_t val, void *arg), void *arg)
{
	struct fa_array *a = st;

	for (uint32_t i = 0; i < a->n; i++)
		if (a->tags[i] & TLB_TAG_V)
			fn(a->tags[i], a->vals[i], arg);
}

const struct tlb_ops tlb_fa_ops = {
    .name = "fa",
    .create = fa_create,       /* tlb_init, once per array */
    .destroy = fa_destroy,     /* tlb_release */
    .lookup = fa_lookup,       /* every translation: hash, then the chain */
    .insert = fa_insert,       /* fills after walks and L2 hits */
    .remove = fa_remove,       /* INVLPG of one exact tag */
    .remove_if = fa_remove_if, /* flushes, INVLPG of smashed pieces */
    .for_each = fa_for_each,   /* reports, invariant checks */
};
