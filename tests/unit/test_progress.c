/*
 * The progress bar, driven by a fake clock: it stays silent for the first
 * second, on a stream that is not a terminal and when quiet; it shows rate
 * and ETA, redraws at most ten times a second and erases itself at the end.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/progress.h"

static double fake_time;

static double fake_now(void)
{
	return fake_time;
}

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
}

static void out_close(struct out *o)
{
	fclose(o->f);
	free(o->buf);
}

static void progress_format_shows_percent_rate_and_eta(void **state)
{
	char buf[256];
	(void)state;

	/* half of 2M accesses in 2 s: 500K/s, 2 s left */
	progress_format(buf, sizeof(buf), 120, 1000000, 2000000, 2.0);
	assert_string_equal(buf, "vmsim: [##########----------]  50.0%  1.00M/2.00M accesses  "
				 "500,000/s  ETA 0:02");
	/* unknown total: count, rate, elapsed */
	progress_format(buf, sizeof(buf), 120, 12345678, 0, 65.0);
	assert_string_equal(buf, "vmsim: 12.35M accesses  189,933/s  1:05 elapsed");
	/* never wider than the terminal */
	progress_format(buf, sizeof(buf), 30, 1, 2, 1.0);
	assert_int_equal(strlen(buf), 29);
}

/* A trace file a quarter read after 1 s: the bar from the bytes, the rate
 * from the accesses, 3 s left; a shorter bar on 80 columns; other units. */
static void progress_format_bytes_follows_the_file(void **state)
{
	char buf[256];
	(void)state;

	progress_format_bytes(buf, sizeof(buf), 120, 1 << 20, 4 << 20, 2500000, NULL, 1.0);
	assert_string_equal(buf, "vmsim: [#####---------------]  25.0% 1 MiB/4 MiB 2.50M accesses "
				 "2.50M/s ETA 0:03");
	progress_format_bytes(buf, sizeof(buf), 80, 1 << 20, 4 << 20, 2500000, NULL, 1.0);
	assert_string_equal(
	    buf, "vmsim: [##--------]  25.0% 1 MiB/4 MiB 2.50M accesses 2.50M/s ETA 0:03");
	progress_format_unit(buf, sizeof(buf), 120, 3, 16, "points", 6.0);
	assert_string_equal(buf,
			    "vmsim: [###-----------------]  18.8%  3/16 points  0/s  ETA 0:26");
}

static void progress_waits_a_second_then_redraws_at_most_ten_times_a_second(void **state)
{
	struct progress_opts o = {
	    .total = 1000, .mode = PROGRESS_ALWAYS, .now = fake_now, .width = 100};
	struct progress p;
	struct out out;
	(void)state;

	out_open(&out);
	o.out = out.f;
	fake_time = 100.0;
	progress_init(&p, &o);
	fake_time = 100.5;
	progress_update(&p, 100);
	fflush(out.f);
	assert_int_equal(out.len, 0); /* under a second: nothing */
	fake_time = 101.0;
	progress_update(&p, 200);
	fflush(out.f);
	assert_non_null(strstr(out.buf, "20.0%"));
	assert_non_null(strstr(out.buf, "ETA 0:04"));
	size_t after_first = out.len;
	fake_time = 101.05;
	progress_update(&p, 300);
	fflush(out.f);
	assert_int_equal(out.len, after_first); /* too soon to redraw */
	fake_time = 101.2;
	progress_update(&p, 400);
	fflush(out.f);
	assert_true(out.len > after_first);
	assert_int_equal(out.buf[after_first], '\r');
	/* the end erases the line: blanks then a carriage return */
	progress_finish(&p);
	fflush(out.f);
	assert_int_equal(out.buf[out.len - 1], '\r');
	assert_false(p.shown);
	out_close(&out);
}

static void progress_is_silent_when_quiet_or_not_a_terminal(void **state)
{
	struct progress_opts o = {.total = 10, .now = fake_now};
	struct run_hooks h;
	struct progress p;
	struct out out;
	(void)state;

	for (int mode = 0; mode < 2; mode++) {
		out_open(&out);
		o.out = out.f;
		o.mode = mode ? PROGRESS_NEVER : PROGRESS_AUTO; /* a memstream is no terminal */
		fake_time = 0;
		progress_init(&p, &o);
		h = progress_hooks(&p, 0);
		assert_int_equal(h.every, 65536);
		fake_time = 50;
		h.tick(h.ctx, NULL, 5, 0);
		h.tick(h.ctx, NULL, 10, 1);
		fflush(out.f);
		assert_int_equal(out.len, 0);
		assert_int_equal(p.done, 5);
		out_close(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(progress_format_shows_percent_rate_and_eta),
	    cmocka_unit_test(progress_format_bytes_follows_the_file),
	    cmocka_unit_test(progress_waits_a_second_then_redraws_at_most_ten_times_a_second),
	    cmocka_unit_test(progress_is_silent_when_quiet_or_not_a_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
