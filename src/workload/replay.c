/*
 * Trace replay (see replay.h): records in batches from the reader, each
 * applied to the machine through the public kernel API.
 *
 * Inference state, per simulated process:
 *
 *	access va --> chunk c = va >> 21 --> cache[c % 64] == c ?  --yes--> vmsim_access
 *	                                          | no
 *	                                          v
 *	                          chunk set (pid, c) known? --yes--> fill the cache slot
 *	                                          | no
 *	                                          v
 *	             vmsim_mmap(c's 2 MiB, rwx, FIXED_NOREPLACE): ok      -> INFERRED
 *	                                                       EEXIST  -> map the gaps, KNOWN
 *	                                                       other   -> FAILED (the access
 *	                                                                  will raise SIGSEGV)
 *
 * A chunk in the set is covered by VMAs (or cannot be): the set only
 * shrinks when the trace unmaps (munmap, brk, exit), and those events also
 * empty the process's cache. Memory grows with the processes and chunks
 * the trace touches, never with its length.
 */
#include "workload/replay.h"
#include "base/units.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/trace_internal.h"

#define CHUNK_SIZE    (1ULL << REPLAY_CHUNK_SHIFT)
#define CACHE_SLOTS   64		    /* per-process direct-mapped chunk cache */
#define NO_CHUNK      UINT64_MAX	    /* empty cache slot (chunks are < 2^43) */
#define MMAP_MIN_ADDR 0x10000ULL	    /* Linux's default vm.mmap_min_addr */
#define USER_END      0x00007ffffffff000ULL /* end of x86-64 user space (4-level) */
#define RWX	      (VMSIM_PROT_READ | VMSIM_PROT_WRITE | VMSIM_PROT_EXEC)

/* ---- processes of the trace --------------------------------------------- */

enum { P_EMPTY = 0, P_ALIVE, P_EXITED };

struct rproc {
	uint32_t tpid;		     /* pid in the trace */
	uint8_t state;		     /* P_* */
	bool killed;		     /* the simulator ended it (SIGSEGV, OOM): skip its accesses */
	int pid;		     /* pid in the simulator */
	uint64_t cache[CACHE_SLOTS]; /* chunks known to be covered, by chunk % CACHE_SLOTS */
	uint64_t peak_anon;	     /* largest RssAnon seen (bytes) */
	uint64_t peak_file;	     /* largest RssFile + RssShmem seen */
	uint64_t peak_rss;	     /* largest sum of the two */
	bool brk_known;		     /* its image's first break was seen (recorded traces) */
};

/* ---- files of a version-2 trace, by trace file id ----------------------------- */

struct rfile {
	uint8_t state; /* F_*: not seen yet, real, virtual, pseudo */
	int fd;	       /* simulator file handle (real, virtual) */
};

/* ---- chunks known to be covered, per simulated pid ----------------------- */

enum { C_EMPTY = 0, C_TOMB, C_KNOWN, C_INFERRED, C_FAILED };

struct centry {
	uint64_t chunk; /* va >> REPLAY_CHUNK_SHIFT */
	int32_t pid;	/* simulator pid */
	uint8_t state;	/* C_* */
};

struct replay {
	struct vmsim_system *sys;
	const struct replay_opts *o;
	struct replay_stats *st;
	struct trace *t;
	bool infer;	       /* inference on */
	struct rproc *procs;   /* open addressing on tpid; size nprocs_cap (power of 2) */
	size_t nprocs_cap;     /* slots */
	size_t nprocs;	       /* used slots */
	struct centry *chunks; /* open addressing on (pid, chunk); power of 2 */
	size_t nchunks_cap;    /* slots */
	size_t nchunks_used;   /* live + tombstone slots */
	uint64_t next_tick;    /* access count of the next hooks tick */
	unsigned tag;	       /* passed to o->born (the trace's index in a multi-trace run) */
	/* step by step (replay_stream_*): the batch being consumed */
	struct trace_rec *batch; /* TRACE_BATCH records */
	size_t pos, nbatch;	 /* next record, records in the batch */
	bool ended;		 /* the trace has no more records */
	bool recorded;		 /* a recorded program (format version 2): an event the
				    simulator refuses is a divergence, not an error */
	struct rfile *files;	 /* by trace file id; nfiles_cap entries */
	size_t nfiles_cap;	 /* slots */
	struct replay_stats own; /* the stats a stream owns */
};

static int rfail(struct replay *rp, struct trace_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int rfail(struct replay *rp, struct trace_error *err, int rc, const char *fmt, ...)
{
	va_list ap;
	int k =
	    snprintf(err->msg, sizeof(err->msg), "%s: record %llu: ", trace_get_info(rp->t)->name,
		     (unsigned long long)rp->st->records);

	if (k < 0 || (size_t)k >= sizeof(err->msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
	va_end(ap);
	return rc;
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* ---- process table ---------------------------------------------------- */

static struct rproc *proc_slot(struct replay *rp, uint32_t tpid)
{
	size_t mask = rp->nprocs_cap - 1, i = mix(tpid) & mask;

	while (rp->procs[i].state != P_EMPTY && rp->procs[i].tpid != tpid)
		i = (i + 1) & mask;
	return &rp->procs[i];
}

static int procs_grow(struct replay *rp)
{
	struct rproc *old = rp->procs;
	size_t oldcap = rp->nprocs_cap, cap = oldcap ? oldcap * 2 : 16;

	rp->procs = calloc(cap, sizeof(*rp->procs));
	if (!rp->procs) {
		rp->procs = old;
		return VMSIM_ENOHOSTMEM;
	}
	rp->nprocs_cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].state != P_EMPTY)
			*proc_slot(rp, old[i].tpid) = old[i];
	free(old);
	return 0;
}

/* A slot for @tpid, marked alive with an empty cache but no simulator
 * process yet (pid 0): the caller gives it one. Pointers into the table
 * stay valid until the next claim. */
static int proc_claim(struct replay *rp, uint32_t tpid, struct rproc **out)
{
	struct rproc *pr = proc_slot(rp, tpid);

	if (pr->state == P_EMPTY && (rp->nprocs + 1) * 2 > rp->nprocs_cap) {
		if (procs_grow(rp))
			return VMSIM_ENOHOSTMEM;
		pr = proc_slot(rp, tpid);
	}
	if (pr->state == P_EMPTY)
		rp->nprocs++;
	memset(pr, 0, sizeof(*pr));
	pr->tpid = tpid;
	pr->state = P_ALIVE;
	for (int i = 0; i < CACHE_SLOTS; i++)
		pr->cache[i] = NO_CHUNK;
	*out = pr;
	return 0;
}

/* A new process @pr got simulator pid @pid. */
static void proc_born(struct replay *rp, struct rproc *pr, int pid)
{
	pr->pid = pid;
	rp->st->processes++;
	if (!rp->st->first_pid)
		rp->st->first_pid = pid;
	if (rp->o->born)
		rp->o->born(rp->o->born_arg, rp->tag, pr->tpid, pid);
}

/* The live process @tpid; with @create, a new one is made in the simulator
 * if the trace has not seen it yet (or it had exited). */
static int proc_get(struct replay *rp, uint32_t tpid, bool create, struct rproc **out,
		    struct trace_error *err)
{
	struct rproc *pr = proc_slot(rp, tpid);
	int rc, pid;

	if (pr->state == P_ALIVE) {
		*out = pr;
		return 0;
	}
	if (!create)
		return rfail(rp, err, VMSIM_ESRCH, "process %u does not exist", tpid);
	if ((rc = vmsim_process_create(rp->sys, &pid)))
		return rfail(rp, err, rc, "cannot create process %u: %s", tpid, vmsim_strerror(rc));
	if (proc_claim(rp, tpid, &pr)) {
		vmsim_exit(rp->sys, pid);
		return rfail(rp, err, VMSIM_ENOHOSTMEM, "out of memory");
	}
	proc_born(rp, pr, pid);
	*out = pr;
	return 0;
}

/* ---- peak resident memory ------------------------------------------------ */

/*
 * RSS grows only by faults and shrinks only at unmapping events (munmap,
 * brk, exit, ...) or by reclaim, so its largest value is the one just
 * before such an event or at the end: sampling there finds the peak
 * exactly (reclaim aside) without a look per access.
 */
static void peak_sample(struct replay *rp, struct rproc *pr)
{
	struct vmsim_proc_stats ps;

	if (vmsim_proc_stats(rp->sys, pr->pid, &ps) || !ps.alive)
		return;
	uint64_t file = ps.rss_file + ps.rss_shmem;
	if (ps.rss_anon > pr->peak_anon)
		pr->peak_anon = ps.rss_anon;
	if (file > pr->peak_file)
		pr->peak_file = file;
	if (ps.rss_anon + file > pr->peak_rss)
		pr->peak_rss = ps.rss_anon + file;
}

/* @pr is leaving the table (exit, or the end of the replay): add its peaks
 * to the stats. */
static void peak_retire(struct replay *rp, struct rproc *pr)
{
	rp->st->peak_anon += pr->peak_anon;
	rp->st->peak_file += pr->peak_file;
	rp->st->peak_rss += pr->peak_rss;
	pr->peak_anon = pr->peak_file = pr->peak_rss = 0;
}

/* The end of the replay: the last sample of every live process. */
static void peak_finish(struct replay *rp)
{
	for (size_t i = 0; i < rp->nprocs_cap; i++)
		if (rp->procs[i].state == P_ALIVE) {
			peak_sample(rp, &rp->procs[i]);
			peak_retire(rp, &rp->procs[i]);
		}
}

/* ---- chunk set ---------------------------------------------------------- */

static struct centry *chunk_find(struct replay *rp, int pid, uint64_t c)
{
	size_t mask = rp->nchunks_cap - 1, i = mix(c * 31 + (uint64_t)pid) & mask;

	if (!rp->nchunks_cap)
		return NULL;
	for (; rp->chunks[i].state != C_EMPTY; i = (i + 1) & mask)
		if (rp->chunks[i].state != C_TOMB && rp->chunks[i].chunk == c &&
		    rp->chunks[i].pid == pid)
			return &rp->chunks[i];
	return NULL;
}

static void chunk_place(struct replay *rp, int pid, uint64_t c, uint8_t state)
{
	size_t mask = rp->nchunks_cap - 1, i = mix(c * 31 + (uint64_t)pid) & mask;

	while (rp->chunks[i].state != C_EMPTY)
		i = (i + 1) & mask;
	rp->chunks[i] = (struct centry){.chunk = c, .pid = pid, .state = state};
	rp->nchunks_used++;
}

/* Rehash into a table twice the live entries' need, dropping tombstones. */
static int chunks_rehash(struct replay *rp)
{
	struct centry *old = rp->chunks;
	size_t oldcap = rp->nchunks_cap, live = 0, cap = 64;

	for (size_t i = 0; i < oldcap; i++)
		live += old[i].state > C_TOMB;
	while (cap < 4 * (live + 1))
		cap *= 2;
	rp->chunks = calloc(cap, sizeof(*rp->chunks));
	if (!rp->chunks) {
		rp->chunks = old;
		return VMSIM_ENOHOSTMEM;
	}
	rp->nchunks_cap = cap;
	rp->nchunks_used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].state > C_TOMB)
			chunk_place(rp, old[i].pid, old[i].chunk, old[i].state);
	free(old);
	return 0;
}

static int chunk_add(struct replay *rp, int pid, uint64_t c, uint8_t state)
{
	struct centry *e = chunk_find(rp, pid, c);

	if (e) {
		e->state = state;
		return 0;
	}
	if ((rp->nchunks_used + 1) * 2 > rp->nchunks_cap && chunks_rehash(rp))
		return VMSIM_ENOHOSTMEM;
	chunk_place(rp, pid, c, state);
	return 0;
}

/* Forget what we know of @pr's chunks @lo..@hi (0, NO_CHUNK: all of them)
 * and empty its cache: the trace unmapped something there. */
static void chunks_forget(struct replay *rp, struct rproc *pr, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < rp->nchunks_cap; i++) {
		struct centry *e = &rp->chunks[i];
		if (e->state > C_TOMB && e->pid == pr->pid && e->chunk >= lo && e->chunk <= hi)
			e->state = C_TOMB;
	}
	for (int i = 0; i < CACHE_SLOTS; i++)
		pr->cache[i] = NO_CHUNK;
}

/* ---- inference ------------------------------------------------------------ */

struct gaps {
	vaddr_t hi;  /* end of the chunk's mappable range */
	vaddr_t cur; /* start of the part not yet covered */
	size_t n;    /* gaps found */
	vaddr_t start[CHUNK_SIZE / VMSIM_PAGE_SIZE / 2 + 1];
	vaddr_t end[CHUNK_SIZE / VMSIM_PAGE_SIZE / 2 + 1];
};

static int collect_gap(const struct vmsim_smaps_entry *e, void *arg)
{
	struct gaps *g = arg;

	if (e->end <= g->cur)
		return 0;
	if (e->start >= g->hi)
		return 1;
	if (e->start > g->cur) {
		g->start[g->n] = g->cur;
		g->end[g->n++] = e->start;
	}
	g->cur = e->end;
	return g->cur >= g->hi;
}

/* Map the parts of [lo, hi) that no VMA covers. */
static int fill_gaps(struct replay *rp, struct rproc *pr, vaddr_t lo, vaddr_t hi)
{
	struct gaps *g = malloc(sizeof(*g));
	vaddr_t got;
	int rc;

	if (!g)
		return VMSIM_ENOHOSTMEM;
	g->hi = hi;
	g->cur = lo;
	g->n = 0;
	rc = vmsim_smaps(rp->sys, pr->pid, collect_gap, g);
	if (rc >= 0 && g->cur < hi) {
		g->start[g->n] = g->cur;
		g->end[g->n++] = hi;
	}
	for (size_t i = 0; rc >= 0 && i < g->n; i++) {
		if (vmsim_mmap(rp->sys, pr->pid, g->start[i], g->end[i] - g->start[i], RWX,
			       VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED_NOREPLACE,
			       -1, 0, &got) == 0) {
			rp->st->infer_holes++;
			rp->st->inferred_vmas++;
		}
	}
	free(g);
	return rc < 0 ? rc : 0;
}

static uint8_t chunk_state(struct replay *rp, int pid, uint64_t c)
{
	struct centry *e = chunk_find(rp, pid, c);

	return e ? e->state : C_EMPTY;
}

/* Chunk @c of @pr missed the cache: look it up, infer it if unknown. */
static int chunk_miss(struct replay *rp, struct rproc *pr, uint64_t c, struct trace_error *err)
{
	struct centry *e = chunk_find(rp, pr->pid, c);
	uint8_t state = C_FAILED;
	vaddr_t lo, hi, got;
	int rc;

	if (e) {
		pr->cache[c % CACHE_SLOTS] = c;
		return 0;
	}
	lo = c << REPLAY_CHUNK_SHIFT;
	hi = lo + CHUNK_SIZE;
	if (lo < MMAP_MIN_ADDR)
		lo = MMAP_MIN_ADDR;
	if (hi > USER_END)
		hi = USER_END;
	if (c < (USER_END >> REPLAY_CHUNK_SHIFT) + 1 && lo < hi) {
		rc = vmsim_mmap(rp->sys, pr->pid, lo, hi - lo, RWX,
				VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED_NOREPLACE,
				-1, 0, &got);
		if (rc == 0) {
			state = C_INFERRED;
			rp->st->inferred_chunks++;
			/* one more area, unless it extends (or joins) inferred neighbours */
			rp->st->inferred_vmas++;
			if (c > 0 && chunk_state(rp, pr->pid, c - 1) == C_INFERRED)
				rp->st->inferred_vmas--;
			if (chunk_state(rp, pr->pid, c + 1) == C_INFERRED)
				rp->st->inferred_vmas--;
		} else if (rc == VMSIM_EEXIST) {
			if ((rc = fill_gaps(rp, pr, lo, hi)))
				return rfail(rp, err, rc, "inferring VMAs: %s", vmsim_strerror(rc));
			state = C_KNOWN;
		}
	}
	if (state == C_FAILED)
		rp->st->infer_failures++;
	if (chunk_add(rp, pr->pid, c, state))
		return rfail(rp, err, VMSIM_ENOHOSTMEM, "out of memory");
	pr->cache[c % CACHE_SLOTS] = c;
	return 0;
}

/* Make sure [va, va+size) lies in VMAs (or in chunks that cannot have one). */
static inline int ensure_mapped(struct replay *rp, struct rproc *pr, uint64_t va, uint64_t size,
				struct trace_error *err)
{
	uint64_t c = va >> REPLAY_CHUNK_SHIFT, c2 = (va + size - 1) >> REPLAY_CHUNK_SHIFT;
	int rc;

	if (unlikely(pr->cache[c % CACHE_SLOTS] != c) && (rc = chunk_miss(rp, pr, c, err)))
		return rc;
	if (unlikely(c2 != c) && pr->cache[c2 % CACHE_SLOTS] != c2 &&
	    (rc = chunk_miss(rp, pr, c2, err)))
		return rc;
	return 0;
}

/* ---- events ----------------------------------------------------------------- */

/* Give the new child @cpid what its parent @ppid knows of its chunks. */
static int copy_chunks(struct replay *rp, int ppid, int cpid)
{
	struct centry *copy;
	size_t n = 0;
	int rc = 0;

	copy = malloc(rp->nchunks_cap * sizeof(*copy));
	if (!copy)
		return VMSIM_ENOHOSTMEM;
	for (size_t i = 0; i < rp->nchunks_cap; i++)
		if (rp->chunks[i].state > C_TOMB && rp->chunks[i].pid == ppid)
			copy[n++] = rp->chunks[i];
	/* the child inherits areas; it inferred none of them itself */
	for (size_t i = 0; i < n && !rc; i++)
		rc = chunk_add(rp, cpid, copy[i].chunk,
			       copy[i].state == C_INFERRED ? C_KNOWN : copy[i].state);
	free(copy);
	return rc;
}

static int do_fork(struct replay *rp, const struct trace_rec *r, struct trace_error *err)
{
	struct rproc *pr, *child;
	int rc, cpid;

	if ((rc = proc_get(rp, r->pid, true, &pr, err)))
		return rc;
	if (pr->killed)
		return 0;
	if (proc_slot(rp, r->arg)->state == P_ALIVE)
		return rfail(rp, err, VMSIM_EEXIST, "fork: child %u exists already", r->arg);
	if ((rc = vmsim_fork(rp->sys, pr->pid, &cpid)))
		return rfail(rp, err, rc, "fork by process %u failed: %s", r->pid,
			     vmsim_strerror(rc));
	int ppid = pr->pid;
	if (proc_claim(rp, r->arg, &child))
		return rfail(rp, err, VMSIM_ENOHOSTMEM, "out of memory");
	proc_born(rp, child, cpid);
	if (copy_chunks(rp, ppid, cpid))
		return rfail(rp, err, VMSIM_ENOHOSTMEM, "out of memory");
	return 0;
}

static const char *const event_names[TRACE_EV_NKINDS] = {
    "create", "exit", "fork",  "mmap",	    "munmap",	   "mprotect", "brk",	"switch",
    "phase",  "file", "mmap",  "mremap",    "madvise",	   "msync",    "clone", "thread exit",
    "execve", "read", "write", "ftruncate", "failed call", "cached",
};

static const char *event_name(unsigned kind)
{
	return kind < TRACE_EV_NKINDS ? event_names[kind] : "unknown event";
}

/* ---- files of a version-2 trace ------------------------------------------------ */

/*
 * Each file id of the trace gets one simulator file the first time a
 * record needs it: the host file itself when it still exists as recorded
 * (same device, inode and size: its bytes in data mode, one page cache per
 * inode, so several traces mapping it share that cache), else a virtual
 * file of the recorded size, with a note saying why. The host file is
 * only ever read: the first record that would change a file (a write, a
 * truncation, a shared writable mapping) moves its id onto a virtual file
 * of the same size from then on, and says so.
 */
static void note(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct replay *rp, const char *fmt, ...)
{
	struct replay_stats *st = rp->st;
	va_list ap;

	st->notes++;
	if (st->notes > REPLAY_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(st->note[st->notes - 1], sizeof(st->note[0]), fmt, ap);
	va_end(ap);
}

/* The simulator disagrees with the trace: count it, keep the first few. */
static void diverge(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void diverge(struct replay *rp, const char *fmt, ...)
{
	struct replay_stats *st = rp->st;
	va_list ap;
	int k;

	st->divergences++;
	if (st->divergences > REPLAY_NOTES)
		return;
	k = snprintf(st->divergence[st->divergences - 1], sizeof(st->divergence[0]),
		     "record %llu: ", (unsigned long long)st->records);
	if (k < 0 || (size_t)k >= sizeof(st->divergence[0]))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(st->divergence[st->divergences - 1] + k, sizeof(st->divergence[0]) - (size_t)k,
		  fmt, ap);
	va_end(ap);
}

enum { F_UNSEEN = 0, F_REAL, F_VIRTUAL, F_PSEUDO };

static int files_grow(struct replay *rp, uint32_t id)
{
	size_t cap = rp->nfiles_cap ? rp->nfiles_cap : 16;
	struct rfile *f;

	while (cap <= id)
		cap *= 2;
	if (!(f = realloc(rp->files, cap * sizeof(*f))))
		return VMSIM_ENOHOSTMEM;
	memset(f + rp->nfiles_cap, 0, (cap - rp->nfiles_cap) * sizeof(*f));
	rp->files = f;
	rp->nfiles_cap = cap;
	return 0;
}

/* The simulator file for trace file @id; @changes: the record is about to
 * change the file. Sets *@fd (-1 for a pseudo-file: map it anonymous). */
static int file_fd(struct replay *rp, uint32_t id, bool changes, int *fd, struct trace_error *err)
{
	const struct trace_file *tf = trace_file_get(rp->t, id);
	struct rfile *f;
	struct stat sb;
	int rc;

	if (!tf)
		return rfail(rp, err, VMSIM_EPARSE, "file %u was never declared", id);
	if (id >= rp->nfiles_cap && files_grow(rp, id))
		return rfail(rp, err, VMSIM_ENOHOSTMEM, "out of memory");
	f = &rp->files[id];
	if (f->state == F_UNSEEN) {
		const char *why = NULL;
		if (tf->dev == 0 && tf->ino == 0) {
			f->state = F_PSEUDO;
			rp->st->files_pseudo++;
			*fd = -1;
			return 0;
		}
		if (stat(tf->path, &sb) != 0)
			why = "it no longer exists";
		else if (!S_ISREG(sb.st_mode))
			why = "it is no longer a regular file";
		else if ((uint64_t)sb.st_dev != tf->dev || (uint64_t)sb.st_ino != tf->ino)
			why = "another file has its name now (device or inode differ)";
		else if ((uint64_t)sb.st_size != tf->size)
			why = "its size changed";
		if (!why && (rc = vmsim_file_open(rp->sys, tf->path, false, &f->fd)))
			why = "it cannot be opened";
		if (!why) {
			f->state = F_REAL;
			rp->st->files_real++;
		} else {
			if ((rc = vmsim_file_create_virtual(rp->sys, tf->size, &f->fd)))
				return rfail(rp, err, rc, "cannot make a virtual file for %s: %s",
					     tf->path, vmsim_strerror(rc));
			f->state = F_VIRTUAL;
			rp->st->files_virtual++;
			note(rp, "%s: a virtual file of %llu bytes stands in: %s", tf->path,
			     (unsigned long long)tf->size, why);
		}
	}
	if (f->state == F_PSEUDO) {
		*fd = -1;
		return 0;
	}
	if (changes && f->state == F_REAL) {
		struct vmsim_file_stats fs;
		int vfd;
		if ((rc = vmsim_file_stats(rp->sys, f->fd, &fs)) ||
		    (rc = vmsim_file_create_virtual(rp->sys, fs.size, &vfd)))
			return rfail(rp, err, rc, "cannot make a virtual file for %s: %s", tf->path,
				     vmsim_strerror(rc));
		vmsim_file_close(rp->sys, f->fd); /* its mappings keep it */
		f->fd = vfd;
		f->state = F_VIRTUAL;
		rp->st->files_real--;
		rp->st->files_virtual++;
		note(rp,
		     "%s: the program changes it: a virtual file stands in from here on, so "
		     "the host file stays as it is",
		     tf->path);
	}
	*fd = f->fd;
	return 0;
}

static void files_close(struct replay *rp)
{
	for (size_t i = 0; i < rp->nfiles_cap; i++)
		if (rp->files[i].state == F_REAL || rp->files[i].state == F_VIRTUAL)
			vmsim_file_close(rp->sys, rp->files[i].fd);
	free(rp->files);
	rp->files = NULL;
	rp->nfiles_cap = 0;
}

/* ---- events ------------------------------------------------------------------ */

/* An event of @pr the simulator refused with @rc: fatal in a version-1
 * trace (a test or a generator made a mistake), a divergence in a
 * recorded program's (the real kernel did it: say so and go on). */
static int refused(struct replay *rp, const struct trace_rec *r, int rc, struct trace_error *err)
{
	if (!rp->recorded)
		return rfail(rp, err, rc, "%s by process %u (addr 0x%llx, len %llu) failed: %s",
			     event_name(r->kind), r->pid, (unsigned long long)r->addr,
			     (unsigned long long)r->len, vmsim_strerror(rc));
	diverge(rp,
		"%s by process %u at 0x%llx (%llu bytes) succeeded in the program, the "
		"simulator refused it: %s",
		event_name(r->kind), r->pid, (unsigned long long)r->addr,
		(unsigned long long)r->len, vmsim_strerror(rc));
	return 0;
}

static int do_exit(struct replay *rp, const struct trace_rec *r, struct trace_error *err)
{
	struct rproc *pr;
	int rc;

	if ((rc = proc_get(rp, r->pid, false, &pr, err)))
		return rc;
	peak_sample(rp, pr);
	peak_retire(rp, pr);
	rc = vmsim_exit(rp->sys, pr->pid);
	if (rc && rc != VMSIM_ESRCH) /* ESRCH: the simulator killed it already */
		return rfail(rp, err, rc, "exit of process %u failed: %s", r->pid,
			     vmsim_strerror(rc));
	chunks_forget(rp, pr, 0, NO_CHUNK);
	pr->state = P_EXITED;
	rp->st->exits++;
	if (r->prot)
		rp->st->killed_by_signal++;
	if (pr->pid == rp->st->first_pid) {
		rp->st->first_exited = true;
		rp->st->exit_status = (int)r->arg;
		rp->st->exit_signal = (int)r->prot;
	}
	return 0;
}

/* execve: @pr's old image goes; the new one's areas and break follow. */
static int do_exec(struct replay *rp, struct rproc *pr, const struct trace_rec *r,
		   struct trace_error *err)
{
	int rc;

	peak_sample(rp, pr);
	if ((rc = vmsim_munmap(rp->sys, pr->pid, 0, USER_END)))
		return refused(rp, r, rc, err);
	chunks_forget(rp, pr, 0, NO_CHUNK);
	pr->brk_known = false;
	rp->st->execs++;
	return 0;
}

static int do_brk(struct replay *rp, struct rproc *pr, const struct trace_rec *r,
		  struct trace_error *err)
{
	vaddr_t got;
	int rc;

	peak_sample(rp, pr);
	if (rp->recorded && !pr->brk_known) {
		/* the first break of an image is where its heap starts */
		pr->brk_known = true;
		if ((rc = vmsim_brk_reset(rp->sys, pr->pid, r->addr)))
			return refused(rp, r, rc, err);
		return 0;
	}
	if ((rc = vmsim_brk(rp->sys, pr->pid, r->addr, &got)))
		return refused(rp, r, rc, err);
	chunks_forget(rp, pr, 0, NO_CHUNK);
	if (got != r->addr && rp->recorded)
		diverge(rp,
			"brk by process %u: the program's break moved to 0x%llx, the "
			"simulator's stayed at 0x%llx",
			r->pid, (unsigned long long)r->addr, (unsigned long long)got);
	return 0;
}

static int do_mmap_file(struct replay *rp, struct rproc *pr, const struct trace_rec *r,
			const struct trace_rec *ext, struct trace_error *err)
{
	int flags = (int)(r->arg & (VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE | VMSIM_MAP_NORESERVE |
				    VMSIM_MAP_POPULATE));
	bool changes = (flags & VMSIM_MAP_SHARED) && (r->prot & VMSIM_PROT_WRITE);
	vaddr_t got;
	int rc, fd;

	if (!ext)
		return rfail(rp, err, VMSIM_EPARSE, "file mmap without its second record");
	if ((rc = file_fd(rp, ext->arg, changes, &fd, err)))
		return rc;
	if (fd < 0) /* [vdso] and the like: kernel pages, no file */
		rc = vmsim_mmap(rp->sys, pr->pid, r->addr, r->len, (int)r->prot,
				VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED, -1, 0,
				&got);
	else
		rc = vmsim_mmap(rp->sys, pr->pid, r->addr, r->len, (int)r->prot,
				flags | VMSIM_MAP_FIXED, fd, ext->addr, &got);
	return rc ? refused(rp, r, rc, err) : 0;
}

static int do_mremap(struct replay *rp, struct rproc *pr, const struct trace_rec *r,
		     const struct trace_rec *ext, struct trace_error *err)
{
	vaddr_t got;
	int rc;

	if (!ext)
		return rfail(rp, err, VMSIM_EPARSE, "mremap without its second record");
	peak_sample(rp, pr);
	chunks_forget(rp, pr, 0, NO_CHUNK);
	/* where the program's kernel put it: in place, or moved there */
	int flags = ext->addr == r->addr ? 0 : VMSIM_MREMAP_MAYMOVE | VMSIM_MREMAP_FIXED;
	rc = vmsim_mremap(rp->sys, pr->pid, r->addr, r->len, ext->len, flags, ext->addr, &got);
	if (rc)
		return refused(rp, r, rc, err);
	if (got != ext->addr)
		diverge(rp, "mremap by process %u: the program got 0x%llx, the simulator 0x%llx",
			r->pid, (unsigned long long)ext->addr, (unsigned long long)got);
	return 0;
}

static int do_file_io(struct replay *rp, struct rproc *pr, const struct trace_rec *r,
		      struct trace_error *err)
{
	uint64_t done;
	int rc, fd;

	(void)pr;
	if ((rc = file_fd(rp, r->arg, r->kind != TRACE_EV_READ, &fd, err)))
		return rc;
	if (fd < 0)
		return 0; /* a pseudo-file: no page cache */
	switch (r->kind) {
	case TRACE_EV_READ:
		/* through the page cache with the handle's readahead, at the
		 * offset the program's kernel used (no bytes move) */
		rp->st->file_reads++;
		rc = vmsim_file_pread(rp->sys, fd, NULL, r->len, r->addr, &done);
		break;
	case TRACE_EV_WRITE:
		rp->st->file_writes++;
		rc = vmsim_file_pwrite(rp->sys, fd, NULL, r->len, r->addr, &done);
		break;
	default:
		rc = vmsim_file_truncate(rp->sys, fd, r->len);
		break;
	}
	if (rc && r->kind != TRACE_EV_TRUNCATE)
		rp->st->file_io_skipped++;
	return rc ? refused(rp, r, rc, err) : 0;
}

/* The host had part of a file in its page cache when the program first
 * met it: start the simulated cache the same way (never by reclaiming
 * what the simulation holds: memory short is a note, not an error). */
static int do_cached(struct replay *rp, const struct trace_rec *r, struct trace_error *err)
{
	uint64_t added = 0;
	int rc, fd;

	if ((rc = file_fd(rp, r->arg, false, &fd, err)))
		return rc;
	if (fd < 0)
		return 0; /* a pseudo-file: no page cache */
	rc = vmsim_file_cache(rp->sys, fd, r->addr, r->len, r->prot, &added);
	rp->st->cached_bytes += added;
	if (rc == VMSIM_ENOMEM && !rp->st->cache_short++)
		note(rp, "the simulated RAM is too small for the page cache the program found: "
			 "its files start partly cold");
	else if (rc && rc != VMSIM_ENOMEM)
		return rfail(rp, err, rc, "cannot fill the page cache of %s: %s",
			     trace_file_get(rp->t, r->arg)->path, vmsim_strerror(rc));
	return 0;
}

static int apply_event(struct replay *rp, const struct trace_rec *r, const struct trace_rec *ext,
		       struct trace_error *err)
{
	struct rproc *pr;
	vaddr_t got;
	int rc;

	rp->st->events++;
	switch (r->kind) {
	case TRACE_EV_CREATE:
		if (proc_slot(rp, r->pid)->state == P_ALIVE)
			return rfail(rp, err, VMSIM_EEXIST, "create: process %u exists already",
				     r->pid);
		return proc_get(rp, r->pid, true, &pr, err);
	case TRACE_EV_PHASE:
		rp->st->phases++;
		return 0;
	case TRACE_EV_FILE:
		return 0; /* the reader keeps the table (trace_file_get) */
	case TRACE_EV_FAILED:
		/* the program's call failed: nothing changed, nothing to replay */
		rp->st->failed_calls++;
		return 0;
	case TRACE_EV_CACHED:
		return do_cached(rp, r, err);
	case TRACE_EV_FORK:
		return do_fork(rp, r, err);
	case TRACE_EV_EXIT:
		return do_exit(rp, r, err);
	default:
		break;
	}
	if ((rc = proc_get(rp, r->pid, true, &pr, err)))
		return rc;
	if (pr->killed)
		return 0; /* its address space is gone */
	switch (r->kind) {
	case TRACE_EV_MMAP: {
		int flags = (int)(r->arg & (VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE |
					    VMSIM_MAP_NORESERVE | VMSIM_MAP_POPULATE));
		rc = vmsim_mmap(rp->sys, pr->pid, r->addr, r->len, (int)r->prot,
				flags | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED, -1, 0, &got);
		break;
	}
	case TRACE_EV_MMAP_FILE:
		return do_mmap_file(rp, pr, r, ext, err);
	case TRACE_EV_MUNMAP:
		peak_sample(rp, pr);
		if (!(rc = vmsim_munmap(rp->sys, pr->pid, r->addr, r->len)) && r->len)
			chunks_forget(rp, pr, r->addr >> REPLAY_CHUNK_SHIFT,
				      (r->addr + r->len - 1) >> REPLAY_CHUNK_SHIFT);
		break;
	case TRACE_EV_MPROTECT:
		rc = vmsim_mprotect(rp->sys, pr->pid, r->addr, r->len, (int)r->prot);
		break;
	case TRACE_EV_BRK:
		return do_brk(rp, pr, r, err);
	case TRACE_EV_SWITCH:
		rc = vmsim_switch(rp->sys, pr->pid);
		break;
	case TRACE_EV_MREMAP:
		return do_mremap(rp, pr, r, ext, err);
	case TRACE_EV_MADVISE:
		if (r->arg == VMSIM_MADV_DONTNEED)
			peak_sample(rp, pr);
		rc = vmsim_madvise(rp->sys, pr->pid, r->addr, r->len, (int)r->arg);
		break;
	case TRACE_EV_MSYNC:
		rc = vmsim_msync(rp->sys, pr->pid, r->addr, r->len, (int)r->arg);
		break;
	case TRACE_EV_CLONE:
		rp->st->threads++; /* a thread shares @pid's mm: its accesses are @pid's */
		return 0;
	case TRACE_EV_THREAD_EXIT:
		return 0;
	case TRACE_EV_EXEC:
		return do_exec(rp, pr, r, err);
	case TRACE_EV_READ:
	case TRACE_EV_WRITE:
	case TRACE_EV_TRUNCATE:
		return do_file_io(rp, pr, r, err);
	default:
		return rfail(rp, err, VMSIM_EINVAL, "unknown event kind %u", r->kind);
	}
	return rc ? refused(rp, r, rc, err) : 0;
}

/* ---- the loop ---------------------------------------------------------------- */

void replay_opts_default(struct replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->vmas = REPLAY_VMAS_AUTO;
}

static void tick(struct replay *rp, int final)
{
	const struct run_hooks *h = &rp->o->hooks;

	if (h->tick)
		h->tick(h->ctx, rp->sys, rp->st->accesses, final);
	rp->next_tick = h->every && h->tick ? rp->st->accesses + h->every : UINT64_MAX;
}

/* Apply @n records of @batch. */
static int apply(struct replay *rp, const struct trace_rec *batch, size_t n,
		 struct trace_error *err)
{
	struct replay_stats *st = rp->st;
	struct rproc *pr = NULL;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *r = &batch[i];
		st->records++;
		if (unlikely(r->type != TRACE_ACCESS)) {
			const struct trace_rec *ext = NULL;
			pr = NULL; /* events may move the process table */
			if (r->type == TRACE_EXT)
				continue; /* taken with its event (a reader never splits them) */
			if (i + 1 < n && batch[i + 1].type == TRACE_EXT)
				ext = &batch[i + 1];
			if ((rc = apply_event(rp, r, ext, err)))
				return rc;
			continue;
		}
		if (unlikely(!pr || pr->tpid != r->pid)) {
			if ((rc = proc_get(rp, r->pid, true, &pr, err)))
				return rc;
		}
		if (unlikely(pr->killed)) {
			st->skipped++;
			continue;
		}
		if (rp->infer && (rc = ensure_mapped(rp, pr, r->addr, r->len, err)))
			return rc;
		rc = vmsim_access(rp->sys, pr->pid, r->addr, (uint32_t)r->len,
				  (enum vmsim_access_kind)r->kind, NULL);
		if (unlikely(rc)) {
			if (rc == VMSIM_ESRCH) { /* killed by the simulator (SIGSEGV, OOM) */
				pr->killed = true;
				st->skipped++;
				continue;
			}
			if (rc == VMSIM_EINVAL)
				return rfail(rp, err, rc,
					     "access of %llu bytes at 0x%llx: the simulator takes "
					     "1 byte to 1 MiB",
					     (unsigned long long)r->len,
					     (unsigned long long)r->addr);
			return rfail(rp, err, rc, "access at 0x%llx by process %u: %s",
				     (unsigned long long)r->addr, r->pid, vmsim_strerror(rc));
		}
		st->accesses++;
		st->by_kind[r->kind]++;
		if (unlikely(st->accesses >= rp->next_tick))
			tick(rp, 0);
	}
	return 0;
}

/* Set @rp up for @t (its sys, o, st and t are filled): the inference
 * decision, the tables, the batch, the maps file. On failure the caller
 * still frees what is there (release). */
static int setup(struct replay *rp, struct trace_error *err)
{
	const struct replay_opts *o = rp->o;
	const struct trace_info *info = trace_get_info(rp->t);
	int rc;

	memset(rp->st, 0, sizeof(*rp->st));
	rp->infer = o->vmas == REPLAY_VMAS_INFER ||
		    (o->vmas == REPLAY_VMAS_AUTO && !o->maps_path && !info->has_vmas);
	rp->st->inferring = rp->infer;
	rp->recorded = info->source == TRACE_SRC_VGTOOL;
	rp->st->recorded = rp->recorded;
	rp->next_tick = o->hooks.every && o->hooks.tick ? o->hooks.every : UINT64_MAX;
	if (!(rp->batch = malloc(TRACE_BATCH * sizeof(*rp->batch))) || procs_grow(rp) ||
	    chunks_rehash(rp)) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", info->name);
		return VMSIM_ENOHOSTMEM;
	}
	if (o->maps_path) {
		struct rproc *pr;
		if ((rc = proc_get(rp, TRACE_DEFAULT_PID, true, &pr, err)) ||
		    (rc = replay_load_maps(rp->sys, pr->pid, o->maps_path, &rp->st->maps_areas,
					   &rp->st->maps_skipped, err)))
			return rc;
	}
	return 0;
}

static void release(struct replay *rp)
{
	files_close(rp);
	free(rp->chunks);
	free(rp->procs);
	free(rp->batch);
}

int replay_trace(struct vmsim_system *sys, struct trace *t, const struct replay_opts *o,
		 struct replay_stats *st, struct trace_error *err)
{
	struct replay rp = {.sys = sys, .o = o, .st = st, .t = t};
	size_t n;
	int rc;

	if ((rc = setup(&rp, err)))
		goto out_free;
	for (;;) {
		size_t cap = TRACE_BATCH;
		uint64_t left = o->max_records ? o->max_records - st->records : UINT64_MAX;
		if (left == 0)
			break;
		if (o->hooks.stop && *o->hooks.stop) {
			st->interrupted = true;
			break;
		}
		if (left < cap) /* read little past the limit: an error there does not count */
			cap = left < TRACE_MIN_BATCH ? TRACE_MIN_BATCH : (size_t)left;
		if ((rc = trace_read(t, rp.batch, cap, &n, err)))
			goto out_free;
		if (n == 0)
			break;
		if (n > left)
			n = (size_t)left;
		if ((rc = apply(&rp, rp.batch, n, err)))
			goto out_free;
	}
	rc = 0;
	peak_finish(&rp);

out_free:
	if (!rc)
		tick(&rp, 1);
	release(&rp);
	return rc;
}

/* ---- step by step ---------------------------------------------------------------- */

int replay_stream_new(struct replay **out, struct vmsim_system *sys, struct trace *t,
		      const struct replay_opts *o, unsigned tag, struct trace_error *err)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	int rc;

	*out = NULL;
	if (!rp) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", trace_get_info(t)->name);
		return VMSIM_ENOHOSTMEM;
	}
	rp->sys = sys;
	rp->o = o;
	rp->st = &rp->own;
	rp->t = t;
	rp->tag = tag;
	if ((rc = setup(rp, err))) {
		replay_stream_free(rp);
		return rc;
	}
	*out = rp;
	return 0;
}

int replay_stream_next(struct replay *rp, struct replay_access *a, struct trace_error *err)
{
	struct replay_stats *st = rp->st;
	int rc;

	for (;;) {
		if (rp->pos == rp->nbatch) {
			uint64_t left =
			    rp->o->max_records ? rp->o->max_records - st->records : UINT64_MAX;
			size_t cap = TRACE_BATCH;
			if (rp->ended)
				return 1;
			if (rp->o->hooks.stop && *rp->o->hooks.stop) {
				st->interrupted = true;
				left = 0;
			}
			if (left == 0) {
				rp->ended = true;
				peak_finish(rp);
				return 1;
			}
			if (left < cap)
				cap = left < TRACE_MIN_BATCH ? TRACE_MIN_BATCH : (size_t)left;
			rp->pos = rp->nbatch = 0;
			if ((rc = trace_read(rp->t, rp->batch, cap, &rp->nbatch, err)))
				return rc;
			if (rp->nbatch > left)
				rp->nbatch = (size_t)left;
			if (rp->nbatch == 0) {
				rp->ended = true;
				peak_finish(rp);
				return 1;
			}
		}
		const struct trace_rec *r = &rp->batch[rp->pos++];
		struct rproc *pr;
		st->records++;
		if (r->type != TRACE_ACCESS) {
			const struct trace_rec *ext = NULL;
			if (r->type == TRACE_EXT)
				continue;
			if (rp->pos < rp->nbatch && rp->batch[rp->pos].type == TRACE_EXT)
				ext = &rp->batch[rp->pos];
			if ((rc = apply_event(rp, r, ext, err)))
				return rc;
			continue;
		}
		if ((rc = proc_get(rp, r->pid, true, &pr, err)))
			return rc;
		if (pr->killed || !vmsim_process_alive(rp->sys, pr->pid)) {
			pr->killed = true;
			st->skipped++;
			continue;
		}
		if (rp->infer && (rc = ensure_mapped(rp, pr, r->addr, r->len, err)))
			return rc;
		if (r->len == 0 || r->len > (1u << 20))
			return rfail(rp, err, VMSIM_EINVAL,
				     "access of %llu bytes at 0x%llx: the simulator takes 1 byte "
				     "to 1 MiB",
				     (unsigned long long)r->len, (unsigned long long)r->addr);
		a->pid = pr->pid;
		a->va = r->addr;
		a->size = (uint32_t)r->len;
		a->kind = r->kind;
		st->accesses++;
		st->by_kind[r->kind]++;
		return 0;
	}
}

const struct replay_stats *replay_stream_stats(const struct replay *rp)
{
	return rp->st;
}

void replay_stream_free(struct replay *rp)
{
	if (!rp)
		return;
	release(rp);
	free(rp);
}

int replay_file(struct vmsim_system *sys, const char *path, const struct replay_opts *o,
		struct replay_stats *st, struct trace_error *err)
{
	struct trace *t;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = trace_open(&t, path, o->format, err)))
		return rc;
	rc = replay_trace(sys, t, o, st, err);
	trace_close(t);
	return rc;
}

/* ---- /proc/PID/maps files ------------------------------------------------------ */

struct mline {
	const char *path; /* file name */
	unsigned long long line;
	const char *s; /* the line */
	size_t i;      /* parse position */
	struct trace_error *err;
};

static int mbad(struct mline *m, const char *expected)
{
	char tmp[16];
	char c = m->s[m->i];

	snprintf(m->err->msg, sizeof(m->err->msg), "%s:%llu:%zu: expected %s, found %s", m->path,
		 m->line, m->i + 1, expected, trace_show_char(c ? (unsigned char)c : '\n', tmp));
	return VMSIM_EPARSE;
}

static int mhex(struct mline *m, uint64_t *v, const char *what)
{
	size_t start = m->i;
	uint64_t x = 0;
	int d;

	while ((d = unit_hexval(m->s[m->i])) >= 0) {
		if (m->i - start >= 16)
			return mbad(m, "at most 16 hexadecimal digits");
		x = x << 4 | (uint64_t)d;
		m->i++;
	}
	if (m->i == start)
		return mbad(m, what);
	*v = x;
	return 0;
}

static int mchar(struct mline *m, char c, const char *expected)
{
	if (m->s[m->i] != c)
		return mbad(m, expected);
	m->i++;
	return 0;
}

/* Parse one maps line: "start-end perms offset dev inode [path]". */
static int parse_maps_line(struct mline *m, uint64_t *start, uint64_t *end, int *prot, int *flags)
{
	uint64_t x;
	int rc;

	if ((rc = mhex(m, start, "a hexadecimal start address")) ||
	    (rc = mchar(m, '-', "'-' after the start address")) ||
	    (rc = mhex(m, end, "a hexadecimal end address")) ||
	    (rc = mchar(m, ' ', "a space after the end address")))
		return rc;
	static const char perm[4][3] = {"r-", "w-", "x-", "ps"};
	static const char *const want[4] = {"'r' or '-'", "'w' or '-'", "'x' or '-'", "'p' or 's'"};
	*prot = 0;
	*flags = VMSIM_MAP_PRIVATE;
	for (int k = 0; k < 4; k++) {
		char c = m->s[m->i];
		if (c != perm[k][0] && c != perm[k][1])
			return mbad(m, want[k]);
		if (k < 3 && c == perm[k][0])
			*prot |= k == 0	  ? VMSIM_PROT_READ
				 : k == 1 ? VMSIM_PROT_WRITE
					  : VMSIM_PROT_EXEC;
		if (k == 3)
			*flags = c == 'p' ? VMSIM_MAP_PRIVATE : VMSIM_MAP_SHARED;
		m->i++;
	}
	if ((rc = mchar(m, ' ', "a space after the permissions")) ||
	    (rc = mhex(m, &x, "a hexadecimal file offset")) ||
	    (rc = mchar(m, ' ', "a space after the offset")) ||
	    (rc = mhex(m, &x, "a hexadecimal device major number")) ||
	    (rc = mchar(m, ':', "':' in the device number")) ||
	    (rc = mhex(m, &x, "a hexadecimal device minor number")) ||
	    (rc = mchar(m, ' ', "a space after the device")))
		return rc;
	if (m->s[m->i] < '0' || m->s[m->i] > '9')
		return mbad(m, "a decimal inode number");
	while (m->s[m->i] >= '0' && m->s[m->i] <= '9')
		m->i++;
	if (m->s[m->i] != '\0' && m->s[m->i] != ' ' && m->s[m->i] != '\t')
		return mbad(m, "a space or the end of the line after the inode");
	return 0;
}

int replay_load_maps(struct vmsim_system *sys, int pid, const char *path, uint64_t *mapped,
		     uint64_t *skipped, struct trace_error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	struct mline m = {.path = path, .err = err};

	*mapped = *skipped = 0;
	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "cannot open '%s': %s", path, strerror(errno));
		return VMSIM_EIO;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		uint64_t start, end;
		vaddr_t got;
		int prot, flags;
		m.line++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		m.s = line;
		m.i = 0;
		if ((rc = parse_maps_line(&m, &start, &end, &prot, &flags)))
			break;
		if (start >= end || (start | end) & (VMSIM_PAGE_SIZE - 1)) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s:%llu:1: expected page-aligned start < end, found "
				 "0x%llx-0x%llx",
				 path, m.line, (unsigned long long)start, (unsigned long long)end);
			rc = VMSIM_EPARSE;
			break;
		}
		if (end > USER_END) {
			(*skipped)++;
			continue;
		}
		rc = vmsim_mmap(sys, pid, start, end - start, prot,
				flags | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED_NOREPLACE, -1, 0,
				&got);
		if (rc) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s:%llu: cannot map 0x%llx-0x%llx: %s", path, m.line,
				 (unsigned long long)start, (unsigned long long)end,
				 vmsim_strerror(rc));
			break;
		}
		(*mapped)++;
	}
	if (!rc && ferror(f)) {
		snprintf(err->msg, sizeof(err->msg), "%s: read error: %s", path, strerror(errno));
		rc = VMSIM_EIO;
	}
	free(line);
	fclose(f);
	return rc;
}
