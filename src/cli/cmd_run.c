/*
 * vmsim run: run a simulation. Without a workload it runs the built-in MMU
 * tour (src/workload/tour.c) on the chosen CPU preset.
 *
 *	vmsim run [--cpu NAME] [--levels 4|5] [--no-pwc]
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "cli.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "workload/tour.h"

static void run_usage(FILE *f)
{
	fputs("usage: vmsim run [--cpu NAME] [--levels 4|5] [--no-pwc]\n\n"
	      "Runs the built-in MMU tour: an address split and walked, two processes\n"
	      "isolated by their page tables, TLB reach, 4 KiB versus huge pages.\n\n"
	      "  --cpu NAME      CPU preset for the TLBs and paging-structure caches:\n",
	      f);
	for (const char *const *n = vmsim_cpu_preset_names(); *n; n++)
		fprintf(f, "                    %-8s %s\n", *n, vmsim_cpu_preset_describe(*n));
	fputs("                  (default: skylake)\n"
	      "  --levels 4|5    paging depth: 4 (48-bit addresses) or 5 (57-bit, LA57)\n"
	      "  --no-pwc        turn the paging-structure caches off\n",
	      f);
}

int cmd_run(int argc, char **argv)
{
	const char *cpu = "skylake", *levels = NULL, *value;
	bool no_pwc = false;
	struct vmsim_mmu_cfg cfg;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "--no-pwc")) {
			no_pwc = true;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--cpu", &value)) != 0) {
			if (rc < 0)
				goto missing;
			cpu = value;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--levels", &value)) != 0) {
			if (rc < 0)
				goto missing;
			levels = value;
		} else {
			cli_error("run", "unknown argument '%s' (see 'vmsim run --help')", argv[i]);
			return CLI_EXIT_USAGE;
		}
	}
	if (vmsim_cpu_preset(cpu, &cfg)) {
		cli_error("run", "--cpu '%s': unknown CPU preset; expected one of:", cpu);
		for (const char *const *n = vmsim_cpu_preset_names(); *n; n++)
			fprintf(stderr, "  %s\n", *n);
		return CLI_EXIT_USAGE;
	}
	if (levels) {
		if (strcmp(levels, "4") && strcmp(levels, "5")) {
			cli_error("run", "--levels '%s': expected 4 or 5", levels);
			return CLI_EXIT_USAGE;
		}
		cfg.levels = (unsigned)(levels[0] - '0');
	}
	if (no_pwc)
		cfg.pwc = false;
	rc = tour_run(stdout, &cfg);
	if (rc) {
		cli_error("run", "%s", vmsim_strerror(rc));
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;

missing:
	cli_error("run", "option '%s' needs a value (see 'vmsim run --help')", argv[argc - 1]);
	return CLI_EXIT_USAGE;
}
