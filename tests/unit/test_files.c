/*
 * Memory-mapped files and the page cache: the seed's exercise 9 (two
 * processes sharing a 1 GiB dataset through the page cache, one modifying
 * 100 MiB) and §10 (an 8 GiB mapping of which 1 % is touched); shared
 * writes reaching the real file after msync, eviction and munmap; private
 * writes never reaching it; SIGBUS past the end; truncate; fault-around and
 * readahead counts against Linux's on a 50 MiB file. vmsim_check after each.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "os/kernel.h" /* the host-file fault-injection hooks */
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static void touch(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t len,
		  enum vmsim_access_kind k)
{
	for (uint64_t off = 0; off < len; off += PG) {
		struct vmsim_access_result r;
		assert_ok(vmsim_access(sys, pid, a + off, 1, k, &r));
		assert_false(r.segv);
	}
}

/* A host file of @size bytes filled with a known pattern; its path in @path. */
static void make_file(char *path, uint64_t size)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	for (uint64_t i = 0; i < size; i++)
		fputc((int)(i % 251), f);
	fclose(f);
}

static int file_byte(const char *path, uint64_t off)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, (long)off, SEEK_SET);
	int c = fgetc(f);
	fclose(f);
	return c;
}

/* Exercise 9: two processes map the same 1 GiB file privately and read it
 * all: the data is in memory once (PSS half each). One writes 100 MiB: only
 * those pages are copied; total 1.1 GiB, not 2 GiB. */
static void two_processes_share_1gib_file_then_one_writes_100mib(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(2 * GiB, false, true);
	int fd, a = new_proc(sys), b = new_proc(sys);
	vaddr_t va, vb;
	assert_ok(vmsim_file_create_virtual(sys, GiB, &fd));
	assert_ok(vmsim_mmap(sys, a, 0, GiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_PRIVATE,
			     fd, 0, &va));
	assert_ok(vmsim_mmap(sys, b, 0, GiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_PRIVATE,
			     fd, 0, &vb));
	touch(sys, a, va, GiB, VMSIM_READ);
	touch(sys, b, vb, GiB, VMSIM_READ);
	struct vmsim_sys_stats s = sst(sys);
	assert_int_equal(s.page_cache, GiB);
	assert_int_equal(s.frames_user, GiB / PG); /* the data once */
	struct vmsim_proc_stats pa = pst(sys, a), pb = pst(sys, b);
	assert_int_equal(pa.rss, GiB);
	assert_int_equal(pa.rss_file, GiB);
	assert_int_equal(pa.pss, GiB / 2);
	assert_int_equal(pb.pss, GiB / 2);
	assert_int_equal(pa.uss, 0);
	check_sys(sys);

	touch(sys, a, va, 100 * MiB, VMSIM_WRITE);
	s = sst(sys);
	assert_int_equal(s.frames_user, (GiB + 100 * MiB) / PG); /* 1.1 GiB */
	pa = pst(sys, a);
	pb = pst(sys, b);
	assert_int_equal(pa.cow_copies, 100 * MiB / PG);
	assert_int_equal(pa.rss, GiB);
	assert_int_equal(pa.rss_anon, 100 * MiB);
	assert_int_equal(pa.rss_file, 924 * MiB);
	/* a: 100 MiB of its own + half of 924; b: 100 MiB now only its own */
	assert_int_equal(pa.pss, 100 * MiB + 462 * MiB);
	assert_int_equal(pb.pss, 100 * MiB + 462 * MiB);
	assert_int_equal(pb.uss, 100 * MiB);
	/* the file never changed: b still reads the original page */
	check_sys(sys);
	vmsim_system_free(sys);
}

/* §10: an 8 GiB mapping (np.memmap mode w+) of which 1 % is written: VMS
 * 8 GiB, RSS about 80 MiB: only what is touched is loaded. */
static void map_8gib_file_touch_one_percent_rss_80mib(void **state)
{
	(void)state;
	struct vmsim_system *sys = test_machine(GiB, false, true);
	int fd, pid = new_proc(sys);
	vaddr_t a;
	assert_ok(vmsim_file_create_virtual(sys, 8 * GiB, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 8 * GiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED, fd, 0, &a));
	uint64_t touched = 8 * GiB / 100;
	touch(sys, pid, a, touched, VMSIM_WRITE);
	struct vmsim_proc_stats p = pst(sys, pid);
	assert_int_equal(p.vm_size, 8 * GiB);
	/* each write fault maps its page's whole folio (readahead made them,
	 * up to 2 MiB): the last one may reach past the touched bytes */
	uint64_t pages = (touched + PG - 1) / PG * PG;
	assert_true(p.rss >= pages && p.rss < pages + 2 * MiB);
	assert_true(p.rss > 80 * MiB && p.rss < 84 * MiB);
	assert_int_equal(p.rss_file, p.rss);
	check_sys(sys);
	vmsim_system_free(sys);
}

/* A shared write reaches the real file after msync; a private write never. */
static void shared_write_reaches_file_after_msync_private_never(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, 3 * PG);
	struct vmsim_system *sys = test_machine(64 * MiB, true, true);
	int fd, pid = new_proc(sys);
	vaddr_t sh, pr;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 3 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED, fd, 0, &sh));
	assert_ok(vmsim_mmap(sys, pid, 0, 3 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE, fd, 0, &pr));
	uint8_t c = 0;
	assert_ok(vmsim_load(sys, pid, sh + 5, &c, 1));
	assert_int_equal(c, 5); /* the file's bytes */
	assert_ok(vmsim_store(sys, pid, pr + PG + 1, "P", 1));
	assert_ok(vmsim_store(sys, pid, sh + 7, "S", 1));
	assert_int_equal(file_byte(path, 7), 7); /* not yet */
	assert_ok(vmsim_msync(sys, pid, sh, 3 * PG, VMSIM_MS_SYNC));
	assert_int_equal(file_byte(path, 7), 'S');
	assert_int_equal(file_byte(path, PG + 1), (PG + 1) % 251); /* private: never */
	/* the shared mapping sees the file's page; the private one its copy */
	assert_ok(vmsim_load(sys, pid, pr + 7, &c, 1));
	assert_int_equal(c, 'S'); /* private, not yet copied at this page: the cache */
	assert_ok(vmsim_load(sys, pid, pr + PG + 1, &c, 1));
	assert_int_equal(c, 'P');
	/* msync write-protected the page: the next write faults to dirty it */
	uint64_t minor = pst(sys, pid).faults_minor;
	assert_ok(vmsim_store(sys, pid, sh + 8, "T", 1));
	assert_int_equal(pst(sys, pid).faults_minor, minor + 1);
	/* munmap writes back too */
	assert_ok(vmsim_munmap(sys, pid, sh, 3 * PG));
	assert_int_equal(file_byte(path, 8), 'T');
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.dirty, 0);
	assert_true(fs.writes >= 2);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* Host-file I/O errors (the fail_file_read_at / fail_file_write_at hooks):
 * a failed write-back at munmap keeps the page dirty in the cache and is
 * reported once by the next msync (then cleared), and a later write-back
 * that succeeds puts the data in the file; a failure at the last close is
 * reported by that close (the page is dropped with the file); a failed read raises SIGBUS (never
 * stale data). */
static void host_file_io_errors_are_reported_never_silent(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, 2 * PG);
	struct vmsim_system *sys = test_machine(64 * MiB, true, true);
	int fd, pid = new_proc(sys);
	vaddr_t a, b;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, (VMSIM_PROT_READ | VMSIM_PROT_WRITE),
			     VMSIM_MAP_SHARED, fd, 0, &a));
	assert_ok(vmsim_store(sys, pid, a + 3, "X", 1));
	sys->fail_file_write_at = sys->host_file_writes + 1;
	assert_ok(vmsim_munmap(sys, pid, a, 2 * PG)); /* munmap(2) has no EIO */
	assert_int_equal(sst(sys).writeback_errors, 1);
	assert_int_equal(file_byte(path, 3), 3); /* not written ... */
	struct vmsim_file_stats fs;
	assert_ok(vmsim_file_stats(sys, fd, &fs));
	assert_int_equal(fs.dirty, PG); /* ... but not lost either */
	check_sys(sys);
	/* the next msync of the file reports it, once; its own write-back works */
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, (VMSIM_PROT_READ | VMSIM_PROT_WRITE),
			     VMSIM_MAP_SHARED, fd, 0, &b));
	assert_int_equal(vmsim_msync(sys, pid, b, 2 * PG, VMSIM_MS_SYNC), VMSIM_EIO);
	assert_int_equal(file_byte(path, 3), 'X');
	assert_ok(vmsim_msync(sys, pid, b, 2 * PG, VMSIM_MS_SYNC));
	/* a failure while the last handle closes: close says so */
	assert_ok(vmsim_store(sys, pid, b + PG, "Y", 1));
	assert_ok(vmsim_munmap(sys, pid, b, 2 * PG));
	sys->fail_file_write_at = 0;
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, (VMSIM_PROT_READ | VMSIM_PROT_WRITE),
			     VMSIM_MAP_SHARED, fd, 0, &b));
	assert_ok(vmsim_store(sys, pid, b + PG + 1, "Z", 1));
	sys->fail_file_write_at = sys->host_file_writes + 1;
	assert_ok(vmsim_munmap(sys, pid, b, 2 * PG));
	sys->fail_file_write_at = sys->host_file_writes + 1; /* and the retry at close */
	assert_int_equal(vmsim_file_close(sys, fd), VMSIM_EIO);
	assert_int_equal(sst(sys).writeback_errors, 3);
	assert_int_equal(file_byte(path, PG + 1), (PG + 1) % 251); /* gone, but said */
	check_sys(sys);
	/* a failed read: SIGBUS for the process, no page in the cache */
	assert_ok(vmsim_file_open(sys, path, false, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 2 * PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &b));
	/* no readahead: the first read is the faulting page's own (a failed
	 * readahead read only ends readahead) */
	assert_ok(vmsim_madvise(sys, pid, b, 2 * PG, VMSIM_MADV_RANDOM));
	sys->fail_file_read_at = sys->host_file_reads + 1;
	uint8_t c;
	assert_int_not_equal(vmsim_load(sys, pid, b + PG, &c, 1), 0);
	assert_ok(vmsim_file_close(sys, fd));
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* Dirty shared pages pushed out by memory pressure are written back. */
static void dirty_shared_page_reaches_file_on_eviction(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, 8 * PG);
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * PG;
	cfg.swap_bytes = 4096 * PG;
	cfg.data_mode = true;
	cfg.policy = "fifo";
	assert_ok(vmsim_system_new(&cfg, &sys));
	int fd, pid = new_proc(sys);
	vaddr_t sh, anon;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 8 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED, fd, 0, &sh));
	assert_ok(vmsim_store(sys, pid, sh + 3 * PG, "evicted", 7));
	assert_ok(vmsim_mmap(sys, pid, 0, 200 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &anon));
	touch(sys, pid, anon, 200 * PG, VMSIM_WRITE); /* pressure: FIFO evicts the file pages */
	assert_int_equal(file_byte(path, 3 * PG), 'e');
	assert_true(sst(sys).file_writes >= 1);
	/* and it comes back from the file */
	char buf[8] = {0};
	assert_ok(vmsim_load(sys, pid, sh + 3 * PG, buf, 7));
	assert_string_equal(buf, "evicted");
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* Past the last page of the file: SIGBUS; inside the last partial page:
 * zeros after the end. Truncate makes the cut-off pages raise it too. */
static void access_past_end_of_file_raises_sigbus(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, 2 * PG + 100);
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.data_mode = true;
	cfg.segv_kills = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	int fd, pid = new_proc(sys);
	vaddr_t a;
	struct vmsim_access_result r;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, pid, 0, 5 * PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &a));
	uint8_t c = 1;
	assert_ok(vmsim_load(sys, pid, a + 2 * PG + 99, &c, 1));
	assert_int_equal(c, (2 * PG + 99) % 251);
	assert_ok(vmsim_load(sys, pid, a + 2 * PG + 100, &c, 1));
	assert_int_equal(c, 0);
	assert_ok(vmsim_access(sys, pid, a + 3 * PG, 1, VMSIM_READ, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SIGBUS_EOF);
	assert_false(r.killed); /* segv_kills is off here */
	check_sys(sys);

	int p2 = new_proc(sys);
	assert_ok(vmsim_mmap(sys, p2, 0, 3 * PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, &a));
	touch(sys, p2, a, 3 * PG, VMSIM_READ);
	assert_ok(vmsim_file_truncate(sys, fd, PG));
	assert_int_equal(pst(sys, p2).rss_file, PG);
	assert_ok(vmsim_access(sys, p2, a + PG, 1, VMSIM_READ, &r));
	assert_int_equal(r.reason, VMSIM_SIGBUS_EOF);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

/* Reading a 50 MiB file with read_ahead_kb 128: cold with default advice
 * one major fault starts the readahead, whose folios grow to 32 pages (the
 * window), each mapped whole by one fault: 1 major + 404 minor, as Linux 6.18
 * on a 128 KiB device. MADV_RANDOM turns readahead off: 12,800 major faults
 * cold; warm (the cache filled by a default read), fault-around still maps
 * whole folios: 403 minor faults. */
static void fault_around_and_readahead_counts_on_50mib_file(void **state)
{
	(void)state;
	const uint64_t size = 50 * MiB;
	struct {
		int advice;
		bool warm;
		uint64_t major, minor;
	} cases[] = {
	    {VMSIM_MADV_NORMAL, false, 1, 404},
	    {VMSIM_MADV_RANDOM, false, 12800, 0},
	    {VMSIM_MADV_RANDOM, true, 0, 403},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmsim_system *sys = test_machine(GiB, false, true);
		int fd, pid = new_proc(sys);
		vaddr_t a;
		assert_ok(vmsim_file_create_virtual(sys, size, &fd));
		if (cases[i].warm) {
			int w = new_proc(sys);
			assert_ok(vmsim_mmap(sys, w, 0, size, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE,
					     fd, 0, &a));
			touch(sys, w, a, size, VMSIM_READ);
			assert_ok(vmsim_exit(sys, w));
		}
		assert_ok(
		    vmsim_mmap(sys, pid, 0, size, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, 0, &a));
		assert_ok(vmsim_madvise(sys, pid, a, size, cases[i].advice));
		touch(sys, pid, a, size, VMSIM_READ);
		struct vmsim_proc_stats p = pst(sys, pid);
		assert_int_equal(p.faults_major, cases[i].major);
		assert_int_equal(p.faults_minor, cases[i].minor);
		assert_int_equal(p.rss_file, size);
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

/* After fork a shared file mapping stays shared: a write in the child is
 * seen by the parent. */
static void shared_file_mapping_stays_shared_after_fork(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, 2 * PG);
	struct vmsim_system *sys = test_machine(64 * MiB, true, true);
	int fd, parent = new_proc(sys), child;
	vaddr_t a;
	assert_ok(vmsim_file_open(sys, path, true, &fd));
	assert_ok(vmsim_mmap(sys, parent, 0, 2 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_SHARED, fd, 0, &a));
	touch(sys, parent, a, 2 * PG, VMSIM_READ);
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_ok(vmsim_store(sys, child, a + 10, "x", 1));
	char c = 0;
	assert_ok(vmsim_load(sys, parent, a + 10, &c, 1));
	assert_int_equal(c, 'x');
	assert_int_equal(pst(sys, child).cow_copies, 0);
	check_sys(sys);
	assert_ok(vmsim_exit(sys, child));
	assert_ok(vmsim_exit(sys, parent)); /* the last mapper writes it back */
	assert_int_equal(file_byte(path, 10), 'x');
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

static void mmap_file_argument_errors(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-file-XXXXXX";
	make_file(path, PG);
	struct vmsim_system *sys = test_machine(64 * MiB, false, true);
	int fd, pid = new_proc(sys);
	vaddr_t a;
	assert_int_equal(vmsim_file_open(sys, "/nonexistent/vmsim", false, &fd), VMSIM_EIO);
	assert_int_equal(vmsim_file_open(sys, "/tmp", false, &fd), VMSIM_EINVAL);
	assert_ok(vmsim_file_open(sys, path, false, &fd));
	assert_int_equal(vmsim_mmap(sys, pid, 0, PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, 99, 0, &a),
			 VMSIM_EBADF);
	assert_int_equal(vmsim_mmap(sys, pid, 0, PG, VMSIM_PROT_WRITE, VMSIM_MAP_SHARED, fd, 0, &a),
			 VMSIM_EACCES);
	assert_int_equal(
	    vmsim_mmap(sys, pid, 0, PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 100, &a),
	    VMSIM_EINVAL);
	/* private writable mappings of a read-only file are fine */
	assert_ok(vmsim_mmap(sys, pid, 0, PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_PRIVATE,
			     fd, 0, &a));
	assert_int_equal(vmsim_file_truncate(sys, fd, 0), VMSIM_EACCES);
	assert_ok(vmsim_file_close(sys, fd));
	assert_int_equal(vmsim_file_close(sys, fd), VMSIM_EBADF);
	touch(sys, pid, a, PG, VMSIM_WRITE); /* the mapping keeps the file */
	assert_int_equal(vmsim_msync(sys, pid, a + 1, PG, VMSIM_MS_SYNC), VMSIM_EINVAL);
	assert_int_equal(vmsim_msync(sys, pid, a, PG, VMSIM_MS_SYNC | VMSIM_MS_ASYNC),
			 VMSIM_EINVAL);
	check_sys(sys);
	vmsim_system_free(sys);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_processes_share_1gib_file_then_one_writes_100mib),
	    cmocka_unit_test(map_8gib_file_touch_one_percent_rss_80mib),
	    cmocka_unit_test(shared_write_reaches_file_after_msync_private_never),
	    cmocka_unit_test(dirty_shared_page_reaches_file_on_eviction),
	    cmocka_unit_test(access_past_end_of_file_raises_sigbus),
	    cmocka_unit_test(fault_around_and_readahead_counts_on_50mib_file),
	    cmocka_unit_test(shared_file_mapping_stays_shared_after_fork),
	    cmocka_unit_test(mmap_file_argument_errors),
	    cmocka_unit_test(host_file_io_errors_are_reported_never_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
