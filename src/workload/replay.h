/*
 * Trace replay: run a trace (trace.h) through a simulated machine. Every
 * access becomes a vmsim_access, every event the system call it records.
 *
 * Processes: the trace names processes by its own pids; replay creates a
 * simulated process the first time it sees one (lackey and ChampSim traces
 * have exactly one, pid 1), and follows create/fork/exit events.
 *
 * VMAs: a lackey or ChampSim trace carries none, so by default replay
 * infers them: the first touch of a 2 MiB-aligned chunk outside every VMA
 * maps the whole chunk (anonymous, private, read-write-execute, with
 * MAP_FIXED_NOREPLACE); touching the next chunk grows the area. Adjacent
 * inferred chunks count as one inferred VMA. In a chunk that some VMA
 * covers in part, the gaps around it are mapped instead, one inferred VMA
 * each. A /proc/PID/maps-format file
 * can supply the real areas instead. Traces in vmsim's format that carry
 * their own mmap events (TRACE_F_HAS_VMAS) infer nothing.
 *
 * The hot path per access: one compare against the last process, one
 * lookup in a 64-entry direct-mapped cache of chunks known to be covered,
 * then vmsim_access. No allocation per record. Callers: src/cli/ (replay,
 * run), bench/, tests.
 */
#ifndef VMSIM_WORKLOAD_REPLAY_H
#define VMSIM_WORKLOAD_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/run.h"
#include "vmsim/sched.h"
#include "workload/trace.h"

struct vmsim_system;

/* How many notes and divergences a replay keeps the text of. */
#define REPLAY_NOTES 4

/* The inference granule: 2 MiB, the x86-64 huge-page size. */
#define REPLAY_CHUNK_SHIFT 21

enum replay_vma_mode {
	REPLAY_VMAS_AUTO = 0, /* infer unless the trace has its own VMAs or a maps file is given */
	REPLAY_VMAS_INFER,    /* always infer (on top of the trace's or the maps file's) */
	REPLAY_VMAS_NONE,     /* never: an access outside every VMA raises SIGSEGV */
};

struct replay_opts {
	const char *format;	   /* trace format; NULL: detect */
	const char *maps_path;	   /* /proc/PID/maps-format file giving the VMAs of trace
				      process 1; NULL: none */
	enum replay_vma_mode vmas; /* VMA inference */
	uint64_t max_records;	   /* stop after this many records; 0: all */
	struct run_hooks hooks;	   /* tick every hooks.every accesses and at the end
				      (replay_trace only) */
	/* Called when the replay gives trace process @tpid the simulator pid
	 * @pid (NULL: not called); @tag is the stream's (0 for replay_trace). */
	void (*born)(void *arg, unsigned tag, uint32_t tpid, int pid);
	void *born_arg; /* passed back */
};

struct replay_stats {
	uint64_t records;	  /* records read and applied */
	bool interrupted;	  /* hooks.stop ended the replay before the trace's end */
	uint64_t accesses;	  /* vmsim_access calls made */
	uint64_t by_kind[3];	  /* of which reads, writes, instruction fetches */
	uint64_t skipped;	  /* accesses of processes already killed (SIGSEGV, OOM) */
	uint64_t events;	  /* events applied */
	uint64_t phases;	  /* of which phase markers */
	uint64_t processes;	  /* simulated processes created (fork included) */
	int first_pid;		  /* simulator pid of the first process, 0 if none */
	bool inferring;		  /* VMA inference was on */
	uint64_t inferred_vmas;	  /* inferred areas: runs of adjacent inferred chunks,
				     plus the gaps filled */
	uint64_t inferred_chunks; /* whole 2 MiB chunks mapped by inference */
	uint64_t infer_holes;	  /* gaps filled inside chunks partly mapped already */
	uint64_t infer_failures;  /* chunks that could not be mapped (outside user space) */
	uint64_t maps_areas;	  /* areas mapped from the maps file */
	uint64_t maps_skipped;	  /* maps-file areas outside user space ([vsyscall]) */
	/* peak resident memory: each process's largest RssAnon, RssFile (with
	   shmem) and their sum, sampled before every event that can shrink it
	   and at the end, summed over the processes (bytes) */
	uint64_t peak_anon, peak_file, peak_rss;
	/* recorded programs (format version 2) */
	bool recorded;		      /* the trace is one (recorded by vmsim's Valgrind tool):
					 the fields below apply */
	uint64_t threads;	      /* threads started (they share their process's mm) */
	uint64_t execs;		      /* execve: an image replaced */
	uint64_t exits;		      /* processes that ended */
	uint64_t killed_by_signal;    /* of which a signal ended */
	bool first_exited;	      /* the first process ended in the trace, with: */
	int exit_status;	      /*   its exit status (0-255) */
	int exit_signal;	      /*   the signal that killed it, or 0 */
	uint64_t failed_calls;	      /* calls that failed in the program (recorded errno): not
					 replayed */
	uint64_t file_reads;	      /* read()/pread() calls, replayed through the page cache */
	uint64_t file_writes;	      /* write()/pwrite() calls */
	uint64_t file_io_skipped;     /* of those, refused by the simulator (divergences) */
	uint64_t files_real;	      /* files backed by the host file itself */
	uint64_t files_virtual;	      /* files a virtual file of the recorded size stands in for */
	uint64_t files_pseudo;	      /* [vdso]-like areas no file backs (mapped anonymous) */
	uint64_t cached_bytes;	      /* file bytes put in the page cache at the start, as the
					 host's cache held them when the program met the file */
	uint64_t cache_short;	      /* cached records the simulated RAM had no room for */
	uint64_t notes;		      /* things the report should say (virtual files, ...) */
	char note[REPLAY_NOTES][320]; /* the first REPLAY_NOTES of them */
	uint64_t divergences;	      /* events the simulator did not do as the program's
					 kernel did */
	char divergence[REPLAY_NOTES][320]; /* the first REPLAY_NOTES of them */
};

/* Defaults: detect the format, no maps file, AUTO inference, all records,
 * no hooks. */
void replay_opts_default(struct replay_opts *o /* out */);

/*
 * Replay the open trace @t on @sys. Fills *@st (also on failure: what was
 * done until then). Returns 0, or the trace's error (VMSIM_EPARSE,
 * VMSIM_EIO...), or the simulator's error for a record it cannot apply
 * (a bad event, an access above 1 MiB, VMSIM_ENOMEM when memory runs
 * out), with @err naming the record. @t stays open.
 */
int replay_trace(struct vmsim_system *sys, struct trace *t, const struct replay_opts *o,
		 struct replay_stats *st /* out */, struct trace_error *err /* out */);

/* ---- step by step: a trace as a scheduler's generator ---------------- */

struct replay;

/* One access the trace asks for, ready for vmsim_access. */
struct replay_access {
	int pid;       /* simulator pid */
	uint64_t va;   /* first byte */
	uint32_t size; /* bytes, 1 .. 1 MiB */
	uint8_t kind;  /* enum trace_access_kind = enum vmsim_access_kind */
};

/* A replay of the open trace @t on @sys that hands out one access at a
 * time (@o as for replay_trace; its hooks are not called; @o and @t must
 * outlive it). @tag goes to @o->born. Returns 0 and *@out, or an error of
 * setting up (the maps file, VMSIM_ENOHOSTMEM) with @err filled. */
int replay_stream_new(struct replay **out /* out */, struct vmsim_system *sys, struct trace *t,
		      const struct replay_opts *o, unsigned tag, struct trace_error *err /* out */);

/*
 * Apply the trace's records up to its next access (events go to the
 * kernel, VMAs are inferred as in replay_trace) and return that access in
 * *@a without making it: 0, or 1 at the end of the trace (or of
 * @o->max_records), or an error as replay_trace's with @err naming the
 * record. Accesses of processes the simulator killed are skipped. The
 * stats count an access as soon as it is handed out.
 */
int replay_stream_next(struct replay *rp, struct replay_access *a /* out */,
		       struct trace_error *err /* out */);

/* What the stream did so far. */
const struct replay_stats *replay_stream_stats(const struct replay *rp);

/* Free @rp (NULL allowed); the trace stays open, the processes stay. */
void replay_stream_free(struct replay *rp);

/* ---- several traces at once (replay_sched.c) ------------------------- */

/* What one trace of a multi-trace run did. */
struct replay_many_trace {
	struct replay_stats stats;	      /* as replay_trace's */
	int task;			      /* its task in the scheduler's result, -1 if
						 it had no access (never scheduled) */
	struct vmsim_sched_proc_result sched; /* its time, if task >= 0 */
};

/*
 * Replay the @n traces @paths on @sys as @n tasks of the CPU scheduler
 * (vmsim_sched_run with @sc, whose tasks are replaced by the traces), each
 * with its own processes and options @o: a slice runs @sc->quantum of a
 * trace's accesses, a major fault blocks its trace. Returns 0 with *@res
 * (release it with vmsim_sched_result_release) and @per[0 .. n) filled, or
 * the first error of opening a trace, of a record (as replay_trace's) or
 * of the scheduler, with @err filled; the processes made so far stay.
 */
int replay_many(struct vmsim_system *sys, const char *const *paths, unsigned n,
		const struct replay_opts *o, const struct vmsim_sched_cfg *sc,
		struct vmsim_sched_result *res /* out */, struct replay_many_trace *per /* out */,
		struct trace_error *err /* out */);

/* Open @path with trace_open(@o->format), replay it, close it. */
int replay_file(struct vmsim_system *sys, const char *path, const struct replay_opts *o,
		struct replay_stats *st /* out */, struct trace_error *err /* out */);

/*
 * Map every area of the /proc/PID/maps-format file @path into process
 * @pid as an anonymous mapping with its permissions and private/shared
 * flag (file mappings are replayed as anonymous memory). Areas beyond user
 * space ([vsyscall]) are skipped and counted in *@skipped. Returns 0 and
 * *@mapped, or VMSIM_EIO, VMSIM_EPARSE (message "file:line:column:
 * expected ..."), or the vmsim_mmap error of an area that cannot be mapped
 * (message "file:line: ...").
 */
int replay_load_maps(struct vmsim_system *sys, int pid, const char *path,
		     uint64_t *mapped /* out */, uint64_t *skipped /* out */,
		     struct trace_error *err /* out */);

#endif
