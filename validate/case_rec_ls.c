/* make validate case: the host's /bin/ls listing /usr/bin (output
 * discarded), natively and replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_ls, "/bin/ls /usr/bin: natively and replayed from its recording", NULL, NULL, NULL,
	  VREC_WHY_PLACEMENT ". For ls, Valgrind's layout maps less than any of the 8 native "
			     "runs did: at exit, libpcre2's text has 104 KiB resident natively "
			     "and 44 KiB replayed, libc's 908 KiB and 788 KiB",
	  "/bin/ls", "/usr/bin");
