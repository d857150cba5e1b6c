/*
 * vmsim record: run a program under Valgrind and stream what it records
 * into vmsim's format, version 2.
 *
 *	valgrind --tool=vmsim -q --trace-children=yes --out-fd=N PROG ARGS...
 *	     |  fd N, a pipe: whole blocks, each one write (vmsim's tool,
 *	     v  src/record/vgtool.c; every process of the program writes to it)
 *	block copier --header checked, blocks as they are--> trace writer (zstd) --> OUT
 *
 *	valgrind --tool=lackey -q --trace-mem=yes --log-fd=N PROG ARGS...
 *	     |  fd N: text
 *	     v
 *	lackey reader --TRACE_BATCH records--> trace writer (zstd) --> OUT
 *
 * The tool's blocks are copied without decoding them, so the copier costs
 * little next to the program under Valgrind. Valgrind runs vmsim's tool
 * from a private directory (VALGRIND_LIB) holding links to Valgrind's own
 * files and to the tool. Streaming (trace_record_start) runs the same
 * recording in a forked copier process whose writer is a pipe, and the
 * caller replays from that pipe.
 *
 * On any failure the child is killed (it is ours, by pid) and the output
 * removed, except after a write error: then the whole blocks written stay
 * readable. Callers: src/cli/cmd_record.c, cmd_run.c, tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmsim/error.h"
#include "workload/trace_internal.h"

#ifndef VMSIM_LIBEXECDIR
#define VMSIM_LIBEXECDIR "/usr/local/libexec"
#endif
#ifndef VMSIM_VALGRIND_LIBEXEC
#define VMSIM_VALGRIND_LIBEXEC "/usr/libexec/valgrind"
#endif

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031 /* Linux's, outside _POSIX_C_SOURCE */
#endif

#define TOOL_FILE    "vmsim-amd64-linux" /* what valgrind --tool=vmsim runs */
#define COPY_BUF     (1u << 20)
#define PIPE_BYTES   (1 << 20)	 /* the tool's pipe, when the system allows it */
#define COPY_GATHER  (64u << 10) /* a read shorter than this: pause before the next */
#define GATHER_NS    1000000L	 /* the pause: the tool writes about 0.5 MB in it */
#define MAX_WRITERS  2
#define APT_VALGRIND "apt-get install -y valgrind"

/* Find @prog in PATH (or take it as a path when it has a slash) into
 * @out; 0, or -ENOENT (nowhere), -EACCES (found, not executable). */
static int lookup_program(const char *prog, char *out, size_t size)
{
	const char *path = getenv("PATH");
	int found = -ENOENT;
	struct stat st;

	if (strchr(prog, '/')) {
		if (stat(prog, &st) != 0)
			return -ENOENT;
		if (S_ISDIR(st.st_mode) || access(prog, X_OK) != 0)
			return -EACCES;
		snprintf(out, size, "%s", prog);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		int k = len ? snprintf(out, size, "%.*s/%s", (int)len, path, prog)
			    : snprintf(out, size, "./%s", prog);
		if (k > 0 && (size_t)k < size && stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			found = -EACCES;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	return found;
}

bool trace_find_program(const char *prog)
{
	char buf[PATH_MAX];

	return lookup_program(prog, buf, sizeof(buf)) == 0;
}

/* @a/@b into @out: false if it does not fit. */
static bool path_join(char *out, size_t size, const char *a, const char *b)
{
	int k = snprintf(out, size, "%s/%s", a, b);

	return k > 0 && (size_t)k < size;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool trace_record_find_tool(char *path, size_t size)
{
	const char *env = getenv("VMSIM_VGTOOL");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return is_file(path);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, size, "%s/" TOOL_FILE, exe); /* the build tree */
			if (is_file(path))
				return true;
			snprintf(path, size, "%s/../libexec/vmsim/" TOOL_FILE, exe); /* installed */
			if (is_file(path))
				return true;
		}
	}
	snprintf(path, size, "%s/vmsim/" TOOL_FILE, VMSIM_LIBEXECDIR);
	return is_file(path);
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

/* ---- the private VALGRIND_LIB ---------------------------------------------- */

/* Remove the directory @dir made by make_vglib and everything in it. */
static void remove_vglib(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (path_join(p, sizeof(p), dir, e->d_name))
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Whether a run of vmsim's tool needs Valgrind's file @name: the core's
 * preload library (of each platform) and the suppressions. Not the other
 * tools, nor the debugger's target descriptions: linking only these few
 * keeps the directory cheap to make and remove (it was a tenth of the CPU
 * time of recording a short program). */
static bool vglib_needs(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "vgpreload_core-", 15) || (n > 5 && !strcmp(name + n - 5, ".supp"));
}

/* Make a directory @dir (PATH_MAX bytes) holding links to the files of
 * Valgrind's own directory that a run needs and to the tool @tool. */
static int make_vglib(char *dir, const char *tool, struct trace_error *err)
{
	static const char *const where[] = {VMSIM_VALGRIND_LIBEXEC, "/usr/libexec/valgrind",
					    "/usr/lib/valgrind",
					    "/usr/lib/x86_64-linux-gnu/valgrind"};
	const char *src = NULL;
	char p[PATH_MAX], q[PATH_MAX];
	struct dirent *e;
	DIR *d;

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]) && !src; i++) {
		if (path_join(p, sizeof(p), where[i], "vgpreload_core-amd64-linux.so") &&
		    is_file(p))
			src = where[i];
	}
	if (!src) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot find Valgrind's own files (vgpreload_core-amd64-linux.so in "
			 "%s): is valgrind installed? (%s)",
			 VMSIM_VALGRIND_LIBEXEC, APT_VALGRIND);
		return VMSIM_ENOTSUP;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, PATH_MAX, "%s/vmsim-vglib-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err->msg, sizeof(err->msg), "cannot create a directory in %s: %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return VMSIM_EIO;
	}
	if (!(d = opendir(src))) {
		snprintf(err->msg, sizeof(err->msg), "cannot read %.300s: %s", src,
			 strerror(errno));
		goto out_remove;
	}
	while ((e = readdir(d))) {
		if (!vglib_needs(e->d_name))
			continue;
		if (!path_join(p, sizeof(p), src, e->d_name) ||
		    !path_join(q, sizeof(q), dir, e->d_name) || symlink(p, q) != 0) {
			snprintf(err->msg, sizeof(err->msg), "cannot link %.300s: %s", q,
				 strerror(errno));
			closedir(d);
			goto out_remove;
		}
	}
	closedir(d);
	if (!path_join(q, sizeof(q), dir, TOOL_FILE) || symlink(tool, q) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot link %.300s: %s", q, strerror(errno));
		goto out_remove;
	}
	return 0;

out_remove:
	remove_vglib(dir);
	dir[0] = '\0';
	return VMSIM_EIO;
}

/* ---- one recording ------------------------------------------------------------ */

struct rec_run {
	const struct trace_record_opts *o;
	char *const *argv;		     /* the program */
	struct trace_writer *w[MAX_WRITERS]; /* where the trace goes */
	int nw;
	const char *out_path; /* the file among them, or NULL */
	bool lackey;	      /* the tool */
	char tool[PATH_MAX];  /* vmsim's tool */
	char vglib[PATH_MAX]; /* its VALGRIND_LIB, or "" */
	pid_t pid;	      /* valgrind */
	int fd;		      /* the read end of its pipe */
	struct trace_record_result *res;
	uint32_t pids[64]; /* processes seen (the first 64) */
};

/* Start valgrind on the program with its output on a pipe (r->fd). */
static int spawn(struct rec_run *r, struct trace_error *err)
{
	const char *vg = r->o->valgrind ? r->o->valgrind : "valgrind";
	char fd_opt[32], **vargv;
	size_t argc = 0, k = 0;
	int pfd[2];

	while (r->argv[argc])
		argc++;
	if (!(vargv = calloc(argc + 8, sizeof(*vargv)))) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return VMSIM_ENOHOSTMEM;
	}
	if (pipe(pfd) != 0 || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot create a pipe: %s", strerror(errno));
		free(vargv);
		return VMSIM_EIO;
	}
	(void)fcntl(pfd[0], F_SETPIPE_SZ, PIPE_BYTES); /* fewer, larger reads; may fail */
	vargv[k++] = (char *)vg;
	if (r->lackey) {
		snprintf(fd_opt, sizeof(fd_opt), "--log-fd=%d", pfd[1]);
		vargv[k++] = "--tool=lackey";
		vargv[k++] = "-q";
		vargv[k++] = "--trace-mem=yes";
	} else {
		snprintf(fd_opt, sizeof(fd_opt), "--out-fd=%d", pfd[1]);
		vargv[k++] = "--tool=vmsim";
		vargv[k++] = "-q";
		vargv[k++] = "--trace-children=yes";
		if (r->o->no_fetch)
			vargv[k++] = "--no-fetch";
	}
	vargv[k++] = fd_opt;
	for (size_t i = 0; i < argc; i++)
		vargv[k++] = r->argv[i];
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		free(vargv);
		return VMSIM_EIO;
	}
	if (r->pid == 0) {
		if (!r->lackey)
			setenv("VALGRIND_LIB", r->vglib, 1);
		signal(SIGPIPE, SIG_DFL);
		execvp(vg, vargv);
		static const char msg[] = "vmsim record: cannot run valgrind\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	free(vargv);
	r->fd = pfd[0];
	return 0;
}

static void note_pid(struct rec_run *r, uint32_t pid)
{
	for (uint32_t i = 0; i < r->res->processes && i < 64; i++)
		if (r->pids[i] == pid)
			return;
	if (r->res->processes < 64)
		r->pids[r->res->processes] = pid;
	r->res->processes++;
}

static int put_all_block(struct rec_run *r, const unsigned char *b, size_t n,
			 struct trace_error *err)
{
	int rc;

	for (int i = 0; i < r->nw; i++)
		if ((rc = trace_writer_put_block(r->w[i], b, n, err)))
			return rc;
	return 0;
}

static int put_all(struct rec_run *r, const struct trace_rec *recs, size_t n,
		   struct trace_error *err)
{
	int rc;

	for (int i = 0; i < r->nw; i++)
		if ((rc = trace_writer_put(r->w[i], recs, n, err)))
			return rc;
	return 0;
}

/* After a short read: let the tool's blocks gather in the pipe (it holds
 * PIPE_BYTES) for a while, so that one read takes many of them and the
 * copier is not woken up for each 4 KiB block it writes. */
static void gather_pause(void)
{
	struct timespec ts = {0, GATHER_NS};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* vmsim's tool: copy its blocks from the pipe to the writers. */
static int copy_blocks(struct rec_run *r, struct trace_error *err)
{
	unsigned char *buf = malloc(COPY_BUF);
	size_t len = 0, pos;
	uint64_t off = 0;
	int rc = 0;

	if (!buf) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return VMSIM_ENOHOSTMEM;
	}
	for (;;) {
		ssize_t got = read(r->fd, buf + len, COPY_BUF - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0 && (size_t)got < COPY_GATHER)
			gather_pause();
		if (got < 0) {
			snprintf(err->msg, sizeof(err->msg), "reading vmsim's tool: %s",
				 strerror(errno));
			rc = VMSIM_EIO;
			break;
		}
		len += (size_t)got;
		for (pos = 0; len - pos >= TRACE_BLOCK_HDR;) {
			uint32_t blen = trace_le32(buf + pos);
			if (blen == 0 || blen > COPY_BUF - TRACE_BLOCK_HDR) {
				snprintf(err->msg, sizeof(err->msg),
					 "vmsim's tool wrote a block of %u bytes at byte %llu of "
					 "its output (expected 1 to %u)",
					 blen, (unsigned long long)(off + pos),
					 COPY_BUF - TRACE_BLOCK_HDR);
				rc = VMSIM_EPARSE;
				goto out;
			}
			if (len - pos < TRACE_BLOCK_HDR + blen)
				break;
			note_pid(r, trace_le32(buf + pos + 8));
			if ((rc = put_all_block(r, buf + pos, TRACE_BLOCK_HDR + blen, err)))
				goto out;
			r->res->blocks++;
			pos += TRACE_BLOCK_HDR + blen;
		}
		memmove(buf, buf + pos, len - pos);
		len -= pos;
		off += pos;
		if (got == 0)
			break;
	}
	if (!rc && len) {
		snprintf(err->msg, sizeof(err->msg),
			 "vmsim's tool output ends inside a block (%zu bytes at byte %llu)", len,
			 (unsigned long long)off);
		rc = VMSIM_EPARSE;
	}
out:
	free(buf);
	return rc;
}

/* Lackey: decode its text and write records. */
static int copy_lackey(struct rec_run *r, struct trace_error *err)
{
	struct trace_rec *batch = malloc(TRACE_BATCH * sizeof(*batch));
	struct trace *t = NULL;
	char name[256];
	int rc;

	if (!batch) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		close(r->fd);
		r->fd = -1;
		return VMSIM_ENOHOSTMEM;
	}
	snprintf(name, sizeof(name), "lackey output of '%s'", r->argv[0]);
	rc = trace_open_fd(&t, r->fd, name, true, "lackey", err);
	r->fd = -1; /* the trace owns it now */
	while (!rc) {
		size_t n;
		if ((rc = trace_read(t, batch, TRACE_BATCH, &n, err)) || n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			r->res->accesses += batch[i].type == TRACE_ACCESS;
		rc = put_all(r, batch, n, err);
	}
	trace_close(t);
	free(batch);
	return rc;
}

/* Run the recording @r to its end; the writers stay open. */
static int record_run(struct rec_run *r, struct trace_error *err)
{
	struct trace_record_result *res = r->res;
	int status = 0, rc;

	if ((rc = spawn(r, err)))
		return rc;
	rc = r->lackey ? copy_lackey(r, err) : copy_blocks(r, err);
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	if (rc) {
		kill(r->pid, SIGKILL);
		wait_child(r->pid, &status);
		return rc;
	}
	if (wait_child(r->pid, &status) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot wait for valgrind: %s",
			 strerror(errno));
		return VMSIM_EIO;
	}
	res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (!r->lackey && res->term_signal) {
		/* killed: its tool saw no exit call and wrote no exit record */
		struct trace_rec ex = {.type = TRACE_EVENT,
				       .kind = TRACE_EV_EXIT,
				       .pid = (uint32_t)r->pid,
				       .prot = (uint32_t)res->term_signal};
		if ((rc = put_all(r, &ex, 1, err)))
			return rc;
	}
	res->records = trace_writer_count(r->w[0]);
	if (res->records == 0 || (!r->lackey && res->blocks == 0)) {
		snprintf(err->msg, sizeof(err->msg),
			 "valgrind recorded nothing (it exited with status %d): could it run '%s'?",
			 res->exit_status, r->argv[0]);
		return VMSIM_EIO;
	}
	return 0;
}

/* Check the program and valgrind, pick the tool, make its VALGRIND_LIB. */
static int prepare(struct rec_run *r, char *const argv[], const struct trace_record_opts *o,
		   struct trace_record_result *res, struct trace_error *err)
{
	char prog[PATH_MAX];
	const char *vg = o->valgrind ? o->valgrind : "valgrind";
	int k;

	memset(r, 0, sizeof(*r));
	memset(res, 0, sizeof(*res));
	r->o = o;
	r->argv = argv;
	r->res = res;
	r->fd = -1;
	r->pid = -1;
	if (!argv || !argv[0] || !argv[0][0]) {
		snprintf(err->msg, sizeof(err->msg), "no program to record");
		return VMSIM_EINVAL;
	}
	if ((k = lookup_program(argv[0], prog, sizeof(prog))) != 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", argv[0],
			 k == -EACCES		? "not executable (permission denied)"
			 : strchr(argv[0], '/') ? "no such file"
						: "no such program in PATH");
		return VMSIM_EINVAL;
	}
	if (!trace_find_program(vg)) {
		snprintf(err->msg, sizeof(err->msg),
			 "'%s' not found: recording needs Valgrind; install it with: " APT_VALGRIND,
			 vg);
		return VMSIM_ENOTSUP;
	}
	r->lackey = o->tool == TRACE_TOOL_LACKEY;
	if (!r->lackey) {
		bool found = o->tool_path ? (snprintf(r->tool, sizeof(r->tool), "%s", o->tool_path),
					     is_file(r->tool))
					  : trace_record_find_tool(r->tool, sizeof(r->tool));
		if (!found && o->tool == TRACE_TOOL_VMSIM) {
			snprintf(err->msg, sizeof(err->msg),
				 "vmsim's Valgrind tool is not installed (%.300s): vmsim was built "
				 "without valgrind's development files",
				 r->tool);
			return VMSIM_ENOTSUP;
		}
		r->lackey = !found;
	}
	res->lackey = r->lackey;
	if (!r->lackey)
		return make_vglib(r->vglib, r->tool, err);
	return 0;
}

static void finish_run(struct rec_run *r)
{
	if (r->vglib[0])
		remove_vglib(r->vglib);
	r->vglib[0] = '\0';
}

static struct trace_writer_opts writer_opts(const struct rec_run *r, int level)
{
	return (struct trace_writer_opts){
	    .zstd_level = level,
	    .flags = r->lackey ? 0 : TRACE_F_HAS_VMAS,
	    .source = r->lackey ? TRACE_SRC_LACKEY : TRACE_SRC_VGTOOL,
	};
}

/* Close every writer; the file's error wins. */
static int close_writers(struct rec_run *r, int rc, struct trace_error *err)
{
	struct trace_error e2;

	for (int i = 0; i < r->nw; i++) {
		int c = trace_writer_close(r->w[i], rc ? &e2 : err);
		if (c && !rc)
			rc = c;
		r->w[i] = NULL;
	}
	r->nw = 0;
	return rc;
}

static void discard_writers(struct rec_run *r)
{
	for (int i = 0; i < r->nw; i++)
		trace_writer_discard(r->w[i]);
	r->nw = 0;
}

/* After a failure: keep the file only if writing it failed (it holds
 * whole blocks up to the failure). */
static void settle_output(struct rec_run *r, int rc, struct trace_error *err)
{
	if (!r->out_path || !strcmp(r->out_path, "-"))
		return;
	if (rc == VMSIM_EIO && strstr(err->msg, "write error") &&
	    !strncmp(err->msg, r->out_path, strlen(r->out_path))) {
		r->res->partial = true;
		size_t k = strlen(err->msg);
		snprintf(err->msg + k, sizeof(err->msg) - k,
			 " (the partial trace stays, readable up to its last whole block)");
		return;
	}
	struct stat st;
	if (stat(r->out_path, &st) == 0 && S_ISREG(st.st_mode)) /* never /dev/null... */
		unlink(r->out_path);
}

int trace_record(char *const argv[], const struct trace_record_opts *o,
		 struct trace_record_result *res, struct trace_error *err)
{
	struct rec_run r;
	struct trace_writer_opts wo;
	int rc;

	if ((rc = prepare(&r, argv, o, res, err)))
		return rc;
	if (!o->out_path) {
		snprintf(err->msg, sizeof(err->msg), "no output file to record into");
		finish_run(&r);
		return VMSIM_EINVAL;
	}
	wo = writer_opts(&r, o->zstd_level);
	if ((rc = trace_writer_open(&r.w[0], o->out_path, &wo, err))) {
		finish_run(&r);
		return rc;
	}
	r.nw = 1;
	r.out_path = o->out_path;
	rc = record_run(&r, err);
	if (rc) {
		discard_writers(&r);
		settle_output(&r, rc, err);
	} else if ((rc = close_writers(&r, 0, err))) {
		settle_output(&r, rc, err);
	}
	finish_run(&r);
	return rc;
}

/* ---- streaming ------------------------------------------------------------------ */

struct trace_recording {
	pid_t copier;	/* the process that records */
	int result_fd;	/* where it sends its result */
	char *out_path; /* its file, if any */
};

/* What the copier sends back. */
struct copier_result {
	int rc;
	struct trace_record_result res;
	struct trace_error err;
};

int trace_record_start(char *const argv[], const struct trace_record_opts *o,
		       struct trace_recording **recp, int *fdp, struct trace_error *err)
{
	struct trace_recording *rec;
	struct trace_record_result res;
	struct rec_run r;
	struct trace_writer_opts wo;
	int data[2], result[2], rc;

	if ((rc = prepare(&r, argv, o, &res, err)))
		return rc;
	if (!(rec = calloc(1, sizeof(*rec))) ||
	    (o->out_path && !(rec->out_path = strdup(o->out_path)))) {
		free(rec);
		finish_run(&r);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return VMSIM_ENOHOSTMEM;
	}
	if (pipe(data) != 0 || fcntl(data[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(data[1], F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot create a pipe: %s", strerror(errno));
		goto out_free;
	}
	(void)fcntl(data[0], F_SETPIPE_SZ, PIPE_BYTES); /* the reader is woken less often */
	if (pipe(result) != 0 || fcntl(result[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(result[1], F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot create a pipe: %s", strerror(errno));
		close(data[0]);
		close(data[1]);
		goto out_free;
	}
	fflush(NULL);
	rec->copier = fork();
	if (rec->copier < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot fork: %s", strerror(errno));
		close(data[0]);
		close(data[1]);
		close(result[0]);
		close(result[1]);
		goto out_free;
	}
	if (rec->copier == 0) {
		struct copier_result cr = {0};
		close(data[0]);
		close(result[0]);
		signal(SIGPIPE, SIG_IGN); /* a reader that stops early: a write error */
		r.res = &cr.res;
		wo = writer_opts(&r, 0);
		cr.rc =
		    trace_writer_open_fd(&r.w[0], data[1], "the recording stream", &wo, &cr.err);
		if (!cr.rc) {
			r.nw = 1;
			wo = writer_opts(&r, o->zstd_level);
			if (o->out_path &&
			    !(cr.rc = trace_writer_open(&r.w[1], o->out_path, &wo, &cr.err))) {
				r.nw = 2;
				r.out_path = o->out_path;
			}
		}
		if (!cr.rc)
			cr.rc = record_run(&r, &cr.err);
		if (cr.rc)
			discard_writers(&r);
		else
			cr.rc = close_writers(&r, 0, &cr.err);
		if (cr.rc)
			settle_output(&r, cr.rc, &cr.err);
		finish_run(&r);
		if (write(result[1], &cr, sizeof(cr)) < 0)
			_exit(2);
		_exit(cr.rc ? 1 : 0);
	}
	close(data[1]);
	close(result[1]);
	rec->result_fd = result[0];
	*recp = rec;
	*fdp = data[0];
	return 0;

out_free:
	finish_run(&r);
	free(rec->out_path);
	free(rec);
	return VMSIM_EIO;
}

int trace_record_finish(struct trace_recording *rec, struct trace_record_result *res,
			struct trace_error *err)
{
	struct copier_result cr;
	size_t got = 0;
	int status;

	memset(res, 0, sizeof(*res));
	while (got < sizeof(cr)) {
		ssize_t k = read(rec->result_fd, (char *)&cr + got, sizeof(cr) - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(rec->result_fd);
	wait_child(rec->copier, &status);
	free(rec->out_path);
	free(rec);
	if (got < sizeof(cr)) {
		snprintf(err->msg, sizeof(err->msg),
			 "the recording process ended without a result");
		return VMSIM_EIO;
	}
	*res = cr.res;
	if (cr.rc)
		*err = cr.err;
	return cr.rc;
}
