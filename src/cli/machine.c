/*
 * The machine options of the commands that build a machine (run, replay):
 * one option per row of the settings table (include/vmsim/settings.h),
 * so the command line, the scenario language and the docs cannot drift.
 *
 *	--ram SIZE        --ram=SIZE          any setting: --KEY VALUE
 *	--data            --no-data           on/off settings: a flag each way,
 *	--data=off                            or a value after '='
 *
 * A value is checked when it is read, so a bad one is reported before
 * anything runs, in the words the scenario language uses:
 *
 *	vmsim run: --ram: expected a size such as 64M or 1G, found 'lots'
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "cli.h"
#include "vmsim/settings.h"

/* Is @s an on/off switch (a flag on the command line)? */
static bool is_flag(const struct vmsim_setting *s)
{
	return s->type == VMSIM_SETTING_SWITCH && !strcmp(s->words[0], "on");
}

int cli_machine_add(struct cli_machine *m, const char *cmd, const char *key, const char *value)
{
	char why[256];
	struct vmsim_config scratch;
	const struct vmsim_setting *s = vmsim_setting_find(key);

	if (!s) {
		cli_error(cmd, "unknown machine setting '%s'", key);
		return -1;
	}
	vmsim_config_default(&scratch);
	if (vmsim_setting_apply(&scratch, key, value, why, sizeof(why))) {
		cli_error(cmd, "%s: %s", s->option, why);
		return -1;
	}
	if (m->n + 1 >= ARRAY_SIZE(m->kv)) {
		cli_error(cmd, "too many machine options (at most %zu)", ARRAY_SIZE(m->kv) - 1);
		return -1;
	}
	if ((size_t)snprintf(m->text[m->n], sizeof(m->text[0]), "%s=%s", key, value) >=
	    sizeof(m->text[0])) {
		cli_error(cmd, "%s: value too long", s->option);
		return -1;
	}
	m->kv[m->n] = m->text[m->n];
	m->kv[++m->n] = NULL;
	return 0;
}

int cli_machine_option(struct cli_machine *m, const char *cmd, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	char name[64];
	const char *eq, *value;
	const struct vmsim_setting *s;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	eq = strchr(arg, '=');
	snprintf(name, sizeof(name), "%.*s", (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	if (!strncmp(name, "--no-", 5) && !eq) {
		char yes[64];
		snprintf(yes, sizeof(yes), "--%s", name + 5);
		s = vmsim_setting_by_option(yes);
		if (s && is_flag(s))
			return cli_machine_add(m, cmd, s->key, "off") ? -1 : 1;
	}
	s = vmsim_setting_by_option(name);
	if (!s)
		return 0;
	if (is_flag(s) && !eq)
		return cli_machine_add(m, cmd, s->key, "on") ? -1 : 1;
	if (eq) {
		value = eq + 1;
	} else if (*i + 1 < argc) {
		value = argv[++*i];
	} else {
		cli_error(cmd, "option '%s' needs a value (see 'vmsim %s --help')", arg, cmd);
		return -1;
	}
	return cli_machine_add(m, cmd, s->key, value) ? -1 : 1;
}

int cli_machine_apply(const char *cmd, const struct cli_machine *m, struct vmsim_config *cfg)
{
	char why[320];
	if (vmsim_settings_apply_list(cfg, m->kv, why, sizeof(why))) {
		cli_error(cmd, "%s", why);
		return -1;
	}
	return 0;
}

/* "SIZE", "4|5", "N": the value of @s in a usage line. */
static const char *metavar(const struct vmsim_setting *s, char *buf, size_t len)
{
	if (s->arg)
		return s->arg;
	switch (s->type) {
	case VMSIM_SETTING_SIZE:
		return "SIZE";
	case VMSIM_SETTING_COUNT:
		return "N";
	case VMSIM_SETTING_SWITCH:
	case VMSIM_SETTING_CHOICE:
		buf[0] = '\0';
		for (const char *const *w = s->words; *w; w++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 w == s->words ? "" : "|", *w);
		return buf;
	default:
		return "VALUE";
	}
}

/* Is @key in the NULL-terminated list @keys (NULL: empty)? */
static bool listed(const char *const *keys, const char *key)
{
	for (; keys && *keys; keys++)
		if (!strcmp(*keys, key))
			return true;
	return false;
}

void cli_machine_help(FILE *f)
{
	cli_machine_help_except(f, NULL);
}

void cli_machine_help_except(FILE *f, const char *const *skip)
{
	size_t n;
	const struct vmsim_setting *t = vmsim_settings(&n);
	for (size_t i = 0; i < n; i++) {
		char opt[64], mv[64];
		if (listed(skip, t[i].key))
			continue;
		if (is_flag(&t[i]))
			snprintf(opt, sizeof(opt), "%s, --no-%s", t[i].option, t[i].option + 2);
		else
			snprintf(opt, sizeof(opt), "%s %s", t[i].option,
				 metavar(&t[i], mv, sizeof(mv)));
		fprintf(f, "  %-26s %s (default %s)\n", opt, t[i].help, t[i].dflt);
	}
}
