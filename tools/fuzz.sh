#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz/ and run each for a while.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]
#
# Configures build-fuzz/ (CC=clang-14 unless $CC is set, -DVMSIM_FUZZ=ON),
# builds the fuzz_<target> binaries and runs each for SECONDS (default 60)
# with -max_total_time, starting from tests/fuzz/corpus/<target>/ plus the
# working corpus build-fuzz/corpus/<target>/ (new inputs land there, not in
# the source tree). TARGETs default to all. A crash leaves its input in
# build-fuzz/crashes/<target>/; minimise it with
#   build-fuzz/tests/fuzz/fuzz_<target> -minimize_crash=1 -runs=100000 FILE
# and keep the result in tests/fuzz/regress/<target>/ (docs/FUZZING.md).
# Prints one line per harness: executions, crashes. Exit status 1 if any
# harness crashed, 2 if the build failed.
set -u
cd "$(dirname "$0")/.." || exit 2
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-lackey champsim vmsim trace_auto scenario refstring cliparse}
build=build-fuzz
: "${CC:=clang-14}"
export CC

cmake -S . -B "$build" -DVMSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
for t in $targets; do
	cmake --build "$build" -j"$(nproc)" --target "fuzz_$t" >/dev/null || exit 2
done

status=0
printf '%-12s %8s %14s %10s %8s\n' harness seconds executions exec/s crashes
for t in $targets; do
	bin=$build/tests/fuzz/fuzz_$t
	work=$build/corpus/$t
	crashes=$build/crashes/$t
	log=$build/fuzz_$t.log
	mkdir -p "$work" "$crashes"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	found=$(find "$crashes" -type f | wc -l)
	printf '%-12s %8s %14s %10s %8s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$found"
	if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
		status=1
		echo "  fuzz_$t: exit $rc, see $log and $crashes/" >&2
	fi
done
exit $status
