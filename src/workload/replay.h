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

#include "workload/hooks.h"
#include "workload/trace.h"

struct vmsim_system;

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
	struct run_hooks hooks;	   /* tick every hooks.every accesses and at the end */
};

struct replay_stats {
	uint64_t records;	  /* records read and applied */
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
