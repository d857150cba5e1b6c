/*
 * The scenario test driver (registered by tests/CMakeLists.txt):
 *
 *   golden_runner FILE.vms GOLDEN.out        run FILE, compare its output with GOLDEN
 *   golden_runner --update-golden FILE.vms GOLDEN.out
 *                                            run FILE and write its output to GOLDEN
 *   golden_runner --builtin NAME             run a built-in scenario: every check
 *                                            must pass and vmsim_check must hold at the end
 *   golden_runner --fail-blocks FILE         run the %%FAIL blocks of FILE (below)
 *
 * A golden output is what the scenario prints (standard output and errors,
 * in order, as one stream) followed by one line "== status: ..." with the
 * run's result, so a change in any printed figure or in a check's outcome
 * shows up as a diff. vmsim_check runs at the end of every run.
 *
 * A %%FAIL file holds scripts that must fail, each with the exact error it
 * must print, as jq's test files do:
 *
 *   # comments and blank lines between blocks
 *   %%FAIL
 *   mmapp A data 4K
 *   %%ERR fail.vms:1:1: unknown command 'mmapp' (did you mean 'mmap'?)
 *
 * The script of a block runs as "fail.vms" (lines counted from the line
 * after %%FAIL); every %%ERR line is one line it must print on errors, and
 * the run must fail.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/scenario.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4097 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		size_t got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Run @path with output captured; the text in *@out (malloc'd). */
static int run_captured(const char *path, char **out, size_t *len)
{
	FILE *mem = open_memstream(out, len);
	struct scenario_opts o = {.out = mem, .err = mem, .check = true};
	struct scenario_result res;
	if (!mem)
		return 2;
	int rc = scenario_run_file(path, &o, &res);
	fprintf(mem, "== status: %s, %u checks, %u failed\n", rc == 0 ? "ok" : vmsim_errname(rc),
		res.expects, res.failed);
	fclose(mem);
	return 0;
}

static int golden(const char *path, const char *gold, int update)
{
	char *out, *want;
	size_t len, wlen;
	if (run_captured(path, &out, &len))
		return 2;
	if (update) {
		FILE *f = fopen(gold, "wb");
		if (!f || fwrite(out, 1, len, f) != len || fclose(f)) {
			fprintf(stderr, "%s: cannot write\n", gold);
			free(out);
			return 2;
		}
		printf("updated %s\n", gold);
		free(out);
		return 0;
	}
	want = slurp(gold, &wlen);
	if (!want) {
		fprintf(stderr, "%s: cannot read (create it with --update-golden)\n", gold);
		free(out);
		return 1;
	}
	int same = wlen == len && memcmp(want, out, len) == 0;
	if (!same) {
		/* show the first differing line */
		size_t i = 0, line = 1, ls = 0;
		while (i < len && i < wlen && out[i] == want[i]) {
			if (out[i] == '\n') {
				line++;
				ls = i + 1;
			}
			i++;
		}
		const char *ge = strchr(want + ls, '\n'), *oe = strchr(out + ls, '\n');
		fprintf(stderr, "%s: output differs from %s at line %zu\n", path, gold, line);
		fprintf(stderr, "expected: %.*s\n",
			(int)(ge ? ge - (want + ls) : (long)(wlen - ls)), want + ls);
		fprintf(stderr, "actual:   %.*s\n", (int)(oe ? oe - (out + ls) : (long)(len - ls)),
			out + ls);
		fprintf(stderr, "(rerun with --update-golden to accept the new output)\n");
	}
	free(want);
	free(out);
	return same ? 0 : 1;
}

static int builtin(const char *name)
{
	struct scenario_opts o = {.out = stdout, .err = stdout, .check = true};
	struct scenario_result res;
	int rc = scenario_run_builtin(name, &o, &res);
	printf("== %s: %s, %u checks, %u failed\n", name, rc ? vmsim_errname(rc) : "ok",
	       res.expects, res.failed);
	return rc ? 1 : 0;
}

static int fail_blocks(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	int blocks = 0, bad = 0;
	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 2;
	}
	char *p = text;
	while (*p) {
		char *nl = strchr(p, '\n');
		char *next = nl ? nl + 1 : p + strlen(p);
		if (strncmp(p, "%%FAIL", 6) != 0) {
			p = next;
			continue;
		}
		/* the script: up to the first %%ERR line */
		char *script = next, *q = next;
		while (*q && strncmp(q, "%%ERR ", 6) != 0) {
			char *e = strchr(q, '\n');
			q = e ? e + 1 : q + strlen(q);
		}
		char *want = NULL;
		size_t wlen = 0;
		FILE *w = open_memstream(&want, &wlen);
		char *end = q;
		while (*end && strncmp(end, "%%ERR ", 6) == 0) {
			char *e = strchr(end, '\n');
			size_t n = e ? (size_t)(e - end) : strlen(end);
			fprintf(w, "%.*s\n", (int)(n - 6), end + 6);
			end = e ? e + 1 : end + n;
		}
		fclose(w);
		char saved = *q;
		*q = '\0';
		char *got = NULL;
		size_t glen = 0;
		FILE *g = open_memstream(&got, &glen);
		FILE *devnull = fopen("/dev/null", "w");
		struct scenario_opts o = {.out = devnull, .err = g, .check = true};
		int rc = scenario_run_text("fail.vms", script, NULL, &o, NULL);
		fclose(g);
		fclose(devnull);
		*q = saved;
		blocks++;
		if (rc == 0 || glen != wlen || memcmp(got, want, wlen) != 0) {
			bad++;
			fprintf(stderr, "FAIL %s block %d (%s)\nexpected:\n%sactual:\n%s\n", path,
				blocks, rc == 0 ? "the script succeeded" : "wrong message", want,
				got);
		}
		free(got);
		free(want);
		p = end;
	}
	free(text);
	printf("%s: %d blocks, %d failed\n", path, blocks, bad);
	return bad || !blocks ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--builtin"))
		return builtin(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--fail-blocks"))
		return fail_blocks(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "--update-golden"))
		return golden(argv[2], argv[3], 1);
	if (argc == 3)
		return golden(argv[1], argv[2], 0);
	fprintf(stderr, "usage: golden_runner [--update-golden] FILE.vms GOLDEN.out\n"
			"       golden_runner --builtin NAME\n"
			"       golden_runner --fail-blocks FILE\n");
	return 2;
}
