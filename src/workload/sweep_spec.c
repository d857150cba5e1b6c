/*
 * Sweep specs: the parser and the expander (the language is documented in
 * docs/FORMATS.md, "Sweep specs"). A spec is line based, one statement a
 * line, '#' starting a comment:
 *
 *	axis l1d_entries = 16 32 64 128     # or a range: 16..128*2
 *	axis page_size = 4k 2m
 *	set cpu = skylake                   # the same for every point
 *	workload trace ../data/sort.vmt     # traces (or a glob), scenarios, generators
 *	metric walks_per_1k = 1000 * system.mmu.walk.walks / system.mmu.translations
 *	seeds 1 2                           # an axis of the seed setting
 *	repeat 1
 *	exclude page_size=2m l1d_entries=16
 *
 * The parser checks the syntax and the names the spec itself defines (axis
 * settings are known, exclusions name axes and their values); every error
 * is "name:line:col: expected ..." and stops the parse. Values are checked
 * against the machine by sweep_spec_check (sweep_run.c).
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/sweep.h"

/* ---- memory: every string of a spec comes from one list of blocks ------- */

struct sweep_alloc {
	struct sweep_alloc *next;
	char data[]; /* the bytes handed out */
};

static void *spec_alloc(struct sweep_spec *s, size_t n)
{
	struct sweep_alloc *a = calloc(1, sizeof(*a) + n);
	if (!a)
		return NULL;
	a->next = s->allocs;
	s->allocs = a;
	return a->data;
}

static char *spec_strndup(struct sweep_spec *s, const char *p, size_t n)
{
	char *d = spec_alloc(s, n + 1);
	if (d)
		memcpy(d, p, n);
	return d;
}

/* Grow the array *@arr of *@n elements of @size bytes by one (zeroed);
 * returns the new element or NULL. */
static void *push(void **arr, size_t *n, size_t size)
{
	char *a = realloc(*arr, (*n + 1) * size);
	if (!a)
		return NULL;
	memset(a + *n * size, 0, size);
	*arr = a;
	return a + (*n)++ * size;
}

void sweep_spec_free(struct sweep_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->naxes; i++) {
		free(s->axes[i].values);
		free(s->axes[i].vpos);
	}
	for (size_t i = 0; i < s->nmetrics; i++)
		free(s->metrics[i].terms);
	for (size_t i = 0; i < s->nexcludes; i++) {
		free(s->excludes[i].axis);
		free(s->excludes[i].value);
	}
	free(s->fixed);
	free(s->workloads);
	free(s->metrics);
	free(s->excludes);
	free(s->points);
	while (s->allocs) {
		struct sweep_alloc *a = s->allocs;
		s->allocs = a->next;
		free(a);
	}
	free(s);
}

/* ---- the line cursor -------------------------------------------------------- */

struct lex {
	struct sweep_spec *s;
	const char *line; /* the current line, not NUL-terminated */
	size_t len;	  /* its bytes */
	size_t pos;	  /* next byte */
	unsigned lineno;  /* from 1 */
	char *err;	  /* message buffer */
	size_t errlen;
};

static unsigned col(const struct lex *lx)
{
	return (unsigned)lx->pos + 1;
}

static void skip_space(struct lex *lx)
{
	while (lx->pos < lx->len && (lx->line[lx->pos] == ' ' || lx->line[lx->pos] == '\t'))
		lx->pos++;
}

/* At the end of the line (a comment counts as the end)? */
static bool at_end(struct lex *lx)
{
	skip_space(lx);
	return lx->pos >= lx->len || lx->line[lx->pos] == '#';
}

/* The text at the cursor, for "found '...'". */
static void found(const struct lex *lx, size_t at, char *buf, size_t len)
{
	size_t n = 0;
	while (at + n < lx->len && lx->line[at + n] != ' ' && lx->line[at + n] != '\t' && n < 40)
		n++;
	if (at >= lx->len || lx->line[at] == '#')
		snprintf(buf, len, "the end of the line");
	else
		snprintf(buf, len, "'%.*s'", (int)n, lx->line + at);
}

static int fail_at(struct lex *lx, unsigned c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct lex *lx, unsigned c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(lx->err, lx->errlen, "%s:%u:%u: ", lx->s->name, lx->lineno, c);
	if (n < 0 || (size_t)n >= lx->errlen)
		return VMSIM_EPARSE;
	va_start(ap, fmt);
	vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return VMSIM_EPARSE;
}

/* "expected WHAT, found X" at the cursor. */
static int expected(struct lex *lx, const char *what)
{
	char f[64];
	skip_space(lx);
	found(lx, lx->pos, f, sizeof(f));
	return fail_at(lx, col(lx), "expected %s, found %s", what, f);
}

/* A word: bytes up to a space, a tab, or one of @stops. Returns its length
 * (0 at the end of the line) and its column. */
static size_t word(struct lex *lx, const char *stops, const char **w, unsigned *c)
{
	skip_space(lx);
	*w = lx->line + lx->pos;
	*c = col(lx);
	size_t start = lx->pos;
	if (lx->pos < lx->len && lx->line[lx->pos] == '#')
		return 0;
	while (lx->pos < lx->len && lx->line[lx->pos] != ' ' && lx->line[lx->pos] != '\t' &&
	       !strchr(stops, lx->line[lx->pos]))
		lx->pos++;
	return lx->pos - start;
}

static bool is_name(const char *w, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)w[0]) || w[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)w[i]) || w[i] == '_'))
			return false;
	return true;
}

static int eat(struct lex *lx, char c, const char *what)
{
	skip_space(lx);
	if (lx->pos < lx->len && lx->line[lx->pos] == c) {
		lx->pos++;
		return 0;
	}
	return expected(lx, what);
}

/* ---- axes ------------------------------------------------------------------ */

static int find_axis(const struct sweep_spec *s, const char *name)
{
	for (size_t i = 0; i < s->naxes; i++)
		if (!strcmp(s->axes[i].name, name))
			return (int)i;
	return -1;
}

/* A number with an optional binary suffix K, M, G, T: *@v and whether a
 * suffix was written. */
static bool range_number(const char *p, size_t n, uint64_t *v, bool *suffixed)
{
	uint64_t x = 0, mult = 1;
	size_t i = 0;
	if (n == 0 || !isdigit((unsigned char)p[0]))
		return false;
	for (; i < n && isdigit((unsigned char)p[i]); i++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*suffixed = false;
	if (i + 1 == n) {
		switch (toupper((unsigned char)p[i])) {
		case 'K':
			mult = 1ull << 10;
			break;
		case 'M':
			mult = 1ull << 20;
			break;
		case 'G':
			mult = 1ull << 30;
			break;
		case 'T':
			mult = 1ull << 40;
			break;
		default:
			return false;
		}
		*suffixed = true;
		i++;
	}
	if (i != n || x > UINT64_MAX / mult)
		return false;
	*v = x * mult;
	return true;
}

static void format_number(uint64_t v, bool suffixed, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	if (suffixed && v)
		for (int u = 0; u < 4; u++) {
			unsigned shift = (unsigned)(40 - 10 * u);
			if (v % (1ull << shift) == 0) {
				snprintf(buf, len, "%llu%c", (unsigned long long)(v >> shift),
					 units[u]);
				return;
			}
		}
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int add_value(struct lex *lx, struct sweep_axis *a, const char *v, size_t n, unsigned c)
{
	size_t k = a->nvalues;
	if (k >= SWEEP_MAX_VALUES)
		return fail_at(lx, c, "axis %s has more than %d values", a->name, SWEEP_MAX_VALUES);
	for (size_t i = 0; i < k; i++)
		if (strlen(a->values[i]) == n && !memcmp(a->values[i], v, n))
			return fail_at(lx, c, "value '%.*s' is already on axis %s (column %u)",
				       (int)n, v, a->name, a->vpos[i].col);
	char **vals = realloc(a->values, (k + 1) * sizeof(*vals));
	if (!vals)
		return VMSIM_ENOHOSTMEM;
	a->values = vals;
	struct sweep_pos *pos = realloc(a->vpos, (k + 1) * sizeof(*pos));
	if (!pos)
		return VMSIM_ENOHOSTMEM;
	a->vpos = pos;
	if (!(a->values[k] = spec_strndup(lx->s, v, n)))
		return VMSIM_ENOHOSTMEM;
	a->vpos[k] = (struct sweep_pos){lx->lineno, c};
	a->nvalues++;
	return 0;
}

/* "LO..HI", "LO..HI*K" (times K) or "LO..HI+K" (plus K; default +1). */
static int add_range(struct lex *lx, struct sweep_axis *a, const char *w, size_t n, unsigned c)
{
	const char *dots = strstr(w, "..");
	size_t lo_n = (size_t)(dots - w);
	const char *hi = dots + 2;
	size_t rest = n - lo_n - 2, hi_n = rest;
	uint64_t lo, top, step = 1;
	bool lo_suf, hi_suf, step_suf, mul = false;
	const char *op = NULL;

	for (size_t i = 0; i < rest; i++)
		if (hi[i] == '*' || hi[i] == '+') {
			op = hi + i;
			hi_n = i;
			break;
		}
	if (!range_number(w, lo_n, &lo, &lo_suf) || !range_number(hi, hi_n, &top, &hi_suf) ||
	    (op && !range_number(op + 1, rest - hi_n - 1, &step, &step_suf)))
		return fail_at(lx, c,
			       "expected a range such as 16..256*2 or 1..8 or 1M..4M+1M, found "
			       "'%.*s'",
			       (int)n, w);
	mul = op && *op == '*';
	if (lo > top)
		return fail_at(lx, c, "range '%.*s' runs downwards (expected LO <= HI)", (int)n, w);
	if ((mul && (step < 2 || lo == 0)) || (!mul && step == 0))
		return fail_at(lx, c, "range '%.*s' does not advance (expected %s)", (int)n, w,
			       mul ? "*K with K >= 2 from a non-zero start" : "+K with K >= 1");
	for (uint64_t v = lo;;) {
		char buf[32];
		int rc;
		format_number(v, lo_suf || hi_suf, buf, sizeof(buf));
		if ((rc = add_value(lx, a, buf, strlen(buf), c)))
			return rc;
		if (mul ? v > top / step : v > top - step)
			break;
		v = mul ? v * step : v + step;
		if (v > top)
			break;
	}
	return 0;
}

/* The values of an axis, to the end of the line. */
static int axis_values(struct lex *lx, struct sweep_axis *a)
{
	int rc;
	if (at_end(lx))
		return expected(lx, "one value or more");
	while (!at_end(lx)) {
		const char *w;
		unsigned c;
		size_t n = word(lx, ",", &w, &c);
		if (n == 0) { /* a comma */
			lx->pos++;
			continue;
		}
		bool range = false;
		for (size_t i = 0; i + 1 < n; i++)
			if (w[i] == '.' && w[i + 1] == '.')
				range = true;
		rc = range ? add_range(lx, a, w, n, c) : add_value(lx, a, w, n, c);
		if (rc)
			return rc;
	}
	return 0;
}

static int new_axis(struct lex *lx, const char *name, size_t n, unsigned c, struct sweep_axis **out)
{
	struct sweep_spec *s = lx->s;
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)n, name);
	if (!is_name(name, n))
		return fail_at(lx, c, "expected a setting name, found '%.*s'", (int)n, name);
	if (!sweep_setting_known(key)) {
		char names[1024];
		sweep_setting_names(names, sizeof(names));
		return fail_at(lx, c, "unknown machine setting '%s' (expected one of %s)", key,
			       names);
	}
	int dup = find_axis(s, key);
	if (dup >= 0)
		return fail_at(lx, c, "axis %s is already defined on line %u", key,
			       s->axes[dup].pos.line);
	for (size_t i = 0; i < s->nfixed; i++)
		if (!strcmp(s->fixed[i].key, key))
			return fail_at(lx, c, "%s is already set for every point on line %u", key,
				       s->fixed[i].pos.line);
	if (s->naxes >= SWEEP_MAX_AXES)
		return fail_at(lx, c, "more than %d axes", SWEEP_MAX_AXES);
	struct sweep_axis *a = &s->axes[s->naxes++];
	if (!(a->name = spec_strndup(s, key, strlen(key))))
		return VMSIM_ENOHOSTMEM;
	a->pos = (struct sweep_pos){lx->lineno, c};
	*out = a;
	return 0;
}

/* axis NAME = VALUES */
static int st_axis(struct lex *lx)
{
	const char *w;
	unsigned c;
	size_t n = word(lx, "=", &w, &c);
	struct sweep_axis *a;
	int rc;
	if (n == 0)
		return expected(lx, "the name of a machine setting");
	if ((rc = new_axis(lx, w, n, c, &a)))
		return rc;
	if ((rc = eat(lx, '=', "'=' after the axis name")))
		return rc;
	return axis_values(lx, a);
}

/* seeds VALUES: an axis of the seed */
static int st_seeds(struct lex *lx)
{
	struct sweep_axis *a;
	int rc = new_axis(lx, "seed", 4, col(lx), &a);
	if (rc)
		return rc;
	return axis_values(lx, a);
}

/* set KEY = VALUE */
static int st_set(struct lex *lx)
{
	struct sweep_spec *s = lx->s;
	const char *w, *v;
	unsigned c, vc;
	size_t n = word(lx, "=", &w, &c);
	int rc;
	char key[64];
	if (n == 0)
		return expected(lx, "the name of a machine setting");
	snprintf(key, sizeof(key), "%.*s", (int)n, w);
	if (!is_name(w, n) || !sweep_setting_known(key)) {
		char names[1024];
		sweep_setting_names(names, sizeof(names));
		return fail_at(lx, c, "unknown machine setting '%s' (expected one of %s)", key,
			       names);
	}
	if (find_axis(s, key) >= 0)
		return fail_at(lx, c, "%s is already an axis (line %u)", key,
			       s->axes[find_axis(s, key)].pos.line);
	for (size_t i = 0; i < s->nfixed; i++)
		if (!strcmp(s->fixed[i].key, key))
			return fail_at(lx, c, "%s is already set on line %u", key,
				       s->fixed[i].pos.line);
	if ((rc = eat(lx, '=', "'=' after the setting")))
		return rc;
	size_t vn = word(lx, "", &v, &vc);
	if (vn == 0)
		return expected(lx, "a value");
	if (!at_end(lx))
		return expected(lx, "the end of the line (one value per set line)");
	struct sweep_fixed *f = push((void **)&s->fixed, &s->nfixed, sizeof(*f));
	if (!f)
		return VMSIM_ENOHOSTMEM;
	f->key = spec_strndup(s, key, strlen(key));
	f->val = spec_strndup(s, v, vn);
	f->pos = (struct sweep_pos){lx->lineno, c};
	return f->key && f->val ? 0 : VMSIM_ENOHOSTMEM;
}

/* repeat N */
static int st_repeat(struct lex *lx)
{
	const char *w;
	unsigned c;
	size_t n = word(lx, "", &w, &c);
	unsigned long v = 0;
	for (size_t i = 0; i < n && v <= 1000; i++)
		v = isdigit((unsigned char)w[i]) ? v * 10 + (unsigned long)(w[i] - '0') : 10000;
	if (n == 0 || v < 1 || v > 1000) {
		lx->pos -= n;
		return expected(lx, "a number of repetitions from 1 to 1000");
	}
	if (!at_end(lx))
		return expected(lx, "the end of the line");
	lx->s->repeat = (unsigned)v;
	return 0;
}

/* ---- workloads ------------------------------------------------------------- */

static int check_label(struct lex *lx, const char *label, unsigned c)
{
	struct sweep_spec *s = lx->s;
	if (!*label)
		return fail_at(lx, c, "a workload needs a non-empty label");
	for (const char *p = label; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == ',' || *p == '"' || *p == '=')
			return fail_at(lx, c,
				       "label '%s' has a space, comma, quote or '=' (name it with "
				       "'as LABEL')",
				       label);
	for (size_t i = 0; i < s->nworkloads; i++)
		if (!strcmp(s->workloads[i].label, label))
			return fail_at(lx, c,
				       "label '%s' already names the workload of line %u (name "
				       "this one with 'as LABEL')",
				       label, s->workloads[i].pos.line);
	return 0;
}

static int add_workload(struct lex *lx, enum sweep_workload_kind kind, const char *what,
			const char *size, const char *label, struct sweep_pos pos, unsigned lc)
{
	struct sweep_spec *s = lx->s;
	int rc = check_label(lx, label, lc);
	if (rc)
		return rc;
	struct sweep_workload *wl = push((void **)&s->workloads, &s->nworkloads, sizeof(*wl));
	if (!wl)
		return VMSIM_ENOHOSTMEM;
	wl->kind = kind;
	wl->what = spec_strndup(s, what, strlen(what));
	wl->size = size ? spec_strndup(s, size, strlen(size)) : NULL;
	wl->label = spec_strndup(s, label, strlen(label));
	wl->pos = pos;
	return wl->what && wl->label && (!size || wl->size) ? 0 : VMSIM_ENOHOSTMEM;
}

/* The default label of a file: its name without directories and known
 * extensions ("../data/sort.vmt" -> "sort"). */
static void file_label(const char *path, char *buf, size_t len)
{
	static const char *const exts[] = {".gz",     ".zst",	".xz",	".vmt",
					   ".lackey", ".trace", ".vms", ".champsim"};
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(buf, len, "%s", base);
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
			size_t n = strlen(buf), m = strlen(exts[i]);
			if (n > m && !strcmp(buf + n - m, exts[i])) {
				buf[n - m] = '\0';
				again = true;
			}
		}
	}
}

/* An optional "as LABEL" at the end of the line: 1 and @label, 0 if none. */
static int as_label(struct lex *lx, char *label, size_t len, unsigned *lc)
{
	const char *w;
	unsigned c;
	size_t save = lx->pos;
	size_t n = word(lx, "", &w, &c);
	if (n == 0)
		return 0;
	if (n != 2 || memcmp(w, "as", 2)) {
		lx->pos = save;
		return expected(lx, "'as LABEL' or the end of the line");
	}
	n = word(lx, "", &w, &c);
	if (n == 0)
		return expected(lx, "a label after 'as'");
	snprintf(label, len, "%.*s", (int)n, w);
	*lc = c;
	if (!at_end(lx))
		return expected(lx, "the end of the line");
	return 1;
}

static bool is_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

/* workload trace PATH [as LABEL]: PATH may be a glob pattern. */
static int wl_trace(struct lex *lx, struct sweep_pos pos)
{
	struct sweep_spec *s = lx->s;
	const char *w;
	unsigned c, lc = 0;
	size_t n = word(lx, "", &w, &c);
	char path[4096], label[256];
	int rc, has;

	if (n == 0)
		return expected(lx, "a trace file or a pattern such as data/*.vmt");
	snprintf(path, sizeof(path), "%.*s", (int)n, w);
	if ((has = as_label(lx, label, sizeof(label), &lc)) < 0)
		return has;
	if (!is_glob(path)) {
		if (!has) {
			file_label(path, label, sizeof(label));
			lc = c;
		}
		return add_workload(lx, SWEEP_TRACE, path, NULL, label, pos, lc);
	}
	if (has)
		return fail_at(lx, lc, "a pattern names several traces: 'as' cannot label them");
	char full[4096 + 512];
	glob_t g;
	if (path[0] == '/' || !s->dir)
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", s->dir, path);
	rc = glob(full, 0, NULL, &g);
	if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
		globfree(&g);
		return fail_at(lx, c, "pattern '%s' matches no file (looked for %s)", path, full);
	}
	if (rc) {
		globfree(&g);
		return fail_at(lx, c, "pattern '%s' cannot be expanded", path);
	}
	size_t skip = path[0] == '/' || !s->dir ? 0 : strlen(s->dir) + 1;
	rc = 0;
	for (size_t i = 0; i < g.gl_pathc && !rc; i++) {
		file_label(g.gl_pathv[i], label, sizeof(label));
		rc = add_workload(lx, SWEEP_TRACE, g.gl_pathv[i] + skip, NULL, label, pos, c);
	}
	globfree(&g);
	return rc;
}

/* workload scenario NAME|FILE.vms [as LABEL] */
static int wl_scenario(struct lex *lx, struct sweep_pos pos)
{
	const char *w;
	unsigned c, lc = 0;
	size_t n = word(lx, "", &w, &c);
	char what[4096], label[256];
	int has;
	if (n == 0)
		return expected(lx, "a built-in scenario or a .vms file");
	snprintf(what, sizeof(what), "%.*s", (int)n, w);
	if ((has = as_label(lx, label, sizeof(label), &lc)) < 0)
		return has;
	if (!has) {
		file_label(what, label, sizeof(label));
		lc = c;
	}
	return add_workload(lx, SWEEP_SCENARIO, what, NULL, label, pos, lc);
}

/* workload gen SIZE PATTERN... [as LABEL]: the rest of the line is the
 * generator, as after `touch P AREA` in a scenario. */
static int wl_gen(struct lex *lx, struct sweep_pos pos)
{
	const char *w;
	unsigned c, lc = 0;
	size_t n = word(lx, "", &w, &c);
	char size[64], pattern[512], label[256];
	if (n == 0 || !isdigit((unsigned char)w[0]) || n >= sizeof(size)) {
		lx->pos -= n;
		return expected(lx, "the size of the generated area, such as 64M");
	}
	snprintf(size, sizeof(size), "%.*s", (int)n, w);
	skip_space(lx);
	size_t start = lx->pos, end = start, as_at = 0;
	unsigned pc = col(lx);
	/* the pattern runs to a comment or to a final "as LABEL" */
	while (end < lx->len && lx->line[end] != '#')
		end++;
	while (end > start && (lx->line[end - 1] == ' ' || lx->line[end - 1] == '\t'))
		end--;
	for (size_t i = start; i + 3 < end; i++)
		if ((lx->line[i] == ' ' || lx->line[i] == '\t') && lx->line[i + 1] == 'a' &&
		    lx->line[i + 2] == 's' && (lx->line[i + 3] == ' ' || lx->line[i + 3] == '\t'))
			as_at = i;
	size_t pend = as_at ? as_at : end;
	if (pend == start)
		return expected(lx, "a generator such as 'zipf alpha=0.9' or 'seq'");
	if (pend - start >= sizeof(pattern))
		return fail_at(lx, pc, "the generator is longer than %zu characters",
			       sizeof(pattern) - 1);
	snprintf(pattern, sizeof(pattern), "%.*s", (int)(pend - start), lx->line + start);
	if (as_at) {
		lx->pos = as_at;
		int has = as_label(lx, label, sizeof(label), &lc);
		if (has < 0)
			return has;
	} else {
		size_t k = 0;
		for (const char *p = pattern; *p && k + 1 < sizeof(label); p++)
			if (*p != ' ' && *p != '\t' && *p != '"' && *p != ',')
				label[k++] = *p == '=' ? '-' : *p;
			else if (k && label[k - 1] != '-')
				label[k++] = '-';
		snprintf(label + k, sizeof(label) - k, "-%s", size);
		lc = pc;
		lx->pos = end;
	}
	return add_workload(lx, SWEEP_GEN, pattern, size, label, pos, lc);
}

static int st_workload(struct lex *lx)
{
	const char *w;
	unsigned c;
	size_t n = word(lx, "", &w, &c);
	struct sweep_pos pos = {lx->lineno, c};
	if (n == 5 && !memcmp(w, "trace", 5))
		return wl_trace(lx, pos);
	if (n == 8 && !memcmp(w, "scenario", 8))
		return wl_scenario(lx, pos);
	if (n == 3 && !memcmp(w, "gen", 3))
		return wl_gen(lx, pos);
	lx->pos -= n;
	return expected(lx, "trace, scenario or gen");
}

/* ---- metrics ---------------------------------------------------------------- */

struct expr_out {
	struct sweep_term *t;
	size_t n;
};

static int emit(struct expr_out *o, enum sweep_op op, double num, char *path, unsigned c)
{
	struct sweep_term *t = push((void **)&o->t, &o->n, sizeof(*t));
	if (!t)
		return VMSIM_ENOHOSTMEM;
	t->op = op;
	t->num = num;
	t->path = path;
	t->col = c;
	return 0;
}

static int expr_sum(struct lex *lx, struct expr_out *o);

static int expr_primary(struct lex *lx, struct expr_out *o)
{
	skip_space(lx);
	unsigned c = col(lx);
	const char *p = lx->line + lx->pos;
	size_t left = lx->len - lx->pos;
	int rc;
	if (left && *p == '(') {
		lx->pos++;
		if ((rc = expr_sum(lx, o)))
			return rc;
		return eat(lx, ')', "')'");
	}
	if (left && (isdigit((unsigned char)*p) || *p == '.')) {
		char buf[64], *endp;
		size_t n = 0;
		while (
		    n < left && n + 1 < sizeof(buf) &&
		    (isalnum((unsigned char)p[n]) || p[n] == '.' ||
		     ((p[n] == '+' || p[n] == '-') && n && (p[n - 1] == 'e' || p[n - 1] == 'E'))))
			n++;
		memcpy(buf, p, n);
		buf[n] = '\0';
		double v = strtod(buf, &endp);
		if (*endp)
			return fail_at(lx, c, "expected a number, found '%s'", buf);
		lx->pos += n;
		return emit(o, SWEEP_OP_NUM, v, NULL, c);
	}
	if (left && (isalpha((unsigned char)*p) || *p == '_')) {
		size_t n = 0;
		bool in_index = false;
		while (n < left) {
			char ch = p[n];
			if (in_index) {
				if (ch == ']')
					in_index = false;
				else if (ch == ' ' || ch == '\t')
					break;
			} else if (ch == '[') {
				in_index = true;
			} else if (!(isalnum((unsigned char)ch) || ch == '_' || ch == '.')) {
				break;
			}
			n++;
		}
		if (in_index)
			return fail_at(lx, c, "expected ']' to close the index in '%.*s'", (int)n,
				       p);
		if (p[n - 1] == '.')
			return fail_at(lx, c, "expected a member name after the '.' in '%.*s'",
				       (int)n, p);
		char *path = spec_strndup(lx->s, p, n);
		if (!path)
			return VMSIM_ENOHOSTMEM;
		lx->pos += n;
		return emit(o, SWEEP_OP_PATH, 0, path, c);
	}
	return expected(lx, "a JSON path of the report (such as system.faults.minor), a number "
			    "or '('");
}

static int expr_unary(struct lex *lx, struct expr_out *o)
{
	skip_space(lx);
	if (lx->pos < lx->len && lx->line[lx->pos] == '-') {
		unsigned c = col(lx);
		lx->pos++;
		int rc = expr_unary(lx, o);
		return rc ? rc : emit(o, SWEEP_OP_NEG, 0, NULL, c);
	}
	return expr_primary(lx, o);
}

static int expr_product(struct lex *lx, struct expr_out *o)
{
	int rc = expr_unary(lx, o);
	while (!rc) {
		skip_space(lx);
		if (lx->pos >= lx->len || (lx->line[lx->pos] != '*' && lx->line[lx->pos] != '/'))
			break;
		char op = lx->line[lx->pos];
		unsigned c = col(lx);
		lx->pos++;
		if (!(rc = expr_unary(lx, o)))
			rc = emit(o, op == '*' ? SWEEP_OP_MUL : SWEEP_OP_DIV, 0, NULL, c);
	}
	return rc;
}

static int expr_sum(struct lex *lx, struct expr_out *o)
{
	int rc = expr_product(lx, o);
	while (!rc) {
		skip_space(lx);
		if (lx->pos >= lx->len || (lx->line[lx->pos] != '+' && lx->line[lx->pos] != '-'))
			break;
		char op = lx->line[lx->pos];
		unsigned c = col(lx);
		lx->pos++;
		if (!(rc = expr_product(lx, o)))
			rc = emit(o, op == '+' ? SWEEP_OP_ADD : SWEEP_OP_SUB, 0, NULL, c);
	}
	return rc;
}

/* metric NAME = EXPR, or metric PATH (named after the path) */
static int st_metric(struct lex *lx)
{
	struct sweep_spec *s = lx->s;
	struct expr_out o = {0};
	const char *w;
	unsigned c;
	size_t save;
	int rc;

	skip_space(lx);
	save = lx->pos;
	size_t n = word(lx, "=", &w, &c);
	if (n == 0)
		return expected(lx, "a metric: NAME = EXPRESSION, or a JSON path of the report");
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)w[i]) || w[i] == '_' || w[i] == '.' || w[i] == '[' ||
		      w[i] == ']'))
			return fail_at(lx, c + (unsigned)i,
				       "expected a metric name (letters, digits, '_', '.'), found "
				       "'%.*s'",
				       (int)n, w);
	skip_space(lx);
	if (lx->pos < lx->len && lx->line[lx->pos] == '=') {
		lx->pos++;
	} else { /* a bare path: it is its own name */
		lx->pos = save;
	}
	if ((rc = expr_sum(lx, &o)) == 0 && !at_end(lx))
		rc = expected(lx, "an operator (+ - * /) or the end of the line");
	if (rc) {
		free(o.t);
		return rc;
	}
	for (size_t i = 0; i < s->nmetrics; i++)
		if (strlen(s->metrics[i].name) == n && !memcmp(s->metrics[i].name, w, n)) {
			free(o.t);
			return fail_at(lx, c, "metric '%.*s' is already defined on line %u", (int)n,
				       w, s->metrics[i].pos.line);
		}
	struct sweep_metric *m = push((void **)&s->metrics, &s->nmetrics, sizeof(*m));
	if (!m) {
		free(o.t);
		return VMSIM_ENOHOSTMEM;
	}
	m->name = spec_strndup(s, w, n);
	m->pos = (struct sweep_pos){lx->lineno, c};
	m->terms = o.t;
	m->nterms = o.n;
	return m->name ? 0 : VMSIM_ENOHOSTMEM;
}

/* ---- exclusions ------------------------------------------------------------- */

/* exclude NAME=VALUE... */
static int st_exclude(struct lex *lx)
{
	struct sweep_spec *s = lx->s;
	struct sweep_exclude *e = push((void **)&s->excludes, &s->nexcludes, sizeof(*e));
	if (!e)
		return VMSIM_ENOHOSTMEM;
	e->pos = (struct sweep_pos){lx->lineno, col(lx)};
	if (at_end(lx))
		return expected(lx, "conditions NAME=VALUE (an axis or 'workload')");
	while (!at_end(lx)) {
		const char *w, *v;
		unsigned c, vc;
		size_t n = word(lx, "=", &w, &c), vn;
		char name[64];
		int axis = -1;
		size_t value = 0;
		snprintf(name, sizeof(name), "%.*s", (int)n, w);
		if (n == 0 || !is_name(w, n))
			return expected(lx, "a condition NAME=VALUE");
		if (strcmp(name, "workload")) {
			axis = find_axis(s, name);
			if (axis < 0)
				return fail_at(
				    lx, c,
				    "'%s' is not an axis (expected an axis defined above "
				    "or 'workload')",
				    name);
		}
		if (lx->pos >= lx->len || lx->line[lx->pos] != '=')
			return expected(lx, "'=' and a value");
		lx->pos++;
		vn = word(lx, "", &v, &vc);
		if (vn == 0)
			return expected(lx, "a value");
		bool ok = false;
		if (axis >= 0) {
			const struct sweep_axis *a = &s->axes[axis];
			for (size_t i = 0; i < a->nvalues && !ok; i++)
				if (strlen(a->values[i]) == vn && !memcmp(a->values[i], v, vn)) {
					value = i;
					ok = true;
				}
		} else {
			for (size_t i = 0; i < s->nworkloads && !ok; i++)
				if (strlen(s->workloads[i].label) == vn &&
				    !memcmp(s->workloads[i].label, v, vn)) {
					value = i;
					ok = true;
				}
		}
		if (!ok)
			return fail_at(lx, vc, "'%.*s' is not a value of %s (expected one %s)",
				       (int)vn, v, name,
				       axis >= 0 ? "listed on its axis line"
						 : "of the workload labels defined above");
		int *ax = realloc(e->axis, (e->n + 1) * sizeof(*ax));
		if (!ax)
			return VMSIM_ENOHOSTMEM;
		e->axis = ax;
		size_t *val = realloc(e->value, (e->n + 1) * sizeof(*val));
		if (!val)
			return VMSIM_ENOHOSTMEM;
		e->value = val;
		e->axis[e->n] = axis;
		e->value[e->n] = value;
		e->n++;
	}
	return 0;
}

/* ---- expansion ------------------------------------------------------------- */

static bool excluded(const struct sweep_spec *s, const struct sweep_point *pt)
{
	for (size_t i = 0; i < s->nexcludes; i++) {
		const struct sweep_exclude *e = &s->excludes[i];
		bool all = true;
		for (size_t k = 0; k < e->n && all; k++)
			all = e->axis[k] < 0 ? pt->workload == e->value[k]
					     : pt->value[e->axis[k]] == e->value[k];
		if (all)
			return true;
	}
	return false;
}

static int expand(struct sweep_spec *s, char *err, size_t errlen)
{
	uint64_t total = s->nworkloads * (uint64_t)s->repeat;
	for (size_t a = 0; a < s->naxes; a++) {
		if (total > SWEEP_MAX_POINTS)
			break;
		total *= s->axes[a].nvalues;
	}
	if (total > SWEEP_MAX_POINTS) {
		snprintf(err, errlen, "%s: the spec expands to more than %d points", s->name,
			 SWEEP_MAX_POINTS);
		return VMSIM_EPARSE;
	}
	s->points = calloc(total ? total : 1, sizeof(*s->points));
	if (!s->points)
		return VMSIM_ENOHOSTMEM;
	for (uint64_t i = 0; i < total; i++) {
		struct sweep_point pt = {0};
		uint64_t x = i;
		pt.rep = (uint32_t)(x % s->repeat);
		x /= s->repeat;
		for (size_t a = s->naxes; a-- > 0;) {
			pt.value[a] = (uint16_t)(x % s->axes[a].nvalues);
			x /= s->axes[a].nvalues;
		}
		pt.workload = (uint32_t)x;
		if (!excluded(s, &pt))
			s->points[s->npoints++] = pt;
	}
	if (s->npoints == 0) {
		snprintf(err, errlen, "%s: every point is excluded: nothing to run", s->name);
		return VMSIM_EPARSE;
	}
	return 0;
}

/* ---- the whole spec ----------------------------------------------------------- */

static const struct {
	const char *word;
	int (*fn)(struct lex *lx);
} statements[] = {
    {"axis", st_axis},	 {"set", st_set},	{"workload", st_workload}, {"metric", st_metric},
    {"seeds", st_seeds}, {"repeat", st_repeat}, {"exclude", st_exclude},
};

int sweep_spec_parse(const char *name, const char *text, const char *dir, struct sweep_spec **out,
		     char *err, size_t errlen)
{
	struct sweep_spec *s = calloc(1, sizeof(*s));
	struct lex lx = {.s = s, .err = err, .errlen = errlen};
	const char *p = text;
	int rc = 0;

	err[0] = '\0';
	if (!s)
		return VMSIM_ENOHOSTMEM;
	s->repeat = 1;
	s->name = spec_strndup(s, name, strlen(name));
	s->dir = dir ? spec_strndup(s, dir, strlen(dir)) : NULL;
	if (!s->name || (dir && !s->dir)) {
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	while (*p && !rc) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lx.line = p;
		lx.len = len && p[len - 1] == '\r' ? len - 1 : len;
		lx.pos = 0;
		lx.lineno++;
		p += len + (nl ? 1 : 0);
		for (size_t i = 0; i < lx.len; i++)
			if (lx.line[i] == '\0' || (unsigned char)lx.line[i] < 0x09) {
				lx.pos = i;
				rc = fail_at(&lx, col(&lx), "unexpected control byte 0x%02x",
					     (unsigned char)lx.line[i]);
				break;
			}
		if (rc || at_end(&lx))
			continue;
		const char *w;
		unsigned c;
		size_t n = word(&lx, "", &w, &c);
		size_t k;
		for (k = 0; k < sizeof(statements) / sizeof(statements[0]); k++)
			if (strlen(statements[k].word) == n && !memcmp(statements[k].word, w, n))
				break;
		if (k == sizeof(statements) / sizeof(statements[0])) {
			lx.pos -= n;
			rc = expected(&lx, "axis, set, workload, metric, seeds, repeat or exclude");
		} else {
			rc = statements[k].fn(&lx);
		}
	}
	if (!rc && s->nworkloads == 0) {
		snprintf(err, errlen,
			 "%s:%u:1: expected a workload line (workload trace FILE, "
			 "workload scenario NAME or workload gen SIZE PATTERN)",
			 name, lx.lineno + 1);
		rc = VMSIM_EPARSE;
	}
	if (!rc && s->nmetrics == 0) {
		snprintf(err, errlen, "%s:%u:1: expected a metric line (metric NAME = JSON-PATH)",
			 name, lx.lineno + 1);
		rc = VMSIM_EPARSE;
	}
	if (!rc)
		rc = expand(s, err, errlen);
	if (rc)
		goto out_free;
	*out = s;
	return 0;

out_free:
	if (rc == VMSIM_ENOHOSTMEM)
		snprintf(err, errlen, "%s: out of memory", name);
	sweep_spec_free(s);
	return rc;
}

int sweep_spec_load(const char *path, struct sweep_spec **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, dir[4096];
	size_t len = 0, cap = 0;
	int rc;

	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return VMSIM_EIO;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = cap ? cap * 2 : 8192);
			if (!t) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return VMSIM_ENOHOSTMEM;
			}
			text = t;
		}
		size_t got = fread(text + len, 1, 4096, f);
		len += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		free(text);
		fclose(f);
		return VMSIM_EIO;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: a NUL byte at byte %zu (expected a text file)", path,
			 strlen(text) + 1);
		free(text);
		return VMSIM_EPARSE;
	}
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash != path ? slash - path : 1), path);
	rc = sweep_spec_parse(path, text, slash ? dir : NULL, out, err, errlen);
	free(text);
	return rc;
}

void sweep_point_key(const struct sweep_spec *s, size_t p, char *buf, size_t len)
{
	const struct sweep_point *pt = &s->points[p];
	size_t used = 0;
	int n = snprintf(buf, len, "workload=%s", s->workloads[pt->workload].label);
	used = n > 0 ? (size_t)n : 0;
	for (size_t a = 0; a < s->naxes && used < len; a++) {
		n = snprintf(buf + used, len - used, " %s=%s", s->axes[a].name,
			     s->axes[a].values[pt->value[a]]);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < len)
		snprintf(buf + used, len - used, " rep=%u", pt->rep);
}

const char *sweep_point_value(const struct sweep_spec *s, size_t p, size_t a)
{
	return s->axes[a].values[s->points[p].value[a]];
}
