/*
 * vmsim convert: turn a trace of any format (lackey text, ChampSim, vmsim;
 * compressed or not) into vmsim's own format, streaming.
 *
 *	vmsim convert IN -o OUT [--format F] [--zstd]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "vmsim/error.h"
#include "workload/trace.h"

#define NAME "convert"

#define CONVERT_ZSTD_LEVEL 9 /* --zstd: about 3x smaller than level 1, still fast */

static void convert_usage(FILE *f)
{
	char names[TRACE_FORMAT_NAMES_MAX];
	fprintf(f,
		"usage: vmsim convert IN -o OUT [--format F] [--zstd]\n\n"
		"Converts the trace IN ('-': standard input) into vmsim's own binary format\n"
		"(docs/FORMATS.md) in OUT ('-': standard output). IN may be compressed with\n"
		"gzip, zstd or xz; its format is detected from its first bytes.\n\n"
		"  -o, --output OUT  the file to write\n"
		"  --format F        read IN as F: %s (default: detect)\n"
		"  --zstd            compress OUT with zstd\n",
		trace_format_names(names, sizeof(names), " or "));
}

static enum trace_source source_of(const struct trace_info *in)
{
	const struct trace_format_ops *ops = trace_format_find(in->format);
	return ops && ops->source != TRACE_SRC_NATIVE ? ops->source : in->source;
}

/* Would writing @out destroy @in? */
static bool same_file(const char *in, const char *out)
{
	struct stat a, b;

	if (!strcmp(in, "-") || !strcmp(out, "-"))
		return false;
	return stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int cmd_convert(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = NULL, *format = NULL, *value;
	struct trace_writer_opts wo = {0};
	struct trace_writer *w = NULL;
	struct trace *t = NULL;
	struct trace_rec *batch = NULL;
	struct trace_error err;
	uint64_t accesses = 0;
	int rc, m;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			convert_usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "--zstd")) {
			wo.zstd_level = CONVERT_ZSTD_LEVEL;
		} else if ((m = cli_opt_value(argc, argv, &i, "-o", &value)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--output", &value)) != 0) {
			if (m < 0)
				goto missing;
			out_path = value;
		} else if ((m = cli_opt_value(argc, argv, &i, "--format", &value)) != 0) {
			if (m < 0)
				goto missing;
			format = value;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_error(NAME, "unknown option '%s' (see 'vmsim convert --help')",
				  argv[i]);
			return CLI_EXIT_USAGE;
		} else if (in_path) {
			cli_error(NAME, "unexpected argument '%s': one input only", argv[i]);
			return CLI_EXIT_USAGE;
		} else {
			in_path = argv[i];
		}
	}
	if (!in_path || !out_path) {
		cli_error(NAME, "%s", !in_path ? "expected an input trace" : "expected -o OUT");
		fputs("usage: vmsim convert IN -o OUT [--format F] [--zstd]\n", stderr);
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_trace_format(NAME, format)))
		return rc;
	if (same_file(in_path, out_path)) {
		cli_error(NAME, "'%s' is both the input and the output", out_path);
		return CLI_EXIT_USAGE;
	}
	if ((rc = trace_open(&t, in_path, format, &err)))
		goto out_fail;
	const struct trace_info *info = trace_get_info(t);
	wo.flags = info->has_vmas ? TRACE_F_HAS_VMAS : 0;
	wo.source = source_of(info);
	if (!(batch = malloc(TRACE_BATCH * sizeof(*batch)))) {
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		rc = VMSIM_ENOHOSTMEM;
		goto out_fail;
	}
	if ((rc = trace_writer_open(&w, out_path, &wo, &err)))
		goto out_fail;
	for (;;) {
		size_t n;
		if ((rc = trace_read(t, batch, TRACE_BATCH, &n, &err)))
			goto out_discard;
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			accesses += batch[i].type == TRACE_ACCESS;
		if ((rc = trace_writer_put_from(w, t, batch, n, &err)))
			goto out_discard;
	}
	uint64_t records = trace_writer_count(w);
	rc = trace_writer_close(w, &err);
	w = NULL;
	if (rc)
		goto out_discard;
	if (strcmp(out_path, "-"))
		printf("%s (%s, %s) -> %s (vmsim, %s): %llu records, %llu accesses, %llu events\n",
		       info->name, info->format, info->compression, out_path,
		       wo.zstd_level ? "zstd" : "plain", (unsigned long long)records,
		       (unsigned long long)accesses, (unsigned long long)(records - accesses));
	trace_close(t);
	free(batch);
	return CLI_EXIT_OK;

out_discard:
	trace_writer_discard(w);
	if (strcmp(out_path, "-"))
		unlink(out_path);
out_fail:
	cli_error(NAME, "%s", err.msg);
	trace_close(t);
	free(batch);
	return CLI_EXIT_FAILURE;

missing:
	cli_error(NAME, "option '%s' needs a value (see 'vmsim convert --help')", argv[argc - 1]);
	return CLI_EXIT_USAGE;
}
