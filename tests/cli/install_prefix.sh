#!/bin/sh
# cmake --install --prefix P: vmsim.pc names P (not the configured
# prefix), and the installed vmsim finds its bundled traces in
# P/share/vmsim (here: the i-j-k trace replaced by the i-k-j one, so the
# default's first line shows the i-k-j miss ratio, proving which copy it
# read), and the scenarios are installed as files there too.
# usage: install_prefix.sh BUILD_DIR
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$prefix/lib/pkgconfig/vmsim.pc
grep -qx "prefix=$prefix" "$pc" || { echo "vmsim.pc does not name $prefix:" >&2; cat "$pc" >&2; exit 1; }
if command -v pkg-config >/dev/null; then
	got=$(pkg-config --variable=libdir "$pc")
	[ "$got" = "$prefix/lib" ] || { echo "pkg-config libdir: $got" >&2; exit 1; }
fi
[ -s "$prefix/share/vmsim/scenarios/s01-virtual-physical.vms" ] || { echo "scenarios not installed" >&2; exit 1; }
cp "$prefix/share/vmsim/matmul-ikj.vmt" "$prefix/share/vmsim/matmul-ijk.vmt"
line=$(cd / && "$prefix/bin/vmsim" run --quiet | grep 'i-j-k: inner loop down a column of B')
echo "$line"
case $line in
*" 0.09% "*) ;;
*) echo "the installed vmsim did not read $prefix/share/vmsim" >&2; exit 1 ;;
esac
