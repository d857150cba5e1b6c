# vmsim paging: bad input (status 1, the file, line and column named) and
# bad usage (status 2).

$ vmsim paging ../data/bad.txt
2>
vmsim paging: ../data/bad.txt:4:3: expected a decimal digit or the end of the page number, found 'q'
? 1

$ printf '1\n0x\n' | $VMSIM paging -
2>
vmsim paging: <stdin>:2:3: expected a hexadecimal digit, found the end of the line
? 1

$ printf '5\n-3\n' | $VMSIM paging -
2>
vmsim paging: <stdin>:2:1: expected a page number, found '-'
? 1

$ printf '12a\n' | $VMSIM paging -
2>
vmsim paging: <stdin>:1:3: expected a decimal digit (hexadecimal needs the prefix 0x), found 'a'
? 1

$ printf '18446744073709551616\n' | $VMSIM paging -
2>
vmsim paging: <stdin>:1:1: page number does not fit in 64 bits
? 1

# u64 input must be whole 8-byte records.
$ printf '\001\000\000\000\000\000\000\000\002\000\000' | $VMSIM paging --format u64 -
2>
vmsim paging: <stdin>: byte 8: the last record has 3 of its 8 bytes (u64 input is 8-byte little-endian page numbers)
? 1

$ vmsim paging ../data/missing.txt
2>
vmsim paging: cannot open '../data/missing.txt': No such file or directory
? 1

$ vmsim paging --policy lur ../data/belady.txt
2>
vmsim paging: --policy 'lur': unknown policy (vmsim paging --list shows them)
? 2

$ vmsim paging --policy lru,fifi ../data/belady.txt
2>
vmsim paging: --policy 'lru,fifi': unknown policy 'fifi' (vmsim paging --list shows them)
? 2

$ vmsim paging --policy lru,,fifo ../data/belady.txt
2>
vmsim paging: --policy 'lru,,fifo': expected a policy name before ','
? 2

$ vmsim paging --frames 0 ../data/belady.txt
2>
vmsim paging: --frames '0': expected a number of frames from 1 to 4294967294
? 2

$ vmsim paging --frames 3,1x8 ../data/belady.txt
2>
vmsim paging: --frames '3,1x8': item 2 '1x8': column 2: expected a decimal digit (hexadecimal needs the prefix 0x)
? 2

$ vmsim paging --frames 5-3 ../data/belady.txt
2>
vmsim paging: --frames '5-3': range 5-3 is empty
? 2

$ vmsim paging --format bin ../data/belady.txt
2>
vmsim paging: --format 'bin': expected auto, text, u64, vmsim, lackey or champsim
? 2

$ vmsim paging --tau 0 ../data/belady.txt
2>
vmsim paging: --tau '0': expected a window of at least 1 reference
? 2

$ vmsim paging --seed x ../data/belady.txt
2>
vmsim paging: --seed 'x': column 1: expected a decimal digit (hexadecimal needs the prefix 0x)
? 2

$ vmsim paging
2>
vmsim paging: missing FILE (a reference string, or - for standard input)
usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]
                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]
                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-
       vmsim paging --list
? 2

$ vmsim paging --bogus ../data/belady.txt
2>
vmsim paging: unknown option '--bogus'
usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]
                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]
                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-
       vmsim paging --list
? 2

$ vmsim paging ../data/belady.txt extra
2>
vmsim paging: unexpected argument 'extra'
usage: vmsim paging [--policy NAME[,NAME...]] [--frames N[,N...]] [--mrc]
                    [--sample RATE] [--format FMT] [--fetch] [--page-size SIZE]
                    [--trace] [--seed S] [--tau T] [--quiet] FILE|-
       vmsim paging --list
? 2

# One-pass curves exist only for stack algorithms; --sample needs a fraction.
$ vmsim paging --mrc --policy lru,fifo ../data/belady.txt
2>
vmsim paging: --mrc: policy 'fifo' is not a stack algorithm (only lru and opt have a one-pass curve)
? 2

$ vmsim paging --sample 0.5 --policy opt ../data/belady.txt
2>
vmsim paging: --sample: policy 'opt' has no sampled curve (only lru)
? 2

$ vmsim paging --sample 0 ../data/belady.txt
2>
vmsim paging: --sample '0': expected a fraction of the pages, above 0 and at most 1 (e.g. 0.01)
? 2

$ vmsim paging --sample 0.5x ../data/belady.txt
2>
vmsim paging: --sample '0.5x': expected a fraction of the pages, above 0 and at most 1 (e.g. 0.01)
? 2

$ vmsim paging --mrc --trace ../data/belady.txt
2>
vmsim paging: --trace shows single runs: it cannot go with --mrc
? 2

# Frame counts simulated one by one are limited; a one-pass LRU curve is not.
$ vmsim paging --policy fifo --frames 1-5000 ../data/belady.txt
2>
vmsim paging: --frames '1-5000': more than 4096 frame counts (one-pass LRU curves take more)
? 2

$ vmsim paging --frames 1-5000 ../data/belady.txt | tail -1
lru       5000          12     7       5     58.33%           5
? 0

$ vmsim paging --page-size 3000 ../data/trace-tiny.vmt
2>
vmsim paging: --page-size '3000': expected a power of two up to 1T
? 2
