/*
 * Working sets and thrashing (seed §8): the classic curve of CPU
 * utilisation against the degree of multiprogramming, and the thrashing
 * flag with the numbers behind it.
 *
 * The curve runs vmsim_curve_cfg_default's machine: M = 1024 frames, W = 128
 * pages per process, so M/W = 8. About 100 of the frames are the kernel's
 * (page tables, the zero page, the free-frame reserve), so 7 processes fit
 * and the 8th does not: the peak is expected at N = 7 or 8, and N = 16 is
 * twice the memory. Shape assertions, not exact values, so that a change in
 * the kernel's reclaim that keeps the physics keeps the test green.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"

#define NMAX 16

static void print_curve(const char *name, const struct vmsim_curve_point *p, unsigned n)
{
	printf("%s\n", name);
	for (unsigned i = 0; i < n; i++)
		printf("  N=%2u load %.2f util %5.1f%% faults/s %6.0f dev %5.1f%% slowest %.2f%s\n",
		       p[i].n, p[i].load, 100 * p[i].utilisation, p[i].faults_per_second,
		       100 * p[i].device_busy, p[i].progress_min,
		       p[i].thrashing ? " thrashing" : "");
}

/* The index of the highest utilisation. */
static unsigned peak_of(const struct vmsim_curve_point *p, unsigned n)
{
	unsigned best = 0;
	for (unsigned i = 1; i < n; i++)
		if (p[i].utilisation > p[best].utilisation)
			best = i;
	return best;
}

/* Rise, peak near N·W = M, collapse: the assertions both policies share. */
static void assert_classic_shape(const struct vmsim_curve_cfg *cfg,
				 const struct vmsim_curve_point *p)
{
	unsigned k = (unsigned)(cfg->frames / cfg->proc.pages); /* M/W = 8 */
	unsigned peak = peak_of(p, cfg->nmax);
	double top = p[peak].utilisation;

	for (unsigned i = 0; i < cfg->nmax; i++) {
		assert_int_equal(p[i].n, i + 1);
		assert_true(p[i].load > 0.1249 * (i + 1) && p[i].load < 0.1251 * (i + 1));
	}
	/* one process alone: 20 ms of CPU per 100 ms of I/O, about 1/6 */
	assert_true(p[0].utilisation > 0.12 && p[0].utilisation < 0.22);
	/* the peak is within one process of N·W = M, and high */
	assert_true(peak + 1 >= k - 1 && peak + 1 <= k + 1);
	assert_true(top > 0.8);
	/* rising up to it: each step up, give or take two points of noise,
	 * and clearly above the point three steps before */
	for (unsigned i = 0; i < peak; i++) {
		assert_true(p[i + 1].utilisation > p[i].utilisation - 0.02);
		if (i >= 3)
			assert_true(p[i].utilisation > p[i - 3].utilisation + 0.15);
	}
	/* while everything fits, nothing is read back from swap */
	for (unsigned i = 0; i + 1 < k; i++) {
		assert_true(p[i].faults_per_access == 0.0);
		assert_false(p[i].thrashing);
		assert_int_equal(p[i].wss_total_pages, (i + 1) * cfg->proc.pages);
	}
	/* twice the memory: utilisation below half the peak, the paging device
	 * saturated at its 10000 reads a second, thrashing flagged */
	const struct vmsim_curve_point *twice = &p[2 * k - 1];
	assert_true(twice->utilisation < top / 2);
	assert_true(twice->device_busy > 0.95);
	assert_true(twice->faults_per_second > 9000 && twice->faults_per_second < 10100);
	assert_true(twice->mean_fault_ns > 5 * 100000.0); /* queued behind others */
	assert_true(twice->thrashing);
	assert_true(twice->paging_share > 0.5);
	/* and after the peak, never back up to it */
	for (unsigned i = peak + 2; i < cfg->nmax; i++)
		assert_true(p[i].utilisation < top - 0.05);
}

static void thrashing_curve_rises_peaks_near_m_over_w_and_collapses(void **state)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point p[NMAX];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	assert_int_equal(cfg.nmax, NMAX);
	assert_ok(vmsim_thrashing_curve(&cfg, p));
	print_curve("clock, ssd", p, NMAX);
	assert_classic_shape(&cfg, p);
}

static void thrashing_curve_with_fifo_collapses_the_same_way(void **state)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point p[NMAX];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	cfg.policy = "fifo";
	cfg.seed = 2;
	assert_ok(vmsim_thrashing_curve(&cfg, p));
	print_curve("fifo, ssd, seed 2", p, NMAX);
	assert_classic_shape(&cfg, p);
}

/* The curve is a pure function of its configuration. */
static void thrashing_curve_is_deterministic(void **state)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point a[10], b[10];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	cfg.nmax = 10;
	cfg.frames = 256; /* 7 and more processes of 32 pages do not fit */
	cfg.proc.pages = 32;
	cfg.duration_ns = 100000000;
	cfg.warmup_ns = 20000000;
	assert_ok(vmsim_thrashing_curve(&cfg, a));
	assert_ok(vmsim_thrashing_curve(&cfg, b));
	for (unsigned i = 0; i < 10; i++) {
		assert_true(a[i].utilisation == b[i].utilisation);
		assert_true(a[i].faults_per_second == b[i].faults_per_second);
		assert_true(a[i].device_busy == b[i].device_busy);
		assert_int_equal(a[i].accesses, b[i].accesses);
		assert_int_equal(a[i].wss_total_pages, b[i].wss_total_pages);
		assert_int_equal(a[i].thrashing, b[i].thrashing);
	}
	assert_true(a[9].faults_per_second > 0); /* the comparison covered paging too */
}

static void thrashing_curve_rejects_bad_configurations(void **state)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point p[4];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	cfg.nmax = 0;
	assert_int_equal(vmsim_thrashing_curve(&cfg, p), VMSIM_EINVAL);
	vmsim_curve_cfg_default(&cfg);
	cfg.proc.pages = 0;
	assert_int_equal(vmsim_thrashing_curve(&cfg, p), VMSIM_EINVAL);
	vmsim_curve_cfg_default(&cfg);
	cfg.frames = 63;
	assert_int_equal(vmsim_thrashing_curve(&cfg, p), VMSIM_EINVAL);
	vmsim_curve_cfg_default(&cfg);
	cfg.nmax = 4;
	cfg.policy = "no-such-policy";
	assert_int_equal(vmsim_thrashing_curve(&cfg, p), VMSIM_EINVAL);
}

/* Each refusal of vmsim_curve_check says what is wrong. */
static void curve_check_names_the_bad_combination(void **state)
{
	struct vmsim_curve_cfg cfg;
	char why[320];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	assert_ok(vmsim_curve_check(&cfg, why, sizeof(why)));
	cfg.nmax = 256;
	cfg.proc.pages = 1ULL << 22; /* 2^30 pages in all */
	cfg.frames = 1ULL << 22;
	assert_int_equal(vmsim_curve_check(&cfg, why, sizeof(why)), VMSIM_EINVAL);
	assert_non_null(strstr(why, "256 processes of 4194304 pages are 1073741824 pages in all"));
	/* 16 processes of 65536 pages: 131 page-table frames each, 2096 of 1024 */
	vmsim_curve_cfg_default(&cfg);
	cfg.proc.pages = 65536;
	assert_int_equal(vmsim_curve_check(&cfg, why, sizeof(why)), VMSIM_EINVAL);
	assert_non_null(strstr(why, "need up to 2096 frames of page tables, more than half of "
				    "the 1024 frames"));
	cfg.nmax = 3; /* 393 frames: fits */
	assert_ok(vmsim_curve_check(&cfg, why, sizeof(why)));
	cfg.nmax = 257;
	assert_int_equal(vmsim_curve_check(&cfg, why, sizeof(why)), VMSIM_EINVAL);
	assert_non_null(strstr(why, "N = 257 processes: expected 1 to 256"));
}

/*
 * The times follow the sizes: with 100 ms slices (quantum 20000 of 5 us),
 * 16 processes take 1.6 s for one round, longer than the 1 s the default
 * measured. Measured over four rounds after two, 16 processes of 512
 * pages on 1024 frames (N.W/M = 8) thrash: the CPU mostly waits. Over a
 * fixed 1 s they would mostly not have run, and the point says so.
 */
static void thrashing_curve_times_follow_the_sizes(void **state)
{
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point p[16];
	(void)state;

	vmsim_curve_cfg_default(&cfg);
	cfg.nmax = 16;
	cfg.proc.pages = 512;
	cfg.quantum = 20000;
	assert_ok(vmsim_thrashing_curve(&cfg, p));
	for (unsigned i = 0; i < 16; i++) {
		double round = (i + 1) * 0.1;
		assert_false(p[i].under_measured);
		assert_true(fabs(p[i].duration_ns * 1e-9 - fmax(1.0, 4 * round)) < 0.01);
		assert_true(fabs(p[i].warmup_ns * 1e-9 - fmax(0.2, 2 * round)) < 0.01);
	}
	print_message("N=16 times from the sizes: util %.1f%%, device %.1f%%, slowest %.2f%s\n",
		      100 * p[15].utilisation, 100 * p[15].device_busy, p[15].progress_min,
		      p[15].thrashing ? ", thrashing" : "");
	assert_true(p[15].thrashing);
	assert_true(p[15].utilisation < 0.5);
	assert_true(p[15].device_busy > 0.9);

	cfg.nmax = 16;
	cfg.duration_ns = 1000000000;
	cfg.warmup_ns = 200000000;
	assert_ok(vmsim_thrashing_curve(&cfg, p));
	print_message("N=16 over 1 s: util %.1f%%, device %.1f%%, slowest %.2f%s\n",
		      100 * p[15].utilisation, 100 * p[15].device_busy, p[15].progress_min,
		      p[15].thrashing ? ", thrashing" : "");
	assert_false(p[0].under_measured); /* one round of 0.1 s: ten in 1 s */
	assert_true(p[15].under_measured); /* 1 s is less than two rounds of 1.6 s */
}

/* N processes of the curve's model on one machine of 1024 frames. */
static void run_n(unsigned n, uint64_t major_ns, struct vmsim_system **sys,
		  struct vmsim_sched_result *res)
{
	struct vmsim_curve_cfg cc;
	struct vmsim_config vc;
	struct vmsim_sched_task tasks[NMAX];
	struct vmsim_sched_cfg sc;

	vmsim_curve_cfg_default(&cc);
	vmsim_config_default(&vc);
	vc.ram_bytes = cc.frames * 4096;
	vc.swap_bytes = 8ULL << 20;
	vc.wss_window = 10000;
	vc.cost.major_fault_ns = major_ns;
	assert_ok(vmsim_system_new(&vc, sys));
	for (unsigned i = 0; i < n; i++)
		tasks[i] = (struct vmsim_sched_task){.model = cc.proc};
	vmsim_sched_cfg_default(&sc);
	sc.tasks = tasks;
	sc.ntasks = n;
	sc.quantum = cc.quantum;
	sc.warmup_ns = 200000000; /* what the curve takes for these sizes */
	sc.duration_ns = 1000000000;
	assert_ok(vmsim_sched_run(*sys, &sc, res));
}

static void check_and_free(struct vmsim_system *sys)
{
	char why[256] = "";
	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
	vmsim_system_free(sys);
}

/*
 * 4 x 128 pages fit in 1024 frames: the working sets are measured whole,
 * nothing is paged, no flag (and the kernel's sampler agrees). 12 x 128 do
 * not: the working sets add up to more than the frames, the processes wait
 * for the paging device far longer than they run, and the run is flagged.
 */
static void thrashing_flagged_only_when_working_sets_exceed_ram(void **state)
{
	struct vmsim_system *sys;
	struct vmsim_sched_result res;
	uint64_t ssd;
	(void)state;

	assert_ok(vmsim_device_preset("ssd", &ssd));
	run_n(4, ssd, &sys, &res);
	assert_int_equal(res.wss_total_pages, 4 * 128);
	assert_true(res.frames_available > 1000);
	assert_int_equal(res.faults_major, 0);
	assert_int_equal(res.swap_outs, 0);
	assert_int_equal(res.refaults, 0);
	assert_true(res.paging_share == 0.0);
	assert_false(res.thrashing);
	/* the kernel's sampler agrees there is no thrashing; its windows are
	 * 10000 accesses of the whole system, in which a process in a 100 ms
	 * I/O burst touches nothing, so it sees at most the same pages */
	assert_false(res.kernel_thrashing);
	assert_true(res.kernel_wss_total > 0 && res.kernel_wss_total <= 4 * 128 * 4096);
	for (unsigned i = 0; i < 4; i++) {
		struct vmsim_proc_stats ps;
		assert_int_equal(res.procs[i].wss_pages, 128);
		assert_ok(vmsim_proc_stats(sys, res.procs[i].pid, &ps));
		assert_true(ps.wss <= 128 * 4096);
	}
	assert_true(res.utilisation > 0.55);
	vmsim_sched_result_release(&res);
	check_and_free(sys);

	run_n(12, ssd, &sys, &res);
	printf("12 processes: util %.1f%% faults/s %.0f refaults/s %.0f swap in %llu out %llu "
	       "wss %llu > %llu frames, paging share %.2f\n",
	       100 * res.utilisation, res.faults_per_second, res.refaults_per_second,
	       (unsigned long long)res.swap_ins, (unsigned long long)res.swap_outs,
	       (unsigned long long)res.wss_total_pages, (unsigned long long)res.frames_available,
	       res.paging_share);
	assert_int_equal(res.wss_total_pages, 12 * 128);
	assert_true(res.wss_total_pages > res.frames_available);
	assert_true(res.faults_major > 5000);
	assert_int_equal(res.swap_ins, res.faults_major);
	assert_true(res.refaults > res.faults_major / 2);
	assert_true(res.paging_share > 0.5);
	assert_true(res.utilisation < 0.5);
	assert_true(res.thrashing);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

/*
 * The same 12 processes with the hdd preset: the device serves at most 100
 * reads a second, so the clock hand hardly moves; whoever holds its pages
 * keeps running, and the others wait on the disk. The numbers that show it:
 * the fault rate pinned at the device's rate, each fault waiting a queue of
 * 10 ms reads, a process that made almost no progress, and the processes
 * together waiting on the disk longer than they ran (flagged), although
 * the CPU may stay busy with the lucky ones.
 */
static void thrashing_on_hdd_is_capped_by_the_disk(void **state)
{
	struct vmsim_system *sys;
	struct vmsim_sched_result res;
	uint64_t hdd;
	(void)state;

	assert_ok(vmsim_device_preset("hdd", &hdd));
	run_n(12, hdd, &sys, &res);
	assert_true(res.faults_per_second <= 100.0 + 12 / res.wall_seconds);
	assert_true(res.faults_per_second > 50.0);
	assert_true(res.dev.busy > 0.95);
	assert_true(res.dev.mean_response_ns > 10 * 10000000.0 / 2);
	uint64_t least = UINT64_MAX;
	for (unsigned i = 0; i < res.nprocs; i++)
		if (res.procs[i].accesses < least)
			least = res.procs[i].accesses;
	assert_true(least * res.nprocs < res.accesses / 100);
	assert_true(res.paging_share > 0.25);
	assert_true(res.thrashing);
	vmsim_sched_result_release(&res);
	check_and_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(thrashing_curve_rises_peaks_near_m_over_w_and_collapses),
	    cmocka_unit_test(thrashing_curve_with_fifo_collapses_the_same_way),
	    cmocka_unit_test(thrashing_curve_is_deterministic),
	    cmocka_unit_test(thrashing_curve_rejects_bad_configurations),
	    cmocka_unit_test(curve_check_names_the_bad_combination),
	    cmocka_unit_test(thrashing_curve_times_follow_the_sizes),
	    cmocka_unit_test(thrashing_flagged_only_when_working_sets_exceed_ram),
	    cmocka_unit_test(thrashing_on_hdd_is_capped_by_the_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
