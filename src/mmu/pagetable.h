/*
 * Page tables in simulated physical memory: the primitives the kernel uses
 * to build and change a process's x86-64 paging structures. Each table is a
 * 4 KiB frame (FRAME_PAGETABLE) holding 512 eight-byte entries in the exact
 * bit format of pte.h, reached from the root frame (CR3) level by level.
 *
 * These are the kernel's software walks: they never set A/D bits and never
 * touch TLBs; the caller (os/) invalidates TLB entries after changing a
 * present entry. Callers: os/ (and mmu tests, benchmarks, the MMU tour).
 */
#ifndef VMSIM_PAGETABLE_H
#define VMSIM_PAGETABLE_H

#include <stdint.h>

#include "base/addr.h"
#include "mmu/pte.h"
#include "phys/phys.h"

/* An address space's paging structures: the root table and the depth. */
struct pagetable {
	struct phys_mem *pm; /* where the tables live */
	pfn_t root;	     /* frame of the top table (what CR3 holds) */
	unsigned levels;     /* 4 or 5 */
	uint64_t ntables;    /* table frames in use, root included */
};

/* The entries of table frame @pfn (which must hold a page table). */
static inline pte_t *pt_table(const struct phys_mem *pm, pfn_t pfn)
{
	return (pte_t *)(void *)phys_bytes_if_present(pm, pfn);
}

/* Allocate an empty root table. Returns 0, VMSIM_EINVAL (levels not 4/5),
 * VMSIM_ENOMEM or VMSIM_ENOHOSTMEM (nothing allocated then). */
int pt_init(struct pagetable *pt, struct phys_mem *pm, unsigned levels);

/* Free every table frame reachable from the root, the root included. Data
 * frames that leaves point to are not touched: they belong to the kernel. */
void pt_release(struct pagetable *pt);

/*
 * Map the page of size @ps at @va to the block starting at frame @pfn, with
 * leaf flags @flags (PTE_RW, PTE_US, PTE_G, PTE_NX, PTE_PWT, PTE_PCD, PTE_A,
 * PTE_D; P and, for huge pages, PS are added). Missing tables are allocated.
 * Returns 0, VMSIM_ENONCANON, VMSIM_EALIGN (va or pfn not aligned to @ps),
 * VMSIM_EEXIST (a present leaf maps part of the page, or a table sits where
 * the huge leaf would go), VMSIM_ENOMEM / VMSIM_ENOHOSTMEM (tables allocated
 * before the failure stay, empty and reachable; no leaf was written).
 */
int pt_map(struct pagetable *pt, vaddr_t va, pfn_t pfn, enum vmsim_page_size ps, uint64_t flags);

/*
 * Make the slot for a leaf of size @ps at @va exist, allocating tables on
 * the way, and return a pointer to it in *@slot (present or not: the kernel
 * stores swap entries in non-present leaves). Errors as pt_map, with
 * VMSIM_EEXIST when a huge leaf above @ps already covers @va.
 */
int pt_slot(struct pagetable *pt, vaddr_t va, enum vmsim_page_size ps, pte_t **slot /* out */);

/*
 * The kernel's lookup: walk towards @va and return a pointer to the entry
 * where the walk stops — a present leaf (PS set, or at level 1) or the first
 * non-present entry — and its level in *@level. Never NULL for a canonical
 * address (the root exists); NULL for a non-canonical one.
 */
pte_t *pt_lookup(const struct pagetable *pt, vaddr_t va, unsigned *level /* out */);

/* Clear the present leaf that maps @va, whatever its size, returning the old
 * entry in *@old and the size in *@ps. Returns 0 or VMSIM_ENOENT. Tables
 * left empty stay (pt_prune frees them). */
int pt_unmap(struct pagetable *pt, vaddr_t va, pte_t *old /* out */,
	     enum vmsim_page_size *ps /* out */);

/* Set bits @set and clear bits @clear in the present leaf mapping @va
 * (flag bits only: the PFN, P and PS cannot change this way). Returns 0,
 * VMSIM_EINVAL (@set or @clear touch PFN/P/PS) or VMSIM_ENOENT. */
int pt_protect(struct pagetable *pt, vaddr_t va, uint64_t set, uint64_t clear);

/* Replace the 2 MiB leaf mapping @va by a new page table of 512 4 KiB
 * leaves mapping the same frames with the same flags (A and D included),
 * as Linux's split of a huge PMD. Returns 0, VMSIM_ENOENT (no 2 MiB leaf
 * there), VMSIM_ENOMEM / VMSIM_ENOHOSTMEM (nothing changed). The caller
 * flushes TLB entries of the range. */
int pt_split_2m(struct pagetable *pt, vaddr_t va);

/* Free the page table under the 2 MiB at @va when every one of its 512
 * entries is zero, leaving its PD entry empty for a 2 MiB leaf (the step
 * of Linux's collapse_huge_page that takes the table out). Returns 0,
 * VMSIM_ENOENT (no page table there), VMSIM_EEXIST (an entry is in use),
 * VMSIM_ENONCANON.
 * The caller flushes the range from the TLBs and paging-structure caches. */
int pt_free_table_2m(struct pagetable *pt, vaddr_t va);

/* Free the tables below the root that map nothing in [@start, @end), as
 * Linux's free_pgtables does after munmap. Returns the number freed. The
 * caller must flush paging-structure caches afterwards. */
uint64_t pt_prune(struct pagetable *pt, vaddr_t start, vaddr_t end);

/* Call @fn, in address order, for every leaf slot that is not zero: each
 * present leaf of any size, and each non-present level-1 entry holding
 * kernel data (swap entries, pages of PROT_NONE areas: @fn checks P).
 * Stops early and returns @fn's value if it is non-zero. */
int pt_for_each_leaf(const struct pagetable *pt,
		     int (*fn)(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg),
		     void *arg);

/* As pt_for_each_leaf, for the leaves that start in [@start, @end) only
 * (plus a huge leaf that covers @start): tables outside the range are not
 * visited, so a small range costs little whatever the address space. */
int pt_for_each_leaf_range(const struct pagetable *pt, vaddr_t start, vaddr_t end,
			   int (*fn)(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg),
			   void *arg);

#endif
