/*
 * The vmsim command-line tool: one function per subcommand, as git's
 * builtins, and the helpers they share.
 *
 * A subcommand lives in src/cli/cmd_<name>.c as
 *
 *	int cmd_<name>(int argc, char **argv);
 *
 * and is listed once in the command table in src/cli/main.c. It receives
 * the arguments after "vmsim", so argv[0] is its own name, and returns the
 * process exit status (CLI_EXIT_*). It prints errors as
 * "vmsim <name>: <message>" on stderr (cli_error) and supports --help.
 *
 * Only src/cli/ includes this header (and the parse.c unit test).
 */
#ifndef VMSIM_CLI_H
#define VMSIM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "vmsim/types.h"

struct vmsim_config;

/* Exit statuses of every subcommand. */
#define CLI_EXIT_OK	 0 /* success */
#define CLI_EXIT_FAILURE 1 /* the command ran and failed */
#define CLI_EXIT_USAGE	 2 /* bad usage: unknown option, missing or bad argument */

/* ---- subcommands (src/cli/cmd_<name>.c) --------------------------------- */

struct replay_stats;

/* What the replay of a recorded program adds to a report (cmd_replay.c):
 * how the program ended, its threads, files, failed calls, peak memory,
 * and every divergence from what its kernel did. Prints nothing for a
 * trace that is not a recorded program. */
void cli_print_replay_program(FILE *f, const struct replay_stats *st);

struct vmsim_system;
struct trace_info;

/* A command that simulates traces (cmd_run.c): run, and replay, which is
 * run on one trace file with its own plain summary for a report. Both
 * share one option set, one trace path and one interrupt behaviour. */
struct cli_sim_command {
	const char *name;	/* in messages: "run", "replay" */
	void (*usage)(FILE *f); /* --help */
	/* NULL: run (every workload, the full report); else one trace only,
	 * reported by this */
	void (*summary)(FILE *f, struct vmsim_system *sys, const struct trace_info *info,
			const struct replay_stats *st);
};

/* Parse the options of @cmd and run it; the exit status. */
int cli_simulate(const struct cli_sim_command *cmd, int argc, char **argv);

/* --help lines: the options both commands share (outputs, a trace file's
 * --maps/--format/--max-records), and the machine options' heading and
 * lines. */
void cli_sim_options_help(FILE *f);
void cli_sim_machine_help(FILE *f);

int cmd_convert(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_paging(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_thrash(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* ---- messages (src/cli/main.c) ------------------------------------------ */

/* Print "vmsim @cmd: <formatted message>\n" on stderr; @cmd NULL prints
 * "vmsim: ...". */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct vmsim_config;

/* vmsim_system_new(@cfg) failed with @rc: print "vmsim @cmd: cannot build
 * the machine: " and what is wrong (the setting at fault, or why the swap
 * file could not be made, from errno). */
void cli_machine_error(const char *cmd, const struct vmsim_config *cfg, int rc);

/* ---- argument parsing (src/cli/parse.c) --------------------------------- */

/*
 * Why an argument was rejected, ready to follow "vmsim <cmd>: ", e.g.
 * "argument 1 '0x7ffz': column 6: expected a hexadecimal digit". The
 * column counts characters of the argument from 1.
 */
struct cli_error {
	char msg[512]; /* one line, no newline, lowercase, no full stop */
};

/*
 * The parsers below read the whole of @s, named @what in messages
 * ("argument 1", "--levels"). Each returns 0 and sets *out, or returns
 * VMSIM_EPARSE (malformed) or VMSIM_ERANGE (too large), fills @err and
 * leaves *out untouched.
 */

/* An unsigned 64-bit number: hexadecimal after 0x or 0X, else decimal. */
int cli_parse_u64(const char *what, const char *s, uint64_t *out /* out */,
		  struct cli_error *err /* out */);

/* A size in bytes by the library's unit rules (vmsim_parse_size): a number,
 * optionally with a unit: K M G T and KiB MiB GiB TiB binary, KB MB GB TB
 * decimal, B bytes, any case ("64K" = 65536, "64KB" = 64000). */
int cli_parse_size(const char *what, const char *s, uint64_t *out /* out */,
		   struct cli_error *err /* out */);

/* A page size: "4k", "2m" or "1g" (any case), or any size cli_parse_size
 * reads that equals one of them ("4096", "2M"). Anything else is
 * VMSIM_EPARSE with "expected 4k, 2m or 1g". */
int cli_parse_page_size(const char *what, const char *s, enum vmsim_page_size *out /* out */,
			struct cli_error *err /* out */);

/*
 * Match argv[*i] against the option @name ("--levels") taking a value,
 * given as "--levels 5" or "--levels=5". Returns 1 and sets *value (and
 * moves *i to the value's slot when it was separate) if it matches, 0 if
 * argv[*i] is another argument, -1 if it matches but the value is missing.
 */
int cli_opt_value(int argc, char **argv, int *i /* in, out */, const char *name,
		  const char **value /* out */);

/* --format F of the trace commands: 0 when @format is NULL or the name of
 * a trace format (workload/trace.c's registry), else the usage error
 * "--format 'x': expected vmsim, lackey or champsim" printed and
 * CLI_EXIT_USAGE. */
int cli_trace_format(const char *cmd, const char *format);

/* ---- machine options (src/cli/machine.c) ------------------------------- */

/* The machine settings given on a command line, as "key=value" strings in
 * the order given (the scenario engine takes the list as it is). */
struct cli_machine {
	const char *kv[48]; /* NULL-terminated */
	char text[48][128]; /* their text */
	unsigned n;	    /* used */
};

/*
 * Match argv[*i] against the machine options, one per setting of
 * include/vmsim/settings.h: "--KEY VALUE", "--KEY=VALUE", and "--KEY" /
 * "--no-KEY" for on/off settings. Returns 1 taken (*i moved past a
 * separate value), 0 not a machine option, -1 a missing or bad value
 * (printed as "vmsim @cmd: ...").
 */
int cli_machine_option(struct cli_machine *m, const char *cmd, int argc, char **argv,
		       int *i /* in, out */);

/* Add setting @key = @value after checking it; 0, or -1 with the error printed. */
int cli_machine_add(struct cli_machine *m, const char *cmd, const char *key, const char *value);

/* Apply the settings to @cfg (cpu first); 0, or -1 with the error printed. */
int cli_machine_apply(const char *cmd, const struct cli_machine *m, struct vmsim_config *cfg);

/* The machine options for a --help text, one line each, from the table. */
void cli_machine_help(FILE *f);

/* The same without the settings whose keys are in the NULL-terminated
 * list @skip (a command that sets them itself). */
void cli_machine_help_except(FILE *f, const char *const *skip);

#endif
