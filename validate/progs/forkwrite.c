#define _GNU_SOURCE
/*
 * forkwrite: write 32 MiB of anonymous memory, fork, and let the child
 * write a tenth of it (copy-on-write copies), for the fidelity cases
 * (validate/recorded/). The parent waits for the child.
 *
 *	forkwrite [MIB]      (default 32)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 32, len = mib << 20;
	int status;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("forkwrite: mmap");
		return 1;
	}
	madvise(p, len, MADV_NOHUGEPAGE); /* one 4 KiB page per fault, as counted */
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	pid_t pid = fork();
	if (pid < 0) {
		perror("forkwrite: fork");
		return 1;
	}
	if (pid == 0) {
		for (size_t i = 0; i < len / 10; i += 4096)
			p[i] = 2;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "forkwrite: the child failed\n");
		return 1;
	}
	return 0;
}
