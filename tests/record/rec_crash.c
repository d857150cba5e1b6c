/*
 * vmsim-rec-crash: stores through a null pointer (SIGSEGV). The recording
 * test expects the trace to end with its exit record naming signal 11, and
 * vmsim record to report it.
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = NULL;

	printf("crashing\n");
	fflush(stdout);
	*p = 1;
	return 0;
}
