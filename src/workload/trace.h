/*
 * Memory traces of real programs: streaming readers that decode a trace
 * into batches of records, and a writer for vmsim's own format.
 *
 *	bytes --> decompress.c (gzip/zstd/xz/plain, by magic) --> format reader --> trace_rec[]
 *	                                                          lackey | champsim | vmsim
 *
 * A format is a const table of functions (struct trace_format_ops), one
 * file each: trace_lackey.c, trace_champsim.c, trace_vmsim.c. trace.c holds
 * the one array that lists them and picks one by name (--format) or by the
 * first bytes of the decompressed input. docs/FORMATS.md describes the
 * formats byte by byte.
 *
 * Memory is constant whatever the length of the trace: each reader keeps a
 * fixed buffer and decodes into the caller's array. Bad input is an error
 * whose message names the input, the line and column (text) or the byte
 * offset and record number (binary), and what was expected; nothing here
 * exits or aborts. Callers: replay.c, trace_record.c, src/cli/, bench/,
 * tests.
 */
#ifndef VMSIM_WORKLOAD_TRACE_H
#define VMSIM_WORKLOAD_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why an operation failed: one line, no newline, lowercase, no full stop,
 * starting with the input's name and position. */
struct trace_error {
	char msg[512];
};

/* ---- records ------------------------------------------------------------ */

enum trace_rec_type {
	TRACE_ACCESS = 0, /* a memory access */
	TRACE_EVENT = 1,  /* a process or address-space event */
	TRACE_EXT = 2,	  /* more arguments of the event record just before it (below) */
};

/* Same values as enum vmsim_access_kind, so a kind passes straight to vmsim_access. */
enum trace_access_kind {
	TRACE_READ = 0,	 /* load */
	TRACE_WRITE = 1, /* store */
	TRACE_EXEC = 2,	 /* instruction fetch */
};

/*
 * Events. Each line is the contract: which fields a kind sets (all others
 * are 0). Kinds 0-8 exist in format versions 1 and 2, the others only in
 * version 2 (written by vmsim's Valgrind tool, src/record/). Addresses and
 * lengths are those the kernel used (the tool records a call's result, not
 * only its arguments); a call that failed is one TRACE_EV_FAILED record and
 * nothing else. Protections are VMSIM_PROT_*, mmap flags VMSIM_MAP_* (the
 * Linux values), advice VMSIM_MADV_* and msync flags VMSIM_MS_*
 * (include/vmsim/vm.h; also the Linux values).
 */
enum trace_event_kind {
	TRACE_EV_CREATE = 0,   /* process @pid starts with an empty address space */
	TRACE_EV_EXIT = 1,     /* process @pid ends (all its threads); @arg: its exit status
				  (0-255), @prot: the signal that killed it (0: it exited);
				  both 0 in version 1 */
	TRACE_EV_FORK = 2,     /* @pid forks; the child's pid is @arg (its main thread's tid
				  is @arg too); the child's address space is a copy-on-write
				  copy of @pid's */
	TRACE_EV_MMAP = 3,     /* @pid maps [@addr, @addr+@len) with @prot and flags @arg
				  (anonymous memory; MAP_FIXED: exactly there) */
	TRACE_EV_MUNMAP = 4,   /* @pid unmaps [@addr, @addr+@len) */
	TRACE_EV_MPROTECT = 5, /* @pid sets @prot on [@addr, @addr+@len) */
	TRACE_EV_BRK = 6,      /* @pid moves its program break to @addr */
	TRACE_EV_SWITCH = 7,   /* the CPU switches to @pid */
	TRACE_EV_PHASE = 8,    /* phase marker number @addr (for reports) */
	/* ---- version 2 ---- */
	TRACE_EV_FILE = 9,	   /* declares file @arg: trace_file_get(t, @arg) gives its
				      path, device, inode and size; it comes before any
				      record naming @arg. The same file (device and inode;
				      for a pseudo-file its path) always gets the same id,
				      so this record may repeat an id already declared */
	TRACE_EV_MMAP_FILE = 10,   /* @pid maps [@addr, @addr+@len) with @prot and flags @arg
				      from a file; the TRACE_EXT record after it gives the
				      file id (@arg) and the offset in it (@addr) */
	TRACE_EV_MREMAP = 11,	   /* @pid moves/resizes [@addr, @addr+@len) with flags @arg
				      (Linux MREMAP_*); the TRACE_EXT record after it gives
				      the new area: @addr, @len */
	TRACE_EV_MADVISE = 12,	   /* @pid gives advice @arg (VMSIM_MADV_*, Linux numbers)
				      on [@addr, @addr+@len) */
	TRACE_EV_MSYNC = 13,	   /* @pid syncs [@addr, @addr+@len) with flags @arg
				      (VMSIM_MS_*) */
	TRACE_EV_CLONE = 14,	   /* @pid starts thread @arg sharing its address space */
	TRACE_EV_THREAD_EXIT = 15, /* thread @arg of @pid ends (the process goes on) */
	TRACE_EV_EXEC = 16,	   /* @pid now runs the program in file @arg: its old address
				      space and other threads are gone (if @pid is not known
				      yet, it is created); the new image's areas follow as
				      mmap records, then its brk */
	TRACE_EV_READ = 17,	   /* @pid read @len bytes of file @arg at offset @addr
				      through read(2)-like calls (@prot = 0: the call used and
				      moved the file position; 1: it named the offset, pread);
				      the stores the kernel made into the buffer follow as
				      write accesses */
	TRACE_EV_WRITE = 18,	   /* @pid wrote @len bytes to file @arg at offset @addr
				      (@prot as for READ); the kernel's loads from the buffer
				      follow as read accesses */
	TRACE_EV_TRUNCATE = 19,	   /* @pid set the size of file @arg to @len (ftruncate) */
	TRACE_EV_FAILED = 20,	   /* @pid's call that would have been an event of kind @prot
				      failed with errno @arg (Linux numbers); @addr, @len: its
				      address and length arguments, if it has them */
	TRACE_EV_CACHED = 21,	   /* when the recording first saw file @arg (it follows the
				      file's TRACE_EV_FILE record), the host's page cache
				      held bytes [@addr, @addr+@len) of it: one record per
				      run of cached pages; @prot: their folio order, 0 when
				      not known. Replay starts the file's cache so */
};
#define TRACE_EV_NKINDS	  22
#define TRACE_EV_NKINDS_1 9 /* kinds version 1 knows */

/*
 * One record. Fields a kind does not use are 0, so two records compare
 * with memcmp. 32 bytes: a batch of 1024 fits in a level-1 data cache.
 *
 * Accesses carry their thread in @arg: the Linux tid (the main thread's is
 * the pid), or 0 when the trace does not name threads (version 1, lackey,
 * ChampSim). A thread switch is simply an access of another tid; the
 * format stores it as a state change, not as a record.
 *
 * TRACE_EXT: the two events with more arguments than one record holds
 * (TRACE_EV_MMAP_FILE, TRACE_EV_MREMAP) are always followed by exactly one
 * TRACE_EXT record with the same @kind and @pid, in the same batch (a
 * reader never splits the pair); no other record is. A consumer that knows
 * neither kind may skip both.
 */
struct trace_rec {
	uint8_t type;  /* enum trace_rec_type */
	uint8_t kind;  /* enum trace_access_kind or enum trace_event_kind */
	uint16_t zero; /* always 0 */
	uint32_t pid;  /* the process as the trace names it (fork: the parent) */
	uint64_t addr; /* access: first byte; mmap/munmap/mprotect: start;
			  brk: the new break; phase: the phase number; see the kinds */
	uint64_t len;  /* access: size in bytes (>= 1); mmap/munmap/mprotect: length */
	uint32_t prot; /* mmap, mprotect: VMSIM_PROT_* bits; see the kinds */
	uint32_t arg;  /* access: thread id; mmap: VM_MAP_* flags; fork: the child's
			  pid; see the kinds */
};

/* TRACE_EV_READ / TRACE_EV_WRITE @prot: the call named its offset. */
#define TRACE_IO_POSITIONAL 1u

/* TRACE_EV_CACHED @prot: the largest folio order a record may give (a PMD). */
#define TRACE_CACHED_MAX_ORDER 9u

/* A file a version-2 trace names (TRACE_EV_FILE). Pseudo-files stand for
 * areas the kernel makes that no file backs ("[vdso]", "[vvar]"): device
 * and inode 0. */
struct trace_file {
	const char *path; /* absolute path as the program saw it; NUL-terminated */
	uint64_t dev;	  /* st_dev (Linux encoding), 0 for a pseudo-file */
	uint64_t ino;	  /* st_ino, 0 for a pseudo-file */
	uint64_t size;	  /* st_size when the file was first seen */
};

/* Longest path a trace_file may have (bytes, without the NUL). */
#define TRACE_PATH_MAX 4095

/* Version 2 stores records in blocks (docs/FORMATS.md): a 12-byte header
 * (payload length, records, pid: u32 little-endian each), then the payload.
 * A block of length 0 ends the trace (its other 8 bytes: the number of
 * records in the trace, u64). Every block starts from the same
 * decoder state, so blocks from several processes may be interleaved, and
 * a cut-short input reads up to its last whole block. */
#define TRACE_BLOCK_HDR 12
#define TRACE_BLOCK_MAX (256u << 10) /* longest payload a reader accepts */

/* Every read returns at least this many free slots' worth of work: callers
 * pass arrays of at least TRACE_MIN_BATCH records (one input record may
 * decode into up to 7). */
#define TRACE_MIN_BATCH 8

/* A good batch size for callers: decoding cost per call is amortised and
 * the batch stays in the level-1 cache. */
#define TRACE_BATCH 1024

/* ---- formats (one file each) -------------------------------------------- */

struct trace;

/* Which process a single-process format (lackey, ChampSim) attributes its
 * accesses to. */
#define TRACE_DEFAULT_PID 1

/* vmsim-format header flags (docs/FORMATS.md). */
#define TRACE_F_HAS_VMAS                                                                           \
	0x1u /* the trace carries its address-space events:                                        \
		replay infers no VMA */

/* What produced a vmsim-format trace (header byte 20). */
enum trace_source {
	TRACE_SRC_NATIVE = 0,	/* written directly (generators, tests) */
	TRACE_SRC_LACKEY = 1,	/* converted from Valgrind lackey text / vmsim record */
	TRACE_SRC_CHAMPSIM = 2, /* converted from a ChampSim trace */
	TRACE_SRC_VGTOOL = 3,	/* recorded by vmsim's Valgrind tool (vmsim record) */
};

struct trace_format_ops {
	const char *name;	  /* "lackey", "champsim", "vmsim": what --format matches */
	const char *describe;	  /* one line for help texts */
	enum trace_source source; /* what a vmsim trace converted from it records
				     (TRACE_SRC_NATIVE: the input's own header) */

	/* How sure is this format that it is looking at its own data, given
	 * the first @n decompressed bytes (@n < the whole input only when
	 * !@all): 0 not mine, 1 could be, 2 certain. Called by trace_open
	 * when no format is forced. Pure. */
	int (*probe)(const unsigned char *head, size_t n, bool all);

	/* Allocate the reader's state for @t (whose byte source is open and
	 * unread) in *@state; may read a header. Returns 0 or a VMSIM_E*
	 * code with @err filled. */
	int (*open)(struct trace *t, void **state /* out */, struct trace_error *err);

	/* Decode up to @cap (>= TRACE_MIN_BATCH) records into @recs; *@n = 0
	 * only at the end. On error the *@n records before it are valid. */
	int (*read)(struct trace *t, void *state, struct trace_rec *recs, size_t cap,
		    size_t *n /* out */, struct trace_error *err);

	/* Free the state (NULL allowed). */
	void (*close)(void *state);
};

extern const struct trace_format_ops trace_lackey_format;
extern const struct trace_format_ops trace_champsim_format;
extern const struct trace_format_ops trace_vmsim_format;

/* The format named @name, or NULL. */
const struct trace_format_ops *trace_format_find(const char *name);

/* NULL-terminated list of every format, in a stable order. */
const struct trace_format_ops *const *trace_format_list(void);

/* The format a vmsim trace converted from @source came from, or NULL
 * (native traces, recordings by the Valgrind tool). */
const struct trace_format_ops *trace_format_of_source(enum trace_source source);

/* Every format's name into @buf, "vmsim, lackey or champsim" with @last
 * (" or ", ", ") before the last, for messages and help texts; truncated
 * to @len (TRACE_FORMAT_NAMES_MAX holds them). Returns @buf. */
#define TRACE_FORMAT_NAMES_MAX 128
char *trace_format_names(char *buf, size_t len, const char *last);

/* ---- reading ------------------------------------------------------------ */

/* What an open trace is. */
struct trace_info {
	const char *name;	  /* the input's name in messages ("<stdin>" for "-") */
	const char *format;	  /* "lackey", "champsim" or "vmsim" */
	const char *compression;  /* "plain", "gzip", "zstd" or "xz" */
	uint32_t page_size;	  /* from a vmsim header; 4096 otherwise */
	bool has_vmas;		  /* the trace carries its own VMAs (TRACE_F_HAS_VMAS) */
	enum trace_source source; /* vmsim header: what it was converted from */
	unsigned version;	  /* vmsim header: format version (1 or 2); 0 otherwise */
	bool truncated;		  /* set when the reader found the input cut short: every
				     record before the cut was returned, then an error
				     saying where the trace ends */
};

/*
 * Open @path ("-": standard input; a FIFO works too) as a trace of format
 * @format (NULL: detect from the first decompressed bytes). Compression is
 * always detected from the magic bytes. Returns 0 and *@out, or VMSIM_EIO
 * (cannot open/read), VMSIM_EPARSE (bad header, unknown format),
 * VMSIM_EINVAL (unknown @format name), VMSIM_ENOHOSTMEM, with @err filled.
 */
int trace_open(struct trace **out /* out */, const char *path, const char *format,
	       struct trace_error *err /* out */);

/* As trace_open, over the open descriptor @fd named @name in messages.
 * With @close_fd the trace owns @fd from this call on: trace_close (or a
 * failure here) closes it. */
int trace_open_fd(struct trace **out /* out */, int fd, const char *name, bool close_fd,
		  const char *format, struct trace_error *err /* out */);

/*
 * Decode up to @cap (>= TRACE_MIN_BATCH) records into @recs. Returns 0 and
 * *@n (0 only at the end of the trace), or VMSIM_EPARSE (bad input),
 * VMSIM_EIO, VMSIM_ENOHOSTMEM with @err filled; the *@n records decoded
 * before an error are valid. After an error every call returns it again.
 */
int trace_read(struct trace *t, struct trace_rec *recs /* out */, size_t cap, size_t *n /* out */,
	       struct trace_error *err /* out */);

const struct trace_info *trace_get_info(const struct trace *t);

/* How far the reader got in @t's file: *@pos of *@size bytes as stored
 * (compressed). False for a pipe or other input of no known size. For
 * progress bars. */
bool trace_position(const struct trace *t, uint64_t *pos /* out */, uint64_t *size /* out */);

/* Close @t (NULL allowed). */
void trace_close(struct trace *t);

/* The file a TRACE_EV_FILE record of @t declared as @id, or NULL if none
 * did (yet). Valid until trace_close. */
const struct trace_file *trace_file_get(const struct trace *t, uint32_t id);

/* Files declared so far: ids run from 0 to this minus 1. */
uint32_t trace_file_count(const struct trace *t);

/* ---- writing vmsim's format (trace_vmsim.c) ------------------------------ */

struct trace_writer;

struct trace_writer_opts {
	int zstd_level;		  /* 0: plain; 1..19: zstd at that level */
	uint32_t flags;		  /* TRACE_F_* header flags */
	enum trace_source source; /* what the records come from */
};

/* Create @path ("-": standard output) and write the header. Returns 0 and
 * *@out, or VMSIM_EIO, VMSIM_EINVAL (bad options), VMSIM_ENOHOSTMEM. */
int trace_writer_open(struct trace_writer **out /* out */, const char *path,
		      const struct trace_writer_opts *o, struct trace_error *err /* out */);

/* As trace_writer_open, onto the open descriptor @fd (a pipe...) named
 * @name in messages; trace_writer_close closes it. */
int trace_writer_open_fd(struct trace_writer **out /* out */, int fd, const char *name,
			 const struct trace_writer_opts *o, struct trace_error *err /* out */);

/* Append @n records. VMSIM_EINVAL (a record no reader would accept: the
 * message gives its index in the stream), VMSIM_EIO. */
int trace_writer_put(struct trace_writer *w, const struct trace_rec *recs, size_t n,
		     struct trace_error *err /* out */);

/* Write the end record, flush and close; frees @w whatever happens.
 * Returns 0 or VMSIM_EIO. */
int trace_writer_close(struct trace_writer *w, struct trace_error *err /* out */);

/* Give up: close and free @w without an end record (a reader will call the
 * file truncated). NULL allowed. */
void trace_writer_discard(struct trace_writer *w);

/* Declare file @f, named by process @pid, and write its TRACE_EV_FILE
 * record; *@id is the id records refer to it by (the same file declared
 * twice gets the same id). trace_writer_put rejects TRACE_EV_FILE records:
 * this is how they are written. VMSIM_EINVAL (path empty or longer than
 * TRACE_PATH_MAX), VMSIM_EIO, VMSIM_ENOHOSTMEM. */
int trace_writer_put_file(struct trace_writer *w, uint32_t pid, const struct trace_file *f,
			  uint32_t *id /* out */, struct trace_error *err /* out */);

/* Append the block @blk of @n bytes as it is: one whole version-2 block
 * (header and payload, docs/FORMATS.md) made by another encoder, such as
 * vmsim's Valgrind tool, whose file ids the writer's own must not collide
 * with (a writer given blocks declares no files itself). Only the block's
 * header is checked: VMSIM_EINVAL (bad length or count), VMSIM_EIO. */
int trace_writer_put_block(struct trace_writer *w, const unsigned char *blk, size_t n,
			   struct trace_error *err /* out */);

/* Append @n records read from @t (its file records become
 * trace_writer_put_file calls, so the files keep their ids when @w has
 * declared no other files). As trace_writer_put. */
int trace_writer_put_from(struct trace_writer *w, const struct trace *t,
			  const struct trace_rec *recs, size_t n,
			  struct trace_error *err /* out */);

/* Records written so far. */
uint64_t trace_writer_count(const struct trace_writer *w);

/* ---- recording a program (trace_record.c) ------------------------------- */

/* Which Valgrind tool records. */
enum trace_record_tool {
	TRACE_TOOL_AUTO = 0, /* vmsim's own tool; lackey when it was not built */
	TRACE_TOOL_VMSIM,    /* vmsim's own tool (src/record/vgtool.c): accesses, threads,
				the address space, files, fork/exec/exit */
	TRACE_TOOL_LACKEY,   /* Valgrind's lackey: accesses only, one process */
};

struct trace_record_opts {
	const char *out_path;	     /* the vmsim-format file to write; NULL: none (only
					trace_record_start, which streams) */
	int zstd_level;		     /* compression of it (0: plain) */
	const char *valgrind;	     /* the valgrind program; NULL: "valgrind" from PATH */
	enum trace_record_tool tool; /* which tool */
	bool no_fetch;		     /* vmsim's tool: leave out instruction fetches */
	const char *tool_path;	     /* vmsim's tool binary; NULL: trace_record_find_tool */
};

struct trace_record_result {
	uint64_t records;   /* records written */
	uint64_t accesses;  /* of which memory accesses (lackey only; 0 with vmsim's tool,
			       whose blocks are copied without decoding) */
	uint64_t blocks;    /* blocks vmsim's tool wrote */
	uint32_t processes; /* processes that wrote records (vmsim's tool) */
	int exit_status;    /* the program's exit status, or -1 if killed */
	int term_signal;    /* the signal that killed it, or 0 */
	bool lackey;	    /* lackey recorded (asked for, or vmsim's tool not built) */
	bool partial;	    /* a write error stopped the recording: the output holds the
			       whole blocks written before it */
};

/*
 * Run @argv[0] with arguments @argv (NULL-terminated) under Valgrind and
 * stream what it records through a pipe into @o->out_path in vmsim's
 * format. With vmsim's tool the trace follows fork children and exec, and
 * ends with each process's exit record (status and signal: a program
 * killed by a signal gets its exit record from vmsim). The program keeps
 * its own standard input, output and error. Returns 0 with *@res filled
 * when a trace was written (whatever the program's exit status), or
 * VMSIM_EINVAL (@argv[0] not found or not executable), VMSIM_ENOTSUP
 * (valgrind not found: the message gives the apt-get line), VMSIM_EIO
 * (the message names the file; after a write error such as a full disk,
 * res->partial is set and the partial trace is kept, readable up to its
 * last whole block), VMSIM_EPARSE (valgrind wrote something that is not
 * a trace), with @err filled; no output file is left otherwise.
 */
int trace_record(char *const argv[], const struct trace_record_opts *o,
		 struct trace_record_result *res /* out */, struct trace_error *err /* out */);

/* A recording in progress (trace_record_start). */
struct trace_recording;

/*
 * Start recording @argv as trace_record does, streaming: *@fd is the read
 * end of a pipe that carries the whole trace (header, blocks, end) as it
 * is recorded, for trace_open_fd; with @o->out_path the trace goes to
 * that file too. Read @fd to its end (or close it early: the recording is
 * then stopped), close it, then call trace_record_finish. Errors as for
 * trace_record, before anything runs.
 */
int trace_record_start(char *const argv[], const struct trace_record_opts *o,
		       struct trace_recording **rec /* out */, int *fd /* out */,
		       struct trace_error *err /* out */);

/* Wait for the recording @rec to end and free it: 0 and *@res, or the
 * error that stopped it (as trace_record). */
int trace_record_finish(struct trace_recording *rec, struct trace_record_result *res /* out */,
			struct trace_error *err /* out */);

/* Where vmsim's Valgrind tool is: the VMSIM_VGTOOL environment variable,
 * then next to the running vmsim binary (the build tree), then
 * <libexecdir>/vmsim/ (installed). Fills @path (@size bytes) and returns
 * true, or false if it was not built. */
bool trace_record_find_tool(char *path /* out */, size_t size);

/* Is @prog (e.g. "valgrind") an executable in PATH (or a path that is)? */
bool trace_find_program(const char *prog);

#endif
