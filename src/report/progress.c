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

void progress_format(char *buf, size_t len, unsigned width, uint64_t done, uint64_t total,
		     double elapsed)
{
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char when[32], bar[BAR_CELLS + 1];
	size_t n;

	if (total) {
		double frac = done >= total ? 1.0 : (double)done / (double)total;
		unsigned full = (unsigned)(frac * BAR_CELLS);
		memset(bar, '#', full);
		memset(bar + full, '-', BAR_CELLS - full);
		bar[BAR_CELLS] = '\0';
		if (rate > 0)
			clock_text(when, sizeof(when),
				   (double)(total - (done < total ? done : total)) / rate);
		else
			snprintf(when, sizeof(when), "?");
		snprintf(buf, len, "vmsim: [%s] %5.1f%%  %s/%s accesses  %s/s  ETA %s", bar,
			 100.0 * frac, report_count(done).s, report_count(total).s,
			 report_count((uint64_t)rate).s, when);
	} else {
		clock_text(when, sizeof(when), elapsed);
		snprintf(buf, len, "vmsim: %s accesses  %s/s  %s elapsed", report_count(done).s,
			 report_count((uint64_t)rate).s, when);
	}
	n = strlen(buf);
	if (width && n >= width) /* never wrap: a wrapped line cannot be redrawn */
		buf[width - 1] = '\0';
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
	progress_format(buf, sizeof(buf), p->o.width, done, p->o.total, now - p->start);
	n = strlen(buf);
	/* pad over a longer previous bar instead of clearing (no flicker) */
	fprintf(p->o.out, "\r%s%*s", buf, p->drawn > n ? (int)(p->drawn - n) : 0, "");
	fflush(p->o.out);
	p->drawn = n > p->drawn ? n : p->drawn;
	p->shown = true;
	p->last_draw = now;
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
