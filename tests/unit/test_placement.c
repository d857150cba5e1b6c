/*
 * Where mmap puts areas: Linux 6.7+'s THP alignment of anonymous areas of
 * whole 2 MiB pages (no hint), and the 47-bit / 56-bit windows of 5-level
 * paging (a hint above 47 bits opts in; without one mmap stays below, as
 * Linux's DEFAULT_MAP_WINDOW; a fixed mapping may go anywhere in 56 bits).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	 VMSIM_PAGE_SIZE
#define MiB	 (1ULL << 20)
#define RW	 (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PRIV	 (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define LOW_TOP	 0x00007ffffffff000ULL /* 47-bit user space */
#define HIGH_VA	 0x00f0000000000000ULL
#define HIGH_TOP 0x00fffffffffff000ULL

struct fx {
	struct vmsim_system *sys;
	int pid;
};

static int fx_new(void **state, unsigned levels)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.mmu.levels = levels;
	cfg.check_every_event = true;
	if (vmsim_system_new(&cfg, &f->sys) || vmsim_process_create(f->sys, &f->pid))
		return -1;
	*state = f;
	return 0;
}

static int setup4(void **state)
{
	return fx_new(state, 4);
}

static int setup5(void **state)
{
	return fx_new(state, 5);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	int rc = vmsim_check(f->sys, why, sizeof(why));
	vmsim_system_free(f->sys);
	free(f);
	if (rc)
		fail_msg("vmsim_check: %s", why);
	return 0;
}

static vaddr_t map(struct fx *f, vaddr_t hint, uint64_t len, int flags)
{
	vaddr_t a = 0;
	assert_ok(vmsim_mmap(f->sys, f->pid, hint, len, RW, flags, -1, 0, &a));
	return a;
}

static void thp_align_places_whole_2m_areas_on_2m_boundaries(void **state)
{
	struct fx *f = *state;
	vaddr_t small = map(f, 0, 400 << 10, PRIV);
	vaddr_t big = map(f, 0, 8 * MiB, PRIV);
	assert_int_equal(big & (2 * MiB - 1), 0);
	assert_true(big + 8 * MiB <= small);
	assert_ok(vmsim_madvise(f->sys, f->pid, big, 8 * MiB, VMSIM_MADV_HUGEPAGE));
	for (vaddr_t va = big; va < big + 8 * MiB; va += PG)
		assert_ok(vmsim_access(f->sys, f->pid, va, 1, VMSIM_WRITE, NULL));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.faults_minor, 4);
	assert_int_equal(ps.anon_huge, 8 * MiB);
}

static void thp_align_leaves_other_lengths_and_hints_alone(void **state)
{
	struct fx *f = *state;
	vaddr_t small = map(f, 0, 400 << 10, PRIV);
	vaddr_t odd = map(f, 0, 2 * MiB + PG, PRIV); /* not a multiple: packed below */
	assert_int_equal(odd + 2 * MiB + PG, small);
	vaddr_t shm = map(f, 0, 2 * MiB, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS);
	assert_int_equal(shm + 2 * MiB, odd); /* shmem: not aligned (shmem_enabled never) */
	vaddr_t hinted = map(f, 0x40001000, 2 * MiB, PRIV); /* a free hint wins */
	assert_int_equal(hinted, 0x40001000);
}

static void five_level_without_hint_stays_below_47_bits(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, 0, 1 * MiB, PRIV);
	assert_true(a + MiB <= LOW_TOP);
	vaddr_t b = map(f, 0x100000000000ULL, 1 * MiB, PRIV); /* a low hint */
	assert_int_equal(b, 0x100000000000ULL);
}

static void five_level_high_hint_maps_above_47_bits(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, HIGH_VA, 1 * MiB, PRIV);
	assert_int_equal(a, HIGH_VA);
	assert_ok(vmsim_access(f->sys, f->pid, a + 100, 8, VMSIM_WRITE, NULL));
	/* the hint taken: the next one there searches down from the 56-bit top */
	vaddr_t b = map(f, HIGH_VA, 1 * MiB, PRIV);
	assert_true(b > LOW_TOP && b != a);
	assert_true(b + MiB <= HIGH_TOP);
	/* a hint that would straddle 47 bits is not taken */
	vaddr_t c = map(f, LOW_TOP - PG, 4 * PG, PRIV);
	assert_true(c + 4 * PG <= LOW_TOP);
}

static void five_level_fixed_mapping_at_high_address_works(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, HIGH_VA, 64 * PG, PRIV | VMSIM_MAP_FIXED);
	assert_int_equal(a, HIGH_VA);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(f->sys, f->pid, HIGH_VA + 5 * PG, 8, VMSIM_WRITE, &r));
	assert_false(r.segv);
	assert_int_equal(r.faults_minor, 1);
	vaddr_t out;
	assert_ok(
	    vmsim_mremap(f->sys, f->pid, a, 64 * PG, 128 * PG, VMSIM_MREMAP_MAYMOVE, 0, &out));
}

static void four_level_fixed_mapping_at_high_address_is_enomem(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_int_equal(
	    vmsim_mmap(f->sys, f->pid, HIGH_VA, 64 * PG, RW, PRIV | VMSIM_MAP_FIXED, -1, 0, &a),
	    VMSIM_ENOMEM);
	/* a high hint is only a hint: below 47 bits */
	a = map(f, HIGH_VA, MiB, PRIV);
	assert_true(a + MiB <= LOW_TOP);
}
/* A file mapping of @len bytes from @off of a fresh 8 MiB virtual file. */
static vaddr_t map_file(struct fx *f, uint64_t off, uint64_t len)
{
	vaddr_t a = 0;
	int fd;
	assert_ok(vmsim_file_create_virtual(f->sys, 8 * MiB, &fd));
	assert_ok(
	    vmsim_mmap(f->sys, f->pid, 0, len, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, off, &a));
	assert_ok(vmsim_file_close(f->sys, fd));
	return a;
}

/* As measured on this host's Linux 6.18 (ext4), one fresh process per case:
 * a file mapping lands congruent to its offset modulo 2 MiB exactly when
 * its file range holds a whole 2 MiB-aligned stretch, whatever its length
 * (off 0 len 2M, 0 len 2M+4K, 4K len 4M, 1M len 3M aligned; 0 len 1M,
 * 4K len 2M, 1M len 2M not). */
static void file_mapping_covering_an_aligned_2m_is_placed_congruent_to_its_offset(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t off, len;
		bool aligned;
	} c[] = {
	    {0, 2 * MiB, true},	   {0, 2 * MiB + PG, true},  {PG, 4 * MiB, true},
	    {MiB, 3 * MiB, true},  {0, MiB, false},	     {PG, 2 * MiB, false},
	    {MiB, 2 * MiB, false}, {3 * PG, 2 * MiB, false}, {MiB, 2 * MiB - PG, false},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_ok(vmsim_process_create(f->sys, &f->pid)); /* a fresh address space */
		vaddr_t below = map(f, 0, 5 * PG, PRIV);	  /* unaligned neighbour */
		vaddr_t a = map_file(f, c[i].off, c[i].len);
		if (c[i].aligned)
			assert_int_equal(a & (2 * MiB - 1), c[i].off & (2 * MiB - 1));
		else
			assert_int_equal(a + c[i].len, below); /* packed, no padding */
	}
}

#define T(name, s) cmocka_unit_test_setup_teardown(name, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(thp_align_places_whole_2m_areas_on_2m_boundaries, setup4),
	    T(thp_align_leaves_other_lengths_and_hints_alone, setup4),
	    T(file_mapping_covering_an_aligned_2m_is_placed_congruent_to_its_offset, setup4),
	    T(five_level_without_hint_stays_below_47_bits, setup5),
	    T(five_level_high_hint_maps_above_47_bits, setup5),
	    T(five_level_fixed_mapping_at_high_address_works, setup5),
	    T(four_level_fixed_mapping_at_high_address_is_enomem, setup4),
	};
	return cmocka_run_group_tests_name("placement", tests, NULL, NULL);
}
