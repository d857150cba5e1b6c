#!/bin/sh
# vmsim inspect on a real process this script starts itself:
#
#   sh tests/cli/inspect_real.sh VMSIM_BINARY TOUCH_FORK_HELPER
#
# The helper (tests/helpers/touch_fork.c) maps and writes N pages, then
# waits. Checked, from `vmsim inspect --json`:
#   - RssAnon grew by the N pages, within SLACK bytes (the runtime's own
#     pages: stdio buffers, stack), and PSS of anonymous memory likewise;
#   - minor faults grew by at least N;
# then the helper forks, and:
#   - the parent's anonymous PSS halves (every page has two mappers);
#   - as root, `--share CHILD PARENT` finds at least N anonymous frames
#     shared, and after the child writes every page at least N fewer;
#   - not as root (or as root, through setpriv to user nobody), the frames
#     are not measured and a note says why.
#   - --wss: the working set of the child writing its N pages during the
#     wait (and reading them every 10 ms after, since a host monitor such
#     as DAMON may clear Accessed bits) covers them, the idle parent's does
#     not;
# Prints one line per check; exit status 0 if all pass, 1 if one fails, 77
# if this system has no /proc to inspect (CTest reports it skipped).

if [ $# -ne 2 ]; then
	echo "usage: sh inspect_real.sh VMSIM TOUCH_FORK_HELPER" >&2
	exit 2
fi
case $1 in /*) VMSIM=$1 ;; *) VMSIM=$(pwd)/$1 ;; esac
case $2 in /*) HELPER=$2 ;; *) HELPER=$(pwd)/$2 ;; esac
N=512                 # pages the helper touches
PAGE=4096
SLACK=262144          # bytes of the runtime's own memory allowed on top

if [ ! -r /proc/self/smaps_rollup ] || [ ! -r /proc/self/pagemap ]; then
	echo "skip: no /proc/PID/smaps_rollup or pagemap here"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-inspect.XXXXXX") || exit 2
chmod 755 "$tmp"
hpid=
child=
cleanup() {
	[ -n "$child" ] && kill "$child" 2>/dev/null
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

failed=0
check() { # check DESCRIPTION CONDITION...
	what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		failed=1
	fi
}

# wait_file FILE: up to 10 s for FILE to appear
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			echo "FAIL: $1 never appeared"
			exit 1
		fi
		sleep 0.05
	done
}

# jget KEY: the first "KEY": NUMBER in the indented JSON on stdin
jget() {
	sed -n "s/^ *\"$1\": \([0-9][0-9]*\),\{0,1\}\$/\1/p" | head -n 1
}

between() { # between VALUE LOW HIGH
	[ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

"$HELPER" $N "$tmp/ready" &
hpid=$!
wait_file "$tmp/ready"
read -r _ pid _ rss0 _ flt0 <"$tmp/ready"
check "helper pid $pid is the process started" [ "$pid" = "$hpid" ]

json=$("$VMSIM" inspect --json "$hpid") || failed=1
if command -v python3 >/dev/null 2>&1; then
	check "the JSON document parses (python3)" \
		python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["schema"]=="vmsim-report" and d["version"]==1 and d["source"]=="linux"' "$json"
fi
rss=$(echo "$json" | jget rss_anon)
pss=$(echo "$json" | jget pss_anon)
flt=$(echo "$json" | jget faults_minor)
want=$((N * PAGE))
check "rss_anon grew by $N pages (before $rss0, now $rss)" \
	between "$((rss - rss0))" $((want - PAGE)) $((want + SLACK))
check "pss_anon covers the $N pages once (now $pss)" between "$pss" $((want - PAGE)) $((rss0 + want + SLACK))
check "minor faults grew by at least $N (before $flt0, now $flt)" between "$((flt - flt0))" $N 100000000

text=$("$VMSIM" inspect "$hpid") || failed=1
check "the text report names the process" sh -c "echo \"\$1\" | grep -q '^pid $hpid (vmsim-touch-for'" _ "$text"

kill -USR1 "$hpid"
wait_file "$tmp/ready.forked"
read -r _ child <"$tmp/ready.forked"
pss2=$("$VMSIM" inspect --json "$hpid" | jget pss_anon)
check "after fork the parent's pss_anon halves ($pss -> $pss2)" \
	between "$pss2" $((want / 2 - PAGE)) $((want / 2 + rss0 + SLACK))

if [ "$(id -u)" -eq 0 ]; then
	share1=$("$VMSIM" inspect --json --share "$hpid" "$child" | jget frames_anon)
	check "child and parent share at least $N anonymous frames ($share1)" \
		between "$share1" $N 100000000
	ranges=$("$VMSIM" inspect --share "$hpid" "$child" | grep -c '^    0x')
	check "the text report lists the shared ranges ($ranges)" between "$ranges" 1 100000
fi

# --wss: one inspect clears the referenced bits of the child, then of the
# parent, and waits WSS seconds; once the parent's Referenced has dropped by
# half its N pages (so the child's bits are clear too) the child writes its
# N pages. The drop is measured from the value before, not to an absolute
# level: shared file pages that a host monitor (DAMON) marked young stay
# "Referenced" through clear_refs, hundreds of pages on this kind of host.
# The wait for the drop gives up after 2 s, well inside the window, so the
# child always writes while the window is open. The child's working set must
# cover its pages, the idle parent's must not.
referenced_kb() { sed -n 's/^Referenced: *\([0-9][0-9]*\) kB$/\1/p' "/proc/$1/smaps_rollup"; }
ref0=$(referenced_kb "$hpid")
WSS=5
if [ -n "$ref0" ] && [ "$ref0" -ge $((N * PAGE / 1024)) ] && command -v python3 >/dev/null 2>&1; then
	"$VMSIM" inspect --json --wss $WSS "$child" "$hpid" >"$tmp/wss.json" 2>"$tmp/wss.err" &
	ipid=$!
	i=0
	while [ "$(referenced_kb "$hpid")" -gt $((ref0 - N * PAGE / 1024 / 2)) ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.02
	done
	kill -USR2 "$child"
	wait_file "$tmp/ready.written"
	wait "$ipid"
	st=$?
	check "inspect --wss exits 0 without notes (status $st)" test "$st" -eq 0 -a ! -s "$tmp/wss.err"
	wss=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%d:%d:%d:%g" % (p["pid"], p["wss"], p["rss"], p["wss_seconds"]) for p in d["processes"]))' "$tmp/wss.json")
	for w in $wss; do
		IFS=: read -r wpid wbytes wrss wsec <<-EOF
			$w
		EOF
		if [ "$wpid" = "$child" ]; then
			check "the child's working set covers the $N pages it wrote ($wbytes bytes in $wsec s)" \
				between "$wbytes" $((N * PAGE - PAGE)) $((wrss + N * PAGE + SLACK))
		else
			check "the idle parent's working set leaves out its $N pages ($wbytes of $wrss bytes)" \
				between "$wbytes" 0 $((wrss - N * PAGE / 2))
		fi
	done
	check "the JSON has a working set for both processes ($wss)" [ "$(echo $wss | wc -w)" -eq 2 ]
else
	echo "note: --wss not checked (the parent's Referenced is ${ref0:-unreadable} kB, or no python3)"
	kill -USR2 "$child"
	wait_file "$tmp/ready.written"
fi

if [ "$(id -u)" -eq 0 ]; then
	share2=$("$VMSIM" inspect --json --share "$hpid" "$child" | jget frames_anon)
	check "after the child writes, sharing drops by at least $N ($share1 -> $share2)" \
		between "$share2" 0 $((share1 - N))

	if command -v setpriv >/dev/null 2>&1; then
		err=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$VMSIM" inspect --share "$child" "$hpid" 2>&1 >/dev/null)
		check "as another user, a note names the pid and says permission denied" \
			sh -c "echo \"\$1\" | grep -q 'note: pid $hpid: .*permission denied'" _ "$err"
	fi
else
	err=$("$VMSIM" inspect --share "$child" "$hpid" 2>&1 >/dev/null)
	check "without root, a note says frame numbers are shown only to root" \
		sh -c "echo \"\$1\" | grep -q 'pagemap shows frame numbers only to root'" _ "$err"
fi

"$VMSIM" inspect 2147483647 >/dev/null 2>"$tmp/err"
status=$?
check "a pid that does not exist is an error naming it (status $status)" \
	sh -c "[ $status -eq 1 ] && grep -q '^vmsim inspect: pid 2147483647: no such process\$' '$tmp/err'"

exit $failed
