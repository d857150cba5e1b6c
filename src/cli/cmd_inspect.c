/*
 * vmsim inspect: a real Linux process in the terms vmsim uses for simulated
 * ones (VMS, RSS and its parts, PSS, USS, swap, page tables, faults, huge
 * pages), read from /proc by src/linux/procfs.c.
 *
 *	vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
 *
 * --share compares physical frames through /proc/PID/pagemap, which shows
 * frame numbers to root only; --wss clears the referenced bits
 * (/proc/PID/clear_refs) of every PID, waits once, and sums Referenced.
 * What the caller may not do is skipped with a note on stderr; a PID that
 * cannot be read at all is an error naming it, and the others are still
 * shown (exit status 1 then).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "linux/procfs.h"
#include "report/report.h"
#include "report/report_json.h"
#include "vmsim/error.h"

#define NAME  "inspect"
#define USAGE "usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...\n"

static const char help_text[] =
    "\n"
    "Show real Linux processes in vmsim's terms, from /proc/PID/status, statm,\n"
    "stat, smaps_rollup and smaps: VMS, RSS (anon/file/shmem), PSS, USS, swap,\n"
    "page-table size, minor/major faults and huge-page use.\n"
    "\n"
    "  --maps          add a per-VMA table (sizes in KiB), like pmap -X\n"
    "  --json          print one JSON document (docs/FORMATS.md, \"JSON report\"),\n"
    "                  the schema simulated processes use\n"
    "  --share PID2    count the physical frames each PID shares with PID2 and\n"
    "                  where (needs root: /proc/PID/pagemap hides frame numbers\n"
    "                  from other users)\n"
    "  --wss SECONDS   estimate the working set: clear the referenced bits, wait\n"
    "                  SECONDS (e.g. 0.5), sum the pages referenced since\n"
    "\n"
    "PSS, USS, --maps and --wss need ptrace access to the process: the same user,\n"
    "or root.\n";

struct inspect_opts {
	bool maps;	/* --maps */
	bool json;	/* --json */
	int share;	/* --share PID2, or 0 */
	double wss;	/* --wss SECONDS, or 0 */
	unsigned npids; /* PIDs to show */
	int *pids;	/* argv order */
};

/* What was learnt about one PID. */
struct target {
	int pid;
	int err;		 /* reading it failed: nothing else is valid */
	char why[512];		 /* then: the message */
	struct procfs_proc p;	 /* its counters */
	struct procfs_maps maps; /* --maps */
	bool have_maps;
	uint64_t wss; /* --wss: referenced bytes after the wait */
	bool have_wss;
	struct procfs_share share; /* --share */
	bool have_share;
};

static void note(int pid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "vmsim inspect: note: pid PID: ..." on stderr: something skipped. */
static void note(int pid, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmsim " NAME ": note: pid %d: ", pid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void proc_dir(int pid, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/%d", pid);
}

/* A message for an error reading the process as a whole. */
static void whole_error(struct target *t)
{
	if (t->err == VMSIM_ESRCH)
		cli_error(NAME, "pid %d: no such process", t->pid);
	else if (t->err == VMSIM_EACCES)
		cli_error(NAME, "pid %d: permission denied (%s)", t->pid, t->why);
	else
		cli_error(NAME, "pid %d: %s", t->pid, t->why);
}

static const char *access_hint(void)
{
	return geteuid() == 0 ? "permission denied even to root (another PID namespace, or a "
				"ptrace restriction)"
			      : "needs ptrace access: run as the process's user or as root";
}

/* ---- reading ------------------------------------------------------------- */

static void read_target(struct target *t, const struct inspect_opts *o)
{
	char dir[64];

	proc_dir(t->pid, dir, sizeof(dir));
	t->err = procfs_read_proc(dir, &t->p, t->why, sizeof(t->why));
	if (t->err)
		return;
	if (!t->p.have_rollup && !t->p.kthread)
		note(t->pid, "PSS, USS and huge pages not shown: smaps_rollup: %s",
		     t->p.rollup_err == VMSIM_EACCES ? access_hint()
						     : vmsim_strerror(t->p.rollup_err));
	if (o->maps) {
		char why[512];
		int rc = procfs_read_smaps(dir, &t->maps, why, sizeof(why));
		if (rc == 0)
			t->have_maps = true;
		else
			note(t->pid, "no per-VMA table: %s", why);
	}
}

static void clear_refs(struct target *t)
{
	char dir[64], why[512];

	proc_dir(t->pid, dir, sizeof(dir));
	if (procfs_clear_refs(dir, why, sizeof(why)) == 0)
		t->have_wss = true;
	else
		note(t->pid, "no working-set estimate: %s", why);
}

static void read_wss(struct target *t)
{
	char dir[64], why[512];
	struct procfs_proc now;

	proc_dir(t->pid, dir, sizeof(dir));
	if (procfs_read_proc(dir, &now, why, sizeof(why)) != 0 || !now.have_rollup) {
		note(t->pid, "no working-set estimate: the process could not be read again");
		t->have_wss = false;
		return;
	}
	t->wss = now.rollup.referenced;
}

static void read_share(struct target *t, int other)
{
	char dir[64], odir[64], why[512];
	int rc;

	proc_dir(t->pid, dir, sizeof(dir));
	proc_dir(other, odir, sizeof(odir));
	rc = procfs_share(dir, odir, &t->share, why, sizeof(why));
	if (rc) {
		procfs_share_release(&t->share);
		note(t->pid, "frame sharing not measured: %s", why);
		return;
	}
	t->have_share = true;
	if (t->share.pfns_hidden)
		note(t->pid,
		     "frame sharing not measured: /proc/%d/pagemap shows frame numbers only to "
		     "root (CAP_SYS_ADMIN); without it every frame reads as 0",
		     t->share.pfns_hidden && t->share.present ? t->pid : other);
}

/* ---- text output --------------------------------------------------------- */

static const char *state_name(char s)
{
	switch (s) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'D':
		return "disk sleep";
	case 'Z':
		return "zombie";
	case 'T':
		return "stopped";
	case 't':
		return "tracing stop";
	case 'X':
		return "dead";
	case 'I':
		return "idle";
	default:
		return "unknown";
	}
}

#define B(x) report_bytes(x).s

static void print_share(const struct target *t, int other)
{
	const struct procfs_share *s = &t->share;

	if (s->pfns_hidden) {
		printf("  shared       with pid %d: not measured (frame numbers need root)\n",
		       other);
		return;
	}
	printf("  shared       %s frames (%s) with pid %d: %s anonymous (copy-on-write), "
	       "%s file or shmem\n",
	       report_count(s->frames).s, B(s->frames * VMSIM_PAGE_SIZE), other,
	       report_count(s->frames_anon).s, report_count(s->frames_file).s);
	if (!s->nranges)
		return;
	printf("    %-33s  %8s  %-18s  %s\n", "range", "pages", "in the other at", "mapping");
	for (size_t i = 0; i < s->nranges; i++) {
		const struct procfs_share_range *r = &s->range[i];
		char range[64], at[32];
		snprintf(range, sizeof(range), "0x%" PRIx64 "-0x%" PRIx64, r->start, r->end);
		snprintf(at, sizeof(at), "0x%" PRIx64, r->other);
		printf("    %-33s  %8" PRIu64 "  %-18s  %s\n", range,
		       (r->end - r->start) >> VMSIM_PAGE_SHIFT, at,
		       *r->name ? r->name : (r->anon ? "[anon]" : ""));
	}
}

/* THPeligible as a column: "1", "0", or "-" when the kernel does not say. */
static const char *thp_text(int eligible)
{
	if (eligible < 0)
		return "-";
	return eligible ? "1" : "0";
}

/* Decimal width of @v. */
static int width_of(uint64_t v)
{
	int w = 1;
	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

/* The per-VMA table, sizes in KiB, columns as wide as their widest value. */
static void print_maps(const struct procfs_maps *m)
{
	enum { SIZE, RSS, PSS, SHARED, PRIVATE, REF, ANON, HUGE, SWAP, LOCKED, NCOL };
	static const char *const head[NCOL] = {"Size",	  "Rss",	"Pss",	     "Shared",
					       "Private", "Referenced", "Anonymous", "AnonHuge",
					       "Swap",	  "Locked"};
	uint64_t total[NCOL] = {0};
	int w[NCOL], aw = 8;

	for (int c = 0; c < NCOL; c++)
		w[c] = (int)strlen(head[c]);
	for (size_t i = 0; i < m->n; i++) {
		const struct procfs_mem *v = &m->vma[i].mem;
		uint64_t val[NCOL] = {v->size,
				      v->rss,
				      v->pss,
				      v->shared_clean + v->shared_dirty,
				      v->private_clean + v->private_dirty,
				      v->referenced,
				      v->anonymous,
				      v->anon_huge,
				      v->swap,
				      v->locked};
		char a[24];
		for (int c = 0; c < NCOL; c++)
			total[c] += val[c];
		if ((int)snprintf(a, sizeof(a), "%" PRIx64, m->vma[i].e.start) > aw)
			aw = (int)strlen(a);
	}
	for (int c = 0; c < NCOL; c++)
		if (width_of(total[c] / 1024) > w[c])
			w[c] = width_of(total[c] / 1024);

	printf("\n  %*s %-4s %8s %-6s %8s", aw, "Address", "Perm", "Offset", "Device", "Inode");
	for (int c = 0; c < NCOL; c++)
		printf(" %*s", w[c], head[c]);
	printf(" THP Mapping   (sizes in KiB)\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct procfs_vma *v = &m->vma[i];
		const struct procfs_mem *x = &v->mem;
		uint64_t val[NCOL] = {x->size,
				      x->rss,
				      x->pss,
				      x->shared_clean + x->shared_dirty,
				      x->private_clean + x->private_dirty,
				      x->referenced,
				      x->anonymous,
				      x->anon_huge,
				      x->swap,
				      x->locked};
		char perms[5], dev[16];
		snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
		printf("  %*" PRIx64 " %-4s %08" PRIx64 " %-6s %8" PRIu64, aw, v->e.start,
		       report_perms_str(v->e.prot, v->e.flags, perms), v->offset, dev, v->inode);
		for (int c = 0; c < NCOL; c++)
			printf(" %*" PRIu64, w[c], val[c] / 1024);
		printf(" %3s %s\n", thp_text(v->thp_eligible), *v->path ? v->path : "[anon]");
	}
	printf("  %*s %-4s %8s %-6s %8s", aw, "total", "", "", "", "");
	for (int c = 0; c < NCOL; c++)
		printf(" %*" PRIu64, w[c], total[c] / 1024);
	printf("\n");
}

static void print_target(const struct target *t, const struct inspect_opts *o)
{
	const struct procfs_proc *p = &t->p;
	const struct vmsim_proc_stats *st = &p->st;
	const struct procfs_mem *r = &p->rollup;

	printf("pid %d (%s)  state %c (%s)  ppid %d  uid %u  threads %" PRIu64 "\n", st->pid,
	       p->name, p->state, state_name(p->state), p->ppid, p->uid, p->threads);
	if (p->kthread) {
		printf("  kernel thread: no user address space\n");
		return;
	}
	printf("  VMS          %-10s  peak %s", B(st->vm_size), B(p->vm_peak));
	if (p->have_maps)
		printf(", %" PRIu64 " VMAs", st->nr_vmas);
	printf("\n  RSS          %-10s  anon %s, file %s, shmem %s; peak %s\n", B(st->rss),
	       B(st->rss_anon), B(st->rss_file), B(st->rss_shmem), B(p->vm_hwm));
	if (p->have_rollup) {
		printf("  PSS          %-10s  anon %s, file %s, shmem %s\n", B(st->pss),
		       B(r->pss_anon), B(r->pss_file), B(r->pss_shmem));
		printf("  USS          %-10s  private clean %s, private dirty %s\n", B(st->uss),
		       B(r->private_clean), B(r->private_dirty));
		printf("  swap         %-10s  swap PSS %s\n", B(st->swap), B(r->swap_pss));
	} else {
		printf("  PSS, USS     -           (no access to smaps_rollup)\n");
		printf("  swap         %s\n", B(st->swap));
	}
	printf("  page tables  %s\n", B(st->pte_bytes));
	printf("  faults       %s minor, %s major\n", report_count(st->faults_minor).s,
	       report_count(st->faults_major).s);
	if (p->have_rollup)
		printf("  huge pages   THP anon %s, shmem %s, file %s; hugetlb %s\n",
		       B(r->anon_huge), B(r->shmem_pmd_mapped), B(r->file_pmd_mapped),
		       B(st->hugetlb));
	else
		printf("  huge pages   hugetlb %s\n", B(st->hugetlb));
	if (t->have_wss)
		printf("  working set  %-10s  referenced during %g s (RSS %s)\n", B(t->wss), o->wss,
		       B(st->rss));
	if (t->have_share)
		print_share(t, o->share);
	if (t->have_maps)
		print_maps(&t->maps);
}

/* ---- JSON output --------------------------------------------------------- */

static int print_json(struct target *ts, const struct inspect_opts *o)
{
	struct json_writer w;
	struct utsname un;

	json_init(&w, stdout, 2);
	json_object_begin(&w);
	report_json_header(&w, "linux", "vmsim inspect");
	json_key(&w, "host");
	json_object_begin(&w);
	json_kv_str(&w, "kernel", uname(&un) == 0 ? un.release : "");
	json_kv_u64(&w, "page_size", (uint64_t)sysconf(_SC_PAGESIZE));
	json_kv_u64(&w, "euid", (uint64_t)geteuid());
	json_object_end(&w);
	json_key(&w, "processes");
	json_array_begin(&w);
	for (unsigned i = 0; i < o->npids; i++) {
		struct target *t = &ts[i];
		if (t->err)
			continue;
		json_object_begin(&w);
		report_json_linux_process(&w, &t->p, t->have_maps ? &t->maps : NULL);
		if (t->have_wss) {
			json_kv_u64(&w, "wss", t->wss);
			json_kv_double(&w, "wss_seconds", o->wss);
		}
		if (t->have_share) {
			json_key(&w, "share");
			report_json_share(&w, &t->share, o->share);
		}
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "errors");
	json_array_begin(&w);
	for (unsigned i = 0; i < o->npids; i++) {
		if (!ts[i].err)
			continue;
		json_object_begin(&w);
		json_kv_i64(&w, "pid", ts[i].pid);
		json_kv_str(&w, "error", vmsim_errname(ts[i].err));
		json_kv_str(&w, "message", ts[i].why);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	return json_finish(&w);
}

/* ---- arguments ----------------------------------------------------------- */

static int parse_pid(const char *what, const char *s, int *out)
{
	struct cli_error err;
	uint64_t v;

	if (cli_parse_u64(what, s, &v, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return -1;
	}
	if (v == 0 || v > INT32_MAX) {
		cli_error(NAME, "%s '%s': expected a process id from 1 to %d", what, s, INT32_MAX);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0) || v > 3600) {
		cli_error(NAME, "--wss '%s': expected seconds, more than 0 and at most 3600", s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Returns 0 (go on), -1 (--help was printed) or CLI_EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct inspect_opts *o)
{
	const char *value;
	int rc;

	o->pids = calloc((size_t)argc, sizeof(*o->pids));
	if (!o->pids) {
		cli_error(NAME, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(USAGE, stdout);
			fputs(help_text, stdout);
			return -1;
		} else if (!strcmp(a, "--maps")) {
			o->maps = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--share", &value)) != 0) {
			if (rc < 0)
				goto missing;
			if (parse_pid("--share", value, &o->share))
				goto usage;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--wss", &value)) != 0) {
			if (rc < 0)
				goto missing;
			if (parse_seconds(value, &o->wss))
				goto usage;
		} else if (a[0] == '-') {
			cli_error(NAME, "unknown option '%s' (see 'vmsim inspect --help')", a);
			goto usage;
		} else {
			char what[32];
			snprintf(what, sizeof(what), "argument %u", o->npids + 1);
			if (parse_pid(what, a, &o->pids[o->npids]))
				goto usage;
			o->npids++;
		}
	}
	if (!o->npids) {
		cli_error(NAME, "no process id given");
		goto usage;
	}
	return 0;

missing:
	cli_error(NAME, "option '%s' needs a value", argv[argc - 1]);
usage:
	fputs(USAGE, stderr);
	return CLI_EXIT_USAGE;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o = {0};
	struct target *ts;
	int rc, status = CLI_EXIT_OK;

	rc = parse_args(argc, argv, &o);
	if (rc) {
		free(o.pids);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	ts = calloc(o.npids, sizeof(*ts));
	if (!ts) {
		free(o.pids);
		cli_error(NAME, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (unsigned i = 0; i < o.npids; i++) {
		ts[i].pid = o.pids[i];
		read_target(&ts[i], &o);
		if (ts[i].err) {
			whole_error(&ts[i]);
			status = CLI_EXIT_FAILURE;
		}
	}
	if (o.wss > 0) {
		struct timespec ts_wait = {(time_t)o.wss,
					   (long)((o.wss - (double)(time_t)o.wss) * 1e9)};
		for (unsigned i = 0; i < o.npids; i++)
			if (!ts[i].err && !ts[i].p.kthread)
				clear_refs(&ts[i]);
		while (nanosleep(&ts_wait, &ts_wait) != 0 && errno == EINTR)
			;
		for (unsigned i = 0; i < o.npids; i++)
			if (ts[i].have_wss)
				read_wss(&ts[i]);
	}
	if (o.share) {
		char dir[64];
		struct procfs_proc other;
		char why[512];
		proc_dir(o.share, dir, sizeof(dir));
		if (procfs_read_proc(dir, &other, why, sizeof(why)) != 0) {
			cli_error(NAME, "--share %d: %s", o.share, why);
			status = CLI_EXIT_FAILURE;
		} else {
			for (unsigned i = 0; i < o.npids; i++)
				if (!ts[i].err && !ts[i].p.kthread)
					read_share(&ts[i], o.share);
		}
	}
	if (o.json) {
		if (print_json(ts, &o) != 0) {
			cli_error(NAME, "cannot write the JSON document");
			status = CLI_EXIT_FAILURE;
		}
	} else {
		bool first = true;
		for (unsigned i = 0; i < o.npids; i++) {
			if (ts[i].err)
				continue;
			if (!first)
				putchar('\n');
			first = false;
			print_target(&ts[i], &o);
		}
	}
	for (unsigned i = 0; i < o.npids; i++) {
		procfs_maps_release(&ts[i].maps);
		procfs_share_release(&ts[i].share);
	}
	free(ts);
	free(o.pids);
	return status;
}
