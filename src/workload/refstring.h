/*
 * Reference strings: streams of page numbers, the input of reference-string
 * mode (`vmsim paging`, src/workload/paging.c).
 *
 * Two formats:
 *
 *   text  page numbers in decimal or after 0x in hexadecimal, separated by
 *         newlines, spaces, tabs or commas; '#' starts a comment that runs
 *         to the end of the line; blank lines are allowed. One number per
 *         line is the format of OSTEP's paging-policy.py -f files.
 *   u64   raw little-endian 64-bit page numbers, 8 bytes each, no header.
 *
 * Auto-detection (REFSTRING_AUTO) looks at the first 4096 bytes: the input
 * is u64 if they contain a NUL byte (text never does; a u64 record of a
 * page number below 2^56 always does) and, when the input is a regular
 * file, its size is a multiple of 8. Anything else is read as text.
 *
 * Bad input is an error that names the input, the line and column (text)
 * or the byte offset (u64), and what was expected:
 *
 *	refs.txt:12:5: expected a page number, found 'q'
 *
 * Nothing here exits or aborts. Callers: src/workload/paging.c users
 * (src/cli/cmd_paging.c, bench/, tests).
 */
#ifndef VMSIM_WORKLOAD_REFSTRING_H
#define VMSIM_WORKLOAD_REFSTRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum refstring_format {
	REFSTRING_AUTO,	 /* decide from the first bytes (see above) */
	REFSTRING_TEXT,	 /* decimal / 0x-hex page numbers */
	REFSTRING_U64,	 /* raw little-endian uint64 */
	REFSTRING_TRACE, /* a memory-access trace (trace.h): its pages */
};

/* Why reading failed: one line, no newline, lowercase, no full stop,
 * starting with the input's name and position. */
struct refstring_error {
	char msg[512];
};

struct refstring; /* an open input */

/*
 * Open @path ("-": standard input) as a reference string in format @fmt.
 * Reads the first block to detect the format. Returns 0 and sets *out, or
 * VMSIM_EIO (cannot open or read: the message says why, from errno) or
 * VMSIM_ENOHOSTMEM, and fills @err.
 */
int refstring_open(struct refstring **out /* out */, const char *path, enum refstring_format fmt,
		   struct refstring_error *err /* out */);

/*
 * Open the memory-access trace @path ("-": standard input) of trace format
 * @format (trace_open's names; NULL: detect) as a reference string: the
 * page numbers (address >> @page_shift) of its loads and stores, and of its
 * instruction fetches too when @fetch, in trace order; an access that
 * crosses pages references each page it covers. Events are skipped.
 * Pages of processes other than the first one the trace names get the
 * process's rank above bit 45 (pages of different processes differ).
 * Returns 0 and *@out, or trace_open's errors, with @err filled.
 */
int refstring_open_trace(struct refstring **out /* out */, const char *path, const char *format,
			 unsigned page_shift, bool fetch, struct refstring_error *err /* out */);

/* Whether @path (not "-") is a trace of vmsim's own format, compressed or
 * not: what REFSTRING_AUTO reads as a trace (lackey text and ChampSim
 * traces are named with a format, as their first bytes can look like
 * reference strings). */
bool refstring_is_vmsim_trace(const char *path);

/* As refstring_open, over the open stream @f named @name in messages; if
 * @close_it, refstring_close() closes @f. */
int refstring_open_stream(struct refstring **out /* out */, FILE *f, const char *name, int close_it,
			  enum refstring_format fmt, struct refstring_error *err /* out */);

/*
 * Read up to @cap page numbers into @pages. Returns 0 and sets *@n (0 only
 * at the end of the input), or VMSIM_EPARSE (bad input) or VMSIM_EIO, with
 * @err filled; *@n then counts the numbers read before the error, which
 * are valid.
 */
int refstring_read(struct refstring *rs, uint64_t *pages /* out */, size_t cap, size_t *n /* out */,
		   struct refstring_error *err /* out */);

/* The format being read: REFSTRING_TEXT or REFSTRING_U64, never AUTO. */
enum refstring_format refstring_format(const struct refstring *rs);

/* The name used in messages ("<stdin>" for "-"). */
const char *refstring_name(const struct refstring *rs);

/* Close @rs (NULL is allowed). */
void refstring_close(struct refstring *rs);

/* How far the reader got in @rs's file: *@pos of *@size bytes (of a trace,
 * as stored). False for a pipe or other input of no known size. For
 * progress bars. */
bool refstring_position(const struct refstring *rs, uint64_t *pos /* out */,
			uint64_t *size /* out */);

/*
 * Read all of @rs into a new array *@pages (free() it) of *@n numbers.
 * Returns 0, or an error of refstring_read or VMSIM_ENOHOSTMEM; on error
 * nothing is allocated.
 */
int refstring_read_all(struct refstring *rs, uint64_t **pages /* out */, size_t *n /* out */,
		       struct refstring_error *err /* out */);

/*
 * The next-use times of a whole reference string, in one backward pass:
 * (*@next)[i] is the time of the next reference to pages[i] after
 * reference i, or UINT64_MAX (VMSIM_POLICY_NEVER) if there is none. Times count
 * from 1: reference i happens at time i + 1, as paging.c's clock does.
 * Returns 0 or VMSIM_ENOHOSTMEM (nothing allocated). free() the array.
 */
int refstring_next_use(const uint64_t *pages, size_t n, uint64_t **next /* out */);

#endif
