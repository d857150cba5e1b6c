# run and replay share one option set and one trace path: replay writes
# JSON and CSV like run, run reads --maps/--format/--max-records like
# replay, and each names only its own options in its errors.

# replay --json -: only JSON on standard output.
$ vmsim replay ../data/trace-tiny.lackey --json - --quiet | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["schema"] != "", len(d["processes"]))'
True 1
? 0

# replay --csv: one row every --every accesses, cut by --max-records.
$ vmsim replay ../data/trace-tiny.lackey --max-records 5 --csv - --every 1 --quiet | cut -d, -f1,2 | tail -2
3,4
4,5
? 0

# The summary still goes to stdout when the data goes to a file.
$ d=$(mktemp -d); $VMSIM replay ../data/trace-tiny.lackey --json "$d/r.json" | head -2; test -s "$d/r.json" && echo written; rm -rf "$d"
trace       ../data/trace-tiny.lackey (lackey, plain)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
written
? 0

# run reads --max-records and --format for a trace.
$ vmsim run ../data/trace-tiny.lackey --max-records 5 --format lackey --json - --quiet | python3 -c 'import json,sys; d=json.load(sys.stdin); p = d["processes"][0]; print(p["accesses"], p["faults_minor"])'
5 3
? 0

# run's options replay lacks are unknown to replay, by replay's name.
$ vmsim replay ../data/trace-tiny.lackey --gen seq
2>
vmsim replay: unknown option '--gen' (see 'vmsim replay --help')
? 2

$ vmsim replay ../data/trace-tiny.lackey --slice 10
2>
vmsim replay: unknown option '--slice' (see 'vmsim replay --help')
? 2

$ vmsim replay ../data/trace-tiny.lackey --bogus
2>
vmsim replay: unknown option '--bogus' (see 'vmsim replay --help')
? 2

# A trace file's options on something else are refused with the reason.
$ vmsim run --gen seq --maps x
2>
vmsim run: --maps: an option of one trace file; '--gen' is not one
? 2

$ vmsim run ../data/trace-tiny.lackey --format text
2>
vmsim run: --format 'text': expected vmsim, lackey or champsim
? 2

# replay on a trace that never ends and SIGINT: the summary so far, marked
# interrupted, the JSON complete, exit status 130.
$ d=$(mktemp -d); yes ' L 00401000,8' | "$VMSIM" replay - --json "$d/r.json" >"$d/out" 2>"$d/err" & p=$!; i=0; while [ ! -e "$d/r.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; sleep 0.3; kill -INT $p; wait $p; echo "status $?"; cat "$d/err"; head -1 "$d/out" | sed 's/after [0-9.,]*[KMG]* accesses/after N accesses/'; grep -c '^trace ' "$d/out"; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interrupted"])' "$d/r.json"; rm -rf "$d"
status 130
vmsim replay: interrupted by SIGINT: the report and the outputs cover the run up to that point
interrupted: the run was stopped by a signal after N accesses; the figures below are those of the partial run
1
True
? 0
