/*
 * The page cache's folios, readahead and file I/O: folio orders under a
 * fragmented buddy allocator, the readahead window sequence (initial size
 * from the request, ramp-up at the mark, mmap read-around), fault-around of
 * a folio that crosses an area or a page-table boundary, truncation splitting
 * a folio, and read()/write() coherent with mappings. vmsim_check after each.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "os/kernel.h" /* readahead state, folio counters */
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)

static bool cached(struct vmsim_system *sys, int fd, uint64_t pgoff)
{
	return pcache_lookup(vfile_of_fd(sys, fd), pgoff) != PFN_NONE;
}

/* read(): the first window comes from the request size and ra_pages (32
 * with read_ahead_kb 128): 4x a one-page read, 2x an 8-page one, all of
 * ra_pages for a 16-page one; the mark sits right after the request. */
static void read_window_starts_from_request_size(void **state)
{
	(void)state;
	static const struct {
		uint64_t req, size, async;
	} cases[] = {{1, 4, 3}, {8, 16, 8}, {16, 32, 16}};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmsim_system *sys = test_machine(64 * MiB, false, false);
		int fd;
		uint64_t done;
		assert_ok(vmsim_file_create_virtual(sys, 4 * MiB, &fd));
		assert_ok(vmsim_file_pread(sys, fd, NULL, cases[i].req * PG, 0, &done));
		assert_int_equal(done, cases[i].req * PG);
		const struct file_ra *ra = &sys->handles[fd].ra;
		assert_int_equal(ra->start, 0);
		assert_int_equal(ra->size, cases[i].size);
		assert_int_equal(ra->async_size, cases[i].async);
		assert_true(cached(sys, fd, cases[i].size - 1));
		assert_false(cached(sys, fd, cases[i].size));
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* Reading on page by page: reaching the mark (page 1 of the first 4-page
 * window) reads the next window right after it, twice as large, in folios
 * two orders larger (8 pages of order-2 folios); the new window is marked
 * at its first folio; the file ends up read whole, in folios up to 32 pages. */
static void readahead_ramps_up_at_the_mark(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd;
	assert_ok(vmsim_file_create_virtual(sys, 4 * MiB, &fd));
	const struct file_ra *ra = &sys->handles[fd].ra;
	assert_ok(vmsim_file_pread(sys, fd, NULL, PG, 0, NULL));
	assert_int_equal(ra->size, 4);
	assert_ok(vmsim_file_pread(sys, fd, NULL, PG, PG, NULL));
	assert_int_equal(ra->start, 4);
	assert_int_equal(ra->size, 8);
	assert_int_equal(ra->async_size, 8);
	assert_int_equal(ra->order, 2);
	assert_int_equal(sys->folio_alloc[2], 2);
	pfn_t head = pcache_lookup(vfile_of_fd(sys, fd), 4);
	assert_true(phys_frame(&sys->pm, head)->flags & FRAME_READAHEAD);
	assert_int_equal(phys_frame(&sys->pm, head)->folio, 2);
	for (uint64_t off = 2 * PG; off < 4 * MiB; off += PG)
		assert_ok(vmsim_file_pread(sys, fd, NULL, PG, off, NULL));
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.cached, 4 * MiB);
	assert_true(sys->folio_alloc[5] > 0); /* the window's size, 32 pages */
	assert_int_equal(sys->folio_alloc[6], 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* An mmap fault that misses reads around it: ra_pages centred on the fault,
 * a quarter of them asynchronous; one major fault. */
static void mmap_read_around_centres_on_the_fault(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd, pid = new_proc(sys);
	vaddr_t a;
	assert_ok(vmsim_file_create_virtual(sys, 4 * MiB, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 4 * MiB, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &a));
	assert_ok(vmsim_access(sys, pid, a + 500 * PG, 1, VMSIM_READ, NULL));
	const struct file_ra *ra = &vfile_of_fd(sys, fd)->ra;
	assert_int_equal(ra->start, 484);
	assert_int_equal(ra->size, 32);
	assert_int_equal(ra->async_size, 8);
	assert_false(cached(sys, fd, 483));
	assert_true(cached(sys, fd, 484));
	assert_true(cached(sys, fd, 515));
	assert_false(cached(sys, fd, 516));
	assert_int_equal(pst(sys, pid).faults_major, 1);
	/* MADV_RANDOM: no readahead, one page per fault */
	assert_ok(vmsim_madvise(sys, pid, a, 4 * MiB, VMSIM_MADV_RANDOM));
	assert_ok(vmsim_access(sys, pid, a + 900 * PG, 1, VMSIM_READ, NULL));
	assert_true(cached(sys, fd, 900));
	assert_false(cached(sys, fd, 901));
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A 2 MiB folio (an aligned 2 MiB write) mapped from inside it: a read fault
 * maps the folio only as far as the area goes (1 MiB from page 4 of it:
 * 256 pages); mapped across a page-table boundary, only the pages under
 * the faulting page table (8). */
static void fault_around_maps_folio_within_area_and_page_table(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd, pid = new_proc(sys);
	vaddr_t a;
	assert_ok(vmsim_file_create_virtual(sys, 2 * MiB, &fd));
	assert_ok(vmsim_file_pwrite(sys, fd, NULL, 2 * MiB, 0, NULL));
	assert_int_equal(sys->folio_alloc[9], 1);
	/* the area: pages 4 .. 259 of the file at a 1 GiB-aligned address */
	assert_ok(vmsim_mmap(sys, pid, 0x40000000, MiB, VMSIM_PROT_READ,
			     VMSIM_MAP_SHARED | VMSIM_MAP_FIXED, fd, 4 * PG, &a));
	assert_ok(vmsim_access(sys, pid, a + 10 * PG, 1, VMSIM_READ, NULL));
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 1);
	assert_int_equal(s.faults_major, 0);
	assert_int_equal(s.rss_file, MiB);
	assert_ok(vmsim_munmap(sys, pid, a, MiB));
	/* the area: the whole file, 8 pages below a 2 MiB boundary */
	assert_ok(vmsim_mmap(sys, pid, 0x40000000 - 8 * PG, 2 * MiB, VMSIM_PROT_READ,
			     VMSIM_MAP_SHARED | VMSIM_MAP_FIXED, fd, 0, &a));
	assert_ok(vmsim_access(sys, pid, a, 1, VMSIM_READ, NULL));
	assert_int_equal(pst(sys, pid).rss_file, 8 * PG);
	assert_ok(vmsim_access(sys, pid, a + 8 * PG, 1, VMSIM_READ, NULL));
	assert_int_equal(pst(sys, pid).rss_file, 2 * MiB);
	assert_int_equal(pst(sys, pid).faults_minor, 3);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A write fault of a shared mapping maps the page's whole folio writable
 * and dirty (Linux 6.18's finish_fault over do_shared_fault): one fault for
 * a 2 MiB folio, then writes anywhere in it fault no more, and the whole
 * folio waits for write-back. A write to a page a read fault mapped
 * read-only still costs one write-notify fault per page. */
static void shared_write_fault_maps_whole_folio_dirty(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd, pid = new_proc(sys);
	vaddr_t a;
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_create_virtual(sys, 2 * MiB, &fd));
	assert_ok(vmsim_file_pwrite(sys, fd, NULL, 2 * MiB, 0, NULL));
	assert_int_equal(sys->folio_alloc[9], 1);
	assert_ok(vmsim_file_fsync(sys, fd));
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.dirty, 0);
	assert_ok(vmsim_mmap(sys, pid, 0x40000000, 2 * MiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED | VMSIM_MAP_FIXED, fd, 0, &a));
	assert_ok(vmsim_access(sys, pid, a + 10 * PG, 1, VMSIM_WRITE, NULL));
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 1);
	assert_int_equal(s.faults_major, 0);
	assert_int_equal(s.rss_file, 2 * MiB);
	for (uint64_t off = 0; off < 2 * MiB; off += 64 * PG)
		assert_ok(vmsim_access(sys, pid, a + off, 1, VMSIM_WRITE, NULL));
	assert_int_equal(pst(sys, pid).faults_minor, 1);
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.dirty, 2 * MiB);
	check_sys(sys);
	/* mapped by a read first: read-only, so each page's first write faults */
	assert_ok(vmsim_munmap(sys, pid, a, 2 * MiB));
	assert_ok(vmsim_file_fsync(sys, fd));
	assert_ok(vmsim_mmap(sys, pid, 0x40000000, 2 * MiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED | VMSIM_MAP_FIXED, fd, 0, &a));
	assert_ok(vmsim_access(sys, pid, a, 1, VMSIM_READ, NULL));
	assert_int_equal(pst(sys, pid).faults_minor, 2);
	assert_ok(vmsim_access(sys, pid, a + PG, 1, VMSIM_WRITE, NULL));
	assert_ok(vmsim_access(sys, pid, a + 2 * PG, 1, VMSIM_WRITE, NULL));
	assert_int_equal(pst(sys, pid).faults_minor, 4);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* With no free block above order 0 (every other frame taken), readahead
 * falls back to single pages and counts the large folios it could not
 * have; the file still reads whole. */
static void folio_orders_fall_back_when_memory_is_fragmented(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(32 * MiB, false, false);
	uint64_t n = sys->pm.nr_free;
	pfn_t *held = calloc(n, sizeof(*held));
	uint64_t nheld = 0;
	assert_non_null(held);
	while (phys_alloc(&sys->pm, 0, 0, &held[nheld]) == 0)
		nheld++;
	/* give back every other frame: free memory, but no pair of buddies */
	uint64_t kept = 0;
	for (uint64_t i = 0; i < nheld; i++) {
		if (held[i] & 1)
			phys_free(&sys->pm, held[i], 0);
		else
			held[kept++] = held[i];
	}
	int fd;
	assert_ok(vmsim_file_create_virtual(sys, MiB, &fd));
	for (uint64_t off = 0; off < MiB; off += PG)
		assert_ok(vmsim_file_pread(sys, fd, NULL, PG, off, NULL));
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.cached, MiB);
	for (unsigned o = 1; o <= PCACHE_MAX_ORDER; o++)
		assert_int_equal(sys->folio_alloc[o], 0);
	assert_int_equal(sys->folio_alloc[0], 256);
	assert_true(sys->folio_fallback > 0);
	assert_ok(vmsim_file_close(sys, fd));
	for (uint64_t i = 0; i < kept; i++)
		phys_free(&sys->pm, held[i], 0);
	free(held);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* Truncating inside a large folio splits it: the pages before the new end
 * stay cached as single pages, the rest go. */
static void truncate_inside_a_folio_splits_it(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd;
	assert_ok(vmsim_file_create_virtual(sys, 2 * MiB, &fd));
	assert_ok(vmsim_file_pwrite(sys, fd, NULL, 2 * MiB, 0, NULL));
	assert_ok(vmsim_file_truncate(sys, fd, MiB + 100));
	assert_int_equal(sys->folio_split, 1);
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.size, MiB + 100);
	assert_int_equal(fs.cached, 257 * PG);
	assert_int_equal(phys_frame(&sys->pm, pcache_lookup(vfile_of_fd(sys, fd), 0))->folio, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* write() and a shared mapping see the same page-cache pages: bytes written
 * by pwrite read back through the mapping, a store through the mapping
 * reads back with pread, a private mapping sees write() until it copies;
 * fsync puts both on the host file, which grew to the end of the write. */
static void write_and_mappings_share_pages(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-pc-XXXXXX";
	int hfd = mkstemp(path);
	assert_true(hfd >= 0);
	assert_int_equal(write(hfd, "0123456789", 10), 10);
	close(hfd);
	struct vmsim_system *sys = test_machine(64 * MiB, true, false);
	int fd, pid = new_proc(sys);
	vaddr_t sh, pr;
	char buf[16] = "";
	uint64_t done;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_file_pwrite(sys, fd, "hello", 5, PG + 3, &done));
	assert_int_equal(done, 5);
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED, fd, 0, &sh));
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE, fd, 0, &pr));
	assert_ok(vmsim_load(sys, pid, sh + PG + 3, buf, 5));
	assert_memory_equal(buf, "hello", 5);
	assert_ok(vmsim_load(sys, pid, pr + 2, buf, 3));
	assert_memory_equal(buf, "234", 3);
	assert_ok(vmsim_store(sys, pid, sh + 1, "AB", 2));
	assert_ok(vmsim_file_pread(sys, fd, buf, 4, 0, &done));
	assert_int_equal(done, 4);
	assert_memory_equal(buf, "0AB3", 4);
	/* the private mapping reads the shared page until it writes */
	assert_ok(vmsim_load(sys, pid, pr + 1, buf, 2));
	assert_memory_equal(buf, "AB", 2);
	assert_ok(vmsim_store(sys, pid, pr + 1, "pq", 2));
	assert_ok(vmsim_file_pwrite(sys, fd, "xy", 2, 1, NULL));
	assert_ok(vmsim_load(sys, pid, pr + 1, buf, 2));
	assert_memory_equal(buf, "pq", 2); /* its own copy now */
	assert_ok(vmsim_load(sys, pid, sh + 1, buf, 2));
	assert_memory_equal(buf, "xy", 2);
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.size, PG + 8);
	assert_true(fs.dirty > 0);
	assert_ok(vmsim_file_fdatasync(sys, fd));
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.dirty, 0);
	/* on the host file */
	hfd = open(path, O_RDONLY);
	assert_true(hfd >= 0);
	char host[PG + 8];
	assert_int_equal(read(hfd, host, sizeof(host)), PG + 8);
	close(hfd);
	assert_memory_equal(host, "0xy3456789", 10);
	assert_memory_equal(host + PG + 3, "hello", 5);
	/* fsync write-protected the shared mapping: the next store faults */
	uint64_t minor = pst(sys, pid).faults_minor;
	assert_ok(vmsim_store(sys, pid, sh, "Z", 1));
	assert_int_equal(pst(sys, pid).faults_minor, minor + 1);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* read() advances the position and stops at the end of the file; errors
 * as Linux gives them. */
static void read_write_positions_and_errors(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd;
	uint64_t done, pos;
	char c;
	assert_ok(vmsim_file_create_virtual(sys, 10000, &fd));
	assert_ok(vmsim_file_read(sys, fd, NULL, 8192, &done));
	assert_int_equal(done, 8192);
	assert_ok(vmsim_file_read(sys, fd, NULL, 8192, &done));
	assert_int_equal(done, 10000 - 8192);
	assert_ok(vmsim_file_read(sys, fd, NULL, 8192, &done));
	assert_int_equal(done, 0);
	assert_ok(vmsim_file_seek(sys, fd, -10, VMSIM_SEEK_END, &pos));
	assert_int_equal(pos, 9990);
	assert_ok(vmsim_file_write(sys, fd, NULL, 20, &done));
	assert_ok(vmsim_file_seek(sys, fd, 0, VMSIM_SEEK_CUR, &pos));
	assert_int_equal(pos, 10010);
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.size, 10010);
	assert_int_equal(vmsim_file_seek(sys, fd, -1, VMSIM_SEEK_SET, &pos), VMSIM_EINVAL);
	assert_int_equal(vmsim_file_seek(sys, fd, 0, 7, &pos), VMSIM_EINVAL);
	assert_int_equal(vmsim_file_pread(sys, fd, &c, 1, 0, &done), VMSIM_ENOTSUP);
	assert_int_equal(vmsim_file_read(sys, 99, NULL, 1, &done), VMSIM_EBADF);
	assert_int_equal(vmsim_file_fsync(sys, 99), VMSIM_EBADF);
	assert_ok(vmsim_file_set_readahead(sys, fd, 0));
	assert_int_equal(vfile_of_fd(sys, fd)->ra_pages, 0);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A host file opened read-only refuses write() (EBADF, as Linux). */
/* vmsim_file_cache: the pages of the range cached in folios of the order
 * asked (smaller at unaligned edges), pages already cached kept, no file
 * read counted; a mapping then faults them in as minor faults (fault-around
 * maps what is cached); data mode reads the bytes. */
static void file_cache_starts_warm(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-cache-XXXXXX";
	int hfd = mkstemp(path);
	static char buf[64 * 4096];
	memset(buf, 'q', sizeof(buf));
	assert_true(hfd >= 0 && write(hfd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	close(hfd);
	struct vmsim_system *sys = test_machine(64 * MiB, true, false);
	int fd, pid = new_proc(sys);
	uint64_t added;
	vaddr_t a;
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_open(sys, path, false, &fd));
	/* pages 2 .. 9: 2-3 (order 1), 4-7 (order 2), 8-9 (order 1) */
	assert_ok(vmsim_file_cache(sys, fd, 2 * PG, 8 * PG, 2, &added));
	assert_int_equal(added, 8 * PG);
	struct vfile *f = vfile_of_fd(sys, fd);
	assert_int_equal(folio_nr(&sys->pm, pcache_lookup(f, 4)), 4);
	assert_int_equal(folio_nr(&sys->pm, pcache_lookup(f, 2)), 2);
	assert_int_equal(folio_nr(&sys->pm, pcache_lookup(f, 9)), 2);
	assert_false(cached(sys, fd, 1));
	assert_false(cached(sys, fd, 10));
	/* again, wider, order 0: only the pages not cached yet; past the end: up to it */
	assert_ok(vmsim_file_cache(sys, fd, 0, UINT64_MAX, 0, &added));
	assert_int_equal(added, 56 * PG);
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.cached, 64 * PG);
	assert_int_equal(fs.reads, 0);
	assert_int_equal(sys->file_reads, 0);
	/* a mapping finds them: one minor fault maps a fault-around window */
	assert_ok(vmsim_mmap(sys, pid, 0, 64 * PG, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, 0, &a));
	assert_ok(vmsim_access(sys, pid, a + 20 * PG, 1, VMSIM_READ, NULL));
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_major, 0);
	assert_int_equal(s.faults_minor, 1);
	assert_int_equal(s.rss_file, sys->cfg.fault_around_bytes);
	unsigned char c = 0;
	assert_ok(vmsim_load(sys, pid, a + 20 * PG, &c, 1));
	assert_int_equal(c, 'q');
	assert_int_equal(vmsim_file_cache(sys, 999, 0, PG, 0, NULL), VMSIM_EBADF);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

static void write_to_read_only_handle_is_ebadf(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-pc-XXXXXX";
	int hfd = mkstemp(path);
	assert_true(hfd >= 0);
	close(hfd);
	struct vmsim_system *sys = test_machine(64 * MiB, false, false);
	int fd;
	assert_ok(vmsim_file_open(sys, path, false, &fd));
	assert_int_equal(vmsim_file_pwrite(sys, fd, NULL, 1, 0, NULL), VMSIM_EBADF);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_window_starts_from_request_size),
	    cmocka_unit_test(readahead_ramps_up_at_the_mark),
	    cmocka_unit_test(mmap_read_around_centres_on_the_fault),
	    cmocka_unit_test(fault_around_maps_folio_within_area_and_page_table),
	    cmocka_unit_test(shared_write_fault_maps_whole_folio_dirty),
	    cmocka_unit_test(folio_orders_fall_back_when_memory_is_fragmented),
	    cmocka_unit_test(truncate_inside_a_folio_splits_it),
	    cmocka_unit_test(write_and_mappings_share_pages),
	    cmocka_unit_test(read_write_positions_and_errors),
	    cmocka_unit_test(write_to_read_only_handle_is_ebadf),
	    cmocka_unit_test(file_cache_starts_warm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
