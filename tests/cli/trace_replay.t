# vmsim replay on tests/data/trace-tiny.lackey: 6 fetches, 3 loads, 4 stores
# (M = load then store) over three 2 MiB chunks:
#
#   0x400000-0x5fffff  code 0x401000.., one fetch crossing into 0x402000
#   0x600000-0x7fffff  heap 0x602000, 0x603000, 0x604000   (adjacent: one VMA)
#   0x7ffd12200000-..  stack 0x7ffd12344000, 0x7ffd12345000
#
# Faults: one per page touched (7 pages), plus one write after a read on
# 0x602000 and 0x603000 (the read mapped the shared zero page): 9 minor.
# Resident: the 4 written pages (the zero page is not counted).

$ vmsim replay ../data/trace-tiny.lackey
trace       ../data/trace-tiny.lackey (lackey, plain)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
processes   1
vmas        2 inferred (3 chunks of 2 MiB)
faults      9 minor, 0 major, 0 invalid
memory      rss 16.0 KiB, vms 6.0 MiB, page tables 36.0 KiB of system frames (32.0 KiB of them the processes' own)
tlb L1I     5 hits, 4 misses (44.44% miss)
tlb L1D     2 hits, 12 misses (85.71% miss)
tlb L2      0 hits, 16 misses (100.00% miss)
page walks  18 (35 memory references)
? 0

# The same trace in vmsim's format (committed; made by vmsim convert).
$ vmsim replay ../data/trace-tiny.vmt
trace       ../data/trace-tiny.vmt (vmsim, plain, from lackey)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
processes   1
vmas        2 inferred (3 chunks of 2 MiB)
faults      9 minor, 0 major, 0 invalid
memory      rss 16.0 KiB, vms 6.0 MiB, page tables 36.0 KiB of system frames (32.0 KiB of them the processes' own)
tlb L1I     5 hits, 4 misses (44.44% miss)
tlb L1D     2 hits, 12 misses (85.71% miss)
tlb L2      0 hits, 16 misses (100.00% miss)
page walks  18 (35 memory references)
? 0

# Through a pipe, compressed: the compression and the format are detected.
$ gzip -c ../data/trace-tiny.lackey | $VMSIM replay -
trace       <stdin> (lackey, gzip)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
processes   1
vmas        2 inferred (3 chunks of 2 MiB)
faults      9 minor, 0 major, 0 invalid
memory      rss 16.0 KiB, vms 6.0 MiB, page tables 36.0 KiB of system frames (32.0 KiB of them the processes' own)
tlb L1I     5 hits, 4 misses (44.44% miss)
tlb L1D     2 hits, 12 misses (85.71% miss)
tlb L2      0 hits, 16 misses (100.00% miss)
page walks  18 (35 memory references)
? 0

$ xz -c ../data/trace-tiny.lackey | $VMSIM replay - | sed -n 1,2p
trace       <stdin> (lackey, xz)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
? 0

# The real VMAs from a /proc/PID/maps file instead of inference: the fetch
# at 0x401ffe runs past the end of the text (0x402000): SIGSEGV, counted as
# an invalid fault; [vsyscall] is above user space and skipped.
$ vmsim replay ../data/trace-tiny.lackey --maps ../data/trace-tiny.maps
trace       ../data/trace-tiny.lackey (lackey, plain)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
processes   1
vmas        3 from the maps file (1 skipped)
faults      8 minor, 0 major, 1 invalid
memory      rss 16.0 KiB, vms 28.0 KiB, page tables 36.0 KiB of system frames (32.0 KiB of them the processes' own)
tlb L1I     5 hits, 3 misses (37.50% miss)
tlb L1D     2 hits, 12 misses (85.71% miss)
tlb L2      0 hits, 15 misses (100.00% miss)
page walks  17 (34 memory references)
? 0

# A smaller machine: the seed's CPU (one 64-entry TLB), 16 MiB, no swap.
$ vmsim replay ../data/trace-tiny.lackey --cpu seed --ram 16M --swap 0 --policy lru
trace       ../data/trace-tiny.lackey (lackey, plain)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
processes   1
vmas        2 inferred (3 chunks of 2 MiB)
faults      9 minor, 0 major, 0 invalid
memory      rss 16.0 KiB, vms 6.0 MiB, page tables 36.0 KiB of system frames (32.0 KiB of them the processes' own)
tlb L1D     7 hits, 16 misses (69.57% miss)
page walks  18 (65 memory references)
? 0

# Stop early.
$ vmsim replay ../data/trace-tiny.lackey --max-records 4 | sed -n 1,2p
trace       ../data/trace-tiny.lackey (lackey, plain)
records     4: 4 accesses (2 fetches, 1 loads, 1 stores), 0 events
? 0

# A bundled real trace: matrix multiply in the bad loop order. Its L1 DTLB
# misses are what the good order (matmul-ikj) avoids.
$ vmsim replay ../../data/matmul-ijk.vmt | grep -E '^(records|tlb L1D)'
records     5961834: 5961834 accesses (4761891 fetches, 1083515 loads, 116428 stores), 0 events
tlb L1D     670232 hits, 529946 misses (44.16% miss)
? 0

$ vmsim replay ../../data/matmul-ikj.vmt | grep -E '^(records|tlb L1D)'
records     6453389: 6453389 accesses (4732223 fetches, 1084545 loads, 636621 stores), 0 events
tlb L1D     1719821 hits, 1580 misses (0.09% miss)
? 0
