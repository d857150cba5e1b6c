/*
 * Several traces at once (replay.h, replay_many): each trace is one task
 * of the CPU scheduler (include/vmsim/sched.h) on one machine, so real
 * programs compete for frames, share the page cache and wait for the
 * paging device as processes do.
 *
 *	trace 1 --> replay stream --+            +--> vmsim_access (pid of the access)
 *	trace 2 --> replay stream --+--> sched --+
 *	   ...     (events applied  |  round-robin, a slice of Q accesses, a
 *	            in trace order) |  major fault blocks the task
 *
 * A task is a whole trace: the processes a trace forks belong to its task
 * (the op carries their pid), so a slice runs the trace's records in their
 * order, whatever process they name. A trace's task finishes at its end;
 * its processes stay in the machine as replay_trace leaves them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/trace.h"

struct one {
	struct trace *t;	   /* the open trace */
	struct replay *rp;	   /* its stream */
	struct replay_access next; /* the access handed out next, if have_next */
	bool have_next;		   /* primed and not yet consumed */
	int rc;			   /* the stream's error, if it failed */
	struct trace_error err;	   /*   and its message */
};

/* The scheduler's generator for one trace. */
static int trace_next(void *arg, int pid, struct vmsim_sched_op *op)
{
	struct one *x = arg;
	int rc;

	(void)pid;
	if (!x->have_next) {
		rc = replay_stream_next(x->rp, &x->next, &x->err);
		if (rc < 0)
			return x->rc = rc;
		if (rc > 0)
			return 1;
	}
	x->have_next = false;
	*op = (struct vmsim_sched_op){
	    .va = x->next.va,
	    .size = x->next.size,
	    .kind = (enum vmsim_access_kind)x->next.kind,
	    .pid = x->next.pid,
	};
	return 0;
}

int replay_many(struct vmsim_system *sys, const char *const *paths, unsigned n,
		const struct replay_opts *o, const struct vmsim_sched_cfg *sc,
		struct vmsim_sched_result *res, struct replay_many_trace *per,
		struct trace_error *err)
{
	struct one *x = calloc(n ? n : 1, sizeof(*x));
	struct vmsim_sched_task *tasks = calloc(n ? n : 1, sizeof(*tasks));
	struct vmsim_sched_cfg cfg = *sc;
	unsigned ntasks = 0;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	memset(per, 0, n * sizeof(*per));
	err->msg[0] = '\0';
	if (!x || !tasks) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	for (unsigned i = 0; i < n; i++) {
		if ((rc = trace_open(&x[i].t, paths[i], o->format, err)) ||
		    (rc = replay_stream_new(&x[i].rp, sys, x[i].t, o, i, err)))
			goto out_free;
	}
	/* Prime every stream up to its first access, in the order given: the
	 * first process of each trace then exists, and the task runs it. */
	for (unsigned i = 0; i < n; i++) {
		rc = replay_stream_next(x[i].rp, &x[i].next, err);
		if (rc < 0)
			goto out_free;
		per[i].task = -1;
		if (rc > 0)
			continue; /* no access at all: its events are applied, nothing to run */
		x[i].have_next = true;
		per[i].task = (int)ntasks;
		tasks[ntasks++] = (struct vmsim_sched_task){
		    .next = trace_next, .arg = &x[i], .pid = x[i].next.pid};
	}
	rc = 0;
	if (ntasks) {
		cfg.tasks = tasks;
		cfg.ntasks = ntasks;
		rc = vmsim_sched_run(sys, &cfg, res);
		if (rc) {
			for (unsigned i = 0; i < n; i++)
				if (x[i].rc) {
					*err = x[i].err;
					break;
				}
			if (!err->msg[0])
				snprintf(err->msg, sizeof(err->msg), "scheduler: %s",
					 vmsim_strerror(rc));
			goto out_free;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		per[i].stats = *replay_stream_stats(x[i].rp);
		if (x[i].have_next) /* handed out but never run (a limit stopped the run) */
			per[i].stats.accesses--;
		if (per[i].task >= 0)
			per[i].sched = res->procs[per[i].task];
	}

out_free:
	if (x)
		for (unsigned i = 0; i < n; i++) {
			replay_stream_free(x[i].rp);
			trace_close(x[i].t);
		}
	free(tasks);
	free(x);
	return rc;
}

int vmsim_sched_run_traces(struct vmsim_system *sys, const char *const *paths, unsigned n,
			   const struct vmsim_sched_cfg *cfg, struct vmsim_sched_result *out,
			   char *why, size_t whylen)
{
	struct replay_opts o;
	struct replay_many_trace *per;
	struct trace_error err;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!paths || n == 0)
		return VMSIM_EINVAL;
	if (!(per = calloc(n, sizeof(*per))))
		return VMSIM_ENOHOSTMEM;
	replay_opts_default(&o);
	rc = replay_many(sys, paths, n, &o, cfg, out, per, &err);
	if (rc && why && whylen)
		snprintf(why, whylen, "%s", err.msg);
	free(per);
	return rc;
}
