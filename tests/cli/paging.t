# vmsim paging: replacement policies over a reference string with N frames.
# The expected counts are the hand-worked ones of tests/unit/test_policy.c.

# Belady's anomaly: FIFO faults 9 times with 3 frames, 10 with 4.
$ vmsim paging --policy fifo --frames 3,4 ../data/belady.txt
policy  frames  references  hits  misses  hit ratio  compulsory
fifo         3          12     3       9     25.00%           5
fifo         4          12     2      10     16.67%           5
? 0

# The whole curve: A-B is a range of frame counts.
$ vmsim paging --policy fifo --frames 1-6 ../data/belady.txt
policy  frames  references  hits  misses  hit ratio  compulsory
fifo         1          12     0      12      0.00%           5
fifo         2          12     0      12      0.00%           5
fifo         3          12     3       9     25.00%           5
fifo         4          12     2      10     16.67%           5
fifo         5          12     7       5     58.33%           5
fifo         6          12     7       5     58.33%           5
? 0

# OPT and LRU on the same string (3 frames: 7 and 10 faults); LRU has no anomaly.
$ vmsim paging --policy opt,lru --frames 3,4 ../data/belady.txt
policy  frames  references  hits  misses  hit ratio  compulsory
opt          3          12     5       7     41.67%           5
opt          4          12     6       6     50.00%           5
lru          3          12     2      10     16.67%           5
lru          4          12     4       8     33.33%           5
? 0

# The textbook string, 3 frames: FIFO 15, LRU 12, OPT 9; both clocks.
$ vmsim paging --policy fifo,lru,opt,clock,clock-fifo ../data/textbook.txt
policy      frames  references  hits  misses  hit ratio  compulsory
fifo             3          20     5      15     25.00%           6
lru              3          20     8      12     40.00%           6
opt              3          20    11       9     55.00%           6
clock            3          20     6      14     30.00%           6
clock-fifo       3          20     9      11     45.00%           6
? 0

# --trace: one line per reference, frames in frame-number order.
$ vmsim paging --policy fifo --trace ../data/belady.txt
fifo, 3 frames
ref  page  result     evicted  frames
  1     1  cold miss        -  [1 - -]
  2     2  cold miss        -  [1 2 -]
  3     3  cold miss        -  [1 2 3]
  4     4  cold miss        1  [4 2 3]
  5     1  miss             2  [4 1 3]
  6     2  miss             3  [4 1 2]
  7     5  cold miss        4  [5 1 2]
  8     1  hit              -  [5 1 2]
  9     2  hit              -  [5 1 2]
 10     3  miss             1  [5 3 2]
 11     4  miss             2  [5 3 4]
 12     5  hit              -  [5 3 4]

policy  frames  references  hits  misses  hit ratio  compulsory
fifo         3          12     3       9     25.00%           5
? 0

# The working set frees pages that leave the window; its mean resident set
# is shown. tau is printed under the table.
$ printf '1\n2\n1\n3\n1\n2\n2\n' | $VMSIM paging --policy ws --tau 2 --frames 5 --trace -
ws, 5 frames
ref  page  result     evicted  frames
  1     1  cold miss        -  [1 - - - -]
  2     2  cold miss        -  [1 2 - - -]
  3     1  hit              -  [1 2 - - -]
  4     3  cold miss        -  [1 2 3 - -]
  5     1  hit              -  [1 - 3 - -]  left the working set: 2
  6     2  miss             -  [1 2 3 - -]
  7     2  hit              -  [1 2 - - -]  left the working set: 3

policy  frames  references  hits  misses  hit ratio  compulsory  mean resident
ws           5           7     3       4     42.86%           3           2.14
tau: 2 references (ws, wsclock)
? 0

# The seed of random is printed; the same seed gives the same run.
$ vmsim paging --policy random --seed 7 ../data/textbook.txt
policy  frames  references  hits  misses  hit ratio  compulsory
random       3          20     8      12     40.00%           6
seed: 7 (random)
? 0

# Standard input, several numbers per line, hex, comments.
$ printf '1 2 0x3, 1  # comment\n\n4\n' | $VMSIM paging --policy lru,opt --frames 2 -
policy  frames  references  hits  misses  hit ratio  compulsory
lru          2           5     0       5      0.00%           4
opt          2           5     1       4     20.00%           4
? 0

# Raw little-endian uint64 (detected: NUL bytes): pages 1, 2, 1.
$ printf '\001\000\000\000\000\000\000\000\002\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000' | $VMSIM paging --frames 1,2 -
policy  frames  references  hits  misses  hit ratio  compulsory
lru          1           3     0       3      0.00%           2
lru          2           3     1       2     33.33%           2
? 0

$ vmsim paging --list
fifo        first in, first out: evict the page loaded earliest; hits change nothing
lru         least recently used: evict the page whose last use is the oldest (exact)
opt         Belady's MIN: evict the page next used farthest in the future (needs the whole stream)
clock       second chance: a hand sweeps frames in load order; a loaded page starts referenced
clock-fifo  FIFO with reinsertion (libCacheSim's Clock): as clock, but a loaded page starts unreferenced
random      evict a resident page chosen uniformly at random (seeded with --seed)
mru         most recently used: evict the page whose last use is the newest
lfu         evict the page with the fewest references since it was loaded; ties to the least recent
linux       Linux-style active/inactive lists: promote on the second reference, evict from inactive
ws          Denning's working set: keep the pages used in the last tau references; when full, LRU
wsclock     WSClock: the hand evicts the first unreferenced page idle over tau references, else the oldest
? 0

$ vmsim paging --help | sed -n 1,4p
usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]
                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]
                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-
       vmsim paging --list
? 0

# LRU is a stack algorithm: several frame counts (or --mrc) come from one
# pass over the references (stack distances). --mrc alone gives every count
# from 1 to the distinct pages; the counts equal single runs exactly.
$ vmsim paging --mrc ../data/textbook.txt
policy  frames  references  hits  misses  hit ratio  compulsory
lru          1          20     0      20      0.00%           6
lru          2          20     3      17     15.00%           6
lru          3          20     8      12     40.00%           6
lru          4          20    12       8     60.00%           6
lru          5          20    13       7     65.00%           6
lru          6          20    14       6     70.00%           6
? 0

$ for f in 1 2 3 4 5 6; do "$VMSIM" paging --frames $f ../data/textbook.txt | sed -n 2p; done
lru          1          20     0      20      0.00%           6
lru          2          20     3      17     15.00%           6
lru          3          20     8      12     40.00%           6
lru          4          20    12       8     60.00%           6
lru          5          20    13       7     65.00%           6
lru          6          20    14       6     70.00%           6
? 0

# The curve and single runs agree on a longer string too (every count 1-300).
$ awk 'BEGIN { s = 1; for (i = 0; i < 20000; i++) { s = (s * 1103515245 + 12345) % 2147483648; print int(s / 65536) % (i % 7 == 0 ? 400 : 60) } }' >/tmp/vmsim-mrc-$$.txt && "$VMSIM" paging --frames 1-300 /tmp/vmsim-mrc-$$.txt | sed 1d | tr -s ' ' >/tmp/vmsim-mrc-$$.curve && for f in $(seq 1 300); do "$VMSIM" paging --policy lru,fifo --frames $f /tmp/vmsim-mrc-$$.txt | sed -n 2p | tr -s ' '; done >/tmp/vmsim-mrc-$$.runs && cmp /tmp/vmsim-mrc-$$.curve /tmp/vmsim-mrc-$$.runs && echo same; rm -f /tmp/vmsim-mrc-$$.*
same
? 0

# OPT is a stack algorithm too (priority: the next use): --mrc and several
# counts come from one pass, equal to single OPT runs at every count.
$ vmsim paging --mrc --policy opt ../data/textbook.txt
policy  frames  references  hits  misses  hit ratio  compulsory
opt          1          20     0      20      0.00%           6
opt          2          20     7      13     35.00%           6
opt          3          20    11       9     55.00%           6
opt          4          20    12       8     60.00%           6
opt          5          20    13       7     65.00%           6
opt          6          20    14       6     70.00%           6
? 0

$ awk 'BEGIN { s = 5; for (i = 0; i < 20000; i++) { s = (s * 1103515245 + 12345) % 2147483648; print int(s / 65536) % (i % 5 == 0 ? 500 : 80) } }' >/tmp/vmsim-opt-$$.txt && "$VMSIM" paging --policy opt --frames 1-250 /tmp/vmsim-opt-$$.txt | sed 1d | tr -s ' ' >/tmp/vmsim-opt-$$.curve && for f in $(seq 1 250); do "$VMSIM" paging --policy opt,fifo --frames $f /tmp/vmsim-opt-$$.txt | sed -n 2p | tr -s ' '; done >/tmp/vmsim-opt-$$.runs && cmp /tmp/vmsim-opt-$$.curve /tmp/vmsim-opt-$$.runs && echo same; rm -f /tmp/vmsim-opt-$$.*
same
? 0

# --sample: a SHARDS estimate from a fraction of the pages, marked as such.
$ vmsim paging --frames 2,6 --sample 0.5 ../data/textbook.txt | tail -1
lru: estimated from a 50% sample of the pages (SHARDS)
? 0

# Frames are allocated as they come into use: the documented maximum costs
# no more than 3 frames on a 5-page string, and behaves as that many frames.
$ vmsim paging --policy fifo,opt,ws --frames 4294967294 ../data/belady.txt
policy      frames  references  hits  misses  hit ratio  compulsory  mean resident
fifo    4294967294          12     7       5     58.33%           5           4.00
opt     4294967294          12     7       5     58.33%           5           4.00
ws      4294967294          12     7       5     58.33%           5           4.00
tau: the number of frames (ws, wsclock; --tau sets it)
? 0

# --trace lists the frames allocated so far; the others are counted.
$ vmsim paging --policy fifo --frames 1000000000 --trace ../data/belady.txt | sed -n 3p | sed 's/ - - .* - (/ ... (/'
  1     1  cold miss        -  [1 ... (999998976 more empty)]
? 0

# Any trace is a reference string: the pages of its loads and stores (vmsim
# traces are recognised; --fetch adds instruction fetches).
$ vmsim paging --frames 8,64 ../data/trace-tiny.vmt
policy  frames  references  hits  misses  hit ratio  compulsory
lru          8           7     2       5     28.57%           5
lru         64           7     2       5     28.57%           5
? 0

$ vmsim paging --fetch --frames 8 ../data/trace-tiny.vmt
policy  frames  references  hits  misses  hit ratio  compulsory
lru          8          14     7       7     50.00%           7
? 0

$ vmsim paging --format lackey ../data/trace-tiny.lackey
policy  frames  references  hits  misses  hit ratio  compulsory
lru          3           7     2       5     28.57%           5
? 0
