# Machine settings and sizes: one table (src/os/settings.c) and one size
# parser behind every command. 64M is 64 MiB and 64MB 64,000,000 bytes
# (61.0 MiB) for a trace, a scenario, a generated run, replay, paging,
# thrash and a sweep spec alike.

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 64MB | sed -n 1p
machine: RAM 61.0 MiB, swap 1 GiB, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0

$ vmsim run ../data/trace-tiny.lackey --quiet --ram=64MiB --swap 0.5G | sed -n 1p
machine: RAM 64 MiB, swap 512 MiB, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0

$ d=$(mktemp -d); printf 'machine ram=64MB\nshow machine\n' > $d/m.vms; $VMSIM run $d/m.vms --quiet; rm -r $d
machine: RAM 61.0 MiB, swap 1 GiB, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0

# The command line's settings come after the scenario's.
$ d=$(mktemp -d); printf 'machine ram=64MB data=on\nshow machine\n' > $d/m.vms; $VMSIM run $d/m.vms --quiet --ram 64m --data=off; rm -r $d
machine: RAM 64 MiB, swap 1 GiB, cpu skylake, 4-level paging, THP madvise, policy clock, data mode off, seed 1
? 0

# (the area of 64KB = 64,000 bytes is rounded up to pages: 64 KiB)
$ vmsim run --gen seq --size 64KB --ram 1MB --quiet | awk 'NR == 2 { print $2, $4, $5 }'
P 64 KiB
? 0

# On/off settings: a flag, --no-FLAG, or a value after '='; the value is
# read, not ignored.
$ d=$(mktemp -d); $VMSIM run ../data/trace-tiny.lackey --quiet --no-pwc --data --json $d/a.json >/dev/null && grep -c '"pwc": false\|"data_mode": true' $d/a.json; rm -r $d
2
? 0

$ d=$(mktemp -d); $VMSIM run ../data/trace-tiny.lackey --quiet --pwc=on --data=off --json $d/a.json >/dev/null && grep -c '"pwc": true\|"data_mode": false' $d/a.json; rm -r $d
2
? 0

$ d=$(mktemp -d); $VMSIM run ../data/trace-tiny.lackey --quiet --cpu seed --levels 5 --thp never --tau 500 --major-fault hdd --json $d/a.json >/dev/null && grep -c '"levels": 5\|"thp": "never"' $d/a.json; rm -r $d
2
? 0

$ vmsim run ../data/trace-tiny.lackey --quiet --data=maybe
2>
vmsim run: --data: expected on or off, found 'maybe'
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 64Q
2>
vmsim run: --ram: unknown unit 'Q' in '64Q' (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes)
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --ram 1.3K
2>
vmsim run: --ram: expected a size such as 64M or 1G, found '1.3K'
? 2

$ vmsim run ../data/trace-tiny.lackey --quiet --levels
2>
vmsim run: option '--levels' needs a value (see 'vmsim run --help')
? 2

# replay reads the same options and sizes.
$ vmsim replay ../data/trace-tiny.lackey --ram 64MB --no-pwc --levels 5 | sed -n 2p
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
? 0

$ vmsim replay ../data/trace-tiny.lackey --ram 64QB
2>
vmsim replay: --ram: unknown unit 'QB' in '64QB' (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes)
? 2

# Page sizes: 4KiB is 4 KiB; 4KB (4,000 bytes) is no page size.
$ vmsim paging --page-size 4KiB --frames 3 ../data/belady.txt | sed -n 2p
lru          3          12     2      10     16.67%           5
? 0

$ vmsim paging --page-size 4KB ../data/belady.txt
2>
vmsim paging: --page-size '4KB': expected a power of two up to 1T
? 2

$ vmsim translate 0x7ffd12345678 --page-size 2MiB | sed -n 1p
address      0x00007ffd12345678 (140724908873336)
? 0

# A sweep spec's sizes.
$ d=$(mktemp -d); printf 'axis ram = 64M 64MB\nworkload gen 1M seq\nmetric system.faults.minor\n' > $d/t.sweep; $VMSIM sweep $d/t.sweep --list; rm -r $d
0 workload=seq-1M ram=64M rep=0
1 workload=seq-1M ram=64MB rep=0
? 0

$ d=$(mktemp -d); printf 'axis ram = 64Q\nworkload gen 1M seq\nmetric system.faults.minor\n' > $d/t.sweep; $VMSIM sweep $d/t.sweep --list 2>&1 | sed "s|$d/||"; rm -r $d
vmsim sweep: t.sweep:1:12: axis ram: value '64Q' rejected: unknown unit 'Q' in '64Q' (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes)
? 0

# Every setting of the table is an option of run and replay.
$ vmsim run --help | grep -c -- '--ram SIZE\|--no-pwc\|--major-fault TIME|DEVICE\|--check-every-event, --no-check-every-event\|--hugetlb-2m N'
5
? 0

$ vmsim replay --help | grep -c -- '--ram SIZE\|--no-pwc\|--levels 4|5\|--thp never|madvise|always\|--seed N'
5
? 0
