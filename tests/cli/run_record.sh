#!/bin/sh
# vmsim run --record on a real program: records /bin/true under Valgrind
# and simulates it as it runs, streamed through a pipe; with -o the same
# trace also goes to a file. Exit 77 (skipped) when valgrind is not
# installed.
# usage: run_record.sh VMSIM
set -u
vmsim=$1
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
out=$(TMPDIR=$d "$vmsim" run --quiet --record -- /bin/true) || { echo "vmsim run --record failed"; exit 1; }
echo "$out" | tail -1 | grep -q '^recorded /bin/true: [0-9]* records (exit status 0)$' ||
	{ echo "unexpected last line: $(echo "$out" | tail -1)"; exit 1; }
echo "$out" | grep -q '^machine: ' || { echo "no report"; exit 1; }
[ -z "$(ls -A "$d")" ] || { echo "a streamed recording left files behind: $(ls "$d")"; exit 1; }
out=$("$vmsim" run --quiet --record -o "$d/t.vmt" -- /bin/true) || { echo "run --record -o failed"; exit 1; }
n=$(echo "$out" | tail -1 | sed -n 's/^recorded \/bin\/true: \([0-9]*\) records (exit status 0) into .*/\1/p')
[ -n "$n" ] || { echo "unexpected last line: $(echo "$out" | tail -1)"; exit 1; }
"$vmsim" replay "$d/t.vmt" | grep -q "^records  *$n:" || { echo "the -o trace does not hold $n records"; exit 1; }
echo ok
