/*
 * The CPU scheduler (vmsim_sched_run): exact timelines for small hand-checked
 * cases (one process and its I/O, two major faults queueing on the one
 * paging device, round-robin order), its CPU time against vmsim_sys_stats'
 * cost model, working-set windows, a process killed mid-run, the device's
 * capacity as an upper bound on the fault rate, the device presets and the
 * configurations it refuses. vmsim_check runs after every case.
 *
 * Clock: 3 GHz, so 1 us = 3000 cycles; the default major fault (ssd) is
 * 100 us = 300000 cycles.
 */
#include "testutil.h"

#include <string.h>

#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"

#define PG	  4096ULL
#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define SVC	  300000ULL /* cycles of one ssd major fault at 3 GHz */

static struct vmsim_system *machine(uint64_t frames, uint64_t swap_pages)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = frames * PG;
	cfg.swap_bytes = swap_pages * PG;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

static void check_and_free(struct vmsim_system *sys)
{
	char why[256] = "";
	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
	vmsim_system_free(sys);
}

/* A process with @pages pages mapped and each written once; base in *@va. */
static int populated_proc(struct vmsim_system *sys, uint64_t pages, vaddr_t *va)
{
	int pid;
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, pages * PG, RW, PRIV_ANON, -1, 0, va));
	for (uint64_t i = 0; i < pages; i++)
		assert_ok(vmsim_access(sys, pid, *va + i * PG, 8, VMSIM_WRITE, NULL));
	return pid;
}

/* ---- generators ------------------------------------------------------------ */

/* Reads one address over and over: @compute cycles each, an I/O burst of
 * @io_ns after every @io_every-th access, done after @limit (0: never). */
struct steady {
	vaddr_t va;
	uint32_t compute;
	uint64_t io_every, io_ns;
	uint64_t limit;
	uint64_t n; /* accesses handed out */
};

static int steady_next(void *arg, int pid, struct vmsim_sched_op *op)
{
	struct steady *s = arg;
	if (s->limit && s->n == s->limit)
		return 1;
	(void)pid;
	s->n++;
	*op = (struct vmsim_sched_op){
	    .va = s->va, .size = 8, .kind = VMSIM_READ, .compute = s->compute};
	if (s->io_every && s->n % s->io_every == 0)
		op->io_ns = s->io_ns;
	return 0;
}

/* Many processes that never block, logging who runs when. */
struct runlog {
	int pid[64]; /* the pid of each access, in time order */
	size_t n;
};

struct logged {
	vaddr_t va;
	struct runlog *log;
};

static int logged_next(void *arg, int pid, struct vmsim_sched_op *op)
{
	struct logged *l = arg;
	if (l->log->n < 64)
		l->log->pid[l->log->n++] = pid;
	*op = (struct vmsim_sched_op){.va = l->va, .size = 8, .kind = VMSIM_READ, .compute = 100};
	return 0;
}

static int failing_next(void *arg, int pid, struct vmsim_sched_op *op)
{
	(void)arg;
	(void)pid;
	(void)op;
	return VMSIM_EIO;
}

static int zero_size_next(void *arg, int pid, struct vmsim_sched_op *op)
{
	(void)pid;
	*op = (struct vmsim_sched_op){.va = *(vaddr_t *)arg, .size = 0};
	return 0;
}

/* ---- presets ------------------------------------------------------------------ */

static void device_presets_give_documented_latencies(void **state)
{
	uint64_t ns = 0;
	(void)state;
	assert_ok(vmsim_device_preset("nvme", &ns));
	assert_int_equal(ns, 20000);
	assert_ok(vmsim_device_preset("ssd", &ns));
	assert_int_equal(ns, 100000);
	assert_ok(vmsim_device_preset("hdd", &ns));
	assert_int_equal(ns, 10000000);

	/* the default machine's major fault is the ssd preset */
	struct vmsim_config cfg;
	vmsim_config_default(&cfg);
	assert_int_equal(cfg.cost.major_fault_ns, 100000);

	const char *const *names = vmsim_device_preset_names();
	assert_string_equal(names[0], "nvme");
	assert_string_equal(names[1], "ssd");
	assert_string_equal(names[2], "hdd");
	assert_null(names[3]);
}

static void device_preset_unknown_name_is_einval_and_leaves_ns(void **state)
{
	uint64_t ns = 7;
	(void)state;
	assert_int_equal(vmsim_device_preset("floppy", &ns), VMSIM_EINVAL);
	assert_int_equal(vmsim_device_preset("SSD", &ns), VMSIM_EINVAL);
	assert_int_equal(vmsim_device_preset(NULL, &ns), VMSIM_EINVAL);
	assert_int_equal(ns, 7);
}

/* ---- exact timelines -------------------------------------------------------- */

/*
 * One process, its page resident and in the TLB: each access costs the cost
 * model's 1 cycle plus 999 of work; every 10th is followed by 10 us (30000
 * cycles) of I/O, during which the CPU idles:
 *
 *   |10 x 1000|-- 30000 idle --|10 x 1000|-- ... --|10 x 1000|  (stop: 1000 accesses)
 *
 * busy 1000 x 1000, idle 99 x 30000 (the 100th burst is after the end).
 */
static void sched_single_process_idles_during_its_io(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	vaddr_t va;
	int pid = populated_proc(sys, 1, &va);
	struct steady s = {.va = va, .compute = 999, .io_every = 10, .io_ns = 10000};
	struct vmsim_sched_task task = {.next = steady_next, .arg = &s, .pid = pid};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = &task;
	cfg.ntasks = 1;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 0;
	cfg.max_accesses = 1000;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));

	assert_int_equal(res.accesses, 1000);
	assert_int_equal(res.busy_cycles, 1000000);
	assert_int_equal(res.idle_cycles, 99 * 30000);
	assert_int_equal(res.wall_cycles, 1000000 + 99 * 30000);
	assert_true(res.utilisation > 0.2518 && res.utilisation < 0.2519); /* 1 / 3.97 */
	assert_int_equal(res.faults_major, 0);
	assert_int_equal(res.context_switches, 0);
	assert_int_equal(res.nprocs, 1);
	assert_int_equal(res.procs[0].pid, pid);
	assert_int_equal(res.procs[0].accesses, 1000);
	assert_int_equal(res.procs[0].io_bursts, 100);
	assert_int_equal(res.procs[0].cpu_cycles, 1000000);
	assert_int_equal(res.procs[0].io_cycles, 99 * 30000); /* the last one is cut at the end */
	assert_int_equal(res.procs[0].ready_cycles, 0);
	assert_int_equal(res.procs[0].paging_cycles, 0);
	assert_false(res.procs[0].finished);
	vmsim_sched_result_release(&res);
	assert_null(res.procs);
	check_and_free(sys);
}

/*
 * Two processes whose first page is in swap each read it once:
 *
 *   CPU     |A sA|B sB|.... idle ....................|A done|... |B done|
 *   device       [ A's read: SVC ][ B's read: SVC    ]
 *                     ^ B issues here and waits SVC - sB before its read starts
 */
static void sched_second_fault_waits_for_the_device(void **state)
{
	struct vmsim_system *sys = machine(64, 1024);
	struct vmsim_walk_info wa, wb;
	vaddr_t va, vb;
	int a = populated_proc(sys, 100, &va);
	int b = populated_proc(sys, 100, &vb);
	(void)state;

	assert_ok(vmsim_walk_describe(sys, a, va, &wa));
	assert_ok(vmsim_walk_describe(sys, b, vb, &wb));
	assert_true(wa.swapped && !wa.mapped);
	assert_true(wb.swapped && !wb.mapped);

	struct steady sa = {.va = va, .limit = 1}, sb = {.va = vb, .limit = 1};
	struct vmsim_sched_task tasks[2] = {
	    {.next = steady_next, .arg = &sa, .pid = a},
	    {.next = steady_next, .arg = &sb, .pid = b},
	};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 2;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 0; /* the generators end the run */
	assert_ok(vmsim_sched_run(sys, &cfg, &res));

	uint64_t s_a = res.procs[0].cpu_cycles, s_b = res.procs[1].cpu_cycles;
	assert_true(s_a > 0 && s_b > 0 && s_b < SVC);
	assert_int_equal(res.faults_major, 2);
	assert_int_equal(res.dev.reads, 2);
	assert_int_equal(res.dev.writes, 0);
	assert_int_equal(res.dev.max_queue, 2);
	assert_int_equal(res.procs[0].paging_cycles, SVC);
	assert_int_equal(res.procs[1].paging_cycles, 2 * SVC - s_b);
	assert_int_equal(res.busy_cycles, s_a + s_b);
	assert_int_equal(res.wall_cycles, s_a + 2 * SVC);
	assert_int_equal(res.idle_cycles, 2 * SVC - s_b);
	double busy = 2.0 * SVC / (double)(s_a + 2 * SVC); /* serving from s_a to the end */
	assert_true(res.dev.busy > busy - 1e-12 && res.dev.busy < busy + 1e-12);
	double wait_ns = (double)(SVC - s_b) / 2 / 3.0;
	double resp_ns = (double)(3 * SVC - s_b) / 2 / 3.0;
	assert_true(res.dev.mean_wait_ns > wait_ns - 0.01 && res.dev.mean_wait_ns < wait_ns + 0.01);
	assert_true(res.dev.mean_response_ns > resp_ns - 0.01 &&
		    res.dev.mean_response_ns < resp_ns + 0.01);
	assert_true(res.procs[0].finished && res.procs[1].finished);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* An access that faults and is followed by I/O: the burst starts once the
 * page is back, so the process waits SVC and then 10 us (30000 cycles). */
static void sched_io_after_a_fault_starts_when_the_page_arrives(void **state)
{
	struct vmsim_system *sys = machine(64, 1024);
	struct vmsim_walk_info w;
	vaddr_t va;
	int pid = populated_proc(sys, 100, &va);
	struct steady s = {.va = va, .io_every = 1, .io_ns = 10000, .limit = 1};
	struct vmsim_sched_task task = {.next = steady_next, .arg = &s, .pid = pid};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	assert_ok(vmsim_walk_describe(sys, pid, va, &w));
	assert_true(w.swapped);
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = &task;
	cfg.ntasks = 1;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 0;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	uint64_t s_a = res.procs[0].cpu_cycles;
	assert_int_equal(res.faults_major, 1);
	assert_int_equal(res.procs[0].io_bursts, 1);
	assert_int_equal(res.procs[0].paging_cycles, SVC);
	assert_int_equal(res.procs[0].io_cycles, 30000);
	assert_int_equal(res.wall_cycles, s_a + SVC + 30000);
	assert_int_equal(res.idle_cycles, SVC + 30000);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* Three processes that never block share the CPU a quantum at a time. */
static void sched_round_robin_gives_each_process_a_quantum_in_turn(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	struct runlog log = {.n = 0};
	struct logged l[3];
	struct vmsim_sched_task tasks[3];
	int pid[3];
	(void)state;

	for (int i = 0; i < 3; i++) {
		pid[i] = populated_proc(sys, 1, &l[i].va);
		l[i].log = &log;
		tasks[i] =
		    (struct vmsim_sched_task){.next = logged_next, .arg = &l[i], .pid = pid[i]};
	}
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 3;
	cfg.quantum = 5;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 0;
	cfg.max_accesses = 30;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));

	assert_int_equal(log.n, 30);
	for (size_t k = 0; k < 30; k++)
		assert_int_equal(log.pid[k], pid[(k / 5) % 3]);
	assert_int_equal(res.accesses, 30);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(res.procs[i].accesses, 10);
		assert_true(res.procs[i].ready_cycles > 0); /* each waited for the others */
	}
	/* 3 (the last created) was current: 1, 2, 3, 1, 2, 3 are six switches */
	assert_int_equal(res.context_switches, 6);
	assert_int_equal(res.idle_cycles, 0);
	assert_true(res.utilisation == 1.0);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* The kernel's busy cycles: vmsim_sys_stats' total without the major-fault wait. */
static uint64_t kernel_busy(struct vmsim_system *sys)
{
	struct vmsim_sys_stats st;
	assert_ok(vmsim_sys_stats(sys, &st));
	return st.cycles - (uint64_t)((double)st.faults_major * 100000.0 * 3.0);
}

/* Under pressure (faults, reclaim, context switches, TLB misses), the CPU
 * time is what the cost model charged plus the workload's own work. */
static void sched_busy_cycles_match_the_cost_model(void **state)
{
	struct vmsim_system *sys = machine(256, 4096);
	struct vmsim_sched_task tasks[4];
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	for (int i = 0; i < 4; i++)
		tasks[i] = (struct vmsim_sched_task){.model = {.pages = 80,
							       .write_pct = 30,
							       .compute = 3000,
							       .io_every = 50,
							       .io_ns = 200000}};
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 4;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 50000000;
	uint64_t before = kernel_busy(sys);
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	uint64_t after = kernel_busy(sys);

	assert_true(res.faults_major > 100);
	assert_true(res.swap_outs > 0);
	assert_int_equal(res.busy_cycles, after - before + res.accesses * 3000);
	assert_int_equal(res.busy_cycles + res.idle_cycles, res.wall_cycles);
	uint64_t cpu = 0, acc = 0;
	for (int i = 0; i < 4; i++) {
		cpu += res.procs[i].cpu_cycles;
		acc += res.procs[i].accesses;
		/* every moment of a process is running, ready or blocked */
		uint64_t t = res.procs[i].cpu_cycles + res.procs[i].ready_cycles +
			     res.procs[i].paging_cycles + res.procs[i].io_cycles;
		assert_int_equal(t, res.wall_cycles);
	}
	assert_int_equal(cpu, res.busy_cycles);
	assert_int_equal(acc, res.accesses);
	assert_int_equal(res.faults_major, res.dev.reads);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* Tau = 10000 over 64 uniformly used pages sees all 64; a loop over 64
 * pages with tau = 16 sees 16 per window. */
static void sched_measures_working_sets_per_window(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	struct vmsim_sched_task tasks[2] = {
	    {.model = {.pages = 64, .compute = 3000}},
	    {.model = {.pages = 40, .pattern = VMSIM_SCHED_UNIFORM, .compute = 3000}},
	};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 2;
	cfg.warmup_ns = 0;
	cfg.duration_ns = 0;
	cfg.max_accesses = 100000;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	assert_int_equal(res.procs[0].wss_pages, 64);
	assert_int_equal(res.procs[0].wss_last, 64);
	assert_int_equal(res.procs[1].wss_pages, 40);
	assert_int_equal(res.wss_total_pages, 104);
	assert_false(res.thrashing);
	assert_true(res.frames_available < 1024 && res.frames_available > 1000);
	vmsim_sched_result_release(&res);

	struct vmsim_sched_task loop = {.model = {.pages = 64, .pattern = VMSIM_SCHED_LOOP}};
	cfg.tasks = &loop;
	cfg.ntasks = 1;
	cfg.wss_window = 16;
	cfg.max_accesses = 1000;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	assert_int_equal(res.procs[0].wss_pages, 16);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* A SIGSEGV ends one process; the others run on. */
static void sched_segv_kills_only_that_process(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	vaddr_t va;
	int good = populated_proc(sys, 1, &va);
	int bad;
	(void)state;
	assert_ok(vmsim_process_create(sys, &bad));

	struct steady sbad = {.va = 0x1000}, sgood = {.va = va, .compute = 10};
	struct vmsim_sched_task tasks[2] = {
	    {.next = steady_next, .arg = &sbad, .pid = bad},
	    {.next = steady_next, .arg = &sgood, .pid = good},
	};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 2;
	cfg.warmup_ns = 0;
	cfg.max_accesses = 10;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	assert_true(res.procs[0].killed);
	assert_int_equal(res.procs[0].accesses, 1);
	assert_false(res.procs[1].killed);
	assert_int_equal(res.procs[1].accesses, 9);
	assert_false(vmsim_process_alive(sys, bad));
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* Whatever the load, the one device serves at most one read per latency. */
static void sched_faults_never_exceed_device_capacity(void **state)
{
	struct vmsim_system *sys = machine(512, 8192);
	struct vmsim_sched_task tasks[8];
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	for (int i = 0; i < 8; i++)
		tasks[i] = (struct vmsim_sched_task){
		    .model = {.pages = 128, .compute = 3000, .io_every = 100, .io_ns = 100000}};
	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = tasks;
	cfg.ntasks = 8;
	cfg.duration_ns = 100000000;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));

	/* served <= wall / SVC + 1; issued = served + still queued (<= 8) */
	assert_true(res.faults_major <= res.wall_cycles / SVC + 1 + 8);
	assert_true(res.faults_major > res.wall_cycles / SVC / 2);
	assert_true(res.dev.busy > 0.95 && res.dev.busy <= 1.0);
	assert_true(res.dev.mean_response_ns >= 100000.0);
	assert_true(res.dev.max_queue >= 2 && res.dev.max_queue <= 8);
	assert_true(res.faults_per_second <= 10000.0 * 1.01 + 80);
	assert_true(res.thrashing);
	assert_true(res.wss_total_pages > res.frames_available);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/* What vmsim_sched_run refuses, leaving nothing to release. */
static void sched_rejects_bad_configurations(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	vaddr_t va;
	int pid = populated_proc(sys, 1, &va);
	struct vmsim_sched_task task = {.model = {.pages = 8}};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	vmsim_sched_cfg_default(&cfg);
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL); /* no tasks */
	assert_null(res.procs);
	cfg.tasks = &task;
	cfg.ntasks = 1;
	cfg.duration_ns = 0;
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL); /* a model never ends */
	cfg.duration_ns = 1000000;
	task.model.pages = 0;
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL);
	task.model.pages = 8;
	task.model.write_pct = 101;
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL);
	task = (struct vmsim_sched_task){.next = failing_next, .pid = 99};
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL); /* no such pid */
	task.pid = pid;
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EIO); /* the generator's error */
	assert_null(res.procs);
	task = (struct vmsim_sched_task){.next = zero_size_next, .arg = &va, .pid = pid};
	assert_int_equal(vmsim_sched_run(sys, &cfg, &res), VMSIM_EINVAL);
	assert_null(res.procs);
	check_and_free(sys);
}

/* The warm-up runs but is not measured. */
static void sched_warmup_is_not_measured(void **state)
{
	struct vmsim_system *sys = machine(1024, 0);
	vaddr_t va;
	int pid = populated_proc(sys, 1, &va);
	struct steady s = {.va = va, .compute = 2999}; /* 3000 cycles: 1 us an access */
	struct vmsim_sched_task task = {.next = steady_next, .arg = &s, .pid = pid};
	struct vmsim_sched_cfg cfg;
	struct vmsim_sched_result res;
	(void)state;

	vmsim_sched_cfg_default(&cfg);
	cfg.tasks = &task;
	cfg.ntasks = 1;
	cfg.quantum = 10;
	cfg.warmup_ns = 100000; /* 100 accesses */
	cfg.duration_ns = 0;
	cfg.max_accesses = 500;
	assert_ok(vmsim_sched_run(sys, &cfg, &res));
	assert_int_equal(s.n, 600);
	assert_int_equal(res.accesses, 500);
	assert_int_equal(res.procs[0].accesses, 500);
	assert_int_equal(res.busy_cycles, 500 * 3000);
	assert_int_equal(res.wall_cycles, 500 * 3000);
	assert_true(res.utilisation == 1.0);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(device_presets_give_documented_latencies),
	    cmocka_unit_test(device_preset_unknown_name_is_einval_and_leaves_ns),
	    cmocka_unit_test(sched_single_process_idles_during_its_io),
	    cmocka_unit_test(sched_second_fault_waits_for_the_device),
	    cmocka_unit_test(sched_io_after_a_fault_starts_when_the_page_arrives),
	    cmocka_unit_test(sched_round_robin_gives_each_process_a_quantum_in_turn),
	    cmocka_unit_test(sched_busy_cycles_match_the_cost_model),
	    cmocka_unit_test(sched_measures_working_sets_per_window),
	    cmocka_unit_test(sched_segv_kills_only_that_process),
	    cmocka_unit_test(sched_faults_never_exceed_device_capacity),
	    cmocka_unit_test(sched_rejects_bad_configurations),
	    cmocka_unit_test(sched_warmup_is_not_measured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
