/*
 * The make validate runner: reads the host's settings, runs every case of
 * cases.def natively (in a forked child, the median of --runs runs) and in
 * vmsim, prints the comparison, writes the validation document, and exits
 * 1 when a metric stated as matching is off by more than its tolerance.
 *
 *   vmsim-validate [--dir DIR] [--doc FILE] [--runs N] [--case NAME] [--list]
 */
#define _GNU_SOURCE

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "validate.h"

#define VCASE(n) extern const struct vcase vcase_##n;
#include "cases.def"
#undef VCASE

static const struct vcase *const cases[] = {
#define VCASE(n) &vcase_##n,
#include "cases.def"
#undef VCASE
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

#define MAX_RUNS 9

/* One case's results. */
struct vresult {
	int native_rc, sim_rc;
	char why[256];
	double linux_v[VMAX_METRICS];
	double sim_v[VMAX_METRICS];
};

static unsigned nmetrics(const struct vcase *c)
{
	unsigned n = 0;
	while (n < VMAX_METRICS && c->metric[n].name)
		n++;
	return n;
}

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* The bracketed word of a sysfs choice file ("always [madvise] never"). */
static void bracketed(const char *line, char *out, size_t len)
{
	const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
	if (!a || !b || (size_t)(b - a) > len) {
		snprintf(out, len, "unknown");
		return;
	}
	snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
}

/* read_ahead_kb of the device holding @dir (its bdi, or a partition's disk). */
static uint64_t dir_read_ahead_kb(const char *dir, char *dev, size_t devlen)
{
	struct stat st;
	char path[256], line[64];
	if (stat(dir, &st) != 0)
		return 0;
	snprintf(dev, devlen, "%u:%u", major(st.st_dev), minor(st.st_dev));
	static const char *const where[][2] = {{"/sys/class/bdi/", "/read_ahead_kb"},
					       {"/sys/dev/block/", "/queue/read_ahead_kb"},
					       {"/sys/dev/block/", "/../queue/read_ahead_kb"}};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s%s", where[i][0], dev, where[i][1]);
		if (read_line(path, line, sizeof(line)))
			return strtoull(line, NULL, 10);
	}
	return 0;
}

static void host_init(struct vhost *h, const char *dir)
{
	struct utsname u;
	char line[256];
	memset(h, 0, sizeof(*h));
	uname(&u);
	snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	h->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	h->ram_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * h->page_size;
	h->thp = VMSIM_THP_NEVER;
	if (read_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof(line))) {
		char w[32];
		bracketed(line, w, sizeof(w));
		h->thp = !strcmp(w, "always")	 ? VMSIM_THP_ALWAYS
			 : !strcmp(w, "madvise") ? VMSIM_THP_MADVISE
						 : VMSIM_THP_NEVER;
	}
	snprintf(h->thp_defrag, sizeof(h->thp_defrag), "unknown");
	if (read_line("/sys/kernel/mm/transparent_hugepage/defrag", line, sizeof(line)))
		bracketed(line, h->thp_defrag, sizeof(h->thp_defrag));
	h->dir = dir;
	h->read_ahead_kb = dir_read_ahead_kb(dir, h->dev, sizeof(h->dev));
	h->fault_around_bytes = 64 << 10;
	if (read_line("/sys/kernel/debug/fault_around_bytes", line, sizeof(line)))
		h->fault_around_bytes = strtoull(line, NULL, 10);
	const char *ra128 = getenv("VMSIM_VALIDATE_RA128_DIR");
	h->dir_ra128 = ra128 && *ra128 ? ra128 : NULL;
	static const struct {
		const char *file;
		size_t off;
		uint64_t dflt;
	} kh[] = {
	    {"pages_to_scan", offsetof(struct vhost, kh_pages_to_scan), 4096},
	    {"scan_sleep_millisecs", offsetof(struct vhost, kh_scan_sleep_ms), 10000},
	    {"alloc_sleep_millisecs", offsetof(struct vhost, kh_alloc_sleep_ms), 60000},
	    {"max_ptes_none", offsetof(struct vhost, kh_max_ptes_none), 511},
	    {"max_ptes_shared", offsetof(struct vhost, kh_max_ptes_shared), 256},
	};
	for (size_t i = 0; i < sizeof(kh) / sizeof(kh[0]); i++) {
		char path[128];
		uint64_t v = kh[i].dflt;
		snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/khugepaged/%s",
			 kh[i].file);
		if (read_line(path, line, sizeof(line))) {
			h->khugepaged = true;
			v = strtoull(line, NULL, 10);
		}
		memcpy((char *)h + kh[i].off, &v, sizeof(v));
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One native run in a child: its values come back through a pipe. */
static int native_once(const struct vcase *c, const struct vhost *h, double *v, char *why,
		       size_t whylen)
{
	struct {
		int rc;
		char why[240];
		double v[VMAX_METRICS];
	} msg;
	int fds[2];
	if (pipe(fds) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return vwhy(VCASE_FAIL, why, whylen, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		memset(&msg, 0, sizeof(msg));
		msg.rc = c->native(h, msg.v, msg.why, sizeof(msg.why));
		ssize_t n = write(fds[1], &msg, sizeof(msg));
		_exit(n == (ssize_t)sizeof(msg) ? 0 : 1);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], &msg, sizeof(msg));
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (n != (ssize_t)sizeof(msg))
		return vwhy(VCASE_FAIL, why, whylen, "native step died (status %d)", status);
	memcpy(v, msg.v, sizeof(msg.v));
	if (msg.rc)
		snprintf(why, whylen, "%s", msg.why);
	return msg.rc;
}

static void run_case(const struct vcase *c, const struct vhost *h, int runs, struct vresult *r)
{
	double all[MAX_RUNS][VMAX_METRICS];
	unsigned nm = nmetrics(c);
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < runs; i++) {
		r->native_rc = native_once(c, h, all[i], r->why, sizeof(r->why));
		if (r->native_rc)
			return;
	}
	for (unsigned m = 0; m < nm; m++) {
		double col[MAX_RUNS];
		for (int i = 0; i < runs; i++)
			col[i] = all[i][m];
		qsort(col, (size_t)runs, sizeof(col[0]), cmp_double);
		r->linux_v[m] = col[runs / 2];
	}
	r->sim_rc = c->sim(h, r->sim_v, r->why, sizeof(r->why));
}

static double diff_pct(double lin, double sim)
{
	if (lin == 0)
		return sim == 0 ? 0 : 100;
	return (sim - lin) / lin * 100;
}

static bool within(const struct vmetric *m, double lin, double sim)
{
	double d = fabs(sim - lin);
	return d <= m->tol_abs || d <= fabs(lin) * m->tol_pct / 100;
}

/* "matches" / "DRIFTED" / "explained" for one metric. */
static const char *verdict(const struct vmetric *m, double lin, double sim)
{
	if (m->explained)
		return within(m, lin, sim) ? "explained (within tolerance now)" : "explained";
	return within(m, lin, sim) ? "matches" : "DRIFTED";
}

/* Does the host have a swap device (a line after /proc/swaps' header)? */
static bool host_has_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

static void write_doc(FILE *f, const struct vhost *h, int runs, const struct vresult *res,
		      const bool *selected)
{
	fprintf(f,
		"# Validation against Linux\n\n"
		"`make validate` runs each case below twice: natively on the build host (a small\n"
		"C program in `validate/case_*.c`: getrusage deltas, `/proc/self/status`,\n"
		"`/proc/self/smaps`) and in vmsim, on a machine configured from the host's own\n"
		"settings. This file is written by `make validate`; do not edit it by hand (the\n"
		"explanations live with the cases, in `validate/case_*.c`).\n\n"
		"A metric is either stated as **matching** (CI fails when vmsim drifts past its\n"
		"tolerance) or **explained**: the text names the Linux mechanism vmsim leaves\n"
		"out and why. Cold-cache cases drop the test's own file with\n"
		"`posix_fadvise(POSIX_FADV_DONTNEED)`, never `drop_caches`. The Linux figure is\n"
		"the median of %d runs.\n\n",
		runs);
	fprintf(f, "## Host\n\n| setting | value |\n| --- | --- |\n");
	fprintf(f, "| kernel | %s |\n| page size | %llu |\n| RAM | %llu MiB |\n", h->kernel,
		(unsigned long long)h->page_size, (unsigned long long)(h->ram_bytes >> 20));
	fprintf(f, "| THP enabled | %s |\n| THP defrag | %s |\n",
		h->thp == VMSIM_THP_ALWAYS    ? "always"
		: h->thp == VMSIM_THP_MADVISE ? "madvise"
					      : "never",
		h->thp_defrag);
	fprintf(f, "| test files | device %s, read_ahead_kb %llu |\n", h->dev,
		(unsigned long long)h->read_ahead_kb);
	fprintf(f, "| fault_around_bytes | %llu |\n", (unsigned long long)h->fault_around_bytes);
	if (h->khugepaged)
		fprintf(f,
			"| khugepaged | pages_to_scan %llu, scan_sleep_millisecs %llu, "
			"alloc_sleep_millisecs %llu, max_ptes_none %llu, max_ptes_shared %llu |\n",
			(unsigned long long)h->kh_pages_to_scan,
			(unsigned long long)h->kh_scan_sleep_ms,
			(unsigned long long)h->kh_alloc_sleep_ms,
			(unsigned long long)h->kh_max_ptes_none,
			(unsigned long long)h->kh_max_ptes_shared);
	else
		fprintf(f, "| khugepaged | none (no transparent_hugepage/khugepaged) |\n");
	fprintf(f, "| read_ahead_kb 128 directory | %s |\n\n",
		h->dir_ra128 ? h->dir_ra128 : "none (VMSIM_VALIDATE_RA128_DIR unset)");
	fprintf(f, "## Not measured here\n\n");
	fprintf(f,
		"- **Shared anonymous memory under pressure** (MAP_SHARED|MAP_ANONYMOUS pages "
		"written to swap and read back).\n  %s vmsim's side is tested by `unit_swap` "
		"(`shmem_swap_round_trip_keeps_data_for_every_sharer`: the bytes survive the "
		"round trip for both sharers, the faults back are major, smaps counts the "
		"pages as Swap, VmSwap does not) and by the differential test.\n\n",
		host_has_swap()
		    ? "This host has swap, but no case measures it yet (it would need "
		      "a memory cgroup limit to push one process's pages out)."
		    : "This host has no swap (`/proc/swaps` lists no device), so Linux "
		      "cannot push these pages anywhere and its behaviour cannot be "
		      "measured; a swap device would change a machine other work shares.");
	fprintf(f, "- **THP faults on fragmented memory** (the `defrag` setting: reclaim and "
		   "compaction, or a fall back to 4 KiB pages). Fragmenting this host's memory "
		   "would take most of its RAM from the other work it runs, and how fragmented "
		   "it is already is not under a case's control, so this is not measured. One "
		   "known difference, by construction: Linux's buddy allocator groups "
		   "allocations by migratetype (page tables and other unmovable memory in their "
		   "own 2 MiB pageblocks), vmsim's does not, so a page table allocated among a "
		   "process's pages pins its 2 MiB block and compaction cannot free it. On a "
		   "vmsim machine filled by page faults most blocks hold a page table, and "
		   "compaction fails where Linux's would succeed. vmsim's side is tested by "
		   "`unit_compact` (exact stalls, pages migrated and fallbacks for each defrag "
		   "mode, bytes kept, `page_table_in_each_block_defeats_compaction`).\n\n");
	fprintf(f, "## Results\n\n| case | metric | Linux | vmsim | diff %% | tolerance | verdict "
		   "|\n| --- | --- | ---: | ---: | ---: | --- | --- |\n");
	for (size_t i = 0; i < NCASES; i++) {
		const struct vcase *c = cases[i];
		const struct vresult *r = &res[i];
		if (!selected[i])
			continue;
		if (r->native_rc || r->sim_rc) {
			fprintf(f, "| %s | | | | | | %s: %s |\n", c->name,
				(r->native_rc == VCASE_SKIP || r->sim_rc == VCASE_SKIP) ? "skipped"
											: "failed",
				r->why);
			continue;
		}
		for (unsigned m = 0; m < nmetrics(c); m++) {
			const struct vmetric *mt = &c->metric[m];
			fprintf(f, "| %s | %s | %.0f | %.0f | %+.1f | %g %% or %g | %s |\n",
				c->name, mt->name, r->linux_v[m], r->sim_v[m],
				diff_pct(r->linux_v[m], r->sim_v[m]), mt->tol_pct, mt->tol_abs,
				verdict(mt, r->linux_v[m], r->sim_v[m]));
		}
	}
	fprintf(f, "\n## Cases\n\n");
	for (size_t i = 0; i < NCASES; i++) {
		const struct vcase *c = cases[i];
		if (!selected[i])
			continue;
		fprintf(f, "- **%s**: %s.\n", c->name, c->title);
		for (unsigned m = 0; m < nmetrics(c); m++)
			if (c->metric[m].explained)
				fprintf(f, "  - *%s*, explained: %s\n", c->metric[m].name,
					c->metric[m].explained);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: vmsim-validate [--dir DIR] [--doc FILE] [--runs N] [--case NAME] "
			"[--list]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *dir = "validate-files", *doc = NULL, *only = NULL;
	int runs = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (size_t c = 0; c < NCASES; c++)
				printf("%-24s %s\n", cases[c]->name, cases[c]->title);
			return 0;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--doc") && i + 1 < argc) {
			doc = argv[++i];
		} else if (!strcmp(argv[i], "--case") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > MAX_RUNS) {
				fprintf(stderr, "vmsim-validate: --runs wants 1..%d, not '%s'\n",
					MAX_RUNS, argv[i]);
				return 2;
			}
			runs = (int)n;
		} else {
			return usage();
		}
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "vmsim-validate: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	struct vhost h;
	host_init(&h, dir);
	printf("kernel %s, page size %llu, THP %s/%s, test files on %s (read_ahead_kb %llu)\n",
	       h.kernel, (unsigned long long)h.page_size,
	       h.thp == VMSIM_THP_ALWAYS    ? "always"
	       : h.thp == VMSIM_THP_MADVISE ? "madvise"
					    : "never",
	       h.thp_defrag, h.dev, (unsigned long long)h.read_ahead_kb);
	printf("%-24s %-18s | %10s | %10s | %7s | %s\n", "case", "metric", "Linux", "vmsim",
	       "diff %", "verdict");

	static struct vresult res[NCASES];
	bool selected[NCASES];
	int drifted = 0, failed = 0, found = 0;
	for (size_t i = 0; i < NCASES; i++) {
		const struct vcase *c = cases[i];
		selected[i] = !only || !strcmp(only, c->name);
		if (!selected[i])
			continue;
		found++;
		struct vresult *r = &res[i];
		run_case(c, &h, runs, r);
		if (r->native_rc || r->sim_rc) {
			bool skip = r->native_rc == VCASE_SKIP || r->sim_rc == VCASE_SKIP;
			printf("%-24s %-18s | %s: %s\n", c->name, "", skip ? "skipped" : "FAILED",
			       r->why);
			failed += !skip;
			continue;
		}
		for (unsigned m = 0; m < nmetrics(c); m++) {
			const struct vmetric *mt = &c->metric[m];
			const char *v = verdict(mt, r->linux_v[m], r->sim_v[m]);
			printf("%-24s %-18s | %10.0f | %10.0f | %+6.1f%% | %s\n", c->name, mt->name,
			       r->linux_v[m], r->sim_v[m], diff_pct(r->linux_v[m], r->sim_v[m]), v);
			drifted += !strcmp(v, "DRIFTED");
		}
	}
	if (only && !found) {
		fprintf(stderr, "vmsim-validate: no case named '%s' (see --list)\n", only);
		return 2;
	}
	if (doc) {
		FILE *f = fopen(doc, "w");
		if (!f) {
			fprintf(stderr, "vmsim-validate: %s: %s\n", doc, strerror(errno));
			return 2;
		}
		write_doc(f, &h, runs, res, selected);
		if (fclose(f) != 0) {
			fprintf(stderr, "vmsim-validate: %s: write failed\n", doc);
			return 2;
		}
		printf("wrote %s\n", doc);
	}
	if (drifted || failed) {
		printf("validate: %d metric(s) drifted past tolerance, %d case(s) failed\n",
		       drifted, failed);
		return 1;
	}
	printf("validate: every case matches or is explained\n");
	return 0;
}
