# Bad scenario files run with `vmsim run FILE.vms` (docs/BAD_INPUT.md).
# The messages of the parser and the runner themselves are checked by
# tests/scenarios/errors.fail; these cases check what the command prints
# and its exit status: 2 for a script that does not parse, 1 for one that
# fails while it runs. Each case writes its script into a new directory.

# A file that does not exist, a directory, an empty file (runs nothing).
$ vmsim run missing.vms --quiet
2>
missing.vms: cannot open the file
? 1

$ d=$(mktemp -d); mkdir "$d/dir.vms"; cd "$d" && $VMSIM run dir.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
dir.vms: cannot read the file
? 1

$ d=$(mktemp -d); cd "$d" && : > empty.vms && $VMSIM run empty.vms --quiet; s=$?; rm -rf "$d"; exit $s
? 0


# A NUL byte (binary data), an unknown command, wrong arity.
$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 4K\000trailing\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms: not a text file (it has a NUL byte)
? 2

$ d=$(mktemp -d); cd "$d" && printf 'frobnicate\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1:1: unknown command 'frobnicate' (see docs/SCENARIOS.md)
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A B\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1:11: unexpected 'B': the line should end here
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:9: expected the mapping's size, such as 4K or 100M, found the end of the line
? 2


# Sizes: 0, negative, overflowing, a unit that does not exist, > 2^48.
$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 0\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:10: a mapping cannot be empty
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d -4K\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:10: expected the mapping's size, such as 4K or 100M, found '-4K'
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 99999999999999999999\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:10: expected the mapping's size, such as 4K or 100M: a whole number of bytes
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 1P\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:11: unknown unit 'P' in the mapping's size, such as 4K or 100M (units: K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal; also B, ns, us, ms, s, %)
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 512T\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: mmap: out of memory
? 1


# Addresses: not hexadecimal, unaligned with fixed, non-canonical, in the
# kernel half, running past the top of user space.
$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 4K at=0xzz fixed\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2:18: expected a hexadecimal digit, found 'zz' (in an address)
? 2

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 4K at=0x1234 fixed\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: mmap: invalid argument (addresses and offsets of system calls must be page-aligned)
? 1

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 4K at=0x800000000000 fixed\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: mmap: out of memory
? 1

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 8K at=0xffff800000000000 fixed\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: mmap: out of memory
? 1

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 8K at=0x7ffffffff000 fixed\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: mmap: out of memory
? 1


# Overlapping fixed mappings: MAP_FIXED replaces what it overlaps, as on
# Linux (not an error); MAP_FIXED_NOREPLACE refuses.
$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 8K at=0x10000 fixed\nmmap A e 8K at=0x11000 fixed\nshow rss A\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
A (pid 1, alive): VMS 12 KiB, RSS 0 B, anon 0 B, file 0 B, shmem 0 B, PSS 0 B, USS 0 B, swap 0 B, pgtables 4 KiB, VMAs 1, THP 0 B, hugetlb 0 B, locked 0 B, WSS 0 B
? 0

$ d=$(mktemp -d); cd "$d" && printf 'process A\nmmap A d 8K at=0x10000 fixed\nmmap A e 8K at=0x11000 noreplace\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:3: mmap: address already mapped
? 1


# Machine settings: a bad unit, 0, > 2^48 of RAM or swap.
$ d=$(mktemp -d); cd "$d" && printf 'machine ram=64Q\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1:13: ram: unknown unit 'Q' in '64Q' (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal, B bytes)
? 2

$ d=$(mktemp -d); cd "$d" && printf 'machine ram=0\nprocess A\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1:13: ram: expected a size of at least 256K, found '0'
? 2

$ d=$(mktemp -d); cd "$d" && printf 'machine ram=512T\nprocess A\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: cannot build the machine: RAM must be below 16 TiB (2^32 frames)
? 1

$ d=$(mktemp -d); cd "$d" && printf 'machine swap=512T\nprocess A\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:2: cannot build the machine: swap must be at most 16 TiB (2^32 slots)
? 1


# A mapped file in a directory that does not exist (the message of the
# file statement itself is checked in errors.fail).
$ d=$(mktemp -d); cd "$d" && printf 'file F path="/nonexistent/dir/f.bin"\n' > x.vms && $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1: file F: cannot open '/nonexistent/dir/f.bin': input/output error
? 1


# The swap file in a directory that does not exist ($TMPDIR).
$ d=$(mktemp -d); cd "$d" && printf 'process A\n' > x.vms && TMPDIR=/nonexistent/dir $VMSIM run x.vms --quiet; s=$?; rm -rf "$d"; exit $s
2>
x.vms:1: cannot build the machine: cannot create the swap file in '/nonexistent/dir': no such writable directory
? 1

