# Bad machine sizes on the command line (docs/BAD_INPUT.md): units, numbers
# that overflow 64 bits, a RAM of 0 or beyond what vmsim simulates, and a
# swap file that cannot be created. Never a signal.

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 1P
2>
vmsim run: --ram: unknown unit 'P' in '1P' (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes)
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 16777216T
2>
vmsim run: --ram: '16777216T' does not fit in 64 bits
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --swap 0x1ffffffffffffffff
2>
vmsim run: --swap: '0x1ffffffffffffffff' does not fit in 64 bits
? 2

$ vmsim replay ../data/trace-tiny.lackey --ram 16777216T
2>
vmsim replay: --ram: '16777216T' does not fit in 64 bits
? 2


# RAM of 0 bytes, of one byte past a page, and of 512 TiB (> 2^48): the
# machine refuses to build.
$ vmsim run ../data/trace-tiny.lackey --quiet --ram 0
2>
vmsim run: --ram: expected a size of at least 256K, found '0'
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 4097
2>
vmsim run: --ram: expected a size of at least 256K, found '4097'
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 512T
2>
vmsim run: cannot build the machine: RAM must be below 16 TiB (2^32 frames)
? 1

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 1T
2>
vmsim run: cannot build the machine: RAM must fit the CPU's 39-bit physical addresses (at most 512 GiB with --cpu skylake; zen4 has 48 bits)
? 1

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 16T --cpu zen4
2>
vmsim run: cannot build the machine: RAM must be below 16 TiB (2^32 frames)
? 1

$ vmsim run ../data/trace-tiny.lackey --quiet --swap 0x1000000000000000
2>
vmsim run: cannot build the machine: swap must be at most 16 TiB (2^32 slots)
? 1

$ vmsim replay ../data/trace-tiny.lackey --ram 0
2>
vmsim replay: --ram: expected a size of at least 256K, found '0'
? 2


# The swap file goes to $TMPDIR (the C API's swap_path; the command line
# has no option for it): a missing directory fails to build the machine.
$ TMPDIR=/nonexistent/dir $VMSIM run ../data/trace-tiny.lackey --quiet
2>
vmsim run: cannot build the machine: cannot create the swap file in '/nonexistent/dir': no such writable directory
? 1

$ TMPDIR=/nonexistent/dir $VMSIM run ../data/trace-tiny.lackey --quiet --swap 0 | sed -n 1p
machine: RAM 1 GiB, swap 0 B, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0


# Reference strings: empty input, a directory.
$ vmsim paging /dev/null
policy  frames  references  hits  misses  hit ratio  compulsory
lru          3           0     0       0          -           0
? 0

$ vmsim paging ../data
2>
vmsim paging: ../data: read error: Is a directory
? 1

$ vmsim paging --frames 99999999999999999999 ../data/belady.txt
2>
vmsim paging: --frames '99999999999999999999': does not fit in 64 bits
? 2

