/*
 * Replay of traces in vmsim's format as programs: several traces at once
 * under the CPU scheduler (replay_many, vmsim_sched_run_traces), the
 * processes a trace forks running within its task.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/trace.h"

/* ---- helpers -------------------------------------------------------------- */

static char g_dir[64];
static int g_nfiles;

static int setup_dir(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/vmsim-replay-test.XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	g_nfiles = 0;
	return 0;
}

static int teardown_dir(void **state)
{
	char path[128];

	(void)state;
	for (int i = 0; i < g_nfiles; i++) {
		snprintf(path, sizeof(path), "%s/f%d", g_dir, i);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

static struct trace_rec acc(unsigned kind, uint32_t pid, uint64_t addr, uint64_t len)
{
	return (struct trace_rec){
	    .type = TRACE_ACCESS, .kind = (uint8_t)kind, .pid = pid, .addr = addr, .len = len};
}

static struct trace_rec ev(unsigned kind, uint32_t pid, uint64_t addr, uint64_t len, uint32_t prot,
			   uint32_t arg)
{
	return (struct trace_rec){.type = TRACE_EVENT,
				  .kind = (uint8_t)kind,
				  .pid = pid,
				  .addr = addr,
				  .len = len,
				  .prot = prot,
				  .arg = arg};
}

/* A new vmsim-format trace of @r[0 .. n) in the test directory; its path
 * (a static buffer per call: up to 8 live at once). */
static const char *write_trace(const struct trace_rec *r, size_t n, uint32_t flags)
{
	static char paths[8][128];
	char *path = paths[g_nfiles % 8];
	struct trace_writer_opts o = {.flags = flags};
	struct trace_writer *w;
	struct trace_error err;

	snprintf(path, 128, "%s/f%d", g_dir, g_nfiles++);
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put(w, r, n, &err));
	assert_ok(trace_writer_close(w, &err));
	return path;
}

static struct vmsim_system *machine(uint64_t ram)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.swap_bytes = 0;
	cfg.segv_kills = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

static void check(struct vmsim_system *sys)
{
	char why[256];

	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("invariant broken: %s", why);
}

/* A program of @pages pages at @base written once each, as trace pid @tpid. */
static const char *writer_trace(uint32_t tpid, uint64_t base, unsigned pages)
{
	struct trace_rec r[80];
	size_t n = 0;

	assert_true(pages + 2 <= 80);
	r[n++] = ev(TRACE_EV_CREATE, tpid, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MMAP, tpid, base, (uint64_t)pages * 4096,
		    VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	for (unsigned i = 0; i < pages; i++)
		r[n++] = acc(TRACE_WRITE, tpid, base + 4096 * (uint64_t)i, 8);
	return write_trace(r, n, TRACE_F_HAS_VMAS);
}

struct born_log {
	unsigned n;
	unsigned tag[8];
	uint32_t tpid[8];
	int pid[8];
};

static void log_born(void *arg, unsigned tag, uint32_t tpid, int pid)
{
	struct born_log *l = arg;
	if (l->n < 8) {
		l->tag[l->n] = tag;
		l->tpid[l->n] = tpid;
		l->pid[l->n++] = pid;
	}
}

/* ---- several traces at once -------------------------------------------------- */

static void many_traces_run_as_processes_interleaved_by_slice(void **state)
{
	/* A writes 12 pages, B 12 pages, slices of 4 accesses, no major fault:
	 *   A A A A | B B B B | A A A A | B B B B | A A A A | B B B B
	 * six slices, each a switch of the CPU to another process (the first
	 * from none). */
	const char *paths[2];
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_opts o;
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	struct replay_many_trace per[2];
	struct trace_error err;
	struct born_log born = {0};
	struct vmsim_proc_stats a, b;

	(void)state;
	paths[0] = writer_trace(7, 0x10000000, 12);
	paths[1] = writer_trace(7, 0x10000000, 12); /* the same trace pid: another process */
	replay_opts_default(&o);
	o.born = log_born;
	o.born_arg = &born;
	vmsim_sched_cfg_default(&sc);
	sc.quantum = 4;
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_ok(replay_many(sys, paths, 2, &o, &sc, &res, per, &err));
	assert_int_equal(res.nprocs, 2);
	assert_int_equal(res.accesses, 24);
	assert_int_equal(per[0].task, 0);
	assert_int_equal(per[1].task, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(per[i].stats.accesses, 12);
		assert_int_equal(per[i].stats.processes, 1);
		assert_int_equal(per[i].stats.events, 2);
		assert_false(per[i].stats.inferring);
		assert_int_equal(per[i].sched.accesses, 12);
		assert_true(per[i].sched.finished);
	}
	/* each trace's process 7 is a process of its own */
	assert_int_equal(born.n, 2);
	assert_int_equal(born.tag[0], 0);
	assert_int_equal(born.tag[1], 1);
	assert_int_equal(born.tpid[1], 7);
	assert_int_not_equal(born.pid[0], born.pid[1]);
	assert_ok(vmsim_proc_stats(sys, born.pid[0], &a));
	assert_ok(vmsim_proc_stats(sys, born.pid[1], &b));
	assert_int_equal(a.faults_minor, 12);
	assert_int_equal(b.faults_minor, 12);
	assert_int_equal(a.rss_anon, 12 * 4096);
	assert_int_equal(res.context_switches, 6);
	vmsim_sched_result_release(&res);
	check(sys);
	vmsim_system_free(sys);
}

static void many_traces_fork_child_runs_within_its_trace(void **state)
{
	/* Trace 0: parent 5 writes 4 pages, forks 6, the child writes them
	 * all (4 COW copies) and exits. Trace 1: 4 pages of its own. */
	const uint64_t base = 0x200000000;
	struct trace_rec r[32];
	size_t n = 0;
	const char *paths[2];
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_opts o;
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	struct replay_many_trace per[2];
	struct trace_error err;
	struct born_log born = {0};
	struct vmsim_proc_stats child;

	(void)state;
	r[n++] = ev(TRACE_EV_CREATE, 5, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MMAP, 5, base, 4 * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	for (int i = 0; i < 4; i++)
		r[n++] = acc(TRACE_WRITE, 5, base + 4096 * (uint64_t)i, 8);
	r[n++] = ev(TRACE_EV_FORK, 5, 0, 0, 0, 6);
	for (int i = 0; i < 4; i++)
		r[n++] = acc(TRACE_WRITE, 6, base + 4096 * (uint64_t)i, 8);
	r[n++] = ev(TRACE_EV_EXIT, 6, 0, 0, 0, 0);
	r[n++] = acc(TRACE_READ, 5, base, 8);
	paths[0] = write_trace(r, n, TRACE_F_HAS_VMAS);
	paths[1] = writer_trace(9, 0x10000000, 4);
	replay_opts_default(&o);
	o.born = log_born;
	o.born_arg = &born;
	vmsim_sched_cfg_default(&sc);
	sc.quantum = 3;
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_ok(replay_many(sys, paths, 2, &o, &sc, &res, per, &err));
	assert_int_equal(per[0].stats.processes, 2);
	assert_int_equal(per[0].sched.accesses, 9); /* the child's 4 counted in its trace */
	assert_true(per[0].sched.finished);
	assert_false(per[0].sched.killed);
	assert_int_equal(per[1].sched.accesses, 4);
	/* born: trace 0's parent, trace 1's process (primed), then the child */
	assert_int_equal(born.n, 3);
	assert_int_equal(born.tag[2], 0);
	assert_int_equal(born.tpid[2], 6);
	assert_ok(vmsim_proc_stats(sys, born.pid[2], &child));
	assert_int_equal(child.cow_copies, 4);
	assert_false(child.alive);
	vmsim_sched_result_release(&res);
	check(sys);
	vmsim_system_free(sys);
}

/* Replay @n copies of the trace @path on a fresh 1 MiB machine with swap. */
static void run_copies(const char *path, unsigned n, struct vmsim_sched_result *res /* out */)
{
	const char *paths[2] = {path, path};
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sched_cfg sc;
	struct replay_opts o;
	struct replay_many_trace per[2];
	struct trace_error err;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 1 << 20;
	cfg.swap_bytes = 8 << 20;
	assert_ok(vmsim_system_new(&cfg, &sys));
	replay_opts_default(&o);
	vmsim_sched_cfg_default(&sc);
	sc.quantum = 100;
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_ok(replay_many(sys, paths, n, &o, &sc, res, per, &err));
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(per[i].sched.accesses, 1600);
	check(sys);
	vmsim_system_free(sys);
}

static void many_traces_thrash_when_together_they_exceed_ram(void **state)
{
	/* A loop over 160 pages, 10 times, on 1 MiB of RAM (256 frames) with
	 * swap: alone it fits, two copies at once do not, so pages go out and
	 * come back, and the CPU waits for the paging device. */
	struct trace_rec *r = malloc(2000 * sizeof(*r));
	struct vmsim_sched_result alone, two;
	const char *path;
	size_t n = 0;

	(void)state;
	assert_non_null(r);
	r[n++] = ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MMAP, 1, 0x10000000, 160 * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	for (int pass = 0; pass < 10; pass++)
		for (uint64_t i = 0; i < 160; i++)
			r[n++] = acc(TRACE_WRITE, 1, 0x10000000 + 4096 * i, 8);
	path = write_trace(r, n, TRACE_F_HAS_VMAS);
	free(r);
	run_copies(path, 1, &alone);
	run_copies(path, 2, &two);
	assert_int_equal(alone.faults_major, 0);
	assert_int_equal(alone.swap_outs, 0);
	assert_true(two.faults_major >= 50);
	assert_true(two.swap_outs >= two.faults_major);
	assert_true(two.procs[0].paging_cycles + two.procs[1].paging_cycles > 0);
	assert_true(two.idle_cycles > two.busy_cycles);
	assert_true(alone.utilisation > 0.99);
	assert_true(two.utilisation < 0.2);
	vmsim_sched_result_release(&alone);
	vmsim_sched_result_release(&two);
}

/* A stop flag set (as a caller's SIGINT handler would) ends the replay at
 * the next batch, as a normal end: the final tick comes, the stats say
 * interrupted. The library installs no signal handler of its own. */
static int g_final_ticks;

static void final_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	(void)ctx;
	(void)sys;
	(void)accesses;
	g_final_ticks += final != 0;
}

static void replay_stop_flag_ends_the_run_as_interrupted(void **state)
{
	enum { NREC = 5000 };
	static struct trace_rec r[NREC];
	volatile sig_atomic_t stop = 0;
	struct sigaction before, after;
	struct replay_opts o;
	struct replay_stats st;
	struct trace_error err;
	(void)state;

	for (size_t i = 0; i < NREC; i++)
		r[i] = acc(TRACE_WRITE, 1, 0x10000000 + 4096 * (i % 64), 8);
	const char *path = write_trace(r, NREC, 0);
	struct vmsim_system *sys = machine(64 << 20);
	sigaction(SIGINT, NULL, &before);
	replay_opts_default(&o);
	o.hooks = (struct run_hooks){.tick = final_tick, .every = 0, .stop = &stop};
	g_final_ticks = 0;
	assert_ok(replay_file(sys, path, &o, &st, &err));
	assert_false(st.interrupted);
	assert_int_equal(st.accesses, NREC);
	vmsim_system_free(sys);

	sys = machine(64 << 20);
	stop = SIGINT;
	assert_ok(replay_file(sys, path, &o, &st, &err));
	assert_true(st.interrupted);
	assert_int_equal(st.accesses, 0);
	assert_int_equal(g_final_ticks, 2);
	sigaction(SIGINT, NULL, &after);
	assert_true(after.sa_handler == before.sa_handler);
	check(sys);
	vmsim_system_free(sys);
}

static void many_traces_missing_trace_is_an_error_naming_it(void **state)
{
	const char *paths[2];
	struct vmsim_system *sys = machine(64 << 20);
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	char why[512];

	(void)state;
	paths[0] = writer_trace(1, 0x10000000, 2);
	paths[1] = "/nonexistent/t.vmt";
	vmsim_sched_cfg_default(&sc);
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_int_equal(vmsim_sched_run_traces(sys, paths, 2, &sc, &res, why, sizeof(why)),
			 VMSIM_EIO);
	if (!strstr(why, "/nonexistent/t.vmt"))
		fail_msg("message: %s", why);
	assert_int_equal(vmsim_sched_run_traces(sys, paths, 0, &sc, &res, why, sizeof(why)),
			 VMSIM_EINVAL);
	vmsim_system_free(sys);
}

static void many_traces_public_api_runs_lackey_and_vmsim_traces(void **state)
{
	/* A lackey text trace (VMAs inferred) next to a vmsim one. */
	static const char lackey[] = "I  00401000,4\n S 10000000,8\n L 10001000,8\n";
	char path[128];
	const char *paths[2];
	struct vmsim_system *sys = machine(64 << 20);
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	char why[512];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/f%d", g_dir, g_nfiles++);
	assert_non_null(f = fopen(path, "w"));
	fputs(lackey, f);
	fclose(f);
	paths[0] = path;
	paths[1] = writer_trace(3, 0x20000000, 5);
	vmsim_sched_cfg_default(&sc);
	sc.quantum = 2;
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_ok(vmsim_sched_run_traces(sys, paths, 2, &sc, &res, why, sizeof(why)));
	assert_int_equal(res.nprocs, 2);
	assert_int_equal(res.procs[0].accesses, 3);
	assert_int_equal(res.procs[1].accesses, 5);
	assert_int_equal(res.accesses, 8);
	vmsim_sched_result_release(&res);
	check(sys);
	vmsim_system_free(sys);
}

/* ---- recorded programs (format version 2) --------------------------------------- */

#define RW   (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)

/* A trace "recorded by vmsim's Valgrind tool" being written. */
struct rec {
	struct trace_writer *w;
	const char *path;
};

static void rec_open(struct rec *r)
{
	static char paths[8][128];
	struct trace_writer_opts o = {.flags = TRACE_F_HAS_VMAS, .source = TRACE_SRC_VGTOOL};
	struct trace_error err;

	r->path = paths[g_nfiles % 8];
	snprintf(paths[g_nfiles % 8], 128, "%s/f%d", g_dir, g_nfiles);
	g_nfiles++;
	assert_ok(trace_writer_open(&r->w, r->path, &o, &err));
}

static void rec_put(struct rec *r, struct trace_rec x)
{
	struct trace_error err;
	int rc = trace_writer_put(r->w, &x, 1, &err);
	if (rc)
		fail_msg("trace_writer_put: %s", err.msg);
}

/* Declare @path as the trace's file (identity from stat unless @ino/@size
 * are given non-zero); its id. */
static uint32_t rec_file(struct rec *r, uint32_t pid, const char *path, uint64_t ino, uint64_t size)
{
	struct trace_file f = {.path = path};
	struct trace_error err;
	struct stat sb;
	uint32_t id;

	if (stat(path, &sb) == 0) {
		f.dev = (uint64_t)sb.st_dev;
		f.ino = (uint64_t)sb.st_ino;
		f.size = (uint64_t)sb.st_size;
	}
	if (ino)
		f.ino = ino;
	if (size)
		f.size = size;
	assert_ok(trace_writer_put_file(r->w, pid, &f, &id, &err));
	return id;
}

static void rec_mmap_file(struct rec *r, uint32_t pid, uint64_t addr, uint64_t len, uint32_t prot,
			  uint32_t flags, uint32_t id, uint64_t off)
{
	struct trace_rec pair[2] = {
	    ev(TRACE_EV_MMAP_FILE, pid, addr, len, prot, flags),
	    {.type = TRACE_EXT, .kind = TRACE_EV_MMAP_FILE, .pid = pid, .addr = off, .arg = id}};
	struct trace_error err;
	if (trace_writer_put(r->w, pair, 2, &err))
		fail_msg("trace_writer_put: %s", err.msg);
}

static const char *rec_close(struct rec *r)
{
	struct trace_error err;
	assert_ok(trace_writer_close(r->w, &err));
	return r->path;
}

/* A host file of @pages pages of 'x' in the test directory. */
static const char *host_file(unsigned pages)
{
	static char path[128];
	char page[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/f%d", g_dir, g_nfiles++);
	memset(page, 'x', sizeof(page));
	assert_non_null(f = fopen(path, "wb"));
	for (unsigned i = 0; i < pages; i++)
		assert_int_equal(fwrite(page, 1, sizeof(page), f), sizeof(page));
	assert_int_equal(fclose(f), 0);
	return path;
}

static void replay_path(struct vmsim_system *sys, const char *path, struct replay_stats *st)
{
	struct replay_opts o;
	struct trace_error err;
	int rc;

	replay_opts_default(&o);
	if ((rc = replay_file(sys, path, &o, st, &err)))
		fail_msg("replay failed (%d): %s", rc, err.msg);
}

static struct vmsim_proc_stats pstats(struct vmsim_system *sys, int pid)
{
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(sys, pid, &ps));
	return ps;
}

static void recorded_file_mapping_uses_the_host_file_when_unchanged(void **state)
{
	/* 16 pages of a real file mapped private read-only and read page by
	 * page; a second file that changed inode, a third gone: virtual. */
	const uint64_t a = 0x7f0000000000, b = 0x7f0000100000, c = 0x7f0000200000;
	const char *real = host_file(16);
	char gone[128];
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;

	(void)state;
	snprintf(gone, sizeof(gone), "%s/no-such-file", g_dir);
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 50, 0, 0, 0, 0));
	uint32_t f1 = rec_file(&r, 50, real, 0, 0);
	uint32_t f2 = rec_file(&r, 50, real, 999999999, 0); /* the same path, another inode */
	uint32_t f3 = rec_file(&r, 50, gone, 1, 8 * 4096);
	rec_mmap_file(&r, 50, a, 16 * 4096, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, f1, 0);
	rec_mmap_file(&r, 50, b, 16 * 4096, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, f2, 0);
	rec_mmap_file(&r, 50, c, 8 * 4096, VMSIM_PROT_READ, VMSIM_MAP_SHARED, f3, 0);
	for (int i = 0; i < 16; i++)
		rec_put(&r, acc(TRACE_READ, 50, a + 4096 * (uint64_t)i, 8));
	rec_put(&r, acc(TRACE_READ, 50, b, 8));
	rec_put(&r, acc(TRACE_READ, 50, c + 7 * 4096, 8)); /* the last page of 8 */
	replay_path(sys, rec_close(&r), &st);
	assert_true(st.recorded);
	assert_false(st.inferring);
	assert_int_equal(st.files_real, 1);
	assert_int_equal(st.files_virtual, 2);
	assert_int_equal(st.notes, 2);
	if (!strstr(st.note[0], "another file has its name now"))
		fail_msg("note: %s", st.note[0]);
	if (!strstr(st.note[1], "no-such-file: a virtual file of 32768 bytes stands in: it no "
				"longer exists"))
		fail_msg("note: %s", st.note[1]);
	assert_int_equal(st.divergences, 0);
	struct vmsim_proc_stats ps = pstats(sys, st.first_pid);
	assert_int_equal(ps.faults_invalid, 0);
	assert_int_equal(ps.rss_anon, 0);
	assert_true(ps.rss_file >= 18 * 4096); /* fault-around may map more of b and c */
	assert_int_equal(st.peak_file, ps.rss_file + ps.rss_shmem);
	check(sys);
	vmsim_system_free(sys);
}

static void recorded_data_mode_reads_the_host_files_bytes(void **state)
{
	const uint64_t a = 0x7f0000000000;
	const char *real = host_file(2);
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct replay_stats st;
	struct rec r;
	char byte = 0;

	(void)state;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 << 20;
	cfg.swap_bytes = 0;
	cfg.data_mode = true;
	assert_ok(vmsim_system_new(&cfg, &sys));
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	uint32_t f = rec_file(&r, 1, real, 0, 0);
	rec_mmap_file(&r, 1, a, 2 * 4096, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, f, 4096);
	rec_put(&r, acc(TRACE_READ, 1, a, 1));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.files_real, 1);
	assert_ok(vmsim_load(sys, st.first_pid, a + 100, &byte, 1));
	assert_int_equal(byte, 'x');
	vmsim_system_free(sys);
}

static void recorded_write_to_a_host_file_moves_it_to_a_virtual_one(void **state)
{
	/* A shared writable mapping of a real file: the host file must stay as
	 * it is, so a virtual file takes its place, and the report says so. */
	const uint64_t a = 0x7f0000000000;
	const char *real = host_file(4);
	char copy[128], page[4096];
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct replay_stats st;
	struct rec r;
	FILE *f;

	(void)state;
	snprintf(copy, sizeof(copy), "%s", real);
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 << 20;
	cfg.swap_bytes = 0;
	cfg.data_mode = true;
	assert_ok(vmsim_system_new(&cfg, &sys));
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	uint32_t id = rec_file(&r, 1, copy, 0, 0);
	rec_mmap_file(&r, 1, a, 4 * 4096, RW, VMSIM_MAP_SHARED, id, 0);
	for (int i = 0; i < 4; i++)
		rec_put(&r, acc(TRACE_WRITE, 1, a + 4096 * (uint64_t)i, 8));
	rec_put(&r, ev(TRACE_EV_MSYNC, 1, a, 4 * 4096, 0, VMSIM_MS_SYNC));
	rec_put(&r, ev(TRACE_EV_EXIT, 1, 0, 0, 0, 0));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.files_real, 0);
	assert_int_equal(st.files_virtual, 1);
	if (!strstr(st.note[0], "the program changes it: a virtual file stands in"))
		fail_msg("note: %s", st.note[0]);
	vmsim_system_free(sys);
	assert_non_null(f = fopen(copy, "rb"));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(fread(page, 1, sizeof(page), f), sizeof(page));
		assert_int_equal(page[0], 'x');
	}
	fclose(f);
}

static void recorded_threads_share_one_address_space(void **state)
{
	/* The main thread 20 maps and writes; threads 21 and 22 of process 20
	 * write the same pages (no fault: one mm) and their own. */
	const uint64_t a = 0x10000000;
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 20, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_MMAP, 20, a, 8 * 4096, RW, ANON));
	for (int i = 0; i < 4; i++) {
		struct trace_rec x = acc(TRACE_WRITE, 20, a + 4096 * (uint64_t)i, 8);
		x.arg = 20;
		rec_put(&r, x);
	}
	rec_put(&r, ev(TRACE_EV_CLONE, 20, 0, 0, 0, 21));
	rec_put(&r, ev(TRACE_EV_CLONE, 20, 0, 0, 0, 22));
	for (int t = 21; t <= 22; t++)
		for (int i = 0; i < 6; i++) {
			struct trace_rec x = acc(TRACE_WRITE, 20, a + 4096 * (uint64_t)i, 8);
			x.arg = (uint32_t)t;
			rec_put(&r, x);
		}
	rec_put(&r, ev(TRACE_EV_THREAD_EXIT, 20, 0, 0, 0, 22));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.processes, 1);
	assert_int_equal(st.threads, 2);
	struct vmsim_proc_stats ps = pstats(sys, st.first_pid);
	assert_int_equal(ps.faults_minor, 6);
	assert_int_equal(ps.rss_anon, 6 * 4096);
	assert_false(st.first_exited);
	check(sys);
	vmsim_system_free(sys);
}

static void recorded_fork_exec_and_exit_status_are_replayed(void **state)
{
	/* 30 writes 4 pages, forks 31; 31 execs: its old image goes, a new
	 * one (2 pages, a heap starting low at 0x560000) comes; 31 exits with
	 * status 3; 30 is killed by SIGSEGV. */
	const uint64_t a = 0x10000000, heap = 0x560000;
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;
	const char *exe = host_file(2);

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 30, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_MMAP, 30, a, 4 * 4096, RW, ANON));
	rec_put(&r, ev(TRACE_EV_BRK, 30, 0x700000, 0, 0, 0)); /* the image's first break */
	for (int i = 0; i < 4; i++)
		rec_put(&r, acc(TRACE_WRITE, 30, a + 4096 * (uint64_t)i, 8));
	rec_put(&r, ev(TRACE_EV_FORK, 30, 0, 0, 0, 31));
	rec_put(&r, acc(TRACE_WRITE, 31, a, 8)); /* a COW copy before the exec */
	uint32_t id = rec_file(&r, 31, exe, 0, 0);
	rec_put(&r, ev(TRACE_EV_EXEC, 31, 0, 0, 0, id));
	rec_mmap_file(&r, 31, 0x400000, 2 * 4096, VMSIM_PROT_READ | VMSIM_PROT_EXEC,
		      VMSIM_MAP_PRIVATE, id, 0);
	rec_put(&r, ev(TRACE_EV_BRK, 31, heap, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_BRK, 31, heap + 3 * 4096, 0, 0, 0));
	rec_put(&r, acc(TRACE_EXEC, 31, 0x400000, 4));
	rec_put(&r, acc(TRACE_WRITE, 31, heap + 2 * 4096, 8));
	rec_put(&r, acc(TRACE_READ, 31, a, 8)); /* the old image is gone: SIGSEGV */
	rec_put(&r, ev(TRACE_EV_EXIT, 31, 0, 0, 0, 3));
	rec_put(&r, ev(TRACE_EV_EXIT, 30, 0, 0, 11, 0));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.processes, 2);
	assert_int_equal(st.execs, 1);
	assert_int_equal(st.exits, 2);
	assert_int_equal(st.killed_by_signal, 1);
	assert_true(st.first_exited);
	assert_int_equal(st.exit_signal, 11);
	assert_int_equal(st.divergences, 0);
	int child = st.first_pid + 1;
	struct vmsim_proc_stats ps = pstats(sys, child);
	assert_int_equal(ps.cow_copies, 1);
	assert_int_equal(ps.faults_invalid, 1); /* only the access to the old image */
	assert_false(ps.alive);
	/* the child's peak: 4 anonymous pages (shared after fork) before the exec */
	assert_int_equal(st.peak_anon, 4 * 4096 + 4 * 4096);
	check(sys);
	vmsim_system_free(sys);
}

static void recorded_failed_calls_are_not_replayed_as_successes(void **state)
{
	/* An mmap that failed with ENOMEM in the program maps nothing here:
	 * the access there (which the program would not make; a test does)
	 * raises SIGSEGV. */
	const uint64_t a = 0x10000000;
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_FAILED, 1, a, 4096, TRACE_EV_MMAP, 12 /* ENOMEM */));
	rec_put(&r, acc(TRACE_READ, 1, a, 8));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.failed_calls, 1);
	assert_int_equal(pstats(sys, st.first_pid).faults_invalid, 1);
	assert_int_equal(pstats(sys, st.first_pid).nr_vmas, 0);
	vmsim_system_free(sys);
}

static void recorded_kernel_disagreement_is_a_divergence_not_an_error(void **state)
{
	/* The program's kernel mapped an area the simulator refuses (beyond
	 * 4-level user space): the replay goes on and says so. */
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_MMAP, 1, 0x800000000000, 4096, RW, ANON));
	rec_put(&r, ev(TRACE_EV_MMAP, 1, 0x10000000, 4096, RW, ANON));
	rec_put(&r, acc(TRACE_WRITE, 1, 0x10000000, 8));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.divergences, 1);
	if (!strstr(st.divergence[0], "mmap by process 1 at 0x800000000000 (4096 bytes) "
				      "succeeded in the program, the simulator refused it"))
		fail_msg("divergence: %s", st.divergence[0]);
	assert_int_equal(pstats(sys, st.first_pid).faults_minor, 1);
	vmsim_system_free(sys);
}

static void recorded_peaks_are_found_before_unmapping(void **state)
{
	/* 16 pages written, 12 unmapped, 2 more written: the peak is 16 pages,
	 * the end 6; MADV_DONTNEED drops 2 more after the peak. */
	const uint64_t a = 0x10000000, b = 0x20000000;
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_MMAP, 1, a, 16 * 4096, RW, ANON));
	rec_put(&r, ev(TRACE_EV_MMAP, 1, b, 4 * 4096, RW, ANON));
	for (int i = 0; i < 16; i++)
		rec_put(&r, acc(TRACE_WRITE, 1, a + 4096 * (uint64_t)i, 8));
	rec_put(&r, ev(TRACE_EV_MUNMAP, 1, a, 12 * 4096, 0, 0));
	for (int i = 0; i < 4; i++)
		rec_put(&r, acc(TRACE_WRITE, 1, b + 4096 * (uint64_t)i, 8));
	rec_put(&r, ev(TRACE_EV_MADVISE, 1, b, 2 * 4096, 0, VMSIM_MADV_DONTNEED));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.peak_anon, 16 * 4096);
	assert_int_equal(st.peak_rss, 16 * 4096);
	assert_int_equal(pstats(sys, st.first_pid).rss_anon, 6 * 4096);
	vmsim_system_free(sys);
}

static void recorded_mremap_moves_the_pages_where_the_program_had_them(void **state)
{
	/* 4 pages written at a, moved and grown to 8 at b: the 4 pages come
	 * along (no new fault to read them), 4 more fault when written. */
	const uint64_t a = 0x10000000, b = 0x30000000;
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_stats st;
	struct rec r;
	struct trace_error err;

	(void)state;
	rec_open(&r);
	rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
	rec_put(&r, ev(TRACE_EV_MMAP, 1, a, 4 * 4096, RW, ANON));
	for (int i = 0; i < 4; i++)
		rec_put(&r, acc(TRACE_WRITE, 1, a + 4096 * (uint64_t)i, 8));
	struct trace_rec pair[2] = {
	    ev(TRACE_EV_MREMAP, 1, a, 4 * 4096, 0, 1 /* MAYMOVE */),
	    {.type = TRACE_EXT, .kind = TRACE_EV_MREMAP, .pid = 1, .addr = b, .len = 8 * 4096}};
	if (trace_writer_put(r.w, pair, 2, &err))
		fail_msg("trace_writer_put: %s", err.msg);
	for (int i = 0; i < 8; i++)
		rec_put(&r, acc(TRACE_WRITE, 1, b + 4096 * (uint64_t)i, 8));
	replay_path(sys, rec_close(&r), &st);
	assert_int_equal(st.divergences, 0);
	struct vmsim_proc_stats ps = pstats(sys, st.first_pid);
	assert_int_equal(ps.faults_minor, 8);
	assert_int_equal(ps.faults_invalid, 0);
	assert_int_equal(ps.rss_anon, 8 * 4096);
	assert_int_equal(ps.nr_vmas, 1);
	check(sys);
	vmsim_system_free(sys);
}

static void many_recorded_traces_share_the_page_cache_of_a_real_file(void **state)
{
	/* Two programs map the same host file and read its 32 pages: the
	 * first reads them from the file, the second finds them cached. */
	const uint64_t a = 0x7f0000000000;
	const char *real = host_file(32);
	char file[128];
	const char *paths[2];
	struct vmsim_system *sys = machine(64 << 20);
	struct replay_opts o;
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	struct replay_many_trace per[2];
	struct trace_error err;
	struct vmsim_sys_stats ss;

	(void)state;
	snprintf(file, sizeof(file), "%s", real);
	for (int k = 0; k < 2; k++) {
		static char kept[2][128];
		struct rec r;
		rec_open(&r);
		rec_put(&r, ev(TRACE_EV_CREATE, 1, 0, 0, 0, 0));
		uint32_t id = rec_file(&r, 1, file, 0, 0);
		rec_mmap_file(&r, 1, a, 32 * 4096, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, id, 0);
		for (int i = 0; i < 32; i++)
			rec_put(&r, acc(TRACE_READ, 1, a + 4096 * (uint64_t)i, 8));
		snprintf(kept[k], sizeof(kept[k]), "%s", rec_close(&r));
		paths[k] = kept[k];
	}
	replay_opts_default(&o);
	vmsim_sched_cfg_default(&sc);
	sc.quantum = 1000;
	sc.duration_ns = 0;
	sc.warmup_ns = 0;
	assert_ok(replay_many(sys, paths, 2, &o, &sc, &res, per, &err));
	vmsim_sys_stats(sys, &ss);
	assert_int_equal(per[0].stats.files_real, 1);
	assert_int_equal(per[1].stats.files_real, 1);
	assert_int_equal(ss.file_reads, 32); /* each page read from the file once */
	assert_true(per[0].sched.faults_major > 0);
	assert_int_equal(per[1].sched.faults_major, 0);
	vmsim_sched_result_release(&res);
	check(sys);
	vmsim_system_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(many_traces_run_as_processes_interleaved_by_slice),
	    cmocka_unit_test(many_traces_fork_child_runs_within_its_trace),
	    cmocka_unit_test(many_traces_thrash_when_together_they_exceed_ram),
	    cmocka_unit_test(many_traces_missing_trace_is_an_error_naming_it),
	    cmocka_unit_test(many_traces_public_api_runs_lackey_and_vmsim_traces),
	    cmocka_unit_test(recorded_file_mapping_uses_the_host_file_when_unchanged),
	    cmocka_unit_test(recorded_data_mode_reads_the_host_files_bytes),
	    cmocka_unit_test(recorded_write_to_a_host_file_moves_it_to_a_virtual_one),
	    cmocka_unit_test(recorded_threads_share_one_address_space),
	    cmocka_unit_test(recorded_fork_exec_and_exit_status_are_replayed),
	    cmocka_unit_test(recorded_failed_calls_are_not_replayed_as_successes),
	    cmocka_unit_test(recorded_kernel_disagreement_is_a_divergence_not_an_error),
	    cmocka_unit_test(recorded_peaks_are_found_before_unmapping),
	    cmocka_unit_test(recorded_mremap_moves_the_pages_where_the_program_had_them),
	    cmocka_unit_test(many_recorded_traces_share_the_page_cache_of_a_real_file),
	    cmocka_unit_test(replay_stop_flag_ends_the_run_as_interrupted),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
