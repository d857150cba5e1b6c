/*
 * vmsim's trace format, version 2: every new record kind round-trips, file
 * ids and the file table, thread ids on accesses, blocks (a cut-short
 * trace reads up to its last whole block and says where it ends), foreign
 * blocks written as they are (what vmsim's Valgrind tool produces), and
 * version-1 traces still read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/trace.h"

static char g_dir[64];
static int g_nfiles;

static int setup_dir(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/vmsim-trace2-test.XXXXXX");
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
	rmdir(g_dir);
	return 0;
}

static const char *new_path(void)
{
	static char paths[8][128];
	char *path = paths[g_nfiles % 8];

	snprintf(path, 128, "%s/f%d", g_dir, g_nfiles++);
	return path;
}

static const char *put_file(const void *data, size_t n)
{
	const char *path = new_path();
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Read the whole trace at @path into *@recs (*@n of them); returns the
 * first error, the records before it kept. With @t_out, the trace stays
 * open for its file table (the caller closes it). */
static int read_all(const char *path, struct trace_rec **recs, size_t *n, struct trace **t_out,
		    struct trace_error *err)
{
	struct trace *t;
	size_t cap = 4096, got;
	int rc;

	*n = 0;
	*recs = malloc(cap * sizeof(**recs));
	assert_non_null(*recs);
	if ((rc = trace_open(&t, path, NULL, err)))
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
	if (t_out)
		*t_out = t;
	else
		trace_close(t);
	return rc;
}

static struct trace_rec acc(unsigned kind, uint32_t pid, uint32_t tid, uint64_t addr, uint64_t len)
{
	return (struct trace_rec){.type = TRACE_ACCESS,
				  .kind = (uint8_t)kind,
				  .pid = pid,
				  .addr = addr,
				  .len = len,
				  .arg = tid};
}

static struct trace_rec ev(unsigned type, unsigned kind, uint32_t pid, uint64_t addr, uint64_t len,
			   uint32_t prot, uint32_t arg)
{
	return (struct trace_rec){.type = (uint8_t)type,
				  .kind = (uint8_t)kind,
				  .pid = pid,
				  .addr = addr,
				  .len = len,
				  .prot = prot,
				  .arg = arg};
}

#define EV(kind, pid, addr, len, prot, arg) ev(TRACE_EVENT, kind, pid, addr, len, prot, arg)

static void expect_same(const struct trace_rec *a, const struct trace_rec *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(&a[i], &b[i], sizeof(a[i])))
			fail_msg(
			    "record %zu differs: type %u/%u kind %u/%u pid %u/%u addr %llx/%llx "
			    "len %llu/%llu prot %u/%u arg %u/%u",
			    i, a[i].type, b[i].type, a[i].kind, b[i].kind, a[i].pid, b[i].pid,
			    (unsigned long long)a[i].addr, (unsigned long long)b[i].addr,
			    (unsigned long long)a[i].len, (unsigned long long)b[i].len, a[i].prot,
			    b[i].prot, a[i].arg, b[i].arg);
}

/* ---- round trips ---------------------------------------------------------------- */

static void v2_every_new_event_round_trips_with_its_file_table(void **state)
{
	struct trace_writer_opts o = {.flags = TRACE_F_HAS_VMAS, .source = TRACE_SRC_VGTOOL};
	struct trace_file libc = {"/usr/lib/x86_64-linux-gnu/libc.so.6", 0x803, 1234567, 1922136};
	struct trace_file data = {"/tmp/data file", 0x803, 99, 1 << 20};
	struct trace_file vdso = {"[vdso]", 0, 0, 8192};
	struct trace_file libc2 = libc;
	struct trace_rec in[64], *out;
	struct trace_writer *w;
	struct trace_error err;
	struct trace *t;
	uint32_t id_libc, id_data, id_vdso, id_again;
	size_t n = 0, got;
	const char *path = new_path();

	(void)state;
	libc2.path = "/lib/x86_64-linux-gnu/libc.so.6"; /* another name, the same inode */
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put_file(w, 100, &libc, &id_libc, &err));
	assert_ok(trace_writer_put_file(w, 100, &data, &id_data, &err));
	assert_ok(trace_writer_put_file(w, 100, &vdso, &id_vdso, &err));
	assert_ok(trace_writer_put_file(w, 100, &libc2, &id_again, &err));
	assert_int_equal(id_libc, 0);
	assert_int_equal(id_data, 1);
	assert_int_equal(id_vdso, 2);
	assert_int_equal(id_again, 0);

	in[n++] = EV(TRACE_EV_EXEC, 100, 0, 0, 0, id_libc);
	in[n++] = EV(TRACE_EV_MMAP_FILE, 100, 0x7f0000000000, 0x28000, VMSIM_PROT_READ,
		     VMSIM_MAP_PRIVATE | VMSIM_MAP_FIXED);
	in[n++] = ev(TRACE_EXT, TRACE_EV_MMAP_FILE, 100, 0x1000, 0, 0, id_libc);
	in[n++] = EV(TRACE_EV_MMAP, 100, 0x7ffff0000000, 8 << 20,
		     VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	in[n++] = acc(TRACE_EXEC, 100, 100, 0x7f0000001000, 4);
	in[n++] = acc(TRACE_WRITE, 100, 100, 0x7ffff0000ff8, 8);
	in[n++] = EV(TRACE_EV_CLONE, 100, 0, 0, 0, 101);
	in[n++] = acc(TRACE_READ, 100, 101, 0x7ffff0000ff8, 8); /* another thread */
	in[n++] = EV(TRACE_EV_THREAD_EXIT, 100, 0, 0, 0, 101);
	in[n++] = acc(TRACE_READ, 100, 100, 0x7ffff0001000, 4);
	in[n++] = EV(TRACE_EV_MREMAP, 100, 0x7ffff0000000, 8 << 20, 0, 1 /* MAYMOVE */);
	in[n++] = ev(TRACE_EXT, TRACE_EV_MREMAP, 100, 0x7fffe0000000, 16 << 20, 0, 0);
	in[n++] = EV(TRACE_EV_MADVISE, 100, 0x7fffe0000000, 4096, 0, VMSIM_MADV_DONTNEED);
	in[n++] = EV(TRACE_EV_MSYNC, 100, 0x7f0000000000, 4096, 0, VMSIM_MS_SYNC);
	in[n++] = EV(TRACE_EV_READ, 100, 0, 4096, 0, id_data);
	in[n++] = acc(TRACE_WRITE, 100, 100, 0x7fffe0000000, 4096);
	in[n++] = EV(TRACE_EV_READ, 100, 65536, 100, TRACE_IO_POSITIONAL, id_data);
	in[n++] = EV(TRACE_EV_WRITE, 100, 1 << 20, 10, 0, id_data);
	in[n++] = EV(TRACE_EV_TRUNCATE, 100, 0, 12345, 0, id_data);
	in[n++] = EV(TRACE_EV_CACHED, 100, 8192, 3 << 12, 0, id_data);
	in[n++] = EV(TRACE_EV_CACHED, 100, 1 << 21, 1 << 21, 9, id_libc);
	in[n++] = EV(TRACE_EV_FAILED, 100, 0x1000, 1ull << 46, TRACE_EV_MMAP, 12 /* ENOMEM */);
	in[n++] =
	    EV(TRACE_EV_MMAP_FILE, 100, 0x7fff00000000, 8192, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE);
	in[n++] = ev(TRACE_EXT, TRACE_EV_MMAP_FILE, 100, 0, 0, 0, id_vdso);
	in[n++] = EV(TRACE_EV_FORK, 100, 0, 0, 0, 102);
	in[n++] = acc(TRACE_WRITE, 102, 102, 0x7ffff0000ff8, 8);
	in[n++] = EV(TRACE_EV_EXIT, 102, 0, 0, 11 /* SIGSEGV */, 0);
	in[n++] = EV(TRACE_EV_EXIT, 100, 0, 0, 0, 3);
	assert_ok(trace_writer_put(w, in, n, &err));
	assert_int_equal(trace_writer_count(w), n + 4);
	assert_ok(trace_writer_close(w, &err));

	assert_ok(read_all(path, &out, &got, &t, &err));
	assert_int_equal(got, n + 4);
	assert_int_equal(trace_get_info(t)->version, 2);
	assert_int_equal(trace_get_info(t)->source, TRACE_SRC_VGTOOL);
	assert_false(trace_get_info(t)->truncated);
	/* the four file records, the fourth repeating id 0 */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(out[i].type, TRACE_EVENT);
		assert_int_equal(out[i].kind, TRACE_EV_FILE);
		assert_int_equal(out[i].pid, 100);
	}
	assert_int_equal(out[1].arg, 1);
	assert_int_equal(out[3].arg, 0);
	expect_same(in, out + 4, n);
	assert_int_equal(trace_file_count(t), 3);
	assert_string_equal(trace_file_get(t, 0)->path, libc.path);
	assert_int_equal(trace_file_get(t, 0)->dev, 0x803);
	assert_int_equal(trace_file_get(t, 0)->ino, 1234567);
	assert_int_equal(trace_file_get(t, 0)->size, 1922136);
	assert_string_equal(trace_file_get(t, 1)->path, "/tmp/data file");
	assert_string_equal(trace_file_get(t, 2)->path, "[vdso]");
	assert_null(trace_file_get(t, 3));
	trace_close(t);
	free(out);
}

static void v2_accesses_keep_their_thread_across_blocks(void **state)
{
	enum { N = 200000 };
	struct trace_rec *in = malloc(N * sizeof(*in)), *out;
	struct trace_writer_opts o = {.zstd_level = 1};
	struct trace_writer *w;
	struct trace_error err;
	size_t got;
	const char *path = new_path();

	(void)state;
	for (size_t i = 0; i < N; i++) /* several 64 KiB blocks; threads switch now and then */
		in[i] = acc((unsigned)(i % 3), 5, 5 + (uint32_t)(i / 1000 % 4),
			    0x10000 + 8 * (i % 5000) + (i % 7 == 0 ? 0x100000 : 0), 8);
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put(w, in, N, &err));
	assert_ok(trace_writer_close(w, &err));
	assert_ok(read_all(path, &out, &got, NULL, &err));
	assert_int_equal(got, N);
	expect_same(in, out, N);
	free(in);
	free(out);
}

static void v2_writer_rejects_bad_records(void **state)
{
	struct trace_writer_opts o = {0};
	struct trace_writer *w;
	struct trace_error err;
	struct trace_file nameless = {"", 1, 2, 3};
	struct trace_rec bad[2];
	uint32_t id;

	(void)state;
	assert_ok(trace_writer_open(&w, new_path(), &o, &err));
	/* a wide event without its TRACE_EXT record */
	bad[0] = EV(TRACE_EV_MREMAP, 1, 0x1000, 4096, 0, 0);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	assert_non_null(strstr(err.msg, "TRACE_EXT"));
	/* a file id never declared */
	bad[0] = EV(TRACE_EV_READ, 1, 0, 10, 0, 0);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	/* a file record through put */
	bad[0] = EV(TRACE_EV_FILE, 1, 0, 0, 0, 0);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	/* an exit status above 255 */
	bad[0] = EV(TRACE_EV_EXIT, 1, 0, 0, 0, 256);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	/* a cached record of an undeclared file, or with a folio order above a PMD's */
	bad[0] = EV(TRACE_EV_CACHED, 1, 0, 4096, 0, 0);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	assert_ok(trace_writer_put_file(w, 1, &(struct trace_file){"/x", 1, 2, 3}, &id, &err));
	bad[0] = EV(TRACE_EV_CACHED, 1, 0, 4096, TRACE_CACHED_MAX_ORDER + 1, id);
	assert_int_equal(trace_writer_put(w, bad, 1, &err), VMSIM_EINVAL);
	assert_int_equal(trace_writer_put_file(w, 1, &nameless, &id, &err), VMSIM_EINVAL);
	assert_non_null(strstr(err.msg, "file path of 0 bytes"));
	trace_writer_discard(w);
}

/* ---- blocks ------------------------------------------------------------------- */

static void le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static unsigned char *varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* A block as vmsim's Valgrind tool writes one: pid 42, its tid, a file
 * record under a 64-bit key, a file mapping naming that key, two accesses. */
static size_t tool_block(unsigned char *b, uint64_t key)
{
	unsigned char *p = b + TRACE_BLOCK_HDR;
	const char *path = "/bin/true";

	*p++ = 0xf1; /* tid 42 */
	p = varint(p, 42);
	*p++ = 0x80 + TRACE_EV_FILE;
	p = varint(varint(varint(varint(varint(p, 42), key), 0x803), 777), 39256);
	p = varint(p, strlen(path));
	memcpy(p, path, strlen(path));
	p += strlen(path);
	*p++ = 0x80 + TRACE_EV_MMAP_FILE;
	p = varint(varint(varint(p, 42), 0x400000), 0x2000);
	p = varint(varint(varint(varint(p, 5), 0x12), key), 0x1000);
	*p++ = 0x44; /* fetch of 4 at +0x400000 */
	p = varint(p, 0x400000 << 1);
	*p++ = 0x53; /* fetch of 3 right after */
	le32(b, (uint32_t)(p - b - TRACE_BLOCK_HDR));
	le32(b + 4, 5); /* file, mmap + its ext, two accesses */
	le32(b + 8, 42);
	return (size_t)(p - b);
}

static void v2_foreign_blocks_are_written_as_they_are_and_read_back(void **state)
{
	struct trace_writer_opts o = {.flags = TRACE_F_HAS_VMAS, .source = TRACE_SRC_VGTOOL};
	unsigned char blk[256];
	size_t len = tool_block(blk, 0x2a00000001ull), got;
	struct trace_writer *w;
	struct trace_error err;
	struct trace_rec *out, exit_rec = EV(TRACE_EV_EXIT, 42, 0, 0, 0, 0);
	struct trace *t;
	const char *path = new_path();

	(void)state;
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put_block(w, blk, len, &err));
	assert_ok(trace_writer_put_block(w, blk, len, &err)); /* the same key again */
	assert_ok(trace_writer_put(w, &exit_rec, 1, &err));
	blk[0] ^= 1; /* a length that does not match */
	assert_int_equal(trace_writer_put_block(w, blk, len, &err), VMSIM_EINVAL);
	assert_int_equal(trace_writer_count(w), 11);
	assert_ok(trace_writer_close(w, &err));

	assert_ok(read_all(path, &out, &got, &t, &err));
	assert_int_equal(got, 11);
	assert_int_equal(out[0].kind, TRACE_EV_FILE);
	assert_int_equal(out[0].arg, 0);
	assert_int_equal(out[1].kind, TRACE_EV_MMAP_FILE);
	assert_int_equal(out[1].addr, 0x400000);
	assert_int_equal(out[1].prot, 5);
	assert_int_equal(out[2].type, TRACE_EXT);
	assert_int_equal(out[2].addr, 0x1000);
	assert_int_equal(out[2].arg, 0);
	assert_int_equal(out[3].type, TRACE_ACCESS);
	assert_int_equal(out[3].addr, 0x400000);
	assert_int_equal(out[3].pid, 42);
	assert_int_equal(out[3].arg, 42);
	assert_int_equal(out[4].addr, 0x400004);
	assert_int_equal(out[5].arg, 0); /* the second block: the same file, the same id */
	assert_int_equal(out[10].kind, TRACE_EV_EXIT);
	assert_int_equal(trace_file_count(t), 1);
	assert_string_equal(trace_file_get(t, 0)->path, "/bin/true");
	assert_int_equal(trace_file_get(t, 0)->ino, 777);
	trace_close(t);
	free(out);
}

static void v2_undeclared_file_key_is_an_error_naming_the_record(void **state)
{
	static const unsigned char hdr[32] = "VMSIMTRC\2\0\x20\0\0\x10";
	unsigned char b[512], *p;
	struct trace_error err;
	struct trace_rec *out;
	size_t got;

	(void)state;
	memcpy(b, hdr, 32);
	p = b + 32 + TRACE_BLOCK_HDR;
	*p++ = 0x80 + TRACE_EV_EXEC;
	p = varint(varint(p, 1), 5); /* key 5: never declared */
	le32(b + 32, (uint32_t)(p - b - 32 - TRACE_BLOCK_HDR));
	le32(b + 36, 1);
	le32(b + 40, 1);
	memset(p, 0, TRACE_BLOCK_HDR);
	le32(p + 4, 1);
	p += TRACE_BLOCK_HDR;
	assert_int_equal(read_all(put_file(b, (size_t)(p - b)), &out, &got, NULL, &err),
			 VMSIM_EPARSE);
	assert_non_null(strstr(err.msg, "byte 44 (record 1): file key 5 was not declared"));
	free(out);
}

static void v2_cut_short_trace_reads_up_to_its_last_whole_block(void **state)
{
	enum { N = 100000 };
	struct trace_rec *in = malloc(N * sizeof(*in)), *out;
	struct trace_writer_opts o = {0};
	struct trace_writer *w;
	struct trace_error err;
	struct trace *t;
	unsigned char *bytes = malloc(1 << 20);
	size_t got, len, blocks = 0, whole = 0, off = 32, cut;
	const char *path = new_path();
	FILE *f;

	(void)state;
	for (size_t i = 0; i < N; i++)
		in[i] = acc(TRACE_WRITE, 1, 0, 0x10000 + 4096 * (i % 3000), 8);
	assert_ok(trace_writer_open(&w, path, &o, &err));
	assert_ok(trace_writer_put(w, in, N, &err));
	assert_ok(trace_writer_close(w, &err));
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(bytes, 1, 1 << 20, f);
	fclose(f);
	/* walk the blocks: cut in the middle of the third */
	uint64_t records_before = 0;
	while (blocks < 2) {
		uint32_t blen = (uint32_t)bytes[off] | (uint32_t)bytes[off + 1] << 8 |
				(uint32_t)bytes[off + 2] << 16;
		records_before += (uint32_t)bytes[off + 4] | (uint32_t)bytes[off + 5] << 8 |
				  (uint32_t)bytes[off + 6] << 16;
		off += TRACE_BLOCK_HDR + blen;
		blocks++;
	}
	whole = off;
	cut = whole + 1000;
	assert_true(cut < len);
	assert_int_equal(read_all(put_file(bytes, cut), &out, &got, &t, &err), VMSIM_EPARSE);
	assert_int_equal(got, records_before);
	expect_same(in, out, got);
	assert_true(trace_get_info(t)->truncated);
	char want[128];
	snprintf(want, sizeof(want), "byte %zu: truncated trace: block 3 is cut short", whole);
	if (!strstr(err.msg, want))
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	snprintf(want, sizeof(want), "the 2 whole blocks before it hold %llu records",
		 (unsigned long long)records_before);
	assert_non_null(strstr(err.msg, want));
	trace_close(t);
	free(out);
	free(in);
	free(bytes);
}

/* ---- version 1 ------------------------------------------------------------------ */

static void v1_trace_still_reads_with_its_own_record_set(void **state)
{
	static const unsigned char hdr[32] = "VMSIMTRC\1\0\x20\0\0\x10\0\0\0\0\0\0\0\0\0\0\1";
	unsigned char b[256], *p;
	struct trace_error err;
	struct trace_rec *out;
	struct trace *t;
	size_t got;

	(void)state;
	memcpy(b, hdr, 32);
	p = b + 32;
	*p++ = 0x80; /* create 1 */
	p = varint(p, 1);
	*p++ = 0x83; /* mmap 1 0x10000 8192 rw private|anon */
	p = varint(varint(varint(varint(varint(p, 1), 0x10000), 8192), 3), 0x22);
	*p++ = 0x28; /* store of 8 at 0x10000 */
	p = varint(p, 0x10000 << 1);
	*p++ = 0x81; /* exit 1: no arguments in version 1 */
	p = varint(p, 1);
	*p++ = 0xff;
	p = varint(p, 4);
	assert_ok(read_all(put_file(b, (size_t)(p - b)), &out, &got, &t, &err));
	assert_int_equal(trace_get_info(t)->version, 1);
	assert_int_equal(got, 4);
	assert_int_equal(out[1].kind, TRACE_EV_MMAP);
	assert_int_equal(out[1].len, 8192);
	assert_int_equal(out[2].addr, 0x10000);
	assert_int_equal(out[2].arg, 0); /* version 1 names no threads */
	assert_int_equal(out[3].kind, TRACE_EV_EXIT);
	assert_int_equal(out[3].arg, 0);
	trace_close(t);
	free(out);
	/* a version-2 record in a version-1 trace is an unknown type */
	b[32] = 0x80 + TRACE_EV_CLONE;
	assert_int_equal(read_all(put_file(b, (size_t)(p - b)), &out, &got, NULL, &err),
			 VMSIM_EPARSE);
	assert_non_null(strstr(err.msg, "byte 32 (record 1): unknown record type 0x8e"));
	free(out);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup_dir, teardown_dir)

static const struct CMUnitTest tests[] = {
    T(v2_every_new_event_round_trips_with_its_file_table),
    T(v2_accesses_keep_their_thread_across_blocks),
    T(v2_writer_rejects_bad_records),
    T(v2_foreign_blocks_are_written_as_they_are_and_read_back),
    T(v2_undeclared_file_key_is_an_error_naming_the_record),
    T(v2_cut_short_trace_reads_up_to_its_last_whole_block),
    T(v1_trace_still_reads_with_its_own_record_set),
};

int main(void)
{
	return cmocka_run_group_tests_name("trace_v2", tests, NULL, NULL) ? 1 : 0;
}
