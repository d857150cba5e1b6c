/*
 * vmsim thrash: the classic thrashing curve. N = 1..NMAX identical
 * processes, each working on W pages, share one CPU and one paging device
 * on a machine of M frames; for each N it prints CPU utilisation, the
 * major-fault rate, how busy the paging device was, how far the slowest
 * process got, and whether the run was thrashing.
 *
 *	vmsim thrash [--frames M] [--wss W] [--nmax N] [--device nvme|ssd|hdd]
 *	             [--duration MS] [--io-every B] [--io-ms D] [--compute CYCLES]
 *	             [--csv] [--plot DIR [--log-x]] [machine options]
 *
 * The machine options are those of run (one per row of the settings
 * table, src/cli/machine.c) except the RAM (M: --frames), the swap (room
 * for every page) and the working-set window, which the curve sets.
 *
 * The simulation is vmsim_thrashing_curve (src/workload/sched.c); this file reads
 * the options and lays out the table; --plot draws the curve through
 * src/report/plot.c.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outputs.h"
#include "report/plot.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/sched.h"

#define NAME "thrash"

#define USAGE                                                                                      \
	"usage: vmsim thrash [--frames M] [--wss W] [--nmax N] [--device nvme|ssd|hdd]\n"          \
	"                    [--duration MS] [--io-every B] [--io-ms D] [--compute CYCLES]\n"      \
	"                    [--csv] [--quiet] [--plot DIR [--log-x]] [machine options:\n"         \
	"                    --policy NAME, --seed S, --major-fault TIME, --cpu NAME, ...]\n"

static const char help_text[] =
    "\n"
    "CPU utilisation against the degree of multiprogramming: for N = 1..NMAX, a\n"
    "fresh machine of M frames runs N identical processes, each using W pages at\n"
    "random and doing I/O now and then, round-robin on one CPU. A major fault\n"
    "blocks its process until the one paging device, serving one read at a time,\n"
    "has read the page back. Utilisation rises with N until N*W nears M, then\n"
    "collapses: the working sets no longer fit and every process waits on the\n"
    "device.\n"
    "\n"
    "  --frames M        RAM in 4 KiB frames (default 1024, 64 to 4194304)\n"
    "  --wss W           pages each process works on (default 128, at most 4194304)\n"
    "  --nmax N          largest number of processes (default 16, at most 256);\n"
    "                    NMAX*W at most 16777216 pages, and the NMAX processes'\n"
    "                    page tables at most half of the M frames\n"
    "  --device NAME     paging device: nvme (20 us a read), ssd (100 us, the\n"
    "                    default) or hdd (10 ms); the same as --major-fault NAME\n"
    "  --duration MS     simulated milliseconds measured per N, after a warm-up\n"
    "                    of a fifth of that (default: from the sizes, per N: four\n"
    "                    rounds of every process's time slice and 2000 device\n"
    "                    reads, at least 1000; the warm-up two rounds and the\n"
    "                    first touch of the N*W pages, at least a fifth). A point\n"
    "                    given less than two rounds or 1000 reads is marked\n"
    "                    under-measured\n"
    "  --io-every B      accesses between I/O bursts, on average (default 4000;\n"
    "                    0: no I/O)\n"
    "  --io-ms D         length of an I/O burst in ms (default 100)\n"
    "  --compute CYCLES  CPU work per access at 3 GHz (default 15000: 5 us)\n"
    "  --csv             print comma-separated values instead of the table\n"
    "  --quiet           no progress bar (it is shown on a terminal only)\n"
    "  --plot DIR        also draw the curve into DIR/thrash.png and DIR/thrash.svg\n"
    "                    (needs gnuplot)\n"
    "  --log-x           N on a log-2 axis in the --plot (one tic per N only up to\n"
    "                    32 processes, gnuplot's own tics beyond)\n"
    "\n"
    "Columns: N*W/M is the memory asked for over RAM; faults/s are major faults\n"
    "per simulated second; 'slowest' is the accesses of the slowest process over\n"
    "the mean (1.00: all progressed alike); 'paging wait' is the share of the\n"
    "processes' time spent waiting for the paging device. A run is thrashing when\n"
    "the working sets (distinct pages per 10000 accesses of a process) add up to\n"
    "more than the frames user pages can have and the processes waited for\n"
    "paging longer than they ran.\n";

static int usage_fail(void)
{
	fputs(USAGE, stderr);
	return CLI_EXIT_USAGE;
}

/* Parse @s as a number in [@lo, @hi] for option @opt; 0 or CLI_EXIT_USAGE. */
static int parse_num(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	struct cli_error err;
	uint64_t v;

	if (cli_parse_u64(opt, s, &v, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (v < lo || v > hi) {
		cli_error(NAME, "%s '%s': expected a number from %" PRIu64 " to %" PRIu64, opt, s,
			  lo, hi);
		return CLI_EXIT_USAGE;
	}
	*out = v;
	return 0;
}

static const char *device_name(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000)
		snprintf(buf, len, "%.3g ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3g us", (double)ns / 1e3);
	return buf;
}

/* "0.2 s" or "0.2-2.56 s": the range of the points' warm-ups (@warmup) or
 * measured times, into @buf. */
static const char *range_text(const struct vmsim_curve_point *p, unsigned n, bool warmup, char *buf,
			      size_t len)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t v = warmup ? p[i].warmup_ns : p[i].duration_ns;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	if (lo == hi)
		snprintf(buf, len, "%.3g s", lo * 1e-9);
	else
		snprintf(buf, len, "%.3g-%.3g s", lo * 1e-9, hi * 1e-9);
	return buf;
}

/* "0.2-0.32 s warm-up, 1 s measured" into @buf. */
static const char *times_text(const struct vmsim_curve_cfg *cfg, const struct vmsim_curve_point *p,
			      char *buf, size_t len)
{
	char w[40], d[40];

	snprintf(buf, len, "%s warm-up, %s measured", range_text(p, cfg->nmax, true, w, sizeof(w)),
		 range_text(p, cfg->nmax, false, d, sizeof(d)));
	return buf;
}

/* The points measured over less time than their sizes need, on stderr. */
static void say_under_measured(const struct vmsim_curve_cfg *cfg, const struct vmsim_curve_point *p)
{
	unsigned first = 0, count = 0;

	for (unsigned i = 0; i < cfg->nmax; i++)
		if (p[i].under_measured && !count++)
			first = p[i].n;
	if (count)
		cli_error(NAME,
			  "note: %u of the %u points (from N = %u) are under-measured: --duration "
			  "is shorter than two rounds of time slices or 1000 paging-device reads, "
			  "so some processes barely ran; leave --duration out to take the times "
			  "from the sizes",
			  count, cfg->nmax, first);
}

static void print_table(const struct vmsim_curve_cfg *cfg, const char *device, uint64_t fault_ns,
			const struct vmsim_curve_point *p)
{
	char lat[32], times[96];
	unsigned peak = 0;

	times_text(cfg, p, times, sizeof(times));

	printf("%" PRIu64 " frames (%" PRIu64 " KiB), W = %" PRIu64
	       " pages per process, policy %s, device %s (%s a read)\n",
	       cfg->frames, cfg->frames * 4, cfg->proc.pages, cfg->policy, device,
	       device_name(fault_ns, lat, sizeof(lat)));
	printf("each process: %.3g us of CPU per access", (double)cfg->proc.compute / 3000.0);
	if (cfg->proc.io_every)
		printf(", %.3g ms of I/O every %" PRIu64 " accesses", (double)cfg->proc.io_ns / 1e6,
		       cfg->proc.io_every);
	printf("; %s per N, seed %" PRIu64 "\n\n", times, cfg->seed);
	printf("%4s  %6s  %9s  %9s  %13s  %11s  %7s  %11s  %s\n", "N", "N*W/M", "CPU util",
	       "faults/s", "faults/access", "device busy", "slowest", "paging wait", "thrashing");
	for (unsigned i = 0; i < cfg->nmax; i++) {
		printf("%4u  %6.2f  %8.1f%%  %9.0f  %13.4f  %10.1f%%  %7.2f  %10.1f%%  %s%s\n",
		       p[i].n, p[i].load, 100 * p[i].utilisation, p[i].faults_per_second,
		       p[i].faults_per_access, 100 * p[i].device_busy, p[i].progress_min,
		       100 * p[i].paging_share, p[i].thrashing ? "yes" : "no",
		       p[i].under_measured ? " (under-measured)" : "");
		if (p[i].utilisation > p[peak].utilisation)
			peak = i;
	}
	printf("\npeak: N = %u (N*W/M = %.2f), CPU utilisation %.1f%%\n", p[peak].n, p[peak].load,
	       100 * p[peak].utilisation);
	const struct vmsim_curve_point *last = &p[cfg->nmax - 1];
	if (last->n != p[peak].n)
		printf("at N = %u (N*W/M = %.2f): %.1f%%, %.0f major faults/s, paging device "
		       "%.1f%% busy%s\n",
		       last->n, last->load, 100 * last->utilisation, last->faults_per_second,
		       100 * last->device_busy, last->thrashing ? ", thrashing" : "");
}

static void print_csv(const struct vmsim_curve_cfg *cfg, const struct vmsim_curve_point *p)
{
	puts("n,load,utilisation,faults_per_second,faults_per_access,device_busy,"
	     "slowest,paging_wait,wss_pages,accesses,thrashing,warmup_s,measured_s,under_measured");
	for (unsigned i = 0; i < cfg->nmax; i++)
		printf("%u,%.4f,%.4f,%.1f,%.6f,%.4f,%.4f,%.4f,%" PRIu64 ",%" PRIu64
		       ",%d,%.6g,%.6g,%d\n",
		       p[i].n, p[i].load, p[i].utilisation, p[i].faults_per_second,
		       p[i].faults_per_access, p[i].device_busy, p[i].progress_min,
		       p[i].paging_share, p[i].wss_total_pages, p[i].accesses,
		       p[i].thrashing ? 1 : 0, p[i].warmup_ns * 1e-9, p[i].duration_ns * 1e-9,
		       p[i].under_measured ? 1 : 0);
}

/* --plot: utilisation and fault rate against N, N*W = M marked. */
static int plot_curve(const struct vmsim_curve_cfg *cfg, const char *device,
		      const struct vmsim_curve_point *p, const struct cli_outputs *files, bool csv,
		      bool logx)
{
	const char *dir = files->plot_dir;
	struct plot_thrash_point *pts = calloc(cfg->nmax, sizeof(*pts));
	struct plot_thrash t = {0};
	char sub[256], lat[32], why[512];
	int rc;

	if (files->plot_missing) {
		free(pts);
		return cli_outputs_plot_missing(files);
	}
	if (!pts) {
		cli_error(NAME, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (unsigned i = 0; i < cfg->nmax; i++) {
		pts[i].n = p[i].n;
		pts[i].utilisation = p[i].utilisation;
		pts[i].faults_per_second = p[i].faults_per_second;
		pts[i].thrashing = p[i].thrashing;
	}
	snprintf(sub, sizeof(sub),
		 "M = %" PRIu64 " frames (%" PRIu64 " KiB), W = %" PRIu64
		 " pages per process, policy %s, device %s (%s a read)",
		 cfg->frames, cfg->frames * 4, cfg->proc.pages, cfg->policy, device,
		 device_name(cfg->major_fault_ns, lat, sizeof(lat)));
	t.subtitle = sub;
	t.npoints = cfg->nmax;
	t.points = pts;
	t.fit_n = (double)cfg->frames / (double)cfg->proc.pages;
	t.logx = logx;
	rc = plot_thrash(&t, dir, "thrash", why, sizeof(why));
	free(pts);
	if (rc) {
		cli_error(NAME, "--plot %s: %s", dir, why);
		return CLI_EXIT_FAILURE;
	}
	/* with --csv standard output carries data: the notice goes to stderr */
	fprintf(csv ? stderr : stdout,
		"plots written to %s/: thrash.png thrash.svg (script thrash.gp)\n", dir);
	return CLI_EXIT_OK;
}

/* vmsim_curve_cfg point_done: point @n (n processes) is done. */
static void point_done(void *arg, unsigned n)
{
	progress_update(arg, (uint64_t)n * (n + 1) / 2);
}

/* The machine settings the curve sets itself: left out of the help. */
static const char *const not_machine[] = {"ram", "swap", "wss", NULL};

/* The preset name of latency @ns ("ssd"), or "custom" (--major-fault 8ms). */
static const char *device_label(uint64_t ns)
{
	uint64_t v;
	for (const char *const *n = vmsim_device_preset_names(); *n; n++)
		if (vmsim_device_preset(*n, &v) == 0 && v == ns)
			return *n;
	return "custom";
}

/* Was machine setting @key given (cli_machine list)? */
static bool machine_given(const struct cli_machine *m, const char *key)
{
	size_t n = strlen(key);
	for (unsigned i = 0; i < m->n; i++)
		if (!strncmp(m->kv[i], key, n) && m->kv[i][n] == '=')
			return true;
	return false;
}

int cmd_thrash(int argc, char **argv)
{
	const char *frames_arg = NULL, *wss_arg = NULL, *nmax_arg = NULL, *device = NULL,
		   *duration_arg = NULL, *io_every_arg = NULL, *io_ms_arg = NULL,
		   *compute_arg = NULL, *plot_dir = NULL;
	static struct cli_machine machine; /* the machine options, from the settings table */
	static struct vmsim_config mc;	   /* the machine every point starts from */
	struct vmsim_curve_cfg cfg;
	struct vmsim_curve_point *points;
	bool csv = false, logx = false, quiet = false;
	uint64_t v;
	int i, rc;

	vmsim_curve_cfg_default(&cfg);
	memset(&machine, 0, sizeof(machine));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int m;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(USAGE, stdout);
			fputs(help_text, stdout);
			fputs("\nmachine (the settings of a scenario's machine line, "
			      "docs/SCENARIOS.md; "
			      "M is --frames,\nor --ram SIZE; the swap holds every page):\n",
			      stdout);
			cli_machine_help_except(stdout, not_machine);
			return CLI_EXIT_OK;
		}
		if (strcmp(arg, "--csv") == 0) {
			csv = true;
			continue;
		}
		if (strcmp(arg, "--log-x") == 0) {
			logx = true;
			continue;
		}
		if (strcmp(arg, "--quiet") == 0) {
			quiet = true;
			continue;
		}
		if (arg[0] != '-') {
			cli_error(NAME, "unexpected argument '%s'", arg);
			return usage_fail();
		}
		m = cli_opt_value(argc, argv, &i, "--frames", &frames_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--wss", &wss_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--nmax", &nmax_arg);
		if (m == 0 && (m = cli_opt_value(argc, argv, &i, "--device", &device)) > 0) {
			if (vmsim_device_preset(device, &v) != 0) {
				cli_error(NAME, "--device '%s': expected nvme, ssd or hdd", device);
				return CLI_EXIT_USAGE;
			}
			/* the latency setting takes the device names */
			if (cli_machine_add(&machine, NAME, "major_fault", device))
				return CLI_EXIT_USAGE;
		}
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--duration", &duration_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--io-every", &io_every_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--io-ms", &io_ms_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--compute", &compute_arg);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--plot", &plot_dir);
		if (m < 0) {
			cli_error(NAME, "option '%s' needs a value", arg);
			return usage_fail();
		}
		if (m == 0 && (!strcmp(arg, "--swap") || !strncmp(arg, "--swap=", 7))) {
			cli_error(NAME,
				  "--swap: the curve gives each point swap for every page; it "
				  "is not an option here");
			return CLI_EXIT_USAGE;
		}
		if (m == 0)
			m = cli_machine_option(&machine, NAME, argc, argv, &i);
		if (m < 0)
			return CLI_EXIT_USAGE;
		if (m == 0) {
			cli_error(NAME, "unknown option '%s'", arg);
			return usage_fail();
		}
	}

	if (logx && !plot_dir) {
		cli_error(NAME, "--log-x sets the axis of --plot: give --plot DIR too");
		return CLI_EXIT_USAGE;
	}
	vmsim_config_default(&mc);
	if (cli_machine_apply(NAME, &machine, &mc))
		return CLI_EXIT_USAGE;
	if (frames_arg && machine_given(&machine, "ram")) {
		cli_error(NAME, "--frames and --ram both set M: give one of them");
		return CLI_EXIT_USAGE;
	}
	if (machine_given(&machine, "ram"))
		cfg.frames = mc.ram_bytes / VMSIM_PAGE_SIZE;
	device = device_label(mc.cost.major_fault_ns);
	cfg.machine = &mc;
	cfg.policy = mc.policy;
	cfg.major_fault_ns = mc.cost.major_fault_ns;
	cfg.seed = mc.seed;
	if (frames_arg &&
	    (rc = parse_num("--frames", frames_arg, 64, VMSIM_CURVE_MAX_FRAMES, &cfg.frames)))
		return rc;
	if (wss_arg &&
	    (rc = parse_num("--wss", wss_arg, 1, VMSIM_CURVE_MAX_PAGES, &cfg.proc.pages)))
		return rc;
	if (nmax_arg) {
		if ((rc = parse_num("--nmax", nmax_arg, 1, VMSIM_CURVE_MAX_NMAX, &v)))
			return rc;
		cfg.nmax = (unsigned)v;
	}
	if (duration_arg) {
		if ((rc = parse_num("--duration", duration_arg, 1, 3600000, &v)))
			return rc;
		cfg.duration_ns = v * 1000000;
		cfg.warmup_ns = cfg.duration_ns / 5;
	}
	if (io_every_arg &&
	    (rc = parse_num("--io-every", io_every_arg, 0, 1ULL << 40, &cfg.proc.io_every)))
		return rc;
	if (io_ms_arg) {
		if ((rc = parse_num("--io-ms", io_ms_arg, 0, 3600000, &v)))
			return rc;
		cfg.proc.io_ns = v * 1000000;
	}
	if (compute_arg) {
		if ((rc = parse_num("--compute", compute_arg, 0, 1ULL << 31, &v)))
			return rc;
		cfg.proc.compute = (uint32_t)v;
	}
	char why[320];
	if (vmsim_curve_check(&cfg, why, sizeof(why))) {
		cli_error(NAME, "%s", why);
		return CLI_EXIT_USAGE;
	}

	static struct cli_outputs files; /* --plot DIR checked before the run */
	if ((rc = cli_outputs_open(&files, NAME, NULL, NULL, plot_dir)))
		return rc;
	points = calloc(cfg.nmax, sizeof(*points));
	if (!points) {
		cli_error(NAME, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	/* N = n costs about n times N = 1: the bar counts processes simulated,
	 * 1 + 2 + ... + NMAX in all, so its ETA holds */
	static struct progress bar;
	cli_progress_init(&bar, quiet, "process runs", (uint64_t)cfg.nmax * (cfg.nmax + 1) / 2);
	progress_update(&bar, 0);
	cfg.point_done = point_done;
	cfg.point_arg = &bar;
	rc = vmsim_thrashing_curve(&cfg, points);
	progress_finish(&bar);
	if (rc == VMSIM_EINVAL) {
		cli_error(NAME,
			  "cannot build a machine of %" PRIu64 " frames with policy '%s' (it "
			  "needs the future)",
			  cfg.frames, cfg.policy);
		free(points);
		return CLI_EXIT_USAGE;
	}
	if (rc) {
		cli_error(NAME, "%s", vmsim_strerror(rc));
		free(points);
		return CLI_EXIT_FAILURE;
	}
	if (csv)
		print_csv(&cfg, points);
	else
		print_table(&cfg, device, cfg.major_fault_ns, points);
	say_under_measured(&cfg, points);
	rc = plot_dir ? plot_curve(&cfg, device, points, &files, csv, logx) : CLI_EXIT_OK;
	free(points);
	cli_outputs_abandon(&files);
	return rc;
}
