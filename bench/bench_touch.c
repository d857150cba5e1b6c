/*
 * bench_touch: the C side of the Python range-call comparison
 * (bench/python_touch.py): one write to each of 10^6 fresh anonymous pages
 * of one process, as a loop of vmsim_access calls, on a machine of 8 GiB.
 * Prints the seconds of the loop alone (machine setup excluded), the best
 * of @runs (default 3).
 *
 * usage: bench_touch [PAGES [RUNS]]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/addr.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double once(uint64_t pages)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	int pid, rc;
	vaddr_t a;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 8ull << 30;
	cfg.swap_bytes = 0;
	if ((rc = vmsim_system_new(&cfg, &sys)) || (rc = vmsim_process_create(sys, &pid)) ||
	    (rc = vmsim_mmap(sys, pid, 0, pages * 4096, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a))) {
		fprintf(stderr, "bench_touch: %s\n", vmsim_strerror(rc));
		exit(1);
	}
	double t0 = now();
	for (uint64_t i = 0; i < pages; i++)
		if ((rc = vmsim_access(sys, pid, a + i * 4096, 1, VMSIM_WRITE, NULL))) {
			fprintf(stderr, "bench_touch: vmsim_access: %s\n", vmsim_strerror(rc));
			exit(1);
		}
	double dt = now() - t0;
	vmsim_system_free(sys);
	return dt;
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	double best = 1e30;
	for (int r = 0; r < runs; r++) {
		double dt = once(pages);
		if (dt < best)
			best = dt;
	}
	printf("c_api_touch %" PRIu64 " pages %.4f s\n", pages, best);
	return 0;
}
