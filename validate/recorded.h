/*
 * make validate cases of recorded programs (validate/case_rec_*.c): a real
 * program run natively, then recorded with vmsim's Valgrind tool and
 * replayed from its trace, compared on its faults and its peak resident
 * memory, anonymous and file-backed apart:
 *
 *	native:  PROG under ptrace    --> wait4 faults (children included),
 *	                                  RssAnon/RssFile at every call that
 *	                                  can shrink them and at each exit
 *	vmsim:   vmsim record -- PROG --> trace --> replay on the host's
 *	                                  machine --> the same figures
 *
 * Peaks are per process, summed over the processes (a fork child counts
 * its shared pages as Linux's RssAnon does). The programs are built with
 * vmsim (vmsim-prog-NAME next to vmsim-validate) or are the host's own.
 */
#ifndef VMSIM_VALIDATE_RECORDED_H
#define VMSIM_VALIDATE_RECORDED_H

#include "validate.h"

/* The metrics of every recorded case, in this order. */
#define VREC_FAULTS    0 /* minor + major faults */
#define VREC_MAJOR     1 /* of which major */
#define VREC_PEAK_ANON 2 /* peak RssAnon, KiB */
#define VREC_PEAK_FILE 3 /* peak RssFile + RssShmem, KiB */
#define VREC_PROCESSES 4 /* processes that ran */
#define VREC_NMETRICS  5

/* A program and its arguments; "@PROG:name" is vmsim-prog-name next to
 * vmsim-validate, "@DIR/file" a file in the test directory. */
struct vrec_prog {
	const char *argv[8]; /* NULL-terminated */
};

/* Run @p natively under ptrace; fill @v[VREC_*]. VCASE_OK or VCASE_FAIL. */
int vrec_native(const struct vhost *h, const struct vrec_prog *p, double *v, char *why,
		size_t whylen);

/* Record @p with vmsim record (its Valgrind tool) into the test directory
 * as @name.vmt, replay it on a machine from vsim_config and fill @v.
 * VCASE_SKIP when the tool is not there (a lackey trace has no address
 * space to compare), VCASE_FAIL when recording or replay fails. */
int vrec_sim(const struct vhost *h, const char *name, const struct vrec_prog *p, double *v,
	     char *why, size_t whylen);

#endif

/*
 * Why a recorded program's peak RssFile differs from the native run's: the
 * placement of its libraries (measured on the build host, see
 * docs/VALIDATION.md).
 */
#define VREC_WHY_PLACEMENT                                                                         \
	"placement. Fault-around maps the cached pages of a 64 KiB window aligned in the "         \
	"address space (fault_around_bytes), so how much of a library one fault maps depends "     \
	"on where the library lies modulo 64 KiB. Linux puts each library at a random page "       \
	"(ASLR), so natively this figure changes from run to run: RssFile at exit over 8 runs "    \
	"on this host, sort 1316-1532 KiB, hashtable 1348-1532, ls 2028-2104; matmul "             \
	"1340-1572 over 13 runs, and 1536 in each of 6 runs with ASLR off. The recording has "     \
	"Valgrind's own placement, one more layout, and vmsim replays exactly that one (plus "     \
	"Valgrind's preload library vgpreload_core, 16 KiB, which the native run does not "        \
	"map). The anonymous peak and the faults do not hang on it this way and match"

/*
 * Define the case vcase_ID for the program given as the remaining
 * arguments (strings, as struct vrec_prog), with the explanation of each
 * metric that does not match (NULL: stated as matching, within 5 %).
 */
#define VREC_CASE(ID, TITLE, WHY_FAULTS, WHY_MAJOR, WHY_ANON, WHY_FILE, ...)                       \
	static const struct vrec_prog prog_##ID = {{__VA_ARGS__, NULL}};                           \
	static int native_##ID(const struct vhost *h, double *v, char *why, size_t whylen)         \
	{                                                                                          \
		return vrec_native(h, &prog_##ID, v, why, whylen);                                 \
	}                                                                                          \
	static int sim_##ID(const struct vhost *h, double *v, char *why, size_t whylen)            \
	{                                                                                          \
		return vrec_sim(h, #ID, &prog_##ID, v, why, whylen);                               \
	}                                                                                          \
	const struct vcase vcase_##ID = {                                                          \
	    .name = #ID,                                                                           \
	    .title = TITLE,                                                                        \
	    .metric = {{"faults (minor+major)", 5, 2, WHY_FAULTS},                                 \
		       {"major faults", 5, 2, WHY_MAJOR},                                          \
		       {"peak RssAnon KiB", 5, 16, WHY_ANON},                                      \
		       {"peak RssFile KiB", 5, 16, WHY_FILE},                                      \
		       {"processes", 0, 0, NULL}},                                                 \
	    .native = native_##ID,                                                                 \
	    .sim = sim_##ID,                                                                       \
	}
