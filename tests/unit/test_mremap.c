/*
 * mremap through the public API, against Linux's semantics (man 2
 * mremap): shrinking unmaps the tail, growing extends in place when the
 * addresses after the area are free, else moves it with MREMAP_MAYMOVE;
 * MREMAP_FIXED and MREMAP_DONTUNMAP; a move carries the pages (contents,
 * copy-on-write sharing with a fork family, swap entries) without faults;
 * the errors. vmsim_check runs after every case.
 *
 *   0123456789    pages from FIX
 *   AAAA......    before
 *   AAAAAA....    grown in place
 *   AAAABB....    B in the way: A moves elsewhere with MREMAP_MAYMOVE
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG    VMSIM_PAGE_SIZE
#define P(n)  ((uint64_t)(n)*PG)
#define MiB   (1ULL << 20)
#define RW    (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PRIV  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define FIXED (PRIV | VMSIM_MAP_FIXED)
#define FIX   0x0000000040000000ULL
#define MAY   VMSIM_MREMAP_MAYMOVE

struct fx {
	struct vmsim_system *sys;
	int pid;
};

static int fx_new(void **state, uint64_t ram, uint64_t swap)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.swap_bytes = swap;
	cfg.data_mode = true;
	cfg.check_every_event = true;
	if (vmsim_system_new(&cfg, &f->sys) || vmsim_process_create(f->sys, &f->pid)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return fx_new(state, 64 * MiB, 64 * MiB);
}

/* 512 KiB of RAM and 4 MiB of swap: pages move to swap and back. */
static int setup_small(void **state)
{
	return fx_new(state, 512 << 10, 4 * MiB);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	int rc = vmsim_check(f->sys, why, sizeof(why));
	if (rc)
		fail_msg("vmsim_check: %s", why);
	vmsim_system_free(f->sys);
	free(f);
	return 0;
}

/* Write page i of [va, va + n pages) with the byte i + seed. */
static void fill(struct fx *f, vaddr_t va, unsigned n, unsigned seed)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t b[16];
		memset(b, (int)(i + seed), sizeof(b));
		assert_ok(vmsim_store(f->sys, f->pid, va + P(i), b, sizeof(b)));
	}
}

static void expect(struct fx *f, int pid, vaddr_t va, unsigned n, unsigned seed)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t b[16], want[16];
		memset(want, (int)(i + seed), sizeof(want));
		assert_ok(vmsim_load(f->sys, pid, va + P(i), b, sizeof(b)));
		assert_memory_equal(b, want, sizeof(b));
	}
}

static uint64_t faults(struct fx *f, int pid)
{
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, pid, &ps));
	return ps.faults_minor + ps.faults_major;
}

static uint64_t nvmas(struct fx *f)
{
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	return ps.nr_vmas;
}

static void mremap_grow_in_place_keeps_address_and_contents(void **state)
{
	struct fx *f = *state;
	vaddr_t a, out;
	/* AAAA......  ->  AAAAAAAA.. */
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(4), RW, FIXED, -1, 0, &a));
	fill(f, a, 4, 1);
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(4), P(8), 0, 0, &out));
	assert_int_equal(out, a);
	assert_int_equal(nvmas(f), 1);
	expect(f, f->pid, a, 4, 1);
	uint8_t z[8] = {1}, zero[8] = {0};
	assert_ok(vmsim_load(f->sys, f->pid, a + P(7), z, sizeof(z)));
	assert_memory_equal(z, zero, sizeof(z)); /* the new part is fresh zeros */
}

static void mremap_grow_blocked_without_maymove_returns_enomem(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, out;
	/* AAAABB.... */
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(4), RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX + P(4), P(2), VMSIM_PROT_READ, FIXED, -1, 0, &b));
	assert_int_equal(vmsim_mremap(f->sys, f->pid, a, P(4), P(8), 0, 0, &out), VMSIM_ENOMEM);
}

static void mremap_maymove_moves_pages_without_faults(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(16), RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX + P(16), P(2), VMSIM_PROT_READ, FIXED, -1, 0, &b));
	fill(f, a, 16, 7);
	struct vmsim_proc_stats before, after;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &before));
	uint64_t f0 = faults(f, f->pid);
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(16), P(32), MAY, 0, &out));
	assert_true(out != a);
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &after));
	assert_int_equal(after.rss_anon, before.rss_anon); /* same frames, no copy */
	expect(f, f->pid, out, 16, 7);
	assert_int_equal(faults(f, f->pid), f0); /* the PTEs moved with the pages */
	/* the old place is gone */
	struct vmsim_access_result r;
	assert_ok(vmsim_access(f->sys, f->pid, a, 1, VMSIM_READ, &r));
	assert_true(r.segv);
}

static void mremap_shrink_unmaps_tail(void **state)
{
	struct fx *f = *state;
	vaddr_t a, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(8), RW, FIXED, -1, 0, &a));
	fill(f, a, 8, 3);
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(8), P(3), 0, 0, &out));
	assert_int_equal(out, a);
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.vm_size, P(3));
	assert_int_equal(ps.rss_anon, P(3));
	expect(f, f->pid, a, 3, 3);
}

static void mremap_fixed_moves_over_existing_mapping(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(4), RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX + MiB, P(4), RW, FIXED, -1, 0, &b));
	fill(f, a, 4, 11);
	fill(f, b, 4, 50);
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(4), P(4), MAY | VMSIM_MREMAP_FIXED, b, &out));
	assert_int_equal(out, b);
	expect(f, f->pid, b, 4, 11); /* b's old pages were unmapped */
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.rss_anon, P(4));
	assert_int_equal(ps.nr_vmas, 1);
}

static void mremap_dontunmap_leaves_old_area_empty(void **state)
{
	struct fx *f = *state;
	vaddr_t a, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(4), RW, FIXED, -1, 0, &a));
	fill(f, a, 4, 21);
	assert_ok(
	    vmsim_mremap(f->sys, f->pid, a, P(4), P(4), MAY | VMSIM_MREMAP_DONTUNMAP, 0, &out));
	expect(f, f->pid, out, 4, 21);
	uint8_t z[4], zero[4] = {0};
	assert_ok(vmsim_load(f->sys, f->pid, a, z, sizeof(z))); /* still mapped: zeros */
	assert_memory_equal(z, zero, sizeof(z));
	assert_int_equal(nvmas(f), 2);
}

static void mremap_after_fork_keeps_cow_sharing(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, out;
	int child;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(8), RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX + P(8), P(1), VMSIM_PROT_READ, FIXED, -1, 0, &b));
	fill(f, a, 8, 30);
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(8), P(16), MAY, 0, &out));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.pss, P(8) / 2); /* still shared with the child */
	/* a write in the moved area copies; the child keeps its bytes */
	uint8_t x[16];
	memset(x, 0xee, sizeof(x));
	assert_ok(vmsim_store(f->sys, f->pid, out, x, sizeof(x)));
	expect(f, child, a, 8, 30);
	expect(f, f->pid, out + P(1), 7, 31);
}

static void mremap_moved_pages_go_to_swap_and_back(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, out, big;
	int child;
	/* 96 pages moved, then 256 pages of pressure on 128 frames */
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(96), RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX + P(96), P(1), VMSIM_PROT_READ, FIXED, -1, 0, &b));
	fill(f, a, 96, 40);
	assert_ok(vmsim_fork(f->sys, f->pid, &child)); /* a family: the reverse map matters */
	assert_ok(vmsim_mremap(f->sys, f->pid, a, P(96), P(100), MAY, 0, &out));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(256), RW, PRIV, -1, 0, &big));
	fill(f, big, 256, 90);
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_true(st.swap_outs > 0);
	expect(f, f->pid, out, 96, 40);
	expect(f, child, a, 96, 40);
	expect(f, f->pid, big, 256, 90);
}

static void mremap_errors_as_linux(void **state)
{
	struct fx *f = *state;
	vaddr_t a, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, P(4), RW, FIXED, -1, 0, &a));
	assert_int_equal(vmsim_mremap(f->sys, f->pid, a + 1, P(1), P(2), MAY, 0, &out),
			 VMSIM_EINVAL);
	assert_int_equal(vmsim_mremap(f->sys, f->pid, a, P(1), 0, MAY, 0, &out), VMSIM_EINVAL);
	assert_int_equal(vmsim_mremap(f->sys, f->pid, a, P(1), P(2), 8, 0, &out), VMSIM_EINVAL);
	assert_int_equal(
	    vmsim_mremap(f->sys, f->pid, a, P(1), P(2), VMSIM_MREMAP_FIXED, FIX + MiB, &out),
	    VMSIM_EINVAL); /* FIXED without MAYMOVE */
	assert_int_equal(
	    vmsim_mremap(f->sys, f->pid, a, P(4), P(4), MAY | VMSIM_MREMAP_FIXED, a + P(2), &out),
	    VMSIM_EINVAL); /* overlapping */
	assert_int_equal(vmsim_mremap(f->sys, f->pid, FIX + MiB, P(1), P(2), MAY, 0, &out),
			 VMSIM_EFAULT); /* nothing there */
	assert_int_equal(vmsim_mremap(f->sys, f->pid, a, P(8), P(9), MAY, 0, &out),
			 VMSIM_EFAULT); /* leaves the area */
	assert_int_equal(
	    vmsim_mremap(f->sys, f->pid, a, P(4), P(5), VMSIM_MREMAP_DONTUNMAP, 0, &out),
	    VMSIM_EINVAL);
}

static void mremap_thp_moves_whole_when_aligned(void **state)
{
	struct fx *f = *state;
	vaddr_t a, out;
	assert_ok(vmsim_mmap(f->sys, f->pid, FIX, 4 * MiB, RW, FIXED, -1, 0, &a));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, 4 * MiB, VMSIM_MADV_HUGEPAGE));
	fill(f, a, 1, 5);
	fill(f, a + 2 * MiB, 1, 6);
	assert_ok(vmsim_mremap(f->sys, f->pid, a, 4 * MiB, 4 * MiB, MAY | VMSIM_MREMAP_FIXED,
			       FIX + 64 * MiB, &out));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.anon_huge, 4 * MiB);
	expect(f, f->pid, out, 1, 5);
	expect(f, f->pid, out + 2 * MiB, 1, 6);
	/* to an address 4 KiB off the 2 MiB grid: split, contents kept */
	assert_ok(vmsim_mremap(f->sys, f->pid, out, 4 * MiB, 4 * MiB, MAY | VMSIM_MREMAP_FIXED,
			       FIX + 128 * MiB + PG, &a));
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	assert_int_equal(ps.anon_huge, 0);
	assert_int_equal(ps.rss_anon, 4 * MiB);
	expect(f, f->pid, a, 1, 5);
	expect(f, f->pid, a + 2 * MiB, 1, 6);
}

#define T(name, setup_fn) cmocka_unit_test_setup_teardown(name, setup_fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(mremap_grow_in_place_keeps_address_and_contents, setup),
	    T(mremap_grow_blocked_without_maymove_returns_enomem, setup),
	    T(mremap_maymove_moves_pages_without_faults, setup),
	    T(mremap_shrink_unmaps_tail, setup),
	    T(mremap_fixed_moves_over_existing_mapping, setup),
	    T(mremap_dontunmap_leaves_old_area_empty, setup),
	    T(mremap_after_fork_keeps_cow_sharing, setup),
	    T(mremap_moved_pages_go_to_swap_and_back, setup_small),
	    T(mremap_errors_as_linux, setup),
	    T(mremap_thp_moves_whole_when_aligned, setup),
	};
	return cmocka_run_group_tests_name("mremap", tests, NULL, NULL);
}
