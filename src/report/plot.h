/*
 * Plots through gnuplot: PNG and SVG, each with a title and labelled axes
 * with units, plus the gnuplot script that drew them (kept next to them,
 * so a user can restyle a plot by editing and rerunning it).
 *
 *	plot_series  from a CSV time series (report_csv.h):
 *	             DIR/faults_rss.{png,svg}      faults per interval and RSS
 *	             DIR/tlb_miss_ratio.{png,svg}  TLB miss ratio per level, walks
 *	             DIR/working_set.{png,svg}     working set vs RAM, free, resident
 *	             DIR/series.gp
 *	plot_mrc     miss-ratio curves, misses vs frames, one line per policy
 *	             (vmsim paging --plot): DIR/NAME.{png,svg}, DIR/NAME.gp
 *	plot_thrash  the thrashing curve, CPU utilisation and major faults/s
 *	             vs N (vmsim thrash --plot): DIR/NAME.{png,svg,gp}
 *	plot_reach   TLB reach per level and page size against working-set
 *	             size (vmsim run --plot): DIR/NAME.{png,svg,gp};
 *	             plot_reach_run fills it from a finished run
 *
 * gnuplot is an optional tool: when it is not installed these return
 * VMSIM_ENOTSUP with a message saying so, and nothing else of vmsim is
 * affected. The program run is $VMSIM_GNUPLOT if set, else "gnuplot" from
 * PATH. Callers: src/cli/, tests.
 */
#ifndef VMSIM_REPORT_PLOT_H
#define VMSIM_REPORT_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is gnuplot there? If not, @why (may be NULL) gets the message to show. */
bool plot_available(char *why, size_t whylen);

/*
 * Draw the plots of the CSV time series @csv_path into directory @dir
 * (created if missing; its parent must exist). Returns 0, VMSIM_ENOTSUP (no
 * gnuplot), VMSIM_EPARSE (@csv_path is not a vmsim time series),
 * VMSIM_EIO (cannot read or write the files, or gnuplot failed); @why
 * (may be NULL) says what went wrong, gnuplot's own message included.
 */
int plot_series(const char *csv_path, const char *dir, char *why, size_t whylen);

/* Miss-ratio curves: misses of each policy for each frame count. */
struct plot_mrc {
	const char *title;	   /* plot title, e.g. the reference string's name */
	size_t npolicies;	   /* lines */
	const char *const *policy; /* their names */
	size_t nframes;		   /* points per line */
	const uint64_t *frames;	   /* frame counts, ascending */
	const uint64_t *misses;	   /* misses[p * nframes + f] */
	uint64_t refs;		   /* references (adds a miss-ratio axis); 0: none */
	bool logx;		   /* frames on a log-2 axis (counts spanning decades) */
};

/* Draw @m into DIR/NAME.png, DIR/NAME.svg (script DIR/NAME.gp). Returns as
 * plot_series (VMSIM_EINVAL for an empty table). */
int plot_mrc(const struct plot_mrc *m, const char *dir, const char *name, char *why, size_t whylen);

/* One point of the thrashing curve (vmsim_curve_point, the part drawn). */
struct plot_thrash_point {
	unsigned n;		  /* degree of multiprogramming N */
	double utilisation;	  /* CPU busy / wall time, 0..1 */
	double faults_per_second; /* major faults per simulated second */
	bool thrashing;		  /* marked on the curve */
};

/* The thrashing curve of vmsim thrash. */
struct plot_thrash {
	const char *title;			/* plot title; NULL: a default */
	const char *subtitle;			/* the machine and workload; NULL: none */
	size_t npoints;				/* points, N ascending */
	const struct plot_thrash_point *points; /* npoints of them */
	double fit_n;				/* N where N*W = M (M / W), marked; 0: none */
	bool logx;				/* N on a log-2 axis (a wide --nmax) */
};

/* Draw @t into DIR/NAME.png, DIR/NAME.svg (script DIR/NAME.gp): CPU
 * utilisation (%, left axis) and major faults/s (right axis) against N.
 * Returns as plot_mrc (VMSIM_EINVAL for no point). */
int plot_thrash(const struct plot_thrash *t, const char *dir, const char *name, char *why,
		size_t whylen);

#define PLOT_REACH_MAX_LEVELS 4

/* TLB reach: entries per level and page size, and the working set. */
struct plot_reach {
	const char *title; /* plot title; NULL: a default */
	const char *cpu;   /* the CPU preset, shown in the title; NULL: none */
	unsigned nlevels;  /* TLB levels drawn */
	struct {
		const char *name;    /* "L1 dTLB", ... */
		uint64_t entries[3]; /* for 4 KiB, 2 MiB, 1 GiB pages; 0: none */
	} level[PLOT_REACH_MAX_LEVELS];
	uint64_t wss;	       /* bytes of the run's working set, marked; 0: none */
	const char *wss_label; /* what wss is, e.g. "working set"; NULL: that */
};

/* Draw @r into DIR/NAME.png, DIR/NAME.svg (script DIR/NAME.gp): for each
 * level and page size, the share of a working set the TLB maps (100% up to
 * the reach, entries x page size, then reach / size) against working-set
 * size on a log axis, the run's working set marked. Returns as plot_mrc
 * (VMSIM_EINVAL when no level has an entry). */
int plot_reach(const struct plot_reach *r, const char *dir, const char *name, char *why,
	       size_t whylen);

struct vmsim_system;

/* plot_reach of a finished run: the TLBs of @sys's CPU and its working set
 * (vmsim_sys_stats wss_total when it was sampled, else the total RSS), into
 * DIR/tlb_reach.{png,svg,gp}. Returns as plot_reach. */
int plot_reach_run(struct vmsim_system *sys, const char *dir, char *why, size_t whylen);

/* Lines over a categorical x axis: one value per x label and line. */
struct plot_lines {
	const char *title;	     /* plot title; NULL: a default */
	const char *xlabel, *ylabel; /* axis labels; NULL: none */
	const char *key_title;	     /* title of the legend; NULL: none */
	size_t nx;		     /* x positions, drawn evenly spaced */
	const char *const *xlabels;  /* their labels ("16", "4k") */
	size_t nlines;		     /* lines */
	const char *const *line;     /* their names in the legend */
	const double *y;	     /* y[l * nx + x]; NaN: no point there */
};

/* Draw @p into DIR/NAME.png, DIR/NAME.svg (script DIR/NAME.gp). Returns as
 * plot_mrc (VMSIM_EINVAL for nothing to plot). Caller: vmsim sweep --plot. */
int plot_lines(const struct plot_lines *p, const char *dir, const char *name, char *why,
	       size_t whylen);

/* The CSV columns (report_csv.c) a time-series plot needs; *@n gets their
 * number. */
const char *const *plot_csv_columns(size_t *n /* out */);

#endif
