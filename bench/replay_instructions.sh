#!/bin/sh
# Host instructions per trace record of `vmsim replay data/matmul-ikj.vmt`,
# counted by callgrind (deterministic, so comparable across runs and
# machines with the same compiler). Prints the figure, the ceiling this
# tree holds and the target; exits 1 when the ceiling is exceeded, so a
# change that slows the replay hot path is seen. `make bench-check` runs it.
#
#   sh bench/replay_instructions.sh [BUILD_DIR]      (default: build)
set -eu
dir=${1:-build}
ceiling=255 # instructions per record this tree must stay under
target=100  # the goal (docs/PERFORMANCE.md)
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$dir/vmsim" replay data/matmul-ikj.vmt \
	>"$out/stdout" 2>"$out/stderr"
ir=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$out/stderr" | tr -d ,)
records=$(sed -n 's/^records *\([0-9]*\).*/\1/p' "$out/stdout")
[ -n "$ir" ] && [ -n "$records" ] || { echo "could not read the counts"; cat "$out/stderr"; exit 1; }
per=$(awk -v i="$ir" -v r="$records" 'BEGIN { printf "%.1f", i / r }')
echo "vmsim replay data/matmul-ikj.vmt: $ir instructions, $records records, $per per record (ceiling $ceiling, target $target)"
awk -v p="$per" -v c="$ceiling" 'BEGIN { exit !(p <= c) }' || { echo "above the ceiling"; exit 1; }
