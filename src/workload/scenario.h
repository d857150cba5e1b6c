/*
 * Scenarios: small line-based scripts (.vms files) that build a machine,
 * create processes, map and touch memory, print explanations and reports,
 * and check their own results with `expect` lines. The language is
 * documented in docs/SCENARIOS.md.
 *
 * A run parses the whole script first (a syntax error stops it before
 * anything runs, with file:line:column and what was expected), then runs
 * it statement by statement on a fresh vmsim_system. A failed `expect` is
 * reported (file:line, the expression, the actual value) and the run goes
 * on, so one run shows every failure; an error at run time (a system call
 * that fails, a process that does not exist) stops it.
 *
 * Built-in scenarios are the .vms files of scenarios/, compiled into the
 * library (workload/embedded.h). Callers: src/cli/ (vmsim run, tour,
 * scenarios, show) and tests.
 */
#ifndef VMSIM_SCENARIO_H
#define VMSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/run.h"
#include "vmsim/vm.h"
#include "workload/embedded.h"

struct scenario_opts {
	FILE *out;     /* print lines, reports, passed checks; NULL: stdout */
	FILE *err;     /* errors and failed checks; NULL: stderr */
	bool headline; /* only print lines and failures: no reports, no "ok" lines */
	bool check;    /* vmsim_check at every reset and at the end; a violation fails */
	const char *const *machine;    /* "key=value" machine settings applied after the
					  script's own (as on a `machine` line); NULL-terminated,
					  may be NULL */
	const struct run_hooks *hooks; /* tick every N accesses; may be NULL */
	/* Called once at the end of a run that built a machine, before the
	 * machine is freed (also after a failed check, not after an error);
	 * may be NULL. For end-of-run reports. */
	void (*at_end)(void *ctx, struct vmsim_system *sys, const struct run_names *names);
	void *ctx; /* passed to at_end */
};

struct scenario_result {
	unsigned expects;  /* checks made (expect lines and load ... expect) */
	unsigned failed;   /* of which failed */
	uint64_t accesses; /* vmsim_access calls made by touch lines (rmw: two each) */
	bool interrupted;  /* hooks->stop ended the run early (at_end still called) */
	char title[128];   /* its title line, or "" */
};

/*
 * Run the scenario @text, named @name in messages ("s01.vms" or a path).
 * Relative host-file paths in it are taken from @dir (NULL: the current
 * directory). @o and @res may be NULL. Returns 0 when it ran to the end and
 * every check passed; VMSIM_ECHECK when it ran but a check (or vmsim_check)
 * failed; VMSIM_EPARSE for a syntax error; another negative VMSIM_E* when
 * it stopped on an error at run time. Every message is already printed on
 * o->err; *@res is filled in every case.
 */
int scenario_run_text(const char *name, const char *text, const char *dir,
		      const struct scenario_opts *o, struct scenario_result *res /* out */);

/* Read the file @path and run it as scenario_run_text does. VMSIM_EIO
 * (printed) if it cannot be read. */
int scenario_run_file(const char *path, const struct scenario_opts *o,
		      struct scenario_result *res /* out */);

/* Run the built-in scenario @name. VMSIM_ENOENT (printed) if there is none. */
int scenario_run_builtin(const char *name, const struct scenario_opts *o,
			 struct scenario_result *res /* out */);

/* Only parse @text: 0, or VMSIM_EPARSE with the message in @err ("name:
 * line:col: ..." without newline). */
int scenario_check_syntax(const char *name, const char *text, char *err /* out */, size_t errlen);

/* The built-in scenarios in tour order: the seed's sections (s01, s02,
 * ...), then its exercises (ex01, ...), then any other name, each group in
 * name order. */
size_t scenario_builtin_count(void);
const struct embedded_file *scenario_builtin_at(size_t i); /* NULL past the end */

/* The built-in scenario @name, or NULL. */
const struct embedded_file *scenario_builtin_find(const char *name);

/* The text of @text's `title` line into @buf ("" if it has none). */
void scenario_title(const char *text, char *buf /* out */, size_t len);

#endif
