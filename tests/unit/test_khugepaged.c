/*
 * khugepaged: collapse of 2 MiB ranges of 4 KiB anonymous pages into huge
 * pages as simulated time passes (src/os/khugepaged.c). Exact counts of
 * passes, pages scanned, ranges collapsed and refused; the limits
 * max_ptes_none and max_ptes_shared, read-only ranges, the scan budget and
 * its cursor, a missing 2 MiB block, the clock driven by accesses, and the
 * bytes kept in data mode. vmsim_check after each.
 *
 * The area is 8 MiB at a 2 MiB boundary, written one byte per page while it
 * has no MADV_HUGEPAGE (thp=madvise), so it has 4 KiB pages:
 *
 *   0x40000000  [ 2M | 2M | 2M | 2M ]  2048 PTEs in 4 page tables
 *
 * MADV_HUGEPAGE then puts the process on khugepaged's list; the list was
 * empty, so khugepaged runs at once (at the next access or sleep).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)
#define HP  (2 * MiB)
#define RW  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define AT  0x40000000ULL
#define SEC 1000000000ULL

static struct vmsim_config config(void)
{
	struct vmsim_config cfg;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.swap_bytes = 0;
	cfg.khugepaged = true;
	return cfg;
}

static struct vmsim_system *machine(const struct vmsim_config *cfg)
{
	struct vmsim_system *sys;
	assert_ok(vmsim_system_new(cfg, &sys));
	return sys;
}

/* @n pages of 4 KiB written at @a, one byte each. */
static void write_pages(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		assert_ok(vmsim_access(sys, pid, a + i * PG, 1, VMSIM_WRITE, NULL));
}

/* An 8 MiB area at AT, every page written as a 4 KiB page. */
static vaddr_t used_area(struct vmsim_system *sys, int pid)
{
	vaddr_t a;
	assert_ok(vmsim_mmap(sys, pid, AT, 4 * HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
	write_pages(sys, pid, a, 4 * 512);
	assert_int_equal(pst(sys, pid).anon_huge, 0);
	return a;
}

static void collapse_on_first_pass_after_madvise(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	struct vmsim_system *sys = machine(&cfg);
	int pid = new_proc(sys);
	vaddr_t a = used_area(sys, pid);
	uint64_t tables = pst(sys, pid).pte_bytes;
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	assert_int_equal(sst(sys).khugepaged_passes, 0);
	assert_ok(vmsim_sleep(sys, 0)); /* the wake-up on the empty list is due now */
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 1);
	assert_int_equal(s.thp_collapse_alloc, 4);
	assert_int_equal(s.khugepaged_pages_scanned, 4 * 512);
	assert_int_equal(s.khugepaged_full_scans, 1);
	assert_int_equal(s.khugepaged_refused, 0);
	assert_int_equal(s.anon_huge, 4 * HP);
	assert_int_equal(s.thp_untouched, 0);
	struct vmsim_proc_stats p = pst(sys, pid);
	assert_int_equal(p.anon_huge, 4 * HP);
	assert_int_equal(p.rss, 4 * HP);
	assert_int_equal(p.pte_bytes, tables - 4 * PG); /* the 4 page tables are gone */
	check_sys(sys);
	/* the huge pages serve the next accesses without faults */
	uint64_t faults = p.faults_minor;
	write_pages(sys, pid, a, 4 * 512);
	assert_int_equal(pst(sys, pid).faults_minor, faults);
	/* 10 s later the next pass finds huge pages only: scanned, nothing to do */
	assert_ok(vmsim_sleep(sys, 10 * SEC));
	s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 2);
	assert_int_equal(s.khugepaged_pages_scanned, 2 * 4 * 512);
	assert_int_equal(s.thp_collapse_alloc, 4);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Off (the default), or THP never: nothing collapses however long. */
static void off_or_thp_never_collapses_nothing(void **state)
{
	(void)state;
	for (int run = 0; run < 2; run++) {
		struct vmsim_config cfg = config();
		if (run == 0)
			cfg.khugepaged = false;
		else
			cfg.thp = VMSIM_THP_NEVER;
		struct vmsim_system *sys = machine(&cfg);
		int pid = new_proc(sys);
		vaddr_t a = used_area(sys, pid);
		assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
		assert_ok(vmsim_sleep(sys, 100 * SEC));
		struct vmsim_sys_stats s = sst(sys);
		assert_int_equal(s.khugepaged_passes, 0);
		assert_int_equal(s.thp_collapse_alloc, 0);
		assert_int_equal(s.anon_huge, 0);
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* max_ptes_none: a range with 256 pages written has 256 empty PTEs. */
static void max_ptes_none_limits_empty_ptes(void **state)
{
	(void)state;
	for (uint64_t limit = 255; limit <= 256; limit++) {
		struct vmsim_config cfg = config();
		cfg.khugepaged_max_ptes_none = limit;
		struct vmsim_system *sys = machine(&cfg);
		int pid = new_proc(sys);
		vaddr_t a;
		assert_ok(
		    vmsim_mmap(sys, pid, AT, HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
		write_pages(sys, pid, a, 256);
		assert_ok(vmsim_madvise(sys, pid, a, HP, VMSIM_MADV_HUGEPAGE));
		assert_ok(vmsim_sleep(sys, 0));
		struct vmsim_sys_stats s = sst(sys);
		struct vmsim_proc_stats p = pst(sys, pid);
		if (limit == 255) {
			assert_int_equal(s.thp_collapse_alloc, 0);
			assert_int_equal(s.khugepaged_refused, 1);
			assert_int_equal(p.rss, 256 * PG);
		} else {
			assert_int_equal(s.thp_collapse_alloc, 1);
			assert_int_equal(s.khugepaged_refused, 0);
			/* the empty half is filled with zeroed pages, never touched */
			assert_int_equal(p.rss, HP);
			assert_int_equal(s.thp_untouched, 256 * PG);
		}
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* After fork the child's range is shared with the parent until written:
 * 312 shared pages are more than max_ptes_shared (256), 212 are not. */
static void max_ptes_shared_limits_pages_shared_since_fork(void **state)
{
	(void)state;
	for (uint64_t written = 200; written <= 300; written += 100) {
		struct vmsim_config cfg = config();
		struct vmsim_system *sys = machine(&cfg);
		int parent = new_proc(sys), child;
		vaddr_t a;
		assert_ok(
		    vmsim_mmap(sys, parent, AT, HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
		write_pages(sys, parent, a, 512);
		assert_ok(vmsim_fork(sys, parent, &child));
		write_pages(sys, child, a, written); /* copies on write */
		/* the parent's PTEs are read-only since fork: only the child's
		 * range has writable ones */
		assert_ok(vmsim_madvise(sys, child, a, HP, VMSIM_MADV_HUGEPAGE));
		assert_ok(vmsim_madvise(sys, parent, a, HP, VMSIM_MADV_HUGEPAGE));
		assert_ok(vmsim_sleep(sys, 0));
		struct vmsim_sys_stats s = sst(sys);
		assert_int_equal(s.khugepaged_passes, 1);
		if (written == 200) {
			assert_int_equal(s.thp_collapse_alloc, 0);
			assert_int_equal(s.khugepaged_refused, 2);
		} else {
			assert_int_equal(s.thp_collapse_alloc, 1);
			assert_int_equal(s.khugepaged_refused, 1); /* the parent's: read-only */
			assert_int_equal(pst(sys, child).anon_huge, HP);
			assert_int_equal(pst(sys, child).rss, HP);
			assert_int_equal(pst(sys, parent).anon_huge, 0);
			assert_int_equal(pst(sys, parent).rss, HP);
		}
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* A range whose PTEs are all read-only is left alone. */
static void read_only_range_is_not_collapsed(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	struct vmsim_system *sys = machine(&cfg);
	int pid = new_proc(sys);
	vaddr_t a = used_area(sys, pid);
	assert_ok(vmsim_mprotect(sys, pid, a, 4 * HP, VMSIM_PROT_READ));
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	assert_ok(vmsim_sleep(sys, 0));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.thp_collapse_alloc, 0);
	assert_int_equal(s.khugepaged_refused, 4);
	assert_int_equal(s.khugepaged_pages_scanned, 4 * 512);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* pages_to_scan 1024 is two ranges a pass: the cursor goes on where the
 * last pass stopped, one pass every scan_sleep. */
static void scan_budget_and_cursor_span_passes(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	cfg.khugepaged_pages_to_scan = 1024;
	struct vmsim_system *sys = machine(&cfg);
	int pid = new_proc(sys);
	vaddr_t a = used_area(sys, pid);
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	assert_ok(vmsim_sleep(sys, 0));
	assert_int_equal(sst(sys).thp_collapse_alloc, 2);
	assert_int_equal(sst(sys).khugepaged_full_scans, 0);
	assert_ok(vmsim_sleep(sys, 9 * SEC)); /* not yet 10 s */
	assert_int_equal(sst(sys).khugepaged_passes, 1);
	assert_ok(vmsim_sleep(sys, 1 * SEC));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 2);
	assert_int_equal(s.thp_collapse_alloc, 4);
	assert_int_equal(s.khugepaged_pages_scanned, 2048);
	/* the second pass ended its budget at the area's end: the process's
	 * scan is over only on the third pass, which then starts again */
	assert_int_equal(s.khugepaged_full_scans, 0);
	assert_ok(vmsim_sleep(sys, 10 * SEC));
	s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 3);
	assert_int_equal(s.khugepaged_full_scans, 1);
	assert_int_equal(s.khugepaged_pages_scanned, 2048 + 1024);
	assert_int_equal(pst(sys, pid).anon_huge, 4 * HP);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* No free 2 MiB block (RAM full of every-other 4 KiB page): the collapse
 * fails, counted, and the next pass comes alloc_sleep later. */
static void no_huge_block_fails_and_waits_alloc_sleep(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	cfg.oom_kill = false;
	cfg.khugepaged_defrag = false; /* test_compact has the collapse after compaction */
	struct vmsim_system *sys = machine(&cfg);
	int frag = new_proc(sys), pid = new_proc(sys);
	vaddr_t a = used_area(sys, pid), f;
	assert_ok(vmsim_mmap(sys, frag, 0, 64 * MiB, RW, PA, -1, 0, &f));
	uint64_t n = 0;
	while (vmsim_access(sys, frag, f + n * PG, 1, VMSIM_WRITE, NULL) == 0)
		n++;
	for (uint64_t i = 0; i < n; i += 2)
		assert_ok(vmsim_madvise(sys, frag, f + i * PG, PG, VMSIM_MADV_DONTNEED));
	/* reclaim looked at the area's pages and took their accessed bits, as
	 * Linux's does: use them again, or no range would have a referenced page */
	write_pages(sys, pid, a, 4 * 512);
	assert_int_equal(pst(sys, pid).rss, 4 * HP);
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	assert_ok(vmsim_sleep(sys, 0));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 1);
	assert_int_equal(s.thp_collapse_alloc_failed, 1);
	assert_int_equal(s.thp_collapse_alloc, 0);
	assert_int_equal(s.khugepaged_pages_scanned, 512);
	assert_ok(vmsim_sleep(sys, 59 * SEC)); /* alloc_sleep is 60 s, not scan_sleep */
	assert_int_equal(sst(sys).khugepaged_passes, 1);
	check_sys(sys);
	/* the fragmenting process goes: the next pass collapses all four */
	assert_ok(vmsim_exit(sys, frag));
	assert_ok(vmsim_sleep(sys, 1 * SEC));
	s = sst(sys);
	assert_int_equal(s.khugepaged_passes, 2);
	assert_int_equal(s.thp_collapse_alloc, 4);
	assert_int_equal(pst(sys, pid).anon_huge, 4 * HP);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Time passes with accesses too: with a 1 ms scan_sleep and accesses of
 * 1 us each (3000 cycles at 3 GHz), 20,000 accesses are 20 ms, and
 * khugepaged, looking at the clock every 1024 accesses, runs a pass for
 * each millisecond gone. */
static void accesses_drive_the_clock(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	cfg.khugepaged_scan_sleep_ms = 1;
	cfg.cost.access = 3000;
	struct vmsim_system *sys = machine(&cfg);
	int pid = new_proc(sys);
	vaddr_t a = used_area(sys, pid), b;
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	/* the first access after madvise lets the pass that was due run */
	assert_ok(vmsim_access(sys, pid, a, 1, VMSIM_READ, NULL));
	assert_int_equal(sst(sys).khugepaged_passes, 1);
	assert_int_equal(sst(sys).thp_collapse_alloc, 4);
	/* 4 MiB more of 4 KiB pages, written and then advised */
	assert_ok(vmsim_mmap(sys, pid, AT + 4 * HP, 2 * HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1,
			     0, &b));
	write_pages(sys, pid, b, 1024);
	assert_ok(vmsim_madvise(sys, pid, b, 2 * HP, VMSIM_MADV_HUGEPAGE));
	double t0 = sst(sys).seconds;
	uint64_t passes = sst(sys).khugepaged_passes;
	for (int i = 0; i < 20000; i++)
		assert_ok(
		    vmsim_access(sys, pid, a + (uint64_t)(i % 2048) * PG, 1, VMSIM_READ, NULL));
	struct vmsim_sys_stats s = sst(sys);
	assert_true(s.seconds - t0 >= 0.020);
	assert_in_range(s.khugepaged_passes - passes, 19, 21);
	assert_int_equal(s.thp_collapse_alloc, 6);
	assert_int_equal(pst(sys, pid).anon_huge, 6 * HP);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Data mode: the bytes of every page survive the collapse, and the
 * pages never written read as zeros. */
static void collapse_keeps_bytes(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	cfg.data_mode = true;
	struct vmsim_system *sys = machine(&cfg);
	int pid = new_proc(sys);
	vaddr_t a;
	assert_ok(vmsim_mmap(sys, pid, AT, HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
	for (uint64_t i = 0; i < 512; i += 2) {
		uint64_t v = 0x1234567800000000ULL | i;
		assert_ok(vmsim_store(sys, pid, a + i * PG + 8, &v, sizeof(v)));
	}
	assert_ok(vmsim_madvise(sys, pid, a, HP, VMSIM_MADV_HUGEPAGE));
	assert_ok(vmsim_sleep(sys, 0));
	assert_int_equal(sst(sys).thp_collapse_alloc, 1);
	assert_int_equal(sst(sys).thp_untouched, 256 * PG);
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t v;
		assert_ok(vmsim_load(sys, pid, a + i * PG + 8, &v, sizeof(v)));
		assert_int_equal(v, (i % 2) ? 0 : (0x1234567800000000ULL | i));
	}
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A sleep beyond 10^6 s is refused. */
static void sleep_refuses_more_than_a_million_seconds(void **state)
{
	(void)state;
	struct vmsim_config cfg = config();
	struct vmsim_system *sys = machine(&cfg);
	assert_int_equal(vmsim_sleep(sys, 1000001ULL * SEC), VMSIM_EINVAL);
	assert_ok(vmsim_sleep(sys, 1000000ULL * SEC));
	assert_true(sst(sys).seconds >= 1e6);
	assert_true(sst(sys).cpu_utilisation < 1e-6);
	vmsim_system_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(collapse_on_first_pass_after_madvise),
	    cmocka_unit_test(off_or_thp_never_collapses_nothing),
	    cmocka_unit_test(max_ptes_none_limits_empty_ptes),
	    cmocka_unit_test(max_ptes_shared_limits_pages_shared_since_fork),
	    cmocka_unit_test(read_only_range_is_not_collapsed),
	    cmocka_unit_test(scan_budget_and_cursor_span_passes),
	    cmocka_unit_test(no_huge_block_fails_and_waits_alloc_sleep),
	    cmocka_unit_test(accesses_drive_the_clock),
	    cmocka_unit_test(collapse_keeps_bytes),
	    cmocka_unit_test(sleep_refuses_more_than_a_million_seconds),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
