/*
 * The built-in MMU tour: the default workload of `vmsim run`. It builds a
 * small machine and shows, with real page tables and real counts, the
 * mechanisms of the seed document that the hardware half implements: the
 * address split and the page walk, per-process translation and isolation,
 * protection faults, TLB reach and LRU thrashing, and huge pages. Its output
 * is deterministic. Callers: src/cli/cmd_run.c.
 */
#ifndef VMSIM_TOUR_H
#define VMSIM_TOUR_H

#include <stdio.h>

#include "vmsim/mmu.h"

/* Run the tour on a CPU configured as @cfg (levels 4 or 5), printing to
 * @out. Returns 0 or a VMSIM_E* code (e.g. VMSIM_ENOHOSTMEM). */
int tour_run(FILE *out, const struct vmsim_mmu_cfg *cfg);

#endif
