/*
 * Recorded programs, natively and replayed (recorded.h). The native side
 * traces the program with ptrace only to stop it where its RSS may shrink:
 * RSS grows only by faults and shrinks only at munmap, brk, mremap,
 * madvise, execve and exit (no reclaim on this host's test sizes), so the
 * largest RssAnon and RssFile read at those stops are the peaks, exactly.
 * The replay side finds its peaks the same way (replay.c samples before
 * every such event and at the end). Faults count from the program's exec
 * on: those the forked child of this runner took before it (copying the
 * runner's pages) are not the program's.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recorded.h"
#include "workload/replay.h"
#include "workload/trace.h"

#define MAXP 1024 /* processes and threads one native run may have */

/* ---- programs ------------------------------------------------------------ */

/* The directory of this executable (vmsim and the programs are there). */
static const char *exe_dir(void)
{
	static char dir[4096];
	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n <= 0)
			return ".";
		dir[n] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
	}
	return dir;
}

/* @p's argv with its @PROG: and @DIR/ names resolved, into @buf. */
static void resolve(const struct vhost *h, const struct vrec_prog *p, char buf[8][4096],
		    char *argv[9])
{
	int i;
	for (i = 0; i < 8 && p->argv[i]; i++) {
		const char *a = p->argv[i];
		if (!strncmp(a, "@PROG:", 6))
			snprintf(buf[i], 4096, "%s/vmsim-prog-%s", exe_dir(), a + 6);
		else if (!strncmp(a, "@DIR/", 5))
			snprintf(buf[i], 4096, "%s/%s", h->dir, a + 5);
		else
			snprintf(buf[i], 4096, "%s", a);
		argv[i] = buf[i];
	}
	argv[i] = NULL;
}

/* In a child about to exec: standard output to /dev/null (ls prints). */
static void quiet_stdout(void)
{
	int fd = open("/dev/null", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, 1);
		close(fd);
	}
}

/* ---- native ------------------------------------------------------------------ */

struct peaks {
	struct {
		int tgid;
		long anon, file;
	} proc[MAXP];
	int nprocs;
	struct {
		int tid;
		bool in;
	} thread[MAXP];
	int nthreads;
};

/* Inside a system call (its entry seen): the flag of thread @tid. */
static bool *in_syscall(struct peaks *pk, int tid)
{
	for (int i = 0; i < pk->nthreads; i++)
		if (pk->thread[i].tid == tid)
			return &pk->thread[i].in;
	if (pk->nthreads == MAXP)
		return NULL;
	pk->thread[pk->nthreads].tid = tid;
	pk->thread[pk->nthreads].in = false;
	return &pk->thread[pk->nthreads++].in;
}

/* Read thread @tid's process's RSS from /proc and raise its peaks. */
static void sample(struct peaks *pk, int tid)
{
	char path[64], line[256];
	long anon = -1, file = 0, shmem = 0, v;
	int tgid = tid, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Tgid: %ld", &v) == 1)
			tgid = (int)v;
		else if (sscanf(line, "RssAnon: %ld kB", &v) == 1)
			anon = v;
		else if (sscanf(line, "RssFile: %ld kB", &v) == 1)
			file = v;
		else if (sscanf(line, "RssShmem: %ld kB", &v) == 1)
			shmem = v;
	}
	fclose(f);
	if (anon < 0)
		return; /* a zombie: no memory left */
	for (i = 0; i < pk->nprocs && pk->proc[i].tgid != tgid; i++)
		;
	if (i == pk->nprocs) {
		if (pk->nprocs == MAXP)
			return;
		pk->proc[pk->nprocs].tgid = tgid;
		pk->proc[pk->nprocs].anon = pk->proc[pk->nprocs].file = 0;
		pk->nprocs++;
	}
	if (anon > pk->proc[i].anon)
		pk->proc[i].anon = anon;
	if (file + shmem > pk->proc[i].file)
		pk->proc[i].file = file + shmem;
}

/* The minor and major faults process @pid has taken so far (/proc/PID/stat). */
static struct vrusage proc_faults(int pid)
{
	struct vrusage r = {0, 0};
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return r;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command may hold spaces */
	unsigned long minflt = 0, majflt = 0;
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %lu %*u %lu", &minflt, &majflt) == 2) {
		r.minor = (long)minflt;
		r.major = (long)majflt;
	}
	return r;
}

static bool shrinks(long nr)
{
	return nr == SYS_munmap || nr == SYS_brk || nr == SYS_mremap || nr == SYS_madvise ||
	       nr == SYS_execve || nr == SYS_execveat || nr == SYS_exit || nr == SYS_exit_group;
}

int vrec_native(const struct vhost *h, const struct vrec_prog *p, double *v, char *why,
		size_t whylen)
{
	static struct peaks pk;
	char buf[8][4096], *argv[9];
	struct rusage ru = {0};
	bool first_exec = true;
	int top, st, status = -1;
	struct vrusage pre = {0, 0};

	memset(&pk, 0, sizeof(pk));
	resolve(h, p, buf, argv);
	if ((top = fork()) < 0)
		return vwhy(VCASE_FAIL, why, whylen, "fork: %s", strerror(errno));
	if (top == 0) {
		quiet_stdout();
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(top, &st, 0) != top || !WIFSTOPPED(st))
		return vwhy(VCASE_FAIL, why, whylen, "%s did not start under ptrace", argv[0]);
	ptrace(PTRACE_SETOPTIONS, top, 0,
	       PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL);
	ptrace(PTRACE_SYSCALL, top, 0, 0);
	for (;;) {
		struct rusage r;
		int pid = wait4(-1, &st, __WALL, &r), sig = 0;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* no tracee left */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == top) {
				ru = r; /* the program and every child it waited for */
				status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			}
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			bool *in = in_syscall(&pk, pid);
			if (in && !*in) {
				struct user_regs_struct regs;
				ptrace(PTRACE_GETREGS, pid, 0, &regs);
				long nr = (long)regs.orig_rax;
				if (pid == top && nr == SYS_execve && first_exec) {
					first_exec = false; /* our copy becomes the program */
					pre = proc_faults(top);
				} else if (shrinks(nr))
					sample(&pk, pid);
			}
			if (in)
				*in = !*in;
		} else if (WSTOPSIG(st) == SIGTRAP && (st >> 16)) {
			if ((st >> 16) == PTRACE_EVENT_EXIT)
				sample(&pk, pid);
		} else if (WSTOPSIG(st) != SIGSTOP && WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st); /* the program's own signal: deliver it */
		}
		ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig);
	}
	if (status != 0)
		return vwhy(VCASE_FAIL, why, whylen, "%s ended with status %d", argv[0], status);
	double anon = 0, file = 0;
	for (int i = 0; i < pk.nprocs; i++) {
		anon += (double)pk.proc[i].anon;
		file += (double)pk.proc[i].file;
	}
	v[VREC_FAULTS] = (double)(ru.ru_minflt + ru.ru_majflt - pre.minor - pre.major);
	v[VREC_MAJOR] = (double)(ru.ru_majflt - pre.major);
	v[VREC_PEAK_ANON] = anon;
	v[VREC_PEAK_FILE] = file;
	v[VREC_PROCESSES] = pk.nprocs;
	return VCASE_OK;
}

/* ---- recorded and replayed ------------------------------------------------------ */

/* Run vmsim record -o @out -- @argv; its exit status, or -1. */
static int record(char *const argv[], const char *out)
{
	char vmsim[4096];
	const char *rargv[16];
	int n = 0, st;
	pid_t pid;

	/* VMSIM_VALIDATE_VMSIM: another vmsim binary records (e.g. an installed one) */
	const char *bin = getenv("VMSIM_VALIDATE_VMSIM");
	if (bin && *bin)
		snprintf(vmsim, sizeof(vmsim), "%s", bin);
	else
		snprintf(vmsim, sizeof(vmsim), "%s/vmsim", exe_dir());
	rargv[n++] = vmsim;
	rargv[n++] = "record";
	rargv[n++] = "-o";
	rargv[n++] = out;
	rargv[n++] = "--";
	for (int i = 0; argv[i] && n < 15; i++)
		rargv[n++] = argv[i];
	rargv[n] = NULL;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		quiet_stdout();
		execv(vmsim, (char *const *)rargv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int vrec_sim(const struct vhost *h, const char *name, const struct vrec_prog *p, double *v,
	     char *why, size_t whylen)
{
	char buf[8][4096], *argv[9], path[4200];
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sys_stats ss;
	struct replay_opts o;
	struct replay_stats st;
	struct trace_error err;
	struct trace *t;
	int rc;

	resolve(h, p, buf, argv);
	snprintf(path, sizeof(path), "%s/%s.vmt", h->dir, name);
	if ((rc = record(argv, path)) != 0)
		return vwhy(VCASE_FAIL, why, whylen, "vmsim record of %s failed (status %d)",
			    argv[0], rc);
	if ((rc = trace_open(&t, path, NULL, &err)))
		return vwhy(VCASE_FAIL, why, whylen, "%s", err.msg);
	if (trace_get_info(t)->source != TRACE_SRC_VGTOOL) {
		trace_close(t);
		return vwhy(VCASE_SKIP, why, whylen,
			    "vmsim record made a lackey trace (its Valgrind tool is not built): "
			    "no address space to compare");
	}
	vsim_config(h, &cfg);
	cfg.segv_kills = false;
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		trace_close(t);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
	}
	replay_opts_default(&o);
	rc = replay_trace(sys, t, &o, &st, &err);
	trace_close(t);
	if (rc) {
		vmsim_system_free(sys);
		return vwhy(VCASE_FAIL, why, whylen, "replay: %s", err.msg);
	}
	vmsim_sys_stats(sys, &ss);
	v[VREC_FAULTS] = (double)(ss.faults_minor + ss.faults_major);
	v[VREC_MAJOR] = (double)ss.faults_major;
	v[VREC_PEAK_ANON] = (double)st.peak_anon / 1024;
	v[VREC_PEAK_FILE] = (double)st.peak_file / 1024;
	v[VREC_PROCESSES] = (double)st.processes;
	vmsim_system_free(sys);
	if (st.divergences)
		return vwhy(VCASE_OK, why, whylen, "%llu divergences, the first: %s",
			    (unsigned long long)st.divergences, st.divergence[0]);
	return VCASE_OK;
}
