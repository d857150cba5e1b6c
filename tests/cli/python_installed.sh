#!/bin/sh
# The installed Python package finds the installed library: install the
# build tree into a temporary prefix, then import vmsim from there (from
# another directory, without VMSIM_LIBRARY) and run a reference string.
# usage: python_installed.sh BUILD_DIR PYTHON3
set -eu
build=$1
py=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
out=$(cd "$prefix" && env -u VMSIM_LIBRARY PYTHONPATH="$prefix/lib/python3/dist-packages" \
	PYTHONDONTWRITEBYTECODE=1 "$py" -c '
import vmsim, vmsim._lib as l
print(l.lib._name)
print(vmsim.paging([1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5], "fifo", [3, 4]))')
echo "$out"
echo "$out" | grep -qx "$prefix/lib/libvmsim.so.0" || { echo "not the installed library" >&2; exit 1; }
echo "$out" | grep -qx '{3: 9, 4: 10}' || { echo "wrong misses" >&2; exit 1; }
