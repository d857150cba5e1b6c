/*
 * vmsim-rec-filemap FILE: writes 64 KiB to FILE with one write(2), maps it
 * shared read-only, reads one byte of each of its 16 pages, unmaps it and
 * removes it. The recording test expects the file's identity (path, and
 * size 0: it is declared when the write first uses it, before the bytes
 * land), the write of 65536 bytes at offset 0 and the file mapping.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	volatile const char *p;
	int fd, sum = 0;

	if (argc != 2)
		return 2;
	memset(buf, 'x', sizeof(buf));
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return 3;
	p = mmap(NULL, sizeof(buf), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 4;
	for (int i = 0; i < 16; i++)
		sum += p[i * 4096];
	munmap((void *)p, sizeof(buf));
	close(fd);
	unlink(argv[1]);
	printf("base %p sum %d\n", (void *)p, sum);
	return 0;
}
