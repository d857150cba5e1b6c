/*
 * Reference-string readers (formats and detection: refstring.h).
 *
 * Both formats read through one 64 KiB buffer. Text is parsed in place by a
 * hand-written scanner that keeps the line number and the input offset of
 * the line's start, so any byte's column is known without counting every
 * byte; a number cut by the end of the buffer is re-read after the buffer
 * is refilled (the unread tail moves to the front). u64 input is copied
 * straight from the buffer, or read straight into the caller's array when
 * the buffer is empty, so reading costs little more than the read itself.
 *
 *	buf:  [ consumed | pos .. unread .. len | free ]
 *	       ^ input offset off_base
 */
#include "workload/refstring.h"
#include "base/units.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmsim/error.h"
#include "workload/paging_map.h"
#include "workload/trace.h"

#define PROC_SHIFT 45 /* process rank bits of a trace's page numbers */

#define BUFSZ	  (64 * 1024) /* bytes read at a time */
#define PROBE	  4096	      /* bytes auto-detection looks at */
#define NEED_MORE 1	      /* scan_number: the number may go on past the buffer */
#define NEVER	  UINT64_MAX  /* no next use (VMSIM_POLICY_NEVER) */

struct refstring {
	FILE *f;		   /* the input */
	int close_it;		   /* refstring_close closes f */
	char *name;		   /* for messages */
	enum refstring_format fmt; /* TEXT or U64 once open */
	unsigned char *buf;	   /* BUFSZ bytes */
	size_t pos;		   /* first unread byte of buf */
	size_t len;		   /* bytes of buf holding input */
	uint64_t off_base;	   /* input offset of buf[0] */
	bool eof;		   /* the input has no more bytes */
	/* text only */
	uint64_t line;	   /* current line, from 1 */
	uint64_t line_off; /* input offset of the current line's first byte */
	bool in_comment;   /* inside a '#' comment */
	/* trace only */
	struct trace *t;	/* the trace */
	struct trace_rec *recs; /* TRACE_BATCH records read */
	size_t nrecs, rec;	/* records in recs, next one to use */
	uint64_t next_page;	/* an access's next page still to emit */
	uint64_t last_page;	/* its last page; next_page > last_page: none */
	uint64_t proc_bits;	/* the process rank of the access, << PROC_SHIFT */
	unsigned page_shift;	/* log2 of the page size */
	bool fetch;		/* fetches count too */
	uint32_t pid[64];	/* processes seen, in order (rank = index) */
	unsigned npid;		/* entries of pid */
};

static int fail(struct refstring_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct refstring_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/* Move the unread bytes to the front of the buffer and read more after
 * them. Sets eof when the input has nothing more. Returns 0 or VMSIM_EIO. */
static int fill(struct refstring *rs, struct refstring_error *err)
{
	size_t got;

	if (rs->pos > 0) {
		memmove(rs->buf, rs->buf + rs->pos, rs->len - rs->pos);
		rs->off_base += rs->pos;
		rs->len -= rs->pos;
		rs->pos = 0;
	}
	got = fread(rs->buf + rs->len, 1, BUFSZ - rs->len, rs->f);
	rs->len += got;
	if (got == 0) {
		if (ferror(rs->f))
			return fail(err, VMSIM_EIO, "%s: read error: %s", rs->name,
				    strerror(errno));
		rs->eof = true;
	}
	return 0;
}

/* ---- text ---------------------------------------------------------------- */

static bool is_separator(unsigned char c)
{
	return c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '#';
}

/* How a message names byte @c: 'q', or byte 0x00 with a hint. */
static const char *show(unsigned char c, char *tmp /* 48 bytes */)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(tmp, 48, "'%c'", c);
	else if (c == '\n' || c == '\r')
		snprintf(tmp, 48, "the end of the line");
	else if (c == 0)
		snprintf(tmp, 48, "byte 0x00 (is this a u64 file?)");
	else
		snprintf(tmp, 48, "byte 0x%02x", c);
	return tmp;
}

/* "name:line:col: what" for the byte at buf[@p]. */
static int text_fail(struct refstring *rs, size_t p, struct refstring_error *err, int rc,
		     const char *what, const char *found)
{
	uint64_t col = rs->off_base + p - rs->line_off + 1;

	if (found)
		return fail(err, rc, "%s:%" PRIu64 ":%" PRIu64 ": %s, found %s", rs->name, rs->line,
			    col, what, found);
	return fail(err, rc, "%s:%" PRIu64 ":%" PRIu64 ": %s", rs->name, rs->line, col, what);
}

/*
 * Scan the page number starting with the digit at buf[@p]. Returns 0 with
 * *@v and *@q (index just after it); NEED_MORE if it runs to the end of the
 * buffer and more input may follow; VMSIM_EPARSE with @err filled.
 */
static int scan_number(struct refstring *rs, size_t p, uint64_t *v /* out */, size_t *q /* out */,
		       struct refstring_error *err)
{
	const unsigned char *b = rs->buf;
	size_t i = p, end = rs->len;
	bool hex = false, overflow = false;
	uint64_t x = 0;
	char tmp[48];

	if (b[i] == '0') {
		if (i + 1 == end && !rs->eof)
			return NEED_MORE;
		if (i + 1 < end && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
			hex = true;
			i += 2;
		}
	}
	if (hex) {
		size_t first = i;
		int h;

		for (; i < end && (h = unit_hexval(b[i])) >= 0; i++) {
			if (x >> 60)
				overflow = true;
			x = x << 4 | (uint64_t)h;
		}
		if (i == end && !rs->eof)
			return NEED_MORE;
		if (i == first)
			return text_fail(rs, i, err, VMSIM_EPARSE, "expected a hexadecimal digit",
					 i < end ? show(b[i], tmp) : "the end of the input");
	} else {
		for (; i < end && b[i] >= '0' && b[i] <= '9'; i++)
			x = x * 10 + (uint64_t)(b[i] - '0');
		if (i == end && !rs->eof)
			return NEED_MORE;
		if (i - p > 19) {
			/* 20 digits or more may not fit: read them again, checking */
			size_t j;
			for (x = 0, j = p; j < i; j++) {
				uint64_t d = (uint64_t)(b[j] - '0');
				if (x > (UINT64_MAX - d) / 10)
					overflow = true;
				x = x * 10 + d;
			}
		}
	}
	if (i < end && !is_separator(b[i])) {
		if (hex)
			return text_fail(
			    rs, i, err, VMSIM_EPARSE,
			    "expected a hexadecimal digit or the end of the page number",
			    show(b[i], tmp));
		if (unit_hexval(b[i]) >= 0 || b[i] == 'x' || b[i] == 'X')
			return text_fail(
			    rs, i, err, VMSIM_EPARSE,
			    "expected a decimal digit (hexadecimal needs the prefix 0x)",
			    show(b[i], tmp));
		return text_fail(rs, i, err, VMSIM_EPARSE,
				 "expected a decimal digit or the end of the page number",
				 show(b[i], tmp));
	}
	if (overflow)
		return text_fail(rs, p, err, VMSIM_EPARSE, "page number does not fit in 64 bits",
				 NULL);
	*v = x;
	*q = i;
	return 0;
}

static int text_read(struct refstring *rs, uint64_t *out, size_t cap, size_t *n,
		     struct refstring_error *err)
{
	size_t k = 0;
	int rc = 0;
	char tmp[48];

	while (k < cap) {
		const unsigned char *b = rs->buf;
		size_t p = rs->pos, end = rs->len;
		bool more = false;

		if (p == end) {
			if (rs->eof)
				break;
			if ((rc = fill(rs, err)) != 0)
				break;
			continue;
		}
		if (rs->in_comment) {
			const unsigned char *nl = memchr(b + p, '\n', end - p);
			rs->pos = nl ? (size_t)(nl - b) : end;
			rs->in_comment = !nl;
			continue;
		}
		while (p < end && k < cap) {
			unsigned char c = b[p];

			if (c >= '0' && c <= '9') {
				/* Fast path: up to 19 decimal digits (they cannot
				 * overflow) ending inside the buffer at a separator. */
				uint64_t x = (uint64_t)(c - '0');
				size_t q = p + 1;

				while (q < end && q - p < 19 && b[q] >= '0' && b[q] <= '9')
					x = x * 10 + (uint64_t)(b[q++] - '0');
				if (q < end && is_separator(b[q])) {
					out[k++] = x;
					p = q;
					continue;
				}
				/* Anything else (hex, long, cut by the buffer, bad). */
				rc = scan_number(rs, p, &out[k], &q, err);
				if (rc == NEED_MORE) {
					rc = 0;
					more = true;
					break;
				}
				if (rc != 0)
					goto out;
				k++;
				p = q;
			} else if (c == '\n') {
				rs->line++;
				rs->line_off = rs->off_base + p + 1;
				p++;
			} else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
				p++;
			} else if (c == '#') {
				rs->in_comment = true;
				p++;
				break;
			} else {
				rc = text_fail(rs, p, err, VMSIM_EPARSE, "expected a page number",
					       show(c, tmp));
				goto out;
			}
		}
		rs->pos = p;
		if (more) {
			if (p == 0 && end == BUFSZ) {
				rc = text_fail(rs, p, err, VMSIM_EPARSE,
					       "page number longer than 64 KiB", NULL);
				goto out;
			}
			if ((rc = fill(rs, err)) != 0)
				goto out;
		}
	}
out:
	*n = k;
	return rc;
}

/* ---- u64 ----------------------------------------------------------------- */

static void from_le(uint64_t *v, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t i = 0; i < n; i++)
		v[i] = __builtin_bswap64(v[i]);
#else
	(void)v;
	(void)n;
#endif
}

static int u64_read(struct refstring *rs, uint64_t *out, size_t cap, size_t *n,
		    struct refstring_error *err)
{
	size_t k = 0;
	int rc = 0;

	while (k < cap) {
		size_t avail = rs->len - rs->pos;

		if (avail >= 8) {
			size_t m = avail / 8 < cap - k ? avail / 8 : cap - k;
			memcpy(out + k, rs->buf + rs->pos, m * 8);
			from_le(out + k, m);
			rs->pos += m * 8;
			k += m;
		} else if (rs->eof) {
			if (avail)
				rc = fail(err, VMSIM_EPARSE,
					  "%s: byte %" PRIu64 ": the last record has %zu of its 8 "
					  "bytes (u64 input is 8-byte little-endian page numbers)",
					  rs->name, rs->off_base + rs->pos, avail);
			break;
		} else if (avail == 0 && cap - k >= BUFSZ / 8) {
			/* Empty buffer, big request: read into the caller's array. */
			uint64_t base = rs->off_base + rs->pos;
			size_t want = (cap - k) * 8;
			size_t got = fread(out + k, 1, want, rs->f);
			size_t full = got / 8, rem = got % 8;

			memcpy(rs->buf, (unsigned char *)(out + k) + full * 8, rem);
			from_le(out + k, full);
			k += full;
			rs->off_base = base + full * 8;
			rs->pos = 0;
			rs->len = rem;
			if (got < want) {
				if (ferror(rs->f)) {
					rc = fail(err, VMSIM_EIO, "%s: read error: %s", rs->name,
						  strerror(errno));
					break;
				}
				rs->eof = true;
			}
		} else if ((rc = fill(rs, err)) != 0) {
			break;
		}
	}
	*n = k;
	return rc;
}

/* ---- open, read, close ----------------------------------------------------- */

int refstring_open_stream(struct refstring **out, FILE *f, const char *name, int close_it,
			  enum refstring_format fmt, struct refstring_error *err)
{
	struct refstring *rs;
	struct stat st;
	int rc, fd;

	rs = calloc(1, sizeof(*rs));
	if (!rs)
		goto nomem;
	rs->buf = malloc(BUFSZ);
	rs->name = malloc(strlen(name) + 1);
	if (!rs->buf || !rs->name)
		goto nomem_free;
	strcpy(rs->name, name);
	rs->f = f;
	rs->close_it = close_it;
	rs->line = 1;
	rc = fill(rs, err);
	if (rc != 0) {
		rs->close_it = 0;
		refstring_close(rs);
		return rc;
	}
	if (fmt == REFSTRING_AUTO) {
		size_t probe = rs->len < PROBE ? rs->len : PROBE;
		bool nul = memchr(rs->buf, 0, probe) != NULL;

		fd = fileno(f);
		if (nul && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size % 8 != 0)
			nul = false;
		fmt = nul ? REFSTRING_U64 : REFSTRING_TEXT;
	}
	rs->fmt = fmt;
	*out = rs;
	return 0;

nomem_free:
	free(rs->buf);
	free(rs->name);
	free(rs);
nomem:
	return fail(err, VMSIM_ENOHOSTMEM, "%s: out of host memory", name);
}

int refstring_open(struct refstring **out, const char *path, enum refstring_format fmt,
		   struct refstring_error *err)
{
	FILE *f;
	int rc;

	if (strcmp(path, "-") == 0)
		return refstring_open_stream(out, stdin, "<stdin>", 0, fmt, err);
	f = fopen(path, "rb");
	if (!f)
		return fail(err, VMSIM_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = refstring_open_stream(out, f, path, 1, fmt, err);
	if (rc != 0)
		fclose(f);
	return rc;
}

bool refstring_is_vmsim_trace(const char *path)
{
	struct trace_error terr;
	struct trace *t = NULL;

	if (strcmp(path, "-") == 0 || trace_open(&t, path, "vmsim", &terr) != 0)
		return false;
	trace_close(t);
	return true;
}

int refstring_open_trace(struct refstring **out, const char *path, const char *format,
			 unsigned page_shift, bool fetch, struct refstring_error *err)
{
	struct trace_error terr = {""};
	struct refstring *rs = calloc(1, sizeof(*rs));
	int rc;

	if (!rs || !(rs->recs = malloc(TRACE_BATCH * sizeof(*rs->recs))) ||
	    !(rs->name = strdup(strcmp(path, "-") == 0 ? "<stdin>" : path))) {
		refstring_close(rs);
		return fail(err, VMSIM_ENOHOSTMEM, "%s: out of host memory", path);
	}
	rc = trace_open(&rs->t, path, format, &terr);
	if (rc != 0) {
		refstring_close(rs);
		snprintf(err->msg, sizeof(err->msg), "%s", terr.msg);
		return rc;
	}
	rs->fmt = REFSTRING_TRACE;
	rs->page_shift = page_shift;
	rs->fetch = fetch;
	rs->next_page = 1;
	rs->last_page = 0;
	*out = rs;
	return 0;
}

/* The rank of process @pid, << PROC_SHIFT (the 64th and later share one). */
static uint64_t proc_bits(struct refstring *rs, uint32_t pid)
{
	unsigned i;

	for (i = 0; i < rs->npid; i++)
		if (rs->pid[i] == pid)
			return (uint64_t)i << PROC_SHIFT;
	if (rs->npid < 64)
		rs->pid[rs->npid++] = pid;
	return (uint64_t)i << PROC_SHIFT;
}

static int trace_pages_read(struct refstring *rs, uint64_t *pages, size_t cap, size_t *n,
			    struct refstring_error *err)
{
	struct trace_error terr = {""};
	size_t k = 0;
	int rc;

	while (k < cap) {
		const struct trace_rec *r;

		if (rs->next_page <= rs->last_page) {
			pages[k++] = rs->proc_bits | rs->next_page++;
			continue;
		}
		if (rs->rec == rs->nrecs) {
			rc = trace_read(rs->t, rs->recs, TRACE_BATCH, &rs->nrecs, &terr);
			rs->rec = 0;
			if (rc != 0) {
				rs->nrecs = 0;
				*n = k;
				snprintf(err->msg, sizeof(err->msg), "%s", terr.msg);
				return rc;
			}
			if (rs->nrecs == 0)
				break;
		}
		r = &rs->recs[rs->rec++];
		if (r->type != TRACE_ACCESS || (r->kind == TRACE_EXEC && !rs->fetch))
			continue;
		if (rs->pid[0] != r->pid || rs->npid == 0)
			rs->proc_bits = proc_bits(rs, r->pid);
		else
			rs->proc_bits = 0;
		rs->next_page = r->addr >> rs->page_shift;
		rs->last_page = (r->addr + r->len - 1) >> rs->page_shift;
		if (rs->last_page < rs->next_page) /* wrapped at the top of memory */
			rs->last_page = rs->next_page;
	}
	*n = k;
	return 0;
}

int refstring_read(struct refstring *rs, uint64_t *pages, size_t cap, size_t *n,
		   struct refstring_error *err)
{
	if (rs->fmt == REFSTRING_TRACE)
		return trace_pages_read(rs, pages, cap, n, err);
	if (rs->fmt == REFSTRING_U64)
		return u64_read(rs, pages, cap, n, err);
	return text_read(rs, pages, cap, n, err);
}

enum refstring_format refstring_format(const struct refstring *rs)
{
	return rs->fmt;
}

const char *refstring_name(const struct refstring *rs)
{
	return rs->name;
}

bool refstring_position(const struct refstring *rs, uint64_t *pos, uint64_t *size)
{
	struct stat sb;

	if (rs->fmt == REFSTRING_TRACE)
		return trace_position(rs->t, pos, size);
	if (!rs->f || fstat(fileno(rs->f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
		return false;
	*pos = rs->off_base + rs->len; /* the bytes read into buf so far */
	*size = (uint64_t)sb.st_size;
	return true;
}

void refstring_close(struct refstring *rs)
{
	if (!rs)
		return;
	if (rs->close_it)
		fclose(rs->f);
	trace_close(rs->t);
	free(rs->recs);
	free(rs->buf);
	free(rs->name);
	free(rs);
}

int refstring_read_all(struct refstring *rs, uint64_t **pages, size_t *n,
		       struct refstring_error *err)
{
	size_t cap = 1 << 16, len = 0, got;
	uint64_t *a, *bigger;
	struct stat st;
	int fd = rs->f ? fileno(rs->f) : -1, rc;

	/* A u64 file's size tells how many numbers it holds. */
	if (rs->fmt == REFSTRING_U64 && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size / 8 + 1 > cap)
		cap = (size_t)((uint64_t)st.st_size / 8 + 1);
	a = malloc(cap * sizeof(*a));
	if (!a)
		return fail(err, VMSIM_ENOHOSTMEM, "%s: out of host memory", rs->name);
	for (;;) {
		if (len == cap) {
			bigger = realloc(a, 2 * cap * sizeof(*a));
			if (!bigger) {
				free(a);
				return fail(err, VMSIM_ENOHOSTMEM, "%s: out of host memory",
					    rs->name);
			}
			a = bigger;
			cap *= 2;
		}
		rc = refstring_read(rs, a + len, cap - len, &got, err);
		if (rc != 0) {
			free(a);
			return rc;
		}
		if (got == 0)
			break;
		len += got;
	}
	*pages = a;
	*n = len;
	return 0;
}

int refstring_next_use(const uint64_t *pages, size_t n, uint64_t **next)
{
	struct pmap m;
	uint64_t *nx;
	size_t i, slot;
	int grew;

	nx = malloc((n ? n : 1) * sizeof(*nx));
	if (!nx)
		return VMSIM_ENOHOSTMEM;
	if (pmap_init(&m, n < 4096 ? n : 4096) != 0)
		goto nomem;
	for (i = n; i-- > 0;) {
		if (i >= 16)
			pmap_prefetch(&m, pages[i - 16]);
		slot = pmap_probe(&m, pages[i]);
		if (m.s[slot].val == PMAP_EMPTY) {
			if (pmap_reserve(&m, &grew) != 0)
				goto nomem_map;
			if (grew)
				slot = pmap_probe(&m, pages[i]);
			m.s[slot].key = pages[i];
			m.count++;
			nx[i] = NEVER;
		} else {
			nx[i] = m.s[slot].val;
		}
		m.s[slot].val = (uint64_t)i + 1;
	}
	pmap_release(&m);
	*next = nx;
	return 0;

nomem_map:
	pmap_release(&m);
nomem:
	free(nx);
	return VMSIM_ENOHOSTMEM;
}
