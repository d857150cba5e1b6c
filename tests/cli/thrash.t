# vmsim thrash: the thrashing curve as a table and as CSV, and bad usage
# (status 2). The runs stay below N*W = M, so their numbers come from the
# scheduler and the cost model alone; tests/unit/test_thrashing.c checks
# the collapse beyond it.

$ vmsim thrash --nmax 3 --duration 500
1024 frames (4096 KiB), W = 128 pages per process, policy clock, device ssd (100 us a read)
each process: 5 us of CPU per access, 100 ms of I/O every 4000 accesses; 0.1 s warm-up, 0.5 s measured per N, seed 1

   N   N*W/M   CPU util   faults/s  faults/access  device busy  slowest  paging wait  thrashing
   1    0.12      18.5%          0         0.0000         0.0%     1.00         0.0%  no
   2    0.25      35.1%          0         0.0000         0.0%     0.94         0.0%  no
   3    0.38      46.7%          0         0.0000         0.0%     0.87         0.0%  no

peak: N = 3 (N*W/M = 0.38), CPU utilisation 46.7%
? 0

$ vmsim thrash --csv --nmax 2 --duration 300 --device nvme --policy lru --seed 7
n,load,utilisation,faults_per_second,faults_per_access,device_busy,slowest,paging_wait,wss_pages,accesses,thrashing,warmup_s,measured_s,under_measured
1,0.1250,0.1762,0.0,0.000000,0.0000,1.0000,0.0000,128,10570,0,0.06,0.3,0
2,0.2500,0.3180,0.0,0.000000,0.0000,0.8915,0.0000,256,19070,0,0.06,0.3,0
? 0

$ vmsim thrash --wss 64 --nmax 2 --duration 200 --io-every 0
1024 frames (4096 KiB), W = 64 pages per process, policy clock, device ssd (100 us a read)
each process: 5 us of CPU per access; 0.04 s warm-up, 0.2 s measured per N, seed 1

   N   N*W/M   CPU util   faults/s  faults/access  device busy  slowest  paging wait  thrashing
   1    0.06     100.0%          0         0.0000         0.0%     1.00         0.0%  no
   2    0.12     100.0%          0         0.0000         0.0%     1.00         0.0%  no

peak: N = 1 (N*W/M = 0.06), CPU utilisation 100.0%
at N = 2 (N*W/M = 0.12): 100.0%, 0 major faults/s, paging device 0.0% busy
? 0

$ vmsim thrash --device floppy
2>
vmsim thrash: --device 'floppy': expected nvme, ssd or hdd
? 2

$ vmsim thrash --policy nope
2>
vmsim thrash: --policy: unknown replacement policy 'nope' (see vmsim paging --list)
? 2

$ vmsim thrash --policy opt --nmax 1
2>
vmsim thrash: cannot build a machine of 1024 frames with policy 'opt' (it needs the future)
? 2

$ vmsim thrash --frames 10
2>
vmsim thrash: --frames '10': expected a number from 64 to 4194304
? 2

$ vmsim thrash --nmax 0
2>
vmsim thrash: --nmax '0': expected a number from 1 to 256
? 2

$ vmsim thrash --nmax 300
2>
vmsim thrash: --nmax '300': expected a number from 1 to 256
? 2

$ vmsim thrash --duration 1x
2>
vmsim thrash: --duration '1x': column 2: expected a decimal digit (hexadecimal needs the prefix 0x)
? 2

$ vmsim thrash --nmax
2>
vmsim thrash: option '--nmax' needs a value
usage: vmsim thrash [--frames M] [--wss W] [--nmax N] [--device nvme|ssd|hdd]
                    [--duration MS] [--io-every B] [--io-ms D] [--compute CYCLES]
                    [--csv] [--quiet] [--plot DIR [--log-x]] [machine options:
                    --policy NAME, --seed S, --major-fault TIME, --cpu NAME, ...]
? 2

$ vmsim thrash --bogus
2>
vmsim thrash: unknown option '--bogus'
usage: vmsim thrash [--frames M] [--wss W] [--nmax N] [--device nvme|ssd|hdd]
                    [--duration MS] [--io-every B] [--io-ms D] [--compute CYCLES]
                    [--csv] [--quiet] [--plot DIR [--log-x]] [machine options:
                    --policy NAME, --seed S, --major-fault TIME, --cpu NAME, ...]
? 2

$ vmsim thrash 12
2>
vmsim thrash: unexpected argument '12'
usage: vmsim thrash [--frames M] [--wss W] [--nmax N] [--device nvme|ssd|hdd]
                    [--duration MS] [--io-every B] [--io-ms D] [--compute CYCLES]
                    [--csv] [--quiet] [--plot DIR [--log-x]] [machine options:
                    --policy NAME, --seed S, --major-fault TIME, --cpu NAME, ...]
? 2


# Combinations that cannot give a curve are refused, saying why.
$ vmsim thrash --nmax 256 --wss 4194304 --frames 4194304
2>
vmsim thrash: 256 processes of 4194304 pages are 1073741824 pages in all, more than the 16777216 (64 GiB) a curve may use
? 2

$ vmsim thrash --wss 65536
2>
vmsim thrash: 16 processes of 65536 pages need up to 2096 frames of page tables, more than half of the 1024 frames: the curve would measure page tables, not working sets
? 2

# A --duration too short for the sizes: the points say so (CSV column,
# one note on stderr).
$ vmsim thrash --nmax 3 --duration 20 --csv | cut -d, -f1,12-
n,warmup_s,measured_s,under_measured
1,0.004,0.02,1
2,0.004,0.02,1
3,0.004,0.02,1
2>
vmsim thrash: note: 3 of the 3 points (from N = 1) are under-measured: --duration is shorter than two rounds of time slices or 1000 paging-device reads, so some processes barely ran; leave --duration out to take the times from the sizes
? 0

# Without --duration the times follow the sizes: with 1 ms of CPU per
# access a slice of 2000 accesses lasts 2 s, so N = 2 measures 16 s after
# 8 s of warm-up (four rounds after two).
$ vmsim thrash --nmax 2 --io-every 0 --compute 3000000 --csv | cut -d, -f1,12-
n,warmup_s,measured_s,under_measured
1,4,8,0
2,8,16,0
? 0

# --log-x is the axis of --plot.
$ vmsim thrash --log-x
2>
vmsim thrash: --log-x sets the axis of --plot: give --plot DIR too
? 2

# The machine options come from the one settings table, as for run: a
# latency of 1 ms (a device with no preset name), M in bytes with --ram,
# and the CPU preset, which sets the pace when the processes only access
# memory (skylake's TLBs hit, textbook's single TLB walks four levels).
$ vmsim thrash --nmax 1 --duration 1000 --major-fault 1ms --ram 2M | sed -n 1p
512 frames (2048 KiB), W = 128 pages per process, policy clock, device custom (1 ms a read)
? 0

$ for c in skylake textbook; do "$VMSIM" thrash --nmax 1 --duration 10 --cpu $c --ram 2M --csv --io-every 0 --compute 0 2>/dev/null | sed -n 2p | cut -d, -f10; done
6226000
490000
? 0

$ vmsim thrash --swap 1G
2>
vmsim thrash: --swap: the curve gives each point swap for every page; it is not an option here
? 2

$ vmsim thrash --frames 512 --ram 2M
2>
vmsim thrash: --frames and --ram both set M: give one of them
? 2

$ vmsim thrash --ram lots
2>
vmsim thrash: --ram: expected a size such as 64M or 1G, found 'lots'
? 2
