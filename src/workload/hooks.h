/*
 * What a workload driver (trace replay, scenario runner, generators) lets
 * its caller observe while it runs: a tick every N accesses, for progress
 * bars and time series. Callers: src/cli/, the report layer's samplers.
 */
#ifndef VMSIM_HOOKS_H
#define VMSIM_HOOKS_H

#include <stdint.h>

struct vmsim_system;

struct run_hooks {
	/* Called after every @every accesses the driver makes (NULL: never),
	 * and once more at the end with @final true. */
	void (*tick)(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final);
	void *ctx;	/* passed back */
	uint64_t every; /* accesses between ticks; 0: only the final one */
};

#endif
