/*
 * The bare-hardware API (include/vmsim/hw.h) used as a student would: RAM,
 * a page-table tree built by hand, an MMU translating through it. Checks
 * the entries the tree holds, what the walker sets in them, the faults and
 * their error codes, the TLB, two trees switched by CR3, and that every
 * frame comes back.
 */
#include "testutil.h"

#include "vmsim/error.h"
#include "vmsim/hw.h"

#define MB (1ULL << 20)

struct rig {
	struct vmsim_hw *hw;
	struct vmsim_hw_pt *pt;
	struct vmsim_hw_mmu *mmu;
};

static void rig_up(struct rig *r, unsigned levels)
{
	struct vmsim_mmu_cfg cfg;
	assert_ok(vmsim_hw_new(64 * MB, &r->hw));
	assert_ok(vmsim_hw_pt_new(r->hw, levels, &r->pt));
	assert_ok(vmsim_cpu_preset("skylake", &cfg));
	cfg.levels = levels;
	assert_ok(vmsim_hw_mmu_new(r->hw, &cfg, &r->mmu));
	vmsim_hw_mmu_set_cr3(r->mmu, vmsim_hw_pt_root(r->pt), 0, false);
}

static void rig_down(struct rig *r)
{
	vmsim_hw_mmu_free(r->mmu);
	vmsim_hw_pt_free(r->pt);
	assert_int_equal(vmsim_hw_frames_free(r->hw), vmsim_hw_frames(r->hw));
	vmsim_hw_free(r->hw);
}

/* The entry at @level on the way to @va (root = @levels). */
static uint64_t entry_at(const struct rig *r, vaddr_t va, unsigned level)
{
	pfn_t table = vmsim_hw_pt_root(r->pt);
	uint64_t e = 0;
	for (unsigned l = vmsim_hw_pt_levels(r->pt); l >= level; l--) {
		e = vmsim_hw_entry(r->hw, table, (unsigned)(va >> (12 + 9 * (l - 1))) & 511);
		table = (e & VMSIM_PTE_PFN) >> 12;
	}
	return e;
}

static void ram_sizes_and_frames(void **state)
{
	struct vmsim_hw *hw;
	pfn_t a, b;
	(void)state;
	assert_int_equal(vmsim_hw_new(4096 * 10, &hw), VMSIM_EINVAL); /* below 64 frames */
	assert_null(hw);
	assert_int_equal(vmsim_hw_new(64 * MB + 1, &hw), VMSIM_EINVAL);
	assert_ok(vmsim_hw_new(64 * MB, &hw));
	assert_int_equal(vmsim_hw_frames(hw), 16384);
	assert_int_equal(vmsim_hw_frames_free(hw), 16384);
	assert_ok(vmsim_hw_frame_alloc(hw, 9, &a)); /* 2 MiB, aligned */
	assert_int_equal(a % 512, 0);
	assert_ok(vmsim_hw_frame_alloc(hw, 0, &b));
	assert_int_equal(vmsim_hw_frames_free(hw), 16384 - 513);
	assert_int_equal(vmsim_hw_frame_alloc(hw, 19, &b), VMSIM_EINVAL);
	assert_int_equal(vmsim_hw_frame_alloc(hw, 15, &b), VMSIM_ENOMEM); /* 128 MiB */
	assert_int_equal(vmsim_hw_entry(hw, a, 0), 0);			  /* not a table */
	vmsim_hw_frame_free(hw, a, 9);
	vmsim_hw_frame_free(hw, b + 0, 0);
	assert_int_equal(vmsim_hw_frames_free(hw), 16384);
	vmsim_hw_free(hw);
}

static void map_builds_the_tree(void **state)
{
	struct rig r;
	struct vmsim_hw_pt *five;
	pfn_t f;
	const vaddr_t va = 0x7ffd12345000ULL;
	(void)state;
	rig_up(&r, 4);
	assert_int_equal(vmsim_hw_pt_tables(r.pt), 1);
	assert_ok(vmsim_hw_frame_alloc(r.hw, 0, &f));
	assert_ok(vmsim_hw_pt_map(r.pt, va, f, VMSIM_PAGE_4K, VMSIM_PTE_RW | VMSIM_PTE_US));
	assert_int_equal(vmsim_hw_pt_tables(r.pt), 4); /* PML4, PDPT, PD, PT */
	for (unsigned l = 4; l >= 2; l--)
		assert_int_equal(entry_at(&r, va, l) & 0xfff,
				 VMSIM_PTE_P | VMSIM_PTE_RW | VMSIM_PTE_US);
	uint64_t leaf = entry_at(&r, va, 1);
	assert_int_equal((leaf & VMSIM_PTE_PFN) >> 12, f);
	assert_int_equal(leaf & 0xfff, VMSIM_PTE_P | VMSIM_PTE_RW | VMSIM_PTE_US);
	/* refused: mapped already, misaligned, non-canonical, a bad level count */
	assert_int_equal(vmsim_hw_pt_map(r.pt, va, f, VMSIM_PAGE_4K, 0), VMSIM_EEXIST);
	assert_int_equal(vmsim_hw_pt_map(r.pt, va + 8, f, VMSIM_PAGE_4K, 0), VMSIM_EALIGN);
	assert_int_equal(vmsim_hw_pt_map(r.pt, 0x0000800000000000ULL, f, VMSIM_PAGE_4K, 0),
			 VMSIM_ENONCANON);
	assert_int_equal(vmsim_hw_pt_new(r.hw, 3, &five), VMSIM_EINVAL);
	assert_ok(vmsim_hw_pt_new(r.hw, 5, &five));
	assert_int_equal(vmsim_hw_pt_levels(five), 5);
	vmsim_hw_pt_free(five);
	vmsim_hw_frame_free(r.hw, f, 0);
	rig_down(&r);
}

static void walker_sets_accessed_and_dirty(void **state)
{
	struct rig r;
	struct vmsim_hw_xlate x;
	pfn_t f;
	const vaddr_t va = 0x400000;
	(void)state;
	rig_up(&r, 4);
	assert_ok(vmsim_hw_frame_alloc(r.hw, 0, &f));
	assert_ok(vmsim_hw_pt_map(r.pt, va, f, VMSIM_PAGE_4K, VMSIM_PTE_RW | VMSIM_PTE_US));
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 0x123, VMSIM_ACC_USER, &x),
			 VMSIM_HW_OK);
	assert_int_equal(x.pa, (f << 12) + 0x123);
	assert_int_equal(x.ps, VMSIM_PAGE_4K);
	for (unsigned l = 4; l >= 1; l--)
		assert_true(entry_at(&r, va, l) & VMSIM_PTE_A);
	assert_false(entry_at(&r, va, 1) & VMSIM_PTE_D); /* a read */
	assert_int_equal(vmsim_hw_mmu_stats(r.mmu)->walk.walks, 1);
	assert_int_equal(vmsim_hw_mmu_stats(r.mmu)->walk.mem_refs, 4);
	/* the same page again: a TLB hit, no walk; a write then sets D */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 8, VMSIM_ACC_USER, &x), VMSIM_HW_OK);
	assert_int_equal(vmsim_hw_mmu_stats(r.mmu)->walk.walks, 1);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 VMSIM_HW_OK);
	assert_true(entry_at(&r, va, 1) & VMSIM_PTE_D);
	assert_int_equal(vmsim_hw_mmu_stats(r.mmu)->translations, 3);
	vmsim_hw_frame_free(r.hw, f, 0);
	rig_down(&r);
}

static void faults_and_error_codes(void **state)
{
	struct rig r;
	struct vmsim_hw_xlate x;
	pfn_t f;
	const vaddr_t ro = 0x400000, kernel = 0xffffffff81000000ULL, nx = 0x600000;
	(void)state;
	rig_up(&r, 4);
	assert_ok(vmsim_hw_frame_alloc(r.hw, 0, &f));
	assert_ok(vmsim_hw_pt_map(r.pt, ro, f, VMSIM_PAGE_4K, VMSIM_PTE_US));
	assert_ok(vmsim_hw_pt_map(r.pt, kernel, f, VMSIM_PAGE_4K, VMSIM_PTE_RW));
	assert_ok(vmsim_hw_pt_map(r.pt, nx, f, VMSIM_PAGE_4K, VMSIM_PTE_US | VMSIM_PTE_NX));
	/* nothing mapped in this PD: not present at level 2, error code U */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, 0x800000, VMSIM_ACC_USER, &x),
			 VMSIM_HW_NOT_PRESENT);
	assert_int_equal(x.level, 2);
	assert_int_equal(x.error_code, 0x4);
	/* a user write to a read-only page: P | W | U */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, ro, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 VMSIM_HW_PROTECTION);
	assert_int_equal(x.error_code, 0x7);
	/* a user read of a supervisor page: P | U */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, kernel, VMSIM_ACC_USER, &x),
			 VMSIM_HW_PROTECTION);
	assert_int_equal(x.error_code, 0x5);
	/* the kernel itself may */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, kernel, VMSIM_ACC_WRITE, &x), VMSIM_HW_OK);
	/* a fetch from an NX page: P | U | I */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, nx, VMSIM_ACC_USER | VMSIM_ACC_FETCH, &x),
			 VMSIM_HW_PROTECTION);
	assert_int_equal(x.error_code, 0x15);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, 0x0000800000000000ULL, VMSIM_ACC_USER, &x),
			 VMSIM_HW_NONCANONICAL);
	/* unmapped, the TLB still holds it until flushed */
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, ro, VMSIM_ACC_USER, &x), VMSIM_HW_OK);
	assert_ok(vmsim_hw_pt_unmap(r.pt, ro));
	assert_int_equal(vmsim_hw_pt_unmap(r.pt, ro), VMSIM_ENOENT);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, ro, VMSIM_ACC_USER, &x), VMSIM_HW_OK);
	vmsim_hw_mmu_flush(r.mmu);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, ro, VMSIM_ACC_USER, &x),
			 VMSIM_HW_NOT_PRESENT);
	assert_int_equal(x.level, 1);
	vmsim_hw_frame_free(r.hw, f, 0);
	rig_down(&r);
}

static void huge_pages_and_two_trees(void **state)
{
	struct rig r;
	struct vmsim_hw_pt *other;
	struct vmsim_hw_xlate x;
	pfn_t big, small;
	const vaddr_t va = 0x40000000ULL;
	(void)state;
	rig_up(&r, 4);
	assert_ok(vmsim_hw_frame_alloc(r.hw, 9, &big));
	assert_ok(vmsim_hw_frame_alloc(r.hw, 0, &small));
	assert_int_equal(vmsim_hw_pt_map(r.pt, va, big + 1, VMSIM_PAGE_2M, VMSIM_PTE_US),
			 VMSIM_EALIGN);
	assert_ok(vmsim_hw_pt_map(r.pt, va, big, VMSIM_PAGE_2M, VMSIM_PTE_US));
	assert_int_equal(vmsim_hw_pt_tables(r.pt), 3); /* no PT under a 2 MiB leaf */
	assert_true(entry_at(&r, va, 2) & VMSIM_PTE_PS);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 0x12345, VMSIM_ACC_USER, &x),
			 VMSIM_HW_OK);
	assert_int_equal(x.ps, VMSIM_PAGE_2M);
	assert_int_equal(x.pa, (big << 12) + 0x12345);
	/* a second tree maps the same address elsewhere; CR3 picks the tree */
	assert_ok(vmsim_hw_pt_new(r.hw, 4, &other));
	assert_ok(vmsim_hw_pt_map(other, va, small, VMSIM_PAGE_4K, VMSIM_PTE_US));
	vmsim_hw_mmu_set_cr3(r.mmu, vmsim_hw_pt_root(other), 0, false);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 8, VMSIM_ACC_USER, &x), VMSIM_HW_OK);
	assert_int_equal(x.pa, (small << 12) + 8);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 0x12345, VMSIM_ACC_USER, &x),
			 VMSIM_HW_NOT_PRESENT);
	vmsim_hw_mmu_set_cr3(r.mmu, vmsim_hw_pt_root(r.pt), 0, false);
	assert_int_equal(vmsim_hw_mmu_translate(r.mmu, va + 8, VMSIM_ACC_USER, &x), VMSIM_HW_OK);
	assert_int_equal(x.pa, (big << 12) + 8);
	assert_string_equal(vmsim_hw_mmu_cfg(r.mmu)->cpu, "skylake");
	vmsim_hw_mmu_flush(r.mmu);
	vmsim_hw_pt_free(other);
	vmsim_hw_frame_free(r.hw, small, 0);
	vmsim_hw_frame_free(r.hw, big, 9);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ram_sizes_and_frames),
	    cmocka_unit_test(map_builds_the_tree),
	    cmocka_unit_test(walker_sets_accessed_and_dirty),
	    cmocka_unit_test(faults_and_error_codes),
	    cmocka_unit_test(huge_pages_and_two_trees),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
