/*
 * vmsim: the command-line tool's entry point. Like git, it is a thin
 * dispatcher over one table of subcommands; each subcommand is a function
 * cmd_<name>() in its own file src/cli/cmd_<name>.c (see cli.h).
 *
 * Adding a command: write src/cli/cmd_<name>.c, declare cmd_<name>() in
 * cli.h and add one line to commands[] below. `vmsim help` lists the
 * table, so the new command documents itself.
 *
 *	vmsim [--version] [--help] COMMAND [ARGS...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli.h"
#include "report/report.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/trace.h"

#define VMSIM_VERSION "0.1.0" /* keep in step with project() in CMakeLists.txt */

struct cmd {
	const char *name;		  /* as typed after "vmsim" */
	int (*fn)(int argc, char **argv); /* argv[0] is name; returns the exit status */
	const char *help;		  /* one line for `vmsim help` */
};

static int cmd_help(int argc, char **argv);

/* The subcommands, in the order `vmsim help` lists them. */
static const struct cmd commands[] = {
    {"convert", cmd_convert, "convert a trace of any format to vmsim's format"},
    {"help", cmd_help, "list the commands, or show the usage of one"},
    {"inspect", cmd_inspect, "show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)"},
    {"paging", cmd_paging, "replacement policies over a reference string with N frames"},
    {"record", cmd_record, "record a program's memory accesses with valgrind into a trace"},
    {"replay", cmd_replay, "replay a memory trace on a simulated machine and summarise it"},
    {"run", cmd_run, "simulate a trace or a scenario (default: a real trace and the MMU tour)"},
    {"scenarios", cmd_scenarios, "list the built-in scenarios (the seed's sections and exercises)"},
    {"show", cmd_show, "print the source of a built-in scenario"},
    {"sweep", cmd_sweep, "run a sweep spec's points locally in parallel or on Slurm"},
    {"thrash", cmd_thrash, "the thrashing curve: CPU utilisation against the number of processes"},
    {"translate", cmd_translate, "split a virtual address into page-table indices and offset"},
    {"tour", cmd_tour, "run every built-in scenario and print its headline results"},
};

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (cmd)
		fprintf(stderr, "vmsim %s: ", cmd);
	else
		fputs("vmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_trace_format(const char *cmd, const char *format)
{
	char names[TRACE_FORMAT_NAMES_MAX];
	if (!format || trace_format_find(format))
		return 0;
	cli_error(cmd, "--format '%s': expected %s", format,
		  trace_format_names(names, sizeof(names), " or "));
	return CLI_EXIT_USAGE;
}

void cli_machine_error(const char *cmd, const struct vmsim_config *cfg, int rc)
{
	const char *problem = vmsim_config_problem(cfg);
	int saved = errno;

	if (problem) {
		cli_error(cmd, "cannot build the machine: %s", problem);
	} else if (rc == VMSIM_EIO && cfg->swap_bytes) {
		const char *dir = getenv("TMPDIR");
		cli_error(cmd, "cannot build the machine: the swap file of %s in '%s': %s",
			  report_bytes(cfg->swap_bytes).s,
			  cfg->swap_path ? cfg->swap_path
			  : dir && *dir	 ? dir
					 : "/tmp",
			  strerror(saved ? saved : EIO));
	} else {
		cli_error(cmd, "cannot build the machine: %s", vmsim_strerror(rc));
	}
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void list_commands(FILE *f)
{
	size_t i, width = 0;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strlen(commands[i].name) > width)
			width = strlen(commands[i].name);
	fputs("commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-*s  %s\n", (int)width, commands[i].name, commands[i].help);
}

static void usage(FILE *f)
{
	fputs("usage: vmsim [--version] [--help] COMMAND [ARGS...]\n\n", f);
	list_commands(f);
	fputs("\n'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.\n",
	      f);
}

/* Not a command: name it and list the real ones. */
static int unknown_command(const char *name)
{
	cli_error(NULL, "'%s' is not a vmsim command", name);
	fputc('\n', stderr);
	list_commands(stderr);
	return CLI_EXIT_USAGE;
}

/* vmsim help [COMMAND]: the command list, or COMMAND --help. */
static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char help_opt[] = "--help";
	char *cargv[3];

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2) {
		cli_error("help", "unexpected argument '%s'", argv[2]);
		fputs("usage: vmsim help [COMMAND]\n", stderr);
		return CLI_EXIT_USAGE;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	if (c->fn == cmd_help) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	cargv[0] = argv[1];
	cargv[1] = help_opt;
	cargv[2] = NULL;
	return c->fn(2, cargv);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	const char *arg;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	arg = argv[1];
	if (strcmp(arg, "--version") == 0) {
		puts("vmsim " VMSIM_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (arg[0] == '-') {
		cli_error(NULL, "unknown option '%s'", arg);
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	c = find_cmd(arg);
	if (!c)
		return unknown_command(arg);
	rc = c->fn(argc - 1, argv + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(NULL, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return rc;
}
