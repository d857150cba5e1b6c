# Output files of vmsim run, paging and thrash: standard output carries only
# the data when --json - or --csv - asks for it; every output is opened
# before the simulation starts, and an error names the real cause; an
# output that could not cover the whole run is refused; CSV rows come
# exactly every --every accesses; --check says what it checked.

# --json -: standard output is one JSON document (the report goes to
# stderr, or nowhere with --quiet).
$ vmsim run ../../data/sort.vmt --json - --quiet | python3 -c 'import json,sys; print(json.load(sys.stdin)["schema"])'
vmsim-report
? 0

$ vmsim run ../data/trace-tiny.lackey --json - 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["schema"])'
vmsim-report
? 0

$ vmsim run ../data/trace-tiny.lackey --json - 2>&1 >/dev/null | sed -n 1p
machine: RAM 1 GiB, swap 1 GiB, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0

# A scenario's print lines and reports go to stderr too.
$ vmsim run s01-virtual-physical --json - 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["workload"])'
s01-virtual-physical
? 0

# --csv -: every line of standard output is a CSV row of the same width.
$ vmsim run ex07-thrashing --csv - --every 500 2>/dev/null | python3 -c 'import csv,sys; r=list(csv.reader(sys.stdin)); print(r[0][0], len(r) > 5, len(set(map(len, r))))'
sample True 1
? 0

$ vmsim run ../data/trace-tiny.lackey --json - --csv -
2>
vmsim run: --json - and --csv -: only one of them can be standard output
? 2

# thrash --csv --plot: the "plots written" line goes to stderr, so standard
# output stays CSV (without gnuplot the notice goes there too).
$ d=$(mktemp -d) && "$VMSIM" thrash --csv --nmax 2 --duration 100 --plot "$d/p" 2>/dev/null | grep -v '^n,\|^[0-9]' | wc -l; rm -rf "$d"
0
? 0

# Without gnuplot: the report is printed, JSON and CSV are written, one
# notice says no plot was drawn, the status is 1, no directory is made.
$ d=$(mktemp -d) && VMSIM_GNUPLOT=/nonexistent/gnuplot "$VMSIM" run ../data/trace-tiny.lackey --plot "$d/p" --json "$d/r.json" --csv "$d/r.csv" --quiet >"$d/out" 2>"$d/err"; echo "status $?"; grep -c . "$d/err"; grep -c 'no plot was drawn, the other outputs are written as usual' "$d/err"; grep -c '^time:' "$d/out"; grep -c '"schema"' "$d/r.json"; head -c 7 "$d/r.csv"; echo; test -e "$d/p" || echo "no plot directory"; rm -rf "$d"
status 1
1
1
1
1
sample,
no plot directory
? 0

# Outputs are opened before the run: nothing is simulated (no report on
# stdout) when one cannot be written, and the reason is errno's.
$ vmsim run ../../data/sort.vmt --json /nonexistent/r.json
2>
vmsim run: --json /nonexistent/r.json: No such file or directory
? 1

$ vmsim run ../../data/sort.vmt --csv /
2>
vmsim run: --csv /: Is a directory
? 1

$ vmsim run ../../data/sort.vmt --plot /nonexistent/plots
2>
vmsim run: --plot /nonexistent/plots: No such file or directory
? 1

$ vmsim run ../../data/sort.vmt --plot run.t
2>
vmsim run: --plot run.t: Not a directory
? 1

$ vmsim paging --frames 3 --plot run.t ../data/belady.txt
2>
vmsim paging: --plot run.t: Not a directory
? 1

$ vmsim thrash --nmax 2 --plot /nonexistent/plots
2>
vmsim thrash: --plot /nonexistent/plots: No such file or directory
? 1

# A write that fails at the end names its cause too (/dev/full: ENOSPC).
$ vmsim run ../data/trace-tiny.lackey --quiet --json /dev/full >/dev/null
2>
vmsim run: --json /dev/full: No space left on device
? 1

# A swap file that cannot be made at its size says why (here the file-size
# limit of the shell; --swap 16T on a file system with a smaller limit).
$ (trap '' XFSZ; ulimit -f 1024; TMPDIR=/tmp "$VMSIM" run --swap 16M ../data/trace-tiny.lackey)
2>
vmsim run: cannot build the machine: the swap file of 16 MiB in '/tmp': File too large
? 1

# Outputs that could not cover the whole run are refused, with the reason.
$ vmsim run tour --json r.json
2>
vmsim run: --json: the MMU tour builds several small machines of its own and has no one report; give a scenario, a trace or --gen instead
? 2

$ vmsim run tour --check
2>
vmsim run: --check: the MMU tour builds several small machines of its own and has no one report; give a scenario, a trace or --gen instead
? 2

$ vmsim run --plot p
2>
vmsim run: --plot: the built-in default is several runs (two traces and the MMU tour); name one workload: a trace, a scenario or --gen
? 2

$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.vmt --csv r.csv
2>
vmsim run: --csv: several traces at once are not sampled as a time series (the scheduler runs them); --json covers the whole run
? 2

# CSV rows exactly every --every accesses (they used to come 131,072 and
# 65,536 accesses apart for 100,000): the last row is the end of the run.
$ vmsim run ../../data/sort.vmt --csv - --every 100000 --quiet | sed 1d | cut -d, -f3 | uniq -c | sed 's/^ *//'
48 100000
1 34472
? 0

# ... also when a read-modify-write makes two accesses at once.
$ vmsim run --gen "rmw seq" --size 1M --csv - --every 101 --quiet | awk -F, 'NR > 1 && $2 % 101 != 0 { print $1, $2 }'
5 512
? 0

# --check says that it ran and what it checked.
$ vmsim run ../data/trace-tiny.lackey --quiet --check | tail -1
check: every invariant held at the end of the run: frames conserved (free + page tables + user + kernel = total), each frame's map and reference counts equal to the PTEs that map it, every present PTE inside a VMA and within its rights, no TLB or paging-structure cache entry without its PTE
? 0

$ vmsim run s01-virtual-physical --quiet --check | grep '^check:' | cut -c1-60
check: every invariant held at every reset and at the end: f
? 0
