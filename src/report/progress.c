/*
 * The progress bar (see progress.h). All decisions are made from a clock
 * the caller may replace, so tests drive it without sleeping.
 */
#include "report/progress.h"

#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

#define REDRAW_PERIOD 0.1 /* seconds between redraws */
#define BAR_CELLS     20  /* characters of the bar itself */

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned terminal_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void progress_init(struct progress *p, const struct progress_opts *o)
{
	memset(p, 0, sizeof(*p));
	if (o)
		p->o = *o;
	if (!p->o.out)
		p->o.out = stderr;
	if (!p->o.now)
		p->o.now = monotonic_now;
	if (p->o.delay == 0)
		p->o.delay = 1.0;
	else if (p->o.delay < 0)
		p->o.delay = 0;
	switch (p->o.mode) {
	case PROGRESS_NEVER:
		p->enabled = false;
		break;
	case PROGRESS_ALWAYS:
		p->enabled = true;
		break;
	case PROGRESS_AUTO:
		p->enabled = isatty(fileno(p->o.out));
		break;
	}
	if (p->enabled && !p->o.width)
		p->o.width = terminal_width(p->o.out);
	p->start = p->last_draw = p->o.now();
}

/* "1:05", "12:00:07" */
static void clock_text(char *buf, size_t len, double s)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

/* "[#####-----]" of @cells for @frac into @bar (@cells + 1 bytes). */
static void bar_text(char *bar, double frac, unsigned cells)
{
	unsigned full = (unsigned)((frac > 1 ? 1 : frac) * cells);
	memset(bar, '#', full);
	memset(bar + full, '-', cells - full);
	bar[cells] = '\0';
}

/* The ETA of @frac done after @elapsed seconds, or "?". */
static void eta_text(char *buf, size_t len, double frac, double elapsed)
{
	if (frac > 0 && elapsed > 0)
		clock_text(buf, len, elapsed * (1 - (frac > 1 ? 1 : frac)) / frac);
	else
		snprintf(buf, len, "?");
}

/* Never wrap: a wrapped line cannot be redrawn. */
static void fit(char *buf, unsigned width)
{
	if (width && strlen(buf) >= width)
		buf[width - 1] = '\0';
}

void progress_format_unit(char *buf, size_t len, unsigned width, uint64_t done, uint64_t total,
			  const char *unit, double elapsed)
{
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char when[32], bar[BAR_CELLS + 1];

	if (!unit)
		unit = "accesses";
	if (total) {
		double frac = done >= total ? 1.0 : (double)done / (double)total;
		eta_text(when, sizeof(when), frac, elapsed);
		/* a shorter bar where the full one would not fit */
		for (unsigned cells = BAR_CELLS; cells >= BAR_CELLS / 2; cells /= 2) {
			bar_text(bar, frac, cells);
			snprintf(buf, len, "vmsim: [%s] %5.1f%%  %s/%s %s  %s/s  ETA %s", bar,
				 100.0 * frac, report_count(done).s, report_count(total).s, unit,
				 report_count((uint64_t)rate).s, when);
			if (!width || strlen(buf) < width)
				break;
		}
	} else {
		clock_text(when, sizeof(when), elapsed);
		snprintf(buf, len, "vmsim: %s %s  %s/s  %s elapsed", report_count(done).s, unit,
			 report_count((uint64_t)rate).s, when);
	}
	fit(buf, width);
}

void progress_format(char *buf, size_t len, unsigned width, uint64_t done, uint64_t total,
		     double elapsed)
{
	progress_format_unit(buf, len, width, done, total, NULL, elapsed);
}

void progress_format_bytes(char *buf, size_t len, unsigned width, uint64_t pos, uint64_t size,
			   uint64_t count, const char *unit, double elapsed)
{
	double frac = size ? (pos >= size ? 1.0 : (double)pos / (double)size) : 0;
	double rate = elapsed > 0 ? (double)count / elapsed : 0;
	char when[32], bar[BAR_CELLS + 1];

	eta_text(when, sizeof(when), frac, elapsed);
	for (unsigned cells = BAR_CELLS; cells >= BAR_CELLS / 2; cells /= 2) {
		bar_text(bar, frac, cells);
		snprintf(buf, len, "vmsim: [%s] %5.1f%% %s/%s %s %s %s/s ETA %s", bar, 100.0 * frac,
			 report_bytes(pos).s, report_bytes(size).s, report_count(count).s,
			 unit ? unit : "accesses", report_count((uint64_t)rate).s, when);
		if (!width || strlen(buf) < width)
			break;
	}
	fit(buf, width);
}

static void erase(struct progress *p)
{
	/* blanks over the old bar, then back: works on any terminal */
	fprintf(p->o.out, "\r%*s\r", (int)p->drawn, "");
	fflush(p->o.out);
	p->shown = false;
	p->drawn = 0;
}

void progress_update(struct progress *p, uint64_t done)
{
	char buf[256];
	double now;
	size_t n;

	p->done = done;
	if (!p->enabled)
		return;
	now = p->o.now();
	if (now - p->start < p->o.delay || (p->shown && now - p->last_draw < REDRAW_PERIOD))
		return;
	uint64_t pos, size;
	if (p->source && p->source(p->source_arg, &pos, &size))
		progress_format_bytes(buf, sizeof(buf), p->o.width, pos, size, done, p->o.unit,
				      now - p->start);
	else
		progress_format_unit(buf, sizeof(buf), p->o.width, done, p->o.total, p->o.unit,
				     now - p->start);
	n = strlen(buf);
	/* pad over a longer previous bar instead of clearing (no flicker) */
	fprintf(p->o.out, "\r%s%*s", buf, p->drawn > n ? (int)(p->drawn - n) : 0, "");
	fflush(p->o.out);
	p->drawn = n > p->drawn ? n : p->drawn;
	p->shown = true;
	p->last_draw = now;
}

void progress_set_source(struct progress *p, progress_source_fn fn, void *arg)
{
	p->source = fn;
	p->source_arg = arg;
}

void progress_clear(struct progress *p)
{
	if (p->shown)
		erase(p);
}

void progress_finish(struct progress *p)
{
	if (p->shown)
		erase(p);
}

void progress_tick(void *ctx, struct vmsim_system *sys, uint64_t accesses, int final)
{
	struct progress *p = ctx;

	(void)sys;
	if (final)
		progress_finish(p);
	else
		progress_update(p, accesses);
}

struct run_hooks progress_hooks(struct progress *p, uint64_t every)
{
	return (struct run_hooks){.tick = progress_tick, .ctx = p, .every = every ? every : 65536};
}
