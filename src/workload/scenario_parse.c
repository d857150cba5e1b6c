/*
 * The scenario parser: text in, a list of statements out (see
 * scenario_int.h), or the first error as "name:line:col: message".
 *
 * The language is line-based: one statement per line, a command word
 * first, then its operands. Each command has its own small grammar, read by
 * a cursor over the line, so that every error can point at the exact
 * column and say what was expected there:
 *
 *	touch A data[0:50Q] write
 *	               ^ s.vms:3:16: unknown unit 'Q' (expected K, M, G, T, ...)
 *
 * Names are checked as far as the text shows them: a process must be
 * created (process, fork) before a line uses it, an area mapped (mmap,
 * process ... exec) before a place names it, a file declared before a
 * mapping uses it. `reset` forgets them all, as it forgets the machine.
 * docs/SCENARIOS.md is the reference for every command.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "base/units.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/sched.h"
#include "vmsim/settings.h"
#include "workload/scenario_int.h"

/* ---- arena ------------------------------------------------------------------- */

struct arena_block {
	struct arena_block *next; /* older block */
	size_t used, cap;	  /* bytes of data[] */
	max_align_t data[];	  /* the memory handed out */
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		b = malloc(sizeof(*b) + cap);
		if (!b) {
			a->failed = true;
			return NULL;
		}
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void arena_release(struct arena *a)
{
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
}

/* ---- numbers with units ------------------------------------------------------ */

/* Like scan_value, with the reason of a failure in *@why and its index in
 * *@used. The unit rules are base/units.c's, shared with the command line. */
static int scan_value_why(const char *s, struct value *out, size_t *used, const char **why)
{
	static const enum unit kinds[] = {
	    [UNIT_NONE] = U_COUNT,    [UNIT_BYTES] = U_BYTES, [UNIT_SECONDS] = U_SECONDS,
	    [UNIT_PERCENT] = U_RATIO, [UNIT_HEX] = U_ADDR,
	};
	struct unit_number n;
	if (unit_scan(s, &n, used, why))
		return VMSIM_EPARSE;
	out->v = n.v;
	out->u = kinds[n.kind];
	return 0;
}

int scan_value(const char *s, struct value *out, size_t *used)
{
	const char *why;
	return scan_value_why(s, out, used, &why);
}

/* ---- the cursor ------------------------------------------------------------------- */

/* What the parser knows statically about names. */
struct known_proc {
	const char *name;
	const char **areas; /* area names mapped so far */
	size_t nareas, cap;
	struct known_proc *next;
};

struct known_file {
	const char *name;
	struct known_file *next;
};

struct lex {
	struct script *s;
	const char *line; /* the current line, NUL-terminated */
	size_t pos;	  /* index of the next character */
	int lineno;	  /* 1-based */
	char *err;	  /* the message buffer */
	size_t errlen;
	bool failed; /* an error was written */
	struct known_proc *procs;
	struct known_file *files;
	bool title_seen;
	unsigned depth; /* expression nesting: parentheses, unary minus, calls */
};

static int fail_at(struct lex *lx, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write "name:line:col: message" once (the first error wins). */
static int fail_at(struct lex *lx, size_t col, const char *fmt, ...)
{
	va_list ap;
	if (lx->failed)
		return VMSIM_EPARSE;
	int n = snprintf(lx->err, lx->errlen, "%s:%d:%zu: ", lx->s->name, lx->lineno, col + 1);
	if (n < 0)
		n = 0;
	if ((size_t)n < lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	lx->failed = true;
	return VMSIM_EPARSE;
}

static void skip_ws(struct lex *lx)
{
	while (lx->line[lx->pos] == ' ' || lx->line[lx->pos] == '\t')
		lx->pos++;
}

static char peek(struct lex *lx)
{
	skip_ws(lx);
	return lx->line[lx->pos];
}

static bool at_end(struct lex *lx)
{
	char c = peek(lx);
	return c == '\0' || c == '#';
}

/* "'word'" of what stands at the cursor, or "the end of the line". */
static const char *found(struct lex *lx, char *buf, size_t len)
{
	skip_ws(lx);
	const char *p = lx->line + lx->pos;
	if (*p == '\0' || *p == '#')
		return "the end of the line";
	size_t n = 0;
	while (p[n] && p[n] != ' ' && p[n] != '\t' && n < 24)
		n++;
	snprintf(buf, len, "'%.*s'", (int)n, p);
	return buf;
}

/* "expected WHAT, found X" at the cursor. */
static int expected(struct lex *lx, const char *what)
{
	char buf[40];
	skip_ws(lx);
	return fail_at(lx, lx->pos, "expected %s, found %s", what, found(lx, buf, sizeof(buf)));
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* An identifier at the cursor (after blanks), or NULL without moving. */
static const char *ident(struct lex *lx)
{
	skip_ws(lx);
	size_t start = lx->pos;
	if (!is_ident_start(lx->line[start]))
		return NULL;
	while (is_ident_char(lx->line[lx->pos]))
		lx->pos++;
	return arena_strndup(&lx->s->arena, lx->line + start, lx->pos - start);
}

/* The keyword @w as a whole word: consumed and true, else nothing moves. */
static bool accept(struct lex *lx, const char *w)
{
	skip_ws(lx);
	size_t n = strlen(w);
	if (strncmp(lx->line + lx->pos, w, n) == 0 && !is_ident_char(lx->line[lx->pos + n])) {
		lx->pos += n;
		return true;
	}
	return false;
}

static bool accept_char(struct lex *lx, char c)
{
	if (peek(lx) == c) {
		lx->pos++;
		return true;
	}
	return false;
}

static int need_end(struct lex *lx)
{
	if (at_end(lx))
		return 0;
	char buf[40];
	return fail_at(lx, lx->pos, "unexpected %s: the line should end here",
		       found(lx, buf, sizeof(buf)));
}

/* A number with its unit at the cursor. */
static int need_value(struct lex *lx, const char *what, struct value *v)
{
	size_t used;
	const char *why;
	skip_ws(lx);
	if (!isdigit((unsigned char)lx->line[lx->pos]))
		return expected(lx, what);
	if (scan_value_why(lx->line + lx->pos, v, &used, &why)) {
		size_t at = lx->pos + used, n = 0;
		while (lx->line[at + n] && lx->line[at + n] != ' ' && lx->line[at + n] != '\t' &&
		       n < 16)
			n++;
		if (!strcmp(why, "unknown unit"))
			return fail_at(
			    lx, at,
			    "unknown unit '%.*s' in %s (units: K M G T and KiB MiB GiB TiB "
			    "are binary, KB MB GB TB decimal; also B, ns, us, ms, s, %%)",
			    (int)n, lx->line + at, what);
		return fail_at(lx, at, "%s, found '%.*s' (in %s)", why, (int)n, lx->line + at,
			       what);
	}
	lx->pos += used;
	return 0;
}

/* A whole number of bytes: a plain number, a size or a hex address, or a
 * product of them ("65 * 4K"). */
static int need_size(struct lex *lx, const char *what, uint64_t *out)
{
	struct value v;
	double product = 1;
	size_t col = (skip_ws(lx), lx->pos);
	for (;;) {
		size_t at = (skip_ws(lx), lx->pos);
		int rc = need_value(lx, what, &v);
		if (rc)
			return rc;
		if (v.u != U_COUNT && v.u != U_BYTES && v.u != U_ADDR)
			return fail_at(lx, at, "expected %s, found a %s", what,
				       v.u == U_RATIO ? "percentage" : "time");
		product *= v.v;
		if (peek(lx) != '*')
			break;
		lx->pos++;
	}
	if (product != floor(product) || product >= 18446744073709551616.0)
		return fail_at(lx, col, "expected %s: a whole number of bytes", what);
	*out = (uint64_t)product;
	return 0;
}

static int need_count(struct lex *lx, const char *what, uint64_t *out)
{
	struct value v;
	size_t col = (skip_ws(lx), lx->pos);
	int rc = need_value(lx, what, &v);
	if (rc)
		return rc;
	if ((v.u != U_COUNT && v.u != U_ADDR) || v.v != floor(v.v) || v.v >= 18446744073709551616.0)
		return fail_at(lx, col, "expected %s", what);
	*out = (uint64_t)v.v;
	return 0;
}

/* A quoted string with C escapes (\n \t \\ \" \0 \xHH). */
static int need_string(struct lex *lx, const char *what, const char **out, size_t *n)
{
	skip_ws(lx);
	if (lx->line[lx->pos] != '"')
		return expected(lx, what);
	size_t start = lx->pos++;
	size_t cap = strlen(lx->line + lx->pos) + 1;
	char *buf = arena_alloc(&lx->s->arena, cap);
	size_t len = 0;
	if (!buf)
		return VMSIM_ENOHOSTMEM;
	for (;;) {
		char c = lx->line[lx->pos];
		if (c == '\0')
			return fail_at(lx, start, "this string has no closing '\"'");
		lx->pos++;
		if (c == '"')
			break;
		if (c != '\\') {
			buf[len++] = c;
			continue;
		}
		char e = lx->line[lx->pos++];
		switch (e) {
		case 'n':
			buf[len++] = '\n';
			break;
		case 't':
			buf[len++] = '\t';
			break;
		case '0':
			buf[len++] = '\0';
			break;
		case '\\':
		case '"':
			buf[len++] = e;
			break;
		case 'x': {
			int hi = unit_hexval((unsigned char)lx->line[lx->pos]);
			int lo = hi < 0 ? -1 : unit_hexval((unsigned char)lx->line[lx->pos + 1]);
			if (lo < 0)
				return fail_at(lx, lx->pos,
					       "expected two hexadecimal digits after \\x");
			buf[len++] = (char)(hi * 16 + lo);
			lx->pos += 2;
			break;
		}
		default:
			return fail_at(
			    lx, lx->pos - 2,
			    "unknown escape (expected \\n, \\t, \\0, \\\\, \\\" or \\xHH)");
		}
	}
	*out = buf;
	*n = len;
	return 0;
}

/* ---- static names ------------------------------------------------------------------ */

static const char *const reserved_roots[] = {
    "last",	 "tlb",	     "walk",	   "pwc",	"mmu",	      "faults",
    "swap",	 "reclaim",  "oom",	   "files",	"wss",	      "time",
    "cpu",	 "mem",	     "segvs",	   "thrashing", "page_cache", "context_switches",
    "processes", "accesses", "shootdowns", "pages",	"pa",	      "pte",
    "frame",	 "vpn",	     "offset",	   "index",	"min",	      "max",
    "thp",	 "hugetlb",
};

static const char *const proc_fields[] = {
    "pid",	"alive",	  "vms",	"rss",	 "pss",	      "uss",	   "swap",
    "pt",	"vmas",		  "faults",	"cow",	 "zero_maps", "accesses",  "shootdowns",
    "swap_ins", "swapcache_hits", "oom_killed", "segvs", "wss",	      "anon_huge", "hugetlb",
    "locked",
};

static bool in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], w) == 0)
			return true;
	return false;
}

static struct known_proc *find_proc(struct lex *lx, const char *name)
{
	for (struct known_proc *p = lx->procs; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static struct known_file *find_file(struct lex *lx, const char *name)
{
	for (struct known_file *f = lx->files; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static bool proc_has_area(const struct known_proc *p, const char *area)
{
	if (strcmp(area, "heap") == 0)
		return true;
	for (size_t i = 0; i < p->nareas; i++)
		if (p->areas[i] && strcmp(p->areas[i], area) == 0)
			return true;
	return false;
}

static int proc_add_area(struct lex *lx, struct known_proc *p, const char *area)
{
	if (p->nareas == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		const char **a = arena_alloc(&lx->s->arena, cap * sizeof(*a));
		if (!a)
			return VMSIM_ENOHOSTMEM;
		if (p->nareas)
			memcpy(a, p->areas, p->nareas * sizeof(*a));
		p->areas = a;
		p->cap = cap;
	}
	p->areas[p->nareas++] = area;
	return 0;
}

static struct known_proc *new_proc(struct lex *lx, const char *name)
{
	struct known_proc *p = arena_alloc(&lx->s->arena, sizeof(*p));
	if (!p)
		return NULL;
	p->name = name;
	p->next = lx->procs;
	lx->procs = p;
	return p;
}

/* A process name that the script created before this line. */
static int need_proc(struct lex *lx, const char **out)
{
	skip_ws(lx);
	size_t col = lx->pos;
	const char *name = ident(lx);
	if (!name)
		return expected(lx, "a process name");
	if (!find_proc(lx, name))
		return fail_at(lx, col,
			       "no process named '%s' (create it with 'process %s' or fork)", name,
			       name);
	*out = name;
	return 0;
}

/* A name for something new: an identifier that is not reserved. */
static int need_new_name(struct lex *lx, const char *what, const char **out)
{
	skip_ws(lx);
	size_t col = lx->pos;
	const char *name = ident(lx);
	if (!name)
		return expected(lx, what);
	if (in_list(reserved_roots, ARRAY_SIZE(reserved_roots), name))
		return fail_at(lx, col, "'%s' is a reserved word: choose another name", name);
	*out = name;
	return 0;
}

/* ---- places ---------------------------------------------------------------------- */

/*
 * BASE [+OFF | -OFF] [ '[' [LO] ':' [HI] ']' ]
 * BASE is an area of @proc (or "heap"), or a hexadecimal address.
 */
static int need_place(struct lex *lx, const char *proc, bool range_ok, struct place *p)
{
	int rc;
	skip_ws(lx);
	memset(p, 0, sizeof(*p));
	p->col = (int)lx->pos + 1;
	char c = lx->line[lx->pos];
	if (c == '0' && (lx->line[lx->pos + 1] == 'x' || lx->line[lx->pos + 1] == 'X')) {
		if ((rc = need_size(lx, "an address", &p->addr)))
			return rc;
	} else if (is_ident_start(c)) {
		size_t col = lx->pos;
		p->name = ident(lx);
		if (proc) {
			struct known_proc *kp = find_proc(lx, proc);
			if (kp && !proc_has_area(kp, p->name))
				return fail_at(lx, col,
					       "process %s has no area named '%s' (map it with "
					       "'mmap %s %s SIZE')",
					       proc, p->name, proc, p->name);
		}
	} else {
		return expected(lx, range_ok ? "an area name, an address or a range"
					     : "an area name or an address");
	}
	if (lx->line[lx->pos] == '+' || lx->line[lx->pos] == '-') {
		bool minus = lx->line[lx->pos] == '-';
		lx->pos++;
		p->point = true;
		uint64_t off;
		if ((rc = need_size(lx, "an offset such as 16 or 4K", &off)))
			return rc;
		if (minus) {
			if (p->name)
				return fail_at(lx, (size_t)p->col - 1,
					       "an area name takes only offsets forward (+)");
			if (off > p->addr)
				return fail_at(lx, (size_t)p->col - 1, "this address is below 0");
			p->addr -= off;
		} else {
			p->off = off;
		}
	}
	if (lx->line[lx->pos] == '[') {
		size_t col = lx->pos;
		if (!range_ok)
			return fail_at(lx, col, "a range is not allowed here: give one address");
		lx->pos++;
		p->range = true;
		if (peek(lx) != ':') {
			if ((rc = need_size(lx, "the start of the range (an offset)", &p->lo)))
				return rc;
			p->has_lo = true;
		}
		if (!accept_char(lx, ':'))
			return expected(lx, "':' between the start and the end of the range");
		if (peek(lx) != ']') {
			if ((rc = need_size(lx, "the end of the range (an offset)", &p->hi)))
				return rc;
			p->has_hi = true;
		}
		if (!accept_char(lx, ']'))
			return expected(lx, "']' closing the range");
		if (p->has_lo && p->has_hi && p->hi <= p->lo)
			return fail_at(lx, col, "empty range: the end must be above the start");
	}
	return 0;
}

/* ---- expressions ------------------------------------------------------------------ */

static struct expr *new_expr(struct lex *lx, enum expr_kind k, size_t col)
{
	struct expr *e = arena_alloc(&lx->s->arena, sizeof(*e));
	if (e) {
		e->kind = k;
		e->col = (int)col + 1;
	}
	return e;
}

static struct expr *parse_sum(struct lex *lx);

/* A dotted name: letters, digits, '_' in segments joined by '.'. */
static const char *path(struct lex *lx)
{
	skip_ws(lx);
	size_t start = lx->pos;
	if (!is_ident_start(lx->line[start]))
		return NULL;
	while (is_ident_char(lx->line[lx->pos]) ||
	       (lx->line[lx->pos] == '.' && is_ident_char(lx->line[lx->pos + 1])))
		lx->pos++;
	return arena_strndup(&lx->s->arena, lx->line + start, lx->pos - start);
}

static const char *const pte_flags[] = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "NX"};
static const char *const level_names[] = {"PML5", "PML4", "PDPT", "PD", "PT"};

static struct expr *parse_call(struct lex *lx, const char *fn, size_t col)
{
	struct expr *e = new_expr(lx, EX_CALL, col);
	if (!e)
		return NULL;
	e->path = fn;
	if (!strcmp(fn, "pa") || !strcmp(fn, "frame") || !strcmp(fn, "pte")) {
		if (need_proc(lx, &e->proc) || !accept_char(lx, ',') ||
		    need_place(lx, e->proc, false, &e->place)) {
			if (!lx->failed)
				expected(lx, "',' and a place");
			return NULL;
		}
		if (!strcmp(fn, "pte")) {
			if (!accept_char(lx, ',')) {
				expected(lx, "',' and a flag (P, RW, US, A, D, NX, ...)");
				return NULL;
			}
			skip_ws(lx);
			size_t fcol = lx->pos;
			e->word = ident(lx);
			if (!e->word || !in_list(pte_flags, ARRAY_SIZE(pte_flags), e->word)) {
				fail_at(
				    lx, fcol,
				    "expected a page-table flag: P, RW, US, PWT, PCD, A, D, PS, G "
				    "or NX");
				return NULL;
			}
		}
	} else if (!strcmp(fn, "index")) {
		if (!(e->a = parse_sum(lx)))
			return NULL;
		if (!accept_char(lx, ',')) {
			expected(lx, "',' and a table level (PML4, PDPT, PD, PT, PML5)");
			return NULL;
		}
		skip_ws(lx);
		size_t wcol = lx->pos;
		e->word = ident(lx);
		if (!e->word || !in_list(level_names, ARRAY_SIZE(level_names), e->word)) {
			fail_at(lx, wcol, "expected a table level: PML5, PML4, PDPT, PD or PT");
			return NULL;
		}
	} else if (!strcmp(fn, "pages") || !strcmp(fn, "vpn") || !strcmp(fn, "offset")) {
		if (!(e->a = parse_sum(lx)))
			return NULL;
	} else if (!strcmp(fn, "min") || !strcmp(fn, "max")) {
		if (!(e->a = parse_sum(lx)))
			return NULL;
		if (!accept_char(lx, ',')) {
			expected(lx, "',' and a second value");
			return NULL;
		}
		if (!(e->b = parse_sum(lx)))
			return NULL;
	} else {
		fail_at(lx, col,
			"unknown function '%s' (expected pages, pa, frame, pte, vpn, offset, "
			"index, min or max)",
			fn);
		return NULL;
	}
	if (!accept_char(lx, ')')) {
		expected(lx, "')'");
		return NULL;
	}
	return e;
}

static struct expr *parse_primary_nested(struct lex *lx);

/*
 * A primary: a number, a name, a call, (sum) or -primary. The nesting of
 * the last three is bounded, so that no input can exhaust the stack (of
 * the parser, or of eval_expr later); chains of + - * / are loops, not
 * nesting, and may be as long as a line.
 */
static struct expr *parse_primary(struct lex *lx)
{
	skip_ws(lx);
	if (lx->depth > SCENARIO_EXPR_MAX_DEPTH) { /* the innermost value itself is not nesting */
		fail_at(lx, lx->pos,
			"expression nested too deeply: at most %d levels of parentheses, unary "
			"minus and function calls",
			SCENARIO_EXPR_MAX_DEPTH);
		return NULL;
	}
	lx->depth++;
	struct expr *e = parse_primary_nested(lx);
	lx->depth--;
	return e;
}

static struct expr *parse_primary_nested(struct lex *lx)
{
	size_t col = lx->pos;
	char c = lx->line[col];
	struct expr *e;

	if (c == '(') {
		lx->pos++;
		e = parse_sum(lx);
		if (e && !accept_char(lx, ')')) {
			expected(lx, "')'");
			return NULL;
		}
		return e;
	}
	if (c == '-') {
		lx->pos++;
		struct expr *a = parse_primary(lx);
		if (!a)
			return NULL;
		e = new_expr(lx, EX_NEG, col);
		if (e)
			e->a = a;
		return e;
	}
	if (isdigit((unsigned char)c)) {
		e = new_expr(lx, EX_NUM, col);
		if (!e || need_value(lx, "a number", &e->num))
			return NULL;
		return e;
	}
	const char *p = path(lx);
	if (!p) {
		expected(lx, "a value (a number, a name such as A.rss, or a function)");
		return NULL;
	}
	if (lx->line[lx->pos] == '(' && !strchr(p, '.')) {
		lx->pos++;
		return parse_call(lx, p, col);
	}
	e = new_expr(lx, EX_PATH, col);
	if (e)
		e->path = p;
	return e;
}

/* The binary operators by precedence, loosest first; each level's operands
 * are the next level's expressions, the last level's are primaries. All
 * associate to the left. */
static const struct {
	char op[2];
	enum expr_kind kind[2];
} binary_levels[] = {
    {{'+', '-'}, {EX_ADD, EX_SUB}},
    {{'*', '/'}, {EX_MUL, EX_DIV}},
};

static struct expr *parse_binary(struct lex *lx, size_t level)
{
	if (level == ARRAY_SIZE(binary_levels))
		return parse_primary(lx);
	struct expr *a = parse_binary(lx, level + 1);
	while (a) {
		char c = peek(lx);
		int k = c == binary_levels[level].op[0]	  ? 0
			: c == binary_levels[level].op[1] ? 1
							  : -1;
		if (k < 0)
			break;
		size_t col = lx->pos++;
		struct expr *b = parse_binary(lx, level + 1);
		struct expr *e = b ? new_expr(lx, binary_levels[level].kind[k], col) : NULL;
		if (!e)
			return NULL;
		e->a = a;
		e->b = b;
		a = e;
	}
	return a;
}

static struct expr *parse_sum(struct lex *lx)
{
	return parse_binary(lx, 0);
}

/* ---- commands ---------------------------------------------------------------------- */

static const char *rest_of_line(struct lex *lx)
{
	skip_ws(lx);
	const char *p = lx->line + lx->pos;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	lx->pos += strlen(p);
	return arena_strndup(&lx->s->arena, p, n);
}

static int cmd_title(struct lex *lx, struct stmt *st)
{
	if (lx->title_seen)
		return fail_at(lx, 0, "a scenario has one title line");
	lx->title_seen = true;
	const char *t = rest_of_line(lx);
	if (!t || !*t)
		return expected(lx, "the title text");
	st->name = t;
	lx->s->title = t;
	return 0;
}

/* KEY=VALUE at the cursor: the key, its column, the raw value. */
static int key_value(struct lex *lx, const char **key, const char **val, size_t *kcol, size_t *vcol)
{
	skip_ws(lx);
	*kcol = lx->pos;
	*key = ident(lx);
	if (!*key)
		return expected(lx, "KEY=VALUE");
	if (lx->line[lx->pos] != '=')
		return fail_at(lx, lx->pos, "expected '=' and a value after '%s'", *key);
	lx->pos++;
	*vcol = lx->pos;
	size_t start = lx->pos;
	if (lx->line[lx->pos] == '"') {
		size_t n;
		return need_string(lx, "a value", val, &n);
	}
	while (lx->line[lx->pos] && lx->line[lx->pos] != ' ' && lx->line[lx->pos] != '\t' &&
	       lx->line[lx->pos] != '#')
		lx->pos++;
	if (lx->pos == start)
		return fail_at(lx, start, "expected a value after '%s='", *key);
	*val = arena_strndup(&lx->s->arena, lx->line + start, lx->pos - start);
	return 0;
}

static int cmd_machine(struct lex *lx, struct stmt *st)
{
	struct setting **tail = &st->settings;
	if (at_end(lx))
		return expected(lx, "machine settings such as ram=64M cpu=seed");
	while (!at_end(lx)) {
		const char *key = NULL, *val = NULL;
		size_t kcol = 0, vcol = 0;
		char why[160];
		struct vmsim_config scratch;
		int rc = key_value(lx, &key, &val, &kcol, &vcol);
		if (rc)
			return rc;
		if (!vmsim_setting_find(key))
			return fail_at(lx, kcol,
				       "unknown machine setting '%s' (see docs/SCENARIOS.md)", key);
		vmsim_config_default(&scratch);
		if (vmsim_setting_apply(&scratch, key, val, why, sizeof(why)))
			return fail_at(lx, vcol, "%s: %s", key, why);
		struct setting *s = arena_alloc(&lx->s->arena, sizeof(*s));
		if (!s)
			return VMSIM_ENOHOSTMEM;
		s->key = key;
		s->val = val;
		s->col = (int)kcol + 1;
		*tail = s;
		tail = &s->next;
	}
	return 0;
}

static int cmd_reset(struct lex *lx, struct stmt *st)
{
	(void)st;
	lx->procs = NULL;
	lx->files = NULL;
	return 0;
}

static int cmd_echo(struct lex *lx, struct stmt *st)
{
	if (accept(lx, "on"))
		st->on = true;
	else if (!accept(lx, "off"))
		return expected(lx, "on or off");
	return 0;
}

static int exec_size(struct lex *lx, const char *key, uint64_t *out)
{
	if (!accept(lx, key))
		return 1;
	if (!accept_char(lx, '='))
		return expected(lx, "'='");
	return need_size(lx, "a size such as 64K", out) ? -1 : 0;
}

static int cmd_process(struct lex *lx, struct stmt *st)
{
	size_t col = (skip_ws(lx), lx->pos);
	int rc = need_new_name(lx, "a process name", &st->proc);
	if (rc)
		return rc;
	if (find_proc(lx, st->proc))
		return fail_at(lx, col, "there is a process named '%s' already", st->proc);
	struct known_proc *kp = new_proc(lx, st->proc);
	if (!kp)
		return VMSIM_ENOHOSTMEM;
	if (accept(lx, "exec")) {
		st->exec = true;
		st->text = 1 << 20;
		st->data = 256 << 10;
		st->stack = 8 << 20;
		while (!at_end(lx)) {
			int r;
			if ((r = exec_size(lx, "text", &st->text)) <= 0 ||
			    (r = exec_size(lx, "data", &st->data)) <= 0 ||
			    (r = exec_size(lx, "stack", &st->stack)) <= 0) {
				if (r < 0)
					return VMSIM_EPARSE;
				continue;
			}
			return expected(lx, "text=SIZE, data=SIZE or stack=SIZE");
		}
		if ((rc = proc_add_area(lx, kp, "text")) || (rc = proc_add_area(lx, kp, "data")) ||
		    (rc = proc_add_area(lx, kp, "stack")))
			return rc;
	}
	return need_end(lx);
}

static int cmd_fork(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc)
		return rc;
	size_t col = (skip_ws(lx), lx->pos);
	if ((rc = need_new_name(lx, "the child's name", &st->name)))
		return rc;
	if (find_proc(lx, st->name))
		return fail_at(lx, col, "there is a process named '%s' already", st->name);
	struct known_proc *parent = find_proc(lx, st->proc);
	struct known_proc *child = new_proc(lx, st->name);
	if (!child)
		return VMSIM_ENOHOSTMEM;
	for (size_t i = 0; i < parent->nareas; i++)
		if (parent->areas[i] && (rc = proc_add_area(lx, child, parent->areas[i])))
			return rc;
	return need_end(lx);
}

static int cmd_one_proc(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	return rc ? rc : need_end(lx);
}

static int cmd_file(struct lex *lx, struct stmt *st)
{
	size_t col = (skip_ws(lx), lx->pos);
	int rc = need_new_name(lx, "a file name", &st->name);
	if (rc)
		return rc;
	if (find_file(lx, st->name))
		return fail_at(lx, col, "there is a file named '%s' already", st->name);
	while (!at_end(lx)) {
		if (accept(lx, "rw")) {
			st->writable = true;
			continue;
		}
		if (accept(lx, "size")) {
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_size(lx, "a file size such as 8G", &st->size)))
				return rc;
			continue;
		}
		if (accept(lx, "path")) {
			size_t n;
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_string(lx, "a quoted path", &st->file, &n)))
				return rc;
			continue;
		}
		return expected(lx, "size=SIZE, path=\"...\" or rw");
	}
	if (!st->file == !st->size)
		return fail_at(lx, col,
			       "a file needs either size=SIZE (a virtual file) or path=\"...\" (a "
			       "host file)");
	struct known_file *f = arena_alloc(&lx->s->arena, sizeof(*f));
	if (!f)
		return VMSIM_ENOHOSTMEM;
	f->name = st->name;
	f->next = lx->files;
	lx->files = f;
	return 0;
}

static int need_file(struct lex *lx, const char **out)
{
	skip_ws(lx);
	size_t col = lx->pos;
	const char *name = ident(lx);
	if (!name)
		return expected(lx, "a file name");
	if (!find_file(lx, name))
		return fail_at(lx, col, "no file named '%s' (declare it with 'file %s size=SIZE')",
			       name, name);
	*out = name;
	return 0;
}

static int cmd_truncate(struct lex *lx, struct stmt *st)
{
	int rc = need_file(lx, &st->file);
	if (rc || (rc = need_size(lx, "the new size", &st->size)))
		return rc;
	return need_end(lx);
}

/* The data of a write: a quoted string, or a size (that many zero bytes). */
static int need_write_data(struct lex *lx, struct stmt *st)
{
	skip_ws(lx);
	if (lx->line[lx->pos] == '"') {
		int rc = need_string(lx, "the bytes to write, as a quoted string", &st->bytes,
				     &st->nbytes);
		if (rc)
			return rc;
		if (st->nbytes == 0)
			return fail_at(lx, lx->pos - 2, "nothing to write: the string is empty");
		st->size = st->nbytes;
		return 0;
	}
	return need_size(lx, "the bytes to write: a quoted string or a size such as 64K",
			 &st->size);
}

/* read FILE LEN [expect "BYTES"], pread FILE LEN OFFSET [expect "BYTES"],
 * write FILE DATA, pwrite FILE DATA OFFSET. */
static int cmd_file_io(struct lex *lx, struct stmt *st)
{
	bool reading = st->kind == ST_READ || st->kind == ST_PREAD;
	bool positional = st->kind == ST_PREAD || st->kind == ST_PWRITE;
	int rc = need_file(lx, &st->file);
	if (rc)
		return rc;
	if (reading)
		rc = need_size(lx, "the number of bytes to read, such as 4K", &st->size);
	else
		rc = need_write_data(lx, st);
	if (rc ||
	    (positional && (rc = need_size(lx, "the offset in the file, such as 8K", &st->offset))))
		return rc;
	if (reading && accept(lx, "expect")) {
		size_t col = lx->pos - 6;
		st->has_expect = true;
		if (st->size > 4096)
			return fail_at(lx, col, "a read with expect reads at most 4096 bytes");
		if ((rc = need_string(lx, "the expected bytes, as a quoted string", &st->bytes,
				      &st->nbytes)))
			return rc;
		if (st->nbytes > st->size)
			return fail_at(
			    lx, lx->pos - 1,
			    "the expected string has %zu bytes, the read asks for %" PRIu64,
			    st->nbytes, st->size);
	}
	return need_end(lx);
}

/* lseek FILE [-]OFFSET [set|cur|end] */
static int cmd_lseek(struct lex *lx, struct stmt *st)
{
	uint64_t off;
	bool neg;
	int rc = need_file(lx, &st->file);
	if (rc)
		return rc;
	neg = accept_char(lx, '-');
	if ((rc = need_size(lx, "the offset, such as 4K or -4K", &off)))
		return rc;
	if (off > INT64_MAX)
		return fail_at(lx, lx->pos - 1, "the offset is too large");
	st->delta = neg ? -(int64_t)off : (int64_t)off;
	st->flags = VMSIM_SEEK_SET;
	if (accept(lx, "set"))
		st->flags = VMSIM_SEEK_SET;
	else if (accept(lx, "cur"))
		st->flags = VMSIM_SEEK_CUR;
	else if (accept(lx, "end"))
		st->flags = VMSIM_SEEK_END;
	if (neg && st->flags == VMSIM_SEEK_SET)
		return fail_at(lx, lx->pos - 1, "a negative offset needs cur or end");
	return at_end(lx) ? 0 : expected(lx, "set, cur, end or the end of the line");
}

static int cmd_one_file(struct lex *lx, struct stmt *st)
{
	int rc = need_file(lx, &st->file);
	return rc ? rc : need_end(lx);
}

/* rwx, r--, ---: the prot bits. */
static int need_prot(struct lex *lx, int *prot)
{
	skip_ws(lx);
	const char *p = lx->line + lx->pos;
	if (!strncmp(p, "none", 4) && !is_ident_char(p[4])) {
		*prot = VMSIM_PROT_NONE;
		lx->pos += 4;
		return 0;
	}
	if ((p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
	    (p[2] == 'x' || p[2] == '-') && !is_ident_char(p[3]) && p[3] != '-') {
		*prot = (p[0] == 'r' ? VMSIM_PROT_READ : 0) | (p[1] == 'w' ? VMSIM_PROT_WRITE : 0) |
			(p[2] == 'x' ? VMSIM_PROT_EXEC : 0);
		lx->pos += 3;
		return 0;
	}
	return expected(lx, "protections such as rw-, r--, r-x or ---");
}

static int cmd_mmap(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc)
		return rc;
	size_t col = (skip_ws(lx), lx->pos);
	if ((rc = need_new_name(lx, "a name for the mapping", &st->name)))
		return rc;
	if (in_list(proc_fields, ARRAY_SIZE(proc_fields), st->name) || !strcmp(st->name, "heap"))
		return fail_at(lx, col, "'%s' names a figure of a process: choose another name",
			       st->name);
	struct known_proc *kp = find_proc(lx, st->proc);
	if (proc_has_area(kp, st->name))
		return fail_at(lx, col, "process %s has an area named '%s' already", st->proc,
			       st->name);
	if ((rc = need_size(lx, "the mapping's size, such as 4K or 100M", &st->size)))
		return rc;
	if (st->size == 0)
		return fail_at(lx, lx->pos - 1, "a mapping cannot be empty");
	st->prot = VMSIM_PROT_READ | VMSIM_PROT_WRITE;
	st->flags = VMSIM_MAP_PRIVATE;
	while (!at_end(lx)) {
		if (accept(lx, "shared")) {
			st->flags = (st->flags & ~VMSIM_MAP_PRIVATE) | VMSIM_MAP_SHARED;
		} else if (accept(lx, "private")) {
			st->flags = (st->flags & ~VMSIM_MAP_SHARED) | VMSIM_MAP_PRIVATE;
		} else if (accept(lx, "populate")) {
			st->flags |= VMSIM_MAP_POPULATE;
		} else if (accept(lx, "noreserve")) {
			st->flags |= VMSIM_MAP_NORESERVE;
		} else if (accept(lx, "fixed")) {
			st->flags |= VMSIM_MAP_FIXED;
		} else if (accept(lx, "noreplace")) {
			st->flags |= VMSIM_MAP_FIXED_NOREPLACE;
		} else if (accept(lx, "prot")) {
			if (!accept_char(lx, '=') || need_prot(lx, &st->prot))
				return lx->failed ? VMSIM_EPARSE : expected(lx, "'='");
		} else if (accept(lx, "at")) {
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_size(lx, "an address", &st->at)))
				return rc;
		} else if (accept(lx, "offset")) {
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_size(lx, "an offset into the file", &st->offset)))
				return rc;
		} else if (accept(lx, "file")) {
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_file(lx, &st->file)))
				return rc;
		} else if (accept(lx, "huge")) {
			size_t hcol;
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			hcol = (skip_ws(lx), lx->pos);
			if ((rc = need_size(lx, "a huge page size (2M or 1G)", &st->huge)))
				return rc;
			if (st->huge != (2u << 20) && st->huge != (1u << 30))
				return fail_at(lx, hcol, "expected a huge page size: 2M or 1G");
			if (st->file)
				return fail_at(lx, hcol,
					       "huge= maps anonymous hugetlb memory, not a "
					       "file");
		} else {
			return expected(lx, "a mapping option (prot=, shared, private, populate, "
					    "at=, fixed, noreplace, file=, offset=, huge=)");
		}
	}
	if (st->offset && !st->file)
		return fail_at(lx, col, "offset= needs file=");
	if ((st->flags & (VMSIM_MAP_FIXED | VMSIM_MAP_FIXED_NOREPLACE)) && !st->at)
		return fail_at(lx, col, "fixed and noreplace need at=ADDRESS");
	return proc_add_area(lx, kp, st->name);
}

static int cmd_munmap(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, true, &st->place)))
		return rc;
	/* the whole area goes: forget its name */
	if (st->place.name && !st->place.range && !st->place.point) {
		struct known_proc *kp = find_proc(lx, st->proc);
		for (size_t i = 0; i < kp->nareas; i++)
			if (kp->areas[i] && !strcmp(kp->areas[i], st->place.name))
				kp->areas[i] = NULL;
	}
	return need_end(lx);
}

static int cmd_mprotect(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, true, &st->place)) ||
	    (rc = need_prot(lx, &st->prot)))
		return rc;
	return need_end(lx);
}

static const char *const advice_names[] = {"normal",   "random",   "sequential", "willneed",
					   "dontneed", "hugepage", "nohugepage"};

static int cmd_madvise(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, true, &st->place)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(advice_names); i++)
		if (accept(lx, advice_names[i])) {
			st->advice = (int)i;
			return need_end(lx);
		}
	return expected(lx, "advice: normal, random, sequential, willneed, dontneed, hugepage or "
			    "nohugepage");
}

static int cmd_msync(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, true, &st->place)))
		return rc;
	st->flags = VMSIM_MS_SYNC;
	while (!at_end(lx)) {
		if (accept(lx, "sync"))
			st->flags = (st->flags & ~VMSIM_MS_ASYNC) | VMSIM_MS_SYNC;
		else if (accept(lx, "async"))
			st->flags = (st->flags & ~VMSIM_MS_SYNC) | VMSIM_MS_ASYNC;
		else if (accept(lx, "invalidate"))
			st->flags |= VMSIM_MS_INVALIDATE;
		else
			return expected(lx, "sync, async or invalidate");
	}
	return 0;
}

static int cmd_mremap(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, false, &st->place)))
		return rc;
	if (!st->place.name || st->place.point)
		return fail_at(lx, (size_t)st->place.col - 1,
			       "mremap takes a whole area by name (it moves with its name)");
	if ((rc = need_size(lx, "the area's new size, such as 8M", &st->size)))
		return rc;
	if (st->size == 0)
		return fail_at(lx, lx->pos - 1, "an area cannot become empty (use munmap)");
	while (!at_end(lx)) {
		if (accept(lx, "maymove")) {
			st->flags |= VMSIM_MREMAP_MAYMOVE;
		} else if (accept(lx, "dontunmap")) {
			st->flags |= VMSIM_MREMAP_DONTUNMAP;
		} else if (accept(lx, "fixed")) {
			st->flags |= VMSIM_MREMAP_FIXED;
		} else if (accept(lx, "at")) {
			if (!accept_char(lx, '='))
				return expected(lx, "'='");
			if ((rc = need_size(lx, "an address", &st->at)))
				return rc;
		} else {
			return expected(lx, "an mremap option (maymove, fixed, at=, dontunmap)");
		}
	}
	if ((st->flags & VMSIM_MREMAP_FIXED) && !st->at)
		return fail_at(lx, lx->pos, "fixed needs at=ADDRESS");
	return 0;
}

static int cmd_mlock(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, true, &st->place)))
		return rc;
	if (st->kind == ST_MLOCK && accept(lx, "onfault"))
		st->flags = VMSIM_MLOCK_ONFAULT;
	return at_end(lx) ? 0
			  : expected(lx, st->kind == ST_MLOCK ? "onfault or the end" : "the end");
}

static int cmd_mlockall(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || st->kind == ST_MUNLOCKALL)
		return rc ? rc : need_end(lx);
	while (!at_end(lx)) {
		if (accept(lx, "current"))
			st->flags |= VMSIM_MCL_CURRENT;
		else if (accept(lx, "future"))
			st->flags |= VMSIM_MCL_FUTURE;
		else if (accept(lx, "onfault"))
			st->flags |= VMSIM_MCL_ONFAULT;
		else
			return expected(lx, "current, future or onfault");
	}
	if (!(st->flags & (VMSIM_MCL_CURRENT | VMSIM_MCL_FUTURE)))
		return fail_at(lx, lx->pos, "mlockall needs current, future or both");
	return 0;
}

static int cmd_sleep(struct lex *lx, struct stmt *st)
{
	struct value v;
	size_t col = (skip_ws(lx), lx->pos);
	int rc = need_value(lx, "a time such as 10s or 500ms", &v);
	if (rc)
		return rc;
	if (v.u != U_SECONDS)
		return fail_at(lx, col, "expected a time such as 10s or 500ms");
	if (v.v > 1e6)
		return fail_at(lx, col, "at most 1000000s at a time");
	st->size = (uint64_t)llround(v.v * 1e9);
	return need_end(lx);
}

static int cmd_brk(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc)
		return rc;
	char c = peek(lx);
	uint64_t x;
	if (c == '+' || c == '-') {
		lx->pos++;
		if ((rc = need_size(lx, "a size such as 1M", &x)))
			return rc;
		if (x > INT64_MAX)
			return fail_at(lx, lx->pos - 1, "too large");
		st->delta = c == '-' ? -(int64_t)x : (int64_t)x;
	} else {
		if ((rc = need_size(lx, "+SIZE, -SIZE or an address", &x)))
			return rc;
		st->absolute = true;
		st->at = x;
	}
	return need_end(lx);
}

/* Percent in (0, 100%] into *@out. */
static int need_fraction(struct lex *lx, const char *what, double *out)
{
	struct value v;
	size_t col = (skip_ws(lx), lx->pos);
	int rc = need_value(lx, what, &v);
	if (rc)
		return rc;
	if (v.u != U_RATIO || v.v < 0 || v.v > 1)
		return fail_at(lx, col, "expected %s", what);
	*out = v.v;
	return 0;
}

static int cmd_touch(struct lex *lx, struct stmt *st)
{
	const char *list[64];
	size_t nl = 0;
	int rc;
	do {
		if (nl == ARRAY_SIZE(list))
			return fail_at(lx, lx->pos, "at most %zu processes take turns", nl);
		if ((rc = need_proc(lx, &list[nl++])))
			return rc;
	} while (accept_char(lx, ','));
	st->proc = list[0];
	st->nprocs = nl;
	st->procs = arena_alloc(&lx->s->arena, nl * sizeof(*st->procs));
	if (!st->procs)
		return VMSIM_ENOHOSTMEM;
	memcpy(st->procs, list, nl * sizeof(*list));
	skip_ws(lx);
	size_t place_col = lx->pos;
	if ((rc = need_place(lx, st->proc, true, &st->place)))
		return rc;
	for (size_t i = 1; i < nl && st->place.name; i++)
		if (!proc_has_area(find_proc(lx, list[i]), st->place.name))
			return fail_at(lx, place_col, "process %s has no area named '%s'", list[i],
				       st->place.name);
	st->slice = 1000;
	st->tkind = TK_READ;
	st->access_size = 8;
	st->gen.pattern = GEN_SEQ;
	st->gen.write_frac = -1;
	bool kind_seen = false, pattern_seen = false;
	size_t writes_col = 0;
	while (!at_end(lx)) {
		static const char *const kinds[] = {"read", "write", "exec", "rw", "rmw"};
		size_t col = (skip_ws(lx), lx->pos);
		bool hit = false;
		for (size_t i = 0; i < ARRAY_SIZE(kinds) && !hit; i++)
			if (accept(lx, kinds[i])) {
				if (kind_seen)
					return fail_at(lx, col, "the access kind is given twice");
				kind_seen = hit = true;
				st->tkind = (enum touch_kind)i;
			}
		if (hit)
			continue;
		const char *w = ident(lx);
		if (!w)
			return expected(lx, "read, write, exec, rw, rmw, a pattern or KEY=VALUE");
		if (lx->line[lx->pos] != '=') {
			if (gen_pattern_find(w, &st->gen.pattern) == 0) {
				if (pattern_seen)
					return fail_at(lx, col, "the pattern is given twice");
				pattern_seen = true;
				continue;
			}
			return fail_at(lx, col,
				       "unknown word '%s' (expected read, write, exec, rw, rmw, a "
				       "pattern: seq, loop, random, zipf, hotcold, phases, or "
				       "KEY=VALUE)",
				       w);
		}
		lx->pos++;
		uint64_t n;
		struct value v;
		if (!strcmp(w, "stride")) {
			if ((rc = need_size(lx, "a stride such as 64 or 4K", &st->gen.stride)))
				return rc;
			if (!st->gen.stride)
				return fail_at(lx, col, "the stride must be above 0");
		} else if (!strcmp(w, "size")) {
			if ((rc = need_size(lx, "an access size in bytes (1 to 1M)", &n)))
				return rc;
			if (n == 0 || n > (1u << 20))
				return fail_at(lx, col, "an access is 1 byte to 1 MiB");
			st->access_size = (uint32_t)n;
		} else if (!strcmp(w, "count")) {
			if ((rc = need_count(lx, "a number of accesses", &st->gen.count)))
				return rc;
		} else if (!strcmp(w, "times")) {
			if ((rc = need_count(lx, "a number of passes", &st->gen.times)))
				return rc;
		} else if (!strcmp(w, "seed")) {
			if ((rc = need_count(lx, "a seed", &st->gen.seed)))
				return rc;
		} else if (!strcmp(w, "alpha")) {
			if ((rc = need_value(lx, "the Zipf exponent, such as 0.9", &v)))
				return rc;
			if (v.u != U_COUNT || v.v <= 0)
				return fail_at(lx, col, "alpha must be a number above 0");
			st->gen.alpha = v.v;
		} else if (!strcmp(w, "hot")) {
			if ((rc = need_fraction(lx, "the hot share of pages, such as 10%",
						&st->gen.hot_frac)))
				return rc;
		} else if (!strcmp(w, "share")) {
			if ((rc = need_fraction(lx, "the hot share of accesses, such as 90%",
						&st->gen.hot_share)))
				return rc;
		} else if (!strcmp(w, "phases")) {
			if ((rc = need_count(lx, "a number of phases", &st->gen.phases)))
				return rc;
		} else if (!strcmp(w, "ws")) {
			if ((rc = need_size(lx, "the working set of a phase, such as 1M", &n)))
				return rc;
			st->gen.ws = (n + VMSIM_PAGE_SIZE - 1) / VMSIM_PAGE_SIZE;
		} else if (!strcmp(w, "slice")) {
			if ((rc = need_count(lx, "accesses per turn", &st->slice)))
				return rc;
			if (!st->slice)
				return fail_at(lx, col, "a turn needs at least one access");
		} else if (!strcmp(w, "writes")) {
			writes_col = col;
			if ((rc = need_fraction(lx, "the share of writes, such as 30%",
						&st->gen.write_frac)))
				return rc;
		} else {
			return fail_at(
			    lx, col,
			    "unknown touch option '%s' (expected stride, size, count, "
			    "times, seed, alpha, hot, share, phases, ws, writes or slice)",
			    w);
		}
	}
	if (st->gen.write_frac >= 0 && st->tkind != TK_RW)
		return fail_at(lx, writes_col, "writes= needs the access kind rw");
	if (st->tkind == TK_RW && st->gen.write_frac < 0)
		st->gen.write_frac = 0.5;
	if (st->tkind != TK_RW)
		st->gen.write_frac = st->tkind == TK_WRITE ? 1.0 : 0.0;
	return 0;
}

static int cmd_store(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, false, &st->place)) ||
	    (rc = need_string(lx, "the bytes to store, as a quoted string", &st->bytes,
			      &st->nbytes)))
		return rc;
	if (st->nbytes == 0)
		return fail_at(lx, lx->pos - 2, "nothing to store: the string is empty");
	return need_end(lx);
}

static int cmd_load(struct lex *lx, struct stmt *st)
{
	int rc = need_proc(lx, &st->proc);
	if (rc || (rc = need_place(lx, st->proc, false, &st->place)) ||
	    (rc = need_count(lx, "the number of bytes to load", &st->size)))
		return rc;
	if (st->size == 0 || st->size > 4096)
		return fail_at(lx, lx->pos - 1, "a load reads 1 to 4096 bytes");
	if (accept(lx, "expect")) {
		st->has_expect = true;
		if ((rc = need_string(lx, "the expected bytes, as a quoted string", &st->bytes,
				      &st->nbytes)))
			return rc;
		if (st->nbytes != st->size)
			return fail_at(lx, lx->pos - 1,
				       "the expected string has %zu bytes, the load reads %" PRIu64,
				       st->nbytes, st->size);
	}
	return need_end(lx);
}

/* TEXT with {EXPR} and {EXPR:FORMAT}; {{ and }} are braces. */
static int cmd_print(struct lex *lx, struct stmt *st)
{
	struct piece **tail = &st->pieces;
	if (lx->line[lx->pos] == ' ' || lx->line[lx->pos] == '\t')
		lx->pos++; /* one blank separates the command from the text */
	while (lx->line[lx->pos]) {
		const char *p = lx->line + lx->pos;
		struct piece *pc = arena_alloc(&lx->s->arena, sizeof(*pc));
		if (!pc)
			return VMSIM_ENOHOSTMEM;
		if (p[0] == '{' && p[1] != '{') {
			size_t col = lx->pos++;
			if (!(pc->e = parse_sum(lx)))
				return VMSIM_EPARSE;
			pc->format = "";
			if (accept_char(lx, ':')) {
				if (accept(lx, "hex"))
					pc->format = "hex";
				else if (accept(lx, "n"))
					pc->format = "n";
				else
					return expected(lx, "a format: hex or n");
			}
			if (!accept_char(lx, '}'))
				return fail_at(lx, col, "this '{' has no matching '}'");
		} else {
			size_t n = 0;
			char *t = arena_alloc(&lx->s->arena, strlen(p) + 1);
			if (!t)
				return VMSIM_ENOHOSTMEM;
			while (*p) {
				if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
					t[n++] = p[0];
					p += 2;
				} else if (p[0] == '{') {
					break;
				} else if (p[0] == '}') {
					return fail_at(lx, (size_t)(p - lx->line),
						       "a '}' alone: write '}}' for a brace");
				} else {
					t[n++] = *p++;
				}
			}
			lx->pos = (size_t)(p - lx->line);
			pc->text = t;
		}
		*tail = pc;
		tail = &pc->next;
	}
	return 0;
}

static const struct {
	const char *word;
	enum show_what what;
} show_words[] = {
    {"machine", SHOW_MACHINE}, {"memory", SHOW_MEMORY}, {"processes", SHOW_PROCESSES},
    {"faults", SHOW_FAULTS},   {"tlb", SHOW_TLB},	{"walks", SHOW_WALKS},
    {"reclaim", SHOW_RECLAIM}, {"swap", SHOW_RECLAIM},	{"time", SHOW_TIME},
    {"signals", SHOW_SIGNALS}, {"all", SHOW_ALL},	{"rss", SHOW_RSS},
    {"smaps", SHOW_SMAPS},     {"walk", SHOW_WALK},	{"translate", SHOW_TRANSLATE},
    {"files", SHOW_FILES},
};

static int cmd_show(struct lex *lx, struct stmt *st)
{
	size_t i;
	int rc;
	for (i = 0; i < ARRAY_SIZE(show_words); i++)
		if (accept(lx, show_words[i].word))
			break;
	if (i == ARRAY_SIZE(show_words))
		return expected(lx, "what to show: machine, memory, processes, faults, tlb, walks, "
				    "reclaim, time, signals, files, all, rss P, smaps P, walk P "
				    "PLACE or translate ADDR");
	st->show = show_words[i].what;
	switch (st->show) {
	case SHOW_RSS:
	case SHOW_SMAPS:
		if ((rc = need_proc(lx, &st->proc)))
			return rc;
		break;
	case SHOW_WALK:
		if ((rc = need_proc(lx, &st->proc)) ||
		    (rc = need_place(lx, st->proc, false, &st->place)))
			return rc;
		break;
	case SHOW_TRANSLATE:
		if ((rc = need_size(lx, "an address such as 0x7ffd12345678", &st->at)))
			return rc;
		st->ps = VMSIM_PAGE_4K;
		while (!at_end(lx)) {
			if (accept(lx, "levels")) {
				if (!accept_char(lx, '='))
					return expected(lx, "'='");
				if (accept_char(lx, '4'))
					st->levels = 4;
				else if (accept_char(lx, '5'))
					st->levels = 5;
				else
					return expected(lx, "4 or 5");
			} else if (accept(lx, "page")) {
				uint64_t ps;
				size_t col;
				if (!accept_char(lx, '='))
					return expected(lx, "'='");
				col = (skip_ws(lx), lx->pos);
				if ((rc = need_size(lx, "a page size: 4K, 2M or 1G", &ps)))
					return rc;
				if (ps == 4096)
					st->ps = VMSIM_PAGE_4K;
				else if (ps == (2u << 20))
					st->ps = VMSIM_PAGE_2M;
				else if (ps == (1u << 30))
					st->ps = VMSIM_PAGE_1G;
				else
					return fail_at(lx, col,
						       "expected a page size: 4K, 2M or 1G");
			} else {
				return expected(lx, "levels=4|5 or page=4K|2M|1G");
			}
		}
		break;
	default:
		break;
	}
	return need_end(lx);
}

static int cmd_expect(struct lex *lx, struct stmt *st)
{
	static const struct {
		const char *op;
		enum cmp_op cmp;
	} ops[] = {
	    {"==", CMP_EQ},	{"!=", CMP_NE}, {"<=", CMP_LE}, {">=", CMP_GE},
	    {"~=", CMP_APPROX}, {"<", CMP_LT},	{">", CMP_GT},
	};
	if (at_end(lx))
		return expected(lx, "a condition such as A.rss == 500M");
	if (!(st->lhs = parse_sum(lx)))
		return VMSIM_EPARSE;
	if (at_end(lx))
		return 0;
	skip_ws(lx);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strncmp(lx->line + lx->pos, ops[i].op, strlen(ops[i].op))) {
			st->op = ops[i].cmp;
			lx->pos += strlen(ops[i].op);
			break;
		}
	if (st->op == CMP_TRUE)
		return expected(lx, "a comparison: ==, !=, <, <=, >, >= or ~=");
	if (!(st->rhs = parse_sum(lx)))
		return VMSIM_EPARSE;
	if (accept(lx, "within")) {
		if (st->op != CMP_APPROX)
			return fail_at(lx, lx->pos - 6, "'within' goes with ~=");
		if (!(st->tol = parse_sum(lx)))
			return VMSIM_EPARSE;
	}
	return need_end(lx);
}

static const struct {
	const char *name;
	enum stmt_kind kind;
	int (*parse)(struct lex *lx, struct stmt *st);
} commands[] = {
#define SCENARIO_PARSER(kind, keyword, parse, run, machine) {keyword, ST_##kind, cmd_##parse},
    SCENARIO_COMMANDS(SCENARIO_PARSER)
#undef SCENARIO_PARSER
};

const char *scenario_keyword(enum stmt_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(commands) ? commands[kind].name
						   : "?"; /* row KIND is kind */
}

/* Edit distance of two short words (for "did you mean"). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[32];
	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int parse_line(struct lex *lx, struct stmt **out)
{
	*out = NULL;
	if (at_end(lx))
		return 0;
	size_t col = lx->pos;
	const char *w = ident(lx);
	if (!w)
		return expected(lx, "a command (process, mmap, touch, expect, ...)");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, w))
			continue;
		struct stmt *st = arena_alloc(&lx->s->arena, sizeof(*st));
		if (!st)
			return VMSIM_ENOHOSTMEM;
		st->kind = commands[i].kind;
		st->line = lx->lineno;
		st->src = lx->line;
		int rc = commands[i].parse(lx, st);
		if (rc)
			return lx->failed || rc != VMSIM_EPARSE
				   ? rc
				   : expected(lx, "the rest of the command");
		*out = st;
		return 0;
	}
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		size_t d = distance(w, commands[i].name);
		if (d < bestd) {
			bestd = d;
			best = commands[i].name;
		}
	}
	if (best)
		return fail_at(lx, col, "unknown command '%s' (did you mean '%s'?)", w, best);
	return fail_at(lx, col, "unknown command '%s' (see docs/SCENARIOS.md)", w);
}

int script_parse(struct script *s, const char *text, char *err, size_t errlen)
{
	struct lex lx = {.s = s, .err = err, .errlen = errlen};
	struct stmt **tail = &s->first;
	const char *p = text;

	if (errlen)
		err[0] = '\0';
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		size_t keep = n;
		if (keep && p[keep - 1] == '\r')
			keep--;
		lx.lineno++;
		lx.line = arena_strndup(&s->arena, p, keep);
		lx.pos = 0;
		if (!lx.line)
			return VMSIM_ENOHOSTMEM;
		if (memchr(p, '\0', keep) || strlen(lx.line) != keep)
			return fail_at(&lx, strlen(lx.line), "a NUL byte in the text");
		struct stmt *st;
		int rc = parse_line(&lx, &st);
		if (s->arena.failed)
			return VMSIM_ENOHOSTMEM;
		if (rc)
			return rc;
		if (st) {
			*tail = st;
			tail = &st->next;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}
