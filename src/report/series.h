/*
 * Time series of a run: a sampler that records the machine's counters
 * every N accesses (as a struct run_hooks tick) or whenever its caller asks
 * (per scenario step), for the CSV writer (report_csv.h) and the plots
 * (plot.h).
 *
 * A sample keeps cumulative counters only; per-interval values are the
 * differences between consecutive samples, taken when the series is
 * written. Processes get an RSS column each, in the order they are first
 * seen, so the number of columns is known only at the end: rows are kept in
 * memory (a struct vmsim_sys_stats, about 1 KiB, per row plus 8 bytes per
 * process column).
 *
 * Also here: tick_fanout, which lets several tick consumers (a sampler and
 * a progress bar) share the one struct run_hooks a driver takes.
 *
 * Callers: src/cli/ (vmsim run --csv/--plot), tests. Reads stats only.
 */
#ifndef VMSIM_REPORT_SERIES_H
#define VMSIM_REPORT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "base/run.h"
#include "vmsim/vm.h"

/* One sample: the counters at that moment, all cumulative since the start. */
struct series_row {
	uint64_t accesses;	   /* the driver's access count */
	struct vmsim_sys_stats st; /* the system counters then (stats_table.h) */
	size_t rss_off;		   /* first RSS value of this row in series.rss */
	size_t nrss;		   /* RSS values it has: columns 0 .. nrss-1 */
	char *label;		   /* owned; the caller's name for the sample, or NULL */
};

struct series {
	struct series_row *row; /* samples, in order */
	size_t nrows, rowcap;
	int *pid; /* pid of each RSS column, first-seen order */
	size_t npids, pidcap;
	uint64_t *rss; /* RSS values (bytes) of every row, row after row */
	size_t nrss, rsscap;
	int err; /* first error met by series_tick (it cannot return one) */
};

/* An empty series, or NULL when out of host memory. */
struct series *series_new(void);
void series_free(struct series *s); /* NULL is fine */

/*
 * Append a sample of @sys taken now; @accesses is the driver's count of
 * accesses so far, @label an optional name (a scenario step; NULL: none).
 * Returns 0, VMSIM_ENOHOSTMEM (the series is unchanged) or an error of
 * vmsim_sys_stats/vmsim_proc_stats.
 */
int series_sample(struct series *s, struct vmsim_system *sys, uint64_t accesses, const char *label);

/*
 * struct run_hooks tick with @ctx a struct series: series_sample without a
 * label. The final tick replaces the last row instead of appending when no
 * access happened since it (a run whose length is a multiple of the
 * period). Errors are kept in s->err (series_error).
 */
void series_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final);

/* Hooks that sample @s every @every accesses and at the end. */
struct run_hooks series_hooks(struct series *s, uint64_t every);

/* The first error a tick met, or 0. */
int series_error(const struct series *s);

/* RSS of column @col in row @i: 0 if the process did not exist then. */
uint64_t series_rss(const struct series *s, size_t i, size_t col);

/* ---- several tick consumers behind one run_hooks ------------------------ */

#define TICK_FANOUT_MAX 4

struct tick_fanout {
	struct run_hooks sub[TICK_FANOUT_MAX]; /* the consumers */
	uint64_t next[TICK_FANOUT_MAX];	       /* access count of each one's next tick */
	size_t n;			       /* consumers added */
};

void tick_fanout_init(struct tick_fanout *f);

/* Add a consumer (its tick NULL: ignored). Returns 0 or VMSIM_ERANGE when
 * TICK_FANOUT_MAX are there already. */
int tick_fanout_add(struct tick_fanout *f, const struct run_hooks *h);

/*
 * The hooks to give the driver: they tick every gcd(every) of the
 * consumers, so each consumer is called exactly on each multiple of its
 * own period (choose periods with a large common divisor: 65,536 and
 * 100,000 would tick every 32 accesses), and all of them at the final
 * tick. @f must outlive the run.
 */
struct run_hooks tick_fanout_hooks(struct tick_fanout *f);

#endif
