/*
 * Sweeps: checking a spec against the machine, and running one point.
 *
 * A point's machine is the default machine with the spec's `set` lines
 * and then the point's axis values applied (a cpu= setting first, since a
 * CPU preset replaces the whole MMU). Traces are replayed on it directly;
 * scenarios and generators run through the scenario engine with the same
 * settings as `machine` lines. The run's JSON report (docs/FORMATS.md) is
 * written into memory, read back, and each metric's expression evaluated
 * over it, so a metric path means exactly what it means in `--json`.
 *
 * The settings adapter below is the one place that knows which settings
 * an axis may name: the machine settings (vmsim_setting_apply, the one
 * table of include/vmsim/settings.h) and a few of the sweep's own.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report_json.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "vmsim/settings.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/scenario.h"
#include "workload/scenario_int.h"
#include "workload/sweep.h"
#include "workload/trace.h"

/* ---- the settings adapter -------------------------------------------------- */

/* Settings of the sweep's own, on top of the scenario language's. */
static const struct {
	const char *key;
	bool scenario; /* expressible as a scenario machine setting */
} own_settings[] = {
    {"frames", true},	    /* RAM in 4 KiB frames: ram = frames * 4096 */
    {"page_size", true},    /* 4k: thp=never, 2m: thp=always */
    {"l1d_entries", false}, /* entries of every L1 dTLB array */
    {"l2_entries", false},  /* entries of every L2 TLB array; 0: no L2 TLB */
};

bool sweep_setting_known(const char *key)
{
	for (size_t i = 0; i < sizeof(own_settings) / sizeof(own_settings[0]); i++)
		if (!strcmp(own_settings[i].key, key))
			return true;
	return vmsim_setting_find(key) && strcmp(key, "check");
}

void sweep_setting_names(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	used += (size_t)snprintf(buf, len, "the machine settings of scenarios (docs/SCENARIOS.md)");
	for (size_t i = 0; i < sizeof(own_settings) / sizeof(own_settings[0]) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, ", %s", own_settings[i].key);
}

static int parse_count(const char *val, uint64_t max, uint64_t *out)
{
	char *end;
	if (!*val || *val == '-' || *val == '+')
		return VMSIM_EINVAL;
	errno = 0;
	unsigned long long v = strtoull(val, &end, 10);
	if (*end || errno || v == 0 || v > max)
		return VMSIM_EINVAL;
	*out = v;
	return 0;
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* Every array of TLB level @lvl gets @n entries, keeping its ways (a fully
 * associative array stays fully associative; one with more ways than @n
 * becomes fully associative). Fails, naming the array, when @n entries do
 * not make a power-of-two number of sets. */
static int set_tlb_entries(struct vmsim_config *cfg, enum vmsim_tlb_level lvl, uint32_t n,
			   char *why, size_t whylen)
{
	static const char *const size_names[] = {"4K", "2M", "1G"};
	struct vmsim_tlb_level_cfg *l = &cfg->mmu.tlb.level[lvl];
	for (unsigned i = 0; i < l->narrays; i++) {
		struct vmsim_tlb_array_cfg *a = &l->arrays[i];
		if (a->entries == 0)
			continue;
		if (a->ways == 0 || a->ways >= a->entries || a->ways >= n) {
			a->ways = 0;
		} else if (n % a->ways || !pow2(n / a->ways)) {
			char sizes[16] = "";
			for (int k = 0; k < 3; k++)
				if (a->sizes & (1u << k))
					snprintf(sizes + strlen(sizes),
						 sizeof(sizes) - strlen(sizes), "%s%s",
						 sizes[0] ? "/" : "", size_names[k]);
			snprintf(
			    why, whylen,
			    "%u entries do not fit the %u-way %s array of the %s TLB (expected "
			    "%u times a power of two: %u, %u, %u, ...)",
			    n, a->ways, sizes, lvl == VMSIM_TLB_L1D ? "L1 data" : "L2", a->ways,
			    a->ways, a->ways * 2, a->ways * 4);
			return VMSIM_EINVAL;
		}
		if (a->ways == 0 && a->repl == VMSIM_REPL_PLRU && !pow2(n))
			a->repl = VMSIM_REPL_LRU;
		a->entries = n;
	}
	if (cfg->mmu.cpu)
		cfg->mmu.cpu = "custom";
	return 0;
}

int sweep_setting_apply(struct vmsim_config *cfg, const char *key, const char *val, char *why,
			size_t whylen)
{
	uint64_t n;
	char buf[64];

	if (!strcmp(key, "frames")) {
		if (parse_count(val, UINT64_MAX / 4096, &n)) {
			snprintf(why, whylen, "expected a number of 4 KiB frames, found '%s'", val);
			return VMSIM_EINVAL;
		}
		if (n < 64) {
			snprintf(why, whylen,
				 "expected at least 64 frames (RAM of 256K), found '%s'", val);
			return VMSIM_EINVAL;
		}
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(n * 4096));
		return vmsim_setting_apply(cfg, "ram", buf, why, whylen);
	}
	if (!strcmp(key, "page_size")) {
		if (!strcmp(val, "4k") || !strcmp(val, "4K"))
			return vmsim_setting_apply(cfg, "thp", "never", why, whylen);
		if (!strcmp(val, "2m") || !strcmp(val, "2M"))
			return vmsim_setting_apply(cfg, "thp", "always", why, whylen);
		snprintf(why, whylen,
			 "expected 4k (THP never) or 2m (THP always: 2 MiB pages where they fit), "
			 "found '%s'",
			 val);
		return VMSIM_EINVAL;
	}
	if (!strcmp(key, "l2_entries") && !strcmp(val, "0")) { /* no second level */
		cfg->mmu.tlb.level[VMSIM_TLB_L2].narrays = 0;
		if (cfg->mmu.cpu)
			cfg->mmu.cpu = "custom";
		return 0;
	}
	if (!strcmp(key, "l1d_entries") || !strcmp(key, "l2_entries")) {
		if (parse_count(val, 65536, &n)) {
			snprintf(why, whylen,
				 "expected a number of TLB entries from 1 to 65536, "
				 "found '%s'",
				 val);
			return VMSIM_EINVAL;
		}
		return set_tlb_entries(cfg, key[1] == '1' ? VMSIM_TLB_L1D : VMSIM_TLB_L2,
				       (uint32_t)n, why, whylen);
	}
	if (!sweep_setting_known(key)) {
		snprintf(why, whylen, "unknown machine setting '%s'", key);
		return VMSIM_EINVAL;
	}
	return vmsim_setting_apply(cfg, key, val, why, whylen);
}

bool sweep_setting_for_scenario(const char *key, const char *val, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(own_settings) / sizeof(own_settings[0]); i++)
		if (!strcmp(own_settings[i].key, key)) {
			uint64_t n;
			if (!own_settings[i].scenario)
				return false;
			if (!strcmp(key, "frames")) {
				if (parse_count(val, UINT64_MAX / 4096, &n))
					return false;
				snprintf(buf, len, "ram=%llu", (unsigned long long)(n * 4096));
			} else {
				snprintf(buf, len, "thp=%s", val[0] == '2' ? "always" : "never");
			}
			return true;
		}
	snprintf(buf, len, "%s=%s", key, val);
	return true;
}

/* ---- a point's machine ----------------------------------------------------------- */

/* The settings of point @p, in the order they apply: cpu first. */
struct point_settings {
	size_t n;
	const char *key[SWEEP_MAX_AXES + 64];
	const char *val[SWEEP_MAX_AXES + 64];
	struct sweep_pos pos[SWEEP_MAX_AXES + 64];
};

static void gather(const struct sweep_spec *s, size_t p, struct point_settings *ps)
{
	ps->n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->nfixed && ps->n < 64; i++)
			if ((pass == 0) == !strcmp(s->fixed[i].key, "cpu")) {
				ps->key[ps->n] = s->fixed[i].key;
				ps->val[ps->n] = s->fixed[i].val;
				ps->pos[ps->n++] = s->fixed[i].pos;
			}
		for (size_t a = 0; a < s->naxes; a++)
			if ((pass == 0) == !strcmp(s->axes[a].name, "cpu")) {
				const struct sweep_axis *ax = &s->axes[a];
				size_t v = s->points[p].value[a];
				ps->key[ps->n] = ax->name;
				ps->val[ps->n] = ax->values[v];
				ps->pos[ps->n++] = ax->vpos[v];
			}
	}
}

/* The path of @what for opening: relative paths start at the spec's dir. */
static void resolve(const struct sweep_spec *s, const char *what, char *buf, size_t len)
{
	if (what[0] == '/' || !s->dir)
		snprintf(buf, len, "%s", what);
	else
		snprintf(buf, len, "%s/%s", s->dir, what);
}

/* The scenario text of a generator workload (as vmsim run --gen writes). */
static void gen_text(const struct sweep_workload *wl, char *buf, size_t len)
{
	snprintf(buf, len, "process P\nmmap P work %s\ntouch P work %s\n", wl->size, wl->what);
}

/* ---- checking a spec ---------------------------------------------------------- */

static int check_fail(char *err, size_t errlen, const struct sweep_spec *s, struct sweep_pos pos,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int check_fail(char *err, size_t errlen, const struct sweep_spec *s, struct sweep_pos pos,
		      const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u:%u: ", s->name, pos.line, pos.col);
	if (n > 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return VMSIM_EINVAL;
}

/* Apply @key=@val to a copy of @base and check the machine can be built. */
static int try_setting(const struct vmsim_config *base, const char *key, const char *val, char *why,
		       size_t whylen)
{
	struct vmsim_config cfg = *base;
	int rc = sweep_setting_apply(&cfg, key, val, why, whylen);
	if (rc)
		return rc;
	const char *problem = vmsim_config_problem(&cfg);
	if (problem) {
		snprintf(why, whylen, "%s", problem);
		return VMSIM_EINVAL;
	}
	struct vmsim_system *sys;
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		snprintf(why, whylen, "the machine cannot be built: %s", vmsim_strerror(rc));
		return rc;
	}
	vmsim_system_free(sys);
	return 0;
}

static int check_settings(const struct sweep_spec *s, char *err, size_t errlen)
{
	struct vmsim_config base;
	char why[512];
	bool scenarios = false;

	for (size_t w = 0; w < s->nworkloads; w++)
		scenarios |= s->workloads[w].kind != SWEEP_TRACE;
	vmsim_config_default(&base);
	/* the fixed settings, cpu first, on the default machine */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->nfixed; i++) {
			const struct sweep_fixed *f = &s->fixed[i];
			if ((pass == 0) != !strcmp(f->key, "cpu"))
				continue;
			if (sweep_setting_apply(&base, f->key, f->val, why, sizeof(why)))
				return check_fail(err, errlen, s, f->pos, "set %s: %s", f->key,
						  why);
			char sc[128];
			if (scenarios &&
			    !sweep_setting_for_scenario(f->key, f->val, sc, sizeof(sc)))
				return check_fail(err, errlen, s, f->pos,
						  "set %s: only trace workloads take this setting "
						  "(scenarios and generators build their machine "
						  "from scenario settings)",
						  f->key);
		}
	const char *problem = vmsim_config_problem(&base);
	if (problem) {
		struct sweep_pos pos = s->nfixed ? s->fixed[0].pos : (struct sweep_pos){1, 1};
		return check_fail(err, errlen, s, pos, "the fixed settings: %s", problem);
	}
	/* every axis value, cpu axes first (they replace the MMU) */
	for (size_t a = 0; a < s->naxes; a++) {
		const struct sweep_axis *ax = &s->axes[a];
		for (size_t v = 0; v < ax->nvalues; v++) {
			char sc[128];
			if (try_setting(&base, ax->name, ax->values[v], why, sizeof(why)))
				return check_fail(err, errlen, s, ax->vpos[v],
						  "axis %s: value '%s' rejected: %s", ax->name,
						  ax->values[v], why);
			if (scenarios &&
			    !sweep_setting_for_scenario(ax->name, ax->values[v], sc, sizeof(sc)))
				return check_fail(err, errlen, s, ax->pos,
						  "axis %s: only trace workloads take this setting "
						  "(scenarios and generators build their machine "
						  "from scenario settings)",
						  ax->name);
		}
	}
	/* every point's whole machine (values that are fine alone may clash) */
	for (size_t p = 0; p < s->npoints; p++) {
		struct point_settings ps;
		struct vmsim_config cfg;
		vmsim_config_default(&cfg);
		gather(s, p, &ps);
		for (size_t i = 0; i < ps.n; i++)
			if (sweep_setting_apply(&cfg, ps.key[i], ps.val[i], why, sizeof(why)))
				return check_fail(err, errlen, s, ps.pos[i], "%s: %s", ps.key[i],
						  why);
		if ((problem = vmsim_config_problem(&cfg))) {
			char key[1024];
			sweep_point_key(s, p, key, sizeof(key));
			struct sweep_pos pos = ps.n ? ps.pos[ps.n - 1] : (struct sweep_pos){1, 1};
			return check_fail(err, errlen, s, pos, "point %zu (%s): %s", p, key,
					  problem);
		}
	}
	return 0;
}

static int check_workloads(const struct sweep_spec *s, char *err, size_t errlen)
{
	char path[4096 + 512], why[1024];
	for (size_t w = 0; w < s->nworkloads; w++) {
		const struct sweep_workload *wl = &s->workloads[w];
		struct stat sb;
		if (wl->kind == SWEEP_TRACE) {
			resolve(s, wl->what, path, sizeof(path));
			FILE *f = fopen(path, "rb");
			if (!f || stat(path, &sb) || S_ISDIR(sb.st_mode)) {
				int e = f ? EISDIR : errno;
				if (f)
					fclose(f);
				return check_fail(err, errlen, s, wl->pos,
						  "trace '%s': cannot open %s: %s", wl->what, path,
						  strerror(e));
			}
			fclose(f);
		} else if (wl->kind == SWEEP_SCENARIO) {
			if (scenario_builtin_find(wl->what))
				continue;
			resolve(s, wl->what, path, sizeof(path));
			FILE *f = fopen(path, "rb");
			if (!f)
				return check_fail(err, errlen, s, wl->pos,
						  "scenario '%s': no such built-in scenario, and "
						  "cannot open %s: %s",
						  wl->what, path, strerror(errno));
			char *text = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&text, &len);
			char buf[4096];
			size_t got;
			while (m && (got = fread(buf, 1, sizeof(buf), f)) > 0)
				fwrite(buf, 1, got, m);
			fclose(f);
			if (!m || fclose(m))
				return check_fail(err, errlen, s, wl->pos, "scenario '%s': %s",
						  wl->what, "out of memory");
			int rc = scenario_check_syntax(path, text, why, sizeof(why));
			free(text);
			if (rc)
				return check_fail(err, errlen, s, wl->pos, "scenario '%s': %s",
						  wl->what, why);
		} else {
			char text[1024];
			gen_text(wl, text, sizeof(text));
			if (scenario_check_syntax("gen", text, why, sizeof(why))) {
				/* "gen:2:13: message": keep the message */
				const char *msg = why;
				for (int k = 0; k < 3 && strchr(msg, ':'); k++)
					msg = strchr(msg, ':') + 1;
				while (*msg == ' ')
					msg++;
				return check_fail(err, errlen, s, wl->pos,
						  "generator '%s' over %s: %s", wl->what, wl->size,
						  msg);
			}
		}
	}
	return 0;
}

/* The JSON report of @sys, parsed. */
static int report_of(struct vmsim_system *sys, const char *workload, struct sweep_json **out,
		     char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct report_json_opts jo = {
	    .indent = 0, .generator = "vmsim sweep", .workload = workload};
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of host memory for the report");
		return VMSIM_ENOHOSTMEM;
	}
	rc = report_json_write(f, sys, &jo);
	if (fclose(f) && !rc)
		rc = VMSIM_EIO;
	if (rc) {
		snprintf(err, errlen, "cannot write the report: %s", vmsim_strerror(rc));
		free(text);
		return rc;
	}
	char why[256];
	rc = sweep_json_parse(text, len, out, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "the report does not read back: %s", why);
	free(text);
	return rc;
}

static int check_metrics(const struct sweep_spec *s, char *err, size_t errlen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct sweep_json *doc;
	int pid, rc;

	vmsim_config_default(&cfg);
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		snprintf(err, errlen, "cannot build the default machine: %s", vmsim_strerror(rc));
		return rc;
	}
	if ((rc = vmsim_process_create(sys, &pid)) == 0)
		rc = report_of(sys, NULL, &doc, err, errlen);
	vmsim_system_free(sys);
	if (rc)
		return rc;
	for (size_t m = 0; m < s->nmetrics && !rc; m++) {
		const struct sweep_metric *mt = &s->metrics[m];
		for (size_t t = 0; t < mt->nterms && !rc; t++) {
			const struct sweep_json *v;
			char why[512];
			if (mt->terms[t].op != SWEEP_OP_PATH)
				continue;
			if (sweep_json_path(doc, mt->terms[t].path, true, &v, why, sizeof(why)))
				rc = check_fail(err, errlen, s,
						(struct sweep_pos){mt->pos.line, mt->terms[t].col},
						"metric %s: unknown metric path '%s': %s", mt->name,
						mt->terms[t].path, why);
		}
	}
	sweep_json_free(doc);
	return rc;
}

int sweep_spec_check(const struct sweep_spec *s, char *err, size_t errlen)
{
	int rc = check_settings(s, err, errlen);
	if (!rc)
		rc = check_workloads(s, err, errlen);
	if (!rc)
		rc = check_metrics(s, err, errlen);
	return rc ? VMSIM_EINVAL : 0;
}

/* ---- running a point ------------------------------------------------------------ */

static void eval_metrics(const struct sweep_spec *s, const struct sweep_json *doc, double *values,
			 bool *present)
{
	for (size_t m = 0; m < s->nmetrics; m++) {
		const struct sweep_metric *mt = &s->metrics[m];
		double stack[64];
		bool ok[64];
		size_t sp = 0;
		for (size_t t = 0; t < mt->nterms && sp < 64; t++) {
			const struct sweep_term *tm = &mt->terms[t];
			const struct sweep_json *v;
			char why[256];
			double a, b;
			bool oa, ob;
			switch (tm->op) {
			case SWEEP_OP_NUM:
				stack[sp] = tm->num;
				ok[sp++] = true;
				break;
			case SWEEP_OP_PATH:
				if (sweep_json_path(doc, tm->path, false, &v, why, sizeof(why)) ||
				    v->type == SWEEP_JSON_NULL) {
					stack[sp] = 0;
					ok[sp++] = false;
				} else {
					stack[sp] = v->num;
					ok[sp++] = true;
				}
				break;
			case SWEEP_OP_NEG:
				stack[sp - 1] = -stack[sp - 1];
				break;
			default:
				b = stack[--sp];
				ob = ok[sp];
				a = stack[sp - 1];
				oa = ok[sp - 1];
				ok[sp - 1] = oa && ob;
				stack[sp - 1] = tm->op == SWEEP_OP_ADD	 ? a + b
						: tm->op == SWEEP_OP_SUB ? a - b
						: tm->op == SWEEP_OP_MUL ? a * b
						: b != 0		 ? a / b
									 : NAN;
				break;
			}
		}
		values[m] = sp == 1 ? stack[0] : NAN;
		present[m] = sp == 1 && ok[0] && isfinite(values[m]);
	}
}

struct at_end_ctx {
	const char *label;
	struct sweep_json *doc;
	char *err;
	size_t errlen;
	int rc;
};

static void scenario_at_end(void *ctx, struct vmsim_system *sys, const struct run_names *names)
{
	struct at_end_ctx *c = ctx;
	(void)names;
	if (!c->doc)
		c->rc = report_of(sys, c->label, &c->doc, c->err, c->errlen);
}

/* The first line of @text, trimmed, into @err. */
static void first_line(const char *text, char *err, size_t errlen)
{
	size_t n = text ? strcspn(text, "\n") : 0;
	snprintf(err, errlen, "%.*s", (int)n, text ? text : "");
}

static int run_scenario_point(const struct sweep_spec *s, size_t p, struct sweep_json **doc,
			      char *err, size_t errlen)
{
	const struct sweep_workload *wl = &s->workloads[s->points[p].workload];
	struct point_settings ps;
	char store[SWEEP_MAX_AXES + 64][160];
	const char *machine[SWEEP_MAX_AXES + 65];
	char path[4096 + 512], text[1024];
	char *msgs = NULL;
	size_t msglen = 0;
	struct scenario_result res;
	struct at_end_ctx ctx = {.label = wl->label, .err = err, .errlen = errlen};
	int rc;

	gather(s, p, &ps);
	for (size_t i = 0; i < ps.n; i++) {
		if (!sweep_setting_for_scenario(ps.key[i], ps.val[i], store[i], sizeof(store[i]))) {
			snprintf(err, errlen, "%s: only trace workloads take this setting",
				 ps.key[i]);
			return VMSIM_EINVAL;
		}
		machine[i] = store[i];
	}
	machine[ps.n] = NULL;
	FILE *out = fopen("/dev/null", "w");
	FILE *errf = open_memstream(&msgs, &msglen);
	if (!out || !errf) {
		if (out)
			fclose(out);
		if (errf)
			fclose(errf);
		free(msgs);
		snprintf(err, errlen, "cannot open /dev/null or a memory stream");
		return VMSIM_EIO;
	}
	struct scenario_opts so = {.out = out,
				   .err = errf,
				   .headline = true,
				   .machine = machine,
				   .at_end = scenario_at_end,
				   .ctx = &ctx};
	if (wl->kind == SWEEP_GEN) {
		gen_text(wl, text, sizeof(text));
		rc = scenario_run_text(wl->label, text, NULL, &so, &res);
	} else if (scenario_builtin_find(wl->what)) {
		rc = scenario_run_builtin(wl->what, &so, &res);
	} else {
		resolve(s, wl->what, path, sizeof(path));
		rc = scenario_run_file(path, &so, &res);
	}
	fclose(out);
	fclose(errf);
	if (rc == VMSIM_ECHECK) /* its own checks failed on this machine: still a result */
		rc = 0;
	if (rc == 0 && ctx.rc)
		rc = ctx.rc;
	else if (rc)
		first_line(msgs && *msgs ? msgs : vmsim_strerror(rc), err, errlen);
	else if (!ctx.doc) {
		snprintf(err, errlen, "the scenario built no machine");
		rc = VMSIM_EINVAL;
	}
	free(msgs);
	if (rc) {
		sweep_json_free(ctx.doc);
		return rc;
	}
	*doc = ctx.doc;
	return 0;
}

static int run_trace_point(const struct sweep_spec *s, size_t p, struct sweep_json **doc, char *err,
			   size_t errlen)
{
	const struct sweep_workload *wl = &s->workloads[s->points[p].workload];
	struct point_settings ps;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct replay_opts ro;
	struct replay_stats st;
	struct trace_error terr;
	char path[4096 + 512], why[512];
	int rc;

	vmsim_config_default(&cfg);
	cfg.segv_kills = false; /* as vmsim run: a stray access is counted, the run goes on */
	gather(s, p, &ps);
	for (size_t i = 0; i < ps.n; i++)
		if ((rc = sweep_setting_apply(&cfg, ps.key[i], ps.val[i], why, sizeof(why)))) {
			snprintf(err, errlen, "%s: %s", ps.key[i], why);
			return rc;
		}
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		const char *problem = vmsim_config_problem(&cfg);
		snprintf(err, errlen, "cannot build the machine: %s",
			 problem ? problem : vmsim_strerror(rc));
		return rc;
	}
	resolve(s, wl->what, path, sizeof(path));
	replay_opts_default(&ro);
	memset(&terr, 0, sizeof(terr));
	rc = replay_file(sys, path, &ro, &st, &terr);
	if (rc)
		snprintf(err, errlen, "%s", terr.msg[0] ? terr.msg : vmsim_strerror(rc));
	else
		rc = report_of(sys, wl->label, doc, err, errlen);
	vmsim_system_free(sys);
	return rc;
}

int sweep_point_run(const struct sweep_spec *s, size_t p, double *values, bool *present, char *err,
		    size_t errlen)
{
	struct sweep_json *doc = NULL;
	int rc;

	err[0] = '\0';
	if (s->workloads[s->points[p].workload].kind == SWEEP_TRACE)
		rc = run_trace_point(s, p, &doc, err, errlen);
	else
		rc = run_scenario_point(s, p, &doc, err, errlen);
	if (rc) {
		if (!err[0])
			snprintf(err, errlen, "%s", vmsim_strerror(rc));
		return rc;
	}
	eval_metrics(s, doc, values, present);
	sweep_json_free(doc);
	return 0;
}
