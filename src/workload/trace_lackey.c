/*
 * Valgrind lackey text traces (valgrind --tool=lackey --trace-mem=yes):
 *
 *	I  0401ab70,3        instruction fetch of 3 bytes at 0x401ab70
 *	 L 1fff000708,8      load  (one leading space)
 *	 S 1fff000700,8      store
 *	 M 0421e4a8,4        modify: a load then a store of the same bytes
 *	==28117== ...        Valgrind's own messages: skipped
 *
 * Addresses have 8 to 16 hexadecimal digits (lackey prints %08lx), sizes
 * are decimal, 1 to 4096. Blank lines and a '\r' before '\n' are
 * accepted. Every access belongs to process TRACE_DEFAULT_PID.
 *
 * The reader keeps one 1 MiB buffer and parses only up to its last
 * newline, so the hot loop never checks bounds inside a line: every line
 * it looks at ends with '\n', which no digit test accepts. The rest of
 * the buffer moves to the front before the next read.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "workload/trace_internal.h"

#define LK_BUF	    (1u << 20) /* longest line, and read granularity */
#define LK_MAX_SIZE 4096       /* largest access size accepted */
#define LK_SLACK    16	       /* bytes past the buffer the parser may look at */

struct lackey {
	unsigned char *buf; /* LK_BUF bytes + LK_SLACK: room for a '\n' after a last
			       unterminated line, and for 8-byte look-ahead */
	size_t pos;	    /* next byte to parse */
	size_t lim;	    /* bytes before it end with '\n': the parseable part */
	size_t len;	    /* bytes held */
	bool in_eof;	    /* no more input */
	uint64_t line;	    /* number of the line starting at pos (1-based) */
};

/* Value of each byte as a hexadecimal digit; X (0xff) for anything else. */
/* clang-format off */
#define X 0xff
static const unsigned char hexv[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, X, X, X, X, X, X,
    X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X
/* clang-format on */

/* Move the unparsed tail to the front and read more, until the buffer
 * holds at least one whole line or the input ends. */
static int refill(struct trace *t, struct lackey *lk, struct trace_error *err)
{
	size_t keep = lk->len - lk->pos;

	memmove(lk->buf, lk->buf + lk->pos, keep);
	lk->len = keep;
	lk->pos = lk->lim = 0;
	for (;;) {
		size_t i = lk->len, got;
		while (i > lk->lim && lk->buf[i - 1] != '\n')
			i--;
		if (i > 0) {
			lk->lim = i;
			return 0;
		}
		if (lk->in_eof) {
			if (lk->len > 0) /* a last line without '\n' */
				lk->buf[lk->len++] = '\n';
			lk->lim = lk->len;
			return 0;
		}
		if (lk->len == LK_BUF)
			return trace_fail_at(
			    t, err, VMSIM_EPARSE, lk->line, 1,
			    "line longer than %u bytes (expected lackey lines such "
			    "as 'I  0401ab70,3')",
			    LK_BUF);
		lk->lim = lk->len;
		int rc = dec_read(t->dec, lk->buf + lk->len, LK_BUF - lk->len, &got, err);
		if (rc)
			return rc;
		if (got == 0)
			lk->in_eof = true;
		lk->len += got;
		lk->lim = 0;
	}
}

/* An error at @p of the line starting at @ls. */
static int bad(struct trace *t, struct trace_error *err, uint64_t line, const unsigned char *ls,
	       const unsigned char *p, const char *expected)
{
	char tmp[16];

	return trace_fail_at(t, err, VMSIM_EPARSE, line, (size_t)(p - ls) + 1, "%s, found %s",
			     expected, trace_show_char(*p, tmp));
}

static int bad_size(struct trace *t, struct trace_error *err, uint64_t line,
		    const unsigned char *ls, const unsigned char *p, uint64_t size)
{
	return trace_fail_at(t, err, VMSIM_EPARSE, line, (size_t)(p - ls) + 1,
			     "access size %llu%s (expected 1 to %d bytes)",
			     (unsigned long long)size, size ? " is too large" : "", LK_MAX_SIZE);
}

static int lackey_read(struct trace *t, void *state, struct trace_rec *recs, size_t cap, size_t *n,
		       struct trace_error *err)
{
	struct lackey *lk = state;
	const unsigned char *p = lk->buf + lk->pos, *lim = lk->buf + lk->lim;
	uint64_t line = lk->line;
	size_t k = 0;
	int rc = 0;

	while (k + 2 <= cap) {
		if (unlikely(p >= lim)) {
			lk->pos = (size_t)(p - lk->buf);
			if ((rc = refill(t, lk, err)))
				break;
			p = lk->buf;
			lim = lk->buf + lk->lim;
			if (p == lim)
				break; /* end of the trace */
		}
		const unsigned char *ls = p, *h;
		unsigned kind, v;
		uint64_t a = 0, size = 0;

		if (p[0] == 'I') {
			if (unlikely(p[1] != ' ' || p[2] != ' ')) {
				rc = bad(t, err, line, ls, p[1] != ' ' ? p + 1 : p + 2,
					 "expected two spaces after 'I'");
				break;
			}
			kind = TRACE_EXEC;
		} else if (p[0] == ' ') {
			if (p[1] == 'L')
				kind = TRACE_READ;
			else if (p[1] == 'S')
				kind = TRACE_WRITE;
			else if (p[1] == 'M')
				kind = 3; /* modify: load, then store */
			else {
				rc = bad(t, err, line, ls, p + 1,
					 "expected 'L', 'S' or 'M' after a space");
				break;
			}
			if (unlikely(p[2] != ' ')) {
				rc = bad(t, err, line, ls, p + 2,
					 "expected a space after the access letter");
				break;
			}
		} else if (p[0] == '=' || p[0] == '\n' || (p[0] == '\r' && p[1] == '\n')) {
			/* Valgrind's own message, or a blank line */
			p = (const unsigned char *)memchr(p, '\n', (size_t)(lim - p)) + 1;
			line++;
			continue;
		} else {
			rc = bad(t, err, line, ls, p,
				 "expected 'I', ' L', ' S', ' M' or a '==PID==' message line");
			break;
		}
		p += 3;
		h = p;
		/* lackey prints at least 8 digits: take 8 at once (independent
		 * look-ups, one test; the buffer has slack past any line end),
		 * then the rest one by one */
		unsigned d0 = hexv[p[0]], d1 = hexv[p[1]], d2 = hexv[p[2]], d3 = hexv[p[3]];
		unsigned d4 = hexv[p[4]], d5 = hexv[p[5]], d6 = hexv[p[6]], d7 = hexv[p[7]];
		if (likely(((d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7) & 0xf0) == 0)) {
			a = (uint64_t)(d0 << 28 | d1 << 24 | d2 << 20 | d3 << 16 | d4 << 12 |
				       d5 << 8 | d6 << 4 | d7);
			p += 8;
		}
		while ((v = hexv[*p]) < 16) {
			a = a << 4 | v;
			p++;
		}
		if (unlikely(p - h < 8 || p - h > 16)) {
			if (p - h > 16)
				rc = trace_fail_at(t, err, VMSIM_EPARSE, line,
						   (size_t)(h + 16 - ls) + 1,
						   "address has more than 16 hexadecimal digits");
			else if (p == h)
				rc = bad(t, err, line, ls, p, "expected a hexadecimal address");
			else
				rc = bad(t, err, line, ls, p,
					 "expected 8 to 16 hexadecimal digits in the address");
			break;
		}
		if (unlikely(*p != ',')) {
			rc = bad(t, err, line, ls, p, "expected a hexadecimal digit or ','");
			break;
		}
		h = ++p;
		while ((v = (unsigned)*p - '0') < 10) {
			if (size <= LK_MAX_SIZE)
				size = size * 10 + v;
			p++;
		}
		if (unlikely(p == h)) {
			rc = bad(t, err, line, ls, p, "expected a decimal size after ','");
			break;
		}
		if (unlikely(size - 1 >= LK_MAX_SIZE)) {
			rc = bad_size(t, err, line, ls, h, size);
			break;
		}
		if (*p == '\r')
			p++;
		if (unlikely(*p != '\n')) {
			rc = bad(t, err, line, ls, p,
				 "expected a decimal digit or the end of the line");
			break;
		}
		p++;
		line++;
		if (kind == 3) {
			recs[k++] = (struct trace_rec){.type = TRACE_ACCESS,
						       .kind = TRACE_READ,
						       .pid = TRACE_DEFAULT_PID,
						       .addr = a,
						       .len = size};
			kind = TRACE_WRITE;
		}
		recs[k++] = (struct trace_rec){.type = TRACE_ACCESS,
					       .kind = (uint8_t)kind,
					       .pid = TRACE_DEFAULT_PID,
					       .addr = a,
					       .len = size};
	}
	lk->pos = (size_t)(p - lk->buf);
	lk->line = line;
	*n = k;
	return rc;
}

/* Does the line at @p (ending before @end) look like a lackey access? */
static bool looks_like_access(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *h;

	if (end - p < 6)
		return false;
	if (!((p[0] == 'I' && p[1] == ' ') ||
	      (p[0] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M'))) ||
	    p[2] != ' ')
		return false;
	p += 3;
	for (h = p; p < end && hexv[*p] < 16; p++)
		;
	if (p == h || p - h > 16 || p == end || *p++ != ',')
		return false;
	for (h = p; p < end && *p >= '0' && *p <= '9'; p++)
		;
	return p > h && (p == end || *p == '\r');
}

static int lackey_probe(const unsigned char *head, size_t n, bool all)
{
	const unsigned char *p = head, *end = head + n;
	bool banner = false;

	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && !all)
			break; /* the peek cut this line */
		if (!nl)
			nl = end;
		if (nl - p >= 2 && p[0] == '=' && p[1] == '=')
			banner = true;
		else if (nl > p)
			return looks_like_access(p, nl) ? 2 : 0;
		p = nl + 1;
	}
	return banner && !memchr(head, 0, n) ? 1 : 0;
}

static int lackey_open(struct trace *t, void **state, struct trace_error *err)
{
	struct lackey *lk = calloc(1, sizeof(*lk));

	if (!lk || !(lk->buf = calloc(1, LK_BUF + LK_SLACK))) {
		free(lk);
		return trace_fail(t, err, VMSIM_ENOHOSTMEM, "out of memory");
	}
	lk->line = 1;
	*state = lk;
	return 0;
}

static void lackey_close(void *state)
{
	struct lackey *lk = state;

	if (lk)
		free(lk->buf);
	free(lk);
}

const struct trace_format_ops trace_lackey_format = {
    .name = "lackey",
    .describe = "Valgrind lackey text (valgrind --tool=lackey --trace-mem=yes)",
    .source = TRACE_SRC_LACKEY,
    .probe = lackey_probe,
    .open = lackey_open,
    .read = lackey_read,
    .close = lackey_close,
};
