/*
 * Bare hardware: simulated RAM, page tables built by hand, and MMUs (TLBs,
 * paging-structure caches and the x86-64 page walker) that translate
 * through them. There is no kernel here: nothing maps a page on a fault,
 * nothing reclaims; a translation that faults says so and that is all.
 * For exercises on paging itself (build a four-level tree, walk it, watch
 * the accessed and dirty bits and the TLB), and for `vmsim run tour`
 * (src/workload/tour.c), which uses only this header.
 *
 *   struct vmsim_hw      RAM: 4 KiB frames from a buddy allocator
 *   struct vmsim_hw_pt   one page-table tree in that RAM (what CR3 points to)
 *   struct vmsim_hw_mmu  one MMU reading page tables from that RAM
 *
 * An MMU and a tree belong to the RAM they were made with and must be
 * freed before it. The walker reads and writes the entries in RAM as a real
 * one does (A on every level walked, D on the leaf of a write). The whole
 * machine with processes, faults and reclaim is vm.h.
 */
#ifndef VMSIM_HW_H
#define VMSIM_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/mmu.h"
#include "vmsim/types.h"

/* Bits of a page-table entry, as on x86-64. */
#define VMSIM_PTE_P   (1ULL << 0)	    /* present */
#define VMSIM_PTE_RW  (1ULL << 1)	    /* writable */
#define VMSIM_PTE_US  (1ULL << 2)	    /* user accessible */
#define VMSIM_PTE_A   (1ULL << 5)	    /* accessed: set by the walker */
#define VMSIM_PTE_D   (1ULL << 6)	    /* dirty: set by the walker on a write (leaves) */
#define VMSIM_PTE_PS  (1ULL << 7)	    /* page size: a 2 MiB / 1 GiB leaf above the PT level */
#define VMSIM_PTE_G   (1ULL << 8)	    /* global: survives CR3 writes (leaves) */
#define VMSIM_PTE_NX  (1ULL << 63)	    /* no execute */
#define VMSIM_PTE_PFN 0x000FFFFFFFFFF000ULL /* the frame number, shifted by 12 */

/* ---- RAM ------------------------------------------------------------------ */

struct vmsim_hw;

/* @bytes of RAM (a multiple of 4 KiB, at least 64 frames), every frame
 * free; host memory is taken as frames are written. Returns 0, VMSIM_EINVAL
 * or VMSIM_ENOHOSTMEM. */
VMSIM_API int vmsim_hw_new(uint64_t bytes, struct vmsim_hw **out /* out */);

/* Free the RAM (NULL allowed); its trees and MMUs must be freed first. */
VMSIM_API void vmsim_hw_free(struct vmsim_hw *hw);

/* 2^@order contiguous frames, aligned to their size (order 9: 2 MiB, 18:
 * 1 GiB). Frames hold no bytes (a tree's tables are the exception). Returns 0 and *@pfn, or
 * VMSIM_ENOMEM (no such block free) or VMSIM_EINVAL (order above 18). */
VMSIM_API int vmsim_hw_frame_alloc(struct vmsim_hw *hw, unsigned order, vmsim_pfn_t *pfn /* out */);

/* Give back a block vmsim_hw_frame_alloc returned, with the same order. */
VMSIM_API void vmsim_hw_frame_free(struct vmsim_hw *hw, vmsim_pfn_t pfn, unsigned order);

/* Frames of the RAM, and how many are free now (page-table frames count
 * as used). */
VMSIM_API uint64_t vmsim_hw_frames(const struct vmsim_hw *hw);
VMSIM_API uint64_t vmsim_hw_frames_free(const struct vmsim_hw *hw);

/* Entry @index (0..511) of the table in frame @table, as it is in RAM now;
 * 0 for a frame that is not a page table. */
VMSIM_API uint64_t vmsim_hw_entry(const struct vmsim_hw *hw, vmsim_pfn_t table, unsigned index);

/* ---- page tables ------------------------------------------------------------ */

struct vmsim_hw_pt;

/* An empty tree of @levels (4 or 5) levels: one zeroed root table frame.
 * Returns 0, VMSIM_EINVAL, VMSIM_ENOMEM or VMSIM_ENOHOSTMEM. */
VMSIM_API int vmsim_hw_pt_new(struct vmsim_hw *hw, unsigned levels,
			      struct vmsim_hw_pt **out /* out */);

/* Free every table frame of the tree (NULL allowed); the frames its leaves
 * point to are the caller's and stay allocated. */
VMSIM_API void vmsim_hw_pt_free(struct vmsim_hw_pt *pt);

/* Map the page of size @ps at @va (aligned to @ps) to the frames from
 * @pfn (aligned too), with leaf bits @flags (VMSIM_PTE_RW, _US, _G, _NX;
 * P and, above 4 KiB, PS are added), allocating the tables on the way
 * (P, RW and US set in their entries). Returns 0, VMSIM_EALIGN,
 * VMSIM_ENONCANON, VMSIM_EEXIST (something is mapped there) or VMSIM_ENOMEM
 * (no frame for a table). */
VMSIM_API int vmsim_hw_pt_map(struct vmsim_hw_pt *pt, vmsim_vaddr_t va, vmsim_pfn_t pfn,
			      enum vmsim_page_size ps, uint64_t flags);

/* Remove the leaf mapping @va: 0, or VMSIM_ENOENT. Tables stay. An MMU
 * may still hold the translation: flush it (vmsim_hw_mmu_flush). */
VMSIM_API int vmsim_hw_pt_unmap(struct vmsim_hw_pt *pt, vmsim_vaddr_t va);

/* The root table's frame (what vmsim_hw_mmu_set_cr3 takes), the tree's
 * number of levels and its table frames, the root included. */
VMSIM_API vmsim_pfn_t vmsim_hw_pt_root(const struct vmsim_hw_pt *pt);
VMSIM_API unsigned vmsim_hw_pt_levels(const struct vmsim_hw_pt *pt);
VMSIM_API uint64_t vmsim_hw_pt_tables(const struct vmsim_hw_pt *pt);

/* ---- the MMU ---------------------------------------------------------------- */

struct vmsim_hw_mmu;

/* What a translation ended with. */
enum vmsim_hw_fault {
	VMSIM_HW_OK = 0,
	VMSIM_HW_NOT_PRESENT,  /* #PF: an entry on the walk had P = 0 */
	VMSIM_HW_PROTECTION,   /* #PF: a U/S, R/W or NX check failed */
	VMSIM_HW_RESERVED,     /* #PF: a present entry had a reserved bit set */
	VMSIM_HW_NONCANONICAL, /* #GP: the address is not canonical */
};

struct vmsim_hw_xlate {
	vmsim_paddr_t pa;	 /* the physical address (VMSIM_HW_OK) */
	enum vmsim_page_size ps; /* the size of the page that translated it */
	unsigned level;		 /* faults: level of the entry at fault (5..1; 1 = PT) */
	uint32_t error_code;	 /* #PF: the x86 error code (P, W, U, RSVD, I bits) */
};

/* An MMU as @cfg describes it (a preset of vmsim_cpu_preset, or one of
 * your own), its TLBs empty, reading tables from @hw. Returns 0,
 * VMSIM_EINVAL (bad configuration) or VMSIM_ENOHOSTMEM. */
VMSIM_API int vmsim_hw_mmu_new(struct vmsim_hw *hw, const struct vmsim_mmu_cfg *cfg,
			       struct vmsim_hw_mmu **out /* out */);
VMSIM_API void vmsim_hw_mmu_free(struct vmsim_hw_mmu *mmu);

/* Write CR3: the tree whose root is @root, address space @pcid (0 without
 * PCIDs). Without PCIDs every non-global TLB entry is flushed; with them
 * the entries of @pcid are, unless @noflush (CR3 bit 63). */
VMSIM_API void vmsim_hw_mmu_set_cr3(struct vmsim_hw_mmu *mmu, vmsim_pfn_t root, unsigned pcid,
				    bool noflush);

/* Translate @va for an access @access (VMSIM_ACC_* bits of types.h: user,
 * write, fetch), through the TLBs and on a miss the walk. Returns
 * VMSIM_HW_OK with x->pa, or the fault with x->level and x->error_code. */
VMSIM_API enum vmsim_hw_fault vmsim_hw_mmu_translate(struct vmsim_hw_mmu *mmu, vmsim_vaddr_t va,
						     unsigned access,
						     struct vmsim_hw_xlate *x /* out */);

/* Drop every TLB and paging-structure cache entry, global ones too. */
VMSIM_API void vmsim_hw_mmu_flush(struct vmsim_hw_mmu *mmu);

/* What the MMU counted since it was made: translations, faults, per-level
 * TLB hits and misses, walks and the entries they read. */
VMSIM_API const struct vmsim_mmu_stats *vmsim_hw_mmu_stats(const struct vmsim_hw_mmu *mmu);

/* The configuration it was made with. */
VMSIM_API const struct vmsim_mmu_cfg *vmsim_hw_mmu_cfg(const struct vmsim_hw_mmu *mmu);

#endif
