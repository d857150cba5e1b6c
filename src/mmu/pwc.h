/*
 * Paging-structure caches: small caches of upper-level entries (PML5E,
 * PML4E, PDPTE, PDE) so that a walk which hits skips the levels above. An
 * entry cached for level L is found by the address bits that select it
 * (va >> (12 + 9*(L-1))) and the PCID, and holds the frame of the next
 * table (level L-1) with the permissions of levels >= L folded in, as the
 * Intel SDM §4.10.3 describes.
 *
 * Each level is one TLB array (tlb_fa_ops or tlb_setassoc_ops, true LRU)
 * whose "page number" is that selecting prefix: the same designs, the same
 * tie-breaking. Only mmu.c calls this.
 */
#ifndef VMSIM_PWC_H
#define VMSIM_PWC_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "mmu/tlb.h"
#include "vmsim/mmu.h"

struct pwc {
	struct tlb_array lv[VMSIM_MAX_LEVELS + 1]; /* indexed by level 2..5; st NULL: not cached */
};

/* Build the caches of @cfg. Returns 0, VMSIM_EINVAL (entries not a multiple
 * of ways, sets not a power of two) or VMSIM_ENOHOSTMEM. */
int pwc_init(struct pwc *c, const struct vmsim_pwc_cfg *cfg);
void pwc_release(struct pwc *c);

/* Is level @level cached? */
static inline bool pwc_has(const struct pwc *c, unsigned level)
{
	return c->lv[level].st != NULL;
}

/* The tag of the level-@level entry selecting @va under @pcid. */
static inline uint64_t pwc_tag(unsigned level, vaddr_t va, pcid_t pcid)
{
	/* drop the sign bits: a level's prefixes are then at most 45 bits */
	vpn_t key = (va & ((1ULL << 57) - 1)) >> (VMSIM_PAGE_SHIFT + 9 * (level - 1));
	return tlb_tag(key, VMSIM_PAGE_4K, pcid);
}

/* The cached val for the level-@level entry selecting @va under @pcid, or
 * NULL. A hit refreshes LRU. The level must be cached. */
static inline const uint64_t *pwc_lookup(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid)
{
	struct tlb_array *a = &c->lv[level];
	return a->ops->lookup(a->st, pwc_tag(level, va, pcid));
}

/* Cache @val for the level-@level entry selecting @va under @pcid; the
 * caller guarantees that pwc_lookup just missed for it. */
static inline void pwc_insert(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid, uint64_t val)
{
	struct tlb_array *a = &c->lv[level];
	uint64_t ev_tag, ev_val;
	if (a->st)
		a->ops->insert(a->st, pwc_tag(level, va, pcid), val, &ev_tag, &ev_val, NULL);
}

/* Drop the entries of @pcid (all PCIDs when @all). Returns how many. */
unsigned pwc_flush(struct pwc *c, pcid_t pcid, bool all);

/* Call @fn for each valid entry (invariant checks). */
void pwc_for_each(const struct pwc *c,
		  void (*fn)(unsigned level, vaddr_t va_prefix, pcid_t pcid, uint64_t val,
			     void *arg),
		  void *arg);

#endif
