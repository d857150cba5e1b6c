/*
 * Unit tests of the command-line argument parsers (src/cli/parse.c).
 *
 * Unit tests link only libvmsim, not the vmsim tool, so parse.c (pure
 * functions, no I/O) is compiled into this test directly. Error messages
 * are checked whole: their column numbers are part of the contract.
 *
 *   argument   0 x 7 f f z
 *   column     1 2 3 4 5 6   <- 'z' is the first bad character
 */
#include "testutil.h"

#include "../../src/cli/parse.c"
#include "base/base.h"

#define SENTINEL 0xdeadbeefULL

static void u64_reads_hex_and_decimal(void **state)
{
	struct cli_error err;
	uint64_t v;

	(void)state;
	assert_ok(cli_parse_u64("argument 1", "0x7ffd12345678", &v, &err));
	assert_int_equal(v, 0x7ffd12345678ULL);
	assert_ok(cli_parse_u64("argument 1", "0XaBcD", &v, &err));
	assert_int_equal(v, 0xabcd);
	assert_ok(cli_parse_u64("argument 1", "140724908873336", &v, &err));
	assert_int_equal(v, 0x7ffd12345678ULL);
	assert_ok(cli_parse_u64("argument 1", "0", &v, &err));
	assert_int_equal(v, 0);
	assert_ok(cli_parse_u64("argument 1", "0123", &v, &err)); /* decimal, not octal */
	assert_int_equal(v, 123);
	assert_ok(cli_parse_u64("argument 1", "0x0000000000000000000001", &v, &err));
	assert_int_equal(v, 1);
}

static void u64_reads_the_largest_values(void **state)
{
	struct cli_error err;
	uint64_t v;

	(void)state;
	assert_ok(cli_parse_u64("argument 1", "0xffffffffffffffff", &v, &err));
	assert_int_equal(v, UINT64_MAX);
	assert_ok(cli_parse_u64("argument 1", "18446744073709551615", &v, &err));
	assert_int_equal(v, UINT64_MAX);
}

/* Parse @s expecting failure @rc with message @msg and *out untouched. */
static void check_u64_error(const char *s, int rc, const char *msg)
{
	struct cli_error err;
	uint64_t v = SENTINEL;

	assert_int_equal(cli_parse_u64("argument 1", s, &v, &err), rc);
	assert_string_equal(err.msg, msg);
	assert_int_equal(v, SENTINEL);
}

static void u64_bad_digit_names_its_column(void **state)
{
	(void)state;
	check_u64_error("0x7ffz", VMSIM_EPARSE,
			"argument 1 '0x7ffz': column 6: expected a hexadecimal digit");
	check_u64_error("0x", VMSIM_EPARSE,
			"argument 1 '0x': column 3: expected a hexadecimal digit");
	check_u64_error("0x-1", VMSIM_EPARSE,
			"argument 1 '0x-1': column 3: expected a hexadecimal digit");
	check_u64_error("12 ", VMSIM_EPARSE,
			"argument 1 '12 ': column 3: expected a decimal digit");
	check_u64_error("-1", VMSIM_EPARSE, "argument 1 '-1': column 1: expected a decimal digit");
	check_u64_error("", VMSIM_EPARSE, "argument 1 '': expected a number");
}

static void u64_hex_digit_without_prefix_suggests_0x(void **state)
{
	(void)state;
	check_u64_error("7ffd", VMSIM_EPARSE,
			"argument 1 '7ffd': column 2: expected a decimal digit "
			"(hexadecimal needs the prefix 0x)");
	check_u64_error("x10", VMSIM_EPARSE,
			"argument 1 'x10': column 1: expected a decimal digit "
			"(hexadecimal needs the prefix 0x)");
}

static void u64_more_than_64_bits_is_erange(void **state)
{
	(void)state;
	check_u64_error("0x10000000000000000", VMSIM_ERANGE,
			"argument 1 '0x10000000000000000': does not fit in 64 bits");
	check_u64_error("18446744073709551616", VMSIM_ERANGE,
			"argument 1 '18446744073709551616': does not fit in 64 bits");
	check_u64_error("99999999999999999999", VMSIM_ERANGE,
			"argument 1 '99999999999999999999': does not fit in 64 bits");
}

static void size_reads_binary_suffixes(void **state)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} cases[] = {
	    {"64", 64},
	    {"4k", 4096},
	    {"4K", 4096},
	    {"2m", 2ULL << 20},
	    {"1G", 1ULL << 30},
	    {"3t", 3ULL << 40},
	    {"0x10", 16},
	    {"16777215T", 16777215ULL << 40},
	    {"4KiB", 4096},
	    {"4KB", 4000},
	    {"64mb", 64000000},
	    {"64MB", 64000000},
	    {"64MiB", 64ULL << 20},
	    {"1.5K", 1536},
	    {"1_024", 1024},
	    {"512B", 512},
	    {"1TB", 1000000000000ULL},
	};
	struct cli_error err;
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_ok(cli_parse_size("--mem", cases[i].s, &v, &err));
		assert_int_equal(v, cases[i].bytes);
	}
}

static void check_size_error(const char *s, int rc, const char *msg)
{
	struct cli_error err;
	uint64_t v = SENTINEL;

	assert_int_equal(cli_parse_size("--mem", s, &v, &err), rc);
	assert_string_equal(err.msg, msg);
	assert_int_equal(v, SENTINEL);
}

static void size_errors_name_column_and_expectation(void **state)
{
	(void)state;
	check_size_error("12Q", VMSIM_EPARSE,
			 "--mem '12Q': column 3: unknown unit (K M G T and KiB MiB GiB TiB are "
			 "binary, KB MB GB TB decimal, B bytes)");
	check_size_error("0x1fz", VMSIM_EPARSE,
			 "--mem '0x1fz': column 5: expected a hexadecimal digit (a "
			 "hexadecimal size takes no unit)");
	check_size_error("0x10K", VMSIM_EPARSE,
			 "--mem '0x10K': column 5: expected a hexadecimal digit (a "
			 "hexadecimal size takes no unit)");
	check_size_error("4KB!", VMSIM_EPARSE,
			 "--mem '4KB!': column 4: expected a digit or a unit");
	check_size_error("1.3K", VMSIM_EPARSE, "--mem '1.3K': not a whole number of bytes");
	check_size_error("8ms", VMSIM_EPARSE,
			 "--mem '8ms': expected a size in bytes, not a time or a percentage");
	check_size_error("K", VMSIM_EPARSE, "--mem 'K': column 1: expected a decimal digit");
	check_size_error("", VMSIM_EPARSE, "--mem '': expected a size");
	check_size_error("16777216T", VMSIM_ERANGE, "--mem '16777216T': does not fit in 64 bits");
}

static void page_size_accepts_names_and_bytes(void **state)
{
	static const struct {
		const char *s;
		enum vmsim_page_size ps;
	} cases[] = {
	    {"4k", VMSIM_PAGE_4K},	   {"4K", VMSIM_PAGE_4K}, {"4096", VMSIM_PAGE_4K},
	    {"2m", VMSIM_PAGE_2M},	   {"2M", VMSIM_PAGE_2M}, {"0x200000", VMSIM_PAGE_2M},
	    {"1g", VMSIM_PAGE_1G},	   {"1G", VMSIM_PAGE_1G}, {"1024m", VMSIM_PAGE_1G},
	    {"1073741824", VMSIM_PAGE_1G},
	};
	struct cli_error err;
	enum vmsim_page_size ps;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ps = (enum vmsim_page_size)7;
		assert_ok(cli_parse_page_size("--page-size", cases[i].s, &ps, &err));
		assert_int_equal(ps, cases[i].ps);
	}
}

static void page_size_rejects_other_sizes(void **state)
{
	static const char *const bad[] = {"8k", "4m", "2x", "", "4kb", "0"};
	struct cli_error err;
	enum vmsim_page_size ps;
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ps = (enum vmsim_page_size)7;
		assert_int_equal(cli_parse_page_size("--page-size", bad[i], &ps, &err),
				 VMSIM_EPARSE);
		snprintf(want, sizeof(want), "--page-size '%s': expected 4k, 2m or 1g", bad[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(ps, 7);
	}
}

static void opt_value_takes_separate_or_joined_value(void **state)
{
	char *argv[] = {"translate", "--levels", "5", "--levels=4", "--levels", NULL};
	const char *val = NULL;
	int i;

	(void)state;
	i = 1;
	assert_int_equal(cli_opt_value(5, argv, &i, "--levels", &val), 1);
	assert_string_equal(val, "5");
	assert_int_equal(i, 2); /* on the value: the caller's i++ moves past it */
	i = 3;
	assert_int_equal(cli_opt_value(5, argv, &i, "--levels", &val), 1);
	assert_string_equal(val, "4");
	assert_int_equal(i, 3);
	i = 4;
	assert_int_equal(cli_opt_value(5, argv, &i, "--levels", &val), -1);
	assert_int_equal(i, 4);
}

static void opt_value_ignores_other_options(void **state)
{
	char *argv[] = {"translate", "--levelsx", "--level", "--json", "5", NULL};
	const char *val = NULL;
	int i;

	(void)state;
	for (i = 1; i < 4; i++) {
		int at = i;

		assert_int_equal(cli_opt_value(5, argv, &i, "--levels", &val), 0);
		assert_int_equal(i, at);
	}
	assert_null(val);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(u64_reads_hex_and_decimal),
	    cmocka_unit_test(u64_reads_the_largest_values),
	    cmocka_unit_test(u64_bad_digit_names_its_column),
	    cmocka_unit_test(u64_hex_digit_without_prefix_suggests_0x),
	    cmocka_unit_test(u64_more_than_64_bits_is_erange),
	    cmocka_unit_test(size_reads_binary_suffixes),
	    cmocka_unit_test(size_errors_name_column_and_expectation),
	    cmocka_unit_test(page_size_accepts_names_and_bytes),
	    cmocka_unit_test(page_size_rejects_other_sizes),
	    cmocka_unit_test(opt_value_takes_separate_or_joined_value),
	    cmocka_unit_test(opt_value_ignores_other_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
