/*
 * The time-series sampler and its CSV: rows and columns of a small
 * deterministic run driven here the way a workload driver drives its
 * hooks (a tick every N accesses, a final tick), per-interval columns that
 * add up to the totals, RSS columns for processes that appear late, the
 * tick fan-out, and CSV quoting.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_csv.h"
#include "report/series.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)

static struct vmsim_system *new_sys(void)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64ULL << 20;
	cfg.swap_bytes = 0;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

/* A driver: @n accesses, one per page in turn over @pages pages from @a,
 * calling @h every h->every accesses; *@count keeps the running total. */
static void drive(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t pages, uint64_t n,
		  const struct run_hooks *h, uint64_t *count)
{
	for (uint64_t i = 0; i < n; i++) {
		assert_ok(vmsim_access(sys, pid, a + (i % pages) * 4096, 8, VMSIM_WRITE, NULL));
		++*count;
		if (h->every && *count % h->every == 0)
			h->tick(h->ctx, sys, *count, 0);
	}
}

/* The CSV of @s as lines of fields (the caller frees with free_table). */
struct table {
	char **line;
	size_t nlines;
	char *buf;
};

static struct table csv_table_named(const struct series *s, const struct run_names *names)
{
	struct table t = {0};
	size_t len;
	FILE *f = open_memstream(&t.buf, &len);

	assert_ok(report_csv_write(f, s, names));
	fclose(f);
	for (char *p = t.buf; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl); /* every row ends with a newline */
		*nl = '\0';
		t.line = realloc(t.line, (t.nlines + 1) * sizeof(*t.line));
		t.line[t.nlines++] = p;
		p = nl + 1;
	}
	return t;
}

static struct table csv_table(const struct series *s)
{
	return csv_table_named(s, NULL);
}

static void free_table(struct table *t)
{
	free(t->line);
	free(t->buf);
}

static size_t nfields(const char *line)
{
	size_t n = 1;
	for (; *line; line++)
		n += *line == ',';
	return n;
}

/* Field @name of row @row (0: the first data row), as text. */
static const char *field(const struct table *t, size_t row, const char *name, char *buf, size_t len)
{
	const char *h = t->line[0], *r = t->line[row + 1];
	size_t idx = 0, n = strlen(name);

	for (;;) {
		if (!strncmp(h, name, n) && (h[n] == ',' || h[n] == '\0'))
			break;
		h = strchr(h, ',');
		if (!h)
			fail_msg("no column '%s'", name);
		h++;
		idx++;
	}
	while (idx--)
		r = strchr(r, ',') + 1;
	n = strcspn(r, ",");
	snprintf(buf, len, "%.*s", (int)n, r);
	return buf;
}

static uint64_t ufield(const struct table *t, size_t row, const char *name)
{
	char buf[64];
	return strtoull(field(t, row, name, buf, sizeof(buf)), NULL, 10);
}

/* 1000 accesses sampled every 100 over 50 pages: 10 rows, faults only in
 * the first interval, RSS 50 pages from the first row on. */
static void series_samples_every_n_accesses_with_deltas_adding_up(void **state)
{
	struct vmsim_system *sys = new_sys();
	struct series *s = series_new();
	struct run_hooks h = series_hooks(s, 100);
	struct vmsim_sys_stats st;
	struct table t;
	uint64_t count = 0, sum_minor = 0, sum_l1d = 0;
	vaddr_t a;
	int pid;
	(void)state;

	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 50 * 4096, RW, PRIV_ANON, -1, 0, &a));
	drive(sys, pid, a, 50, 1000, &h, &count);
	h.tick(h.ctx, sys, count, 1); /* final: same count as the last tick, replaces it */
	assert_int_equal(series_error(s), 0);
	assert_int_equal(s->nrows, 10);
	assert_int_equal(s->npids, 1);

	t = csv_table(s);
	assert_int_equal(t.nlines, 11);
	assert_true(
	    strncmp(t.line[0], REPORT_CSV_FIRST_COLUMNS, strlen(REPORT_CSV_FIRST_COLUMNS)) == 0);
	for (size_t i = 1; i < t.nlines; i++)
		assert_int_equal(nfields(t.line[i]), nfields(t.line[0]));
	assert_ok(vmsim_sys_stats(sys, &st));
	for (size_t r = 0; r < 10; r++) {
		assert_int_equal(ufield(&t, r, "sample"), r);
		assert_int_equal(ufield(&t, r, "accesses"), (r + 1) * 100);
		assert_int_equal(ufield(&t, r, "d_accesses"), 100);
		sum_minor += ufield(&t, r, "d_faults_minor");
		sum_l1d += ufield(&t, r, "d_tlb_l1d_misses");
		assert_int_equal(ufield(&t, r, "rss_total"), 50 * 4096);
		assert_int_equal(ufield(&t, r, "frames_total"), st.frames_total);
	}
	assert_int_equal(ufield(&t, 0, "d_faults_minor"), 50); /* first touch of each page */
	assert_int_equal(ufield(&t, 5, "d_faults_minor"), 0);
	assert_int_equal(sum_minor, st.faults_minor);
	assert_int_equal(ufield(&t, 9, "faults_minor"), st.faults_minor);
	assert_int_equal(sum_l1d, st.mmu.tlb[VMSIM_TLB_L1D].misses);
	assert_int_equal(ufield(&t, 9, "tlb_l1d_lookups"), st.mmu.tlb[VMSIM_TLB_L1D].lookups);
	assert_int_equal(ufield(&t, 9, "walks"), st.mmu.walk.walks);
	{
		char col[32], buf[64];
		snprintf(col, sizeof(col), "rss_%d", pid);
		assert_int_equal(ufield(&t, 9, col), 50 * 4096);
		/* utilisation is a fraction of cycles: between 0 and 1 */
		double u = strtod(field(&t, 9, "utilisation", buf, sizeof(buf)), NULL);
		assert_true(u > 0 && u <= 1);
	}
	free_table(&t);
	series_free(s);
	vmsim_system_free(sys);
}

/* A process created after a few samples gets a column whose earlier rows
 * read 0; one that exits reads 0 from then on. Labels are quoted. */
static void series_adds_columns_for_late_processes_and_labels_rows(void **state)
{
	struct vmsim_system *sys = new_sys();
	struct series *s = series_new();
	struct table t;
	char c1[32], c2[32], buf[64];
	vaddr_t a, b;
	int p1, p2;
	(void)state;

	assert_ok(vmsim_process_create(sys, &p1));
	assert_ok(vmsim_mmap(sys, p1, 0, 4 * 4096, RW, PRIV_ANON, -1, 0, &a));
	assert_ok(vmsim_access(sys, p1, a, 8, VMSIM_WRITE, NULL));
	assert_ok(series_sample(s, sys, 1, "start"));
	assert_ok(vmsim_process_create(sys, &p2));
	assert_ok(vmsim_mmap(sys, p2, 0, 4 * 4096, RW, PRIV_ANON, -1, 0, &b));
	assert_ok(vmsim_access(sys, p2, b, 8, VMSIM_WRITE, NULL));
	assert_ok(vmsim_access(sys, p2, b + 4096, 8, VMSIM_WRITE, NULL));
	assert_ok(series_sample(s, sys, 3, "second, \"quoted\""));
	assert_ok(vmsim_exit(sys, p1));
	assert_ok(series_sample(s, sys, 3, NULL));

	t = csv_table(s);
	assert_int_equal(t.nlines, 4);
	snprintf(c1, sizeof(c1), "rss_%d", p1);
	snprintf(c2, sizeof(c2), "rss_%d", p2);
	assert_int_equal(ufield(&t, 0, c1), 4096);
	assert_int_equal(ufield(&t, 0, c2), 0);
	assert_int_equal(ufield(&t, 1, c2), 2 * 4096);
	assert_int_equal(ufield(&t, 2, c1), 0); /* exited */
	assert_int_equal(ufield(&t, 2, "rss_total"), 2 * 4096);
	assert_string_equal(field(&t, 0, "label", buf, sizeof(buf)), "start");
	/* the header ends with the label column, after the RSS columns */
	assert_non_null(strstr(t.line[0], ",label"));
	assert_true(strstr(t.line[0], c2) < strstr(t.line[0], ",label"));
	assert_non_null(strstr(t.line[2], ",\"second, \"\"quoted\"\"\""));
	assert_string_equal(strrchr(t.line[3], ','), ","); /* no label: empty field */
	free_table(&t);
	series_free(s);
	vmsim_system_free(sys);
}

/* A process the workload named has its RSS column named rss_PID_NAME, a
 * character CSV would quote written as '_'; an unnamed one keeps rss_PID. */
static void csv_rss_columns_carry_the_workload_names(void **state)
{
	struct vmsim_system *sys = new_sys();
	struct series *s = series_new();
	struct table t;
	char c1[32], c2[32], c3[32];
	vaddr_t a;
	int p1, p2, p3;
	(void)state;

	assert_ok(vmsim_process_create(sys, &p1));
	assert_ok(vmsim_process_create(sys, &p2));
	assert_ok(vmsim_process_create(sys, &p3));
	assert_ok(vmsim_mmap(sys, p2, 0, 4 * 4096, RW, PRIV_ANON, -1, 0, &a));
	assert_ok(vmsim_access(sys, p2, a, 8, VMSIM_WRITE, NULL));
	assert_ok(series_sample(s, sys, 1, NULL));
	const struct run_proc procs[] = {{.name = "A", .pid = p1}, {.name = "big, b", .pid = p2}};
	const struct run_names names = {procs, 2};

	t = csv_table_named(s, &names);
	snprintf(c1, sizeof(c1), "rss_%d_A", p1);
	snprintf(c2, sizeof(c2), "rss_%d_big__b", p2);
	snprintf(c3, sizeof(c3), "rss_%d", p3);
	assert_int_equal(ufield(&t, 0, c2), 4096);
	assert_int_equal(ufield(&t, 0, c1), 0);
	assert_int_equal(ufield(&t, 0, c3), 0);
	assert_null(strchr(t.line[0], '"')); /* the header needs no quoting */
	free_table(&t);
	series_free(s);
	vmsim_system_free(sys);
}

static void series_final_tick_after_more_accesses_appends(void **state)
{
	struct vmsim_system *sys = new_sys();
	struct series *s = series_new();
	struct run_hooks h = series_hooks(s, 10);
	uint64_t count = 0;
	vaddr_t a;
	int pid;
	(void)state;

	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, 4096, RW, PRIV_ANON, -1, 0, &a));
	drive(sys, pid, a, 1, 25, &h, &count);
	h.tick(h.ctx, sys, count, 1);
	assert_int_equal(s->nrows, 3); /* at 10, 20 and the final 25 */
	assert_int_equal(s->row[2].accesses, 25);
	series_free(s);
	vmsim_system_free(sys);
}

/* A sampler every 3 and a second consumer every 5 behind one hooks. */
struct counter {
	uint64_t calls, last, finals;
	uint64_t period;     /* expected period */
	uint64_t off_period; /* non-final calls not on a multiple of it */
};

static void count_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct counter *c = ctx;
	(void)sys;
	c->calls++;
	c->last = accesses;
	c->finals += final != 0;
	c->off_period += !final && accesses % c->period != 0;
}

static void fanout_calls_each_consumer_on_its_own_period(void **state)
{
	struct counter c3 = {.period = 3}, c5 = {.period = 5};
	struct run_hooks h3 = {.tick = count_tick, .ctx = &c3, .every = 3},
			 h5 = {.tick = count_tick, .ctx = &c5, .every = 5}, none = {0}, h;
	struct tick_fanout f;
	(void)state;

	tick_fanout_init(&f);
	assert_ok(tick_fanout_add(&f, &h3));
	assert_ok(tick_fanout_add(&f, &h5));
	assert_ok(tick_fanout_add(&f, &none)); /* no tick: ignored */
	assert_int_equal(f.n, 2);
	h = tick_fanout_hooks(&f);
	assert_int_equal(h.every, 1); /* gcd(3, 5) */
	for (uint64_t n = 1; n <= 30; n++)
		h.tick(h.ctx, NULL, n, 0);
	h.tick(h.ctx, NULL, 31, 1);
	assert_int_equal(c3.calls, 11); /* 3, 6, ... 30 and the final */
	assert_int_equal(c5.calls, 7);	/* 5, 10, ... 30 and the final */
	assert_int_equal(c3.off_period, 0);
	assert_int_equal(c5.off_period, 0);
	assert_int_equal(c3.finals, 1);
	assert_int_equal(c5.finals, 1);
	assert_int_equal(c5.last, 31);
	for (int i = 0; i < TICK_FANOUT_MAX - 2; i++)
		assert_ok(tick_fanout_add(&f, &h3));
	assert_int_equal(tick_fanout_add(&f, &h3), VMSIM_ERANGE);
}

/* The CSV period and the progress bar's 65,536 used to meet only at the
 * first tick past each multiple: rows 131,072 and 65,536 apart. */
static void fanout_samples_exactly_every_period(void **state)
{
	struct counter cs = {.period = 100000}, cp = {.period = 100000};
	struct run_hooks hs = {.tick = count_tick, .ctx = &cs, .every = 100000},
			 hp = {.tick = count_tick, .ctx = &cp, .every = 100000}, h;
	struct tick_fanout f;
	(void)state;

	tick_fanout_init(&f);
	assert_ok(tick_fanout_add(&f, &hs));
	assert_ok(tick_fanout_add(&f, &hp));
	h = tick_fanout_hooks(&f);
	for (uint64_t n = h.every; n <= 1000000; n += h.every)
		h.tick(h.ctx, NULL, n, 0);
	assert_int_equal(cs.calls, 10);
	assert_int_equal(cs.off_period, 0);
}

static void csv_field_quotes_only_when_needed(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {" pad", "\" pad\""},
	    {"", ""},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len;
		FILE *f = open_memstream(&buf, &len);
		csv_field(f, cases[i].in);
		fclose(f);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

static void csv_write_path_fails_on_a_missing_directory(void **state)
{
	struct series *s = series_new();
	(void)state;
	assert_int_equal(report_csv_write_path("/nonexistent-dir/x.csv", s, NULL), VMSIM_EIO);
	series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(series_samples_every_n_accesses_with_deltas_adding_up),
	    cmocka_unit_test(series_adds_columns_for_late_processes_and_labels_rows),
	    cmocka_unit_test(csv_rss_columns_carry_the_workload_names),
	    cmocka_unit_test(series_final_tick_after_more_accesses_appends),
	    cmocka_unit_test(fanout_calls_each_consumer_on_its_own_period),
	    cmocka_unit_test(fanout_samples_exactly_every_period),
	    cmocka_unit_test(csv_field_quotes_only_when_needed),
	    cmocka_unit_test(csv_write_path_fails_on_a_missing_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
