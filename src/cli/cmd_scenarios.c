/*
 * The built-in scenarios on the command line (src/workload/scenario.h):
 *
 *	vmsim scenarios          list them, in tour order, with their titles
 *	vmsim tour [--full]      run them all; by default only their headlines
 *	                         (print lines and failed checks)
 *	vmsim show NAME          print a scenario's source
 *
 * `vmsim run NAME|FILE.vms` (cmd_run.c) runs one with its full output.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmsim/error.h"
#include "workload/scenario.h"

/* The widest built-in name, for aligned lists. */
static int name_width(void)
{
	size_t w = 0;
	for (size_t i = 0; i < scenario_builtin_count(); i++) {
		size_t n = strlen(scenario_builtin_at(i)->name);
		if (n > w)
			w = n;
	}
	return (int)w;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

int cmd_scenarios(int argc, char **argv)
{
	char title[128];
	int w = name_width();

	if (wants_help(argc, argv)) {
		fputs("usage: vmsim scenarios\n\n"
		      "Lists the built-in scenarios in tour order with their titles: the\n"
		      "seed's sections (sNN-...), then its exercises (exNN-...). Run one with\n"
		      "'vmsim run NAME', all with 'vmsim tour', read one with 'vmsim show NAME'.\n",
		      stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 1) {
		cli_error("scenarios", "unexpected argument '%s' (see 'vmsim scenarios --help')",
			  argv[1]);
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < scenario_builtin_count(); i++) {
		const struct embedded_file *f = scenario_builtin_at(i);
		scenario_title(f->text, title, sizeof(title));
		printf("%-*s  %s\n", w, f->name, title);
	}
	return CLI_EXIT_OK;
}

int cmd_tour(int argc, char **argv)
{
	struct scenario_opts o = {.out = stdout, .err = stdout, .headline = true, .check = true};
	unsigned runs = 0, failed_runs = 0, checks = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs("usage: vmsim tour [--full]\n\n"
			      "Runs every built-in scenario in order and prints its headline: the\n"
			      "explanations it prints and any check that fails. Each machine is\n"
			      "checked for broken invariants at the end. Exit status 1 if a\n"
			      "scenario fails.\n\n"
			      "  --full   print everything: reports and every passed check\n",
			      stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "--full")) {
			o.headline = false;
		} else {
			cli_error("tour", "unknown argument '%s' (see 'vmsim tour --help')",
				  argv[i]);
			return CLI_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < scenario_builtin_count(); i++) {
		const struct embedded_file *f = scenario_builtin_at(i);
		struct scenario_result res;
		char title[128];

		scenario_title(f->text, title, sizeof(title));
		printf("%s== %s: %s\n", i ? "\n" : "", f->name, title);
		fflush(stdout);
		int rc = scenario_run_builtin(f->name, &o, &res);
		runs++;
		checks += res.expects;
		failed += res.failed;
		if (rc) {
			failed_runs++;
			if (rc != VMSIM_ECHECK)
				printf("   stopped: %s\n", vmsim_strerror(rc));
		}
		printf("   [%u of %u checks passed]\n", res.expects - res.failed, res.expects);
	}
	printf("\ntour: %u scenarios, %u checks, %u failed\n", runs, checks, failed);
	return failed_runs ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	const struct embedded_file *f;

	if (wants_help(argc, argv)) {
		fputs("usage: vmsim show NAME\n\n"
		      "Prints the source of the built-in scenario NAME (see 'vmsim scenarios').\n"
		      "Save it to a file to change it and run it with 'vmsim run FILE.vms'.\n",
		      stdout);
		return CLI_EXIT_OK;
	}
	if (argc != 2) {
		cli_error("show", "%s",
			  argc < 2 ? "missing the scenario name" : "too many arguments");
		fputs("usage: vmsim show NAME\n", stderr);
		return CLI_EXIT_USAGE;
	}
	f = scenario_builtin_find(argv[1]);
	if (!f) {
		cli_error("show", "no built-in scenario named '%s' (see 'vmsim scenarios')",
			  argv[1]);
		return CLI_EXIT_USAGE;
	}
	fputs(f->text, stdout);
	return CLI_EXIT_OK;
}
