# vmsim convert: any trace format to vmsim's own, plain or zstd.

# The committed tiny vmsim trace (format version 2) is exactly what convert
# makes of the text.
$ vmsim convert ../data/trace-tiny.lackey -o - | cmp - ../data/trace-tiny-v2.vmt && echo identical
identical
? 0

# vmsim -> vmsim (re-encoding) keeps every byte.
$ vmsim convert ../data/trace-tiny-v2.vmt -o - | cmp - ../data/trace-tiny-v2.vmt && echo identical
identical
? 0

# The same trace in format version 1 still reads: it converts to the same bytes.
$ vmsim convert ../data/trace-tiny.vmt -o - | cmp - ../data/trace-tiny-v2.vmt && echo identical
identical
? 0

# Compressed output reads back the same records.
$ vmsim convert ../data/trace-tiny.lackey --zstd -o - | $VMSIM replay - | sed -n 1,2p
trace       <stdin> (vmsim, zstd, from lackey)
records     13: 13 accesses (6 fetches, 3 loads, 4 stores), 0 events
? 0

# The summary names both sides (written to a scratch file here).
$ d=$(mktemp -d) && $VMSIM convert ../data/trace-tiny.lackey -o $d/t.vmt --zstd | sed "s|$d|TMP|"; rm -rf $d
../data/trace-tiny.lackey (lackey, plain) -> TMP/t.vmt (vmsim, zstd): 13 records, 13 accesses, 0 events
? 0

# A forced format: the text read as lackey from standard input.
$ cat ../data/trace-tiny.lackey | $VMSIM convert - --format lackey -o - | cmp - ../data/trace-tiny-v2.vmt && echo identical
identical
? 0

# ChampSim records (64 bytes each: ip, branch bytes, registers, 2 stores, 4
# loads): one instruction at 0x401000 that loads 0x7000 and stores 0x8000.
$ printf '\000\020\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\200\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\160\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' | $VMSIM convert - --format champsim -o - | $VMSIM replay - | sed -n 1,2p
trace       <stdin> (vmsim, plain, from champsim)
records     3: 3 accesses (1 fetches, 1 loads, 1 stores), 0 events
? 0
