#!/bin/sh
# vmsim run --record on a real program: records /bin/true under Valgrind
# and simulates it. Exit 77 (skipped) when valgrind is not installed.
# usage: run_record.sh VMSIM
set -u
vmsim=$1
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
out=$("$vmsim" run --quiet --record -- /bin/true) || { echo "vmsim run --record failed"; exit 1; }
echo "$out" | head -1 | grep -q '^recorded /bin/true: [0-9]* accesses (exit status 0)$' ||
	{ echo "unexpected first line: $(echo "$out" | head -1)"; exit 1; }
echo "$out" | grep -q 'VMAs inferred from the accesses' || { echo "no report"; exit 1; }
echo ok
