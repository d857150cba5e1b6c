#!/bin/sh
# Run every benchmark built in the build directory given as $1 (default build-bench).
set -eu
dir=${1:-build-bench}
uname -srm
grep -m1 'model name' /proc/cpuinfo || true
"$dir/bench_mmu"
