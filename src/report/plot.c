/*
 * Plots through gnuplot (see plot.h). Each plot is a gnuplot script written
 * next to its images and run once; the script draws every plot twice, once
 * per terminal (PNG through pngcairo when gnuplot has it, else libgd's png;
 * then SVG). Data is never copied: series plots read the CSV file by column
 * number (found here from its header), miss-ratio and thrashing curves
 * carry their small table inline as a datablock, and TLB reach is a
 * function of the working-set size, cov(x, reach), sampled by gnuplot.
 *
 * Text is drawn with "noenhanced" so names such as d_faults_minor keep
 * their underscores, and every string put into a script goes through
 * gp_string (single quotes, a quote doubled).
 */
#include "report/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"
#include "report/report.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "vmsim/vm.h"

extern char **environ;

#define MAX_COLUMNS   512 /* of a CSV header */
#define MAX_RSS_LINES 8	  /* processes drawn in the RSS plot (the largest) */
#define POINTS_BELOW  40  /* fewer rows than this: mark each sample */

/* ---- finding and running gnuplot --------------------------------------- */

static const char *gnuplot_program(void)
{
	const char *g = getenv("VMSIM_GNUPLOT");
	return g && *g ? g : "gnuplot";
}

/* Is @prog (a path, or a name looked up in PATH) an executable file? */
static bool find_program(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(n ? n : 1), n ? path : ".", prog);
		if (access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

bool plot_available(char *why, size_t whylen)
{
	const char *prog = gnuplot_program();

	if (find_program(prog))
		return true;
	why_set(why, whylen, 0,
		"plots need gnuplot, and '%s' was not found (install gnuplot-nox, or set "
		"VMSIM_GNUPLOT); no plot was drawn, the other outputs are written as usual",
		prog);
	return false;
}

/* Run gnuplot on @script. Its standard error is kept: its first line goes
 * into @why when it fails. */
static int run_gnuplot(const char *script, char *why, size_t whylen)
{
	const char *prog = gnuplot_program();
	posix_spawn_file_actions_t fa;
	char *argv[3], err[1024];
	size_t nerr = 0;
	int pipefd[2], status, rc;
	pid_t pid;

	if (pipe(pipefd) != 0)
		return why_set(why, whylen, VMSIM_EIO, "cannot run gnuplot: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	argv[0] = (char *)prog;
	argv[1] = (char *)script;
	argv[2] = NULL;
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return why_set(why, whylen, VMSIM_ENOTSUP, "cannot run '%s': %s", prog,
			       strerror(rc));
	}
	for (;;) {
		char buf[512];
		ssize_t n = read(pipefd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && nerr < sizeof(err) - 1; i++)
			err[nerr++] = buf[i];
	}
	err[nerr] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return why_set(why, whylen, VMSIM_EIO, "waiting for gnuplot: %s",
				       strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* gnuplot echoes the bad line, then "script.gp", line N: message */
	{
		char *line = err, *best = err;
		for (char *s = err; *s; s = line) {
			line = s + strcspn(s, "\n");
			if (*line)
				*line++ = '\0';
			if (strstr(s, ", line ")) {
				best = s;
				break;
			}
		}
		return why_set(why, whylen, VMSIM_EIO, "gnuplot failed on %s: %s", script,
			       *best ? best : "no message");
	}
}

/* ---- script helpers ----------------------------------------------------- */

/* @s as a single-quoted gnuplot string. */
static void gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* @path made absolute (against the working directory) into @buf. */
static bool abs_path(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(buf, len, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, len, "%s/%s", cwd, path);
	else
		return false;
	return n > 0 && (size_t)n < len;
}

static int make_dir(const char *dir, char *why, size_t whylen)
{
	struct stat sb;

	if (mkdir(dir, 0777) == 0 ||
	    (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	return why_set(why, whylen, VMSIM_EIO, "%s: cannot create the directory: %s", dir,
		       strerror(errno == EEXIST ? ENOTDIR : errno));
}

/* The two terminals, as gnuplot statements chosen at run time. */
static void terminals(FILE *f)
{
	fputs("set datafile separator ','\n"
	      "png_term = (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) ? \\\n"
	      "    \"set terminal pngcairo noenhanced size 1100,750 font 'sans,11'\" : \\\n"
	      "    \"set terminal png noenhanced size 1100,750\"\n"
	      "svg_term = \"set terminal svg noenhanced size 1100,750 dynamic font 'sans,11'\"\n",
	      f);
}

/* "set output" for DIR/NAME.EXT after switching to the terminal of EXT. */
static void output(FILE *f, const char *dir, const char *name, const char *ext)
{
	char path[PATH_MAX + 256];

	fprintf(f, "eval %s_term\n", ext);
	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	fputs("set output ", f);
	gp_string(f, path);
	fputc('\n', f);
}

/* Check that DIR/NAME.png and .svg exist and are not empty. */
static int check_outputs(const char *dir, const char *name, char *why, size_t whylen)
{
	static const char *const ext[] = {"png", "svg"};
	char path[PATH_MAX + 256];
	struct stat sb;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext[i]);
		if (stat(path, &sb) != 0 || sb.st_size == 0)
			return why_set(why, whylen, VMSIM_EIO, "gnuplot did not write %s", path);
	}
	return 0;
}

/* ---- series plots ------------------------------------------------------- */

/* What the CSV holds: column numbers (1-based, 0: absent) and a few facts
 * from its rows that decide what to draw. */
struct csv_info {
	char *name[MAX_COLUMNS]; /* header fields (owned) */
	unsigned ncols;
	size_t rows;		 /* data rows */
	double max[MAX_COLUMNS]; /* largest value per column */
};

static void csv_info_release(struct csv_info *ci)
{
	for (unsigned i = 0; i < ci->ncols; i++)
		free(ci->name[i]);
}

static unsigned col(const struct csv_info *ci, const char *name)
{
	for (unsigned i = 0; i < ci->ncols; i++)
		if (strcmp(ci->name[i], name) == 0)
			return i + 1;
	return 0;
}

/* The next comma-separated field of *@s (NUL-terminated in place), or
 * NULL at the end of the line. */
static char *next_field(char **s)
{
	char *tok = *s;
	size_t n;

	if (!tok)
		return NULL;
	n = strcspn(tok, ",\r\n");
	if (tok[n] == ',') {
		tok[n] = '\0';
		*s = tok + n + 1;
	} else {
		tok[n] = '\0';
		*s = NULL;
	}
	return tok;
}

/* The columns the plots read: all are written by report_csv.c (its header
 * comes from the counter table; tests/unit/test_stats_table.c checks it). */
static const char *const needed[] = {
    "accesses",		 "d_accesses",	     "d_faults_minor",	  "d_faults_major",
    "d_faults_invalid",	 "d_translations",   "d_tlb_l1i_lookups", "d_tlb_l1i_misses",
    "d_tlb_l1d_lookups", "d_tlb_l1d_misses", "d_tlb_l2_lookups",  "d_tlb_l2_misses",
    "d_walks",		 "frames_total",     "frames_free",	  "frames_user",
    "wss_total",	 "rss_total",
};

const char *const *plot_csv_columns(size_t *n)
{
	*n = sizeof(needed) / sizeof(needed[0]);
	return needed;
}

/* Read the header and scan the rows of @path. */
static int read_csv(const char *path, struct csv_info *ci, char *why, size_t whylen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	memset(ci, 0, sizeof(*ci));
	f = fopen(path, "r");
	if (!f)
		return why_set(why, whylen, VMSIM_EIO, "%s: %s", path, strerror(errno));
	n = getline(&line, &cap, f);
	if (n <= 0) {
		free(line);
		fclose(f);
		return why_set(why, whylen, VMSIM_EPARSE, "%s: empty, expected a vmsim time series",
			       path);
	}
	for (char *s = line, *tok; (tok = next_field(&s)) != NULL;) {
		if (ci->ncols == MAX_COLUMNS)
			break;
		ci->name[ci->ncols] = strdup(tok);
		if (!ci->name[ci->ncols])
			break;
		ci->ncols++;
	}
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!col(ci, needed[i])) {
			free(line);
			fclose(f);
			csv_info_release(ci);
			return why_set(why, whylen, VMSIM_EPARSE,
				       "%s: not a vmsim time series (no column '%s')", path,
				       needed[i]);
		}
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		unsigned c = 0;
		ci->rows++;
		for (char *s = line, *tok; (tok = next_field(&s)) != NULL && c < ci->ncols; c++) {
			double v = strtod(tok, NULL);
			if (v > ci->max[c])
				ci->max[c] = v;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* A unit for an axis whose values go up to @max: the divisor and its name. */
struct unit {
	double div;	  /* values are divided by this */
	const char *name; /* "thousands", "MiB", ... */
};

static struct unit count_unit(double max)
{
	if (max >= 2e9)
		return (struct unit){1e9, " (billions)"};
	if (max >= 2e6)
		return (struct unit){1e6, " (millions)"};
	if (max >= 2e4)
		return (struct unit){1e3, " (thousands)"};
	return (struct unit){1, ""};
}

static struct unit byte_unit(double max)
{
	if (max >= 8.0 * (1 << 30))
		return (struct unit){1024.0 * 1024 * 1024, "GiB"};
	if (max >= 8.0 * (1 << 20))
		return (struct unit){1024.0 * 1024, "MiB"};
	return (struct unit){1024.0, "KiB"};
}

static double col_max(const struct csv_info *ci, const char *name)
{
	unsigned c = col(ci, name);
	return c ? ci->max[c - 1] : 0;
}

/* What every series plot shares: the x axis (accesses, scaled), the grid,
 * the legend below the plot, fixed margins so stacked plots line up, and
 * the line style (points too when there are few samples). */
static void series_axes(FILE *f, const struct csv_info *ci)
{
	struct unit x = count_unit(col_max(ci, "accesses"));

	fprintf(f,
		"xdiv = %g\n"
		"set xlabel 'accesses%s'\n"
		"set grid\n"
		"set key outside below center horizontal\n"
		"set lmargin 12\n"
		"set rmargin 6\n"
		"set format x '%%g'\n"
		"set format y '%%g'\n"
		"set xrange [0:*]\n"
		"style = '%s'\n",
		x.div, x.name, ci->rows < POINTS_BELOW ? "linespoints pt 7 ps 0.6" : "lines");
}

/* "(1000 * $c / $d_accesses)", missing for an empty interval. */
static void per_kilo(FILE *f, const struct csv_info *ci, const char *name)
{
	unsigned d = col(ci, "d_accesses");
	fprintf(f, "($%u > 0 ? 1000.0 * $%u / $%u : NaN)", d, col(ci, name), d);
}

/* "plot csv skip 1 using (accesses / xdiv):" or its continuation. */
static void using_x(FILE *f, const struct csv_info *ci, bool first)
{
	fprintf(f, "%scsv skip 1 using ($%u / xdiv):", first ? "plot " : ", \\\n     ",
		col(ci, "accesses"));
}

/* The line title of RSS column @name: "A (pid 1)" for "rss_1_A" (a named
 * process, report_csv.h), "pid 1" for "rss_1". */
static void rss_title(FILE *f, const char *name)
{
	char title[256];
	const char *pid = name + 4, *sep = strchr(pid, '_');

	if (sep)
		snprintf(title, sizeof(title), "%s (pid %.*s)", sep + 1, (int)(sep - pid), pid);
	else
		snprintf(title, sizeof(title), "pid %s", pid);
	gp_string(f, title);
}

static void plot_faults_rss(FILE *f, const struct csv_info *ci)
{
	struct unit y = byte_unit(col_max(ci, "rss_total"));
	unsigned order[MAX_COLUMNS], nrss = 0;

	fputs("set multiplot layout 2,1 title 'Page faults and resident set size over the run'\n"
	      "set title 'Page faults per 1000 accesses (each sample interval)'\n"
	      "set ylabel 'faults / 1000 accesses'\n"
	      "set yrange [0:*]\n",
	      f);
	using_x(f, ci, true);
	per_kilo(f, ci, "d_faults_minor");
	fputs(" with @style lw 2 title 'minor (no I/O)'", f);
	using_x(f, ci, false);
	per_kilo(f, ci, "d_faults_major");
	fputs(" with @style lw 2 title 'major (disk read)'", f);
	using_x(f, ci, false);
	per_kilo(f, ci, "d_faults_invalid");
	fputs(" with @style lw 2 title 'invalid (SIGSEGV)'\n", f);

	/* the largest processes, by peak RSS */
	for (unsigned c = 0; c < ci->ncols; c++)
		if (strncmp(ci->name[c], "rss_", 4) == 0 && strcmp(ci->name[c], "rss_total") != 0)
			order[nrss++] = c;
	for (unsigned i = 1; i < nrss; i++)
		for (unsigned j = i; j > 0 && ci->max[order[j]] > ci->max[order[j - 1]]; j--) {
			unsigned t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	fprintf(f, "set title 'Resident set size (RSS)%s'\nset ylabel 'RSS (%s)'\n",
		nrss > MAX_RSS_LINES ? ": the 8 largest processes" : " per process", y.name);
	using_x(f, ci, true);
	fprintf(f, "($%u / %.0f) with @style lw 3 dt 2 lc 'black' title 'all processes'",
		col(ci, "rss_total"), y.div);
	for (unsigned i = 0; i < nrss && i < MAX_RSS_LINES; i++) {
		using_x(f, ci, false);
		fprintf(f, "($%u / %.0f) with @style lw 2 title ", order[i] + 1, y.div);
		rss_title(f, ci->name[order[i]]);
	}
	fputs("\nunset multiplot\n", f);
}

/* 100 * misses / lookups of one TLB level over each interval. */
static void tlb_line(FILE *f, const struct csv_info *ci, const char *lvl, const char *title, int dt)
{
	char lk[32], ms[32];

	snprintf(lk, sizeof(lk), "d_tlb_%s_lookups", lvl);
	snprintf(ms, sizeof(ms), "d_tlb_%s_misses", lvl);
	using_x(f, ci, false);
	fprintf(f, "($%u > 0 ? 100.0 * $%u / $%u : NaN) with @style lw 2 dt %d title ", col(ci, lk),
		col(ci, ms), col(ci, lk), dt);
	gp_string(f, title);
}

static void plot_tlb(FILE *f, const struct csv_info *ci)
{
	fputs("set title 'TLB miss ratio per sample interval'\n"
	      "set ylabel 'miss ratio (%)'\n"
	      "set yrange [0:*]\n",
	      f);
	using_x(f, ci, true);
	fprintf(f,
		"($%u > 0 ? 100.0 * $%u / $%u : NaN) with @style lw 3 title "
		"'page walks / translations'",
		col(ci, "d_translations"), col(ci, "d_walks"), col(ci, "d_translations"));
	tlb_line(f, ci, "l1d", "L1 dTLB misses / lookups", 2);
	if (col_max(ci, "d_tlb_l1i_lookups") > 0)
		tlb_line(f, ci, "l1i", "L1 iTLB misses / lookups", 3);
	tlb_line(f, ci, "l2", "L2 TLB misses / lookups", 4);
	fputc('\n', f);
}

static void plot_ws(FILE *f, const struct csv_info *ci)
{
	bool sampled = col_max(ci, "wss_total") > 0;
	struct unit y = byte_unit(col_max(ci, "frames_total") * 4096.0);
	double pg = 4096.0 / y.div; /* one frame in the unit */

	fprintf(f,
		"set title 'Working set versus available memory'\n"
		"set ylabel 'memory (%s; 1 MiB = 256 frames of 4 KiB)'\n"
		"set yrange [0:*]\n",
		y.name);
	if (!sampled)
		fputs("set label 1 'working set not sampled in this run (no wss window)' at graph "
		      "0.02, graph 0.95\n",
		      f);
	using_x(f, ci, true);
	fprintf(f, "($%u * %g) with @style lw 2 dt 2 lc 'black' title 'RAM'",
		col(ci, "frames_total"), pg);
	using_x(f, ci, false);
	fprintf(f,
		"(($%u + $%u) * %g) with @style lw 2 title 'available to user pages (free + used)'",
		col(ci, "frames_free"), col(ci, "frames_user"), pg);
	using_x(f, ci, false);
	fprintf(f, "($%u * %g) with @style lw 2 title 'resident user pages'",
		col(ci, "frames_user"), pg);
	using_x(f, ci, false);
	fprintf(f, "($%u * %g) with @style lw 2 title 'free'", col(ci, "frames_free"), pg);
	if (sampled) {
		using_x(f, ci, false);
		fprintf(f,
			"($%u / %.0f) with @style lw 3 lc 'dark-red' title 'working set (all "
			"processes)'",
			col(ci, "wss_total"), y.div);
	}
	fputs("\nunset label 1\n", f);
}

int plot_series(const char *csv_path, const char *dir, char *why, size_t whylen)
{
	static const struct {
		const char *name;
		void (*draw)(FILE *f, const struct csv_info *ci);
	} plots[] = {
	    {"faults_rss", plot_faults_rss},
	    {"tlb_miss_ratio", plot_tlb},
	    {"working_set", plot_ws},
	};
	static const char *const exts[] = {"png", "svg"};
	char script[PATH_MAX + 16], csv_abs[PATH_MAX], dir_abs[PATH_MAX];
	struct csv_info ci;
	FILE *f;
	int rc;

	if (!plot_available(why, whylen))
		return VMSIM_ENOTSUP;
	rc = read_csv(csv_path, &ci, why, whylen);
	if (rc)
		return rc;
	rc = make_dir(dir, why, whylen);
	if (rc)
		goto out;
	if (!abs_path(csv_path, csv_abs, sizeof(csv_abs)) ||
	    !abs_path(dir, dir_abs, sizeof(dir_abs))) {
		rc = why_set(why, whylen, VMSIM_EIO, "%s: path too long", dir);
		goto out;
	}
	snprintf(script, sizeof(script), "%s/series.gp", dir_abs);
	f = fopen(script, "w");
	if (!f) {
		rc = why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
		goto out;
	}
	fputs("# vmsim: plots of a time series; rerun with `gnuplot series.gp`\n", f);
	terminals(f);
	fputs("csv = ", f);
	gp_string(f, csv_abs);
	fputc('\n', f);
	series_axes(f, &ci);
	for (size_t p = 0; p < sizeof(plots) / sizeof(plots[0]); p++) {
		for (int e = 0; e < 2; e++) {
			output(f, dir_abs, plots[p].name, exts[e]);
			plots[p].draw(f, &ci);
		}
	}
	fputs("unset output\n", f);
	if (fclose(f) != 0) {
		rc = why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
		goto out;
	}
	rc = run_gnuplot(script, why, whylen);
	for (size_t p = 0; rc == 0 && p < sizeof(plots) / sizeof(plots[0]); p++)
		rc = check_outputs(dir_abs, plots[p].name, why, whylen);
out:
	csv_info_release(&ci);
	return rc;
}

/* ---- miss-ratio curves -------------------------------------------------- */

static void mrc_body(FILE *f, const struct plot_mrc *m)
{
	fputs("set title ", f);
	gp_string(f, m->title ? m->title : "Miss-ratio curve");
	fputs("\nset grid\n"
	      "set key outside right top title 'policy'\n"
	      "set xlabel 'frames'\n"
	      "set ylabel 'misses (page faults)'\n"
	      "set yrange [0:*]\n",
	      f);
	if (m->logx)
		fputs("set logscale x 2\nset format x '%g'\n", f);
	else if (m->nframes <= 24 && m->frames[m->nframes - 1] - m->frames[0] <= 24)
		fputs("set xtics 1\n", f); /* else gnuplot's own tics fit the range */
	if (m->refs) {
		fprintf(f,
			"set ytics nomirror\n"
			"set y2tics 10 format '%%g%%%%'\n"
			"set y2label 'miss ratio (%% of %llu references)'\n"
			"set link y2 via y * 100.0 / %llu inverse y * %llu / 100.0\n",
			(unsigned long long)m->refs, (unsigned long long)m->refs,
			(unsigned long long)m->refs);
	}
	fputs("plot ", f);
	for (size_t p = 0; p < m->npolicies; p++) {
		fprintf(f, "%s$mrc using 1:%zu with linespoints lw 2 pt %zu ps 1.2 title ",
			p ? ", \\\n  " : "", p + 2, 4 + p % 10);
		gp_string(f, m->policy[p]);
	}
	fputc('\n', f);
}

int plot_mrc(const struct plot_mrc *m, const char *dir, const char *name, char *why, size_t whylen)
{
	static const char *const exts[] = {"png", "svg"};
	char script[PATH_MAX + 256], dir_abs[PATH_MAX];
	FILE *f;
	int rc;

	if (strlen(name) > 200 || strchr(name, '/'))
		return why_set(why, whylen, VMSIM_EINVAL, "'%s': expected a plain file name", name);
	if (!m->npolicies || !m->nframes)
		return why_set(why, whylen, VMSIM_EINVAL, "no policy or no frame count to plot");
	if (!plot_available(why, whylen))
		return VMSIM_ENOTSUP;
	rc = make_dir(dir, why, whylen);
	if (rc)
		return rc;
	if (!abs_path(dir, dir_abs, sizeof(dir_abs)))
		return why_set(why, whylen, VMSIM_EIO, "%s: path too long", dir);
	snprintf(script, sizeof(script), "%s/%s.gp", dir_abs, name);
	f = fopen(script, "w");
	if (!f)
		return why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
	fputs("# vmsim: miss-ratio curves; rerun with gnuplot\n", f);
	terminals(f);
	fputs("$mrc << EOD\n# frames", f);
	for (size_t p = 0; p < m->npolicies; p++)
		fprintf(f, " %s", m->policy[p]);
	fputc('\n', f);
	for (size_t i = 0; i < m->nframes; i++) {
		fprintf(f, "%llu", (unsigned long long)m->frames[i]);
		for (size_t p = 0; p < m->npolicies; p++)
			fprintf(f, " %llu", (unsigned long long)m->misses[p * m->nframes + i]);
		fputc('\n', f);
	}
	fputs("EOD\nset datafile separator whitespace\n", f);
	for (int e = 0; e < 2; e++) {
		output(f, dir_abs, name, exts[e]);
		mrc_body(f, m);
	}
	fputs("unset output\n", f);
	if (fclose(f) != 0)
		return why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
	rc = run_gnuplot(script, why, whylen);
	if (rc == 0)
		rc = check_outputs(dir_abs, name, why, whylen);
	return rc;
}

/* ---- one-plot scripts ------------------------------------------------- */

/*
 * Write DIR/NAME.gp: a comment, the terminals, @data (datablocks, shared
 * settings), then @body once per terminal; run it and check both images.
 */
static int draw_one(const char *dir, const char *name, const char *what,
		    void (*data)(FILE *f, const void *arg), void (*body)(FILE *f, const void *arg),
		    const void *arg, char *why, size_t whylen)
{
	static const char *const exts[] = {"png", "svg"};
	char script[PATH_MAX + 256], dir_abs[PATH_MAX];
	FILE *f;
	int rc;

	if (strlen(name) > 200 || strchr(name, '/'))
		return why_set(why, whylen, VMSIM_EINVAL, "'%s': expected a plain file name", name);
	if (!plot_available(why, whylen))
		return VMSIM_ENOTSUP;
	rc = make_dir(dir, why, whylen);
	if (rc)
		return rc;
	if (!abs_path(dir, dir_abs, sizeof(dir_abs)))
		return why_set(why, whylen, VMSIM_EIO, "%s: path too long", dir);
	snprintf(script, sizeof(script), "%s/%s.gp", dir_abs, name);
	f = fopen(script, "w");
	if (!f)
		return why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
	fprintf(f, "# vmsim: %s; rerun with gnuplot\n", what);
	terminals(f);
	fputs("set datafile separator whitespace\n", f);
	data(f, arg);
	for (int e = 0; e < 2; e++) {
		output(f, dir_abs, name, exts[e]);
		body(f, arg);
	}
	fputs("unset output\n", f);
	if (fclose(f) != 0)
		return why_set(why, whylen, VMSIM_EIO, "%s: %s", script, strerror(errno));
	rc = run_gnuplot(script, why, whylen);
	if (rc == 0)
		rc = check_outputs(dir_abs, name, why, whylen);
	return rc;
}

/* ---- the thrashing curve ------------------------------------------------ */

static void thrash_data(FILE *f, const void *arg)
{
	const struct plot_thrash *t = arg;
	double fmax = 0;

	fputs("$thrash << EOD\n# N utilisation% faults/s thrashing\n", f);
	for (size_t i = 0; i < t->npoints; i++) {
		const struct plot_thrash_point *p = &t->points[i];
		fprintf(f, "%u %.4f %.3f %d\n", p->n, 100.0 * p->utilisation, p->faults_per_second,
			p->thrashing ? 1 : 0);
		if (p->faults_per_second > fmax)
			fmax = p->faults_per_second;
	}
	fputs("EOD\n", f);
	fprintf(f, "fdiv = %g\nfunit = '%s'\n", count_unit(fmax).div, count_unit(fmax).name);
}

static void thrash_body(FILE *f, const void *arg)
{
	const struct plot_thrash *t = arg;
	unsigned nmax = t->points[t->npoints - 1].n;

	fputs("set title ", f);
	gp_string(f, t->title ? t->title : "Thrashing: CPU utilisation against multiprogramming");
	if (t->subtitle) {
		fputs(" . \"\\n\" . ", f);
		gp_string(f, t->subtitle);
	}
	fprintf(f, "\nset grid\n"
		   "set key outside below center horizontal\n"
		   "set xlabel 'degree of multiprogramming N (processes)'\n"
		   "set ylabel 'CPU utilisation (%%)'\n"
		   "set y2label 'major page faults per second' . funit\n"
		   "set yrange [0:105]\n"
		   "set y2range [0:*]\n"
		   "set ytics nomirror\n"
		   "set y2tics\n"
		   "set format y2 '%%g'\n");
	if (t->logx)
		fprintf(f, "set logscale x 2\nset format x '%%g'\nset xrange [0.8:%g]\n",
			nmax * 1.25);
	else
		fprintf(f, "set xrange [0.5:%u.5]\n", nmax);
	if (!t->logx && nmax <= 32)
		fputs("set xtics 1\n", f); /* else gnuplot's own tics fit the range */
	if (t->fit_n > 0) {
		fprintf(f,
			"set arrow 1 from %g, graph 0 to %g, graph 1 nohead lw 2 dt 2 lc "
			"'dark-red' front\n"
			"set label 1 ' N*W = M (N = %.1f): the working sets fill RAM' at %g, "
			"graph 0.96 left tc 'dark-red' front\n",
			t->fit_n, t->fit_n, t->fit_n, t->fit_n);
	}
	fputs("plot $thrash using 1:2 axes x1y1 with linespoints lw 3 pt 7 ps 1.2 lc 'web-blue' "
	      "title 'CPU utilisation (%, left axis)', \\\n"
	      "     $thrash using 1:($3 / fdiv) axes x1y2 with linespoints lw 2 dt 2 pt 5 "
	      "ps 0.9 lc 'orange-red' title 'major faults/s (right axis)', \\\n"
	      "     $thrash using 1:($4 > 0 ? $2 : NaN) axes x1y1 with points pt 6 ps 2.5 lw 2 "
	      "lc 'black' title 'thrashing (paging > running)'\n"
	      "unset arrow 1\nunset label 1\n",
	      f);
}

int plot_thrash(const struct plot_thrash *t, const char *dir, const char *name, char *why,
		size_t whylen)
{
	if (!t->npoints)
		return why_set(why, whylen, VMSIM_EINVAL, "no point of the curve to plot");
	return draw_one(dir, name, "the thrashing curve", thrash_data, thrash_body, t, why, whylen);
}

/* ---- TLB reach ------------------------------------------------------------ */

static const char *const reach_size_name[3] = {"4 KiB", "2 MiB", "1 GiB"};
static const unsigned reach_size_shift[3] = {12, 21, 30};

/* Octaves of the working-set axis: 2^lo .. 2^hi bytes. */
static void reach_range(const struct plot_reach *r, unsigned *lo, unsigned *hi)
{
	uint64_t top = r->wss;

	for (unsigned l = 0; l < r->nlevels; l++)
		for (int s = 0; s < 3; s++)
			if (r->level[l].entries[s] &&
			    r->level[l].entries[s] << reach_size_shift[s] > top)
				top = r->level[l].entries[s] << reach_size_shift[s];
	*lo = 12;
	if (r->wss && r->wss < 4096)
		*lo = 10;
	*hi = 14;
	while (*hi < 62 && (1ULL << *hi) < top)
		(*hi)++;
	*hi += 3; /* room to see each curve fall */
	if (*hi > 62)
		*hi = 62;
}

static void reach_data(FILE *f, const void *arg)
{
	(void)arg;
	fputs("cov(x, r) = x <= r ? 100.0 : 100.0 * r / x\n", f);
}

static void reach_body(FILE *f, const void *arg)
{
	static const char *const colour[3] = {"web-blue", "forest-green", "orange-red"};
	static const int dash[PLOT_REACH_MAX_LEVELS] = {3, 1, 2, 4};
	const struct plot_reach *r = arg;
	unsigned lo, hi, step;
	bool first = true;

	reach_range(r, &lo, &hi);
	step = (hi - lo + 9) / 10;
	fputs("set title ", f);
	gp_string(f, r->title ? r->title : "TLB reach against working-set size");
	if (r->cpu) {
		fputs(" . \"\\n\" . ", f);
		gp_string(f, r->cpu);
	}
	fprintf(f,
		"\nset grid\n"
		"set key outside right top title 'TLB level, page size: entries x size = reach' "
		"Left reverse\n"
		"set logscale x 2\n"
		"set xrange [%.0f:%.0f]\n"
		"set xlabel 'working-set size (bytes, log scale)'\n"
		"set ylabel 'working set the TLB maps (%%)'\n"
		"set yrange [0:105]\n"
		"set samples 600\n"
		"set xtics (",
		(double)(1ULL << lo), (double)(1ULL << hi));
	for (unsigned e = lo; e <= hi; e += step)
		fprintf(f, "%s'%s' %.0f", e == lo ? "" : ", ", report_bytes(1ULL << e).s,
			(double)(1ULL << e));
	fputs(")\n", f);
	if (r->wss) {
		char text[200];
		/* where the mark sits along the log axis: label to its right or left */
		bool right = log2((double)r->wss) - lo < 0.5 * (hi - lo);

		snprintf(text, sizeof(text), "this run: %s = %s",
			 r->wss_label ? r->wss_label : "working set", report_bytes(r->wss).s);
		fprintf(f,
			"set arrow 1 from %.0f, graph 0 to %.0f, graph 1 nohead lw 3 dt 2 lc "
			"'dark-red' front\n"
			"set style textbox opaque noborder\n"
			"set label 1 ",
			(double)r->wss, (double)r->wss);
		gp_string(f, text);
		fprintf(f, " at %.0f, graph 0.06 %s boxed tc 'dark-red' front offset %d,0\n",
			(double)r->wss, right ? "left" : "right", right ? 1 : -1);
	}
	fputs("plot ", f);
	for (unsigned l = 0; l < r->nlevels; l++) {
		for (int s = 0; s < 3; s++) {
			uint64_t n = r->level[l].entries[s];
			char title[160];

			if (!n)
				continue;
			snprintf(title, sizeof(title), "%s %s: %llu x %s = %s", r->level[l].name,
				 reach_size_name[s], (unsigned long long)n, reach_size_name[s],
				 report_bytes(n << reach_size_shift[s]).s);
			fprintf(f, "%scov(x, %.0f) with lines lw 2 dt %d lc '%s' title ",
				first ? "" : ", \\\n     ", (double)(n << reach_size_shift[s]),
				dash[l % PLOT_REACH_MAX_LEVELS], colour[s]);
			gp_string(f, title);
			first = false;
		}
	}
	fputs("\nunset arrow 1\nunset label 1\n", f);
}

int plot_reach(const struct plot_reach *r, const char *dir, const char *name, char *why,
	       size_t whylen)
{
	bool any = false;

	for (unsigned l = 0; l < r->nlevels && l < PLOT_REACH_MAX_LEVELS; l++)
		for (int s = 0; s < 3; s++)
			any |= r->level[l].entries[s] != 0;
	if (!any || r->nlevels > PLOT_REACH_MAX_LEVELS)
		return why_set(why, whylen, VMSIM_EINVAL, "no TLB entry to plot");
	return draw_one(dir, name, "TLB reach", reach_data, reach_body, r, why, whylen);
}

int plot_reach_run(struct vmsim_system *sys, const char *dir, char *why, size_t whylen)
{
	static const char *const names[VMSIM_TLB_NLEVELS] = {"L1 iTLB", "L1 dTLB", "L2 TLB"};
	const struct vmsim_config *cfg = vmsim_system_config(sys);
	struct plot_reach r = {.title = "TLB reach against working-set size"};
	struct vmsim_sys_stats st;
	char cpu[96];
	int rc;

	rc = vmsim_sys_stats(sys, &st);
	if (rc)
		return why_set(why, whylen, rc, "%s", vmsim_strerror(rc));
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS && r.nlevels < PLOT_REACH_MAX_LEVELS; l++) {
		const struct vmsim_tlb_level_cfg *lc = &cfg->mmu.tlb.level[l];
		if (!lc->narrays)
			continue;
		r.level[r.nlevels].name = names[l];
		for (unsigned a = 0; a < lc->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++)
			for (int s = 0; s < 3; s++)
				if (lc->arrays[a].sizes & (1u << s))
					r.level[r.nlevels].entries[s] += lc->arrays[a].entries;
		r.nlevels++;
	}
	snprintf(cpu, sizeof(cpu), "CPU preset: %s", cfg->mmu.cpu ? cfg->mmu.cpu : "custom");
	r.cpu = cpu;
	if (st.wss_samples && st.wss_total) {
		r.wss = st.wss_total;
		r.wss_label = "working set";
	} else {
		for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
			struct vmsim_proc_stats ps;
			if (vmsim_process_alive(sys, pid) && vmsim_proc_stats(sys, pid, &ps) == 0)
				r.wss += ps.rss;
		}
		r.wss_label = "RSS (working set not sampled)";
	}
	return plot_reach(&r, dir, "tlb_reach", why, whylen);
}

/* ---- lines over a categorical axis (vmsim sweep --plot) ------------------ */

static void lines_data(FILE *f, const void *arg)
{
	const struct plot_lines *p = arg;

	fputs("$lines << EOD\n# x label", f);
	for (size_t l = 0; l < p->nlines; l++)
		fprintf(f, " line%zu", l + 1);
	fputc('\n', f);
	for (size_t x = 0; x < p->nx; x++) {
		fprintf(f, "%zu \"", x);
		for (const char *s = p->xlabels[x]; *s; s++)
			if (*s != '"' && *s != '\n')
				fputc(*s, f);
		fputc('"', f);
		for (size_t l = 0; l < p->nlines; l++) {
			double y = p->y[l * p->nx + x];
			if (isfinite(y))
				fprintf(f, " %.10g", y);
			else
				fputs(" NaN", f);
		}
		fputc('\n', f);
	}
	fputs("EOD\n", f);
}

static void lines_body(FILE *f, const void *arg)
{
	const struct plot_lines *p = arg;

	fputs("set title ", f);
	gp_string(f, p->title ? p->title : "vmsim sweep");
	fputs("\nset grid\nset xlabel ", f);
	gp_string(f, p->xlabel ? p->xlabel : "");
	fputs("\nset ylabel ", f);
	gp_string(f, p->ylabel ? p->ylabel : "");
	fprintf(f, "\nset yrange [0:*]\nset xrange [-0.3:%zu.3]\n", p->nx ? p->nx - 1 : 0);
	fputs("set key outside right top title ", f);
	gp_string(f, p->key_title ? p->key_title : "");
	fputs("\nplot ", f);
	for (size_t l = 0; l < p->nlines; l++) {
		fprintf(f,
			"%s$lines using 1:%zu:xtic(2) with linespoints lw 2 pt %zu ps 1.2 title ",
			l ? ", \\\n  " : "", l + 3, 4 + l % 10);
		gp_string(f, p->line[l]);
	}
	fputc('\n', f);
}

int plot_lines(const struct plot_lines *p, const char *dir, const char *name, char *why,
	       size_t whylen)
{
	if (!p->nx || !p->nlines)
		return why_set(why, whylen, VMSIM_EINVAL, "nothing to plot");
	return draw_one(dir, name, "lines", lines_data, lines_body, p, why, whylen);
}
