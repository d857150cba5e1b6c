# vmsim thrash --plot DIR: the thrashing curve, CPU utilisation (left axis)
# and major faults per second (right axis) against N, with N*W = M marked,
# in DIR/thrash.png and DIR/thrash.svg, drawn by gnuplot from
# DIR/thrash.gp. tests/unit/test_plot.c checks the images themselves.

# With gnuplot: the table, then one line naming the files; the script has
# the points and the N*W = M mark (M/W = 1024/128 = 8). Without gnuplot:
# the table, the message, status 1. Either way the case prints "ok".
$ d=$(mktemp -d) && "$VMSIM" thrash --nmax 3 --duration 100 --plot "$d/plots" >"$d/out" 2>"$d/err"; rc=$?; if command -v gnuplot >/dev/null; then [ $rc -eq 0 ] && [ -s "$d/plots/thrash.png" ] && [ -s "$d/plots/thrash.svg" ] && grep -q "N\*W = M (N = 8.0)" "$d/plots/thrash.gp" && grep -q "^3 " "$d/plots/thrash.gp" && grep -q "M = 1024 frames (4096 KiB), W = 128 pages per process" "$d/plots/thrash.gp" && grep -qx "plots written to $d/plots/: thrash.png thrash.svg (script thrash.gp)" "$d/out" && [ ! -s "$d/err" ] && echo ok; else [ $rc -eq 1 ] && grep -q 'install gnuplot-nox' "$d/err" && echo ok; fi; rm -rf "$d"
ok
? 0

# gnuplot missing: the table is printed as usual, then the message, status 1.
$ VMSIM_GNUPLOT=/nonexistent/gnuplot "$VMSIM" thrash --csv --nmax 1 --duration 100 --plot plots-not-drawn; rc=$?; test -e plots-not-drawn || echo "no directory created"; exit $rc
n,load,utilisation,faults_per_second,faults_per_access,device_busy,slowest,paging_wait,wss_pages,accesses,thrashing
1,0.1250,0.0954,0.0,0.000000,0.0000,1.0000,0.0000,128,2000,0
no directory created
2>
vmsim thrash: --plot plots-not-drawn: plots need gnuplot, and '/nonexistent/gnuplot' was not found (install gnuplot-nox, or set VMSIM_GNUPLOT); no plot was drawn, the other outputs are written as usual
? 1
