/* make validate case: the host's Python starting and doing nothing
 * (python3 -c pass), natively and replayed from its recording
 * (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_python, "/usr/bin/python3 -c pass: natively and replayed from its recording", NULL,
	  NULL, NULL, VREC_WHY_PLACEMENT, "/usr/bin/python3", "-c", "pass");
