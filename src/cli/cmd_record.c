/*
 * vmsim record: record a real program, with its address space, threads,
 * children and files, under vmsim's Valgrind tool (or lackey) into a vmsim
 * trace (src/workload/trace_record.c).
 *
 *	vmsim record [-o FILE] [--tool vmsim|lackey] [--no-fetch] [--zstd LEVEL] -- PROG [ARGS...]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmsim/error.h"
#include "workload/trace.h"

#define NAME "record"

#define RECORD_ZSTD_LEVEL 3 /* fast enough to keep up with the tool */

static void record_usage(FILE *f)
{
	fputs("usage: vmsim record [-o FILE] [--tool vmsim|lackey] [--no-fetch] [--zstd LEVEL]\n"
	      "                    -- PROG [ARGS...]\n\n"
	      "Runs PROG under vmsim's Valgrind tool and records every load, store and\n"
	      "instruction fetch with its thread, the areas PROG starts with and every\n"
	      "mmap, munmap, mprotect, mremap, brk, madvise and msync (with the files\n"
	      "mapped), file reads and writes, fork, threads, exec and exit (status and\n"
	      "signal), following children, into a zstd-compressed vmsim trace. PROG keeps\n"
	      "its own standard input, output and error.\n\n"
	      "  -o, --output FILE  the trace to write (default: PROG's name + .vmt)\n"
	      "  --tool NAME        vmsim (default) or lackey (Valgrind's: accesses only,\n"
	      "                     one process, about 30 times slower)\n"
	      "  --no-fetch         leave out instruction fetches (vmsim's tool)\n"
	      "  --zstd LEVEL       compression level 1-19, 0 for none (default 3)\n\n"
	      "Then: vmsim replay FILE\n",
	      f);
}

int cmd_record(int argc, char **argv)
{
	const char *out = NULL, *value;
	char defname[256], *end;
	struct trace_record_opts o = {.zstd_level = RECORD_ZSTD_LEVEL};
	struct trace_record_result res;
	struct trace_error err;
	int i, m, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			record_usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "--no-fetch")) {
			o.no_fetch = true;
		} else if ((m = cli_opt_value(argc, argv, &i, "-o", &value)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--output", &value)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--tool", &value)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--zstd", &value)) != 0) {
			if (m < 0) {
				cli_error(NAME, "option '%s' needs a value", argv[i]);
				return CLI_EXIT_USAGE;
			}
			const char *opt = argv[i] == value ? argv[i - 1] : argv[i];
			if (!strncmp(opt, "--tool", 6)) {
				if (!strcmp(value, "vmsim")) {
					o.tool = TRACE_TOOL_VMSIM;
				} else if (!strcmp(value, "lackey")) {
					o.tool = TRACE_TOOL_LACKEY;
				} else {
					cli_error(NAME,
						  "--tool: unknown tool '%s' (expected vmsim or "
						  "lackey)",
						  value);
					return CLI_EXIT_USAGE;
				}
			} else if (!strncmp(opt, "--zstd", 6)) {
				long level = strtol(value, &end, 10);
				if (!*value || *end || level < 0 || level > 19) {
					cli_error(NAME, "--zstd: '%s' is not a level from 0 to 19",
						  value);
					return CLI_EXIT_USAGE;
				}
				o.zstd_level = (int)level;
			} else {
				out = value;
			}
		} else if (argv[i][0] == '-') {
			cli_error(NAME, "unknown option '%s' (see 'vmsim record --help')", argv[i]);
			return CLI_EXIT_USAGE;
		} else {
			break; /* the program starts here */
		}
	}
	if (i >= argc) {
		cli_error(NAME, "expected a program to record");
		fputs("usage: vmsim record [-o FILE] [--tool vmsim|lackey] -- PROG [ARGS...]\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if (!out) {
		const char *base = strrchr(argv[i], '/');
		snprintf(defname, sizeof(defname), "%s.vmt", base ? base + 1 : argv[i]);
		out = defname;
	}
	o.out_path = out;
	rc = trace_record(argv + i, &o, &res, &err);
	if (rc) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (res.lackey && o.tool == TRACE_TOOL_AUTO)
		fprintf(stderr, "vmsim record: vmsim's Valgrind tool was not built (valgrind's "
				"development files were missing): recording with lackey\n");
	if (res.lackey)
		fprintf(stderr, "vmsim record: %s: %llu records (%llu accesses, lackey); ", out,
			(unsigned long long)res.records, (unsigned long long)res.accesses);
	else
		fprintf(stderr, "vmsim record: %s: %llu records in %llu blocks from %u process%s; ",
			out, (unsigned long long)res.records, (unsigned long long)res.blocks,
			res.processes, res.processes == 1 ? "" : "es");
	if (res.term_signal)
		fprintf(stderr, "'%s' was killed by signal %d (%s)\n", argv[i], res.term_signal,
			strsignal(res.term_signal));
	else
		fprintf(stderr, "'%s' exited with status %d\n", argv[i], res.exit_status);
	return CLI_EXIT_OK;
}
