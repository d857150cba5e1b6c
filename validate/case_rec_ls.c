/* make validate case: the host's /bin/ls listing /usr/bin (output
 * discarded), natively and replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_ls, "/bin/ls /usr/bin: natively and replayed from its recording", NULL, NULL, NULL,
	  NULL, "/bin/ls", "/usr/bin");
