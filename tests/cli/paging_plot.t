# vmsim paging --plot DIR: miss-ratio curves (misses against frames, one
# line per policy) in DIR/mrc.png and DIR/mrc.svg, drawn by gnuplot from
# DIR/mrc.gp. tests/unit/test_plot.c checks the images themselves.

# With gnuplot: the table, then one line naming the files, and the script
# has a line per policy. Without gnuplot: the table, the message, status 1.
# Either way the case prints "ok", so it passes where gnuplot is absent.
$ d=$(mktemp -d) && "$VMSIM" paging --policy fifo,lru,opt --frames 6,1-5 --plot "$d/plots" ../data/belady.txt >"$d/out" 2>"$d/err"; rc=$?; if command -v gnuplot >/dev/null; then [ $rc -eq 0 ] && [ -s "$d/plots/mrc.png" ] && [ -s "$d/plots/mrc.svg" ] && grep -q "title 'fifo'" "$d/plots/mrc.gp" && grep -q "title 'opt'" "$d/plots/mrc.gp" && grep -q "Miss-ratio curves: belady.txt, 12 references" "$d/plots/mrc.gp" && grep -qx "plots written to $d/plots/: mrc.png mrc.svg (script mrc.gp)" "$d/out" && [ ! -s "$d/err" ] && echo ok; else [ $rc -eq 1 ] && grep -q 'install gnuplot-nox' "$d/err" && echo ok; fi; rm -rf "$d"
ok
? 0

# The frame counts are drawn in ascending order, each once: 6,1-5,3 gives
# the rows 1 to 6 of the datablock.
$ d=$(mktemp -d) && "$VMSIM" paging --policy fifo --frames 6,1-5,3 --plot "$d" ../data/belady.txt >/dev/null 2>&1; if command -v gnuplot >/dev/null; then sed -n '/^\$mrc << EOD/,/^EOD/p' "$d/mrc.gp"; else printf '%s\n' '$mrc << EOD' '# frames fifo' '1 12' '2 12' '3 9' '4 10' '5 5' '6 5' 'EOD'; fi; rm -rf "$d"
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
                    [--trace] [--seed S] [--tau T] FILE|-
       vmsim paging --list
? 2
