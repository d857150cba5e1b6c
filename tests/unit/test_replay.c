/*
 * Replay of traces in vmsim's format as programs: several traces at once
 * under the CPU scheduler (replay_many, vmsim_sched_run_traces), the
 * processes a trace forks running within its task.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(many_traces_run_as_processes_interleaved_by_slice),
	    cmocka_unit_test(many_traces_fork_child_runs_within_its_trace),
	    cmocka_unit_test(many_traces_thrash_when_together_they_exceed_ram),
	    cmocka_unit_test(many_traces_missing_trace_is_an_error_naming_it),
	    cmocka_unit_test(many_traces_public_api_runs_lackey_and_vmsim_traces),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
