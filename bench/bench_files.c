/*
 * bench_files: memory-mapped files and huge pages through the whole stack.
 *   file-seq-cold    sequential reads of a 1 GiB virtual file, cold cache
 *                    (readahead + fault-around): faults/s and accesses/s
 *   file-rand-cold   random page reads, MADV_RANDOM, cold: major faults/s
 *   file-rand-warm   random page reads, MADV_RANDOM, warm cache: minor faults/s
 *   stream-4k        a 1 GiB anonymous array read page by page, 4 KiB pages
 *   stream-thp       the same with transparent huge pages
 *
 * usage: bench_files [--quick]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/addr.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define MiB (1ULL << 20)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_files: %s: %s\n", what, vmsim_strerror(rc));
	exit(1);
}

static struct vmsim_system *machine(uint64_t ram, int thp)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.thp = thp;
	int rc = vmsim_system_new(&cfg, &sys);
	if (rc)
		die("vmsim_system_new", rc);
	return sys;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Read @size bytes of a fresh mapping of @fd, page by page (random order
 * when @random), and print the rates. */
static void file_run(const char *name, uint64_t size, bool random, bool warm)
{
	struct vmsim_system *sys = machine(2 * size + 256 * MiB, VMSIM_THP_NEVER);
	int fd, pid, rc;
	vaddr_t a;
	if ((rc = vmsim_file_create_virtual(sys, size, &fd)) ||
	    (rc = vmsim_process_create(sys, &pid)))
		die("setup", rc);
	uint64_t pages = size >> 12, seed = 88172645463325252ULL;
	if (warm) {
		int w;
		if ((rc = vmsim_process_create(sys, &w)) ||
		    (rc = vmsim_mmap(sys, w, 0, size, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, 0,
				     &a)))
			die("warm", rc);
		for (uint64_t i = 0; i < pages; i++)
			vmsim_access(sys, w, a + (i << 12), 1, VMSIM_READ, NULL);
		vmsim_exit(sys, w);
	}
	if ((rc = vmsim_mmap(sys, pid, 0, size, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, fd, 0, &a)))
		die("mmap", rc);
	if (random)
		vmsim_madvise(sys, pid, a, size, VMSIM_MADV_RANDOM);
	double t0 = now();
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pg = random ? xorshift(&seed) % pages : i;
		vmsim_access(sys, pid, a + (pg << 12), 1, VMSIM_READ, NULL);
	}
	double dt = now() - t0;
	struct vmsim_proc_stats p;
	vmsim_proc_stats(sys, pid, &p);
	uint64_t faults = p.faults_minor + p.faults_major;
	printf("%-15s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %12.2f %12.2f\n", name, pages,
	       p.faults_major, p.faults_minor, (double)faults / dt / 1e6, (double)pages / dt / 1e6);
	vmsim_system_free(sys);
}

static void stream_run(const char *name, uint64_t size, int thp, unsigned passes)
{
	struct vmsim_system *sys = machine(size + 256 * MiB, thp);
	int pid, rc;
	vaddr_t a;
	if ((rc = vmsim_process_create(sys, &pid)) ||
	    (rc = vmsim_mmap(sys, pid, 0x40000000000ULL, size, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED, -1, 0, &a)))
		die("setup", rc);
	for (uint64_t off = 0; off < size; off += 4096) /* fault everything in */
		vmsim_access(sys, pid, a + off, 1, VMSIM_WRITE, NULL);
	struct vmsim_sys_stats s0, s1;
	vmsim_sys_stats(sys, &s0);
	uint64_t n = 0;
	double t0 = now();
	for (unsigned p = 0; p < passes; p++)
		for (uint64_t off = 0; off < size; off += 64, n++)
			vmsim_access(sys, pid, a + off, 8, VMSIM_READ, NULL);
	double dt = now() - t0;
	vmsim_sys_stats(sys, &s1);
	printf("%-15s %10" PRIu64 " %10" PRIu64 " %22.2f  (est. %.3f s simulated)\n", name, n,
	       s1.mmu.walk.walks - s0.mmu.walk.walks, (double)n / dt / 1e6,
	       s1.seconds - s0.seconds);
	vmsim_system_free(sys);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	uint64_t size = quick ? 128 * MiB : 1024 * MiB;
	printf("bench_files: single thread, %llu MiB file / array\n",
	       (unsigned long long)(size / MiB));
	printf("%-15s %10s %10s %10s %12s %12s\n", "stream", "pages", "major", "minor",
	       "M faults/s", "M access/s");
	file_run("file-seq-cold", size, false, false);
	file_run("file-rand-cold", size, true, false);
	file_run("file-rand-warm", size, true, true);
	printf("%-15s %10s %10s %22s\n", "stream", "accesses", "walks", "M accesses/s");
	stream_run("stream-4k", size, VMSIM_THP_NEVER, 2);
	stream_run("stream-thp", size, VMSIM_THP_ALWAYS, 2);
	return 0;
}
