/*
 * Limits (issue 8, item 5), each in bounded time and host memory:
 *   - 10^5 processes created and exited: host memory grows by the record
 *     each dead process keeps (its counters stay readable) and by nothing
 *     else; every frame comes back;
 *   - 10^6 VMAs in one process (alternating protections, so that nothing
 *     merges): mapped, looked up, checked, unmapped;
 *   - the largest RAM, swap and virtual range the system accepts, and the
 *     first size past each that it refuses;
 *   - a 1 TiB area costs nothing until touched: no frame, no host memory;
 *     touching it costs exactly the page tables of the touched ranges.
 * Host memory is the resident set from /proc/self/statm; under
 * AddressSanitizer those comparisons are skipped (its shadow and
 * quarantine make the RSS meaningless), the rest still runs.
 * docs/RELIABILITY.md records the numbers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os/kernel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)
#define RW  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)

#if defined(__SANITIZE_ADDRESS__)
#define RSS_MEANINGFUL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_MEANINGFUL 0
#endif
#endif
#ifndef RSS_MEANINGFUL
#define RSS_MEANINGFUL 1
#endif

#if !RSS_MEANINGFUL
/* AddressSanitizer: let a huge calloc fail with NULL (vmsim then says
 * VMSIM_ENOHOSTMEM), as the host's malloc does, rather than abort. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

/* Resident host memory in bytes. */
static uint64_t rss_bytes(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- processes ------------------------------------------------------------ */

/* One short life: create, map, touch (data mode), fork, the child writes,
 * both exit. Two processes. */
static void short_life(struct vmsim_system *sys)
{
	int pid, child;
	vaddr_t va;
	uint64_t v = 42;
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 4 * PG, RW, PA, -1, 0, &va));
	for (int i = 0; i < 4; i++)
		assert_ok(vmsim_store(sys, pid, va + (uint64_t)i * PG, &v, sizeof(v)));
	assert_ok(vmsim_fork(sys, pid, &child));
	assert_ok(vmsim_store(sys, child, va, &v, sizeof(v)));
	assert_ok(vmsim_exit(sys, child));
	assert_ok(vmsim_exit(sys, pid));
}

static void processes_1e5_created_and_exited_keep_only_their_records(void **state)
{
	(void)state;
	const unsigned warm = 2000, lives = 50000; /* 2 processes per life */
	struct vmsim_system *sys = test_machine(256 * MiB, true, false);
	struct vmsim_sys_stats before, after;
	for (unsigned i = 0; i < warm; i++)
		short_life(sys);
	assert_ok(vmsim_sys_stats(sys, &before));
	uint64_t rss0 = rss_bytes();
	double t0 = seconds();
	for (unsigned i = 0; i < lives; i++)
		short_life(sys);
	double dt = seconds() - t0;
	uint64_t rss1 = rss_bytes();
	assert_ok(vmsim_sys_stats(sys, &after));
	check_sys(sys);
	/* every frame came back, nobody is left */
	assert_int_equal(after.processes, 0);
	assert_int_equal(after.frames_free, before.frames_free);
	assert_int_equal(after.frames_pagetable, before.frames_pagetable);
	/* each dead pid keeps its record (struct process, calloc'd) and a slot
	 * in the pid table, by design: counters stay readable after exit */
	uint64_t n = 2ULL * lives, grown = rss1 > rss0 ? rss1 - rss0 : 0;
	uint64_t record = sizeof(struct process) + 16 + sizeof(void *);
	print_message("%llu processes in %.2f s; host RSS grew %llu KiB = %.0f bytes per "
		      "process (the kept record: %zu bytes)\n",
		      (unsigned long long)n, dt, (unsigned long long)(grown >> 10),
		      (double)grown / (double)n, sizeof(struct process));
	if (RSS_MEANINGFUL && grown > n * record * 5 / 4 + 4 * MiB)
		fail_msg("host RSS grew %llu bytes for %llu processes: more than their records",
			 (unsigned long long)grown, (unsigned long long)n);
	/* the records are there: the last pid's counters are readable */
	int last = 0;
	for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid))
		last = pid;
	assert_int_equal(last, (int)(2 * (warm + lives)));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, last, &ps));
	assert_false(ps.alive);
	assert_true(ps.cow_copies + ps.cow_reuses >= 1);
	vmsim_system_free(sys);
}

/* ---- VMAs ------------------------------------------------------------------ */

#define NVMAS 1000000ULL
#define VBASE 0x100000000ULL /* 4 GiB; the areas end at 4 GiB + 3.8 GiB */
#define K     100ULL	     /* areas removed by one munmap, merged by one mprotect */

static void vmas_1e6_in_one_process(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int pid;
	vaddr_t va;
	assert_ok(vmsim_process_create(sys, &pid));
	uint64_t rss0 = rss_bytes();
	double t0 = seconds();
	/* |R|W|R|W|... one page each: neighbours differ, nothing merges */
	for (uint64_t i = 0; i < NVMAS; i++) {
		int prot = (i & 1) ? RW : VMSIM_PROT_READ;
		assert_ok(vmsim_mmap(sys, pid, VBASE + i * PG, PG, prot, PA | VMSIM_MAP_FIXED, -1,
				     0, &va));
	}
	double t_map = seconds() - t0;
	uint64_t rss1 = rss_bytes();
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.nr_vmas, NVMAS);
	assert_int_equal(ps.vm_size, NVMAS * PG);

	/* look-ups: a write to every 1000th area (odd ones are writable), a
	 * read of the one before it; a write to a read-only one faults */
	t0 = seconds();
	for (uint64_t i = 1; i < NVMAS; i += 1000) {
		struct vmsim_access_result r;
		assert_ok(vmsim_access(sys, pid, VBASE + i * PG, 8, VMSIM_WRITE, &r));
		assert_false(r.segv);
		assert_ok(vmsim_access(sys, pid, VBASE + (i - 1) * PG, 8, VMSIM_READ, &r));
		assert_false(r.segv);
	}
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, VBASE + 2 * PG, 8, VMSIM_WRITE, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SEGV_ACCERR);
	assert_false(vmsim_process_alive(sys, pid)); /* SIGSEGV kills (default) */

	/* again, alive this time, with a check of the whole thing */
	assert_ok(vmsim_process_create(sys, &pid));
	for (uint64_t i = 0; i < NVMAS; i++) {
		int prot = (i & 1) ? RW : VMSIM_PROT_READ;
		assert_ok(vmsim_mmap(sys, pid, VBASE + i * PG, PG, prot, PA | VMSIM_MAP_FIXED, -1,
				     0, &va));
	}
	for (uint64_t i = 1; i < NVMAS; i += 1000)
		assert_ok(vmsim_access(sys, pid, VBASE + i * PG, 8, VMSIM_WRITE, NULL));
	double t1 = seconds();
	check_sys(sys);
	double t_check = seconds() - t1;
	/* a hole of 1000 areas in the middle, then mprotect across 1000 areas
	 * (they become equal and merge into one) */
	t1 = seconds();
	assert_ok(vmsim_munmap(sys, pid, VBASE + (NVMAS / 2) * PG, K * PG));
	double t_unmap = seconds() - t1;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.nr_vmas, NVMAS - K);
	/* areas 1000..1000+K-1 become read-write: with area 999 they are K + 1
	 * equal neighbours, merged into one */
	t1 = seconds();
	assert_ok(vmsim_mprotect(sys, pid, VBASE + 1000 * PG, K * PG, RW));
	double t_protect = seconds() - t1;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.nr_vmas, NVMAS - K - K);
	check_sys(sys);
	double t_ops = seconds() - t0;
	assert_ok(vmsim_exit(sys, pid));
	check_sys(sys);
	print_message("10^6 VMAs: mapped in %.2f s, host RSS +%llu MiB (%zu-byte struct vma), "
		      "vmsim_check %.2f s; munmap of %llu areas %.2f s, mprotect merging %llu "
		      "areas %.2f s; all the rest %.2f s\n",
		      t_map, (unsigned long long)((rss1 - rss0) >> 20), sizeof(struct vma), t_check,
		      K, t_unmap, K, t_protect, t_ops);
	vmsim_system_free(sys);
}

/* ---- the largest sizes ------------------------------------------------------- */

static int try_machine_cpu(uint64_t ram, uint64_t swap, const char *cpu)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys = NULL;
	vmsim_config_default(&cfg);
	if (cpu)
		assert_ok(vmsim_cpu_preset(cpu, &cfg.mmu));
	cfg.ram_bytes = ram;
	cfg.swap_bytes = swap;
	int rc = vmsim_system_new(&cfg, &sys);
	if (rc == 0)
		vmsim_system_free(sys);
	return rc;
}

static int try_machine(uint64_t ram, uint64_t swap)
{
	return try_machine_cpu(ram, swap, NULL);
}

static void largest_ram_and_swap_accepted(void **state)
{
	(void)state;
	/* RAM: at least 64 frames; at most 2^32 - 1 frames (a frame number
	 * must fit the 32-bit free-list links): 16 TiB - 4 KiB; and no more
	 * than the CPU's physical addresses reach (skylake: 39 bits) */
	assert_int_equal(try_machine(63 * PG, 0), VMSIM_EINVAL);
	assert_ok(try_machine(64 * PG, 0));
	assert_ok(try_machine(512 * GiB, 0));
	assert_int_equal(try_machine(512 * GiB + PG, 0), VMSIM_EINVAL);
	assert_int_equal(try_machine_cpu(16 * TiB, 0, "zen4"), VMSIM_EINVAL);

	/* 16 TiB - 4 KiB on a 48-bit CPU: the frame table is allocated a
	 * gigabyte at a time as frames are used, the policy's links are zeroed
	 * host pages touched on use, so the machine costs almost nothing idle */
	uint64_t rss0 = rss_bytes();
	double t0 = seconds();
	int rc = try_machine_cpu(16 * TiB - PG, 0, "zen4");
	double dt = seconds() - t0;
	uint64_t rss1 = rss_bytes();
	assert_ok(rc);
	print_message("RAM of 16 TiB - 4 KiB: created and freed in %.3f s, host RSS +%llu KiB\n",
		      dt, (unsigned long long)((rss1 > rss0 ? rss1 - rss0 : 0) >> 10));
	if (RSS_MEANINGFUL && rss1 > rss0 + 32 * MiB)
		fail_msg("a 16 TiB machine grew the RSS by %llu MiB",
			 (unsigned long long)((rss1 - rss0) >> 20));

	/* 64 GiB of RAM (2^24 frames) costs little until used */
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * GiB;
	cfg.swap_bytes = 0;
	rss0 = rss_bytes();
	t0 = seconds();
	rc = vmsim_system_new(&cfg, &sys);
	dt = seconds() - t0;
	rss1 = rss_bytes();
	uint64_t frames = cfg.ram_bytes / PG;
	assert_ok(rc);
	uint64_t grown = rss1 > rss0 ? rss1 - rss0 : 0;
	print_message("64 GiB of RAM: created in %.3f s, host RSS +%llu KiB (%.2f bytes a frame)\n",
		      dt, (unsigned long long)(grown >> 10), (double)grown / (double)frames);
	if (RSS_MEANINGFUL && grown > 16 * MiB)
		fail_msg("a 64 GiB machine grew the RSS by %llu MiB",
			 (unsigned long long)(grown >> 20));
	vmsim_system_free(sys);

	/* swap: at most 2^32 slots (16 TiB) */
	assert_int_equal(try_machine(64 * MiB, 16 * TiB + PG), VMSIM_EINVAL);
	assert_ok(try_machine(64 * MiB, 64 * GiB)); /* a sparse 64 GiB file */
}

static void largest_virtual_range_accepted(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int pid;
	vaddr_t va;
	assert_ok(vmsim_process_create(sys, &pid));
	/* user space is [64 KiB, 128 TiB - 4 KiB): mmap_min_addr to TASK_SIZE */
	const vaddr_t lo = 0x10000, top = 0x00007ffffffff000ULL;
	assert_ok(vmsim_mmap(sys, pid, lo, top - lo, VMSIM_PROT_READ,
			     PA | VMSIM_MAP_FIXED | VMSIM_MAP_NORESERVE, -1, 0, &va));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.vm_size, top - lo);
	assert_ok(vmsim_munmap(sys, pid, lo, top - lo));
	assert_int_equal(vmsim_mmap(sys, pid, lo, top - lo + PG, VMSIM_PROT_READ,
				    PA | VMSIM_MAP_FIXED, -1, 0, &va),
			 VMSIM_ENOMEM);
	assert_int_equal(
	    vmsim_mmap(sys, pid, lo - PG, PG, VMSIM_PROT_READ, PA | VMSIM_MAP_FIXED, -1, 0, &va),
	    VMSIM_ENOMEM);
	/* without a fixed address: the largest gap below the mmap base */
	assert_ok(vmsim_mmap(sys, pid, 0, 64 * TiB, VMSIM_PROT_READ, PA, -1, 0, &va));
	assert_int_equal(vmsim_mmap(sys, pid, 0, 128 * TiB, VMSIM_PROT_READ, PA, -1, 0, &va),
			 VMSIM_ENOMEM);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* ---- a terabyte area ----------------------------------------------------------- */

static void terabyte_area_costs_nothing_until_touched(void **state)
{
	(void)state;
	const vaddr_t at = 16 * TiB; /* aligned to 512 GiB: the tables are exact */
	struct vmsim_system *sys = test_machine(1 * GiB, true, false);
	int pid;
	vaddr_t va;
	struct vmsim_sys_stats s0, s1;
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_sys_stats(sys, &s0));
	uint64_t rss0 = rss_bytes();
	/* MAP_NORESERVE: Linux's heuristic overcommit refuses a terabyte otherwise */
	assert_ok(vmsim_mmap(sys, pid, at, TiB, RW, PA | VMSIM_MAP_FIXED | VMSIM_MAP_NORESERVE, -1,
			     0, &va));
	uint64_t rss1 = rss_bytes();
	assert_ok(vmsim_sys_stats(sys, &s1));
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.vm_size, TiB);
	assert_int_equal(ps.rss, 0);
	assert_int_equal(s1.frames_free, s0.frames_free);
	assert_int_equal(ps.pte_bytes, PG); /* the root table only */
	if (RSS_MEANINGFUL && rss1 > rss0 + MiB)
		fail_msg("mapping 1 TiB grew the host RSS by %llu KiB",
			 (unsigned long long)((rss1 - rss0) >> 10));

	/* one byte in every GiB: a page, a page table and a page directory
	 * each, two PDPTs for the two 512 GiB halves */
	for (uint64_t g = 0; g < 1024; g++) {
		uint8_t b = (uint8_t)g;
		assert_ok(vmsim_store(sys, pid, at + g * GiB + 123, &b, 1));
	}
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.rss, 1024 * PG);
	assert_int_equal(ps.pte_bytes, (1 + 2 + 1024 + 1024) * PG);
	for (uint64_t g = 0; g < 1024; g += 97) {
		uint8_t b;
		assert_ok(vmsim_load(sys, pid, at + g * GiB + 123, &b, 1));
		assert_int_equal(b, (uint8_t)g);
	}
	check_sys(sys);
	/* unmapping it all gives every frame back, tables included */
	assert_ok(vmsim_munmap(sys, pid, at, TiB));
	assert_ok(vmsim_sys_stats(sys, &s1));
	assert_int_equal(s1.frames_free, s0.frames_free);
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.pte_bytes, PG);
	check_sys(sys);
	vmsim_system_free(sys);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(processes_1e5_created_and_exited_keep_only_their_records),
	    cmocka_unit_test(vmas_1e6_in_one_process),
	    cmocka_unit_test(largest_ram_and_swap_accepted),
	    cmocka_unit_test(largest_virtual_range_accepted),
	    cmocka_unit_test(terabyte_area_costs_nothing_until_touched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
