/*
 * Argument parsers shared by the subcommands: numbers, sizes, page sizes
 * and options with values.
 *
 * Each parser reads the whole argument or rejects it with a message that
 * names the argument, the column (1-based) of the first bad character and
 * what was expected there:
 *
 *	argument 1 '0x7ffz': column 6: expected a hexadecimal digit
 *	             ^ column 1 is the '0'
 *
 * Sizes follow the library's unit rules (include/vmsim/settings.h). Pure
 * functions: no I/O, so tests/unit/test_cliparse.c can compile this file in
 * as it is.
 */
#include "base/units.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmsim/error.h"
#include "vmsim/settings.h"

/* Fill @err with "@what '@s': column @col: expected @expected" (col 0: no column). */
static int reject(struct cli_error *err, int rc, const char *what, const char *s, size_t col,
		  const char *expected)
{
	if (col)
		snprintf(err->msg, sizeof(err->msg), "%s '%s': column %zu: %s", what, s, col,
			 expected);
	else
		snprintf(err->msg, sizeof(err->msg), "%s '%s': %s", what, s, expected);
	return rc;
}

/*
 * Read the number at the start of @s: hexadecimal after 0x/0X, else
 * decimal. Sets *value, *hex and *end (index of the first character not
 * read). Returns 0, or VMSIM_ERANGE if the digits do not fit in 64 bits.
 * Reading no digit at all is not an error here: *end then says where one
 * was expected.
 */
static int scan_number(const char *s, uint64_t *value /* out */, bool *hex /* out */,
		       size_t *end /* out */)
{
	uint64_t v = 0;
	size_t i = 0;

	*hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (*hex) {
		for (i = 2; unit_hexval(s[i]) >= 0; i++) {
			if (v > UINT64_MAX >> 4)
				return VMSIM_ERANGE;
			v = v << 4 | (uint64_t)unit_hexval(s[i]);
		}
	} else {
		for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
			uint64_t d = (uint64_t)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				return VMSIM_ERANGE;
			v = v * 10 + d;
		}
	}
	*value = v;
	*end = i;
	return 0;
}

/* What a number expected at index @i of @s (after a scan stopped there). */
static const char *expected_digit(const char *s, size_t i, bool hex, bool suffix_ok)
{
	bool first = hex ? i == 2 : i == 0;

	if (hex)
		return first || !suffix_ok
			   ? "expected a hexadecimal digit"
			   : "expected a hexadecimal digit or a suffix K, M, G or T";
	if (unit_hexval(s[i]) >= 0 || s[i] == 'x' || s[i] == 'X')
		return "expected a decimal digit (hexadecimal needs the prefix 0x)";
	return first || !suffix_ok ? "expected a decimal digit"
				   : "expected a decimal digit or a suffix K, M, G or T";
}

int cli_parse_u64(const char *what, const char *s, uint64_t *out, struct cli_error *err)
{
	uint64_t v;
	size_t end;
	bool hex;

	if (s[0] == '\0')
		return reject(err, VMSIM_EPARSE, what, s, 0, "expected a number");
	if (scan_number(s, &v, &hex, &end) != 0)
		return reject(err, VMSIM_ERANGE, what, s, 0, "does not fit in 64 bits");
	if (s[end] != '\0' || end == (hex ? 2u : 0u))
		return reject(err, VMSIM_EPARSE, what, s, end + 1,
			      expected_digit(s, end, hex, false));
	*out = v;
	return 0;
}

/* The unit rules are the library's (vmsim_parse_size), so a size reads the
 * same here, in a scenario and in a sweep spec. */
int cli_parse_size(const char *what, const char *s, uint64_t *out, struct cli_error *err)
{
	char why[160];
	size_t col;
	uint64_t v;
	int rc = vmsim_parse_size(s, &v, &col, why, sizeof(why));

	if (rc)
		return reject(err, rc, what, s, col, why);
	*out = v;
	return 0;
}

int cli_parse_page_size(const char *what, const char *s, enum vmsim_page_size *out,
			struct cli_error *err)
{
	struct cli_error ignored;
	uint64_t bytes;

	if (cli_parse_size(what, s, &bytes, &ignored) == 0) {
		for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++) {
			if (bytes == 1ULL << vmsim_page_shift((enum vmsim_page_size)ps)) {
				*out = (enum vmsim_page_size)ps;
				return 0;
			}
		}
	}
	return reject(err, VMSIM_EPARSE, what, s, 0, "expected 4k, 2m or 1g");
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*i += 1;
	*value = argv[*i];
	return 1;
}
