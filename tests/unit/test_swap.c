/*
 * Memory pressure in the full system: eviction to a real swap file and
 * back (major faults), the swap cache (minor faults), clean pages dropped
 * without I/O, shared and copy-on-write pages unmapped from every mapper,
 * the OOM killer when swap is full, corrupted swap detected, failed writes
 * leaving pages intact, every replacement policy under pressure. vmsim_check
 * runs after every case.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/kernel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	  4096ULL
#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)

static struct vmsim_system *machine(uint64_t frames, uint64_t swap_pages, const char *policy,
				    bool check)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = frames * PG;
	cfg.swap_bytes = swap_pages * PG;
	cfg.data_mode = true;
	cfg.check_every_event = check;
	if (policy)
		cfg.policy = policy;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

/* The temporary swap file has no name: a run killed or crashed leaves
 * nothing in $TMPDIR. */
static void temporary_swap_file_is_unlinked_at_once(void **state)
{
	char dir[] = "/tmp/vmsim-swap-test.XXXXXX", *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	(void)state;

	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	vmsim_config_default(&cfg);
	cfg.swap_bytes = 1 << 20;
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_true(sys->swap.fd >= 0);
	assert_int_equal(rmdir(dir), 0); /* empty while the machine lives */
	vmsim_system_free(sys);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

static vaddr_t map(struct vmsim_system *sys, int pid, uint64_t pages)
{
	vaddr_t a;
	/* MAP_NORESERVE: some cases map more than RAM + swap on purpose, which
	 * Linux's heuristic overcommit would refuse */
	assert_ok(
	    vmsim_mmap(sys, pid, 0, pages * PG, RW, PRIV_ANON | VMSIM_MAP_NORESERVE, -1, 0, &a));
	return a;
}

static uint64_t tag(int pid, uint64_t page, uint64_t round)
{
	return ((uint64_t)pid << 40) ^ (page * 0x9E3779B97F4A7C15ULL) ^ (round << 56);
}

/* Write a distinct value at a page-dependent offset of every page. */
static void write_pages(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t pages,
			uint64_t round)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t v = tag(pid, i, round);
		assert_ok(vmsim_store(sys, pid, a + i * PG + (i % 511) * 8, &v, sizeof(v)));
	}
}

/* Check what write_pages(@writer, ...) wrote, as @pid sees it. */
static void expect_pages_of(struct vmsim_system *sys, int pid, int writer, vaddr_t a,
			    uint64_t pages, uint64_t round)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t v = 0;
		assert_ok(vmsim_load(sys, pid, a + i * PG + (i % 511) * 8, &v, sizeof(v)));
		if (v != tag(writer, i, round))
			fail_msg("pid %d page %llu: %#llx, expected %#llx", pid,
				 (unsigned long long)i, (unsigned long long)v,
				 (unsigned long long)tag(writer, i, round));
	}
}

static void expect_pages(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t pages,
			 uint64_t round)
{
	expect_pages_of(sys, pid, pid, a, pages, round);
}

/* RAM of 64 frames, three processes of 1,000 pages each, written three
 * times and read back: every value survives the trips through swap. */
static void swap_round_trips_keep_every_byte_under_heavy_pressure(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 4096, NULL, false);
	int pid[3];
	vaddr_t a[3];
	for (int k = 0; k < 3; k++) {
		pid[k] = new_proc(sys);
		a[k] = map(sys, pid[k], 1000);
	}
	for (uint64_t round = 0; round < 3; round++)
		for (int k = 0; k < 3; k++)
			write_pages(sys, pid[k], a[k], 1000, round);
	check_sys(sys);
	for (int k = 0; k < 3; k++)
		expect_pages(sys, pid[k], a[k], 1000, 2);
	struct vmsim_sys_stats s = sst(sys);
	assert_true(s.swap_outs >= 3 * 3000 - 64);
	assert_int_equal(s.faults_major, s.swap_ins);
	assert_int_equal(s.oom_kills, 0);
	/* every page each process has is resident or in swap */
	for (int k = 0; k < 3; k++) {
		struct vmsim_proc_stats p = pst(sys, pid[k]);
		assert_int_equal(p.rss + p.swap, 1000 * PG);
		assert_true(p.faults_major > 0);
	}
	check_sys(sys);
	vmsim_system_free(sys);
}

/* An evicted page comes back with one major fault; a page read back and
 * evicted again unmodified costs no write (its swap copy is still good). */
static void clean_page_with_swap_copy_is_dropped_without_io(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 1024, "fifo", true);
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 200);
	write_pages(sys, pid, a, 200, 0); /* the first pages go to swap */
	struct vmsim_sys_stats s0 = sst(sys);
	assert_true(s0.swap_outs > 0);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, a, 8, VMSIM_READ, &r)); /* page 0: swapped out */
	assert_int_equal(r.faults_major, 1);
	assert_int_equal(r.faults_minor, 0);
	/* push it out again by touching the rest: FIFO evicts it unchanged */
	for (uint64_t i = 1; i < 200; i++)
		assert_ok(vmsim_access(sys, pid, a + i * PG, 8, VMSIM_READ, NULL));
	struct vmsim_sys_stats s1 = sst(sys);
	assert_true(s1.clean_drops >= 1);
	/* the value is still right */
	expect_pages(sys, pid, a, 1, 0);
	vmsim_system_free(sys);
}

/* A page shared copy-on-write by parent and child is unmapped from both
 * when evicted; the first to touch it reads it back (major), the other
 * finds it in the swap cache (minor). */
static void shared_cow_page_is_evicted_from_every_mapper_and_found_in_swap_cache(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 1024, "fifo", true);
	int parent = new_proc(sys), child;
	vaddr_t a = map(sys, parent, 4);
	write_pages(sys, parent, a, 4, 7);
	assert_ok(vmsim_fork(sys, parent, &child));
	/* fill RAM from another process to push the shared pages out */
	int other = new_proc(sys);
	vaddr_t b = map(sys, other, 120);
	write_pages(sys, other, b, 120, 1);
	struct vmsim_proc_stats pp = pst(sys, parent), pc = pst(sys, child);
	assert_int_equal(pp.swap, 4 * PG);
	assert_int_equal(pc.swap, 4 * PG);
	assert_int_equal(pp.rss, 0);
	check_sys(sys);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, parent, a, 8, VMSIM_READ, &r));
	assert_int_equal(r.faults_major, 1);
	assert_ok(vmsim_access(sys, child, a, 8, VMSIM_READ, &r));
	assert_int_equal(r.faults_major, 0);
	assert_int_equal(r.faults_minor, 1);
	assert_int_equal(pst(sys, child).swapcache_hits, 1);
	/* both map one frame; the child's write copies it */
	uint64_t got = 0;
	assert_ok(vmsim_load(sys, child, a, &got, sizeof(got)));
	assert_int_equal(got, tag(parent, 0, 7));
	uint64_t v = 42;
	assert_ok(vmsim_store(sys, child, a, &v, sizeof(v)));
	assert_int_equal(pst(sys, child).cow_copies, 1);
	expect_pages(sys, parent, a, 4, 7);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Swap full: the OOM killer ends the process with the most memory, records
 * it, and the rest goes on. */
static void swap_full_kills_largest_process_and_records_it(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 32, NULL, false);
	int small = new_proc(sys), big = new_proc(sys);
	vaddr_t s = map(sys, small, 10), b = map(sys, big, 200);
	write_pages(sys, small, s, 10, 0);
	struct vmsim_access_result r = {0};
	uint64_t i;
	for (i = 0; i < 200; i++) {
		assert_ok(vmsim_access(sys, big, b + i * PG, 8, VMSIM_WRITE, &r));
		if (r.killed)
			break;
	}
	assert_true(r.killed);
	assert_false(vmsim_process_alive(sys, big));
	assert_true(vmsim_process_alive(sys, small));
	struct vmsim_oom_record o;
	assert_ok(vmsim_oom_get(sys, 0, &o));
	assert_int_equal(o.pid, big);
	assert_int_equal(o.trigger_pid, big);
	assert_true(o.rss + o.swap > 50 * PG);
	assert_int_equal(vmsim_oom_get(sys, 1, &o), VMSIM_ERANGE);
	assert_true(pst(sys, big).oom_killed);
	assert_int_equal(sst(sys).oom_kills, 1);
	/* the survivor's data is intact; its swap slots are all it holds */
	expect_pages(sys, small, s, 10, 0);
	check_sys(sys);
	assert_int_equal(vmsim_exit(sys, small), 0);
	assert_int_equal(sst(sys).swap_used, 0);
	vmsim_system_free(sys);
}

/* A corrupted swap file is detected by the checksum: the process gets
 * SIGBUS (recorded), never wrong data. */
static void corrupted_swap_slot_raises_sigbus_not_bad_data(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-swap-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * PG;
	cfg.swap_bytes = 1024 * PG;
	cfg.swap_path = path;
	cfg.data_mode = true;
	cfg.policy = "fifo";
	assert_ok(vmsim_system_new(&cfg, &sys));
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 200);
	write_pages(sys, pid, a, 200, 0);
	/* page 0 was evicted first, to the first slot: flip a byte of it */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	int c = fgetc(f);
	fseek(f, 0, SEEK_SET);
	fputc(c ^ 0xFF, f);
	fclose(f);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, a, 8, VMSIM_READ, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SIGBUS_IO);
	assert_true(r.killed);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* A swap write that fails leaves the page in memory and intact; reclaim
 * takes another victim. */
static void failed_swap_write_keeps_page_and_data(void **state)
{
	(void)state;
	for (uint64_t n = 1; n <= 5; n++) {
		struct vmsim_system *sys = machine(64, 1024, "clock", false);
		sys->swap.fail_write_at = n;
		int pid = new_proc(sys);
		vaddr_t a = map(sys, pid, 150);
		write_pages(sys, pid, a, 150, n);
		check_sys(sys);
		expect_pages(sys, pid, a, 150, n);
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* Every policy the kernel can run keeps the data right under pressure;
 * OPT needs the future, which the kernel does not have. */
static void every_policy_keeps_data_under_pressure(void **state)
{
	(void)state;
	const struct vmsim_policy_ops *const *ops = vmsim_policy_list();
	for (; *ops; ops++) {
		struct vmsim_config cfg;
		struct vmsim_system *sys;
		vmsim_config_default(&cfg);
		cfg.ram_bytes = 64 * PG;
		cfg.swap_bytes = 2048 * PG;
		cfg.data_mode = true;
		cfg.policy = (*ops)->name;
		cfg.check_every_event = getenv("VMSIM_TEST_CHECK") != NULL;
		int rc = vmsim_system_new(&cfg, &sys);
		if ((*ops)->flags & VMSIM_POLICY_NEEDS_FUTURE) {
			assert_int_equal(rc, VMSIM_EINVAL);
			continue;
		}
		if (rc)
			fail_msg("policy %s: %s", (*ops)->name, vmsim_strerror(rc));
		int p1 = new_proc(sys), p2;
		vaddr_t a = map(sys, p1, 300);
		write_pages(sys, p1, a, 300, 1);
		assert_ok(vmsim_fork(sys, p1, &p2));
		write_pages(sys, p2, a, 150, 2); /* half copied, half shared */
		check_sys(sys);
		expect_pages(sys, p1, a, 300, 1);
		expect_pages(sys, p2, a, 150, 2);
		for (uint64_t i = 150; i < 300; i++) {
			uint64_t v = 0;
			assert_ok(vmsim_load(sys, p2, a + i * PG + (i % 511) * 8, &v, sizeof(v)));
			assert_int_equal(v, tag(p1, i, 1));
		}
		char why[256];
		if (vmsim_check(sys, why, sizeof(why)))
			fail_msg("policy %s: %s", (*ops)->name, why);
		vmsim_system_free(sys);
	}
}

/* Page tables are kernel memory: never reclaimed; exit frees every slot. */
static void exit_frees_swap_slots_and_swap_cache(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 1024, NULL, true);
	int p1 = new_proc(sys), p2;
	vaddr_t a = map(sys, p1, 300);
	write_pages(sys, p1, a, 300, 0);
	assert_ok(vmsim_fork(sys, p1, &p2));
	expect_pages_of(sys, p2, p1, a, 100, 0); /* some back in the swap cache */
	assert_true(sst(sys).swap_used > 0);
	assert_ok(vmsim_exit(sys, p1));
	check_sys(sys);
	assert_ok(vmsim_exit(sys, p2));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.swap_used, 0);
	assert_int_equal(s.frames_user, 0);
	vmsim_system_free(sys);
}

/* munmap and MADV_DONTNEED of swapped-out pages free their slots. */
static void munmap_of_swapped_pages_frees_slots(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 1024, NULL, true);
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 200);
	write_pages(sys, pid, a, 200, 0);
	uint64_t used = sst(sys).swap_used;
	assert_true(used > 100);
	assert_ok(vmsim_madvise(sys, pid, a, 50 * PG, VMSIM_MADV_DONTNEED));
	assert_true(sst(sys).swap_used < used);
	uint64_t v = 1;
	assert_ok(vmsim_load(sys, pid, a, &v, sizeof(v)));
	assert_int_equal(v, 0); /* DONTNEED: zeros */
	assert_ok(vmsim_munmap(sys, pid, a, 200 * PG));
	assert_int_equal(sst(sys).swap_used, 0);
	assert_int_equal(pst(sys, pid).swap, 0);
	vmsim_system_free(sys);
}

/* Without swap, the same pressure ends in the OOM killer. */
static void no_swap_means_oom_kill(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, 0, NULL, false);
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 100);
	struct vmsim_access_result r = {0};
	for (uint64_t i = 0; i < 100 && !r.killed; i++)
		assert_ok(vmsim_access(sys, pid, a + i * PG, 1, VMSIM_WRITE, &r));
	assert_true(r.killed);
	assert_int_equal(sst(sys).oom_kills, 1);
	assert_int_equal(sst(sys).swap_outs, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

struct smaps_find {
	vaddr_t va;
	uint64_t swap;
};

static int find_swap(const struct vmsim_smaps_entry *e, void *arg)
{
	struct smaps_find *f = arg;
	if (f->va >= e->start && f->va < e->end)
		f->swap = e->swap;
	return 0;
}

static uint64_t smaps_swap_at(struct vmsim_system *sys, int pid, vaddr_t va)
{
	struct smaps_find f = {va, 0};
	assert_ok(vmsim_smaps(sys, pid, find_swap, &f));
	return f.swap;
}

/* Shared anonymous memory under pressure goes to swap and comes back with
 * every byte, for both processes that share it; a write after the round
 * trip is seen by the other; exits give every slot back. */
static void shmem_swap_round_trip_keeps_data_for_every_sharer(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(128, 1024, NULL, false);
	int pid = new_proc(sys), child;
	vaddr_t shm, big;
	const uint64_t n = 96;
	assert_ok(vmsim_mmap(sys, pid, 0, n * PG, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS, -1, 0,
			     &shm));
	write_pages(sys, pid, shm, n, 1);
	assert_ok(vmsim_fork(sys, pid, &child));
	expect_pages_of(sys, child, pid, shm, n, 1);
	/* private memory twice the RAM pushes the shared pages out */
	big = map(sys, pid, 256);
	write_pages(sys, pid, big, 256, 1);
	struct vmsim_proc_stats ps = pst(sys, pid);
	assert_true(ps.rss_shmem < n * PG);
	uint64_t swapped = smaps_swap_at(sys, pid, shm);
	assert_true(swapped > 0);
	assert_int_equal(smaps_swap_at(sys, child, shm), swapped); /* the object's, in both */
	assert_int_equal(ps.swap, 256 * PG - ps.rss_anon);	   /* VmSwap: private pages only */
	check_sys(sys);
	/* back from swap: major faults, the bytes intact in both */
	uint64_t majors = pst(sys, child).faults_major;
	expect_pages_of(sys, child, pid, shm, n, 1);
	assert_true(pst(sys, child).faults_major - majors >= swapped / PG / 2);
	assert_true(pst(sys, child).swap_ins > 0);
	expect_pages_of(sys, pid, pid, shm, n, 1);
	/* the child's write after the round trip reaches the parent */
	write_pages(sys, child, shm, n, 2);
	write_pages(sys, pid, big, 256, 2);
	expect_pages_of(sys, pid, child, shm, n, 2);
	check_sys(sys);
	assert_ok(vmsim_exit(sys, child));
	assert_ok(vmsim_exit(sys, pid));
	assert_int_equal(sst(sys).swap_used, 0);
	assert_int_equal(sst(sys).frames_user, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Without swap, shared memory stays resident under pressure (the
 * private pages have nowhere to go either: the OOM killer ends it). */
static void shmem_without_swap_stays_resident(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(128, 0, NULL, false);
	int pid = new_proc(sys);
	vaddr_t shm;
	assert_ok(vmsim_mmap(sys, pid, 0, 32 * PG, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS, -1,
			     0, &shm));
	write_pages(sys, pid, shm, 32, 1);
	int other = new_proc(sys);
	vaddr_t big = map(sys, other, 64);
	write_pages(sys, other, big, 64, 1);
	assert_int_equal(pst(sys, pid).rss_shmem, 32 * PG);
	assert_int_equal(sst(sys).swap_outs, 0);
	expect_pages(sys, pid, shm, 32, 1);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A shared page whose swap copy is corrupted raises SIGBUS, never bad data. */
static void shmem_corrupted_swap_slot_raises_sigbus(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(128, 1024, NULL, false);
	int pid = new_proc(sys), other = new_proc(sys);
	vaddr_t shm;
	assert_ok(vmsim_mmap(sys, pid, 0, 64 * PG, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS, -1,
			     0, &shm));
	write_pages(sys, pid, shm, 64, 1);
	vaddr_t big = map(sys, other, 256);
	write_pages(sys, other, big, 256, 1);
	assert_true(smaps_swap_at(sys, pid, shm) > 0);
	sys->swap.fail_read_at = sys->swap.nreads + 1; /* the next swap read fails */
	uint64_t v;
	int rc = 0;
	for (uint64_t i = 0; i < 64 && rc == 0; i++)
		rc = vmsim_load(sys, pid, shm + i * PG + (i % 511) * 8, &v, sizeof(v));
	assert_int_equal(rc, VMSIM_EFAULT);
	assert_false(vmsim_process_alive(sys, pid));
	struct vmsim_segv_record r;
	assert_ok(vmsim_segv_get(sys, 0, &r));
	assert_int_equal(r.reason, VMSIM_SIGBUS_IO);
	check_sys(sys);
	vmsim_system_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(temporary_swap_file_is_unlinked_at_once),
	    cmocka_unit_test(swap_round_trips_keep_every_byte_under_heavy_pressure),
	    cmocka_unit_test(clean_page_with_swap_copy_is_dropped_without_io),
	    cmocka_unit_test(shared_cow_page_is_evicted_from_every_mapper_and_found_in_swap_cache),
	    cmocka_unit_test(swap_full_kills_largest_process_and_records_it),
	    cmocka_unit_test(corrupted_swap_slot_raises_sigbus_not_bad_data),
	    cmocka_unit_test(failed_swap_write_keeps_page_and_data),
	    cmocka_unit_test(every_policy_keeps_data_under_pressure),
	    cmocka_unit_test(exit_frees_swap_slots_and_swap_cache),
	    cmocka_unit_test(munmap_of_swapped_pages_frees_slots),
	    cmocka_unit_test(no_swap_means_oom_kill),
	    cmocka_unit_test(shmem_swap_round_trip_keeps_data_for_every_sharer),
	    cmocka_unit_test(shmem_without_swap_stays_resident),
	    cmocka_unit_test(shmem_corrupted_swap_slot_raises_sigbus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
