#!/bin/sh
# Rebuild the bundled traces in data/ (see data/README.md): compile each
# program of tools/traceprogs/ and record one run of it with vmsim record.
#
#   sh tools/traceprogs/record-all.sh [VMSIM_BINARY]     (default: build/vmsim)
#
# Needs a C compiler and valgrind. The traces depend on the compiler, the C
# library and valgrind's version: data/README.md names the ones used.
set -eu
cd "$(dirname "$0")/../.."
vmsim=${1:-build/vmsim}
bin=$(mktemp -d "${TMPDIR:-/tmp}/traceprogs.XXXXXX")
trap 'rm -rf "$bin"' EXIT
for p in matmul sort hashtable; do
	cc -O2 -o "$bin/$p" "tools/traceprogs/$p.c"
done
"$vmsim" record -o data/matmul-ijk.vmt -- "$bin/matmul" ijk
"$vmsim" record -o data/matmul-ikj.vmt -- "$bin/matmul" ikj
"$vmsim" record -o data/sort.vmt -- "$bin/sort" 20000
"$vmsim" record -o data/hashtable.vmt -- "$bin/hashtable" 20000
ls -l data/*.vmt
