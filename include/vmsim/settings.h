/*
 * Machine settings by name: the one table of what a struct vmsim_config
 * can be set to from text. The scenario language's `machine KEY=VALUE`,
 * the command line's machine options (`--KEY VALUE`), sweep specs and the
 * Python binding's vmsim_config_set all read it, and the settings table in
 * docs/SCENARIOS.md is checked against it by a test.
 *
 * Adding a setting is one row in src/os/settings.c (a generic row names a
 * field of struct vmsim_config; a special one gives its own setter).
 *
 * Values follow one set of rules (docs/USER_GUIDE.md, "Sizes and units"):
 * sizes are a number with an optional unit, K M G T and KiB MiB GiB TiB
 * binary, KB MB GB TB decimal, B bytes, any case ("64M" = 67,108,864,
 * "64MB" = 64,000,000); a fraction is allowed where the bytes come out
 * whole ("1.5G").
 */
#ifndef VMSIM_SETTINGS_H
#define VMSIM_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "vmsim/vm.h"

/* What kind of value a setting takes (for help texts and the command line). */
enum vmsim_setting_type {
	VMSIM_SETTING_SIZE,   /* bytes: 64M, 100MB, 1.5G, 0x1000 */
	VMSIM_SETTING_COUNT,  /* a whole number */
	VMSIM_SETTING_SWITCH, /* on or off: a flag --KEY on the command line, --no-KEY for off */
	VMSIM_SETTING_CHOICE, /* one word of a list */
	VMSIM_SETTING_OTHER,  /* anything else (a latency or a device, a clock rate) */
};

struct vmsim_setting;

/* Apply @val to @cfg for @s. 0, or VMSIM_EINVAL with the reason in @why. */
typedef int (*vmsim_setting_fn)(struct vmsim_config *cfg, const struct vmsim_setting *s,
				const char *val, char *why /* out */, size_t whylen);

/* One setting. The first six fields are for readers; the rest say how
 * generic rows store their value (settings.c fills them through macros). */
struct vmsim_setting {
	const char *key;    /* "ram": `machine ram=64M`, vmsim_config_set(cfg, "ram", ..) */
	const char *option; /* command-line option, "--ram" */
	enum vmsim_setting_type type; /* how the value is read */
	const char *values;	      /* what the value may be, in words ("size, at least 256K") */
	const char *dflt;	      /* the default, in words */
	const char *help;	      /* what it sets, one line */
	const char *arg;	      /* the value in usage lines ("NAME"); NULL: from the type */
	/* how: */
	vmsim_setting_fn set;	  /* the setter (generic ones use the fields below) */
	size_t offset;		  /* generic: where in struct vmsim_config */
	size_t width;		  /* generic: bytes of that field (1 bool, 4 or 8 integers) */
	uint64_t min, max;	  /* generic numbers: the range */
	uint64_t divisor;	  /* generic sizes: stored divided by this (KiB fields), else 1 */
	const char *const *words; /* switches: {yes, no}; choices: the words, NULL-terminated */
};

/* The settings in documentation order; *@n gets their number. */
VMSIM_API const struct vmsim_setting *vmsim_settings(size_t *n /* out */);

/* The setting named @key, or NULL. */
VMSIM_API const struct vmsim_setting *vmsim_setting_find(const char *key);

/* The setting whose command-line option is @option ("--ram"), or NULL. */
VMSIM_API const struct vmsim_setting *vmsim_setting_by_option(const char *option);

/*
 * Set @key to @val in @cfg. Returns 0, or VMSIM_EINVAL with the reason in
 * @why ("unknown machine setting 'rma'", "expected a size such as 64M or
 * 1G, found 'lots'") and @cfg unchanged. `cpu` replaces the whole MMU
 * configuration: apply it before levels, pcid and pwc.
 */
VMSIM_API int vmsim_setting_apply(struct vmsim_config *cfg, const char *key, const char *val,
				  char *why /* out */, size_t whylen);

/*
 * Apply a NULL-terminated list of "KEY=VALUE" strings to @cfg, every cpu=
 * first and then the others in order. Returns 0, or VMSIM_EINVAL with
 * "KEY=VALUE: reason" in @why (@cfg then partly set).
 */
VMSIM_API int vmsim_settings_apply_list(struct vmsim_config *cfg, const char *const *kv,
					char *why /* out */, size_t whylen);

/*
 * Read the whole of @s as a size in bytes by the rules above. Returns 0 and
 * *@bytes, or VMSIM_EPARSE (malformed) / VMSIM_ERANGE (beyond 64 bits)
 * with the reason in @why and in *@col the 1-based column of the bad
 * character (0: the value as a whole). @col may be NULL.
 */
VMSIM_API int vmsim_parse_size(const char *s, uint64_t *bytes /* out */, size_t *col /* out */,
			       char *why /* out */, size_t whylen);

#endif
