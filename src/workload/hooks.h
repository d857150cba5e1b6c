/*
 * What a workload driver (trace replay, scenario runner, generators) lets
 * its caller observe while it runs: a tick every N accesses, for progress
 * bars and time series. Callers: src/cli/, the report layer's samplers.
 */
#ifndef VMSIM_HOOKS_H
#define VMSIM_HOOKS_H

#include <signal.h>
#include <stdint.h>

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

#endif
