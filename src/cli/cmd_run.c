/*
 * vmsim run: run a simulation and print its report.
 *
 *	vmsim run [WHAT] [options]
 *
 * WHAT is a built-in scenario (vmsim scenarios lists them), a scenario file
 * (*.vms), a trace (lackey, ChampSim or vmsim format, compressed or not), or
 * `tour` (the MMU tour); several traces run at once as processes of one
 * machine under the CPU scheduler (--slice); or, with --record -- PROG ARGS, a program recorded
 * under Valgrind first. Without WHAT it runs the embedded default: a real
 * program's trace (a matrix multiply in two loop orders, bundled in data/)
 * and the MMU tour. Options set the machine, and ask for JSON, CSV time
 * series and plots.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "cli.h"
#include "outputs.h"
#include "report/plot.h"
#include "report/progress.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/series.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/scenario.h"
#include "workload/tour.h"
#include "workload/trace.h"

#ifndef VMSIM_DATA_DIR
#define VMSIM_DATA_DIR "data"
#endif
#ifndef VMSIM_REL_DATA_DIR
#define VMSIM_REL_DATA_DIR "../share/vmsim"
#endif

/* Where the bundled traces are: next to an installed vmsim (its own
 * directory, then VMSIM_REL_DATA_DIR), else the source tree's data/. */
static const char *data_dir(void)
{
	static char dir[4200];
	char exe[4000], probe[4300];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/%s", exe, VMSIM_REL_DATA_DIR);
			snprintf(probe, sizeof(probe), "%s/matmul-ijk.vmt", dir);
			if (access(probe, R_OK) == 0)
				return dir;
		}
	}
	return VMSIM_DATA_DIR;
}

/* What the command line asked for. */
struct run_args {
	const struct cli_sim_command *cmd; /* run or replay: names, usage, report */
	const char *what;		   /* NULL: the default */
	const char *traces[64];		   /* every WHAT given (several: traces at once) */
	unsigned ntraces;		   /* used */
	uint64_t slice;			   /* --slice: accesses per time slice of several traces */
	struct cli_machine machine;	   /* the machine options, as key=value */
	const char *json, *csv, *plot;	   /* outputs, or NULL */
	const char *record_out;		   /* --record -o FILE, or NULL (streamed only) */
	const char *gen, *gen_size;	   /* --gen PATTERN, --size SIZE, or NULL */
	char **record_argv;		   /* --record -- PROG ARGS..., or NULL */
	uint64_t every;			   /* CSV period in accesses */
	const char *maps, *format;	   /* --maps FILE, --format F of one trace, or NULL */
	const char *max_records;	   /* --max-records N of one trace, or NULL */
	uint64_t max_records_n;		   /* its value; 0: every record */
	bool smaps, quiet, check;
	struct cli_outputs *files;	   /* the outputs, opened before the run */
	const volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM: end the run */
	FILE *text;			   /* the human report: stdout, or stderr when
					      stdout carries --json - or --csv - (nowhere
					      with --quiet then) */
};

void cli_sim_options_help(FILE *f)
{
	char names[TRACE_FORMAT_NAMES_MAX];
	fputs("output:\n"
	      "  --json FILE      the report as JSON ('-': standard output)\n"
	      "  --csv FILE       a time series, one row every --every accesses\n"
	      "  --every N        sampling period of --csv (default 100000)\n"
	      "  --plot DIR       PNG and SVG plots of the time series (needs gnuplot)\n"
	      "  --smaps          per-area tables in the report\n"
	      "  --check          check every invariant at the end (vmsim_check)\n"
	      "  --quiet          no progress bar; with --json - or --csv -, no text report\n"
	      "                   either (without --quiet it goes to standard error)\n"
	      "a trace file:\n"
	      "  --maps FILE      its VMAs, in /proc/PID/maps format (else inferred: each\n"
	      "                   first touch of a 2 MiB chunk maps it read-write-execute)\n",
	      f);
	fprintf(f, "  --format F       read it as %s (default: detect)\n",
		trace_format_names(names, sizeof(names), " or "));
	fputs("  --max-records N  stop after N records\n", f);
}

/* The machine options, after the command's own. */
void cli_sim_machine_help(FILE *f)
{
	fputs("machine (the settings of a scenario's machine line, docs/SCENARIOS.md; sizes\n"
	      "take K M G T or KiB..TiB (binary) and KB MB GB TB (decimal)):\n",
	      f);
	cli_machine_help(f);
}

static void run_usage(FILE *f)
{
	char names[TRACE_FORMAT_NAMES_MAX];
	fprintf(f,
		"usage: vmsim run [WHAT] [options]\n"
		"       vmsim run TRACE1 TRACE2 ... [--slice N] [options]\n"
		"       vmsim run [options] --record [-o FILE] -- PROG [ARGS...]\n\n"
		"WHAT: a built-in scenario (see 'vmsim scenarios'), a scenario file (*.vms),\n"
		"a trace (%s format; gzip/zstd/xz), or 'tour'.\n",
		trace_format_names(names, sizeof(names), ", "));
	fputs("Without WHAT: a bundled real trace (matrix multiply, two loop orders) and\n"
	      "the MMU tour.\n\n",
	      f);
	cli_sim_options_help(f);
	fputs(
	    "generated workloads:\n"
	    "  --gen PATTERN    one process touching an area of --size bytes (default 64M)\n"
	    "                   with a generator: 'seq', 'random count=100000', 'zipf alpha=0.9',\n"
	    "                   'hotcold hot=10%', 'phases ws=8M', 'loop times=10', with an\n"
	    "                   optional kind first ('write zipf'); see docs/SCENARIOS.md\n"
	    "  --size SIZE      the area of --gen\n"
	    "several traces:\n"
	    "  TRACE1 TRACE2... replayed at once as processes of one machine, interleaved\n"
	    "                   by the CPU scheduler (round-robin; a major fault blocks)\n"
	    "  --slice N        time slice in accesses (default 100000)\n"
	    "recording:\n"
	    "  --record         run PROG under Valgrind and simulate what it records as it\n"
	    "                   runs (streamed: no trace file unless -o FILE is given)\n",
	    f);
	cli_sim_machine_help(f);
}

/* ---- outputs -------------------------------------------------------------- */

struct outputs {
	const struct run_args *a;
	struct series *series;
	struct progress progress;
	struct tick_fanout fan;
	struct run_hooks hooks;
	const char *workload;
	bool scenario;	  /* the scenario engine checked at every reset too */
	bool quiet_check; /* --check without its line (the default's summary runs) */
	int rc;
};

/* The progress bar's period: a multiple of the CSV period near 65,536, so
 * that the fan-out ticks exactly on every multiple of --every. */
static uint64_t progress_period(uint64_t every)
{
	if (!every || every >= 65536)
		return every ? every : 65536;
	return every * (65536 / every);
}

static void outputs_init(struct outputs *o, const struct run_args *a, const char *workload)
{
	memset(o, 0, sizeof(*o));
	o->a = a;
	o->workload = workload;
	tick_fanout_init(&o->fan);
	if (a->csv || (a->plot && !a->files->plot_missing)) {
		o->series = series_new();
		if (o->series) {
			struct run_hooks h = series_hooks(o->series, a->every);
			tick_fanout_add(&o->fan, &h);
		}
	}
	cli_progress_init(&o->progress, a->quiet, NULL, 0);
	struct run_hooks ph =
	    progress_hooks(&o->progress, o->series ? progress_period(a->every) : 0);
	tick_fanout_add(&o->fan, &ph);
	o->hooks = tick_fanout_hooks(&o->fan);
	o->hooks.stop = a->stop;
}

/* Draw the plots of the series (already in the CSV file, if one was
 * asked for and is a real file; else in a temporary one), their lines
 * named after @names (NULL: pids). */
static int draw_plots(struct outputs *o, struct vmsim_system *sys, const struct run_names *names)
{
	const struct run_args *a = o->a;
	char tmp[4096], why[512];
	const char *csv = a->csv;
	int rc;

	if (!csv || !strcmp(csv, "-")) {
		const char *dir = getenv("TMPDIR");
		snprintf(tmp, sizeof(tmp), "%s/vmsim-series-XXXXXX", dir && *dir ? dir : "/tmp");
		int fd = mkstemp(tmp);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			cli_error(a->cmd->name,
				  "--plot %s: cannot write the temporary time series in %s",
				  a->plot, dir && *dir ? dir : "/tmp");
			if (fd >= 0) {
				close(fd);
				remove(tmp);
			}
			return CLI_EXIT_FAILURE;
		}
		rc = report_csv_write(f, o->series, names);
		if (fclose(f) != 0 || rc) {
			cli_error(a->cmd->name,
				  "--plot %s: cannot write the temporary time series %s", a->plot,
				  tmp);
			remove(tmp);
			return CLI_EXIT_FAILURE;
		}
		csv = tmp;
	}
	rc = plot_series(csv, a->plot, why, sizeof(why));
	if (rc == 0)
		rc = plot_reach_run(sys, a->plot, why, sizeof(why));
	if (csv == tmp)
		remove(tmp);
	if (rc) {
		cli_error(a->cmd->name, "--plot %s: %s", a->plot, why);
		return CLI_EXIT_FAILURE;
	}
	fprintf(a->text, "plots written to %s/\n", a->plot);
	return 0;
}

/* What --check checked, in the words of vmsim_check's contract. */
static void say_checked(FILE *f, bool scenario)
{
	fprintf(f,
		"check: every invariant held %s: frames conserved (free + page tables + "
		"user + kernel = total), each frame's map and reference counts equal to the "
		"PTEs that map it, every present PTE inside a VMA and within its rights, no TLB "
		"or paging-structure cache entry without its PTE\n",
		scenario ? "at every reset and at the end" : "at the end of the run");
}

/* The end of a run: JSON, CSV, plots, invariants, the processes named
 * after @names (NULL: by pid only). Sets o->rc on failure. */
static void outputs_finish(struct outputs *o, struct vmsim_system *sys,
			   const struct run_names *names)
{
	const struct run_args *a = o->a;
	struct cli_outputs *files = a->files;
	progress_finish(&o->progress);
	if (a->check) {
		char why[256];
		if (vmsim_check(sys, why, sizeof(why))) {
			cli_error(a->cmd->name, "invariant broken: %s", why);
			o->rc = CLI_EXIT_FAILURE;
		} else if (!o->quiet_check) {
			say_checked(a->text, o->scenario);
		}
	}
	if (files->json) {
		struct report_json_opts jo = {.indent = 2,
					      .smaps = a->smaps,
					      .generator = "vmsim 0.1.0",
					      .workload = o->workload,
					      .interrupted = cli_interrupted() != 0,
					      .names = names};
		errno = 0;
		int rc = report_json_write(files->json, sys, &jo);
		if (cli_output_close(files, &files->json, "--json", a->json, rc))
			o->rc = CLI_EXIT_FAILURE;
	}
	if (o->series && series_error(o->series)) {
		cli_error(a->cmd->name, "time series: %s", vmsim_strerror(series_error(o->series)));
		o->rc = CLI_EXIT_FAILURE;
	}
	if (o->series && files->csv) {
		errno = 0;
		int rc = report_csv_write(files->csv, o->series, names);
		if (cli_output_close(files, &files->csv, "--csv", a->csv, rc))
			o->rc = CLI_EXIT_FAILURE;
	}
	if (o->series && a->plot && !files->plot_missing && draw_plots(o, sys, names))
		o->rc = CLI_EXIT_FAILURE;
	if (cli_outputs_plot_missing(files) && o->rc == 0)
		o->rc = CLI_EXIT_FAILURE;
}

static void outputs_release(struct outputs *o)
{
	series_free(o->series);
}

/* ---- traces ---------------------------------------------------------------- */

/* The first line of a trace's report when a signal cut the replay short. */
static void say_interrupted(FILE *out, const struct replay_stats *st)
{
	if (st->interrupted)
		fprintf(out,
			"interrupted: the run was stopped by a signal after %s accesses; the "
			"figures below are those of the partial run\n\n",
			report_count(st->accesses).s);
}

static void print_trace_report(struct vmsim_system *sys, const struct run_args *a,
			       const struct replay_stats *st)
{
	FILE *out = a->text;
	report_machine(out, vmsim_system_config(sys));
	fprintf(out, "\n");
	if (st->inferring)
		fprintf(out, "VMAs inferred from the accesses: %llu (the trace carries none)\n\n",
			(unsigned long long)st->inferred_vmas);
	if (st->recorded) {
		cli_print_replay_program(out, st);
		fprintf(out, "\n");
	}
	report_processes(out, sys, NULL);
	fprintf(out, "\n");
	report_faults(out, sys, NULL);
	fprintf(out, "\n");
	report_tlb(out, sys);
	fprintf(out, "\n");
	report_walks(out, sys);
	fprintf(out, "\n");
	report_reclaim(out, sys);
	fprintf(out, "\n");
	report_time(out, sys);
	if (a->smaps)
		for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid))
			if (vmsim_process_alive(sys, pid)) {
				fprintf(out, "\n");
				report_smaps(out, sys, pid, NULL);
			}
}

/* progress_source_fn over an open trace: its file's bytes read. */
static bool trace_progress(void *arg, uint64_t *done, uint64_t *total)
{
	return trace_position(arg, done, total);
}

/* Replay @path on a machine made from the settings. @full: the whole
 * report, else one summary line into @line. */
static int run_trace(const char *path, const struct run_args *a, bool full, char *line,
		     size_t linelen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct replay_opts ro;
	struct replay_stats st;
	struct trace_error terr;
	struct outputs out;
	int rc;

	vmsim_config_default(&cfg);
	cfg.segv_kills = false; /* a stray access is counted, the run goes on */
	if (cli_machine_apply(a->cmd->name, &a->machine, &cfg))
		return CLI_EXIT_USAGE;
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		cli_machine_error(a->cmd->name, &cfg, rc);
		return CLI_EXIT_FAILURE;
	}
	outputs_init(&out, a, path);
	out.quiet_check = !full;
	replay_opts_default(&ro);
	ro.hooks = out.hooks;
	ro.maps_path = a->maps;
	ro.format = a->format;
	ro.max_records = a->max_records_n;
	memset(&st, 0, sizeof(st));
	struct trace *t = NULL;
	rc = trace_open(&t, path, ro.format, &terr);
	if (rc == 0) {
		progress_set_source(&out.progress, trace_progress, t);
		rc = replay_trace(sys, t, &ro, &st, &terr);
	}
	if (rc) {
		progress_finish(&out.progress);
		cli_error(a->cmd->name, "%s", terr.msg[0] ? terr.msg : vmsim_strerror(rc));
		if (t)
			trace_close(t);
		outputs_release(&out);
		vmsim_system_free(sys);
		return CLI_EXIT_FAILURE;
	}
	if (full) {
		progress_finish(&out.progress); /* the bar off the line before the report */
		say_interrupted(a->text, &st);
		if (a->cmd->summary)
			a->cmd->summary(a->text, sys, trace_get_info(t), &st);
		else
			print_trace_report(sys, a, &st);
	} else {
		struct vmsim_sys_stats s;
		vmsim_sys_stats(sys, &s);
		const struct vmsim_tlb_level_stats *l1 = &s.mmu.tlb[VMSIM_TLB_L1D];
		snprintf(line, linelen, "%10.2fM %8llu %7.2f%% %9llu %9.2f %10s",
			 (double)st.accesses / 1e6, (unsigned long long)s.faults_minor,
			 l1->lookups ? 100.0 * (double)l1->misses / (double)l1->lookups : 0.0,
			 (unsigned long long)s.mmu.walk.walks,
			 s.mmu.walk.walks ? (double)s.mmu.walk.mem_refs / (double)s.mmu.walk.walks
					  : 0,
			 report_seconds(s.seconds).s);
	}
	trace_close(t);
	outputs_finish(&out, sys, NULL);
	outputs_release(&out);
	vmsim_system_free(sys);
	return out.rc;
}

/* ---- several traces at once ------------------------------------------------- */

/* Who each simulated process is: its trace's label, and the trace's own
 * pid for every process after the trace's first. */
struct trace_names {
	const char *const *label; /* per trace */
	struct {
		int pid;
		char name[48];
	} proc[256];		    /* the first 256 processes named */
	struct run_proc named[256]; /* the same, for reports */
	unsigned n;		    /* used */
	bool first_done[64];
};

static void name_born(void *arg, unsigned tag, uint32_t tpid, int pid)
{
	struct trace_names *tn = arg;
	if (tn->n == ARRAY_SIZE(tn->proc))
		return;
	tn->proc[tn->n].pid = pid;
	if (!tn->first_done[tag])
		snprintf(tn->proc[tn->n].name, sizeof(tn->proc[0].name), "%s", tn->label[tag]);
	else
		snprintf(tn->proc[tn->n].name, sizeof(tn->proc[0].name), "%s[%u]", tn->label[tag],
			 tpid);
	tn->named[tn->n] = (struct run_proc){.name = tn->proc[tn->n].name, .pid = pid};
	tn->first_done[tag] = true;
	tn->n++;
}

/* The traces' labels: their file names without directories, "#N" added
 * where two would read the same. */
static void trace_labels(const struct run_args *a, char (*buf)[40], const char **label)
{
	bool dup[ARRAY_SIZE(a->traces)] = {false};
	for (unsigned i = 0; i < a->ntraces; i++) {
		const char *slash = strrchr(a->traces[i], '/');
		snprintf(buf[i], sizeof(buf[0]), "%.30s", slash ? slash + 1 : a->traces[i]);
	}
	for (unsigned i = 0; i < a->ntraces; i++)
		for (unsigned j = 0; j < a->ntraces; j++)
			dup[i] |= j != i && !strcmp(buf[i], buf[j]);
	for (unsigned i = 0; i < a->ntraces; i++) {
		if (dup[i])
			snprintf(buf[i] + strlen(buf[i]), 10, "#%u", (i + 1) % 100);
		label[i] = buf[i];
	}
}

static int run_many(const struct run_args *a)
{
	static struct trace_names tn;
	static char labels[64][40];
	const char *label[64];
	struct replay_many_trace per[64];
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	struct replay_opts ro;
	struct trace_error terr;
	struct outputs out;
	int rc;

	vmsim_config_default(&cfg);
	cfg.segv_kills = false;
	if (cli_machine_apply(a->cmd->name, &a->machine, &cfg))
		return CLI_EXIT_USAGE;
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		cli_machine_error(a->cmd->name, &cfg, rc);
		return CLI_EXIT_FAILURE;
	}
	memset(&tn, 0, sizeof(tn));
	trace_labels(a, labels, label);
	tn.label = label;
	replay_opts_default(&ro);
	ro.hooks.stop = a->stop;
	ro.born = name_born;
	ro.born_arg = &tn;
	vmsim_sched_cfg_default(&sc);
	sc.quantum = a->slice;
	sc.duration_ns = 0; /* every trace to its end */
	sc.warmup_ns = 0;
	outputs_init(&out, a, a->traces[0]);
	rc = replay_many(sys, a->traces, a->ntraces, &ro, &sc, &res, per, &terr);
	progress_finish(&out.progress);
	if (rc) {
		cli_error(a->cmd->name, "%s", terr.msg[0] ? terr.msg : vmsim_strerror(rc));
		outputs_release(&out);
		vmsim_system_free(sys);
		return CLI_EXIT_FAILURE;
	}
	struct run_names names = {tn.named, tn.n};
	report_machine(a->text, vmsim_system_config(sys));
	fprintf(a->text,
		"\n%u traces at once: round-robin slices of %s accesses, a major fault blocks "
		"its trace\n",
		a->ntraces, report_count(a->slice).s);
	fprintf(a->text, "%-18s %6s %10s %10s %10s %10s %6s  %s\n", "trace", "procs", "accesses",
		"cpu", "paging", "waiting", "events", "vmas");
	double ghz = vmsim_system_config(sys)->cost.ghz;
	for (unsigned i = 0; i < a->ntraces; i++) {
		const struct replay_stats *st = &per[i].stats;
		const struct vmsim_sched_proc_result *p = &per[i].sched;
		char vmas[64];
		if (st->inferring)
			snprintf(vmas, sizeof(vmas), "%llu inferred",
				 (unsigned long long)st->inferred_vmas);
		else
			snprintf(vmas, sizeof(vmas), "from the trace");
		fprintf(a->text, "%-18s %6llu %10s %10s %10s %10s %6s  %s\n", label[i],
			(unsigned long long)st->processes, report_count(st->accesses).s,
			report_seconds((double)p->cpu_cycles / (ghz * 1e9)).s,
			report_seconds((double)p->paging_cycles / (ghz * 1e9)).s,
			report_seconds((double)p->ready_cycles / (ghz * 1e9)).s,
			report_count(st->events).s, vmas);
	}
	fprintf(a->text,
		"%-18s wall %s, CPU busy %s, %s major faults, paging device busy %s, %s context "
		"switches\n\n",
		"scheduler", report_seconds(res.wall_seconds).s, report_ratio(res.utilisation).s,
		report_count(res.faults_major).s, report_ratio(res.dev.busy).s,
		report_count(res.context_switches).s);
	report_processes(a->text, sys, &names);
	fprintf(a->text, "\n");
	report_faults(a->text, sys, &names);
	fprintf(a->text, "\n");
	report_tlb(a->text, sys);
	fprintf(a->text, "\n");
	report_walks(a->text, sys);
	fprintf(a->text, "\n");
	report_reclaim(a->text, sys);
	fprintf(a->text, "\n");
	report_time(a->text, sys);
	if (a->smaps)
		for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid))
			if (vmsim_process_alive(sys, pid)) {
				fprintf(a->text, "\n");
				report_smaps(a->text, sys, pid, &names);
			}
	vmsim_sched_result_release(&res);
	outputs_finish(&out, sys, &names);
	outputs_release(&out);
	vmsim_system_free(sys);
	return out.rc;
}

/* ---- scenarios -------------------------------------------------------------- */

static void scenario_end(void *ctx, struct vmsim_system *sys, const struct run_names *names)
{
	struct outputs *o = ctx;
	progress_clear(&o->progress); /* what follows starts on a clean line */
	if (cli_interrupted()) {
		/* the script's own reports may not have run: the machine as it is */
		FILE *out = o->a->text;
		fprintf(out, "\ninterrupted: the run was stopped by a signal; the machine as it is "
			     "now:\n\n");
		report_processes(out, sys, names);
		fprintf(out, "\n");
		report_faults(out, sys, names);
		fprintf(out, "\n");
		report_tlb(out, sys);
		fprintf(out, "\n");
		report_time(out, sys);
	}
	outputs_finish(o, sys, names);
}

static int run_scenario(const char *what, bool builtin, const struct run_args *a)
{
	struct scenario_result res;
	struct outputs out;
	outputs_init(&out, a, what);
	out.scenario = true;
	FILE *text = cli_progress_guard(&out.progress, a->text);
	struct scenario_opts so = {
	    .out = text ? text : a->text,
	    .machine = a->machine.kv,
	    .hooks = &out.hooks,
	    .check = a->check,
	    .at_end = scenario_end,
	    .ctx = &out,
	};
	int rc =
	    builtin ? scenario_run_builtin(what, &so, &res) : scenario_run_file(what, &so, &res);
	if (text)
		fclose(text);
	outputs_release(&out);
	if (rc == VMSIM_EPARSE)
		return CLI_EXIT_USAGE;
	if (rc)
		return CLI_EXIT_FAILURE;
	if (res.expects)
		fprintf(a->text, "\n%s: %u checks, %u failed%s\n", what, res.expects, res.failed,
			res.interrupted ? " (interrupted: the rest did not run)" : "");
	return out.rc;
}

/* ---- the default -------------------------------------------------------------- */

static int run_tour(const struct run_args *a)
{
	struct vmsim_config cfg;
	vmsim_config_default(&cfg);
	if (cli_machine_apply(a->cmd->name, &a->machine, &cfg))
		return CLI_EXIT_USAGE;
	int rc = tour_run(a->text, &cfg.mmu);
	if (rc) {
		cli_error(a->cmd->name, "%s", vmsim_strerror(rc));
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

static int run_default(const struct run_args *a)
{
	static const char *const traces[] = {"matmul-ijk", "matmul-ikj"};
	static const char *const what[] = {"i-j-k: inner loop down a column of B",
					   "i-k-j: inner loop along rows"};
	char path[4300], line[160];
	const char *data = data_dir();
	int rc;

	fprintf(a->text,
		"vmsim run: the built-in default ('vmsim run --help' for other workloads)\n\n");
	fprintf(a->text,
		"A. A real program: C = A x B (8x128 by 128x512 doubles, data/README.md),\n"
		"   recorded with 'vmsim record' (Valgrind lackey) and replayed through the\n"
		"   simulated machine twice: the same arithmetic in two loop orders. The full\n"
		"   report of the first, then both side by side.\n\n");
	snprintf(path, sizeof(path), "%s/%s.vmt", data, traces[0]);
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fprintf(a->text, "   (the bundled traces are not at %s; skipped)\n\n", data);
	} else {
		if ((rc = run_trace(path, a, true, NULL, 0)))
			return rc;
		fprintf(a->text, "\n   %-44s %10s %8s %8s %9s %9s %10s\n", "loop order", "accesses",
			"faults", "L1D miss", "walks", "refs/walk", "est. time");
		for (unsigned i = 0; i < ARRAY_SIZE(traces); i++) {
			snprintf(path, sizeof(path), "%s/%s.vmt", data, traces[i]);
			if ((rc = run_trace(path, a, false, line, sizeof(line))))
				return rc;
			fprintf(a->text, "   %-44s %s\n", what[i], line);
		}
		fprintf(a->text, "\n");
	}
	fprintf(a->text, "B. ");
	return run_tour(a);
}

/* ---- generated workloads ----------------------------------------------------------- */

/* --gen: a one-process scenario written on the fly, so that the generators
 * and the reports are the scenario engine's own. */
static int run_generated(const struct run_args *a)
{
	char text[1024];
	if (strchr(a->gen, '\n') || (a->gen_size && strpbrk(a->gen_size, " \t\n"))) {
		cli_error(a->cmd->name, "--gen and --size take one line each");
		return CLI_EXIT_USAGE;
	}
	snprintf(text, sizeof(text),
		 "title generated: %s over %s\n"
		 "process P\n"
		 "mmap P work %s\n"
		 "touch P work %s\n"
		 "show processes\nshow faults\nshow tlb\nshow walks\nshow reclaim\nshow time\n",
		 a->gen, a->gen_size ? a->gen_size : "64M", a->gen_size ? a->gen_size : "64M",
		 a->gen);
	struct scenario_result res;
	struct outputs out;
	outputs_init(&out, a, a->gen);
	struct scenario_opts so = {
	    .out = a->text,
	    .machine = a->machine.kv,
	    .hooks = &out.hooks,
	    .check = a->check,
	    .at_end = scenario_end,
	    .ctx = &out,
	};
	int rc = scenario_run_text("--gen", text, NULL, &so, &res);
	outputs_release(&out);
	if (rc == VMSIM_EPARSE)
		return CLI_EXIT_USAGE;
	return rc ? CLI_EXIT_FAILURE : out.rc;
}

/* ---- recording ------------------------------------------------------------------ */

/* `run --record` records like `vmsim record`: vmsim's own tool, lackey
 * when it was not built. */
#define RUN_RECORD_TOOL TRACE_TOOL_AUTO

/* Record the program and simulate it at once: the recording streams
 * through a pipe into the replay (and into -o FILE if given), so no trace
 * file is needed and the simulation keeps pace with the program. */
static int run_recorded(const struct run_args *a)
{
	struct trace_record_opts ro = {
	    .out_path = a->record_out, .zstd_level = 3, .tool = RUN_RECORD_TOOL};
	struct trace_recording *rec;
	struct trace_record_result res;
	struct trace_error err;
	char path[32];
	int fd, rc, frc;

	if ((rc = trace_record_start(a->record_argv, &ro, &rec, &fd, &err))) {
		cli_error(a->cmd->name, "--record: %s", err.msg[0] ? err.msg : vmsim_strerror(rc));
		return CLI_EXIT_FAILURE;
	}
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	rc = run_trace(path, a, true, NULL, 0);
	close(fd); /* a replay that stopped early stops the recording */
	frc = trace_record_finish(rec, &res, &err);
	if (frc && rc == CLI_EXIT_OK) {
		cli_error(a->cmd->name, "--record: %s", err.msg[0] ? err.msg : vmsim_strerror(frc));
		return CLI_EXIT_FAILURE;
	}
	if (!frc) {
		fprintf(a->text, "\nrecorded %s: %llu records", a->record_argv[0],
			(unsigned long long)res.records);
		if (res.term_signal)
			fprintf(a->text, " (killed by signal %d)", res.term_signal);
		else
			fprintf(a->text, " (exit status %d)", res.exit_status);
		fprintf(a->text, "%s%s\n", a->record_out ? " into " : "",
			a->record_out ? a->record_out : "");
	}
	return rc;
}

/* ---- the command ----------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* The options that only keep their string: --gen, --size, --json, --csv,
 * --plot, --maps, --format, --max-records. As cli_opt_value: 1 taken, 0 not one of them, -1 value
 * missing. */
static int string_option(struct run_args *a, int argc, char **argv, int *i)
{
	const struct {
		const char *name;
		const char **dst;
	} opts[] = {{"--gen", &a->gen},	      {"--size", &a->gen_size},
		    {"--json", &a->json},     {"--csv", &a->csv},
		    {"--plot", &a->plot},     {"--maps", &a->maps},
		    {"--format", &a->format}, {"--max-records", &a->max_records}};
	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		const char *value;
		int rc = cli_opt_value(argc, argv, i, opts[k].name, &value);
		if (rc > 0)
			*opts[k].dst = value;
		if (rc)
			return rc;
	}
	return 0;
}

/* What a command line runs. */
enum run_kind {
	RUN_DEFAULT,	   /* no WHAT: two traces and the MMU tour */
	RUN_TOUR,	   /* the MMU tour */
	RUN_BUILTIN,	   /* a built-in scenario */
	RUN_SCENARIO_FILE, /* a .vms file */
	RUN_TRACE,	   /* one trace */
	RUN_MANY,	   /* several traces at once */
	RUN_GENERATED,	   /* --gen */
	RUN_RECORDED,	   /* --record */
};

/* Decide what @a runs, or print why it cannot (returns the exit status). */
static int classify(const struct run_args *a, enum run_kind *kind)
{
	struct stat sb;

	if (a->record_argv) {
		if (a->what) {
			cli_error(a->cmd->name,
				  "--record runs the recorded program: no other workload ('%s')",
				  a->what);
			return CLI_EXIT_USAGE;
		}
		*kind = RUN_RECORDED;
		return 0;
	}
	if (a->gen) {
		if (a->what) {
			cli_error(a->cmd->name, "--gen makes the workload: no other one ('%s')",
				  a->what);
			return CLI_EXIT_USAGE;
		}
		*kind = RUN_GENERATED;
		return 0;
	}
	if (a->ntraces > 1) {
		/* several workloads: each must be a trace file */
		for (unsigned k = 0; k < a->ntraces; k++) {
			if (!strcmp(a->traces[k], "tour") || scenario_builtin_find(a->traces[k]) ||
			    ends_with(a->traces[k], ".vms")) {
				cli_error(a->cmd->name,
					  "several workloads must all be traces: '%s' is not one",
					  a->traces[k]);
				return CLI_EXIT_USAGE;
			}
			if (!strcmp(a->traces[k], "-")) {
				cli_error(a->cmd->name,
					  "several traces: standard input is not one of them");
				return CLI_EXIT_USAGE;
			}
			if (stat(a->traces[k], &sb) != 0) {
				cli_error(a->cmd->name, "'%s': no such trace file", a->traces[k]);
				return CLI_EXIT_USAGE;
			}
		}
		*kind = RUN_MANY;
		return 0;
	}
	if (!a->what)
		*kind = RUN_DEFAULT;
	else if (!strcmp(a->what, "tour"))
		*kind = RUN_TOUR;
	else if (scenario_builtin_find(a->what))
		*kind = RUN_BUILTIN;
	else if (ends_with(a->what, ".vms"))
		*kind = RUN_SCENARIO_FILE;
	else if (strcmp(a->what, "-") && stat(a->what, &sb) != 0) {
		cli_error(a->cmd->name,
			  "'%s': no such built-in scenario or file (see 'vmsim scenarios')",
			  a->what);
		return CLI_EXIT_USAGE;
	} else
		*kind = RUN_TRACE;
	return 0;
}

/* Every output option covers the whole run: refuse those that could not
 * (returns the exit status, 0 when all are fine). */
static int refuse_outputs(const struct run_args *a, enum run_kind kind)
{
	const char *opt = a->json ? "--json" : a->csv ? "--csv" : a->plot ? "--plot" : NULL;

	if (kind == RUN_TOUR && (opt || a->check)) {
		cli_error(a->cmd->name,
			  "%s: the MMU tour builds several small machines of its own and has "
			  "no one report; give a scenario, a trace or --gen instead",
			  opt ? opt : "--check");
		return CLI_EXIT_USAGE;
	}
	if (kind == RUN_DEFAULT && opt) {
		cli_error(a->cmd->name,
			  "%s: the built-in default is several runs (two traces and the MMU "
			  "tour); name one workload: a trace, a scenario or --gen",
			  opt);
		return CLI_EXIT_USAGE;
	}
	if (kind == RUN_MANY && (a->csv || a->plot)) {
		cli_error(a->cmd->name,
			  "%s: several traces at once are not sampled as a time series (the "
			  "scheduler runs them); --json covers the whole run",
			  a->csv ? "--csv" : "--plot");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Options of run that replay lacks: replay simulates one trace file. */
static bool run_only(const struct run_args *a, const char *arg)
{
	static const char *const opts[] = {"--gen", "--size", "--record", "--slice"};
	if (!a->cmd->summary)
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
		if (!strcmp(arg, opts[k]))
			return true;
	return false;
}

/* --maps, --format, --max-records describe one trace: refuse them for
 * anything else (returns the exit status, 0 when fine). */
static int refuse_trace_options(const struct run_args *a, enum run_kind kind)
{
	const char *opt = a->maps	   ? "--maps"
			  : a->format	   ? "--format"
			  : a->max_records ? "--max-records"
					   : NULL;
	if (!opt || kind == RUN_TRACE)
		return 0;
	cli_error(a->cmd->name, "%s: an option of one trace file; '%s' is not one", opt,
		  kind == RUN_GENERATED	 ? "--gen"
		  : kind == RUN_RECORDED ? "--record"
		  : kind == RUN_MANY	 ? "several traces"
		  : a->what		 ? a->what
					 : "the built-in default");
	return CLI_EXIT_USAGE;
}

int cli_simulate(const struct cli_sim_command *cmd, int argc, char **argv)
{
	static struct run_args a;
	struct cli_error err;
	const char *value;
	int rc;

	memset(&a, 0, sizeof(a));
	a.cmd = cmd;
	a.every = 100000;
	a.slice = 100000;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			cmd->usage(stdout);
			return CLI_EXIT_OK;
		}
		if (run_only(&a, arg)) {
			cli_error(cmd->name, "unknown option '%s' (see 'vmsim %s --help')", arg,
				  cmd->name);
			return CLI_EXIT_USAGE;
		}
		rc = cli_machine_option(&a.machine, a.cmd->name, argc, argv, &i);
		if (rc < 0)
			return CLI_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(arg, "--record")) {
			/* --record [-o FILE] -- PROG ARGS... ends the options */
			if (i + 2 < argc && !strcmp(argv[i + 1], "-o")) {
				a.record_out = argv[i + 2];
				i += 2;
			}
			if (i + 2 >= argc || strcmp(argv[i + 1], "--")) {
				cli_error(a.cmd->name,
					  "--record: expected [-o FILE] -- PROG [ARGS...]");
				return CLI_EXIT_USAGE;
			}
			a.record_argv = &argv[i + 2];
			break;
		} else if (!strcmp(arg, "--smaps")) {
			a.smaps = true;
		} else if (!strcmp(arg, "--quiet")) {
			a.quiet = true;
		} else if (!strcmp(arg, "--check")) {
			a.check = true;
		} else if ((rc = string_option(&a, argc, argv, &i)) != 0) {
			if (rc < 0)
				goto missing;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--every", &value)) != 0) {
			if (rc < 0)
				goto missing;
			if (cli_parse_u64("--every", value, &a.every, &err) || a.every == 0) {
				cli_error(a.cmd->name, "%s",
					  a.every ? err.msg : "--every: expected a count above 0");
				return CLI_EXIT_USAGE;
			}
		} else if ((rc = cli_opt_value(argc, argv, &i, "--slice", &value)) != 0) {
			if (rc < 0)
				goto missing;
			if (cli_parse_u64("--slice", value, &a.slice, &err) || a.slice == 0) {
				cli_error(a.cmd->name, "%s",
					  a.slice ? err.msg : "--slice: expected a count above 0");
				return CLI_EXIT_USAGE;
			}
		} else if (arg[0] == '-' && arg[1]) {
			cli_error(cmd->name, "unknown option '%s' (see 'vmsim %s --help')", arg,
				  cmd->name);
			return CLI_EXIT_USAGE;
		} else if (cmd->summary && a.what) {
			cli_error(cmd->name, "unexpected argument '%s': one trace only", arg);
			return CLI_EXIT_USAGE;
		} else if (a.ntraces == ARRAY_SIZE(a.traces)) {
			cli_error(a.cmd->name, "at most %zu traces at once", ARRAY_SIZE(a.traces));
			return CLI_EXIT_USAGE;
		} else {
			if (!a.what)
				a.what = arg;
			a.traces[a.ntraces++] = arg;
		}
	}
	enum run_kind kind = RUN_TRACE;
	if (cmd->summary && !a.what) {
		cli_error(cmd->name, "expected a trace to replay");
		fputs("usage: vmsim replay TRACE [--maps FILE] [--format F] [--json FILE] ... "
		      "(see 'vmsim replay --help')\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if (!cmd->summary && (rc = classify(&a, &kind)))
		return rc;
	if ((rc = refuse_outputs(&a, kind)) || (rc = refuse_trace_options(&a, kind)))
		return rc;
	if (cli_trace_format(cmd->name, a.format))
		return CLI_EXIT_USAGE;
	if (a.max_records &&
	    cli_parse_u64("--max-records", a.max_records, &a.max_records_n, &err)) {
		cli_error(cmd->name, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	static struct cli_outputs files;
	if ((rc = cli_outputs_open(&files, a.cmd->name, a.json, a.csv, a.plot)))
		return rc;
	a.files = &files;
	a.text = cli_outputs_text(&files);
	a.stop = cli_catch_interrupts();
	static FILE *discard; /* --quiet with data on stdout: no text report at all */
	if (a.quiet && cli_outputs_stdout_is_data(&files) && (discard = fopen("/dev/null", "w")))
		a.text = discard;
	switch (kind) {
	case RUN_RECORDED:
		rc = run_recorded(&a);
		break;
	case RUN_GENERATED:
		rc = run_generated(&a);
		break;
	case RUN_MANY:
		rc = run_many(&a);
		break;
	case RUN_DEFAULT:
		rc = run_default(&a);
		break;
	case RUN_TOUR:
		rc = run_tour(&a);
		break;
	case RUN_BUILTIN:
		rc = run_scenario(a.what, true, &a);
		break;
	case RUN_SCENARIO_FILE:
		rc = run_scenario(a.what, false, &a);
		break;
	case RUN_TRACE:
		rc = run_trace(a.what, &a, true, NULL, 0);
		break;
	}
	cli_outputs_abandon(&files); /* what a failed run did not write */
	int sig = cli_interrupted();
	if (sig) {
		cli_error(a.cmd->name,
			  "interrupted by %s: the report and the outputs cover the run up to "
			  "that point",
			  sig == SIGINT ? "SIGINT" : "SIGTERM");
		rc = 128 + sig;
	}
	if (discard)
		fclose(discard);
	return rc;

missing:
	cli_error(cmd->name, "option '%s' needs a value (see 'vmsim %s --help')", argv[argc - 1],
		  cmd->name);
	return CLI_EXIT_USAGE;
}

int cmd_run(int argc, char **argv)
{
	static const struct cli_sim_command run = {.name = "run", .usage = run_usage};
	return cli_simulate(&run, argc, argv);
}
