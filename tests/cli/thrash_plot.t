# vmsim thrash --plot DIR: the thrashing curve, CPU utilisation (left axis)
# and major faults per second (right axis) against N, with N*W = M marked,
# in DIR/thrash.png and DIR/thrash.svg, drawn by gnuplot from
# DIR/thrash.gp. tests/unit/test_plot.c checks the images themselves.

# The plots themselves (gnuplot installed): plots_gnuplot.t.

# gnuplot missing: the table is printed as usual, then the message, status 1.
$ VMSIM_GNUPLOT=/nonexistent/gnuplot "$VMSIM" thrash --csv --nmax 1 --duration 100 --plot plots-not-drawn; rc=$?; test -e plots-not-drawn || echo "no directory created"; exit $rc
n,load,utilisation,faults_per_second,faults_per_access,device_busy,slowest,paging_wait,wss_pages,accesses,thrashing,warmup_s,measured_s,under_measured
1,0.1250,0.0954,0.0,0.000000,0.0000,1.0000,0.0000,128,2000,0,0.02,0.1,0
no directory created
2>
vmsim thrash: --plot plots-not-drawn: plots need gnuplot, and '/nonexistent/gnuplot' was not found (install gnuplot-nox, or set VMSIM_GNUPLOT); no plot was drawn, the other outputs are written as usual
? 1
