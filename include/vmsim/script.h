/*
 * Entry points for scripting languages and tools that bind the library
 * through a foreign-function interface (the Python package uses them):
 * heap-allocated configurations so a binding never needs the layout of
 * struct vmsim_config, settings by name, range operations that stay in C,
 * and whole runs whose results come back as the JSON documents of
 * docs/FORMATS.md.
 *
 * Strings returned in *@json are allocated here and freed with
 * vmsim_string_free. Errors: 0 or a negative VMSIM_E* code, with a message
 * (one line, no newline) in @why when @why is not NULL. Nothing here exits,
 * aborts or prints.
 */
#ifndef VMSIM_SCRIPT_H
#define VMSIM_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/vm.h"

/* ---- configurations ----------------------------------------------------- */

/* A configuration on the heap holding vmsim_config_default's values, or
 * NULL when host memory is short. */
VMSIM_API struct vmsim_config *vmsim_config_new(void);

/* Free a configuration from vmsim_config_new (NULL allowed). */
VMSIM_API void vmsim_config_free(struct vmsim_config *cfg);

/* Set the machine setting @key to @value, both as written in a scenario's
 * `machine` command or on the command line ("ram", "1G"; docs/SCENARIOS.md
 * lists the keys). Returns 0, or VMSIM_EINVAL (unknown key or bad value)
 * with the reason in @why. @cfg is unchanged on failure. */
VMSIM_API int vmsim_config_set(struct vmsim_config *cfg, const char *key, const char *value,
			       char *why, size_t whylen);

/* ---- range operations --------------------------------------------------- */

/* What a range operation did, summed over its accesses. */
struct vmsim_range_result {
	uint64_t accesses;     /* accesses made */
	uint64_t faults_minor; /* minor faults they took */
	uint64_t faults_major; /* major faults they took */
	uint64_t segvs;	       /* accesses that raised SIGSEGV */
	bool killed;	       /* the process died during the range */
};

/*
 * @pid makes one access of @kind of @size bytes every @stride bytes from
 * @va up to @va + @len (a stride of 0 means 4096: one access per page), as
 * vmsim_access would, stopping early if the process dies. @res may be NULL.
 * Returns 0 or vmsim_access's errors (the accesses before the failing one
 * were made and are counted in @res).
 */
VMSIM_API int vmsim_access_range(struct vmsim_system *sys, int pid, vmsim_vaddr_t va, uint64_t len,
				 uint64_t stride, uint32_t size, enum vmsim_access_kind kind,
				 struct vmsim_range_result *res /* out, may be NULL */);

/* ---- reports as JSON ---------------------------------------------------- */

/* Free a string returned by this header (NULL allowed). */
VMSIM_API void vmsim_string_free(char *s);

/* The JSON report of @sys as `vmsim run --json` writes it (schema in
 * docs/FORMATS.md), with per-VMA smaps records when @smaps. @workload names
 * what ran (NULL: omitted). Returns 0 and *@json, or VMSIM_ENOHOSTMEM or an
 * error of vmsim_sys_stats / vmsim_proc_stats. */
VMSIM_API int vmsim_report_json(struct vmsim_system *sys, bool smaps, const char *workload,
				char **json /* out */);

/*
 * Build a machine from @cfg (NULL: the defaults), replay the trace file
 * @path on it (any format vmsim reads; compressed or not) and return its
 * JSON report in *@json. Returns 0, VMSIM_EINVAL (bad configuration),
 * VMSIM_EPARSE (bad trace: @why names the file and position), VMSIM_EIO.
 */
VMSIM_API int vmsim_run_trace_json(const struct vmsim_config *cfg, const char *path,
				   char **json /* out */, char *why, size_t whylen);

/*
 * Run the scenario @what (a built-in name, see `vmsim scenarios`, or a
 * scenario file), its `machine` lines first and then @settings (key=value
 * strings, NULL-terminated; NULL for none), and return the JSON report of
 * its machine at the end in *@json. @expects and @failed (either may be
 * NULL) get the scenario's `expect` lines and how many failed. The
 * scenario's own text output is discarded. Returns 0 or VMSIM_EPARSE,
 * VMSIM_EINVAL, VMSIM_EIO with @why filled.
 */
VMSIM_API int vmsim_run_scenario_json(const char *what, const char *const *settings,
				      char **json /* out */, unsigned *expects /* out */,
				      unsigned *failed /* out */, char *why, size_t whylen);

/*
 * The real Linux process @pid read from /proc as `vmsim inspect --json`
 * shows it (one process object; with its per-VMA records when @maps).
 * Returns 0 and *@json, or VMSIM_ESRCH (no such process), VMSIM_EACCES
 * (not allowed to read it), VMSIM_EIO with @why filled.
 */
VMSIM_API int vmsim_inspect_json(int pid, bool maps, char **json /* out */, char *why,
				 size_t whylen);

/* ---- reference-string mode ---------------------------------------------- */

/*
 * The misses of replacement policy @policy (vmsim paging --list names them)
 * over the @n page numbers @refs with each of the @nsizes frame counts
 * @frames (each >= 1), into @misses[i]. LRU is computed for every size in
 * one pass (stack distances); other policies run once per size. Returns 0,
 * VMSIM_EINVAL (unknown policy, a frame count of 0) or VMSIM_ENOHOSTMEM.
 */
VMSIM_API int vmsim_paging_misses(const uint64_t *refs, size_t n, const char *policy,
				  const uint64_t *frames, size_t nsizes, uint64_t *misses /* out */,
				  char *why, size_t whylen);

#endif
