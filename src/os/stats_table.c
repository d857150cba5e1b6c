/*
 * The counter tables of include/vmsim/stats_table.h as data: one descriptor
 * per row, with the member's offset, so that the report, the scenario
 * figures and bindings can find and read a counter by name. Reads no
 * machine; any layer may call it.
 */
#include "vmsim/stats_table.h"

#include <string.h>

#include "vmsim/vm.h"

#define SYS_ROW(f, t, u, k, j, fig, c, sec, lab, d)                                                \
	{#f,                                                                                       \
	 offsetof(struct vmsim_sys_stats, f),                                                      \
	 VMSIM_STAT_##t,                                                                           \
	 VMSIM_STAT_##u,                                                                           \
	 VMSIM_STAT_##k,                                                                           \
	 false,                                                                                    \
	 j,                                                                                        \
	 fig,                                                                                      \
	 c,                                                                                        \
	 VMSIM_STAT_SEC_##sec,                                                                     \
	 lab,                                                                                      \
	 d},
#define PROC_ROW(f, t, u, k, scope, j, fig, c, sec, lab, d)                                        \
	{#f,                                                                                       \
	 offsetof(struct vmsim_proc_stats, f),                                                     \
	 VMSIM_STAT_##t,                                                                           \
	 VMSIM_STAT_##u,                                                                           \
	 VMSIM_STAT_##k,                                                                           \
	 VMSIM_STAT_SCOPE_##scope,                                                                 \
	 j,                                                                                        \
	 fig,                                                                                      \
	 c,                                                                                        \
	 VMSIM_STAT_SEC_##sec,                                                                     \
	 lab,                                                                                      \
	 d},
#define VMSIM_STAT_SCOPE_COMMON true
#define VMSIM_STAT_SCOPE_SIM	false

static const struct vmsim_stat_desc sys_rows[] = {VMSIM_SYS_STATS(SYS_ROW)
						      VMSIM_SYS_MMU_STATS(SYS_ROW)};

static const struct vmsim_stat_desc proc_rows[] = {VMSIM_PROC_STATS(PROC_ROW)};

const struct vmsim_stat_desc *vmsim_sys_stat_table(size_t *n)
{
	*n = sizeof(sys_rows) / sizeof(sys_rows[0]);
	return sys_rows;
}

const struct vmsim_stat_desc *vmsim_proc_stat_table(size_t *n)
{
	*n = sizeof(proc_rows) / sizeof(proc_rows[0]);
	return proc_rows;
}

static const struct vmsim_stat_desc *table(enum vmsim_stat_scope scope, size_t *n)
{
	return scope == VMSIM_STAT_PROC ? vmsim_proc_stat_table(n) : vmsim_sys_stat_table(n);
}

const struct vmsim_stat_desc *vmsim_stat_by_figure(enum vmsim_stat_scope scope, const char *name)
{
	size_t n;
	const struct vmsim_stat_desc *t = table(scope, &n);

	for (size_t i = 0; name && i < n; i++)
		if (t[i].figure && strcmp(t[i].figure, name) == 0)
			return &t[i];
	return NULL;
}

const struct vmsim_stat_desc *vmsim_stat_by_json(enum vmsim_stat_scope scope, const char *path)
{
	size_t n;
	const struct vmsim_stat_desc *t = table(scope, &n);

	for (size_t i = 0; path && i < n; i++)
		if (strcmp(t[i].json, path) == 0)
			return &t[i];
	return NULL;
}

double vmsim_stat_value(const struct vmsim_stat_desc *d, const void *stats)
{
	const char *p = (const char *)stats + d->offset;
	uint64_t u;
	double x;
	bool b;
	int i;

	switch (d->type) {
	case VMSIM_STAT_BOOL:
		memcpy(&b, p, sizeof(b));
		return b ? 1.0 : 0.0;
	case VMSIM_STAT_DBL:
		memcpy(&x, p, sizeof(x));
		return x;
	case VMSIM_STAT_INT:
		memcpy(&i, p, sizeof(i));
		return (double)i;
	case VMSIM_STAT_U64:
		break;
	}
	memcpy(&u, p, sizeof(u));
	return (double)u;
}

uint64_t vmsim_stat_u64(const struct vmsim_stat_desc *d, const void *stats)
{
	const char *p = (const char *)stats + d->offset;
	uint64_t u;

	switch (d->type) {
	case VMSIM_STAT_U64:
		memcpy(&u, p, sizeof(u));
		return u;
	case VMSIM_STAT_INT: {
		int i;
		memcpy(&i, p, sizeof(i));
		return i < 0 ? 0 : (uint64_t)i;
	}
	case VMSIM_STAT_BOOL:
	case VMSIM_STAT_DBL:
		break;
	}
	double x = vmsim_stat_value(d, stats);
	return x > 0 ? (uint64_t)x : 0;
}

double vmsim_stat_scaled(const struct vmsim_stat_desc *d, const void *stats)
{
	if (d->unit == VMSIM_STAT_PAGES)
		return (double)(vmsim_stat_u64(d, stats) * VMSIM_PAGE_SIZE);
	if (d->type == VMSIM_STAT_U64)
		return (double)vmsim_stat_u64(d, stats);
	return vmsim_stat_value(d, stats);
}
