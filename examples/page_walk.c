/*
 * An example of libvmsim's bare-hardware API (vmsim/hw.h): a page table
 * built by hand, then the MMU walking it. Map one 4 KiB page read-only for
 * user mode, translate a read (a walk, then a TLB hit), print the entries
 * on the path with the accessed bits the walker set, then try a write (a
 * protection fault with its x86 error code). Exits 1 if anything is not as
 * the hardware would have it. Build against an installed vmsim with
 *
 *	cc page_walk.c $(pkg-config --cflags --libs vmsim) -o page_walk
 */
#include <inttypes.h>
#include <stdio.h>

#include "vmsim/hw.h"

int main(void)
{
	struct vmsim_hw *hw;
	struct vmsim_hw_pt *pt;
	struct vmsim_hw_mmu *mmu;
	struct vmsim_mmu_cfg cfg;
	struct vmsim_hw_xlate x;
	const vmsim_vaddr_t va = 0x00007f0000401000ULL;
	vmsim_pfn_t page;
	int bad = 0;

	if (vmsim_hw_new(16ULL << 20, &hw) || vmsim_hw_pt_new(hw, 4, &pt) ||
	    vmsim_cpu_preset("skylake", &cfg) || vmsim_hw_mmu_new(hw, &cfg, &mmu) ||
	    vmsim_hw_frame_alloc(hw, 0, &page))
		return 1;
	if (vmsim_hw_pt_map(pt, va, page, VMSIM_PAGE_4K, VMSIM_PTE_US | VMSIM_PTE_NX))
		return 1;
	printf("mapped %#" PRIx64 " -> frame %#" PRIx64 " with %" PRIu64 " table frames\n", va,
	       page, vmsim_hw_pt_tables(pt));
	vmsim_hw_mmu_set_cr3(mmu, vmsim_hw_pt_root(pt), 0, false);

	for (int i = 0; i < 2; i++) {
		enum vmsim_hw_fault f = vmsim_hw_mmu_translate(mmu, va + 0x10, VMSIM_ACC_USER, &x);
		printf("read  %#" PRIx64 ": %s, pa %#" PRIx64 ", walks so far %" PRIu64 "\n",
		       va + 0x10, f == VMSIM_HW_OK ? "ok" : "fault", x.pa,
		       vmsim_hw_mmu_stats(mmu)->walk.walks);
		bad |= f != VMSIM_HW_OK || x.pa != (page << 12) + 0x10;
	}

	static const char *const level[] = {"", "PT", "PD", "PDPT", "PML4"};
	vmsim_pfn_t table = vmsim_hw_pt_root(pt);
	for (unsigned l = 4; l >= 1; l--) {
		unsigned index = (unsigned)(va >> (12 + 9 * (l - 1))) & 511;
		uint64_t e = vmsim_hw_entry(hw, table, index);
		printf("  %-4s[%3u] = %#018" PRIx64 "  %s%s%s%s\n", level[l], index, e,
		       e & VMSIM_PTE_P ? "P" : "-", e & VMSIM_PTE_RW ? " RW" : "",
		       e & VMSIM_PTE_US ? " US" : "", e & VMSIM_PTE_A ? " A" : "");
		bad |= !(e & VMSIM_PTE_A);
		table = (e & VMSIM_PTE_PFN) >> 12;
	}

	enum vmsim_hw_fault f =
	    vmsim_hw_mmu_translate(mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x);
	printf("write %#" PRIx64 ": %s, error code %#x (present, write, user)\n", va,
	       f == VMSIM_HW_PROTECTION ? "protection fault" : "?", x.error_code);
	bad |= f != VMSIM_HW_PROTECTION || x.error_code != 0x7;

	vmsim_hw_mmu_free(mmu);
	vmsim_hw_pt_free(pt);
	vmsim_hw_frame_free(hw, page, 0);
	bad |= vmsim_hw_frames_free(hw) != vmsim_hw_frames(hw);
	vmsim_hw_free(hw);
	return bad;
}
