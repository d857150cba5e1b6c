#!/bin/sh
# The Python copy-on-write story on the real interpreter
# (tools/pystory/cow_sum.py): the fork child's copied pages, natively (its
# Private_Dirty in /proc/self/smaps_rollup after the sum) and replayed from
# a recording (the child's COW copies), without and with gc.freeze(); each
# replayed figure within 5 % of the native one. Exit 77 (skipped) without
# valgrind, vmsim's Valgrind tool or /usr/bin/python3.
# usage: pystory.sh VMSIM SOURCE_DIR
set -u
vmsim=$1
src=$2
py=/usr/bin/python3
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
[ -x "$py" ] || { echo "$py is not installed: skipped"; exit 77; }
d=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-pystory.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
fail=0
for mode in off freeze; do
	arg=
	[ $mode = freeze ] && arg=freeze
	native=$("$py" "$src/tools/pystory/cow_sum.py" $arg report |
		sed -n 's/^child: Private_Dirty \([0-9]*\) kB.*/\1/p')
	"$vmsim" record --zstd 1 -o "$d/$mode.vmt" -- "$py" "$src/tools/pystory/cow_sum.py" $arg \
		>/dev/null 2>"$d/$mode.err" || { echo "record $mode failed:"; cat "$d/$mode.err"; exit 1; }
	if grep -q "recording with lackey" "$d/$mode.err"; then
		echo "vmsim's Valgrind tool was not built: skipped"
		exit 77
	fi
	# the child is the process that forked from the first one: the last in the report
	sim=$("$vmsim" run "$d/$mode.vmt" --quiet --json - 2>/dev/null | "$py" -c '
import json, sys
procs = json.load(sys.stdin)["processes"]
print(procs[-1]["cow_copies"] * 4 if len(procs) == 2 else "")')
	echo "gc.freeze $mode: child copied $native KiB natively, $sim KiB replayed"
	if [ -z "$native" ] || [ -z "$sim" ] ||
		! awk -v n="$native" -v s="$sim" 'BEGIN { d = s - n; if (d < 0) d = -d; exit !(d <= n * 0.05) }'; then
		echo "FAIL: gc.freeze $mode: replayed copies not within 5 % of the native child's"
		fail=1
	fi
done
[ $fail = 0 ] && echo ok
exit $fail
