/*
 * The program bench/bench_record.sh records to measure capture speed: it
 * fills and sums a 2 MiB array, then sorts 30,000 ints (insertion into a
 * heap-allocated array by qsort). Prints the sum so nothing is optimised
 * away. Deterministic: a fixed-seed generator.
 */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	enum { ARRAY = 2 << 20, NSORT = 30000 };
	unsigned char *a = malloc(ARRAY);
	int *v = malloc(NSORT * sizeof(*v));
	unsigned long sum = 0, seed = 12345;

	if (!a || !v)
		return 1;
	for (size_t i = 0; i < ARRAY; i++)
		a[i] = (unsigned char)i;
	for (size_t i = 0; i < ARRAY; i++)
		sum += a[i];
	for (int i = 0; i < NSORT; i++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		v[i] = (int)(seed >> 33);
	}
	qsort(v, NSORT, sizeof(*v), cmp);
	printf("%lu %d %d\n", sum, v[0], v[NSORT - 1]);
	free(a);
	free(v);
	return 0;
}
