/*
 * The machine-settings table (src/os/settings.c) and the one size parser:
 * values read as documented, a rejected value changes nothing, cpu= goes
 * first in a list, every row is complete, and the settings table in
 * docs/SCENARIOS.md is exactly what the table generates.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"
#include "vmsim/settings.h"
#include "vmsim/vm.h"

static void sizes_follow_the_unit_rules(void **state)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} cases[] = {
	    {"0", 0},
	    {"4096", 4096},
	    {"24_415", 24415},
	    {"0x1000", 4096},
	    {"512B", 512},
	    {"4K", 4096},
	    {"4k", 4096},
	    {"4KiB", 4096},
	    {"4kib", 4096},
	    {"4KB", 4000},
	    {"4kb", 4000},
	    {"64M", 64ULL << 20},
	    {"64MiB", 64ULL << 20},
	    {"64MB", 64000000},
	    {"1G", 1ULL << 30},
	    {"1GB", 1000000000},
	    {"1.5G", 3ULL << 29},
	    {"2T", 2ULL << 40},
	    {"2TB", 2000000000000ULL},
	    {"16777215T", 16777215ULL << 40},
	    {"18446744073709551615", UINT64_MAX},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 1;
		char why[160] = "";
		if (vmsim_parse_size(cases[i].s, &v, NULL, why, sizeof(why)))
			fail_msg("'%s' rejected: %s", cases[i].s, why);
		if (v != cases[i].bytes)
			fail_msg("'%s' read as %llu, expected %llu", cases[i].s,
				 (unsigned long long)v, (unsigned long long)cases[i].bytes);
	}
}

static void sizes_reject_what_is_not_a_size(void **state)
{
	static const struct {
		const char *s;
		int rc;
		size_t col;
	} cases[] = {
	    {"", VMSIM_EPARSE, 0},
	    {"lots", VMSIM_EPARSE, 1},
	    {"64Q", VMSIM_EPARSE, 3},
	    {"64 M", VMSIM_EPARSE, 3},
	    {"0x10K", VMSIM_EPARSE, 5},
	    {"1.3K", VMSIM_EPARSE, 0},
	    {"8ms", VMSIM_EPARSE, 0},
	    {"50%", VMSIM_EPARSE, 0},
	    {"16777216T", VMSIM_ERANGE, 0},
	    {"18446744073709551616", VMSIM_ERANGE, 0},
	    {"0x1ffffffffffffffff", VMSIM_ERANGE, 0},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 7;
		size_t col = 99;
		char why[160] = "";
		int rc = vmsim_parse_size(cases[i].s, &v, &col, why, sizeof(why));
		if (rc != cases[i].rc || col != cases[i].col || v != 7 || !why[0])
			fail_msg("'%s': rc %d col %zu why '%s'", cases[i].s, rc, col, why);
	}
}

static void settings_read_values_as_documented(void **state)
{
	struct vmsim_config cfg;
	char why[256];
	(void)state;
	vmsim_config_default(&cfg);
	assert_ok(vmsim_setting_apply(&cfg, "ram", "64MB", why, sizeof(why)));
	assert_int_equal(cfg.ram_bytes, 64000000);
	assert_ok(vmsim_setting_apply(&cfg, "ram", "64M", why, sizeof(why)));
	assert_int_equal(cfg.ram_bytes, 64 << 20);
	assert_ok(vmsim_setting_apply(&cfg, "data", "on", why, sizeof(why)));
	assert_true(cfg.data_mode);
	assert_ok(vmsim_setting_apply(&cfg, "data", "off", why, sizeof(why)));
	assert_false(cfg.data_mode);
	assert_ok(vmsim_setting_apply(&cfg, "pwc", "off", why, sizeof(why)));
	assert_false(cfg.mmu.pwc);
	assert_ok(vmsim_setting_apply(&cfg, "pwc", "on", why, sizeof(why)));
	assert_true(cfg.mmu.pwc);
	assert_ok(vmsim_setting_apply(&cfg, "segv", "record", why, sizeof(why)));
	assert_false(cfg.segv_kills);
	assert_ok(vmsim_setting_apply(&cfg, "levels", "5", why, sizeof(why)));
	assert_int_equal(cfg.mmu.levels, 5);
	assert_ok(vmsim_setting_apply(&cfg, "thp", "always", why, sizeof(why)));
	assert_int_equal(cfg.thp, VMSIM_THP_ALWAYS);
	assert_ok(vmsim_setting_apply(&cfg, "overcommit", "2", why, sizeof(why)));
	assert_int_equal(cfg.overcommit_memory, VMSIM_OVERCOMMIT_NEVER);
	assert_ok(vmsim_setting_apply(&cfg, "readahead", "256K", why, sizeof(why)));
	assert_int_equal(cfg.readahead_kb, 256);
	assert_ok(vmsim_setting_apply(&cfg, "major_fault", "8ms", why, sizeof(why)));
	assert_int_equal(cfg.cost.major_fault_ns, 8000000);
	assert_ok(vmsim_setting_apply(&cfg, "major_fault", "hdd", why, sizeof(why)));
	assert_int_equal(cfg.cost.major_fault_ns, 10000000);
	assert_ok(vmsim_setting_apply(&cfg, "page_copy", "2000", why, sizeof(why)));
	assert_int_equal(cfg.cost.page_copy, 2000);
	assert_ok(vmsim_setting_apply(&cfg, "ghz", "2.5", why, sizeof(why)));
	assert_true(cfg.cost.ghz == 2.5);
	assert_ok(vmsim_setting_apply(&cfg, "policy", "lru", why, sizeof(why)));
	assert_string_equal(cfg.policy, "lru");
	assert_ok(vmsim_setting_apply(&cfg, "seed", "0x10", why, sizeof(why)));
	assert_int_equal(cfg.seed, 16);
}

static void rejected_value_changes_nothing(void **state)
{
	static const char *const bad[][2] = {
	    {"ram", "lots"},	      {"ram", "0"},	 {"ram", "64Q"},       {"swap", "1P"},
	    {"levels", "6"},	      {"data", "yes"},	 {"pwc", ""},	       {"thp", "sometimes"},
	    {"cpu", "pentium"},	      {"policy", "lur"}, {"seed", "5K"},       {"seed", "-1"},
	    {"access", "5000000000"}, {"ghz", "0"},	 {"major_fault", "8"}, {"overcommit", "3"},
	    {"nosuch", "1"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct vmsim_config cfg, before;
		char why[256] = "";
		vmsim_config_default(&cfg);
		before = cfg;
		assert_int_equal(vmsim_setting_apply(&cfg, bad[i][0], bad[i][1], why, sizeof(why)),
				 VMSIM_EINVAL);
		if (!why[0] || memcmp(&cfg, &before, sizeof(cfg)))
			fail_msg("%s=%s: why '%s', config %s", bad[i][0], bad[i][1], why,
				 memcmp(&cfg, &before, sizeof(cfg)) ? "changed" : "kept");
	}
}

static void list_applies_cpu_first(void **state)
{
	const char *const kv[] = {"levels=5", "pcid=off", "cpu=seed", NULL};
	const char *const bad[] = {"ram=1G", "levels", NULL};
	struct vmsim_config cfg;
	char why[256];
	(void)state;
	vmsim_config_default(&cfg);
	assert_ok(vmsim_settings_apply_list(&cfg, kv, why, sizeof(why)));
	assert_string_equal(cfg.mmu.cpu, "textbook"); /* seed: its alias */
	assert_int_equal(cfg.mmu.levels, 5);
	assert_false(cfg.mmu.pcid);
	assert_int_equal(vmsim_settings_apply_list(&cfg, bad, why, sizeof(why)), VMSIM_EINVAL);
	assert_string_equal(why, "levels: expected KEY=VALUE");
}

/* The cpu row's words name every preset of the registry (src/mmu/presets.c),
 * so a new preset cannot be left out of the help and docs' table. */
static void cpu_values_name_every_preset(void **state)
{
	const struct vmsim_setting *s = vmsim_setting_find("cpu");
	char why[256];
	(void)state;
	assert_non_null(s);
	for (const char *const *n = vmsim_cpu_preset_names(); *n; n++) {
		struct vmsim_config cfg;
		vmsim_config_default(&cfg);
		if (!strstr(s->values, *n))
			fail_msg("cpu: '%s' does not name the preset %s", s->values, *n);
		assert_ok(vmsim_setting_apply(&cfg, "cpu", *n, why, sizeof(why)));
		assert_string_equal(cfg.mmu.cpu, *n);
	}
}

static void every_row_is_complete_and_named_once(void **state)
{
	size_t n;
	const struct vmsim_setting *t = vmsim_settings(&n);
	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		char want[64];
		size_t k;
		assert_non_null(t[i].key);
		assert_non_null(t[i].values);
		assert_non_null(t[i].dflt);
		assert_non_null(t[i].help);
		assert_non_null(t[i].set);
		assert_ptr_equal(vmsim_setting_find(t[i].key), &t[i]);
		assert_ptr_equal(vmsim_setting_by_option(t[i].option), &t[i]);
		/* the option is --KEY with '-' for '_' (check: the run's --check is
		 * another thing, an end-of-run check) */
		snprintf(want, sizeof(want), "--%s", t[i].key);
		for (k = 2; want[k]; k++)
			if (want[k] == '_')
				want[k] = '-';
		if (strcmp(t[i].key, "check"))
			assert_string_equal(t[i].option, want);
		if (t[i].type == VMSIM_SETTING_SWITCH || t[i].type == VMSIM_SETTING_CHOICE)
			assert_non_null(t[i].words);
	}
	assert_null(vmsim_setting_find("nosuch"));
}

static void print_rows(const struct vmsim_setting *t, size_t n)
{
	fprintf(stderr, "expected docs/SCENARIOS.md rows:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "| `%s` | `%s` | %s | %s | %s |\n", t[i].key, t[i].option,
			t[i].values, t[i].dflt, t[i].help);
}

/* A default written as a value is the default: applying it changes nothing. */
static void documented_defaults_are_the_defaults(void **state)
{
	size_t n, checked = 0;
	const struct vmsim_setting *t = vmsim_settings(&n);
	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct vmsim_config cfg, def;
		char why[256];
		vmsim_config_default(&def);
		cfg = def;
		if (vmsim_setting_apply(&cfg, t[i].key, t[i].dflt, why, sizeof(why)))
			continue; /* words ("the preset's", "derived from RAM") */
		checked++;
		/* the policy is a name: the same word may be another copy of the
		 * string (unmerged literals in unoptimised builds) */
		if (cfg.policy && def.policy && !strcmp(cfg.policy, def.policy))
			cfg.policy = def.policy;
		if (memcmp(&cfg, &def, sizeof(cfg)))
			fail_msg("%s: the documented default '%s' is not the default", t[i].key,
				 t[i].dflt);
	}
	assert_true(checked >= 25);
}

/* The docs' table: the lines between the two markers. */
static void docs_table_is_the_table(void **state)
{
	static const char begin[] = "<!-- machine settings: begin";
	static const char end[] = "<!-- machine settings: end";
	char path[4096], line[1024], want[1024];
	size_t n, row = 0;
	const struct vmsim_setting *t = vmsim_settings(&n);
	bool inside = false, seen = false;
	(void)state;

	snprintf(path, sizeof(path), "%s/docs/SCENARIOS.md", VMSIM_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, begin, sizeof(begin) - 1)) {
			inside = seen = true;
			continue;
		}
		if (!strncmp(line, end, sizeof(end) - 1))
			break;
		if (!inside || strncmp(line, "| `", 3))
			continue;
		if (row == n)
			fail_msg("docs/SCENARIOS.md has a row the table lacks: %s", line);
		snprintf(want, sizeof(want), "| `%s` | `%s` | %s | %s | %s |", t[row].key,
			 t[row].option, t[row].values, t[row].dflt, t[row].help);
		if (strcmp(line, want)) {
			print_rows(t, n);
			fail_msg("row %zu differs:\n  docs:  %s\n  table: %s", row + 1, line, want);
		}
		row++;
	}
	fclose(f);
	assert_true(seen);
	if (row != n)
		print_rows(t, n);
	if (row != n)
		fail_msg("docs/SCENARIOS.md lists %zu settings, the table %zu", row, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sizes_follow_the_unit_rules),
	    cmocka_unit_test(sizes_reject_what_is_not_a_size),
	    cmocka_unit_test(settings_read_values_as_documented),
	    cmocka_unit_test(rejected_value_changes_nothing),
	    cmocka_unit_test(list_applies_cpu_first),
	    cmocka_unit_test(cpu_values_name_every_preset),
	    cmocka_unit_test(every_row_is_complete_and_named_once),
	    cmocka_unit_test(documented_defaults_are_the_defaults),
	    cmocka_unit_test(docs_table_is_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
