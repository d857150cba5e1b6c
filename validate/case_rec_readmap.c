/* make validate case: validate/progs/fadvmap.c drops a 32 MiB file from the
 * page cache, reads it whole with read(), then maps it and reads each page,
 * natively and replayed from its recording (recorded.h): the replay's read()
 * fills the simulated page cache as Linux's does. */
#include "recorded.h"

VREC_CASE(rec_readmap,
	  "fadvmap read (validate/progs/fadvmap.c): a 32 MiB file dropped from the cache, "
	  "read with read() in 128 KiB pieces, then mapped and each page read: natively and "
	  "replayed from its recording",
	  "placement. Linux puts a file mapping of 2 MiB or more on a 2 MiB boundary "
	  "(ext4's thp_get_unmapped_area), Valgrind at the next address free in its own "
	  "layout (0x4a2c000 in the recording here). A fault maps a whole large folio only "
	  "inside one page table, so the unaligned mapping takes more faults: the same read() "
	  "and mapping done directly on vmsim's API take 89 faults at a 2 MiB boundary (as "
	  "the native mapping does, 89) and 104 at 0x4a2c000",
	  NULL, NULL, NULL, "@PROG:fadvmap", "@DIR/fadvmap-32m.bin", "32", "read");
