/*
 * Numbers with units, read the same way by every part of vmsim: machine
 * settings, command-line options and the scenario language. The unit rules
 * live here and only here (docs/USER_GUIDE.md "Sizes and units" states
 * them for users):
 *
 *	4096  24_415  1.5  0x7ffd12345678     a number; '_' between digits
 *	4K 4KiB   2M 2MiB   1G 1GiB   1T 1TiB  powers of 1024 (any case)
 *	4KB       2MB       1GB       1TB      powers of 1000 (any case)
 *	512B                                   bytes
 *	8ms 100us 20ns 2s                      time
 *	90%                                    a fraction (0.9)
 *
 * A hexadecimal number takes no unit (its digits include B). Pure
 * functions: no I/O, no allocation.
 */
#ifndef VMSIM_BASE_UNITS_H
#define VMSIM_BASE_UNITS_H

#include <stddef.h>
#include <stdint.h>

enum unit_kind {
	UNIT_NONE = 0, /* a plain number */
	UNIT_BYTES,    /* a size (a unit such as K or MB was given) */
	UNIT_SECONDS,  /* a time */
	UNIT_PERCENT,  /* a percentage, already divided by 100 */
	UNIT_HEX,      /* a hexadecimal number (an address, usually) */
};

struct unit_number {
	double v;	     /* the value, the unit applied (bytes, seconds, fraction) */
	uint64_t whole;	     /* the exact integer read, before the unit, if exact */
	double scale;	     /* what the unit multiplies by (1 without a unit) */
	int exact;	     /* whole holds the digits exactly (no fraction, fits 64 bits) */
	enum unit_kind kind; /* which unit */
};

/*
 * Read the number and unit at the start of @s. Returns 0 with *@out and
 * *@used (characters read), or -1 with *@why (a static reason) and
 * *@used at the character that is wrong. Stops at the first character
 * that cannot continue the number; the caller decides whether anything
 * may follow it.
 */
int unit_scan(const char *s, struct unit_number *out /* out */, size_t *used /* out */,
	      const char **why /* out */);

/*
 * A whole string as a size in bytes: a number, optionally with a byte
 * unit (B, K/KiB..T/TiB, KB..TB). Returns 0 and *@bytes, or -1 with
 * *@why and *@col (1-based column of the problem, 0 for the whole
 * string). Fractions are allowed where the result is a whole number of
 * bytes ("1.5K"); times and percentages are not sizes.
 */
int unit_parse_size(const char *s, uint64_t *bytes /* out */, size_t *col /* out */,
		    const char **why /* out */);

/* The value of hexadecimal digit @c, or -1. */
static inline int unit_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The unit rules in one line, for error messages. */
#define UNIT_SIZE_RULES "K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes"

#endif
