/*
 * Overcommit: Committed_AS and the three overcommit_memory modes, as
 * Linux's __vm_enough_memory. 64 MiB of RAM, 16 MiB of swap: CommitLimit
 * in mode 2 is 16 + 64 * 50 % = 48 MiB (less the user reserve of VmSize /
 * 32). vmsim_check (which recounts Committed_AS from the areas) runs after
 * every event.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG   VMSIM_PAGE_SIZE
#define MiB  (1ULL << 20)
#define RW   (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PRIV (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define SHM  (VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS)

struct fx {
	struct vmsim_system *sys;
	int pid;
};

static int fx_new(void **state, int mode)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.swap_bytes = 16 * MiB;
	cfg.overcommit_memory = mode;
	cfg.check_every_event = true;
	if (vmsim_system_new(&cfg, &f->sys) || vmsim_process_create(f->sys, &f->pid))
		return -1;
	*state = f;
	return 0;
}

static int setup0(void **state)
{
	return fx_new(state, VMSIM_OVERCOMMIT_GUESS);
}

static int setup1(void **state)
{
	return fx_new(state, VMSIM_OVERCOMMIT_ALWAYS);
}

static int setup2(void **state)
{
	return fx_new(state, VMSIM_OVERCOMMIT_NEVER);
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

static uint64_t committed(struct fx *f)
{
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(f->sys, &st));
	return st.committed_as;
}

static int map(struct fx *f, uint64_t len, int prot, int flags, vaddr_t *va)
{
	return vmsim_mmap(f->sys, f->pid, 0, len, prot, flags, -1, 0, va);
}

static void heuristic_refuses_one_request_above_ram_plus_swap(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, c;
	assert_int_equal(map(f, 81 * MiB, RW, PRIV, &a), VMSIM_ENOMEM);
	assert_ok(map(f, 80 * MiB, RW, PRIV, &a)); /* RAM + swap exactly */
	assert_ok(map(f, 80 * MiB, RW, PRIV, &b)); /* each request alone counts */
	assert_ok(map(f, 1024 * MiB, RW, PRIV | VMSIM_MAP_NORESERVE, &c));
	assert_int_equal(committed(f), 160 * MiB); /* NORESERVE is not charged */
	assert_ok(vmsim_munmap(f->sys, f->pid, a, 80 * MiB));
	assert_int_equal(committed(f), 80 * MiB);
}

static void what_is_charged(void **state)
{
	struct fx *f = *state;
	vaddr_t ro, shm, heap;
	int child;
	assert_ok(map(f, 8 * MiB, VMSIM_PROT_READ, PRIV, &ro));
	assert_int_equal(committed(f), 0); /* read-only: nothing promised */
	assert_ok(vmsim_mprotect(f->sys, f->pid, ro, 8 * MiB, RW));
	assert_int_equal(committed(f), 8 * MiB);
	assert_ok(vmsim_mprotect(f->sys, f->pid, ro, 8 * MiB, VMSIM_PROT_READ));
	assert_int_equal(committed(f), 0); /* never written: given back (Linux 6.2+) */
	assert_ok(map(f, 4 * MiB, RW, SHM, &shm));
	assert_int_equal(committed(f), 4 * MiB);
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_int_equal(committed(f), 4 * MiB); /* the shmem object is charged once */
	assert_ok(vmsim_exit(f->sys, child));
	assert_ok(vmsim_brk(f->sys, f->pid, 0, &heap));
	assert_ok(vmsim_exec_layout(f->sys, f->pid, 1 * MiB, 64 * 1024, 1 * MiB));
	uint64_t c0 = committed(f);
	assert_int_equal(c0, 4 * MiB + 64 * 1024 + 1 * MiB); /* data and stack, not text */
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &ps));
	vaddr_t brk0, brk1;
	assert_ok(vmsim_brk(f->sys, f->pid, 0, &brk0));
	assert_ok(vmsim_brk(f->sys, f->pid, brk0 + MiB, &brk1));
	assert_int_equal(committed(f), c0 + MiB);
	assert_ok(vmsim_munmap(f->sys, f->pid, shm, 4 * MiB));
	assert_int_equal(committed(f), c0 + MiB - 4 * MiB); /* the object is gone */
}

static void always_never_refuses(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	assert_ok(map(f, 1ULL << 40, RW, PRIV, &a));
	assert_int_equal(committed(f), 1ULL << 40);
}

static void strict_stays_below_commit_limit(void **state)
{
	struct fx *f = *state;
	vaddr_t a, b, c, out;
	int child;
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(f->sys, &st));
	assert_int_equal(st.commit_limit, 48 * MiB);
	assert_ok(map(f, 30 * MiB, RW, PRIV, &a));
	/* 30 + 18 = 48 MiB is not below 48 less the user reserve (VmSize / 32) */
	assert_int_equal(map(f, 18 * MiB, RW, PRIV, &b), VMSIM_ENOMEM);
	assert_ok(map(f, 16 * MiB, RW, PRIV, &b));
	assert_int_equal(map(f, 4 * MiB, RW, PRIV | VMSIM_MAP_NORESERVE, &c),
			 VMSIM_ENOMEM);				/* mode 2 charges NORESERVE too */
	assert_ok(map(f, 64 * MiB, VMSIM_PROT_READ, PRIV, &c)); /* not accounted */
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, c, 64 * MiB, RW), VMSIM_ENOMEM);
	assert_int_equal(vmsim_fork(f->sys, f->pid, &child), VMSIM_ENOMEM);
	assert_int_equal(
	    vmsim_mremap(f->sys, f->pid, b, 16 * MiB, 32 * MiB, VMSIM_MREMAP_MAYMOVE, 0, &out),
	    VMSIM_ENOMEM);
	assert_int_equal(committed(f), 46 * MiB); /* the refusals charged nothing */
	assert_ok(vmsim_munmap(f->sys, f->pid, a, 30 * MiB));
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_int_equal(committed(f), 32 * MiB);
}

#define T(name, s) cmocka_unit_test_setup_teardown(name, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(heuristic_refuses_one_request_above_ram_plus_swap, setup0),
	    T(what_is_charged, setup0),
	    T(always_never_refuses, setup1),
	    T(strict_stays_below_commit_limit, setup2),
	};
	return cmocka_run_group_tests_name("overcommit", tests, NULL, NULL);
}
