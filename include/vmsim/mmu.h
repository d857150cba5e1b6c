/*
 * The simulated MMU's public configuration and counters: paging mode, TLB
 * hierarchy, paging-structure caches, CPU presets, and the address split of
 * a virtual address into its page-table indices.
 *
 * Paging levels are numbered as the Intel SDM does, from the leaf upwards:
 * 1 = PT, 2 = PD, 3 = PDPT, 4 = PML4, 5 = PML5.
 */
#ifndef VMSIM_MMU_H
#define VMSIM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/types.h"

#define VMSIM_MAX_LEVELS 5

/* ---- address split (vmsim translate) ---------------------------------- */

struct vmsim_va_level {
	const char *name; /* "PML5", "PML4", "PDPT", "PD", "PT" */
	unsigned level;	  /* 5 .. 1 */
	unsigned hi, lo;  /* bit range of the index within the address */
	unsigned index;	  /* 0 .. 511 */
};

struct vmsim_va_split {
	vmsim_vaddr_t va;			       /* the address */
	unsigned levels;			       /* 4 or 5 */
	enum vmsim_page_size ps;		       /* page size the split assumes */
	unsigned va_bits;			       /* 48 or 57 */
	unsigned offset_bits;			       /* 12, 21 or 30 */
	uint64_t offset;			       /* va & (page size - 1) */
	uint64_t vpn;				       /* page number, in pages of size ps */
	unsigned nlevels;			       /* table levels walked: levels - ps */
	struct vmsim_va_level level[VMSIM_MAX_LEVELS]; /* top level first */
};

/* True if @va is canonical for @levels-level paging (bits above the top
 * translated bit all equal to it). */
VMSIM_API bool vmsim_va_is_canonical(vmsim_vaddr_t va, unsigned levels);

/* Split @va for @levels (4 or 5) paging with pages of size @ps.
 * Returns 0, VMSIM_EINVAL (bad levels/ps) or VMSIM_ENONCANON. */
VMSIM_API int vmsim_va_split(vmsim_vaddr_t va, unsigned levels, enum vmsim_page_size ps,
			     struct vmsim_va_split *out /* out */);

/* ---- TLB configuration -------------------------------------------------- */

enum vmsim_tlb_repl {
	VMSIM_REPL_LRU = 0, /* true LRU within a set */
	VMSIM_REPL_PLRU,    /* tree pseudo-LRU within a set (ways a power of two) */
	VMSIM_REPL_RANDOM,  /* seeded random way */
};

/* One array of a TLB level: entries, associativity and the page sizes it holds. */
struct vmsim_tlb_array_cfg {
	uint32_t entries;	  /* 0: array absent */
	uint32_t ways;		  /* entries (or 0): fully associative */
	uint8_t sizes;		  /* bitmask of 1 << enum vmsim_page_size */
	enum vmsim_tlb_repl repl; /* replacement within a set */
};

enum vmsim_tlb_level {
	VMSIM_TLB_L1I = 0, /* instruction fetches */
	VMSIM_TLB_L1D,	   /* data loads and stores */
	VMSIM_TLB_L2,	   /* unified second level (STLB), filled from walks */
};
#define VMSIM_TLB_NLEVELS    3
#define VMSIM_TLB_MAX_ARRAYS 4

struct vmsim_tlb_level_cfg {
	unsigned narrays; /* 0: level absent (L1I absent: fetches use L1D) */
	struct vmsim_tlb_array_cfg arrays[VMSIM_TLB_MAX_ARRAYS];
};

struct vmsim_tlb_cfg {
	struct vmsim_tlb_level_cfg level[VMSIM_TLB_NLEVELS];
	uint64_t seed; /* random replacement seed */
};

/* ---- paging-structure caches ------------------------------------------- */

/* Caches of upper-level entries, indexed by level (2 = PDE cache .. 5 =
 * PML5E cache); entries 0 disables that level's cache. */
struct vmsim_pwc_cfg {
	uint32_t entries[VMSIM_MAX_LEVELS + 1];
	uint32_t ways[VMSIM_MAX_LEVELS + 1]; /* 0 or entries: fully associative */
};

/* ---- the MMU ------------------------------------------------------------ */

struct vmsim_mmu_cfg {
	const char *cpu;	      /* preset name this came from ("custom" if edited) */
	unsigned levels;	      /* 4 (48-bit VA) or 5 (57-bit VA, LA57) */
	unsigned maxphyaddr;	      /* physical address bits (36..52); higher PTE bits reserved */
	bool pcid;		      /* CR4.PCIDE: TLB entries tagged with 12-bit PCIDs */
	bool pwc;		      /* paging-structure caches on */
	struct vmsim_tlb_cfg tlb;     /* TLB hierarchy */
	struct vmsim_pwc_cfg pwc_cfg; /* paging-structure cache sizes */
};

/* Fill @cfg from the CPU preset @name ("seed", "skylake", "zen4").
 * Returns 0 or VMSIM_EINVAL for an unknown name (cfg untouched). */
VMSIM_API int vmsim_cpu_preset(const char *name, struct vmsim_mmu_cfg *cfg /* out */);

/* NULL-terminated list of preset names, in a stable order. */
VMSIM_API const char *const *vmsim_cpu_preset_names(void);

/* One-line description of a preset ("Intel Skylake client core ..."), or NULL. */
VMSIM_API const char *vmsim_cpu_preset_describe(const char *name);

/* ---- counters ----------------------------------------------------------- */

struct vmsim_tlb_level_stats {
	uint64_t lookups;		       /* translations that reached this level */
	uint64_t hits[VMSIM_NPAGE_SIZES];      /* by size of the entry hit */
	uint64_t misses;		       /* lookups that found nothing here */
	uint64_t fills[VMSIM_NPAGE_SIZES];     /* entries inserted, by size */
	uint64_t evictions[VMSIM_NPAGE_SIZES]; /* valid entries displaced, by size */
	uint64_t invalidations;		       /* entries removed by INVLPG/flushes */
};

struct vmsim_walk_stats {
	uint64_t walks;				    /* page walks started */
	uint64_t mem_refs;			    /* paging entries read from memory */
	uint64_t faults;			    /* walks that ended in a page fault */
	uint64_t pwc_lookups[VMSIM_MAX_LEVELS + 1]; /* per cached level (2..5) */
	uint64_t pwc_hits[VMSIM_MAX_LEVELS + 1];    /* per cached level (2..5) */
	uint64_t a_sets;			    /* accessed bits set by walks */
	uint64_t d_sets;			    /* dirty bits set by walks */
	uint64_t dirty_assists;			    /* writes hitting a TLB entry not yet dirty */
	uint64_t refs_hist[VMSIM_MAX_LEVELS + 1];   /* walks by memory references made (0..5) */
};

struct vmsim_mmu_stats {
	uint64_t translations; /* mmu_translate calls */
	uint64_t faults;       /* translations that raised a page fault */
	uint64_t noncanonical; /* of those, non-canonical addresses (#GP on x86) */
	struct vmsim_tlb_level_stats tlb[VMSIM_TLB_NLEVELS];
	struct vmsim_walk_stats walk;
	uint64_t cr3_writes;	  /* context switches */
	uint64_t invlpg;	  /* INVLPG executed */
	uint64_t flush_all;	  /* full flushes, global entries included */
	uint64_t flush_nonglobal; /* flushes of non-global entries (CR3 write without PCID) */
	uint64_t flush_pcid;	  /* single-PCID flushes */
};

#endif
