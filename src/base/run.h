/*
 * What a workload driver (trace replay, scenario runner, generators) lets
 * its observers see: a tick every N accesses while it runs, for progress
 * bars and time series, and the names it gave its processes and areas, for
 * reports. Plain data and one callback the driver makes: the drivers
 * (src/workload/) and the observers (src/report/, src/cli/) both include
 * this and not each other, and a report never calls into a driver.
 */
#ifndef VMSIM_BASE_RUN_H
#define VMSIM_BASE_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/types.h"

struct vmsim_system;

struct run_hooks {
	/* Called after every @every accesses the driver makes (NULL: never),
	 * and once more at the end with @final true. */
	void (*tick)(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final);
	void *ctx;	/* passed back */
	uint64_t every; /* accesses between ticks; 0: only the final one */
	/* Non-NULL: the driver reads *stop between accesses (a trace replay
	 * between batches of TRACE_BATCH records) and, once it is nonzero,
	 * ends the run there as if the workload had ended: the final tick
	 * comes, the result says interrupted. The caller sets it, typically
	 * from its own SIGINT handler; the library installs no handler. */
	const volatile sig_atomic_t *stop;
};

/* An area a workload named: [start, start + len) of its process. */
struct run_area {
	const char *name; /* NULL: no longer named (unmapped), skipped */
	vaddr_t start;
	uint64_t len;
};

/* A process a workload named, with its named areas (may be none). */
struct run_proc {
	const char *name;
	int pid;
	const struct run_area *areas;
	size_t nareas;
};

/* The names a report prints instead of pids and the kernel's VMA names;
 * a pid or area not listed is printed as the kernel knows it. Valid for
 * the call it is passed to. */
struct run_names {
	const struct run_proc *procs;
	size_t nprocs;
};

/* The name of @pid in @names (NULL allowed), or NULL. */
const char *run_proc_name(const struct run_names *names, int pid);

/* The names of @pid's areas inside [@start, @end), joined by '+' into @buf
 * ("heap+buf"), or NULL when none is named there. */
const char *run_area_names(const struct run_names *names, int pid, vaddr_t start, vaddr_t end,
			   char *buf, size_t len);

#endif
