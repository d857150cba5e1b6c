/*
 * The binding-friendly entry points of include/vmsim/script.h: heap
 * configurations, settings by name, range accesses, and whole runs whose
 * results come back as JSON text.
 *
 * This file sits above the workload and report layers (like the command
 * line does) and only composes them: the settings are the library table's
 * (vmsim/settings.h), the JSON documents are report_json's, the one-pass curve is
 * mrc.c's and the per-size loop is paging.c's. Callers: language bindings
 * (python/vmsim/), tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "linux/procfs.h"
#include "report/report_json.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/script.h"
#include "vmsim/settings.h"
#include "workload/mrc.h"
#include "workload/paging.h"
#include "workload/refstring.h"
#include "workload/replay.h"
#include "workload/scenario.h"
#include "workload/scenario_int.h"

__attribute__((format(printf, 3, 4))) static void say(char *why, size_t whylen, const char *fmt,
						      ...)
{
	va_list ap;
	va_start(ap, fmt);
	why_vset(why, whylen, 0, fmt, ap);
	va_end(ap);
}

/* ---- configurations ----------------------------------------------------- */

struct vmsim_config *vmsim_config_new(void)
{
	struct vmsim_config *cfg = malloc(sizeof(*cfg));
	if (cfg)
		vmsim_config_default(cfg);
	return cfg;
}

void vmsim_config_free(struct vmsim_config *cfg)
{
	free(cfg);
}

int vmsim_config_set(struct vmsim_config *cfg, const char *key, const char *value, char *why,
		     size_t whylen)
{
	char buf[256] = "";
	if (!cfg || !key || !value) {
		say(why, whylen, "%s", "a setting needs a configuration, a key and a value");
		return VMSIM_EINVAL;
	}
	struct vmsim_config scratch = *cfg;
	if (vmsim_setting_apply(&scratch, key, value, buf, sizeof(buf))) {
		say(why, whylen, "%s", buf);
		return VMSIM_EINVAL;
	}
	*cfg = scratch;
	return 0;
}

/* ---- range operations --------------------------------------------------- */

int vmsim_access_range(struct vmsim_system *sys, int pid, vaddr_t va, uint64_t len, uint64_t stride,
		       uint32_t size, enum vmsim_access_kind kind, struct vmsim_range_result *res)
{
	struct vmsim_range_result sum = {0};
	int rc = 0;
	if (!stride)
		stride = VMSIM_PAGE_SIZE;
	if (!size)
		rc = VMSIM_EINVAL;
	for (uint64_t off = 0; rc == 0 && off < len; off += stride) {
		struct vmsim_access_result r;
		rc = vmsim_access(sys, pid, va + off, size, kind, &r);
		if (rc)
			break;
		sum.accesses++;
		sum.faults_minor += r.faults_minor;
		sum.faults_major += r.faults_major;
		sum.segvs += r.segv;
		if (r.killed) {
			sum.killed = true;
			break;
		}
	}
	if (res)
		*res = sum;
	return rc;
}

/* ---- reports as JSON ---------------------------------------------------- */

void vmsim_string_free(char *s)
{
	free(s);
}

/* A FILE that collects what is written into a heap string. */
struct memout {
	FILE *f;
	char *buf;
	size_t len;
};

static int memout_open(struct memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f ? 0 : VMSIM_ENOHOSTMEM;
}

/* Close @m and hand its text to *@out (or free it when @keep is false). */
static int memout_close(struct memout *m, bool keep, char **out)
{
	int bad = fclose(m->f);
	if (bad || !keep) {
		free(m->buf);
		return bad ? VMSIM_ENOHOSTMEM : 0;
	}
	*out = m->buf;
	return 0;
}

int vmsim_report_json(struct vmsim_system *sys, bool smaps, const char *workload, char **json)
{
	struct memout m;
	if (!sys || !json)
		return VMSIM_EINVAL;
	*json = NULL;
	int rc = memout_open(&m);
	if (rc)
		return rc;
	struct report_json_opts jo = {
	    .indent = 0, .smaps = smaps, .generator = "libvmsim", .workload = workload};
	rc = report_json_write(m.f, sys, &jo);
	int crc = memout_close(&m, rc == 0, json);
	return rc ? rc : crc;
}

int vmsim_run_trace_json(const struct vmsim_config *cfg, const char *path, char **json, char *why,
			 size_t whylen)
{
	struct vmsim_config defaults;
	struct vmsim_system *sys;
	struct replay_opts ro;
	struct replay_stats st;
	struct trace_error terr = {{0}};

	if (!path || !json)
		return VMSIM_EINVAL;
	*json = NULL;
	if (!cfg) {
		vmsim_config_default(&defaults);
		cfg = &defaults;
	}
	int rc = vmsim_system_new(cfg, &sys);
	if (rc) {
		const char *p = vmsim_config_problem(cfg);
		say(why, whylen, "cannot build the machine: %s", p ? p : vmsim_strerror(rc));
		return rc;
	}
	replay_opts_default(&ro);
	rc = replay_file(sys, path, &ro, &st, &terr);
	if (rc)
		say(why, whylen, "%s", terr.msg[0] ? terr.msg : vmsim_strerror(rc));
	else
		rc = vmsim_report_json(sys, false, path, json);
	vmsim_system_free(sys);
	return rc;
}

/* What a scenario run hands back from its end-of-run hook. */
struct scenario_capture {
	char *json; /* the report, or NULL */
	int rc;	    /* of vmsim_report_json */
	const char *what;
};

static void scenario_capture_end(void *ctx, struct vmsim_system *sys, const struct run_names *names)
{
	struct scenario_capture *c = ctx;
	(void)names;
	free(c->json);
	c->json = NULL;
	c->rc = vmsim_report_json(sys, false, c->what, &c->json);
}

/* The first line of @text into @why. */
static void first_line(const char *text, char *why, size_t whylen)
{
	if (!why || !whylen)
		return;
	size_t n = text ? strcspn(text, "\n") : 0;
	if (n >= whylen)
		n = whylen - 1;
	memcpy(why, text ? text : "", n);
	why[n] = '\0';
}

int vmsim_run_scenario_json(const char *what, const char *const *settings, char **json,
			    unsigned *expects, unsigned *failed, char *why, size_t whylen)
{
	struct memout out, err;
	struct scenario_capture cap = {.json = NULL, .rc = 0, .what = what};
	struct scenario_result res = {0};
	char *errtext = NULL;

	if (!what || !json)
		return VMSIM_EINVAL;
	*json = NULL;
	if (memout_open(&out))
		return VMSIM_ENOHOSTMEM;
	if (memout_open(&err)) {
		memout_close(&out, false, NULL);
		return VMSIM_ENOHOSTMEM;
	}
	struct scenario_opts so = {
	    .out = out.f,
	    .err = err.f,
	    .headline = true,
	    .machine = settings,
	    .at_end = scenario_capture_end,
	    .ctx = &cap,
	};
	int rc = scenario_builtin_find(what) ? scenario_run_builtin(what, &so, &res)
					     : scenario_run_file(what, &so, &res);
	memout_close(&out, false, NULL);
	memout_close(&err, true, &errtext);
	if (rc == 0 && cap.rc)
		rc = cap.rc;
	if (rc == 0 && !cap.json) {
		rc = VMSIM_EINVAL;
		say(why, whylen, "%s: the scenario built no machine", what);
	} else if (rc) {
		if (errtext && errtext[0])
			first_line(errtext, why, whylen);
		else
			say(why, whylen, "%s", vmsim_strerror(rc));
	}
	free(errtext);
	if (rc) {
		free(cap.json);
		return rc;
	}
	*json = cap.json;
	if (expects)
		*expects = res.expects;
	if (failed)
		*failed = res.failed;
	return 0;
}

int vmsim_inspect_json(int pid, bool maps, char **json, char *why, size_t whylen)
{
	struct procfs_proc p;
	struct procfs_maps m = {0};
	char dir[64], buf[512] = "";
	struct memout out;

	if (!json || pid <= 0) {
		say(why, whylen, "%s", "a process id is a positive number");
		return VMSIM_EINVAL;
	}
	*json = NULL;
	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	memset(&p, 0, sizeof(p));
	int rc = procfs_read_proc(dir, &p, buf, sizeof(buf));
	if (rc == 0 && maps)
		rc = procfs_read_smaps(dir, &m, buf, sizeof(buf));
	if (rc) {
		say(why, whylen, "%s", buf[0] ? buf : vmsim_strerror(rc));
		procfs_maps_release(&m);
		return rc;
	}
	rc = memout_open(&out);
	if (rc == 0) {
		struct json_writer w;
		json_init(&w, out.f, 0);
		json_object_begin(&w);
		report_json_linux_process(&w, &p, maps ? &m : NULL);
		json_object_end(&w);
		rc = json_finish(&w);
		int crc = memout_close(&out, rc == 0, json);
		rc = rc ? rc : crc;
	}
	procfs_maps_release(&m);
	return rc;
}

/* ---- reference-string mode ---------------------------------------------- */

static int misses_lru(const uint64_t *refs, size_t n, const uint64_t *frames, size_t nsizes,
		      uint64_t *misses)
{
	struct mrc *m;
	int rc = mrc_new(&m, 1.0);
	if (rc)
		return rc;
	rc = mrc_feed(m, refs, n);
	for (size_t i = 0; rc == 0 && i < nsizes; i++)
		rc = mrc_misses(m, frames[i], &misses[i]);
	mrc_free(m);
	return rc;
}

static int misses_one(const struct vmsim_policy_ops *ops, const uint64_t *refs,
		      const uint64_t *next, size_t n, uint64_t frames, uint64_t *misses)
{
	struct paging_sim *sim;
	struct vmsim_policy_cfg pc = {0};
	bool future = (ops->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0;
	int rc = paging_new(&sim, ops, frames, &pc, future);
	if (rc)
		return rc;
	rc = paging_feed(sim, refs, future ? next : NULL, n);
	if (rc == 0)
		*misses = paging_stats(sim)->misses;
	paging_free(sim);
	return rc;
}

int vmsim_paging_misses(const uint64_t *refs, size_t n, const char *policy, const uint64_t *frames,
			size_t nsizes, uint64_t *misses, char *why, size_t whylen)
{
	const struct vmsim_policy_ops *ops = policy ? vmsim_policy_find(policy) : NULL;
	uint64_t *next = NULL;

	if (!ops) {
		say(why, whylen, "unknown policy '%s' (vmsim paging --list names them)",
		    policy ? policy : "(none)");
		return VMSIM_EINVAL;
	}
	if ((!refs && n) || (!frames && nsizes) || (!misses && nsizes))
		return VMSIM_EINVAL;
	for (size_t i = 0; i < nsizes; i++)
		if (frames[i] == 0) {
			say(why, whylen, "%s", "a frame count must be at least 1");
			return VMSIM_EINVAL;
		}
	if (strcmp(ops->name, "lru") == 0)
		return misses_lru(refs, n, frames, nsizes, misses);
	int rc = 0;
	if (ops->flags & VMSIM_POLICY_NEEDS_FUTURE)
		rc = refstring_next_use(refs, n, &next);
	for (size_t i = 0; rc == 0 && i < nsizes; i++)
		rc = misses_one(ops, refs, next, n, frames[i], &misses[i]);
	if (rc == VMSIM_ERANGE)
		say(why, whylen, "%s", "a frame count is larger than the simulator allows");
	else if (rc)
		say(why, whylen, "%s", vmsim_strerror(rc));
	free(next);
	return rc;
}
