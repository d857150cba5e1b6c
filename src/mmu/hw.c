/*
 * The bare-hardware API (include/vmsim/hw.h): the RAM of phys/, the page
 * tables of pagetable.c and the MMU of mmu.c behind opaque handles, with
 * the kernel left out. Callers: workload/tour.c, programs linking the
 * library, tests/unit/test_hw.c.
 */
#include "vmsim/hw.h"

#include <stdlib.h>

#include "mmu/mmu.h"
#include "mmu/pagetable.h"
#include "mmu/pte.h"
#include "phys/phys.h"
#include "vmsim/error.h"

_Static_assert(VMSIM_PTE_P == PTE_P && VMSIM_PTE_RW == PTE_RW && VMSIM_PTE_US == PTE_US &&
		   VMSIM_PTE_A == PTE_A && VMSIM_PTE_D == PTE_D && VMSIM_PTE_PS == PTE_PS &&
		   VMSIM_PTE_G == PTE_G && VMSIM_PTE_NX == PTE_NX && VMSIM_PTE_PFN == PTE_PFN_MASK,
	       "the public entry bits are the walker's");
_Static_assert((int)VMSIM_HW_NOT_PRESENT == (int)MMU_FAULT_NOT_PRESENT &&
		   (int)VMSIM_HW_PROTECTION == (int)MMU_FAULT_PROTECTION &&
		   (int)VMSIM_HW_RESERVED == (int)MMU_FAULT_RESERVED &&
		   (int)VMSIM_HW_NONCANONICAL == (int)MMU_FAULT_NONCANONICAL,
	       "the public faults are the MMU's");

struct vmsim_hw {
	struct phys_mem pm;
};

struct vmsim_hw_pt {
	struct pagetable pt;
};

struct vmsim_hw_mmu {
	struct mmu mmu;
};

int vmsim_hw_new(uint64_t bytes, struct vmsim_hw **out)
{
	struct vmsim_hw *hw = calloc(1, sizeof(*hw));
	int rc;
	*out = NULL;
	if (!hw)
		return VMSIM_ENOHOSTMEM;
	if (bytes % VMSIM_PAGE_SIZE || bytes < 64 * VMSIM_PAGE_SIZE)
		rc = VMSIM_EINVAL;
	else
		rc = phys_init(&hw->pm, bytes, false);
	if (rc) {
		free(hw);
		return rc;
	}
	*out = hw;
	return 0;
}

void vmsim_hw_free(struct vmsim_hw *hw)
{
	if (!hw)
		return;
	phys_release(&hw->pm);
	free(hw);
}

int vmsim_hw_frame_alloc(struct vmsim_hw *hw, unsigned order, pfn_t *pfn)
{
	return phys_alloc(&hw->pm, order, 0, pfn);
}

void vmsim_hw_frame_free(struct vmsim_hw *hw, pfn_t pfn, unsigned order)
{
	phys_free(&hw->pm, pfn, order);
}

uint64_t vmsim_hw_frames(const struct vmsim_hw *hw)
{
	return hw->pm.nframes;
}

uint64_t vmsim_hw_frames_free(const struct vmsim_hw *hw)
{
	return hw->pm.nr_free;
}

uint64_t vmsim_hw_entry(const struct vmsim_hw *hw, pfn_t table, unsigned index)
{
	const pte_t *t =
	    table < hw->pm.nframes && index < PTE_ENTRIES ? pt_table(&hw->pm, table) : NULL;
	return t ? t[index] : 0;
}

int vmsim_hw_pt_new(struct vmsim_hw *hw, unsigned levels, struct vmsim_hw_pt **out)
{
	struct vmsim_hw_pt *pt = calloc(1, sizeof(*pt));
	int rc;
	*out = NULL;
	if (!pt)
		return VMSIM_ENOHOSTMEM;
	if ((rc = pt_init(&pt->pt, &hw->pm, levels))) {
		free(pt);
		return rc;
	}
	*out = pt;
	return 0;
}

void vmsim_hw_pt_free(struct vmsim_hw_pt *pt)
{
	if (!pt)
		return;
	pt_release(&pt->pt);
	free(pt);
}

int vmsim_hw_pt_map(struct vmsim_hw_pt *pt, vaddr_t va, pfn_t pfn, enum vmsim_page_size ps,
		    uint64_t flags)
{
	if ((unsigned)ps >= VMSIM_NPAGE_SIZES)
		return VMSIM_EINVAL;
	return pt_map(&pt->pt, va, pfn, ps, flags & (PTE_RW | PTE_US | PTE_G | PTE_NX));
}

int vmsim_hw_pt_unmap(struct vmsim_hw_pt *pt, vaddr_t va)
{
	pte_t old;
	enum vmsim_page_size ps;
	return pt_unmap(&pt->pt, va, &old, &ps);
}

pfn_t vmsim_hw_pt_root(const struct vmsim_hw_pt *pt)
{
	return pt->pt.root;
}

unsigned vmsim_hw_pt_levels(const struct vmsim_hw_pt *pt)
{
	return pt->pt.levels;
}

uint64_t vmsim_hw_pt_tables(const struct vmsim_hw_pt *pt)
{
	return pt->pt.ntables;
}

int vmsim_hw_mmu_new(struct vmsim_hw *hw, const struct vmsim_mmu_cfg *cfg,
		     struct vmsim_hw_mmu **out)
{
	struct vmsim_hw_mmu *m = calloc(1, sizeof(*m));
	int rc;
	*out = NULL;
	if (!m)
		return VMSIM_ENOHOSTMEM;
	if ((rc = mmu_init(&m->mmu, &hw->pm, cfg))) {
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void vmsim_hw_mmu_free(struct vmsim_hw_mmu *mmu)
{
	if (!mmu)
		return;
	mmu_release(&mmu->mmu);
	free(mmu);
}

void vmsim_hw_mmu_set_cr3(struct vmsim_hw_mmu *mmu, pfn_t root, unsigned pcid, bool noflush)
{
	mmu_set_cr3(&mmu->mmu, root, (pcid_t)pcid, noflush);
}

enum vmsim_hw_fault vmsim_hw_mmu_translate(struct vmsim_hw_mmu *mmu, vaddr_t va, unsigned access,
					   struct vmsim_hw_xlate *x)
{
	struct mmu_xlate mx = {0};
	int f = mmu_translate(&mmu->mmu, va, access, &mx);
	*x = (struct vmsim_hw_xlate){
	    .pa = mx.pa, .ps = mx.ps, .level = mx.level, .error_code = mx.error_code};
	return (enum vmsim_hw_fault)f;
}

void vmsim_hw_mmu_flush(struct vmsim_hw_mmu *mmu)
{
	mmu_flush_all(&mmu->mmu, false);
}

const struct vmsim_mmu_stats *vmsim_hw_mmu_stats(const struct vmsim_hw_mmu *mmu)
{
	return &mmu->mmu.stats;
}

const struct vmsim_mmu_cfg *vmsim_hw_mmu_cfg(const struct vmsim_hw_mmu *mmu)
{
	return &mmu->mmu.cfg;
}
