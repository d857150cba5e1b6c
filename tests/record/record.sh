#!/bin/sh
# vmsim record with vmsim's Valgrind tool, on small programs written for
# this test (tests/record/rec_*.c), each checked against exact expectations
# through vmsim-trace-dump: touch N MiB, fork + copy-on-write, a file
# mapping, threads, exec, a crashing program; then the failure cases.
# Exit 77 (skipped) without valgrind or without vmsim's tool.
# usage: record.sh VMSIM DUMP BINDIR
set -u
vmsim=$1
dump=$2
bin=$3
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect FILE PATTERN: FILE has a line matching the extended regex PATTERN
expect() {
	grep -Eq "$2" "$1" || fail "$1 lacks /$2/"
}

# count FILE PATTERN N: exactly N lines of FILE match PATTERN
count() {
	n=$(grep -Ec "$2" "$1")
	[ "$n" -eq "$3" ] || fail "$1: $n lines match /$2/, expected $3"
}

# rec NAME ARGS...: record bin/vmsim-rec-NAME into $d/NAME.vmt; its output
# in $d/NAME.out, vmsim's messages in $d/NAME.err, the dump in $d/NAME.dump
rec() {
	name=$1
	shift
	"$vmsim" record -o "$d/$name.vmt" -- "$bin/vmsim-rec-$name" "$@" >"$d/$name.out" \
		2>"$d/$name.err" || { fail "vmsim record $name: $(cat "$d/$name.err")"; return 1; }
	if grep -q "recording with lackey" "$d/$name.err"; then
		echo "vmsim's Valgrind tool was not built: skipped"
		exit 77
	fi
	return 0
}

hex() {
	printf '0x%x' "$1"
}

# -- touch 2 MiB: one mmap record of 2 MiB, exactly 512 stores into it, one per page
if rec touch 2; then
	base=$(awk '/^base/ {print $2}' "$d/touch.out")
	"$dump" "$d/touch.vmt" "$base" "$(hex $((base + 2097152)))" >"$d/touch.dump"
	pid=$(awk -F'[ =]' '/^exec/ {print $3; exit}' "$d/touch.dump")
	expect "$d/touch.dump" "^mmap pid=$pid addr=$base len=2097152 prot=3 arg=34\$"
	expect "$d/touch.dump" "^range pid=$pid tid=$pid reads=0 writes=512 pages=512\$"
	expect "$d/touch.dump" "^exit pid=$pid addr=0x0 len=0 prot=0 arg=0\$"
	expect "$d/touch.dump" "^end ok\$"
	expect "$d/touch.err" "touch.vmt: [0-9]+ records in [0-9]+ blocks from 1 process; '.*vmsim-rec-touch' exited with status 0\$"
fi

# -- fork: two processes; the child's 64 copy-on-write stores, its exit status 7
if rec fork; then
	base=$(awk '/^base/ {print $2}' "$d/fork.out")
	"$dump" "$d/fork.vmt" "$base" "$(hex $((base + 1048576)))" >"$d/fork.dump"
	pid=$(awk -F'[ =]' '/^exec/ {print $3; exit}' "$d/fork.dump")
	child=$(awk -F'[ =]' '/^fork/ {print $NF; exit}' "$d/fork.dump")
	[ -n "$child" ] && [ "$child" != "$pid" ] || fail "fork: no child pid in the fork record"
	expect "$d/fork.dump" "^fork pid=$pid addr=0x0 len=0 prot=0 arg=$child\$"
	expect "$d/fork.dump" "^range pid=$pid tid=$pid reads=0 writes=256 pages=256\$"
	expect "$d/fork.dump" "^range pid=$child tid=$child reads=0 writes=64 pages=64\$"
	expect "$d/fork.dump" "^exit pid=$child addr=0x0 len=0 prot=0 arg=7\$"
	expect "$d/fork.dump" "^exit pid=$pid addr=0x0 len=0 prot=0 arg=0\$"
	expect "$d/fork.err" "from 2 processes"
fi

# -- a file mapping: the file's identity (as the program first meets it: just
# created, empty), the write of it, the mapping naming it
if rec filemap "$d/data.bin"; then
	base=$(awk '/^base/ {print $2}' "$d/filemap.out")
	"$dump" "$d/filemap.vmt" >"$d/filemap.dump"
	id=$(sed -n "s|^file pid=[0-9]* addr=0x0 len=0 prot=0 arg=\([0-9]*\) path=$d/data.bin dev=[0-9]* ino=[0-9]* size=0\$|\1|p" "$d/filemap.dump")
	# declared before the write that first uses it: empty, nothing of it cached
	[ -n "$id" ] || fail "filemap: no file record for $d/data.bin of 0 bytes"
	expect "$d/filemap.dump" "^write pid=[0-9]+ addr=0x0 len=65536 prot=0 arg=$id\$"
	grep -A1 -E "^mmap-file pid=[0-9]+ addr=$base len=65536 prot=1 arg=1\$" "$d/filemap.dump" |
		grep -Eq "^  ext addr=0x0 len=0 arg=$id\$" || fail "filemap: no mapping of file $id at $base"
	expect "$d/filemap.dump" "^munmap pid=[0-9]+ addr=$base len=65536 "
fi

# -- threads: two thread records, two thread exits, accesses of three threads
if rec threads; then
	"$dump" "$d/threads.vmt" >"$d/threads.dump"
	count "$d/threads.dump" "^clone " 2
	count "$d/threads.dump" "^thread-exit " 2
	count "$d/threads.dump" "^accesses " 3
	for t in $(awk -F'[ =]' '/^clone/ {print $NF}' "$d/threads.dump"); do
		expect "$d/threads.dump" "^accesses pid=[0-9]+ tid=$t reads=[0-9]+ writes=[0-9]+ fetches=[1-9]"
	done
fi

# -- exec: two exec records of one pid, the second naming the new program
true_path=$(command -v true)
case $true_path in /*) ;; *) true_path=/bin/true ;; esac
if rec exec "$true_path"; then
	"$dump" "$d/exec.vmt" >"$d/exec.dump"
	pid=$(awk '/^pid/ {print $2}' "$d/exec.out")
	count "$d/exec.dump" "^exec pid=$pid " 2
	id=$(sed -n "s|^file pid=$pid addr=0x0 len=0 prot=0 arg=\([0-9]*\) path=$true_path .*|\1|p" "$d/exec.dump" | head -1)
	[ -n "$id" ] || fail "exec: no file record for $true_path"
	expect "$d/exec.dump" "^exec pid=$pid addr=0x0 len=0 prot=0 arg=$id\$"
	count "$d/exec.dump" "^exit pid=$pid " 1
fi

# -- a crash: the trace ends with the exit record naming SIGSEGV; vmsim says so
if rec crash; then
	"$dump" "$d/crash.vmt" >"$d/crash.dump"
	expect "$d/crash.err" "'.*vmsim-rec-crash' was killed by signal 11 \\(Segmentation fault\\)\$"
	grep -Ev '^(accesses|range|end) ' "$d/crash.dump" | tail -1 | grep -Eq "^exit pid=[0-9]+ addr=0x0 len=0 prot=11 arg=0\$" ||
		fail "crash: the last event is not the exit by signal 11"
	expect "$d/crash.dump" "^end ok\$"
fi

# -- --no-fetch: no instruction fetches at all
"$vmsim" record --no-fetch -o "$d/nofetch.vmt" -- "$bin/vmsim-rec-touch" 1 >/dev/null 2>&1 ||
	fail "record --no-fetch"
"$dump" "$d/nofetch.vmt" >"$d/nofetch.dump"
count "$d/nofetch.dump" "^accesses .* fetches=0\$" 1

# -- lackey stays available and readable
"$vmsim" record --tool lackey -o "$d/lackey.vmt" -- "$bin/vmsim-rec-touch" 1 >/dev/null \
	2>"$d/lackey.err" || fail "record --tool lackey: $(cat "$d/lackey.err")"
expect "$d/lackey.err" "records \\([0-9]+ accesses, lackey\\)"
"$vmsim" replay "$d/lackey.vmt" >"$d/lackey.replay" 2>&1 || fail "replay of the lackey trace"
expect "$d/lackey.replay" "from lackey"

# -- bad input and failures
"$vmsim" record -o "$d/x.vmt" -- "$d/no-such-prog" >/dev/null 2>"$d/e1"
[ $? -eq 1 ] || fail "a missing program: exit status"
expect "$d/e1" "^vmsim record: $d/no-such-prog: no such file\$"
printf '#!/bin/sh\n' >"$d/noexec"
"$vmsim" record -o "$d/x.vmt" -- "$d/noexec" >/dev/null 2>"$d/e2"
expect "$d/e2" "^vmsim record: $d/noexec: not executable \\(permission denied\\)\$"
"$vmsim" record -o "$d/x.vmt" -- no-such-prog-anywhere >/dev/null 2>"$d/e3"
expect "$d/e3" "^vmsim record: no-such-prog-anywhere: no such program in PATH\$"
mkdir "$d/emptypath"
PATH="$d/emptypath" "$vmsim" record -o "$d/x.vmt" -- "$bin/vmsim-rec-touch" 1 >/dev/null 2>"$d/e4"
expect "$d/e4" "install it with: apt-get install -y valgrind\$"
[ ! -e "$d/x.vmt" ] || fail "a failed recording left its output behind"
"$vmsim" record -o /dev/full -- "$bin/vmsim-rec-touch" 1 >/dev/null 2>"$d/e5"
[ $? -eq 1 ] || fail "disk full: exit status"
expect "$d/e5" "^vmsim record: /dev/full: write error: No space left on device"

# -- a full disk (a 256 KiB tmpfs in a private mount namespace, where the
# machine allows one): an error naming the file; the partial trace reads up
# to its last whole block, then says where it ends
mkdir "$d/small"
if unshare -rm true 2>/dev/null; then
	unshare -rm sh -c "mount -t tmpfs -o size=256k tmpfs '$d/small' &&
		'$vmsim' record --zstd 0 -o '$d/small/t.vmt' -- '$bin/vmsim-rec-touch' 1 >/dev/null 2>'$d/e6';
		echo \$? >'$d/e6.rc'; '$dump' '$d/small/t.vmt' >'$d/small.dump'"
	[ "$(cat "$d/e6.rc")" = 1 ] || fail "small disk: exit status $(cat "$d/e6.rc")"
	expect "$d/e6" "^vmsim record: $d/small/t.vmt: write error: No space left on device \\(the partial trace stays, readable up to its last whole block\\)\$"
	expect "$d/small.dump" "^end error: $d/small/t.vmt: byte [0-9]+: truncated trace: block [0-9]+ is cut short \\([0-9]+ of its [0-9]+ bytes\\); the [1-9][0-9]* whole blocks before it hold [1-9][0-9]* records"
	expect "$d/small.dump" "^exec pid="
else
	echo "no private mount namespace here: the small-disk case is not run"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails checks failed (outputs in $d, kept)"
	trap - EXIT
	exit 1
fi
echo ok
