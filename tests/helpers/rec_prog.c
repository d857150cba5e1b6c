/*
 * vmsim-rec-prog: small programs with known memory behaviour, recorded by
 * tests/cli/replay_recorded.sh and replayed, to check the replay of
 * recorded programs against exact expectations.
 *
 *	vmsim-rec-prog touch MIB STATUS   write MIB MiB of fresh anonymous memory
 *	                                   (4 KiB pages), exit with STATUS
 *	vmsim-rec-prog fork MIB           write MIB MiB, fork; the child writes
 *	                                   every page again (copies), the parent
 *	                                   waits
 *	vmsim-rec-prog file PATH          map PATH private read-only, read a byte
 *	                                   of every page
 *	vmsim-rec-prog readmap PATH       read PATH with read() in 64 KiB pieces,
 *	                                   then map it and read a byte of every page
 *	vmsim-rec-prog threads            two threads write 1 MiB each, of one
 *	                                   area the main thread mapped
 *	vmsim-rec-prog exec PROG          execv PROG (no arguments)
 *	vmsim-rec-prog crash              write through a null pointer (SIGSEGV)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1UL << 20)

static char *fresh(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void write_all(char *p, size_t len, char v)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = v;
}

static char *shared_area;

static void *thread_main(void *arg)
{
	size_t k = (size_t)arg;
	write_all(shared_area + k * MIB, MIB, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "touch") && argc == 4) {
		size_t len = (size_t)atoi(argv[2]) * MIB;
		write_all(fresh(len), len, 1);
		return atoi(argv[3]);
	}
	if (!strcmp(mode, "fork") && argc == 3) {
		size_t len = (size_t)atoi(argv[2]) * MIB;
		char *p = fresh(len);
		int st;
		write_all(p, len, 1);
		pid_t pid = fork();
		if (pid == 0) {
			write_all(p, len, 2);
			_exit(0);
		}
		return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st)
									       : 1;
	}
	if (!strcmp(mode, "file") && argc == 3) {
		struct stat sb;
		volatile unsigned sum = 0; /* the reads are what the tests look at */
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0 || fstat(fd, &sb) != 0)
			return 1;
		const unsigned char *p =
		    mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return 1;
		for (off_t i = 0; i < sb.st_size; i += 4096)
			sum += p[i];
		return sum == 0 ? 0 : 0;
	}
	if (!strcmp(mode, "readmap") && argc == 3) {
		static char buf[65536];
		struct stat sb;
		volatile unsigned sum = 0;
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0 || fstat(fd, &sb) != 0)
			return 1;
		while (read(fd, buf, sizeof(buf)) > 0)
			sum += (unsigned char)buf[0];
		const unsigned char *p =
		    mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return 1;
		for (off_t i = 0; i < sb.st_size; i += 4096)
			sum += p[i];
		return sum == 0 ? 0 : 0;
	}
	if (!strcmp(mode, "threads")) {
		pthread_t t[2];
		shared_area = fresh(2 * MIB);
		for (size_t k = 0; k < 2; k++)
			pthread_create(&t[k], NULL, thread_main, (void *)k);
		for (size_t k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		return 0;
	}
	if (!strcmp(mode, "exec") && argc == 3) {
		execl(argv[2], argv[2], (char *)NULL);
		return 127;
	}
	if (!strcmp(mode, "crash")) {
		volatile char *null = NULL;
		*null = 1;
		return 0;
	}
	fprintf(stderr, "usage: vmsim-rec-prog touch MIB STATUS | fork MIB | file PATH | threads | "
			"exec PROG | crash\n");
	return 2;
}
