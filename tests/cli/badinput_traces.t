# Bad trace input not covered by trace_errors.t (docs/BAD_INPUT.md):
# every case fails with status 1 and a message naming the input, or is
# accepted on purpose. Never a signal.

# Empty input: detection has nothing to look at; a forced text format reads
# an empty trace; the vmsim format needs its header.
$ vmsim replay - < /dev/null
2>
vmsim replay: <stdin>: empty input: no bytes to tell its format from (--format lackey reads it as an empty trace)
? 1

$ vmsim replay /dev/null --format vmsim
2>
vmsim replay: /dev/null: byte 0: bad magic (expected "VMSIMTRC": not a vmsim trace)
? 1

$ vmsim replay /dev/null --format lackey | sed -n 2p
records     0: 0 accesses (0 fetches, 0 loads, 0 stores), 0 events
? 0

$ vmsim replay /dev/null --format champsim | sed -n 2p
records     0: 0 accesses (0 fetches, 0 loads, 0 stores), 0 events
? 0


# A directory, and a file in a directory that does not exist.
$ vmsim replay ../data
2>
vmsim replay: ../data: read error: Is a directory
? 1

$ vmsim replay ../nonexistent/trace.lackey
2>
vmsim replay: cannot open '../nonexistent/trace.lackey': No such file or directory
? 1

$ vmsim run ../nonexistent/trace.lackey
2>
vmsim run: '../nonexistent/trace.lackey': no such built-in scenario or file (see 'vmsim scenarios')
? 2

$ vmsim convert ../nonexistent/trace.lackey -o out.vmt
2>
vmsim convert: cannot open '../nonexistent/trace.lackey': No such file or directory
? 1


# An output file in a directory that does not exist.
$ vmsim convert ../data/trace-tiny.lackey -o ../nonexistent/out.vmt
2>
vmsim convert: cannot create '../nonexistent/out.vmt': No such file or directory
? 1


# Lackey: an address of 17 hexadecimal digits, a size above one page, a
# line cut after the comma, a record without its size.
$ printf ' L 00401000000000000,8\n' | $VMSIM replay - --format lackey
2>
vmsim replay: <stdin>:1:20: address has more than 16 hexadecimal digits
? 1

$ printf 'I  00401000,4\n L 00401000,5000\n' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:13: access size 5000 is too large (expected 1 to 4096 bytes)
? 1

$ printf 'I  00401000,4\n L 00401000,\n' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:13: expected a decimal size after ',', found the end of the line
? 1

$ printf 'I  00401000,4\n L 00401000' | $VMSIM replay -
2>
vmsim replay: <stdin>:2:12: expected a hexadecimal digit or ',', found the end of the line
? 1


# Non-canonical and kernel-half addresses in a trace are not input errors:
# the access is an invalid fault (SIGSEGV) of the simulated process.
$ printf 'I  00401000,4\n L 0000800000000000,8\n L ffff800000000000,8\n' | $VMSIM replay - | grep faults
faults      1 minor, 0 major, 2 invalid
? 0


# Garbage after a gzip header, and a zstd frame cut short.
$ (printf '\037\213\010\000\000\000\000\000\000\003'; printf 'not deflate data at all') | $VMSIM replay -
2>
vmsim replay: <stdin>: corrupt gzip data near compressed byte 11: invalid block type
? 1

$ zstd -q -c ../data/trace-tiny.vmt | head -c 20 | $VMSIM replay -
2>
vmsim replay: <stdin>: truncated zstd data: the input ends at byte 20 inside a compressed stream (expected more data or the stream's end)
? 1

