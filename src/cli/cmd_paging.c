/*
 * vmsim paging: reference-string mode. Runs replacement policies alone over
 * a stream of page numbers with exactly N frames and prints their hits and
 * misses, as textbook exercises and cache-simulation studies do.
 *
 *	vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]]
 *	             [--format auto|text|u64] [--trace] [--seed S] [--tau T]
 *	             [--plot DIR] FILE|-
 *	vmsim paging --list
 *
 * Every policy runs with every frame count. LRU and OPT, stack algorithms,
 * get every frame count from one pass over the references
 * (src/workload/mrc.c): LRU whenever more than one count is asked for,
 * optionally sampled (--sample), OPT for more than 100 counts (its pass
 * costs about 100 single runs); both with --mrc. The other policies
 * simulate each count. Without OPT and --trace the
 * input is read once, in batches, and each batch goes to every simulation,
 * so a file of any length (or a pipe) is read exactly once in constant
 * memory; OPT needs the future and --trace shows runs one after the other,
 * so then the whole stream is loaded first. The simulation itself is
 * src/workload/paging.c; the readers are src/workload/refstring.c; --plot
 * draws the miss-ratio curves through src/report/plot.c.
 */
#include <errno.h>
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
#include "workload/mrc.h"
#include "workload/paging.h"
#include "workload/refstring.h"
#include "workload/trace.h"

#define NAME "paging"

#define USAGE                                                                                      \
	"usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]\n"              \
	"                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]\n"        \
	"                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-\n"                    \
	"       vmsim paging --list\n"

/* The help after USAGE: help_text, the trace format names, help_rest. */
static const char help_text[] =
    "\n"
    "Simulate page-replacement policies over a reference string (a sequence of\n"
    "page numbers) with exactly N frames, starting empty, and print references,\n"
    "hits, misses, hit ratio and compulsory (first-reference) misses.\n"
    "\n"
    "  FILE                  page numbers, decimal or 0x-hex, separated by newlines,\n"
    "                        spaces or commas, '#' comments; or raw little-endian\n"
    "                        uint64; or a memory-access trace (the pages of its\n"
    "                        loads and stores); '-' reads standard input\n"
    "  --policy NAME,...     policies to run (default lru); 'all' runs every one\n"
    "  --frames N,...        frame counts (default 3); A-B is every count from A to B\n"
    "  --mrc                 the whole LRU or OPT miss-ratio curve in one pass\n"
    "                        (stack distances); without --frames, every count from\n"
    "                        1 to the number of distinct pages. LRU uses the one-pass\n"
    "                        method anyway for several counts, OPT for more than 100\n"
    "  --sample RATE         one-pass LRU curve from a sample of the pages (SHARDS,\n"
    "                        RATE in (0, 1], e.g. 0.01): memory shrinks by RATE and\n"
    "                        the counts become estimates\n"
    "  --format FMT          auto (default: a vmsim trace if it is one, else binary\n"
    "                        if the first 4096 bytes hold a NUL byte and the size\n"
    "                        is a multiple of 8, else text), text, u64, or the\n"
    "                        trace formats ";

static const char help_rest[] =
    "\n"
    "  --fetch               traces: instruction fetches are references too\n"
    "  --page-size SIZE      traces: the page size that turns addresses into page\n"
    "                        numbers (default 4K; any power of two)\n"
    "  --trace               print every reference: hit or miss, the page evicted\n"
    "                        and the page in each frame afterwards\n"
    "  --seed S              seed of the random policy (default 1)\n"
    "  --tau T               window of ws and wsclock in references (default: the\n"
    "                        number of frames)\n"
    "  --plot DIR            draw the miss-ratio curves (misses against frames, one\n"
    "                        line per policy) into DIR/mrc.png and DIR/mrc.svg\n"
    "                        (needs gnuplot)\n"
    "  --log-x               the frames of --plot on a log-2 axis\n"
    "  --quiet               no progress bar (it is shown on a terminal only)\n"
    "  --list                list the policies with their definitions\n"
    "\n"
    "docs/POLICIES.md defines each policy exactly.\n";

#define MAX_POLICIES 64		/* entries of --policy */
#define MAX_FRAMES   4096	/* frame counts simulated one by one, ranges expanded */
#define MAX_POINTS   (1u << 26) /* frame counts of a one-pass curve */
#define BATCH	     (1 << 16)

static int usage_fail(void)
{
	fputs(USAGE, stderr);
	return CLI_EXIT_USAGE;
}

static int list_policies(void)
{
	const struct vmsim_policy_ops *const *p;
	size_t w = 0;

	for (p = vmsim_policy_list(); *p; p++)
		if (strlen((*p)->name) > w)
			w = strlen((*p)->name);
	for (p = vmsim_policy_list(); *p; p++)
		printf("%-*s  %s\n", (int)w, (*p)->name, (*p)->describe);
	return CLI_EXIT_OK;
}

/* Parse --policy: names separated by commas, or "all". */
static int parse_policies(const char *arg, const struct vmsim_policy_ops **ops /* out */,
			  size_t *n /* out */)
{
	char name[64];
	const char *s = arg, *comma;

	*n = 0;
	if (strcmp(arg, "all") == 0) {
		const struct vmsim_policy_ops *const *p;
		for (p = vmsim_policy_list(); *p; p++)
			ops[(*n)++] = *p;
		return 0;
	}
	for (;;) {
		size_t len;

		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (len == 0 || len >= sizeof(name)) {
			cli_error(NAME, "--policy '%s': expected a policy name before %s", arg,
				  comma ? "','" : "the end");
			return CLI_EXIT_USAGE;
		}
		memcpy(name, s, len);
		name[len] = '\0';
		if (*n == MAX_POLICIES) {
			cli_error(NAME, "--policy '%s': more than %d policies", arg, MAX_POLICIES);
			return CLI_EXIT_USAGE;
		}
		ops[*n] = vmsim_policy_find(name);
		if (!ops[*n] && strcmp(arg, name) == 0) {
			cli_error(NAME,
				  "--policy '%s': unknown policy (vmsim paging --list shows them)",
				  arg);
			return CLI_EXIT_USAGE;
		}
		if (!ops[*n]) {
			cli_error(NAME,
				  "--policy '%s': unknown policy '%s' (vmsim paging --list "
				  "shows them)",
				  arg, name);
			return CLI_EXIT_USAGE;
		}
		(*n)++;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* Parse one frame count @s of --frames (item @item of @arg, 0 if alone). */
static int parse_count(const char *arg, size_t item, const char *s, uint64_t *v)
{
	struct cli_error err;
	char what[600];

	if (item)
		snprintf(what, sizeof(what), "--frames '%s': item %zu", arg, item);
	else
		snprintf(what, sizeof(what), "--frames");
	if (cli_parse_u64(what, s, v, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (*v == 0 || *v > VMSIM_POLICY_MAX_FRAMES) {
		cli_error(NAME, "%s '%s': expected a number of frames from 1 to %zu", what, s,
			  (size_t)VMSIM_POLICY_MAX_FRAMES);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Parse --frames: counts N or ranges A-B separated by commas, at most
 * @max counts in all, into the new array *@frames (free() it). */
static int parse_frames(const char *arg, size_t max, size_t **frames /* out */, size_t *n /* out */)
{
	size_t cap = 0;

	char tok[128];
	const char *s = arg, *comma;
	size_t item = 0;
	bool several = strchr(arg, ',') != NULL;

	*n = 0;
	for (;;) {
		uint64_t lo, hi;
		char *dash;
		size_t len;
		int rc;

		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		item++;
		if (len >= sizeof(tok)) {
			cli_error(NAME, "--frames '%s': item %zu is too long", arg, item);
			return CLI_EXIT_USAGE;
		}
		memcpy(tok, s, len);
		tok[len] = '\0';
		dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if ((rc = parse_count(arg, several || dash ? item : 0, tok, &lo)) != 0)
			return rc;
		hi = lo;
		if (dash && (rc = parse_count(arg, item, dash + 1, &hi)) != 0)
			return rc;
		if (hi < lo) {
			cli_error(NAME, "--frames '%s': range %" PRIu64 "-%" PRIu64 " is empty",
				  arg, lo, hi);
			return CLI_EXIT_USAGE;
		}
		if (hi - lo >= max - *n) {
			cli_error(NAME, "--frames '%s': more than %zu frame counts%s", arg, max,
				  max == MAX_FRAMES ? " (one-pass LRU curves take more)" : "");
			return CLI_EXIT_USAGE;
		}
		if (*n + (hi - lo) + 1 > cap) {
			size_t *f;
			while (*n + (hi - lo) + 1 > cap)
				cap = cap ? 2 * cap : 16;
			f = realloc(*frames, cap * sizeof(*f));
			if (!f) {
				cli_error(NAME, "out of host memory");
				return CLI_EXIT_FAILURE;
			}
			*frames = f;
		}
		for (; lo <= hi; lo++)
			(*frames)[(*n)++] = (size_t)lo;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* ---- --trace ------------------------------------------------------------- */

struct trace_fmt {
	int wtime; /* width of the reference number column */
	int wpage; /* width of a page number */
};

static int digits(uint64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static void print_trace_line(const struct paging_event *ev, void *arg)
{
	const struct trace_fmt *tf = arg;
	int wevict = tf->wpage > 7 ? tf->wpage : 7;
	size_t f;

	printf("%*" PRIu64 "  %*" PRIu64 "  %-9s  ", tf->wtime, ev->time,
	       tf->wpage > 4 ? tf->wpage : 4, ev->page,
	       ev->hit		? "hit"
	       : ev->compulsory ? "cold miss"
				: "miss");
	if (ev->evicted)
		printf("%*" PRIu64, wevict, ev->victim);
	else
		printf("%*s", wevict, "-");
	fputs("  [", stdout);
	for (f = 0; f < ev->ncap; f++) {
		if (f)
			putchar(' ');
		if (ev->frame_used[f])
			printf("%*" PRIu64, tf->wpage, ev->frame_page[f]);
		else
			printf("%*s", tf->wpage, "-");
	}
	if (ev->nframes > ev->ncap) /* frames never used yet are not listed one by one */
		printf(" (%zu more empty)", ev->nframes - ev->ncap);
	putchar(']');
	if (ev->nexpired) {
		fputs("  left the working set:", stdout);
		for (f = 0; f < ev->nexpired; f++)
			printf(" %" PRIu64, ev->expired[f]);
	}
	putchar('\n');
}

static void print_trace_header(const struct vmsim_policy_ops *ops, size_t nframes,
			       const struct trace_fmt *tf)
{
	int wevict = tf->wpage > 7 ? tf->wpage : 7;

	printf("%s, %zu frame%s\n", ops->name, nframes, nframes == 1 ? "" : "s");
	printf("%*s  %*s  %-9s  %*s  %s\n", tf->wtime, "ref", tf->wpage > 4 ? tf->wpage : 4, "page",
	       "result", wevict, "evicted", "frames");
}

/* ---- the results ----------------------------------------------------------- */

struct opts {
	const struct vmsim_policy_ops *ops[MAX_POLICIES]; /* --policy */
	size_t nops;
	size_t *frames;		     /* --frames (malloc'd) */
	size_t nframes;		     /* entries of frames */
	bool frames_given;	     /* --frames was given */
	bool mrc;		     /* --mrc */
	double sample;		     /* --sample RATE; 1 when not given */
	enum refstring_format fmt;   /* --format */
	const char *trace_fmt;	     /* --format vmsim|lackey|champsim, or NULL */
	unsigned page_shift;	     /* --page-size, log2 */
	bool fetch;		     /* --fetch */
	bool trace;		     /* --trace */
	struct vmsim_policy_cfg cfg; /* --seed, --tau */
	const char *plot;	     /* --plot DIR, or NULL */
	bool logx;		     /* --log-x: the plot's frames on a log-2 axis */
	bool quiet;		     /* --quiet: no progress bar */
	struct cli_outputs *files;   /* the plot directory, checked before the run */
	const char *path;	     /* FILE */
};

/* Every run of one command: sims[i * nframes + j] is policy i with
 * frames[j] frames, NULL where the one-pass curve answers instead. */
struct runs {
	const struct opts *o;
	struct paging_sim **sims;
	struct mrc *curve;   /* one-pass LRU curve, or NULL */
	struct mrc *opt;     /* one-pass OPT curve, or NULL */
	struct progress bar; /* references simulated (all runs), on a terminal */
	uint64_t done;	     /* references fed so far, summed over the runs */
};

/* A reference count more done: redraw the bar. */
static void advance(struct runs *r, uint64_t n)
{
	r->done += n;
	progress_update(&r->bar, r->done);
}

/* progress_source_fn over a reference string: its file's bytes read. */
static bool input_progress(void *arg, uint64_t *done, uint64_t *total)
{
	return refstring_position(arg, done, total);
}

/* Whether @ops has a one-pass curve (a stack algorithm: LRU, OPT). */
static bool is_stack(const struct vmsim_policy_ops *ops)
{
	return strcmp(ops->name, "lru") == 0 || strcmp(ops->name, "opt") == 0;
}

/* OPT's one pass costs about as much as this many single OPT runs on a
 * skewed string (docs/PERFORMANCE.md), so fewer counts are run one by one. */
#define OPT_CURVE_MIN_COUNTS 100

/* Whether policy @ops is answered by a one-pass curve: LRU without
 * --trace, when several counts or --mrc/--sample ask; OPT with --mrc or
 * more than OPT_CURVE_MIN_COUNTS counts. */
static bool uses_curve(const struct opts *o, const struct vmsim_policy_ops *ops)
{
	if (!is_stack(ops) || o->trace)
		return false;
	if (strcmp(ops->name, "opt") == 0)
		return o->mrc || o->nframes > OPT_CURVE_MIN_COUNTS;
	return o->nframes > 1 || o->mrc || o->sample < 1.0;
}

/* The totals of policy @i with frames[@j] frames. */
static int row_stats(struct runs *r, size_t i, size_t j, struct paging_stats *st /* out */)
{
	const struct opts *o = r->o;
	struct paging_sim *sim = r->sims[i * o->nframes + j];
	uint64_t misses;

	struct mrc *curve = strcmp(o->ops[i]->name, "opt") == 0 ? r->opt : r->curve;

	if (sim) {
		*st = *paging_stats(sim);
		return 0;
	}
	if (mrc_misses(curve, o->frames[j], &misses) != 0)
		return VMSIM_ENOHOSTMEM;
	memset(st, 0, sizeof(*st));
	st->refs = mrc_refs(curve);
	st->misses = misses;
	st->hits = st->refs - misses;
	st->compulsory = mrc_distinct(curve);
	return 0;
}

/* ---- the totals table ------------------------------------------------------ */

#define NCOLS 7

/* The cells of one row. */
static int row_cells(struct runs *r, size_t i, size_t j, char cell[NCOLS][32], char resident[32])
{
	struct paging_stats st;

	if (row_stats(r, i, j, &st) != 0)
		return VMSIM_ENOHOSTMEM;
	snprintf(cell[0], 32, "%s", r->o->ops[i]->name);
	snprintf(cell[1], 32, "%zu", r->o->frames[j]);
	snprintf(cell[2], 32, "%" PRIu64, st.refs);
	snprintf(cell[3], 32, "%" PRIu64, st.hits);
	snprintf(cell[4], 32, "%" PRIu64, st.misses);
	if (st.refs)
		snprintf(cell[5], 32, "%.2f%%", 100.0 * (double)st.hits / (double)st.refs);
	else
		snprintf(cell[5], 32, "-");
	snprintf(cell[6], 32, "%" PRIu64, st.compulsory);
	if (st.refs)
		snprintf(resident, 32, "%.2f", (double)st.resident_sum / (double)st.refs);
	else
		snprintf(resident, 32, "-");
	return 0;
}

/* Print the table, in two passes over the rows (widths, then the rows), so
 * that a curve of millions of counts needs no memory per row. */
static int print_table(struct runs *r, bool with_resident)
{
	static const char *const head[NCOLS] = {"policy", "frames",    "references", "hits",
						"misses", "hit ratio", "compulsory"};
	const struct opts *o = r->o;
	char cell[NCOLS][32], resident[32];
	int w[NCOLS], wres = (int)strlen("mean resident");
	size_t i, j, c;

	for (c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(head[c]);
	for (i = 0; i < o->nops; i++) {
		for (j = 0; j < o->nframes; j++) {
			if (row_cells(r, i, j, cell, resident) != 0)
				return VMSIM_ENOHOSTMEM;
			for (c = 0; c < NCOLS; c++)
				if ((int)strlen(cell[c]) > w[c])
					w[c] = (int)strlen(cell[c]);
		}
	}
	printf("%-*s", w[0], head[0]);
	for (c = 1; c < NCOLS; c++)
		printf("  %*s", w[c], head[c]);
	if (with_resident)
		printf("  %s", "mean resident");
	putchar('\n');
	for (i = 0; i < o->nops; i++) {
		for (j = 0; j < o->nframes; j++) {
			if (row_cells(r, i, j, cell, resident) != 0)
				return VMSIM_ENOHOSTMEM;
			printf("%-*s", w[0], cell[0]);
			for (c = 1; c < NCOLS; c++)
				printf("  %*s", w[c], cell[c]);
			if (with_resident)
				printf("  %*s", wres, resident);
			putchar('\n');
		}
	}
	return 0;
}

/* ---- running ------------------------------------------------------------- */

/* Feed the whole of @pages (with next uses @next) to every simulation and
 * the curve. */
static int run_loaded(struct runs *r, const uint64_t *pages, const uint64_t *next, size_t n)
{
	const struct opts *o = r->o;
	struct trace_fmt tf = {.wtime = digits(n) > 3 ? digits(n) : 3, .wpage = 1};
	size_t i, nsims = o->nops * o->nframes;
	int rc;

	for (i = 0; i < n; i++)
		if (digits(pages[i]) > tf.wpage)
			tf.wpage = digits(pages[i]);
	if (r->curve && (rc = mrc_feed(r->curve, pages, n)) != 0)
		return rc;
	if (r->curve)
		advance(r, n);
	if (r->opt && (rc = mrc_feed_opt(r->opt, pages, next, n)) != 0)
		return rc;
	if (r->opt)
		advance(r, n);
	for (i = 0; i < nsims; i++) {
		struct paging_sim *sim = r->sims[i];

		if (!sim)
			continue;
		if (o->trace) {
			if ((rc = paging_set_trace(sim, print_trace_line, &tf)) != 0)
				return rc;
			print_trace_header(paging_policy(sim), paging_nframes(sim), &tf);
		}
		/* in batches, for the bar (next[] is absolute, so it splits) */
		for (size_t k = 0; k < n; k += BATCH) {
			size_t m = n - k < BATCH ? n - k : BATCH;
			if ((rc = paging_feed(sim, pages + k, next ? next + k : NULL, m)) != 0)
				return rc;
			advance(r, m);
		}
		if (o->trace)
			putchar('\n');
	}
	return 0;
}

/* Read @rs once in batches, feeding each batch to every simulation and
 * the curve. */
static int run_streamed(struct runs *r, struct refstring *rs, struct refstring_error *err)
{
	uint64_t *buf = malloc(BATCH * sizeof(*buf));
	size_t n, i, nsims = r->o->nops * r->o->nframes;
	int rc = 0;

	if (!buf)
		return VMSIM_ENOHOSTMEM;
	for (;;) {
		int rrc = refstring_read(rs, buf, BATCH, &n, err);
		if (r->curve)
			rc = mrc_feed(r->curve, buf, n);
		for (i = 0; i < nsims && rc == 0; i++)
			if (r->sims[i])
				rc = paging_feed(r->sims[i], buf, NULL, n);
		advance(r, n); /* the bar follows the file; the count is of references read */
		if (rrc != 0 || rc != 0 || n == 0) {
			rc = rrc ? rrc : rc;
			break;
		}
	}
	free(buf);
	return rc;
}

/*
 * --plot: the misses of every policy as curves against the frame counts,
 * sorted ascending (a count given twice is drawn once).
 */
static int plot_curves(struct runs *r)
{
	const struct opts *o = r->o;
	const char **names = calloc(o->nops, sizeof(*names));
	uint64_t *frames = malloc(o->nframes * sizeof(*frames));
	uint64_t *misses = malloc(o->nops * o->nframes * sizeof(*misses));
	size_t *order = malloc(o->nframes * sizeof(*order));
	struct plot_mrc m = {0};
	struct paging_stats st;
	char title[300], why[512];
	const char *base;
	size_t i, j, n = 0;
	int status = CLI_EXIT_FAILURE;

	if (o->files->plot_missing) {
		status = cli_outputs_plot_missing(o->files);
		goto out;
	}
	if (!names || !frames || !misses || !order) {
		cli_error(NAME, "out of host memory");
		goto out;
	}
	for (j = 0; j < o->nframes; j++) { /* sorted by insertion, unless already sorted */
		size_t k = n;
		if (n > 0 && o->frames[order[n - 1]] == o->frames[j])
			continue;
		if (n == 0 || o->frames[order[n - 1]] < o->frames[j]) {
			order[n++] = j;
			continue;
		}
		bool dup = false;
		for (i = 0; i < n; i++)
			dup |= o->frames[order[i]] == o->frames[j];
		if (dup)
			continue;
		while (k > 0 && o->frames[order[k - 1]] > o->frames[j]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = j;
		n++;
	}
	for (i = 0; i < o->nops; i++) {
		names[i] = o->ops[i]->name;
		for (j = 0; j < n; j++) {
			if (row_stats(r, i, order[j], &st) != 0) {
				cli_error(NAME, "out of host memory");
				goto out;
			}
			misses[i * n + j] = st.misses;
		}
	}
	for (j = 0; j < n; j++)
		frames[j] = o->frames[order[j]];
	if (row_stats(r, 0, 0, &st) != 0) {
		cli_error(NAME, "out of host memory");
		goto out;
	}
	base = strcmp(o->path, "-") == 0 ? "standard input" : strrchr(o->path, '/');
	base = base && base[0] == '/' ? base + 1 : base ? base : o->path;
	snprintf(title, sizeof(title), "Miss-ratio curves: %s, %" PRIu64 " references", base,
		 st.refs);
	m.title = title;
	m.npolicies = o->nops;
	m.policy = names;
	m.nframes = n;
	m.frames = frames;
	m.misses = misses;
	m.refs = st.refs;
	m.logx = o->logx;
	if (plot_mrc(&m, o->plot, "mrc", why, sizeof(why)) != 0) {
		cli_error(NAME, "--plot %s: %s", o->plot, why);
		goto out;
	}
	printf("plots written to %s/: mrc.png mrc.svg (script mrc.gp)\n", o->plot);
	status = CLI_EXIT_OK;
out:
	free(names);
	free(frames);
	free(misses);
	free(order);
	return status;
}

/* --mrc without --frames: every count from 1 to the distinct pages. */
static int frames_to_distinct(struct opts *o, const struct mrc *curve)
{
	uint64_t d = mrc_distinct(curve), k;
	size_t *f;

	if (d == 0)
		d = 1;
	if (d > MAX_POINTS) {
		cli_error(NAME,
			  "--mrc: %" PRIu64 " distinct pages, more than %u frame counts"
			  " (give --frames)",
			  d, MAX_POINTS);
		return CLI_EXIT_USAGE;
	}
	f = realloc(o->frames, (size_t)d * sizeof(*f));
	if (!f) {
		cli_error(NAME, "out of host memory");
		return CLI_EXIT_FAILURE;
	}
	for (k = 0; k < d; k++)
		f[k] = (size_t)k + 1;
	o->frames = f;
	o->nframes = (size_t)d;
	return 0;
}

static int run(struct opts *o)
{
	struct refstring_error err = {""};
	struct refstring *rs = NULL;
	struct runs r = {.o = o};
	uint64_t *pages = NULL, *next = NULL;
	size_t nsims = o->nops * o->nframes, npages = 0, i, j;
	bool future = false, seeded = false, windowed = false, variable = false;
	int rc, status = CLI_EXIT_FAILURE;

	for (i = 0; i < o->nops; i++) {
		bool curve = uses_curve(o, o->ops[i]);
		bool opt = strcmp(o->ops[i]->name, "opt") == 0;
		future |= (o->ops[i]->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0;
		seeded |= (o->ops[i]->flags & VMSIM_POLICY_USES_SEED) != 0;
		windowed |= (o->ops[i]->flags & VMSIM_POLICY_USES_TAU) != 0;
		variable |= o->ops[i]->expire != NULL;
		if (curve && !opt && !r.curve && mrc_new(&r.curve, o->sample) != 0)
			goto out_nomem;
		if (curve && opt && !r.opt && mrc_new_opt(&r.opt) != 0)
			goto out_nomem;
	}
	r.sims = calloc(nsims ? nsims : 1, sizeof(*r.sims));
	if (!r.sims)
		goto out_nomem;
	for (i = 0; i < o->nops; i++) {
		if (uses_curve(o, o->ops[i]))
			continue;
		for (j = 0; j < o->nframes; j++) {
			const struct vmsim_policy_ops *ops = o->ops[i];
			rc = paging_new(&r.sims[i * o->nframes + j], ops, o->frames[j], &o->cfg,
					(ops->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0);
			if (rc == VMSIM_ENOHOSTMEM)
				goto out_nomem;
			if (rc != 0) {
				cli_error(NAME, "policy '%s' with %zu frames: %s", ops->name,
					  o->frames[j], vmsim_strerror(rc));
				goto out;
			}
		}
	}

	if (o->trace_fmt || (o->fmt == REFSTRING_AUTO && refstring_is_vmsim_trace(o->path)))
		rc =
		    refstring_open_trace(&rs, o->path, o->trace_fmt, o->page_shift, o->fetch, &err);
	else
		rc = refstring_open(&rs, o->path, o->fmt, &err);
	if (rc != 0)
		goto out_err;
	if (future || o->trace) {
		rc = refstring_read_all(rs, &pages, &npages, &err);
		if (rc != 0)
			goto out_err;
		if (future && refstring_next_use(pages, npages, &next) != 0)
			goto out_nomem;
		/* every run reads the whole string: the total is known (--trace
		 * prints every reference itself: no bar) */
		size_t feeds = (r.curve != NULL) + (r.opt != NULL);
		for (i = 0; i < nsims; i++)
			feeds += r.sims[i] != NULL;
		cli_progress_init(&r.bar, o->quiet || o->trace, "references", npages * feeds);
		rc = run_loaded(&r, pages, next, npages);
	} else {
		cli_progress_init(&r.bar, o->quiet, "references", 0);
		progress_set_source(&r.bar, input_progress, rs);
		rc = run_streamed(&r, rs, &err);
	}
	progress_finish(&r.bar);
	if (rc == VMSIM_ENOHOSTMEM)
		goto out_nomem;
	if (rc != 0)
		goto out_err;

	if (o->mrc && !o->frames_given) {
		/* only curve policies run then (cmd_paging checks) */
		if ((status = frames_to_distinct(o, r.curve ? r.curve : r.opt)) != 0)
			goto out;
		status = CLI_EXIT_FAILURE;
		free(r.sims);
		r.sims = calloc(o->nops * o->nframes, sizeof(*r.sims));
		nsims = 0; /* none allocated */
		if (!r.sims)
			goto out_nomem;
	}
	if (print_table(&r, variable) != 0)
		goto out_nomem;
	if (r.curve && o->sample < 1.0)
		printf("lru: estimated from a %.4g%% sample of the pages (SHARDS)\n",
		       100.0 * o->sample);
	if (seeded)
		printf("seed: %" PRIu64 " (random)\n", o->cfg.seed);
	if (windowed) {
		if (o->cfg.tau)
			printf("tau: %" PRIu64 " references (ws, wsclock)\n", o->cfg.tau);
		else
			printf("tau: the number of frames (ws, wsclock; --tau sets it)\n");
	}
	status = CLI_EXIT_OK;
	if (o->plot)
		status = plot_curves(&r);
	goto out;

out_nomem:
	cli_error(NAME, "out of host memory");
	goto out;
out_err:
	cli_error(NAME, "%s", err.msg[0] ? err.msg : vmsim_strerror(rc));
out:
	if (r.sims)
		for (i = 0; i < nsims; i++)
			paging_free(r.sims[i]);
	free(r.sims);
	mrc_free(r.curve);
	mrc_free(r.opt);
	free(pages);
	free(next);
	refstring_close(rs);
	return status;
}

int cmd_paging(int argc, char **argv)
{
	static struct opts o; /* large: keep it off the stack */
	const char *policy_arg = "lru", *frames_arg = NULL, *format_arg = NULL, *seed_arg = NULL,
		   *tau_arg = NULL, *sample_arg = NULL, *page_size_arg = NULL;
	struct cli_error err;
	bool options_done = false;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.cfg.seed = 1;
	o.sample = 1.0;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_done && arg[0] == '-' && arg[1] != '\0') {
			int m;

			if (strcmp(arg, "--") == 0) {
				options_done = true;
				continue;
			}
			if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
				fputs(USAGE, stdout);
				char names[TRACE_FORMAT_NAMES_MAX];
				fputs(help_text, stdout);
				fputs(trace_format_names(names, sizeof(names), ", "), stdout);
				fputs(help_rest, stdout);
				return CLI_EXIT_OK;
			}
			if (strcmp(arg, "--list") == 0)
				return list_policies();
			if (strcmp(arg, "--trace") == 0) {
				o.trace = true;
				continue;
			}
			if (strcmp(arg, "--fetch") == 0) {
				o.fetch = true;
				continue;
			}
			if (strcmp(arg, "--mrc") == 0) {
				o.mrc = true;
				continue;
			}
			if (strcmp(arg, "--log-x") == 0) {
				o.logx = true;
				continue;
			}
			if (strcmp(arg, "--quiet") == 0) {
				o.quiet = true;
				continue;
			}
			m = cli_opt_value(argc, argv, &i, "--policy", &policy_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--plot", &o.plot);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--frames", &frames_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--format", &format_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--seed", &seed_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--tau", &tau_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--sample", &sample_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--page-size", &page_size_arg);
			if (m < 0) {
				cli_error(NAME, "option '%s' needs a value", arg);
				return usage_fail();
			}
			if (m > 0)
				continue;
			cli_error(NAME, "unknown option '%s'", arg);
			return usage_fail();
		}
		if (o.path) {
			cli_error(NAME, "unexpected argument '%s'", arg);
			return usage_fail();
		}
		o.path = arg;
	}
	if (!o.path) {
		cli_error(NAME, "missing FILE (a reference string, or - for standard input)");
		return usage_fail();
	}
	if (o.logx && !o.plot) {
		cli_error(NAME, "--log-x sets the axis of --plot: give --plot DIR too");
		return CLI_EXIT_USAGE;
	}

	if ((rc = parse_policies(policy_arg, o.ops, &o.nops)) != 0)
		return rc;
	if (sample_arg) {
		char *end;
		errno = 0;
		o.sample = strtod(sample_arg, &end);
		if (errno || end == sample_arg || *end || !(o.sample > 0.0 && o.sample <= 1.0) ||
		    o.sample * MRC_RATE_SCALE < 1.0) {
			cli_error(NAME,
				  "--sample '%s': expected a fraction of the pages, above 0 and at "
				  "most 1 (e.g. 0.01)",
				  sample_arg);
			return CLI_EXIT_USAGE;
		}
	}
	for (i = 0; i < (int)o.nops && (o.mrc || sample_arg); i++) {
		if (sample_arg && strcmp(o.ops[i]->name, "lru") != 0) {
			cli_error(NAME, "--sample: policy '%s' has no sampled curve (only lru)",
				  o.ops[i]->name);
			return CLI_EXIT_USAGE;
		}
		if (!is_stack(o.ops[i])) {
			cli_error(NAME,
				  "--mrc: policy '%s' is not a stack algorithm (only lru and opt "
				  "have a one-pass curve)",
				  o.ops[i]->name);
			return CLI_EXIT_USAGE;
		}
	}
	if ((o.mrc || sample_arg) && o.trace) {
		cli_error(NAME, "--trace shows single runs: it cannot go with %s",
			  o.mrc ? "--mrc" : "--sample");
		return CLI_EXIT_USAGE;
	}
	if (!format_arg || strcmp(format_arg, "auto") == 0) {
		o.fmt = REFSTRING_AUTO;
	} else if (strcmp(format_arg, "text") == 0) {
		o.fmt = REFSTRING_TEXT;
	} else if (strcmp(format_arg, "u64") == 0) {
		o.fmt = REFSTRING_U64;
	} else if (trace_format_find(format_arg)) {
		o.fmt = REFSTRING_TRACE;
		o.trace_fmt = format_arg;
	} else {
		char names[TRACE_FORMAT_NAMES_MAX];
		cli_error(NAME, "--format '%s': expected auto, text, u64, %s", format_arg,
			  trace_format_names(names, sizeof(names), " or "));
		return CLI_EXIT_USAGE;
	}
	o.page_shift = 12;
	if (page_size_arg) {
		uint64_t ps;
		if (cli_parse_size("--page-size", page_size_arg, &ps, &err) != 0) {
			cli_error(NAME, "%s", err.msg);
			return CLI_EXIT_USAGE;
		}
		if (ps == 0 || (ps & (ps - 1)) || ps > (1ULL << 40)) {
			cli_error(NAME, "--page-size '%s': expected a power of two up to 1T",
				  page_size_arg);
			return CLI_EXIT_USAGE;
		}
		for (o.page_shift = 0; (1ULL << o.page_shift) < ps; o.page_shift++)
			;
	}
	if (seed_arg && cli_parse_u64("--seed", seed_arg, &o.cfg.seed, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (tau_arg) {
		if (cli_parse_u64("--tau", tau_arg, &o.cfg.tau, &err) != 0) {
			cli_error(NAME, "%s", err.msg);
			return CLI_EXIT_USAGE;
		}
		if (o.cfg.tau == 0) {
			cli_error(NAME, "--tau '%s': expected a window of at least 1 reference",
				  tau_arg);
			return CLI_EXIT_USAGE;
		}
	}
	o.frames_given = frames_arg != NULL;
	if (!frames_arg)
		frames_arg = o.mrc ? "1" : "3";
	{
		bool all_curve = !o.trace;
		size_t k;
		for (k = 0; k < o.nops; k++)
			all_curve &= is_stack(o.ops[k]);
		rc = parse_frames(frames_arg, all_curve ? MAX_POINTS : MAX_FRAMES, &o.frames,
				  &o.nframes);
		if (rc != 0) {
			free(o.frames);
			return rc;
		}
	}
	static struct cli_outputs files; /* --plot DIR checked before the run */
	if ((rc = cli_outputs_open(&files, NAME, NULL, NULL, o.plot))) {
		free(o.frames);
		return rc;
	}
	o.files = &files;
	rc = run(&o);
	cli_outputs_abandon(&files);
	free(o.frames);
	return rc;
}
