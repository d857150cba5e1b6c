/*
 * Trace readers, the vmsim-format writer, decompression and replay:
 * good inputs decode to the expected records, every kind of bad input
 * is an error naming its position, the writer round-trips, and replay
 * infers one VMA per touched 2 MiB chunk and faults each page once.
 */
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "testutil.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/decompress.h"
#include "workload/replay.h"
#include "workload/trace.h"

/* ---- helpers -------------------------------------------------------------- */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char g_dir[64];
static int g_nfiles;

static int setup_dir(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/vmsim-trace-test.XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	g_nfiles = 0;
	return 0;
}

static int teardown_dir(void **state)
{
	char path[128];

	(void)state;
	for (int i = 0; i < g_nfiles; i++) {
		snprintf(path, sizeof(path), "%s/f%d", g_dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/maps", g_dir);
	unlink(path);
	rmdir(g_dir);
	return 0;
}

/* A new file in the test directory holding @n bytes of @data; its path. */
static const char *put_file(const void *data, size_t n)
{
	static char paths[8][128];
	char *path = paths[g_nfiles % 8];
	FILE *f;

	snprintf(path, 128, "%s/f%d", g_dir, g_nfiles++);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *put_text(const char *s)
{
	return put_file(s, strlen(s));
}

/* Read the whole trace at @path; returns the first error (records read
 * before it stay in *@recs). */
static int read_all(const char *path, const char *format, struct trace_rec **recs, size_t *n,
		    struct trace_error *err)
{
	struct trace *t;
	size_t cap = 1024, got;
	int rc;

	*n = 0;
	*recs = malloc(cap * sizeof(**recs));
	assert_non_null(*recs);
	if ((rc = trace_open(&t, path, format, err)))
		return rc;
	for (;;) {
		if (cap - *n < TRACE_BATCH) {
			cap *= 2;
			*recs = realloc(*recs, cap * sizeof(**recs));
			assert_non_null(*recs);
		}
		rc = trace_read(t, *recs + *n, TRACE_BATCH, &got, err);
		*n += got;
		if (rc || got == 0)
			break;
	}
	trace_close(t);
	return rc;
}

/* Reading @path must fail with VMSIM_EPARSE and a message holding @a and @b. */
static void expect_error(const char *path, const char *format, const char *a, const char *b)
{
	struct trace_rec *recs;
	struct trace_error err = {""};
	size_t n;
	int rc = read_all(path, format, &recs, &n, &err);

	free(recs);
	if (rc != VMSIM_EPARSE)
		fail_msg("expected a parse error, got %d; message '%s'", rc, err.msg);
	if (!strstr(err.msg, a) || (b && !strstr(err.msg, b)))
		fail_msg("message '%s' lacks '%s' / '%s'", err.msg, a, b ? b : "");
	if (!strstr(err.msg, path))
		fail_msg("message '%s' does not name the file", err.msg);
}

static void expect_access(const struct trace_rec *r, unsigned kind, uint64_t addr, uint64_t len)
{
	assert_int_equal(r->type, TRACE_ACCESS);
	assert_int_equal(r->kind, kind);
	assert_int_equal(r->addr, addr);
	assert_int_equal(r->len, len);
	assert_int_equal(r->pid, TRACE_DEFAULT_PID);
}

/* ---- lackey --------------------------------------------------------------- */

static void lackey_reads_every_line_kind(void **state)
{
	const char *text = "==1234== Lackey, an example Valgrind tool\n"
			   "I  0401ab70,3\n"
			   " L 1fff000708,8\n"
			   "\n"
			   " S 0000000012345678,16\r\n"
			   " M 0421e4a8,4\n"
			   "==1234== Counted 1 call to main()\n"
			   "I  ffffffffff600000,1"; /* no final newline */
	struct trace_rec *r;
	struct trace_error err;
	size_t n;

	(void)state;
	assert_ok(read_all(put_text(text), NULL, &r, &n, &err));
	assert_int_equal(n, 6);
	expect_access(&r[0], TRACE_EXEC, 0x401ab70, 3);
	expect_access(&r[1], TRACE_READ, 0x1fff000708, 8);
	expect_access(&r[2], TRACE_WRITE, 0x12345678, 16);
	expect_access(&r[3], TRACE_READ, 0x421e4a8, 4); /* M = load then store */
	expect_access(&r[4], TRACE_WRITE, 0x421e4a8, 4);
	expect_access(&r[5], TRACE_EXEC, 0xffffffffff600000, 1);
	free(r);
}

static void lackey_bad_input_names_line_and_column(void **state)
{
	(void)state;
	/* bad hex: the 'z' is column 8 of line 2 */
	expect_error(put_text("I  0401ab70,3\nI  0401zb70,3\n"), NULL,
		     ":2:8:", "expected 8 to 16 hexadecimal digits");
	expect_error(put_text("I  0401ab70,3\n L 401ab,3\n"), NULL, ":2:9:", "8 to 16");
	expect_error(put_text("I  0401ab70,3\n L 00000000000000401,3\n"), "lackey",
		     ":2:20:", "more than 16");
	expect_error(put_text("I  0401ab70,3\n X 0401ab70,3\n"), NULL, ":2:2:", "found 'X'");
	expect_error(put_text("I  0401ab70,3\nI 0401ab70,3\n"), NULL, ":2:3:", "two spaces");
	expect_error(put_text("I  0401ab70,3\nI  0401ab70;3\n"), NULL, ":2:12:", "found ';'");
	expect_error(put_text("I  0401ab70,3\nI  0401ab70,\n"), NULL,
		     ":2:13:", "the end of the line");
	expect_error(put_text("I  0401ab70,3\n S 0401ab70,0\n"), NULL, ":2:13:", "access size 0");
	expect_error(put_text("I  0401ab70,3\n S 0401ab70,4097\n"), NULL,
		     ":2:13:", "4097 is too large");
	expect_error(put_text("I  0401ab70,3\n S 0401ab70,8x\n"), NULL, ":2:14:", "found 'x'");
	expect_error(put_text("hello\n"), "lackey", ":1:1:", "found 'h'");
}

static void lackey_lines_crossing_reads_all_decode(void **state)
{
	/* 300000 lines (about 4.5 MB): many 1 MiB buffer boundaries */
	size_t lines = 300000, cap = lines * 24, len = 0;
	char *text = malloc(cap);
	struct trace_rec *r;
	struct trace_error err;
	size_t n;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < lines; i++)
		len += (size_t)sprintf(text + len, i % 3 ? " L %012zx,%zu\n" : "I  %08zx,%zu\n",
				       0x400000 + i * 8, i % 15 + 1);
	assert_ok(read_all(put_file(text, len), NULL, &r, &n, &err));
	assert_int_equal(n, lines);
	for (size_t i = 0; i < lines; i++)
		expect_access(&r[i], i % 3 ? TRACE_READ : TRACE_EXEC, 0x400000 + i * 8, i % 15 + 1);
	free(r);
	free(text);
}

static void lackey_from_pipe_reads_like_a_file(void **state)
{
	const char *text = "I  0401ab70,3\n S 7ff000a68,8\n";
	struct trace_rec r[TRACE_BATCH];
	struct trace_error err;
	struct trace *t;
	int fd[2];
	size_t n;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(write(fd[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fd[1]);
	assert_ok(trace_open_fd(&t, fd[0], "<pipe>", true, NULL, &err));
	assert_string_equal(trace_get_info(t)->format, "lackey");
	assert_ok(trace_read(t, r, TRACE_BATCH, &n, &err));
	assert_int_equal(n, 2);
	expect_access(&r[1], TRACE_WRITE, 0x7ff000a68, 8);
	assert_ok(trace_read(t, r, TRACE_BATCH, &n, &err));
	assert_int_equal(n, 0);
	trace_close(t);
}

/* ---- ChampSim --------------------------------------------------------------- */

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* One input_instr record: @ip, stores @d0 @d1, loads @s0..@s3. */
static void champsim_rec(unsigned char *p, uint64_t ip, uint64_t d0, uint64_t d1, uint64_t s0,
			 uint64_t s1, uint64_t s2, uint64_t s3)
{
	memset(p, 0, 64);
	put_le64(p, ip);
	p[8] = 1;  /* is_branch */
	p[10] = 6; /* a destination register: ignored */
	put_le64(p + 16, d0);
	put_le64(p + 24, d1);
	put_le64(p + 32, s0);
	put_le64(p + 40, s1);
	put_le64(p + 48, s2);
	put_le64(p + 56, s3);
}

static void champsim_record_gives_fetch_loads_then_stores(void **state)
{
	unsigned char buf[3 * 64];
	struct trace_rec *r;
	struct trace_error err;
	size_t n;

	(void)state;
	champsim_rec(buf, 0x401000, 0x7000, 0, 0x8000, 0, 0x9000, 0);
	champsim_rec(buf + 64, 0x401004, 0, 0, 0, 0, 0, 0);
	champsim_rec(buf + 128, 0x401008, 0xa000, 0xb000, 0xc000, 0xd000, 0xe000, 0xf000);
	assert_ok(read_all(put_file(buf, sizeof(buf)), NULL, &r, &n, &err));
	assert_int_equal(n, 4 + 1 + 7);
	expect_access(&r[0], TRACE_EXEC, 0x401000, 1);
	expect_access(&r[1], TRACE_READ, 0x8000, 1);
	expect_access(&r[2], TRACE_READ, 0x9000, 1);
	expect_access(&r[3], TRACE_WRITE, 0x7000, 1);
	expect_access(&r[4], TRACE_EXEC, 0x401004, 1);
	expect_access(&r[5], TRACE_EXEC, 0x401008, 1);
	expect_access(&r[9], TRACE_READ, 0xf000, 1);
	expect_access(&r[10], TRACE_WRITE, 0xa000, 1);
	expect_access(&r[11], TRACE_WRITE, 0xb000, 1);
	free(r);
}

static void champsim_truncated_record_names_byte_and_record(void **state)
{
	unsigned char buf[2 * 64 + 23];

	(void)state;
	champsim_rec(buf, 0x401000, 0, 0, 0x8000, 0, 0, 0);
	champsim_rec(buf + 64, 0x401004, 0, 0, 0, 0, 0, 0);
	memset(buf + 128, 0xee, 23);
	expect_error(put_file(buf, sizeof(buf)), "champsim", "byte 128", "truncated record 3");
}

/* ---- vmsim format: round trip ------------------------------------------------ */

static struct trace_rec acc(unsigned kind, uint32_t pid, uint64_t addr, uint64_t len)
{
	return (struct trace_rec){
	    .type = TRACE_ACCESS, .kind = (uint8_t)kind, .pid = pid, .addr = addr, .len = len};
}

static struct trace_rec ev(unsigned kind, uint32_t pid, uint64_t addr, uint64_t len, uint32_t prot,
			   uint32_t arg)
{
	return (struct trace_rec){.type = TRACE_EVENT,
				  .kind = (uint8_t)kind,
				  .pid = pid,
				  .addr = addr,
				  .len = len,
				  .prot = prot,
				  .arg = arg};
}

/* A mix of everything the format has to encode. */
static size_t sample_records(struct trace_rec *r)
{
	size_t n = 0;

	r[n++] = ev(TRACE_EV_CREATE, 7, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MMAP, 7, 0x7f0000000000, 1 << 20, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	for (uint64_t i = 0; i < 40; i++) {
		r[n++] = acc(TRACE_EXEC, 7, 0x401000 + i * 3, 3);	/* straight-line code */
		r[n++] = acc(TRACE_READ, 7, 0x7f0000000000 + i * 8, 8); /* sequential data */
	}
	r[n++] = acc(TRACE_WRITE, 7, 0x7f0000000000, 16);	/* backwards, explicit size */
	r[n++] = acc(TRACE_WRITE, 7, 0xffffffffffffff00, 4096); /* huge delta */
	r[n++] = acc(TRACE_READ, 7, 0, 1);
	r[n++] = acc(TRACE_READ, 7, 0, 1u << 31);
	r[n++] = ev(TRACE_EV_FORK, 7, 0, 0, 0, 8);
	r[n++] = acc(TRACE_WRITE, 8, 0x7f0000000100, 8); /* another pid: a pid record */
	r[n++] = ev(TRACE_EV_SWITCH, 7, 0, 0, 0, 0);
	r[n++] = acc(TRACE_READ, 7, 0x7f0000000100, 8);
	r[n++] = ev(TRACE_EV_MPROTECT, 7, 0x7f0000000000, 4096, VMSIM_PROT_READ, 0);
	r[n++] = ev(TRACE_EV_MUNMAP, 7, 0x7f0000001000, 4096, 0, 0);
	r[n++] = ev(TRACE_EV_BRK, 7, 0x602000, 0, 0, 0);
	r[n++] = ev(TRACE_EV_PHASE, 7, 42, 0, 0, 0);
	r[n++] = ev(TRACE_EV_EXIT, 8, 0, 0, 0, 0);
	r[n++] = acc(TRACE_EXEC, 4000000000u, 0x401000, 15);
	return n;
}

static const char *write_trace(const struct trace_rec *r, size_t n, int level, uint32_t flags)
{
	static char path[128];
	struct trace_writer_opts o = {.zstd_level = level, .flags = flags};
	struct trace_writer *w;
	struct trace_error err;

	snprintf(path, sizeof(path), "%s/f%d", g_dir, g_nfiles++);
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put(w, r, n, &err));
	assert_int_equal(trace_writer_count(w), n);
	assert_ok(trace_writer_close(w, &err));
	return path;
}

static void vmsim_format_round_trip_gives_identical_records(void **state)
{
	struct trace_rec in[256], *out;
	struct trace_error err;
	size_t n = sample_records(in), got;

	(void)state;
	for (int level = 0; level <= 3; level += 3) {
		const char *path = write_trace(in, n, level, TRACE_F_HAS_VMAS);
		struct trace *t;
		assert_ok(trace_open(&t, path, NULL, &err));
		assert_string_equal(trace_get_info(t)->format, "vmsim");
		assert_string_equal(trace_get_info(t)->compression, level ? "zstd" : "plain");
		assert_true(trace_get_info(t)->has_vmas);
		trace_close(t);
		assert_ok(read_all(path, NULL, &out, &got, &err));
		assert_int_equal(got, n);
		for (size_t i = 0; i < n; i++)
			if (memcmp(&in[i], &out[i], sizeof(in[i])))
				fail_msg("record %zu differs after the round trip", i);
		free(out);
	}
}

static void vmsim_format_sequential_access_costs_one_byte(void **state)
{
	struct trace_rec in[1000];
	FILE *f;
	long size;

	(void)state;
	for (int i = 0; i < 1000; i++)
		in[i] = acc(TRACE_READ, TRACE_DEFAULT_PID, 0x10000 + 8 * (uint64_t)i, 8);
	f = fopen(write_trace(in, 1000, 0, 0), "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	/* header 32, block header 12, first access 1 + 3-byte delta, 999 one-byte
	 * accesses, end block 12 */
	assert_int_equal(size, 32 + 12 + 4 + 999 + 12);
}

static void vmsim_writer_rejects_bad_records(void **state)
{
	struct trace_rec bad = acc(TRACE_READ, 1, 0x1000, 0);
	struct trace_writer_opts o = {0};
	struct trace_writer *w;
	struct trace_error err;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/f%d", g_dir, g_nfiles++);
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_int_equal(trace_writer_put(w, &bad, 1, &err), VMSIM_EINVAL);
	assert_non_null(strstr(err.msg, "record 1"));
	bad = ev(TRACE_EV_MMAP, 1, 0, 4096, 8, 0);
	assert_int_equal(trace_writer_put(w, &bad, 1, &err), VMSIM_EINVAL);
	trace_writer_discard(w);
}

/* ---- vmsim format: bad input ------------------------------------------------- */

/* The bytes of a plain trace of @n sample records, in *@len. */
static unsigned char *sample_bytes(size_t *len)
{
	struct trace_rec in[256];
	size_t n = sample_records(in);
	const char *path = write_trace(in, n, 0, 0);
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(4096);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 4096, f);
	fclose(f);
	return buf;
}

static void vmsim_bad_header_names_the_field(void **state)
{
	size_t len;
	unsigned char *b = sample_bytes(&len);

	(void)state;
	b[3] ^= 0xff;
	expect_error(put_file(b, len), "vmsim", "byte 0", "bad magic");
	b[3] ^= 0xff;
	b[8] = 9; /* version */
	expect_error(put_file(b, len), NULL, "byte 8", "version 9");
	b[8] = 1;
	b[16] = 0x80; /* flags */
	expect_error(put_file(b, len), NULL, "byte 16", "unknown flags 0x80");
	b[16] = 0;
	b[13] = 0x20; /* page size 8192 */
	expect_error(put_file(b, len), NULL, "byte 12", "page size 8192");
	b[13] = 0x10;
	expect_error(put_file(b, 20), NULL, "byte 20", "truncated header");
	free(b);
}

static void vmsim_bad_records_name_the_byte_offset(void **state)
{
	size_t len;
	unsigned char *b = sample_bytes(&len);
	unsigned char over[64];

	(void)state;
	/* the sample is one block (header at byte 32, payload from 44), then
	 * the 12-byte end block */
	expect_error(put_file(b, len - 1), NULL, "byte", "inside the header of the next block");
	expect_error(put_file(b, len - 12), NULL, "right after block 1 (96 records)",
		     "without the end block");
	expect_error(put_file(b, len - 13), NULL, "byte 32", "block 1 is cut short");
	/* an unknown record type at the start of the payload */
	b[44] = 0x61;
	expect_error(put_file(b, len), NULL, "byte 44 (record 1)", "unknown record type 0x61");
	b[44] = 0x80; /* create pid: restore */
	/* the block's count is wrong */
	b[36] ^= 1;
	expect_error(put_file(b, len), NULL, "byte 32", "block 1 says it holds 97 records");
	b[36] ^= 1;
	/* a block longer than any reader takes */
	b[34] = 0x10;
	expect_error(put_file(b, len), NULL, "byte 32", "block 1 is 1048");
	free(b);
	/* trailing bytes after the end block */
	b = sample_bytes(&len);
	b[len] = 0x00;
	expect_error(put_file(b, len + 1), NULL, "data after the end block", NULL);
	/* an end block with the wrong count (96 records) */
	b[len - 8] ^= 1;
	expect_error(put_file(b, len), NULL, "end block counts 97 records", NULL);
	free(b);
	/* a varint longer than 64 bits */
	memcpy(over, "VMSIMTRC\1\0\x20\0\0\x10\0\0", 16);
	memset(over + 16, 0, 16);
	over[32] = 0x01; /* read, size 1, delta follows */
	memset(over + 33, 0xff, 10);
	over[43] = 0x01;
	expect_error(put_file(over, 44), NULL, "byte 32", "longer than 64 bits");
}

/* ---- compression ------------------------------------------------------------- */

static const char *lackey_sample(size_t *len)
{
	static char text[65536];
	size_t k = 0;

	for (int i = 0; i < 2000; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, "I  %08x,4\n S %010x,8\n",
				      0x400000 + 4 * i, 0x7ff0000 + 8 * (i % 97));
	*len = k;
	return text;
}

static unsigned char *gzip_of(const void *in, size_t n, size_t *out_len)
{
	z_stream z = {0};
	size_t cap = n + 1024;
	unsigned char *out = malloc(cap);

	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static unsigned char *zstd_of(const void *in, size_t n, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(n);
	unsigned char *out = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	*out_len = ZSTD_compress2(c, out, cap, in, n);
	assert_false(ZSTD_isError(*out_len));
	ZSTD_freeCCtx(c);
	return out;
}

static unsigned char *xz_of(const void *in, size_t n, size_t *out_len)
{
	size_t cap = lzma_stream_buffer_bound(n), pos = 0;
	unsigned char *out = malloc(cap);

	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, n, out, &pos, cap),
			 LZMA_OK);
	*out_len = pos;
	return out;
}

typedef unsigned char *(*compressor)(const void *in, size_t n, size_t *out_len);

static const struct {
	const char *name;
	compressor fn;
} compressors[] = {{"gzip", gzip_of}, {"zstd", zstd_of}, {"xz", xz_of}};

static void compressed_traces_read_like_plain_ones(void **state)
{
	size_t len, zlen, n, m;
	const char *text = lackey_sample(&len);
	struct trace_rec *plain, *r;
	struct trace_error err;

	(void)state;
	assert_ok(read_all(put_file(text, len), NULL, &plain, &n, &err));
	assert_int_equal(n, 4000);
	for (size_t i = 0; i < ARRAY_LEN(compressors); i++) {
		unsigned char *z = compressors[i].fn(text, len, &zlen);
		const char *path = put_file(z, zlen);
		struct trace *t;
		assert_ok(trace_open(&t, path, NULL, &err));
		assert_string_equal(trace_get_info(t)->compression, compressors[i].name);
		trace_close(t);
		assert_ok(read_all(path, NULL, &r, &m, &err));
		assert_int_equal(m, n);
		assert_memory_equal(r, plain, n * sizeof(*r));
		free(r);
		free(z);
	}
	free(plain);
}

/* Drain a dec; returns its error. */
static int drain(const char *path, struct trace_error *err)
{
	static unsigned char buf[65536];
	struct dec *d;
	size_t n;
	int rc;

	if ((rc = dec_open(&d, path, err)))
		return rc;
	do
		rc = dec_read(d, buf, sizeof(buf), &n, err);
	while (!rc && n);
	dec_close(d);
	return rc;
}

static void corrupt_compression_is_an_error_naming_the_byte(void **state)
{
	size_t len, zlen;
	const char *text = lackey_sample(&len);
	struct trace_error err;
	char want[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(compressors); i++) {
		unsigned char *z = compressors[i].fn(text, len, &zlen);
		z[zlen / 2] ^= 0x55;
		assert_int_equal(drain(put_file(z, zlen), &err), VMSIM_EPARSE);
		snprintf(want, sizeof(want), "corrupt %s data near compressed byte",
			 compressors[i].name);
		if (!strstr(err.msg, want))
			fail_msg("%s: '%s' lacks '%s'", compressors[i].name, err.msg, want);
		z[zlen / 2] ^= 0x55;
		/* cut in half: truncated, through the trace reader */
		expect_error(put_file(z, zlen / 2), NULL, "truncated", compressors[i].name);
		free(z);
	}
}

/* ---- detection --------------------------------------------------------------- */

static void unknown_format_asks_for_format_option(void **state)
{
	struct trace_rec *r;
	struct trace_error err;
	size_t n;

	(void)state;
	expect_error(put_text("just some text\n"), NULL, "cannot tell the trace format",
		     "--format");
	expect_error(put_file("", 0), NULL, "empty input", NULL);
	assert_int_equal(read_all(put_text("x"), "nope", &r, &n, &err), VMSIM_EINVAL);
	free(r);
	assert_non_null(strstr(err.msg, "unknown trace format 'nope'"));
	assert_ok(read_all(put_file("", 0), "lackey", &r, &n, &err));
	assert_int_equal(n, 0);
	free(r);
}

/* ---- replay ------------------------------------------------------------------ */

static struct vmsim_system *machine(void)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 << 20;
	cfg.swap_bytes = 0;
	cfg.segv_kills = false;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

static void check(struct vmsim_system *sys)
{
	char why[256];

	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("invariant broken: %s", why);
}

static void replay_infers_one_vma_per_chunk_and_faults_each_page_once(void **state)
{
	/*  chunks touched, 2 MiB each, far apart:
	 *   0x10000000   0x40200000   0x7f0000000000
	 *   [AAAA....]   [BBBB....]   [CCCC....]      4 pages each, written then read */
	static const uint64_t base[3] = {0x10000000, 0x40200000, 0x7f0000000000};
	char text[4096];
	size_t k = 0;
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct vmsim_proc_stats ps;
	struct trace_error err;

	(void)state;
	for (int round = 0; round < 2; round++)
		for (int c = 0; c < 3; c++)
			for (int p = 0; p < 4; p++)
				k += (size_t)snprintf(text + k, sizeof(text) - k, " %c %016llx,8\n",
						      round ? 'L' : 'S',
						      (unsigned long long)(base[c] + 4096 * p + 8));
	replay_opts_default(&o);
	assert_ok(replay_file(sys, put_text(text), &o, &st, &err));
	assert_true(st.inferring);
	assert_int_equal(st.inferred_vmas, 3);
	assert_int_equal(st.inferred_chunks, 3);
	assert_int_equal(st.accesses, 24);
	assert_int_equal(st.processes, 1);
	assert_ok(vmsim_proc_stats(sys, st.first_pid, &ps));
	assert_int_equal(ps.faults_minor, 12); /* each page once */
	assert_int_equal(ps.faults_invalid, 0);
	assert_int_equal(ps.nr_vmas, 3);
	assert_int_equal(ps.vm_size, 3 * (2 << 20));
	assert_int_equal(ps.rss, 12 * 4096);
	check(sys);
	vmsim_system_free(sys);
}

static void replay_adjacent_chunks_grow_one_vma(void **state)
{
	/* chunks 0x200 and 0x202 first (two areas), then 0x201 joins them */
	const char *text = " S 40000000,8\n S 40400000,8\n S 40200000,8\n S 407ffff8,16\n";
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct trace_error err;

	(void)state;
	replay_opts_default(&o);
	assert_ok(replay_file(sys, put_text(text), &o, &st, &err));
	/* the last access crosses from chunk 0x203 into 0x204: both inferred */
	assert_int_equal(st.inferred_chunks, 5);
	assert_int_equal(st.inferred_vmas, 1);
	check(sys);
	vmsim_system_free(sys);
}

static void replay_inference_fills_gaps_around_traced_mmap(void **state)
{
	/*  chunk 0x200 (0x40000000-0x401fffff):
	 *  [ gap 1 MiB ][mmap 16K][ gap 1008K ]
	 *  the trace maps the middle itself and has no HAS_VMAS flag, so
	 *  inference maps the two gaps around it */
	struct trace_rec r[8];
	size_t n = 0;
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct vmsim_proc_stats ps;
	struct trace_error err;

	(void)state;
	r[n++] = ev(TRACE_EV_MMAP, 1, 0x40100000, 4 * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	r[n++] = acc(TRACE_WRITE, 1, 0x40100000, 8);
	r[n++] = acc(TRACE_WRITE, 1, 0x40000000, 8);
	r[n++] = acc(TRACE_WRITE, 1, 0x401ff000, 8);
	replay_opts_default(&o);
	assert_ok(replay_file(sys, write_trace(r, n, 0, 0), &o, &st, &err));
	assert_true(st.inferring);
	assert_int_equal(st.inferred_chunks, 0);
	assert_int_equal(st.infer_holes, 2);
	assert_int_equal(st.inferred_vmas, 2);
	assert_ok(vmsim_proc_stats(sys, st.first_pid, &ps));
	assert_int_equal(ps.faults_invalid, 0);
	assert_int_equal(ps.faults_minor, 3);
	assert_int_equal(ps.vm_size, 2 << 20);
	check(sys);
	vmsim_system_free(sys);
}

static void replay_with_maps_file_uses_real_vmas(void **state)
{
	const char *maps = "00400000-00452000 r-xp 00000000 08:02 173521   /usr/bin/prog\n"
			   "00651000-00652000 rw-p 00051000 08:02 173521   /usr/bin/prog\n"
			   "7ffd1000-7ffd3000 rw-p 00000000 00:00 0        [stack]\n"
			   "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";
	const char *text = "I  00400010,4\n S 00651008,8\n S 7ffd2ff8,8\n S 00800000,8\n"
			   " S 00400010,4\n";
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct vmsim_proc_stats ps;
	struct trace_error err;
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/maps", g_dir);
	f = fopen(path, "w");
	fputs(maps, f);
	fclose(f);
	replay_opts_default(&o);
	o.maps_path = path;
	assert_ok(replay_file(sys, put_text(text), &o, &st, &err));
	assert_false(st.inferring);
	assert_int_equal(st.maps_areas, 3);
	assert_int_equal(st.maps_skipped, 1);
	assert_ok(vmsim_proc_stats(sys, st.first_pid, &ps));
	assert_int_equal(ps.nr_vmas, 3);
	/* 0x800000 is in no area; a store to read-only text is refused */
	assert_int_equal(ps.faults_invalid, 2);
	check(sys);
	vmsim_system_free(sys);
}

static void maps_file_errors_name_line_and_column(void **state)
{
	struct vmsim_system *sys = machine();
	uint64_t mapped, skipped;
	struct trace_error err;
	char path[128];
	int pid;
	FILE *f;

	(void)state;
	assert_ok(vmsim_process_create(sys, &pid));
	snprintf(path, sizeof(path), "%s/maps", g_dir);
	f = fopen(path, "w");
	fputs("00400000-00452000 r-xp 00000000 08:02 1 /bin/x\n"
	      "00651000-00652000 rwzp 00051000 08:02 1 /bin/x\n",
	      f);
	fclose(f);
	assert_int_equal(replay_load_maps(sys, pid, path, &mapped, &skipped, &err), VMSIM_EPARSE);
	if (!strstr(err.msg, "maps:2:21: expected 'x' or '-', found 'z'"))
		fail_msg("message: %s", err.msg);
	f = fopen(path, "w");
	fputs("20000000-20010000 r--p 00000000 08:02 1 /bin/x\n"
	      "20008000-20020000 rw-p 00000000 08:02 1 /bin/x\n",
	      f);
	fclose(f);
	assert_int_equal(replay_load_maps(sys, pid, path, &mapped, &skipped, &err), VMSIM_EEXIST);
	if (!strstr(err.msg, "maps:2: cannot map 0x20008000-0x20020000"))
		fail_msg("message: %s", err.msg);
	assert_int_equal(replay_load_maps(sys, pid, "/nonexistent/maps", &mapped, &skipped, &err),
			 VMSIM_EIO);
	vmsim_system_free(sys);
}

static void replay_applies_events_fork_cow_and_exit(void **state)
{
	const uint64_t a = 0x100000000;
	struct trace_rec r[64];
	size_t n = 0;
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct vmsim_proc_stats parent, child;
	struct trace_error err;

	(void)state;
	r[n++] = ev(TRACE_EV_CREATE, 10, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MMAP, 10, a, 16 * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	for (int i = 0; i < 16; i++)
		r[n++] = acc(TRACE_WRITE, 10, a + 4096 * (uint64_t)i, 8);
	r[n++] = ev(TRACE_EV_FORK, 10, 0, 0, 0, 11);
	r[n++] = acc(TRACE_WRITE, 11, a, 8); /* copy on write */
	r[n++] = ev(TRACE_EV_SWITCH, 10, 0, 0, 0, 0);
	r[n++] = ev(TRACE_EV_PHASE, 10, 1, 0, 0, 0);
	r[n++] = ev(TRACE_EV_MUNMAP, 10, a, 4096, 0, 0);
	r[n++] = acc(TRACE_READ, 10, a, 8); /* unmapped now: SIGSEGV */
	r[n++] = ev(TRACE_EV_EXIT, 11, 0, 0, 0, 0);
	replay_opts_default(&o);
	assert_ok(replay_file(sys, write_trace(r, n, 0, TRACE_F_HAS_VMAS), &o, &st, &err));
	assert_false(st.inferring);
	assert_int_equal(st.records, n);
	assert_int_equal(st.events, 7);
	assert_int_equal(st.phases, 1);
	assert_int_equal(st.processes, 2);
	assert_ok(vmsim_proc_stats(sys, 1, &parent));
	assert_ok(vmsim_proc_stats(sys, 2, &child));
	assert_int_equal(parent.faults_minor, 16);
	assert_int_equal(parent.faults_invalid, 1);
	assert_int_equal(child.cow_copies, 1);
	assert_false(child.alive);
	check(sys);
	vmsim_system_free(sys);
}

static void replay_bad_event_names_the_record(void **state)
{
	struct trace_rec r[2] = {ev(TRACE_EV_EXIT, 5, 0, 0, 0, 0)};
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct trace_error err;

	(void)state;
	replay_opts_default(&o);
	assert_int_equal(replay_file(sys, write_trace(r, 1, 0, 0), &o, &st, &err), VMSIM_ESRCH);
	if (!strstr(err.msg, "record 1: process 5 does not exist"))
		fail_msg("message: %s", err.msg);
	vmsim_system_free(sys);
}

struct ticks {
	int calls, finals;
	uint64_t last;
};

static void on_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct ticks *t = ctx;

	(void)sys;
	t->calls++;
	t->finals += final;
	t->last = accesses;
}

static void replay_ticks_every_n_and_stops_at_max_records(void **state)
{
	char text[8192];
	size_t k = 0;
	struct vmsim_system *sys = machine();
	struct replay_opts o;
	struct replay_stats st;
	struct trace_error err;
	struct ticks ticks = {0};
	const char *path;

	(void)state;
	for (int i = 0; i < 100; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, " L %08x,4\n",
				      0x10000000 + 64 * i);
	path = put_text(text);
	replay_opts_default(&o);
	o.hooks = (struct run_hooks){.tick = on_tick, .ctx = &ticks, .every = 10};
	assert_ok(replay_file(sys, path, &o, &st, &err));
	assert_int_equal(ticks.calls, 11);
	assert_int_equal(ticks.finals, 1);
	assert_int_equal(ticks.last, 100);
	vmsim_system_free(sys);

	sys = machine();
	o.hooks.tick = NULL;
	o.max_records = 5;
	assert_ok(replay_file(sys, path, &o, &st, &err));
	assert_int_equal(st.records, 5);
	assert_int_equal(st.accesses, 5);
	vmsim_system_free(sys);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup_dir, teardown_dir)

static const struct CMUnitTest tests[] = {
    T(lackey_reads_every_line_kind),
    T(lackey_bad_input_names_line_and_column),
    T(lackey_lines_crossing_reads_all_decode),
    T(lackey_from_pipe_reads_like_a_file),
    T(champsim_record_gives_fetch_loads_then_stores),
    T(champsim_truncated_record_names_byte_and_record),
    T(vmsim_format_round_trip_gives_identical_records),
    T(vmsim_format_sequential_access_costs_one_byte),
    T(vmsim_writer_rejects_bad_records),
    T(vmsim_bad_header_names_the_field),
    T(vmsim_bad_records_name_the_byte_offset),
    T(compressed_traces_read_like_plain_ones),
    T(corrupt_compression_is_an_error_naming_the_byte),
    T(unknown_format_asks_for_format_option),
    T(replay_infers_one_vma_per_chunk_and_faults_each_page_once),
    T(replay_adjacent_chunks_grow_one_vma),
    T(replay_inference_fills_gaps_around_traced_mmap),
    T(replay_with_maps_file_uses_real_vmas),
    T(maps_file_errors_name_line_and_column),
    T(replay_applies_events_fork_cow_and_exit),
    T(replay_bad_event_names_the_record),
    T(replay_ticks_every_n_and_stops_at_max_records),
};

int main(void)
{
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL) ? 1 : 0;
}
