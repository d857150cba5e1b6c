#!/bin/sh
# The parallel sweep against the same points one after another: 100 short
# points (bench/sweep-100.sweep) with -j 1 and with -j N (default: the
# cores), alternated ROUNDS times (default 3), each into a fresh results
# directory. Prints the wall time of each run and the ratio of the sums.
#
#   sh bench/bench_sweep.sh build-bench/vmsim [ROUNDS]
set -eu
vmsim=$1
rounds=${2:-3}
jobs=$(nproc)
spec=$(dirname "$0")/sweep-100.sweep
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
seq_total=0
par_total=0
for r in $(seq 1 "$rounds"); do
	for j in 1 "$jobs"; do
		t0=$(now)
		"$vmsim" sweep "$spec" -o "$tmp/r$r-j$j" -j "$j" --quiet >/dev/null
		t1=$(now)
		el=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
		echo "round $r: -j $j: $el s"
		if [ "$j" = 1 ]; then
			seq_total=$(awk "BEGIN { print $seq_total + $el }")
		else
			par_total=$(awk "BEGIN { print $par_total + $el }")
		fi
	done
done
# the same rows either way (the seconds column aside)
sed 's/"seconds":[0-9.e-]*//' "$tmp/r1-j1/results.jsonl" >"$tmp/a"
sed 's/"seconds":[0-9.e-]*//' "$tmp/r1-j$jobs/results.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && echo "rows of -j 1 and -j $jobs: identical" || echo "rows differ!"
awk "BEGIN { printf \"-j $jobs / -j 1 over $rounds rounds: %.2f s / %.2f s = %.2f\\n\", $par_total, $seq_total, $par_total / $seq_total }"
