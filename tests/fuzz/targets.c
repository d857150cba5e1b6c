/*
 * The fuzz targets declared in targets.h.
 *
 * File-based readers get their input through one temporary file that is
 * rewritten for every input (ftruncate + pwrite) and handed over as a
 * fresh descriptor, so the reader sees a regular file exactly as it would
 * from `vmsim replay FILE`. A target aborts only when a parser breaks its
 * own contract (an error without a message, a record with a bad type),
 * which libFuzzer then reports as a crash.
 *
 * parse.c is compiled in here: the CLI parsers are not part of libvmsim.
 */
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/parse.c"
#include "vmsim/error.h"
#include "workload/refstring.h"
#include "workload/scenario.h"
#include "workload/trace.h"

/* Stop decoding after this many records: a small compressed input may
 * expand without bound, and a fuzz input must run in milliseconds. */
#define MAX_RECORDS (1u << 20)

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: contract broken: %s\n", what);
		abort();
	}
}

/* A new descriptor, at offset 0, of a regular file holding @data. */
static int input_fd(const uint8_t *data, size_t size)
{
	static int fd = -1;
	size_t done = 0;
	ssize_t w;

	if (fd < 0) {
		FILE *f = tmpfile();

		check(f != NULL, "tmpfile");
		fd = fileno(f);
	}
	check(ftruncate(fd, 0) == 0, "ftruncate");
	while (done < size) {
		w = pwrite(fd, data + done, size - done, (off_t)done);
		check(w > 0, "pwrite");
		done += (size_t)w;
	}
	check(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	return dup(fd);
}

static int run_trace(const uint8_t *data, size_t size, const char *format)
{
	static struct trace_rec recs[TRACE_BATCH];
	struct trace_error err;
	struct trace *t;
	size_t n, total = 0, i;
	int fd, rc;

	fd = input_fd(data, size);
	check(fd >= 0, "dup");
	err.msg[0] = '\0';
	rc = trace_open_fd(&t, fd, "fuzz.trace", true, format, &err);
	if (rc) {
		check(rc < 0 && err.msg[0] != '\0', "trace_open_fd: error without message");
		return rc;
	}
	check(trace_get_info(t) != NULL, "trace_get_info");
	do {
		err.msg[0] = '\0';
		rc = trace_read(t, recs, TRACE_BATCH, &n, &err);
		check(n <= TRACE_BATCH, "trace_read: n > cap");
		for (i = 0; i < n; i++) {
			check(recs[i].type <= TRACE_EXT, "record type");
			check(recs[i].type != TRACE_ACCESS || recs[i].kind <= TRACE_EXEC,
			      "access kind");
			check(recs[i].type == TRACE_ACCESS || recs[i].kind < TRACE_EV_NKINDS,
			      "event kind");
			/* an extension record follows its event, in the same batch */
			check(recs[i].type != TRACE_EXT ||
				  (i > 0 && recs[i - 1].type == TRACE_EVENT &&
				   recs[i - 1].kind == recs[i].kind),
			      "extension record without its event");
		}
		total += n;
	} while (rc == 0 && n > 0 && total < MAX_RECORDS);
	if (rc)
		check(rc < 0 && err.msg[0] != '\0', "trace_read: error without message");
	trace_close(t);
	return rc;
}

int fuzz_lackey(const uint8_t *data, size_t size)
{
	return run_trace(data, size, "lackey");
}

int fuzz_champsim(const uint8_t *data, size_t size)
{
	return run_trace(data, size, "champsim");
}

int fuzz_vmsim(const uint8_t *data, size_t size)
{
	return run_trace(data, size, "vmsim");
}

int fuzz_trace_auto(const uint8_t *data, size_t size)
{
	return run_trace(data, size, NULL);
}

/* A NUL-terminated copy of @data (parsers of text and arguments take C
 * strings; an embedded NUL just ends the string early). */
static char *cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	check(s != NULL, "malloc");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int fuzz_scenario(const uint8_t *data, size_t size)
{
	char err[512] = "";
	char *text = cstring(data, size);
	int rc = scenario_check_syntax("fuzz.vms", text, err, sizeof(err));

	if (rc)
		check(rc < 0 && err[0] != '\0', "scenario_check_syntax: error without message");
	free(text);
	return rc;
}

static int run_refstring(const uint8_t *data, size_t size, enum refstring_format fmt)
{
	uint64_t pages[256];
	struct refstring_error err;
	struct refstring *rs;
	FILE *f;
	size_t n, total = 0;
	int fd, rc;

	fd = input_fd(data, size);
	check(fd >= 0, "dup");
	f = fdopen(fd, "rb");
	check(f != NULL, "fdopen");
	err.msg[0] = '\0';
	rc = refstring_open_stream(&rs, f, "fuzz.refs", 1, fmt, &err);
	if (rc) {
		check(rc < 0 && err.msg[0] != '\0', "refstring_open_stream: error without message");
		fclose(f);
		return rc;
	}
	check(refstring_format(rs) != REFSTRING_AUTO, "refstring_format is AUTO");
	do {
		err.msg[0] = '\0';
		rc = refstring_read(rs, pages, 256, &n, &err);
		check(n <= 256, "refstring_read: n > cap");
		total += n;
	} while (rc == 0 && n > 0 && total < MAX_RECORDS);
	if (rc)
		check(rc < 0 && err.msg[0] != '\0', "refstring_read: error without message");
	refstring_close(rs);
	return rc;
}

int fuzz_refstring(const uint8_t *data, size_t size)
{
	int rc = run_refstring(data, size, REFSTRING_AUTO);

	run_refstring(data, size, REFSTRING_TEXT);
	run_refstring(data, size, REFSTRING_U64);
	return rc;
}

int fuzz_cliparse(const uint8_t *data, size_t size)
{
	struct cli_error err;
	enum vmsim_page_size ps;
	uint64_t v, sz;
	char *s = cstring(data, size);
	int rc, rc_size, rc_page;

	err.msg[0] = '\0';
	rc = cli_parse_u64("argument 1", s, &v, &err);
	if (rc)
		check(rc < 0 && err.msg[0] != '\0', "cli_parse_u64: error without message");
	err.msg[0] = '\0';
	rc_size = cli_parse_size("--ram", s, &sz, &err);
	if (rc_size)
		check(rc_size < 0 && err.msg[0] != '\0', "cli_parse_size: error without message");
	/* every number cli_parse_u64 reads is a size of that many bytes */
	if (rc == 0)
		check(rc_size == 0 && sz == v, "cli_parse_size disagrees with cli_parse_u64");
	err.msg[0] = '\0';
	rc_page = cli_parse_page_size("--page-size", s, &ps, &err);
	if (rc_page)
		check(rc_page < 0 && err.msg[0] != '\0',
		      "cli_parse_page_size: error without message");
	else
		check(rc_size == 0 && sz == 1ULL << vmsim_page_shift(ps),
		      "cli_parse_page_size accepted what is not that size");
	free(s);
	return rc ? rc : (rc_size ? rc_size : rc_page);
}

static const struct {
	const char *name;
	fuzz_target_fn fn;
} targets[] = {
    {"lackey", fuzz_lackey},	     {"champsim", fuzz_champsim}, {"vmsim", fuzz_vmsim},
    {"trace_auto", fuzz_trace_auto}, {"scenario", fuzz_scenario}, {"refstring", fuzz_refstring},
    {"cliparse", fuzz_cliparse},
};

fuzz_target_fn fuzz_target_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].fn;
	return NULL;
}
