/* make validate case: tools/traceprogs/sort.c on 10^6 ints, natively and
 * replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_sort,
	  "sort 1000000 (tools/traceprogs/sort.c): natively and replayed from its "
	  "recording",
	  NULL, NULL, NULL, VREC_WHY_PLACEMENT, "@PROG:sort", "1000000");
