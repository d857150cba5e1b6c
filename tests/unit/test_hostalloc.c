/*
 * Host allocation failures (SQLite's do_malloc_test): this binary is linked
 * with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, so every allocation
 * the library makes goes through the wrappers below, which can make the
 * N-th one fail. A fixed workload (system creation with swap and data mode,
 * two processes after a fork, private memory larger than RAM, a shared
 * host-file mapping, munmap, exit) runs once to count its allocations, then
 * once for every N with the N-th made to fail. Every run must end without a
 * crash (each call returns success or an error; nothing aborts), leave a
 * system that passes vmsim_check once the failures stop, and free everything
 * (leaks: ASan in CI). A run whose failure hit a step is also allowed to
 * see later steps fail; none may report success with wrong data.
 */
#define _DEFAULT_SOURCE /* mkstemp */

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG   4096ULL
#define RW   (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA   (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define NPRV 96 /* private pages per process (RAM is 64 frames) */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

static unsigned long nallocs; /* allocations seen while armed */
static unsigned long fail_at; /* fail this one (0: none) */
static bool armed;

static bool fail_now(void)
{
	if (!armed)
		return false;
	return ++nallocs == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return fail_now() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

/* One run of the workload; returns the system (NULL if creation failed).
 * *@bad counts loads that succeeded with wrong bytes. */
static struct vmsim_system *workload(const char *path, unsigned *bad)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys = NULL;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * PG;
	cfg.swap_bytes = 1024 * PG;
	cfg.data_mode = true;
	if (vmsim_system_new(&cfg, &sys) != 0)
		return NULL;
	int pid = -1, child = -1, fd = -1;
	vaddr_t a = 0, f = 0;
	if (vmsim_process_create(sys, &pid) != 0)
		return sys;
	bool mapped = vmsim_mmap(sys, pid, 0, NPRV * PG, RW, PA, -1, 0, &a) == 0;
	uint64_t stored[NPRV] = {0}; /* what the parent stored (0: nothing) */
	for (uint64_t i = 0; mapped && i < NPRV; i++) {
		uint64_t v = 0x1000 + i;
		if (vmsim_store(sys, pid, a + i * PG, &v, sizeof(v)) == 0)
			stored[i] = v;
	}
	if (vmsim_file_open(sys, path, true, &fd) == 0 &&
	    vmsim_mmap(sys, pid, 0, 4 * PG, RW, VMSIM_MAP_SHARED, fd, 0, &f) == 0) {
		(void)vmsim_store(sys, pid, f + 5, "F", 1);
		(void)vmsim_msync(sys, pid, f, 4 * PG, VMSIM_MS_SYNC);
	}
	if (vmsim_fork(sys, pid, &child) == 0) {
		for (uint64_t i = 0; mapped && i < NPRV; i += 3) {
			uint64_t v = 0x2000 + i;
			(void)vmsim_store(sys, child, a + i * PG, &v, sizeof(v));
		}
	}
	for (uint64_t i = 0; mapped && i < NPRV; i++) {
		uint64_t v = 0;
		/* a load that works must return what the parent stored */
		if (stored[i] && vmsim_load(sys, pid, a + i * PG, &v, sizeof(v)) == 0 &&
		    v != stored[i])
			(*bad)++;
	}
	if (mapped)
		(void)vmsim_munmap(sys, pid, a + 8 * PG, 16 * PG);
	if (child >= 0)
		(void)vmsim_exit(sys, child);
	if (fd >= 0)
		(void)vmsim_file_close(sys, fd);
	return sys;
}

static void every_failed_host_allocation_unwinds(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsim-test-hostalloc-XXXXXX";
	int hfd = mkstemp(path);
	assert_true(hfd >= 0);
	char zeros[4 * PG] = {0};
	assert_int_equal(write(hfd, zeros, sizeof(zeros)), (ssize_t)sizeof(zeros));
	close(hfd);

	unsigned bad = 0;
	armed = true;
	nallocs = 0;
	fail_at = 0;
	struct vmsim_system *sys = workload(path, &bad);
	armed = false;
	unsigned long total = nallocs;
	assert_non_null(sys);
	assert_int_equal(bad, 0);
	assert_true(total > 20); /* the workload does allocate */
	check_sys(sys);
	vmsim_system_free(sys);

	unsigned long ended_early = 0;
	for (unsigned long n = 1; n <= total; n++) {
		armed = true;
		nallocs = 0;
		fail_at = n;
		sys = workload(path, &bad);
		armed = false;
		assert_int_equal(bad, 0);
		if (!sys) {
			ended_early++;
			continue;
		}
		check_sys(sys);
		vmsim_system_free(sys);
	}
	print_message("%lu allocations, %lu runs ended at creation\n", total, ended_early);
	/* creation fails for the first few N, not for all of them */
	assert_true(ended_early > 0 && ended_early < total);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_failed_host_allocation_unwinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
