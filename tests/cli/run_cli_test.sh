#!/bin/sh
# Run the command-line test cases of one .t file against a vmsim binary.
#
#   sh tests/cli/run_cli_test.sh /path/to/vmsim tests/cli/translate.t
#
# A .t file is a list of cases. Each case is a command, the exact standard
# output it must print, optionally its exact standard error, and its exit
# status:
#
#   # Comments and blank lines may appear before a case starts.
#   $ vmsim translate 0x7ffz
#   2>
#   vmsim translate: argument 1 '0x7ffz': column 6: expected a hexadecimal digit
#   ? 2
#
#   - "$ COMMAND" starts a case. A leading word "vmsim" is replaced by the
#     binary under test; elsewhere in the command write "$VMSIM". The
#     command runs with bash -o pipefail -c, stdin from /dev/null, in the
#     directory of the .t file, with LC_ALL=C. With pipefail the status of
#     "vmsim ... | sed -n 2p" is vmsim's when vmsim fails, so a case that
#     filters vmsim's output still checks its exit status. Filter with sed,
#     grep or tail, which read all their input: "head" may exit first and
#     kill a vmsim still writing with SIGPIPE (status 141).
#   - The lines that follow are the expected standard output, line for line.
#   - A line "2>" switches to the expected standard error, line for line.
#     Without it stderr must be empty; to ignore it, end the command with
#     2>/dev/null.
#   - "? STATUS" gives the expected exit status and ends the case. Without
#     it the status must be 0 and the case ends only at the next "$ " line
#     or at the end of the file, so a comment after a case must follow its
#     "? STATUS" line ("? 0" for success), else it is read as output.
#   - Trailing blank lines of an expected stdout or stderr are dropped, so a
#     blank line may separate cases; blank lines inside an output count.
#
# A comment line "# requires: PROGRAM..." anywhere in the file names
# programs the cases need: when one is not on PATH, no case runs and the
# script exits 77, which CTest reports as skipped.
#
# Every case runs; each mismatch prints the case's line and command and a
# unified diff (expected, then actual). Exit status: 0 if all cases pass,
# 1 if any fails (or the file has no case), 2 on bad usage of this script,
# 77 if a required program is missing.

if [ $# -ne 2 ]; then
	echo "usage: sh run_cli_test.sh VMSIM_BINARY FILE.t" >&2
	exit 2
fi
case $1 in
/*) VMSIM=$1 ;;
*) VMSIM=$(pwd)/$1 ;;
esac
file=$2
if [ ! -x "$VMSIM" ]; then
	echo "run_cli_test.sh: '$VMSIM' is not an executable" >&2
	exit 2
fi
if [ ! -r "$file" ]; then
	echo "run_cli_test.sh: cannot read '$file'" >&2
	exit 2
fi
dir=$(cd "$(dirname "$file")" && pwd)
name=$(basename "$file")
for prog in $(sed -n 's/^# requires: //p' "$file"); do
	if ! command -v "$prog" >/dev/null 2>&1; then
		echo "$name: skipped: needs $prog, which is not on PATH"
		exit 77
	fi
done
export VMSIM
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
mkdir "$tmp/expected" "$tmp/actual"

ncases=0
nfailed=0
state=outside    # outside a case, or the section being read: stdout, stderr
case_line=0      # line of the current case's "$ "
cmd=
status=0         # expected exit status
blanks=0         # blank lines read but not yet known to be inside the output

start_case() {
	case_line=$lineno
	cmd=$1
	status=0
	blanks=0
	: >"$tmp/expected/stdout"
	: >"$tmp/expected/stderr"
	state=stdout
}

# Append a line to the section being read, keeping blank lines pending
# until a non-blank line shows they are inside the output.
add_line() {
	if [ -z "$1" ]; then
		blanks=$((blanks + 1))
		return
	fi
	while [ "$blanks" -gt 0 ]; do
		echo >>"$tmp/expected/$state"
		blanks=$((blanks - 1))
	done
	printf '%s\n' "$1" >>"$tmp/expected/$state"
}

run_case() {
	ncases=$((ncases + 1))
	run=$cmd
	case $run in
	vmsim | "vmsim "*) run="\"\$VMSIM\"${run#vmsim}" ;;
	esac
	(cd "$dir" && bash -o pipefail -c "$run") <"/dev/null" >"$tmp/actual/stdout" 2>"$tmp/actual/stderr"
	got=$?
	failed=0
	diffs=
	if ! cmp -s "$tmp/expected/stdout" "$tmp/actual/stdout"; then
		failed=1
		diffs="$diffs stdout"
	fi
	if ! cmp -s "$tmp/expected/stderr" "$tmp/actual/stderr"; then
		failed=1
		diffs="$diffs stderr"
	fi
	if [ "$got" -ne "$status" ]; then
		failed=1
	fi
	if [ "$failed" -eq 1 ]; then
		nfailed=$((nfailed + 1))
		echo "FAIL $name:$case_line: \$ $cmd"
		for d in $diffs; do
			(cd "$tmp" && diff -u "expected/$d" "actual/$d")
		done
		if [ "$got" -ne "$status" ]; then
			echo "exit status: expected $status, got $got"
		fi
		echo
	fi
	state=outside
}

lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $state in
	outside)
		case $line in
		'$ '*) start_case "${line#\$ }" ;;
		'#'* | '') ;;
		*)
			echo "$name:$lineno: expected '\$ COMMAND', a comment or a blank line" >&2
			exit 2
			;;
		esac
		;;
	*)
		case $line in
		'$ '*)
			run_case
			start_case "${line#\$ }"
			;;
		'? '*)
			status=${line#\? }
			case $status in
			'' | *[!0-9]*)
				echo "$name:$lineno: '? ' needs an exit status, got '$status'" >&2
				exit 2
				;;
			esac
			run_case
			;;
		2\>)
			if [ "$state" = stderr ]; then
				echo "$name:$lineno: second '2>' in one case" >&2
				exit 2
			fi
			state=stderr
			blanks=0
			;;
		*) add_line "$line" ;;
		esac
		;;
	esac
done <"$file"
if [ "$state" != outside ]; then
	run_case
fi

if [ "$ncases" -eq 0 ]; then
	echo "$name: no test case found" >&2
	exit 1
fi
echo "$name: $ncases cases, $nfailed failed"
[ "$nfailed" -eq 0 ]
