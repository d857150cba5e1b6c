/*
 * sort: quicksort of N pseudo-random ints (a fixed seed, so every run
 * makes the same accesses), for vmsim's bundled traces (data/README.md).
 *
 *	sort [N]      (default 20000)
 *
 * Partitioning scans the array from both ends: a mostly sequential but
 * data-dependent access pattern over N * 4 bytes of heap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 88172645463325252ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void quicksort(int *v, long lo, long hi)
{
	while (lo < hi) {
		int pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		/* recurse into the smaller half, loop on the larger */
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int *v = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));

	if (!v || n <= 0)
		return 1;
	for (long i = 0; i < n; i++)
		v[i] = (int)(next() % 1000000);
	quicksort(v, 0, n - 1);
	for (long i = 1; i < n; i++)
		if (v[i - 1] > v[i]) {
			fprintf(stderr, "sort: not sorted at %ld\n", i);
			return 1;
		}
	printf("sort %ld: min %d median %d max %d\n", n, v[0], v[n / 2], v[n - 1]);
	free(v);
	return 0;
}
