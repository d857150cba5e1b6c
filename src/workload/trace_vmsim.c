/*
 * vmsim's own trace format: reader and writer. docs/FORMATS.md is the
 * byte-by-byte description; in short:
 *
 *	header (32 bytes): "VMSIMTRC" version:u16 hdrlen:u16 page_size:u32 flags:u32 source:u8 0...
 *	records, each starting with one byte:
 *	  0KKZSSSS   access: KK kind (00 read, 01 write, 10 exec), Z address = end of the
 *	             previous access of the same stream, SSSS size 1..15 (0: varint follows)
 *	             [zigzag varint delta from that end, unless Z] [varint size, if SSSS = 0]
 *	  0x80+k     event k (trace_event_kind), then varint arguments
 *	  0xF0       current pid := varint (no record of its own)
 *	  0xFF       end: varint number of records; nothing may follow
 *
 * Two delta streams (data and instruction fetches) keep the end address of
 * their previous access, so a sequential walk or straight-line code costs
 * one byte per access. Both sides keep the same state: current pid
 * (starts at TRACE_DEFAULT_PID), stream ends (start at 0), records so far.
 *
 * The reader decodes from a 256 KiB buffer, refilled whenever fewer than
 * MAX_REC bytes (the longest record) remain, so only the last record of
 * the input can run past the end: the decoder's bounds checks make that a
 * truncated-record error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "workload/trace_internal.h"

#define VMT_MAGIC     "VMSIMTRC"
#define VMT_VERSION   1
#define VMT_HDR_LEN   32
#define VMT_FLAGS_ALL TRACE_F_HAS_VMAS

#define OP_EVENT 0x80 /* + enum trace_event_kind */
#define OP_PID	 0xf0
#define OP_END	 0xff

#define MAX_REC 64	     /* a record never exceeds this (1 + 5 varints of 10) */
#define RD_BUF	(256u << 10) /* reader buffer */
#define WR_BUF	(64u << 10)  /* writer buffer before compression */

static inline uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (uint64_t) - (int64_t)(d >> 63);
}

static inline uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (uint64_t) - (int64_t)(z & 1);
}

/* ===================================================================== */
/* reading                                                                */
/* ===================================================================== */

enum bad {
	BAD_NONE,
	BAD_TRUNC,    /* the record runs past the end of the input */
	BAD_OPCODE,   /* unknown record type byte */
	BAD_VARINT,   /* more than 64 bits */
	BAD_SIZE,     /* access size 0 or above 2^32-1 */
	BAD_PID,      /* pid above 2^32-1 */
	BAD_PROT,     /* prot with bits other than rwx */
	BAD_FLAGS,    /* mmap flags above 2^32-1 */
	BAD_COUNT,    /* end record's count differs */
	BAD_TRAILING, /* bytes after the end record */
};

struct vmr {
	unsigned char *buf; /* RD_BUF bytes */
	size_t pos;	    /* next byte to decode */
	size_t len;	    /* bytes held */
	uint64_t base;	    /* input offset of buf[0] */
	bool in_eof;	    /* no more input */
	bool ended;	    /* the end record was read */
	uint32_t pid;	    /* current pid */
	uint64_t end[2];    /* stream ends: [0] loads/stores, [1] fetches */
	uint64_t nrec;	    /* records produced */
	enum bad bad;	    /* what went wrong in decode() */
	uint64_t bad_value; /* the offending value */
};

/* LEB128: 7 bits per byte, low first, top bit = more; the bytes end
 * before @end. False (r->bad set) if it runs past @end or beyond 64 bits;
 * *@pp then stays put. */
static inline bool get_varint(struct vmr *r, const unsigned char **pp, const unsigned char *end,
			      uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t x;

	if (unlikely(p >= end))
		goto truncated;
	x = *p++;
	if (likely(x < 0x80)) {
		*pp = p;
		*v = x;
		return true;
	}
	x &= 0x7f;
	for (unsigned shift = 7; shift < 70; shift += 7) {
		if (unlikely(p >= end))
			goto truncated;
		uint64_t b = *p++;
		if (shift == 63 && b > 1)
			break;
		x |= (b & 0x7f) << shift;
		if (b < 0x80) {
			*pp = p;
			*v = x;
			return true;
		}
	}
	r->bad = BAD_VARINT;
	return false;

truncated:
	r->bad = BAD_TRUNC;
	return false;
}

/* Decode one event (opcode @op already consumed) into @rec. */
static int decode_event(struct vmr *r, unsigned op, const unsigned char **pp,
			const unsigned char *end, struct trace_rec *rec)
{
	uint64_t pid, a = 0, b = 0, c = 0, d = 0;
	unsigned kind = op - OP_EVENT;

	if (!get_varint(r, pp, end, &pid))
		goto bad_varint;
	if (pid > UINT32_MAX) {
		r->bad = BAD_PID;
		r->bad_value = pid;
		return -1;
	}
	switch (kind) {
	case TRACE_EV_FORK:
	case TRACE_EV_BRK:
	case TRACE_EV_PHASE:
		if (!get_varint(r, pp, end, &a))
			goto bad_varint;
		break;
	case TRACE_EV_MUNMAP:
		if (!get_varint(r, pp, end, &a) || !get_varint(r, pp, end, &b))
			goto bad_varint;
		break;
	case TRACE_EV_MPROTECT:
		if (!get_varint(r, pp, end, &a) || !get_varint(r, pp, end, &b) ||
		    !get_varint(r, pp, end, &c))
			goto bad_varint;
		break;
	case TRACE_EV_MMAP:
		if (!get_varint(r, pp, end, &a) || !get_varint(r, pp, end, &b) ||
		    !get_varint(r, pp, end, &c) || !get_varint(r, pp, end, &d))
			goto bad_varint;
		break;
	default:
		break;
	}
	*rec = (struct trace_rec){.type = TRACE_EVENT, .kind = (uint8_t)kind, .pid = (uint32_t)pid};
	switch (kind) {
	case TRACE_EV_FORK:
		if (a > UINT32_MAX) {
			r->bad = BAD_PID;
			r->bad_value = a;
			return -1;
		}
		rec->arg = (uint32_t)a;
		break;
	case TRACE_EV_BRK:
	case TRACE_EV_PHASE:
		rec->addr = a;
		break;
	case TRACE_EV_MMAP:
	case TRACE_EV_MUNMAP:
	case TRACE_EV_MPROTECT:
		if (c > 7) {
			r->bad = BAD_PROT;
			r->bad_value = c;
			return -1;
		}
		if (d > UINT32_MAX) {
			r->bad = BAD_FLAGS;
			r->bad_value = d;
			return -1;
		}
		rec->addr = a;
		rec->len = b;
		rec->prot = (uint32_t)c;
		rec->arg = (uint32_t)d;
		break;
	case TRACE_EV_SWITCH:
		r->pid = (uint32_t)pid;
		break;
	default:
		break;
	}
	return 1;

bad_varint:
	return -1;
}

/* Decode the record at *@pp, whose input ends at @end (at least one byte
 * is there): 1 and a record in @rec, 0 for a record that only changes
 * state, -1 with r->bad set. */
static inline int decode(struct vmr *r, const unsigned char **pp, const unsigned char *end,
			 struct trace_rec *rec)
{
	unsigned op = **pp;
	uint64_t v;

	if (likely(op < 0x60)) {
		unsigned kind = op >> 5, st = kind >> 1;
		uint64_t addr = r->end[st], size = op & 15;
		(*pp)++;
		if (!(op & 0x10)) {
			if (unlikely(!get_varint(r, pp, end, &v)))
				goto bad_varint;
			addr += unzigzag(v);
		}
		if (!size) {
			if (unlikely(!get_varint(r, pp, end, &size)))
				goto bad_varint;
			if (unlikely(size - 1 >= UINT32_MAX)) {
				r->bad = BAD_SIZE;
				r->bad_value = size;
				return -1;
			}
		}
		r->end[st] = addr + size;
		*rec = (struct trace_rec){.type = TRACE_ACCESS,
					  .kind = (uint8_t)kind,
					  .pid = r->pid,
					  .addr = addr,
					  .len = size};
		return 1;
	}
	(*pp)++;
	if (op >= OP_EVENT && op < OP_EVENT + TRACE_EV_NKINDS)
		return decode_event(r, op, pp, end, rec);
	if (op == OP_PID) {
		if (!get_varint(r, pp, end, &v))
			goto bad_varint;
		if (v > UINT32_MAX) {
			r->bad = BAD_PID;
			r->bad_value = v;
			return -1;
		}
		r->pid = (uint32_t)v;
		return 0;
	}
	if (op == OP_END) {
		if (!get_varint(r, pp, end, &v))
			goto bad_varint;
		if (v != r->nrec) {
			r->bad = BAD_COUNT;
			r->bad_value = v;
			return -1;
		}
		r->ended = true;
		return 0;
	}
	r->bad = BAD_OPCODE;
	r->bad_value = op;
	return -1;

bad_varint:
	return -1;
}

static int decode_error(struct trace *t, struct vmr *r, uint64_t off, struct trace_error *err)
{
	const char *note = trace_offset_note(t);
	unsigned long long o = (unsigned long long)off, v = (unsigned long long)r->bad_value;
	unsigned long long rec = (unsigned long long)r->nrec + 1;

	switch (r->bad) {
	case BAD_TRUNC:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): truncated record: the input ends "
				  "inside it",
				  o, note, rec);
	case BAD_OPCODE:
		return trace_fail(
		    t, err, VMSIM_EPARSE,
		    "byte %llu%s (record %llu): unknown record type 0x%02llx "
		    "(expected an access 0x00-0x5f, an event 0x80-0x%02x, 0xf0 or 0xff)",
		    o, note, rec, v, OP_EVENT + TRACE_EV_NKINDS - 1);
	case BAD_VARINT:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): a varint is longer than 64 bits", o,
				  note, rec);
	case BAD_SIZE:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): access size %llu (expected 1 to "
				  "4294967295)",
				  o, note, rec, v);
	case BAD_PID:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): pid %llu does not fit in 32 bits", o,
				  note, rec, v);
	case BAD_PROT:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): protection 0x%llx (expected bits of "
				  "read 1, write 2, exec 4)",
				  o, note, rec, v);
	case BAD_FLAGS:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): mmap flags 0x%llx do not fit in 32 "
				  "bits",
				  o, note, rec, v);
	case BAD_COUNT:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s: the end record counts %llu records but %llu came "
				  "before it",
				  o, note, v, (unsigned long long)r->nrec);
	case BAD_TRAILING:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s: data after the end record (expected the end of the "
				  "input)",
				  o, note);
	default:
		return trace_fail(t, err, VMSIM_EPARSE, "byte %llu%s: bad record", o, note);
	}
}

static int refill(struct trace *t, struct vmr *r, struct trace_error *err)
{
	size_t keep = r->len - r->pos, got;
	int rc;

	memmove(r->buf, r->buf + r->pos, keep);
	r->base += r->pos;
	r->pos = 0;
	r->len = keep;
	if ((rc = trace_read_full(t, r->buf + keep, RD_BUF - keep, &got, err)))
		return rc;
	r->len += got;
	if (r->len < RD_BUF)
		r->in_eof = true;
	return 0;
}

/*
 * The hot loop: decode consecutive access records at *@pp (each starting
 * at or before @safe, so all their bytes are there) into @out, keeping the
 * delta state in locals (stores into @out cannot alias them). Stops at
 * @cap records, at the first other record, or before a bad one (decode()
 * then reports it). Returns the records decoded.
 */
static size_t run_accesses(struct vmr *r, const unsigned char **pp, const unsigned char *safe,
			   struct trace_rec *out, size_t cap)
{
	const unsigned char *p = *pp;
	uint64_t ends[2] = {r->end[0], r->end[1]};
	uint32_t pid = r->pid;
	size_t k = 0;

	while (k < cap && p <= safe) {
		unsigned op = p[0];
		if (unlikely(op >= 0x60))
			break;
		unsigned kind = op >> 5, st = kind >> 1;
		const unsigned char *q = p + 1;
		uint64_t addr = ends[st], size = op & 15, v;
		if (!(op & 0x10)) {
			v = *q;
			if (likely(v < 0x80))
				q++;
			else if (!get_varint(r, &q, q + MAX_REC, &v))
				break;
			addr += unzigzag(v);
		}
		if (unlikely(!size) &&
		    (!get_varint(r, &q, q + MAX_REC, &size) || size - 1 >= UINT32_MAX))
			break;
		ends[st] = addr + size;
		out[k++] = (struct trace_rec){.type = TRACE_ACCESS,
					      .kind = (uint8_t)kind,
					      .pid = pid,
					      .addr = addr,
					      .len = size};
		p = q;
	}
	r->end[0] = ends[0];
	r->end[1] = ends[1];
	*pp = p;
	return k;
}

static int vmsim_read(struct trace *t, void *state, struct trace_rec *recs, size_t cap, size_t *n,
		      struct trace_error *err)
{
	struct vmr *r = state;
	const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len;
	size_t k = 0;
	int rc = 0, got;

	while (k < cap) {
		if (likely(end - p >= MAX_REC && !r->ended)) {
			size_t run = run_accesses(r, &p, end - MAX_REC, recs + k, cap - k);
			k += run;
			r->nrec += run;
			if (k == cap || end - p < MAX_REC)
				continue;
			/* any other record: a whole one is surely in the buffer */
			const unsigned char *start = p;
			got = decode(r, &p, end, &recs[k]);
			if (unlikely(got < 0)) {
				rc = decode_error(t, r, r->base + (uint64_t)(start - r->buf), err);
				p = start;
				break;
			}
			k += (size_t)got;
			r->nrec += (uint64_t)got;
			continue;
		}
		if (!r->in_eof) {
			r->pos = (size_t)(p - r->buf);
			if ((rc = refill(t, r, err)))
				break;
			p = r->buf + r->pos;
			end = r->buf + r->len;
			continue;
		}
		uint64_t off = r->base + (uint64_t)(p - r->buf);
		size_t avail = (size_t)(end - p);
		if (r->ended) {
			if (avail) {
				r->bad = BAD_TRAILING;
				rc = decode_error(t, r, off, err);
			}
			break;
		}
		if (avail == 0) {
			rc = trace_fail(t, err, VMSIM_EPARSE,
					"byte %llu%s: truncated trace: the input ends after %llu "
					"records without the end record (was the recording "
					"interrupted?)",
					(unsigned long long)off, trace_offset_note(t),
					(unsigned long long)r->nrec);
			break;
		}
		/* the last bytes of the input: the bounds checks catch a
		 * record cut short */
		const unsigned char *start = p;
		got = decode(r, &p, end, &recs[k]);
		if (got < 0) {
			rc = decode_error(t, r, off, err);
			p = start;
			break;
		}
		k += (size_t)got;
		r->nrec += (uint64_t)got;
	}
	r->pos = (size_t)(p - r->buf);
	*n = k;
	return rc;
}

static int vmsim_probe(const unsigned char *head, size_t n, bool all)
{
	(void)all;
	return n >= 8 && !memcmp(head, VMT_MAGIC, 8) ? 2 : 0;
}

static int vmsim_open(struct trace *t, void **state, struct trace_error *err)
{
	unsigned char h[VMT_HDR_LEN];
	struct vmr *r;
	size_t got;
	int rc;

	if ((rc = trace_read_full(t, h, sizeof(h), &got, err)))
		return rc;
	if (got < 8 || memcmp(h, VMT_MAGIC, 8))
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 0%s: bad magic (expected \"" VMT_MAGIC
				  "\": not a vmsim trace)",
				  trace_offset_note(t));
	if (got < VMT_HDR_LEN)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %zu%s: truncated header: %zu of its %d bytes", got,
				  trace_offset_note(t), got, VMT_HDR_LEN);
	uint16_t version = trace_le16(h + 8), hdrlen = trace_le16(h + 10);
	uint32_t page_size = trace_le32(h + 12), flags = trace_le32(h + 16);
	if (version != VMT_VERSION)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 8: format version %u (this vmsim reads version %d)",
				  version, VMT_VERSION);
	if (hdrlen < VMT_HDR_LEN)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 10: header length %u (expected at least %d)", hdrlen,
				  VMT_HDR_LEN);
	if (page_size != 4096)
		return trace_fail(t, err, VMSIM_EPARSE, "byte 12: page size %u (expected 4096)",
				  page_size);
	if (flags & ~VMT_FLAGS_ALL)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 16: unknown flags 0x%x (this vmsim knows 0x%x)", flags,
				  VMT_FLAGS_ALL);
	if (h[20] > TRACE_SRC_CHAMPSIM)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 20: unknown source %u (expected 0 to %d)", h[20],
				  TRACE_SRC_CHAMPSIM);
	if (!(r = calloc(1, sizeof(*r))) || !(r->buf = malloc(RD_BUF))) {
		free(r);
		return trace_fail(t, err, VMSIM_ENOHOSTMEM, "out of memory");
	}
	/* skip header bytes a later minor revision may add */
	for (size_t skip = hdrlen - VMT_HDR_LEN; skip > 0;) {
		size_t k = skip < RD_BUF ? skip : RD_BUF;
		if ((rc = trace_read_full(t, r->buf, k, &got, err)))
			goto out_free;
		if (got < k) {
			rc = trace_fail(t, err, VMSIM_EPARSE,
					"byte %u: truncated header (its length says %u bytes)",
					VMT_HDR_LEN, hdrlen);
			goto out_free;
		}
		skip -= k;
	}
	r->base = hdrlen;
	r->pid = TRACE_DEFAULT_PID;
	t->info.page_size = page_size;
	t->info.has_vmas = flags & TRACE_F_HAS_VMAS;
	t->info.source = (enum trace_source)h[20];
	*state = r;
	return 0;

out_free:
	free(r->buf);
	free(r);
	return rc;
}

static void vmsim_close(void *state)
{
	struct vmr *r = state;

	if (r)
		free(r->buf);
	free(r);
}

const struct trace_format_ops trace_vmsim_format = {
    .name = "vmsim",
    .describe = "vmsim's own binary trace (docs/FORMATS.md)",
    .probe = vmsim_probe,
    .open = vmsim_open,
    .read = vmsim_read,
    .close = vmsim_close,
};

/* ===================================================================== */
/* writing                                                                */
/* ===================================================================== */

struct trace_writer {
	int fd;		     /* output */
	bool close_fd;	     /* not standard output */
	char *name;	     /* for messages */
	ZSTD_CCtx *zc;	     /* compressor, or NULL for plain */
	unsigned char *buf;  /* WR_BUF + MAX_REC bytes of encoded records */
	size_t len;	     /* bytes held */
	unsigned char *zbuf; /* compressed output staging */
	size_t zcap;	     /* its size */
	uint32_t pid;	     /* current pid, as the reader will track it */
	uint64_t end[2];     /* stream ends, as the reader will track them */
	uint64_t nrec;	     /* records written */
};

static int wfail(struct trace_writer *w, struct trace_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int wfail(struct trace_writer *w, struct trace_error *err, int rc, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(err->msg, sizeof(err->msg), "%s: ", w->name);

	if (k < 0 || (size_t)k >= sizeof(err->msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
	va_end(ap);
	return rc;
}

static int write_all(struct trace_writer *w, const unsigned char *p, size_t n,
		     struct trace_error *err)
{
	while (n > 0) {
		ssize_t r = write(w->fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return wfail(w, err, VMSIM_EIO, "write error: %s", strerror(errno));
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Push the encoded bytes out (through zstd if on); @last ends the frame. */
static int flush(struct trace_writer *w, bool last, struct trace_error *err)
{
	int rc;

	if (!w->zc) {
		rc = write_all(w, w->buf, w->len, err);
		w->len = 0;
		return rc;
	}
	ZSTD_inBuffer in = {w->buf, w->len, 0};
	ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
	for (;;) {
		ZSTD_outBuffer out = {w->zbuf, w->zcap, 0};
		size_t left = ZSTD_compressStream2(w->zc, &out, &in, mode);
		if (ZSTD_isError(left))
			return wfail(w, err, VMSIM_EIO, "zstd compression failed: %s",
				     ZSTD_getErrorName(left));
		if ((rc = write_all(w, w->zbuf, out.pos, err)))
			return rc;
		if (last ? left == 0 : in.pos == in.size)
			break;
	}
	w->len = 0;
	return 0;
}

static inline unsigned char *put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

int trace_writer_open(struct trace_writer **out, const char *path,
		      const struct trace_writer_opts *o, struct trace_error *err)
{
	struct trace_writer *w;
	unsigned char h[VMT_HDR_LEN] = VMT_MAGIC;
	int rc;

	if (o->flags & ~VMT_FLAGS_ALL || o->zstd_level < 0 || o->zstd_level > ZSTD_maxCLevel() ||
	    (unsigned)o->source > TRACE_SRC_CHAMPSIM) {
		snprintf(err->msg, sizeof(err->msg), "%s: bad writer options", path);
		return VMSIM_EINVAL;
	}
	if (!(w = calloc(1, sizeof(*w))) ||
	    !(w->name = strdup(strcmp(path, "-") ? path : "<stdout>")) ||
	    !(w->buf = malloc(WR_BUF + 2 * MAX_REC))) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	if (!strcmp(path, "-")) {
		w->fd = 1;
	} else {
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (w->fd < 0) {
			snprintf(err->msg, sizeof(err->msg), "cannot create '%s': %s", path,
				 strerror(errno));
			rc = VMSIM_EIO;
			goto out_free;
		}
		w->close_fd = true;
	}
	if (o->zstd_level > 0) {
		w->zcap = ZSTD_CStreamOutSize();
		if (!(w->zc = ZSTD_createCCtx()) || !(w->zbuf = malloc(w->zcap))) {
			rc = wfail(w, err, VMSIM_ENOHOSTMEM, "out of memory");
			goto out_free;
		}
		ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, o->zstd_level);
		ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1);
	}
	h[8] = VMT_VERSION;
	h[10] = VMT_HDR_LEN;
	h[12] = 0x00; /* page size 4096, little-endian */
	h[13] = 0x10;
	h[16] = (unsigned char)o->flags;
	h[20] = (unsigned char)o->source;
	memcpy(w->buf, h, sizeof(h));
	w->len = sizeof(h);
	w->pid = TRACE_DEFAULT_PID;
	*out = w;
	return 0;

out_free:
	trace_writer_discard(w);
	return rc;
}

int trace_writer_put(struct trace_writer *w, const struct trace_rec *recs, size_t n,
		     struct trace_error *err)
{
	unsigned char *p = w->buf + w->len, *lim = w->buf + WR_BUF;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *r = &recs[i];
		if (unlikely(p >= lim)) {
			w->len = (size_t)(p - w->buf);
			if ((rc = flush(w, false, err)))
				return rc;
			p = w->buf;
		}
		if (likely(r->type == TRACE_ACCESS)) {
			if (unlikely(r->kind > TRACE_EXEC || r->len == 0 || r->len > UINT32_MAX)) {
				w->len = (size_t)(p - w->buf);
				return wfail(
				    w, err, VMSIM_EINVAL,
				    "record %llu: access of kind %u and size %llu (expected "
				    "kind 0-2, size 1 to 4294967295)",
				    (unsigned long long)(w->nrec + 1), r->kind,
				    (unsigned long long)r->len);
			}
			if (unlikely(r->pid != w->pid)) {
				*p++ = OP_PID;
				p = put_varint(p, r->pid);
				w->pid = r->pid;
			}
			unsigned st = r->kind >> 1;
			uint64_t delta = r->addr - w->end[st];
			unsigned char op = (unsigned char)(r->kind << 5);
			if (delta == 0)
				op |= 0x10;
			if (r->len <= 15)
				op |= (unsigned char)r->len;
			*p++ = op;
			if (delta)
				p = put_varint(p, zigzag(delta));
			if (r->len > 15)
				p = put_varint(p, r->len);
			w->end[st] = r->addr + r->len;
		} else {
			bool mem = r->kind == TRACE_EV_MMAP || r->kind == TRACE_EV_MUNMAP ||
				   r->kind == TRACE_EV_MPROTECT;
			if (r->type != TRACE_EVENT || r->kind >= TRACE_EV_NKINDS ||
			    (mem && r->prot > 7)) {
				w->len = (size_t)(p - w->buf);
				return wfail(
				    w, err, VMSIM_EINVAL,
				    "record %llu: type %u kind %u prot %u is not an access "
				    "or a known event",
				    (unsigned long long)(w->nrec + 1), r->type, r->kind, r->prot);
			}
			*p++ = (unsigned char)(OP_EVENT + r->kind);
			p = put_varint(p, r->pid);
			switch (r->kind) {
			case TRACE_EV_FORK:
				p = put_varint(p, r->arg);
				break;
			case TRACE_EV_BRK:
			case TRACE_EV_PHASE:
				p = put_varint(p, r->addr);
				break;
			case TRACE_EV_MUNMAP:
				p = put_varint(put_varint(p, r->addr), r->len);
				break;
			case TRACE_EV_MPROTECT:
				p = put_varint(put_varint(put_varint(p, r->addr), r->len), r->prot);
				break;
			case TRACE_EV_MMAP:
				p = put_varint(put_varint(p, r->addr), r->len);
				p = put_varint(put_varint(p, r->prot), r->arg);
				break;
			case TRACE_EV_SWITCH:
				w->pid = r->pid;
				break;
			default:
				break;
			}
		}
		w->nrec++;
	}
	w->len = (size_t)(p - w->buf);
	return 0;
}

uint64_t trace_writer_count(const struct trace_writer *w)
{
	return w->nrec;
}

int trace_writer_close(struct trace_writer *w, struct trace_error *err)
{
	unsigned char *p = w->buf + w->len;
	int rc;

	*p++ = OP_END;
	p = put_varint(p, w->nrec);
	w->len = (size_t)(p - w->buf);
	rc = flush(w, true, err);
	if (w->close_fd) {
		if (close(w->fd) != 0 && !rc)
			rc = wfail(w, err, VMSIM_EIO, "write error: %s", strerror(errno));
		w->close_fd = false;
	}
	trace_writer_discard(w);
	return rc;
}

void trace_writer_discard(struct trace_writer *w)
{
	if (!w)
		return;
	if (w->close_fd)
		close(w->fd);
	ZSTD_freeCCtx(w->zc);
	free(w->zbuf);
	free(w->buf);
	free(w->name);
	free(w);
}
