# vmsim run with several traces: each is a process of one machine, and the
# CPU scheduler interleaves them in slices of --slice accesses. The tiny
# trace twice (13 accesses each, 9 minor faults each): in slices of 4
# accesses, 4 slices each, 8 switches of the CPU.

$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.vmt --slice 4 --quiet | sed -n '3,7p'
2 traces at once: round-robin slices of 4 accesses, a major fault blocks its trace
trace               procs   accesses        cpu     paging    waiting events  vmas
trace-tiny.lackey       1         13    10.2 us        0 s     8.6 us      0  2 inferred
trace-tiny.vmt          1         13    10.2 us        0 s    10.2 us      0  2 inferred
scheduler          wall 20.4 us, CPU busy 100.0%, 0 major faults, paging device busy 0.0%, 8 context switches
? 0

# Each process is named by its trace (in both tables); the same file twice
# gets #N. The fault table counts accesses after splitting at pages (14).
$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.lackey --quiet | grep -c 'trace-tiny.lackey#[12] .*alive'
4
? 0

$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.vmt --quiet | grep -A2 '^  pid process    state         minor'
  pid process    state         minor      major   accesses    invalid  zero-page   COW copy  COW reuse    swap-in  swapcache shootdowns  OOM    SIGSEGV
    1 trace-tiny.lackey alive             9          0         14          0          5          0          0          0          0          2   no          0
    2 trace-tiny.vmt alive             9          0         14          0          5          0          0          0          0          2   no          0

? 0

$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.vmt --quiet --json - | grep -c '"schema": "vmsim-report"'
1
? 0

$ vmsim run ../data/trace-tiny.lackey tour
2>
vmsim run: several workloads must all be traces: 'tour' is not one
? 2

$ vmsim run ../data/trace-tiny.lackey nosuch.vmt
2>
vmsim run: 'nosuch.vmt': no such trace file
? 2

$ vmsim run ../data/trace-tiny.lackey -
2>
vmsim run: several traces: standard input is not one of them
? 2

$ vmsim run ../data/trace-tiny.lackey ../data/trace-tiny.vmt --slice 0
2>
vmsim run: --slice: expected a count above 0
? 2

$ vmsim run ../data/trace-tiny.lackey ../data/trace-bad.lackey --quiet
2>
vmsim run: ../data/trace-bad.lackey:3:8: expected 8 to 16 hexadecimal digits in the address, found 'q'
? 1
