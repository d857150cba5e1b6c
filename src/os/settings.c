/*
 * The machine-settings table (include/vmsim/settings.h): every setting a
 * struct vmsim_config can take by name, with its type, range, setter and
 * help text. One row per setting; the scenario language, the command line,
 * sweep specs and the Python binding read settings only through here.
 *
 * A generic row names a struct vmsim_config field and its kind (SIZE,
 * COUNT, SWITCH, CHOICE below); a special row gives a setter of its own.
 * Setters validate fully before they store, so a rejected value leaves the
 * configuration as it was.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "base/units.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/sched.h"
#include "vmsim/settings.h"

int vmsim_parse_size(const char *s, uint64_t *bytes, size_t *col, char *why, size_t whylen)
{
	const char *reason;
	size_t c;
	if (unit_parse_size(s, bytes, &c, &reason)) {
		if (col)
			*col = c;
		why_set(why, whylen, VMSIM_EINVAL, "%s", reason);
		return strstr(reason, "64 bits") ? VMSIM_ERANGE : VMSIM_EPARSE;
	}
	if (col)
		*col = 0;
	return 0;
}

/* ---- generic setters ------------------------------------------------------------- */

static void store(struct vmsim_config *cfg, const struct vmsim_setting *s, uint64_t v)
{
	char *p = (char *)cfg + s->offset;
	if (s->width == 8)
		memcpy(p, &v, 8);
	else if (s->width == 4) {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
	} else {
		bool b = v != 0;
		memcpy(p, &b, 1);
	}
}

/* A whole number (count) or a size, in [min, max]. */
static uint64_t range_max(const struct vmsim_setting *s)
{
	if (s->max)
		return s->max;
	return s->width == 4 ? UINT32_MAX : UINT64_MAX;
}

static int set_size(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		    char *why, size_t whylen)
{
	uint64_t x;
	size_t col;
	char reason[160];
	int rc = vmsim_parse_size(val, &x, &col, reason, sizeof(reason));
	if (rc == VMSIM_ERANGE)
		return why_set(why, whylen, VMSIM_EINVAL, "'%s' does not fit in 64 bits", val);
	if (rc && !strncmp(reason, "unknown unit", 12) && col > 1) {
		size_t n = 0;
		while (isalpha((unsigned char)val[col - 1 + n]))
			n++;
		return why_set(why, whylen, VMSIM_EINVAL, "unknown unit '%.*s' in '%s' (%s)",
			       (int)n, val + col - 1, val, UNIT_SIZE_RULES);
	}
	if (rc && col > 1)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "expected a size such as 64M or 1G, found '%s' (%s at column %zu)",
			       val, reason, col);
	if (rc)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "expected a size such as 64M or 1G, found '%s'", val);
	if (x < s->min)
		return why_set(why, whylen, VMSIM_EINVAL, "expected %s, found '%s'", s->values,
			       val);
	if (x > range_max(s))
		return why_set(why, whylen, VMSIM_EINVAL, "'%s' is too large (%s)", val, s->values);
	store(cfg, s, x / (s->divisor ? s->divisor : 1));
	return 0;
}

static int set_count(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		     char *why, size_t whylen)
{
	struct unit_number n;
	size_t used;
	const char *reason;
	if (unit_scan(val, &n, &used, &reason) || val[used] != '\0' ||
	    (n.kind != UNIT_NONE && n.kind != UNIT_HEX) || !n.exact)
		return why_set(why, whylen, VMSIM_EINVAL, "expected a whole number, found '%s'",
			       val);
	if (n.whole < s->min || n.whole > range_max(s)) {
		if (s->max)
			return why_set(why, whylen, VMSIM_EINVAL, "expected %s, found '%s'",
				       s->values, val);
		return why_set(why, whylen, VMSIM_EINVAL, "'%s' is too large", val);
	}
	store(cfg, s, n.whole);
	return 0;
}

/* words[0] stores true, words[1] false. */
static int set_switch(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		      char *why, size_t whylen)
{
	if (!strcmp(val, s->words[0]))
		store(cfg, s, 1);
	else if (!strcmp(val, s->words[1]))
		store(cfg, s, 0);
	else
		return why_set(why, whylen, VMSIM_EINVAL, "expected %s or %s, found '%s'",
			       s->words[0], s->words[1], val);
	return 0;
}

/* The index of the word in an int field (min added: levels 4, 5). */
static int set_choice(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		      char *why, size_t whylen)
{
	for (size_t i = 0; s->words[i]; i++)
		if (!strcmp(val, s->words[i])) {
			store(cfg, s, s->min + i);
			return 0;
		}
	return why_set(why, whylen, VMSIM_EINVAL, "expected %s, found '%s'", s->values, val);
}

/* ---- special setters ------------------------------------------------------------- */

static void join_names(char *buf, size_t len, const char *const *names)
{
	buf[0] = '\0';
	for (const char *const *n = names; *n; n++) {
		strncat(buf, *n, len - strlen(buf) - 1);
		if (n[1])
			strncat(buf, ", ", len - strlen(buf) - 1);
	}
}

static int set_cpu(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		   char *why, size_t whylen)
{
	(void)s;
	if (vmsim_cpu_preset(val, &cfg->mmu)) {
		char names[128];
		join_names(names, sizeof(names), vmsim_cpu_preset_names());
		return why_set(why, whylen, VMSIM_EINVAL, "unknown CPU preset '%s' (expected %s)",
			       val, names);
	}
	return 0;
}

static int set_policy(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		      char *why, size_t whylen)
{
	(void)s;
	const struct vmsim_policy_ops *p = vmsim_policy_find(val);
	if (!p)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "unknown replacement policy '%s' (see vmsim paging --list)", val);
	cfg->policy = p->name;
	return 0;
}

static int set_ghz(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		   char *why, size_t whylen)
{
	struct unit_number n;
	size_t used;
	const char *reason;
	(void)s;
	if (unit_scan(val, &n, &used, &reason) || val[used] != '\0' || n.kind != UNIT_NONE)
		return why_set(why, whylen, VMSIM_EINVAL, "expected a clock in GHz, found '%s'",
			       val);
	if (n.v <= 0)
		return why_set(why, whylen, VMSIM_EINVAL, "the clock must be above 0, found '%s'",
			       val);
	cfg->cost.ghz = n.v;
	return 0;
}

static int set_major_fault(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
			   char *why, size_t whylen)
{
	struct unit_number n;
	size_t used;
	const char *reason;
	uint64_t ns;
	(void)s;
	if (vmsim_device_preset(val, &ns) == 0) {
		cfg->cost.major_fault_ns = ns;
		return 0;
	}
	if (unit_scan(val, &n, &used, &reason) || val[used] != '\0' || n.kind != UNIT_SECONDS ||
	    n.v > 3600) {
		char names[64];
		join_names(names, sizeof(names), vmsim_device_preset_names());
		return why_set(why, whylen, VMSIM_EINVAL,
			       "expected a latency such as 100us or 8ms, or a device (%s), "
			       "found '%s'",
			       names, val);
	}
	cfg->cost.major_fault_ns = (uint64_t)llround(n.v * 1e9);
	return 0;
}

/* A duration (10s, 500ms) stored in whole milliseconds, at least 1 ms. */
static int set_millis(struct vmsim_config *cfg, const struct vmsim_setting *s, const char *val,
		      char *why, size_t whylen)
{
	struct unit_number n;
	size_t used;
	const char *reason;
	if (unit_scan(val, &n, &used, &reason) || val[used] != '\0' || n.kind != UNIT_SECONDS)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "expected a time such as 10s or 500ms, found '%s'", val);
	double ms = n.v * 1e3;
	if (ms < 1 || ms > 1e9 || ms != floor(ms))
		return why_set(why, whylen, VMSIM_EINVAL,
			       "expected whole milliseconds from 1ms to 1000000s, found '%s'", val);
	store(cfg, s, (uint64_t)ms);
	return 0;
}

/* ---- the table --------------------------------------------------------------------- */

#define FIELD(f)                                                                                   \
	.offset = offsetof(struct vmsim_config, f), .width = sizeof(((struct vmsim_config *)0)->f)

#define SIZE(f)	 .type = VMSIM_SETTING_SIZE, .set = set_size, FIELD(f)
#define COUNT(f) .type = VMSIM_SETTING_COUNT, .set = set_count, FIELD(f)
#define SWITCH(f, yes, no)                                                                         \
	.type = VMSIM_SETTING_SWITCH, .set = set_switch, FIELD(f), .words = (const char *const[])  \
	{                                                                                          \
		yes, no, NULL                                                                      \
	}
#define CHOICE(f, first, ...)                                                                      \
	.type = VMSIM_SETTING_CHOICE, .set = set_choice, FIELD(f), .min = first,                   \
	.words = (const char *const[])                                                             \
	{                                                                                          \
		__VA_ARGS__, NULL                                                                  \
	}
#define SPECIAL(fn) .type = VMSIM_SETTING_OTHER, .set = fn
#define MILLIS(f)   .type = VMSIM_SETTING_OTHER, .set = set_millis, FIELD(f), .arg = "TIME"
#define CYCLES(k, opt, f, dflt_, what)                                                             \
	{                                                                                          \
		.key = k, .option = opt, COUNT(cost.f), .values = "cycles", .dflt = dflt_,         \
		.help = "cycles of " what                                                          \
	}

static const struct vmsim_setting table[] = {
    {.key = "ram",
     .option = "--ram",
     SIZE(ram_bytes),
     .min = 64 * VMSIM_PAGE_SIZE,
     .values = "a size of at least 256K",
     .dflt = "1G",
     .help = "simulated RAM"},
    {.key = "swap",
     .option = "--swap",
     SIZE(swap_bytes),
     .values = "a size, 0 for no swap",
     .dflt = "1G (a temporary file)",
     .help = "swap device size"},
    {.key = "cpu",
     .option = "--cpu",
     SPECIAL(set_cpu),
     .values = "CPU preset: textbook, skylake, zen4 (docs/PRESETS.md)",
     .dflt = "skylake",
     .help = "CPU preset: TLBs and paging-structure caches (applied first)",
     .arg = "NAME"},
    {.key = "levels",
     .option = "--levels",
     CHOICE(mmu.levels, 4, "4", "5"),
     .values = "4 or 5",
     .dflt = "the preset's (4)",
     .help = "paging levels"},
    {.key = "pcid",
     .option = "--pcid",
     SWITCH(mmu.pcid, "on", "off"),
     .values = "on or off",
     .dflt = "the preset's",
     .help = "PCIDs: TLB entries tagged by address space"},
    {.key = "pwc",
     .option = "--pwc",
     SWITCH(mmu.pwc, "on", "off"),
     .values = "on or off",
     .dflt = "the preset's",
     .help = "paging-structure caches"},
    {.key = "policy",
     .option = "--policy",
     SPECIAL(set_policy),
     .values = "replacement policy (vmsim paging --list)",
     .dflt = "clock",
     .help = "page replacement policy",
     .arg = "NAME"},
    {.key = "tau",
     .option = "--tau",
     COUNT(policy_tau),
     .values = "accesses",
     .dflt = "RAM frames",
     .help = "window of the ws and wsclock policies"},
    {.key = "data",
     .option = "--data",
     SWITCH(data_mode, "on", "off"),
     .values = "on or off",
     .dflt = "off",
     .help = "data mode: frames hold real bytes (store, load)"},
    {.key = "seed",
     .option = "--seed",
     COUNT(seed),
     .values = "a whole number",
     .dflt = "1",
     .help = "seed of everything random"},
    {.key = "wss",
     .option = "--wss",
     COUNT(wss_window),
     .values = "accesses, 0 for off",
     .dflt = "0",
     .help = "working-set sampling period (tau of W(t, tau))"},
    {.key = "segv",
     .option = "--segv",
     SWITCH(segv_kills, "kill", "record"),
     .values = "kill or record",
     .dflt = "kill (record for traces)",
     .help = "what SIGSEGV does to a process"},
    {.key = "oom",
     .option = "--oom",
     SWITCH(oom_kill, "kill", "off"),
     .values = "kill or off",
     .dflt = "kill",
     .help = "the OOM killer"},
    {.key = "thp",
     .option = "--thp",
     CHOICE(thp, 0, "never", "madvise", "always"),
     .values = "never, madvise or always",
     .dflt = "madvise",
     .help = "transparent huge pages (madvise: in areas given madvise ... hugepage)"},
    {.key = "thp_defrag",
     .option = "--thp-defrag",
     CHOICE(thp_defrag, 0, "always", "defer", "defer+madvise", "madvise", "never"),
     .values = "always, defer, defer+madvise, madvise or never",
     .dflt = "madvise",
     .help = "THP fault without a free 2 MiB block: reclaim and compact first (always; madvise "
	     "and defer+madvise: in madvise ... hugepage areas), or fall back at once (never; "
	     "defer: kswapd and kcompactd then work for the next)"},
    {.key = "hugetlb_2m",
     .option = "--hugetlb-2m",
     COUNT(hugetlb_2m),
     .values = "pages",
     .dflt = "0",
     .help = "2 MiB pages in the hugetlb pool"},
    {.key = "hugetlb_1g",
     .option = "--hugetlb-1g",
     COUNT(hugetlb_1g),
     .values = "pages",
     .dflt = "0",
     .help = "1 GiB pages in the hugetlb pool"},
    {.key = "khugepaged",
     .option = "--khugepaged",
     SWITCH(khugepaged, "on", "off"),
     .values = "on or off",
     .dflt = "off",
     .help = "khugepaged: collapse 4 KiB anonymous pages into huge pages in the background, "
	     "where THP is allowed (Linux runs it whenever THP is not never)"},
    {.key = "khugepaged_defrag",
     .option = "--khugepaged-defrag",
     SWITCH(khugepaged_defrag, "on", "off"),
     .values = "on or off",
     .dflt = "on",
     .help = "khugepaged: reclaim and compact for a 2 MiB block"},
    {.key = "khugepaged_pages",
     .option = "--khugepaged-pages",
     COUNT(khugepaged_pages_to_scan),
     .min = 1,
     .values = "pages, at least 1",
     .dflt = "4096",
     .help = "khugepaged: pages one pass scans (pages_to_scan)"},
    {.key = "khugepaged_sleep",
     .option = "--khugepaged-sleep",
     MILLIS(khugepaged_scan_sleep_ms),
     .values = "a time, 1ms to 1000000s",
     .dflt = "10s",
     .help = "khugepaged: simulated time between passes (scan_sleep_millisecs)"},
    {.key = "khugepaged_alloc_sleep",
     .option = "--khugepaged-alloc-sleep",
     MILLIS(khugepaged_alloc_sleep_ms),
     .values = "a time, 1ms to 1000000s",
     .dflt = "60s",
     .help = "khugepaged: the wait after no 2 MiB block was free (alloc_sleep_millisecs)"},
    {.key = "khugepaged_max_ptes_none",
     .option = "--khugepaged-max-ptes-none",
     COUNT(khugepaged_max_ptes_none),
     .max = 511,
     .values = "0 to 511",
     .dflt = "511",
     .help = "khugepaged: empty or zero-page PTEs a collapse may fill with zeroed pages"},
    {.key = "khugepaged_max_ptes_shared",
     .option = "--khugepaged-max-ptes-shared",
     COUNT(khugepaged_max_ptes_shared),
     .max = 511,
     .values = "0 to 511",
     .dflt = "256",
     .help = "khugepaged: pages of a range that other processes map too"},
    {.key = "overcommit",
     .option = "--overcommit",
     CHOICE(overcommit_memory, 0, "0", "1", "2"),
     .values = "0, 1 or 2",
     .dflt = "0",
     .help = "overcommit_memory: 0 heuristic (refuse one request above RAM + swap), 1 always, "
	     "2 strict (Committed_AS below CommitLimit)"},
    {.key = "overcommit_ratio",
     .option = "--overcommit-ratio",
     COUNT(overcommit_ratio),
     .values = "percent",
     .dflt = "50",
     .help = "mode 2: CommitLimit = swap + RAM x ratio %"},
    {.key = "overcommit_kbytes",
     .option = "--overcommit-kbytes",
     SIZE(overcommit_kbytes),
     .divisor = 1024,
     .values = "a size",
     .dflt = "0",
     .help = "mode 2: that much RAM in CommitLimit instead of the ratio"},
    {.key = "memlock",
     .option = "--memlock",
     SIZE(memlock_limit),
     .values = "a size, 0 for no limit",
     .dflt = "0",
     .help = "RLIMIT_MEMLOCK: bytes a process may lock"},
    {.key = "fault_around",
     .option = "--fault-around",
     SIZE(fault_around_bytes),
     .values = "a size",
     .dflt = "64K",
     .help = "bytes mapped around a file read fault"},
    {.key = "readahead",
     .option = "--readahead",
     SIZE(readahead_kb),
     .divisor = 1024,
     .values = "a size",
     .dflt = "128K",
     .help = "file readahead window"},
    {.key = "wmark_min",
     .option = "--wmark-min",
     COUNT(wmark_min),
     .values = "frames",
     .dflt = "derived from RAM",
     .help = "free-frame watermark min"},
    {.key = "wmark_low",
     .option = "--wmark-low",
     COUNT(wmark_low),
     .values = "frames",
     .dflt = "derived from RAM",
     .help = "free-frame watermark low: reclaim starts below it"},
    {.key = "wmark_high",
     .option = "--wmark-high",
     COUNT(wmark_high),
     .values = "frames",
     .dflt = "derived from RAM",
     .help = "free-frame watermark high: reclaim stops at it"},
    {.key = "major_fault",
     .option = "--major-fault",
     SPECIAL(set_major_fault),
     .values = "a time (8ms) or nvme, ssd, hdd",
     .dflt = "100us",
     .help = "latency of a major fault",
     .arg = "TIME|DEVICE"},
    {.key = "ghz",
     .option = "--ghz",
     SPECIAL(set_ghz),
     .values = "a number above 0",
     .dflt = "3",
     .help = "clock of the cost model",
     .arg = "GHZ"},
    CYCLES("access", "--access", access, "1", "one access"),
    CYCLES("tlb_l1_hit", "--tlb-l1-hit", tlb_l1_hit, "0", "an L1 TLB hit"),
    CYCLES("tlb_l2_hit", "--tlb-l2-hit", tlb_l2_hit, "7", "an L2 TLB hit"),
    CYCLES("walk_ref", "--walk-ref", walk_ref, "30", "each entry a page walk reads"),
    CYCLES("minor_fault", "--minor-fault", minor_fault, "1500", "a minor fault"),
    CYCLES("page_zero", "--page-zero", page_zero, "1000", "zeroing a page"),
    CYCLES("page_copy", "--page-copy", page_copy, "1500", "copying a page"),
    CYCLES("context_switch", "--context-switch", context_switch, "3000", "a context switch"),
    {.key = "check",
     .option = "--check-every-event",
     SWITCH(check_every_event, "on", "off"),
     .values = "on or off",
     .dflt = "off",
     .help = "run the invariant check after every event (slow)"},
};

const struct vmsim_setting *vmsim_settings(size_t *n)
{
	*n = ARRAY_SIZE(table);
	return table;
}

const struct vmsim_setting *vmsim_setting_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].key, key))
			return &table[i];
	return NULL;
}

const struct vmsim_setting *vmsim_setting_by_option(const char *option)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].option, option))
			return &table[i];
	return NULL;
}

int vmsim_setting_apply(struct vmsim_config *cfg, const char *key, const char *val, char *why,
			size_t whylen)
{
	const struct vmsim_setting *s = vmsim_setting_find(key);
	if (!s)
		return why_set(why, whylen, VMSIM_EINVAL, "unknown machine setting '%s'", key);
	struct vmsim_config scratch = *cfg;
	int rc = s->set(&scratch, s, val, why, whylen);
	if (rc == 0)
		*cfg = scratch;
	return rc;
}

int vmsim_settings_apply_list(struct vmsim_config *cfg, const char *const *kv, char *why,
			      size_t whylen)
{
	for (int pass = 0; pass < 2; pass++)
		for (const char *const *p = kv; p && *p; p++) {
			const char *eq = strchr(*p, '=');
			char key[32], reason[200];
			if (!eq || (size_t)(eq - *p) >= sizeof(key))
				return why_set(why, whylen, VMSIM_EINVAL, "%s: expected KEY=VALUE",
					       *p);
			memcpy(key, *p, (size_t)(eq - *p));
			key[eq - *p] = '\0';
			if ((pass == 0) != !strcmp(key, "cpu"))
				continue;
			if (vmsim_setting_apply(cfg, key, eq + 1, reason, sizeof(reason)))
				return why_set(why, whylen, VMSIM_EINVAL, "%s: %s", *p, reason);
		}
	return 0;
}
