/*
 * JSON output: a small streaming writer (json_*) and the versioned report
 * document built on it (report_json_*), whose schema docs/FORMATS.md
 * ("JSON report") describes.
 *
 * The writer emits one value at a time onto a FILE and keeps the commas,
 * the indentation and the nesting right. Strings are escaped as RFC 8259
 * asks and made valid UTF-8 (a byte that does not belong to a well-formed
 * sequence becomes U+FFFD). Integers are printed exactly as 64-bit
 * numbers; parsers that read numbers as doubles (JavaScript, older jq) lose
 * precision above 2^53, so every value that can get that large (virtual
 * addresses: the vsyscall page lives at 0xffffffffff600000) is written as
 * a "0x..." string instead. NaN and infinities, which JSON lacks, become
 * null.
 *
 * The same process object serves a simulated process (vmsim_proc_stats) and a
 * real Linux one (src/linux/procfs.h, `vmsim inspect --json`), so both can
 * be put side by side. Callers: src/cli/, tests. Reads stats only.
 */
#ifndef VMSIM_REPORT_JSON_H
#define VMSIM_REPORT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/run.h"
#include "vmsim/vm.h"

#define REPORT_JSON_SCHEMA  "vmsim-report" /* value of the top-level "schema" key */
#define REPORT_JSON_VERSION 1		   /* bumped when a key changes meaning or goes */

#define JSON_MAX_DEPTH 32 /* deepest nesting the writer accepts */

struct json_writer {
	FILE *f;			/* destination */
	unsigned indent;		/* spaces per level; 0: everything on one line */
	unsigned depth;			/* containers open */
	bool in_object[JSON_MAX_DEPTH]; /* per open container: object (else array) */
	bool empty;			/* the innermost container has no member yet */
	bool after_key;			/* a key was written and waits for its value */
	int err;			/* first error: VMSIM_EINVAL (misuse), VMSIM_EIO */
};

/* Start writing one JSON value (usually an object) onto @f. */
void json_init(struct json_writer *w, FILE *f, unsigned indent);

/*
 * The end of the document: checks that every container was closed and
 * writes a final newline. Returns 0, VMSIM_EINVAL if the calls did not
 * form one well-nested value (a value without a key inside an object, a
 * key inside an array, an unbalanced end, nesting deeper than
 * JSON_MAX_DEPTH), or VMSIM_EIO if a write to the FILE failed.
 */
int json_finish(struct json_writer *w);

/* Containers. Inside an object every value is preceded by json_key(). */
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);

/* Scalars. json_str(NULL) writes null; json_strn writes @n bytes of @s,
 * NUL bytes included (as \u0000). */
void json_str(struct json_writer *w, const char *s);
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v); /* 15 significant digits */
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
void json_hex(struct json_writer *w, uint64_t v); /* the string "0x1f" */

/* json_key() followed by the value. */
void json_kv_str(struct json_writer *w, const char *key, const char *s);
void json_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void json_kv_i64(struct json_writer *w, const char *key, int64_t v);
void json_kv_double(struct json_writer *w, const char *key, double v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
void json_kv_hex(struct json_writer *w, const char *key, uint64_t v);

/* ---- the report document ------------------------------------------------ */

struct report_json_opts {
	unsigned indent;	       /* spaces per nesting level; 0: one line */
	bool smaps;		       /* add each process's per-VMA "smaps" records */
	const char *generator;	       /* "vmsim 0.1.0"; NULL: "libvmsim" */
	const char *workload;	       /* what ran (file, scenario, "tour"); NULL: key omitted */
	bool interrupted;	       /* the run was stopped early: "interrupted": true */
	const struct run_names *names; /* the workload's process names (base/run.h); NULL: none */
};

/*
 * Write the whole report of simulation @sys onto @f: schema and version,
 * the configuration, the system counters, every process that exists or
 * existed (pid order) with its SIGSEGV and OOM records. Call it after the
 * run (it only reads). Returns 0, VMSIM_EIO (a write failed) or an error
 * of vmsim_sys_stats/vmsim_proc_stats/vmsim_smaps.
 */
int report_json_write(FILE *f, struct vmsim_system *sys, const struct report_json_opts *opts);

/* The same into the file @path ("-": standard output), created or
 * truncated. Returns 0, VMSIM_EIO (cannot create or write @path; errno
 * says why) or an error of report_json_write. */
int report_json_write_path(const char *path, struct vmsim_system *sys,
			   const struct report_json_opts *opts);

/*
 * The pieces, for callers composing their own documents (vmsim inspect,
 * vmsim compare). Each writes one value, so inside an object call
 * json_key() first; report_json_header writes the four identifying
 * members ("schema", "version", "source", "generator") into the object
 * already open.
 */
void report_json_header(struct json_writer *w, const char *source, const char *generator);
void report_json_config(struct json_writer *w, const struct vmsim_config *cfg);
void report_json_system(struct json_writer *w, const struct vmsim_sys_stats *st,
			const struct vmsim_config *cfg /* may be NULL: no per-level sizes */);
void report_json_smaps_entry(struct json_writer *w, const struct vmsim_smaps_entry *e);

/* The process object of simulated process @pid (with "smaps" if @smaps),
 * its "name" the one @name gives it (NULL allowed: null).
 * Returns 0 or the error of vmsim_proc_stats/vmsim_smaps; on error nothing was
 * written. */
int report_json_sim_process(struct json_writer *w, struct vmsim_system *sys, int pid, bool smaps,
			    const struct run_names *names);

/* The members every process object has, from @st (bytes), written into an
 * object already open. */
void report_json_proc_common(struct json_writer *w, const struct vmsim_proc_stats *st);

/* A real Linux process (src/linux/procfs.h), as members of an object
 * already open: the common members, then the Linux-only ones, then
 * "smaps" if @maps is not NULL. The caller adds "wss" and "share"
 * (report_json_share) and closes the object. */
struct procfs_proc;
struct procfs_maps;
struct procfs_share;
void report_json_linux_process(struct json_writer *w, const struct procfs_proc *p,
			       const struct procfs_maps *maps /* NULL: no smaps */);

/* The "share" object of `vmsim inspect --share`: the frames the process
 * shares with process @other, and where. */
void report_json_share(struct json_writer *w, const struct procfs_share *s, int other);

/* "r-xp" for VMSIM_PROT_* @prot and VM_MAP_* @flags, into @buf (5 bytes). */
const char *report_perms_str(int prot, int flags, char buf[5]);

#endif
