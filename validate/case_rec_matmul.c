/* make validate case: tools/traceprogs/matmul.c (8x128 by 128x512,
 * i-j-k), natively and replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_matmul,
	  "matmul ijk (tools/traceprogs/matmul.c): natively and replayed from its "
	  "recording",
	  NULL, NULL, NULL, VREC_WHY_PLACEMENT, "@PROG:matmul", "ijk");
