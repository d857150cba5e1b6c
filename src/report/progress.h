/*
 * A progress bar on standard error for long runs, driven by the run_hooks
 * tick:
 *
 *	vmsim: [##########----------]  52.3%  12.35M/23.60M accesses  4.20M/s  ETA 0:03
 *	vmsim: [####------]  40.0% 9.4 MiB/23.6 MiB 12.35M accesses 4.20M/s ETA 0:04
 *	vmsim: 12.35M accesses  4.20M/s  0:03 elapsed            (total unknown)
 *
 * The second form is a trace read from a file: how far the reader got in
 * the file's bytes (a source the caller gives, progress_set_source) sets
 * the bar and the ETA, the accesses replayed so far the rate. The count
 * may be of something else than accesses (points of a curve, references
 * of a miss-ratio run: progress_opts.unit).
 *
 * It appears only when its stream is a terminal and not quieted, and only
 * once the run has lasted a second (delay), so short runs and redirected or
 * scripted runs never see it. It redraws at most ten times a second, in
 * place (carriage return), and erases itself when the run ends, so what
 * follows on the terminal starts on a clean line.
 *
 * Callers: src/cli/. Touches nothing but its stream.
 */
#ifndef VMSIM_REPORT_PROGRESS_H
#define VMSIM_REPORT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/run.h"

enum progress_mode {
	PROGRESS_AUTO = 0, /* shown if the stream is a terminal */
	PROGRESS_NEVER,	   /* --quiet */
	PROGRESS_ALWAYS,   /* even when not a terminal (tests) */
};

struct progress_opts {
	FILE *out;		 /* NULL: stderr */
	uint64_t total;		 /* accesses the run will make; 0: unknown */
	enum progress_mode mode; /* see above */
	double delay;		 /* seconds before it may appear; 0: 1.0; < 0: none */
	double (*now)(void);	 /* clock in seconds; NULL: the monotonic clock */
	unsigned width;		 /* columns; 0: the terminal's, else 80 */
	const char *unit;	 /* what is counted; NULL: "accesses" */
};

/* Where a run is in its input: true with *@done of *@total bytes, or false
 * (unknown now). */
typedef bool (*progress_source_fn)(void *arg, uint64_t *done /* out */, uint64_t *total /* out */);

struct progress {
	struct progress_opts o;	   /* as given, defaults filled in */
	bool enabled;		   /* mode and terminal allow drawing */
	bool shown;		   /* a bar is on the line now */
	double start;		   /* clock at progress_init */
	double last_draw;	   /* clock at the last redraw */
	uint64_t done;		   /* accesses at the last update */
	size_t drawn;		   /* characters of the last bar (to erase it) */
	progress_source_fn source; /* non-NULL: the bar follows it (bytes of a file) */
	void *source_arg;	   /* passed to it */
};

/* Start timing now. @o may be NULL (defaults: stderr, unknown total, auto). */
void progress_init(struct progress *p, const struct progress_opts *o);

/* @done accesses so far: redraw if enabled, a second has passed and the
 * last redraw is a tenth of a second old. */
void progress_update(struct progress *p, uint64_t done);

/* From now on the bar shows how far @fn says the input is (bytes, e.g. a
 * trace file's), the count beside it. @fn NULL: back to the count. */
void progress_set_source(struct progress *p, progress_source_fn fn, void *arg);

/* Erase the bar if one is shown, so that a line of text can follow (the
 * next update draws it again). */
void progress_clear(struct progress *p);

/* The run is over: erase the bar if one is shown. */
void progress_finish(struct progress *p);

/* struct run_hooks tick with @ctx a struct progress: progress_update, and
 * progress_finish on the final tick. */
void progress_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final);

/* Hooks updating @p every @every accesses (0: a default of 65536, cheap
 * enough for any run). */
struct run_hooks progress_hooks(struct progress *p, uint64_t every);

/* Format the bar for @done of @total accesses after @elapsed seconds into
 * @buf (at most @width columns). Pure, for tests. */
void progress_format(char *buf, size_t len, unsigned width, uint64_t done, uint64_t total,
		     double elapsed);

/* The same with a count of @unit ("points"; NULL: "accesses"). */
void progress_format_unit(char *buf, size_t len, unsigned width, uint64_t done, uint64_t total,
			  const char *unit, double elapsed);

/* The bar of a file read to @pos of @size bytes while @count @unit were
 * done, after @elapsed seconds (the second form above). Pure, for tests. */
void progress_format_bytes(char *buf, size_t len, unsigned width, uint64_t pos, uint64_t size,
			   uint64_t count, const char *unit, double elapsed);

#endif
