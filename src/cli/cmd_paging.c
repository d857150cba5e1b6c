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
 * Every policy runs with every frame count. Without OPT and --trace the
 * input is read once, in batches, and each batch goes to every simulation,
 * so a file of any length (or a pipe) is read exactly once in constant
 * memory; OPT needs the future and --trace shows runs one after the other,
 * so then the whole stream is loaded first. The simulation itself is
 * src/workload/paging.c; the readers are src/workload/refstring.c; --plot
 * draws the miss-ratio curves through src/report/plot.c.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/plot.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "workload/paging.h"
#include "workload/refstring.h"

#define NAME "paging"

#define USAGE                                                                                      \
	"usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]]\n"                      \
	"                    [--format auto|text|u64] [--trace] [--seed S] [--tau T] FILE|-\n"     \
	"       vmsim paging --list\n"

static const char help_text[] =
    "\n"
    "Simulate page-replacement policies over a reference string (a sequence of\n"
    "page numbers) with exactly N frames, starting empty, and print references,\n"
    "hits, misses, hit ratio and compulsory (first-reference) misses.\n"
    "\n"
    "  FILE                  page numbers, decimal or 0x-hex, separated by newlines,\n"
    "                        spaces or commas, '#' comments; or raw little-endian\n"
    "                        uint64; '-' reads standard input\n"
    "  --policy NAME,...     policies to run (default lru); 'all' runs every one\n"
    "  --frames N,...        frame counts (default 3); A-B is every count from A to B\n"
    "  --format FMT          auto (default: binary if the first 4096 bytes hold a\n"
    "                        NUL byte and the size is a multiple of 8), text or u64\n"
    "  --trace               print every reference: hit or miss, the page evicted\n"
    "                        and the page in each frame afterwards\n"
    "  --seed S              seed of the random policy (default 1)\n"
    "  --tau T               window of ws and wsclock in references (default: the\n"
    "                        number of frames)\n"
    "  --plot DIR            draw the miss-ratio curves (misses against frames, one\n"
    "                        line per policy) into DIR/mrc.png and DIR/mrc.svg\n"
    "                        (needs gnuplot)\n"
    "  --list                list the policies with their definitions\n"
    "\n"
    "docs/POLICIES.md defines each policy exactly.\n";

#define MAX_POLICIES 64	  /* entries of --policy */
#define MAX_FRAMES   4096 /* entries of --frames, ranges expanded */
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

/* Parse --frames: counts N or ranges A-B separated by commas. */
static int parse_frames(const char *arg, size_t *frames /* out */, size_t *n /* out */)
{
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
		if (hi - lo >= MAX_FRAMES - *n) {
			cli_error(NAME, "--frames '%s': more than %d frame counts", arg,
				  MAX_FRAMES);
			return CLI_EXIT_USAGE;
		}
		for (; lo <= hi; lo++)
			frames[(*n)++] = (size_t)lo;
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
	for (f = 0; f < ev->nframes; f++) {
		if (f)
			putchar(' ');
		if (ev->frame_used[f])
			printf("%*" PRIu64, tf->wpage, ev->frame_page[f]);
		else
			printf("%*s", tf->wpage, "-");
	}
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

/* ---- the totals table ------------------------------------------------------ */

#define NCOLS 7

static void print_table(struct paging_sim **sims, size_t nsims, bool with_resident)
{
	static const char *const head[NCOLS] = {"policy", "frames",    "references", "hits",
						"misses", "hit ratio", "compulsory"};
	char(*cell)[NCOLS][32] = malloc((nsims ? nsims : 1) * sizeof(*cell));
	char resident[32];
	int w[NCOLS], wres = (int)strlen("mean resident");
	size_t i, c;

	if (!cell) {
		cli_error(NAME, "out of host memory");
		return;
	}
	for (c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(head[c]);
	for (i = 0; i < nsims; i++) {
		const struct paging_stats *st = paging_stats(sims[i]);

		snprintf(cell[i][0], 32, "%s", paging_policy(sims[i])->name);
		snprintf(cell[i][1], 32, "%zu", paging_nframes(sims[i]));
		snprintf(cell[i][2], 32, "%" PRIu64, st->refs);
		snprintf(cell[i][3], 32, "%" PRIu64, st->hits);
		snprintf(cell[i][4], 32, "%" PRIu64, st->misses);
		if (st->refs)
			snprintf(cell[i][5], 32, "%.2f%%",
				 100.0 * (double)st->hits / (double)st->refs);
		else
			snprintf(cell[i][5], 32, "-");
		snprintf(cell[i][6], 32, "%" PRIu64, st->compulsory);
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(cell[i][c]) > w[c])
				w[c] = (int)strlen(cell[i][c]);
	}
	printf("%-*s", w[0], head[0]);
	for (c = 1; c < NCOLS; c++)
		printf("  %*s", w[c], head[c]);
	if (with_resident)
		printf("  %s", "mean resident");
	putchar('\n');
	for (i = 0; i < nsims; i++) {
		const struct paging_stats *st = paging_stats(sims[i]);

		printf("%-*s", w[0], cell[i][0]);
		for (c = 1; c < NCOLS; c++)
			printf("  %*s", w[c], cell[i][c]);
		if (with_resident) {
			if (st->refs)
				snprintf(resident, sizeof(resident), "%.2f",
					 (double)st->resident_sum / (double)st->refs);
			else
				snprintf(resident, sizeof(resident), "-");
			printf("  %*s", wres, resident);
		}
		putchar('\n');
	}
	free(cell);
}

/* ---- running ------------------------------------------------------------- */

struct opts {
	const struct vmsim_policy_ops *ops[MAX_POLICIES]; /* --policy */
	size_t nops;
	size_t frames[MAX_FRAMES]; /* --frames */
	size_t nframes;
	enum refstring_format fmt;   /* --format */
	bool trace;		     /* --trace */
	struct vmsim_policy_cfg cfg; /* --seed, --tau */
	const char *plot;	     /* --plot DIR, or NULL */
	const char *path;	     /* FILE */
};

/* Feed the whole of @pages (with next uses @next) to every simulation. */
static int run_loaded(struct paging_sim **sims, size_t nsims, const uint64_t *pages,
		      const uint64_t *next, size_t n, const struct opts *o)
{
	struct trace_fmt tf = {.wtime = digits(n) > 3 ? digits(n) : 3, .wpage = 1};
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if (digits(pages[i]) > tf.wpage)
			tf.wpage = digits(pages[i]);
	for (i = 0; i < nsims; i++) {
		if (o->trace) {
			if ((rc = paging_set_trace(sims[i], print_trace_line, &tf)) != 0)
				return rc;
			print_trace_header(paging_policy(sims[i]), paging_nframes(sims[i]), &tf);
		}
		if ((rc = paging_feed(sims[i], pages, next, n)) != 0)
			return rc;
		if (o->trace)
			putchar('\n');
	}
	return 0;
}

/* Read @rs once in batches, feeding each batch to every simulation. */
static int run_streamed(struct paging_sim **sims, size_t nsims, struct refstring *rs,
			struct refstring_error *err)
{
	uint64_t *buf = malloc(BATCH * sizeof(*buf));
	size_t n, i;
	int rc = 0;

	if (!buf)
		return VMSIM_ENOHOSTMEM;
	for (;;) {
		int rrc = refstring_read(rs, buf, BATCH, &n, err);
		for (i = 0; i < nsims && rc == 0; i++)
			rc = paging_feed(sims[i], buf, NULL, n);
		if (rrc != 0 || rc != 0 || n == 0) {
			rc = rrc ? rrc : rc;
			break;
		}
	}
	free(buf);
	return rc;
}

/*
 * --plot: the misses of sims[policy * nframes + j] as curves against the
 * frame counts, sorted ascending (a count given twice is drawn once).
 */
static int plot_curves(struct paging_sim **sims, const struct opts *o)
{
	const char **names = calloc(o->nops, sizeof(*names));
	uint64_t *frames = malloc(o->nframes * sizeof(*frames));
	uint64_t *misses = malloc(o->nops * o->nframes * sizeof(*misses));
	size_t *order = malloc(o->nframes * sizeof(*order));
	struct plot_mrc m = {0};
	char title[300], why[512];
	const char *base;
	size_t i, j, n = 0;
	int status = CLI_EXIT_FAILURE;

	if (!names || !frames || !misses || !order) {
		cli_error(NAME, "out of host memory");
		goto out;
	}
	for (j = 0; j < o->nframes; j++) { /* insertion sort of the indices */
		size_t k = n;
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
		for (j = 0; j < n; j++)
			misses[i * n + j] = paging_stats(sims[i * o->nframes + order[j]])->misses;
	}
	for (j = 0; j < n; j++)
		frames[j] = o->frames[order[j]];
	base = strcmp(o->path, "-") == 0 ? "standard input" : strrchr(o->path, '/');
	base = base && base[0] == '/' ? base + 1 : base ? base : o->path;
	snprintf(title, sizeof(title), "Miss-ratio curves: %s, %" PRIu64 " references", base,
		 paging_stats(sims[0])->refs);
	m.title = title;
	m.npolicies = o->nops;
	m.policy = names;
	m.nframes = n;
	m.frames = frames;
	m.misses = misses;
	m.refs = paging_stats(sims[0])->refs;
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

static int run(const struct opts *o)
{
	struct refstring_error err = {""};
	struct refstring *rs = NULL;
	struct paging_sim **sims;
	uint64_t *pages = NULL, *next = NULL;
	size_t nsims = o->nops * o->nframes, npages = 0, i, j;
	bool future = false, seeded = false, windowed = false, variable = false;
	int rc, status = CLI_EXIT_FAILURE;

	for (i = 0; i < o->nops; i++) {
		future |= (o->ops[i]->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0;
		seeded |= (o->ops[i]->flags & VMSIM_POLICY_USES_SEED) != 0;
		windowed |= (o->ops[i]->flags & VMSIM_POLICY_USES_TAU) != 0;
		variable |= o->ops[i]->expire != NULL;
	}
	sims = calloc(nsims, sizeof(*sims));
	if (!sims)
		goto out_nomem;
	for (i = 0; i < o->nops; i++) {
		for (j = 0; j < o->nframes; j++) {
			const struct vmsim_policy_ops *ops = o->ops[i];
			rc = paging_new(&sims[i * o->nframes + j], ops, o->frames[j], &o->cfg,
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

	rc = refstring_open(&rs, o->path, o->fmt, &err);
	if (rc != 0)
		goto out_err;
	if (future || o->trace) {
		rc = refstring_read_all(rs, &pages, &npages, &err);
		if (rc != 0)
			goto out_err;
		if (future && refstring_next_use(pages, npages, &next) != 0)
			goto out_nomem;
		rc = run_loaded(sims, nsims, pages, next, npages, o);
	} else {
		rc = run_streamed(sims, nsims, rs, &err);
	}
	if (rc == VMSIM_ENOHOSTMEM)
		goto out_nomem;
	if (rc != 0)
		goto out_err;

	print_table(sims, nsims, variable);
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
		status = plot_curves(sims, o);
	goto out;

out_nomem:
	cli_error(NAME, "out of host memory");
	goto out;
out_err:
	cli_error(NAME, "%s", err.msg[0] ? err.msg : vmsim_strerror(rc));
out:
	if (sims)
		for (i = 0; i < nsims; i++)
			paging_free(sims[i]);
	free(sims);
	free(pages);
	free(next);
	refstring_close(rs);
	return status;
}

int cmd_paging(int argc, char **argv)
{
	static struct opts o; /* large: keep it off the stack */
	const char *policy_arg = "lru", *frames_arg = "3", *format_arg = NULL, *seed_arg = NULL,
		   *tau_arg = NULL;
	struct cli_error err;
	bool options_done = false;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.cfg.seed = 1;
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
				fputs(help_text, stdout);
				return CLI_EXIT_OK;
			}
			if (strcmp(arg, "--list") == 0)
				return list_policies();
			if (strcmp(arg, "--trace") == 0) {
				o.trace = true;
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

	if ((rc = parse_policies(policy_arg, o.ops, &o.nops)) != 0)
		return rc;
	if ((rc = parse_frames(frames_arg, o.frames, &o.nframes)) != 0)
		return rc;
	if (!format_arg || strcmp(format_arg, "auto") == 0) {
		o.fmt = REFSTRING_AUTO;
	} else if (strcmp(format_arg, "text") == 0) {
		o.fmt = REFSTRING_TEXT;
	} else if (strcmp(format_arg, "u64") == 0) {
		o.fmt = REFSTRING_U64;
	} else {
		cli_error(NAME, "--format '%s': expected auto, text or u64", format_arg);
		return CLI_EXIT_USAGE;
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
	return run(&o);
}
