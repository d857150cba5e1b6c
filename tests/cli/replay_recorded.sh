#!/bin/sh
# Replay of recorded programs: small programs of known behaviour
# (tests/helpers/rec_prog.c) recorded with vmsim record and replayed, each
# checked against exact expectations: exit status, a crash's signal,
# threads in one process, fork, exec, a file mapping backed by the real
# file, and by a virtual file once the file has changed. Exit 77 (skipped)
# without valgrind or without vmsim's Valgrind tool (a lackey trace has no
# address space). usage: replay_recorded.sh VMSIM REC_PROG [RECORDING_VMSIM]
set -u
vmsim=$1
prog=$2
recorder=${3:-$1}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-rec.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
fail=0

# record NAME ARGS...: $dir/NAME.vmt, and its replay in $dir/NAME.out
record() {
	name=$1
	shift
	"$recorder" record -o "$dir/$name.vmt" -- "$prog" "$@" >/dev/null 2>"$dir/$name.err"
	"$vmsim" replay "$dir/$name.vmt" >"$dir/$name.out" 2>&1 || {
		echo "replay of $name failed:"
		cat "$dir/$name.out"
		fail=1
	}
}

# expect NAME LINE: the replay's report has LINE exactly
expect() {
	grep -qxF "$2" "$dir/$1.out" || {
		echo "$1: expected the line '$2' in:"
		cat "$dir/$1.out"
		fail=1
	}
}

record touch touch 4 3
head -1 "$dir/touch.out" | grep -q "recorded by vmsim's Valgrind tool" || {
	echo "vmsim record did not use vmsim's Valgrind tool: skipped"
	exit 77
}
expect touch "program     exited with status 3"
expect touch "processes   1"
expect touch "vmas        from the trace"
# 4 MiB written, plus the C library's own: the anonymous peak is 4 MiB and a little
peak=$(sed -n 's/^peak .*(anon \([0-9.]*\) MiB,.*/\1/p' "$dir/touch.out")
case $peak in 4.0 | 4.1 | 4.2) ;; *)
	echo "touch: anonymous peak '$peak' MiB, expected 4.0-4.2"
	fail=1
	;;
esac
grep -q '^faults .* 0 invalid$' "$dir/touch.out" || { echo "touch: invalid faults"; fail=1; }

record crash crash
expect crash "program     killed by signal 11 (SIGSEGV)"
grep -q '^faults .* 1 invalid$' "$dir/crash.out" || { echo "crash: expected 1 invalid fault"; fail=1; }

record threads threads
expect threads "processes   1"
expect threads "threads     2 started, each in its process's address space"

record fork fork 2
expect fork "processes   2"
expect fork "exits       2 processes ended, 0 by a signal"
expect fork "program     exited with status 0"

record exec exec /bin/true
expect exec "execve      2 images replaced"
expect exec "program     exited with status 0"

# a file the program maps: the real file while it is as recorded...
head -c 65536 /dev/urandom >"$dir/data.bin"
record file file "$dir/data.bin"
grep -q '^files       [0-9]* real, 0 virtual' "$dir/file.out" || { echo "file: expected only real files"; cat "$dir/file.out"; fail=1; }
# the host's page cache as the program found it: the file just written is
# cached, so the replay starts with it cached; dropped from the host's cache
# before the recording, its pages are read in (major faults) in the replay too
major() {
	sed -n 's/^faults  *[0-9]* minor, \([0-9]*\) major.*/\1/p' "$dir/$1.out"
}
grep -q '^page cache  [0-9]* KiB of them cached at the start' "$dir/file.out" ||
	{ echo "file: no page cache at the start"; cat "$dir/file.out"; fail=1; }
warm=$(major file)
sync "$dir/data.bin" && dd if="$dir/data.bin" iflag=nocache count=0 status=none
record cold file "$dir/data.bin"
cold=$(major cold)
[ -n "$warm" ] && [ -n "$cold" ] && [ "$cold" -gt "$warm" ] ||
	{ echo "file: major faults cold '$cold', warm '$warm': expected more cold"; fail=1; }
# read() goes through the simulated page cache: the file, cold on the host,
# read whole with read() and then mapped, faults no page in from the file
sync "$dir/data.bin" && dd if="$dir/data.bin" iflag=nocache count=0 status=none
record readmap readmap "$dir/data.bin"
grep -q '^file i/o    [0-9]* reads, 0 writes (0 not replayed)$' "$dir/readmap.out" ||
	{ echo "readmap: file reads not replayed"; cat "$dir/readmap.out"; fail=1; }
rm_major=$(major readmap)
[ -n "$rm_major" ] && [ "$rm_major" -lt "$cold" ] ||
	{ echo "readmap: $rm_major major faults, expected fewer than the cold mapping's $cold"; fail=1; }
# ...a virtual file of the recorded size once it has changed
head -c 4096 /dev/urandom >"$dir/data.bin"
"$vmsim" replay "$dir/file.vmt" >"$dir/file2.out" 2>&1
expect file2 "note        $dir/data.bin: a virtual file of 65536 bytes stands in: its size changed"
rm -f "$dir/data.bin"
"$vmsim" replay "$dir/file.vmt" >"$dir/file3.out" 2>&1
expect file3 "note        $dir/data.bin: a virtual file of 65536 bytes stands in: it no longer exists"

[ $fail = 0 ] && echo ok
exit $fail
