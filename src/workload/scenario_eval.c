/*
 * Figures and expressions of scenarios: what `expect` and `print {...}`
 * read. A figure is a dotted name resolved against the running machine:
 *
 *   A.rss, A.faults.minor, A.data.rss      a process, one of its areas
 *   F.cached                               a file
 *   tlb.L1D.hit_ratio, walk.refs_per_walk  the CPU
 *   swap.outs, reclaim.refaults, cpu.utilisation, ...   the system
 *   last.tlb.L1D.hit_ratio                 a system figure over the last
 *                                          touch, store or load only
 *
 * Every figure comes from a vm_* getter: evaluating never changes the
 * machine (vmsim_walk_describe sets no accessed bit). The full list is in
 * docs/SCENARIOS.md. Only the scenario runner calls this.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "report/report.h"
#include "vmsim/error.h"
#include "workload/scenario_int.h"

#define MAXSEG 6

/* ---- formatting ------------------------------------------------------------------ */

/* An exact whole number grouped by thousands: "104,857,600". */
static void grouped(double v, char *buf, size_t len)
{
	char digits[32];
	bool neg = v < 0;
	int n = snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	size_t out = 0;
	if (neg && out + 1 < len)
		buf[out++] = '-';
	for (int i = 0; i < n && out + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[out++] = ',';
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
}

void value_format(const struct value *v, const char *format, char *buf, size_t len)
{
	double x = v->v;
	bool whole = x == floor(x) && fabs(x) < 9.007199254740992e15;

	if (isnan(x)) {
		snprintf(buf, len, "-");
		return;
	}
	if (format && !strcmp(format, "hex") && whole && x >= 0) {
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)x);
		return;
	}
	if (format && !strcmp(format, "n")) {
		if (whole)
			grouped(x, buf, len);
		else
			snprintf(buf, len, "%.4g", x);
		return;
	}
	switch (v->u) {
	case U_BYTES:
		if (whole)
			snprintf(buf, len, "%s%s", x < 0 ? "-" : "",
				 report_bytes((uint64_t)fabs(x)).s);
		else
			snprintf(buf, len, "%.1f B", x);
		return;
	case U_RATIO:
		snprintf(buf, len, "%s", report_ratio(x).s);
		return;
	case U_SECONDS:
		snprintf(buf, len, "%s", report_seconds(x).s);
		return;
	case U_ADDR:
		if (whole && x >= 0)
			snprintf(buf, len, "0x%" PRIx64, (uint64_t)x);
		else
			snprintf(buf, len, "%g", x);
		return;
	case U_BOOL:
		snprintf(buf, len, "%s", x != 0 ? "yes" : "no");
		return;
	case U_COUNT:
		break;
	}
	if (whole && x >= 0) {
		snprintf(buf, len, "%s", report_count((uint64_t)x).s);
	} else if (whole || fabs(x) >= 1e15) {
		grouped(x, buf, len);
	} else {
		/* two decimals after a grouped whole part: "24,414.06" */
		char w[48];
		double r = round(fabs(x) * 100) / 100;
		grouped(x < 0 ? -floor(r) : floor(r), w, sizeof(w));
		snprintf(buf, len, "%s%s.%02d", x < 0 && floor(r) == 0 ? "-" : "", w,
			 (int)llround((r - floor(r)) * 100));
	}
}

/* ---- system figures ----------------------------------------------------------------- */

static struct value val(double v, enum unit u)
{
	return (struct value){v, u};
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

static uint64_t sub(uint64_t a, uint64_t b)
{
	return a >= b ? a - b : 0;
}

/* The counters of @b minus those of @a; gauges (sizes in use, flags) as in @b. */
static void snap_delta(const struct snapshot *a, const struct snapshot *b, struct snapshot *d)
{
	const struct vmsim_sys_stats *x = &a->st, *y = &b->st;
	struct vmsim_sys_stats *o = &d->st;
	uint64_t mx[sizeof(x->mmu) / sizeof(uint64_t)], my[sizeof(mx) / sizeof(uint64_t)];

	_Static_assert(sizeof(x->mmu) % sizeof(uint64_t) == 0, "MMU counters are 64-bit words");
	*d = *b;
	d->accesses = sub(b->accesses, a->accesses);
	memcpy(mx, &x->mmu, sizeof(mx));
	memcpy(my, &y->mmu, sizeof(my));
	for (size_t i = 0; i < ARRAY_SIZE(mx); i++)
		my[i] = sub(my[i], mx[i]);
	memcpy(&o->mmu, my, sizeof(my));
	/* every cumulative row of the counter table; the levels stay as in @b */
	size_t nrows;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&nrows);
	for (size_t i = 0; i < nrows; i++) {
		if (t[i].kind != VMSIM_STAT_CUM)
			continue;
		char *dst = (char *)o + t[i].offset;
		if (t[i].type == VMSIM_STAT_DBL) {
			double v = vmsim_stat_value(&t[i], y) - vmsim_stat_value(&t[i], x);
			memcpy(dst, &v, sizeof(v));
		} else if (t[i].type == VMSIM_STAT_U64) {
			uint64_t v = sub(vmsim_stat_u64(&t[i], y), vmsim_stat_u64(&t[i], x));
			memcpy(dst, &v, sizeof(v));
		}
	}
	o->cpu_utilisation = o->cycles ? (double)o->cycles_busy / (double)o->cycles : 0.0;
}

static int level_of(const char *w)
{
	if (!strcmp(w, "L1I"))
		return VMSIM_TLB_L1I;
	if (!strcmp(w, "L1D"))
		return VMSIM_TLB_L1D;
	if (!strcmp(w, "L2"))
		return VMSIM_TLB_L2;
	return -1;
}

static int size_of(const char *w)
{
	if (!strcmp(w, "4K"))
		return VMSIM_PAGE_4K;
	if (!strcmp(w, "2M"))
		return VMSIM_PAGE_2M;
	if (!strcmp(w, "1G"))
		return VMSIM_PAGE_1G;
	return -1;
}

static uint64_t tlb_entries(const struct vmsim_tlb_level_cfg *l, unsigned ps)
{
	uint64_t n = 0;
	for (unsigned a = 0; a < l->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++)
		if (l->arrays[a].sizes & (1u << ps))
			n += l->arrays[a].entries;
	return n;
}

/* tlb.LEVEL.FIELD, tlb.LEVEL.SIZE.FIELD; 1 if the name is not one. */
static int tlb_figure(struct runner *r, const struct vmsim_sys_stats *st, char **seg, int n,
		      struct value *out)
{
	if (n == 2 && !strcmp(seg[1], "shootdowns")) {
		*out = val((double)st->tlb_shootdowns, U_COUNT);
		return 0;
	}
	if (n == 2 && !strcmp(seg[1], "flushes")) {
		*out = val((double)st->tlb_flushes, U_COUNT);
		return 0;
	}
	if (n < 3 || level_of(seg[1]) < 0)
		return 1;
	int l = level_of(seg[1]);
	const struct vmsim_tlb_level_stats *ls = &st->mmu.tlb[l];
	const struct vmsim_tlb_level_cfg *lc = &r->cfg.mmu.tlb.level[l];
	uint64_t hits = ls->hits[0] + ls->hits[1] + ls->hits[2];
	uint64_t fills = ls->fills[0] + ls->fills[1] + ls->fills[2];
	uint64_t ev = ls->evictions[0] + ls->evictions[1] + ls->evictions[2];
	const char *f = seg[n - 1];
	if (n == 4) {
		int ps = size_of(seg[2]);
		if (ps < 0)
			return 1;
		uint64_t e = tlb_entries(lc, (unsigned)ps);
		if (!strcmp(f, "hits"))
			*out = val((double)ls->hits[ps], U_COUNT);
		else if (!strcmp(f, "fills"))
			*out = val((double)ls->fills[ps], U_COUNT);
		else if (!strcmp(f, "evictions"))
			*out = val((double)ls->evictions[ps], U_COUNT);
		else if (!strcmp(f, "entries"))
			*out = val((double)e, U_COUNT);
		else if (!strcmp(f, "reach"))
			*out =
			    val((double)(e << vmsim_page_shift((enum vmsim_page_size)ps)), U_BYTES);
		else if (!strcmp(f, "hit_ratio"))
			*out = val(ratio(ls->hits[ps], ls->lookups), U_RATIO);
		else
			return 1;
		return 0;
	}
	if (n != 3)
		return 1;
	if (!strcmp(f, "lookups"))
		*out = val((double)ls->lookups, U_COUNT);
	else if (!strcmp(f, "hits"))
		*out = val((double)hits, U_COUNT);
	else if (!strcmp(f, "misses"))
		*out = val((double)ls->misses, U_COUNT);
	else if (!strcmp(f, "hit_ratio"))
		*out = val(ratio(hits, ls->lookups), U_RATIO);
	else if (!strcmp(f, "miss_ratio"))
		*out = val(ratio(ls->misses, ls->lookups), U_RATIO);
	else if (!strcmp(f, "fills"))
		*out = val((double)fills, U_COUNT);
	else if (!strcmp(f, "evictions"))
		*out = val((double)ev, U_COUNT);
	else if (!strcmp(f, "invalidations"))
		*out = val((double)ls->invalidations, U_COUNT);
	else if (!strcmp(f, "entries")) {
		uint64_t e = 0;
		for (unsigned a = 0; a < lc->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++)
			e += lc->arrays[a].entries;
		*out = val((double)e, U_COUNT);
	} else if (!strcmp(f, "reach"))
		*out = val((double)(tlb_entries(lc, 0) << 12), U_BYTES);
	else
		return 1;
	return 0;
}

static int pwc_level(const char *w)
{
	static const char *const names[] = {"", "", "PDE", "PDPTE", "PML4E", "PML5E"};
	for (int l = 2; l <= 5; l++)
		if (!strcmp(w, names[l]))
			return l;
	return -1;
}

/* The output unit of a counter-table row. */
static enum unit stat_unit(const struct vmsim_stat_desc *d)
{
	switch (d->unit) {
	case VMSIM_STAT_PAGES:
	case VMSIM_STAT_BYTES:
		return U_BYTES;
	case VMSIM_STAT_FLAG:
		return U_BOOL;
	case VMSIM_STAT_SECONDS:
		return U_SECONDS;
	case VMSIM_STAT_RATIO:
		return U_RATIO;
	case VMSIM_STAT_COUNT:
		break;
	}
	return U_COUNT;
}

/* The row of the counter table of @scope named by @seg[0..n) joined with
 * dots, read from @stats; 1 if no row has that figure name. */
static int table_figure(enum vmsim_stat_scope scope, const void *stats, char **seg, int n,
			struct value *out)
{
	char name[96];
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		int k = snprintf(name + len, sizeof(name) - len, "%s%s", i ? "." : "", seg[i]);
		if (k < 0 || (size_t)k >= sizeof(name) - len)
			return 1;
		len += (size_t)k;
	}
	const struct vmsim_stat_desc *d = vmsim_stat_by_figure(scope, name);
	if (!d)
		return 1;
	*out = val(vmsim_stat_scaled(d, stats), stat_unit(d));
	return 0;
}

/* A figure of the whole system; 1 if @seg names none. */
static int sys_figure(struct runner *r, const struct snapshot *sn, char **seg, int n,
		      struct value *out)
{
	const struct vmsim_sys_stats *st = &sn->st;
	const struct vmsim_walk_stats *w = &st->mmu.walk;
	const char *a = seg[0], *b = n > 1 ? seg[1] : "";

#define IS(x, y) (!strcmp(a, x) && !strcmp(b, y) && n == (*(y) ? 2 : 1))
#define RET(v, u)                                                                                  \
	do {                                                                                       \
		*out = val((double)(v), u);                                                        \
		return 0;                                                                          \
	} while (0)
	if (!strcmp(a, "tlb"))
		return tlb_figure(r, st, seg, n, out);
	if (!strcmp(a, "pwc") && n == 3 && pwc_level(b) > 0) {
		int l = pwc_level(b);
		if (!strcmp(seg[2], "lookups"))
			RET(w->pwc_lookups[l], U_COUNT);
		if (!strcmp(seg[2], "hits"))
			RET(w->pwc_hits[l], U_COUNT);
		if (!strcmp(seg[2], "hit_ratio"))
			RET(ratio(w->pwc_hits[l], w->pwc_lookups[l]), U_RATIO);
		return 1;
	}
	if (IS("faults", ""))
		RET(st->faults_minor + st->faults_major, U_COUNT);
	if (IS("accesses", ""))
		RET(sn->accesses, U_COUNT);
	if (IS("walk", "refs_per_walk")) {
		*out = val(ratio(w->mem_refs, w->walks), U_COUNT);
		return 0;
	}
	if (IS("cpu", "utilization")) {
		*out = val(st->cpu_utilisation, U_RATIO);
		return 0;
	}
#undef IS
#undef RET
	return table_figure(VMSIM_STAT_SYS, st, seg, n, out);
}

/* ---- process, area and file figures ----------------------------------------------------- */

static uint64_t segvs_of(struct runner *r, int pid)
{
	struct vmsim_segv_record rec;
	uint64_t n = 0;
	for (uint64_t i = 0; vmsim_segv_get(r->sys, i, &rec) == 0; i++)
		if (rec.pid == pid &&
		    (rec.reason == VMSIM_SEGV_MAPERR || rec.reason == VMSIM_SEGV_ACCERR))
			n++;
	return n;
}

static int proc_figure(struct runner *r, struct rproc *p, char **seg, int n, struct value *out)
{
	struct vmsim_proc_stats ps;
	if (vmsim_proc_stats(r->sys, p->pid, &ps))
		return 1;
	const char *a = n > 1 ? seg[1] : "", *b = n > 2 ? seg[2] : "";
#define IS(x, y) (!strcmp(a, x) && !strcmp(b, y) && n == (*(y) ? 3 : 2))
#define RET(v, u)                                                                                  \
	do {                                                                                       \
		*out = val((double)(v), u);                                                        \
		return 0;                                                                          \
	} while (0)
	if (IS("faults", ""))
		RET(ps.faults_minor + ps.faults_major, U_COUNT);
	if (IS("segvs", ""))
		RET(segvs_of(r, p->pid), U_COUNT);
#undef IS
#undef RET
	return table_figure(VMSIM_STAT_PROC, &ps, seg + 1, n - 1, out);
}

struct area_sum {
	vaddr_t start, end;	    /* the area */
	bool partial;		    /* a VMA overlapping it reaches outside it */
	struct vmsim_smaps_entry s; /* sums */
};

static int area_add(const struct vmsim_smaps_entry *e, void *arg)
{
	struct area_sum *a = arg;
	if (e->end <= a->start || e->start >= a->end)
		return 0;
	if (e->start < a->start || e->end > a->end)
		a->partial = true;
	a->s.size += e->size;
	a->s.rss += e->rss;
	a->s.pss += e->pss;
	a->s.shared_clean += e->shared_clean;
	a->s.shared_dirty += e->shared_dirty;
	a->s.private_clean += e->private_clean;
	a->s.private_dirty += e->private_dirty;
	a->s.referenced += e->referenced;
	a->s.anonymous += e->anonymous;
	a->s.swap += e->swap;
	a->s.anon_huge += e->anon_huge;
	return 0;
}

static int area_figure(struct runner *r, struct rproc *p, struct run_area *ar, const char *f,
		       int col, struct value *out)
{
	const uint64_t pg = VMSIM_PAGE_SIZE;
	struct area_sum a = {.start = ar->start, .end = ar->start + (ar->len + pg - 1) / pg * pg};

	if (!strcmp(f, "start") || !strcmp(f, "end")) {
		*out = val((double)(!strcmp(f, "start") ? a.start : ar->start + ar->len), U_ADDR);
		return 0;
	}
	if (!strcmp(f, "size")) {
		*out = val((double)ar->len, U_BYTES);
		return 0;
	}
	if (!vmsim_process_alive(r->sys, p->pid))
		return runner_error(r, col, VMSIM_ESRCH,
				    "process %s has ended: its areas have no figures", p->name);
	vmsim_smaps(r->sys, p->pid, area_add, &a);
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"rss", offsetof(struct vmsim_smaps_entry, rss)},
	    {"pss", offsetof(struct vmsim_smaps_entry, pss)},
	    {"swap", offsetof(struct vmsim_smaps_entry, swap)},
	    {"shared_clean", offsetof(struct vmsim_smaps_entry, shared_clean)},
	    {"shared_dirty", offsetof(struct vmsim_smaps_entry, shared_dirty)},
	    {"private_clean", offsetof(struct vmsim_smaps_entry, private_clean)},
	    {"private_dirty", offsetof(struct vmsim_smaps_entry, private_dirty)},
	    {"referenced", offsetof(struct vmsim_smaps_entry, referenced)},
	    {"anonymous", offsetof(struct vmsim_smaps_entry, anonymous)},
	    {"anon_huge", offsetof(struct vmsim_smaps_entry, anon_huge)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcmp(f, fields[i].name))
			continue;
		if (a.partial)
			return runner_error(r, col, VMSIM_EINVAL,
					    "area %s of %s shares its VMA with a neighbour, so its "
					    "own %s is not known; use the process's figures",
					    ar->name, p->name, f);
		uint64_t v;
		memcpy(&v, (const char *)&a.s + fields[i].off, sizeof(v));
		*out = val((double)v, U_BYTES);
		return 0;
	}
	return runner_error(r, col, VMSIM_EINVAL,
			    "unknown figure '%s' of an area (expected size, start, end, rss, pss, "
			    "swap, shared_clean, shared_dirty, private_clean, private_dirty, "
			    "referenced, anonymous, anon_huge)",
			    f);
}

static int file_figure(struct runner *r, struct rfile *fl, char **seg, int n, int col,
		       struct value *out)
{
	struct vmsim_file_stats fs;
	int rc = vmsim_file_stats(r->sys, fl->fd, &fs);
	if (rc)
		return runner_error(r, col, rc, "file %s: %s", fl->name, vmsim_strerror(rc));
	const char *f = n == 2 ? seg[1] : "";
	if (!strcmp(f, "size"))
		*out = val((double)fs.size, U_BYTES);
	else if (!strcmp(f, "cached"))
		*out = val((double)fs.cached, U_BYTES);
	else if (!strcmp(f, "dirty"))
		*out = val((double)fs.dirty, U_BYTES);
	else if (!strcmp(f, "reads"))
		*out = val((double)fs.reads, U_COUNT);
	else if (!strcmp(f, "writes"))
		*out = val((double)fs.writes, U_COUNT);
	else if (!strcmp(f, "returned"))
		*out = val((double)fl->returned, U_BYTES);
	else if (!strcmp(f, "pos")) {
		uint64_t pos = 0;
		vmsim_file_seek(r->sys, fl->fd, 0, VMSIM_SEEK_CUR, &pos);
		*out = val((double)pos, U_BYTES);
	} else
		return runner_error(r, col, VMSIM_EINVAL,
				    "unknown figure of file %s (expected size, cached, dirty, "
				    "reads, writes, pos or returned)",
				    fl->name);
	return 0;
}

static struct rfile *find_file(struct runner *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, name))
			return &r->files[i];
	return NULL;
}

static int eval_path(struct runner *r, const char *path, int col, struct value *out)
{
	char buf[256], *seg[MAXSEG];
	int n = 0, rc;
	struct snapshot now, delta;
	const struct snapshot *sn = &now;

	if (strlen(path) >= sizeof(buf))
		return runner_error(r, col, VMSIM_EINVAL, "name too long");
	strcpy(buf, path);
	for (char *p = buf; n < MAXSEG;) {
		seg[n++] = p;
		p = strchr(p, '.');
		if (!p)
			break;
		*p++ = '\0';
		if (n == MAXSEG)
			return runner_error(r, col, VMSIM_EINVAL, "unknown figure '%s'", path);
	}
	if ((rc = runner_machine(r)))
		return rc;
	if (!strcmp(seg[0], "last")) {
		if (!r->have_last)
			return runner_error(
			    r, col, VMSIM_EINVAL,
			    "'last.' needs a touch, store, load, read or write before it");
		if (n < 2)
			return runner_error(r, col, VMSIM_EINVAL,
					    "'last.' takes a system figure, such as last.faults");
		snap_delta(&r->last_before, &r->last_after, &delta);
		if (sys_figure(r, &delta, seg + 1, n - 1, out) == 0)
			return 0;
		return runner_error(r, col, VMSIM_EINVAL,
				    "unknown figure '%s' (last. takes system figures: faults, tlb, "
				    "walk, swap, time, cpu, ...)",
				    path);
	}
	struct rproc *p = runner_proc(r, seg[0]);
	if (p) {
		if (n >= 3) {
			struct run_area *ar = runner_area(p, seg[1]), heap;
			if (!ar && !strcmp(seg[1], "heap")) {
				/* the heap is [heap_start, brk): it moves with brk */
				vaddr_t brk = p->heap_start;
				if (vmsim_process_alive(r->sys, p->pid))
					vmsim_brk(r->sys, p->pid, 0, &brk);
				heap =
				    (struct run_area){"heap", p->heap_start, brk - p->heap_start};
				ar = &heap;
			}
			if (ar && n == 3)
				return area_figure(r, p, ar, seg[2], col, out);
		}
		if (proc_figure(r, p, seg, n, out) == 0)
			return 0;
		if (n == 2 && runner_area(p, seg[1]))
			return runner_error(r, col, VMSIM_EINVAL,
					    "'%s' is an area: ask for one of its figures, such as "
					    "%s.rss",
					    path, path);
		return runner_error(r, col, VMSIM_EINVAL,
				    "unknown figure '%s' of process %s (see docs/SCENARIOS.md)",
				    path, p->name);
	}
	struct rfile *fl = find_file(r, seg[0]);
	if (fl)
		return file_figure(r, fl, seg, n, col, out);
	runner_snapshot(r, &now);
	if (sys_figure(r, sn, seg, n, out) == 0)
		return 0;
	return runner_error(r, col, VMSIM_EINVAL,
			    "unknown figure '%s' (no process or file of that name, nor a system "
			    "figure)",
			    path);
}

/* ---- functions ------------------------------------------------------------------------- */

static int eval_call(struct runner *r, const struct expr *e, struct value *out)
{
	struct value a, b;
	int rc;

	if (!strcmp(e->path, "pa") || !strcmp(e->path, "frame") || !strcmp(e->path, "pte")) {
		struct vmsim_walk_info w;
		vaddr_t start, end;
		struct rproc *p;
		if ((rc = runner_machine(r)))
			return rc;
		p = runner_proc(r, e->proc);
		if (!p)
			return runner_error(r, e->col, VMSIM_ESRCH, "no process named '%s'",
					    e->proc);
		if ((rc = runner_place(r, p, &e->place, &start, &end)))
			return rc;
		rc = vmsim_walk_describe(r->sys, p->pid, start, &w);
		if (rc)
			return runner_error(r, e->col, rc, "%s(%s, ...): %s", e->path, e->proc,
					    vmsim_strerror(rc));
		if (!strcmp(e->path, "pte")) {
			static const struct {
				const char *name;
				uint64_t bit;
			} bits[] = {{"P", 1},	 {"RW", 2},	    {"US", 4}, {"PWT", 8},
				    {"PCD", 16}, {"A", 32},	    {"D", 64}, {"PS", 128},
				    {"G", 256},	 {"NX", 1ULL << 63}};
			uint64_t entry = w.level[w.nlevels - 1].entry;
			for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
				if (!strcmp(bits[i].name, e->word)) {
					bool set = (entry & bits[i].bit) != 0;
					/* only a present entry has meaningful bits */
					if (!(entry & 1))
						set = false;
					*out = val(set, U_BOOL);
					return 0;
				}
			return runner_error(r, e->col, VMSIM_EINVAL, "unknown flag '%s'", e->word);
		}
		if (!w.mapped)
			return runner_error(r, e->col, VMSIM_ENOENT,
					    "%s(%s, ...): 0x%" PRIx64 " is not mapped in %s's page "
					    "tables%s",
					    e->path, e->proc, (uint64_t)start, e->proc,
					    w.swapped ? " (it is swapped out)" : "");
		if (!strcmp(e->path, "pa"))
			*out = val((double)w.pa, U_ADDR);
		else
			*out = val((double)(w.pa >> VMSIM_PAGE_SHIFT), U_ADDR);
		return 0;
	}
	if ((rc = eval_expr(r, e->a, &a)))
		return rc;
	if (!strcmp(e->path, "pages")) {
		*out = val(ceil(a.v / (double)VMSIM_PAGE_SIZE), U_COUNT);
		return 0;
	}
	if (!strcmp(e->path, "min") || !strcmp(e->path, "max")) {
		if ((rc = eval_expr(r, e->b, &b)))
			return rc;
		bool first = !strcmp(e->path, "min") ? a.v <= b.v : a.v >= b.v;
		*out = first ? a : b;
		return 0;
	}
	/* vpn, offset, index: the split of an address with the machine's levels */
	struct vmsim_va_split s;
	unsigned levels = r->sys ? vmsim_system_config(r->sys)->mmu.levels : r->cfg.mmu.levels;
	if (a.v < 0 || a.v != floor(a.v) || a.v >= 18446744073709551616.0)
		return runner_error(r, e->col, VMSIM_EINVAL, "%s() needs an address", e->path);
	rc = vmsim_va_split((vaddr_t)a.v, levels ? levels : 4, VMSIM_PAGE_4K, &s);
	if (rc)
		return runner_error(r, e->col, rc, "%s(): %s", e->path, vmsim_strerror(rc));
	if (!strcmp(e->path, "vpn")) {
		*out = val((double)s.vpn, U_ADDR);
		return 0;
	}
	if (!strcmp(e->path, "offset")) {
		*out = val((double)s.offset, U_ADDR);
		return 0;
	}
	for (unsigned i = 0; i < s.nlevels; i++)
		if (!strcmp(s.level[i].name, e->word)) {
			*out = val(s.level[i].index, U_COUNT);
			return 0;
		}
	return runner_error(r, e->col, VMSIM_EINVAL, "there is no %s level with %u-level paging",
			    e->word, levels);
}

/* ---- expressions ----------------------------------------------------------------------- */

/* The unit of a + b, a * b, a / b, for printing. */
static enum unit combine(enum expr_kind k, enum unit a, enum unit b)
{
	if (k == EX_DIV) {
		if (a == b)
			return U_COUNT; /* bytes / bytes: a number */
		return a;
	}
	if (k == EX_MUL)
		return a == U_COUNT ? b : a;
	return a == U_COUNT ? b : a;
}

static bool is_binary(const struct expr *e)
{
	return e->kind == EX_ADD || e->kind == EX_SUB || e->kind == EX_MUL || e->kind == EX_DIV;
}

/* @a op @b for the binary node @e into *@out. */
static int apply_binary(struct runner *r, const struct expr *e, struct value a, struct value b,
			struct value *out)
{
	out->u = combine(e->kind, a.u, b.u);
	switch (e->kind) {
	case EX_ADD:
		out->v = a.v + b.v;
		break;
	case EX_SUB:
		out->v = a.v - b.v;
		break;
	case EX_MUL:
		out->v = a.v * b.v;
		break;
	case EX_DIV:
		if (b.v == 0)
			return runner_error(r, e->col, VMSIM_EINVAL, "division by zero");
		out->v = a.v / b.v;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * A chain of binary operators (1+2+3+... parses as a tree that leans left,
 * as deep as the chain is long): its left spine is gathered in a loop and
 * evaluated bottom up, so only the right operands recurse, and their
 * nesting is bounded by the parser (SCENARIO_EXPR_MAX_DEPTH).
 */
static int eval_chain(struct runner *r, const struct expr *e, struct value *out)
{
	const struct expr *local[64], **spine = local;
	size_t n = 0, cap = ARRAY_SIZE(local);
	struct value acc, b;
	int rc = 0;

	for (; is_binary(e); e = e->a) {
		if (n == cap) {
			const struct expr **grown =
			    malloc(2 * cap * sizeof(*grown)); /* long chains only */
			if (!grown) {
				rc =
				    runner_error(r, e->col, VMSIM_ENOHOSTMEM, "out of host memory");
				goto out;
			}
			memcpy(grown, spine, n * sizeof(*grown));
			if (spine != local)
				free(spine);
			spine = grown;
			cap *= 2;
		}
		spine[n++] = e;
	}
	if ((rc = eval_expr(r, e, &acc)))
		goto out;
	while (n--) {
		if ((rc = eval_expr(r, spine[n]->b, &b)) ||
		    (rc = apply_binary(r, spine[n], acc, b, &acc)))
			goto out;
	}
	*out = acc;
out:
	if (spine != local)
		free(spine);
	return rc;
}

int eval_expr(struct runner *r, const struct expr *e, struct value *out)
{
	struct value a;
	int rc;

	switch (e->kind) {
	case EX_NUM:
		*out = e->num;
		return 0;
	case EX_PATH:
		return eval_path(r, e->path, e->col, out);
	case EX_CALL:
		return eval_call(r, e, out);
	case EX_NEG:
		if ((rc = eval_expr(r, e->a, &a)))
			return rc;
		*out = val(-a.v, a.u);
		return 0;
	default:
		break;
	}
	return eval_chain(r, e, out);
}
