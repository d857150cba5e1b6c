/*
 * The simulated MMU of one CPU: CR3 and PCID, the TLB hierarchy, the
 * paging-structure caches and the hardware page walker. It turns a virtual
 * address into a physical one exactly as an x86-64 core does, or reports
 * the page fault the core would raise. Callers: os/ (the kernel), the MMU
 * tour, tests and benchmarks.
 *
 * Contract with the kernel: after changing or removing a present entry the
 * kernel must invalidate (mmu_invlpg / mmu_invlpg_pcid / flushes), as real
 * kernels must; mmu_check proves that it did (no TLB or paging-structure
 * cache entry grants more than the page tables do).
 */
#ifndef VMSIM_MMU_INTERNAL_H
#define VMSIM_MMU_INTERNAL_H

#include <stddef.h>

#include "base/addr.h"
#include "mmu/pagetable.h"
#include "mmu/pwc.h"
#include "mmu/tlb.h"
#include "phys/phys.h"
#include "vmsim/mmu.h"

enum mmu_fault {
	MMU_OK = 0,
	MMU_FAULT_NOT_PRESENT,	/* an entry on the walk had P = 0 */
	MMU_FAULT_PROTECTION,	/* a U/S, R/W or NX check failed */
	MMU_FAULT_RESERVED,	/* a present entry had a reserved bit set */
	MMU_FAULT_NONCANONICAL, /* #GP: the address is not canonical */
};

/* x86 page-fault error code bits (the access bits are in enum vmsim_access_flags). */
#define PF_ERR_P    (1u << 0) /* 0: not present, 1: protection */
#define PF_ERR_RSVD (1u << 3) /* reserved bit violation */

/* Result of one translation. */
struct mmu_xlate {
	paddr_t pa;		 /* physical address (valid when fault == MMU_OK) */
	enum vmsim_page_size ps; /* size of the page that translated it */
	enum mmu_fault fault;	 /* what went wrong, MMU_OK if nothing */
	unsigned level;		 /* faults: level of the entry that caused it (5..1) */
	uint32_t error_code;	 /* faults: the x86 #PF error code */
	uint64_t denied;	 /* protection faults: PTE_US, PTE_RW or PTE_NX */
};

struct mmu {
	struct phys_mem *pm;		     /* where page tables live */
	struct vmsim_mmu_cfg cfg;	     /* configuration (copied) */
	unsigned va_bits;		     /* 48 or 57 */
	uint64_t rsvd_mask;		     /* PFN-field bits above MAXPHYADDR */
	pfn_t cr3;			     /* current root table frame */
	pcid_t pcid;			     /* current PCID (0 without PCID) */
	bool has_cr3;			     /* a CR3 has been loaded */
	struct tlb tlb;			     /* TLB hierarchy */
	struct pwc pwc;			     /* paging-structure caches */
	struct vmsim_mmu_stats stats;	     /* counters */
	uint64_t need[32];		     /* per access kind: val bits a TLB hit requires */
	uint64_t deny[32];		     /* per access kind: val bits a TLB hit refuses */
	pfn_t pcid_root[VMSIM_PCID_MAX + 1]; /* last root loaded with each PCID (checks) */
};

/* Build an MMU over @pm from @cfg. Returns 0, VMSIM_EINVAL (bad levels,
 * MAXPHYADDR or cache geometry) or VMSIM_ENOHOSTMEM. */
int mmu_init(struct mmu *m, struct phys_mem *pm, const struct vmsim_mmu_cfg *cfg);
void mmu_release(struct mmu *m);

/*
 * Write CR3: switch to the tables rooted at @root under @pcid. Without PCID
 * support the PCID is 0 and every non-global TLB entry is flushed; with it,
 * entries of @pcid are flushed unless @noflush (CR3 bit 63), and those of
 * other PCIDs stay.
 */
void mmu_set_cr3(struct mmu *m, pfn_t root, pcid_t pcid, bool noflush);

/* The slow path of mmu_translate: walk and fill, or fault. */
int mmu_translate_slow(struct mmu *m, vaddr_t va, unsigned acc, struct mmu_xlate *x, uint64_t *hit);

/*
 * Translate @va for an access of kind @acc (enum vmsim_access_flags bits) with the
 * current CR3: TLBs, then paging-structure caches and a walk that sets A/D
 * bits. Returns MMU_OK and x->pa, or the fault with x filled in. A write
 * that hits a TLB entry whose D bit is not yet set re-walks to set it, and
 * a hit that the cached permissions refuse re-walks before faulting (the
 * page tables may have been upgraded), as x86 cores do.
 */
static inline __attribute__((always_inline)) int mmu_translate(struct mmu *m, vaddr_t va,
							       unsigned acc, struct mmu_xlate *x)
{
	enum vmsim_page_size ps;
	m->stats.translations++;
	if (__builtin_expect(va_canonical(va, m->va_bits) == va, 1)) {
		uint64_t *v;
		if (__builtin_expect(!(acc & VMSIM_ACC_FETCH), 1)) {
			v = tlb_lookup_data_fast(&m->tlb, va, m->pcid, &ps);
			if (!v)
				v = tlb_lookup_data_rest(&m->tlb, va, m->pcid, &ps);
		} else {
			v = tlb_lookup_fetch_fast(&m->tlb, va, m->pcid, &ps);
			if (!v)
				v = tlb_lookup_fetch_rest(&m->tlb, va, m->pcid, &ps);
		}
		if (__builtin_expect(v != NULL, 1)) {
			uint64_t need = m->need[acc & 31], deny = m->deny[acc & 31];
			if (__builtin_expect((*v & (need | deny)) == need, 1)) {
				uint64_t mask = (1ULL << vmsim_page_shift(ps)) - 1;
				x->pa = (*v & PTE_PFN_MASK) + (va & mask);
				x->ps = ps;
				x->fault = MMU_OK;
				return MMU_OK;
			}
			return mmu_translate_slow(m, va, acc, x, v);
		}
	}
	return mmu_translate_slow(m, va, acc, x, NULL);
}

/* INVLPG for the current PCID: drop @va's TLB entries (global ones too) and,
 * as Intel cores do, every paging-structure cache entry of the PCID. */
void mmu_invlpg(struct mmu *m, vaddr_t va);

/* INVPCID individual-address: as mmu_invlpg, for @pcid. */
void mmu_invlpg_pcid(struct mmu *m, vaddr_t va, pcid_t pcid);

/* INVPCID single-context: drop the non-global entries of @pcid. */
void mmu_flush_pcid(struct mmu *m, pcid_t pcid);

/* Drop every TLB and paging-structure cache entry (global ones too unless
 * @keep_global). */
void mmu_flush_all(struct mmu *m, bool keep_global);

/*
 * The MMU's invariant: every TLB entry and paging-structure cache entry
 * agrees with the page tables of the root last loaded with its PCID (the
 * current root for global entries): the page is present, the frame is the
 * same, and the cached permissions grant nothing the tables refuse (and D is
 * cached only if the leaf is dirty). Returns 0 or VMSIM_ECHECK with a
 * description of the first disagreement in @why.
 */
int mmu_check(struct mmu *m, char *why, size_t whylen);

#endif
