/*
 * bench_pressure: the full system under memory pressure, single thread.
 *
 *   pressure   one process with a hot set that fits in RAM and a cold set
 *              of 256 MiB that does not, both written once (so the cold
 *              pages live in swap), then random reads, a share of them to
 *              the cold set tuned so that about 10% of accesses take a
 *              major fault (swap-in plus reclaim of a clean victim).
 *              Reported as vmsim_access calls per second with the fault
 *              fraction actually measured. Two shapes:
 *                small-hot  RAM 16 MiB, hot set 4 MiB: within the L2 TLB's
 *                           reach, so hits are TLB hits (a program with
 *                           locality); once per replacement policy
 *                large-hot  RAM 64 MiB, hot set 32 MiB: most hits miss the
 *                           TLB and walk the page tables
 *              each after a "hot-only" row (the same machine, reads to the
 *              hot set alone: the no-fault ceiling).
 *   sched      a run driven by vmsim_sched_run (8 processes overcommitting
 *              1024 frames, one CPU, the paging device): simulated
 *              accesses per host second.
 *   curve      vmsim_thrashing_curve with its defaults (N = 1..16 on 1024
 *              frames): host time for the whole curve.
 *
 * Addresses are drawn before the clock starts, so the rates measure the
 * simulator, not the random-number generator. Time is this process's CPU
 * time (single thread), so other load on the machine does not count. Without data mode: swap I/O
 * is counted, not performed (vmsim's trace-study mode).
 *
 * usage: bench_pressure [--quick]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/addr.h"
#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"

#define PG    4096ULL
#define COLD  65536ULL /* 256 MiB */
#define NADDR (1u << 22)

/* One machine shape. */
struct shape {
	const char *name;
	uint64_t ram;	 /* bytes */
	uint64_t hot;	 /* pages */
	double cold_pct; /* % of reads to the cold set: about 10% then fault */
	bool policies;	 /* run every policy, else clock only */
};

static const struct shape shapes[] = {
    {"small-hot", 16ULL << 20, 1024, 8.0, true},
    {"large-hot", 64ULL << 20, 8192, 11.5, false},
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_pressure: %s: %s\n", what, vmsim_strerror(rc));
	exit(1);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* One policy: populate, then @n random reads at @off (offsets from the hot
 * base; cold offsets lie past the hot set). @label names the row. */
static void pressure(const struct shape *sh, const char *label, const char *policy,
		     const uint64_t *off, uint64_t n)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sys_stats s0, s1;
	vaddr_t a;
	int pid, rc;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = sh->ram;
	cfg.swap_bytes = 1ULL << 30;
	cfg.policy = policy;
	if ((rc = vmsim_system_new(&cfg, &sys)))
		die("vmsim_system_new", rc);
	if ((rc = vmsim_process_create(sys, &pid)))
		die("vmsim_process_create", rc);
	/* hot then cold, one mapping: the cold set is written last but is
	 * larger than RAM, so most of it ends up in swap */
	if ((rc = vmsim_mmap(sys, pid, 0, (sh->hot + COLD) * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a)))
		die("vmsim_mmap", rc);
	for (uint64_t i = 0; i < sh->hot + COLD; i++)
		if ((rc = vmsim_access(sys, pid, a + i * PG, 8, VMSIM_WRITE, NULL)))
			die("vmsim_access", rc);
	/* settle: the hot set becomes resident and referenced */
	for (uint64_t i = 0; i < NADDR; i++)
		if ((rc = vmsim_access(sys, pid, a + off[i], 8, VMSIM_READ, NULL)))
			die("vmsim_access", rc);

	vmsim_sys_stats(sys, &s0);
	double t0 = now();
	for (uint64_t i = 0; i < n; i++)
		if ((rc = vmsim_access(sys, pid, a + off[i & (NADDR - 1)], 8, VMSIM_READ, NULL)))
			die("vmsim_access", rc);
	double dt = now() - t0;
	vmsim_sys_stats(sys, &s1);

	uint64_t major = s1.faults_major - s0.faults_major;
	uint64_t minor = s1.faults_minor - s0.faults_minor;
	printf("%-10s %12" PRIu64 " %9.2f M/s %8.2f%% %8.2f%% %10.2f M/s %8.1f%%\n", label, n,
	       (double)n / dt / 1e6, 100.0 * (double)major / (double)n,
	       100.0 * (double)minor / (double)n, (double)major / dt / 1e6,
	       100.0 * s1.cpu_utilisation);
	vmsim_system_free(sys);
}

static void sched_rate(bool quick)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sched_task tasks[8];
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	int rc;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 1024 * PG;
	cfg.swap_bytes = 64ULL << 20;
	if ((rc = vmsim_system_new(&cfg, &sys)))
		die("vmsim_system_new", rc);
	for (int i = 0; i < 8; i++)
		tasks[i] = (struct vmsim_sched_task){
		    .model = {.pages = 150, .compute = 300, .io_every = 1000, .io_ns = 200000}};
	vmsim_sched_cfg_default(&sc);
	sc.tasks = tasks;
	sc.ntasks = 8;
	sc.warmup_ns = 0;
	sc.duration_ns = quick ? 200000000 : 2000000000;
	double t0 = now();
	if ((rc = vmsim_sched_run(sys, &sc, &res)))
		die("vmsim_sched_run", rc);
	double dt = now() - t0;
	printf("%-10s %12" PRIu64 " %9.2f M/s %8.2f%%   (8 processes, %.1f%% CPU, %.2f s "
	       "simulated)\n",
	       "sched", res.accesses, (double)res.accesses / dt / 1e6,
	       100.0 * res.faults_per_access, 100.0 * res.utilisation, res.wall_seconds);
	vmsim_sched_result_release(&res);
	vmsim_system_free(sys);
}

static void curve_time(void)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point p[16];
	uint64_t acc = 0;
	int rc;

	vmsim_curve_cfg_default(&cfg);
	double t0 = now();
	if ((rc = vmsim_thrashing_curve(&cfg, p)))
		die("vmsim_thrashing_curve", rc);
	double dt = now() - t0;
	for (unsigned i = 0; i < cfg.nmax; i++)
		acc += p[i].accesses;
	printf("%-10s %12" PRIu64 " %9.2f M/s   whole curve (N = 1..%u, %.1f s simulated "
	       "per point) in %.3f s\n",
	       "curve", acc, (double)acc / dt / 1e6, cfg.nmax, (double)cfg.duration_ns * 1e-9, dt);
}

static void run_shape(const struct shape *sh, uint64_t n, uint64_t *off, uint64_t *hot)
{
	static const char *const policies[] = {"clock", "fifo", "lru", "random", "linux"};

	for (uint64_t i = 0; i < NADDR; i++) {
		bool cold = (double)(rnd() % 100000) < sh->cold_pct * 1000;
		uint64_t page = cold ? sh->hot + rnd() % COLD : rnd() % sh->hot;
		off[i] = page * PG + (rnd() & 0xff8);
		hot[i] = (rnd() % sh->hot) * PG + (rnd() & 0xff8);
	}
	printf("\n%s: RAM %" PRIu64 " MiB, hot set %" PRIu64 " MiB, cold set %" PRIu64
	       " MiB in swap, %.1f%% of reads cold\n",
	       sh->name, sh->ram >> 20, (uint64_t)(sh->hot * PG >> 20), (uint64_t)(COLD * PG >> 20),
	       sh->cold_pct);
	printf("%-10s %12s %13s %9s %9s %14s %9s\n", "policy", "accesses", "rate", "major", "minor",
	       "major faults", "sim CPU");
	/* the ceiling: the same machine, reads to the hot set only (no faults) */
	pressure(sh, "hot-only", "clock", hot, n);
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		pressure(sh, policies[i], policies[i], off, n);
		if (!sh->policies)
			break;
	}
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	uint64_t n = quick ? 4000000 : 40000000;
	uint64_t *off = malloc(NADDR * sizeof(*off));
	uint64_t *hot = malloc(NADDR * sizeof(*hot));

	if (!off || !hot)
		return 1;
	printf("bench_pressure: cpu preset skylake, single thread\n");
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		run_shape(&shapes[i], n, off, hot);
	free(hot);
	free(off);
	printf("\n");
	sched_rate(quick);
	curve_time();
	return 0;
}
