/* make validate case: validate/progs/fadvmap.c drops a 32 MiB file from the
 * page cache (POSIX_FADV_DONTNEED), maps it and reads each page, natively
 * and replayed from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_fadvmap,
	  "fadvmap (validate/progs/fadvmap.c): a 32 MiB file dropped from the cache, mapped, "
	  "each page read: natively and replayed from its recording",
	  NULL, NULL, NULL, NULL, "@PROG:fadvmap", "@DIR/fadvmap-32m.bin", "32");
