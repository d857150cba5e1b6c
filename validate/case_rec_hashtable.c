/* make validate case: tools/traceprogs/hashtable.c with 200,000 keys,
 * natively and replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_hashtable,
	  "hashtable 200000 (tools/traceprogs/hashtable.c): natively and replayed from its "
	  "recording",
	  NULL, NULL, NULL, VREC_WHY_PLACEMENT, "@PROG:hashtable", "200000");
