# Trace commands: bad input (status 1, naming the file and the line and
# column or the byte offset) and bad usage (status 2).

$ vmsim replay ../data/trace-bad.lackey
2>
vmsim replay: ../data/trace-bad.lackey:3:8: expected 8 to 16 hexadecimal digits in the address, found 'q'
? 1

$ printf 'I  00401000,4\n S 00401000,0\n' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:13: access size 0 (expected 1 to 4096 bytes)
? 1

$ printf 'I  00401000,4\n S 0401000,8\n' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:11: expected 8 to 16 hexadecimal digits in the address, found ','
? 1

$ printf 'I  00401000,4\n X 00401000,8\n' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:2: expected 'L', 'S' or 'M' after a space, found 'X'
? 1

$ vmsim replay missing.vmt
2>
vmsim replay: cannot open 'missing.vmt': No such file or directory
? 1

$ printf 'hello world\n' | $VMSIM replay -
2>
vmsim replay: <stdin>: cannot tell the trace format from the first 12 bytes (expected a vmsim, lackey or champsim trace); name it with --format
? 1

# vmsim format: truncated, bad magic, wrong version.
$ head -c 60 ../data/trace-tiny.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 60: truncated trace: the input ends after 8 records without the end record (was the recording interrupted?)
? 1

$ head -c 41 ../data/trace-tiny.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 37 (record 2): truncated record: the input ends inside it
? 1

$ head -c 20 ../data/trace-tiny.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 20: truncated header: 20 of its 32 bytes
? 1

$ head -c 78 ../data/trace-tiny.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 78: truncated trace: the input ends after 13 records without the end record (was the recording interrupted?)
? 1

$ (printf 'VMSIMTRX'; tail -c +9 ../data/trace-tiny.vmt) | $VMSIM replay - --format vmsim
2>
vmsim replay: <stdin>: byte 0: bad magic (expected "VMSIMTRC": not a vmsim trace)
? 1

$ (head -c 8 ../data/trace-tiny.vmt; printf '\003'; tail -c +10 ../data/trace-tiny.vmt) | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 8: format version 3 (this vmsim reads versions 1 to 2)
? 1

# Format version 2 (blocks) cut short: inside a block, between blocks.
$ head -c 80 ../data/trace-tiny-v2.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 32: truncated trace: block 1 is cut short (36 of its 46 bytes); the 0 whole blocks before it hold 0 records (was the recording interrupted?)
? 1

$ head -c 90 ../data/trace-tiny-v2.vmt | $VMSIM replay -
2>
vmsim replay: <stdin>: byte 90: truncated trace: it ends right after block 1 (13 records) without the end block (was the recording interrupted?)
? 1

# Compressed data cut short.
$ gzip -c ../data/trace-tiny.lackey | head -c 100 | $VMSIM replay -
2>
vmsim replay: <stdin>: truncated gzip data: the input ends at byte 100 inside a compressed stream (expected more data or the stream's end)
? 1

# ChampSim: a record of 10 bytes.
$ printf '\000\020\100\000\000\000\000\000\000\000' | $VMSIM replay - --format champsim
2>
vmsim replay: <stdin>: byte 0: truncated record 1: the input ends after 10 of its 64 bytes
? 1

# A bad maps file.
$ printf '00400000-00402000 r-xp 00000000 08:02 1234\n00602000 rw-p\n' > maps.tmp; $VMSIM replay ../data/trace-tiny.lackey --maps maps.tmp; s=$?; rm -f maps.tmp; exit $s
2>
vmsim replay: maps.tmp:2:9: expected '-' after the start address, found a space
? 1

# Usage errors.
$ vmsim replay
2>
vmsim replay: expected a trace to replay
usage: vmsim replay TRACE [--maps FILE] [--format F] [--json FILE] ... (see 'vmsim replay --help')
? 2

$ vmsim replay ../data/trace-tiny.lackey --format text
2>
vmsim replay: --format 'text': expected vmsim, lackey or champsim
? 2

$ vmsim replay ../data/trace-tiny.lackey --cpu pentium 2>&1 | sed -n 1p
vmsim replay: --cpu: unknown CPU preset 'pentium' (expected textbook, skylake, zen4)
? 2

$ vmsim replay ../data/trace-tiny.lackey --ram lots
2>
vmsim replay: --ram: expected a size such as 64M or 1G, found 'lots'
? 2

$ vmsim replay ../data/trace-tiny.lackey --policy lur
2>
vmsim replay: --policy: unknown replacement policy 'lur' (see vmsim paging --list)
? 2

$ vmsim replay ../data/trace-tiny.lackey --bogus
2>
vmsim replay: unknown option '--bogus' (see 'vmsim replay --help')
? 2

$ vmsim convert ../data/trace-tiny.lackey
2>
vmsim convert: expected -o OUT
usage: vmsim convert IN -o OUT [--format F] [--zstd]
? 2

$ vmsim convert ../data/trace-tiny.lackey -o ../data/trace-tiny.lackey
2>
vmsim convert: '../data/trace-tiny.lackey' is both the input and the output
? 2

$ vmsim record
2>
vmsim record: expected a program to record
usage: vmsim record [-o FILE] [--tool vmsim|lackey] -- PROG [ARGS...]
? 2

$ vmsim record --bogus -- true
2>
vmsim record: unknown option '--bogus' (see 'vmsim record --help')
? 2

$ PATH=/nonexistent $VMSIM record -o never.vmt -- /bin/true; s=$?; ls never.vmt 2>/dev/null; exit $s
2>
vmsim record: 'valgrind' not found: recording needs Valgrind; install it with: apt-get install -y valgrind
? 1

$ PATH=/nonexistent $VMSIM record -o never.vmt -- true; s=$?; ls never.vmt 2>/dev/null; exit $s
2>
vmsim record: true: no such program in PATH
? 1

$ vmsim record --tool cachegrind -- /bin/true
2>
vmsim record: --tool: unknown tool 'cachegrind' (expected vmsim or lackey)
? 2
