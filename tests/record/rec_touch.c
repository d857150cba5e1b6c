/*
 * vmsim-rec-touch MIB: maps MIB MiB of anonymous memory and stores one
 * byte into each of its pages, then prints "base 0xADDR pages N". The
 * recording test expects exactly one mmap record of that area and N
 * stores to it (tests/record/record.sh).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1, pages = mib * 256;
	volatile char *p = mmap(NULL, (size_t)mib << 20, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 2;
	for (long i = 0; i < pages; i++)
		p[i * 4096] = 1;
	printf("base %p pages %ld\n", (void *)p, pages);
	return 0;
}
