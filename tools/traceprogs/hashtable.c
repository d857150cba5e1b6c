/*
 * hashtable: build a chained hash table of N keys (one malloc'd node per
 * key), then look every key up once, for vmsim's bundled traces
 * (data/README.md).
 *
 *	hashtable [N]      (default 20000)
 *
 * Inserts scatter small allocations over the heap as it grows through
 * brk; lookups hash to random buckets and chase pointers: the access
 * pattern of most real programs' data structures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	uint64_t key;
	uint64_t value;
	struct node *next;
};

static uint64_t hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	size_t nbuckets = 1;
	struct node **table;
	uint64_t found = 0, sum = 0;

	if (n <= 0)
		return 1;
	while (nbuckets < (size_t)n)
		nbuckets *= 2;
	table = calloc(nbuckets, sizeof(*table));
	if (!table)
		return 1;
	for (long i = 0; i < n; i++) {
		uint64_t key = (uint64_t)i * 2654435761u + 1;
		struct node *nd = malloc(sizeof(*nd));
		if (!nd)
			return 1;
		size_t b = hash(key) & (nbuckets - 1);
		nd->key = key;
		nd->value = (uint64_t)i;
		nd->next = table[b];
		table[b] = nd;
	}
	for (long i = 0; i < n; i++) {
		uint64_t key = (uint64_t)i * 2654435761u + 1;
		for (struct node *nd = table[hash(key) & (nbuckets - 1)]; nd; nd = nd->next)
			if (nd->key == key) {
				found++;
				sum += nd->value;
				break;
			}
	}
	printf("hashtable %ld: %llu found, value sum %llu, %zu buckets\n", n,
	       (unsigned long long)found, (unsigned long long)sum, nbuckets);
	return found == (uint64_t)n ? 0 : 1;
}
