/*
 * mlock, mlock2(MLOCK_ONFAULT), munlock, mlockall, munlockall and
 * MAP_LOCKED through the public API: locking faults the pages in, reclaim
 * never evicts a locked page (it sets it aside, Linux's unevictable list),
 * munlock makes it evictable again, VmLck, fork does not inherit locks,
 * MADV_DONTNEED refuses locked areas, RLIMIT_MEMLOCK. RAM is small (512
 * KiB, 128 frames) with swap, so that touching more than RAM evicts.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG   VMSIM_PAGE_SIZE
#define P(n) ((uint64_t)(n)*PG)
#define MiB  (1ULL << 20)
#define RW   (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PRIV (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)

struct fx {
	struct vmsim_system *sys;
	int pid;
};

static int fx_new(void **state, uint64_t memlock)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 512 << 10;
	cfg.swap_bytes = 4 * MiB;
	cfg.data_mode = true;
	cfg.check_every_event = true;
	cfg.memlock_limit = memlock;
	if (vmsim_system_new(&cfg, &f->sys) || vmsim_process_create(f->sys, &f->pid)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return fx_new(state, 0);
}

static int setup_limit(void **state)
{
	return fx_new(state, P(16));
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

static struct vmsim_proc_stats stats(struct fx *f, int pid)
{
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, pid, &ps));
	return ps;
}

/* Write every page of [va, va + n pages). */
static void touch(struct fx *f, vaddr_t va, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_ok(vmsim_access(f->sys, f->pid, va + P(i), 8, VMSIM_WRITE, NULL));
}

/* Pages of [va, va + n pages) that are resident (not swapped, mapped). */
static unsigned resident(struct fx *f, vaddr_t va, unsigned n)
{
	unsigned r = 0;
	for (unsigned i = 0; i < n; i++) {
		struct vmsim_walk_info w;
		assert_ok(vmsim_walk_describe(f->sys, f->pid, va + P(i), &w));
		r += w.mapped;
	}
	return r;
}

static void mlock_faults_pages_in_and_counts_vmlck(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(16), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mlock(f->sys, f->pid, a + P(4) + 100, P(4), 0));
	/* [a+4p+100, a+8p+100) widens to pages 4..8: five pages */
	struct vmsim_proc_stats ps = stats(f, f->pid);
	assert_int_equal(ps.locked, P(5));
	assert_int_equal(ps.rss_anon, P(5)); /* faulted in, writable: written */
	assert_int_equal(ps.faults_minor, 5);
	assert_int_equal(ps.nr_vmas, 3);
	assert_ok(vmsim_munlock(f->sys, f->pid, a, P(16)));
	assert_int_equal(stats(f, f->pid).locked, 0);
	assert_int_equal(stats(f, f->pid).nr_vmas, 1); /* merged back */
}

static void mlock_onfault_does_not_populate(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(8), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mlock(f->sys, f->pid, a, P(8), VMSIM_MLOCK_ONFAULT));
	assert_int_equal(stats(f, f->pid).rss_anon, 0);
	assert_int_equal(stats(f, f->pid).locked, P(8));
	assert_int_equal(vmsim_mlock(f->sys, f->pid, a, P(8), 2), VMSIM_EINVAL);
}

static void mlock_pages_stay_resident_under_pressure(void **state)
{
	struct fx *f = *state;
	vaddr_t a, big;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(32), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mlock(f->sys, f->pid, a, P(32), 0));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(300), RW, PRIV, -1, 0, &big));
	touch(f, big, 300); /* far more than the 128 frames */
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_true(st.swap_outs > 100);
	assert_true(st.mlock_culled > 0);
	/* culled pages stay set aside: no more than the 32 locked ones */
	assert_true(st.unevictable > 0 && st.unevictable <= 32);
	assert_int_equal(resident(f, a, 32), 32);
	assert_int_equal(stats(f, f->pid).locked, P(32));
	/* unlocked, they go like any other page */
	assert_ok(vmsim_munlock(f->sys, f->pid, a, P(32)));
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_int_equal(st.unevictable, 0);
	touch(f, big, 300);
	assert_true(resident(f, a, 32) < 32);
}

static void map_locked_populates_and_pins(void **state)
{
	struct fx *f = *state;
	vaddr_t a, big;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(20), RW, PRIV | VMSIM_MAP_LOCKED, -1, 0, &a));
	assert_int_equal(stats(f, f->pid).rss_anon, P(20));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(300), RW, PRIV, -1, 0, &big));
	touch(f, big, 300);
	assert_int_equal(resident(f, a, 20), 20);
}

static void mlockall_future_locks_new_areas(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(4), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mlockall(f->sys, f->pid, VMSIM_MCL_CURRENT | VMSIM_MCL_FUTURE));
	assert_int_equal(stats(f, f->pid).rss_anon, P(4));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(6), RW, PRIV, -1, 0, &b));
	assert_int_equal(stats(f, f->pid).rss_anon, P(10));
	assert_int_equal(stats(f, f->pid).locked, P(10));
	assert_int_equal(vmsim_mlockall(f->sys, f->pid, VMSIM_MCL_ONFAULT), VMSIM_EINVAL);
	assert_ok(vmsim_munlockall(f->sys, f->pid));
	assert_int_equal(stats(f, f->pid).locked, 0);
	vaddr_t c;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(2), RW, PRIV, -1, 0, &c));
	assert_int_equal(stats(f, f->pid).rss_anon, P(10));
}

static void fork_child_does_not_inherit_locks(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	int child;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(4), RW, PRIV | VMSIM_MAP_LOCKED, -1, 0, &a));
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_int_equal(stats(f, child).locked, 0);
	assert_int_equal(stats(f, f->pid).locked, P(4));
	/* the child's exit puts nothing back wrongly: the parent's stay locked */
	assert_ok(vmsim_exit(f->sys, child));
	vaddr_t big;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(300), RW, PRIV, -1, 0, &big));
	touch(f, big, 300);
	assert_int_equal(resident(f, a, 4), 4);
}

static void madvise_dontneed_on_locked_area_returns_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(4), RW, PRIV | VMSIM_MAP_LOCKED, -1, 0, &a));
	assert_int_equal(vmsim_madvise(f->sys, f->pid, a, P(4), VMSIM_MADV_DONTNEED), VMSIM_EINVAL);
	assert_int_equal(stats(f, f->pid).rss_anon, P(4));
}

static void madvise_dontneed_stops_at_the_first_locked_area(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	uint8_t b[1];
	/* AALAA: DONTNEED over all five drops the first two, keeps the rest
	 * (measured on Linux 6.18: the walk stops with EINVAL at L) */
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(5), RW, PRIV, -1, 0, &a));
	for (unsigned i = 0; i < 5; i++)
		assert_ok(vmsim_store(f->sys, f->pid, a + P(i), "x", 1));
	assert_ok(vmsim_mlock(f->sys, f->pid, a + P(2), P(1), 0));
	assert_int_equal(vmsim_madvise(f->sys, f->pid, a, P(5), VMSIM_MADV_DONTNEED), VMSIM_EINVAL);
	assert_int_equal(stats(f, f->pid).rss_anon, P(3));
	assert_ok(vmsim_load(f->sys, f->pid, a + P(1), b, 1));
	assert_int_equal(b[0], 0);
	assert_ok(vmsim_load(f->sys, f->pid, a + P(4), b, 1));
	assert_int_equal(b[0], 'x');
}

static void mlock_prot_none_area_locks_it_but_returns_enomem(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	/* RNR: page 0 is faulted in, the PROT_NONE area stops the rest; all
	 * three stay locked (VmLck 12 kB on Linux 6.18) */
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(3), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mprotect(f->sys, f->pid, a + P(1), P(1), VMSIM_PROT_NONE));
	assert_int_equal(vmsim_mlock(f->sys, f->pid, a, P(3), 0), VMSIM_ENOMEM);
	assert_int_equal(stats(f, f->pid).locked, P(3));
	assert_int_equal(resident(f, a, 1), 1);
	assert_int_equal(resident(f, a + P(2), 1), 0);
	/* with MLOCK_ONFAULT nothing is faulted: no error */
	assert_ok(vmsim_munlock(f->sys, f->pid, a, P(3)));
	assert_ok(vmsim_mlock(f->sys, f->pid, a, P(3), VMSIM_MLOCK_ONFAULT));
}

static void mlock_past_end_of_file_returns_enomem_after_copying_the_pages_before(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	int fd;
	uint8_t b[1];
	assert_ok(vmsim_file_create_virtual(f->sys, P(1), &fd));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(4), RW, VMSIM_MAP_PRIVATE, fd, 0, &a));
	assert_int_equal(vmsim_mlock(f->sys, f->pid, a, P(4), 0), VMSIM_ENOMEM);
	/* page 0 was faulted for writing: a private copy, so a later write
	 * to the file does not show through (measured on Linux 6.18) */
	assert_int_equal(stats(f, f->pid).rss_anon, P(1));
	assert_ok(vmsim_file_pwrite(f->sys, fd, "X", 1, 0, NULL));
	assert_ok(vmsim_load(f->sys, f->pid, a, b, 1));
	assert_int_equal(b[0], 0);
	assert_int_equal(stats(f, f->pid).locked, P(4));
	assert_ok(vmsim_file_close(f->sys, fd));
}

static void mlock_hole_returns_enomem_after_locking_the_part_before(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b;
	assert_ok(
	    vmsim_mmap(f->sys, f->pid, 0x40000000, P(4), RW, PRIV | VMSIM_MAP_FIXED, -1, 0, &a));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0x40000000 + P(6), P(4), RW, PRIV | VMSIM_MAP_FIXED,
			     -1, 0, &b));
	/* AAAA..BBBB: the lock stops at the hole */
	assert_int_equal(vmsim_mlock(f->sys, f->pid, a, P(10), 0), VMSIM_ENOMEM);
	assert_int_equal(stats(f, f->pid).locked, P(4));
	assert_int_equal(vmsim_munlock(f->sys, f->pid, a, P(10)), VMSIM_ENOMEM);
	assert_int_equal(stats(f, f->pid).locked, 0);
}

static void mlock_over_memlock_limit_returns_enomem(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(32), RW, PRIV, -1, 0, &a));
	assert_ok(vmsim_mlock(f->sys, f->pid, a, P(16), 0));
	assert_ok(vmsim_mlock(f->sys, f->pid, a, P(16), 0)); /* already locked: no more */
	assert_int_equal(vmsim_mlock(f->sys, f->pid, a, P(17), 0), VMSIM_ENOMEM);
	assert_int_equal(stats(f, f->pid).locked, P(16));
}

#define T(name, setup_fn) cmocka_unit_test_setup_teardown(name, setup_fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(mlock_faults_pages_in_and_counts_vmlck, setup),
	    T(mlock_onfault_does_not_populate, setup),
	    T(mlock_pages_stay_resident_under_pressure, setup),
	    T(map_locked_populates_and_pins, setup),
	    T(mlockall_future_locks_new_areas, setup),
	    T(fork_child_does_not_inherit_locks, setup),
	    T(madvise_dontneed_on_locked_area_returns_einval, setup),
	    T(mlock_hole_returns_enomem_after_locking_the_part_before, setup),
	    T(madvise_dontneed_stops_at_the_first_locked_area, setup),
	    T(mlock_prot_none_area_locks_it_but_returns_enomem, setup),
	    T(mlock_past_end_of_file_returns_enomem_after_copying_the_pages_before, setup),
	    T(mlock_over_memlock_limit_returns_enomem, setup_limit),
	};
	return cmocka_run_group_tests_name("mlock", tests, NULL, NULL);
}
