/*
 * vmsim's Valgrind tool: records a program's memory accesses and its
 * address space into blocks of vmsim's trace format, version 2
 * (docs/FORMATS.md), for `vmsim record` and `vmsim run --record`.
 *
 *	valgrind --tool=vmsim -q --trace-children=yes --out-fd=N [--no-fetch] PROG ARGS
 *
 * This is a separate program: it links statically with Valgrind's core and
 * cannot use the C library or libvmsim, so it keeps its own small encoder
 * of the format (the tests check that vmsim's reader reads what it writes).
 *
 * Hot path: the instrumentation appends one 64-bit word per access to a
 * raw buffer with inline IR, no call: a superblock loads the buffer pointer
 * once, stores each access's word at a fixed offset from it, and stores the
 * pointer back before each of its exits (and where it calls the encoder).
 * It checks whether the buffer is nearly full at its start and every
 * RAW_CHECK accesses:
 *
 *	63 62 | 61 ... 48 | 47 ... 0
 *	 kind |   size    | address (bit 47 sign-extends: canonical addresses)
 *
 * A word is never 0 and the buffer past the last word is kept zeroed (the
 * encoder clears what it reads), so the encoder reads up to the first zero
 * word: the words of a superblock that a fault left before it stored the
 * pointer back (the faulting access's own among them) are not lost.
 *
 * The raw words are encoded into blocks of at most 4096 bytes when the
 * buffer fills, before every recorded event (so the order is kept), on a
 * thread switch and at the end. Each block is one write(2) to fd N: at
 * most PIPE_BUF bytes to a pipe is atomic, so the blocks of every process
 * (fork children, exec'd programs, all writing to the same pipe) stay whole.
 *
 * Processes: each process (and each program a process execs: Valgrind
 * restarts with --trace-children=yes) runs its own copy of this tool. It
 * starts with an exec record and the areas the program starts with; a
 * fork child starts with a fork record, written before its parent goes on
 * (the parent waits for it), so the parent's fork comes first in the trace.
 */
#include "pub_tool_aspacemgr.h"
#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"

/* Two functions of Valgrind's core that its tool headers do not declare:
 * a read-only mapping of a file in Valgrind's own part of the address
 * space, and a raw system call (mincore has no wrapper). */
extern SysRes VG_(am_mmap_file_float_valgrind)(SizeT length, UInt prot, Int fd, Off64T offset);
extern SysRes VG_(do_syscall)(UWord sysno, RegWord a1, RegWord a2, RegWord a3, RegWord a4,
			      RegWord a5, RegWord a6, RegWord a7, RegWord a8);

/* ---- the format (docs/FORMATS.md): the few constants this encoder needs ---- */

#define BLOCK_HDR   12	 /* length, records, pid: u32 each */
#define BLOCK_BYTES 4096 /* PIPE_BUF: one atomic write */
#define OP_EVENT    0x80
#define OP_TID	    0xf1

enum ev_kind { /* enum trace_event_kind of src/workload/trace.h */
	       EV_EXIT = 1,
	       EV_FORK = 2,
	       EV_MMAP = 3,
	       EV_MUNMAP = 4,
	       EV_MPROTECT = 5,
	       EV_BRK = 6,
	       EV_FILE = 9,
	       EV_MMAP_FILE = 10,
	       EV_MREMAP = 11,
	       EV_MADVISE = 12,
	       EV_MSYNC = 13,
	       EV_CLONE = 14,
	       EV_THREAD_EXIT = 15,
	       EV_EXEC = 16,
	       EV_READ = 17,
	       EV_WRITE = 18,
	       EV_TRUNCATE = 19,
	       EV_FAILED = 20,
	       EV_CACHED = 21,
};

#define K_READ	0
#define K_WRITE 1
#define K_FETCH 2

#define PAGE	      4096ull
#define PAGE_UP(x)    (((x) + PAGE - 1) & ~(PAGE - 1))
#define PATH_MAX_HERE 3800 /* a file record must fit in one block */

/* ---- options ---- */

static Int clo_fd = -1;	      /* --out-fd: where blocks go */
static Bool clo_fetch = True; /* --fetch=no / --no-fetch: drop instruction fetches */

/* ---- the raw buffer the instrumentation appends to ---- */

#define RAW_WORDS (1 << 13)
#define RAW_SLACK 2048 /* words a superblock may append between two checks */
#define RAW_CHECK 512  /* events between two checks inside one superblock */

static ULong raw[RAW_WORDS + 1]; /* the last word stays 0: the encoder's sentinel */
static ULong *raw_ptr = raw;	 /* next free word at a superblock's start; the generated
				    code loads it once and stores it back at each exit */

/* ---- the encoder's state (a block's decoder state, as a reader keeps it) ---- */

static UChar blk[BLOCK_BYTES]; /* the block being built */
static Int blen = BLOCK_HDR;   /* bytes in it, header included */
static UInt bcount;	       /* records in it */
static ULong ends[2];	       /* stream ends: loads/stores, fetches */
static UInt blk_tid;	       /* the tid the reader has for this block (0 at its start) */
static UInt cur_tid;	       /* the running thread's Linux tid */
static Int my_pid;	       /* this process */
static Bool started;	       /* the first records are written */
static Bool have_status;       /* an exit system call gave the status */
static Int exit_status;	       /* that status */
static ULong nwritten;	       /* bytes written, for the closing message */

/* ---- files: (device, inode) -> the key file records name them by ---- */

#define MAX_FILES 8192
static struct {
	ULong dev, ino, key;
} files[MAX_FILES];
static Int nfiles;
static ULong key_base; /* pid << 32 | a per-start nonce << 24 */
static ULong next_key; /* the next key's low bits */

/* Linux tid of each Valgrind thread (0: not known yet). */
#define MAX_TIDS 4096
static Int lwp_of[MAX_TIDS];

/* ---- writing blocks ---- */

static void put_le32(UChar *p, UInt v)
{
	p[0] = (UChar)v;
	p[1] = (UChar)(v >> 8);
	p[2] = (UChar)(v >> 16);
	p[3] = (UChar)(v >> 24);
}

static void block_reset(void)
{
	blen = BLOCK_HDR;
	bcount = 0;
	ends[0] = ends[1] = 0;
	blk_tid = 0;
}

/* Write the block out (one write: atomic on a pipe) and start the next. */
static void block_flush(void)
{
	if (blen == BLOCK_HDR) {
		block_reset();
		return;
	}
	put_le32(blk, (UInt)(blen - BLOCK_HDR));
	put_le32(blk + 4, bcount);
	put_le32(blk + 8, (UInt)my_pid);
	if (clo_fd >= 0) {
		Int off = 0;
		while (off < blen) {
			Int r = VG_(write)(clo_fd, blk + off, blen - off);
			if (r <= 0) {
				VG_(umsg)
				("vmsim: cannot write the trace to fd %d (error %d); "
				 "recording of process %d stops here\n",
				 clo_fd, -r, my_pid);
				clo_fd = -1;
				break;
			}
			off += r;
		}
		nwritten += (ULong)off;
	}
	block_reset();
}

static inline UChar *put_varint(UChar *p, ULong v)
{
	while (v >= 0x80) {
		*p++ = (UChar)(v | 0x80);
		v >>= 7;
	}
	*p++ = (UChar)v;
	return p;
}

/* Make room for @n more bytes in the block. */
static inline void room(Int n)
{
	if (blen + n > BLOCK_BYTES)
		block_flush();
}

#define ACCESS_MAX 13 /* bytes of an access record: op, delta (up to 10), size (up to 2) */

/* One access record at @p, given the stream ends @e0 (loads and stores)
 * and @e1 (fetches), which it updates; returns the byte past it. */
static inline __attribute__((always_inline)) UChar *put_access(UChar *p, ULong *e0, ULong *e1,
							       UInt kind, ULong addr, ULong size)
{
	Bool fetch = kind == K_FETCH;
	ULong delta = addr - (fetch ? *e1 : *e0);
	UChar op = (UChar)(kind << 5 | (size <= 15 ? size : 0));

	/* selects, not a branch: fetches and data accesses alternate */
	*e0 = fetch ? *e0 : addr + size;
	*e1 = fetch ? addr + size : *e1;
	if (delta == 0) {
		*p++ = op | 0x10;
	} else {
		*p++ = op;
		p = put_varint(p, (delta << 1) ^ (ULong)((Long)delta >> 63));
	}
	if (size > 15)
		p = put_varint(p, size);
	return p;
}

/* The thread record a block needs before the running thread's first access. */
static inline UChar *put_tid(UChar *p)
{
	if (blk_tid != cur_tid) {
		*p++ = OP_TID;
		p = put_varint(p, cur_tid);
		blk_tid = cur_tid;
	}
	return p;
}

static inline void encode_access(UInt kind, ULong addr, ULong size)
{
	UChar *p;

	room(8 + ACCESS_MAX);
	p = put_access(put_tid(blk + blen), &ends[0], &ends[1], kind, addr, size);
	blen = (Int)(p - blk);
	bcount++;
}

/* Encode the raw words appended so far (up to the first zero word, which
 * may lie past raw_ptr after a fault) and clear them. Called by the
 * generated code when the buffer is nearly full, and before anything else
 * is encoded. The hot loop: each pass encodes as many words as surely fit
 * in the block, with the block's state in locals. */
static void encode_raw(void)
{
	ULong *w = raw;

	while (*w) {
		Int fit = (BLOCK_BYTES - blen - 8) / ACCESS_MAX;
		if (fit <= 0) {
			block_flush();
			continue;
		}
		UChar *p = put_tid(blk + blen);
		ULong e0 = ends[0], e1 = ends[1];
		UInt n = 0;
		for (ULong x; n < (UInt)fit && (x = w[n]) != 0; n++) {
			w[n] = 0;
			p = put_access(p, &e0, &e1, (UInt)(x >> 62), (ULong)((Long)(x << 16) >> 16),
				       (x >> 48) & 0x3fff);
		}
		w += n;
		ends[0] = e0;
		ends[1] = e1;
		blen = (Int)(p - blk);
		bcount += n;
	}
	raw_ptr = raw;
}

/* A signal interrupts the client (a fault in the middle of a superblock):
 * the words that superblock stored are kept. */
static void signal_comes(ThreadId tid, Int sig, Bool alt_stack)
{
	(void)tid;
	(void)sig;
	(void)alt_stack;
	encode_raw();
}

static VG_REGPARM(0) void flush_raw(void)
{
	encode_raw();
}

/* An access made by the kernel for the program (a read(2) buffer...),
 * split at page boundaries. */
static void kernel_access(UInt kind, ULong addr, ULong len)
{
	while (len > 0) {
		ULong n = PAGE - (addr & (PAGE - 1));
		if (n > len)
			n = len;
		encode_access(kind, addr, n);
		addr += n;
		len -= n;
	}
}

/* ---- events ---- */

/* Start an event of @kind by process @pid with room for @extra bytes
 * beyond its varints; returns where its arguments go. */
static UChar *ev_begin_pid(UInt kind, Int pid, Int extra)
{
	UChar *p;

	encode_raw(); /* the accesses before it come first */
	room(1 + 10 * 8 + extra);
	p = blk + blen;
	*p++ = (UChar)(OP_EVENT + kind);
	return put_varint(p, (ULong)(UInt)pid);
}

static UChar *ev_begin(UInt kind, Int extra)
{
	return ev_begin_pid(kind, my_pid, extra);
}

static void ev_end(UChar *p)
{
	blen = (Int)(p - blk);
	bcount++;
}

static void ev_args(UInt kind, Int n, const ULong *v)
{
	UChar *p = ev_begin(kind, 0);

	for (Int i = 0; i < n; i++)
		p = put_varint(p, v[i]);
	ev_end(p);
	if (kind == EV_MMAP_FILE || kind == EV_MREMAP)
		bcount++; /* a reader gives these two records: the event and its extension */
}

static void ev_failed(UInt kind, Int err, ULong addr, ULong len)
{
	ULong v[4] = {kind, (ULong)err, addr, len};

	ev_args(EV_FAILED, 4, v);
}

/* One cached record: bytes [@off, @off + @len) of file @key were in the
 * host's page cache. */
static void ev_cached(ULong key, ULong off, ULong len)
{
	ULong v[4] = {key, off, len, 0}; /* folio order: not known here */

	ev_args(EV_CACHED, 4, v);
}

#define CACHE_WINDOW (64ull << 20) /* bytes of a file mincore looks at at once */

static UChar cache_vec[CACHE_WINDOW / PAGE];

/* The host's page cache of the file @path (@size bytes) as the program
 * finds it: mincore over a read-only mapping of it, one window at a time,
 * each run of cached pages one record. Nothing when the file cannot be
 * opened or mapped (the replay then starts with it cold). */
static void file_cached(ULong key, const HChar *path, ULong size)
{
	SysRes r = VG_(open)(path, VKI_O_RDONLY, 0);
	ULong run = 0, run_len = 0;
	Int fd;

	if (sr_isError(r))
		return;
	fd = (Int)sr_Res(r);
	for (ULong off = 0; off < size; off += CACHE_WINDOW) {
		ULong len = size - off < CACHE_WINDOW ? size - off : CACHE_WINDOW;
		ULong npages = PAGE_UP(len) / PAGE;
		SysRes m =
		    VG_(am_mmap_file_float_valgrind)(PAGE_UP(len), VKI_PROT_READ, fd, (Off64T)off);
		if (sr_isError(m))
			break;
		SysRes mc = VG_(do_syscall)(__NR_mincore, sr_Res(m), PAGE_UP(len),
					    (RegWord)cache_vec, 0, 0, 0, 0, 0);
		(void)VG_(am_munmap_valgrind)(sr_Res(m), PAGE_UP(len));
		if (sr_isError(mc))
			break;
		for (ULong i = 0; i < npages; i++) {
			ULong at = off + i * PAGE;
			if (!(cache_vec[i] & 1)) {
				if (run_len)
					ev_cached(key, run, run_len);
				run_len = 0;
				continue;
			}
			if (!run_len)
				run = at;
			run_len += PAGE;
		}
	}
	if (run_len)
		ev_cached(key, run, run_len);
	VG_(close)(fd);
}

/* The key of file (@dev, @ino) named @path, of @size bytes: writes its file
 * record the first time this process sees it. */
static ULong file_key(ULong dev, ULong ino, ULong size, const HChar *path)
{
	UChar *p;
	Int plen;

	for (Int i = 0; i < nfiles; i++)
		if (files[i].dev == dev && files[i].ino == ino)
			return files[i].key;
	ULong key = key_base | next_key++;
	if (nfiles < MAX_FILES) {
		files[nfiles].dev = dev;
		files[nfiles].ino = ino;
		files[nfiles].key = key;
		nfiles++;
	}
	if (!path || !*path)
		path = "?";
	plen = (Int)VG_(strlen)(path);
	if (plen > PATH_MAX_HERE)
		plen = PATH_MAX_HERE;
	p = ev_begin(EV_FILE, plen);
	p = put_varint(p, key);
	p = put_varint(p, dev);
	p = put_varint(p, ino);
	p = put_varint(p, size);
	p = put_varint(p, (ULong)plen);
	VG_(memcpy)(p, path, (SizeT)plen);
	ev_end(p + plen);
	if (dev || ino)
		file_cached(key, path, size);
	return key;
}

/* The key of the regular file open as @fd; False if it is something else. */
static Bool fd_key(Int fd, ULong *key)
{
	struct vg_stat st;
	HChar link[64], path[PATH_MAX_HERE + 1];
	SSizeT n;

	if (fd < 0 || VG_(fstat)(fd, &st) != 0 || !VKI_S_ISREG(st.mode))
		return False;
	for (Int i = 0; i < nfiles; i++)
		if (files[i].dev == st.dev && files[i].ino == st.ino) {
			*key = files[i].key;
			return True;
		}
	VG_(snprintf)(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = VG_(readlink)(link, path, PATH_MAX_HERE);
	path[n > 0 ? n : 0] = '\0';
	*key = file_key(st.dev, st.ino, (ULong)st.size, path);
	return True;
}

static void new_key_base(void)
{
	key_base = (ULong)(UInt)my_pid << 32 | (ULong)(VG_(read_millisecond_timer)() & 0xff) << 24;
	next_key = 0;
}

/* The first records of this program: exec of its executable. */
static void start(void)
{
	struct vg_stat st;
	const HChar *exe = VG_(args_the_exename);
	ULong key;

	if (started)
		return;
	started = True;
	my_pid = VG_(getpid)();
	cur_tid = (UInt)my_pid;
	new_key_base();
	if (exe && !sr_isError(VG_(stat)(exe, &st)))
		key = file_key(st.dev, st.ino, (ULong)st.size, exe);
	else
		key = file_key(0, 0, 0, exe ? exe : "[exe]");
	ev_args(EV_EXEC, 1, &key);
}

/* ---- the address space at the start ---- */

static Addr brk_page; /* a startup page that may be Valgrind's start of the heap */

/* At the first system call: the page held back by startup_area is the
 * program's after all unless the call finds the break at it. */
static void brk_page_check(UInt sysno, SysRes res)
{
	ULong v[4];

	if (!brk_page)
		return;
	if (!(sysno == __NR_brk && !sr_isError(res) && sr_Res(res) == brk_page)) {
		v[0] = brk_page;
		v[1] = PAGE;
		v[2] = 7;
		v[3] = VKI_MAP_PRIVATE | VKI_MAP_ANONYMOUS | VKI_MAP_FIXED;
		ev_args(EV_MMAP, 4, v);
	}
	brk_page = 0;
}

static void startup_area(Addr a, SizeT len, Bool rr, Bool ww, Bool xx, ULong di_handle)
{
	NSegment const *seg = VG_(am_find_nsegment)(a);
	UInt prot = (rr ? 1 : 0) | (ww ? 2 : 0) | (xx ? 4 : 0);
	ULong v[6];

	NSegment const *own = VG_(am_find_nsegment)((Addr)&startup_area);

	(void)di_handle;
	start();
	if (len == 0 || (a & (PAGE - 1)))
		return;
	/* Valgrind's own pages that the client can see (its trampoline) are
	 * not the program's */
	if (seg && own && seg->kind == SkFileC && own->kind == SkFileC && seg->dev == own->dev &&
	    seg->ino == own->ino)
		return;
	if (seg && seg->kind == SkAnonC && seg->isCH) { /* the heap: its start is the break */
		v[0] = a;
		ev_args(EV_BRK, 1, v);
		return;
	}
	if (seg && seg->kind == SkFileC) {
		const HChar *path = VG_(am_get_filename)(seg);
		struct vg_stat st;
		ULong size = 0;
		if (path && !sr_isError(VG_(stat)(path, &st)))
			size = (ULong)st.size;
		v[4] = file_key(seg->dev, seg->ino, size, path);
		v[0] = a;
		v[1] = PAGE_UP(len);
		v[2] = prot;
		v[3] = VKI_MAP_PRIVATE | VKI_MAP_FIXED;
		v[5] = (ULong)seg->offset + (a - seg->start);
		ev_args(EV_MMAP_FILE, 6, v);
		return;
	}
	/* Valgrind maps the first page of the heap before the program's first
	 * brk: if the first system call finds the break there, the page is
	 * not the program's (brk_page_check) */
	if (seg && seg->kind == SkAnonC && len == PAGE && prot == 7 && !brk_page) {
		brk_page = a;
		return;
	}
	/* anonymous; the stack takes in the reservation it may grow into */
	if (seg && a > 0) {
		NSegment const *below = VG_(am_find_nsegment)(a - 1);
		if (below && below->kind == SkResvn && below->smode == SmUpper) {
			len += a - below->start;
			a = below->start;
		}
	}
	v[0] = a;
	v[1] = PAGE_UP(len);
	v[2] = prot;
	v[3] = VKI_MAP_PRIVATE | VKI_MAP_ANONYMOUS | VKI_MAP_FIXED;
	ev_args(EV_MMAP, 4, v);
}

/* ---- threads ---- */

static Int lwp(ThreadId tid)
{
	if (tid >= MAX_TIDS)
		return VG_(gettid)();
	if (!lwp_of[tid])
		lwp_of[tid] = VG_(gettid)();
	return lwp_of[tid];
}

static void thread_runs(ThreadId tid, ULong blocks)
{
	UInt t = (UInt)lwp(tid);

	(void)blocks;
	if (t != cur_tid) {
		encode_raw(); /* they were the previous thread's */
		cur_tid = t;
	}
}

static void thread_ends(ThreadId tid)
{
	ULong t = (ULong)(UInt)lwp(tid);

	if (t != (ULong)(UInt)my_pid && started)
		ev_args(EV_THREAD_EXIT, 1, &t);
	if (tid < MAX_TIDS)
		lwp_of[tid] = 0;
}

/* ---- fork ---- */

static Int fork_sync[2] = {-1, -1}; /* the child says "my fork record is out" */

static void fork_pre(ThreadId tid)
{
	(void)tid;
	encode_raw();
	block_flush();
	if (VG_(pipe)(fork_sync) != 0)
		fork_sync[0] = fork_sync[1] = -1;
}

static void fork_parent(ThreadId tid)
{
	UChar c;

	(void)tid;
	if (fork_sync[1] >= 0)
		VG_(close)(fork_sync[1]);
	if (fork_sync[0] >= 0) {
		(void)VG_(read)(fork_sync[0], &c, 1); /* returns at the byte or the child's end */
		VG_(close)(fork_sync[0]);
	}
	fork_sync[0] = fork_sync[1] = -1;
}

static void fork_child(ThreadId tid)
{
	Int parent = my_pid;

	my_pid = VG_(getpid)();
	cur_tid = (UInt)my_pid;
	for (Int i = 0; i < MAX_TIDS; i++)
		lwp_of[i] = 0;
	lwp_of[tid < MAX_TIDS ? tid : 0] = my_pid;
	have_status = False;
	new_key_base(); /* the parent's keys stay valid; new ones must not collide */
	block_reset();
	ev_end(put_varint(ev_begin_pid(EV_FORK, parent, 0), (ULong)(UInt)my_pid));
	block_flush();
	if (fork_sync[0] >= 0)
		VG_(close)(fork_sync[0]);
	if (fork_sync[1] >= 0) {
		UChar c = 1;
		(void)VG_(write)(fork_sync[1], &c, 1);
		VG_(close)(fork_sync[1]);
	}
	fork_sync[0] = fork_sync[1] = -1;
}

/* ---- system calls ---- */

static void pre_syscall(ThreadId tid, UInt sysno, UWord *args, UInt nargs)
{
	(void)tid;
	(void)nargs;
	switch (sysno) {
	case __NR_execve:
		encode_raw(); /* the new program's tool writes next */
		block_flush();
		break;
	case __NR_exit_group:
	case __NR_exit:
		have_status = True;
		exit_status = (Int)(args[0] & 0xff);
		break;
	case __NR_read:
	case __NR_pread64:
	case __NR_readv:
	case __NR_write:
	case __NR_pwrite64:
	case __NR_writev:
	case __NR_ftruncate: {
		/* a file met for the first time is declared (with what the host's
		 * cache holds of it) before the call changes that */
		ULong key;
		start();
		(void)fd_key((Int)args[0], &key);
		break;
	}
	case __NR_mmap:
		if (!(args[3] & VKI_MAP_ANONYMOUS)) {
			ULong key;
			start();
			(void)fd_key((Int)args[4], &key);
		}
		break;
	default:
		break;
	}
}

/* File I/O through @fd of @n bytes at @off (-1: at the file position, now
 * just past the transfer), with buffer accesses of @kind over @iov (@niov
 * entries) or the one buffer @buf. */
static void file_io(UInt ev, Int fd, Long off, ULong n, Addr buf, const struct vki_iovec *iov,
		    Int niov)
{
	ULong key, v[4];
	UInt kind = ev == EV_READ ? K_WRITE : K_READ;

	if (!fd_key(fd, &key))
		return;
	v[3] = off >= 0 ? 1 : 0;
	if (off < 0) {
		Off64T pos = VG_(lseek)(fd, 0, VKI_SEEK_CUR);
		off = pos >= (Off64T)n ? (Long)(pos - (Off64T)n) : 0;
	}
	v[0] = key;
	v[1] = (ULong)off;
	v[2] = n;
	ev_args(ev, 4, v);
	if (!iov) {
		kernel_access(kind, buf, n);
		return;
	}
	for (Int i = 0; i < niov && n > 0; i++) {
		ULong k = iov[i].iov_len < n ? iov[i].iov_len : n;
		kernel_access(kind, (Addr)iov[i].iov_base, k);
		n -= k;
	}
}

static void post_syscall(ThreadId tid, UInt sysno, UWord *args, UInt nargs, SysRes res)
{
	Bool bad = sr_isError(res);
	Int err = bad ? (Int)sr_Err(res) : 0;
	ULong v[6];

	(void)tid;
	(void)nargs;
	start();
	brk_page_check(sysno, res);
	switch (sysno) {
	case __NR_mmap:
		if (bad) {
			ev_failed(EV_MMAP, err, args[0], args[1]);
			break;
		}
		v[0] = sr_Res(res);
		v[1] = PAGE_UP(args[1]);
		v[2] = args[2] & 7;
		v[3] = args[3] & 0xffffffffu;
		if (!(args[3] & VKI_MAP_ANONYMOUS) && fd_key((Int)args[4], &v[4])) {
			v[5] = args[5];
			ev_args(EV_MMAP_FILE, 6, v);
		} else {
			v[3] |=
			    VKI_MAP_ANONYMOUS; /* a device such as /dev/zero: anonymous memory */
			ev_args(EV_MMAP, 4, v);
		}
		break;
	case __NR_munmap:
	case __NR_mprotect:
	case __NR_madvise:
	case __NR_msync: {
		UInt kind = sysno == __NR_munmap     ? EV_MUNMAP
			    : sysno == __NR_mprotect ? EV_MPROTECT
			    : sysno == __NR_madvise  ? EV_MADVISE
						     : EV_MSYNC;
		if (bad) {
			ev_failed(kind, err, args[0], args[1]);
			break;
		}
		v[0] = args[0];
		v[1] = kind == EV_MSYNC ? args[1] : PAGE_UP(args[1]);
		v[2] = kind == EV_MPROTECT ? args[2] & 7 : args[2];
		ev_args(kind, kind == EV_MUNMAP ? 2 : 3, v);
		break;
	}
	case __NR_brk:
		v[0] = sr_Res(res);
		ev_args(EV_BRK, 1, v);
		break;
	case __NR_mremap:
		if (bad) {
			ev_failed(EV_MREMAP, err, args[0], args[1]);
			break;
		}
		v[0] = args[0];
		v[1] = PAGE_UP(args[1]);
		v[2] = sr_Res(res);
		v[3] = PAGE_UP(args[2]);
		v[4] = args[3] & 0xffffffffu;
		ev_args(EV_MREMAP, 5, v);
		break;
	case __NR_clone:
		if (bad)
			ev_failed(EV_CLONE, err, 0, 0);
		else if ((args[0] & VKI_CLONE_THREAD) && sr_Res(res) > 0) {
			v[0] = sr_Res(res);
			ev_args(EV_CLONE, 1, v);
		}
		break;
	case __NR_execve: /* only a failed one returns */
		if (bad)
			ev_failed(EV_EXEC, err, 0, 0);
		break;
	case __NR_ftruncate:
		if (bad) {
			ev_failed(EV_TRUNCATE, err, 0, args[1]);
		} else if (fd_key((Int)args[0], &v[0])) {
			v[1] = args[1];
			ev_args(EV_TRUNCATE, 2, v);
		}
		break;
	case __NR_read:
	case __NR_write:
		if (!bad && sr_Res(res) > 0)
			file_io(sysno == __NR_read ? EV_READ : EV_WRITE, (Int)args[0], -1,
				sr_Res(res), args[1], NULL, 0);
		break;
	case __NR_pread64:
	case __NR_pwrite64:
		if (!bad && sr_Res(res) > 0)
			file_io(sysno == __NR_pread64 ? EV_READ : EV_WRITE, (Int)args[0],
				(Long)args[3], sr_Res(res), args[1], NULL, 0);
		break;
	case __NR_readv:
	case __NR_writev:
		if (!bad && sr_Res(res) > 0)
			file_io(sysno == __NR_readv ? EV_READ : EV_WRITE, (Int)args[0], -1,
				sr_Res(res), 0, (const struct vki_iovec *)args[1], (Int)args[2]);
		break;
	case __NR_wait4:
		/* a child killed by a signal wrote no exit record itself */
		if (!bad && sr_Res(res) > 0 && args[1]) {
			Int status = *(Int *)args[1];
			Int sig = status & 0x7f;
			if (sig != 0 && sig != 0x7f) {
				UChar *p = ev_begin_pid(EV_EXIT, (Int)sr_Res(res), 0);
				p = put_varint(p, 0);
				p = put_varint(p, (ULong)sig);
				ev_end(p);
			}
		}
		break;
	default:
		break;
	}
}

/* ---- instrumentation ---- */

static IRExpr *u64(ULong v)
{
	return IRExpr_Const(IRConst_U64(v));
}

/* The buffer pointer of the superblock being instrumented: a temporary
 * holding raw_ptr as loaded at its start (or after the last call that may
 * move it), and the words stored at fixed offsets from it since. */
struct sbptr {
	IRTemp base;
	Int k;
};

/* Load the buffer pointer (at the start, or after a call that moved it). */
static void ptr_load(IRSB *sb, struct sbptr *bp)
{
	bp->base = newIRTemp(sb->tyenv, Ity_I64);
	addStmtToIRSB(sb,
		      IRStmt_WrTmp(bp->base, IRExpr_Load(Iend_LE, Ity_I64, u64((ULong)&raw_ptr))));
	bp->k = 0;
}

/* base + @off bytes, as an atom. */
static IRExpr *ptr_at(IRSB *sb, const struct sbptr *bp, ULong off)
{
	IRTemp t;

	if (off == 0)
		return IRExpr_RdTmp(bp->base);
	t = newIRTemp(sb->tyenv, Ity_I64);
	addStmtToIRSB(sb,
		      IRStmt_WrTmp(t, IRExpr_Binop(Iop_Add64, IRExpr_RdTmp(bp->base), u64(off))));
	return IRExpr_RdTmp(t);
}

/* Store the pointer back: raw_ptr = base + the words stored. */
static void ptr_store(IRSB *sb, const struct sbptr *bp)
{
	if (bp->k > 0)
		addStmtToIRSB(sb, IRStmt_Store(Iend_LE, u64((ULong)&raw_ptr),
					       ptr_at(sb, bp, (ULong)bp->k * 8)));
}

/* Append the word @w (an atom) to the raw buffer; with @guard, only when it
 * holds (then through raw_ptr itself, with a step of 8 or 0: rare). */
static void add_word(IRSB *sb, struct sbptr *bp, IRExpr *w, IRExpr *guard)
{
	if (!guard) {
		addStmtToIRSB(sb, IRStmt_Store(Iend_LE, ptr_at(sb, bp, (ULong)bp->k * 8), w));
		bp->k++;
		return;
	}
	IRTemp g = newIRTemp(sb->tyenv, Ity_I64);
	IRTemp p = newIRTemp(sb->tyenv, Ity_I64);
	IRTemp q = newIRTemp(sb->tyenv, Ity_I64);
	ptr_store(sb, bp);
	addStmtToIRSB(sb, IRStmt_WrTmp(g, IRExpr_ITE(guard, u64(8), u64(0))));
	addStmtToIRSB(sb, IRStmt_WrTmp(p, IRExpr_Load(Iend_LE, Ity_I64, u64((ULong)&raw_ptr))));
	/* an untaken guard stores 0 at the free word, which keeps it free */
	IRTemp v = newIRTemp(sb->tyenv, Ity_I64);
	addStmtToIRSB(sb, IRStmt_WrTmp(v, IRExpr_ITE(guard, w, u64(0))));
	addStmtToIRSB(sb, IRStmt_Store(Iend_LE, IRExpr_RdTmp(p), IRExpr_RdTmp(v)));
	addStmtToIRSB(sb,
		      IRStmt_WrTmp(q, IRExpr_Binop(Iop_Add64, IRExpr_RdTmp(p), IRExpr_RdTmp(g))));
	addStmtToIRSB(sb, IRStmt_Store(Iend_LE, u64((ULong)&raw_ptr), IRExpr_RdTmp(q)));
	ptr_load(sb, bp);
}

static ULong word_bits(UInt kind, ULong size)
{
	if (size > 0x3fff)
		size = 0x3fff;
	return (ULong)kind << 62 | size << 48;
}

/* A data access of @size bytes at @addr (an I64 atom). */
static void add_data(IRSB *sb, struct sbptr *bp, IRExpr *addr, ULong size, UInt kind, IRExpr *guard)
{
	IRTemp a = newIRTemp(sb->tyenv, Ity_I64);
	IRTemp w = newIRTemp(sb->tyenv, Ity_I64);

	if (size == 0)
		return;
	addStmtToIRSB(sb, IRStmt_WrTmp(a, IRExpr_Binop(Iop_And64, addr, u64(0xffffffffffffull))));
	addStmtToIRSB(sb, IRStmt_WrTmp(w, IRExpr_Binop(Iop_Or64, IRExpr_RdTmp(a),
						       u64(word_bits(kind, size)))));
	add_word(sb, bp, IRExpr_RdTmp(w), guard);
}

/* If the raw buffer is nearly full, encode it (a guarded call); the
 * pointer is stored before and loaded again after. */
static void add_check(IRSB *sb, struct sbptr *bp)
{
	IRTemp p = newIRTemp(sb->tyenv, Ity_I64);
	IRTemp full = newIRTemp(sb->tyenv, Ity_I1);
	IRDirty *d;

	addStmtToIRSB(sb, IRStmt_WrTmp(p, IRExpr_Load(Iend_LE, Ity_I64, u64((ULong)&raw_ptr))));
	addStmtToIRSB(sb, IRStmt_WrTmp(full, IRExpr_Binop(Iop_CmpLT64U,
							  u64((ULong)(raw + RAW_WORDS - RAW_SLACK)),
							  IRExpr_RdTmp(p))));
	d = unsafeIRDirty_0_N(0, "vmsim_flush_raw", VG_(fnptr_to_fnentry)((void *)&flush_raw),
			      mkIRExprVec_0());
	d->guard = IRExpr_RdTmp(full);
	addStmtToIRSB(sb, IRStmt_Dirty(d));
	ptr_load(sb, bp);
}

static IRSB *instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
			const VexGuestExtents *vge, const VexArchInfo *arch, IRType gwt, IRType hwt)
{
	IRSB *out;
	Int i = 0, events = 0;
	struct sbptr bp = {IRTemp_INVALID, 0};

	(void)closure;
	(void)layout;
	(void)vge;
	(void)arch;
	if (gwt != Ity_I64 || hwt != Ity_I64)
		VG_(tool_panic)("vmsim: 64-bit guests only");
	out = deepCopyIRSBExceptStmts(in);
	while (i < in->stmts_used && in->stmts[i]->tag != Ist_IMark)
		addStmtToIRSB(out, in->stmts[i++]);
	add_check(out, &bp);
	for (; i < in->stmts_used; i++) {
		IRStmt *st = in->stmts[i];
		if (!st || st->tag == Ist_NoOp)
			continue;
		if (events >= RAW_CHECK) {
			ptr_store(out, &bp);
			add_check(out, &bp);
			events = 0;
		}
		switch (st->tag) {
		case Ist_IMark:
			if (clo_fetch && st->Ist.IMark.len > 0) {
				add_word(out, &bp,
					 u64(((ULong)st->Ist.IMark.addr & 0xffffffffffffull) |
					     word_bits(K_FETCH, st->Ist.IMark.len)),
					 NULL);
				events++;
			}
			break;
		case Ist_WrTmp:
			if (st->Ist.WrTmp.data->tag == Iex_Load) {
				IRExpr *ld = st->Ist.WrTmp.data;
				add_data(out, &bp, ld->Iex.Load.addr,
					 (ULong)sizeofIRType(ld->Iex.Load.ty), K_READ, NULL);
				events++;
			}
			break;
		case Ist_Store:
			add_data(out, &bp, st->Ist.Store.addr,
				 (ULong)sizeofIRType(typeOfIRExpr(in->tyenv, st->Ist.Store.data)),
				 K_WRITE, NULL);
			events++;
			break;
		case Ist_StoreG: {
			IRStoreG *g = st->Ist.StoreG.details;
			add_data(out, &bp, g->addr,
				 (ULong)sizeofIRType(typeOfIRExpr(in->tyenv, g->data)), K_WRITE,
				 g->guard);
			events++;
			break;
		}
		case Ist_LoadG: {
			IRLoadG *g = st->Ist.LoadG.details;
			IRType wide, loaded;
			typeOfIRLoadGOp(g->cvt, &wide, &loaded);
			add_data(out, &bp, g->addr, (ULong)sizeofIRType(loaded), K_READ, g->guard);
			events++;
			break;
		}
		case Ist_CAS: {
			IRCAS *c = st->Ist.CAS.details;
			ULong size = (ULong)sizeofIRType(typeOfIRExpr(in->tyenv, c->dataLo));
			if (c->dataHi)
				size *= 2;
			add_data(out, &bp, c->addr, size, K_READ, NULL);
			add_data(out, &bp, c->addr, size, K_WRITE, NULL);
			events += 2;
			break;
		}
		case Ist_LLSC:
			if (!st->Ist.LLSC.storedata)
				add_data(out, &bp, st->Ist.LLSC.addr,
					 (ULong)sizeofIRType(
					     typeOfIRTemp(in->tyenv, st->Ist.LLSC.result)),
					 K_READ, NULL);
			else
				add_data(out, &bp, st->Ist.LLSC.addr,
					 (ULong)sizeofIRType(
					     typeOfIRExpr(in->tyenv, st->Ist.LLSC.storedata)),
					 K_WRITE, NULL);
			events++;
			break;
		case Ist_Dirty: {
			IRDirty *d = st->Ist.Dirty.details;
			if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
				add_data(out, &bp, d->mAddr, (ULong)d->mSize, K_READ, NULL);
			if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
				add_data(out, &bp, d->mAddr, (ULong)d->mSize, K_WRITE, NULL);
			events += 2;
			break;
		}
		case Ist_Exit:
			ptr_store(out, &bp); /* the side exit may be taken */
			break;
		default:
			break;
		}
		addStmtToIRSB(out, st);
	}
	ptr_store(out, &bp);
	return out;
}

/* ---- start and end ---- */

static Bool process_option(const HChar *arg)
{
	if VG_INT_CLO (arg, "--out-fd", clo_fd) {
	} else if VG_BOOL_CLO (arg, "--fetch", clo_fetch) {
	} else if (VG_(strcmp)(arg, "--no-fetch") == 0) {
		clo_fetch = False;
	} else {
		return False;
	}
	return True;
}

static void print_usage(void)
{
	VG_(printf)
	("    --out-fd=N          write the trace blocks to file descriptor N\n"
	 "    --fetch=no|--no-fetch  do not record instruction fetches [record them]\n");
}

static void print_debug_usage(void)
{
	VG_(printf)("    (none)\n");
}

static void post_clo_init(void)
{
	if (clo_fd < 0)
		VG_(fmsg_bad_option)
	("--out-fd", "vmsim needs --out-fd=N (vmsim record gives it)\n");
	start();
}

static void fini(Int exitcode)
{
	(void)exitcode;
	start();
	encode_raw();
	if (have_status) {
		ULong v[2] = {(ULong)exit_status, 0};
		ev_args(EV_EXIT, 2, v);
	}
	/* without an exit call the process was killed: whoever waits for it
	 * (vmsim for the first process, the parent for a child) records how */
	block_flush();
}

static void pre_clo_init(void)
{
	VG_(details_name)("vmsim");
	VG_(details_version)("2");
	VG_(details_description)("vmsim's recorder of accesses and address space");
	VG_(details_copyright_author)("the vmsim developers");
	VG_(details_bug_reports_to)("the vmsim developers");
	VG_(details_avg_translation_sizeB)(400);
	VG_(basic_tool_funcs)(post_clo_init, instrument, fini);
	VG_(needs_command_line_options)(process_option, print_usage, print_debug_usage);
	VG_(needs_syscall_wrapper)(pre_syscall, post_syscall);
	VG_(track_new_mem_startup)(startup_area);
	VG_(track_start_client_code)(thread_runs);
	VG_(track_pre_deliver_signal)(signal_comes);
	VG_(track_pre_thread_ll_exit)(thread_ends);
	VG_(atfork)(fork_pre, fork_parent, fork_child);
}

VG_DETERMINE_INTERFACE_VERSION(pre_clo_init)
