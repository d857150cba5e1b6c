/*
 * vmsim-rec-exec PROG: prints its pid, then execs PROG (no arguments). The
 * recording test expects two exec records for the same pid, the second
 * naming PROG.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	execl(argv[1], argv[1], (char *)NULL);
	return 3;
}
