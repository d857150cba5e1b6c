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
};

/* Draw @m into DIR/NAME.png, DIR/NAME.svg (script DIR/NAME.gp). Returns as
 * plot_series (VMSIM_EINVAL for an empty table). */
int plot_mrc(const struct plot_mrc *m, const char *dir, const char *name, char *why, size_t whylen);

#endif
