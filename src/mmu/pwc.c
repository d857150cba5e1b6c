/*
 * Paging-structure caches (see pwc.h). Each level is a small set-associative
 * cache with true LRU; an empty way (tag 0) is used before any eviction,
 * lowest way first, and LRU ties cannot happen (stamps are distinct).
 *
 *   tag:  63 .......... 13 | 12 | 11 .. 0
 *         va >> span(L)    | V  |  PCID
 */
#include "mmu/pwc.h"

#include <stdlib.h>

#include "base/base.h"
#include "mmu/pte.h"

#define PWC_TAG_V (1ULL << 12)

static inline uint64_t pwc_key(unsigned level, vaddr_t va)
{
	/* drop the sign bits too: keys of one level are then at most 45 bits */
	return (va & ((1ULL << 57) - 1)) >> (VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (level - 1));
}

static inline uint64_t pwc_tag(unsigned level, vaddr_t va, pcid_t pcid)
{
	return (pwc_key(level, va) << 13) | PWC_TAG_V | (pcid & 0xFFFu);
}

int pwc_init(struct pwc *c, const struct vmsim_pwc_cfg *cfg)
{
	*c = (struct pwc){0};
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		uint32_t n = cfg->entries[l], w = cfg->ways[l];
		if (n == 0)
			continue;
		if (w == 0 || w > n)
			w = n;
		if (n % w || ((n / w) & (n / w - 1))) {
			pwc_release(c);
			return VMSIM_EINVAL;
		}
		struct pwc_level *pl = &c->lv[l];
		pl->sets = n / w;
		pl->ways = w;
		pl->tag = calloc(n, sizeof(*pl->tag));
		pl->val = calloc(n, sizeof(*pl->val));
		pl->stamp = calloc(n, sizeof(*pl->stamp));
		if (!pl->tag || !pl->val || !pl->stamp) {
			pwc_release(c);
			return VMSIM_ENOHOSTMEM;
		}
	}
	return 0;
}

void pwc_release(struct pwc *c)
{
	for (unsigned l = 0; l <= VMSIM_MAX_LEVELS; l++) {
		free(c->lv[l].tag);
		free(c->lv[l].val);
		free(c->lv[l].stamp);
	}
	*c = (struct pwc){0};
}

const uint64_t *pwc_lookup(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid)
{
	struct pwc_level *pl = &c->lv[level];
	if (pl->sets == 0)
		return NULL;
	uint64_t tag = pwc_tag(level, va, pcid);
	size_t base = (size_t)(pwc_key(level, va) & (pl->sets - 1)) * pl->ways;
	for (uint32_t w = 0; w < pl->ways; w++) {
		if (pl->tag[base + w] == tag) {
			pl->stamp[base + w] = ++pl->clock;
			return &pl->val[base + w];
		}
	}
	return NULL;
}

void pwc_insert(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid, uint64_t val)
{
	struct pwc_level *pl = &c->lv[level];
	if (pl->sets == 0)
		return;
	uint64_t tag = pwc_tag(level, va, pcid);
	size_t base = (size_t)(pwc_key(level, va) & (pl->sets - 1)) * pl->ways;
	size_t victim = base;
	for (uint32_t w = 0; w < pl->ways; w++) {
		size_t i = base + w;
		if (pl->tag[i] == tag || pl->tag[i] == 0) {
			victim = i;
			break;
		}
		if (pl->stamp[i] < pl->stamp[victim])
			victim = i;
	}
	pl->tag[victim] = tag;
	pl->val[victim] = val;
	pl->stamp[victim] = ++pl->clock;
}

unsigned pwc_flush(struct pwc *c, pcid_t pcid, bool all)
{
	unsigned n = 0;
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		struct pwc_level *pl = &c->lv[l];
		size_t total = (size_t)pl->sets * pl->ways;
		for (size_t i = 0; i < total; i++) {
			if (pl->tag[i] && (all || (pl->tag[i] & 0xFFFu) == (pcid & 0xFFFu))) {
				pl->tag[i] = 0;
				n++;
			}
		}
	}
	return n;
}

void pwc_for_each(const struct pwc *c,
		  void (*fn)(unsigned level, vaddr_t va_prefix, pcid_t pcid, uint64_t val, void *arg),
		  void *arg)
{
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		const struct pwc_level *pl = &c->lv[l];
		size_t total = (size_t)pl->sets * pl->ways;
		for (size_t i = 0; i < total; i++) {
			if (!pl->tag[i])
				continue;
			vaddr_t va = (pl->tag[i] >> 13) << (VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (l - 1));
			fn(l, va, (pcid_t)(pl->tag[i] & 0xFFFu), pl->val[i], arg);
		}
	}
}
