/*
 * vmsim-rec-threads: two threads, each storing into 16 pages of its own
 * buffer, joined by the main thread. The recording test expects two thread
 * records, two thread-exit records and accesses from three tids.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *work(void *arg)
{
	volatile char *p = arg;

	for (int i = 0; i < 16; i++)
		p[i * 4096] = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	char *buf[2];

	for (int i = 0; i < 2; i++)
		if (!(buf[i] = malloc(16 * 4096)) || pthread_create(&t[i], NULL, work, buf[i]))
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("threads done\n");
	return 0;
}
