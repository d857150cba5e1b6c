/* make validate case: validate/progs/forkwrite.c writes 32 MiB, forks, and
 * the child writes a tenth of it (copy-on-write), natively and replayed
 * from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_forkwrite,
	  "forkwrite (validate/progs/forkwrite.c): 32 MiB written, fork, the child writes a "
	  "tenth: natively and replayed from its recording",
	  NULL, NULL, NULL, NULL, "@PROG:forkwrite", "32");
