/* make validate case: validate/progs/forkwrite.c writes 32 MiB, forks, and
 * the child writes a tenth of it (copy-on-write), natively and replayed
 * from its recording (recorded.h). */
#include "recorded.h"

VREC_CASE(rec_forkwrite,
	  "forkwrite (validate/progs/forkwrite.c): 32 MiB written, fork, the child writes a "
	  "tenth: natively and replayed from its recording",
	  NULL, NULL, NULL,
	  "the child's file pages. Natively the fork child holds pages of library segments it "
	  "hardly ran: at its exit its RssFile is 376 KiB, of which ld.so's text 152 KiB and "
	  "libc's first segment 152 KiB, each as much as the parent has mapped. Linux's fork "
	  "copies the page-table entries of every area that has an anon_vma; these segments "
	  "apparently have one though they never had anonymous pages (an anon_vma can be "
	  "shared by neighbouring areas of one file and is kept by both halves of a split "
	  "area). vmsim copies the entries of areas that have had anonymous pages, so its "
	  "child starts without those file pages and faults in what it runs. "
	  "Besides, " VREC_WHY_PLACEMENT,
	  "@PROG:forkwrite", "32");
