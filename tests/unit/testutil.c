#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmsim/error.h"

unsigned testutil_skips;
static bool result_taken;

static void check_skips_reported(void)
{
	if (testutil_skips && !result_taken) {
		fprintf(stderr,
			"testutil: %u case(s) skipped, but main does not return "
			"testutil_result(): reporting a failure\n",
			testutil_skips);
		fflush(stdout);
		_exit(1);
	}
}

void testutil_note_skip(void)
{
	if (testutil_skips++ == 0)
		atexit(check_skips_reported);
}

int testutil_result(int failed)
{
	result_taken = true;
	if (failed)
		return 1;
	if (testutil_skips) {
		printf("%u case(s) skipped: reported to CTest as skipped\n", testutil_skips);
		return TESTUTIL_SKIPPED;
	}
	return 0;
}

const char *testutil_strerror(int rc)
{
	return vmsim_strerror(rc);
}

struct vmsim_system *test_machine(uint64_t ram, bool data, bool swap)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.data_mode = data;
	if (!swap)
		cfg.swap_bytes = 0;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

void check_sys(struct vmsim_system *sys)
{
	char why[256] = "";
	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
}

int new_proc(struct vmsim_system *sys)
{
	int pid;
	assert_ok(vmsim_process_create(sys, &pid));
	return pid;
}

struct vmsim_sys_stats sst(struct vmsim_system *sys)
{
	struct vmsim_sys_stats s;
	assert_ok(vmsim_sys_stats(sys, &s));
	return s;
}

struct vmsim_proc_stats pst(struct vmsim_system *sys, int pid)
{
	struct vmsim_proc_stats s;
	assert_ok(vmsim_proc_stats(sys, pid, &s));
	return s;
}

void testutil_check_phys(const struct phys_mem *pm)
{
	char why[256] = "";
	if (phys_check(pm, why, sizeof(why)) != 0)
		fail_msg("phys invariant broken: %s", why);
}

FILE *capture_start(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

char *capture_end(struct capture *c)
{
	fclose(c->f);
	return c->text;
}
