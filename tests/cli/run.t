# vmsim run: the default, scenarios, traces, and its errors.
# Outputs are deterministic (seeded machines), so whole lines are compared.

$ vmsim run --quiet | grep -A2 '^   loop order'
   loop order                                     accesses   faults L1D miss     walks refs/walk  est. time
   i-j-k: inner loop down a column of B               5.96M      326   44.16%       652      1.08    3.45 ms
   i-k-j: inner loop along rows                       6.45M      326    0.09%       652      1.08    2.38 ms
? 0

$ vmsim run tour | grep 'loop over'
   loop over  64 pages ( 256 KiB) x 10:   576 hits    64 misses  hit ratio  90.0%
   loop over  65 pages ( 260 KiB) x 10:     0 hits   650 misses  hit ratio   0.0%
? 0

$ vmsim run s01-virtual-physical --quiet | tail -1
s01-virtual-physical: 7 checks, 0 failed
? 0

$ vmsim run ../data/trace-tiny.lackey --quiet --check | sed -n 3p
VMAs inferred from the accesses: 2 (the trace carries none)
? 0

$ vmsim run ../data/trace-tiny.lackey --quiet --json - | grep -c '"schema": "vmsim-report"'
1
? 0

$ vmsim run --cpu nope tour
2>
vmsim run: --cpu: unknown CPU preset 'nope' (expected textbook, skylake, zen4)
? 2

$ vmsim run nosuch
2>
vmsim run: 'nosuch': no such built-in scenario or file (see 'vmsim scenarios')
? 2

$ vmsim run tour s01-virtual-physical
2>
vmsim run: several workloads must all be traces: 'tour' is not one
? 2

$ vmsim run --bogus
2>
vmsim run: unknown option '--bogus' (see 'vmsim run --help')
? 2

$ vmsim run tour --levels
2>
vmsim run: option '--levels' needs a value (see 'vmsim run --help')
? 2

$ vmsim run --record /bin/true
2>
vmsim run: --record: expected [-o FILE] -- PROG [ARGS...]
? 2

$ vmsim run --gen "write seq" --size 1M --quiet | sed -n 2p
    1 P          alive         1 MiB      1 MiB      1 MiB        0 B        0 B      1 MiB      1 MiB        0 B     16 KiB          1        0 B        0 B        0 B        0 B
? 0

$ vmsim run --gen "bogus"
2>
--gen:4:14: unknown word 'bogus' (expected read, write, exec, rw, rmw, a pattern: seq, loop, random, zipf, hotcold, phases, or KEY=VALUE)
? 2

# The reference tutorial's one-TLB CPU is --cpu textbook; its first name,
# seed, still works.
$ vmsim run ../data/trace-tiny.lackey --cpu seed --quiet | sed -n 1p | cut -d, -f3
 cpu textbook
? 0
