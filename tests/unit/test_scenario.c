/*
 * The scenario engine (src/workload/scenario*.c) from C: syntax errors with
 * their positions, failed checks that name the line, the condition and the
 * value, errors at run time that stop the run, last.* figures, processes
 * taking turns, headline mode, the caller's machine settings, reset, hooks
 * and the end-of-run callback, and the built-in scenarios (tour order,
 * titles, every one parses). Each run that builds a machine is checked with
 * vmsim_check at its end (opts.check).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/scenario.h"

/* One run with its output and errors captured. */
struct run {
	int rc;
	struct scenario_result res;
	char *out, *err;
	size_t outlen, errlen;
};

static void run_opts(struct run *r, const char *text, struct scenario_opts *o)
{
	FILE *out = open_memstream(&r->out, &r->outlen);
	FILE *err = open_memstream(&r->err, &r->errlen);
	assert_non_null(out);
	assert_non_null(err);
	o->out = out;
	o->err = err;
	o->check = true;
	r->rc = scenario_run_text("t.vms", text, NULL, o, &r->res);
	fclose(out);
	fclose(err);
}

static void run(struct run *r, const char *text)
{
	struct scenario_opts o = {0};
	run_opts(r, text, &o);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* ---- syntax ------------------------------------------------------------------ */

static void syntax_error_names_line_column_and_expectation(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"process A\nmmap A x 4K\ntuch A x read\n",
	     "t.vms:3:1: unknown command 'tuch' (did you mean 'touch'?)"},
	    {"process A\nmmap A x 4K\ntouch A x[0:8K read\n",
	     "t.vms:3:16: expected ']' closing the range, found 'read'"},
	    {"process A\nmmap A x 4K\nexpect A.rss >> 3\n",
	     "t.vms:3:15: expected a value (a number, a name such as A.rss, or a function), found "
	     "'>'"},
	    {"machine ram=lots\n",
	     "t.vms:1:13: ram: expected a size such as 64M or 1G, found 'lots'"},
	    {"process A\nfork A A\n", "t.vms:2:8: there is a process named 'A' already"},
	    {"process A\nmmap A x 4K\nmunmap A x\ntouch A x read\n",
	     "t.vms:4:9: process A has no area named 'x' (map it with 'mmap A x SIZE')"},
	    {"process A\nprocess B\nmmap A x 4K\ntouch A,B x read\n",
	     "t.vms:4:11: process B has no area named 'x'"},
	    {"show translate 0x7ffd12345678 levels=6\n", "t.vms:1:38: expected 4 or 5, found '6'"},
	};
	char err[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(scenario_check_syntax("t.vms", cases[i].text, err, sizeof(err)),
				 VMSIM_EPARSE);
		assert_string_equal(err, cases[i].msg);
	}
	assert_int_equal(scenario_check_syntax("t.vms", "# only a comment\n\n", err, sizeof(err)),
			 0);
}

static void syntax_error_stops_before_anything_runs(void **state)
{
	(void)state;
	struct run r;
	run(&r, "print first line\nprocess A\nmmap A x 4Z\n");
	assert_int_equal(r.rc, VMSIM_EPARSE);
	assert_int_equal(r.outlen, 0); /* not even the print of line 1 */
	assert_non_null(strstr(r.err, "t.vms:3:11: unknown unit 'Z'"));
	run_free(&r);
}

/* ---- checks and errors ----------------------------------------------------------- */

static void failed_check_reports_and_run_goes_on(void **state)
{
	(void)state;
	struct run r;
	run(&r, "process A\nmmap A x 64K\ntouch A x write\nexpect A.rss == 32K\n"
		"expect A.faults.minor == 16\nprint done\n");
	assert_int_equal(r.rc, VMSIM_ECHECK);
	assert_int_equal(r.res.expects, 2);
	assert_int_equal(r.res.failed, 1);
	assert_string_equal(r.err, "t.vms:4: expect failed: A.rss == 32K: got 64 KiB = 65,536 "
				   "bytes, expected == 32 KiB = 32,768 bytes\n");
	assert_string_equal(r.out, "ok   A.faults.minor == 16   [16]\ndone\n");
	run_free(&r);
}

static void runtime_error_stops_the_run(void **state)
{
	(void)state;
	struct run r;
	run(&r, "process A\nmmap A x 8K\nmunmap A x+100[0:4K]\nprint never\n");
	assert_int_equal(r.rc, VMSIM_EINVAL);
	assert_string_equal(r.err, "t.vms:3: munmap: invalid argument (addresses and offsets of "
				   "system calls must be page-aligned)\n");
	assert_null(strstr(r.out, "never"));
	run_free(&r);
}

static void last_figures_cover_only_the_last_touch(void **state)
{
	(void)state;
	struct run r;
	run(&r, "machine cpu=seed\nprocess A\nmmap A x 64 * 4K populate\n"
		"touch A x read\ntouch A x read times=3\n"
		"expect last.accesses == 192\nexpect last.faults == 0\n"
		"expect last.tlb.L1D.hits == 192\nexpect tlb.L1D.lookups == 256\n"
		"expect last.tlb.L1D.hit_ratio == 100%\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.expects, 5);
	run_free(&r);
	run(&r, "expect last.faults == 0\n");
	assert_int_equal(r.rc, VMSIM_ECHECK);
	assert_non_null(
	    strstr(r.err, "'last.' needs a touch, store, load, read or write before it"));
	run_free(&r);
}

static void processes_take_turns_in_slices(void **state)
{
	(void)state;
	struct run r;
	run(&r, "process A\nprocess B\nprocess C\nmmap A x 40K\nmmap B x 40K\nmmap C x 40K\n"
		"touch A,B,C x read count=100 slice=10\n"
		"expect A.accesses == 100\nexpect C.accesses == 100\n"
		"expect last.accesses == 300\nexpect context_switches == 30\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.failed, 0);
	run_free(&r);
}

static void headline_mode_prints_only_print_lines_and_failures(void **state)
{
	(void)state;
	struct run r;
	struct scenario_opts o = {.headline = true};
	run_opts(&r,
		 "process A\nmmap A x 64K\ntouch A x write\nshow faults\n"
		 "expect A.rss == 64K\nexpect A.rss == 1K\nprint rss {A.rss}\n",
		 &o);
	assert_int_equal(r.rc, VMSIM_ECHECK);
	assert_string_equal(r.out, "rss 64 KiB\n");
	assert_string_equal(r.err, "t.vms:6: expect failed: A.rss == 1K: got 64 KiB = 65,536 "
				   "bytes, expected == 1 KiB = 1,024 bytes\n");
	run_free(&r);
}

static void caller_settings_apply_after_the_scripts(void **state)
{
	(void)state;
	struct run r;
	static const char *const machine[] = {"cpu=seed", "ram=8M", NULL};
	struct scenario_opts o = {.machine = machine};
	run_opts(&r,
		 "machine cpu=zen4 ram=64M\nexpect tlb.L1D.entries == 64\n"
		 "expect mem.total == 8M\n",
		 &o);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.expects, 2);
	run_free(&r);
	static const char *const bad[] = {"colour=blue", NULL};
	o = (struct scenario_opts){.machine = bad};
	run_opts(&r, "process A\n", &o);
	assert_int_equal(r.rc, VMSIM_EINVAL);
	assert_string_equal(r.err, "t.vms: machine setting 'colour=blue': unknown machine setting "
				   "'colour'\n");
	run_free(&r);
}

static void reset_starts_a_new_machine(void **state)
{
	(void)state;
	struct run r;
	run(&r, "machine levels=4\nprocess A\nmmap A x 4K\ntouch A x write\n"
		"expect A.pt == 16K\nreset\nmachine levels=5\nprocess A\nmmap A y 4K\n"
		"touch A y write\nexpect A.pt == 20K\nexpect processes == 1\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.expects, 3);
	run_free(&r);
}

struct ticks {
	uint64_t calls, finals, last;
	int ends;
};

static void on_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct ticks *t = ctx;
	(void)sys;
	t->calls++;
	t->finals += final != 0;
	t->last = accesses;
}

static void on_end(void *ctx, struct vmsim_system *sys, const struct run_names *names)
{
	struct ticks *t = ctx;
	assert_non_null(sys);
	char buf[64];
	assert_string_equal(run_proc_name(names, 1), "A");
	assert_null(run_proc_name(names, 2));
	assert_string_equal(run_area_names(names, 1, 0, UINT64_MAX, buf, sizeof(buf)), "x");
	t->ends++;
}

static void hooks_tick_and_end_callback_runs(void **state)
{
	(void)state;
	struct ticks t = {0};
	struct run_hooks h = {.tick = on_tick, .ctx = &t, .every = 100};
	struct scenario_opts o = {.hooks = &h, .at_end = on_end, .ctx = &t};
	struct run r;
	run_opts(&r, "process A\nmmap A x 1M\ntouch A x read count=1000 random\n", &o);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.accesses, 1000);
	assert_int_equal(t.calls, 10 + 1);
	assert_int_equal(t.finals, 1);
	assert_int_equal(t.last, 1000);
	assert_int_equal(t.ends, 1);
	run_free(&r);
}

static void data_mode_load_checks_bytes(void **state)
{
	(void)state;
	struct run r;
	run(&r, "machine data=on\nprocess A\nmmap A b 8K\nstore A b+4090 \"across\"\n"
		"load A b+4090 6 expect \"across\"\nload A b+4093 3\n"
		"load A b 2 expect \"\\x00\\0\"\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.res.expects, 2);
	assert_non_null(strstr(r.out, "A reads \"oss\" at 0x"));
	run_free(&r);
}

/* ---- built-in scenarios ------------------------------------------------------------ */

static void builtins_come_in_tour_order_with_titles(void **state)
{
	(void)state;
	size_t n = scenario_builtin_count();
	int group = 0;
	char title[128], err[512];
	assert_true(n >= 20);
	assert_string_equal(scenario_builtin_at(0)->name, "s01-virtual-physical");
	for (size_t i = 0; i < n; i++) {
		const struct embedded_file *f = scenario_builtin_at(i);
		assert_non_null(f);
		int g = f->name[0] == 's' ? 0 : f->name[0] == 'e' ? 1 : 2;
		assert_true(g >= group); /* sections, then exercises, then the rest */
		group = g;
		if (i > 0 && g == (scenario_builtin_at(i - 1)->name[0] == 's' ? 0 : 1))
			assert_true(strcmp(scenario_builtin_at(i - 1)->name, f->name) < 0);
		scenario_title(f->text, title, sizeof(title));
		assert_true(strlen(title) > 10);
		if (scenario_check_syntax(f->name, f->text, err, sizeof(err)))
			fail_msg("%s", err);
		assert_ptr_equal(scenario_builtin_find(f->name), f);
	}
	assert_null(scenario_builtin_at(n));
	assert_null(scenario_builtin_find("no-such-scenario"));
}

/* hooks.stop set: the run ends before the next statement (and inside a
 * touch, at the next access), the result says interrupted, at_end runs. */
static int g_at_end;

static void count_end(void *ctx, struct vmsim_system *sys, const struct run_names *names)
{
	(void)ctx;
	(void)sys;
	(void)names;
	g_at_end++;
}

static void stop_flag_ends_the_run_as_interrupted(void **state)
{
	volatile sig_atomic_t stop = SIGTERM;
	struct run_hooks h = {.stop = &stop};
	struct scenario_opts o = {.hooks = &h, .at_end = count_end};
	struct run r;
	(void)state;

	g_at_end = 0;
	run_opts(&r, "process A\nmmap A work 1M\ntouch A work write seq\nexpect 1 == 2\n", &o);
	assert_int_equal(r.rc, 0);
	assert_true(r.res.interrupted);
	assert_int_equal(r.res.failed, 0); /* the expect never ran */
	run_free(&r);

	stop = 0;
	run_opts(&r, "process A\nmmap A work 1M\ntouch A work write seq\n", &o);
	assert_int_equal(r.rc, 0);
	assert_false(r.res.interrupted);
	assert_int_equal(r.res.accesses, 256);
	assert_int_equal(g_at_end, 1);
	run_free(&r);
}

static void title_is_read_without_running(void **state)
{
	(void)state;
	char t[32];
	scenario_title("# comment\n  title   Hello there  \nprocess A\n", t, sizeof(t));
	assert_string_equal(t, "Hello there");
	scenario_title("process A\n", t, sizeof(t));
	assert_string_equal(t, "");
	scenario_title("titles are not titles\n", t, sizeof(t));
	assert_string_equal(t, "");
}

static void unknown_builtin_is_an_error(void **state)
{
	(void)state;
	FILE *err = fopen("/dev/null", "w");
	struct scenario_opts o = {.err = err};
	struct scenario_result res;
	assert_int_equal(scenario_run_builtin("nope", &o, &res), VMSIM_ENOENT);
	assert_int_equal(res.expects, 0);
	assert_int_equal(scenario_run_file("/nonexistent.vms", &o, &res), VMSIM_EIO);
	fclose(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(syntax_error_names_line_column_and_expectation),
	    cmocka_unit_test(syntax_error_stops_before_anything_runs),
	    cmocka_unit_test(failed_check_reports_and_run_goes_on),
	    cmocka_unit_test(runtime_error_stops_the_run),
	    cmocka_unit_test(last_figures_cover_only_the_last_touch),
	    cmocka_unit_test(processes_take_turns_in_slices),
	    cmocka_unit_test(headline_mode_prints_only_print_lines_and_failures),
	    cmocka_unit_test(caller_settings_apply_after_the_scripts),
	    cmocka_unit_test(reset_starts_a_new_machine),
	    cmocka_unit_test(hooks_tick_and_end_callback_runs),
	    cmocka_unit_test(data_mode_load_checks_bytes),
	    cmocka_unit_test(builtins_come_in_tour_order_with_titles),
	    cmocka_unit_test(title_is_read_without_running),
	    cmocka_unit_test(stop_flag_ends_the_run_as_interrupted),
	    cmocka_unit_test(unknown_builtin_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
