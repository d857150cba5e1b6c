/*
 * Looking up the names a workload gave its processes and areas (run.h).
 * Callers: the text report, the CLI's end-of-run tables.
 */
#include <stdio.h>

#include "base/run.h"

const char *run_proc_name(const struct run_names *names, int pid)
{
	for (size_t i = 0; names && i < names->nprocs; i++)
		if (names->procs[i].pid == pid)
			return names->procs[i].name;
	return NULL;
}

const char *run_area_names(const struct run_names *names, int pid, vaddr_t start, vaddr_t end,
			   char *buf, size_t len)
{
	size_t n = 0;
	if (!len)
		return NULL;
	buf[0] = '\0';
	for (size_t i = 0; names && i < names->nprocs; i++) {
		const struct run_proc *p = &names->procs[i];
		if (p->pid != pid)
			continue;
		for (size_t k = 0; k < p->nareas; k++) {
			const struct run_area *a = &p->areas[k];
			if (!a->name || a->start >= end || a->start + a->len <= start)
				continue;
			int w = snprintf(buf + n, len - n, "%s%s", n ? "+" : "", a->name);
			if (w < 0 || (size_t)w >= len - n)
				break;
			n += (size_t)w;
		}
	}
	return n ? buf : NULL;
}
