/*
 * bench_kernel: accesses per second through the whole stack (vmsim_access:
 * process lookup, MMU, fault handler), single thread:
 *   tlb-friendly   cyclic reads over 32 resident pages (all TLB hits)
 *   first-touch    one write per page of fresh anonymous memory
 *                  (a minor fault, a frame allocated and zeroed, a PTE
 *                  written, per access), reported as faults/s
 *   read-zero      one read per page of fresh memory (zero-page faults)
 *   fork-cow       child writes every page after fork (COW copy per page)
 *
 * usage: bench_kernel [--quick]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_kernel: %s: %s\n", what, vmsim_strerror(rc));
	exit(1);
}

static struct vmsim_system *machine(uint64_t ram, bool data)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.data_mode = data;
	int rc = vmsim_system_new(&cfg, &sys);
	if (rc)
		die("vmsim_system_new", rc);
	return sys;
}

static vaddr_t map(struct vmsim_system *sys, int pid, uint64_t len)
{
	vaddr_t a;
	int rc = vmsim_mmap(sys, pid, 0, len, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			    VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a);
	if (rc)
		die("vmsim_mmap", rc);
	return a;
}

static void row(const char *name, uint64_t n, double dt, const char *unit)
{
	printf("%-14s %12" PRIu64 " %10.2f M %s/s\n", name, n, (double)n / dt / 1e6, unit);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	uint64_t scale = quick ? 10 : 1;
	int pid, child, rc;

	printf("bench_kernel: cpu preset skylake, single thread\n");
	printf("%-14s %12s %12s\n", "stream", "operations", "rate");

	struct vmsim_system *sys = machine(1ULL << 30, false);
	if ((rc = vmsim_process_create(sys, &pid)))
		die("create", rc);
	vaddr_t a = map(sys, pid, 32 * 4096);
	for (uint64_t i = 0; i < 32; i++)
		vmsim_access(sys, pid, a + i * 4096, 8, VMSIM_WRITE, NULL);
	uint64_t n = 100000000 / scale;
	double t0 = now();
	for (uint64_t i = 0, p = 0; i < n; i++) {
		vmsim_access(sys, pid, a + (p << 12) + (i & 0xff8), 8, VMSIM_READ, NULL);
		if (++p == 32)
			p = 0;
	}
	row("tlb-friendly", n, now() - t0, "accesses");
	vmsim_system_free(sys);

	/* 3 GiB of RAM; 2.5 GiB touched = 655,360 first-touch faults */
	uint64_t len = quick ? (256ULL << 20) : (2560ULL << 20);
	sys = machine(3ULL << 30, false);
	if ((rc = vmsim_process_create(sys, &pid)))
		die("create", rc);
	a = map(sys, pid, len);
	t0 = now();
	for (uint64_t off = 0; off < len; off += 4096)
		if ((rc = vmsim_access(sys, pid, a + off, 1, VMSIM_WRITE, NULL)))
			die("vmsim_access", rc);
	row("first-touch", len >> 12, now() - t0, "faults");
	vmsim_system_free(sys);

	sys = machine(3ULL << 30, false);
	if ((rc = vmsim_process_create(sys, &pid)))
		die("create", rc);
	a = map(sys, pid, len);
	t0 = now();
	for (uint64_t off = 0; off < len; off += 4096)
		vmsim_access(sys, pid, a + off, 1, VMSIM_READ, NULL);
	row("read-zero", len >> 12, now() - t0, "faults");
	vmsim_system_free(sys);

	len /= 2;
	sys = machine(3ULL << 30, false);
	if ((rc = vmsim_process_create(sys, &pid)))
		die("create", rc);
	a = map(sys, pid, len);
	for (uint64_t off = 0; off < len; off += 4096)
		vmsim_access(sys, pid, a + off, 1, VMSIM_WRITE, NULL);
	t0 = now();
	if ((rc = vmsim_fork(sys, pid, &child)))
		die("fork", rc);
	double tfork = now() - t0;
	t0 = now();
	for (uint64_t off = 0; off < len; off += 4096)
		if ((rc = vmsim_access(sys, child, a + off, 1, VMSIM_WRITE, NULL)))
			die("vmsim_access", rc);
	row("fork-cow", len >> 12, now() - t0, "faults");
	printf("%-14s %12" PRIu64 " %10.1f ms (pages shared)\n", "fork", len >> 12, tfork * 1e3);
	vmsim_system_free(sys);
	return 0;
}
