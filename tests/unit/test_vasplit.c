/*
 * Unit tests of vmsim_va_split and vmsim_va_is_canonical (src/mmu/vasplit.c).
 *
 * The known answers were worked out by hand, not by the code under test.
 * The seed's address 0x7ffd12345678, bit 47 on the left:
 *
 *   hex     7    f    f    d    1    2    3    4    5    6    7    8
 *   bits    0111 1111 1111 1101 0001 0010 0011 0100 0101 0110 0111 1000
 *   fields  011111111 111110100 010010001 101000101 011001111000
 *           PML4=255  PDPT=500  PD=145    PT=325    offset=0x678
 *                     =0x1f4    =0x91     =0x145
 *
 * With 2M pages PT's bits join the offset (0x145678), with 1G pages PD's
 * too (0x12345678); 5-level paging puts PML5 = 0 (bits 56..48) on top.
 */
#include <string.h>

#include "testutil.h"

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"

#define SEED_VA 0x7ffd12345678ULL

/* Check slot @i of @s: name, SDM level, bit range and index. */
static void check_level(const struct vmsim_va_split *s, unsigned i, const char *name,
			unsigned level, unsigned hi, unsigned lo, unsigned index)
{
	assert_true(i < s->nlevels);
	assert_string_equal(s->level[i].name, name);
	assert_int_equal(s->level[i].level, level);
	assert_int_equal(s->level[i].hi, hi);
	assert_int_equal(s->level[i].lo, lo);
	assert_int_equal(s->level[i].index, index);
}

/* Slots past nlevels must be zeroed, so nobody reads stale indices. */
static void check_unused_zero(const struct vmsim_va_split *s)
{
	unsigned i;

	for (i = s->nlevels; i < VMSIM_MAX_LEVELS; i++) {
		assert_null(s->level[i].name);
		assert_int_equal(s->level[i].index, 0);
		assert_int_equal(s->level[i].hi, 0);
	}
}

static void split_seed_address_4level_4k_gives_hand_indices(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(SEED_VA, 4, VMSIM_PAGE_4K, &s));
	assert_int_equal(s.va, SEED_VA);
	assert_int_equal(s.levels, 4);
	assert_int_equal(s.ps, VMSIM_PAGE_4K);
	assert_int_equal(s.va_bits, 48);
	assert_int_equal(s.offset_bits, 12);
	assert_int_equal(s.offset, 0x678);
	assert_int_equal(s.vpn, 0x7ffd12345ULL);
	assert_int_equal(s.nlevels, 4);
	check_level(&s, 0, "PML4", 4, 47, 39, 255);
	check_level(&s, 1, "PDPT", 3, 38, 30, 500);
	check_level(&s, 2, "PD", 2, 29, 21, 145);
	check_level(&s, 3, "PT", 1, 20, 12, 325);
	assert_int_equal(s.level[1].index, 0x1f4);
	assert_int_equal(s.level[2].index, 0x91);
	assert_int_equal(s.level[3].index, 0x145);
	check_unused_zero(&s);
}

static void split_seed_address_2m_stops_at_pd(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(SEED_VA, 4, VMSIM_PAGE_2M, &s));
	assert_int_equal(s.offset_bits, 21);
	assert_int_equal(s.offset, 0x145678);
	assert_int_equal(s.vpn, 0x3ffe891); /* 0x7ffd12345678 >> 21 */
	assert_int_equal(s.nlevels, 3);
	check_level(&s, 0, "PML4", 4, 47, 39, 255);
	check_level(&s, 1, "PDPT", 3, 38, 30, 500);
	check_level(&s, 2, "PD", 2, 29, 21, 145);
	check_unused_zero(&s);
}

static void split_seed_address_1g_stops_at_pdpt(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(SEED_VA, 4, VMSIM_PAGE_1G, &s));
	assert_int_equal(s.offset_bits, 30);
	assert_int_equal(s.offset, 0x12345678);
	assert_int_equal(s.vpn, 0x1fff4); /* 0x7ffd12345678 >> 30 */
	assert_int_equal(s.nlevels, 2);
	check_level(&s, 0, "PML4", 4, 47, 39, 255);
	check_level(&s, 1, "PDPT", 3, 38, 30, 500);
	check_unused_zero(&s);
}

static void split_seed_address_5level_adds_pml5_zero(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(SEED_VA, 5, VMSIM_PAGE_4K, &s));
	assert_int_equal(s.va_bits, 57);
	assert_int_equal(s.offset, 0x678);
	assert_int_equal(s.vpn, 0x7ffd12345ULL);
	assert_int_equal(s.nlevels, 5);
	check_level(&s, 0, "PML5", 5, 56, 48, 0);
	check_level(&s, 1, "PML4", 4, 47, 39, 255);
	check_level(&s, 2, "PDPT", 3, 38, 30, 500);
	check_level(&s, 3, "PD", 2, 29, 21, 145);
	check_level(&s, 4, "PT", 1, 20, 12, 325);
}

static void split_5level_2m_and_1g_stop_early(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(SEED_VA, 5, VMSIM_PAGE_2M, &s));
	assert_int_equal(s.nlevels, 4);
	check_level(&s, 3, "PD", 2, 29, 21, 145);
	assert_int_equal(s.offset, 0x145678);
	check_unused_zero(&s);

	/*
	 * 0xff00000000000000, the lowest upper-half address with 5 levels:
	 *   63   57 56     48 47 ... 0
	 *   1111111 100000000 000 ... 0   -> PML5 = 256, all else 0
	 */
	assert_ok(vmsim_va_split(0xff00000000000000ULL, 5, VMSIM_PAGE_1G, &s));
	assert_int_equal(s.nlevels, 3);
	check_level(&s, 0, "PML5", 5, 56, 48, 256);
	check_level(&s, 1, "PML4", 4, 47, 39, 0);
	check_level(&s, 2, "PDPT", 3, 38, 30, 0);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.vpn, 1ULL << 26); /* bit 56 is bit 26 of the 1G page number */
	check_unused_zero(&s);
}

/*
 * The kernel text address 0xffffffff81000000: the top 2 GiB start at PML4
 * 511, PDPT 510 (0xffffffff80000000); 0x01000000 further is 16 MiB = 8 PD
 * entries of 2 MiB. The page number leaves out the sign-extension bits.
 */
static void split_kernel_address_uses_top_entries(void **state)
{
	struct vmsim_va_split s;

	(void)state;
	assert_ok(vmsim_va_split(0xffffffff81000000ULL, 4, VMSIM_PAGE_4K, &s));
	check_level(&s, 0, "PML4", 4, 47, 39, 511);
	check_level(&s, 1, "PDPT", 3, 38, 30, 510);
	check_level(&s, 2, "PD", 2, 29, 21, 8);
	check_level(&s, 3, "PT", 1, 20, 12, 0);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.vpn, 0xffff81000ULL);
}

static void canonical_4level_boundaries(void **state)
{
	(void)state;
	assert_true(vmsim_va_is_canonical(0, 4));
	assert_true(vmsim_va_is_canonical(0x00007fffffffffffULL, 4));
	assert_false(vmsim_va_is_canonical(0x0000800000000000ULL, 4));
	assert_false(vmsim_va_is_canonical(0xffff7fffffffffffULL, 4));
	assert_true(vmsim_va_is_canonical(0xffff800000000000ULL, 4));
	assert_true(vmsim_va_is_canonical(0xffffffffffffffffULL, 4));
	assert_false(vmsim_va_is_canonical(0x8000000000000000ULL, 4));
	assert_false(vmsim_va_is_canonical(0x0001000000000000ULL, 4)); /* bit 48 alone */
}

static void canonical_5level_boundaries(void **state)
{
	(void)state;
	assert_true(vmsim_va_is_canonical(0x0000800000000000ULL, 5));
	assert_true(vmsim_va_is_canonical(0x00ffffffffffffffULL, 5));
	assert_false(vmsim_va_is_canonical(0x0100000000000000ULL, 5));
	assert_false(vmsim_va_is_canonical(0xfeffffffffffffffULL, 5));
	assert_true(vmsim_va_is_canonical(0xff00000000000000ULL, 5));
	assert_true(vmsim_va_is_canonical(0xffff800000000000ULL, 5));
	assert_false(vmsim_va_is_canonical(0x0200000000000000ULL, 5)); /* bit 57 alone */
}

static void canonical_other_levels_is_false(void **state)
{
	(void)state;
	assert_false(vmsim_va_is_canonical(0, 3));
	assert_false(vmsim_va_is_canonical(0, 0));
	assert_false(vmsim_va_is_canonical(0, 6));
}

static void split_noncanonical_returns_enoncanon_and_keeps_out(void **state)
{
	struct vmsim_va_split s, before;

	(void)state;
	memset(&s, 0xa5, sizeof(s));
	before = s;
	assert_int_equal(vmsim_va_split(0x0000800000000000ULL, 4, VMSIM_PAGE_4K, &s),
			 VMSIM_ENONCANON);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(vmsim_va_split(0x0100000000000000ULL, 5, VMSIM_PAGE_4K, &s),
			 VMSIM_ENONCANON);
	assert_memory_equal(&s, &before, sizeof(s));

	/* the same address is fine once 5 levels translate bit 47 */
	assert_ok(vmsim_va_split(0x0000800000000000ULL, 5, VMSIM_PAGE_4K, &s));
	check_level(&s, 0, "PML5", 5, 56, 48, 0);
	check_level(&s, 1, "PML4", 4, 47, 39, 256);
}

static void split_bad_levels_or_page_size_returns_einval(void **state)
{
	struct vmsim_va_split s, before;

	(void)state;
	memset(&s, 0x5a, sizeof(s));
	before = s;
	assert_int_equal(vmsim_va_split(0x1000, 3, VMSIM_PAGE_4K, &s), VMSIM_EINVAL);
	assert_int_equal(vmsim_va_split(0x1000, 6, VMSIM_PAGE_4K, &s), VMSIM_EINVAL);
	assert_int_equal(vmsim_va_split(0x1000, 0, VMSIM_PAGE_4K, &s), VMSIM_EINVAL);
	assert_int_equal(vmsim_va_split(0x1000, 4, (enum vmsim_page_size)3, &s), VMSIM_EINVAL);
	assert_int_equal(vmsim_va_split(0x1000, 5, (enum vmsim_page_size)3, &s), VMSIM_EINVAL);
	/* a bad argument wins over a non-canonical address */
	assert_int_equal(vmsim_va_split(0x0000800000000000ULL, 3, VMSIM_PAGE_4K, &s), VMSIM_EINVAL);
	assert_memory_equal(&s, &before, sizeof(s));
}

/*
 * For random canonical addresses and every mode, the fields tile bits
 * va_bits-1..0 without gap or overlap, and putting the indices and the
 * offset back together (then sign-extending) gives the address again.
 */
static void split_fields_reassemble_the_address(void **state)
{
	struct rng r;
	unsigned n, levels, ps, i;

	(void)state;
	rng_seed(&r, 42);
	for (n = 0; n < 2000; n++) {
		for (levels = 4; levels <= 5; levels++) {
			unsigned va_bits = levels == 4 ? 48 : 57;
			uint64_t low = rng_next(&r) & ((1ULL << va_bits) - 1);
			vaddr_t va = (low >> (va_bits - 1)) ? low | (~0ULL << va_bits) : low;

			for (ps = 0; ps < VMSIM_NPAGE_SIZES; ps++) {
				struct vmsim_va_split s;
				uint64_t back;
				unsigned next_hi = va_bits - 1;

				assert_ok(vmsim_va_split(va, levels, (enum vmsim_page_size)ps, &s));
				assert_int_equal(s.nlevels, levels - ps);
				back = s.offset;
				for (i = 0; i < s.nlevels; i++) {
					assert_int_equal(s.level[i].hi, next_hi);
					assert_int_equal(s.level[i].hi - s.level[i].lo, 8);
					assert_true(s.level[i].index < 512);
					back |= (uint64_t)s.level[i].index << s.level[i].lo;
					next_hi = s.level[i].lo - 1;
				}
				assert_int_equal(next_hi, s.offset_bits - 1);
				assert_true(s.offset < (1ULL << s.offset_bits));
				assert_int_equal(s.vpn << s.offset_bits | s.offset, low);
				if (back >> (va_bits - 1))
					back |= ~0ULL << va_bits;
				assert_int_equal(back, va);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(split_seed_address_4level_4k_gives_hand_indices),
	    cmocka_unit_test(split_seed_address_2m_stops_at_pd),
	    cmocka_unit_test(split_seed_address_1g_stops_at_pdpt),
	    cmocka_unit_test(split_seed_address_5level_adds_pml5_zero),
	    cmocka_unit_test(split_5level_2m_and_1g_stop_early),
	    cmocka_unit_test(split_kernel_address_uses_top_entries),
	    cmocka_unit_test(canonical_4level_boundaries),
	    cmocka_unit_test(canonical_5level_boundaries),
	    cmocka_unit_test(canonical_other_levels_is_false),
	    cmocka_unit_test(split_noncanonical_returns_enoncanon_and_keeps_out),
	    cmocka_unit_test(split_bad_levels_or_page_size_returns_einval),
	    cmocka_unit_test(split_fields_reassemble_the_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
