#!/bin/sh
# Run every benchmark built in the build directory $1 (default build-bench),
# from the source root (bench_trace reads data/). `make bench` calls it.
set -eu
dir=${1:-build-bench}
echo "== machine"
uname -srm
grep -m1 'model name' /proc/cpuinfo || true
nproc
uptime
for b in bench_mmu bench_kernel bench_files bench_pressure bench_paging bench_mrc bench_trace; do
	echo
	echo "== $b"
	"$dir/$b"
done
