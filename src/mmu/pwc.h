/*
 * Paging-structure caches: small caches of upper-level entries (PML5E,
 * PML4E, PDPTE, PDE) so that a walk which hits skips the levels above. An
 * entry cached for level L is found by the address bits that select it
 * (va >> (12 + 9*(L-1))) and the PCID, and holds the frame of the next
 * table (level L-1) with the permissions of levels >= L folded in, as the
 * Intel SDM §4.10.3 describes. Only mmu.c calls this.
 */
#ifndef VMSIM_PWC_H
#define VMSIM_PWC_H

#include <stdint.h>

#include "vmsim/mmu.h"

/* One level's cache: sets x ways of (tag, val) with LRU stamps. */
struct pwc_level {
	uint32_t sets;      /* power of two; 0: level not cached */
	uint32_t ways;      /* ways per set */
	uint64_t *tag;      /* sets*ways tags; 0 = empty */
	uint64_t *val;      /* next-table pfn << 12 | folded RW, US, NX */
	uint32_t *stamp;    /* LRU stamps */
	uint32_t clock;     /* stamp source */
};

struct pwc {
	struct pwc_level lv[VMSIM_MAX_LEVELS + 1]; /* indexed by level 2..5 */
};

/* Build the caches of @cfg. Returns 0, VMSIM_EINVAL (entries not a multiple
 * of ways, sets not a power of two) or VMSIM_ENOHOSTMEM. */
int pwc_init(struct pwc *c, const struct vmsim_pwc_cfg *cfg);
void pwc_release(struct pwc *c);

/* The cached val for the level-@level entry selecting @va under @pcid, or
 * NULL. A hit refreshes LRU. */
const uint64_t *pwc_lookup(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid);

/* Cache @val for the level-@level entry selecting @va under @pcid. */
void pwc_insert(struct pwc *c, unsigned level, vaddr_t va, pcid_t pcid, uint64_t val);

/* Drop the entries of @pcid (all PCIDs when @all). Returns how many. */
unsigned pwc_flush(struct pwc *c, pcid_t pcid, bool all);

/* Call @fn for each valid entry (invariant checks). */
void pwc_for_each(const struct pwc *c,
		  void (*fn)(unsigned level, vaddr_t va_prefix, pcid_t pcid, uint64_t val, void *arg),
		  void *arg);

#endif
