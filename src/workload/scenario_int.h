/*
 * Inside the scenario engine: the parsed form of a script and what the
 * parser (scenario_parse.c), the evaluator (scenario_eval.c) and the runner
 * (scenario.c) share. Only src/workload/scenario*.c include this.
 *
 *   text ──parse──► struct script: statements, each with its line and its
 *                   operands (places, expressions, generator settings)
 *        ──run────► one vmsim_system; names of processes, areas and files
 *                   resolved to pids, addresses and handles as it goes
 *
 * Every string and node of a script lives in its arena and goes with it.
 */
#ifndef VMSIM_SCENARIO_INT_H
#define VMSIM_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/vm.h"
#include "workload/gen.h"

/* ---- arena ---------------------------------------------------------------- */

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block first */
	bool failed;		  /* an allocation failed (out of host memory) */
};

void *arena_alloc(struct arena *a, size_t n); /* zeroed; NULL (and failed) when out */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_release(struct arena *a);

/* ---- values ----------------------------------------------------------------- */

/* What a number means, for printing it. */
enum unit {
	U_COUNT = 0, /* a plain number */
	U_BYTES,     /* a size */
	U_RATIO,     /* a fraction, printed as a percentage */
	U_SECONDS,   /* a duration */
	U_ADDR,	     /* an address, printed in hex */
	U_BOOL,	     /* 0 or 1, printed no/yes */
};

struct value {
	double v;    /* every counter fits a double exactly (below 2^53) */
	enum unit u; /* how to print it */
};

/* ---- places: where in a process ---------------------------------------------- */

/* NAME (the whole area), NAME+OFF (one address), NAME[LO:HI], NAME+OFF[LO:HI],
 * 0xADDR, 0xADDR+OFF (one address), 0xADDR[LO:HI] */
struct place {
	const char *name; /* area name, or NULL for an absolute address */
	uint64_t addr;	  /* the address when name is NULL */
	uint64_t off;	  /* +OFF */
	bool point;	  /* +OFF or -OFF written: an address, not the whole area */
	bool range;	  /* [LO:HI] given */
	bool has_lo;	  /* LO written (else 0) */
	bool has_hi;	  /* HI written (else the end of the area) */
	uint64_t lo, hi;  /* byte offsets from the base (+OFF) */
	int col;	  /* column of the place, for messages */
};

/* ---- expressions ----------------------------------------------------------------- */

enum expr_kind {
	EX_NUM,	 /* a literal */
	EX_PATH, /* a named figure: A.rss, tlb.L1D.hit_ratio, last.faults.minor */
	EX_NEG,	 /* -a */
	EX_ADD,	 /* a + b */
	EX_SUB,	 /* a - b */
	EX_MUL,	 /* a * b */
	EX_DIV,	 /* a / b */
	EX_CALL, /* a function: pages(x), pa(P, place), pte(P, place, FLAG), ... */
};

/* The deepest nesting of parentheses, unary minus and function calls an
 * expression may have (a file:line:col error beyond). */
#define SCENARIO_EXPR_MAX_DEPTH 200

struct expr {
	enum expr_kind kind;
	int col;	    /* column where it starts */
	struct value num;   /* EX_NUM */
	const char *path;   /* EX_PATH: the dotted name; EX_CALL: the function name */
	struct expr *a, *b; /* operands; EX_CALL: expression arguments */
	const char *proc;   /* EX_CALL pa/pte: the process */
	struct place place; /* EX_CALL pa/pte/vpn/offset/index: the place */
	const char *word;   /* EX_CALL pte: the flag; index: the level name */
};

enum cmp_op {
	CMP_TRUE = 0, /* no operator: the value must not be 0 */
	CMP_EQ,
	CMP_NE,
	CMP_LT,
	CMP_LE,
	CMP_GT,
	CMP_GE,
	CMP_APPROX, /* ~= */
};

/* ---- statements ------------------------------------------------------------------ */

/* Every scenario command, one row each (docs/SCENARIOS.md describes them):
 *
 *   X(KIND, keyword, parse, run, machine)
 *
 *   KIND     its statement kind, ST_KIND
 *   keyword  the word a line starts with (also the name in run-time errors)
 *   parse    scenario_parse.c's cmd_<parse>(lex, stmt): the operands
 *   run      scenario.c's do_<run>(runner, stmt): what it does
 *   machine  true when the machine must exist first (it is built from the
 *            `machine` lines so far); false for the statements that only
 *            configure or print
 *
 * Rows that share a parser or a runner tell each other apart by st->kind.
 * A new command is one row here, its parser, its runner and a scenario test;
 * the parser's keyword table, the "did you mean" list and the runner's
 * dispatch are all made from this list. */
#define SCENARIO_COMMANDS(X)                                                                       \
	X(TITLE, "title", title, nothing, false)                                                   \
	X(MACHINE, "machine", machine, machine, false)                                             \
	X(RESET, "reset", reset, reset, false)                                                     \
	X(ECHO, "echo", echo, echo, false)                                                         \
	X(PROCESS, "process", process, process, true)                                              \
	X(FORK, "fork", fork, fork, true)                                                          \
	X(EXIT, "exit", one_proc, proc_call, true)                                                 \
	X(SWITCH, "switch", one_proc, proc_call, true)                                             \
	X(FILE, "file", file, file, true)                                                          \
	X(TRUNCATE, "truncate", truncate, file_call, true)                                         \
	X(FTRUNCATE, "ftruncate", truncate, file_call, true)                                       \
	X(READ, "read", file_io, read, true)                                                       \
	X(PREAD, "pread", file_io, read, true)                                                     \
	X(WRITE, "write", file_io, write, true)                                                    \
	X(PWRITE, "pwrite", file_io, write, true)                                                  \
	X(LSEEK, "lseek", lseek, lseek, true)                                                      \
	X(FSYNC, "fsync", one_file, file_call, true)                                               \
	X(FDATASYNC, "fdatasync", one_file, file_call, true)                                       \
	X(MMAP, "mmap", mmap, mmap, true)                                                          \
	X(MUNMAP, "munmap", munmap, range_call, true)                                              \
	X(MPROTECT, "mprotect", mprotect, range_call, true)                                        \
	X(MADVISE, "madvise", madvise, range_call, true)                                           \
	X(MSYNC, "msync", msync, range_call, true)                                                 \
	X(MREMAP, "mremap", mremap, mremap, true)                                                  \
	X(MLOCK, "mlock", mlock, range_call, true)                                                 \
	X(MUNLOCK, "munlock", mlock, range_call, true)                                             \
	X(MLOCKALL, "mlockall", mlockall, proc_call, true)                                         \
	X(MUNLOCKALL, "munlockall", mlockall, proc_call, true)                                     \
	X(BRK, "brk", brk, brk, true)                                                              \
	X(TOUCH, "touch", touch, touch, true)                                                      \
	X(SLEEP, "sleep", sleep, sleep, true)                                                      \
	X(STORE, "store", store, store, true)                                                      \
	X(LOAD, "load", load, load, true)                                                          \
	X(PRINT, "print", print, print, false)                                                     \
	X(SHOW, "show", show, show, true)                                                          \
	X(EXPECT, "expect", expect, expect, true)

enum stmt_kind {
#define SCENARIO_KIND(kind, keyword, parse, run, machine) ST_##kind,
	SCENARIO_COMMANDS(SCENARIO_KIND)
#undef SCENARIO_KIND
	    ST_COUNT
};

/* The keyword of a statement kind ("mmap"), for messages. */
const char *scenario_keyword(enum stmt_kind kind);

/* A key=value of a `machine` line, checked at parse time, applied at run time. */
struct setting {
	const char *key; /* as written */
	const char *val; /* the raw value text */
	int col;	 /* of the key */
	struct setting *next;
};

/* One piece of a print line: text, or an interpolated {expression[:format]}. */
struct piece {
	const char *text;   /* literal text (NULL for an expression) */
	struct expr *e;	    /* the expression */
	const char *format; /* "", "hex", "n" (exact number) */
	struct piece *next;
};

enum show_what {
	SHOW_MACHINE,
	SHOW_MEMORY,
	SHOW_PROCESSES,
	SHOW_FAULTS,
	SHOW_TLB,
	SHOW_WALKS,
	SHOW_RECLAIM,
	SHOW_TIME,
	SHOW_SIGNALS,
	SHOW_ALL,
	SHOW_RSS,	/* one process */
	SHOW_SMAPS,	/* one process */
	SHOW_WALK,	/* a process and a place */
	SHOW_TRANSLATE, /* an address */
	SHOW_FILES,	/* every file */
};

enum touch_kind {
	TK_READ,
	TK_WRITE,
	TK_EXEC,
	TK_RW,	/* a mix of reads and writes (writes=P%) */
	TK_RMW, /* each access reads then writes the same bytes */
};

struct stmt {
	enum stmt_kind kind;
	int line;	    /* 1-based line of the statement */
	const char *src;    /* the line as written (no newline) */
	const char *proc;   /* the process it acts on (most statements) */
	const char **procs; /* touch: every process, in turn order (procs[0] == proc) */
	size_t nprocs;	    /* touch: how many */
	uint64_t slice;	    /* touch: accesses per turn when several processes take turns */
	const char *name;   /* second name: area, child, file */
	struct place place;
	uint64_t size;		    /* mmap, truncate, file, read, write: bytes; load: count;
				     * sleep: nanoseconds */
	int64_t delta;		    /* brk +/-SIZE; lseek offset */
	bool absolute;		    /* brk ADDR */
	int prot;		    /* mmap, mprotect */
	int flags;		    /* mmap: VM_MAP_*; msync: VM_MS_*; lseek: whence */
	int advice;		    /* madvise */
	uint64_t at;		    /* mmap at=ADDR */
	uint64_t offset;	    /* mmap offset=SIZE (files); pread, pwrite offset */
	const char *file;	    /* mmap file=F; file path="..." */
	bool writable;		    /* file: opened read-write */
	uint64_t huge;		    /* mmap huge=2M/1G (not supported yet) */
	uint64_t text, data, stack; /* process exec layout */
	bool exec;		    /* process ... exec */
	enum touch_kind tkind;	    /* touch */
	struct gen_cfg gen;	    /* touch: the generator */
	uint32_t access_size;	    /* touch: bytes per access */
	const char *bytes;	    /* store, load/read expect, write: the bytes */
	size_t nbytes;		    /* their count */
	bool has_expect;	    /* load ... expect */
	struct setting *settings;   /* machine */
	struct piece *pieces;	    /* print */
	enum show_what show;	    /* show */
	unsigned levels;	    /* show translate levels= (0: the machine's) */
	enum vmsim_page_size ps;    /* show translate page= */
	struct expr *lhs, *rhs;	    /* expect */
	enum cmp_op op;		    /* expect */
	struct expr *tol;	    /* expect ... within TOL (NULL: none) */
	bool on;		    /* echo on/off */
	struct stmt *next;
};

struct script {
	const char *name;   /* for messages */
	struct arena arena; /* owns everything below */
	struct stmt *first; /* statements in order */
	const char *title;  /* the title line, or NULL */
};

/* ---- the runner ------------------------------------------------------------------ */

/* A named area of a process is a struct run_area (base/run.h): what `mmap
 * P NAME SIZE` created, its name as in the script, where the kernel put it
 * and the bytes asked for (the VMA is rounded up to pages). */

/* A process of the script. */
struct rproc {
	const char *name;	/* as in the script */
	int pid;		/* its pid */
	struct run_area *areas; /* its named areas (a forked child copies them) */
	size_t nareas, cap;
	vaddr_t heap_start; /* start of the heap: `heap` is [heap_start, brk) */
};

/* A file of the script. */
struct rfile {
	const char *name;  /* as in the script */
	int fd;		   /* the kernel's handle */
	uint64_t returned; /* bytes the last read or write on it returned (F.returned) */
};

/* System figures at a point in time, for last.* (the figures of the last
 * touch, store or load). */
struct snapshot {
	struct vmsim_sys_stats st; /* vmsim_sys_stats */
	uint64_t accesses;	   /* vmsim_access calls of all processes */
};

struct scenario_opts;
struct scenario_result;

struct runner {
	const struct scenario_opts *o; /* options (never NULL inside) */
	FILE *out, *err;	       /* where things go */
	struct script *s;	       /* the script */
	const char *dir;	       /* base of relative host paths, or NULL */
	const struct stmt *cur;	       /* the statement running, for messages */
	struct vmsim_system *sys;      /* the machine, NULL until built */
	struct vmsim_config cfg;       /* its configuration */
	const struct setting **set;    /* machine settings in force, in order */
	size_t nset, capset;
	struct rproc *procs; /* processes by creation order */
	size_t nprocs, capprocs;
	struct rfile *files; /* files */
	size_t nfiles, capfiles;
	bool echo;		     /* echo statements before running them */
	bool have_last;		     /* last.* figures exist */
	struct snapshot last_before; /* before the last touch/store/load */
	struct snapshot last_after;  /* after it */
	struct scenario_result *res; /* counts (never NULL inside) */
	uint64_t accesses;	     /* accesses made by touch, for hooks */
	uint64_t next_tick;	     /* hooks: accesses of the next tick */
	struct run_proc *named;	     /* the processes' names for reports (names_of) */
	size_t capnamed;
};

/* Print "name:line[:col]: message" for the current statement on r->err
 * (col 0: no column). Returns @rc. */
int runner_error(struct runner *r, int col, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Build the machine if it is not built yet. 0 or an error (printed). */
int runner_machine(struct runner *r);

/* The process named @name, or NULL. */
struct rproc *runner_proc(struct runner *r, const char *name);

/* The area @name of @p, or NULL. */
struct run_area *runner_area(struct rproc *p, const char *name);

/* Where @pl of @p is: [*@start, *@end). Without a range, *@end is the end
 * of the area (or @start + 1 for an absolute address). 0 or an error
 * (printed). */
int runner_place(struct runner *r, struct rproc *p, const struct place *pl,
		 vaddr_t *start /* out */, vaddr_t *end /* out */);

/* Take a snapshot of the system figures. */
void runner_snapshot(struct runner *r, struct snapshot *snap /* out */);

/* Evaluate @e. 0 or an error (printed with the column). */
int eval_expr(struct runner *r, const struct expr *e, struct value *out /* out */);

/* @v for a reader ("500 MiB", "25,600", "93.8%", "0x7ffd12345678", "yes");
 * @format "hex" or "n" (exact, grouped) changes that. */
void value_format(const struct value *v, const char *format, char *buf /* out */, size_t len);

/*
 * Parse @text into @s (initialised by the caller with name and a zeroed
 * arena). Returns 0, VMSIM_EPARSE with "name:line:col: message" in @err,
 * or VMSIM_ENOHOSTMEM. Checks names statically as far as the script shows
 * them (a process used before it is created is a syntax error).
 */
int script_parse(struct script *s, const char *text, char *err /* out */, size_t errlen);

/* Parse a number with an optional unit ("4K", "100MB", "8ms", "90%",
 * "0x1000", "24_415"). Returns 0, or VMSIM_EPARSE; *@used gets the
 * characters read. */
int scan_value(const char *s, struct value *out /* out */, size_t *used /* out */);

#endif
