/*
 * Fault injection (SQLite's do_malloc_test, Linux's fail_* knobs): a fixed
 * data-mode workload (two processes after a fork, private memory three
 * times the size of RAM so pages keep going to swap and back, a shared
 * anonymous area, a shared host-file mapping synced to disk) runs once
 * clean to count its swap writes, swap reads and frame allocations; then
 * once for every N with the N-th of them made to fail through the test
 * hooks (struct swap_dev fail_write_at / fail_read_at, struct phys_mem
 * fail_alloc_at). Every run must:
 *   - return an error or end a process cleanly: a failed swap read kills
 *     the process that needed the page with SIGBUS (VMSIM_SIGBUS_IO), a failed
 *     allocation is retried after reclaim, or ends in an OOM kill, or (with
 *     oom_kill off) in VMSIM_ENOMEM from the access; a failed swap write
 *     loses nothing (the page stays in memory);
 *   - never return wrong data: every load that succeeds is compared with
 *     the bytes the workload stored;
 *   - pass vmsim_check after every step, write the host file right, and end
 *     with no user frame and no swap slot in use (leaks: ASan in CI).
 * Also: a corrupted swap file (bytes flipped in the file at swap_path) is
 * caught by the slot checksums and reported as SIGBUS, never as data.
 *
 * Host-file read and write failures are tested in test_files.c; host
 * allocations have no hook yet (see docs/RELIABILITY.md).
 */
#define _DEFAULT_SOURCE /* mkstemp, pread, pwrite */

#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/kernel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG    4096ULL
#define MiB   (1ULL << 20)
#define RW    (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA    (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define PRIV  0x40000000ULL /* the private area (2 MiB aligned) */
#define NSHM  8		    /* pages of shared memory */
#define NFILE 8		    /* pages of the file */
#define LEN   16	    /* bytes per access */

enum hook { HOOK_NONE, HOOK_SWAP_WRITE, HOOK_SWAP_READ, HOOK_ALLOC };

struct wl_cfg {
	uint64_t frames; /* RAM */
	uint64_t pages;	 /* private pages per process */
	int thp;	 /* VM_THP_* */
	bool oom_kill;	 /* else allocations fail with VMSIM_ENOMEM */
};

/* What one run of the workload saw. */
struct wl_stats {
	uint64_t swap_writes, swap_reads, allocs; /* I/O and allocation attempts */
	unsigned sigbus;			  /* processes ended by SIGBUS */
	unsigned oom_kills;			  /* processes ended by the OOM killer */
	unsigned enomem;			  /* accesses refused with VMSIM_ENOMEM */
	unsigned loads;				  /* loads compared */
};

/* The workload's state: what each process should find where. */
struct wl {
	const struct wl_cfg *c;
	struct vmsim_system *sys;
	char path[256];		 /* the host file */
	int fd;			 /* its handle */
	int pid[2];		 /* 0: the parent, 1: the child */
	bool alive[2];		 /* as far as the workload knows */
	uint8_t *gen[2];	 /* per private page: generation stored (0: none) */
	uint8_t shm[NSHM];	 /* per shared page: generation */
	uint8_t file[NFILE];	 /* per file page: generation (0: the initial zeros) */
	vaddr_t shm_at, file_at; /* where the shared areas go */
	uint64_t nsegv, noom;	 /* records seen */
	enum hook h;		 /* what fails */
	uint64_t fail_at;	 /* when: the hook's counter value */
	uint64_t steps;		 /* accesses so far */
	struct wl_stats *st;	 /* counters */
};

/* The bytes generation @g of page @i holds at its offset. */
static void pattern(uint8_t *b, uint64_t i, unsigned g)
{
	for (unsigned k = 0; k < LEN; k++)
		b[k] = (uint8_t)(g * 37 + i * 11 + k + 1);
}

static uint64_t offset_of(uint64_t i)
{
	return (i * 40) % (PG - LEN);
}

/* The counter the hook watches. */
static uint64_t hook_count(const struct wl *w)
{
	switch (w->h) {
	case HOOK_SWAP_WRITE:
		return w->sys->swap.nwrites;
	case HOOK_SWAP_READ:
		return w->sys->swap.nreads;
	case HOOK_ALLOC:
		return w->sys->pm.nallocs;
	default:
		return 0;
	}
}

/* Catch up with the processes vmsim ended: SIGBUS records and OOM kills. */
static void sync_deaths(struct wl *w)
{
	struct vmsim_segv_record s;
	struct vmsim_oom_record o;
	while (vmsim_segv_get(w->sys, w->nsegv, &s) == 0) {
		w->nsegv++;
		/* the workload touches only valid addresses: only I/O errors */
		assert_int_equal(s.reason, VMSIM_SIGBUS_IO);
		w->st->sigbus++;
	}
	while (vmsim_oom_get(w->sys, w->noom, &o) == 0) {
		w->noom++;
		w->st->oom_kills++;
	}
	for (int k = 0; k < 2; k++)
		if (w->alive[k] && !vmsim_process_alive(w->sys, w->pid[k]))
			w->alive[k] = false;
}

/* One access of LEN bytes by process @k; @g is the generation to store,
 * or 0 for a load expecting generation @want. Returns whether it went
 * through. */
static bool wl_access(struct wl *w, int k, vaddr_t base, uint64_t i, unsigned g, unsigned want)
{
	uint8_t buf[LEN], exp[LEN];
	if (!w->alive[k])
		return false;
	vaddr_t va = base + i * PG + offset_of(i);
	uint64_t before = hook_count(w);
	int rc;
	if (g) {
		pattern(buf, i, g);
		rc = vmsim_store(w->sys, w->pid[k], va, buf, LEN);
	} else {
		rc = vmsim_load(w->sys, w->pid[k], va, buf, LEN);
	}
	if (rc == 0) {
		if (!g) {
			if (want)
				pattern(exp, i, want);
			else
				memset(exp, 0, LEN);
			if (memcmp(buf, exp, LEN) != 0)
				fail_msg("pid %d read wrong data at %#llx: %#x, expected %#x",
					 w->pid[k], (unsigned long long)va, buf[0], exp[0]);
			w->st->loads++;
		}
	} else if (rc == VMSIM_EFAULT || rc == VMSIM_ESRCH) {
		/* SIGBUS (a swap read failed) or the OOM killer chose it */
		assert_false(vmsim_process_alive(w->sys, w->pid[k]));
	} else if (rc == VMSIM_ENOMEM && !w->c->oom_kill) {
		w->st->enomem++;
	} else {
		fail_msg("pid %d access at %#llx returned %s", w->pid[k], (unsigned long long)va,
			 vmsim_errname(rc));
	}
	sync_deaths(w);
	/* vmsim_check right after the injected failure and after any error,
	 * else every 16 accesses (it walks everything: the sweeps over N
	 * would take minutes) */
	bool fired = w->h != HOOK_NONE && before < w->fail_at && hook_count(w) >= w->fail_at;
	if (fired || rc != 0 || ++w->steps % 16 == 0)
		check_sys(w->sys);
	return rc == 0;
}

static void store(struct wl *w, int k, vaddr_t base, uint64_t i, unsigned g, uint8_t *slot)
{
	if (wl_access(w, k, base, i, g, 0))
		*slot = (uint8_t)g;
}

static void load(struct wl *w, int k, vaddr_t base, uint64_t i, unsigned want)
{
	wl_access(w, k, base, i, 0, want);
}

/* The host file must hold what the workload stored in it. */
static void check_host_file(struct wl *w)
{
	int hfd = open(w->path, O_RDONLY);
	assert_true(hfd >= 0);
	for (uint64_t i = 0; i < NFILE; i++) {
		uint8_t buf[LEN], exp[LEN];
		assert_int_equal(pread(hfd, buf, LEN, (off_t)(i * PG + offset_of(i))), LEN);
		if (w->file[i])
			pattern(exp, i, w->file[i]);
		else
			memset(exp, 0, LEN);
		if (memcmp(buf, exp, LEN) != 0)
			fail_msg("host file page %llu holds %#x, expected %#x",
				 (unsigned long long)i, buf[0], exp[0]);
	}
	close(hfd);
}

static void make_file(char *path, size_t len, uint64_t pages)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/vmsim-faultinj-XXXXXX", tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(pages * PG)), 0);
	close(fd);
}

static struct vmsim_system *machine(const struct wl_cfg *c, const char *swap_path)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = c->frames * PG;
	cfg.data_mode = true;
	cfg.thp = c->thp;
	cfg.oom_kill = c->oom_kill;
	cfg.swap_bytes = 8 * c->pages * PG;
	cfg.swap_path = swap_path;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

/*
 * The workload, with the @n-th event of kind @h (counted from its start)
 * made to fail. Fills @st.
 */
static void workload(const struct wl_cfg *c, enum hook h, uint64_t n, struct wl_stats *st)
{
	/* the three areas close together: few page tables */
	struct wl w = {.c = c, .st = st};
	w.shm_at = PRIV + c->pages * PG + 16 * PG;
	w.file_at = w.shm_at + NSHM * PG + 16 * PG;
	memset(st, 0, sizeof(*st));
	make_file(w.path, sizeof(w.path), NFILE);
	w.sys = machine(c, NULL);
	struct vmsim_system *sys = w.sys;
	uint64_t w0 = sys->swap.nwrites, r0 = sys->swap.nreads, a0 = sys->pm.nallocs;
	w.h = h;
	w.fail_at = hook_count(&w) + n;
	if (h == HOOK_SWAP_WRITE)
		sys->swap.fail_write_at = w0 + n;
	else if (h == HOOK_SWAP_READ)
		sys->swap.fail_read_at = r0 + n;
	else if (h == HOOK_ALLOC)
		sys->pm.fail_alloc_at = a0 + n;
	w.gen[0] = calloc(c->pages, 1);
	w.gen[1] = calloc(c->pages, 1);
	assert_non_null(w.gen[0]);
	assert_non_null(w.gen[1]);

	int rc = vmsim_process_create(sys, &w.pid[0]);
	if (rc == 0) {
		vaddr_t at;
		w.alive[0] = true;
		assert_ok(vmsim_file_open(sys, w.path, true, &w.fd));
		assert_ok(vmsim_mmap(sys, w.pid[0], PRIV, c->pages * PG, RW, PA | VMSIM_MAP_FIXED,
				     -1, 0, &at));
		assert_ok(vmsim_mmap(sys, w.pid[0], w.shm_at, NSHM * PG, RW,
				     VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED, -1,
				     0, &at));
		assert_ok(vmsim_mmap(sys, w.pid[0], w.file_at, NFILE * PG, RW,
				     VMSIM_MAP_SHARED | VMSIM_MAP_FIXED, w.fd, 0, &at));
	} else {
		assert_int_equal(rc, VMSIM_ENOMEM); /* no frame for its page tables */
		assert_ok(vmsim_file_open(sys, w.path, true, &w.fd));
	}
	/* the parent fills everything; its private pages overflow RAM */
	for (uint64_t i = 0; i < c->pages; i++)
		store(&w, 0, PRIV, i, 1, &w.gen[0][i]);
	for (uint64_t i = 0; i < NSHM; i++)
		store(&w, 0, w.shm_at, i, 1, &w.shm[i]);
	for (uint64_t i = 0; i < NFILE; i++)
		store(&w, 0, w.file_at, i, 1, &w.file[i]);
	/* fork: the child sees the same bytes, copy-on-write */
	if (w.alive[0]) {
		rc = vmsim_fork(sys, w.pid[0], &w.pid[1]);
		if (rc == 0) {
			w.alive[1] = true;
			memcpy(w.gen[1], w.gen[0], c->pages);
		} else {
			assert_int_equal(rc, VMSIM_ENOMEM);
		}
		sync_deaths(&w);
		check_sys(sys);
	}
	for (uint64_t i = 0; i < c->pages; i += 2)
		store(&w, 1, PRIV, i, 2, &w.gen[1][i]);
	for (uint64_t i = 0; i < NSHM / 2; i++)
		store(&w, 1, w.shm_at, i, 2, &w.shm[i]);
	for (uint64_t i = 0; i < c->pages; i++)
		load(&w, 0, PRIV, i, w.gen[0][i]);
	for (uint64_t i = 0; i < NSHM; i++)
		load(&w, 0, w.shm_at, i, w.shm[i]);
	for (uint64_t i = 0; i < c->pages; i++)
		load(&w, 1, PRIV, i, w.gen[1][i]);
	for (uint64_t i = 0; i < c->pages; i += 3)
		store(&w, 0, PRIV, i, 3, &w.gen[0][i]);
	for (uint64_t i = 0; i < NFILE; i += 2)
		store(&w, 1, w.file_at, i, 4, &w.file[i]);
	for (uint64_t i = 0; i < c->pages; i++)
		load(&w, 1, PRIV, i, w.gen[1][i]);
	for (uint64_t i = 0; i < c->pages; i++)
		load(&w, 0, PRIV, i, w.gen[0][i]);
	for (uint64_t i = 0; i < NSHM; i++)
		load(&w, 1, w.shm_at, i, w.shm[i]);
	for (int k = 0; k < 2; k++)
		if (w.alive[k] &&
		    vmsim_msync(sys, w.pid[k], w.file_at, NFILE * PG, VMSIM_MS_SYNC) == 0) {
			check_host_file(&w);
			break;
		}
	/* the end: both exit (a process that died already wrote its dirty
	 * file pages back when it died), the file is closed: nothing remains */
	for (int k = 1; k >= 0; k--)
		if (w.alive[k]) {
			assert_ok(vmsim_exit(sys, w.pid[k]));
			check_sys(sys);
		}
	check_host_file(&w);
	assert_ok(vmsim_file_close(sys, w.fd));
	check_sys(sys);
	struct vmsim_sys_stats ss;
	assert_ok(vmsim_sys_stats(sys, &ss));
	assert_int_equal(ss.frames_user, 0);
	assert_int_equal(ss.swap_used, 0);
	assert_int_equal(ss.page_cache, 0);
	st->swap_writes = sys->swap.nwrites - w0;
	st->swap_reads = sys->swap.nreads - r0;
	st->allocs = sys->pm.nallocs - a0;
	vmsim_system_free(sys);
	free(w.gen[0]);
	free(w.gen[1]);
	unlink(w.path);
}

static const struct wl_cfg small = {
    .frames = 64, .pages = 96, .thp = VMSIM_THP_NEVER, .oom_kill = true};

/* The clean run exercises what the injected runs break. */
static void workload_without_faults_swaps_and_keeps_data(void **state)
{
	(void)state;
	struct wl_stats st;
	workload(&small, HOOK_NONE, 0, &st);
	print_message("clean run: %llu swap writes, %llu swap reads, %llu allocations, %u loads\n",
		      (unsigned long long)st.swap_writes, (unsigned long long)st.swap_reads,
		      (unsigned long long)st.allocs, st.loads);
	assert_true(st.swap_writes > 100);
	assert_true(st.swap_reads > 100);
	assert_int_equal(st.sigbus + st.oom_kills + st.enomem, 0);
	assert_true(st.loads > 4 * small.pages);
}

/* A failed swap write: the page stays in memory; nobody dies, nothing is
 * lost. */
static void every_failed_swap_write_loses_nothing(void **state)
{
	(void)state;
	struct wl_stats base, st;
	workload(&small, HOOK_NONE, 0, &base);
	for (uint64_t n = 1; n <= base.swap_writes; n++) {
		workload(&small, HOOK_SWAP_WRITE, n, &st);
		if (st.sigbus + st.oom_kills != 0)
			fail_msg("swap write %llu failed: %u SIGBUS, %u OOM kills",
				 (unsigned long long)n, st.sigbus, st.oom_kills);
		assert_true(st.swap_writes >= n);
	}
}

/* A failed swap read: exactly the process that needed the page dies with
 * SIGBUS; the other keeps correct data (also when both shared the slot). */
static void every_failed_swap_read_kills_one_process_with_sigbus(void **state)
{
	(void)state;
	struct wl_stats base, st;
	workload(&small, HOOK_NONE, 0, &base);
	for (uint64_t n = 1; n <= base.swap_reads; n++) {
		workload(&small, HOOK_SWAP_READ, n, &st);
		if (st.sigbus != 1 || st.oom_kills != 0)
			fail_msg("swap read %llu failed: %u SIGBUS (want 1), %u OOM kills",
				 (unsigned long long)n, st.sigbus, st.oom_kills);
	}
}

/* A failed frame allocation, with the OOM killer on (at most one process
 * ends) and off (at most one access returns VMSIM_ENOMEM). */
static void every_failed_allocation_unwinds(const struct wl_cfg *c, uint64_t stride)
{
	struct wl_stats base, st;
	workload(c, HOOK_NONE, 0, &base);
	assert_true(base.allocs > 10);
	for (uint64_t n = 1; n <= base.allocs; n += stride) {
		workload(c, HOOK_ALLOC, n, &st);
		if (st.sigbus != 0 || st.oom_kills + st.enomem > 1)
			fail_msg("allocation %llu failed: %u SIGBUS, %u OOM kills, %u ENOMEM",
				 (unsigned long long)n, st.sigbus, st.oom_kills, st.enomem);
	}
}

static void every_failed_allocation_unwinds_oom_kill_on(void **state)
{
	(void)state;
	every_failed_allocation_unwinds(&small, 1);
}

static void every_failed_allocation_unwinds_oom_kill_off(void **state)
{
	(void)state;
	struct wl_cfg c = small;
	c.oom_kill = false;
	every_failed_allocation_unwinds(&c, 1);
}

/* The same with transparent huge pages: 2 MiB pages, split at copy-on-write
 * and before swap-out. */
static void every_failed_allocation_unwinds_with_thp(void **state)
{
	(void)state;
	struct wl_cfg c = {
	    .frames = 1024, .pages = 1024, .thp = VMSIM_THP_ALWAYS, .oom_kill = true};
	struct wl_stats base;
	workload(&c, HOOK_NONE, 0, &base);
	assert_true(base.swap_writes > 0);
	/* a run costs ~50 times the small one: about 40 values of N each */
	every_failed_allocation_unwinds(&c, base.allocs / 40 + 1);
	struct wl_stats st;
	for (uint64_t n = 1; n <= base.swap_reads; n += base.swap_reads / 20 + 1) {
		workload(&c, HOOK_SWAP_READ, n, &st);
		assert_int_equal(st.sigbus, 1);
	}
}

/* ---- a corrupted swap file ------------------------------------------------ */

/* Fill @pages private pages of a new process at PRIV with generation 1. */
static int filled_process(struct vmsim_system *sys, uint64_t pages)
{
	int pid;
	vaddr_t at;
	uint8_t buf[LEN];
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, PRIV, pages * PG, RW, PA | VMSIM_MAP_FIXED, -1, 0, &at));
	for (uint64_t i = 0; i < pages; i++) {
		pattern(buf, i, 1);
		assert_ok(vmsim_store(sys, pid, PRIV + i * PG + offset_of(i), buf, LEN));
	}
	return pid;
}

/* Flip one byte in the swap file in the slot of each of @pid's swapped-out
 * pages; returns how many. */
static unsigned corrupt_slots(struct vmsim_system *sys, const char *swap_path, int pid,
			      uint64_t pages)
{
	unsigned n = 0;
	int fd = open(swap_path, O_RDWR);
	assert_true(fd >= 0);
	for (uint64_t i = 0; i < pages; i++) {
		struct vmsim_walk_info wi;
		assert_ok(vmsim_walk_describe(sys, pid, PRIV + i * PG, &wi));
		if (!wi.swapped)
			continue;
		off_t at = (off_t)(wi.swap_slot * PG + (i * 97) % PG);
		uint8_t b;
		assert_int_equal(pread(fd, &b, 1, at), 1);
		b ^= 0x01;
		assert_int_equal(pwrite(fd, &b, 1, at), 1);
		n++;
	}
	close(fd);
	return n;
}

/* Read @pid's pages back until one fails; every byte read must be right.
 * Returns the number read before the failure (pages if none). */
static uint64_t read_back(struct vmsim_system *sys, int pid, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint8_t buf[LEN], exp[LEN];
		int rc = vmsim_load(sys, pid, PRIV + i * PG + offset_of(i), buf, LEN);
		if (rc != 0) {
			assert_int_equal(rc, VMSIM_EFAULT);
			return i;
		}
		pattern(exp, i, 1);
		assert_memory_equal(buf, exp, LEN);
	}
	return pages;
}

/* Corrupted slots of one process: it dies with SIGBUS at the first one it
 * reads; another process with intact slots reads all its data. */
static void corrupted_swap_slot_raises_sigbus_never_bad_data(void **state)
{
	(void)state;
	char swap_path[256];
	make_file(swap_path, sizeof(swap_path), 0);
	struct wl_cfg c = small;
	struct vmsim_system *sys = machine(&c, swap_path);
	int a = filled_process(sys, c.pages), b = filled_process(sys, c.pages);
	unsigned bad = corrupt_slots(sys, swap_path, a, c.pages);
	assert_true(bad > c.pages / 2);
	uint64_t got = read_back(sys, a, c.pages);
	assert_true(got < c.pages);
	assert_false(vmsim_process_alive(sys, a));
	struct vmsim_segv_record s;
	assert_ok(vmsim_segv_get(sys, 0, &s));
	assert_int_equal(s.pid, a);
	assert_int_equal(s.reason, VMSIM_SIGBUS_IO);
	assert_int_equal(s.addr, PRIV + got * PG + offset_of(got));
	check_sys(sys);
	assert_int_equal(read_back(sys, b, c.pages), c.pages);
	assert_ok(vmsim_exit(sys, b));
	check_sys(sys);
	struct vmsim_sys_stats ss;
	assert_ok(vmsim_sys_stats(sys, &ss));
	assert_int_equal(ss.frames_user, 0);
	assert_int_equal(ss.swap_used, 0);
	vmsim_system_free(sys);
	unlink(swap_path);
}

/* A slot shared by a parent and its child after fork: whichever reads it
 * first dies; the other, reading the same bad slot, dies too. A swap file
 * cut short (reads come back short) is an I/O error as well. */
static void corrupted_shared_slot_and_short_swap_file(void **state)
{
	(void)state;
	char swap_path[256];
	make_file(swap_path, sizeof(swap_path), 0);
	struct wl_cfg c = small;
	struct vmsim_system *sys = machine(&c, swap_path);
	int parent = filled_process(sys, c.pages), child;
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_true(corrupt_slots(sys, swap_path, parent, c.pages) > 0);
	uint64_t got = read_back(sys, child, c.pages);
	assert_true(got < c.pages);
	assert_false(vmsim_process_alive(sys, child));
	assert_true(read_back(sys, parent, c.pages) < c.pages);
	assert_false(vmsim_process_alive(sys, parent));
	check_sys(sys);

	/* a new process, its pages swapped out, then the file truncated */
	int p = filled_process(sys, c.pages);
	assert_int_equal(truncate(swap_path, 0), 0);
	assert_true(read_back(sys, p, c.pages) < c.pages);
	assert_false(vmsim_process_alive(sys, p));
	struct vmsim_segv_record s;
	assert_ok(vmsim_segv_get(sys, 2, &s));
	assert_int_equal(s.pid, p);
	assert_int_equal(s.reason, VMSIM_SIGBUS_IO);
	check_sys(sys);
	struct vmsim_sys_stats ss;
	assert_ok(vmsim_sys_stats(sys, &ss));
	assert_int_equal(ss.frames_user, 0);
	assert_int_equal(ss.swap_used, 0);
	vmsim_system_free(sys);
	unlink(swap_path);
}

/* An argument names the tests to run (a cmocka pattern). */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(workload_without_faults_swaps_and_keeps_data),
	    cmocka_unit_test(every_failed_swap_write_loses_nothing),
	    cmocka_unit_test(every_failed_swap_read_kills_one_process_with_sigbus),
	    cmocka_unit_test(every_failed_allocation_unwinds_oom_kill_on),
	    cmocka_unit_test(every_failed_allocation_unwinds_oom_kill_off),
	    cmocka_unit_test(every_failed_allocation_unwinds_with_thp),
	    cmocka_unit_test(corrupted_swap_slot_raises_sigbus_never_bad_data),
	    cmocka_unit_test(corrupted_shared_slot_and_short_swap_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
