#!/bin/sh
# Checks run_cli_test.sh itself on small .t files written here:
#   - a vmsim that fails in front of sed fails the case expecting status 0
#     (the runner's pipefail), and passes the case expecting vmsim's status;
#   - "# requires:" a program that does not exist skips the file (77);
#   - a file without a case fails.
#
#   sh tests/cli/runner_selftest.sh RUN_CLI_TEST.SH VMSIM_BINARY

if [ $# -ne 2 ]; then
	echo "usage: sh runner_selftest.sh RUN_CLI_TEST.SH VMSIM" >&2
	exit 2
fi
runner=$1
vmsim=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-runner.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect STATUS FILE: the runner on FILE must exit with STATUS
expect() {
	sh "$runner" "$vmsim" "$2" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -eq "$1" ]; then
		echo "ok: $(basename "$2") exits $got"
	else
		echo "FAIL: $(basename "$2") exits $got, expected $1"
		sed 's/^/  | /' "$tmp/out"
		failed=1
	fi
}

cat >"$tmp/pipe_unchecked.t" <<'T'
$ vmsim translate 0x7ffz 2>/dev/null | sed -n 1p
? 0
T
expect 1 "$tmp/pipe_unchecked.t"

cat >"$tmp/pipe_checked.t" <<'T'
$ vmsim translate 0x7ffz 2>/dev/null | sed -n 1p
? 2
T
expect 0 "$tmp/pipe_checked.t"

cat >"$tmp/requires.t" <<'T'
# requires: vmsim-no-such-program
$ false
T
expect 77 "$tmp/requires.t"

printf '# nothing\n' >"$tmp/empty.t"
expect 1 "$tmp/empty.t"

exit $failed
