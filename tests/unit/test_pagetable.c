/*
 * Page-table primitives: mapping every page size, lookups, unmapping,
 * protection changes, pruning, tear-down and out-of-memory unwinding.
 */
#include "testutil.h"

#include <string.h>

#include "mmu/pagetable.h"
#include "vmsim/error.h"

struct fix {
	struct phys_mem pm;
	struct pagetable pt;
};

static int setup4(void **state)
{
	static struct fix f;
	assert_ok(phys_init(&f.pm, 64ULL << 20, false));
	assert_ok(pt_init(&f.pt, &f.pm, 4));
	*state = &f;
	return 0;
}

static int setup5(void **state)
{
	static struct fix f;
	assert_ok(phys_init(&f.pm, 64ULL << 20, false));
	assert_ok(pt_init(&f.pt, &f.pm, 5));
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	testutil_check_phys(&f->pm);
	pt_release(&f->pt);
	assert_int_equal(f->pm.nr_free, f->pm.nframes); /* every table frame came back */
	testutil_check_phys(&f->pm);
	phys_release(&f->pm);
	return 0;
}

static void map_4k_builds_one_table_per_level(void **state)
{
	struct fix *f = *state;
	assert_ok(pt_map(&f->pt, 0x7ffd12345000ULL, 0x1234, VMSIM_PAGE_4K, PTE_RW | PTE_US));
	assert_int_equal(f->pt.ntables, 4); /* PML4 + PDPT + PD + PT */

	/* read the entries by hand: indices 255, 500, 145, 325 (0x145) */
	pte_t *pml4 = pt_table(&f->pm, f->pt.root);
	assert_true(pml4[255] & PTE_P);
	pte_t *pdpt = pt_table(&f->pm, pte_pfn(pml4[255], false));
	assert_true(pdpt[500] & PTE_P);
	pte_t *pd = pt_table(&f->pm, pte_pfn(pdpt[500], false));
	assert_true(pd[145] & PTE_P);
	pte_t *pt = pt_table(&f->pm, pte_pfn(pd[145], false));
	assert_int_equal(pt[325], pte_make(0x1234, PTE_P | PTE_RW | PTE_US));
	/* intermediate entries are P|RW|US, no PS, no A yet */
	assert_int_equal(pml4[255] & 0xFFF, PTE_TABLE_FLAGS);
}

static void map_second_page_in_same_table_allocates_nothing(void **state)
{
	struct fix *f = *state;
	assert_ok(pt_map(&f->pt, 0x400000, 10, VMSIM_PAGE_4K, PTE_RW));
	uint64_t n = f->pt.ntables;
	assert_ok(pt_map(&f->pt, 0x401000, 11, VMSIM_PAGE_4K, PTE_RW));
	assert_int_equal(f->pt.ntables, n);
}

static void map_huge_pages_stop_at_pd_and_pdpt(void **state)
{
	struct fix *f = *state;
	unsigned level;
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 512, VMSIM_PAGE_2M, PTE_RW));
	pte_t *e = pt_lookup(&f->pt, 0x40012345ULL, &level);
	assert_int_equal(level, 2);
	assert_true(*e & PTE_PS);
	assert_int_equal(pte_pfn(*e, true), 512);

	assert_ok(pt_map(&f->pt, 0x80000000ULL, 262144, VMSIM_PAGE_1G, 0));
	e = pt_lookup(&f->pt, 0xBFFFFFFFULL, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte_pfn(*e, true), 262144);
	assert_int_equal(f->pt.ntables, 3); /* PML4, PDPT, one PD */
}

static void map_rejects_misaligned_overlapping_and_noncanonical(void **state)
{
	struct fix *f = *state;
	assert_int_equal(pt_map(&f->pt, 0x40001000ULL, 512, VMSIM_PAGE_2M, 0), VMSIM_EALIGN);
	assert_int_equal(pt_map(&f->pt, 0x40000000ULL, 513, VMSIM_PAGE_2M, 0), VMSIM_EALIGN);
	assert_int_equal(pt_map(&f->pt, 0x0000800000000000ULL, 1, VMSIM_PAGE_4K, 0),
			 VMSIM_ENONCANON);
	assert_int_equal(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, PTE_P), VMSIM_EINVAL);

	assert_ok(pt_map(&f->pt, 0x40000000ULL, 512, VMSIM_PAGE_2M, 0));
	/* a 4K page inside the 2M one, the same 2M again */
	assert_int_equal(pt_map(&f->pt, 0x40005000ULL, 7, VMSIM_PAGE_4K, 0), VMSIM_EEXIST);
	assert_int_equal(pt_map(&f->pt, 0x40000000ULL, 1024, VMSIM_PAGE_2M, 0), VMSIM_EEXIST);
	/* a 2M page over a page table that maps 4K pages */
	assert_ok(pt_map(&f->pt, 0x00200000ULL, 3, VMSIM_PAGE_4K, 0));
	assert_int_equal(pt_map(&f->pt, 0x00200000ULL, 512, VMSIM_PAGE_2M, 0), VMSIM_EEXIST);
	/* a 1G page over a PD */
	assert_int_equal(pt_map(&f->pt, 0, 0, VMSIM_PAGE_1G, 0), VMSIM_EEXIST);
}

static void lookup_stops_at_first_missing_level(void **state)
{
	struct fix *f = *state;
	unsigned level;
	pte_t *e = pt_lookup(&f->pt, 0x1000, &level);
	assert_non_null(e);
	assert_int_equal(level, 4);
	assert_int_equal(*e, 0);
	assert_null(pt_lookup(&f->pt, 0x0000900000000000ULL, &level));
	assert_ok(pt_map(&f->pt, 0x1000, 5, VMSIM_PAGE_4K, 0));
	e = pt_lookup(&f->pt, 0x2000, &level);
	assert_int_equal(level, 1);
	assert_int_equal(*e, 0);
}

static void unmap_returns_old_entry_and_size(void **state)
{
	struct fix *f = *state;
	pte_t old;
	enum vmsim_page_size ps;
	assert_int_equal(pt_unmap(&f->pt, 0x40000000ULL, &old, &ps), VMSIM_ENOENT);
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 512, VMSIM_PAGE_2M, PTE_RW | PTE_D));
	assert_ok(pt_unmap(&f->pt, 0x40100000ULL, &old, &ps));
	assert_int_equal(ps, VMSIM_PAGE_2M);
	assert_int_equal(old, pte_make(512, PTE_P | PTE_PS | PTE_RW | PTE_D));
	assert_int_equal(pt_unmap(&f->pt, 0x40000000ULL, &old, &ps), VMSIM_ENOENT);
}

static void protect_changes_flags_but_never_frame_or_presence(void **state)
{
	struct fix *f = *state;
	unsigned level;
	assert_ok(pt_map(&f->pt, 0x5000, 9, VMSIM_PAGE_4K, PTE_RW | PTE_US));
	assert_ok(pt_protect(&f->pt, 0x5000, PTE_NX, PTE_RW));
	pte_t *e = pt_lookup(&f->pt, 0x5000, &level);
	assert_int_equal(*e, pte_make(9, PTE_P | PTE_US | PTE_NX));
	assert_int_equal(pt_protect(&f->pt, 0x5000, 0, PTE_P), VMSIM_EINVAL);
	assert_int_equal(pt_protect(&f->pt, 0x5000, 0x7000, 0), VMSIM_EINVAL);
	assert_int_equal(pt_protect(&f->pt, 0x6000, PTE_RW, 0), VMSIM_ENOENT);
}

static void prune_frees_only_tables_wholly_inside_an_empty_range(void **state)
{
	struct fix *f = *state;
	pte_t old;
	enum vmsim_page_size ps;
	/* two pages in different PDs under one PDPT */
	assert_ok(pt_map(&f->pt, 0x00001000ULL, 1, VMSIM_PAGE_4K, 0));
	assert_ok(pt_map(&f->pt, 0x40001000ULL, 2, VMSIM_PAGE_4K, 0));
	assert_int_equal(f->pt.ntables, 6);
	assert_ok(pt_unmap(&f->pt, 0x40001000ULL, &old, &ps));
	/* a range not covering the whole PT frees nothing */
	assert_int_equal(pt_prune(&f->pt, 0x40000000ULL, 0x40100000ULL), 0);
	/* the whole 1 GiB: its PT and PD go, the PDPT stays (it maps the other page) */
	assert_int_equal(pt_prune(&f->pt, 0x40000000ULL, 0x80000000ULL), 2);
	assert_int_equal(f->pt.ntables, 4);
	unsigned level;
	pte_t *e = pt_lookup(&f->pt, 0x1000, &level);
	assert_int_equal(pte_pfn(*e, false), 1);
}

static void prune_keeps_tables_holding_nonpresent_kernel_entries(void **state)
{
	struct fix *f = *state;
	pte_t *slot;
	assert_ok(pt_slot(&f->pt, 0x7000, VMSIM_PAGE_4K, &slot));
	*slot = 0x1234ULL << 1; /* a swap entry: not present, not zero */
	assert_int_equal(pt_prune(&f->pt, 0, 1ULL << 39), 0);
	*slot = 0;
	assert_int_equal(pt_prune(&f->pt, 0, 1ULL << 39), 3);
	assert_int_equal(f->pt.ntables, 1);
}

static int count_leaf(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	uint64_t *a = arg;
	(void)leaf;
	a[0]++;
	a[1] += 1ULL << vmsim_page_shift(ps);
	a[2] = va; /* last seen */
	return 0;
}

static void for_each_leaf_visits_in_address_order_with_canonical_va(void **state)
{
	struct fix *f = *state;
	uint64_t acc[3] = {0, 0, 0};
	assert_ok(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, 0));
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 512, VMSIM_PAGE_2M, 0));
	assert_ok(pt_map(&f->pt, 0xffffffff80000000ULL, 262144, VMSIM_PAGE_1G, PTE_G));
	assert_ok(pt_for_each_leaf(&f->pt, count_leaf, acc));
	assert_int_equal(acc[0], 3);
	assert_int_equal(acc[1], 4096 + (2 << 20) + (1ULL << 30));
	assert_int_equal(acc[2], 0xffffffff80000000ULL);
	/* a non-present but non-zero 4K entry (a swap entry) is visited too */
	pte_t *slot;
	assert_ok(pt_slot(&f->pt, 0x3000, VMSIM_PAGE_4K, &slot));
	*slot = 0x5ULL << 12;
	memset(acc, 0, sizeof(acc));
	assert_ok(pt_for_each_leaf(&f->pt, count_leaf, acc));
	assert_int_equal(acc[0], 4);
	*slot = 0;
}

static void map_out_of_frames_fails_cleanly(void **state)
{
	struct fix *f = *state;
	f->pm.nallocs = 0;
	f->pm.fail_alloc_at = 2; /* PDPT succeeds, PD fails */
	assert_int_equal(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, 0), VMSIM_ENOMEM);
	f->pm.fail_alloc_at = 0;
	unsigned level;
	pte_t *e = pt_lookup(&f->pt, 0x1000, &level);
	assert_int_equal(level, 3); /* the PDPT is there, empty */
	assert_int_equal(*e, 0);
	assert_int_equal(f->pt.ntables, 2);
	assert_ok(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, 0));
}

static void five_level_tables_use_pml5_index(void **state)
{
	struct fix *f = *state;
	unsigned level;
	vaddr_t va = 0x00ff123456789000ULL; /* canonical only with 57-bit VAs */
	assert_ok(pt_map(&f->pt, va, 77, VMSIM_PAGE_4K, 0));
	assert_int_equal(f->pt.ntables, 5);
	pte_t *pml5 = pt_table(&f->pm, f->pt.root);
	assert_true(pml5[(va >> 48) & 511] & PTE_P);
	pte_t *e = pt_lookup(&f->pt, va, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pte_pfn(*e, false), 77);
}

static void split_2m_leaf_becomes_512_small_leaves_with_same_flags(void **state)
{
	struct fix *f = *state;
	unsigned level;
	assert_ok(
	    pt_map(&f->pt, 0x40000000ULL, 0x400, VMSIM_PAGE_2M, PTE_RW | PTE_US | PTE_A | PTE_D));
	*pt_lookup(&f->pt, 0x40000000ULL, &level) |= PTE_PAT_LARGE;
	uint64_t tables = f->pt.ntables;
	assert_ok(pt_split_2m(&f->pt, 0x40123000ULL));
	assert_int_equal(f->pt.ntables, tables + 1);
	for (unsigned i = 0; i < 512; i++) {
		pte_t *e = pt_lookup(&f->pt, 0x40000000ULL + i * 4096ULL, &level);
		assert_int_equal(level, 1);
		/* the PAT bit moves from bit 12 to bit 7 */
		assert_int_equal(
		    *e, pte_make(0x400 + i, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_PS));
	}
	assert_int_equal(pt_split_2m(&f->pt, 0x40000000ULL), VMSIM_ENOENT);
}

static int count_range(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	uint64_t *n = arg;
	(void)va;
	(void)leaf;
	(void)ps;
	(*n)++;
	return 0;
}

static void for_each_leaf_range_visits_only_the_range(void **state)
{
	struct fix *f = *state;
	uint64_t n = 0;
	for (unsigned i = 0; i < 1024; i++)
		assert_ok(pt_map(&f->pt, 0x10000000ULL + i * 4096ULL, i, VMSIM_PAGE_4K, 0));
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 512, VMSIM_PAGE_2M, 0));
	assert_ok(pt_for_each_leaf_range(&f->pt, 0x10001000ULL, 0x10003000ULL, count_range, &n));
	assert_int_equal(n, 2);
	n = 0;
	/* a huge leaf covering the start counts */
	assert_ok(pt_for_each_leaf_range(&f->pt, 0x40100000ULL, 0x40101000ULL, count_range, &n));
	assert_int_equal(n, 1);
	n = 0;
	assert_ok(pt_for_each_leaf_range(&f->pt, 0, 0x0000800000000000ULL, count_range, &n));
	assert_int_equal(n, 1025);
	n = 0;
	assert_ok(pt_for_each_leaf_range(&f->pt, 0x20000000ULL, 0x20000000ULL, count_range, &n));
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(map_4k_builds_one_table_per_level, setup4, teardown),
	    cmocka_unit_test_setup_teardown(map_second_page_in_same_table_allocates_nothing, setup4,
					    teardown),
	    cmocka_unit_test_setup_teardown(map_huge_pages_stop_at_pd_and_pdpt, setup4, teardown),
	    cmocka_unit_test_setup_teardown(map_rejects_misaligned_overlapping_and_noncanonical,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(lookup_stops_at_first_missing_level, setup4, teardown),
	    cmocka_unit_test_setup_teardown(unmap_returns_old_entry_and_size, setup4, teardown),
	    cmocka_unit_test_setup_teardown(protect_changes_flags_but_never_frame_or_presence,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(prune_frees_only_tables_wholly_inside_an_empty_range,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(prune_keeps_tables_holding_nonpresent_kernel_entries,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(for_each_leaf_visits_in_address_order_with_canonical_va,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(map_out_of_frames_fails_cleanly, setup4, teardown),
	    cmocka_unit_test_setup_teardown(five_level_tables_use_pml5_index, setup5, teardown),
	    cmocka_unit_test_setup_teardown(split_2m_leaf_becomes_512_small_leaves_with_same_flags,
					    setup4, teardown),
	    cmocka_unit_test_setup_teardown(for_each_leaf_range_visits_only_the_range, setup4,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
