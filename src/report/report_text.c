/*
 * The human report (see report.h): formatting helpers and one function per
 * table. Every figure comes from a vm_* getter; nothing here writes to the
 * machine. Column widths are fixed per table so that rows line up whatever
 * the values; a value that does not fit widens its row rather than being
 * cut.
 *
 * Units are the same everywhere: sizes in binary units (report_bytes),
 * counts grouped by thousands up to a million (report_count), ratios as
 * percentages with one decimal (report_ratio), times with ns/us/ms/s.
 */
#include "report/report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"

/* ---- formatting --------------------------------------------------------- */

struct report_num report_bytes(uint64_t bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	struct report_num r;
	unsigned u = 0;
	uint64_t div = 1;

	if (bytes < 1024) {
		snprintf(r.s, sizeof(r.s), "%" PRIu64 " B", bytes);
		return r;
	}
	while (u + 1 < ARRAY_SIZE(units) && bytes / div >= 1024) {
		div <<= 10;
		u++;
	}
	if (bytes % div == 0) {
		snprintf(r.s, sizeof(r.s), "%" PRIu64 " %s", bytes / div, units[u]);
		return r;
	}
	double v = (double)bytes / (double)div;
	if (round(v * 10) / 10 >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(r.s, sizeof(r.s), "%.1f %s", v, units[u]);
	return r;
}

struct report_num report_count(uint64_t n)
{
	struct report_num r;
	char digits[24];
	size_t len, out = 0;

	if (n >= 999995000ULL) {
		snprintf(r.s, sizeof(r.s), "%.2fG", (double)n / 1e9);
		return r;
	}
	if (n >= 1000000) {
		snprintf(r.s, sizeof(r.s), "%.2fM", (double)n / 1e6);
		return r;
	}
	len = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, n);
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			r.s[out++] = ',';
		r.s[out++] = digits[i];
	}
	r.s[out] = '\0';
	return r;
}

struct report_num report_ratio(double ratio)
{
	struct report_num r;
	if (isnan(ratio))
		snprintf(r.s, sizeof(r.s), "-");
	else
		snprintf(r.s, sizeof(r.s), "%.1f%%", ratio * 100.0);
	return r;
}

struct report_num report_ratio_of(uint64_t part, uint64_t whole)
{
	return report_ratio(whole ? (double)part / (double)whole : NAN);
}

struct report_num report_seconds(double s)
{
	struct report_num r;
	if (s == 0)
		snprintf(r.s, sizeof(r.s), "0 s");
	else if (s < 1e-6)
		snprintf(r.s, sizeof(r.s), "%.0f ns", s * 1e9);
	else if (s < 1e-3)
		snprintf(r.s, sizeof(r.s), "%.1f us", s * 1e6);
	else if (s < 1)
		snprintf(r.s, sizeof(r.s), "%.2f ms", s * 1e3);
	else
		snprintf(r.s, sizeof(r.s), "%.2f s", s);
	return r;
}

/* ---- helpers ------------------------------------------------------------ */

/* "0x1a2b", and "0x0" for zero (printf's %#x drops the prefix of 0). */
static struct report_num hex(uint64_t x)
{
	struct report_num r;
	snprintf(r.s, sizeof(r.s), "0x%" PRIx64, x);
	return r;
}

/* "A" or "pid 3" into @buf. */
static const char *who(const struct run_names *names, int pid, char *buf, size_t len)
{
	const char *n = run_proc_name(names, pid);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "pid %d", pid);
	return buf;
}

static const char *state_of(const struct vmsim_proc_stats *ps)
{
	if (ps->alive)
		return "alive";
	if (ps->oom_killed)
		return "oom-kill";
	if (ps->faults_invalid)
		return "killed";
	return "exited";
}

static const char *onoff(bool b)
{
	return b ? "on" : "off";
}

static const char *const tlb_level_names[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};
static const char *const pwc_names[VMSIM_MAX_LEVELS + 1] = {"",	     "",      "PDE",
							    "PDPTE", "PML4E", "PML5E"};

/* ---- counter-table rows (include/vmsim/stats_table.h) ------------------- */

/* Row @d of @stats in its unit: sizes in bytes, counts grouped, yes/no. */
static struct report_num stat_text(const struct vmsim_stat_desc *d, const void *stats)
{
	struct report_num r;

	switch (d->unit) {
	case VMSIM_STAT_PAGES:
	case VMSIM_STAT_BYTES:
		return report_bytes((uint64_t)vmsim_stat_scaled(d, stats));
	case VMSIM_STAT_FLAG:
		snprintf(r.s, sizeof(r.s), "%s", vmsim_stat_value(d, stats) != 0 ? "yes" : "no");
		return r;
	case VMSIM_STAT_SECONDS:
		return report_seconds(vmsim_stat_value(d, stats));
	case VMSIM_STAT_RATIO:
		return report_ratio(vmsim_stat_value(d, stats));
	case VMSIM_STAT_COUNT:
		break;
	}
	return report_count(vmsim_stat_u64(d, stats));
}

/* @label with its "%s" replaced by @value. */
static void put_label(FILE *f, const char *label, const char *value)
{
	const char *at = strstr(label, "%s");

	if (!at) {
		fprintf(f, "%s %s", label, value);
		return;
	}
	fprintf(f, "%.*s%s%s", (int)(at - label), label, value, at + 2);
}

/* The system rows of @sec as one sentence: "1,702 pages out, 256 pages in". */
static void stat_sentence(FILE *f, enum vmsim_stat_section sec, const struct vmsim_sys_stats *st)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&n);
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (t[i].section != sec)
			continue;
		if (!first && !strchr(" :;(", t[i].label[0]))
			fputs(", ", f);
		put_label(f, t[i].label, stat_text(&t[i], st).s);
		first = false;
	}
}

/* One line of the system report: "swap         " and its sentence. */
static void stat_line(FILE *f, const char *name, enum vmsim_stat_section sec,
		      const struct vmsim_sys_stats *st)
{
	fprintf(f, "%-12s ", name);
	stat_sentence(f, sec, st);
	fputc('\n', f);
}

/* ---- the machine and its memory ----------------------------------------- */

void report_machine(FILE *f, const struct vmsim_config *cfg)
{
	static const char *const thp[] = {"never", "madvise", "always"};
	fprintf(f,
		"machine: RAM %s, swap %s, cpu %s, %u-level paging, THP %s, policy %s, data mode "
		"%s, ",
		report_bytes(cfg->ram_bytes).s, report_bytes(cfg->swap_bytes).s,
		cfg->mmu.cpu ? cfg->mmu.cpu : "custom", cfg->mmu.levels,
		cfg->thp >= 0 && cfg->thp <= 2 ? thp[cfg->thp] : "?",
		cfg->policy ? cfg->policy : "clock", onoff(cfg->data_mode));
	if (cfg->wss_window)
		fprintf(f, "wss window %s accesses, ", report_count(cfg->wss_window).s);
	fprintf(f, "seed %" PRIu64 "\n", cfg->seed);
}

void report_memory(FILE *f, struct vmsim_system *sys)
{
	struct vmsim_sys_stats st;
	vmsim_sys_stats(sys, &st);
	fputs("memory: ", f);
	stat_sentence(f, VMSIM_STAT_SEC_MEM, &st);
	fputc('\n', f);
}

/* ---- processes ------------------------------------------------------------ */

#define PROC_HDR "%5s %-10s %-8s"

static void proc_row_head(FILE *f, const struct vmsim_proc_stats *ps, const struct run_names *names)
{
	char nb[64];
	const char *n = run_proc_name(names, ps->pid);
	snprintf(nb, sizeof(nb), "%s", n ? n : "-");
	fprintf(f, "%5d %-10s %-8s", ps->pid, nb, state_of(ps));
}

/* The header of the process table of @sec: the labels of its rows. */
static void proc_table_head(FILE *f, enum vmsim_stat_section sec, const char *extra)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_proc_stat_table(&n);

	fprintf(f, PROC_HDR, "pid", "process", "state");
	for (size_t i = 0; i < n; i++)
		if (t[i].section == sec)
			fprintf(f, t[i].unit == VMSIM_STAT_FLAG ? " %4s" : " %10s", t[i].label);
	if (extra)
		fprintf(f, " %10s", extra);
	fputc('\n', f);
}

/* One process's row of the table of @sec (without the extra column). */
static void proc_table_row(FILE *f, enum vmsim_stat_section sec, const struct vmsim_proc_stats *ps)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_proc_stat_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].section == sec)
			fprintf(f, t[i].unit == VMSIM_STAT_FLAG ? " %4s" : " %10s",
				stat_text(&t[i], ps).s);
}

void report_processes(FILE *f, struct vmsim_system *sys, const struct run_names *names)
{
	struct vmsim_proc_stats ps;

	proc_table_head(f, VMSIM_STAT_SEC_PMEM, NULL);
	for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
		if (vmsim_proc_stats(sys, pid, &ps))
			continue;
		proc_row_head(f, &ps, names);
		proc_table_row(f, VMSIM_STAT_SEC_PMEM, &ps);
		fputc('\n', f);
	}
}

/* SIGSEGVs (not SIGBUS) recorded for @pid. */
static uint64_t segvs_of(struct vmsim_system *sys, int pid)
{
	struct vmsim_segv_record r;
	uint64_t n = 0;
	for (uint64_t i = 0; vmsim_segv_get(sys, i, &r) == 0; i++)
		if (r.pid == pid &&
		    (r.reason == VMSIM_SEGV_MAPERR || r.reason == VMSIM_SEGV_ACCERR))
			n++;
	return n;
}

void report_faults(FILE *f, struct vmsim_system *sys, const struct run_names *names)
{
	struct vmsim_proc_stats ps;

	proc_table_head(f, VMSIM_STAT_SEC_PFAULT, "SIGSEGV");
	for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
		if (vmsim_proc_stats(sys, pid, &ps))
			continue;
		proc_row_head(f, &ps, names);
		proc_table_row(f, VMSIM_STAT_SEC_PFAULT, &ps);
		fprintf(f, " %10s\n", report_count(segvs_of(sys, pid)).s);
	}
}

int report_process(FILE *f, struct vmsim_system *sys, int pid, const struct run_names *names)
{
	struct vmsim_proc_stats ps;
	char nb[64];
	int rc = vmsim_proc_stats(sys, pid, &ps);
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_proc_stat_table(&n);
	bool first = true;

	if (rc)
		return rc;
	fprintf(f, "%s (pid %d, %s): ", who(names, pid, nb, sizeof(nb)), pid, state_of(&ps));
	for (size_t i = 0; i < n; i++) {
		if (t[i].section != VMSIM_STAT_SEC_PMEM)
			continue;
		fprintf(f, "%s%s %s", first ? "" : ", ", t[i].label, stat_text(&t[i], &ps).s);
		first = false;
	}
	fputc('\n', f);
	return 0;
}

/* ---- the MMU ------------------------------------------------------------ */

/* Entries of level @l's arrays that can hold pages of size @ps. */
static uint64_t tlb_entries(const struct vmsim_tlb_level_cfg *l, enum vmsim_page_size ps)
{
	uint64_t n = 0;
	for (unsigned a = 0; a < l->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++)
		if (l->arrays[a].sizes & (1u << ps))
			n += l->arrays[a].entries;
	return n;
}

void report_tlb(FILE *f, struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = vmsim_system_config(sys);
	struct vmsim_sys_stats st;

	vmsim_sys_stats(sys, &st);
	fprintf(f, "%-5s %-4s %8s %10s %12s %12s %12s %9s\n", "TLB", "page", "entries", "reach",
		"lookups", "hits", "misses", "hit ratio");
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_cfg *lc = &cfg->mmu.tlb.level[l];
		const struct vmsim_tlb_level_stats *ls = &st.mmu.tlb[l];
		unsigned rows = 0;
		uint64_t hits = 0;
		enum vmsim_page_size only = VMSIM_PAGE_4K;

		if (lc->narrays == 0)
			continue;
		for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
			hits += ls->hits[s];
			if (tlb_entries(lc, (enum vmsim_page_size)s) || ls->hits[s]) {
				rows++;
				only = (enum vmsim_page_size)s;
			}
		}
		if (rows == 1) {
			uint64_t n = tlb_entries(lc, only);
			fprintf(f, "%-5s %-4s %8s %10s %12s %12s %12s %9s\n", tlb_level_names[l],
				vmsim_page_size_name(only), report_count(n).s,
				report_bytes(n << vmsim_page_shift(only)).s,
				report_count(ls->lookups).s, report_count(hits).s,
				report_count(ls->misses).s, report_ratio_of(hits, ls->lookups).s);
			continue;
		}
		for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
			enum vmsim_page_size ps = (enum vmsim_page_size)s;
			uint64_t n = tlb_entries(lc, ps);
			if (!n && !ls->hits[s])
				continue;
			fprintf(f, "%-5s %-4s %8s %10s %12s %12s %12s %9s\n", tlb_level_names[l],
				vmsim_page_size_name(ps), report_count(n).s,
				n ? report_bytes(n << vmsim_page_shift(ps)).s : "-", "",
				report_count(ls->hits[s]).s, "",
				report_ratio_of(ls->hits[s], ls->lookups).s);
		}
		fprintf(f, "%-5s %-4s %8s %10s %12s %12s %12s %9s\n", tlb_level_names[l], "all", "",
			"", report_count(ls->lookups).s, report_count(hits).s,
			report_count(ls->misses).s, report_ratio_of(hits, ls->lookups).s);
	}
}

void report_walks(FILE *f, struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = vmsim_system_config(sys);
	struct vmsim_sys_stats st;
	const struct vmsim_walk_stats *w = &st.mmu.walk;
	bool any = false;
	char per[24] = "-";
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&n);

	vmsim_sys_stats(sys, &st);
	if (w->walks)
		snprintf(per, sizeof(per), "%.2f", (double)w->mem_refs / (double)w->walks);
	fprintf(f, "%-6s", "walks");
	for (size_t i = 0; i < n; i++)
		if (t[i].section == VMSIM_STAT_SEC_WALK)
			fprintf(f, " %12s", t[i].label);
	fprintf(f, " %9s\n%-6s", "per walk", "");
	for (size_t i = 0; i < n; i++)
		if (t[i].section == VMSIM_STAT_SEC_WALK)
			fprintf(f, " %12s", stat_text(&t[i], &st).s);
	fprintf(f, " %9s\n", per);
	stat_line(f, "mmu", VMSIM_STAT_SEC_MMU, &st);
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++)
		any |= cfg->mmu.pwc && cfg->mmu.pwc_cfg.entries[l];
	if (!any) {
		fprintf(f, "paging-structure caches: none\n");
		return;
	}
	fprintf(f, "%-6s %12s %12s %9s %10s\n", "PWC", "entries", "lookups", "hits", "hit ratio");
	for (unsigned l = VMSIM_MAX_LEVELS; l >= 2; l--) {
		if (!cfg->mmu.pwc_cfg.entries[l] || l > cfg->mmu.levels)
			continue;
		fprintf(f, "%-6s %12s %12s %9s %10s\n", pwc_names[l],
			report_count(cfg->mmu.pwc_cfg.entries[l]).s,
			report_count(w->pwc_lookups[l]).s, report_count(w->pwc_hits[l]).s,
			report_ratio_of(w->pwc_hits[l], w->pwc_lookups[l]).s);
	}
}

/* ---- reclaim, swap, time -------------------------------------------------- */

void report_reclaim(FILE *f, struct vmsim_system *sys)
{
	struct vmsim_sys_stats st;

	vmsim_sys_stats(sys, &st);
	stat_line(f, "kernel", VMSIM_STAT_SEC_KERNEL, &st);
	stat_line(f, "swap", VMSIM_STAT_SEC_SWAP, &st);
	stat_line(f, "reclaim", VMSIM_STAT_SEC_RECLAIM, &st);
	stat_line(f, "files", VMSIM_STAT_SEC_FILES, &st);
	stat_line(f, "page cache", VMSIM_STAT_SEC_PCACHE, &st);
	stat_line(f, "huge pages", VMSIM_STAT_SEC_HUGE, &st);
	stat_line(f, "compaction", VMSIM_STAT_SEC_COMPACT, &st);
	if (vmsim_system_config(sys)->khugepaged)
		stat_line(f, "khugepaged", VMSIM_STAT_SEC_KHUGEPAGED, &st);
	if (st.wss_samples)
		stat_line(f, "working set", VMSIM_STAT_SEC_WSS, &st);
	else
		fprintf(f, "%-12s not sampled (wss window off)\n", "working set");
}

void report_time(FILE *f, struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = vmsim_system_config(sys);
	struct vmsim_sys_stats st;

	vmsim_sys_stats(sys, &st);
	fputs("time: ", f);
	stat_sentence(f, VMSIM_STAT_SEC_TIME, &st);
	fprintf(f, ", clock %.1f GHz\n", cfg->cost.ghz);
}

static const char *kind_name(enum vmsim_access_kind k)
{
	return k == VMSIM_WRITE ? "write" : k == VMSIM_EXEC ? "exec" : "read";
}

void report_signals(FILE *f, struct vmsim_system *sys, const struct run_names *names)
{
	struct vmsim_segv_record r;
	struct vmsim_oom_record o;
	char nb[64];
	uint64_t i;

	for (i = 0; vmsim_segv_get(sys, i, &r) == 0; i++)
		fprintf(f, "signal: %s %s at 0x%" PRIx64 ": %s\n",
			who(names, r.pid, nb, sizeof(nb)), kind_name(r.kind), r.addr,
			vmsim_segv_reason_str(r.reason));
	uint64_t n = i;
	for (i = 0; vmsim_oom_get(sys, i, &o) == 0; i++)
		fprintf(f, "oom kill: %s (RSS %s, swap %s)\n", who(names, o.pid, nb, sizeof(nb)),
			report_bytes(o.rss).s, report_bytes(o.swap).s);
	if (n + i == 0)
		fprintf(f, "signals: none\n");
}

/* ---- one process's areas and walks ---------------------------------------- */

struct smaps_print {
	FILE *f;
	int pid;
	const struct run_names *names;
};

static int smaps_row(const struct vmsim_smaps_entry *e, void *arg)
{
	struct smaps_print *c = arg;
	char perm[5], names[160];
	const char *label =
	    run_area_names(c->names, c->pid, e->start, e->end, names, sizeof(names));

	if (!label)
		label = e->name;
	perm[0] = (e->prot & VMSIM_PROT_READ) ? 'r' : '-';
	perm[1] = (e->prot & VMSIM_PROT_WRITE) ? 'w' : '-';
	perm[2] = (e->prot & VMSIM_PROT_EXEC) ? 'x' : '-';
	perm[3] = (e->flags & VMSIM_MAP_SHARED) ? 's' : 'p';
	perm[4] = '\0';
	fprintf(c->f,
		"%012" PRIx64 "-%012" PRIx64
		" %4s %10s %10s %10s %9s %9s %9s %9s %10s %10s %9s %9s  %s\n",
		e->start, e->end, perm, report_bytes(e->size).s, report_bytes(e->rss).s,
		report_bytes(e->pss).s, report_bytes(e->shared_clean).s,
		report_bytes(e->shared_dirty).s, report_bytes(e->private_clean).s,
		report_bytes(e->private_dirty).s, report_bytes(e->referenced).s,
		report_bytes(e->anonymous).s, report_bytes(e->anon_huge).s, report_bytes(e->swap).s,
		label);
	return 0;
}

int report_smaps(FILE *f, struct vmsim_system *sys, int pid, const struct run_names *names)
{
	struct smaps_print c = {f, pid, names};
	char nb[64];

	if (!vmsim_process_alive(sys, pid))
		return VMSIM_ESRCH;
	fprintf(f, "areas of %s (pid %d)\n", who(names, pid, nb, sizeof(nb)), pid);
	fprintf(f, "%-25s %4s %10s %10s %10s %9s %9s %9s %9s %10s %10s %9s %9s  %s\n", "address",
		"perm", "size", "RSS", "PSS", "shr clean", "shr dirty", "prv clean", "prv dirty",
		"referenced", "anonymous", "anon huge", "swap", "name");
	return vmsim_smaps(sys, pid, smaps_row, &c);
}

int report_walk(FILE *f, struct vmsim_system *sys, int pid, vaddr_t va,
		const struct run_names *names)
{
	struct vmsim_walk_info w;
	char nb[64], flags[64];
	int rc = vmsim_walk_describe(sys, pid, va, &w);

	if (rc)
		return rc;
	fprintf(f, "walk of 0x%" PRIx64 " in %s (pid %d), %u-level paging\n", va,
		who(names, pid, nb, sizeof(nb)), pid, vmsim_system_config(sys)->mmu.levels);
	fprintf(f, "  %-5s %12s %5s  %-18s  %s\n", "level", "table frame", "index", "entry",
		"flags");
	for (unsigned i = 0; i < w.nlevels; i++) {
		const struct vmsim_walk_level *l = &w.level[i];
		fprintf(f, "  %-5s %12s %5u  0x%016" PRIx64 "  %s\n", l->name, hex(l->table).s,
			l->index, l->entry, vmsim_pte_flags_str(l->entry, flags, sizeof(flags)));
	}
	if (w.mapped) {
		uint64_t mask = (1ULL << vmsim_page_shift(w.ps)) - 1;
		fprintf(f, "  -> physical address %s (frame %s + offset %s), %s page\n",
			hex(w.pa).s, hex((w.pa & ~mask) >> VMSIM_PAGE_SHIFT).s, hex(w.pa & mask).s,
			vmsim_page_size_name(w.ps));
	} else if (w.swapped) {
		fprintf(f, "  -> not present: swapped out to slot %" PRIu64 "\n", w.swap_slot);
	} else {
		const struct vmsim_walk_level *l = &w.level[w.nlevels - 1];
		fprintf(f, "  -> not mapped: the %s entry is %s\n", l->name,
			l->entry ? "not present" : "empty");
	}
	return 0;
}

int report_translate(FILE *f, vaddr_t va, unsigned levels, enum vmsim_page_size ps)
{
	struct vmsim_va_split s;
	int rc = vmsim_va_split(va, levels, ps, &s);

	if (rc)
		return rc;
	fprintf(f, "translate 0x%" PRIx64 ": %u-level paging, %u-bit addresses, %s pages\n", va,
		levels, s.va_bits, vmsim_page_size_name(ps));
	fprintf(f, "  %-7s %7s %7s\n", "field", "bits", "value");
	for (unsigned i = 0; i < s.nlevels; i++) {
		char bits[16];
		snprintf(bits, sizeof(bits), "%u..%u", s.level[i].hi, s.level[i].lo);
		fprintf(f, "  %-7s %7s %7u\n", s.level[i].name, bits, s.level[i].index);
	}
	char bits[16];
	snprintf(bits, sizeof(bits), "%u..0", s.offset_bits - 1);
	fprintf(f, "  %-7s %7s %7s (%" PRIu64 ")\n", "offset", bits, hex(s.offset).s, s.offset);
	fprintf(f,
		"  page number 0x%" PRIx64 " (%" PRIu64 "), offset bits %u = log2(%" PRIu64 ")\n",
		s.vpn, s.vpn, s.offset_bits, (uint64_t)1 << s.offset_bits);
	return 0;
}

/* ---- everything ------------------------------------------------------------ */

void report_all(FILE *f, struct vmsim_system *sys, const struct run_names *names)
{
	report_machine(f, vmsim_system_config(sys));
	report_memory(f, sys);
	fputc('\n', f);
	report_processes(f, sys, names);
	fputc('\n', f);
	report_faults(f, sys, names);
	fputc('\n', f);
	report_tlb(f, sys);
	fputc('\n', f);
	report_walks(f, sys);
	fputc('\n', f);
	report_reclaim(f, sys);
	report_time(f, sys);
	report_signals(f, sys, names);
}
