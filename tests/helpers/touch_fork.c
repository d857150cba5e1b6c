/*
 * vmsim-touch-fork: a process with a known amount of touched memory, for
 * the tests of `vmsim inspect` on real processes (tests/cli/inspect_real.sh).
 *
 *	vmsim-touch-fork PAGES FILE
 *
 * 1. maps PAGES anonymous pages (no transparent huge pages, so each page is
 *    one 4 KiB frame and one fault), writes a byte into each, then writes
 *    FILE: "pid P rss_anon_before B minflt_before M" (before the mapping);
 * 2. on SIGUSR1 it forks: the child shares every page copy-on-write; the
 *    parent writes FILE.forked: "child C";
 * 3. on SIGUSR2 the child writes every page again (copying each one),
 *    writes FILE.written, then reads every page every 10 ms: a monitor of
 *    the host (DAMON's physical-address mode, for one) may clear Accessed
 *    bits at any time, and the test of `inspect --wss` needs the child's
 *    pages referenced again after each such clearing.
 * Both exit on SIGTERM, and after two minutes in any case, so a failed test
 * leaves nothing behind. Files appear atomically (written, then renamed).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_usr2;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

/* "Key:  N kB" of /proc/self/status, in bytes. */
static unsigned long long status_kb(const char *key)
{
	char line[256];
	unsigned long long v = 0;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 10) * 1024;
	fclose(f);
	return v;
}

/* Field 10 of /proc/self/stat: minor faults. */
static unsigned long long minflt(void)
{
	char buf[1024], *p;
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL) {
		/* after ')': state(3) ppid pgrp session tty tpgid flags minflt(10) */
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu", &v) != 1)
			v = 0;
	}
	fclose(f);
	return v;
}

static void put_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		perror(path);
		exit(1);
	}
}

static void wait_for(volatile sig_atomic_t *flag)
{
	sigset_t none;

	sigemptyset(&none);
	while (!*flag)
		sigsuspend(&none);
}

int main(int argc, char **argv)
{
	char text[256], path[4096];
	unsigned long long before_rss, before_flt;
	long pages;
	size_t len;
	char *mem;
	sigset_t block;
	pid_t child;

	if (argc != 3 || (pages = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: vmsim-touch-fork PAGES FILE\n");
		return 2;
	}
	alarm(120);
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL); /* delivered only inside sigsuspend */

	before_rss = status_kb("RssAnon");
	before_flt = minflt();
	len = (size_t)pages * 4096;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(mem, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += 4096)
		mem[off] = 1;
	snprintf(text, sizeof(text), "pid %d rss_anon_before %llu minflt_before %llu\n",
		 (int)getpid(), before_rss, before_flt);
	put_file(argv[2], text);

	wait_for(&got_usr1);
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		alarm(120); /* alarms are not inherited */
		wait_for(&got_usr2);
		for (size_t off = 0; off < len; off += 4096)
			mem[off] = 2;
		snprintf(path, sizeof(path), "%s.written", argv[2]);
		put_file(path, "written\n");
		for (;;) {
			for (size_t off = 0; off < len; off += 4096)
				(void)*(volatile char *)&mem[off];
			usleep(10000);
		}
	}
	snprintf(path, sizeof(path), "%s.forked", argv[2]);
	snprintf(text, sizeof(text), "child %d\n", (int)child);
	put_file(path, text);
	for (;;)
		pause();
}
