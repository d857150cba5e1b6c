/*
 * Numbers with units (units.h): one suffix table and one scanner, so that
 * "64MB" means 64,000,000 bytes on the command line, in a scenario and in
 * a sweep spec alike.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "base/units.h"

struct unit_suffix {
	const char *name; /* compared ignoring case */
	double scale;	  /* multiplies the number */
	enum unit_kind kind;
};

static const struct unit_suffix suffixes[] = {
    {"B", 1, UNIT_BYTES},
    {"K", 1024.0, UNIT_BYTES},
    {"KiB", 1024.0, UNIT_BYTES},
    {"M", 1048576.0, UNIT_BYTES},
    {"MiB", 1048576.0, UNIT_BYTES},
    {"G", 1073741824.0, UNIT_BYTES},
    {"GiB", 1073741824.0, UNIT_BYTES},
    {"T", 1099511627776.0, UNIT_BYTES},
    {"TiB", 1099511627776.0, UNIT_BYTES},
    {"KB", 1e3, UNIT_BYTES},
    {"MB", 1e6, UNIT_BYTES},
    {"GB", 1e9, UNIT_BYTES},
    {"TB", 1e12, UNIT_BYTES},
    {"ns", 1e-9, UNIT_SECONDS},
    {"us", 1e-6, UNIT_SECONDS},
    {"ms", 1e-3, UNIT_SECONDS},
    {"s", 1, UNIT_SECONDS},
};

static int fail(size_t *used, size_t at, const char **why, const char *reason)
{
	*used = at;
	*why = reason;
	return -1;
}

int unit_scan(const char *s, struct unit_number *out, size_t *used, const char **why)
{
	size_t i = 0;
	double v = 0;
	uint64_t whole = 0;
	int exact = 1;

	memset(out, 0, sizeof(*out));
	out->scale = 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		uint64_t x = 0;
		for (i = 2; unit_hexval((unsigned char)s[i]) >= 0 || s[i] == '_'; i++) {
			if (s[i] == '_')
				continue;
			if (x >> 60)
				return fail(used, i, why, "number too large for 64 bits");
			x = x << 4 | (uint64_t)unit_hexval((unsigned char)s[i]);
		}
		if (i == 2)
			return fail(used, i, why, "expected a hexadecimal digit");
		out->v = (double)x;
		out->whole = x;
		out->exact = 1;
		out->kind = UNIT_HEX;
		*used = i;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return fail(used, 0, why, "expected a number");
	for (; isdigit((unsigned char)s[i]) || (s[i] == '_' && isdigit((unsigned char)s[i + 1]));
	     i++) {
		if (s[i] == '_')
			continue;
		unsigned d = (unsigned)(s[i] - '0');
		v = v * 10 + d;
		if (whole > (UINT64_MAX - d) / 10)
			exact = 0;
		else
			whole = whole * 10 + d;
	}
	if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
		double scale = 0.1;
		for (i++; isdigit((unsigned char)s[i]); i++, scale /= 10)
			v += (s[i] - '0') * scale;
		exact = 0;
	}
	out->v = v;
	out->whole = whole;
	out->exact = exact;
	out->kind = UNIT_NONE;
	size_t start = i;
	while (isalpha((unsigned char)s[i]))
		i++;
	if (i > start) {
		size_t n = i - start;
		const struct unit_suffix *hit = NULL;
		/* any case: the table has no two names that differ only in case */
		for (size_t k = 0; k < ARRAY_SIZE(suffixes); k++)
			if (strlen(suffixes[k].name) == n &&
			    strncasecmp(suffixes[k].name, s + start, n) == 0) {
				hit = &suffixes[k];
				break;
			}
		if (!hit)
			return fail(used, start, why, "unknown unit");
		out->v = v * hit->scale;
		out->scale = hit->scale;
		out->kind = hit->kind;
	} else if (s[i] == '%') {
		i++;
		out->v = v / 100.0;
		out->scale = 0.01;
		out->kind = UNIT_PERCENT;
	}
	if (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.')
		return fail(used, i, why, "unexpected character in a number");
	*used = i;
	return 0;
}

int unit_parse_size(const char *s, uint64_t *bytes, size_t *col, const char **why)
{
	struct unit_number n;
	size_t used;

	*col = 0;
	if (!s[0]) {
		*why = "expected a size";
		return -1;
	}
	if (unit_scan(s, &n, &used, why)) {
		*col = used + 1;
		if (!strcmp(*why, "unknown unit")) {
			*why = "unknown unit (" UNIT_SIZE_RULES ")";
		} else if (!strcmp(*why, "number too large for 64 bits")) {
			*col = 0;
			*why = "does not fit in 64 bits";
		} else if (!strcmp(*why, "expected a number"))
			*why = "expected a decimal digit";
		return -1;
	}
	if (s[used] != '\0') {
		*col = used + 1;
		*why = n.kind == UNIT_HEX ? "expected a hexadecimal digit (a hexadecimal size "
					    "takes no unit)"
					  : "expected a digit or a unit";
		return -1;
	}
	if (n.kind != UNIT_NONE && n.kind != UNIT_BYTES && n.kind != UNIT_HEX) {
		*why = "expected a size in bytes, not a time or a percentage";
		return -1;
	}
	if (n.exact && n.scale >= 1 && n.scale == floor(n.scale)) {
		uint64_t scale = (uint64_t)n.scale;
		if (n.whole > UINT64_MAX / scale) {
			*why = "does not fit in 64 bits";
			return -1;
		}
		*bytes = n.whole * scale;
		return 0;
	}
	if (n.v >= 18446744073709551616.0) {
		*why = "does not fit in 64 bits";
		return -1;
	}
	if (n.v != floor(n.v)) {
		*why = "not a whole number of bytes";
		return -1;
	}
	*bytes = (uint64_t)n.v;
	return 0;
}
