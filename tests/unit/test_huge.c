/*
 * Huge pages: transparent huge pages (allocation on fault, the huge zero
 * page, fallback when physical memory is fragmented, split on partial
 * munmap/mprotect and on copy-on-write, swap-out), hugetlb pools of 2 MiB
 * and 1 GiB pages, and the seed's exercise 11 (page-table entries and TLB
 * misses for a large array with 4 KiB and 2 MiB pages). vmsim_check after each.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define HP  (2 * MiB)
#define RW  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)

static struct vmsim_system *machine(uint64_t ram, int thp, bool data)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.thp = thp;
	cfg.data_mode = data;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

/* An area aligned to 2 MiB (the mmap hint is honoured when free). */
static vaddr_t map_aligned(struct vmsim_system *sys, int pid, uint64_t len, vaddr_t at)
{
	vaddr_t a;
	assert_ok(vmsim_mmap(sys, pid, at, len, RW, PA | VMSIM_MAP_FIXED_NOREPLACE, -1, 0, &a));
	return a;
}

static void touch(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t len, uint64_t step,
		  enum vmsim_access_kind k)
{
	for (uint64_t off = 0; off < len; off += step) {
		struct vmsim_access_result r;
		assert_ok(vmsim_access(sys, pid, a + off, 1, k, &r));
		assert_false(r.segv);
	}
}

/* THP always: a write fault in a 2 MiB-aligned range maps a huge page; one
 * fault per 2 MiB, RSS and AnonHugePages count it whole. */
static void thp_always_maps_2m_page_per_fault(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256 * MiB, VMSIM_THP_ALWAYS, false);
	int pid = new_proc(sys);
	vaddr_t a = map_aligned(sys, pid, 8 * HP, 0x40000000ULL);
	touch(sys, pid, a, 8 * HP, PG, VMSIM_WRITE);
	struct vmsim_proc_stats p = pst(sys, pid);
	assert_int_equal(p.faults_minor, 8);
	assert_int_equal(p.rss, 8 * HP);
	assert_int_equal(p.anon_huge, 8 * HP);
	/* the PML4 root, a PDPT and a PD: no page tables under the huge pages */
	assert_int_equal(p.pte_bytes, 3 * PG);
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.thp_fault_alloc, 8);
	assert_int_equal(s.thp_fault_fallback, 0);
	assert_int_equal(s.anon_huge, 8 * HP);
	assert_int_equal(s.thp_untouched, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* madvise mode: only areas given MADV_HUGEPAGE; never: none. Partial
 * 2 MiB ranges at the ends of an area get 4 KiB pages. */
static void thp_modes_and_alignment_decide_page_size(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256 * MiB, VMSIM_THP_MADVISE, false);
	int pid = new_proc(sys);
	vaddr_t a = map_aligned(sys, pid, 4 * HP, 0x40000000ULL);
	touch(sys, pid, a, HP, PG, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).anon_huge, 0);
	assert_ok(vmsim_madvise(sys, pid, a + HP, 3 * HP, VMSIM_MADV_HUGEPAGE));
	touch(sys, pid, a + HP, HP, PG, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).anon_huge, HP);
	/* an area starting 4 KiB past a 2 MiB boundary: its first and last
	 * 2 MiB ranges are partial */
	vaddr_t b = map_aligned(sys, pid, 4 * HP, 0x80000000ULL + PG);
	assert_ok(vmsim_madvise(sys, pid, b, 4 * HP, VMSIM_MADV_HUGEPAGE));
	touch(sys, pid, b, 4 * HP, PG, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).anon_huge, HP + 3 * HP);
	check_sys(sys);
	vmsim_system_free(sys);

	sys = machine(256 * MiB, VMSIM_THP_NEVER, false);
	pid = new_proc(sys);
	a = map_aligned(sys, pid, 4 * HP, 0x40000000ULL);
	assert_ok(vmsim_madvise(sys, pid, a, 4 * HP, VMSIM_MADV_HUGEPAGE));
	touch(sys, pid, a, 4 * HP, PG, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).anon_huge, 0);
	assert_int_equal(pst(sys, pid).faults_minor, 4 * HP / PG);
	vmsim_system_free(sys);
}

/* A read maps the huge zero page (no RSS); the first write then takes a
 * real huge page. */
static void thp_read_maps_huge_zero_page_then_write_allocates(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256 * MiB, VMSIM_THP_ALWAYS, true);
	int pid = new_proc(sys);
	vaddr_t a = map_aligned(sys, pid, HP, 0x40000000ULL);
	uint64_t v = 1;
	assert_ok(vmsim_load(sys, pid, a + 12345, &v, sizeof(v)));
	assert_int_equal(v, 0);
	assert_int_equal(pst(sys, pid).rss, 0);
	assert_int_equal(sst(sys).thp_fault_alloc, 0);
	v = 0xabcdef;
	assert_ok(vmsim_store(sys, pid, a + 12345, &v, sizeof(v)));
	assert_int_equal(pst(sys, pid).rss, HP);
	assert_int_equal(sst(sys).thp_fault_alloc, 1);
	uint64_t got = 0;
	assert_ok(vmsim_load(sys, pid, a + 12345, &got, sizeof(got)));
	assert_int_equal(got, 0xabcdef);
	assert_ok(vmsim_load(sys, pid, a + HP - 8, &got, sizeof(got)));
	assert_int_equal(got, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Fragmented physical memory: no free 2 MiB block, so THP falls back to
 * 4 KiB pages although free memory is plentiful. */
static void thp_falls_back_when_memory_is_fragmented(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.thp = VMSIM_THP_ALWAYS;
	cfg.swap_bytes = 0;
	cfg.oom_kill = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	int frag = new_proc(sys), pid = new_proc(sys);
	/* fill RAM with 4 KiB pages, then free every other one: a quarter of
	 * RAM and more is free, but only in 4 KiB holes */
	vaddr_t f;
	assert_ok(vmsim_mmap(sys, frag, 0, 64 * MiB, RW, PA, -1, 0, &f));
	assert_ok(vmsim_madvise(sys, frag, f, 64 * MiB, VMSIM_MADV_NOHUGEPAGE));
	uint64_t n = 0;
	while (vmsim_access(sys, frag, f + n * PG, 1, VMSIM_WRITE, NULL) == 0)
		n++;
	for (uint64_t i = 0; i < n; i += 2)
		assert_ok(vmsim_madvise(sys, frag, f + i * PG, PG, VMSIM_MADV_DONTNEED));
	struct vmsim_sys_stats s = sst(sys);
	assert_true(s.frames_free * PG > 16 * MiB);
	vaddr_t a = map_aligned(sys, pid, 4 * HP, 0x40000000ULL);
	touch(sys, pid, a, 4 * HP, PG, VMSIM_WRITE);
	s = sst(sys);
	assert_int_equal(s.thp_fault_alloc, 0);
	assert_int_equal(s.thp_fault_fallback, 4);
	assert_int_equal(pst(sys, pid).anon_huge, 0);
	assert_int_equal(pst(sys, pid).rss, 4 * HP);
	check_sys(sys);
	/* freeing the fragmenting process lets the next area have huge pages */
	assert_ok(vmsim_exit(sys, frag));
	vaddr_t b = map_aligned(sys, pid, 2 * HP, 0x80000000ULL);
	touch(sys, pid, b, 2 * HP, PG, VMSIM_WRITE);
	assert_int_equal(sst(sys).thp_fault_alloc, 2);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* munmap of part of a huge page splits it into 512 pages and unmaps only
 * the part; mprotect likewise. The data stays. */
static void partial_munmap_and_mprotect_split_huge_page(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256 * MiB, VMSIM_THP_ALWAYS, true);
	int pid = new_proc(sys);
	vaddr_t a = map_aligned(sys, pid, 2 * HP, 0x40000000ULL);
	for (uint64_t i = 0; i < 2 * HP / PG; i++) {
		uint64_t v = i;
		assert_ok(vmsim_store(sys, pid, a + i * PG, &v, sizeof(v)));
	}
	assert_int_equal(sst(sys).thp_fault_alloc, 2);
	assert_ok(vmsim_munmap(sys, pid, a + 100 * PG, 10 * PG));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.thp_split, 1);
	assert_int_equal(pst(sys, pid).rss, 2 * HP - 10 * PG);
	assert_int_equal(pst(sys, pid).anon_huge, HP);
	for (uint64_t i = 0; i < 2 * HP / PG; i++) {
		if (i >= 100 && i < 110)
			continue;
		uint64_t v = ~0ULL;
		assert_ok(vmsim_load(sys, pid, a + i * PG, &v, sizeof(v)));
		assert_int_equal(v, i);
	}
	check_sys(sys);
	assert_ok(vmsim_mprotect(sys, pid, a + HP + 7 * PG, PG, VMSIM_PROT_READ));
	assert_int_equal(sst(sys).thp_split, 2);
	assert_int_equal(pst(sys, pid).anon_huge, 0);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, a + HP + 7 * PG, 1, VMSIM_WRITE, &r));
	assert_true(r.segv);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* After fork a huge page is shared read-only; a write copies only the
 * 4 KiB page it touches (the huge page is split in both processes). */
static void fork_then_write_splits_and_copies_one_small_page(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256 * MiB, VMSIM_THP_ALWAYS, true);
	int parent = new_proc(sys), child;
	vaddr_t a = map_aligned(sys, parent, HP, 0x40000000ULL);
	uint64_t v = 7;
	assert_ok(vmsim_store(sys, parent, a + 5 * PG, &v, sizeof(v)));
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_int_equal(pst(sys, child).anon_huge, HP);
	assert_int_equal(pst(sys, child).pss, HP / 2);
	check_sys(sys);
	v = 8;
	assert_ok(vmsim_store(sys, child, a + 5 * PG, &v, sizeof(v)));
	assert_int_equal(pst(sys, child).cow_copies, 1);
	assert_int_equal(sst(sys).thp_split, 1);
	uint64_t got;
	assert_ok(vmsim_load(sys, parent, a + 5 * PG, &got, sizeof(got)));
	assert_int_equal(got, 7);
	assert_ok(vmsim_load(sys, child, a + 5 * PG, &got, sizeof(got)));
	assert_int_equal(got, 8);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Under memory pressure a huge page is split and its pages go to swap. */
static void huge_page_is_split_then_swapped_under_pressure(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 8 * MiB;
	cfg.swap_bytes = 64 * MiB;
	cfg.thp = VMSIM_THP_ALWAYS;
	cfg.data_mode = true;
	assert_ok(vmsim_system_new(&cfg, &sys));
	int pid = new_proc(sys);
	vaddr_t a = map_aligned(sys, pid, 6 * HP, 0x40000000ULL);
	for (uint64_t i = 0; i < 6 * HP / PG; i++) {
		uint64_t v = i * 3;
		assert_ok(vmsim_store(sys, pid, a + i * PG, &v, sizeof(v)));
	}
	struct vmsim_sys_stats s = sst(sys);
	assert_true(s.swap_outs > 0);
	assert_true(s.thp_split > 0);
	for (uint64_t i = 0; i < 6 * HP / PG; i++) {
		uint64_t v = 0;
		assert_ok(vmsim_load(sys, pid, a + i * PG, &v, sizeof(v)));
		assert_int_equal(v, i * 3);
	}
	check_sys(sys);
	vmsim_system_free(sys);
}

/* hugetlb: pools reserved at start; MAP_HUGETLB maps 2 MiB or 1 GiB leaves
 * from them; the pages are not in RSS; an empty pool means SIGBUS. */
static void hugetlb_pools_map_2m_and_1g_pages(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 2 * GiB;
	cfg.hugetlb_2m = 4;
	cfg.hugetlb_1g = 1;
	cfg.segv_kills = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.hugetlb_total, 4 * HP + GiB);
	assert_int_equal(s.hugetlb_free, 4 * HP + GiB);
	int pid = new_proc(sys);
	vaddr_t a, g;
	assert_ok(vmsim_mmap(sys, pid, 0, 3 * HP, RW, PA | VMSIM_MAP_HUGETLB, -1, 0, &a));
	assert_int_equal(a & (HP - 1), 0);
	assert_ok(vmsim_mmap(sys, pid, 0, GiB, RW, PA | VMSIM_MAP_HUGETLB | VMSIM_MAP_HUGE_1GB, -1,
			     0, &g));
	assert_int_equal(g & (GiB - 1), 0);
	touch(sys, pid, a, 3 * HP, PG, VMSIM_WRITE);
	touch(sys, pid, g, GiB, 64 * PG, VMSIM_READ);
	struct vmsim_proc_stats p = pst(sys, pid);
	assert_int_equal(p.faults_minor, 4);
	assert_int_equal(p.hugetlb, 3 * HP + GiB);
	assert_int_equal(p.rss, 0);
	s = sst(sys);
	assert_int_equal(s.hugetlb_free, HP);
	/* the 1 GiB page: one L1 TLB entry for all 16,384 reads after the fault */
	assert_int_equal(s.mmu.tlb[VMSIM_TLB_L1D].hits[VMSIM_PAGE_1G], GiB / (64 * PG) - 1);
	check_sys(sys);
	/* a second mapping finds the 2 MiB pool with one page: the second
	 * page's fault raises SIGBUS */
	vaddr_t b;
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * HP, RW, PA | VMSIM_MAP_HUGETLB, -1, 0, &b));
	touch(sys, pid, b, HP, PG, VMSIM_WRITE);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, b + HP, 1, VMSIM_WRITE, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SIGBUS_HUGETLB);
	/* munmap gives pages back; unaligned munmap is refused */
	assert_int_equal(vmsim_munmap(sys, pid, a + PG, PG), VMSIM_EINVAL);
	assert_ok(vmsim_munmap(sys, pid, a, 3 * HP));
	assert_int_equal(sst(sys).hugetlb_free, 3 * HP);
	check_sys(sys);
	assert_ok(vmsim_exit(sys, pid));
	assert_int_equal(sst(sys).hugetlb_free, 4 * HP + GiB);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A private hugetlb page after fork: the first write of a process that
 * shares it copies the whole 2 MiB from the pool (the bytes come along),
 * the last mapper's write reuses the page in place, and a copy the pool
 * cannot give raises SIGBUS and leaves the shared page as it was. */
static void hugetlb_write_after_fork_copies_then_reuses(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 32 * MiB;
	cfg.hugetlb_2m = 2;
	cfg.data_mode = true;
	cfg.segv_kills = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	int parent = new_proc(sys), child, child2;
	vaddr_t a;
	uint64_t v = 0x1111, got;
	assert_ok(vmsim_mmap(sys, parent, 0, HP, RW, PA | VMSIM_MAP_HUGETLB, -1, 0, &a));
	assert_ok(vmsim_store(sys, parent, a + HP - 8, &v, sizeof(v)));
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_int_equal(sst(sys).hugetlb_free, HP);
	check_sys(sys);

	/* the child writes: a copy, with the parent's bytes in it */
	v = 0x2222;
	assert_ok(vmsim_store(sys, child, a, &v, sizeof(v)));
	assert_int_equal(pst(sys, child).cow_copies, 1);
	assert_int_equal(sst(sys).hugetlb_free, 0);
	assert_ok(vmsim_load(sys, child, a + HP - 8, &got, sizeof(got)));
	assert_int_equal(got, 0x1111);
	assert_ok(vmsim_load(sys, parent, a, &got, sizeof(got)));
	assert_int_equal(got, 0);
	check_sys(sys);

	/* the parent is now the page's only mapper: it writes in place */
	v = 0x3333;
	assert_ok(vmsim_store(sys, parent, a, &v, sizeof(v)));
	assert_int_equal(pst(sys, parent).cow_reuses, 1);
	assert_int_equal(pst(sys, parent).cow_copies, 0);
	assert_int_equal(sst(sys).hugetlb_free, 0);
	check_sys(sys);

	/* a second child shares the parent's page; the pool is empty, so its
	 * write cannot copy: SIGBUS, and both still read the parent's bytes */
	assert_ok(vmsim_fork(sys, parent, &child2));
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, child2, a, 8, VMSIM_WRITE, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SIGBUS_HUGETLB);
	assert_ok(vmsim_load(sys, child2, a, &got, sizeof(got)));
	assert_int_equal(got, 0x3333);
	assert_ok(vmsim_load(sys, child, a, &got, sizeof(got)));
	assert_int_equal(got, 0x2222);
	check_sys(sys);
	/* when the child exits, its copy goes back to the pool */
	assert_ok(vmsim_exit(sys, child));
	assert_int_equal(sst(sys).hugetlb_free, HP);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Exercise 11: a 10 GiB array needs 2,621,440 4 KiB PTEs or 5,120 2 MiB
 * entries; streaming through it misses the TLB once per 4 KiB page with
 * small pages and once per 2 MiB with huge pages. */
static void exercise11_10gib_array_ptes_and_tlb_misses(void **state)
{
	(void)state;
	const uint64_t size = 10 * GiB;
	for (int thp = VMSIM_THP_NEVER; thp <= VMSIM_THP_ALWAYS; thp += VMSIM_THP_ALWAYS) {
		struct vmsim_system *sys = machine(11 * GiB, thp, false);
		int pid = new_proc(sys);
		vaddr_t a = map_aligned(sys, pid, size, 0x10000000000ULL);
		touch(sys, pid, a, size, PG, VMSIM_WRITE); /* first pass: faults */
		struct vmsim_sys_stats s0 = sst(sys);
		touch(sys, pid, a, size, PG, VMSIM_READ); /* second pass: the TLB */
		struct vmsim_sys_stats s1 = sst(sys);
		struct vmsim_proc_stats p = pst(sys, pid);
		uint64_t walks = s1.mmu.walk.walks - s0.mmu.walk.walks;
		if (thp == VMSIM_THP_NEVER) {
			assert_int_equal(p.faults_minor, 2621440); /* one per 4 KiB PTE */
			assert_int_equal(walks, 2621440);	   /* a miss per page */
			assert_int_equal(p.pte_bytes,
					 (5120 + 10 + 2) * PG); /* PTs, PDs, PDPT, root */
		} else {
			assert_int_equal(p.faults_minor, 5120); /* one per 2 MiB entry */
			assert_int_equal(p.anon_huge, size);
			/* the STLB holds 1536 2 MiB entries: 5,120 pages stream through it */
			assert_int_equal(walks, 5120);
			assert_int_equal(p.pte_bytes, (10 + 2) * PG);
		}
		vmsim_system_free(sys);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(thp_always_maps_2m_page_per_fault),
	    cmocka_unit_test(thp_modes_and_alignment_decide_page_size),
	    cmocka_unit_test(thp_read_maps_huge_zero_page_then_write_allocates),
	    cmocka_unit_test(thp_falls_back_when_memory_is_fragmented),
	    cmocka_unit_test(partial_munmap_and_mprotect_split_huge_page),
	    cmocka_unit_test(fork_then_write_splits_and_copies_one_small_page),
	    cmocka_unit_test(huge_page_is_split_then_swapped_under_pressure),
	    cmocka_unit_test(hugetlb_pools_map_2m_and_1g_pages),
	    cmocka_unit_test(hugetlb_write_after_fork_copies_then_reuses),
	    cmocka_unit_test(exercise11_10gib_array_ptes_and_tlb_misses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
