/*
 * The time-series sampler and the tick fan-out (see series.h).
 *
 * Storage: rows in one array; the RSS values of all rows in another, row
 * i's values at rss[row[i].rss_off .. + row[i].nrss). A row holds a value
 * for every column known when it was taken, so a process first seen later
 * simply has no value in earlier rows (read as 0):
 *
 *	column:   0(pid 1) 1(pid 2) 2(pid 7)
 *	row 0     [ 4096 ]                      nrss 1
 *	row 1     [ 8192     4096 ]             nrss 2
 *	row 2     [ 8192     4096     12288 ]   nrss 3
 */
#include "report/series.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"

struct series *series_new(void)
{
	return calloc(1, sizeof(struct series));
}

void series_free(struct series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrows; i++)
		free(s->row[i].label);
	free(s->row);
	free(s->pid);
	free(s->rss);
	free(s);
}

/* Make room for @more elements of @size in *@arr (holding @n of *@cap). */
static int grow(void **arr, size_t *cap, size_t n, size_t more, size_t size)
{
	size_t want = n + more, c = *cap ? *cap : 16;
	void *na;

	if (want <= *cap)
		return 0;
	while (c < want)
		c *= 2;
	na = realloc(*arr, c * size);
	if (!na)
		return VMSIM_ENOHOSTMEM;
	*arr = na;
	*cap = c;
	return 0;
}

static size_t pid_column(const struct series *s, int pid)
{
	for (size_t c = s->npids; c-- > 0;)
		if (s->pid[c] == pid)
			return c;
	return SIZE_MAX;
}

/* Fill @r (all but its RSS bookkeeping) from the system counters. */
static void fill_row(struct series_row *r, const struct vmsim_sys_stats *st, uint64_t accesses)
{
	memset(r, 0, sizeof(*r));
	r->accesses = accesses;
	r->st = *st;
}

int series_sample(struct series *s, struct vmsim_system *sys, uint64_t accesses, const char *label)
{
	struct vmsim_sys_stats st;
	struct series_row r;
	size_t old_npids = s->npids, npids = s->npids, nprocs = 0;
	char *lab = NULL;
	int rc, pid;

	rc = vmsim_sys_stats(sys, &st);
	if (rc)
		return rc;
	for (pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid))
		nprocs++;
	/* Reserve everything first, so a failure leaves the series as it was. */
	if (grow((void **)&s->row, &s->rowcap, s->nrows, 1, sizeof(*s->row)) ||
	    grow((void **)&s->pid, &s->pidcap, s->npids, nprocs, sizeof(*s->pid)) ||
	    grow((void **)&s->rss, &s->rsscap, s->nrss, s->npids + nprocs, sizeof(*s->rss)))
		return VMSIM_ENOHOSTMEM;
	if (label && !(lab = strdup(label)))
		return VMSIM_ENOHOSTMEM;

	fill_row(&r, &st, accesses);
	r.label = lab;
	r.rss_off = s->nrss;
	for (pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid))
		if (pid_column(s, pid) == SIZE_MAX)
			s->pid[npids++] = pid;
	memset(s->rss + s->nrss, 0, npids * sizeof(*s->rss));
	for (pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
		struct vmsim_proc_stats ps;
		size_t col;
		rc = vmsim_proc_stats(sys, pid, &ps);
		if (rc) {
			s->npids = old_npids;
			free(lab);
			return rc;
		}
		s->npids = npids; /* pid_column looks at every column known now */
		col = pid_column(s, pid);
		s->rss[s->nrss + col] = ps.alive ? ps.rss : 0;
	}
	s->npids = npids;
	r.nrss = npids;
	s->nrss += npids;
	s->row[s->nrows++] = r;
	return 0;
}

void series_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct series *s = ctx;
	int rc;

	if (final && s->nrows && s->row[s->nrows - 1].accesses == accesses &&
	    !s->row[s->nrows - 1].label) {
		/* Drop the duplicate; the new sample has the latest state. */
		struct series_row *last = &s->row[--s->nrows];
		s->nrss = last->rss_off;
	}
	rc = series_sample(s, sys, accesses, NULL);
	if (rc && !s->err)
		s->err = rc;
}

struct run_hooks series_hooks(struct series *s, uint64_t every)
{
	return (struct run_hooks){.tick = series_tick, .ctx = s, .every = every};
}

int series_error(const struct series *s)
{
	return s->err;
}

uint64_t series_rss(const struct series *s, size_t i, size_t col)
{
	const struct series_row *r = &s->row[i];
	return col < r->nrss ? s->rss[r->rss_off + col] : 0;
}

/* ---- tick fan-out ------------------------------------------------------- */

void tick_fanout_init(struct tick_fanout *f)
{
	memset(f, 0, sizeof(*f));
}

int tick_fanout_add(struct tick_fanout *f, const struct run_hooks *h)
{
	if (!h->tick)
		return 0;
	if (f->n == TICK_FANOUT_MAX)
		return VMSIM_ERANGE;
	f->sub[f->n] = *h;
	f->next[f->n] = h->every;
	f->n++;
	return 0;
}

static void fanout_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct tick_fanout *f = ctx;

	for (size_t i = 0; i < f->n; i++) {
		struct run_hooks *h = &f->sub[i];
		if (final) {
			h->tick(h->ctx, sys, accesses, final);
			continue;
		}
		if (!h->every || accesses < f->next[i])
			continue;
		h->tick(h->ctx, sys, accesses, 0);
		/* the next multiple of the period strictly after @accesses */
		f->next[i] = (accesses / h->every + 1) * h->every;
	}
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

struct run_hooks tick_fanout_hooks(struct tick_fanout *f)
{
	uint64_t every = 0;

	/* the greatest common divisor: every multiple of every period is a tick */
	for (size_t i = 0; i < f->n; i++)
		if (f->sub[i].every)
			every = gcd(every, f->sub[i].every);
	return (struct run_hooks){.tick = fanout_tick, .ctx = f, .every = every};
}
