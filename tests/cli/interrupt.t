# SIGINT and SIGTERM end a run at its next access: the partial report is
# printed and marked, the JSON and CSV written so far are complete files
# (JSON "interrupted": true), the exit status is 128 + the signal. The
# temporary swap file has no name, so even SIGKILL leaves nothing behind.
#
# Each case starts a long run in the background, waits until its outputs
# exist (they are opened before the run, after which the handlers are in
# place), then signals it by its pid.

# A generated workload (a scenario) and SIGINT.
$ d=$(mktemp -d); "$VMSIM" run --gen "random count=1000000000" --size 64M --json "$d/r.json" --csv "$d/r.csv" >"$d/out" 2>"$d/err" & p=$!; i=0; while [ ! -e "$d/r.csv" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; sleep 0.3; kill -INT $p; wait $p; echo "status $?"; cat "$d/err"; grep -c '^interrupted: ' "$d/out"; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interrupted"])' "$d/r.json"; head -c 7 "$d/r.csv"; echo; rm -rf "$d"
status 130
vmsim run: interrupted by SIGINT: the report and the outputs cover the run up to that point
1
True
sample,
? 0

# A trace that never ends (standard input) and SIGTERM: the report says
# after how many accesses it stopped.
$ d=$(mktemp -d); yes ' L 00401000,8' | "$VMSIM" run - --json "$d/r.json" >"$d/out" 2>"$d/err" & p=$!; i=0; while [ ! -e "$d/r.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; sleep 0.3; kill -TERM $p; wait $p; echo "status $?"; cat "$d/err"; head -1 "$d/out" | sed 's/after [0-9.,]*[KMG]* accesses/after N accesses/'; grep -c '"interrupted": true' "$d/r.json"; rm -rf "$d"
status 143
vmsim run: interrupted by SIGTERM: the report and the outputs cover the run up to that point
interrupted: the run was stopped by a signal after N accesses; the figures below are those of the partial run
1
? 0

# SIGKILL leaves no swap file in $TMPDIR (it was vmsim-swap-XXXXXX, up to
# the whole --swap size on disk in data mode).
$ d=$(mktemp -d); TMPDIR=$d "$VMSIM" run --data --gen "random count=1000000000" --size 64M --json "$d/r.json" >/dev/null 2>&1 & p=$!; i=0; while [ ! -e "$d/r.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; sleep 0.3; { kill -KILL $p; wait $p; } 2>/dev/null; echo "status $?"; ls "$d"; rm -rf "$d"
status 137
r.json
? 0
