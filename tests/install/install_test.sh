#!/bin/sh
# The installed library as an outside program sees it:
#
#   sh tests/install/install_test.sh BUILD_DIR CC [SANITIZE]
#
# installs BUILD_DIR into a temporary prefix (cmake --install), builds
# outside.c with CC using only what pkg-config vmsim gives (the installed
# headers and library, not the source tree), runs it against the installed
# libvmsim.so, and checks that the library exports nothing but functions
# declared with VMSIM_API in the installed headers. SANITIZE: the -fsanitize
# list the library was built with (the program needs the same runtime).

if [ $# -lt 2 ]; then
	echo "usage: sh install_test.sh BUILD_DIR CC [SANITIZE]" >&2
	exit 2
fi
build=$1
cc=$2
san=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
failed=0

if ! cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
	echo "FAIL: cmake --install"
	cat "$tmp/install.log"
	exit 1
fi
pc=$(find "$prefix" -name vmsim.pc | head -n 1)
if [ -z "$pc" ]; then
	echo "FAIL: no vmsim.pc installed"
	exit 1
fi
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
# the .pc file names the prefix cmake was configured with; point it here
cflags=$(pkg-config --define-variable=prefix="$prefix" --cflags vmsim) || exit 1
libs=$(pkg-config --define-variable=prefix="$prefix" --libs vmsim) || exit 1
libdir=$(pkg-config --define-variable=prefix="$prefix" --variable=libdir vmsim)
echo "pkg-config: $cflags $libs"
case " $cflags " in
*" -I$prefix/"*) ;;
*)
	echo "FAIL: the compile flags do not name the installed headers"
	failed=1
	;;
esac
extra=
[ -n "$san" ] && extra="-fsanitize=$san"
# shellcheck disable=SC2086
if ! "$cc" -std=c11 -Wall -Wextra -Werror $extra $cflags -o "$tmp/outside" \
	"$here/outside.c" $libs 2>"$tmp/cc.log"; then
	echo "FAIL: outside.c does not build against the installed headers and library"
	cat "$tmp/cc.log"
	exit 1
fi
echo "ok: outside.c builds with the installed headers"
if ! LD_LIBRARY_PATH=$libdir ldd "$tmp/outside" | grep -q "$libdir/libvmsim.so"; then
	echo "FAIL: the program is not linked against $libdir/libvmsim.so"
	failed=1
fi
if LD_LIBRARY_PATH=$libdir "$tmp/outside"; then
	echo "ok: outside.c runs against the installed libvmsim.so"
else
	echo "FAIL: outside.c failed"
	failed=1
fi

# every function declared in an installed header carries VMSIM_API (a
# declaration starting with its return type at column 0 lacks it)
bare=$(grep -nE '^(const |unsigned |struct |enum |int |bool |void |u?int[0-9]+_t |size_t |double |char |vmsim_[a-z]+_t )' \
	"$prefix"/include/vmsim/*.h | grep -E '[ *]vmsim_[a-z0-9_]+\(')
if [ -n "$bare" ]; then
	echo "FAIL: public functions declared without VMSIM_API (not exported):"
	echo "$bare"
	failed=1
fi

# every type name an installed header defines carries the prefix
unprefixed=$(grep -nE '^typedef .*[^a-z_0-9]([a-z_0-9]+);' "$prefix"/include/vmsim/*.h |
	grep -vE '[^a-z_0-9]vmsim_[a-z_0-9]+;')
if [ -n "$unprefixed" ]; then
	echo "FAIL: installed headers define type names without the vmsim_ prefix:"
	echo "$unprefixed"
	failed=1
else
	echo "ok: every type name of the installed headers is vmsim_*"
fi

# every exported symbol is a VMSIM_API function of an installed header
nm -D --defined-only "$libdir/libvmsim.so" | awk '{print $3}' | sort -u >"$tmp/exported"
grep -ho '^VMSIM_API [^(]*(' "$prefix"/include/vmsim/*.h | sed 's/.*[ *]\([a-z_0-9]*\)($/\1/' |
	sort -u >"$tmp/declared"
n=$(wc -l <"$tmp/exported")
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -n "$extra" ]; then
	echo "FAIL: exported without a VMSIM_API declaration in an installed header:" $extra
	failed=1
elif [ -n "$missing" ]; then
	echo "FAIL: declared VMSIM_API but not exported (not defined?):" $missing
	failed=1
else
	echo "ok: libvmsim.so exports $n symbols, each a VMSIM_API function of an installed header"
fi
exit $failed
