/*
 * The scenario runner (see scenario.h): runs the statements of a parsed
 * script (scenario_parse.c) on one vmsim_system, evaluating figures with
 * scenario_eval.c and printing reports with src/report/.
 *
 * The machine is built lazily, by the first statement that needs it, from
 * the defaults, the script's `machine` settings and the caller's; `reset`
 * frees it (checking it first when asked) and the next statement builds a
 * new one. Names map to kernel objects as the script runs: processes to
 * pids, areas to addresses, files to handles. A forked child inherits its
 * parent's area names, as it inherits the areas.
 *
 * Errors at run time stop the run; failed checks do not. Everything the
 * runner prints goes to opts->out, except errors and failed checks, which go
 * to opts->err.
 */
#include "workload/scenario.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "report/report.h"
#include "vmsim/error.h"
#include "vmsim/settings.h"
#include "workload/scenario_int.h"

/* ---- messages ---------------------------------------------------------------------- */

int runner_error(struct runner *r, int col, int rc, const char *fmt, ...)
{
	va_list ap;
	if (r->cur && col > 0)
		fprintf(r->err, "%s:%d:%d: ", r->s->name, r->cur->line, col);
	else if (r->cur)
		fprintf(r->err, "%s:%d: ", r->s->name, r->cur->line);
	else
		fprintf(r->err, "%s: ", r->s->name);
	va_start(ap, fmt);
	vfprintf(r->err, fmt, ap);
	va_end(ap);
	fputc('\n', r->err);
	return rc;
}

/* Bytes as a C-like string literal, for load output and messages. */
static void quote(const char *b, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	if (len < 8)
		return;
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 6 < len; i++) {
		unsigned char c = (unsigned char)b[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (c == 0) {
			buf[o++] = '\\';
			buf[o++] = '0';
		} else if (c < 32 || c >= 127) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/* ---- names --------------------------------------------------------------------------- */

struct rproc *runner_proc(struct runner *r, const char *name)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (!strcmp(r->procs[i].name, name))
			return &r->procs[i];
	return NULL;
}

struct run_area *runner_area(struct rproc *p, const char *name)
{
	for (size_t i = 0; i < p->nareas; i++)
		if (p->areas[i].name && !strcmp(p->areas[i].name, name))
			return &p->areas[i];
	return NULL;
}

static const char *name_of_pid(const struct runner *r, int pid)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return r->procs[i].name;
	return NULL;
}

/* The script's names of its processes and areas, for reports: valid until
 * the next statement. Out of host memory, none (pids are printed). */
static struct run_names names_of(struct runner *r)
{
	struct run_proc *named = r->named;
	if (r->capnamed < r->nprocs) {
		if (!(named = realloc(r->named, r->nprocs * sizeof(*named))))
			return (struct run_names){NULL, 0};
		r->named = named;
		r->capnamed = r->nprocs;
	}
	for (size_t i = 0; i < r->nprocs; i++)
		named[i] = (struct run_proc){r->procs[i].name, r->procs[i].pid, r->procs[i].areas,
					     r->procs[i].nareas};
	return (struct run_names){named, r->nprocs};
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t c = *cap ? *cap * 2 : 8;
	void *p = realloc(v, c * size);
	if (p)
		*cap = c;
	return p;
}

static struct rproc *add_proc(struct runner *r, const char *name, int pid)
{
	struct rproc *procs = grow(r->procs, &r->capprocs, r->nprocs, sizeof(*procs));
	if (!procs)
		return NULL;
	r->procs = procs;
	struct rproc *p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->pid = pid;
	vmsim_brk(r->sys, pid, 0, &p->heap_start); /* a break below the heap reads it */
	return p;
}

static int add_area(struct rproc *p, const char *name, vaddr_t start, uint64_t len)
{
	struct run_area *areas = grow(p->areas, &p->cap, p->nareas, sizeof(*areas));
	if (!areas)
		return VMSIM_ENOHOSTMEM;
	p->areas = areas;
	p->areas[p->nareas++] = (struct run_area){name, start, len};
	return 0;
}

static void forget(struct runner *r)
{
	for (size_t i = 0; i < r->nprocs; i++)
		free(r->procs[i].areas);
	free(r->procs);
	free(r->files);
	free(r->named);
	r->named = NULL;
	r->capnamed = 0;
	r->procs = NULL;
	r->files = NULL;
	r->nprocs = r->capprocs = r->nfiles = r->capfiles = 0;
	r->have_last = false;
}

/* ---- the machine ------------------------------------------------------------------------- */

/* Apply the settings in force: cpu= first (it replaces the whole MMU), then
 * the others in order, the caller's after the script's. */
static int configure(struct runner *r, struct vmsim_config *cfg)
{
	char why[200];
	vmsim_config_default(cfg);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->nset; i++) {
			const struct setting *s = r->set[i];
			if ((pass == 0) != !strcmp(s->key, "cpu"))
				continue;
			if (vmsim_setting_apply(cfg, s->key, s->val, why, sizeof(why)))
				return runner_error(r, s->col, VMSIM_EINVAL, "%s: %s", s->key, why);
		}
		for (const char *const *kv = r->o->machine; kv && *kv; kv++) {
			const char *eq = strchr(*kv, '=');
			char key[32];
			if (!eq || (size_t)(eq - *kv) >= sizeof(key)) {
				fprintf(r->err, "%s: machine setting '%s': expected KEY=VALUE\n",
					r->s->name, *kv);
				return VMSIM_EINVAL;
			}
			memcpy(key, *kv, (size_t)(eq - *kv));
			key[eq - *kv] = '\0';
			if ((pass == 0) != !strcmp(key, "cpu"))
				continue;
			if (!vmsim_setting_find(key) ||
			    vmsim_setting_apply(cfg, key, eq + 1, why, sizeof(why))) {
				if (!vmsim_setting_find(key))
					snprintf(why, sizeof(why), "unknown machine setting '%s'",
						 key);
				fprintf(r->err, "%s: machine setting '%s': %s\n", r->s->name, *kv,
					why);
				return VMSIM_EINVAL;
			}
		}
	}
	return 0;
}

int runner_machine(struct runner *r)
{
	int rc;
	if (r->sys)
		return 0;
	if ((rc = configure(r, &r->cfg)))
		return rc;
	rc = vmsim_system_new(&r->cfg, &r->sys);
	if (rc)
		return runner_error(r, 0, rc, "cannot build the machine: %s",
				    vmsim_config_problem(&r->cfg) ? vmsim_config_problem(&r->cfg)
								  : vmsim_strerror(rc));
	return 0;
}

/* vmsim_check, if the caller asked for it: 0 or VMSIM_ECHECK (printed). */
static int check_machine(struct runner *r)
{
	char why[256] = "";
	if (!r->sys || !r->o->check)
		return 0;
	if (vmsim_check(r->sys, why, sizeof(why)) == 0)
		return 0;
	return runner_error(r, 0, VMSIM_ECHECK, "vmsim_check failed: %s", why);
}

static void end_machine(struct runner *r)
{
	if (!r->sys)
		return;
	if (r->o->at_end) {
		struct run_names n = names_of(r);
		r->o->at_end(r->o->ctx, r->sys, &n);
	}
	vmsim_system_free(r->sys);
	r->sys = NULL;
	forget(r);
}

void runner_snapshot(struct runner *r, struct snapshot *snap)
{
	struct vmsim_proc_stats ps;
	vmsim_sys_stats(r->sys, &snap->st);
	snap->accesses = 0;
	for (int pid = vmsim_pid_next(r->sys, 0); pid; pid = vmsim_pid_next(r->sys, pid))
		if (vmsim_proc_stats(r->sys, pid, &ps) == 0)
			snap->accesses += ps.accesses;
}

/* ---- places --------------------------------------------------------------------------- */

static uint64_t page_up(uint64_t x)
{
	return (x + VMSIM_PAGE_SIZE - 1) & ~(VMSIM_PAGE_SIZE - 1);
}

int runner_place(struct runner *r, struct rproc *p, const struct place *pl, vaddr_t *start,
		 vaddr_t *end)
{
	vaddr_t base, limit;
	if (pl->name) {
		if (!strcmp(pl->name, "heap") && !runner_area(p, "heap")) {
			base = p->heap_start;
			if (vmsim_brk(r->sys, p->pid, 0, &limit))
				limit = base;
		} else {
			struct run_area *a = runner_area(p, pl->name);
			if (!a)
				return runner_error(r, pl->col, VMSIM_ENOENT,
						    "process %s has no area named '%s'", p->name,
						    pl->name);
			base = a->start;
			limit = a->start + a->len;
		}
		if (pl->off > limit - base)
			return runner_error(
			    r, pl->col, VMSIM_ERANGE, "offset %s is past the end of %s (%s)",
			    report_bytes(pl->off).s, pl->name, report_bytes(limit - base).s);
		base += pl->off;
	} else {
		base = pl->addr + pl->off;
		limit = base + 1;
	}
	if (!pl->range) {
		*start = base;
		*end = pl->point || !pl->name ? base + 1 : limit;
		return 0;
	}
	vaddr_t lo = base + pl->lo;
	vaddr_t hi = pl->has_hi ? base + pl->hi : limit;
	if (pl->name && (hi > limit || lo >= limit))
		return runner_error(r, pl->col, VMSIM_ERANGE,
				    "the range ends past the end of %s (%s)", pl->name,
				    report_bytes(limit - (base - pl->off)).s);
	if (!pl->name && !pl->has_hi)
		return runner_error(r, pl->col, VMSIM_EINVAL,
				    "a range of an address needs its end: 0xADDR[LO:HI]");
	if (hi <= lo)
		return runner_error(r, pl->col, VMSIM_ERANGE, "the range is empty");
	*start = lo;
	*end = hi;
	return 0;
}

/* The live process @name, or NULL after printing why not. */
static struct rproc *live_proc(struct runner *r, const char *name)
{
	struct rproc *p = runner_proc(r, name);
	struct vmsim_proc_stats ps;
	const char *cmd = r->cur ? r->cur->src : "";
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	int cmdlen = (int)strcspn(cmd, " \t");
	if (!p) {
		runner_error(r, 0, VMSIM_ESRCH, "%.*s: no process named '%s'", cmdlen, cmd, name);
		return NULL;
	}
	if (vmsim_process_alive(r->sys, p->pid))
		return p;
	vmsim_proc_stats(r->sys, p->pid, &ps);
	runner_error(r, 0, VMSIM_ESRCH, "%.*s: process %s is not running any more (%s)", cmdlen,
		     cmd, name,
		     ps.oom_killed	 ? "the OOM killer ended it"
		     : ps.faults_invalid ? "a signal ended it"
					 : "it exited");
	return NULL;
}

/* "WHAT: message" for a failed system call; EINVAL from the calls that take
 * addresses gets a hint, since alignment is the usual cause. */
static int sys_error(struct runner *r, int rc, const char *what)
{
	static const char *const aligned[] = {"mmap", "munmap", "mprotect", "madvise", "msync"};
	const char *hint = "";
	for (size_t i = 0; i < ARRAY_SIZE(aligned) && rc == VMSIM_EINVAL; i++)
		if (!strcmp(what, aligned[i]))
			hint = " (addresses and offsets of system calls must be page-aligned)";
	return runner_error(r, 0, rc, "%s: %s%s", what, vmsim_strerror(rc), hint);
}

/* ---- events ----------------------------------------------------------------------------- */

/* Print the OOM kills and signals recorded since @oom0 / @segv0. */
static void print_events(struct runner *r, uint64_t segv0, uint64_t oom0)
{
	struct vmsim_segv_record s;
	struct vmsim_oom_record o;
	if (r->o->headline)
		return;
	for (uint64_t i = segv0; i < segv0 + 3 && vmsim_segv_get(r->sys, i, &s) == 0; i++) {
		const char *n = name_of_pid(r, s.pid);
		fprintf(r->out, "%s: %s at 0x%" PRIx64 " (%s)%s\n", n ? n : "?",
			s.kind == VMSIM_WRITE  ? "write"
			: s.kind == VMSIM_EXEC ? "exec"
					       : "read",
			s.addr, vmsim_segv_reason_str(s.reason),
			vmsim_process_alive(r->sys, s.pid) ? "" : ": the process is killed");
	}
	for (uint64_t i = oom0; vmsim_oom_get(r->sys, i, &o) == 0; i++) {
		const char *n = name_of_pid(r, o.pid);
		fprintf(r->out, "out of memory: the OOM killer ends %s (RSS %s, swap %s)\n",
			n ? n : "?", report_bytes(o.rss).s, report_bytes(o.swap).s);
	}
}

static uint64_t count_segvs(struct runner *r)
{
	struct vmsim_sys_stats st;
	vmsim_sys_stats(r->sys, &st);
	return st.segvs;
}

static uint64_t count_ooms(struct runner *r)
{
	struct vmsim_oom_record o;
	uint64_t n = 0;
	while (vmsim_oom_get(r->sys, n, &o) == 0)
		n++;
	return n;
}

/* Has the caller asked the run to stop (hooks->stop)? */
static bool stop_asked(const struct runner *r)
{
	const struct run_hooks *h = r->o->hooks;
	return h && h->stop && *h->stop;
}

static void tick(struct runner *r, bool final)
{
	const struct run_hooks *h = r->o->hooks;
	if (!h || !h->tick)
		return;
	if (final) {
		h->tick(h->ctx, r->sys, r->accesses, 1);
		return;
	}
	if (h->every && r->accesses >= r->next_tick) {
		h->tick(h->ctx, r->sys, r->accesses, 0);
		r->next_tick = (r->accesses / h->every + 1) * h->every; /* on the multiples */
	}
}

/* ---- statements ------------------------------------------------------------------------- */

static int do_process(struct runner *r, const struct stmt *st)
{
	int pid, rc = vmsim_process_create(r->sys, &pid);
	if (rc)
		return sys_error(r, rc, "process");
	if (st->exec && (rc = vmsim_exec_layout(r->sys, pid, st->text, st->data, st->stack)))
		return sys_error(r, rc, "exec layout");
	struct rproc *p = add_proc(r, st->proc, pid);
	if (!p)
		return VMSIM_ENOHOSTMEM;
	if (st->exec) {
		/* the layout vmsim_exec_layout makes (see vm.h) */
		const uint64_t text = page_up(st->text), data = page_up(st->data);
		const vaddr_t top = 0x00007ffffffff000ULL;
		if ((rc = add_area(p, "text", 0x400000, text)) ||
		    (st->data && (rc = add_area(p, "data", 0x400000 + text, data))) ||
		    (rc = add_area(p, "stack", top - page_up(st->stack), page_up(st->stack))))
			return rc;
	}
	return 0;
}

static int do_fork(struct runner *r, const struct stmt *st)
{
	struct rproc *parent = live_proc(r, st->proc);
	int child;
	if (!parent)
		return VMSIM_ESRCH;
	int rc = vmsim_fork(r->sys, parent->pid, &child);
	if (rc)
		return sys_error(r, rc, "fork");
	size_t pi = (size_t)(parent - r->procs);
	struct rproc *c = add_proc(r, st->name, child);
	if (!c)
		return VMSIM_ENOHOSTMEM;
	parent = &r->procs[pi]; /* add_proc may have moved the array */
	c->heap_start = parent->heap_start;
	for (size_t i = 0; i < parent->nareas; i++)
		if (parent->areas[i].name &&
		    (rc = add_area(c, parent->areas[i].name, parent->areas[i].start,
				   parent->areas[i].len)))
			return rc;
	return 0;
}

static int do_file(struct runner *r, const struct stmt *st)
{
	int fd, rc;
	if (st->file) {
		char path[4096];
		if (st->file[0] != '/' && r->dir)
			snprintf(path, sizeof(path), "%s/%s", r->dir, st->file);
		else
			snprintf(path, sizeof(path), "%s", st->file);
		rc = vmsim_file_open(r->sys, path, st->writable, &fd);
		if (rc)
			return runner_error(r, 0, rc, "file %s: cannot open '%s': %s", st->name,
					    path, vmsim_strerror(rc));
	} else {
		rc = vmsim_file_create_virtual(r->sys, st->size, &fd);
		if (rc)
			return sys_error(r, rc, "file");
	}
	struct rfile *files = grow(r->files, &r->capfiles, r->nfiles, sizeof(*files));
	if (!files)
		return VMSIM_ENOHOSTMEM;
	r->files = files;
	r->files[r->nfiles++] = (struct rfile){st->name, fd, 0};
	return 0;
}

static struct rfile *file_named(struct runner *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, name))
			return &r->files[i];
	runner_error(r, 0, VMSIM_ENOENT, "no file named '%s'", name);
	return NULL;
}

/* "read: ..." for a failed file call, with the usual cause of EBADF. */
static int file_error(struct runner *r, int rc, const char *what, const char *file)
{
	if (rc == VMSIM_EBADF && (!strcmp(what, "write") || !strcmp(what, "pwrite")))
		return runner_error(r, 0, rc,
				    "%s: file %s is open read-only (add rw to its file line)", what,
				    file);
	return runner_error(r, 0, rc, "%s: %s", what, vmsim_strerror(rc));
}

/* read, pread: through the page cache; in data mode the bytes are copied
 * out (and compared with `expect`), else only counted. */
static int do_read(struct runner *r, const struct stmt *st)
{
	struct rfile *f = file_named(r, st->file);
	const char *what = st->kind == ST_PREAD ? "pread" : "read";
	uint64_t pos = st->offset, done = 0;
	char *buf = NULL;
	int rc;
	if (!f)
		return VMSIM_ENOENT;
	if (st->kind == ST_READ)
		vmsim_file_seek(r->sys, f->fd, 0, VMSIM_SEEK_CUR, &pos);
	if (r->cfg.data_mode && st->size <= 4096 && !(buf = malloc(st->size ? st->size : 1)))
		return VMSIM_ENOHOSTMEM;
	runner_snapshot(r, &r->last_before);
	if (st->kind == ST_PREAD)
		rc = vmsim_file_pread(r->sys, f->fd, buf, st->size, st->offset, &done);
	else
		rc = vmsim_file_read(r->sys, f->fd, buf, st->size, &done);
	runner_snapshot(r, &r->last_after);
	r->have_last = true;
	f->returned = done;
	if (rc) {
		free(buf);
		return file_error(r, rc, what, f->name);
	}
	char q[4096 * 4 + 8], want[4096 * 4 + 8];
	if (buf)
		quote(buf, done, q, sizeof(q));
	if (!st->has_expect) {
		if (!r->o->headline && buf && done <= 64)
			fprintf(r->out, "%s reads %s at offset %" PRIu64 "\n", f->name, q, pos);
		else if (!r->o->headline)
			fprintf(r->out, "%s reads %" PRIu64 " bytes at offset %" PRIu64 "\n",
				f->name, done, pos);
		free(buf);
		return 0;
	}
	r->res->expects++;
	if (!buf) {
		r->res->failed++;
		free(buf);
		return runner_error(r, 0, VMSIM_ENOTSUP,
				    "%s ... expect needs data mode: add 'machine data=on'", what);
	}
	if (done == st->nbytes && memcmp(buf, st->bytes, done) == 0) {
		if (!r->o->headline)
			fprintf(r->out, "ok   %s reads %s\n", f->name, q);
	} else {
		r->res->failed++;
		quote(st->bytes, st->nbytes, want, sizeof(want));
		runner_error(r, 0, 0, "expect failed: %s read %s, expected %s", f->name, q, want);
	}
	free(buf);
	return 0;
}

/* write, pwrite: the string's bytes, or st->size zero bytes. */
static int do_write(struct runner *r, const struct stmt *st)
{
	struct rfile *f = file_named(r, st->file);
	const char *what = st->kind == ST_PWRITE ? "pwrite" : "write";
	const void *data = NULL;
	void *zeros = NULL;
	uint64_t done = 0;
	int rc;
	if (!f)
		return VMSIM_ENOENT;
	if (r->cfg.data_mode) {
		if (st->bytes) {
			data = st->bytes;
		} else {
			if (st->size > ((uint64_t)1 << 32))
				return runner_error(r, 0, VMSIM_EINVAL,
						    "%s: at most 4G of zeros at once in data mode",
						    what);
			if (!(data = zeros = calloc(1, st->size ? st->size : 1)))
				return VMSIM_ENOHOSTMEM;
		}
	}
	runner_snapshot(r, &r->last_before);
	if (st->kind == ST_PWRITE)
		rc = vmsim_file_pwrite(r->sys, f->fd, data, st->size, st->offset, &done);
	else
		rc = vmsim_file_write(r->sys, f->fd, data, st->size, &done);
	runner_snapshot(r, &r->last_after);
	r->have_last = true;
	f->returned = done;
	free(zeros);
	return rc ? file_error(r, rc, what, f->name) : 0;
}

static int do_lseek(struct runner *r, const struct stmt *st)
{
	struct rfile *f = file_named(r, st->file);
	int rc;
	if (!f)
		return VMSIM_ENOENT;
	if ((rc = vmsim_file_seek(r->sys, f->fd, st->delta, st->flags, NULL)))
		return runner_error(r, 0, rc, "lseek: %s (the position would be negative)",
				    vmsim_strerror(rc));
	return 0;
}

/* truncate, ftruncate, fsync, fdatasync: one call on a named file. */
static int do_file_call(struct runner *r, const struct stmt *st)
{
	struct rfile *f = file_named(r, st->file);
	int rc;
	if (!f)
		return VMSIM_ENOENT;
	switch (st->kind) {
	case ST_TRUNCATE:
	case ST_FTRUNCATE:
		rc = vmsim_file_truncate(r->sys, f->fd, st->size);
		break;
	case ST_FSYNC:
		rc = vmsim_file_fsync(r->sys, f->fd);
		break;
	default:
		rc = vmsim_file_fdatasync(r->sys, f->fd);
		break;
	}
	return rc ? file_error(r, rc, scenario_keyword(st->kind), f->name) : 0;
}

static int do_mmap(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	int fd = -1, flags = st->flags, rc;
	vaddr_t at;
	if (!p)
		return VMSIM_ESRCH;
	if (st->huge)
		flags |= VMSIM_MAP_HUGETLB |
			 (st->huge == (1u << 30) ? VMSIM_MAP_HUGE_1GB : VMSIM_MAP_HUGE_2MB);
	if (st->file) {
		struct rfile *f = file_named(r, st->file);
		if (!f)
			return VMSIM_ENOENT;
		fd = f->fd;
	} else {
		flags |= VMSIM_MAP_ANONYMOUS;
	}
	rc = vmsim_mmap(r->sys, p->pid, st->at, st->size, st->prot, flags, fd, st->offset, &at);
	if (rc)
		return sys_error(r, rc, "mmap");
	return add_area(p, st->name, at, st->size);
}

/* [start, end) of a statement's place in a live process, page-aligned
 * outward at the end (as the kernel rounds lengths). */
static int range_of(struct runner *r, const struct stmt *st, struct rproc **pp, vaddr_t *start,
		    uint64_t *len)
{
	vaddr_t s, e;
	struct rproc *p = live_proc(r, st->proc);
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((rc = runner_place(r, p, &st->place, &s, &e)))
		return rc;
	*pp = p;
	*start = s;
	*len = page_up(e) - s;
	return 0;
}

/* munmap, mprotect, madvise, msync, mlock, munlock: one call on the
 * page-aligned range of a place. */
static int do_range_call(struct runner *r, const struct stmt *st)
{
	static const int advice[] = {
	    VMSIM_MADV_NORMAL,	 VMSIM_MADV_RANDOM,   VMSIM_MADV_SEQUENTIAL, VMSIM_MADV_WILLNEED,
	    VMSIM_MADV_DONTNEED, VMSIM_MADV_HUGEPAGE, VMSIM_MADV_NOHUGEPAGE};
	struct rproc *p;
	vaddr_t start;
	uint64_t len;
	int rc = range_of(r, st, &p, &start, &len);
	if (rc)
		return rc;
	switch (st->kind) {
	case ST_MUNMAP:
		rc = vmsim_munmap(r->sys, p->pid, start, len);
		break;
	case ST_MPROTECT:
		rc = vmsim_mprotect(r->sys, p->pid, start, len, st->prot);
		break;
	case ST_MADVISE:
		rc = vmsim_madvise(r->sys, p->pid, start, len, advice[st->advice]);
		break;
	case ST_MSYNC:
		rc = vmsim_msync(r->sys, p->pid, start, len, st->flags);
		break;
	case ST_MLOCK:
		rc = vmsim_mlock(r->sys, p->pid, start, len, st->flags);
		break;
	default:
		rc = vmsim_munlock(r->sys, p->pid, start, len);
		break;
	}
	if (rc)
		return sys_error(r, rc, scenario_keyword(st->kind));
	if (st->kind == ST_MUNMAP && st->place.name && !st->place.range && !st->place.point) {
		struct run_area *a = runner_area(p, st->place.name);
		if (a)
			a->name = NULL; /* the whole area is gone */
	}
	return 0;
}

static int do_mremap(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	if (!p)
		return VMSIM_ESRCH;
	struct run_area *a = runner_area(p, st->place.name);
	if (!a)
		return runner_error(r, 0, VMSIM_ENOENT, "mremap: process %s has no area '%s'",
				    st->proc, st->place.name);
	vaddr_t at;
	int rc = vmsim_mremap(r->sys, p->pid, a->start, a->len, st->size, st->flags, st->at, &at);
	if (rc)
		return sys_error(r, rc, "mremap");
	a->start = at;
	a->len = st->size;
	return 0;
}

/* exit, switch, mlockall, munlockall: one call on a live process. */
static int do_proc_call(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	switch (st->kind) {
	case ST_EXIT:
		rc = vmsim_exit(r->sys, p->pid);
		break;
	case ST_SWITCH:
		rc = vmsim_switch(r->sys, p->pid);
		break;
	case ST_MLOCKALL:
		rc = vmsim_mlockall(r->sys, p->pid, st->flags);
		break;
	default:
		rc = vmsim_munlockall(r->sys, p->pid);
		break;
	}
	return rc ? sys_error(r, rc, scenario_keyword(st->kind)) : 0;
}

static int do_brk(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	vaddr_t cur, want, got;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	vmsim_brk(r->sys, p->pid, 0, &cur);
	if (st->absolute)
		want = st->at;
	else if (st->delta < 0 && (uint64_t)-st->delta > cur - p->heap_start)
		return runner_error(r, 0, VMSIM_EINVAL, "brk: the heap is only %s",
				    report_bytes(cur - p->heap_start).s);
	else
		want = cur + (uint64_t)st->delta;
	if ((rc = vmsim_brk(r->sys, p->pid, want, &got)))
		return sys_error(r, rc, "brk");
	if (got != want)
		return runner_error(r, 0, VMSIM_ENOMEM,
				    "brk: the kernel refused to move the break to 0x%" PRIx64
				    " (it stays at 0x%" PRIx64 ")",
				    want, got);
	return 0;
}

/* One process's part of a touch. */
struct toucher {
	struct rproc *p; /* who */
	vaddr_t start;	 /* the range it touches */
	vaddr_t end;
	struct gen g; /* its stream */
	bool done;    /* stream over or process dead */
};

/* Up to @n accesses of @t. 0, or an error (printed). */
static int touch_some(struct runner *r, const struct stmt *st, struct toucher *t, uint64_t n)
{
	static const enum vmsim_access_kind kinds[] = {
	    [TK_READ] = VMSIM_READ, [TK_WRITE] = VMSIM_WRITE, [TK_EXEC] = VMSIM_EXEC,
	    [TK_RW] = VMSIM_READ,   [TK_RMW] = VMSIM_READ,
	};
	uint64_t off;
	bool write;
	while (n-- && !t->done) {
		if (stop_asked(r)) {
			t->done = true; /* the statement loop then ends the run */
			break;
		}
		if (!gen_next(&t->g, &off, &write)) {
			t->done = true;
			break;
		}
		vaddr_t va = t->start + off;
		uint64_t size = st->access_size;
		struct vmsim_access_result res;
		if (size > t->end - va)
			size = t->end - va;
		enum vmsim_access_kind k = write ? VMSIM_WRITE : kinds[st->tkind];
		int rc = vmsim_access(r->sys, t->p->pid, va, (uint32_t)size, k, &res);
		r->accesses++;
		if (!rc && st->tkind == TK_RMW && !res.killed && !res.segv) {
			tick(r, false); /* a sample may fall between the two */
			rc = vmsim_access(r->sys, t->p->pid, va, (uint32_t)size, VMSIM_WRITE, &res);
			r->accesses++;
		}
		tick(r, false);
		if (rc == VMSIM_ENOMEM)
			return runner_error(
			    r, 0, rc, "touch: out of memory and swap (the OOM killer is off)");
		if (rc)
			return runner_error(r, 0, rc, "touch: %s", vmsim_strerror(rc));
		if (res.killed)
			t->done = true;
	}
	if (!vmsim_process_alive(r->sys, t->p->pid))
		t->done = true;
	return 0;
}

static int do_touch(struct runner *r, const struct stmt *st)
{
	struct toucher *ts = calloc(st->nprocs, sizeof(*ts));
	size_t left = st->nprocs;
	int rc = 0;

	if (!ts)
		return VMSIM_ENOHOSTMEM;
	for (size_t i = 0; i < st->nprocs; i++) {
		struct toucher *t = &ts[i];
		struct gen_cfg gc = st->gen;
		if (!(t->p = live_proc(r, st->procs[i]))) {
			rc = VMSIM_ESRCH;
			goto out;
		}
		if ((rc = runner_place(r, t->p, &st->place, &t->start, &t->end)))
			goto out;
		if (!st->place.range && (st->place.point || !st->place.name))
			t->end = t->start + st->access_size;
		gc.len = t->end - t->start;
		/* each process its own stream: the seed, shifted by its turn */
		gc.seed = (gc.seed ? gc.seed : r->cfg.seed) + i;
		if ((rc = gen_init(&t->g, &gc))) {
			rc =
			    runner_error(r, 0, rc, "touch: the pattern does not fit the range (%s)",
					 report_bytes(gc.len).s);
			goto out;
		}
	}
	uint64_t segv0 = count_segvs(r), oom0 = count_ooms(r);
	runner_snapshot(r, &r->last_before);
	while (left) {
		left = 0;
		for (size_t i = 0; i < st->nprocs; i++) {
			if (ts[i].done)
				continue;
			uint64_t n = st->nprocs > 1 ? st->slice : UINT64_MAX;
			if ((rc = touch_some(r, st, &ts[i], n)))
				goto out;
			left += !ts[i].done;
		}
	}
	runner_snapshot(r, &r->last_after);
	r->have_last = true;
	print_events(r, segv0, oom0);
out:
	free(ts);
	return rc;
}

static int do_store(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	vaddr_t start, end;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((rc = runner_place(r, p, &st->place, &start, &end)))
		return rc;
	uint64_t segv0 = count_segvs(r), oom0 = count_ooms(r);
	runner_snapshot(r, &r->last_before);
	rc = vmsim_store(r->sys, p->pid, start, st->bytes, st->nbytes);
	runner_snapshot(r, &r->last_after);
	r->have_last = true;
	if (rc == VMSIM_ENOTSUP)
		return runner_error(r, 0, rc, "store needs data mode: add 'machine data=on'");
	if (rc && rc != VMSIM_EFAULT && rc != VMSIM_ESRCH)
		return sys_error(r, rc, "store");
	print_events(r, segv0, oom0);
	return 0;
}

static int do_load(struct runner *r, const struct stmt *st)
{
	struct rproc *p = live_proc(r, st->proc);
	vaddr_t start, end;
	char buf[4096], q[4096 * 4 + 8], want[4096 * 4 + 8];
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	if ((rc = runner_place(r, p, &st->place, &start, &end)))
		return rc;
	uint64_t segv0 = count_segvs(r), oom0 = count_ooms(r);
	runner_snapshot(r, &r->last_before);
	rc = vmsim_load(r->sys, p->pid, start, buf, st->size);
	runner_snapshot(r, &r->last_after);
	r->have_last = true;
	if (rc == VMSIM_ENOTSUP)
		return runner_error(r, 0, rc, "load needs data mode: add 'machine data=on'");
	if (rc && rc != VMSIM_EFAULT && rc != VMSIM_ESRCH)
		return sys_error(r, rc, "load");
	print_events(r, segv0, oom0);
	if (rc) {
		if (st->has_expect) {
			r->res->expects++;
			r->res->failed++;
			runner_error(r, 0, 0, "expect failed: the load raised a signal");
		}
		return 0;
	}
	quote(buf, st->size, q, sizeof(q));
	if (!st->has_expect) {
		if (!r->o->headline)
			fprintf(r->out, "%s reads %s at 0x%" PRIx64 "\n", st->proc, q, start);
		return 0;
	}
	r->res->expects++;
	if (memcmp(buf, st->bytes, st->size) == 0) {
		if (!r->o->headline)
			fprintf(r->out, "ok   %s reads %s\n", st->proc, q);
		return 0;
	}
	r->res->failed++;
	quote(st->bytes, st->nbytes, want, sizeof(want));
	runner_error(r, 0, 0, "expect failed: %s read %s, expected %s", st->proc, q, want);
	return 0;
}

static int do_print(struct runner *r, const struct stmt *st)
{
	char line[2048];
	size_t n = 0;
	line[0] = '\0';
	for (const struct piece *pc = st->pieces; pc; pc = pc->next) {
		char v[96];
		const char *t = pc->text;
		if (!t) {
			struct value x;
			int rc = eval_expr(r, pc->e, &x);
			if (rc)
				return rc;
			value_format(&x, pc->format, v, sizeof(v));
			t = v;
		}
		int w = snprintf(line + n, sizeof(line) - n, "%s", t);
		if (w > 0)
			n += (size_t)w < sizeof(line) - n ? (size_t)w : sizeof(line) - n - 1;
	}
	fprintf(r->out, "%s\n", line);
	return 0;
}

static int do_show(struct runner *r, const struct stmt *st)
{
	struct run_names names = names_of(r);
	FILE *f = r->out;
	struct rproc *p = NULL;
	vaddr_t start, end;
	int rc;

	if (r->o->headline)
		return 0;
	if (st->show == SHOW_RSS || st->show == SHOW_SMAPS || st->show == SHOW_WALK) {
		p = runner_proc(r, st->proc);
		if (!p)
			return runner_error(r, 0, VMSIM_ESRCH, "no process named '%s'", st->proc);
	}
	switch (st->show) {
	case SHOW_MACHINE:
		report_machine(f, vmsim_system_config(r->sys));
		break;
	case SHOW_MEMORY:
		report_memory(f, r->sys);
		break;
	case SHOW_PROCESSES:
		report_processes(f, r->sys, &names);
		break;
	case SHOW_FAULTS:
		report_faults(f, r->sys, &names);
		break;
	case SHOW_TLB:
		report_tlb(f, r->sys);
		break;
	case SHOW_WALKS:
		report_walks(f, r->sys);
		break;
	case SHOW_RECLAIM:
		report_reclaim(f, r->sys);
		break;
	case SHOW_TIME:
		report_time(f, r->sys);
		break;
	case SHOW_SIGNALS:
		report_signals(f, r->sys, &names);
		break;
	case SHOW_ALL:
		report_all(f, r->sys, &names);
		break;
	case SHOW_RSS:
		report_process(f, r->sys, p->pid, &names);
		break;
	case SHOW_SMAPS:
		if (!vmsim_process_alive(r->sys, p->pid))
			return live_proc(r, st->proc) ? 0 : VMSIM_ESRCH;
		report_smaps(f, r->sys, p->pid, &names);
		break;
	case SHOW_WALK:
		if (!live_proc(r, st->proc))
			return VMSIM_ESRCH;
		if ((rc = runner_place(r, p, &st->place, &start, &end)))
			return rc;
		if ((rc = report_walk(f, r->sys, p->pid, start, &names)))
			return runner_error(r, 0, rc, "show walk: %s", vmsim_strerror(rc));
		break;
	case SHOW_TRANSLATE:
		rc = report_translate(f, st->at, st->levels ? st->levels : r->cfg.mmu.levels,
				      st->ps);
		if (rc)
			return runner_error(r, 0, rc, "show translate 0x%" PRIx64 ": %s", st->at,
					    vmsim_strerror(rc));
		break;
	case SHOW_FILES:
		fprintf(f, "%-10s %10s %10s %10s %10s %10s\n", "file", "size", "cached", "dirty",
			"reads", "writes");
		for (size_t i = 0; i < r->nfiles; i++) {
			struct vmsim_file_stats fs;
			if (vmsim_file_stats(r->sys, r->files[i].fd, &fs))
				continue;
			fprintf(f, "%-10s %10s %10s %10s %10s %10s\n", r->files[i].name,
				report_bytes(fs.size).s, report_bytes(fs.cached).s,
				report_bytes(fs.dirty).s, report_count(fs.reads).s,
				report_count(fs.writes).s);
		}
		break;
	}
	return 0;
}

/* The text of an expect line after the command word, comment and blanks cut. */
static void condition_text(const char *src, char *buf, size_t len)
{
	const char *p = src;
	while (*p == ' ' || *p == '\t')
		p++;
	p += strlen("expect");
	while (*p == ' ' || *p == '\t')
		p++;
	const char *e = strchr(p, '#');
	size_t n = e ? (size_t)(e - p) : strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	snprintf(buf, len, "%.*s", (int)n, p);
}

static bool compare(enum cmp_op op, double a, double b, double tol)
{
	switch (op) {
	case CMP_TRUE:
		return a != 0;
	case CMP_EQ:
		return a == b;
	case CMP_NE:
		return a != b;
	case CMP_LT:
		return a < b;
	case CMP_LE:
		return a <= b;
	case CMP_GT:
		return a > b;
	case CMP_GE:
		return a >= b;
	case CMP_APPROX:
		return fabs(a - b) <= tol;
	}
	return false;
}

/* "25,600", or "480 MiB = 503,316,480 bytes" when the short form hides digits. */
static void show_value(const struct value *v, char *buf, size_t len)
{
	char h[64], x[64];
	value_format(v, "", h, sizeof(h));
	value_format(v, "n", x, sizeof(x));
	if (v->u == U_ADDR || v->u == U_BOOL || v->u == U_SECONDS || v->u == U_RATIO ||
	    !strcmp(h, x) || v->v != floor(v->v) || (v->u == U_BYTES && fabs(v->v) < 1024))
		snprintf(buf, len, "%s", h);
	else
		snprintf(buf, len, "%s = %s%s", h, x, v->u == U_BYTES ? " bytes" : "");
}

static int do_expect(struct runner *r, const struct stmt *st)
{
	static const char *const opname[] = {"", "==", "!=", "<", "<=", ">", ">=", "~="};
	struct value a, b = {0, U_COUNT}, t = {0.01, U_RATIO};
	char cond[512], va[256], vb[256];
	int rc;

	condition_text(st->src, cond, sizeof(cond));
	r->res->expects++;
	if ((rc = eval_expr(r, st->lhs, &a)) || (st->rhs && (rc = eval_expr(r, st->rhs, &b))) ||
	    (st->tol && (rc = eval_expr(r, st->tol, &t)))) {
		r->res->failed++;
		runner_error(r, 0, 0, "expect failed: %s: could not be evaluated", cond);
		return 0;
	}
	double tol = t.u == U_RATIO ? fabs(b.v) * t.v : t.v;
	show_value(&a, va, sizeof(va));
	if (compare(st->op, a.v, b.v, tol)) {
		if (!r->o->headline)
			fprintf(r->out, "ok   %s   [%s]\n", cond, va);
		return 0;
	}
	r->res->failed++;
	if (st->op == CMP_TRUE) {
		runner_error(r, 0, 0, "expect failed: %s: got %s", cond, va);
		return 0;
	}
	show_value(&b, vb, sizeof(vb));
	if (st->op == CMP_APPROX) {
		char vt[96];
		struct value tv = {tol, b.u};
		value_format(&tv, "", vt, sizeof(vt));
		runner_error(r, 0, 0, "expect failed: %s: got %s, expected %s within %s", cond, va,
			     vb, vt);
	} else {
		runner_error(r, 0, 0, "expect failed: %s: got %s, expected %s %s", cond, va,
			     opname[st->op], vb);
	}
	return 0;
}

static int do_nothing(struct runner *r, const struct stmt *st)
{
	(void)r;
	(void)st;
	return 0;
}

/* sleep: simulated time passes with the machine idle. */
static int do_sleep(struct runner *r, const struct stmt *st)
{
	int rc = vmsim_sleep(r->sys, st->size);
	return rc ? runner_error(r, 0, rc, "sleep: %s", vmsim_strerror(rc)) : 0;
}

static int do_echo(struct runner *r, const struct stmt *st)
{
	r->echo = st->on;
	return 0;
}

/* machine: its settings are kept until the machine is built. */
static int do_machine(struct runner *r, const struct stmt *st)
{
	if (r->sys)
		return runner_error(r, 0, VMSIM_EINVAL,
				    "machine settings must come before the first statement "
				    "that uses the machine (or after reset)");
	for (const struct setting *s = st->settings; s; s = s->next) {
		const struct setting **set = grow(r->set, &r->capset, r->nset, sizeof(*set));
		if (!set)
			return VMSIM_ENOHOSTMEM;
		r->set = set;
		r->set[r->nset++] = s;
	}
	return 0;
}

static int do_reset(struct runner *r, const struct stmt *st)
{
	(void)st;
	int rc = check_machine(r);
	end_machine(r);
	return rc;
}

/* The runner of each statement kind (SCENARIO_COMMANDS). */
static const struct {
	int (*run)(struct runner *r, const struct stmt *st);
	bool machine; /* build the machine first */
} runners[] = {
#define SCENARIO_RUNNER(kind, keyword, parse, run, machine) [ST_##kind] = {do_##run, machine},
    SCENARIO_COMMANDS(SCENARIO_RUNNER)
#undef SCENARIO_RUNNER
};

/* Run one statement. 0 or an error (printed). */
static int run_stmt(struct runner *r, const struct stmt *st)
{
	int rc;
	r->cur = st;
	if (r->echo && !r->o->headline && st->kind != ST_ECHO)
		fprintf(r->out, "> %s\n", st->src);
	if (runners[st->kind].machine && (rc = runner_machine(r)))
		return rc;
	return runners[st->kind].run(r, st);
}

/* ---- the public API ---------------------------------------------------------------------- */

int scenario_check_syntax(const char *name, const char *text, char *err, size_t errlen)
{
	struct script s = {.name = name};
	int rc = script_parse(&s, text, err, errlen);
	if (rc == VMSIM_ENOHOSTMEM)
		snprintf(err, errlen, "%s: %s", name, vmsim_strerror(rc));
	arena_release(&s.arena);
	return rc;
}

int scenario_run_text(const char *name, const char *text, const char *dir,
		      const struct scenario_opts *o, struct scenario_result *res)
{
	static const struct scenario_opts none;
	struct scenario_result local;
	struct script s = {.name = name};
	struct runner r = {0};
	char err[512];
	int rc;

	if (!o)
		o = &none;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	r.o = o;
	r.out = o->out ? o->out : stdout;
	r.err = o->err ? o->err : stderr;
	r.s = &s;
	r.dir = dir;
	r.res = res;
	r.next_tick = o->hooks ? o->hooks->every : 0;
	vmsim_config_default(&r.cfg);

	rc = script_parse(&s, text, err, sizeof(err));
	if (s.title)
		snprintf(res->title, sizeof(res->title), "%s", s.title);
	if (rc) {
		if (rc == VMSIM_EPARSE)
			fprintf(r.err, "%s\n", err);
		else
			fprintf(r.err, "%s: %s\n", name, vmsim_strerror(rc));
		goto out;
	}
	for (const struct stmt *st = s.first; st; st = st->next) {
		if (stop_asked(&r)) {
			res->interrupted = true;
			break;
		}
		if ((rc = run_stmt(&r, st)))
			break;
	}
	r.cur = NULL;
	if (!rc && r.sys) {
		tick(&r, true);
		rc = check_machine(&r);
	}
	res->accesses = r.accesses;
	if (rc && rc != VMSIM_ECHECK && r.sys) {
		/* an error: no end-of-run report */
		vmsim_system_free(r.sys);
		r.sys = NULL;
		forget(&r);
	}
	end_machine(&r);
	if (!rc && res->failed)
		rc = VMSIM_ECHECK;
out:
	free(r.set);
	forget(&r);
	arena_release(&s.arena);
	return rc;
}

/* The directory part of @path ("." for none), into @buf. */
static const char *dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	snprintf(buf, len, "%.*s", (int)((slash - path) ? (slash - path) : 1), path);
	return buf;
}

int scenario_run_file(const char *path, const struct scenario_opts *o, struct scenario_result *res)
{
	FILE *f = fopen(path, "rb");
	FILE *err = o && o->err ? o->err : stderr;
	char *text = NULL, dir[4096];
	size_t len = 0, cap = 0;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!f) {
		fprintf(err, "%s: cannot open the file\n", path);
		return VMSIM_EIO;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			size_t c = cap ? cap * 2 : 65536;
			char *t = realloc(text, c);
			if (!t) {
				free(text);
				fclose(f);
				fprintf(err, "%s: %s\n", path, vmsim_strerror(VMSIM_ENOHOSTMEM));
				return VMSIM_ENOHOSTMEM;
			}
			text = t;
			cap = c;
		}
		size_t n = fread(text + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(text);
		fprintf(err, "%s: cannot read the file\n", path);
		return VMSIM_EIO;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		fprintf(err, "%s: not a text file (it has a NUL byte)\n", path);
		return VMSIM_EPARSE;
	}
	rc = scenario_run_text(path, text, dir_of(path, dir, sizeof(dir)), o, res);
	free(text);
	return rc;
}

/* Tour order: s<digit>... first, then ex<digit>..., then the rest. */
static int group_of(const char *name)
{
	if (name[0] == 's' && name[1] >= '0' && name[1] <= '9')
		return 0;
	if (name[0] == 'e' && name[1] == 'x' && name[2] >= '0' && name[2] <= '9')
		return 1;
	return 2;
}

size_t scenario_builtin_count(void)
{
	size_t n = 0;
	while (vmsim_embedded_scenarios[n].name)
		n++;
	return n;
}

const struct embedded_file *scenario_builtin_at(size_t i)
{
	size_t n = scenario_builtin_count(), k = 0;
	/* the embedded array is in name order; walk it group by group */
	for (int g = 0; g < 3; g++)
		for (size_t j = 0; j < n; j++)
			if (group_of(vmsim_embedded_scenarios[j].name) == g && k++ == i)
				return &vmsim_embedded_scenarios[j];
	return NULL;
}

const struct embedded_file *scenario_builtin_find(const char *name)
{
	for (size_t j = 0; vmsim_embedded_scenarios[j].name; j++)
		if (!strcmp(vmsim_embedded_scenarios[j].name, name))
			return &vmsim_embedded_scenarios[j];
	return NULL;
}

int scenario_run_builtin(const char *name, const struct scenario_opts *o,
			 struct scenario_result *res)
{
	const struct embedded_file *f = scenario_builtin_find(name);
	char label[160];
	if (!f) {
		if (res)
			memset(res, 0, sizeof(*res));
		fprintf(o && o->err ? o->err : stderr,
			"no built-in scenario named '%s' (see vmsim scenarios)\n", name);
		return VMSIM_ENOENT;
	}
	snprintf(label, sizeof(label), "%s.vms", f->name);
	return scenario_run_text(label, f->text, NULL, o, res);
}

void scenario_title(const char *text, char *buf, size_t len)
{
	const char *p = text;
	if (len)
		buf[0] = '\0';
	while (p && *p) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, "title", 5) && (q[5] == ' ' || q[5] == '\t')) {
			q += 5;
			while (*q == ' ' || *q == '\t')
				q++;
			size_t n = strcspn(q, "\r\n");
			while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
				n--;
			snprintf(buf, len, "%.*s", (int)n, q);
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}
