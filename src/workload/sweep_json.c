/*
 * A small JSON reader for sweeps: it parses one document (the --json
 * report of a run, a results line) into a tree of struct sweep_json nodes
 * and finds numbers in it by path ("system.mmu.tlb[L1D].misses").
 *
 * The tree owns all its memory; sweep_json_free releases it. Nesting is
 * limited (SWEEP_JSON_MAX_DEPTH), so no document can exhaust the stack.
 * Callers: sweep_run.c, src/cli/cmd_sweep.c, tests.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/sweep.h"

#define SWEEP_JSON_MAX_DEPTH 64

struct reader {
	const char *s, *end; /* the text */
	const char *p;	     /* next byte */
	char *err;	     /* message, or NULL */
	size_t errlen;
	int depth;
};

static int bad(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = 0;
	if (r->err && r->errlen) {
		n = snprintf(r->err, r->errlen, "byte %zu: ", (size_t)(r->p - r->s) + 1);
		if (n < 0 || (size_t)n >= r->errlen)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return VMSIM_EPARSE;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int parse_value(struct reader *r, struct sweep_json *v);

/* A string after its opening quote, into a malloc'd NUL-terminated copy
 * (\u escapes become UTF-8; \u0000 is kept as the byte 0x20). */
static int parse_string(struct reader *r, char **out)
{
	size_t cap = 16, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return VMSIM_ENOHOSTMEM;
	for (;;) {
		if (r->p >= r->end) {
			free(buf);
			return bad(r, "unterminated string");
		}
		unsigned char c = (unsigned char)*r->p++;
		unsigned cp = c;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(buf);
			r->p--;
			return bad(r, "control character in a string");
		}
		if (c == '\\') {
			if (r->p >= r->end) {
				free(buf);
				return bad(r, "unterminated string");
			}
			c = (unsigned char)*r->p++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				cp = c;
				break;
			case 'b':
				cp = '\b';
				break;
			case 'f':
				cp = '\f';
				break;
			case 'n':
				cp = '\n';
				break;
			case 'r':
				cp = '\r';
				break;
			case 't':
				cp = '\t';
				break;
			case 'u':
				cp = 0;
				for (int k = 0; k < 4; k++) {
					if (r->p >= r->end || !isxdigit((unsigned char)*r->p)) {
						free(buf);
						return bad(
						    r, "expected 4 hexadecimal digits after \\u");
					}
					char h = *r->p++;
					cp = cp * 16 + (unsigned)(isdigit((unsigned char)h)
								      ? h - '0'
								      : (tolower(h) - 'a' + 10));
				}
				if (cp == 0)
					cp = ' ';
				break;
			default:
				free(buf);
				r->p--;
				return bad(r, "unknown escape '\\%c'", c);
			}
		}
		if (n + 5 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				return VMSIM_ENOHOSTMEM;
			}
			buf = nb;
		}
		if (cp < 0x80 || c == cp) { /* a raw byte, or an ASCII escape */
			buf[n++] = (char)cp;
		} else if (cp < 0x800) {
			buf[n++] = (char)(0xc0 | (cp >> 6));
			buf[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			buf[n++] = (char)(0xe0 | (cp >> 12));
			buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			buf[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int parse_number(struct reader *r, struct sweep_json *v)
{
	const char *start = r->p;
	char tmp[64];
	if (r->p < r->end && *r->p == '-')
		r->p++;
	while (r->p < r->end && (isdigit((unsigned char)*r->p) || *r->p == '.' || *r->p == 'e' ||
				 *r->p == 'E' || *r->p == '+' || *r->p == '-'))
		r->p++;
	size_t n = (size_t)(r->p - start);
	if (n == 0 || n >= sizeof(tmp)) {
		r->p = start;
		return bad(r, "expected a value");
	}
	memcpy(tmp, start, n);
	tmp[n] = '\0';
	char *endp;
	errno = 0;
	v->num = strtod(tmp, &endp);
	if (*endp || !(isdigit((unsigned char)tmp[0]) || tmp[0] == '-')) {
		r->p = start;
		return bad(r, "malformed number '%s'", tmp);
	}
	v->type = SWEEP_JSON_NUMBER;
	return 0;
}

static int add_child(struct sweep_json *v, char *key)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct sweep_json *items = realloc(v->items, cap * sizeof(*items));
		if (!items)
			return VMSIM_ENOHOSTMEM;
		v->items = items;
		if (v->type == SWEEP_JSON_OBJECT) {
			char **keys = realloc(v->keys, cap * sizeof(*keys));
			if (!keys)
				return VMSIM_ENOHOSTMEM;
			v->keys = keys;
		}
		v->cap = cap;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->type == SWEEP_JSON_OBJECT)
		v->keys[v->n] = key;
	v->n++;
	return 0;
}

static int parse_container(struct reader *r, struct sweep_json *v, char close)
{
	int rc;
	if (++r->depth > SWEEP_JSON_MAX_DEPTH)
		return bad(r, "nested deeper than %d", SWEEP_JSON_MAX_DEPTH);
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(r);
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"')
				return bad(r, "expected a member name in quotes");
			r->p++;
			if ((rc = parse_string(r, &key)))
				return rc;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':') {
				free(key);
				return bad(r, "expected ':' after a member name");
			}
			r->p++;
		}
		if ((rc = add_child(v, key))) {
			free(key);
			return rc;
		}
		if ((rc = parse_value(r, &v->items[v->n - 1])))
			return rc;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return 0;
		}
		return bad(r, "expected ',' or '%c'", close);
	}
}

static bool word(struct reader *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, w, n)) {
		r->p += n;
		return true;
	}
	return false;
}

static int parse_value(struct reader *r, struct sweep_json *v)
{
	skip_ws(r);
	if (r->p >= r->end)
		return bad(r, "expected a value, found the end");
	switch (*r->p) {
	case '{':
		r->p++;
		v->type = SWEEP_JSON_OBJECT;
		return parse_container(r, v, '}');
	case '[':
		r->p++;
		v->type = SWEEP_JSON_ARRAY;
		return parse_container(r, v, ']');
	case '"':
		r->p++;
		v->type = SWEEP_JSON_STRING;
		return parse_string(r, &v->str);
	default:
		break;
	}
	if (word(r, "null")) {
		v->type = SWEEP_JSON_NULL;
		return 0;
	}
	if (word(r, "true")) {
		v->type = SWEEP_JSON_BOOL;
		v->num = 1;
		return 0;
	}
	if (word(r, "false")) {
		v->type = SWEEP_JSON_BOOL;
		v->num = 0;
		return 0;
	}
	return parse_number(r, v);
}

static void release(struct sweep_json *v)
{
	for (size_t i = 0; i < v->n; i++) {
		release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void sweep_json_free(struct sweep_json *v)
{
	if (!v)
		return;
	release(v);
	free(v);
}

int sweep_json_parse(const char *text, size_t len, struct sweep_json **out, char *err,
		     size_t errlen)
{
	struct reader r = {.s = text, .end = text + len, .p = text, .err = err, .errlen = errlen};
	struct sweep_json *v = calloc(1, sizeof(*v));
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!v)
		return VMSIM_ENOHOSTMEM;
	rc = parse_value(&r, v);
	if (rc == 0) {
		skip_ws(&r);
		if (r.p != r.end)
			rc = bad(&r, "unexpected text after the document");
	}
	if (rc) {
		sweep_json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

const struct sweep_json *sweep_json_member(const struct sweep_json *v, const char *key)
{
	if (!v || v->type != SWEEP_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}

/* Does some string member of @v equal @s? (selects "[L1D]") */
static bool has_string_member(const struct sweep_json *v, const char *s)
{
	if (v->type != SWEEP_JSON_OBJECT)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i].type == SWEEP_JSON_STRING && !strcmp(v->items[i].str, s))
			return true;
	return false;
}

/* The members of object @v, "a, b, c" (shortened), into @buf. */
static void member_list(const struct sweep_json *v, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->n && used + 8 < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", v->keys[i]);
		if (n < 0 || (size_t)n >= len - used) {
			snprintf(buf + used, len - used, ", ...");
			break;
		}
		used += (size_t)n;
	}
}

int sweep_json_path(const struct sweep_json *root, const char *path, bool lenient,
		    const struct sweep_json **out, char *why, size_t whylen)
{
	const struct sweep_json *v = root;
	const char *p = path;
	char seg[128];
	size_t done = 0; /* bytes of @path resolved */

	*out = NULL;
	while (*p) {
		bool index = false;
		size_t n = 0;
		if (*p == '.' && done) {
			p++;
		} else if (*p == '[') {
			index = true;
			p++;
		}
		while (*p && (index ? *p != ']' : (*p != '.' && *p != '[')) && n + 1 < sizeof(seg))
			seg[n++] = *p++;
		seg[n] = '\0';
		if (index) {
			if (*p != ']') {
				snprintf(why, whylen, "'%s': expected ']' after '[%s'", path, seg);
				return VMSIM_EPARSE;
			}
			p++;
		}
		if (n == 0) {
			snprintf(why, whylen, "'%s': empty part at column %zu", path,
				 (size_t)(p - path));
			return VMSIM_EPARSE;
		}
		if (index) {
			if (v->type != SWEEP_JSON_ARRAY) {
				snprintf(why, whylen, "'%.*s' is not an array", (int)done, path);
				return VMSIM_ENOENT;
			}
			if (lenient && v->n == 0) /* nothing to check against */
				return 0;
			const struct sweep_json *next = NULL;
			char *endp;
			unsigned long k = strtoul(seg, &endp, 10);
			if (*endp == '\0' && isdigit((unsigned char)seg[0])) {
				if (k < v->n)
					next = &v->items[k];
				else if (lenient)
					return 0;
			} else {
				for (size_t i = 0; i < v->n && !next; i++)
					if (has_string_member(&v->items[i], seg))
						next = &v->items[i];
			}
			if (!next) {
				snprintf(why, whylen, "'%.*s' has no element [%s]", (int)done, path,
					 seg);
				return VMSIM_ENOENT;
			}
			v = next;
		} else {
			const struct sweep_json *next = sweep_json_member(v, seg);
			if (!next) {
				char members[256] = "";
				if (v->type == SWEEP_JSON_OBJECT)
					member_list(v, members, sizeof(members));
				if (done == 0)
					snprintf(why, whylen,
						 "the report has no member '%s' (it has %s)", seg,
						 members);
				else if (v->type == SWEEP_JSON_OBJECT)
					snprintf(why, whylen,
						 "'%.*s' has no member '%s' (it has %s)", (int)done,
						 path, seg, members);
				else
					snprintf(why, whylen, "'%.*s' is not an object", (int)done,
						 path);
				return VMSIM_ENOENT;
			}
			v = next;
		}
		done = (size_t)(p - path);
	}
	if (v->type == SWEEP_JSON_OBJECT || v->type == SWEEP_JSON_ARRAY ||
	    v->type == SWEEP_JSON_STRING) {
		snprintf(why, whylen, "'%s' is %s, not a number", path,
			 v->type == SWEEP_JSON_OBJECT  ? "an object"
			 : v->type == SWEEP_JSON_ARRAY ? "an array"
						       : "a string");
		return VMSIM_EINVAL;
	}
	*out = v;
	return 0;
}
