# The progress bar: on standard error when it is a terminal (here a
# pseudo-terminal, tests/cli/pty_stderr.py), with the percentage, done of
# total, the rate and the ETA when the total is known (a trace file's
# bytes); never on standard output, never when standard error is not a
# terminal, never with --quiet or $VMSIM_NO_PROGRESS. VMSIM_PROGRESS_DELAY=0
# shows it from the first update instead of after a second.
# requires: python3

# A trace replayed from a file: the bar follows the bytes read of its
# 570.4 KiB; standard output gets the summary only (555 bytes, no carriage
# return). How many times it is redrawn depends on the machine's speed.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" replay ../../data/sort.vmt | awk '/^vmsim: \[[#-]+\] +[0-9.]+% [0-9.]+ [KM]?i?B\/570.4 KiB [0-9.,KMG]+ accesses [0-9.,KMG]+\/s ETA [0-9]+:[0-9][0-9]$/ { bars++; next } { print } END { print (bars > 0 ? "bar drawn" : "no bar") }'
stdout: 555 bytes, 0 carriage returns
status: 0
bar drawn
? 0

# vmsim run of a trace: the same bar, then the report on standard output.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" run ../../data/sort.vmt | grep -c '^vmsim: \[.*/570.4 KiB .* accesses .*/s ETA ' | sed 's/^[1-9][0-9]*$/bar drawn/'
bar drawn
? 0

# --quiet and VMSIM_NO_PROGRESS: the terminal shows nothing.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" replay ../../data/sort.vmt --quiet
stdout: 555 bytes, 0 carriage returns
status: 0
? 0

$ VMSIM_NO_PROGRESS=1 VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" replay ../../data/sort.vmt
stdout: 555 bytes, 0 carriage returns
status: 0
? 0

# Standard error not a terminal: nothing is drawn.
$ VMSIM_PROGRESS_DELAY=0 "$VMSIM" replay ../../data/sort.vmt 2>&1 >/dev/null | wc -c
0
? 0

# A scenario with its print lines on the same terminal: the bar is erased
# before each line, so no line is glued onto it (every "vmsim:" piece is a
# whole bar), and the print lines stand alone.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py --both "$VMSIM" run s08-swap-thrashing | awk '/vmsim: / { if ($0 ~ /^vmsim: [0-9.,KMG]+ accesses  [0-9.,KMG]+\/s  [0-9]+:[0-9][0-9] elapsed$/) bars++; else glued++; next } /^A and B take turns|^Once C exits/ { prints++ } END { print (bars > 0 ? "bars drawn" : "no bar"), glued + 0, "glued", (prints > 0 ? "print lines alone" : "no print line") }'
bars drawn 0 glued print lines alone
? 0

# vmsim paging: with a policy that needs the whole string (opt) every run
# reads it all, so the total is known: references of all runs (here three
# feeds of the 589,824 data references of sort.vmt: the opt curve and
# the two runs, the rate left out here); read as it streams, the bar
# follows the file. The table goes to standard output alone.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" paging --policy opt,fifo --frames 8 ../../data/sort.vmt | sed -n 1p | sed 's/  [0-9.,KMG]*\/s  ETA .*$//'
vmsim: [----------]   4.5%  65,536/1.46M references
? 0

$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" paging --policy fifo --frames 8 ../../data/sort.vmt | grep -c '^vmsim: \[.*/570.4 KiB [0-9,.KM]* references .*/s ETA ' | sed 's/^[1-9][0-9]*$/bar drawn/'
bar drawn
? 0

$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" paging --policy opt,fifo --frames 8 --quiet ../../data/sort.vmt | grep -c '^vmsim:'
0
? 1

# vmsim thrash: the processes simulated, 1 + 2 + ... + NMAX (the cost of
# point N grows with N), drawn first at 0.
$ VMSIM_PROGRESS_DELAY=0 python3 pty_stderr.py "$VMSIM" thrash --nmax 8 --duration 100 --csv | sed -n 1p
vmsim: [--------------------]   0.0%  0/36 process runs  0/s  ETA ?
? 0
