/*
 * Regression tests: one small deterministic reproducer per bug the
 * differential test (tests/model/) found, each asserting what Linux does.
 * BUG-1..7 were fixed in commit c189ee3; these tests keep them fixed.
 * A bug found later and not fixed yet gets its test here marked "BUG:"
 * with known_bug() (cmocka's skip()) so that the suite stays green; build
 * with -DVMSIM_REGRESS_ALL to run such tests anyway, and name them on the
 * command line (test_regress 'msync*') if one aborts the binary.
 * docs/RELIABILITY.md lists the bugs.
 */
#define _DEFAULT_SOURCE /* mkstemp, pread */

#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#ifdef VMSIM_REGRESS_ALL
#define known_bug() ((void)0)
#else
#define known_bug() skip() /* for a BUG: not fixed yet (none now) */
#endif

#define PG  4096ULL
#define MiB (1ULL << 20)
#define HP  (2 * MiB)
#define RW  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define AT  0x40000000ULL /* a 2 MiB-aligned address for fixed mappings */

static struct vmsim_system *machine(uint64_t frames, int thp)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = frames * PG;
	cfg.thp = thp;
	cfg.data_mode = true;
	cfg.swap_bytes = 16 * MiB;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

/* A host file of @pages pages of byte @fill; its name in @path. */
static void make_file(char *path, size_t len, uint64_t pages, int fill)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/vmsim-regress-XXXXXX", tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	uint8_t page[PG];
	memset(page, fill, sizeof(page));
	for (uint64_t i = 0; i < pages; i++)
		assert_int_equal(write(fd, page, PG), (ssize_t)PG);
	close(fd);
}

static int host_byte(const char *path, uint64_t off)
{
	uint8_t b = 0;
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	close(fd);
	return b;
}

static uint8_t load8(struct vmsim_system *sys, int pid, vaddr_t va)
{
	uint8_t b = 0;
	assert_ok(vmsim_load(sys, pid, va, &b, 1));
	return b;
}

static void store8(struct vmsim_system *sys, int pid, vaddr_t va, uint8_t b)
{
	assert_ok(vmsim_store(sys, pid, va, &b, 1));
}

/*
 * BUG-1 (fixed in c189ee3): MAP_POPULATE over an area where THP applies
 * aborted vmsim.
 *   thp = always; mmap(AT, 4 MiB, rw, private|anonymous|fixed|populate)
 * Linux: the area is populated (with huge pages), mmap returns it.
 * vmsim was: VMSIM_BUG_ON at src/os/fault.c:381 (os_handle_fault: "a
 * write to a read-only huge page" asserted). populate() in src/os/mmap.c
 * skipped a page only when a 4 KiB leaf mapped it (level == 1); after its
 * first fault mapped a 2 MiB page, the next page's walk ended at the
 * present, writable huge leaf (level 2), populate faulted again, and the
 * handler's assertion fired. The same with a read populate over the huge
 * zero page.
 */
static void populate_over_thp_maps_area(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(4096, VMSIM_THP_ALWAYS);
	int pid = new_proc(sys);
	vaddr_t va;
	assert_ok(vmsim_mmap(sys, pid, AT, 2 * HP, RW, PA | VMSIM_MAP_FIXED | VMSIM_MAP_POPULATE,
			     -1, 0, &va));
	assert_int_equal(va, AT);
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.rss, 2 * HP);
	check_sys(sys);
	vmsim_system_free(sys);
}

/*
 * BUG-2 (fixed in c189ee3): madvise() with an advice that splits an area
 * (MADV_RANDOM, _SEQUENTIAL, _NORMAL, _HUGEPAGE, _NOHUGEPAGE) left a
 * transparent huge page straddling the new area boundary.
 *   thp = always; mmap(AT, 2 MiB, rw, private|anonymous|fixed);
 *   store at AT (a 2 MiB page); madvise(AT + 1 MiB, 4 KiB, MADV_RANDOM)
 * Linux: __split_vma splits the PMD first (vma_adjust_trans_huge).
 * vmsim was: vmsim_check reported "page 0x40000000 is mapped outside every
 * VMA". vmsim_madvise in src/os/mmap.c called vma_split_at without the
 * split_range_ends that munmap, mprotect and MADV_DONTNEED do.
 */
static void madvise_split_of_area_splits_huge_page(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(4096, VMSIM_THP_ALWAYS);
	int pid = new_proc(sys);
	vaddr_t va;
	assert_ok(vmsim_mmap(sys, pid, AT, HP, RW, PA | VMSIM_MAP_FIXED, -1, 0, &va));
	store8(sys, pid, AT, 0x5a);
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	assert_int_equal(ps.anon_huge, HP); /* the precondition: one 2 MiB page */
	assert_ok(vmsim_madvise(sys, pid, AT + MiB, PG, VMSIM_MADV_RANDOM));
	check_sys(sys);
	assert_int_equal(load8(sys, pid, AT), 0x5a);
	vmsim_system_free(sys);
}

/*
 * BUG-3 (fixed in c189ee3): msync() wrote back only the pages the calling
 * process itself had mapped and dirtied. Linux's msync(MS_SYNC) is
 * vfs_fsync_range over the file range the mapping covers, so every dirty
 * page there reaches the file, whoever dirtied it.
 *   (a) A and B map the same file MAP_SHARED. A stores 0x11 at page 0;
 *       B: msync(its mapping, MS_SYNC) -> the file must hold 0x11. vmsim
 *       was: B's PTE for page 0 is empty, so msync never looked at it.
 *   (b) B has read the page (its PTE maps the cached page). A stores 0x22,
 *       B msyncs (written: the page was dirty); A stores 0x33 through its
 *       still-writable PTE (no fault: vmsim's msync did not write-protect
 *       A's mapping as Linux's page_mkclean does), B msyncs -> the file
 *       must hold 0x33 (vmsim was: 0x22 stayed).
 *   (c) One process: stores 0x77 through its shared mapping, mprotects the
 *       page PROT_NONE, msyncs -> the file must hold 0x77 (vmsim was:
 *       msync_one skipped the non-present PROT_NONE entry).
 * Where: msync_one in src/os/mmap.c walked the caller's PTEs only. Cleaning
 * a page must go through the reverse map (every mapper's PTE: D bit moved
 * to the page, write access removed), and every dirty cached page of the
 * range must be written.
 */
struct two_mappers {
	char path[256];
	struct vmsim_system *sys;
	int a, b;
	vaddr_t va, vb;
};

static void two_shared_mappers(struct two_mappers *t)
{
	int fd;
	make_file(t->path, sizeof(t->path), 2, 0);
	t->sys = machine(256, VMSIM_THP_NEVER);
	t->a = new_proc(t->sys);
	t->b = new_proc(t->sys);
	assert_ok(vmsim_file_open(t->sys, t->path, true, &fd));
	assert_ok(vmsim_mmap(t->sys, t->a, 0, 2 * PG, RW, VMSIM_MAP_SHARED, fd, 0, &t->va));
	assert_ok(vmsim_mmap(t->sys, t->b, 0, 2 * PG, RW, VMSIM_MAP_SHARED, fd, 0, &t->vb));
}

static void msync_writes_page_only_another_process_touched(void **state)
{
	(void)state;
	struct two_mappers t;
	two_shared_mappers(&t);
	store8(t.sys, t.a, t.va, 0x11);
	assert_ok(vmsim_msync(t.sys, t.b, t.vb, 2 * PG, VMSIM_MS_SYNC));
	assert_int_equal(host_byte(t.path, 0), 0x11);
	check_sys(t.sys);
	vmsim_system_free(t.sys);
	unlink(t.path);
}

static void msync_write_protects_every_mapper_of_the_page(void **state)
{
	(void)state;
	struct two_mappers t;
	two_shared_mappers(&t);
	assert_int_equal(load8(t.sys, t.b, t.vb + PG), 0);
	store8(t.sys, t.a, t.va + PG, 0x22);
	assert_ok(vmsim_msync(t.sys, t.b, t.vb, 2 * PG, VMSIM_MS_SYNC));
	assert_int_equal(host_byte(t.path, PG), 0x22);
	store8(t.sys, t.a, t.va + PG, 0x33);
	assert_ok(vmsim_msync(t.sys, t.b, t.vb, 2 * PG, VMSIM_MS_SYNC));
	assert_int_equal(host_byte(t.path, PG), 0x33);
	check_sys(t.sys);
	vmsim_system_free(t.sys);
	unlink(t.path);
}

static void msync_writes_dirty_page_of_prot_none_range(void **state)
{
	(void)state;
	struct two_mappers t;
	two_shared_mappers(&t);
	store8(t.sys, t.a, t.va, 0x77);
	assert_ok(vmsim_mprotect(t.sys, t.a, t.va, PG, VMSIM_PROT_NONE));
	assert_ok(vmsim_msync(t.sys, t.a, t.va, 2 * PG, VMSIM_MS_SYNC));
	assert_int_equal(host_byte(t.path, 0), 0x77);
	check_sys(t.sys);
	vmsim_system_free(t.sys);
	unlink(t.path);
}

/*
 * BUG-4 (fixed in c189ee3): truncate() kept the private copies that
 * MAP_PRIVATE mappings made of file pages now wholly past the end; Linux drops them
 * (truncate_pagecache -> unmap_mapping_range(..., even_cows = 1)), so a
 * later access raises SIGBUS.
 *   file of 2 pages; A maps it MAP_PRIVATE rw; A stores at page 1 (a
 *   private copy); truncate(file, 1 page); A loads page 1
 * Linux: SIGBUS (VMSIM_SIGBUS_EOF). vmsim was: the load returned A's byte,
 * and after the file grew back to 2 pages A still read its stale copy
 * where Linux reads the file's zeros.
 * Where: vmsim_file_truncate (src/os/pagecache.c) unmapped only the page-cache
 * pages (trunc_page -> file_unmap_page walks the cache page's mappers);
 * anonymous copies in private file areas past the new end must be zapped
 * too.
 */
static void truncate_drops_private_copies_past_the_end(void **state)
{
	(void)state;
	char path[256];
	make_file(path, sizeof(path), 2, 0x44);
	struct vmsim_system *sys = machine(256, VMSIM_THP_NEVER);
	int fd, a = new_proc(sys);
	vaddr_t va;
	uint8_t b;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, a, 0, 2 * PG, RW, VMSIM_MAP_PRIVATE, fd, 0, &va));
	store8(sys, a, va + PG, 0x55);
	assert_ok(vmsim_file_truncate(sys, fd, PG));
	assert_int_equal(vmsim_load(sys, a, va + PG, &b, 1), VMSIM_EFAULT);
	struct vmsim_segv_record s;
	assert_ok(vmsim_segv_get(sys, 0, &s));
	assert_int_equal(s.reason, VMSIM_SIGBUS_EOF);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/*
 * BUG-5 (fixed in c189ee3): two vmsim_file_open() calls on the same host file
 * gave two page caches, so two shared mappings of one file did not see
 * each other's writes. Linux keeps one page cache per inode: every open of the file
 * shares it.
 *   open(path) -> fd1, open(path) -> fd2; A maps fd1 MAP_SHARED, B maps
 *   fd2 MAP_SHARED; B loads byte 0 (caches the page); A stores 0x66;
 *   B loads byte 0
 * Linux: 0x66. vmsim was: the old byte.
 * Where: vmsim_file_open (src/os/pagecache.c) always made a new struct
 * vfile; it has to find the open vfile of the same inode (st_dev,
 * st_ino) and take a reference on it.
 */
static void two_opens_of_one_file_share_the_page_cache(void **state)
{
	(void)state;
	char path[256];
	make_file(path, sizeof(path), 1, 0x01);
	struct vmsim_system *sys = machine(256, VMSIM_THP_NEVER);
	int fd1, fd2, a = new_proc(sys), b = new_proc(sys);
	vaddr_t va, vb;
	assert_ok(vmsim_file_open(sys, path, true, &fd1));
	assert_ok(vmsim_file_open(sys, path, true, &fd2));
	assert_ok(vmsim_mmap(sys, a, 0, PG, RW, VMSIM_MAP_SHARED, fd1, 0, &va));
	assert_ok(vmsim_mmap(sys, b, 0, PG, RW, VMSIM_MAP_SHARED, fd2, 0, &vb));
	assert_int_equal(load8(sys, b, vb), 0x01);
	store8(sys, a, va, 0x66);
	assert_int_equal(load8(sys, b, vb), 0x66);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/*
 * BUG-6 (fixed in c189ee3): page-table frames were allocated without
 * reclaim, so fork failed with ENOMEM while RAM was full of pages that
 * could go to swap.
 *   64 frames of RAM, 8 MiB of swap; one process touches 160 private
 *   pages at 0x40000000 and 8 pages in each of two more 2 MiB ranges
 *   (RAM fills up, the rest goes to swap, about 5 frames stay free);
 *   fork() needs 6 page-table frames for the child
 * Linux: page-table allocations are GFP_KERNEL and reclaim; fork succeeds.
 * vmsim was: VMSIM_ENOMEM. copy_one (src/os/fork.c) -> pt_slot -> the
 * page-table allocator (src/mmu/pagetable.c) called phys_alloc directly;
 * only alloc_user_frame (src/os/reclaim.c) reclaimed. The same held for
 * vmsim_process_create and for the tables a page fault needs (there a failure
 * went to the OOM killer although memory could be reclaimed).
 */
static void fork_reclaims_for_page_tables(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(64, VMSIM_THP_NEVER);
	int pid = new_proc(sys), child;
	vaddr_t va;
	const vaddr_t at[3] = {AT, AT + 0x10000000, AT + 0x20000000};
	const uint64_t pages[3] = {160, 8, 8};
	for (int k = 2; k >= 0; k--) {
		assert_ok(vmsim_mmap(sys, pid, at[k], pages[k] * PG, RW, PA | VMSIM_MAP_FIXED, -1,
				     0, &va));
		for (uint64_t i = 0; i < pages[k]; i++)
			store8(sys, pid, at[k] + i * PG, (uint8_t)(i + 1));
	}
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(sys, &st));
	assert_true(st.swap_used > 100 && st.swap_used < st.swap_total / 4);
	assert_ok(vmsim_fork(sys, pid, &child));
	assert_int_equal(load8(sys, child, AT + 5 * PG), 6);
	check_sys(sys);
	vmsim_system_free(sys);
}

/*
 * BUG-7 (fixed in c189ee3): fork of a process that has no areas called
 * memcpy(NULL, NULL, 0) in vma_map_copy (src/os/vma.c:143): undefined
 * behaviour, reported by UBSan ("null pointer passed as argument 1"),
 * which aborts sanitizer builds. reserve() allocates nothing for 0 areas,
 * so dst->v stayed NULL. Run it in a sanitizer build.
 */
static void fork_of_process_without_areas(void **state)
{
	(void)state;
	struct vmsim_system *sys = machine(256, VMSIM_THP_NEVER);
	int pid = new_proc(sys), child;
	assert_ok(vmsim_fork(sys, pid, &child));
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, child, &ps));
	assert_true(ps.alive);
	assert_int_equal(ps.nr_vmas, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* An argument names the tests to run (a cmocka pattern such as "msync*"). */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(populate_over_thp_maps_area),
	    cmocka_unit_test(madvise_split_of_area_splits_huge_page),
	    cmocka_unit_test(msync_writes_page_only_another_process_touched),
	    cmocka_unit_test(msync_write_protects_every_mapper_of_the_page),
	    cmocka_unit_test(msync_writes_dirty_page_of_prot_none_range),
	    cmocka_unit_test(truncate_drops_private_copies_past_the_end),
	    cmocka_unit_test(two_opens_of_one_file_share_the_page_cache),
	    cmocka_unit_test(fork_reclaims_for_page_tables),
	    cmocka_unit_test(fork_of_process_without_areas),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
