/*
 * The differential test: long seeded random sequences of operations run
 * both on vmsim (data mode, public API only) and on the reference model
 * (refmodel.c), compared after every step.
 *
 * Operations, over up to --procs processes sharing one window of virtual
 * pages (each process maps only inside it):
 *   mmap        anonymous private / anonymous shared / private and shared
 *               mappings of real host files, fixed or hinted, sometimes
 *               MAP_POPULATE, sometimes invalid (expecting the error);
 *               2 MiB-aligned anonymous areas when THP is on
 *   munmap, mprotect, madvise (DONTNEED and the others), msync
 *   fork, exit, create, switch (and implicit switches: each access names a pid)
 *   load / store of random bytes at random addresses, in and out of
 *               mappings, crossing pages, wild and non-canonical addresses
 *   truncate    of a host file, shrinking or growing
 *   mremap      shrink, grow in place, move (MREMAP_FIXED) and
 *               MREMAP_DONTUNMAP of ranges inside one VMA (vmsim's VMA list
 *               says where they are), and the invalid calls
 *   mlock / mlock2(MLOCK_ONFAULT) / munlock, with MADV_DONTNEED refusing
 *               locked pages
 *   pread / pwrite / read / write / lseek / fsync / fdatasync of the host
 *               files through the page cache, coherent with their mappings
 * Checked:
 *   every load returns the model's bytes; SIGSEGV / SIGBUS happen exactly
 *   where the model says (pid, address, kind, reason), nowhere else; a
 *   process dies exactly when the model says (segv_kills) or when vmsim's
 *   OOM killer says so (the model then exits it too); vmsim_check after every
 *   operation; after msync the host file holds the model's bytes for the
 *   synced pages; after munmap / exit / truncate every file page no live
 *   process maps shared holds the model's bytes on the host and the file
 *   has the model's size (pages written by write() and not yet synced,
 *   and a size a write grew, are left out until fsync); after fsync the
 *   whole host file holds the model's bytes; every --sweep operations every mapped page of
 *   every process is read back; at the end every process exits, the files
 *   must match entirely, and closing them must leave no user frame and no
 *   swap slot.
 * RAM is tiny (64..256 frames: vmsim_system_new refuses fewer than 64) with
 * a swap file, so pages keep moving to swap and back; THP runs use
 * 1024, 2048 or 4096 frames so that a few 2 MiB pages fit.
 *
 * A failure prints the seed, the operation number and the message, then
 * bisects on the number of operations (same seed, fewer operations) for
 * the shortest failing prefix and replays it with its operation log.
 *
 * The checks follow Linux's semantics in full. The bugs this test found
 * (BUG-1..7 in docs/RELIABILITY.md, reproduced in tests/unit/test_regress.c)
 * are fixed; --avoid N brings back the step-around the generator used for
 * BUG-N while it was open, to look past it should it come back:
 *   1  no MAP_POPULATE of anonymous private areas when thp is "always"
 *   2  advice other than DONTNEED on whole 2 MiB ranges when THP is on
 *   3  after msync, the file is checked only for pages one mapping alone
 *      maps shared and that are not PROT_NONE
 *   4  no truncation below a page that has a private copy
 *   6  ENOMEM from fork or process creation tolerated (and counted)
 *   7  no fork of a process without areas
 */
#define _DEFAULT_SOURCE /* mkdtemp, pread */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/addr.h"
#include "refmodel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	   UINT64_C(4096)
#define MAXPROCS   16
#define NFILES	   3
#define FILE_PAGES 24		 /* initial files and truncations stay below this */
#define WIN_BASE   0x10000000ULL /* the window: 2 MiB aligned */
#define LOGN	   64		 /* operations kept for the failure report */
#define MAXLEN	   (3 * PG)	 /* longest access */

/* ---- options ------------------------------------------------------------- */

struct opts {
	uint64_t seed, runs, ops;
	int procs;
	uint64_t ram_frames; /* 0: from the seed */
	int thp;	     /* -1: from the seed, else VM_THP_* */
	const char *policy;  /* NULL: from the seed */
	int segv_kills;	     /* -1: from the seed */
	uint64_t window;     /* pages; 0: by THP mode */
	uint64_t sweep;	     /* read everything back every N operations; 0: never */
	unsigned avoid;	     /* bit N: step around BUG-N (fixed) as before */
	bool shrink;	     /* bisect a failure */
	bool verbose;	     /* print every operation */
	double time_limit;   /* seconds; 0: none */
};

static const char *const policies[] = {"clock",	 "clock-fifo", "fifo",	"lru", "mru",
				       "random", "lfu",	       "linux", "ws",  "wsclock"};
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

/* ---- one run ------------------------------------------------------------- */

struct mproc {
	int pid;
	struct rm_space sp;
};

#define FILE_SLOTS (FILE_PAGES * 2 + 64) /* file pages the checks follow */

struct mfile {
	char path[PATH_MAX + 16];
	int vfd;		 /* vmsim's handle */
	int hostfd;		 /* our own read-only descriptor, to compare */
	struct rm_obj *obj;	 /* the model's file */
	uint64_t pos;		 /* the handle's position (read, write) */
	bool wdirty[FILE_SLOTS]; /* written by write() since the last fsync */
	bool size_pending;	 /* a write grew the file since the last fsync */
};

struct counters {
	uint64_t loads, stores, segv, sigbus, forks, exits, oom, mmaps, munmaps, mprotects;
	uint64_t madvises, msyncs, truncates, sweeps, file_checks, tolerated;
	uint64_t mremaps, mlocks, munlocks, freads, fwrites, fsyncs;
};

struct run {
	const struct opts *o;
	uint64_t seed, rng;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	uint64_t window; /* pages */
	char dir[PATH_MAX], swap_path[PATH_MAX + 16];
	struct mfile files[NFILES];
	struct mproc procs[MAXPROCS];
	int nprocs;
	uint64_t op;			    /* current operation, 1-based */
	uint64_t nsegv, noom;		    /* SIGSEGV and OOM records consumed */
	char log[LOGN][224];		    /* the last operations */
	bool failed;			    /* a mismatch was found */
	uint64_t fail_op;		    /* at which operation */
	char why[1024];			    /* what */
	uint8_t mbuf[MAXLEN], vbuf[MAXLEN]; /* model / vmsim bytes */
	uint8_t hbuf[PG];		    /* host file bytes */
	uint64_t *good, *all;		    /* window pages, for picking addresses */
	struct {
		int pid;
		uint64_t va;
	} recent[64]; /* addresses accessed lately: system calls aim at them too */
	unsigned nrecent;
	struct counters c;
};

static uint64_t next_rand(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct run *r, uint64_t n)
{
	return n ? next_rand(&r->rng) % n : 0;
}

static bool chance(struct run *r, unsigned pct)
{
	return rnd(r, 100) < pct;
}

/* Does the run step around BUG-@n (--avoid)? */
static bool avoid(const struct run *r, unsigned n)
{
	return r->o->avoid & (1u << n);
}

__attribute__((format(printf, 2, 3))) static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;
	if (r->failed)
		return;
	r->failed = true;
	r->fail_op = r->op;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void note(struct run *r, const char *fmt, ...)
{
	va_list ap;
	char *line = r->log[r->op % LOGN];
	va_start(ap, fmt);
	vsnprintf(line, sizeof(r->log[0]), fmt, ap);
	va_end(ap);
	if (r->o->verbose)
		printf("  op %" PRIu64 ": %s\n", r->op, line);
}

static const char *err(int rc)
{
	return rc ? vmsim_errname(rc) : "OK";
}

/* ---- processes ----------------------------------------------------------- */

static struct mproc *proc_of(struct run *r, int pid)
{
	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

static struct mproc *pick_proc(struct run *r)
{
	return &r->procs[rnd(r, (uint64_t)r->nprocs)];
}

/* The model side of a process ending (exit, SIGSEGV, OOM kill). */
static void model_exit(struct run *r, struct mproc *p)
{
	rm_space_free(&p->sp);
	*p = r->procs[--r->nprocs];
}

/* ---- host files ---------------------------------------------------------- */

/* Compare the host file's page @pg with the model's bytes. */
static void check_file_page(struct run *r, struct mfile *f, uint64_t pg, const char *when)
{
	uint64_t off = pg * PG, size = f->obj->size;
	struct stat st;
	if (f->size_pending && fstat(f->hostfd, &st) == 0 && (uint64_t)st.st_size < size)
		size = (uint64_t)st.st_size; /* a write grew the file: not all of it is back yet */
	if (off >= size)
		return;
	size_t len = size - off < PG ? (size_t)(size - off) : (size_t)PG;
	ssize_t got = pread(f->hostfd, r->hbuf, len, (off_t)off);
	if (got != (ssize_t)len) {
		fail(r, "%s: host file %s: read %zd of %zu bytes at %#" PRIx64, when, f->path, got,
		     len, off);
		return;
	}
	const uint8_t *want = f->obj->data + off;
	for (size_t i = 0; i < len; i++)
		if (r->hbuf[i] != want[i]) {
			fail(r,
			     "%s: host file %s byte %#" PRIx64 " is %#x, the model says %#x "
			     "(file page %" PRIu64 ")",
			     when, f->path, off + i, r->hbuf[i], want[i], pg);
			return;
		}
}

/* Every page of every file that no live process maps shared must hold the
 * model's bytes on the host (vmsim writes a dirty page back when its last
 * shared mapping goes), and the host file must have the model's size. */
static void check_files(struct run *r, const char *when)
{
	static bool mapped[FILE_SLOTS];
	r->c.file_checks++;
	for (int k = 0; k < NFILES && !r->failed; k++) {
		struct mfile *f = &r->files[k];
		struct stat st;
		uint64_t pages = rm_obj_pages(f->obj);
		if (fstat(f->hostfd, &st) != 0 ||
		    (!f->size_pending && (uint64_t)st.st_size != f->obj->size)) {
			fail(r, "%s: host file %s has %lld bytes, the model says %" PRIu64, when,
			     f->path, (long long)st.st_size, f->obj->size);
			return;
		}
		memcpy(mapped, f->wdirty, sizeof(mapped)); /* write()'s pages wait for fsync */
		for (int i = 0; i < r->nprocs; i++) {
			const struct rm_space *s = &r->procs[i].sp;
			for (uint64_t j = 0; j < s->npages; j++)
				if (s->pg[j].kind == RM_SHARED && s->pg[j].obj == f->obj &&
				    s->pg[j].pgoff < pages)
					mapped[s->pg[j].pgoff] = true;
		}
		for (uint64_t pg = 0; pg < pages && !r->failed; pg++)
			if (!mapped[pg])
				check_file_page(r, f, pg, when);
	}
}

static struct mfile *file_of(struct run *r, const struct rm_obj *o)
{
	for (int k = 0; k < NFILES; k++)
		if (r->files[k].obj == o)
			return &r->files[k];
	return NULL;
}

/* ---- after every operation ----------------------------------------------- */

/* Take the OOM kills vmsim made since the last look: the model exits the
 * victims too. Returns whether @pid was among them. */
static bool take_oom_kills(struct run *r, int pid)
{
	struct vmsim_oom_record rec;
	bool hit = false;
	while (vmsim_oom_get(r->sys, r->noom, &rec) == 0) {
		r->noom++;
		r->c.oom++;
		struct mproc *p = proc_of(r, rec.pid);
		if (!p) {
			fail(r, "the OOM killer chose pid %d, which the model does not know",
			     rec.pid);
			return hit;
		}
		char *line = r->log[r->op % LOGN];
		size_t used = strlen(line);
		snprintf(line + used, sizeof(r->log[0]) - used, " (OOM kill of pid %d)", rec.pid);
		hit |= rec.pid == pid;
		model_exit(r, p);
	}
	return hit;
}

static void after_op(struct run *r)
{
	char why[256] = "";
	struct vmsim_sys_stats st;
	take_oom_kills(r, 0);
	if (r->failed)
		return;
	if (vmsim_check(r->sys, why, sizeof(why)) != 0) {
		fail(r, "vmsim_check: %s", why);
		return;
	}
	if (vmsim_sys_stats(r->sys, &st) != 0) {
		fail(r, "vmsim_sys_stats failed");
		return;
	}
	if (st.segvs != r->nsegv) {
		struct vmsim_segv_record s = {0};
		vmsim_segv_get(r->sys, r->nsegv, &s);
		fail(r,
		     "vmsim raised %" PRIu64 " SIGSEGV/SIGBUS, the model %" PRIu64
		     " (first unexpected: pid %d addr %#" PRIx64 " reason %d)",
		     st.segvs, r->nsegv, s.pid, (uint64_t)s.addr, (int)s.reason);
		return;
	}
	if (st.processes != (uint64_t)r->nprocs) {
		fail(r, "vmsim has %" PRIu64 " live processes, the model %d", st.processes,
		     r->nprocs);
		return;
	}
	for (int i = 0; i < r->nprocs; i++)
		if (!vmsim_process_alive(r->sys, r->procs[i].pid)) {
			fail(r, "pid %d died in vmsim but not in the model", r->procs[i].pid);
			return;
		}
}

/* ---- accesses ------------------------------------------------------------ */

static enum vmsim_segv_reason reason_of(enum rm_fault f)
{
	return f == RM_MAPERR	? VMSIM_SEGV_MAPERR
	       : f == RM_ACCERR ? VMSIM_SEGV_ACCERR
				: VMSIM_SIGBUS_EOF;
}

/* Does a store of @n bytes at @va write, before its last page, a page
 * other processes can see? (If the storer is OOM-killed part way, which
 * pieces landed is then unknown.) */
static bool store_prefix_shared(struct run *r, struct mproc *p, uint64_t va, size_t n)
{
	uint64_t last = (va + n - 1) / PG;
	for (uint64_t pg = va / PG; pg < last; pg++) {
		const struct rm_page *e = rm_lookup(&p->sp, pg * PG);
		if (e && e->kind == RM_SHARED)
			return true;
	}
	(void)r;
	return false;
}

/* One load or store by @p, on both sides, compared. */
static void do_access(struct run *r, struct mproc *p, uint64_t va, size_t n, bool write)
{
	int pid = p->pid;
	if (write) {
		for (size_t i = 0; i < n; i++)
			r->mbuf[i] = (uint8_t)next_rand(&r->rng);
		memcpy(r->vbuf, r->mbuf, n);
		r->c.stores++;
	} else {
		memset(r->vbuf, 0xa5, n);
		r->c.loads++;
	}
	bool ambiguous = write && store_prefix_shared(r, p, va, n);
	int rc = write ? vmsim_store(r->sys, pid, va, r->vbuf, n)
		       : vmsim_load(r->sys, pid, va, r->vbuf, n);
	bool self_killed = take_oom_kills(r, pid);
	if (self_killed) {
		/* the OOM killer chose the accessing process itself, in the fault
		 * of some piece: that piece and the ones after it did not happen */
		if (rc != VMSIM_ESRCH)
			fail(r, "pid %d was OOM-killed during its access but vm_%s returned %s",
			     pid, write ? "store" : "load", err(rc));
		else if (ambiguous)
			fail(r,
			     "pid %d was OOM-killed part way through a store to shared pages: "
			     "which pieces landed is unknown (give the run more RAM)",
			     pid);
		return;
	}
	p = proc_of(r, pid); /* another victim's exit may have moved it */
	if (r->failed)
		return;
	/* the model second, so that a store the OOM killer cut short is not in it */
	struct rm_result m = rm_access(&p->sp, va, n, write, r->mbuf);
	if (m.fault == RM_OK) {
		r->recent[r->nrecent % 64].pid = pid;
		r->recent[r->nrecent % 64].va = va;
		r->nrecent++;
	}
	if (m.fault == RM_OK) {
		if (rc != 0) {
			struct vmsim_segv_record s = {0};
			vmsim_segv_get(r->sys, r->nsegv, &s);
			fail(r,
			     "pid %d %s of %zu bytes at %#" PRIx64
			     ": vmsim says %s (segv at %#" PRIx64
			     " reason %d), the model says it succeeds",
			     pid, write ? "store" : "load", n, va, err(rc), (uint64_t)s.addr,
			     (int)s.reason);
			return;
		}
		if (!write && memcmp(r->vbuf, r->mbuf, n) != 0) {
			size_t i = 0;
			while (r->vbuf[i] == r->mbuf[i])
				i++;
			fail(r,
			     "pid %d load of %zu bytes at %#" PRIx64 ": byte %#" PRIx64
			     " is %#x in vmsim, %#x in the model",
			     pid, n, va, va + i, r->vbuf[i], r->mbuf[i]);
		}
		return;
	}
	/* the model says it faults */
	struct vmsim_segv_record s;
	if (rc != VMSIM_EFAULT || vmsim_segv_get(r->sys, r->nsegv, &s) != 0) {
		fail(r,
		     "pid %d %s of %zu bytes at %#" PRIx64 ": vmsim says %s, the model says %s at "
		     "%#" PRIx64,
		     pid, write ? "store" : "load", n, va, err(rc),
		     m.fault == RM_BUS_EOF ? "SIGBUS" : "SIGSEGV", m.addr);
		return;
	}
	r->nsegv++;
	if (r->o->verbose)
		printf("      => %s at %#" PRIx64 "%s\n",
		       m.fault == RM_BUS_EOF ? "SIGBUS" : "SIGSEGV", m.addr,
		       r->cfg.segv_kills ? ", the process dies" : "");
	if (m.fault == RM_BUS_EOF)
		r->c.sigbus++;
	else
		r->c.segv++;
	if (s.pid != pid || s.addr != m.addr || s.kind != (write ? VMSIM_WRITE : VMSIM_READ) ||
	    s.reason != reason_of(m.fault)) {
		fail(r,
		     "pid %d %s of %zu bytes at %#" PRIx64 ": vmsim raised (pid %d, %#" PRIx64
		     ", kind %d, reason %d), the model (pid %d, %#" PRIx64 ", kind %d, reason %d)",
		     pid, write ? "store" : "load", n, va, s.pid, (uint64_t)s.addr, (int)s.kind,
		     (int)s.reason, pid, m.addr, write ? VMSIM_WRITE : VMSIM_READ,
		     (int)reason_of(m.fault));
		return;
	}
	if (!write && memcmp(r->vbuf, r->mbuf, m.done) != 0) {
		fail(r, "pid %d load at %#" PRIx64 ": the %zu bytes before the fault differ", pid,
		     va, m.done);
		return;
	}
	if (r->cfg.segv_kills) {
		model_exit(r, p);
		r->c.exits++;
	}
}

/* An address for @p to touch: mostly inside its mappings, sometimes
 * anywhere in the window, sometimes far away. */
static uint64_t pick_addr(struct run *r, struct mproc *p, bool write, bool *empty)
{
	static const uint64_t wild[] = {0x0,
					0x1000,
					0xfff8,
					WIN_BASE - 8,
					0x00007ffffffff000ULL,
					0x00007ffffffffffcULL,
					0x0000800000000000,
					0xffff800000000000ULL,
					0xfffffffffffff000ULL};
	uint64_t u = rnd(r, 1000);
	*empty = false;
	if (r->cfg.segv_kills && u >= 960 && chance(r, 75))
		u = 0; /* a fault ends the process: fewer of them */
	if (u < 960) {
		/* a page of a mapping; mostly one where the access succeeds, the
		 * more so when a fault ends the process */
		uint64_t ngood = 0, nall = 0;
		for (uint64_t i = 0; i < r->window; i++) {
			if (p->sp.pg[i].kind == RM_UNMAPPED)
				continue;
			r->all[nall++] = i;
			if (rm_check(&p->sp, WIN_BASE + i * PG, write) == RM_OK)
				r->good[ngood++] = i;
		}
		if (nall) {
			bool good = ngood && !chance(r, r->cfg.segv_kills ? 2 : 12);
			uint64_t i = good ? r->good[rnd(r, ngood)] : r->all[rnd(r, nall)];
			return WIN_BASE + i * PG + rnd(r, PG);
		}
		*empty = true;
	}
	if (u < 990)
		return WIN_BASE + rnd(r, r->window * PG);
	return wild[rnd(r, sizeof(wild) / sizeof(wild[0]))] + rnd(r, 8);
}

static size_t pick_len(struct run *r)
{
	uint64_t u = rnd(r, 100);
	if (u < 50)
		return (size_t)1 << rnd(r, 4);
	if (u < 80)
		return 1 + (size_t)rnd(r, 64);
	if (u < 95)
		return 1 + (size_t)rnd(r, 1024);
	return 1 + (size_t)rnd(r, MAXLEN);
}

static void op_mmap(struct run *r, struct mproc *p);

static void op_access(struct run *r, bool write)
{
	struct mproc *p = pick_proc(r);
	bool empty;
	uint64_t va = pick_addr(r, p, write, &empty);
	if (empty && (r->cfg.segv_kills || chance(r, 80))) {
		op_mmap(r, p); /* give it something to touch rather than kill it */
		return;
	}
	size_t n = pick_len(r);
	if (write && rm_store_hits_file_tail(&p->sp, va, n))
		write = false; /* past the end of a file through a shared mapping: undefined */
	note(r, "%s pid %d va %#" PRIx64 " len %zu", write ? "store" : "load", p->pid, va, n);
	do_access(r, p, va, n, write);
}

static void pick_range(struct run *r, struct mproc *p, uint64_t *va, uint64_t *n);

/* Touch every page of a range, as a loop over an array does: this is what
 * fills RAM and pushes pages to swap. */
static void op_fill(struct run *r)
{
	struct mproc *p = pick_proc(r);
	int pid = p->pid;
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	if (chance(r, 50))
		n = 1 + rnd(r, 256); /* big enough to push pages out */
	bool write = chance(r, 70);
	note(r, "fill pid %d va %#" PRIx64 " pages %" PRIu64 " %s", pid, va, n,
	     write ? "store" : "load");
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		uint64_t a = va + i * PG + rnd(r, PG - 8);
		if (r->cfg.segv_kills && rm_check(&p->sp, a, write) != RM_OK && chance(r, 97))
			continue; /* skip most holes when a fault ends the process */
		bool w = write && !rm_store_hits_file_tail(&p->sp, a, 8);
		do_access(r, p, a, 8, w);
		if (proc_of(r, pid) != p || p->pid != pid)
			break; /* it died (SIGSEGV or OOM kill) */
	}
}

/* Read back every accessible page of every process. */
static void sweep(struct run *r)
{
	r->c.sweeps++;
	note(r, "sweep: read back every accessible page");
	for (int i = 0; i < r->nprocs && !r->failed; i++) {
		struct mproc *p = &r->procs[i];
		int pid = p->pid;
		for (uint64_t j = 0; j < r->window && !r->failed; j++) {
			const struct rm_page *e = &p->sp.pg[j];
			if (e->kind == RM_UNMAPPED || e->prot == 0 ||
			    (e->kind != RM_ANON && !e->priv && e->pgoff >= rm_obj_pages(e->obj)))
				continue;
			do_access(r, p, WIN_BASE + j * PG, PG, false);
			if (proc_of(r, pid) != p || p->pid != pid)
				break; /* OOM-killed: the slot now holds another process */
		}
	}
}

/* ---- system calls ---------------------------------------------------------- */

static const int prots[] = {VMSIM_PROT_READ, VMSIM_PROT_NONE, VMSIM_PROT_READ | VMSIM_PROT_EXEC,
			    VMSIM_PROT_WRITE, VMSIM_PROT_READ | VMSIM_PROT_WRITE | VMSIM_PROT_EXEC};

/* Mostly read-write, so that processes live long enough to fill memory. */
static int pick_prot(struct run *r)
{
	if (chance(r, 70))
		return VMSIM_PROT_READ | VMSIM_PROT_WRITE;
	return prots[rnd(r, sizeof(prots) / sizeof(prots[0]))];
}

static int rm_prot_of(int prot)
{
	return ((prot & VMSIM_PROT_READ) ? RM_READ : 0) |
	       ((prot & VMSIM_PROT_WRITE) ? RM_WRITE : 0) |
	       ((prot & VMSIM_PROT_EXEC) ? RM_EXEC : 0);
}

/* Is any page of [va, va + n pages) mapped in the model? / all of them? */
static bool any_mapped(const struct rm_space *s, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		const struct rm_page *e = rm_lookup(s, va + i * PG);
		if (e && e->kind != RM_UNMAPPED)
			return true;
	}
	return false;
}

static bool all_mapped(const struct rm_space *s, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		const struct rm_page *e = rm_lookup(s, va + i * PG);
		if (!e || e->kind == RM_UNMAPPED)
			return false;
	}
	return true;
}

/* Pages of shared anonymous memory alive (each object counted once, all
 * of its pages). */
static uint64_t shmem_pages(struct run *r)
{
	const struct rm_obj *seen[256];
	size_t nseen = 0;
	uint64_t pages = 0;
	for (int i = 0; i < r->nprocs; i++)
		for (uint64_t j = 0; j < r->window; j++) {
			const struct rm_page *e = &r->procs[i].sp.pg[j];
			if (e->kind != RM_SHARED || e->obj->file)
				continue;
			size_t k = 0;
			while (k < nseen && seen[k] != e->obj)
				k++;
			if (k == nseen && nseen < 256) {
				seen[nseen++] = e->obj;
				pages += e->obj->cap;
			}
		}
	return pages;
}

/* A range around something mapped in @p (or anywhere): start and pages. */
static void pick_range(struct run *r, struct mproc *p, uint64_t *va, uint64_t *n)
{
	uint64_t start = rnd(r, r->window);
	/* half the time where the process touched memory lately (resident
	 * pages, huge pages, swap cache), else near any mapped page */
	unsigned k = (unsigned)rnd(r, 64), found = 0;
	bool recent = chance(r, 50);
	for (unsigned t = 0; t < 64 && recent; t++) {
		unsigned j = (k + t) % 64;
		uint64_t a = r->recent[j].va;
		if (j < r->nrecent && r->recent[j].pid == p->pid && a >= WIN_BASE &&
		    a < WIN_BASE + r->window * PG) {
			start = (a - WIN_BASE) / PG;
			start = start > 2 ? start - rnd(r, 3) : start;
			found = 1;
			break;
		}
	}
	for (int t = 0; t < 16 && !found && chance(r, 80); t++) {
		uint64_t i = rnd(r, r->window);
		if (p->sp.pg[i].kind != RM_UNMAPPED) {
			start = i > 2 ? i - rnd(r, 3) : i;
			break;
		}
	}
	*n = 1 + rnd(r, chance(r, 10) ? 1024 : 16);
	if (r->cfg.thp != VMSIM_THP_NEVER && chance(r, 15)) {
		start &= ~511ULL; /* whole 2 MiB pages */
		*n = 512 * (1 + rnd(r, 2));
	}
	if (start + *n > r->window + 2)
		*n = r->window + 2 - start; /* may reach a little past the window */
	*va = WIN_BASE + start * PG;
}

static void op_mmap(struct run *r, struct mproc *p)
{
	uint64_t u = rnd(r, 100);
	enum rm_kind kind = u < 35   ? RM_ANON
			    : u < 50 ? RM_SHARED
			    : u < 75 ? RM_FILE_PRIVATE
				     : RM_SHARED;
	struct mfile *f = u >= 50 ? &r->files[rnd(r, NFILES)] : NULL;
	uint64_t n = 1 + rnd(r, 16), start;
	if (!f && kind == RM_ANON && r->cfg.thp != VMSIM_THP_NEVER && chance(r, 40)) {
		n = 512 * (1 + rnd(r, 2));
		start = rnd(r, r->window / 512 - (n / 512) + 1) * 512;
	} else {
		start = rnd(r, r->window - n + 1);
	}
	if (!f && kind == RM_SHARED && shmem_pages(r) + n > r->cfg.ram_bytes / PG / 4)
		kind = RM_ANON; /* shared memory goes to swap too, but keep most memory private */
	uint64_t va = WIN_BASE + start * PG;
	int prot = pick_prot(r);
	uint64_t pgoff = f ? rnd(r, chance(r, 80) ? rm_obj_pages(f->obj) + 1 : FILE_PAGES + 4) : 0;
	int flags = (kind == RM_SHARED ? VMSIM_MAP_SHARED : VMSIM_MAP_PRIVATE) |
		    (f ? 0 : VMSIM_MAP_ANONYMOUS) | (chance(r, 10) ? VMSIM_MAP_POPULATE : 0);
	if (avoid(r, 1) && kind == RM_ANON && r->cfg.thp == VMSIM_THP_ALWAYS)
		flags &= ~VMSIM_MAP_POPULATE; /* BUG-1: populating a huge page aborted */
	uint64_t place = rnd(r, 100);
	bool hint = place >= 90 && !any_mapped(&p->sp, va, n);
	bool noreplace = place >= 85 && !hint;
	flags |= hint ? 0 : noreplace ? VMSIM_MAP_FIXED_NOREPLACE : VMSIM_MAP_FIXED;
	int fd = f ? f->vfd : -1;
	uint64_t len = n * PG, off = pgoff * PG;
	int want = 0;
	if (chance(r, 2)) {
		/* a bad call: vmsim must refuse it and change nothing */
		switch (rnd(r, 5)) {
		case 0:
			len = 0;
			want = VMSIM_EINVAL;
			break;
		case 1:
			flags |= VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE;
			want = VMSIM_EINVAL;
			break;
		case 2:
			if (hint)
				flags |= VMSIM_MAP_FIXED, hint = false;
			va += 1 + rnd(r, PG - 1);
			want = VMSIM_EINVAL;
			break;
		case 3:
			flags &= ~VMSIM_MAP_ANONYMOUS;
			fd = 1000 + (int)rnd(r, 10);
			want = VMSIM_EBADF;
			break;
		default:
			if (!f)
				flags &= ~VMSIM_MAP_ANONYMOUS, fd = r->files[0].vfd;
			off = PG * (1 + rnd(r, 4)) + 1 + rnd(r, PG - 1);
			want = VMSIM_EINVAL;
			break;
		}
	} else if (noreplace && any_mapped(&p->sp, va, n)) {
		want = VMSIM_EEXIST;
	}
	note(r,
	     "mmap pid %d va %#" PRIx64 " len %#" PRIx64 " prot %d flags %#x fd %d off %#" PRIx64
	     " (%s) -> want %s",
	     p->pid, va, len, prot, (unsigned)flags, fd, off,
	     kind == RM_ANON	       ? "anon"
	     : kind == RM_FILE_PRIVATE ? "file private"
	     : f		       ? "file shared"
				       : "shmem",
	     err(want));
	vaddr_t out = 0;
	r->c.mmaps++;
	int rc = vmsim_mmap(r->sys, p->pid, va, len, prot, flags, fd, off, &out);
	if (rc != want) {
		fail(r, "mmap returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (rc)
		return;
	if (out != va) {
		fail(r, "mmap placed the mapping at %#" PRIx64 ", not at the %s %#" PRIx64,
		     (uint64_t)out, hint ? "free hint" : "fixed address", va);
		return;
	}
	struct rm_obj *obj = f ? f->obj : NULL;
	if (!f && kind == RM_SHARED && !(obj = rm_obj_new_shmem(n)))
		abort();
	rm_map(&p->sp, va, n, rm_prot_of(prot), kind, obj, pgoff);
	if (!f && kind == RM_SHARED)
		rm_obj_put(obj); /* the pages hold it now */
	if ((flags & VMSIM_MAP_POPULATE) && (prot & VMSIM_PROT_WRITE) && kind != RM_SHARED)
		rm_populate_write(&p->sp, va, n);
	if (r->cfg.thp == VMSIM_THP_MADVISE && n >= 512 && chance(r, 60)) {
		note(r, "madvise pid %d va %#" PRIx64 " len %#" PRIx64 " MADV_HUGEPAGE", p->pid, va,
		     len);
		if ((rc = vmsim_madvise(r->sys, p->pid, va, len, VMSIM_MADV_HUGEPAGE)) != 0)
			fail(r, "madvise(MADV_HUGEPAGE) returned %s", err(rc));
	}
	check_files(r, "after mmap"); /* MAP_FIXED may have unmapped something */
}

static void op_munmap(struct run *r)
{
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	uint64_t len = n * PG;
	int want = 0;
	if (chance(r, 2)) {
		if (chance(r, 50))
			len = 0;
		else
			va += 1 + rnd(r, PG - 1);
		want = VMSIM_EINVAL;
	}
	note(r, "munmap pid %d va %#" PRIx64 " len %#" PRIx64 " -> want %s", p->pid, va, len,
	     err(want));
	r->c.munmaps++;
	int rc = vmsim_munmap(r->sys, p->pid, va, len);
	if (rc != want) {
		fail(r, "munmap returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (rc)
		return;
	rm_unmap(&p->sp, va, n);
	check_files(r, "after munmap");
}

static void op_mprotect(struct run *r)
{
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	int prot = pick_prot(r);
	int want = all_mapped(&p->sp, va, n) ? 0 : VMSIM_ENOMEM;
	note(r, "mprotect pid %d va %#" PRIx64 " len %#" PRIx64 " prot %d -> want %s", p->pid, va,
	     n * PG, prot, err(want));
	r->c.mprotects++;
	int rc = vmsim_mprotect(r->sys, p->pid, va, n * PG, prot);
	if (rc != want) {
		fail(r, "mprotect returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (rc == 0 && !rm_protect(&p->sp, va, n, rm_prot_of(prot)))
		fail(r, "the model could not mprotect a range it said was mapped");
}

static void op_madvise(struct run *r)
{
	static const int others[] = {VMSIM_MADV_NORMAL,	    VMSIM_MADV_RANDOM,
				     VMSIM_MADV_SEQUENTIAL, VMSIM_MADV_WILLNEED,
				     VMSIM_MADV_HUGEPAGE,   VMSIM_MADV_NOHUGEPAGE};
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	int advice = chance(r, 75) ? VMSIM_MADV_DONTNEED : others[rnd(r, 6)];
	if (avoid(r, 2) && advice != VMSIM_MADV_DONTNEED && r->cfg.thp != VMSIM_THP_NEVER) {
		/* BUG-2: splitting an area for advice left a huge page straddling
		 * the cut: advise whole 2 MiB ranges only */
		uint64_t end = (va + n * PG + (2 << 20) - 1) & ~((2ULL << 20) - 1);
		va &= ~((2ULL << 20) - 1);
		n = (end - va) / PG;
	}
	int want = all_mapped(&p->sp, va, n) ? 0 : VMSIM_ENOMEM;
	for (uint64_t i = 0; i < n && advice == VMSIM_MADV_DONTNEED; i++) {
		const struct rm_page *e = rm_lookup(&p->sp, va + i * PG);
		if (e && e->kind != RM_UNMAPPED && e->locked) {
			want = VMSIM_EINVAL; /* locked pages stay, and the walk stops */
			break;
		}
	}
	note(r, "madvise pid %d va %#" PRIx64 " len %#" PRIx64 " advice %d -> want %s", p->pid, va,
	     n * PG, advice, err(want));
	r->c.madvises++;
	int rc = vmsim_madvise(r->sys, p->pid, va, n * PG, advice);
	if (rc != want) {
		fail(r, "madvise returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (advice == VMSIM_MADV_DONTNEED)
		rm_dontneed(&p->sp, va, n);
}

/* How many (process, address) pairs map each page of each file shared:
 * @n[file][page]. */
static void shared_mappers(struct run *r, int (*n)[FILE_SLOTS])
{
	memset(n, 0, sizeof(int) * NFILES * FILE_SLOTS);
	for (int i = 0; i < r->nprocs; i++)
		for (uint64_t j = 0; j < r->window; j++) {
			const struct rm_page *e = &r->procs[i].sp.pg[j];
			if (e->kind != RM_SHARED || !e->obj->file || e->pgoff >= FILE_SLOTS)
				continue;
			n[file_of(r, e->obj) - r->files][e->pgoff]++;
		}
}

static void op_msync(struct run *r)
{
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	uint64_t u = rnd(r, 100);
	int flags = u < 60   ? VMSIM_MS_SYNC
		    : u < 90 ? VMSIM_MS_ASYNC
			     : VMSIM_MS_SYNC | VMSIM_MS_INVALIDATE;
	int want = all_mapped(&p->sp, va, n) ? 0 : VMSIM_ENOMEM;
	if (chance(r, 2)) {
		flags = VMSIM_MS_SYNC | VMSIM_MS_ASYNC;
		want = VMSIM_EINVAL;
	}
	note(r, "msync pid %d va %#" PRIx64 " len %#" PRIx64 " flags %d -> want %s", p->pid, va,
	     n * PG, flags, err(want));
	r->c.msyncs++;
	int rc = vmsim_msync(r->sys, p->pid, va, n * PG, flags);
	if (rc != want) {
		fail(r, "msync returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (want == VMSIM_EINVAL)
		return;
	/* Linux's msync(MS_SYNC) is fsync of the file range the mapping covers:
	 * every dirty page there reaches the file, whoever dirtied it. vmsim
	 * promises the same now for MS_ASYNC too. (--avoid 3: only pages this
	 * one mapping alone maps shared, and not PROT_NONE, are checked.) */
	static int mappers[NFILES][FILE_SLOTS];
	shared_mappers(r, mappers);
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		const struct rm_page *e = rm_lookup(&p->sp, va + i * PG);
		if (!e || e->kind != RM_SHARED || !e->obj->file)
			continue;
		struct mfile *f = file_of(r, e->obj);
		if (avoid(r, 3) && (e->prot == 0 ||
				    (e->pgoff < FILE_SLOTS && mappers[f - r->files][e->pgoff] > 1)))
			continue;
		check_file_page(r, f, e->pgoff, "after msync");
	}
}

/* ---- mremap, mlock ---------------------------------------------------------- */

struct vma_list {
	uint64_t start[1024], end[1024];
	unsigned n;
};

static int collect_vma(const struct vmsim_smaps_entry *e, void *arg)
{
	struct vma_list *l = arg;
	if (l->n < 1024) {
		l->start[l->n] = e->start;
		l->end[l->n] = e->end;
		l->n++;
	}
	return 0;
}

/* Is [va, va + n pages) inside the window? */
static bool in_window(const struct run *r, uint64_t va, uint64_t n)
{
	return va >= WIN_BASE && va + n * PG <= WIN_BASE + r->window * PG;
}

static bool all_unmapped(const struct rm_space *s, uint64_t va, uint64_t n)
{
	return !any_mapped(s, va, n);
}

/* Pages the model's processes lock (the budget keeps RAM for the rest). */
static uint64_t locked_pages(const struct run *r)
{
	uint64_t n = 0;
	for (int i = 0; i < r->nprocs; i++)
		for (uint64_t j = 0; j < r->window; j++)
			n +=
			    r->procs[i].sp.pg[j].kind != RM_UNMAPPED && r->procs[i].sp.pg[j].locked;
	return n;
}

/*
 * mremap of a range inside one of the process's VMAs (vmsim's list says
 * where they are; the model must agree that the range is mapped):
 * shrink, grow in place (the model says whether the pages after it are
 * free), move with MREMAP_FIXED to a place in the window, DONTUNMAP, and
 * the invalid calls. Moves without MREMAP_FIXED would leave the window,
 * so MAYMOVE alone is used only where growing in place works.
 */
static void op_mremap(struct run *r)
{
	static struct vma_list l;
	struct mproc *p = pick_proc(r);
	l.n = 0;
	vmsim_smaps(r->sys, p->pid, collect_vma, &l);
	if (l.n == 0)
		return;
	unsigned k = (unsigned)rnd(r, l.n);
	uint64_t vpages = (l.end[k] - l.start[k]) / PG;
	uint64_t skip = chance(r, 60) ? 0 : rnd(r, vpages);
	uint64_t va = l.start[k] + skip * PG;
	uint64_t old_n = chance(r, 70) ? vpages - skip : 1 + rnd(r, vpages - skip);
	if (!in_window(r, va, old_n) || !all_mapped(&p->sp, va, old_n)) {
		fail(r, "vmsim has a VMA [%#" PRIx64 ", %#" PRIx64 ") the model does not map whole",
		     l.start[k], l.end[k]);
		return;
	}
	uint64_t u = rnd(r, 100), new_n = old_n, to = 0;
	int flags = 0, want = 0;
	bool at_end = va + old_n * PG == l.end[k];
	enum { SHRINK, GROW, MOVE, DONTUNMAP, BAD } what;
	if (u < 20) {
		what = SHRINK;
		new_n = 1 + rnd(r, old_n);
		flags = chance(r, 50) ? VMSIM_MREMAP_MAYMOVE : 0;
	} else if (u < 50) {
		what = GROW;
		new_n = old_n + 1 + rnd(r, 16);
		if (vpages - skip + (new_n - old_n) > 64)
			new_n = old_n; /* keep areas small */
		if (!in_window(r, va, new_n))
			new_n = (WIN_BASE + r->window * PG - va) / PG; /* the model ends there */
		bool fits = at_end && in_window(r, va, new_n) &&
			    all_unmapped(&p->sp, va + old_n * PG, new_n - old_n);
		if (fits && chance(r, 50))
			flags = VMSIM_MREMAP_MAYMOVE; /* grows in place all the same */
		want = new_n == old_n || fits ? 0 : VMSIM_ENOMEM;
	} else if (u < 85) {
		what = MOVE;
		new_n = chance(r, 50) ? old_n : 1 + rnd(r, old_n + 16);
		to = WIN_BASE + rnd(r, r->window - new_n + 1) * PG;
		if (r->cfg.thp != VMSIM_THP_NEVER && chance(r, 30))
			to = (to & ~((2ULL << 20) - 1)) + (va & ((2ULL << 20) - 1));
		if (!in_window(r, to, new_n))
			to = WIN_BASE;
		flags = VMSIM_MREMAP_MAYMOVE | VMSIM_MREMAP_FIXED;
		if (to < va + old_n * PG && va < to + new_n * PG)
			want = VMSIM_EINVAL; /* the ranges overlap */
	} else if (u < 97) {
		what = DONTUNMAP;
		to = WIN_BASE + rnd(r, r->window - old_n + 1) * PG;
		flags = VMSIM_MREMAP_MAYMOVE | VMSIM_MREMAP_FIXED | VMSIM_MREMAP_DONTUNMAP;
		if (to < va + old_n * PG && va < to + old_n * PG)
			want = VMSIM_EINVAL;
	} else {
		what = BAD;
		switch (rnd(r, 4)) {
		case 0: /* MREMAP_FIXED without MAYMOVE */
			flags = VMSIM_MREMAP_FIXED;
			to = WIN_BASE;
			new_n = old_n + 1;
			break;
		case 1: /* DONTUNMAP with another size */
			flags = VMSIM_MREMAP_MAYMOVE | VMSIM_MREMAP_DONTUNMAP;
			new_n = old_n + 1;
			break;
		case 2: /* an unaligned address */
			va += 1 + rnd(r, PG - 1);
			new_n = old_n + 1;
			break;
		default: /* a new size of 0 */
			new_n = 0;
			break;
		}
		want = VMSIM_EINVAL;
	}
	if ((what == MOVE || what == DONTUNMAP) && !want &&
	    locked_pages(r) + new_n > r->cfg.ram_bytes / PG / 8) {
		bool locked = false;
		for (uint64_t i = 0; i < old_n; i++)
			locked |= rm_lookup(&p->sp, va + i * PG)->locked != RM_UNLOCKED;
		if (locked)
			return; /* a locked area would grow past the budget */
	}
	if (what == GROW && !want && rm_lookup(&p->sp, va)->locked &&
	    locked_pages(r) + new_n - old_n > r->cfg.ram_bytes / PG / 8)
		return;
	note(r,
	     "mremap pid %d va %#" PRIx64 " pages %" PRIu64 " -> %" PRIu64 " flags %d to %#" PRIx64
	     " -> want %s",
	     p->pid, va, old_n, new_n, flags, to, err(want));
	r->c.mremaps++;
	vaddr_t out = 0;
	int rc = vmsim_mremap(r->sys, p->pid, va, old_n * PG, new_n * PG, flags, to, &out);
	if (rc != want) {
		fail(r, "mremap returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	if (rc)
		return;
	uint64_t expect = what == MOVE || what == DONTUNMAP ? to : va;
	if (out != expect) {
		fail(r, "mremap put the area at %#" PRIx64 ", the model at %#" PRIx64,
		     (uint64_t)out, expect);
		return;
	}
	if (new_n < old_n && what != MOVE)
		rm_remap_shrink(&p->sp, va, old_n, new_n);
	else if (new_n > old_n && what == GROW)
		rm_remap_grow(&p->sp, va, old_n, new_n);
	else if (what == MOVE || what == DONTUNMAP)
		rm_remap_move(&p->sp, va, old_n, to, new_n, what == DONTUNMAP);
	check_files(r, "after mremap");
}

static void op_mlock(struct run *r)
{
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	if (n > 32)
		n = 1 + rnd(r, 32);
	if (locked_pages(r) + n > r->cfg.ram_bytes / PG / 8)
		return; /* locked pages cannot be evicted: keep them few */
	bool onfault = chance(r, 25);
	/* the answer, before anything changes: a hole, or a page that cannot
	 * be faulted in (in address order) */
	int want = 0;
	for (uint64_t i = 0; i < n && !want; i++) {
		const struct rm_page *e = rm_lookup(&p->sp, va + i * PG);
		if (!e || e->kind == RM_UNMAPPED)
			want = VMSIM_ENOMEM;
	}
	note(r, "mlock pid %d va %#" PRIx64 " len %#" PRIx64 "%s", p->pid, va, n * PG,
	     onfault ? " onfault" : "");
	r->c.mlocks++;
	int rc = vmsim_mlock(r->sys, p->pid, va, n * PG, onfault ? VMSIM_MLOCK_ONFAULT : 0);
	if (!vmsim_process_alive(r->sys, p->pid))
		return; /* OOM-killed while faulting in: after_op exits it in the model */
	bool stopped;
	if (rm_mlock(&p->sp, va, n, onfault, &stopped) != (want == 0)) {
		fail(r, "the model's mlock disagrees with its own check");
		return;
	}
	if (stopped)
		want = VMSIM_ENOMEM; /* PROT_NONE or past the end of a file */
	if (rc != want)
		fail(r, "mlock returned %s, the model wants %s", err(rc), err(want));
}

static void op_munlock(struct run *r)
{
	struct mproc *p = pick_proc(r);
	uint64_t va, n;
	pick_range(r, p, &va, &n);
	int want = all_mapped(&p->sp, va, n) ? 0 : VMSIM_ENOMEM;
	note(r, "munlock pid %d va %#" PRIx64 " len %#" PRIx64 " -> want %s", p->pid, va, n * PG,
	     err(want));
	r->c.munlocks++;
	int rc = vmsim_munlock(r->sys, p->pid, va, n * PG);
	if (rc != want) {
		fail(r, "munlock returned %s, the model wants %s", err(rc), err(want));
		return;
	}
	rm_munlock(&p->sp, va, n);
}

/* ---- file I/O ----------------------------------------------------------------- */

/* After fsync: the whole host file holds the model's bytes and size. */
static void check_whole_file(struct run *r, struct mfile *f, const char *when)
{
	struct stat st;
	if (fstat(f->hostfd, &st) != 0 || (uint64_t)st.st_size != f->obj->size) {
		fail(r, "%s: host file %s has %lld bytes, the model says %" PRIu64, when, f->path,
		     (long long)st.st_size, f->obj->size);
		return;
	}
	for (uint64_t pg = 0; pg < rm_obj_pages(f->obj) && !r->failed; pg++)
		check_file_page(r, f, pg, when);
}

static void mark_written(struct mfile *f, uint64_t off, size_t n, uint64_t old_size)
{
	for (uint64_t pg = off / PG; pg <= (off + n - 1) / PG && pg < FILE_SLOTS; pg++)
		f->wdirty[pg] = true;
	if (off + n > old_size)
		f->size_pending = true;
}

/* pread / read / pwrite / write / lseek / fsync / fdatasync of a host file. */
static void op_fileio(struct run *r)
{
	struct mfile *f = &r->files[rnd(r, NFILES)];
	const char *name = strrchr(f->path, '/') + 1;
	uint64_t u = rnd(r, 100), done = 0, size = f->obj->size;
	size_t n = pick_len(r);
	int rc;
	if (u < 30 || (u >= 45 && u < 55)) {
		/* a read: positioned, or at the handle's position */
		bool positioned = u < 30;
		uint64_t off = positioned ? rnd(r, size + 2 * PG) : f->pos;
		note(r, "%s %s off %#" PRIx64 " len %zu", positioned ? "pread" : "read", name, off,
		     n);
		r->c.freads++;
		memset(r->vbuf, 0xa5, n);
		rc = positioned ? vmsim_file_pread(r->sys, f->vfd, r->vbuf, n, off, &done)
				: vmsim_file_read(r->sys, f->vfd, r->vbuf, n, &done);
		size_t want = rm_file_read(f->obj, off, r->mbuf, n);
		if (rc || done != want) {
			fail(r, "%s returned %s with %" PRIu64 " bytes, the model reads %zu",
			     positioned ? "pread" : "read", err(rc), done, want);
			return;
		}
		if (memcmp(r->vbuf, r->mbuf, want) != 0) {
			size_t i = 0;
			while (r->vbuf[i] == r->mbuf[i])
				i++;
			fail(r, "%s of %s: byte %#" PRIx64 " is %#x in vmsim, %#x in the model",
			     positioned ? "pread" : "read", name, off + i, r->vbuf[i], r->mbuf[i]);
			return;
		}
		if (!positioned)
			f->pos += done;
	} else if (u < 70) {
		/* a write: positioned (within the files' usual sizes, some past
		 * the end), or at the handle's position */
		bool positioned = u < 65;
		uint64_t off = positioned ? rnd(r, (FILE_PAGES + 4) * PG) : f->pos;
		if (off + n > (FILE_PAGES + 8) * PG) {
			off = rnd(r, FILE_PAGES * PG); /* keep the file within the checks */
			f->pos = positioned ? f->pos : off;
			if (!positioned &&
			    vmsim_file_seek(r->sys, f->vfd, (int64_t)off, VMSIM_SEEK_SET, NULL)) {
				fail(r, "lseek failed");
				return;
			}
		}
		for (size_t i = 0; i < n; i++)
			r->mbuf[i] = (uint8_t)next_rand(&r->rng);
		note(r, "%s %s off %#" PRIx64 " len %zu", positioned ? "pwrite" : "write", name,
		     off, n);
		r->c.fwrites++;
		rc = positioned ? vmsim_file_pwrite(r->sys, f->vfd, r->mbuf, n, off, &done)
				: vmsim_file_write(r->sys, f->vfd, r->mbuf, n, &done);
		if (rc || done != n) {
			fail(r, "%s returned %s with %" PRIu64 " of %zu bytes",
			     positioned ? "pwrite" : "write", err(rc), done, n);
			return;
		}
		mark_written(f, off, n, size);
		rm_file_write(f->obj, off, r->mbuf, n);
		if (!positioned)
			f->pos += n;
	} else if (u < 80) {
		/* lseek: anywhere in or a little past the file */
		uint64_t to = rnd(r, size + PG + 1), got = 0;
		note(r, "lseek %s to %#" PRIx64, name, to);
		if ((rc = vmsim_file_seek(r->sys, f->vfd, (int64_t)to, VMSIM_SEEK_SET, &got)) ||
		    got != to) {
			fail(r, "lseek returned %s at %#" PRIx64, err(rc), got);
			return;
		}
		f->pos = to;
	} else {
		bool data = chance(r, 40);
		note(r, "%s %s", data ? "fdatasync" : "fsync", name);
		r->c.fsyncs++;
		rc = data ? vmsim_file_fdatasync(r->sys, f->vfd) : vmsim_file_fsync(r->sys, f->vfd);
		if (rc) {
			fail(r, "%s returned %s", data ? "fdatasync" : "fsync", err(rc));
			return;
		}
		memset(f->wdirty, 0, sizeof(f->wdirty));
		f->size_pending = false;
		check_whole_file(r, f, data ? "after fdatasync" : "after fsync");
	}
}

static void op_fork(struct run *r)
{
	if (r->nprocs >= r->o->procs)
		return;
	struct mproc *p = pick_proc(r);
	int child = 0;
	if (avoid(r, 7) && !any_mapped(&p->sp, WIN_BASE, r->window))
		return; /* BUG-7: forking a process without areas was undefined behaviour */
	note(r, "fork pid %d", p->pid);
	r->c.forks++;
	int rc = vmsim_fork(r->sys, p->pid, &child);
	if (rc == VMSIM_ENOMEM && avoid(r, 6)) {
		/* BUG-6: no free frame for the child's page tables, and page-table
		 * allocations did not reclaim (Linux's do) */
		r->c.tolerated++;
		return;
	}
	if (rc) {
		fail(r, "fork returned %s", err(rc));
		return;
	}
	struct mproc *c = &r->procs[r->nprocs];
	c->pid = child;
	if (!rm_space_fork(&c->sp, &p->sp))
		abort();
	r->nprocs++;
	note(r, "fork pid %d -> child %d", p->pid, child);
}

static bool new_process(struct run *r)
{
	struct mproc *c = &r->procs[r->nprocs];
	int rc = vmsim_process_create(r->sys, &c->pid);
	if (rc == VMSIM_ENOMEM && avoid(r, 6)) { /* BUG-6, as in fork */
		r->c.tolerated++;
		return false;
	}
	if (rc) {
		fail(r, "vmsim_process_create returned %s", err(rc));
		return false;
	}
	if (!rm_space_init(&c->sp, WIN_BASE, r->window))
		abort();
	r->nprocs++;
	note(r, "create -> pid %d", c->pid);
	return true;
}

static void op_exit(struct run *r)
{
	struct mproc *p = pick_proc(r);
	note(r, "exit pid %d", p->pid);
	r->c.exits++;
	int rc = vmsim_exit(r->sys, p->pid);
	if (rc) {
		fail(r, "exit returned %s", err(rc));
		return;
	}
	model_exit(r, p);
	check_files(r, "after exit");
}

static void op_truncate(struct run *r)
{
	struct mfile *f = &r->files[rnd(r, NFILES)];
	uint64_t size = chance(r, 50) ? rnd(r, FILE_PAGES + 1) * PG : rnd(r, FILE_PAGES * PG + 1);
	if (avoid(r, 4)) {
		/* BUG-4: vmsim kept private copies of pages a truncation cut
		 * off; Linux drops them. Do not cut below such a copy. */
		for (int i = 0; i < r->nprocs; i++)
			for (uint64_t j = 0; j < r->window; j++) {
				const struct rm_page *e = &r->procs[i].sp.pg[j];
				if (e->kind == RM_FILE_PRIVATE && e->obj == f->obj && e->priv &&
				    (e->pgoff + 1) * PG > size)
					size = (e->pgoff + 1) * PG;
			}
	}
	note(r, "truncate %s to %#" PRIx64, strrchr(f->path, '/') + 1, size);
	r->c.truncates++;
	int rc = vmsim_file_truncate(r->sys, f->vfd, size);
	if (rc) {
		fail(r, "truncate returned %s", err(rc));
		return;
	}
	struct rm_space *spaces[MAXPROCS];
	for (int i = 0; i < r->nprocs; i++)
		spaces[i] = &r->procs[i].sp;
	rm_truncate(spaces, (size_t)r->nprocs, f->obj, size);
	/* the host file has its new size at once; written pages past it are gone */
	f->size_pending = false;
	for (uint64_t pg = (size + PG - 1) / PG; pg < FILE_SLOTS; pg++)
		f->wdirty[pg] = false;
	check_files(r, "after truncate");
}

static void one_op(struct run *r)
{
	if (r->nprocs == 0) {
		new_process(r);
		return;
	}
	uint64_t u = rnd(r, 1000);
	if (u < 270)
		op_access(r, false);
	else if (u < 520)
		op_access(r, true);
	else if (u < 620)
		op_mmap(r, pick_proc(r));
	else if (u < 670)
		op_munmap(r);
	else if (u < 720)
		op_mprotect(r);
	else if (u < 755)
		op_madvise(r);
	else if (u < 785)
		op_msync(r);
	else if (u < 815)
		op_mremap(r);
	else if (u < 825)
		op_mlock(r);
	else if (u < 830)
		op_munlock(r);
	else if (u < 870)
		op_fileio(r);
	else if (u < 905)
		op_fork(r);
	else if (u < 925)
		op_exit(r);
	else if (u < 940) {
		if (r->nprocs < r->o->procs)
			new_process(r);
	} else if (u < 960) {
		struct mproc *p = pick_proc(r);
		note(r, "switch to pid %d", p->pid);
		if (vmsim_switch(r->sys, p->pid) != 0)
			fail(r, "vmsim_switch(%d) failed", p->pid);
	} else if (u < 975)
		op_truncate(r);
	else if (u < 995)
		op_fill(r);
	else
		op_access(r, chance(r, 50));
}

/* ---- set-up and tear-down ------------------------------------------------- */

static void configure(struct run *r)
{
	const struct opts *o = r->o;
	uint64_t s = r->seed * 0x2545f4914f6cdd1dULL + 7; /* the config's own stream */
	vmsim_config_default(&r->cfg);
	r->cfg.data_mode = true;
	r->cfg.seed = r->seed;
	uint64_t u = next_rand(&s) % 100;
	r->cfg.thp = o->thp >= 0 ? o->thp
		     : u < 25	 ? VMSIM_THP_ALWAYS
		     : u < 35	 ? VMSIM_THP_MADVISE
				 : VMSIM_THP_NEVER;
	static const uint64_t small[] = {64, 96, 128, 192, 256};
	uint64_t frames = r->cfg.thp != VMSIM_THP_NEVER ? 1024ULL << (next_rand(&s) % 3)
							: small[next_rand(&s) % 5];
	r->cfg.ram_bytes = (o->ram_frames ? o->ram_frames : frames) * PG;
	const char *pol = policies[next_rand(&s) % NPOLICIES];
	r->cfg.policy = o->policy ? o->policy : pol;
	bool kills = next_rand(&s) % 3 == 0;
	r->cfg.segv_kills = o->segv_kills >= 0 ? o->segv_kills : kills;
	r->window = o->window ? o->window : r->cfg.thp != VMSIM_THP_NEVER ? 4096 : 1024;
	/* room in swap for every private page the processes can hold */
	r->cfg.swap_bytes = (uint64_t)o->procs * r->window * PG * 2;
	r->cfg.swap_path = r->swap_path;
}

static void describe(const struct run *r, char *buf, size_t len)
{
	snprintf(buf, len,
		 "seed %" PRIu64 ": ram %" PRIu64 " frames, thp %s, policy %s, segv_kills %s, "
		 "procs %d, window %" PRIu64 " pages%s",
		 r->seed, r->cfg.ram_bytes / PG,
		 r->cfg.thp == VMSIM_THP_ALWAYS	   ? "always"
		 : r->cfg.thp == VMSIM_THP_MADVISE ? "madvise"
						   : "never",
		 r->cfg.policy, r->cfg.segv_kills ? "yes" : "no", r->o->procs, r->window,
		 r->o->avoid ? ", stepping around old bugs" : "");
}

static bool setup(struct run *r)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(r->dir, sizeof(r->dir), "%s/vmsim-model-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(r->dir)) {
		perror("mkdtemp");
		return false;
	}
	snprintf(r->swap_path, sizeof(r->swap_path), "%s/swap", r->dir);
	configure(r);
	int rc = vmsim_system_new(&r->cfg, &r->sys);
	if (rc) {
		fprintf(stderr, "vmsim_system_new: %s\n", vmsim_strerror(rc));
		return false;
	}
	/* three host files of random sizes (some not page multiples) and bytes */
	static uint8_t bytes[FILE_PAGES * PG];
	for (int k = 0; k < NFILES; k++) {
		struct mfile *f = &r->files[k];
		uint64_t size =
		    chance(r, 50) ? rnd(r, FILE_PAGES + 1) * PG : rnd(r, FILE_PAGES * PG + 1);
		for (uint64_t i = 0; i < size; i++)
			bytes[i] = (uint8_t)next_rand(&r->rng);
		snprintf(f->path, sizeof(f->path), "%s/file%d", r->dir, k);
		FILE *h = fopen(f->path, "wb");
		if (!h || fwrite(bytes, 1, size, h) != size || fclose(h) != 0) {
			perror(f->path);
			return false;
		}
		f->obj = rm_obj_new_file(bytes, size);
		f->hostfd = open(f->path, O_RDONLY);
		if (!f->obj || f->hostfd < 0)
			return false;
		if ((rc = vmsim_file_open(r->sys, f->path, true, &f->vfd))) {
			fprintf(stderr, "vmsim_file_open: %s\n", vmsim_strerror(rc));
			return false;
		}
	}
	return new_process(r);
}

/* The end of a run: every process exits; then nothing maps the files, so
 * they must match the model entirely; closing them must free every user
 * frame and swap slot. */
static void finish(struct run *r)
{
	struct vmsim_sys_stats st;
	char why[256] = "";
	while (r->nprocs && !r->failed) {
		struct mproc *p = &r->procs[r->nprocs - 1];
		note(r, "final exit pid %d", p->pid);
		int rc = vmsim_exit(r->sys, p->pid);
		if (rc)
			fail(r, "final exit of pid %d returned %s", p->pid, err(rc));
		model_exit(r, p);
	}
	if (r->failed)
		return;
	check_files(r, "after every process exited");
	for (int k = 0; k < NFILES && !r->failed; k++) {
		if (vmsim_file_close(r->sys, r->files[k].vfd) != 0)
			fail(r, "vmsim_file_close failed");
		r->files[k].vfd = -1;
		/* the last close wrote everything back */
		memset(r->files[k].wdirty, 0, sizeof(r->files[k].wdirty));
		r->files[k].size_pending = false;
	}
	if (r->failed)
		return;
	if (vmsim_check(r->sys, why, sizeof(why)) != 0) {
		fail(r, "vmsim_check at the end: %s", why);
		return;
	}
	vmsim_sys_stats(r->sys, &st);
	if (st.frames_user != 0 || st.swap_used != 0 || st.page_cache != 0 || st.processes != 0)
		fail(r,
		     "after every process exited and every file closed: %" PRIu64
		     " user frames, %" PRIu64 " swap slots, %" PRIu64 " page-cache bytes, %" PRIu64
		     " processes remain",
		     st.frames_user, st.swap_used, st.page_cache, st.processes);
	check_files(r, "after closing the files");
}

static void teardown(struct run *r)
{
	while (r->nprocs)
		model_exit(r, &r->procs[r->nprocs - 1]);
	vmsim_system_free(r->sys);
	r->sys = NULL;
	for (int k = 0; k < NFILES; k++) {
		struct mfile *f = &r->files[k];
		if (f->hostfd > 0)
			close(f->hostfd);
		rm_obj_put(f->obj);
		if (f->path[0])
			unlink(f->path);
	}
	unlink(r->swap_path);
	rmdir(r->dir);
}

struct outcome {
	uint64_t fail_op; /* 0: passed */
	char why[1024];
	char config[256];
	char log[LOGN][224];
	uint64_t last_op;
	struct counters c;
	struct vmsim_sys_stats st;
};

/* Run @nops operations from @seed; fills @out. */
static void run_once(const struct opts *o, uint64_t seed, uint64_t nops, struct outcome *out)
{
	struct run *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->o = o;
	r->seed = seed;
	r->good = calloc(16384, sizeof(uint64_t));
	r->all = calloc(16384, sizeof(uint64_t));
	if (!r->good || !r->all)
		abort();
	r->rng = seed;
	memset(out, 0, sizeof(*out));
	if (!setup(r)) {
		fail(r, "set-up failed");
	} else {
		for (r->op = 1; r->op <= nops && !r->failed; r->op++) {
			one_op(r);
			if (!r->failed)
				after_op(r);
			if (!r->failed && o->sweep && r->op % o->sweep == 0) {
				sweep(r);
				if (!r->failed)
					after_op(r);
			}
		}
		r->op = nops + 1;
		if (!r->failed)
			finish(r);
		if (r->sys)
			vmsim_sys_stats(r->sys, &out->st);
	}
	describe(r, out->config, sizeof(out->config));
	out->fail_op = r->failed ? r->fail_op : 0;
	memcpy(out->why, r->why, sizeof(out->why));
	memcpy(out->log, r->log, sizeof(out->log));
	out->last_op = r->failed ? r->fail_op : nops;
	out->c = r->c;
	teardown(r);
	free(r->good);
	free(r->all);
	free(r);
}

static void print_log(const struct outcome *out)
{
	uint64_t last = out->last_op, first = last >= LOGN ? last - LOGN + 1 : 0;
	printf("  the last operations:\n");
	for (uint64_t i = first; i <= last; i++)
		if (out->log[i % LOGN][0])
			printf("    op %" PRIu64 ": %s\n", i, out->log[i % LOGN]);
}

/* A failure of @seed at out->fail_op: bisect on the number of operations
 * for the shortest failing run and print it. */
static void report_failure(const struct opts *o, uint64_t seed, uint64_t nops,
			   const struct outcome *first)
{
	printf("FAIL %s\n  at operation %" PRIu64 " of %" PRIu64 ": %s\n", first->config,
	       first->fail_op, nops, first->why);
	if (!o->shrink) {
		print_log(first);
		return;
	}
	struct outcome *out = malloc(sizeof(*out));
	if (!out)
		abort();
	uint64_t lo = 0, hi = first->fail_op < nops ? first->fail_op : nops;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		run_once(o, seed, mid, out);
		if (out->fail_op)
			hi = mid;
		else
			lo = mid;
	}
	run_once(o, seed, hi, out);
	if (!out->fail_op) {
		printf("  (the prefix did not fail again: not reproducible?)\n");
		print_log(first);
	} else {
		printf("  shortest failing prefix: --seed %" PRIu64 " --ops %" PRIu64
		       " and the other options as given (fails at operation %" PRIu64 ": %s)\n",
		       seed, hi, out->fail_op, out->why);
		print_log(out);
	}
	free(out);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: model_test [--seed N] [--runs N] [--ops N] [--procs N] [--ram-frames N]\n"
		"                  [--thp never|madvise|always] [--policy NAME]\n"
		"                  [--segv-kills yes|no] [--window PAGES] [--sweep N]\n"
		"                  [--time SECONDS] [--avoid BUG]... [--no-shrink] [--verbose]\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct opts o = {.seed = 1,
			 .runs = 1,
			 .ops = 5000,
			 .procs = 4,
			 .thp = -1,
			 .segv_kills = -1,
			 .sweep = 500,
			 .shrink = true};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		if (!strcmp(a, "--seed") && v)
			o.seed = num(v);
		else if (!strcmp(a, "--runs") && v)
			o.runs = num(v);
		else if (!strcmp(a, "--ops") && v)
			o.ops = num(v);
		else if (!strcmp(a, "--procs") && v)
			o.procs = (int)num(v);
		else if (!strcmp(a, "--ram-frames") && v)
			o.ram_frames = num(v);
		else if (!strcmp(a, "--window") && v)
			o.window = num(v);
		else if (!strcmp(a, "--sweep") && v)
			o.sweep = num(v);
		else if (!strcmp(a, "--time") && v)
			o.time_limit = (double)num(v);
		else if (!strcmp(a, "--policy") && v)
			o.policy = v;
		else if (!strcmp(a, "--thp") && v)
			o.thp = !strcmp(v, "never")	? VMSIM_THP_NEVER
				: !strcmp(v, "madvise") ? VMSIM_THP_MADVISE
				: !strcmp(v, "always")	? VMSIM_THP_ALWAYS
							: (usage(), 0);
		else if (!strcmp(a, "--avoid") && v)
			o.avoid |= num(v) >= 1 && num(v) <= 7 ? 1u << num(v) : (usage(), 0u);
		else if (!strcmp(a, "--segv-kills") && v)
			o.segv_kills = !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : (usage(), 0);
		else {
			takes = false;
			if (!strcmp(a, "--no-shrink"))
				o.shrink = false;
			else if (!strcmp(a, "--verbose"))
				o.verbose = true;
			else
				usage();
		}
		i += takes;
	}
	if (o.procs < 1 || o.procs > MAXPROCS ||
	    (o.window && (o.window < 512 || o.window > 16384 || o.window % 512)))
		usage();

	if (o.verbose)
		setvbuf(stdout, NULL, _IONBF, 0); /* keep the log if vmsim aborts */
	struct outcome *out = malloc(sizeof(*out));
	if (!out)
		abort();
	double t0 = now();
	uint64_t total = 0, failures = 0, runs = 0;
	struct counters sum = {0};
	uint64_t sum_swap_outs = 0, sum_swap_ins = 0, sum_file_writes = 0, sum_thp = 0;
	uint64_t sum_shmem_outs = 0;
	for (uint64_t k = 0; k < o.runs; k++) {
		if (o.time_limit && now() - t0 > o.time_limit)
			break;
		uint64_t seed = o.seed + k;
		double t = now();
		run_once(&o, seed, o.ops, out);
		runs++;
		if (out->fail_op) {
			failures++;
			report_failure(&o, seed, o.ops, out);
			continue;
		}
		total += o.ops;
		const struct counters *c = &out->c;
		printf("ok   %s: %" PRIu64 " ops in %.2f s (%" PRIu64 " loads, %" PRIu64
		       " stores, %" PRIu64 " SIGSEGV, %" PRIu64 " SIGBUS, %" PRIu64
		       " forks, %" PRIu64 " OOM kills, %" PRIu64 " swap-outs, %" PRIu64
		       " swap-ins, %" PRIu64 " file writes, %" PRIu64 " THP, %" PRIu64
		       " mremaps, %" PRIu64 " mlocks, %" PRIu64 " reads, %" PRIu64
		       " writes, %" PRIu64 " fsyncs, %" PRIu64 " tolerated ENOMEM)\n",
		       out->config, o.ops, now() - t, c->loads, c->stores, c->segv, c->sigbus,
		       c->forks, c->oom, out->st.swap_outs, out->st.swap_ins, out->st.file_writes,
		       out->st.thp_fault_alloc, c->mremaps, c->mlocks, c->freads, c->fwrites,
		       c->fsyncs, c->tolerated);
		fflush(stdout);
		sum.loads += c->loads;
		sum.stores += c->stores;
		sum.oom += c->oom;
		sum.tolerated += c->tolerated;
		sum.mremaps += c->mremaps;
		sum.mlocks += c->mlocks + c->munlocks;
		sum.freads += c->freads;
		sum.fwrites += c->fwrites;
		sum.fsyncs += c->fsyncs;
		sum.segv += c->segv;
		sum.sigbus += c->sigbus;
		sum.forks += c->forks;
		sum_swap_outs += out->st.swap_outs;
		sum_swap_ins += out->st.swap_ins;
		sum_file_writes += out->st.file_writes;
		sum_thp += out->st.thp_fault_alloc;
		sum_shmem_outs += out->st.shmem_swap_outs;
	}
	printf("%s: %" PRIu64 " runs, %" PRIu64 " failed, %" PRIu64 " operations passed (%" PRIu64
	       " loads, %" PRIu64 " stores compared) in %.1f s\n",
	       failures ? "FAILED" : "PASSED", runs, failures, total, sum.loads, sum.stores,
	       now() - t0);
	printf("totals: %" PRIu64 " SIGSEGV, %" PRIu64 " SIGBUS, %" PRIu64 " forks, %" PRIu64
	       " OOM kills, %" PRIu64 " swap-outs (%" PRIu64 " of shared memory), %" PRIu64
	       " swap-ins, %" PRIu64 " file write-backs, %" PRIu64 " THP, %" PRIu64
	       " mremaps, %" PRIu64 " mlock/munlock, %" PRIu64 " reads, %" PRIu64
	       " writes, %" PRIu64 " fsyncs, %" PRIu64 " tolerated ENOMEM\n",
	       sum.segv, sum.sigbus, sum.forks, sum.oom, sum_swap_outs, sum_shmem_outs,
	       sum_swap_ins, sum_file_writes, sum_thp, sum.mremaps, sum.mlocks, sum.freads,
	       sum.fwrites, sum.fsyncs, sum.tolerated);
	free(out);
	return failures ? 1 : 0;
}
