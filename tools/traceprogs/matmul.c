/*
 * matmul: C = A x B with doubles, A M x K, B K x N, in one of two loop
 * orders, for vmsim's bundled traces (data/README.md).
 *
 *	matmul ijk|ikj [M K N]      (default 8 128 512)
 *
 * With N = 512 a row of B is 4 KiB, so in "ijk" order the innermost loop
 * walks a column of B and touches a new page on every step (K pages per
 * column: more than a 64-entry L1 DTLB holds); in "ikj" order it walks rows
 * of B and C sequentially, 512 accesses per page. Same arithmetic, same
 * result, very different TLB behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int m = 8, k = 128, n = 512;

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: matmul ijk|ikj [M K N]\n");
		return 2;
	}
	if (argc == 5) {
		m = atoi(argv[2]);
		k = atoi(argv[3]);
		n = atoi(argv[4]);
	}
	double *a = malloc(sizeof(double) * m * k);
	double *b = malloc(sizeof(double) * k * n);
	double *c = calloc((size_t)m * n, sizeof(double));
	if (!a || !b || !c || m <= 0 || k <= 0 || n <= 0)
		return 1;
	for (int i = 0; i < m * k; i++)
		a[i] = (double)(i % 7) - 3;
	for (int i = 0; i < k * n; i++)
		b[i] = (double)(i % 5) - 2;

	if (!strcmp(argv[1], "ijk")) {
		/* bad order: the inner loop strides down a column of B */
		for (int i = 0; i < m; i++)
			for (int j = 0; j < n; j++) {
				double s = 0;
				for (int p = 0; p < k; p++)
					s += a[i * k + p] * b[p * n + j];
				c[i * n + j] = s;
			}
	} else if (!strcmp(argv[1], "ikj")) {
		/* good order: the inner loop runs along rows of B and C */
		for (int i = 0; i < m; i++)
			for (int p = 0; p < k; p++) {
				double x = a[i * k + p];
				for (int j = 0; j < n; j++)
					c[i * n + j] += x * b[p * n + j];
			}
	} else {
		fprintf(stderr, "matmul: order '%s': expected ijk or ikj\n", argv[1]);
		return 2;
	}
	double sum = 0;
	for (int i = 0; i < m * n; i++)
		sum += c[i];
	printf("matmul %s %dx%dx%d: checksum %.1f\n", argv[1], m, k, n, sum);
	free(a);
	free(b);
	free(c);
	return 0;
}
