/*
 * Plots: with gnuplot installed, the PNG and SVG files of a time series,
 * of miss-ratio curves, of the thrashing curve and of TLB reach exist and are real images; without
 * it (or with VMSIM_GNUPLOT naming a program that is not there) the functions say so and return
 * VMSIM_ENOTSUP. Cases needing gnuplot are skipped, with a message, where it is absent.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/plot.h"
#include "report/report_csv.h"
#include "report/series.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vmsim-plot-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	if (!getenv("VMSIM_KEEP_PLOTS")) { /* set it to look at the images */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		return system(cmd) == 0 ? 0 : -1;
	}
	fprintf(stderr, "plots kept in %s\n", tmpdir);
	return 0;
}

static void need_gnuplot(void)
{
	char why[512];
	if (!plot_available(why, sizeof(why))) {
		print_message("skipped: %s\n", why);
		skip();
	}
}

/* @path exists and starts with @magic. */
static void assert_file_starts_with(const char *dir, const char *name, const char *magic)
{
	char path[256], head[16] = "";
	struct stat sb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &sb) != 0)
		fail_msg("%s was not written", path);
	assert_true(sb.st_size > 1000);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_true(fread(head, 1, strlen(magic), f) == strlen(magic));
	fclose(f);
	if (memcmp(head, magic, strlen(magic)) != 0)
		fail_msg("%s does not start with the expected signature", path);
}

/* A CSV of a run with memory pressure and two processes: 24 MiB of RAM,
 * one process sweeping 8 MiB, a second one joining with 20 MiB. */
static void write_series_csv(const char *path)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct series *s = series_new();
	struct run_hooks h = series_hooks(s, 500);
	uint64_t count = 0;
	vaddr_t a, b;
	int p1, p2;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 24ULL << 20;
	cfg.swap_bytes = 64ULL << 20;
	cfg.wss_window = 1000;
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_ok(vmsim_process_create(sys, &p1));
	assert_ok(vmsim_mmap(sys, p1, 0, 8 << 20, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a));
	assert_ok(vmsim_process_create(sys, &p2));
	assert_ok(vmsim_mmap(sys, p2, 0, 20 << 20, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &b));
	for (uint64_t i = 0; i < 20000; i++) {
		bool second = i >= 8000 && i % 2;
		int pid = second ? p2 : p1;
		vaddr_t va = second ? b + (i * 4096) % (20 << 20) : a + (i * 4096) % (8 << 20);
		assert_ok(vmsim_access(sys, pid, va, 8, VMSIM_WRITE, NULL));
		if (++count % h.every == 0)
			h.tick(h.ctx, sys, count, 0);
	}
	h.tick(h.ctx, sys, count, 1);
	assert_ok(report_csv_write_path(path, s, NULL));
	series_free(s);
	vmsim_system_free(sys);
}

static void plot_series_writes_png_and_svg_files(void **state)
{
	char csv[128], dir[128];
	char why[512] = "";
	(void)state;

	need_gnuplot();
	snprintf(csv, sizeof(csv), "%s/run.csv", tmpdir);
	snprintf(dir, sizeof(dir), "%s/plots", tmpdir); /* created by plot_series */
	write_series_csv(csv);
	if (plot_series(csv, dir, why, sizeof(why)) != 0)
		fail_msg("plot_series: %s", why);
	assert_file_starts_with(dir, "faults_rss.png", "\x89PNG");
	assert_file_starts_with(dir, "tlb_miss_ratio.png", "\x89PNG");
	assert_file_starts_with(dir, "working_set.png", "\x89PNG");
	assert_file_starts_with(dir, "faults_rss.svg", "<?xml");
	assert_file_starts_with(dir, "tlb_miss_ratio.svg", "<?xml");
	assert_file_starts_with(dir, "working_set.svg", "<?xml");
	assert_file_starts_with(dir, "series.gp", "# vmsim");
}

static void plot_mrc_writes_one_line_per_policy(void **state)
{
	static const char *const policy[] = {"fifo", "lru", "opt"};
	static const uint64_t frames[] = {1, 2, 3, 4, 5, 6};
	/* misses of the 12-reference string 1 2 3 4 1 2 5 1 2 3 4 5 */
	static const uint64_t misses[] = {12, 12, 9, 10, 5, 5, 12, 12, 10,
					  8,  5,  5, 12, 9, 7, 6,  5,  5};
	struct plot_mrc m = {
	    "Belady's string: FIFO, LRU, OPT", 3, policy, 6, frames, misses, 12, false};
	char why[512] = "";
	(void)state;

	need_gnuplot();
	if (plot_mrc(&m, tmpdir, "mrc", why, sizeof(why)) != 0)
		fail_msg("plot_mrc: %s", why);
	assert_file_starts_with(tmpdir, "mrc.png", "\x89PNG");
	assert_file_starts_with(tmpdir, "mrc.svg", "<?xml");
	m.npolicies = 0;
	assert_int_equal(plot_mrc(&m, tmpdir, "empty", why, sizeof(why)), VMSIM_EINVAL);
	m.npolicies = 3;
	assert_int_equal(plot_mrc(&m, tmpdir, "../escape", why, sizeof(why)), VMSIM_EINVAL);
}

static void plot_series_rejects_a_csv_that_is_not_a_series(void **state)
{
	char csv[128], dir[128], why[512] = "";
	FILE *f;
	(void)state;

	need_gnuplot();
	snprintf(csv, sizeof(csv), "%s/other.csv", tmpdir);
	snprintf(dir, sizeof(dir), "%s/none", tmpdir);
	f = fopen(csv, "w");
	fputs("a,b\n1,2\n", f);
	fclose(f);
	assert_int_equal(plot_series(csv, dir, why, sizeof(why)), VMSIM_EPARSE);
	assert_non_null(strstr(why, "not a vmsim time series"));
	assert_int_equal(access(dir, F_OK), -1); /* nothing created */
}

/* @dir/@name holds @text. */
static void assert_file_contains(const char *dir, const char *name, const char *text)
{
	char path[256], buf[16384];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s was not written", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, text))
		fail_msg("%s does not contain '%s'", path, text);
}

static void plot_thrash_draws_utilisation_faults_and_the_fit_line(void **state)
{
	/* a curve that rises to N = 4 (N*W = M) and collapses after it */
	static const struct plot_thrash_point pts[] = {
	    {1, 0.18, 0, false},   {2, 0.35, 0, false},	  {3, 0.50, 0, false},
	    {4, 0.80, 900, false}, {5, 0.40, 6000, true}, {6, 0.12, 9800, true},
	};
	struct plot_thrash t = {NULL, "M = 512 frames, W = 128 pages", 6, pts, 4.0, false};
	char why[512] = "";
	(void)state;

	need_gnuplot();
	if (plot_thrash(&t, tmpdir, "thrash", why, sizeof(why)) != 0)
		fail_msg("plot_thrash: %s", why);
	assert_file_starts_with(tmpdir, "thrash.png", "\x89PNG");
	assert_file_starts_with(tmpdir, "thrash.svg", "<?xml");
	assert_file_contains(tmpdir, "thrash.gp",
			     "Thrashing: CPU utilisation against multiprogramming");
	assert_file_contains(tmpdir, "thrash.gp", "M = 512 frames, W = 128 pages");
	assert_file_contains(tmpdir, "thrash.gp", "degree of multiprogramming N (processes)");
	assert_file_contains(tmpdir, "thrash.gp", "CPU utilisation (%)");
	assert_file_contains(tmpdir, "thrash.gp", "major page faults per second");
	assert_file_contains(tmpdir, "thrash.gp", "N*W = M (N = 4.0)");
	assert_file_contains(tmpdir, "thrash.gp", "6 12.0000 9800.000 1"); /* last point */
	t.npoints = 0;
	assert_int_equal(plot_thrash(&t, tmpdir, "empty", why, sizeof(why)), VMSIM_EINVAL);
}

static void plot_reach_draws_one_line_per_level_and_page_size(void **state)
{
	struct plot_reach r = {.cpu = "CPU preset: test", .nlevels = 2, .wss = 12ULL << 20};
	char why[512] = "";
	(void)state;

	r.level[0].name = "L1 dTLB";
	r.level[0].entries[0] = 64; /* 4 KiB: 256 KiB */
	r.level[0].entries[1] = 32; /* 2 MiB: 64 MiB */
	r.level[1].name = "L2 TLB";
	r.level[1].entries[0] = 1536; /* 6 MiB */
	r.level[1].entries[2] = 16;   /* 1 GiB: 16 GiB */
	need_gnuplot();
	if (plot_reach(&r, tmpdir, "reach", why, sizeof(why)) != 0)
		fail_msg("plot_reach: %s", why);
	assert_file_starts_with(tmpdir, "reach.png", "\x89PNG");
	assert_file_starts_with(tmpdir, "reach.svg", "<?xml");
	assert_file_contains(tmpdir, "reach.gp", "TLB reach against working-set size");
	assert_file_contains(tmpdir, "reach.gp", "working-set size (bytes, log scale)");
	assert_file_contains(tmpdir, "reach.gp", "set logscale x 2");
	assert_file_contains(tmpdir, "reach.gp", "L1 dTLB 4 KiB: 64 x 4 KiB = 256 KiB");
	assert_file_contains(tmpdir, "reach.gp", "L1 dTLB 2 MiB: 32 x 2 MiB = 64 MiB");
	assert_file_contains(tmpdir, "reach.gp", "L2 TLB 4 KiB: 1536 x 4 KiB = 6 MiB");
	assert_file_contains(tmpdir, "reach.gp", "L2 TLB 1 GiB: 16 x 1 GiB = 16 GiB");
	assert_file_contains(tmpdir, "reach.gp", "this run: working set = 12 MiB");
	memset(r.level, 0, sizeof(r.level));
	assert_int_equal(plot_reach(&r, tmpdir, "empty", why, sizeof(why)), VMSIM_EINVAL);
}

static void plot_reach_run_uses_the_machine_tlbs_and_its_rss(void **state)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	char why[512] = "";
	vaddr_t a;
	int pid;
	(void)state;

	need_gnuplot();
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 16ULL << 20;
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 1 << 20, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a));
	for (vaddr_t va = a; va < a + (1 << 20); va += 4096) /* 256 pages: 1 MiB */
		assert_ok(vmsim_access(sys, pid, va, 8, VMSIM_WRITE, NULL));
	if (plot_reach_run(sys, tmpdir, why, sizeof(why)) != 0)
		fail_msg("plot_reach_run: %s", why);
	vmsim_system_free(sys);
	assert_file_starts_with(tmpdir, "tlb_reach.png", "\x89PNG");
	assert_file_starts_with(tmpdir, "tlb_reach.svg", "<?xml");
	assert_file_contains(tmpdir, "tlb_reach.gp", "L1 dTLB 4 KiB");
	assert_file_contains(tmpdir, "tlb_reach.gp", "L2 TLB 4 KiB");
	assert_file_contains(tmpdir, "tlb_reach.gp",
			     "this run: RSS (working set not sampled) = 1 MiB");
}

static void missing_gnuplot_is_reported_not_fatal(void **state)
{
	static const char *const policy[] = {"lru"};
	static const uint64_t frames[] = {1}, misses[] = {1};
	struct plot_mrc m = {NULL, 1, policy, 1, frames, misses, 0, false};
	char why[512] = "";
	char *old = getenv("VMSIM_GNUPLOT") ? strdup(getenv("VMSIM_GNUPLOT")) : NULL;
	(void)state;

	setenv("VMSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
	assert_false(plot_available(why, sizeof(why)));
	assert_non_null(strstr(why, "install gnuplot-nox"));
	assert_int_equal(plot_series("/dev/null", tmpdir, why, sizeof(why)), VMSIM_ENOTSUP);
	assert_int_equal(plot_mrc(&m, tmpdir, "x", why, sizeof(why)), VMSIM_ENOTSUP);
	{
		static const struct plot_thrash_point p[] = {{1, 0.5, 0, false}};
		struct plot_thrash t = {NULL, NULL, 1, p, 0, false};
		struct plot_reach r = {.nlevels = 1, .level = {{"L1 dTLB", {64, 0, 0}}}};
		assert_int_equal(plot_thrash(&t, tmpdir, "x", why, sizeof(why)), VMSIM_ENOTSUP);
		assert_int_equal(plot_reach(&r, tmpdir, "x", why, sizeof(why)), VMSIM_ENOTSUP);
	}
	if (old) {
		setenv("VMSIM_GNUPLOT", old, 1);
		free(old);
	} else {
		unsetenv("VMSIM_GNUPLOT");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(plot_series_writes_png_and_svg_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(plot_mrc_writes_one_line_per_policy, setup, teardown),
	    cmocka_unit_test_setup_teardown(plot_series_rejects_a_csv_that_is_not_a_series, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(plot_thrash_draws_utilisation_faults_and_the_fit_line,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(plot_reach_draws_one_line_per_level_and_page_size,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(plot_reach_run_uses_the_machine_tlbs_and_its_rss, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(missing_gnuplot_is_reported_not_fatal, setup, teardown),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
