/*
 * vmsim record: run a program under Valgrind's lackey tool and stream the
 * memory trace it prints into vmsim's own format.
 *
 *	valgrind --tool=lackey -q --trace-mem=yes --log-fd=N PROG ARGS...
 *	     |  fd N (a pipe; the program's own stdin/stdout/stderr untouched)
 *	     v
 *	lackey reader --TRACE_BATCH records--> trace writer (zstd) --> OUT
 *
 * Memory stays constant: records pass through one batch. On any failure
 * the child is killed (it is ours, by pid) and the partial output removed.
 * Callers: src/cli/cmd_record.c, tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "workload/trace.h"

bool trace_find_program(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		int k = len ? snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, prog)
			    : snprintf(buf, sizeof(buf), "./%s", prog);
		if (k > 0 && (size_t)k < sizeof(buf) && access(buf, X_OK) == 0)
			return true;
		path += len;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Wait for @pid, retrying after signals. */
static int wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

int trace_record(char *const argv[], const struct trace_record_opts *o,
		 struct trace_record_result *res, struct trace_error *err)
{
	const char *vg = o->valgrind ? o->valgrind : "valgrind";
	struct trace_writer_opts wo = {.zstd_level = o->zstd_level, .source = TRACE_SRC_LACKEY};
	struct trace_writer *w = NULL;
	struct trace *t = NULL;
	struct trace_rec *batch = NULL;
	char logfd_opt[32], name[256];
	char **vargv = NULL;
	int pfd[2] = {-1, -1}, status = 0, rc;
	size_t argc = 0;
	pid_t pid = -1;

	memset(res, 0, sizeof(*res));
	if (!argv || !argv[0]) {
		snprintf(err->msg, sizeof(err->msg), "no program to record");
		return VMSIM_EINVAL;
	}
	if (!trace_find_program(vg)) {
		snprintf(err->msg, sizeof(err->msg),
			 "'%s' not found: recording needs Valgrind (Debian: apt-get install "
			 "valgrind)",
			 vg);
		return VMSIM_ENOTSUP;
	}
	while (argv[argc])
		argc++;
	if (!(vargv = calloc(argc + 6, sizeof(*vargv))) ||
	    !(batch = malloc(TRACE_BATCH * sizeof(*batch)))) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	if (pipe(pfd) != 0 || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot create a pipe: %s", strerror(errno));
		rc = VMSIM_EIO;
		goto out_free;
	}
	if ((rc = trace_writer_open(&w, o->out_path, &wo, err)))
		goto out_free;

	snprintf(logfd_opt, sizeof(logfd_opt), "--log-fd=%d", pfd[1]);
	vargv[0] = (char *)vg;
	vargv[1] = "--tool=lackey";
	vargv[2] = "-q";
	vargv[3] = "--trace-mem=yes";
	vargv[4] = logfd_opt;
	for (size_t i = 0; i < argc; i++)
		vargv[5 + i] = argv[i];
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot fork: %s", strerror(errno));
		rc = VMSIM_EIO;
		goto out_discard;
	}
	if (pid == 0) {
		execvp(vg, vargv);
		static const char msg[] = "vmsim record: cannot run valgrind\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;

	snprintf(name, sizeof(name), "lackey output of '%s'", argv[0]);
	rc = trace_open_fd(&t, pfd[0], name, true, "lackey", err);
	pfd[0] = -1; /* the trace owns it now */
	if (rc)
		goto out_kill;
	for (;;) {
		size_t n;
		if ((rc = trace_read(t, batch, TRACE_BATCH, &n, err)))
			goto out_kill;
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			res->accesses += batch[i].type == TRACE_ACCESS;
		if ((rc = trace_writer_put(w, batch, n, err)))
			goto out_kill;
	}
	trace_close(t);
	t = NULL;
	if (wait_child(pid, &status) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot wait for valgrind: %s",
			 strerror(errno));
		rc = VMSIM_EIO;
		goto out_discard;
	}
	pid = -1;
	res->records = trace_writer_count(w);
	res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (res->records == 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "valgrind recorded nothing (it exited with status %d): could it run '%s'?",
			 res->exit_status, argv[0]);
		rc = VMSIM_EIO;
		goto out_discard;
	}
	rc = trace_writer_close(w, err);
	w = NULL;
	if (rc)
		goto out_unlink;
	free(batch);
	free(vargv);
	return 0;

out_kill:
	trace_close(t);
	if (pid > 0) {
		kill(pid, SIGKILL);
		wait_child(pid, &status);
	}
out_discard:
	trace_writer_discard(w);
out_unlink:
	if (strcmp(o->out_path, "-"))
		unlink(o->out_path);
out_free:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(batch);
	free(vargv);
	return rc;
}
