# vmsim paging --plot DIR: miss-ratio curves (misses against frames, one
# line per policy) in DIR/mrc.png and DIR/mrc.svg, drawn by gnuplot from
# DIR/mrc.gp. tests/unit/test_plot.c checks the images themselves.

# The plots themselves (gnuplot installed) are checked by plots_gnuplot.t,
# which CTest reports as skipped where gnuplot is absent.

# gnuplot missing (VMSIM_GNUPLOT names a program that is not there): the
# table is printed as usual, then the message; no directory is created.
$ VMSIM_GNUPLOT=/nonexistent/gnuplot "$VMSIM" paging --policy fifo --frames 3,4 --plot plots-not-drawn ../data/belady.txt; rc=$?; test -e plots-not-drawn || echo "no directory created"; exit $rc
policy  frames  references  hits  misses  hit ratio  compulsory
fifo         3          12     3       9     25.00%           5
fifo         4          12     2      10     16.67%           5
no directory created
2>
vmsim paging: --plot plots-not-drawn: plots need gnuplot, and '/nonexistent/gnuplot' was not found (install gnuplot-nox, or set VMSIM_GNUPLOT); no plot was drawn, the other outputs are written as usual
? 1

# --plot needs a value.
$ vmsim paging ../data/belady.txt --plot
2>
vmsim paging: option '--plot' needs a value
usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]
                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]
                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-
       vmsim paging --list
? 2

# --log-x sets the axis of --plot only.
$ vmsim paging --log-x ../data/belady.txt
2>
vmsim paging: --log-x sets the axis of --plot: give --plot DIR too
? 2
