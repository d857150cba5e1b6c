# Plots drawn by gnuplot, for vmsim paging, thrash and sweep --plot: the
# image files exist, the script holds the data and the titles, the output
# names the files. Skipped (exit status 77) where gnuplot is not installed;
# the cases without gnuplot are in paging_plot.t, thrash_plot.t and sweep.t,
# and tests/unit/test_plot.c checks the images themselves.
# requires: gnuplot

# vmsim paging --plot: the table, then one line naming the files, and the
# script has a line per policy.
$ d=$(mktemp -d) && "$VMSIM" paging --policy fifo,lru,opt --frames 6,1-5 --plot "$d/plots" ../data/belady.txt >"$d/out" 2>"$d/err"; rc=$?; [ $rc -eq 0 ] && [ -s "$d/plots/mrc.png" ] && [ -s "$d/plots/mrc.svg" ] && grep -q "title 'fifo'" "$d/plots/mrc.gp" && grep -q "title 'opt'" "$d/plots/mrc.gp" && grep -q "Miss-ratio curves: belady.txt, 12 references" "$d/plots/mrc.gp" && grep -qx "plots written to $d/plots/: mrc.png mrc.svg (script mrc.gp)" "$d/out" && [ ! -s "$d/err" ] && echo ok; rm -rf "$d"
ok
? 0

# The frame counts are drawn in ascending order, each once: 6,1-5,3 gives
# the rows 1 to 6 of the datablock.
$ d=$(mktemp -d) && "$VMSIM" paging --policy fifo --frames 6,1-5,3 --plot "$d" ../data/belady.txt >/dev/null 2>&1 && sed -n '/^\$mrc << EOD/,/^EOD/p' "$d/mrc.gp"; rm -rf "$d"
$mrc << EOD
# frames fifo
1 12
2 12
3 9
4 10
5 5
6 5
EOD
? 0

# vmsim thrash --plot: the table, then one line naming the files; the
# script has the points and the N*W = M mark (M/W = 1024/128 = 8).
$ d=$(mktemp -d) && "$VMSIM" thrash --nmax 3 --duration 100 --plot "$d/plots" >"$d/out" 2>"$d/err"; rc=$?; [ $rc -eq 0 ] && [ -s "$d/plots/thrash.png" ] && [ -s "$d/plots/thrash.svg" ] && grep -q "N\*W = M (N = 8.0)" "$d/plots/thrash.gp" && grep -q "^3 " "$d/plots/thrash.gp" && grep -q "M = 1024 frames (4096 KiB), W = 128 pages per process" "$d/plots/thrash.gp" && grep -qx "plots written to $d/plots/: thrash.png thrash.svg (script thrash.gp)" "$d/out" && [ ! -s "$d/err" ] && echo ok; rm -rf "$d"
ok
? 0

# vmsim sweep --plot: a metric against one axis, one line per value of
# another (the rest averaged).
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" --plot majors:frames:policy --plot minors:workload >"$d/out" 2>"$d/err"; rc=$?; [ $rc -eq 0 ] && [ -s "$d/r/plot-majors-by-frames-policy.png" ] && [ -s "$d/r/plot-majors-by-frames-policy.svg" ] && [ -s "$d/r/plot-minors-by-workload.svg" ] && grep -q "majors by frames and policy (mean over workload)" "$d/r/plot-majors-by-frames-policy.gp" && grep -qx "plot: $d/r/plot-majors-by-frames-policy.png, $d/r/plot-majors-by-frames-policy.svg" "$d/out" && [ ! -s "$d/err" ] && echo ok; rm -rf "$d"
ok
? 0

# paging --plot at any scale: --log-x puts the frames on a log-2 axis, and
# one tic per frame is set only for a range of at most 24 frames (at
# 16,384 frames gnuplot chooses the tics).
$ d=$(mktemp -d) && "$VMSIM" paging --policy fifo,lru --frames 1-100 --log-x --plot "$d" ../data/belady.txt >/dev/null && grep -c "^set logscale x 2$" "$d/mrc.gp"; "$VMSIM" paging --policy fifo --frames 1,16384 --plot "$d" ../data/belady.txt >/dev/null && grep -c "xtics 1" "$d/mrc.gp"; "$VMSIM" paging --policy fifo --frames 6,1-5 --plot "$d" ../data/belady.txt >/dev/null && grep -c "xtics 1" "$d/mrc.gp"; rm -rf "$d"
2
0
2
? 0

# vmsim run --plot: the RSS lines are named as the text report names the
# processes (A and B of ex09), with their pids.
$ d=$(mktemp -d) && "$VMSIM" run ex09-shared-dataset --quiet --plot "$d" >/dev/null && grep -o "title '[AB] (pid [0-9])'" "$d/series.gp" | sort -u; rm -rf "$d"
title 'A (pid 1)'
title 'B (pid 2)'
? 0

# thrash --plot at any scale: --log-x puts N on a log-2 axis, and one tic
# per N is set only up to 32 processes.
$ d=$(mktemp -d) && "$VMSIM" thrash --nmax 40 --duration 100 --log-x --plot "$d" >/dev/null 2>&1 && grep -c "^set logscale x 2$" "$d/thrash.gp"; "$VMSIM" thrash --nmax 40 --duration 100 --plot "$d" >/dev/null 2>&1 && grep -c "xtics 1" "$d/thrash.gp"; "$VMSIM" thrash --nmax 4 --duration 100 --plot "$d" >/dev/null && grep -c "xtics 1" "$d/thrash.gp"; rm -rf "$d"
2
0
2
? 0
