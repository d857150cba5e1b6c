/*
 * Unit tests of the reference-string readers (src/workload/refstring.c):
 * the text grammar, error positions and messages, u64 input, format
 * auto-detection, numbers cut by the 64 KiB buffer, and next-use times.
 * Small inputs come from memory (fmemopen); large ones and the cases that
 * need a real file size go through temporary files.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "workload/refstring.h"

#define NEVER UINT64_MAX

/* Read all of the @len bytes @text (format @fmt) named "refs". Returns the
 * code of the first failing call; @pages and *@n hold what was read. */
static int read_mem(const char *text, size_t len, enum refstring_format fmt, uint64_t *pages,
		    size_t cap, size_t *n, struct refstring_error *err,
		    enum refstring_format *detected)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct refstring *rs = NULL;
	size_t got;
	int rc;

	assert_non_null(f);
	*n = 0;
	rc = refstring_open_stream(&rs, f, "refs", 1, fmt, err);
	if (rc != 0) {
		fclose(f);
		return rc;
	}
	if (detected)
		*detected = refstring_format(rs);
	do {
		rc = refstring_read(rs, pages + *n, cap - *n, &got, err);
		*n += got;
	} while (rc == 0 && got > 0 && *n < cap);
	refstring_close(rs);
	return rc;
}

static int read_str(const char *text, uint64_t *pages, size_t cap, size_t *n,
		    struct refstring_error *err)
{
	return read_mem(text, strlen(text), REFSTRING_AUTO, pages, cap, n, err, NULL);
}

/* A temporary file holding @len bytes of @data; returns its path. */
static const char *tmp_file(const void *data, size_t len)
{
	static char path[64];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/vmsim-refstring-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* ---- text ------------------------------------------------------------------ */

static void text_decimal_hex_comments_blanks_commas(void **state)
{
	static const char text[] = "# a reference string\n"
				   "1\n"
				   "0x10\n"
				   "\n"
				   "   7 8,9   # three on a line\r\n"
				   "0X1f\t# tab before the comment\n"
				   "007\n"
				   "18446744073709551615\n"
				   "0xffffffffffffffff";
	uint64_t p[16];
	struct refstring_error err;
	enum refstring_format fmt;
	size_t n;

	(void)state;
	assert_ok(read_mem(text, strlen(text), REFSTRING_AUTO, p, 16, &n, &err, &fmt));
	assert_int_equal(fmt, REFSTRING_TEXT);
	assert_int_equal(n, 9);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 16);
	assert_int_equal(p[2], 7);
	assert_int_equal(p[3], 8);
	assert_int_equal(p[4], 9);
	assert_int_equal(p[5], 31);
	assert_int_equal(p[6], 7);
	assert_int_equal(p[7], UINT64_MAX);
	assert_int_equal(p[8], UINT64_MAX);
}

static void text_empty_and_comment_only_inputs_have_no_references(void **state)
{
	uint64_t p[4];
	struct refstring_error err;
	size_t n;

	(void)state;
	assert_ok(read_str("", p, 4, &n, &err));
	assert_int_equal(n, 0);
	assert_ok(read_str("# nothing\n\n   \n# at all", p, 4, &n, &err));
	assert_int_equal(n, 0);
}

/* Each bad input: the message names line and column and what was expected. */
static void text_errors_name_line_column_and_expectation(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
		size_t good; /* numbers read before the error */
	} cases[] = {
	    {"1\n2\n  3q\n",
	     "refs:3:4: expected a decimal digit or the end of the page number, found 'q'", 2},
	    {"1\n12a\n",
	     "refs:2:3: expected a decimal digit (hexadecimal needs the prefix 0x), "
	     "found 'a'",
	     1},
	    {"5\n0x\n", "refs:2:3: expected a hexadecimal digit, found the end of the line", 1},
	    {"0x", "refs:1:3: expected a hexadecimal digit, found the end of the input", 0},
	    {"0x1g",
	     "refs:1:4: expected a hexadecimal digit or the end of the page number, "
	     "found 'g'",
	     0},
	    {"1 # fine\n-3\n", "refs:2:1: expected a page number, found '-'", 1},
	    {"\n\n   x\n", "refs:3:4: expected a page number, found 'x'", 0},
	    {"18446744073709551616\n", "refs:1:1: page number does not fit in 64 bits", 0},
	    {"1\n0x10000000000000000", "refs:2:1: page number does not fit in 64 bits", 1},
	    {"4\xff",
	     "refs:1:2: expected a decimal digit or the end of the page number, "
	     "found byte 0xff",
	     0},
	};
	struct refstring_error err;
	uint64_t p[8];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err.msg[0] = '\0';
		assert_int_equal(read_str(cases[i].text, p, 8, &n, &err), VMSIM_EPARSE);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(n, cases[i].good);
	}
}

/* A NUL byte in input read as text says it may be a u64 file. */
static void text_nul_byte_hints_at_u64(void **state)
{
	static const char text[] = "1\n2\0\n";
	struct refstring_error err;
	uint64_t p[4];
	size_t n;

	(void)state;
	assert_int_equal(read_mem(text, 5, REFSTRING_TEXT, p, 4, &n, &err, NULL), VMSIM_EPARSE);
	assert_string_equal(err.msg, "refs:2:2: expected a decimal digit or the end of the page "
				     "number, found byte 0x00 (is this a u64 file?)");
}

/* 300,000 numbers of 1 to 20 characters (decimal and hex) cross many 64 KiB
 * buffer boundaries; reading 7 at a time gives them all back, and an error
 * on the last line still has the right line and column. */
static void text_numbers_cut_by_buffer_are_read_whole(void **state)
{
	const size_t count = 300000;
	size_t cap = count * 24 + 64, len = 0, i, n = 0, got;
	char *text = malloc(cap);
	uint64_t *want = malloc(count * sizeof(*want)), *have = malloc(count * sizeof(*have));
	struct refstring_error err;
	struct refstring *rs;
	struct rng r;
	char expect[128];
	int rc;

	(void)state;
	assert_non_null(text);
	assert_non_null(want);
	assert_non_null(have);
	rng_seed(&r, 3);
	for (i = 0; i < count; i++) {
		unsigned bits = (unsigned)rng_below(&r, 64) + 1;
		want[i] = rng_next(&r) >> (64 - bits);
		if (i % 3 == 0)
			len += (size_t)sprintf(text + len, "0x%llx\n", (unsigned long long)want[i]);
		else
			len += (size_t)sprintf(text + len, "%llu%s", (unsigned long long)want[i],
					       i % 3 == 1 ? " " : ",\n");
	}
	len += (size_t)sprintf(text + len, "\n  12z\n");
	assert_ok(refstring_open(&rs, tmp_file(text, len), REFSTRING_AUTO, &err));
	do {
		rc = refstring_read(rs, have + n, count - n < 7 ? count - n : 7, &got, &err);
		n += got;
	} while (rc == 0 && got > 0 && n < count);
	assert_int_equal(rc, 0);
	assert_int_equal(n, count);
	assert_memory_equal(have, want, count * sizeof(*want));
	assert_int_equal(refstring_read(rs, have, 8, &got, &err), VMSIM_EPARSE);
	assert_int_equal(got, 0);
	/* lines: 2 of every 3 numbers end one; then a blank line, then "  12z" */
	snprintf(expect, sizeof(expect),
		 "%s:%zu:5: expected a decimal digit or the end of the page number, found 'z'",
		 refstring_name(rs), count / 3 * 2 + 2);
	assert_string_equal(err.msg, expect);
	unlink(refstring_name(rs));
	refstring_close(rs);
	free(text);
	free(want);
	free(have);
}

/* ---- u64 -------------------------------------------------------------------- */

static void u64_auto_detected_and_read_little_endian(void **state)
{
	static const unsigned char bytes[24] = {
	    1,	  0,	0,    0,    0,	  0,	0,    0, /* 1 */
	    0x78, 0x56, 0x34, 0x12, 0xfd, 0x7f, 0,    0, /* 0x7ffd12345678 */
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct refstring_error err;
	enum refstring_format fmt;
	uint64_t p[4];
	size_t n;

	(void)state;
	assert_ok(read_mem((const char *)bytes, 24, REFSTRING_AUTO, p, 4, &n, &err, &fmt));
	assert_int_equal(fmt, REFSTRING_U64);
	assert_int_equal(n, 3);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 0x7ffd12345678ULL);
	assert_int_equal(p[2], UINT64_MAX);
}

/* A u64 file whose size is not a multiple of 8: the last record is named. */
static void u64_truncated_record_is_an_error(void **state)
{
	static const unsigned char bytes[13] = {5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0};
	struct refstring_error err;
	uint64_t p[4];
	size_t n;

	(void)state;
	assert_int_equal(read_mem((const char *)bytes, 13, REFSTRING_U64, p, 4, &n, &err, NULL),
			 VMSIM_EPARSE);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 5);
	assert_string_equal(err.msg, "refs: byte 8: the last record has 5 of its 8 bytes (u64 "
				     "input is 8-byte little-endian page numbers)");
}

/* A regular file with a NUL byte but a size that is not a multiple of 8 is
 * read as text (and fails there, with the hint); one whose size is a
 * multiple of 8 is u64. */
static void auto_detection_uses_file_size(void **state)
{
	static const unsigned char odd[13] = {5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0};
	static const unsigned char even[16] = {5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
	struct refstring_error err;
	struct refstring *rs;
	const char *path;

	(void)state;
	path = tmp_file(odd, sizeof(odd));
	assert_ok(refstring_open(&rs, path, REFSTRING_AUTO, &err));
	assert_int_equal(refstring_format(rs), REFSTRING_TEXT);
	refstring_close(rs);
	unlink(path);
	path = tmp_file(even, sizeof(even));
	assert_ok(refstring_open(&rs, path, REFSTRING_AUTO, &err));
	assert_int_equal(refstring_format(rs), REFSTRING_U64);
	refstring_close(rs);
	unlink(path);
}

/* 200,000 records read in chunks of 1, 3 and 8191 and all at once: every
 * path through the buffer and the direct read gives the same numbers. */
static void u64_large_file_read_in_any_chunks(void **state)
{
	const size_t count = 200000;
	static const size_t chunks[] = {1, 3, 8191, 200000};
	uint64_t *want = malloc(count * 8), *have = malloc(count * 8), *all;
	struct refstring_error err;
	struct refstring *rs;
	const char *path;
	size_t c, n, got, i;
	struct rng r;

	(void)state;
	assert_non_null(want);
	assert_non_null(have);
	rng_seed(&r, 8);
	for (i = 0; i < count; i++)
		want[i] = rng_next(&r) >> 16;
	path = tmp_file(want, count * 8);
	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		assert_ok(refstring_open(&rs, path, REFSTRING_AUTO, &err));
		assert_int_equal(refstring_format(rs), REFSTRING_U64);
		n = 0;
		do {
			assert_ok(refstring_read(rs, have + n,
						 count - n < chunks[c] ? count - n : chunks[c],
						 &got, &err));
			n += got;
		} while (got > 0 && n < count);
		assert_ok(refstring_read(rs, have, 1, &got, &err));
		assert_int_equal(got, 0);
		assert_int_equal(n, count);
		assert_memory_equal(have, want, count * 8);
		refstring_close(rs);
	}
	assert_ok(refstring_open(&rs, path, REFSTRING_U64, &err));
	assert_ok(refstring_read_all(rs, &all, &n, &err));
	assert_int_equal(n, count);
	assert_memory_equal(all, want, count * 8);
	free(all);
	refstring_close(rs);
	unlink(path);
	free(want);
	free(have);
}

static void open_missing_file_says_why(void **state)
{
	struct refstring_error err;
	struct refstring *rs = NULL;

	(void)state;
	assert_int_equal(refstring_open(&rs, "/nonexistent/refs.txt", REFSTRING_AUTO, &err),
			 VMSIM_EIO);
	assert_null(rs);
	assert_string_equal(err.msg,
			    "cannot open '/nonexistent/refs.txt': No such file or directory");
}

/* ---- next use ------------------------------------------------------------------ */

/* Times count from 1: reference i is at time i + 1.
 *   index:  0 1 2 3 4
 *   page:   1 2 1 3 2    next: 3 5 never never never */
static void next_use_backward_pass(void **state)
{
	static const uint64_t pages[] = {1, 2, 1, 3, 2};
	uint64_t *next;

	(void)state;
	assert_ok(refstring_next_use(pages, 5, &next));
	assert_int_equal(next[0], 3);
	assert_int_equal(next[1], 5);
	assert_int_equal(next[2], NEVER);
	assert_int_equal(next[3], NEVER);
	assert_int_equal(next[4], NEVER);
	free(next);
}

/* Against a quadratic scan, on 5,000 references over 700 pages (the map
 * grows several times). */
static void next_use_matches_forward_scan(void **state)
{
	static uint64_t pages[5000];
	uint64_t *next, want;
	struct rng r;
	size_t i, j;

	(void)state;
	rng_seed(&r, 21);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = rng_below(&r, 700) * 4096;
	assert_ok(refstring_next_use(pages, ARRAY_SIZE(pages), &next));
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		want = NEVER;
		for (j = i + 1; j < ARRAY_SIZE(pages); j++) {
			if (pages[j] == pages[i]) {
				want = j + 1;
				break;
			}
		}
		assert_int_equal(next[i], want);
	}
	free(next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_decimal_hex_comments_blanks_commas),
	    cmocka_unit_test(text_empty_and_comment_only_inputs_have_no_references),
	    cmocka_unit_test(text_errors_name_line_column_and_expectation),
	    cmocka_unit_test(text_nul_byte_hints_at_u64),
	    cmocka_unit_test(text_numbers_cut_by_buffer_are_read_whole),
	    cmocka_unit_test(u64_auto_detected_and_read_little_endian),
	    cmocka_unit_test(u64_truncated_record_is_an_error),
	    cmocka_unit_test(auto_detection_uses_file_size),
	    cmocka_unit_test(u64_large_file_read_in_any_chunks),
	    cmocka_unit_test(open_missing_file_says_why),
	    cmocka_unit_test(next_use_backward_pass),
	    cmocka_unit_test(next_use_matches_forward_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
