/*
 * vmsim record: trace a real program's memory accesses with Valgrind's
 * lackey tool into a zstd-compressed vmsim trace (src/workload/trace_record.c).
 *
 *	vmsim record [-o FILE] -- PROG [ARGS...]
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmsim/error.h"
#include "workload/trace.h"

#define NAME "record"

#define RECORD_ZSTD_LEVEL 9 /* valgrind is the bottleneck: compress well */

static void record_usage(FILE *f)
{
	fputs("usage: vmsim record [-o FILE] -- PROG [ARGS...]\n\n"
	      "Runs PROG under Valgrind's lackey tool (valgrind --tool=lackey -q\n"
	      "--trace-mem=yes) and streams every instruction fetch, load and store into a\n"
	      "zstd-compressed vmsim trace. PROG keeps its own standard input, output and\n"
	      "error. Expect it to run about 100 times slower than usual.\n\n"
	      "  -o, --output FILE  the trace to write (default: PROG's name + .vmt)\n\n"
	      "Then: vmsim replay FILE\n",
	      f);
}

int cmd_record(int argc, char **argv)
{
	const char *out = NULL, *value;
	char defname[256];
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
		} else if ((m = cli_opt_value(argc, argv, &i, "-o", &value)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--output", &value)) != 0) {
			if (m < 0) {
				cli_error(NAME, "option '%s' needs a value", argv[i]);
				return CLI_EXIT_USAGE;
			}
			out = value;
		} else if (argv[i][0] == '-') {
			cli_error(NAME, "unknown option '%s' (see 'vmsim record --help')", argv[i]);
			return CLI_EXIT_USAGE;
		} else {
			break; /* the program starts here */
		}
	}
	if (i >= argc) {
		cli_error(NAME, "expected a program to record");
		fputs("usage: vmsim record [-o FILE] -- PROG [ARGS...]\n", stderr);
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
	fprintf(stderr, "vmsim record: %s: %llu records (%llu accesses); '%s' ", out,
		(unsigned long long)res.records, (unsigned long long)res.accesses, argv[i]);
	if (res.term_signal)
		fprintf(stderr, "was killed by signal %d\n", res.term_signal);
	else
		fprintf(stderr, "exited with status %d\n", res.exit_status);
	return CLI_EXIT_OK;
}
