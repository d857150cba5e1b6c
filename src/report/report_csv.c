/*
 * The CSV time series (docs/FORMATS.md "CSV time series"). Every counter
 * appears cumulative, and the ones a plot shows per interval appear again
 * with a d_ prefix: the difference from the previous row (the first row's
 * previous row is all zeros, the state before the run). A value that is
 * undefined (a ratio over an empty interval) is an empty field, which
 * gnuplot and spreadsheets read as missing.
 */
#include "report/report_csv.h"

#include <inttypes.h>
#include <string.h>

#include "vmsim/error.h"

static const char *const level_key[VMSIM_TLB_NLEVELS] = {"l1i", "l1d", "l2"};

void csv_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	bool quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');

	if (strpbrk(s, ",\"\r\n"))
		quote = true;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* ",rss_PID" or, for a process the workload named, ",rss_PID_NAME" with
 * every byte of NAME that CSV would have to quote (comma, quote, line
 * break, blank) written as '_', so that the header needs no quoting. */
static void rss_column(FILE *f, int pid, const struct run_names *names)
{
	const char *n = run_proc_name(names, pid);

	fprintf(f, ",rss_%d", pid);
	if (!n)
		return;
	fputc('_', f);
	for (; *n; n++)
		fputc(strchr(",\"\r\n \t", *n) ? '_' : *n, f);
}

static void header(FILE *f, const struct series *s, const struct run_names *names)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&n);

	fputs(REPORT_CSV_FIRST_COLUMNS, f);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].csv)
			continue;
		fprintf(f, ",%s", t[i].csv);
		if (t[i].kind == VMSIM_STAT_CUM)
			fprintf(f, ",d_%s", t[i].csv);
	}
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++)
		fprintf(f, ",tlb_%s_lookups,tlb_%s_misses", level_key[l], level_key[l]);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++)
		fprintf(f, ",d_tlb_%s_lookups,d_tlb_%s_misses", level_key[l], level_key[l]);
	fputs(",rss_total,utilisation,utilisation_total", f);
	for (size_t c = 0; c < s->npids; c++)
		rss_column(f, s->pid[c], names);
	fputs(",label\n", f);
}

/* ",value" */
static void cum(FILE *f, uint64_t v)
{
	fprintf(f, ",%" PRIu64, v);
}

/* ",value-previous"; a counter that went down (a cumulative one never
 * does) prints 0. */
static void delta(FILE *f, uint64_t v, uint64_t prev)
{
	fprintf(f, ",%" PRIu64, v >= prev ? v - prev : 0);
}

/* ",num/den", or "," when den is 0. */
static void ratio(FILE *f, uint64_t num, uint64_t den)
{
	if (den)
		fprintf(f, ",%.6f", (double)num / (double)den);
	else
		fputc(',', f);
}

/* Row @d of @st (and its difference from @prev for a cumulative row). */
static void stat_cells(FILE *f, const struct vmsim_stat_desc *d, const struct vmsim_sys_stats *st,
		       const struct vmsim_sys_stats *prev)
{
	if (d->type == VMSIM_STAT_DBL) {
		double v = vmsim_stat_value(d, st);
		fprintf(f, ",%.9g", v);
		if (d->kind == VMSIM_STAT_CUM)
			fprintf(f, ",%.9g", v - vmsim_stat_value(d, prev));
		return;
	}
	cum(f, vmsim_stat_u64(d, st));
	if (d->kind == VMSIM_STAT_CUM)
		delta(f, vmsim_stat_u64(d, st), vmsim_stat_u64(d, prev));
}

static void row(FILE *f, const struct series *s, size_t i)
{
	static const struct series_row zero;
	const struct series_row *r = &s->row[i], *p = i ? &s->row[i - 1] : &zero;
	const struct vmsim_mmu_stats *m = &r->st.mmu, *pm = &p->st.mmu;
	uint64_t rss_total = 0;
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&n);

	for (size_t c = 0; c < r->nrss; c++)
		rss_total += s->rss[r->rss_off + c];
	fprintf(f, "%zu,%" PRIu64, i, r->accesses);
	delta(f, r->accesses, p->accesses);
	for (size_t k = 0; k < n; k++)
		if (t[k].csv)
			stat_cells(f, &t[k], &r->st, &p->st);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		cum(f, m->tlb[l].lookups);
		cum(f, m->tlb[l].misses);
	}
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		delta(f, m->tlb[l].lookups, pm->tlb[l].lookups);
		delta(f, m->tlb[l].misses, pm->tlb[l].misses);
	}
	cum(f, rss_total);
	ratio(f, r->st.cycles_compute - p->st.cycles_compute, r->st.cycles - p->st.cycles);
	ratio(f, r->st.cycles_compute, r->st.cycles);
	for (size_t c = 0; c < s->npids; c++)
		cum(f, series_rss(s, i, c));
	fputc(',', f);
	if (r->label)
		csv_field(f, r->label);
	fputc('\n', f);
}

int report_csv_write(FILE *f, const struct series *s, const struct run_names *names)
{
	header(f, s, names);
	for (size_t i = 0; i < s->nrows; i++)
		row(f, s, i);
	if (fflush(f) != 0 || ferror(f))
		return VMSIM_EIO;
	return 0;
}

int report_csv_write_path(const char *path, const struct series *s, const struct run_names *names)
{
	FILE *f;
	int rc;

	if (strcmp(path, "-") == 0)
		return report_csv_write(stdout, s, names);
	f = fopen(path, "w");
	if (!f)
		return VMSIM_EIO;
	rc = report_csv_write(f, s, names);
	if (fclose(f) != 0 && rc == 0)
		rc = VMSIM_EIO;
	return rc;
}
