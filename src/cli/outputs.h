/*
 * The output files of a command (--json FILE, --csv FILE, --plot DIR),
 * opened and checked before the simulation starts, so that a path that
 * cannot be written is found in the first millisecond and not after a long
 * run, with the reason errno gives ("No such file or directory", "Is a
 * directory", "Permission denied"). After the run the caller writes its
 * data into the open FILEs and closes them here, which reports a failed
 * flush ("No space left on device") the same way.
 *
 * "-" names standard output. Only one output may be standard output, and
 * while one is, the command's human text (report, notices) goes to
 * standard error (cli_outputs_text), so a script can read clean data.
 *
 * gnuplot being absent is not an error here: cli_outputs_open records it,
 * the other outputs are written as usual, and cli_outputs_plot_missing
 * prints one notice at the end.
 *
 * Callers: src/cli/ (run, paging, thrash).
 */
#ifndef VMSIM_CLI_OUTPUTS_H
#define VMSIM_CLI_OUTPUTS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "report/progress.h"

struct cli_outputs {
	const char *cmd;	  /* command name in messages ("run") */
	const char *json_path;	  /* --json, or NULL */
	const char *csv_path;	  /* --csv, or NULL */
	const char *plot_dir;	  /* --plot, or NULL */
	FILE *json, *csv;	  /* open outputs (stdout for "-"), or NULL */
	bool json_made, csv_made; /* the file did not exist before: removed if abandoned */
	bool plot_missing;	  /* --plot given but gnuplot is not there */
	bool plot_dir_made;	  /* cli_outputs_open created the directory */
	char plot_why[320];	  /* the notice when plot_missing */
};

/*
 * Open every output named (NULL: not asked for): create or truncate the
 * files, create the plot directory (its parent must exist) when gnuplot
 * is there. On failure prints "vmsim CMD: --json PATH: <reason>", closes
 * what it opened and returns CLI_EXIT_FAILURE (CLI_EXIT_USAGE when both
 * --json and --csv are "-"); 0 on success.
 */
int cli_outputs_open(struct cli_outputs *o, const char *cmd, const char *json, const char *csv,
		     const char *plot);

/* Where the human text goes: stdout, or stderr while stdout carries data. */
FILE *cli_outputs_text(const struct cli_outputs *o);

/* Is standard output one of the data outputs? */
bool cli_outputs_stdout_is_data(const struct cli_outputs *o);

/*
 * Close *@f (the output @opt, "--json" or "--csv", at @path) after its data
 * was written, flushing it; standard output is flushed, not closed. A
 * failed write (@write_rc nonzero, or the flush) prints the reason from
 * errno. Sets *@f to NULL. Returns 0 or CLI_EXIT_FAILURE.
 */
int cli_output_close(struct cli_outputs *o, FILE **f, const char *opt, const char *path,
		     int write_rc);

/* The run failed before its outputs were written: close them and remove
 * the files and the directory that cli_outputs_open created. */
void cli_outputs_abandon(struct cli_outputs *o);

/* If --plot was asked for without gnuplot: print the notice once on
 * stderr and return CLI_EXIT_FAILURE; else 0. */
int cli_outputs_plot_missing(const struct cli_outputs *o);

/* ---- interruption ------------------------------------------------------- */

/*
 * Catch SIGINT and SIGTERM for the run: the handler only records the
 * signal in the flag returned, which the drivers read between accesses
 * (struct run_hooks stop), so the run ends at its next access and the
 * partial report and outputs are written. A second signal of the same
 * kind kills at once (the handler is reset after the first).
 */
const volatile sig_atomic_t *cli_catch_interrupts(void);

/* The signal that interrupted the run, or 0. */
int cli_interrupted(void);

/*
 * The progress bar of a command, counting @unit (NULL: accesses) of
 * @total (0: unknown): on standard error when it is a terminal, never with
 * @quiet, never when $VMSIM_NO_PROGRESS is set (non-empty); it appears
 * after the run has lasted $VMSIM_PROGRESS_DELAY seconds (default 1; for
 * tests and demonstrations). Standard output, where data goes, is never
 * written.
 */
void cli_progress_init(struct progress *p, bool quiet, const char *unit, uint64_t total);

/*
 * A stream that writes through to @real but first erases @p's bar, so
 * that a scenario's print lines never glue onto the progress line when
 * both are on the terminal. Line buffered; fclose it (it does not close
 * @real) before @p goes. NULL when out of host memory: use @real then.
 */
FILE *cli_progress_guard(struct progress *p, FILE *real);

#endif
