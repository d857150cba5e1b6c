/*
 * Sweeps: many runs of the simulator over the cross product of machine
 * settings (axes) and workloads, each run reduced to a few numbers
 * (metrics) read from its JSON report. The spec language is documented in
 * docs/FORMATS.md ("Sweep specs").
 *
 *	sweep_spec.c     parse a spec, expand it into points, check every axis
 *	                 value, setting, workload and metric before anything runs
 *	sweep_run.c      run one point (in the calling process) and compute its
 *	                 metrics; the machine-setting adapter
 *	sweep_json.c     the JSON reader metrics are found with
 *
 * A point is one workload, one value of every axis and one repetition.
 * Points are numbered 0.. in the order the spec expands them (workloads
 * outermost, the last axis and then the repetition varying fastest, the
 * excluded points left out), and each has a key naming its settings, which
 * identifies it across runs: resuming and merging go by key.
 *
 * Callers: src/cli/cmd_sweep.c (which forks one child per point), tests.
 */
#ifndef VMSIM_SWEEP_H
#define VMSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmsim_config;

#define SWEEP_MAX_AXES	 16	 /* axes in one spec */
#define SWEEP_MAX_POINTS 1000000 /* points one spec may expand to */
#define SWEEP_MAX_VALUES 10000	 /* values of one axis */

/* ---- the JSON reader (sweep_json.c) -------------------------------------- */

enum sweep_json_type {
	SWEEP_JSON_NULL = 0,
	SWEEP_JSON_BOOL,   /* num is 0 or 1 */
	SWEEP_JSON_NUMBER, /* num */
	SWEEP_JSON_STRING, /* str */
	SWEEP_JSON_ARRAY,  /* items[0..n) */
	SWEEP_JSON_OBJECT, /* keys[i] names items[i] */
};

struct sweep_json {
	enum sweep_json_type type; /* which members below mean something */
	double num;		   /* number, bool */
	char *str;		   /* string, NUL-terminated (UTF-8) */
	size_t n, cap;		   /* array and object: children used, allocated */
	struct sweep_json *items;  /* the children */
	char **keys;		   /* object: the member names */
};

/* Parse the JSON document @text (@len bytes) into *@out. Returns 0, or
 * VMSIM_EPARSE with "byte N: what was expected" in @err (may be NULL), or
 * VMSIM_ENOHOSTMEM. */
int sweep_json_parse(const char *text, size_t len, struct sweep_json **out /* out */, char *err,
		     size_t errlen);

void sweep_json_free(struct sweep_json *v);

/* Member @key of object @v, or NULL (also when @v is not an object). */
const struct sweep_json *sweep_json_member(const struct sweep_json *v, const char *key);

/*
 * The value at @path in @root: member names separated by dots, array
 * elements by [N] (from 0) or [NAME] (the element with a string member
 * equal to NAME: "system.mmu.tlb[L1D].misses"). The value must be a
 * number, a bool or null. Returns 0 and *@out; VMSIM_EPARSE (malformed
 * path), VMSIM_ENOENT (no such member or element) or VMSIM_EINVAL (not a
 * number) with the reason in @why. @lenient: an empty array, or an index
 * past its end, accepts whatever follows (0 with *@out NULL), for checking
 * a path against a report whose arrays may be empty.
 */
int sweep_json_path(const struct sweep_json *root, const char *path, bool lenient,
		    const struct sweep_json **out /* out */, char *why, size_t whylen);

/* ---- the spec (sweep_spec.c) ---------------------------------------------- */

struct sweep_pos {
	unsigned line, col; /* in the spec, from 1 */
};

/* One axis: a machine setting and the values it takes. */
struct sweep_axis {
	char *name;		/* the setting ("policy", "l1d_entries") */
	struct sweep_pos pos;	/* of the name */
	size_t nvalues;		/* >= 1 */
	char **values;		/* as written (ranges expanded) */
	struct sweep_pos *vpos; /* where each value was written */
};

/* A setting every point gets (a `set` line). */
struct sweep_fixed {
	char *key, *val;
	struct sweep_pos pos; /* of the key */
};

enum sweep_workload_kind {
	SWEEP_TRACE = 0, /* a trace file (any format vmsim reads; recorded programs) */
	SWEEP_SCENARIO,	 /* a built-in scenario or a .vms file */
	SWEEP_GEN,	 /* a generated access pattern over an area */
};

struct sweep_workload {
	enum sweep_workload_kind kind;
	char *label;	      /* its name in results ("sort"), unique */
	char *what;	      /* trace path, scenario name or path, generator pattern */
	char *size;	      /* gen: the area's size ("64M"); else NULL */
	struct sweep_pos pos; /* of the kind word */
};

enum sweep_op {
	SWEEP_OP_NUM = 0, /* push num */
	SWEEP_OP_PATH,	  /* push the report's value at path */
	SWEEP_OP_ADD,
	SWEEP_OP_SUB,
	SWEEP_OP_MUL,
	SWEEP_OP_DIV,
	SWEEP_OP_NEG,
};

/* One step of a metric's expression, in postfix order. */
struct sweep_term {
	enum sweep_op op;
	double num;   /* SWEEP_OP_NUM */
	char *path;   /* SWEEP_OP_PATH */
	unsigned col; /* where it was written */
};

struct sweep_metric {
	char *name;	      /* its column in results */
	struct sweep_pos pos; /* of the name */
	size_t nterms;	      /* the expression, postfix */
	struct sweep_term *terms;
};

/* An `exclude` line: points matching every condition are left out. */
struct sweep_exclude {
	size_t n;      /* conditions */
	int *axis;     /* axis index, or -1: the workload label */
	size_t *value; /* index of the value (axis) or of the workload */
	struct sweep_pos pos;
};

struct sweep_point {
	uint32_t workload;		/* index into workloads */
	uint32_t rep;			/* repetition, from 0 */
	uint16_t value[SWEEP_MAX_AXES]; /* per axis: index of its value */
};

struct sweep_spec {
	char *name;   /* as given (messages) */
	char *dir;    /* relative paths in the spec start here */
	size_t naxes; /* axes */
	struct sweep_axis axes[SWEEP_MAX_AXES];
	size_t nfixed; /* set lines */
	struct sweep_fixed *fixed;
	size_t nworkloads; /* >= 1 */
	struct sweep_workload *workloads;
	size_t nmetrics; /* >= 1 */
	struct sweep_metric *metrics;
	size_t nexcludes;
	struct sweep_exclude *excludes;
	unsigned repeat; /* repetitions of each point, >= 1 */
	size_t npoints;	 /* after exclusions */
	struct sweep_point *points;
	struct sweep_alloc *allocs; /* every allocation, freed together */
};

/*
 * Parse the spec @text, named @name in messages, whose relative paths start
 * at @dir (NULL: the current directory), and expand its points. Returns 0
 * and *@out, or VMSIM_EPARSE with "name:line:col: message" in @err
 * (saying what was expected), or VMSIM_ENOHOSTMEM. Only the syntax and the
 * names within the spec are checked here; sweep_spec_check does the rest.
 */
int sweep_spec_parse(const char *name, const char *text, const char *dir,
		     struct sweep_spec **out /* out */, char *err, size_t errlen);

/* Read the file @path and parse it (relative paths start at its directory).
 * VMSIM_EIO with the reason in @err if it cannot be read. */
int sweep_spec_load(const char *path, struct sweep_spec **out /* out */, char *err, size_t errlen);

void sweep_spec_free(struct sweep_spec *s);

/*
 * Check everything that can be checked before running: every axis value
 * and fixed setting (applied to the default machine, so a value out of
 * range is reported for its axis), every workload (files exist, scenarios
 * parse, generators are well formed) and every metric path (against the
 * report of a machine with one process). Returns 0, or VMSIM_EINVAL with
 * "name:line:col: message" in @err.
 */
int sweep_spec_check(const struct sweep_spec *s, char *err, size_t errlen);

/* The key of point @p: "workload=sort l1d_entries=64 page_size=4k rep=0". */
void sweep_point_key(const struct sweep_spec *s, size_t p, char *buf /* out */, size_t len);

/* The value of axis @a at point @p. */
const char *sweep_point_value(const struct sweep_spec *s, size_t p, size_t a);

/* ---- running a point (sweep_run.c) ---------------------------------------- */

/*
 * Run point @p of @s in this process and compute its metrics into
 * values[0..nmetrics) (present[i] false: the metric has no value, as a
 * ratio with nothing to divide by or a path to an array element the run
 * did not make). Returns 0, or a negative VMSIM_E* with the reason in @err
 * (a machine that cannot be built, a trace that does not read, a scenario
 * that stops on an error). Prints nothing. The caller isolates crashes
 * (src/cli/cmd_sweep.c runs each point in a child process).
 */
int sweep_point_run(const struct sweep_spec *s, size_t p, double *values /* out */,
		    bool *present /* out */, char *err, size_t errlen);

/*
 * The machine-setting adapter: apply axis or fixed setting @key = @val to
 * @cfg. Takes every setting of the scenario language's `machine` line and
 * the sweep's own: frames (RAM in 4 KiB frames), page_size (4k: THP never,
 * 2m: THP always), l1d_entries, l2_entries (entries of every array of
 * that TLB level, keeping its ways; l2_entries=0: no L2 TLB). Returns 0, or VMSIM_EINVAL with the
 * reason in @why.
 */
int sweep_setting_apply(struct vmsim_config *cfg, const char *key, const char *val, char *why,
			size_t whylen);

/* Is @key a setting sweep_setting_apply takes? */
bool sweep_setting_known(const char *key);

/* The scenario-language form of @key = @val ("ram=64M") into @buf, for
 * scenario and generator workloads; false if scenarios cannot take @key. */
bool sweep_setting_for_scenario(const char *key, const char *val, char *buf /* out */, size_t len);

/* The names sweep_setting_known accepts, ", "-separated, into @buf. */
void sweep_setting_names(char *buf /* out */, size_t len);

#endif
