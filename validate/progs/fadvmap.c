/*
 * fadvmap: map a file of 32 MiB that has just been dropped from the page
 * cache (fsync, then posix_fadvise(POSIX_FADV_DONTNEED)) and read each of
 * its pages once, for the fidelity cases (validate/recorded/): every
 * page comes from the disk, in readahead-sized batches. With "read", the
 * dropped file is first read whole with read() in 128 KiB pieces (as cat
 * does), so the mapping finds every page in the cache.
 *
 *	fadvmap FILE [MIB [read]]      (default 32; FILE is created or extended)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 32, len = mib << 20;
	struct stat sb;
	unsigned sum = 0;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: fadvmap FILE [MIB [read]]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDWR | O_CREAT, 0644)) < 0 || fstat(fd, &sb) < 0) {
		perror(argv[1]);
		return 1;
	}
	if ((size_t)sb.st_size != len) {
		static char buf[1 << 16];
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)i;
		if (ftruncate(fd, 0) < 0)
			return 1;
		for (size_t off = 0; off < len; off += sizeof(buf))
			if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
				perror("fadvmap: write");
				return 1;
			}
	}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (argc > 3 && !strcmp(argv[3], "read")) {
		static char buf[128 << 10];
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			sum += (unsigned char)buf[0];
		if (n < 0) {
			perror("fadvmap: read");
			return 1;
		}
	}
	const unsigned char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("fadvmap: mmap");
		return 1;
	}
	for (size_t i = 0; i < len; i += 4096)
		sum += p[i];
	printf("fadvmap: %zu pages read, sum %u\n", len / 4096, sum);
	return 0;
}
