/*
 * vmsim sweep: run a sweep spec's points (src/workload/sweep.h) on N local
 * workers, on a Slurm job array, or merge what shards wrote.
 *
 *	vmsim sweep SPEC -o DIR [-j N] [--plot METRIC:AXIS[:LINES]]...
 *	vmsim sweep SPEC -o DIR --shard I/N [-j N]
 *	vmsim sweep SPEC -o DIR --slurm [--partition P] [--time T] [--array-max K]
 *	vmsim sweep SPEC -o DIR --collect [--plot ...]
 *	vmsim sweep SPEC --list
 *
 * DIR holds, per run, an append-only journal of finished points (one JSON
 * line each, written with one write(2) as soon as the point ends, so an
 * interrupt loses no finished point): journal.jsonl for local runs,
 * shard-I-of-N.jsonl for shards. A run first reads every journal in DIR
 * and skips the points already done there (resume: by point key, so a
 * point keeps its result when the spec grows). Local runs and --collect
 * then write the merged results in point order: DIR/results.jsonl (the
 * journal lines) and DIR/results.csv.
 *
 * Each point runs in a forked child, which writes its status, error and
 * metric values up a pipe; a child that crashes or is killed makes its
 * point "failed" with the signal, and the others go on.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "cli.h"
#include "report/plot.h"
#include "report/report_json.h"
#include "vmsim/error.h"
#include "workload/sweep.h"

#define MAX_PLOTS	8
#define MAX_WORKERS	256
#define RUN_INTERRUPTED 1 /* run_points: stopped by SIGINT or SIGTERM */

struct sweep_args {
	const char *spec;	     /* the spec file */
	const char *dir;	     /* -o DIR */
	unsigned jobs;		     /* -j: workers; 0: the cores */
	bool quiet, list, collect;   /* --quiet, --list, --collect */
	bool slurm, no_submit;	     /* --slurm, --no-submit */
	unsigned shard, nshards;     /* --shard I/N (nshards 0: not a shard) */
	unsigned slurm_shards;	     /* --shards N for --slurm; 0: one per point up to 1000 */
	const char *partition;	     /* --partition */
	const char *time_limit;	     /* --time */
	unsigned array_max;	     /* --array-max K; 0: no limit */
	const char *plot[MAX_PLOTS]; /* --plot METRIC:AXIS[:LINES] */
	unsigned nplots;
};

static void sweep_usage(FILE *f)
{
	fputs("usage: vmsim sweep SPEC -o DIR [-j N] [--quiet] [--plot METRIC:AXIS[:LINES]]\n"
	      "       vmsim sweep SPEC -o DIR --shard I/N [-j N]\n"
	      "       vmsim sweep SPEC -o DIR --slurm [--partition P] [--time T]\n"
	      "                   [--array-max K] [--shards N] [-j N] [--no-submit]\n"
	      "       vmsim sweep SPEC -o DIR --collect [--plot METRIC:AXIS[:LINES]]\n"
	      "       vmsim sweep SPEC --list\n\n"
	      "Run every point of the sweep SPEC (axes x workloads, docs/FORMATS.md) and write\n"
	      "one row per point to DIR/results.csv and DIR/results.jsonl. Rerunning skips\n"
	      "the points already done; a failing point is recorded and the others go on.\n\n"
	      "  -o DIR          the results directory (created if missing)\n"
	      "  -j N            N points at a time (default: the cores)\n"
	      "  --quiet         no progress bar\n"
	      "  --plot M:A[:L]  plot metric M against axis A, one line per value of axis L\n"
	      "                  (or 'workload'); other axes are averaged (needs gnuplot)\n"
	      "  --list          print the points and their keys, run nothing\n"
	      "  --shard I/N     run only the points P with P mod N = I (0 <= I < N)\n"
	      "  --slurm         write DIR/sweep.sbatch, a job array of --shard tasks, and\n"
	      "                  submit it with sbatch; -j N: CPUs per task (default 1)\n"
	      "  --partition P, --time T, --array-max K   passed to the job array\n"
	      "  --shards N      tasks in the array (default: one per point, at most 1000)\n"
	      "  --no-submit     write the job script, do not submit it\n"
	      "  --collect       merge the shards' rows into the results and report the\n"
	      "                  points missing or failed\n",
	      f);
}

/* ---- clock, signals ------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* ---- the rows of the results ---------------------------------------------- */

/* What is known of each point: its row (the journal line) if one was read
 * or written. */
struct row {
	char *line;	       /* the JSON line, no newline; NULL: not done */
	struct sweep_json *js; /* parsed */
	bool ok;	       /* status "ok" */
};

struct results {
	const struct sweep_spec *s;
	struct row *rows; /* per point */
	size_t nok, nfailed;
	/* key -> point index: open addressing */
	size_t *slot; /* point index + 1, 0: empty */
	size_t nslots;
	char **keys; /* per point */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int results_init(struct results *r, const struct sweep_spec *s)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->rows = calloc(s->npoints, sizeof(*r->rows));
	r->keys = calloc(s->npoints, sizeof(*r->keys));
	for (r->nslots = 16; r->nslots < s->npoints * 2; r->nslots *= 2)
		;
	r->slot = calloc(r->nslots, sizeof(*r->slot));
	if (!r->rows || !r->keys || !r->slot)
		return VMSIM_ENOHOSTMEM;
	for (size_t p = 0; p < s->npoints; p++) {
		char key[4096];
		sweep_point_key(s, p, key, sizeof(key));
		if (!(r->keys[p] = strdup(key)))
			return VMSIM_ENOHOSTMEM;
		size_t h = hash_str(key) & (r->nslots - 1);
		while (r->slot[h])
			h = (h + 1) & (r->nslots - 1);
		r->slot[h] = p + 1;
	}
	return 0;
}

static long results_find(const struct results *r, const char *key)
{
	size_t h = hash_str(key) & (r->nslots - 1);
	while (r->slot[h]) {
		size_t p = r->slot[h] - 1;
		if (!strcmp(r->keys[p], key))
			return (long)p;
		h = (h + 1) & (r->nslots - 1);
	}
	return -1;
}

static void results_release(struct results *r)
{
	if (r->rows)
		for (size_t p = 0; p < r->s->npoints; p++) {
			free(r->rows[p].line);
			sweep_json_free(r->rows[p].js);
		}
	if (r->keys)
		for (size_t p = 0; p < r->s->npoints; p++)
			free(r->keys[p]);
	free(r->rows);
	free(r->keys);
	free(r->slot);
}

/* Take @line as the row of its point, unless an ok row is there already
 * and this one failed. Takes ownership of @line. Returns the point, or -1
 * if the line is not a row of this spec. */
static long results_take(struct results *r, char *line)
{
	struct sweep_json *js;
	if (sweep_json_parse(line, strlen(line), &js, NULL, 0)) {
		free(line);
		return -1;
	}
	const struct sweep_json *key = sweep_json_member(js, "key");
	const struct sweep_json *status = sweep_json_member(js, "status");
	long p = key && key->type == SWEEP_JSON_STRING ? results_find(r, key->str) : -1;
	if (p < 0 || !status || status->type != SWEEP_JSON_STRING) {
		sweep_json_free(js);
		free(line);
		return -1;
	}
	bool ok = !strcmp(status->str, "ok");
	struct row *row = &r->rows[p];
	if (row->line && row->ok && !ok) {
		sweep_json_free(js);
		free(line);
		return p;
	}
	if (row->line) {
		if (row->ok)
			r->nok--;
		else
			r->nfailed--;
	}
	free(row->line);
	sweep_json_free(row->js);
	row->line = line;
	row->js = js;
	row->ok = ok;
	if (ok)
		r->nok++;
	else
		r->nfailed++;
	return p;
}

/* Read the journal @path (missing: nothing). Lines that do not parse (the
 * last line of a journal whose writer was killed mid-write) are skipped. */
static int results_read_journal(struct results *r, const char *path, size_t *rows /* out */)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	*rows = 0;
	if (!f)
		return errno == ENOENT ? 0 : VMSIM_EIO;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		char *copy = strdup(line);
		if (!copy) {
			free(line);
			fclose(f);
			return VMSIM_ENOHOSTMEM;
		}
		if (results_take(r, copy) >= 0)
			(*rows)++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Is @name "shard-I-of-N.jsonl"? Sets *i and *n. */
static bool shard_file(const char *name, unsigned *i, unsigned *n)
{
	char tail[16];
	return sscanf(name, "shard-%u-of-%u.%15s", i, n, tail) == 3 && !strcmp(tail, "jsonl") &&
	       *i < *n;
}

/* Read every journal in @dir. */
static int results_read_dir(struct results *r, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX + 256];
	size_t rows;
	int rc = 0;
	if (!d)
		return errno == ENOENT ? 0 : VMSIM_EIO;
	while (!rc && (e = readdir(d))) {
		unsigned i, n;
		if (strcmp(e->d_name, "journal.jsonl") && !shard_file(e->d_name, &i, &n))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rc = results_read_journal(r, path, &rows);
	}
	closedir(d);
	return rc;
}

/* ---- writing rows ----------------------------------------------------------------- */

/* What a child reports for its point. */
struct outcome {
	bool ok;
	char error[600];
	double *values;
	bool *present;
	double seconds;
};

/* The JSON line of point @p (malloc'd, no newline). */
static char *row_line(const struct sweep_spec *s, size_t p, const char *key,
		      const struct outcome *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer w;
	if (!f)
		return NULL;
	json_init(&w, f, 0);
	json_object_begin(&w);
	json_kv_u64(&w, "point", p);
	json_kv_str(&w, "key", key);
	json_kv_str(&w, "workload", s->workloads[s->points[p].workload].label);
	json_key(&w, "settings");
	json_object_begin(&w);
	for (size_t a = 0; a < s->naxes; a++)
		json_kv_str(&w, s->axes[a].name, sweep_point_value(s, p, a));
	json_object_end(&w);
	json_kv_u64(&w, "rep", s->points[p].rep);
	json_kv_str(&w, "status", o->ok ? "ok" : "failed");
	json_kv_str(&w, "error", o->ok ? NULL : o->error);
	json_key(&w, "metrics");
	json_object_begin(&w);
	for (size_t m = 0; m < s->nmetrics; m++) {
		json_key(&w, s->metrics[m].name);
		if (o->ok && o->present[m])
			json_double(&w, o->values[m]);
		else
			json_null(&w);
	}
	json_object_end(&w);
	json_kv_double(&w, "seconds", round(o->seconds * 1000) / 1000);
	json_object_end(&w);
	int rc = json_finish(&w);
	if (fclose(f) || rc) {
		free(text);
		return NULL;
	}
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_number(FILE *f, const struct sweep_json *v)
{
	if (v && (v->type == SWEEP_JSON_NUMBER || v->type == SWEEP_JSON_BOOL))
		fprintf(f, "%.15g", v->num);
}

static const char *json_string(const struct sweep_json *js, const char *key)
{
	const struct sweep_json *v = sweep_json_member(js, key);
	return v && v->type == SWEEP_JSON_STRING ? v->str : "";
}

/* DIR/NAME written through DIR/.NAME.tmp and a rename, so a reader never
 * sees half a file. */
static FILE *open_tmp(const char *dir, const char *name, char *tmp, size_t len)
{
	snprintf(tmp, len, "%s/.%s.tmp", dir, name);
	return fopen(tmp, "w");
}

static int commit_tmp(FILE *f, const char *tmp, const char *dir, const char *name)
{
	char path[PATH_MAX + 256];
	int bad = ferror(f);
	if (fclose(f) || bad) {
		remove(tmp);
		return VMSIM_EIO;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (rename(tmp, path)) {
		remove(tmp);
		return VMSIM_EIO;
	}
	return 0;
}

/* DIR/results.jsonl and DIR/results.csv: every point done, in point order. */
static int results_write(const struct results *r, const char *dir)
{
	const struct sweep_spec *s = r->s;
	char tmp[PATH_MAX + 256], tmp2[PATH_MAX + 256];
	FILE *j = open_tmp(dir, "results.jsonl", tmp, sizeof(tmp));
	FILE *c = open_tmp(dir, "results.csv", tmp2, sizeof(tmp2));
	if (!j || !c) {
		if (j) {
			fclose(j);
			remove(tmp);
		}
		if (c) {
			fclose(c);
			remove(tmp2);
		}
		return VMSIM_EIO;
	}
	fputs("point,workload", c);
	for (size_t a = 0; a < s->naxes; a++) {
		fputc(',', c);
		csv_field(c, s->axes[a].name);
	}
	fputs(",rep,status", c);
	for (size_t m = 0; m < s->nmetrics; m++) {
		fputc(',', c);
		csv_field(c, s->metrics[m].name);
	}
	fputs(",seconds,error\n", c);
	for (size_t p = 0; p < s->npoints; p++) {
		const struct row *row = &r->rows[p];
		if (!row->line)
			continue;
		fprintf(j, "%s\n", row->line);
		fprintf(c, "%zu,", p);
		csv_field(c, s->workloads[s->points[p].workload].label);
		for (size_t a = 0; a < s->naxes; a++) {
			fputc(',', c);
			csv_field(c, sweep_point_value(s, p, a));
		}
		fprintf(c, ",%u,%s", s->points[p].rep, row->ok ? "ok" : "failed");
		const struct sweep_json *mets = sweep_json_member(row->js, "metrics");
		for (size_t m = 0; m < s->nmetrics; m++) {
			fputc(',', c);
			csv_number(c, sweep_json_member(mets, s->metrics[m].name));
		}
		fputc(',', c);
		csv_number(c, sweep_json_member(row->js, "seconds"));
		fputc(',', c);
		csv_field(c, json_string(row->js, "error"));
		fputc('\n', c);
	}
	int rc = commit_tmp(j, tmp, dir, "results.jsonl");
	int rc2 = commit_tmp(c, tmp2, dir, "results.csv");
	return rc ? rc : rc2;
}

/* ---- running points in children ---------------------------------------------- */

struct worker {
	pid_t pid;	 /* 0: free */
	int fd;		 /* read end of the child's pipe */
	size_t point;	 /* the point it runs */
	double start;	 /* clock at fork */
	char buf[16384]; /* what the child wrote */
	size_t len;
};

/* In the child: run the point, write "ok|failed\nERROR\nV1\nV2...\n". */
static _Noreturn void child_run(const struct sweep_spec *s, size_t p, int fd)
{
	double *values = calloc(s->nmetrics, sizeof(*values));
	bool *present = calloc(s->nmetrics, sizeof(*present));
	char err[512];
	int devnull = open("/dev/null", O_WRONLY);

	if (devnull >= 0) {
		dup2(devnull, 1);
		close(devnull);
	}
	int rc = values && present ? sweep_point_run(s, p, values, present, err, sizeof(err))
				   : VMSIM_ENOHOSTMEM;
	if (rc && !err[0])
		snprintf(err, sizeof(err), "%s", vmsim_strerror(rc));
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		_exit(3);
	for (char *c = err; *c; c++)
		if (*c == '\n')
			*c = ' ';
	fprintf(f, "%s\n%s\n", rc ? "failed" : "ok", rc ? err : "");
	for (size_t m = 0; !rc && m < s->nmetrics; m++)
		if (present[m])
			fprintf(f, "%.17g\n", values[m]);
		else
			fputs("null\n", f);
	fputs("end\n", f);
	if (fclose(f))
		_exit(3);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		off += (size_t)n;
	}
	_exit(0);
}

/* The child of @w ended with @status: make its outcome. */
static void worker_outcome(struct worker *w, int status, const struct sweep_spec *s,
			   struct outcome *o)
{
	char *lines[4096];
	size_t n = 0;
	w->buf[w->len < sizeof(w->buf) ? w->len : sizeof(w->buf) - 1] = '\0';
	for (char *p = w->buf; *p && n < 4096;) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		lines[n++] = p;
		p = nl + 1;
	}
	o->ok = false;
	o->seconds = now() - w->start;
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		snprintf(o->error, sizeof(o->error), "the run was killed by signal %d (%s)", sig,
			 strsignal(sig));
		return;
	}
	bool complete = n >= 3 && !strcmp(lines[n - 1], "end");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !complete) {
		snprintf(o->error, sizeof(o->error),
			 "the run ended with exit status %d without a result",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	if (strcmp(lines[0], "ok")) {
		snprintf(o->error, sizeof(o->error), "%s", lines[1]);
		return;
	}
	if (n != 3 + s->nmetrics) {
		snprintf(o->error, sizeof(o->error), "the run reported %zu metrics, expected %zu",
			 n - 3, s->nmetrics);
		return;
	}
	for (size_t m = 0; m < s->nmetrics; m++) {
		o->present[m] = strcmp(lines[2 + m], "null") != 0;
		o->values[m] = o->present[m] ? strtod(lines[2 + m], NULL) : 0;
	}
	o->ok = true;
}

/* The progress line: points done of total, failures, ETA. */
struct bar {
	bool on;      /* drawing */
	bool shown;   /* something is on the line */
	double start; /* clock when the runs began */
	double last;  /* last redraw */
	size_t total; /* points this run will make */
};

static void bar_draw(struct bar *b, size_t done, size_t failed, bool force)
{
	double t = now();
	if (!b->on || (!force && t - b->last < 0.25))
		return;
	b->last = t;
	double el = t - b->start;
	char eta[32] = "--:--";
	if (done && done < b->total) {
		double left = el / (double)done * (double)(b->total - done);
		snprintf(eta, sizeof(eta), "%d:%02d", (int)left / 60, (int)left % 60);
	} else if (done == b->total) {
		snprintf(eta, sizeof(eta), "0:00");
	}
	unsigned width = 24, fill = b->total ? (unsigned)(width * done / b->total) : width;
	char bar[32];
	for (unsigned i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[width] = '\0';
	fprintf(stderr, "\rvmsim sweep: [%s] %zu/%zu points  %zu failed  %d:%02d elapsed  ETA %s ",
		bar, done, b->total, failed, (int)el / 60, (int)el % 60, eta);
	fflush(stderr);
	b->shown = true;
}

static void bar_finish(struct bar *b)
{
	if (b->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	b->shown = false;
}

/* Append @line and a newline to the journal @fd with one write. */
static int journal_append(int fd, const char *line)
{
	size_t n = strlen(line);
	char *buf = malloc(n + 1);
	if (!buf)
		return VMSIM_ENOHOSTMEM;
	memcpy(buf, line, n);
	buf[n] = '\n';
	for (size_t off = 0; off < n + 1;) {
		ssize_t w = write(fd, buf + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			free(buf);
			return VMSIM_EIO;
		}
		off += (size_t)w;
	}
	free(buf);
	return 0;
}

/* Run the points of @todo on @jobs workers, journaling each row into @jfd
 * and taking it into @r. Returns 0, RUN_INTERRUPTED (interrupted: the rows
 * finished are kept) or VMSIM_EIO. */
static int run_points(struct results *r, const size_t *todo, size_t ntodo, unsigned jobs, int jfd,
		      bool quiet, size_t *ran /* out */, size_t *failed /* out */)
{
	const struct sweep_spec *s = r->s;
	struct worker *w = calloc(jobs, sizeof(*w));
	struct pollfd *pfd = calloc(jobs, sizeof(*pfd));
	double *values = calloc(s->nmetrics + 1, sizeof(*values));
	bool *present = calloc(s->nmetrics + 1, sizeof(*present));
	struct bar bar = {.on = !quiet && isatty(2), .start = now(), .total = ntodo};
	size_t next = 0, running = 0;
	int rc = 0;

	*ran = *failed = 0;
	if (!w || !pfd || !values || !present) {
		rc = VMSIM_ENOHOSTMEM;
		goto out;
	}
	bar_draw(&bar, 0, 0, true);
	while ((next < ntodo && !interrupted && !rc) || running) {
		/* start children while there are free workers */
		for (unsigned k = 0; k < jobs && next < ntodo && !interrupted && !rc; k++) {
			int fds[2];
			if (w[k].pid)
				continue;
			if (pipe(fds)) {
				rc = VMSIM_EIO;
				break;
			}
			fflush(stdout);
			fflush(stderr);
			pid_t pid = fork();
			if (pid < 0) {
				close(fds[0]);
				close(fds[1]);
				rc = VMSIM_EIO;
				break;
			}
			if (pid == 0) {
				close(fds[0]);
				for (unsigned o = 0; o < jobs; o++)
					if (w[o].pid)
						close(w[o].fd);
				signal(SIGINT, SIG_DFL);
				signal(SIGTERM, SIG_DFL);
				child_run(s, todo[next], fds[1]);
			}
			close(fds[1]);
			w[k] = (struct worker){
			    .pid = pid, .fd = fds[0], .point = todo[next++], .start = now()};
			running++;
		}
		if (!running)
			break;
		if (interrupted) { /* stop the children; their points stay to do */
			for (unsigned k = 0; k < jobs; k++)
				if (w[k].pid) {
					kill(w[k].pid, SIGKILL);
					waitpid(w[k].pid, NULL, 0);
					close(w[k].fd);
					w[k].pid = 0;
				}
			running = 0;
			break;
		}
		unsigned np = 0;
		for (unsigned k = 0; k < jobs; k++)
			if (w[k].pid) {
				pfd[np].fd = w[k].fd;
				pfd[np].events = POLLIN;
				pfd[np++].revents = 0;
			}
		int got = poll(pfd, np, bar.on ? 250 : 1000);
		if (got < 0 && errno != EINTR) {
			rc = VMSIM_EIO;
			continue;
		}
		bar_draw(&bar, *ran, *failed, false);
		if (got <= 0)
			continue;
		for (unsigned i = 0; i < np; i++) {
			if (!pfd[i].revents)
				continue;
			struct worker *wk = NULL;
			for (unsigned k = 0; k < jobs; k++)
				if (w[k].pid && w[k].fd == pfd[i].fd)
					wk = &w[k];
			char tmp[4096];
			ssize_t n = read(wk->fd, tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				size_t room = sizeof(wk->buf) - 1 - wk->len;
				size_t take = (size_t)n < room ? (size_t)n : room;
				memcpy(wk->buf + wk->len, tmp, take);
				wk->len += take;
				continue;
			}
			/* end of the pipe: the child is done */
			int status = 0;
			while (waitpid(wk->pid, &status, 0) < 0 && errno == EINTR)
				;
			close(wk->fd);
			wk->pid = 0;
			running--;
			if (interrupted && WIFSIGNALED(status))
				continue; /* killed by the interrupt: not a result */
			struct outcome o = {.values = values, .present = present};
			worker_outcome(wk, status, s, &o);
			char *line = row_line(s, wk->point, r->keys[wk->point], &o);
			if (!line || journal_append(jfd, line)) {
				free(line);
				rc = VMSIM_EIO;
				continue;
			}
			results_take(r, line);
			(*ran)++;
			if (!o.ok)
				(*failed)++;
			bar_draw(&bar, *ran, *failed, true);
		}
	}
	bar_finish(&bar);
	if (!rc && interrupted)
		rc = RUN_INTERRUPTED;
out:
	free(w);
	free(pfd);
	free(values);
	free(present);
	return rc;
}

/* ---- plots --------------------------------------------------------------------- */

/* A --plot argument: METRIC:AXIS[:LINES], resolved against the spec. */
struct plot_req {
	char buf[256];	/* the argument, split in place */
	char *parts[3]; /* metric, x axis, lines axis (NULL: one line) */
	int nparts;	/* 2 or 3 */
	long metric;	/* index of the metric */
	long xa, la;	/* axis index, -1: the workload, -2: none */
};

static bool plot_parse(const struct sweep_spec *s, const char *what, struct plot_req *q)
{
	memset(q, 0, sizeof(*q));
	snprintf(q->buf, sizeof(q->buf), "%s", what);
	for (char *p = q->buf; p && q->nparts < 3;) {
		q->parts[q->nparts++] = p;
		p = strchr(p, ':');
		if (p)
			*p++ = '\0';
	}
	q->metric = -1;
	q->xa = q->la = -2;
	for (size_t m = 0; m < s->nmetrics; m++)
		if (!strcmp(s->metrics[m].name, q->parts[0]))
			q->metric = (long)m;
	for (int k = 1; k < q->nparts; k++) {
		long *dst = k == 1 ? &q->xa : &q->la;
		if (!strcmp(q->parts[k], "workload"))
			*dst = -1;
		for (size_t a = 0; a < s->naxes; a++)
			if (!strcmp(s->axes[a].name, q->parts[k]))
				*dst = (long)a;
	}
	return q->metric >= 0 && q->xa != -2 && (q->nparts == 2 || q->la != -2);
}

/* --plot METRIC:AXIS[:LINES]: the metric's mean over the ok rows, per
 * value of AXIS (x) and of LINES (one line each; "workload" allowed). */
static int draw_plot(const struct results *r, const char *what, const char *dir)
{
	const struct sweep_spec *s = r->s;
	struct plot_req q;
	if (!plot_parse(s, what, &q)) {
		cli_error("sweep",
			  "--plot '%s': expected METRIC:AXIS[:LINES] with a metric and "
			  "axes of the spec (or 'workload')",
			  what);
		return CLI_EXIT_USAGE;
	}
	char **parts = q.parts;
	int nparts = q.nparts;
	long metric = q.metric, xa = q.xa, la = q.la;
	size_t nx = xa >= 0 ? s->axes[xa].nvalues : s->nworkloads;
	size_t nl = la >= 0 ? s->axes[la].nvalues : la == -1 ? s->nworkloads : 1;
	double *sum = calloc(nx * nl, sizeof(double));
	double *y = calloc(nx * nl, sizeof(double));
	size_t *cnt = calloc(nx * nl, sizeof(size_t));
	const char **xl = calloc(nx, sizeof(char *)), **ll = calloc(nl, sizeof(char *));
	int rc = CLI_EXIT_OK;
	if (!sum || !y || !cnt || !xl || !ll) {
		rc = CLI_EXIT_FAILURE;
		goto out;
	}
	for (size_t x = 0; x < nx; x++)
		xl[x] = xa >= 0 ? s->axes[xa].values[x] : s->workloads[x].label;
	for (size_t l = 0; l < nl; l++)
		ll[l] = la >= 0	   ? s->axes[la].values[l]
			: la == -1 ? s->workloads[l].label
				   : parts[0];
	for (size_t p = 0; p < s->npoints; p++) {
		const struct row *row = &r->rows[p];
		if (!row->line || !row->ok)
			continue;
		const struct sweep_json *v = sweep_json_member(
		    sweep_json_member(row->js, "metrics"), s->metrics[metric].name);
		if (!v || v->type != SWEEP_JSON_NUMBER)
			continue;
		size_t x = xa >= 0 ? s->points[p].value[xa] : s->points[p].workload;
		size_t l = la >= 0 ? s->points[p].value[la] : la == -1 ? s->points[p].workload : 0;
		sum[l * nx + x] += v->num;
		cnt[l * nx + x]++;
	}
	for (size_t i = 0; i < nx * nl; i++)
		y[i] = cnt[i] ? sum[i] / (double)cnt[i] : NAN;
	/* the title says what was averaged */
	char title[512], others[256] = "";
	size_t used = 0;
	if (xa != -1 && la != -1 && s->nworkloads > 1)
		used += (size_t)snprintf(others, sizeof(others), "workload");
	for (size_t a = 0; a < s->naxes; a++)
		if ((long)a != xa && (long)a != la && s->axes[a].nvalues > 1 &&
		    used < sizeof(others))
			used += (size_t)snprintf(others + used, sizeof(others) - used, "%s%s",
						 used ? ", " : "", s->axes[a].name);
	if (s->repeat > 1 && used < sizeof(others))
		snprintf(others + used, sizeof(others) - used, "%srepetitions", used ? ", " : "");
	snprintf(title, sizeof(title), "%s by %s%s%s%s%s", parts[0], parts[1],
		 nparts == 3 ? " and " : "", nparts == 3 ? parts[2] : "",
		 others[0] ? " (mean over " : "", others[0] ? others : "");
	if (others[0])
		strncat(title, ")", sizeof(title) - strlen(title) - 1);
	char name[300], why[512];
	snprintf(name, sizeof(name), "plot-%s-by-%s%s%s", parts[0], parts[1],
		 nparts == 3 ? "-" : "", nparts == 3 ? parts[2] : "");
	for (char *c = name; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '_';
	struct plot_lines pl = {.title = title,
				.xlabel = parts[1],
				.ylabel = parts[0],
				.key_title = nparts == 3 ? parts[2] : NULL,
				.nx = nx,
				.xlabels = xl,
				.nlines = nl,
				.line = ll,
				.y = y};
	if (plot_lines(&pl, dir, name, why, sizeof(why))) {
		cli_error("sweep", "--plot %s: %s", what, why);
		rc = CLI_EXIT_FAILURE;
	} else {
		printf("plot: %s/%s.png, %s/%s.svg\n", dir, name, dir, name);
	}
out:
	free(sum);
	free(y);
	free(cnt);
	free(xl);
	free(ll);
	return rc;
}

/* ---- Slurm ------------------------------------------------------------------------ */

/* Is @prog an executable in PATH? Its path into @buf. */
static bool in_path(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, len, "%.*s/%s", (int)(n ? n : 1), n ? path : ".", prog);
		if (access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* @s as one single-quoted shell word. */
static void sh_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* Write DIR/sweep.sbatch (and DIR/sweep.shards) and submit it. */
static int run_slurm(const struct sweep_args *a, const struct sweep_spec *s)
{
	char sbatch[PATH_MAX], exe[PATH_MAX], spec[PATH_MAX], dir[PATH_MAX];
	char script[PATH_MAX + 64], tmp[PATH_MAX + 64];
	unsigned n =
	    a->slurm_shards ? a->slurm_shards : (unsigned)(s->npoints < 1000 ? s->npoints : 1000);
	unsigned cpus = a->jobs ? a->jobs : 1;

	if (!a->no_submit && !in_path("sbatch", sbatch, sizeof(sbatch))) {
		cli_error("sweep",
			  "--slurm: 'sbatch' is not on PATH: run this on a machine of the Slurm "
			  "cluster (its client commands come with slurm-wlm), or write the job "
			  "script only with --no-submit");
		return CLI_EXIT_FAILURE;
	}
	if (n > s->npoints)
		n = (unsigned)s->npoints;
	ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (el <= 0) {
		cli_error("sweep", "--slurm: cannot find the vmsim binary (/proc/self/exe)");
		return CLI_EXIT_FAILURE;
	}
	exe[el] = '\0';
	if (!realpath(a->spec, spec) || !realpath(a->dir, dir)) {
		cli_error("sweep", "--slurm: cannot resolve %s or %s: %s", a->spec, a->dir,
			  strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	snprintf(script, sizeof(script), "%s/sweep.sbatch", dir);
	snprintf(tmp, sizeof(tmp), "%s/.sweep.sbatch.tmp", dir);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		cli_error("sweep", "cannot create %s: %s", tmp, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	fprintf(f,
		"#!/bin/sh\n"
		"# vmsim sweep: a Slurm job array, one --shard task per array index.\n"
		"# Written by 'vmsim sweep --slurm'; submit with sbatch, merge with --collect.\n");
	fprintf(f, "#SBATCH --job-name=vmsim-sweep\n");
	fprintf(f, "#SBATCH --array=0-%u", n - 1);
	if (a->array_max)
		fprintf(f, "%%%u", a->array_max);
	fprintf(f, "\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=%u\n", cpus);
	fprintf(f, "#SBATCH --output=%s/slurm-%%A_%%a.out\n", dir);
	if (a->partition)
		fprintf(f, "#SBATCH --partition=%s\n", a->partition);
	if (a->time_limit)
		fprintf(f, "#SBATCH --time=%s\n", a->time_limit);
	fprintf(f, "exec ");
	sh_word(f, exe);
	fputs(" sweep ", f);
	sh_word(f, spec);
	fputs(" -o ", f);
	sh_word(f, dir);
	fprintf(f, " --shard \"$SLURM_ARRAY_TASK_ID/%u\" -j %u --quiet\n", n, cpus);
	if (fclose(f) || chmod(tmp, 0755) || rename(tmp, script)) {
		cli_error("sweep", "cannot write %s: %s", script, strerror(errno));
		remove(tmp);
		return CLI_EXIT_FAILURE;
	}
	char shards[PATH_MAX + 64];
	snprintf(shards, sizeof(shards), "%s/sweep.shards", dir);
	f = fopen(shards, "w");
	if (!f || fprintf(f, "%u\n", n) < 0 || fclose(f)) {
		cli_error("sweep", "cannot write %s", shards);
		return CLI_EXIT_FAILURE;
	}
	printf("job script: %s (%u tasks, %zu points)\n", script, n, s->npoints);
	if (a->no_submit)
		return CLI_EXIT_OK;

	int fds[2];
	if (pipe(fds)) {
		cli_error("sweep", "cannot run sbatch: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(sbatch, "sbatch", "--parsable", script, (char *)NULL);
		fprintf(stderr, "vmsim sweep: cannot run %s: %s\n", sbatch, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	char out[256];
	size_t len = 0;
	ssize_t got;
	while (pid > 0 && (got = read(fds[0], out + len, sizeof(out) - 1 - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += (size_t)got;
		if (len == sizeof(out) - 1)
			break;
	}
	close(fds[0]);
	out[len] = '\0';
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		cli_error("sweep", "--slurm: sbatch %s failed (its message is above)", script);
		return CLI_EXIT_FAILURE;
	}
	out[strcspn(out, ";\n")] = '\0';
	printf("submitted job array %s: %u tasks; when it has finished:\n"
	       "  vmsim sweep %s -o %s --collect\n",
	       out, n, a->spec, a->dir);
	return CLI_EXIT_OK;
}

/* ---- --collect: who did not deliver ------------------------------------------------ */

static unsigned known_shards(const char *dir)
{
	char path[PATH_MAX + 64];
	unsigned n = 0;
	snprintf(path, sizeof(path), "%s/sweep.shards", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%u", &n) != 1)
			n = 0;
		fclose(f);
	}
	if (n)
		return n;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		unsigned i, k;
		if (shard_file(e->d_name, &i, &k) && k > n)
			n = k;
	}
	if (d)
		closedir(d);
	return n;
}

/* Say which points are missing (grouped by the shard that held them) and
 * which failed, on stderr. */
static void report_missing(const struct results *r, const char *dir)
{
	const struct sweep_spec *s = r->s;
	unsigned n = known_shards(dir);
	size_t missing = s->npoints - r->nok - r->nfailed, shown = 0;
	if (missing && n) {
		for (unsigned i = 0; i < n; i++) {
			size_t held = 0, lost = 0;
			char list[600] = "";
			size_t used = 0;
			for (size_t p = i; p < s->npoints; p += n) {
				held++;
				if (r->rows[p].line)
					continue;
				lost++;
				if (used < 500)
					used += (size_t)snprintf(list + used, sizeof(list) - used,
								 "%s%zu", lost > 1 ? ", " : "", p);
				else if (used < sizeof(list) - 5)
					used += (size_t)snprintf(list + used, sizeof(list) - used,
								 ", ...");
			}
			if (!lost)
				continue;
			char path[PATH_MAX + 64];
			struct stat sb;
			snprintf(path, sizeof(path), "%s/shard-%u-of-%u.jsonl", dir, i, n);
			if (stat(path, &sb))
				cli_error("sweep",
					  "shard %u/%u never ran (no %s): its %zu points are "
					  "missing: %s",
					  i, n, path, held, list);
			else
				cli_error("sweep",
					  "shard %u/%u died or is still running: %zu of its %zu "
					  "points are missing: %s",
					  i, n, lost, held, list);
		}
	} else if (missing) {
		char list[600] = "";
		size_t used = 0;
		for (size_t p = 0; p < s->npoints && used < 500; p++)
			if (!r->rows[p].line)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%zu",
							 used ? ", " : "", p);
		cli_error("sweep", "%zu points are missing: %s%s", missing, list,
			  used >= 500 ? ", ..." : "");
	}
	for (size_t p = 0; p < s->npoints; p++)
		if (r->rows[p].line && !r->rows[p].ok && shown++ < 20)
			cli_error("sweep", "point %zu failed (%s): %s", p, r->keys[p],
				  json_string(r->rows[p].js, "error"));
	if (shown > 20)
		cli_error("sweep", "... and %zu more failed points (see %s/results.csv)",
			  shown - 20, dir);
}

/* ---- the command ------------------------------------------------------------------ */

static int parse_args(int argc, char **argv, struct sweep_args *a)
{
	struct cli_error err;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		uint64_t x;
		int rc;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			sweep_usage(stdout);
			return -1;
		}
		if (!strcmp(arg, "--quiet")) {
			a->quiet = true;
		} else if (!strcmp(arg, "--list")) {
			a->list = true;
		} else if (!strcmp(arg, "--collect")) {
			a->collect = true;
		} else if (!strcmp(arg, "--slurm")) {
			a->slurm = true;
		} else if (!strcmp(arg, "--no-submit")) {
			a->no_submit = true;
		} else if ((rc = cli_opt_value(argc, argv, &i, "-o", &v)) != 0 ||
			   (rc = cli_opt_value(argc, argv, &i, "--output", &v)) != 0) {
			if (rc < 0)
				goto missing;
			a->dir = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--partition", &v)) != 0) {
			if (rc < 0)
				goto missing;
			a->partition = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--time", &v)) != 0) {
			if (rc < 0)
				goto missing;
			a->time_limit = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--plot", &v)) != 0) {
			if (rc < 0)
				goto missing;
			if (a->nplots == MAX_PLOTS) {
				cli_error("sweep", "at most %d --plot options", MAX_PLOTS);
				return CLI_EXIT_USAGE;
			}
			a->plot[a->nplots++] = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "-j", &v)) != 0 ||
			   (rc = cli_opt_value(argc, argv, &i, "--jobs", &v)) != 0 ||
			   (rc = cli_opt_value(argc, argv, &i, "--array-max", &v)) != 0 ||
			   (rc = cli_opt_value(argc, argv, &i, "--shards", &v)) != 0) {
			const char *name = argv[i - (v == argv[i] ? 1 : 0)];
			if (rc < 0)
				goto missing;
			bool jobs = name[1] == 'j' || !strncmp(name, "--jobs", 6);
			bool shards = !strncmp(name, "--shards", 8);
			if (cli_parse_u64(jobs	   ? "-j"
					  : shards ? "--shards"
						   : "--array-max",
					  v, &x, &err) ||
			    x == 0 || x > (jobs ? MAX_WORKERS : 100000)) {
				cli_error("sweep", "%s: expected a number from 1 to %d, found '%s'",
					  jobs	   ? "-j"
					  : shards ? "--shards"
						   : "--array-max",
					  jobs ? MAX_WORKERS : 100000, v);
				return CLI_EXIT_USAGE;
			}
			if (jobs)
				a->jobs = (unsigned)x;
			else if (shards)
				a->slurm_shards = (unsigned)x;
			else
				a->array_max = (unsigned)x;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--shard", &v)) != 0) {
			unsigned si, sn;
			char tail;
			if (rc < 0)
				goto missing;
			if (sscanf(v, "%u/%u%c", &si, &sn, &tail) != 2 || sn == 0 || si >= sn ||
			    sn > 100000) {
				cli_error("sweep", "--shard '%s': expected I/N with 0 <= I < N", v);
				return CLI_EXIT_USAGE;
			}
			a->shard = si;
			a->nshards = sn;
		} else if (arg[0] == '-' && arg[1]) {
			cli_error("sweep", "unknown option '%s' (see 'vmsim sweep --help')", arg);
			return CLI_EXIT_USAGE;
		} else if (!a->spec) {
			a->spec = arg;
		} else {
			cli_error("sweep", "one spec at a time: '%s' and '%s'", a->spec, arg);
			return CLI_EXIT_USAGE;
		}
	}
	if (!a->spec) {
		cli_error("sweep", "expected a sweep spec (see 'vmsim sweep --help')");
		return CLI_EXIT_USAGE;
	}
	if (!a->dir && !a->list) {
		cli_error("sweep", "expected -o DIR, the results directory");
		return CLI_EXIT_USAGE;
	}
	if ((a->slurm + a->collect + (a->nshards > 0) + a->list) > 1) {
		cli_error("sweep", "--slurm, --shard, --collect and --list exclude each other");
		return CLI_EXIT_USAGE;
	}
	if ((a->partition || a->time_limit || a->array_max || a->slurm_shards || a->no_submit) &&
	    !a->slurm) {
		cli_error("sweep", "--partition, --time, --array-max, --shards and --no-submit "
				   "go with --slurm");
		return CLI_EXIT_USAGE;
	}
	return 0;

missing:
	cli_error("sweep", "option '%s' needs a value (see 'vmsim sweep --help')", argv[argc - 1]);
	return CLI_EXIT_USAGE;
}

static int make_dir(const char *dir)
{
	struct stat sb;
	if (mkdir(dir, 0777) == 0 ||
	    (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	cli_error("sweep", "-o %s: cannot create the directory: %s", dir,
		  strerror(errno == EEXIST ? ENOTDIR : errno));
	return -1;
}

static void list_points(const struct sweep_spec *s)
{
	char key[4096];
	for (size_t p = 0; p < s->npoints; p++) {
		sweep_point_key(s, p, key, sizeof(key));
		printf("%zu %s\n", p, key);
	}
}

int cmd_sweep(int argc, char **argv)
{
	static struct sweep_args a;
	struct sweep_spec *s = NULL;
	struct results r;
	char err[2048], path[PATH_MAX + 64];
	int rc, status = CLI_EXIT_OK;

	memset(&a, 0, sizeof(a));
	interrupted = 0;
	if ((rc = parse_args(argc, argv, &a)))
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (sweep_spec_load(a.spec, &s, err, sizeof(err)) ||
	    sweep_spec_check(s, err, sizeof(err))) {
		cli_error("sweep", "%s", err);
		sweep_spec_free(s);
		return CLI_EXIT_FAILURE;
	}
	for (unsigned k = 0; k < a.nplots; k++) { /* check before running anything */
		struct plot_req q;
		if (!plot_parse(s, a.plot[k], &q)) {
			cli_error(
			    "sweep",
			    "--plot '%s': expected METRIC:AXIS[:LINES] with a metric and axes "
			    "of the spec (or 'workload')",
			    a.plot[k]);
			sweep_spec_free(s);
			return CLI_EXIT_USAGE;
		}
	}
	if (a.nplots && !plot_available(err, sizeof(err))) {
		cli_error("sweep", "--plot: %s", err);
		sweep_spec_free(s);
		return CLI_EXIT_FAILURE;
	}
	if (a.list) {
		list_points(s);
		sweep_spec_free(s);
		return CLI_EXIT_OK;
	}
	if (a.slurm && !a.no_submit && !in_path("sbatch", path, sizeof(path))) {
		rc = run_slurm(&a, s); /* says sbatch is missing */
		sweep_spec_free(s);
		return rc;
	}
	if (make_dir(a.dir)) {
		sweep_spec_free(s);
		return CLI_EXIT_FAILURE;
	}
	if (a.slurm) {
		rc = run_slurm(&a, s);
		sweep_spec_free(s);
		return rc;
	}
	/* The checks built and freed a machine per axis value: give that heap
	 * back, so that each child's machine gets fresh zeroed pages instead of
	 * copying the parent's freed ones on its first write (copy-on-write). */
	malloc_trim(0);
	if (results_init(&r, s) || results_read_dir(&r, a.dir)) {
		cli_error("sweep", "cannot read the results in %s: %s", a.dir, strerror(errno));
		results_release(&r);
		sweep_spec_free(s);
		return CLI_EXIT_FAILURE;
	}

	if (!a.collect) {
		size_t *todo = calloc(s->npoints, sizeof(*todo)), ntodo = 0, before = 0, mine = 0;
		for (size_t p = 0; todo && p < s->npoints; p++) {
			if (a.nshards && p % a.nshards != a.shard)
				continue;
			mine++;
			if (r.rows[p].line && r.rows[p].ok)
				before++;
			else
				todo[ntodo++] = p;
		}
		if (a.nshards)
			snprintf(path, sizeof(path), "%s/shard-%u-of-%u.jsonl", a.dir, a.shard,
				 a.nshards);
		else
			snprintf(path, sizeof(path), "%s/journal.jsonl", a.dir);
		int jfd = todo ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
		if (jfd < 0) {
			cli_error("sweep", "cannot open %s: %s", path, strerror(errno));
			free(todo);
			results_release(&r);
			sweep_spec_free(s);
			return CLI_EXIT_FAILURE;
		}
		unsigned jobs = a.jobs;
		if (!jobs) {
			long cores = sysconf(_SC_NPROCESSORS_ONLN);
			jobs = a.nshards ? 1 : cores > 0 ? (unsigned)cores : 1;
			if (jobs > MAX_WORKERS)
				jobs = MAX_WORKERS;
		}
		if (jobs > ntodo && ntodo)
			jobs = (unsigned)ntodo;
		struct sigaction sa = {0}, old_int, old_term;
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		size_t ran = 0, failed = 0;
		double t0 = now();
		rc = ntodo
			 ? run_points(&r, todo, ntodo, jobs ? jobs : 1, jfd, a.quiet, &ran, &failed)
			 : 0;
		double el = now() - t0;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		close(jfd);
		free(todo);
		if (a.nshards)
			printf(
			    "shard %u/%u: %zu points: %zu run now (%zu failed), %zu done before, "
			    "%.1f s on %u worker%s\n",
			    a.shard, a.nshards, mine, ran, failed, before, el, jobs,
			    jobs == 1 ? "" : "s");
		else if (ntodo)
			printf("%zu points: %zu run now (%zu failed), %zu done before, %.1f s on "
			       "%u worker%s\n",
			       s->npoints, ran, failed, before, el, jobs, jobs == 1 ? "" : "s");
		else
			printf("%zu points: all done before, nothing to run\n", s->npoints);
		if (rc == RUN_INTERRUPTED) {
			printf("interrupted: %zu of %zu points are done; run the same command "
			       "again to resume\n",
			       r.nok + r.nfailed, s->npoints);
			status = 130;
		} else if (rc) {
			cli_error("sweep", "%s: %s", path, vmsim_strerror(rc));
			status = CLI_EXIT_FAILURE;
		} else if (failed) {
			status = CLI_EXIT_FAILURE;
		}
		if (a.nshards) {
			results_release(&r);
			sweep_spec_free(s);
			return status;
		}
	}
	if (results_write(&r, a.dir)) {
		cli_error("sweep", "cannot write %s/results.csv and results.jsonl: %s", a.dir,
			  strerror(errno));
		status = CLI_EXIT_FAILURE;
	} else {
		if (a.collect)
			printf("collected %zu of %zu points: %zu ok, %zu failed, %zu missing\n",
			       r.nok + r.nfailed, s->npoints, r.nok, r.nfailed,
			       s->npoints - r.nok - r.nfailed);
		printf("results: %s/results.csv, %s/results.jsonl\n", a.dir, a.dir);
	}
	fflush(stdout);
	if (a.collect || (status == CLI_EXIT_FAILURE && r.nfailed))
		report_missing(&r, a.dir);
	if (a.collect && r.nok != s->npoints)
		status = CLI_EXIT_FAILURE;
	for (unsigned k = 0; k < a.nplots && status != 130; k++) {
		int prc = draw_plot(&r, a.plot[k], a.dir);
		if (prc && status == CLI_EXIT_OK)
			status = prc;
	}
	results_release(&r);
	sweep_spec_free(s);
	return status;
}
