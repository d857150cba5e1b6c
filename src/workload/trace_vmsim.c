/*
 * vmsim's own trace format: reader and writer. docs/FORMATS.md is the
 * byte-by-byte description; in short:
 *
 *	header (32 bytes): "VMSIMTRC" version:u16 hdrlen:u16 page_size:u32 flags:u32 source:u8 0...
 *	version 1: records, then an end record
 *	version 2: blocks: length:u32 records:u32 pid:u32, then that many bytes of
 *	           records; a block of length 0 ends the trace
 *	records, each starting with one byte:
 *	  0KKZSSSS   access: KK kind (00 read, 01 write, 10 exec), Z address = end of the
 *	             previous access of the same stream, SSSS size 1..15 (0: varint follows)
 *	             [zigzag varint delta from that end, unless Z] [varint size, if SSSS = 0]
 *	  0x80+k     event k (trace_event_kind), then varint arguments
 *	  0xF0       current pid := varint (no record of its own)
 *	  0xF1       current tid := varint (version 2; no record of its own)
 *	  0xFF       end (version 1): varint number of records; nothing may follow
 *
 * Two delta streams (data and instruction fetches) keep the end address of
 * their previous access, so a sequential walk or straight-line code costs
 * one byte per access. Both sides keep the same state: current pid
 * (starts at TRACE_DEFAULT_PID; in version 2 at each block's pid), current
 * tid (0), stream ends (0), records so far; version 2 resets all but the
 * count at every block.
 *
 * The reader decodes from a buffer. Version 1 refills it whenever fewer
 * than MAX_REC bytes (the longest record) remain, so only the last record
 * of the input can run past the end: the decoder's bounds checks make that
 * a truncated-record error. Version 2 loads a whole block before decoding
 * it, so a cut-short input gives every record of its whole blocks, then
 * an error saying where the trace ends.
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
#define VMT_VERSION   2
#define VMT_HDR_LEN   32
#define VMT_FLAGS_ALL TRACE_F_HAS_VMAS

#define OP_EVENT 0x80 /* + enum trace_event_kind */
#define OP_PID	 0xf0
#define OP_TID	 0xf1
#define OP_END	 0xff

#define MAX_REC 64		      /* an access or a version-1 record never exceeds this */
#define RD_BUF	(TRACE_BLOCK_MAX * 2) /* reader buffer: holds any whole block */
#define WR_BLK	(64u << 10)	      /* writer: payload bytes per block */
#define WR_SLACK                                                                                   \
	(TRACE_PATH_MAX + 128) /* room for one more record past WR_BLK (the longest, a file) */
#define OUT_BUF (64u << 10)    /* writer: plain output staging */

static inline uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (uint64_t) - (int64_t)(d >> 63);
}

static inline uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (uint64_t) - (int64_t)(z & 1);
}

/*
 * The varint arguments after the pid of each event, in version 2 (version
 * 1 has kinds 0-8, and an exit record without arguments). A file record's
 * path bytes follow its varints.
 */
static const unsigned char event_nargs[TRACE_EV_NKINDS] = {
    [TRACE_EV_CREATE] = 0,	[TRACE_EV_EXIT] = 2,	  [TRACE_EV_FORK] = 1,
    [TRACE_EV_MMAP] = 4,	[TRACE_EV_MUNMAP] = 2,	  [TRACE_EV_MPROTECT] = 3,
    [TRACE_EV_BRK] = 1,		[TRACE_EV_SWITCH] = 0,	  [TRACE_EV_PHASE] = 1,
    [TRACE_EV_FILE] = 5,	[TRACE_EV_MMAP_FILE] = 6, [TRACE_EV_MREMAP] = 5,
    [TRACE_EV_MADVISE] = 3,	[TRACE_EV_MSYNC] = 3,	  [TRACE_EV_CLONE] = 1,
    [TRACE_EV_THREAD_EXIT] = 1, [TRACE_EV_EXEC] = 1,	  [TRACE_EV_READ] = 4,
    [TRACE_EV_WRITE] = 4,	[TRACE_EV_TRUNCATE] = 2,  [TRACE_EV_FAILED] = 4,
    [TRACE_EV_CACHED] = 4,
};
#define MAX_NARGS 6

/* ===================================================================== */
/* reading                                                                */
/* ===================================================================== */

enum bad {
	BAD_NONE,
	BAD_TRUNC,    /* the record runs past the end of the input (or its block) */
	BAD_OPCODE,   /* unknown record type byte */
	BAD_VARINT,   /* more than 64 bits */
	BAD_SIZE,     /* access size 0 or above 2^32-1 */
	BAD_PID,      /* pid or tid above 2^32-1 */
	BAD_PROT,     /* prot with bits other than rwx */
	BAD_FLAGS,    /* mmap flags (or another 32-bit argument) above 2^32-1 */
	BAD_COUNT,    /* end record's count differs */
	BAD_TRAILING, /* bytes after the end record */
	BAD_KEY,      /* a file key no file record declared */
	BAD_PATH,     /* file path empty, too long or holding a NUL byte */
	BAD_ARG,      /* an argument out of its range (bad_what names it) */
	BAD_NOMEM,    /* out of host memory for the file table */
};

struct vmr {
	unsigned char *buf; /* RD_BUF bytes */
	size_t pos;	    /* next byte to decode */
	size_t len;	    /* bytes held */
	uint64_t base;	    /* input offset of buf[0] */
	bool in_eof;	    /* no more input */
	bool ended;	    /* the end record (end block) was read */
	unsigned version;   /* 1 or 2 */
	uint32_t pid;	    /* current pid */
	uint32_t tid;	    /* current tid (version 2) */
	uint64_t end[2];    /* stream ends: [0] loads/stores, [1] fetches */
	uint64_t nrec;	    /* records produced */
	/* version 2: the block being decoded */
	bool in_block;	      /* a block's payload is in buf[pos, blk_end) */
	size_t blk_end;	      /* index in buf just past its payload */
	uint32_t blk_count;   /* records its header announces */
	uint64_t blk_first;   /* nrec at its start */
	uint64_t blk_off;     /* input offset of its header */
	uint64_t blocks;      /* whole blocks decoded */
	enum bad bad;	      /* what went wrong in decode() */
	uint64_t bad_value;   /* the offending value */
	const char *bad_what; /* BAD_ARG: which argument */
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

static bool arg_fails(struct vmr *r, const char *what, uint64_t v)
{
	r->bad = BAD_ARG;
	r->bad_what = what;
	r->bad_value = v;
	return false;
}

/* Check @v <= @max for the argument named @what. */
static inline bool in_range(struct vmr *r, const char *what, uint64_t v, uint64_t max)
{
	return v <= max || arg_fails(r, what, v);
}

/* The file id of key @key (r->bad set if undeclared). */
static bool file_id(struct vmr *r, struct trace *t, uint64_t key, uint32_t *id)
{
	if (trace_file_lookup(t, key, id))
		return true;
	r->bad = BAD_KEY;
	r->bad_value = key;
	return false;
}

/* A file record's path (@plen bytes at *@pp) and identity @v (key dev ino
 * size): declare it, giving its id in *@id. */
static bool decode_file(struct vmr *r, struct trace *t, const uint64_t *v, uint64_t plen,
			const unsigned char **pp, const unsigned char *end, uint32_t *id)
{
	char path[TRACE_PATH_MAX + 1];

	if (plen == 0 || plen > TRACE_PATH_MAX) {
		r->bad = BAD_PATH;
		r->bad_value = plen;
		return false;
	}
	if ((uint64_t)(end - *pp) < plen) {
		r->bad = BAD_TRUNC;
		return false;
	}
	memcpy(path, *pp, plen);
	path[plen] = '\0';
	if (strlen(path) != plen) {
		r->bad = BAD_PATH;
		r->bad_value = plen;
		return false;
	}
	*pp += plen;
	struct trace_file f = {.path = path, .dev = v[1], .ino = v[2], .size = v[3]};
	if (trace_file_declare(t, v[0], &f, id)) {
		r->bad = BAD_NOMEM;
		return false;
	}
	return true;
}

/* Decode one event (opcode @op already consumed) into @rec[0] (and, for
 * the two wide kinds, @rec[1]): the number of records, or -1. */
static int decode_event(struct vmr *r, struct trace *t, unsigned op, const unsigned char **pp,
			const unsigned char *end, struct trace_rec *rec)
{
	uint64_t pid, v[MAX_NARGS] = {0};
	unsigned kind = op - OP_EVENT;
	unsigned nargs = r->version == 1 && kind == TRACE_EV_EXIT ? 0 : event_nargs[kind];
	uint32_t id;

	if (!get_varint(r, pp, end, &pid))
		return -1;
	if (pid > UINT32_MAX) {
		r->bad = BAD_PID;
		r->bad_value = pid;
		return -1;
	}
	for (unsigned i = 0; i < nargs; i++)
		if (!get_varint(r, pp, end, &v[i]))
			return -1;
	*rec = (struct trace_rec){.type = TRACE_EVENT, .kind = (uint8_t)kind, .pid = (uint32_t)pid};
	switch (kind) {
	case TRACE_EV_EXIT:
		if (!in_range(r, "exit status", v[0], 255) || !in_range(r, "signal", v[1], 127))
			return -1;
		rec->arg = (uint32_t)v[0];
		rec->prot = (uint32_t)v[1];
		break;
	case TRACE_EV_FORK:
	case TRACE_EV_CLONE:
	case TRACE_EV_THREAD_EXIT:
		if (v[0] > UINT32_MAX) {
			r->bad = BAD_PID;
			r->bad_value = v[0];
			return -1;
		}
		rec->arg = (uint32_t)v[0];
		break;
	case TRACE_EV_BRK:
	case TRACE_EV_PHASE:
		rec->addr = v[0];
		break;
	case TRACE_EV_MMAP:
	case TRACE_EV_MMAP_FILE:
	case TRACE_EV_MUNMAP:
	case TRACE_EV_MPROTECT:
		if (v[2] > 7) {
			r->bad = BAD_PROT;
			r->bad_value = v[2];
			return -1;
		}
		if (v[3] > UINT32_MAX) {
			r->bad = BAD_FLAGS;
			r->bad_value = v[3];
			return -1;
		}
		rec->addr = v[0];
		rec->len = v[1];
		rec->prot = (uint32_t)v[2];
		rec->arg = (uint32_t)v[3];
		if (kind != TRACE_EV_MMAP_FILE)
			break;
		if (!file_id(r, t, v[4], &id))
			return -1;
		rec[1] = (struct trace_rec){.type = TRACE_EXT,
					    .kind = (uint8_t)kind,
					    .pid = (uint32_t)pid,
					    .addr = v[5],
					    .arg = id};
		return 2;
	case TRACE_EV_MREMAP:
		if (!in_range(r, "mremap flags", v[4], UINT32_MAX))
			return -1;
		rec->addr = v[0];
		rec->len = v[1];
		rec->arg = (uint32_t)v[4];
		rec[1] = (struct trace_rec){.type = TRACE_EXT,
					    .kind = (uint8_t)kind,
					    .pid = (uint32_t)pid,
					    .addr = v[2],
					    .len = v[3]};
		return 2;
	case TRACE_EV_MADVISE:
	case TRACE_EV_MSYNC:
		if (!in_range(r, kind == TRACE_EV_MSYNC ? "msync flags" : "advice", v[2],
			      UINT32_MAX))
			return -1;
		rec->addr = v[0];
		rec->len = v[1];
		rec->arg = (uint32_t)v[2];
		break;
	case TRACE_EV_FILE:
		if (!decode_file(r, t, v, v[4], pp, end, &id))
			return -1;
		rec->arg = id;
		break;
	case TRACE_EV_EXEC:
		if (!file_id(r, t, v[0], &id))
			return -1;
		rec->arg = id;
		break;
	case TRACE_EV_READ:
	case TRACE_EV_WRITE:
	case TRACE_EV_CACHED: {
		/* file, offset, length, then a flag word: read()/write()'s
		 * positional flag or the cached run's folio order */
		bool cached = kind == TRACE_EV_CACHED;
		if (!file_id(r, t, v[0], &id) ||
		    !in_range(r, cached ? "folio order" : "positional flag", v[3],
			      cached ? TRACE_CACHED_MAX_ORDER : TRACE_IO_POSITIONAL))
			return -1;
		rec->arg = id;
		rec->addr = v[1];
		rec->len = v[2];
		rec->prot = (uint32_t)v[3];
		break;
	}
	case TRACE_EV_TRUNCATE:
		if (!file_id(r, t, v[0], &id))
			return -1;
		rec->arg = id;
		rec->len = v[1];
		break;
	case TRACE_EV_FAILED:
		if (!in_range(r, "failed call kind", v[0], TRACE_EV_NKINDS - 1) ||
		    !in_range(r, "errno", v[1], 4095))
			return -1;
		rec->prot = (uint32_t)v[0];
		rec->arg = (uint32_t)v[1];
		rec->addr = v[2];
		rec->len = v[3];
		break;
	case TRACE_EV_SWITCH:
		r->pid = (uint32_t)pid;
		break;
	default:
		break;
	}
	return 1;
}

/* Decode the record at *@pp, whose input (or block) ends at @end (at least
 * one byte is there) into @rec (room for 2): the number of records (0 for
 * a record that only changes state), or -1 with r->bad set. */
static inline int decode(struct vmr *r, struct trace *t, const unsigned char **pp,
			 const unsigned char *end, struct trace_rec *rec)
{
	unsigned op = **pp;
	uint64_t v;

	if (likely(op < 0x60)) {
		unsigned kind = op >> 5, st = kind >> 1;
		uint64_t addr = r->end[st], size = op & 15;
		(*pp)++;
		if (!(op & 0x10)) {
			if (unlikely(!get_varint(r, pp, end, &v)))
				return -1;
			addr += unzigzag(v);
		}
		if (!size) {
			if (unlikely(!get_varint(r, pp, end, &size)))
				return -1;
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
					  .len = size,
					  .arg = r->tid};
		return 1;
	}
	(*pp)++;
	if (op >= OP_EVENT &&
	    op < OP_EVENT + (r->version == 1 ? TRACE_EV_NKINDS_1 : TRACE_EV_NKINDS))
		return decode_event(r, t, op, pp, end, rec);
	if (op == OP_PID || (op == OP_TID && r->version >= 2)) {
		if (!get_varint(r, pp, end, &v))
			return -1;
		if (v > UINT32_MAX) {
			r->bad = BAD_PID;
			r->bad_value = v;
			return -1;
		}
		if (op == OP_PID)
			r->pid = (uint32_t)v;
		else
			r->tid = (uint32_t)v;
		return 0;
	}
	if (op == OP_END && r->version == 1) {
		if (!get_varint(r, pp, end, &v))
			return -1;
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
}

static int decode_error(struct trace *t, struct vmr *r, uint64_t off, struct trace_error *err)
{
	const char *note = trace_offset_note(t);
	unsigned long long o = (unsigned long long)off, v = (unsigned long long)r->bad_value;
	unsigned long long rec = (unsigned long long)r->nrec + 1;

	switch (r->bad) {
	case BAD_TRUNC:
		if (r->version >= 2)
			return trace_fail(t, err, VMSIM_EPARSE,
					  "byte %llu%s (record %llu): record runs past the end of "
					  "its block",
					  o, note, rec);
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): truncated record: the input ends "
				  "inside it",
				  o, note, rec);
	case BAD_OPCODE:
		if (r->version >= 2)
			return trace_fail(t, err, VMSIM_EPARSE,
					  "byte %llu%s (record %llu): unknown record type 0x%02llx "
					  "(expected an access 0x00-0x5f, an event 0x80-0x%02x, "
					  "0xf0 or 0xf1)",
					  o, note, rec, v, OP_EVENT + TRACE_EV_NKINDS - 1);
		return trace_fail(
		    t, err, VMSIM_EPARSE,
		    "byte %llu%s (record %llu): unknown record type 0x%02llx "
		    "(expected an access 0x00-0x5f, an event 0x80-0x%02x, 0xf0 or 0xff)",
		    o, note, rec, v, OP_EVENT + TRACE_EV_NKINDS_1 - 1);
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
		if (r->version >= 2)
			return trace_fail(t, err, VMSIM_EPARSE,
					  "byte %llu%s: the end block counts %llu records but "
					  "%llu came before it",
					  o, note, v, (unsigned long long)r->nrec);
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s: the end record counts %llu records but %llu came "
				  "before it",
				  o, note, v, (unsigned long long)r->nrec);
	case BAD_TRAILING:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s: data after the end %s (expected the end of the "
				  "input)",
				  o, note, r->version >= 2 ? "block" : "record");
	case BAD_KEY:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): file key %llu was not declared by a "
				  "file record before it",
				  o, note, rec, v);
	case BAD_PATH:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): file path of %llu bytes (expected 1 "
				  "to %d bytes, no NUL)",
				  o, note, rec, v, TRACE_PATH_MAX);
	case BAD_ARG:
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte %llu%s (record %llu): %s %llu is out of range", o, note,
				  rec, r->bad_what, v);
	case BAD_NOMEM:
		return trace_fail(t, err, VMSIM_ENOHOSTMEM, "out of memory");
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
	uint32_t pid = r->pid, tid = r->tid;
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
					      .len = size,
					      .arg = tid};
		p = q;
	}
	r->end[0] = ends[0];
	r->end[1] = ends[1];
	*pp = p;
	return k;
}

/* Version 1: records until the end record. */
static int read_v1(struct trace *t, struct vmr *r, struct trace_rec *recs, size_t cap, size_t *n,
		   struct trace_error *err)
{
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
			got = decode(r, t, &p, end, &recs[k]);
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
			t->info.truncated = true;
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
		got = decode(r, t, &p, end, &recs[k]);
		if (got < 0) {
			if (r->bad == BAD_TRUNC)
				t->info.truncated = true;
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

/* Version 2, between blocks: read the next block's header and make sure
 * its whole payload is in the buffer. 1: a block starts (or the end block
 * was read), 0: more input is needed first, -1: error. */
static int next_block(struct trace *t, struct vmr *r, struct trace_error *err, int *rc)
{
	size_t avail = r->len - r->pos;
	uint64_t off = r->base + r->pos;
	const char *note = trace_offset_note(t);
	unsigned long long nblk = (unsigned long long)r->blocks + 1;

	if (avail < TRACE_BLOCK_HDR && !r->in_eof)
		return 0;
	if (avail < TRACE_BLOCK_HDR) {
		t->info.truncated = true;
		*rc = trace_fail(t, err, VMSIM_EPARSE,
				 "byte %llu%s: truncated trace: it ends %s after block %llu "
				 "(%llu records) without the end block (was the recording "
				 "interrupted?)",
				 (unsigned long long)off, note,
				 avail ? "inside the header of the next block" : "right",
				 (unsigned long long)r->blocks, (unsigned long long)r->nrec);
		return -1;
	}
	const unsigned char *h = r->buf + r->pos;
	uint32_t blen = trace_le32(h), count = trace_le32(h + 4), pid = trace_le32(h + 8);
	if (blen == 0) {
		uint64_t total = trace_le64(h + 4);
		if (total != r->nrec) {
			r->bad = BAD_COUNT;
			r->bad_value = total;
			*rc = decode_error(t, r, off, err);
			return -1;
		}
		r->pos += TRACE_BLOCK_HDR;
		r->ended = true;
		return 1;
	}
	if (blen > TRACE_BLOCK_MAX) {
		*rc = trace_fail(t, err, VMSIM_EPARSE,
				 "byte %llu%s: block %llu is %u bytes long (at most %u)",
				 (unsigned long long)off, note, nblk, blen, TRACE_BLOCK_MAX);
		return -1;
	}
	if (avail - TRACE_BLOCK_HDR < blen) {
		if (!r->in_eof)
			return 0;
		t->info.truncated = true;
		*rc = trace_fail(t, err, VMSIM_EPARSE,
				 "byte %llu%s: truncated trace: block %llu is cut short (%zu of "
				 "its %u bytes); the %llu whole blocks before it hold %llu records "
				 "(was the recording interrupted?)",
				 (unsigned long long)off, note, nblk, avail - TRACE_BLOCK_HDR, blen,
				 (unsigned long long)r->blocks, (unsigned long long)r->nrec);
		return -1;
	}
	r->blk_off = off;
	r->pos += TRACE_BLOCK_HDR;
	r->blk_end = r->pos + blen;
	r->blk_count = count;
	r->blk_first = r->nrec;
	r->in_block = true;
	r->pid = pid;
	r->tid = 0;
	r->end[0] = r->end[1] = 0;
	return 1;
}

/* Version 2: blocks until the end block. */
static int read_v2(struct trace *t, struct vmr *r, struct trace_rec *recs, size_t cap, size_t *n,
		   struct trace_error *err)
{
	size_t k = 0;
	int rc = 0, got;

	while (k + 1 < cap) {
		if (!r->in_block) {
			if (r->ended) {
				if (r->pos == r->len && !r->in_eof && (rc = refill(t, r, err)))
					break;
				if (r->pos < r->len) {
					r->bad = BAD_TRAILING;
					rc = decode_error(t, r, r->base + r->pos, err);
				}
				break;
			}
			got = next_block(t, r, err, &rc);
			if (got < 0)
				break;
			if (got == 0 && (rc = refill(t, r, err)))
				break;
			continue;
		}
		const unsigned char *p = r->buf + r->pos, *bend = r->buf + r->blk_end;
		if (bend - p > MAX_REC) {
			size_t run = run_accesses(r, &p, bend - MAX_REC, recs + k, cap - k);
			k += run;
			r->nrec += run;
			r->pos = (size_t)(p - r->buf);
			if (k + 1 >= cap)
				break;
		}
		if (p == bend) {
			if (r->nrec - r->blk_first != r->blk_count) {
				rc = trace_fail(
				    t, err, VMSIM_EPARSE,
				    "byte %llu%s: block %llu says it holds %u records but "
				    "%llu decode from it",
				    (unsigned long long)r->blk_off, trace_offset_note(t),
				    (unsigned long long)r->blocks + 1, r->blk_count,
				    (unsigned long long)(r->nrec - r->blk_first));
				break;
			}
			r->in_block = false;
			r->blocks++;
			continue;
		}
		const unsigned char *start = p;
		got = decode(r, t, &p, bend, &recs[k]);
		if (unlikely(got < 0)) {
			rc = decode_error(t, r, r->base + (uint64_t)(start - r->buf), err);
			break;
		}
		k += (size_t)got;
		r->nrec += (uint64_t)got;
		r->pos = (size_t)(p - r->buf);
	}
	*n = k;
	return rc;
}

static int vmsim_read(struct trace *t, void *state, struct trace_rec *recs, size_t cap, size_t *n,
		      struct trace_error *err)
{
	struct vmr *r = state;

	return r->version == 1 ? read_v1(t, r, recs, cap, n, err)
			       : read_v2(t, r, recs, cap, n, err);
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
	if (version < 1 || version > VMT_VERSION)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 8: format version %u (this vmsim reads versions 1 to %d)",
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
	if (h[20] > TRACE_SRC_VGTOOL)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "byte 20: unknown source %u (expected 0 to %d)", h[20],
				  TRACE_SRC_VGTOOL);
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
	r->version = version;
	t->info.version = version;
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
    .source = TRACE_SRC_NATIVE,
    .probe = vmsim_probe,
    .open = vmsim_open,
    .read = vmsim_read,
    .close = vmsim_close,
};

/* ===================================================================== */
/* writing                                                                */
/* ===================================================================== */

struct trace_writer {
	int fd;			  /* output */
	bool close_fd;		  /* not standard output */
	char *name;		  /* for messages */
	ZSTD_CCtx *zc;		  /* compressor, or NULL for plain */
	unsigned char *zbuf;	  /* compressed output staging */
	size_t zcap;		  /* its size */
	unsigned char *obuf;	  /* plain output staging (OUT_BUF bytes) */
	size_t olen;		  /* bytes held */
	unsigned char *buf;	  /* the block being built: header, then payload */
	size_t len;		  /* bytes held, header included */
	uint32_t blk_count;	  /* records in it */
	uint32_t pid;		  /* current pid, as the reader will track it */
	uint32_t tid;		  /* current tid */
	uint64_t end[2];	  /* stream ends, as the reader will track them */
	uint64_t nrec;		  /* records written */
	uint32_t nfiles;	  /* files declared (their ids are their keys) */
	struct trace_file *files; /* their identities (paths owned) */
	bool raw_blocks;	  /* trace_writer_put_block was used */
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

/* Send @n bytes to the output, through zstd if on; @last ends the output
 * (plain: writes out the staging buffer; zstd: ends the frame). */
static int out_put(struct trace_writer *w, const unsigned char *p, size_t n, bool last,
		   struct trace_error *err)
{
	int rc;

	if (!w->zc) {
		if (w->olen + n > OUT_BUF) {
			if ((rc = write_all(w, w->obuf, w->olen, err)))
				return rc;
			w->olen = 0;
		}
		if (n > OUT_BUF) {
			if ((rc = write_all(w, p, n, err)))
				return rc;
		} else {
			memcpy(w->obuf + w->olen, p, n);
			w->olen += n;
		}
		if (last) {
			rc = write_all(w, w->obuf, w->olen, err);
			w->olen = 0;
			return rc;
		}
		return 0;
	}
	ZSTD_inBuffer in = {p, n, 0};
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
	return 0;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Start a new block: the decoder state resets to (pid, tid 0, ends 0). */
static void block_start(struct trace_writer *w)
{
	w->len = TRACE_BLOCK_HDR;
	w->blk_count = 0;
	w->tid = 0;
	w->end[0] = w->end[1] = 0;
	put_le32(w->buf + 8, w->pid);
}

/* Write out the block being built (if it holds anything) and start the next. */
static int block_flush(struct trace_writer *w, struct trace_error *err)
{
	int rc;

	if (w->len == TRACE_BLOCK_HDR)
		return 0;
	put_le32(w->buf, (uint32_t)(w->len - TRACE_BLOCK_HDR));
	put_le32(w->buf + 4, w->blk_count);
	rc = out_put(w, w->buf, w->len, false, err);
	block_start(w);
	return rc;
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

/* The writer for @fd (>= 0: given) or @path (created), named @name. */
static int writer_open(struct trace_writer **out, const char *path, int fd, const char *name,
		       const struct trace_writer_opts *o, struct trace_error *err)
{
	struct trace_writer *w;
	unsigned char h[VMT_HDR_LEN] = VMT_MAGIC;
	int rc;

	if (o->flags & ~VMT_FLAGS_ALL || o->zstd_level < 0 || o->zstd_level > ZSTD_maxCLevel() ||
	    (unsigned)o->source > TRACE_SRC_VGTOOL) {
		snprintf(err->msg, sizeof(err->msg), "%s: bad writer options", name);
		if (fd >= 0)
			close(fd);
		return VMSIM_EINVAL;
	}
	if (!(w = calloc(1, sizeof(*w))) || !(w->name = strdup(name)) ||
	    !(w->buf = malloc(TRACE_BLOCK_HDR + WR_BLK + WR_SLACK)) ||
	    !(w->obuf = malloc(OUT_BUF))) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		if (fd >= 0 && w) {
			w->fd = fd;
			w->close_fd = true;
		} else if (fd >= 0) {
			close(fd);
		}
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	if (fd >= 0) {
		w->fd = fd;
		w->close_fd = true;
	} else if (!strcmp(path, "-")) {
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
	if ((rc = out_put(w, h, sizeof(h), false, err)))
		goto out_free;
	w->pid = TRACE_DEFAULT_PID;
	block_start(w);
	*out = w;
	return 0;

out_free:
	trace_writer_discard(w);
	return rc;
}

int trace_writer_open(struct trace_writer **out, const char *path,
		      const struct trace_writer_opts *o, struct trace_error *err)
{
	return writer_open(out, path, -1, strcmp(path, "-") ? path : "<stdout>", o, err);
}

int trace_writer_open_fd(struct trace_writer **out, int fd, const char *name,
			 const struct trace_writer_opts *o, struct trace_error *err)
{
	return writer_open(out, NULL, fd, name, o, err);
}

/* Is the 32-bit argument of @r's kind in range, and are its fields ones
 * the reader gives back? */
static bool event_ok(const struct trace_writer *w, const struct trace_rec *r)
{
	if (r->type != TRACE_EVENT || r->kind >= TRACE_EV_NKINDS || r->kind == TRACE_EV_FILE)
		return false;
	switch (r->kind) {
	case TRACE_EV_MMAP:
	case TRACE_EV_MMAP_FILE:
	case TRACE_EV_MPROTECT:
		return r->prot <= 7;
	case TRACE_EV_EXIT:
		return r->arg <= 255 && r->prot <= 127;
	case TRACE_EV_EXEC:
	case TRACE_EV_TRUNCATE:
		return r->arg < w->nfiles;
	case TRACE_EV_READ:
	case TRACE_EV_WRITE:
		return r->arg < w->nfiles && r->prot <= TRACE_IO_POSITIONAL;
	case TRACE_EV_CACHED:
		return r->arg < w->nfiles && r->prot <= TRACE_CACHED_MAX_ORDER;
	case TRACE_EV_FAILED:
		return r->prot < TRACE_EV_NKINDS && r->arg <= 4095;
	default:
		return true;
	}
}

int trace_writer_put(struct trace_writer *w, const struct trace_rec *recs, size_t n,
		     struct trace_error *err)
{
	unsigned char *p = w->buf + w->len, *lim = w->buf + TRACE_BLOCK_HDR + WR_BLK;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *r = &recs[i];
		if (unlikely(p >= lim)) {
			w->len = (size_t)(p - w->buf);
			if ((rc = block_flush(w, err)))
				return rc;
			p = w->buf + w->len;
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
			if (unlikely(r->arg != w->tid)) {
				*p++ = OP_TID;
				p = put_varint(p, r->arg);
				w->tid = r->arg;
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
			w->nrec++;
			w->blk_count++;
			continue;
		}
		bool wide = r->type == TRACE_EVENT &&
			    (r->kind == TRACE_EV_MMAP_FILE || r->kind == TRACE_EV_MREMAP);
		const struct trace_rec *x = wide && i + 1 < n ? &recs[i + 1] : NULL;
		if (!event_ok(w, r) ||
		    (wide &&
		     (!x || x->type != TRACE_EXT || x->kind != r->kind || x->pid != r->pid ||
		      (r->kind == TRACE_EV_MMAP_FILE && x->arg >= w->nfiles)))) {
			w->len = (size_t)(p - w->buf);
			return wfail(
			    w, err, VMSIM_EINVAL,
			    "record %llu: type %u kind %u prot %u arg %u is not an "
			    "access or a known event with its arguments in range%s",
			    (unsigned long long)(w->nrec + 1), r->type, r->kind, r->prot, r->arg,
			    wide ? " (followed by its TRACE_EXT record in the same call)" : "");
		}
		*p++ = (unsigned char)(OP_EVENT + r->kind);
		p = put_varint(p, r->pid);
		switch (r->kind) {
		case TRACE_EV_EXIT:
			p = put_varint(put_varint(p, r->arg), r->prot);
			break;
		case TRACE_EV_FORK:
		case TRACE_EV_CLONE:
		case TRACE_EV_THREAD_EXIT:
		case TRACE_EV_EXEC:
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
		case TRACE_EV_MMAP_FILE:
			p = put_varint(put_varint(p, r->addr), r->len);
			p = put_varint(put_varint(p, r->prot), r->arg);
			if (x)
				p = put_varint(put_varint(p, x->arg), x->addr);
			break;
		case TRACE_EV_MREMAP:
			p = put_varint(put_varint(p, r->addr), r->len);
			p = put_varint(put_varint(put_varint(p, x->addr), x->len), r->arg);
			break;
		case TRACE_EV_MADVISE:
		case TRACE_EV_MSYNC:
			p = put_varint(put_varint(put_varint(p, r->addr), r->len), r->arg);
			break;
		case TRACE_EV_READ:
		case TRACE_EV_WRITE:
		case TRACE_EV_CACHED:
			p = put_varint(put_varint(p, r->arg), r->addr);
			p = put_varint(put_varint(p, r->len), r->prot);
			break;
		case TRACE_EV_TRUNCATE:
			p = put_varint(put_varint(p, r->arg), r->len);
			break;
		case TRACE_EV_FAILED:
			p = put_varint(put_varint(p, r->prot), r->arg);
			p = put_varint(put_varint(p, r->addr), r->len);
			break;
		case TRACE_EV_SWITCH:
			w->pid = r->pid;
			break;
		default:
			break;
		}
		w->nrec++;
		w->blk_count++;
		if (x) {
			i++;
			w->nrec++;
			w->blk_count++;
		}
	}
	w->len = (size_t)(p - w->buf);
	return 0;
}

int trace_writer_put_file(struct trace_writer *w, uint32_t pid, const struct trace_file *f,
			  uint32_t *id, struct trace_error *err)
{
	size_t plen = f->path ? strlen(f->path) : 0;
	unsigned char *p;
	int rc;

	if (plen == 0 || plen > TRACE_PATH_MAX)
		return wfail(w, err, VMSIM_EINVAL,
			     "record %llu: file path of %zu bytes (expected 1 to %d)",
			     (unsigned long long)(w->nrec + 1), plen, TRACE_PATH_MAX);
	if (w->raw_blocks)
		return wfail(w, err, VMSIM_EINVAL,
			     "a writer given whole blocks cannot declare files itself");
	for (uint32_t i = 0; i < w->nfiles; i++) {
		const struct trace_file *g = &w->files[i];
		if ((f->dev || f->ino || g->dev || g->ino) ? f->dev == g->dev && f->ino == g->ino
							   : !strcmp(f->path, g->path)) {
			*id = i;
			goto put;
		}
	}
	if (!(w->nfiles & (w->nfiles + 1))) { /* 0, 1, 3, 7...: grow to the next power of 2 */
		struct trace_file *nf = realloc(w->files, 2 * (w->nfiles + 1) * sizeof(*nf));
		if (!nf)
			return wfail(w, err, VMSIM_ENOHOSTMEM, "out of memory");
		w->files = nf;
	}
	struct trace_file *g = &w->files[w->nfiles];
	*g = *f;
	if (!(g->path = strdup(f->path)))
		return wfail(w, err, VMSIM_ENOHOSTMEM, "out of memory");
	*id = w->nfiles++;
put:
	if (w->len >= TRACE_BLOCK_HDR + WR_BLK && (rc = block_flush(w, err)))
		return rc;
	p = w->buf + w->len;
	*p++ = OP_EVENT + TRACE_EV_FILE;
	p = put_varint(put_varint(p, pid), *id);
	p = put_varint(put_varint(put_varint(p, f->dev), f->ino), f->size);
	p = put_varint(p, plen);
	memcpy(p, f->path, plen);
	w->len = (size_t)(p + plen - w->buf);
	w->nrec++;
	w->blk_count++;
	return 0;
}

int trace_writer_put_block(struct trace_writer *w, const unsigned char *blk, size_t n,
			   struct trace_error *err)
{
	int rc;

	if (n < TRACE_BLOCK_HDR || trace_le32(blk) != n - TRACE_BLOCK_HDR ||
	    n - TRACE_BLOCK_HDR > TRACE_BLOCK_MAX || trace_le32(blk + 4) > n - TRACE_BLOCK_HDR)
		return wfail(w, err, VMSIM_EINVAL,
			     "block of %zu bytes whose header says %u bytes and %u records "
			     "(expected 1 to %u bytes, at most one record per byte)",
			     n, n >= 4 ? trace_le32(blk) : 0, n >= 8 ? trace_le32(blk + 4) : 0,
			     TRACE_BLOCK_MAX);
	if (w->nfiles)
		return wfail(w, err, VMSIM_EINVAL,
			     "a writer that declared files cannot take whole blocks");
	if ((rc = block_flush(w, err)) || (rc = out_put(w, blk, n, false, err)))
		return rc;
	w->raw_blocks = true;
	w->nrec += trace_le32(blk + 4);
	return 0;
}

int trace_writer_put_from(struct trace_writer *w, const struct trace *t,
			  const struct trace_rec *recs, size_t n, struct trace_error *err)
{
	size_t run = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].type != TRACE_EVENT || recs[i].kind != TRACE_EV_FILE)
			continue;
		const struct trace_file *f = trace_file_get(t, recs[i].arg);
		uint32_t id;
		if ((rc = trace_writer_put(w, recs + run, i - run, err)))
			return rc;
		run = i + 1;
		if (!f)
			return wfail(w, err, VMSIM_EINVAL,
				     "record %llu: file %u was never declared",
				     (unsigned long long)(w->nrec + 1), recs[i].arg);
		if ((rc = trace_writer_put_file(w, recs[i].pid, f, &id, err)))
			return rc;
		if (id != recs[i].arg)
			return wfail(w, err, VMSIM_EINVAL,
				     "record %llu: file %u would become file %u (the writer "
				     "declared other files first)",
				     (unsigned long long)w->nrec, recs[i].arg, id);
	}
	return trace_writer_put(w, recs + run, n - run, err);
}

uint64_t trace_writer_count(const struct trace_writer *w)
{
	return w->nrec;
}

int trace_writer_close(struct trace_writer *w, struct trace_error *err)
{
	unsigned char endblk[TRACE_BLOCK_HDR] = {0};
	int rc;

	put_le32(endblk + 4, (uint32_t)w->nrec); /* the count, as a u64 over both fields */
	put_le32(endblk + 8, (uint32_t)(w->nrec >> 32));
	if (!(rc = block_flush(w, err)))
		rc = out_put(w, endblk, sizeof(endblk), true, err);
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
	for (uint32_t i = 0; i < w->nfiles; i++)
		free((char *)w->files[i].path);
	free(w->files);
	ZSTD_freeCCtx(w->zc);
	free(w->zbuf);
	free(w->obuf);
	free(w->buf);
	free(w->name);
	free(w);
}
