/*
 * The THP defrag setting and memory compaction (src/os/compact.c, huge.c):
 * on a fragmented machine a THP fault falls back to 4 KiB pages
 * (thp_fault_fallback) unless the setting lets it compact; compaction
 * migrates the pages of a 2 MiB block elsewhere and the fault gets the
 * block. Exact counts of stalls, migrated pages, fallbacks; bytes kept in
 * data mode; khugepaged's own defrag switch. vmsim_check after each.
 *
 * The fragmented machine: 64 MiB of RAM, no swap. Process F maps 64 MiB
 * without THP, touches one page per 2 MiB first (so its page tables are
 * allocated together, at the start of RAM), then writes pages until RAM
 * is full, and frees every other page:
 *
 *   block:  [A.A.A.A. ... A.]   half free, no 2 MiB block free anywhere
 *
 * Process P then writes an 8 MiB area (4 ranges of 2 MiB) one byte per page.
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

struct frag {
	struct vmsim_system *sys;
	int f, p;   /* the fragmenting process, the one that wants huge pages */
	vaddr_t fa; /* F's area */
	uint64_t n; /* pages F wrote */
};

static struct frag fragmented(int defrag, bool data, bool tables_first)
{
	struct vmsim_config cfg;
	struct frag m;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.swap_bytes = 0;
	cfg.oom_kill = false;
	cfg.thp = VMSIM_THP_ALWAYS;
	cfg.thp_defrag = defrag;
	cfg.data_mode = data;
	assert_ok(vmsim_system_new(&cfg, &m.sys));
	m.f = new_proc(m.sys);
	m.p = new_proc(m.sys);
	assert_ok(vmsim_mmap(m.sys, m.f, 0, 64 * MiB, RW, PA, -1, 0, &m.fa));
	assert_ok(vmsim_madvise(m.sys, m.f, m.fa, 64 * MiB, VMSIM_MADV_NOHUGEPAGE));
	if (tables_first)
		for (uint64_t off = 0; off < 64 * MiB; off += HP)
			assert_ok(vmsim_access(m.sys, m.f, m.fa + off, 1, VMSIM_WRITE, NULL));
	m.n = 0;
	while (m.n < 64 * MiB / PG) {
		uint64_t v = m.n;
		int rc = data ? vmsim_store(m.sys, m.f, m.fa + m.n * PG, &v, sizeof(v))
			      : vmsim_access(m.sys, m.f, m.fa + m.n * PG, 1, VMSIM_WRITE, NULL);
		if (rc)
			break;
		m.n++;
	}
	for (uint64_t i = 1; i < m.n; i += 2)
		assert_ok(vmsim_madvise(m.sys, m.f, m.fa + i * PG, PG, VMSIM_MADV_DONTNEED));
	struct vmsim_sys_stats s = sst(m.sys);
	assert_true(s.frames_free * PG > 24 * MiB); /* plenty free, in 4 KiB holes */
	return m;
}

static void write_area(struct frag *m, int advice)
{
	vaddr_t a;
	assert_ok(
	    vmsim_mmap(m->sys, m->p, AT, 4 * HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
	if (advice)
		assert_ok(vmsim_madvise(m->sys, m->p, a, 4 * HP, advice));
	for (uint64_t off = 0; off < 4 * HP; off += PG)
		assert_ok(vmsim_access(m->sys, m->p, a + off, 1, VMSIM_WRITE, NULL));
}

static void defrag_never_falls_back(void **state)
{
	(void)state;
	struct frag m = fragmented(VMSIM_THP_DEFRAG_NEVER, false, true);
	write_area(&m, VMSIM_MADV_HUGEPAGE);
	struct vmsim_sys_stats s = sst(m.sys);
	assert_int_equal(s.thp_fault_alloc, 0);
	assert_int_equal(s.thp_fault_fallback, 4);
	assert_int_equal(s.compact_stall, 0);
	assert_int_equal(s.pgmigrate_success, 0);
	assert_int_equal(pst(m.sys, m.p).anon_huge, 0);
	assert_int_equal(pst(m.sys, m.p).faults_minor, 4 * 512);
	check_sys(m.sys);
	vmsim_system_free(m.sys);
}

/* always: each fault compacts one half-used block and maps it: 255 or 256
 * pages move (the blocks alternate, as F's pages touched first shift the
 * pattern of kept pages by one frame every 2 MiB): 255 + 256 + 255 + 256. */
static void defrag_always_compacts_for_each_fault(void **state)
{
	(void)state;
	struct frag m = fragmented(VMSIM_THP_DEFRAG_ALWAYS, false, true);
	write_area(&m, 0);
	struct vmsim_sys_stats s = sst(m.sys);
	assert_int_equal(s.thp_fault_alloc, 4);
	assert_int_equal(s.thp_fault_fallback, 0);
	assert_int_equal(s.compact_stall, 4);
	assert_int_equal(s.compact_success, 4);
	assert_int_equal(s.compact_fail, 0);
	assert_int_equal(s.pgmigrate_success, 1022);
	struct vmsim_proc_stats p = pst(m.sys, m.p);
	assert_int_equal(p.anon_huge, 4 * HP);
	assert_int_equal(p.faults_minor, 4);
	/* F keeps every page it had */
	assert_int_equal(pst(m.sys, m.f).rss, (m.n - m.n / 2) * PG);
	check_sys(m.sys);
	vmsim_system_free(m.sys);
}

/* madvise (Linux's default): only a MADV_HUGEPAGE area waits for compaction. */
static void defrag_madvise_compacts_only_for_madvised_areas(void **state)
{
	(void)state;
	for (int advised = 0; advised < 2; advised++) {
		struct frag m = fragmented(VMSIM_THP_DEFRAG_MADVISE, false, true);
		write_area(&m, advised ? VMSIM_MADV_HUGEPAGE : 0);
		struct vmsim_sys_stats s = sst(m.sys);
		assert_int_equal(s.thp_fault_alloc, advised ? 4 : 0);
		assert_int_equal(s.thp_fault_fallback, advised ? 0 : 4);
		assert_int_equal(s.compact_stall, advised ? 4 : 0);
		assert_int_equal(s.compact_daemon_wake, 0);
		check_sys(m.sys);
		vmsim_system_free(m.sys);
	}
}

/* defer: the fault falls back at once and wakes kcompactd, whose block
 * the next range's fault gets: fallback, huge, fallback, huge. */
static void defrag_defer_falls_back_and_kcompactd_serves_the_next(void **state)
{
	(void)state;
	struct frag m = fragmented(VMSIM_THP_DEFRAG_DEFER, false, true);
	write_area(&m, VMSIM_MADV_HUGEPAGE);
	struct vmsim_sys_stats s = sst(m.sys);
	assert_int_equal(s.thp_fault_alloc, 2);
	assert_int_equal(s.thp_fault_fallback, 2);
	assert_int_equal(s.compact_stall, 0);
	assert_int_equal(s.compact_daemon_wake, 2);
	assert_int_equal(s.compact_success, 2);
	assert_int_equal(s.pgmigrate_success, 255 + 256);
	assert_int_equal(pst(m.sys, m.p).anon_huge, 2 * HP);
	check_sys(m.sys);
	vmsim_system_free(m.sys);
}

/* Data mode: F's bytes survive being moved, page by page. */
static void compaction_keeps_bytes(void **state)
{
	(void)state;
	struct frag m = fragmented(VMSIM_THP_DEFRAG_ALWAYS, true, true);
	write_area(&m, 0);
	assert_int_equal(sst(m.sys).pgmigrate_success, 1022);
	for (uint64_t i = 2; i < m.n; i += 2) {
		uint64_t v;
		assert_ok(vmsim_load(m.sys, m.f, m.fa + i * PG, &v, sizeof(v)));
		assert_int_equal(v, i);
	}
	check_sys(m.sys);
	vmsim_system_free(m.sys);
}

/* F's page tables allocated among its pages: each block holds one, which
 * cannot move, so compaction fails and the faults fall back (vmsim's buddy
 * allocator has no migratetype grouping: docs/VALIDATION.md). */
static void page_table_in_each_block_defeats_compaction(void **state)
{
	(void)state;
	struct frag m = fragmented(VMSIM_THP_DEFRAG_ALWAYS, false, false);
	write_area(&m, 0);
	struct vmsim_sys_stats s = sst(m.sys);
	assert_int_equal(s.thp_fault_alloc, 0);
	assert_int_equal(s.thp_fault_fallback, 4);
	assert_int_equal(s.compact_stall, 4);
	assert_int_equal(s.compact_fail, 4);
	assert_int_equal(s.pgmigrate_success, 0);
	check_sys(m.sys);
	vmsim_system_free(m.sys);
}

/* khugepaged compacts for its collapse (khugepaged_defrag on, Linux's
 * default); off, it finds no block. */
static void khugepaged_defrag_compacts_for_a_collapse(void **state)
{
	(void)state;
	for (int defrag = 0; defrag < 2; defrag++) {
		struct vmsim_config cfg;
		vmsim_config_default(&cfg);
		cfg.ram_bytes = 64 * MiB;
		cfg.swap_bytes = 0;
		cfg.oom_kill = false;
		cfg.khugepaged = true;
		cfg.khugepaged_defrag = defrag;
		struct vmsim_system *sys;
		assert_ok(vmsim_system_new(&cfg, &sys));
		int p = new_proc(sys), f = new_proc(sys);
		vaddr_t a, fa;
		assert_ok(
		    vmsim_mmap(sys, p, AT, HP, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
		for (uint64_t off = 0; off < HP; off += PG)
			assert_ok(vmsim_access(sys, p, a + off, 1, VMSIM_WRITE, NULL));
		assert_ok(vmsim_mmap(sys, f, 0, 64 * MiB, RW, PA, -1, 0, &fa));
		for (uint64_t off = 0; off < 64 * MiB; off += HP)
			assert_ok(vmsim_access(sys, f, fa + off, 1, VMSIM_WRITE, NULL));
		uint64_t n = 0;
		while (vmsim_access(sys, f, fa + n * PG, 1, VMSIM_WRITE, NULL) == 0)
			n++;
		for (uint64_t i = 1; i < n; i += 2)
			assert_ok(vmsim_madvise(sys, f, fa + i * PG, PG, VMSIM_MADV_DONTNEED));
		/* reclaim took the accessed bits while RAM filled: use the pages again */
		for (uint64_t off = 0; off < HP; off += PG)
			assert_ok(vmsim_access(sys, p, a + off, 1, VMSIM_READ, NULL));
		assert_ok(vmsim_madvise(sys, p, a, HP, VMSIM_MADV_HUGEPAGE));
		assert_ok(vmsim_sleep(sys, 0));
		struct vmsim_sys_stats s = sst(sys);
		assert_int_equal(s.thp_collapse_alloc, defrag ? 1 : 0);
		assert_int_equal(s.thp_collapse_alloc_failed, defrag ? 0 : 1);
		assert_int_equal(s.compact_stall, defrag ? 1 : 0);
		assert_int_equal(pst(sys, p).anon_huge, defrag ? HP : 0);
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defrag_never_falls_back),
	    cmocka_unit_test(defrag_always_compacts_for_each_fault),
	    cmocka_unit_test(defrag_madvise_compacts_only_for_madvised_areas),
	    cmocka_unit_test(defrag_defer_falls_back_and_kcompactd_serves_the_next),
	    cmocka_unit_test(compaction_keeps_bytes),
	    cmocka_unit_test(page_table_in_each_block_defeats_compaction),
	    cmocka_unit_test(khugepaged_defrag_compacts_for_a_collapse),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
