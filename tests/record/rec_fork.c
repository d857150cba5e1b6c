/*
 * vmsim-rec-fork: maps 1 MiB (256 pages), writes each page, forks; the
 * child writes the first 64 pages again (copy-on-write copies) and exits
 * with status 7; the parent waits and exits with 0. Prints "base 0xADDR".
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	volatile char *p =
	    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (p == MAP_FAILED)
		return 2;
	for (long i = 0; i < 256; i++)
		p[i * 4096] = 1;
	printf("base %p\n", (void *)p);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		for (long i = 0; i < 64; i++)
			p[i * 4096] = 2;
		_exit(7);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 4;
	return 0;
}
