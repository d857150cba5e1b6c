/*
 * fork as Linux 6.x does it (vma_needs_copy): page tables are copied only
 * for areas that have had anonymous pages. Shared memory, shared file
 * mappings and private file mappings without a private copy start empty in
 * the child, which faults their pages in from the page cache (minor
 * faults), so the parent's Pss is not halved at fork; private anonymous
 * pages are shared copy-on-write as before. Data mode, vmsim_check after
 * every case.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG   VMSIM_PAGE_SIZE
#define P(n) ((uint64_t)(n)*PG)
#define RW   (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PRIV (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define SHM  (VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS)

struct fx {
	struct vmsim_system *sys;
	int pid;
	char path[64];
	int fd; /* a 64 KiB host file (16 pages), mapped through vmsim */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;
	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64ULL << 20;
	cfg.data_mode = true;
	cfg.check_every_event = true;
	cfg.fault_around_bytes = 0; /* one page per fault: counts stay simple */
	snprintf(f->path, sizeof(f->path), "/tmp/vmsim-fork-%d", (int)getpid());
	FILE *h = fopen(f->path, "w");
	if (!h)
		return -1;
	for (int i = 0; i < 16 * 4096; i++)
		fputc('a' + i / 4096, h);
	fclose(h);
	if (vmsim_system_new(&cfg, &f->sys) || vmsim_process_create(f->sys, &f->pid) ||
	    vmsim_file_open(f->sys, f->path, false, &f->fd))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	int rc = vmsim_check(f->sys, why, sizeof(why));
	vmsim_system_free(f->sys);
	unlink(f->path);
	free(f);
	if (rc)
		fail_msg("vmsim_check: %s", why);
	return 0;
}

static struct vmsim_proc_stats stats(struct fx *f, int pid)
{
	struct vmsim_proc_stats ps;
	assert_ok(vmsim_proc_stats(f->sys, pid, &ps));
	return ps;
}

static void touch(struct fx *f, int pid, vaddr_t va, unsigned n, enum vmsim_access_kind k)
{
	for (unsigned i = 0; i < n; i++)
		assert_ok(vmsim_access(f->sys, pid, va + P(i), 1, k, NULL));
}

static void fork_copies_no_ptes_of_shared_and_clean_file_areas(void **state)
{
	struct fx *f = *state;
	vaddr_t file, shm;
	int child;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(16), VMSIM_PROT_READ, VMSIM_MAP_PRIVATE, f->fd, 0,
			     &file));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(8), RW, SHM, -1, 0, &shm));
	touch(f, f->pid, file, 16, VMSIM_READ);
	touch(f, f->pid, shm, 8, VMSIM_WRITE);
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	struct vmsim_proc_stats c = stats(f, child), p = stats(f, f->pid);
	assert_int_equal(c.rss, 0);		   /* nothing copied */
	assert_int_equal(p.pss, P(16) + P(8));	   /* not halved */
	assert_int_equal(c.vm_size, P(16) + P(8)); /* the areas are there */
	/* the child faults them in, minor (the page cache has them) */
	touch(f, child, file, 16, VMSIM_READ);
	touch(f, child, shm, 8, VMSIM_READ);
	c = stats(f, child);
	assert_int_equal(c.faults_minor, 24);
	assert_int_equal(c.faults_major, 0);
	assert_int_equal(c.rss_file, P(16));
	assert_int_equal(c.rss_shmem, P(8));
	/* and sees the parent's shared bytes */
	uint8_t b = 0;
	assert_ok(vmsim_store(f->sys, f->pid, shm + 5, "x", 1));
	assert_ok(vmsim_load(f->sys, child, shm + 5, &b, 1));
	assert_int_equal(b, 'x');
	assert_ok(vmsim_load(f->sys, child, file + P(3), &b, 1));
	assert_int_equal(b, 'd');
}

static void fork_copies_ptes_of_areas_with_anonymous_pages(void **state)
{
	struct fx *f = *state;
	vaddr_t anon, file;
	int child;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(8), RW, PRIV, -1, 0, &anon));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(16), RW, VMSIM_MAP_PRIVATE, f->fd, 0, &file));
	touch(f, f->pid, anon, 8, VMSIM_WRITE);
	touch(f, f->pid, file, 16, VMSIM_READ);
	touch(f, f->pid, file, 1, VMSIM_WRITE); /* one private copy: the area needs copying */
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	struct vmsim_proc_stats c = stats(f, child);
	assert_int_equal(c.rss_anon, P(8) + P(1));
	assert_int_equal(c.rss_file, P(15));
	assert_int_equal(stats(f, f->pid).pss, (P(8) + P(16)) / 2);
	touch(f, child, anon, 8, VMSIM_READ);
	assert_int_equal(stats(f, child).faults_minor, 0); /* copied: no fault */
}

static void fork_skips_private_anonymous_area_with_only_zero_pages(void **state)
{
	struct fx *f = *state;
	vaddr_t a;
	int child;
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, P(4), RW, PRIV, -1, 0, &a));
	touch(f, f->pid, a, 4, VMSIM_READ); /* zero pages: no anonymous page yet */
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	touch(f, child, a, 4, VMSIM_READ);
	assert_int_equal(stats(f, child).faults_minor, 4); /* the child maps its own */
	assert_int_equal(stats(f, child).zero_maps, 4);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(fork_copies_no_ptes_of_shared_and_clean_file_areas),
	    T(fork_copies_ptes_of_areas_with_anonymous_pages),
	    T(fork_skips_private_anonymous_area_with_only_zero_pages),
	};
	return cmocka_run_group_tests_name("fork", tests, NULL, NULL);
}
