/*
 * Decompressing byte source for trace readers (see decompress.h).
 *
 * Data flow, for every kind but plain:
 *
 *	fd --read()--> in[] (256 KiB of compressed bytes) --decoder--> caller's buffer
 *
 * Plain input skips the decoder: after the few bytes read to look for a
 * magic number, read() fills the caller's buffer directly, so plain
 * traces cost no copy. dec_peek keeps up to DEC_PEEK decompressed bytes
 * aside for format detection; dec_read hands them out first.
 *
 * Invariant: in[in_pos .. in_len) are compressed bytes not yet given to
 * the decoder; in_base is the input offset of in[0], so in_base + in_pos
 * is the offset named in messages about corrupt data.
 */
#include "workload/decompress.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "vmsim/error.h"
#include "workload/trace.h"

#define IN_CAP	  (256u * 1024u) /* compressed input buffer */
#define MAGIC_LEN 6		 /* longest magic number (xz) */

struct dec {
	int fd;		    /* the input */
	bool close_fd;	    /* dec_close closes it */
	char *name;	    /* for messages */
	enum dec_kind kind; /* detected compression */

	unsigned char *in; /* compressed bytes (plain: the bytes read while detecting) */
	size_t in_pos;	   /* first byte not yet consumed */
	size_t in_len;	   /* bytes held */
	uint64_t in_base;  /* input offset of in[0] */
	bool in_eof;	   /* read() said end of file */
	bool done;	   /* the decompressed stream has ended */
	bool member_end;   /* gzip, zstd: the last decoder call ended a member/frame */

	z_stream z;	  /* gzip decoder */
	bool z_init;	  /* z needs inflateEnd */
	ZSTD_DStream *zs; /* zstd decoder */
	lzma_stream lz;	  /* xz decoder */
	bool lz_init;	  /* lz needs lzma_end */

	unsigned char *peek; /* DEC_PEEK bytes kept by dec_peek, or NULL */
	size_t peek_pos;     /* next peeked byte to hand out */
	size_t peek_len;     /* peeked bytes held */
	bool peeked;	     /* dec_peek ran (it may run only once) */
};

static int fail(struct trace_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct trace_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

const char *dec_kind_name(enum dec_kind k)
{
	switch (k) {
	case DEC_GZIP:
		return "gzip";
	case DEC_ZSTD:
		return "zstd";
	case DEC_XZ:
		return "xz";
	default:
		return "plain";
	}
}

/* Read more compressed input once in[] is used up. Sets in_eof at the end. */
static int refill(struct dec *d, struct trace_error *err)
{
	ssize_t r;

	if (d->in_pos < d->in_len || d->in_eof)
		return 0;
	d->in_base += d->in_len;
	d->in_pos = d->in_len = 0;
	do
		r = read(d->fd, d->in, IN_CAP);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(err, VMSIM_EIO, "%s: read error at byte %llu: %s", d->name,
			    (unsigned long long)d->in_base, strerror(errno));
	if (r == 0)
		d->in_eof = true;
	d->in_len = (size_t)r;
	return 0;
}

static int corrupt(struct dec *d, struct trace_error *err, const char *why)
{
	return fail(err, VMSIM_EPARSE, "%s: corrupt %s data near compressed byte %llu: %s", d->name,
		    dec_kind_name(d->kind), (unsigned long long)(d->in_base + d->in_pos), why);
}

static int truncated(struct dec *d, struct trace_error *err)
{
	return fail(err, VMSIM_EPARSE,
		    "%s: truncated %s data: the input ends at byte %llu inside a compressed "
		    "stream (expected more data or the stream's end)",
		    d->name, dec_kind_name(d->kind), (unsigned long long)(d->in_base + d->in_len));
}

static int plain_read(struct dec *d, unsigned char *buf, size_t cap, size_t *n,
		      struct trace_error *err)
{
	ssize_t r;

	if (d->in_pos < d->in_len) {
		size_t k = d->in_len - d->in_pos;
		if (k > cap)
			k = cap;
		memcpy(buf, d->in + d->in_pos, k);
		d->in_pos += k;
		*n = k;
		return 0;
	}
	if (d->in_eof) {
		*n = 0;
		return 0;
	}
	do
		r = read(d->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(err, VMSIM_EIO, "%s: read error: %s", d->name, strerror(errno));
	if (r == 0)
		d->in_eof = true;
	*n = (size_t)r;
	return 0;
}

static int gzip_read(struct dec *d, unsigned char *buf, size_t cap, size_t *n,
		     struct trace_error *err)
{
	int rc;

	if (cap > (1u << 30))
		cap = 1u << 30;
	d->z.next_out = buf;
	d->z.avail_out = (uInt)cap;
	while ((size_t)d->z.avail_out == cap && !d->done) {
		if ((rc = refill(d, err)))
			return rc;
		if (d->in_pos == d->in_len) {
			if (!d->member_end)
				return truncated(d, err);
			d->done = true;
			break;
		}
		if (d->member_end) {
			/* another gzip member follows: decode it as a continuation */
			inflateReset(&d->z);
			d->member_end = false;
		}
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		int ret = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (ret == Z_STREAM_END)
			d->member_end = true;
		else if (ret == Z_MEM_ERROR)
			return fail(err, VMSIM_ENOHOSTMEM, "%s: out of memory decompressing gzip",
				    d->name);
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return corrupt(d, err, d->z.msg ? d->z.msg : "inflate failed");
	}
	*n = cap - d->z.avail_out;
	return 0;
}

static int zstd_read(struct dec *d, unsigned char *buf, size_t cap, size_t *n,
		     struct trace_error *err)
{
	ZSTD_outBuffer ob = {buf, cap, 0};
	size_t r;
	int rc;

	while (!d->done) {
		if ((rc = refill(d, err)))
			return rc;
		if (d->in_pos == d->in_len && d->in_eof) {
			if (d->member_end) { /* the last frame ended cleanly */
				d->done = true;
				break;
			}
			/* output the decoder still holds, else the frame is cut short */
			ZSTD_inBuffer none = {d->in, 0, 0};
			r = ZSTD_decompressStream(d->zs, &ob, &none);
			if (ZSTD_isError(r))
				return corrupt(d, err, ZSTD_getErrorName(r));
			d->member_end = r == 0;
			if (ob.pos > 0)
				break;
			return truncated(d, err);
		}
		ZSTD_inBuffer ib = {d->in, d->in_len, d->in_pos};
		r = ZSTD_decompressStream(d->zs, &ob, &ib);
		d->in_pos = ib.pos;
		if (ZSTD_isError(r))
			return corrupt(d, err, ZSTD_getErrorName(r));
		d->member_end = r == 0; /* 0: a frame is complete and flushed */
		if (ob.pos > 0)
			break;
	}
	*n = ob.pos;
	return 0;
}

static int xz_read(struct dec *d, unsigned char *buf, size_t cap, size_t *n,
		   struct trace_error *err)
{
	int rc;

	d->lz.next_out = buf;
	d->lz.avail_out = cap;
	while (!d->done) {
		if ((rc = refill(d, err)))
			return rc;
		d->lz.next_in = d->in + d->in_pos;
		d->lz.avail_in = d->in_len - d->in_pos;
		lzma_ret ret = lzma_code(&d->lz, d->in_eof ? LZMA_FINISH : LZMA_RUN);
		d->in_pos = d->in_len - d->lz.avail_in;
		if (ret == LZMA_STREAM_END) {
			d->done = true;
			break;
		}
		if (ret == LZMA_MEM_ERROR)
			return fail(err, VMSIM_ENOHOSTMEM, "%s: out of memory decompressing xz",
				    d->name);
		if (ret == LZMA_BUF_ERROR && d->in_eof)
			return truncated(d, err);
		if (ret == LZMA_FORMAT_ERROR)
			return corrupt(d, err, "not an xz stream");
		if (ret == LZMA_DATA_ERROR)
			return corrupt(d, err, "compressed data is corrupt");
		if (ret == LZMA_OPTIONS_ERROR)
			return corrupt(d, err, "unsupported xz options");
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR)
			return corrupt(d, err, "lzma decoder error");
		if (d->lz.avail_out < cap)
			break;
	}
	*n = cap - d->lz.avail_out;
	return 0;
}

/* Read from the decoder, bypassing the peek buffer. */
static int raw_read(struct dec *d, unsigned char *buf, size_t cap, size_t *n,
		    struct trace_error *err)
{
	switch (d->kind) {
	case DEC_GZIP:
		return gzip_read(d, buf, cap, n, err);
	case DEC_ZSTD:
		return zstd_read(d, buf, cap, n, err);
	case DEC_XZ:
		return xz_read(d, buf, cap, n, err);
	default:
		return plain_read(d, buf, cap, n, err);
	}
}

static enum dec_kind sniff(const unsigned char *p, size_t n)
{
	static const unsigned char gz[] = {0x1f, 0x8b};
	static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd};
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};

	if (n >= sizeof(gz) && !memcmp(p, gz, sizeof(gz)))
		return DEC_GZIP;
	if (n >= sizeof(zst) && !memcmp(p, zst, sizeof(zst)))
		return DEC_ZSTD;
	if (n >= sizeof(xz) && !memcmp(p, xz, sizeof(xz)))
		return DEC_XZ;
	return DEC_PLAIN;
}

/* Read until in[] holds MAGIC_LEN bytes or the input ends (a pipe may
 * deliver fewer bytes per read). */
static int read_magic(struct dec *d, struct trace_error *err)
{
	while (d->in_len < MAGIC_LEN && !d->in_eof) {
		ssize_t r = read(d->fd, d->in + d->in_len, IN_CAP - d->in_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(err, VMSIM_EIO, "%s: read error: %s", d->name, strerror(errno));
		if (r == 0)
			d->in_eof = true;
		d->in_len += (size_t)r;
	}
	return 0;
}

static int start_decoder(struct dec *d, struct trace_error *err)
{
	switch (d->kind) {
	case DEC_GZIP:
		/* 15 + 16: a 32 KiB window, gzip wrapper only */
		if (inflateInit2(&d->z, 15 + 16) != Z_OK)
			return fail(err, VMSIM_ENOHOSTMEM, "%s: cannot start the gzip decoder",
				    d->name);
		d->z_init = true;
		return 0;
	case DEC_ZSTD:
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs)))
			return fail(err, VMSIM_ENOHOSTMEM, "%s: cannot start the zstd decoder",
				    d->name);
		return 0;
	case DEC_XZ:
		if (lzma_stream_decoder(&d->lz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return fail(err, VMSIM_ENOHOSTMEM, "%s: cannot start the xz decoder",
				    d->name);
		d->lz_init = true;
		return 0;
	default:
		return 0;
	}
}

int dec_open_fd(struct dec **out, int fd, const char *name, bool close_fd, struct trace_error *err)
{
	static const lzma_stream lz_init = LZMA_STREAM_INIT;
	struct dec *d = calloc(1, sizeof(*d));
	int rc;

	if (!d) {
		rc = fail(err, VMSIM_ENOHOSTMEM, "%s: out of memory", name);
		goto out_free;
	}
	d->fd = fd;
	d->close_fd = close_fd;
	d->lz = lz_init;
	if (!(d->name = strdup(name)) || !(d->in = malloc(IN_CAP))) {
		rc = fail(err, VMSIM_ENOHOSTMEM, "%s: out of memory", name);
		goto out_free;
	}
	if ((rc = read_magic(d, err)))
		goto out_free;
	d->kind = sniff(d->in, d->in_len);
	if ((rc = start_decoder(d, err)))
		goto out_free;
	*out = d;
	return 0;

out_free:
	if (d)
		dec_close(d);
	else if (close_fd)
		close(fd);
	return rc;
}

int dec_open(struct dec **out, const char *path, struct trace_error *err)
{
	int fd;

	if (!strcmp(path, "-"))
		return dec_open_fd(out, 0, "<stdin>", false, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, VMSIM_EIO, "cannot open '%s': %s", path, strerror(errno));
	return dec_open_fd(out, fd, path, true, err);
}

int dec_peek(struct dec *d, const unsigned char **p, size_t *n, struct trace_error *err)
{
	int rc;

	if (!d->peeked) {
		d->peeked = true;
		d->peek = malloc(DEC_PEEK);
		if (!d->peek)
			return fail(err, VMSIM_ENOHOSTMEM, "%s: out of memory", d->name);
		while (d->peek_len < DEC_PEEK) {
			size_t k;
			rc = raw_read(d, d->peek + d->peek_len, DEC_PEEK - d->peek_len, &k, err);
			if (rc)
				return rc;
			if (k == 0)
				break;
			d->peek_len += k;
		}
	}
	*p = d->peek;
	*n = d->peek_len;
	return 0;
}

int dec_read(struct dec *d, void *buf, size_t cap, size_t *n, struct trace_error *err)
{
	if (d->peek_pos < d->peek_len) {
		size_t k = d->peek_len - d->peek_pos;
		if (k > cap)
			k = cap;
		memcpy(buf, d->peek + d->peek_pos, k);
		d->peek_pos += k;
		*n = k;
		return 0;
	}
	if (cap == 0) {
		*n = 0;
		return 0;
	}
	return raw_read(d, buf, cap, n, err);
}

enum dec_kind dec_get_kind(const struct dec *d)
{
	return d->kind;
}

const char *dec_name(const struct dec *d)
{
	return d->name;
}

bool dec_position(const struct dec *d, uint64_t *pos, uint64_t *size)
{
	struct stat sb;
	off_t at;

	if (fstat(d->fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
		return false;
	at = lseek(d->fd, 0, SEEK_CUR);
	if (at < 0)
		return false;
	*pos = (uint64_t)at;
	*size = (uint64_t)sb.st_size;
	return true;
}

void dec_close(struct dec *d)
{
	if (!d)
		return;
	if (d->z_init)
		inflateEnd(&d->z);
	if (d->zs)
		ZSTD_freeDStream(d->zs);
	if (d->lz_init)
		lzma_end(&d->lz);
	if (d->close_fd)
		close(d->fd);
	free(d->peek);
	free(d->in);
	free(d->name);
	free(d);
}
