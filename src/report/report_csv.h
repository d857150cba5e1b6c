/*
 * CSV output of a time series (series.h): one header row, then one row per
 * sample, comma-separated, RFC 4180 quoting. The columns are listed in
 * docs/FORMATS.md ("CSV time series"); their order is fixed except for the
 * per-process RSS columns (rss_PID, or rss_PID_NAME for a process the
 * workload named, one per process seen, in the order first seen), which
 * come after the fixed ones and before "label".
 *
 * Callers: src/cli/, tests. Reads the series only.
 */
#ifndef VMSIM_REPORT_CSV_H
#define VMSIM_REPORT_CSV_H

#include <stdio.h>

#include "report/series.h"

/* How every series starts: its first columns, fixed. */
#define REPORT_CSV_FIRST_COLUMNS "sample,accesses,d_accesses"

/* Write @s onto @f, its RSS columns named after @names (base/run.h; NULL:
 * pids only). Returns 0 or VMSIM_EIO (a write failed). */
int report_csv_write(FILE *f, const struct series *s, const struct run_names *names);

/* The same into @path ("-": standard output), created or truncated.
 * Returns 0 or VMSIM_EIO (errno says why). */
int report_csv_write_path(const char *path, const struct series *s, const struct run_names *names);

/* One CSV field: @s as it is, or double-quoted (quotes doubled) if it
 * holds a comma, a quote, a line break or a leading/trailing blank. */
void csv_field(FILE *f, const char *s);

#endif
