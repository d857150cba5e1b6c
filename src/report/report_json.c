/*
 * The JSON writer and the report document (schema "vmsim-report",
 * version 1, described in docs/FORMATS.md "JSON report").
 *
 * The writer's one invariant: after each call the output is a prefix of a
 * well-formed JSON text. It tracks, per open container, whether it is an
 * object (members need a key) and whether it is still empty (no comma
 * before the first member); with an indent, each member starts on its own
 * line:
 *
 *	{                       depth 1, empty
 *	  "a": 1,               key, value; the next member writes ",\n"
 *	  "b": [                depth 2
 *	    2
 *	  ]
 *	}
 *
 * Misuse (a value without its key, an unbalanced end) is recorded and
 * reported by json_finish instead of aborting, so a caller's bug costs a
 * bad document, never the run.
 */
#include "report/report_json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "linux/procfs.h"
#include "vmsim/error.h"

/* ---- the writer --------------------------------------------------------- */

static void set_err(struct json_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

void json_init(struct json_writer *w, FILE *f, unsigned indent)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->indent = indent;
	w->empty = true;
}

static void newline(struct json_writer *w)
{
	if (!w->indent)
		return;
	fputc('\n', w->f);
	for (unsigned i = 0; i < w->depth * w->indent; i++)
		fputc(' ', w->f);
}

/* Everything a value needs before it: a comma and a new line inside a
 * container, nothing after a key. Records misuse. */
static void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0) {
		if (!w->empty)
			set_err(w, VMSIM_EINVAL); /* a second top-level value */
		w->empty = false;
		return;
	}
	if (w->in_object[w->depth - 1])
		set_err(w, VMSIM_EINVAL); /* a member without its key */
	if (!w->empty)
		fputc(',', w->f);
	w->empty = false;
	newline(w);
}

static void open_container(struct json_writer *w, bool object)
{
	before_value(w);
	if (w->depth >= JSON_MAX_DEPTH) {
		set_err(w, VMSIM_EINVAL);
		return;
	}
	fputc(object ? '{' : '[', w->f);
	w->in_object[w->depth++] = object;
	w->empty = true;
}

static void close_container(struct json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth - 1] != object || w->after_key) {
		set_err(w, VMSIM_EINVAL);
		return;
	}
	w->depth--;
	if (!w->empty)
		newline(w);
	fputc(object ? '}' : ']', w->f);
	w->empty = false;
}

void json_object_begin(struct json_writer *w)
{
	open_container(w, true);
}

void json_object_end(struct json_writer *w)
{
	close_container(w, true);
}

void json_array_begin(struct json_writer *w)
{
	open_container(w, false);
}

void json_array_end(struct json_writer *w)
{
	close_container(w, false);
}

/* Length of the well-formed UTF-8 sequence at @s (at most @n bytes), or 0
 * if the bytes there are not one (overlong forms, surrogates and code
 * points above U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_escaped(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			len = utf8_len(s + i, n - i);
			if (len == 0) {
				fputs("\xef\xbf\xbd", f); /* U+FFFD for a stray byte */
				i++;
				continue;
			}
			fwrite(s + i, 1, len, f);
			i += len;
			continue;
		}
		i++;
	}
	fputc('"', f);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth - 1] || w->after_key) {
		set_err(w, VMSIM_EINVAL);
		return;
	}
	if (!w->empty)
		fputc(',', w->f);
	w->empty = false;
	newline(w);
	put_escaped(w->f, key, strlen(key));
	fputs(w->indent ? ": " : ":", w->f);
	w->after_key = true;
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	put_escaped(w->f, s, n);
}

void json_str(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_u64(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	before_value(w);
	snprintf(buf, sizeof(buf), "%.15g", v);
	/* A decimal point, not a comma: vmsim never calls setlocale, so
	 * LC_NUMERIC stays "C". "inf" and "nan" were excluded above. */
	fputs(buf, w->f);
}

void json_bool(struct json_writer *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	before_value(w);
	fputs("null", w->f);
}

void json_hex(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "\"0x%" PRIx64 "\"", v);
}

int json_finish(struct json_writer *w)
{
	if (w->depth != 0 || w->after_key || w->empty)
		set_err(w, VMSIM_EINVAL);
	fputc('\n', w->f);
	if (fflush(w->f) != 0 || ferror(w->f))
		set_err(w, VMSIM_EIO);
	return w->err;
}

void json_kv_str(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_str(w, s);
}

void json_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_kv_i64(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_i64(w, v);
}

void json_kv_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_kv_hex(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_hex(w, v);
}

/* ---- shared pieces ------------------------------------------------------ */

static const char *const tlb_level_names[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};

/* Paging-structure cache of level l (2..5) caches entries of this table. */
static const char *const pwc_names[VMSIM_MAX_LEVELS + 1] = {"",	     "",      "PDE",
							    "PDPTE", "PML4E", "PML5E"};

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : NAN; /* NaN is written as null */
}

/* {"4K": a[0], "2M": a[1], "1G": a[2]} */
static void per_size(struct json_writer *w, const char *key, const uint64_t *a)
{
	json_key(w, key);
	json_object_begin(w);
	for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
		json_kv_u64(w, vmsim_page_size_name((enum vmsim_page_size)ps), a[ps]);
	json_object_end(w);
}

const char *report_perms_str(int prot, int flags, char buf[5])
{
	buf[0] = prot & VMSIM_PROT_READ ? 'r' : '-';
	buf[1] = prot & VMSIM_PROT_WRITE ? 'w' : '-';
	buf[2] = prot & VMSIM_PROT_EXEC ? 'x' : '-';
	buf[3] = flags & VMSIM_MAP_SHARED ? 's' : 'p';
	buf[4] = '\0';
	return buf;
}

void report_json_header(struct json_writer *w, const char *source, const char *generator)
{
	json_kv_str(w, "schema", REPORT_JSON_SCHEMA);
	json_kv_u64(w, "version", REPORT_JSON_VERSION);
	json_kv_str(w, "source", source);
	json_kv_str(w, "generator", generator ? generator : "libvmsim");
}

/* ---- configuration ------------------------------------------------------ */

static const char *repl_name(enum vmsim_tlb_repl r)
{
	switch (r) {
	case VMSIM_REPL_LRU:
		return "lru";
	case VMSIM_REPL_PLRU:
		return "plru";
	case VMSIM_REPL_RANDOM:
		return "random";
	}
	return "unknown";
}

/* Bytes one TLB level maps when full: each array's entries times the
 * largest page size it holds. */
static uint64_t level_reach(const struct vmsim_tlb_level_cfg *lc)
{
	uint64_t reach = 0;

	for (unsigned a = 0; a < lc->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++) {
		const struct vmsim_tlb_array_cfg *ac = &lc->arrays[a];
		unsigned top = 0;
		for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
			if (ac->sizes & (1u << ps))
				top = ps;
		reach += (uint64_t)ac->entries << vmsim_page_shift((enum vmsim_page_size)top);
	}
	return reach;
}

static void tlb_config(struct json_writer *w, const struct vmsim_tlb_cfg *tc)
{
	json_array_begin(w);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_cfg *lc = &tc->level[l];
		json_object_begin(w);
		json_kv_str(w, "level", tlb_level_names[l]);
		json_kv_bool(w, "present", lc->narrays > 0);
		json_kv_u64(w, "reach", level_reach(lc));
		json_key(w, "arrays");
		json_array_begin(w);
		for (unsigned a = 0; a < lc->narrays && a < VMSIM_TLB_MAX_ARRAYS; a++) {
			const struct vmsim_tlb_array_cfg *ac = &lc->arrays[a];
			json_object_begin(w);
			json_kv_u64(w, "entries", ac->entries);
			json_kv_u64(w, "ways", ac->ways ? ac->ways : ac->entries);
			json_key(w, "page_sizes");
			json_array_begin(w);
			for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
				if (ac->sizes & (1u << ps))
					json_str(w, vmsim_page_size_name((enum vmsim_page_size)ps));
			json_array_end(w);
			json_kv_str(w, "replacement", repl_name(ac->repl));
			json_object_end(w);
		}
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);
}

static const char *thp_name(int thp)
{
	switch (thp) {
	case VMSIM_THP_NEVER:
		return "never";
	case VMSIM_THP_MADVISE:
		return "madvise";
	case VMSIM_THP_ALWAYS:
		return "always";
	default:
		return "unknown";
	}
}

void report_json_config(struct json_writer *w, const struct vmsim_config *cfg)
{
	const struct vmsim_mmu_cfg *m = &cfg->mmu;
	const struct vmsim_cost_cfg *c = &cfg->cost;

	json_object_begin(w);
	json_kv_u64(w, "ram_bytes", cfg->ram_bytes);
	json_kv_u64(w, "seed", cfg->seed);
	json_kv_bool(w, "data_mode", cfg->data_mode);
	json_kv_bool(w, "segv_kills", cfg->segv_kills);
	json_kv_bool(w, "oom_kill", cfg->oom_kill);
	json_kv_u64(w, "swap_bytes", cfg->swap_bytes);
	json_kv_str(w, "policy", cfg->policy ? cfg->policy : "");
	json_kv_u64(w, "policy_tau", cfg->policy_tau);
	json_key(w, "watermarks");
	json_object_begin(w);
	json_kv_u64(w, "min", cfg->wmark_min);
	json_kv_u64(w, "low", cfg->wmark_low);
	json_kv_u64(w, "high", cfg->wmark_high);
	json_object_end(w);
	json_kv_u64(w, "wss_window", cfg->wss_window);
	json_kv_u64(w, "fault_around_bytes", cfg->fault_around_bytes);
	json_kv_u64(w, "readahead_kb", cfg->readahead_kb);
	json_kv_str(w, "thp", thp_name(cfg->thp));
	json_kv_u64(w, "hugetlb_2m", cfg->hugetlb_2m);
	json_kv_u64(w, "hugetlb_1g", cfg->hugetlb_1g);

	json_key(w, "mmu");
	json_object_begin(w);
	json_kv_str(w, "cpu", m->cpu ? m->cpu : "");
	json_kv_u64(w, "levels", m->levels);
	json_kv_u64(w, "va_bits", m->levels == 5 ? 57 : 48);
	json_kv_u64(w, "maxphyaddr", m->maxphyaddr);
	json_kv_bool(w, "pcid", m->pcid);
	json_kv_bool(w, "pwc", m->pwc);
	json_key(w, "tlb");
	tlb_config(w, &m->tlb);
	json_key(w, "pwc_caches");
	json_array_begin(w);
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		json_object_begin(w);
		json_kv_u64(w, "level", l);
		json_kv_str(w, "caches", pwc_names[l]);
		json_kv_u64(w, "entries", m->pwc_cfg.entries[l]);
		json_kv_u64(w, "ways",
			    m->pwc_cfg.ways[l] ? m->pwc_cfg.ways[l] : m->pwc_cfg.entries[l]);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);

	json_key(w, "cost");
	json_object_begin(w);
	json_kv_double(w, "ghz", c->ghz);
	json_kv_u64(w, "access", c->access);
	json_kv_u64(w, "tlb_l1_hit", c->tlb_l1_hit);
	json_kv_u64(w, "tlb_l2_hit", c->tlb_l2_hit);
	json_kv_u64(w, "walk_ref", c->walk_ref);
	json_kv_u64(w, "minor_fault", c->minor_fault);
	json_kv_u64(w, "page_zero", c->page_zero);
	json_kv_u64(w, "page_copy", c->page_copy);
	json_kv_u64(w, "context_switch", c->context_switch);
	json_kv_u64(w, "major_fault_ns", c->major_fault_ns);
	json_object_end(w);
	json_object_end(w);
}

/* ---- system counters ---------------------------------------------------- */

static void tlb_stats(struct json_writer *w, const struct vmsim_mmu_stats *m,
		      const struct vmsim_config *cfg)
{
	json_array_begin(w);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_stats *t = &m->tlb[l];
		uint64_t hits = 0;
		for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
			hits += t->hits[ps];
		json_object_begin(w);
		json_kv_str(w, "level", tlb_level_names[l]);
		if (cfg)
			json_kv_bool(w, "present", cfg->mmu.tlb.level[l].narrays > 0);
		json_kv_u64(w, "lookups", t->lookups);
		json_kv_u64(w, "hits", hits);
		json_kv_u64(w, "misses", t->misses);
		json_kv_double(w, "hit_ratio", ratio(hits, t->lookups));
		per_size(w, "hits_by_size", t->hits);
		per_size(w, "fills_by_size", t->fills);
		per_size(w, "evictions_by_size", t->evictions);
		json_kv_u64(w, "invalidations", t->invalidations);
		json_object_end(w);
	}
	json_array_end(w);
}

/* The parts of the walk counters that are no rows of the counter table:
 * after mem_refs their ratio, at the end the histogram and the caches. */
static void walk_refs_per_walk(struct json_writer *w, const struct vmsim_walk_stats *k)
{
	json_kv_double(w, "refs_per_walk", ratio(k->mem_refs, k->walks));
}

static void walk_arrays(struct json_writer *w, const struct vmsim_walk_stats *k)
{
	json_key(w, "refs_hist");
	json_array_begin(w);
	for (unsigned i = 0; i <= VMSIM_MAX_LEVELS; i++)
		json_u64(w, k->refs_hist[i]);
	json_array_end(w);
	json_key(w, "pwc");
	json_array_begin(w);
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		json_object_begin(w);
		json_kv_u64(w, "level", l);
		json_kv_str(w, "caches", pwc_names[l]);
		json_kv_u64(w, "lookups", k->pwc_lookups[l]);
		json_kv_u64(w, "hits", k->pwc_hits[l]);
		json_kv_double(w, "hit_ratio", ratio(k->pwc_hits[l], k->pwc_lookups[l]));
		json_object_end(w);
	}
	json_array_end(w);
}

/* One counter-table row as "key": value (the last part of its path). */
static void stat_leaf(struct json_writer *w, const struct vmsim_stat_desc *d, const char *key,
		      const void *st)
{
	switch (d->type) {
	case VMSIM_STAT_BOOL:
		json_kv_bool(w, key, vmsim_stat_value(d, st) != 0);
		break;
	case VMSIM_STAT_DBL:
		json_kv_double(w, key, vmsim_stat_value(d, st));
		break;
	case VMSIM_STAT_INT:
		json_kv_i64(w, key, (int64_t)vmsim_stat_value(d, st));
		break;
	case VMSIM_STAT_U64:
		json_kv_u64(w, key, vmsim_stat_u64(d, st));
		break;
	}
}

/*
 * What the system object holds beyond the table's rows, by place: @after
 * names the row (JSON path) it follows, or the object ("mmu.walk/") it
 * ends.
 */
struct json_extra {
	const char *after;
	void (*emit)(struct json_writer *w, const struct vmsim_sys_stats *st,
		     const struct vmsim_config *cfg);
};

static void extra_invalid(struct json_writer *w, const struct vmsim_sys_stats *st,
			  const struct vmsim_config *cfg)
{
	(void)cfg;
	json_kv_u64(w, "invalid", st->segvs);
}

static void extra_tlb(struct json_writer *w, const struct vmsim_sys_stats *st,
		      const struct vmsim_config *cfg)
{
	json_key(w, "tlb");
	tlb_stats(w, &st->mmu, cfg);
}

static void extra_refs_per_walk(struct json_writer *w, const struct vmsim_sys_stats *st,
				const struct vmsim_config *cfg)
{
	(void)cfg;
	walk_refs_per_walk(w, &st->mmu.walk);
}

static void extra_walk_arrays(struct json_writer *w, const struct vmsim_sys_stats *st,
			      const struct vmsim_config *cfg)
{
	(void)cfg;
	walk_arrays(w, &st->mmu.walk);
}

static const struct json_extra sys_extras[] = {
    {"faults.major", extra_invalid},
    {"mmu.noncanonical", extra_tlb},
    {"mmu.walk.mem_refs", extra_refs_per_walk},
    {"mmu.walk/", extra_walk_arrays},
};

static void sys_extra(struct json_writer *w, const char *after, size_t len,
		      const struct vmsim_sys_stats *st, const struct vmsim_config *cfg)
{
	for (size_t i = 0; i < sizeof(sys_extras) / sizeof(sys_extras[0]); i++)
		if (strlen(sys_extras[i].after) == len && !strncmp(sys_extras[i].after, after, len))
			sys_extras[i].emit(w, st, cfg);
}

/* Length of the first @k dot-separated parts of @path (without the dot). */
static size_t path_prefix(const char *path, unsigned k)
{
	size_t i = 0;
	for (unsigned n = 0; path[i]; i++)
		if (path[i] == '.' && ++n == k)
			break;
	return i;
}

static unsigned path_depth(const char *path)
{
	unsigned n = 0;
	for (; *path; path++)
		n += *path == '.';
	return n;
}

void report_json_system(struct json_writer *w, const struct vmsim_sys_stats *st,
			const struct vmsim_config *cfg)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_sys_stat_table(&n);
	const char *open = ""; /* path of the innermost open object ("" the system) */
	unsigned depth = 0;    /* objects open inside the system object */
	char end[64];

	json_object_begin(w);
	for (size_t i = 0; i < n; i++) {
		const char *p = t[i].json;
		unsigned pd = path_depth(p), common = 0;
		/* the objects @p shares with the open ones */
		while (common < depth && common < pd &&
		       path_prefix(p, common + 1) == path_prefix(open, common + 1) &&
		       !strncmp(p, open, path_prefix(p, common + 1)))
			common++;
		while (depth > common) {
			size_t len = path_prefix(open, depth);
			snprintf(end, sizeof(end), "%.*s/", (int)len, open);
			sys_extra(w, end, strlen(end), st, cfg);
			json_object_end(w);
			depth--;
		}
		open = p;
		while (depth < pd) {
			size_t from = depth ? path_prefix(p, depth) + 1 : 0;
			size_t to = path_prefix(p, depth + 1);
			char key[32];
			snprintf(key, sizeof(key), "%.*s", (int)(to - from), p + from);
			json_key(w, key);
			json_object_begin(w);
			depth++;
		}
		stat_leaf(w, &t[i], p + (pd ? path_prefix(p, pd) + 1 : 0), st);
		sys_extra(w, p, strlen(p), st, cfg);
	}
	while (depth > 0) {
		size_t len = path_prefix(open, depth);
		snprintf(end, sizeof(end), "%.*s/", (int)len, open);
		sys_extra(w, end, strlen(end), st, cfg);
		json_object_end(w);
		depth--;
	}
	json_object_end(w);
}

/* ---- processes ---------------------------------------------------------- */

/* The process rows with common == @common, flat keys. */
static void proc_rows(struct json_writer *w, const struct vmsim_proc_stats *st, bool common)
{
	size_t n;
	const struct vmsim_stat_desc *t = vmsim_proc_stat_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].common == common)
			stat_leaf(w, &t[i], t[i].json, st);
}

void report_json_proc_common(struct json_writer *w, const struct vmsim_proc_stats *st)
{
	proc_rows(w, st, true);
}

void report_json_smaps_entry(struct json_writer *w, const struct vmsim_smaps_entry *e)
{
	char perms[5];

	json_kv_hex(w, "start", e->start);
	json_kv_hex(w, "end", e->end);
	json_kv_str(w, "perms", report_perms_str(e->prot, e->flags, perms));
	json_kv_str(w, "name", e->name ? e->name : "");
	json_kv_u64(w, "size", e->size);
	json_kv_u64(w, "rss", e->rss);
	json_kv_u64(w, "pss", e->pss);
	json_kv_u64(w, "shared_clean", e->shared_clean);
	json_kv_u64(w, "shared_dirty", e->shared_dirty);
	json_kv_u64(w, "private_clean", e->private_clean);
	json_kv_u64(w, "private_dirty", e->private_dirty);
	json_kv_u64(w, "referenced", e->referenced);
	json_kv_u64(w, "anonymous", e->anonymous);
	json_kv_u64(w, "anon_huge", e->anon_huge);
	json_kv_u64(w, "swap", e->swap);
}

static int smaps_record(const struct vmsim_smaps_entry *e, void *arg)
{
	struct json_writer *w = arg;

	json_object_begin(w);
	report_json_smaps_entry(w, e);
	json_kv_bool(w, "anonymous_mapping", (e->flags & VMSIM_MAP_ANONYMOUS) != 0);
	json_object_end(w);
	return 0;
}

int report_json_sim_process(struct json_writer *w, struct vmsim_system *sys, int pid, bool smaps,
			    const struct run_names *names)
{
	struct vmsim_proc_stats st;
	int rc;

	rc = vmsim_proc_stats(sys, pid, &st);
	if (rc)
		return rc;
	json_object_begin(w);
	report_json_proc_common(w, &st);
	json_kv_str(w, "name", run_proc_name(names, pid));
	proc_rows(w, &st, false);
	if (smaps) {
		json_key(w, "smaps");
		json_array_begin(w);
		if (st.alive)
			rc = vmsim_smaps(sys, pid, smaps_record, w);
		json_array_end(w);
	}
	json_object_end(w);
	return rc;
}

static const char *access_kind_name(enum vmsim_access_kind k)
{
	switch (k) {
	case VMSIM_READ:
		return "read";
	case VMSIM_WRITE:
		return "write";
	case VMSIM_EXEC:
		return "exec";
	}
	return "unknown";
}

static const char *segv_reason_name(enum vmsim_segv_reason r)
{
	switch (r) {
	case VMSIM_SEGV_MAPERR:
		return "maperr";
	case VMSIM_SEGV_ACCERR:
		return "accerr";
	case VMSIM_SIGBUS_IO:
		return "sigbus_io";
	case VMSIM_SIGBUS_EOF:
		return "sigbus_eof";
	case VMSIM_SIGBUS_HUGETLB:
		return "sigbus_hugetlb";
	default: /* a reason added after this list */
		return "unknown";
	}
}

#define MAX_SIGNAL_RECORDS 1000 /* SIGSEGV records written; the count says how many exist */

static void signal_records(struct json_writer *w, struct vmsim_system *sys, uint64_t nsegv)
{
	struct vmsim_segv_record s;
	struct vmsim_oom_record o;

	json_key(w, "segv_records");
	json_array_begin(w);
	for (uint64_t i = 0; i < MAX_SIGNAL_RECORDS && vmsim_segv_get(sys, i, &s) == 0; i++) {
		json_object_begin(w);
		json_kv_i64(w, "pid", s.pid);
		json_kv_hex(w, "addr", s.addr);
		json_kv_str(w, "access", access_kind_name(s.kind));
		json_kv_str(w, "reason", segv_reason_name(s.reason));
		json_object_end(w);
	}
	json_array_end(w);
	json_kv_bool(w, "segv_records_truncated", nsegv > MAX_SIGNAL_RECORDS);
	json_key(w, "oom_records");
	json_array_begin(w);
	for (uint64_t i = 0; vmsim_oom_get(sys, i, &o) == 0; i++) {
		json_object_begin(w);
		json_kv_i64(w, "pid", o.pid);
		json_kv_u64(w, "rss", o.rss);
		json_kv_u64(w, "swap", o.swap);
		json_kv_i64(w, "trigger_pid", o.trigger_pid);
		json_object_end(w);
	}
	json_array_end(w);
}

int report_json_write(FILE *f, struct vmsim_system *sys, const struct report_json_opts *opts)
{
	static const struct report_json_opts defaults = {.indent = 2, .smaps = true};
	const struct vmsim_config *cfg = vmsim_system_config(sys);
	struct vmsim_sys_stats st;
	struct json_writer w;
	int rc, pid;

	if (!opts)
		opts = &defaults;
	rc = vmsim_sys_stats(sys, &st);
	if (rc)
		return rc;
	json_init(&w, f, opts->indent);
	json_object_begin(&w);
	report_json_header(&w, "simulation", opts->generator);
	if (opts->workload)
		json_kv_str(&w, "workload", opts->workload);
	if (opts->interrupted)
		json_kv_bool(&w, "interrupted", true);
	json_key(&w, "config");
	report_json_config(&w, cfg);
	json_key(&w, "system");
	report_json_system(&w, &st, cfg);
	json_key(&w, "processes");
	json_array_begin(&w);
	for (pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
		rc = report_json_sim_process(&w, sys, pid, opts->smaps, opts->names);
		if (rc)
			return rc;
	}
	json_array_end(&w);
	signal_records(&w, sys, st.segvs);
	json_object_end(&w);
	return json_finish(&w);
}

int report_json_write_path(const char *path, struct vmsim_system *sys,
			   const struct report_json_opts *opts)
{
	FILE *f;
	int rc, saved;

	if (strcmp(path, "-") == 0)
		return report_json_write(stdout, sys, opts);
	f = fopen(path, "w");
	if (!f)
		return VMSIM_EIO;
	rc = report_json_write(f, sys, opts);
	saved = errno;
	if (fclose(f) != 0 && rc == 0)
		return VMSIM_EIO;
	errno = saved;
	return rc;
}

/* ---- real Linux processes ----------------------------------------------- */

/* The smaps counters only Linux has (the common ones come from vmsim_smaps_entry). */
static void linux_mem_extra(struct json_writer *w, const struct procfs_mem *m, bool per_vma)
{
	if (per_vma) {
		json_kv_u64(w, "kernel_page_size", m->kernel_page_size);
		json_kv_u64(w, "mmu_page_size", m->mmu_page_size);
	} else {
		json_kv_u64(w, "pss_anon", m->pss_anon);
		json_kv_u64(w, "pss_file", m->pss_file);
		json_kv_u64(w, "pss_shmem", m->pss_shmem);
		json_kv_u64(w, "shared_clean", m->shared_clean);
		json_kv_u64(w, "shared_dirty", m->shared_dirty);
		json_kv_u64(w, "private_clean", m->private_clean);
		json_kv_u64(w, "private_dirty", m->private_dirty);
		json_kv_u64(w, "referenced", m->referenced);
		json_kv_u64(w, "anonymous", m->anonymous);
	}
	json_kv_u64(w, "pss_dirty", m->pss_dirty);
	json_kv_u64(w, "ksm", m->ksm);
	json_kv_u64(w, "lazy_free", m->lazy_free);
	json_kv_u64(w, "shmem_pmd_mapped", m->shmem_pmd_mapped);
	json_kv_u64(w, "file_pmd_mapped", m->file_pmd_mapped);
	json_kv_u64(w, "shared_hugetlb", m->shared_hugetlb);
	json_kv_u64(w, "private_hugetlb", m->private_hugetlb);
	json_kv_u64(w, "swap_pss", m->swap_pss);
	json_kv_u64(w, "locked", m->locked);
}

void report_json_linux_process(struct json_writer *w, const struct procfs_proc *p,
			       const struct procfs_maps *maps)
{
	char state[2] = {p->state, '\0'};

	report_json_proc_common(w, &p->st);
	json_kv_str(w, "name", p->name);
	json_kv_str(w, "state", state);
	json_kv_i64(w, "ppid", p->ppid);
	json_kv_u64(w, "uid", p->uid);
	json_kv_u64(w, "threads", p->threads);
	json_kv_bool(w, "kernel_thread", p->kthread);
	json_kv_u64(w, "vm_peak", p->vm_peak);
	json_kv_u64(w, "vm_hwm", p->vm_hwm);
	json_kv_u64(w, "vm_lck", p->vm_lck);
	json_kv_u64(w, "vm_data", p->vm_data);
	json_kv_u64(w, "vm_stk", p->vm_stk);
	json_kv_u64(w, "vm_exe", p->vm_exe);
	json_kv_u64(w, "vm_lib", p->vm_lib);
	json_kv_bool(w, "have_rollup", p->have_rollup);
	if (p->have_rollup)
		linux_mem_extra(w, &p->rollup, false);
	if (!maps)
		return;
	json_key(w, "smaps");
	json_array_begin(w);
	for (size_t i = 0; i < maps->n; i++) {
		const struct procfs_vma *v = &maps->vma[i];
		json_object_begin(w);
		report_json_smaps_entry(w, &v->e);
		json_kv_hex(w, "offset", v->offset);
		{
			char dev[32];
			snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
			json_kv_str(w, "dev", dev);
		}
		json_kv_u64(w, "inode", v->inode);
		linux_mem_extra(w, &v->mem, true);
		if (v->thp_eligible >= 0)
			json_kv_bool(w, "thp_eligible", v->thp_eligible > 0);
		json_kv_str(w, "vm_flags", v->vmflags);
		json_object_end(w);
	}
	json_array_end(w);
}

void report_json_share(struct json_writer *w, const struct procfs_share *s, int other)
{
	json_object_begin(w);
	json_kv_i64(w, "with", other);
	json_kv_bool(w, "pfns_hidden", s->pfns_hidden);
	json_kv_u64(w, "frames", s->frames);
	json_kv_u64(w, "frames_anon", s->frames_anon);
	json_kv_u64(w, "frames_file", s->frames_file);
	json_kv_u64(w, "present", s->present);
	json_kv_u64(w, "other_present", s->other_present);
	json_kv_u64(w, "unreadable_vmas", s->unreadable);
	json_key(w, "ranges");
	json_array_begin(w);
	for (size_t i = 0; i < s->nranges; i++) {
		const struct procfs_share_range *r = &s->range[i];
		json_object_begin(w);
		json_kv_hex(w, "start", r->start);
		json_kv_hex(w, "end", r->end);
		json_kv_hex(w, "other_start", r->other);
		json_kv_u64(w, "pages", (r->end - r->start) >> VMSIM_PAGE_SHIFT);
		json_kv_bool(w, "anon", r->anon);
		json_kv_str(w, "name", r->name ? r->name : "");
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}
