# vmsim scenarios, show and tour: the built-in scenarios (scenarios/*.vms,
# compiled into the library) on the command line.

$ vmsim scenarios
s01-virtual-physical    Virtual vs physical: one address in two processes, two frames
s02-pages               Pages: 4 KiB blocks, and how many of them 100 MB and 1 GB need
s03-page-table-entries  Page table entries: frame number, permissions, present, accessed and dirty bits
s04-translation         Address translation: 0x7ffd12345678 split into page number and offset
s05-page-walk           The page walk: four levels (and five), one memory read per level
s06-tlb                 The TLB: 64 entries cover 256 KiB; a loop over 64 pages hits, over 65 misses
s07-page-faults         Page faults: minor (no I/O), major (read from swap), invalid (SIGSEGV)
s08-swap-thrashing      Swap and thrashing: working sets beyond RAM make faults climb and the CPU idle
s09-copy-on-write       Copy-on-write fork, and why a Python child that only reads copies every page
s10-mapped-files        Memory-mapped files: an 8 GB array that is read only where it is touched
s11-rss-vms             RSS vs VMS: 1 GiB mapped, 100 MiB touched
ex01-virtual-memory     Exercise 1: private address spaces that together exceed RAM
ex02-the-mmu            Exercise 2: the MMU translates every access; the kernel only handles faults
ex03-pages              Exercise 3: a page is the 4 KiB unit of mapping: one byte costs a whole page
ex04-page-table         Exercise 4: page tables are per process, live in RAM, and grow with the spread
ex05-tlb                Exercise 5: the TLB caches translations: misses on first use, hits after
ex06-page-fault         Exercise 6: a page fault is the kernel filling a missing translation
ex07-thrashing          Exercise 7: thrashing: a loop one-and-a-half times the RAM swaps on every access
ex08-copy-on-write      Exercise 8: copy-on-write shares pages until one is written
ex09-shared-dataset     Exercise 9: two processes share one 1 GB dataset; writing 100 MB copies 100 MB
ex10-virt-vs-res        Exercise 10: 4 GiB mapped (VIRT), 500 MiB touched (RES): not a leak
ex11-huge-pages         Exercise 11: huge pages: fewer entries, far-reaching TLB, and the waste
ex12-isolation          Exercise 12: isolation: A's page tables cannot reach B's pages
? 0

$ vmsim show s06-tlb | sed -n 1,4p
# §6 The TLB.
# The TLB caches recent translations. The seed's TLB has 64 entries of
# 4 KiB pages, so it covers (its "reach") 64 x 4 KiB = 256 KiB. A loop that
# stays within the reach hits every time; a loop over one page more misses
? 0

# The source shown is exactly the file compiled in.
$ vmsim show ex10-virt-vs-res | cmp - ../../scenarios/ex10-virt-vs-res.vms && echo same
same
? 0

$ vmsim show nosuch
2>
vmsim show: no built-in scenario named 'nosuch' (see 'vmsim scenarios')
? 2

$ vmsim show
2>
vmsim show: missing the scenario name
usage: vmsim show NAME
? 2

$ vmsim scenarios extra
2>
vmsim scenarios: unexpected argument 'extra' (see 'vmsim scenarios --help')
? 2

$ vmsim tour --bogus
2>
vmsim tour: unknown argument '--bogus' (see 'vmsim tour --help')
? 2

# The whole tour passes: every check of every scenario, and vmsim_check at the end
# of each machine. Its first scenario's headline, then the summary line.
$ out=$("$VMSIM" tour); s=$?; printf '%s\n' "$out" | head -n 8; printf '%s\n' "$out" | tail -n 1; exit $s
== s01-virtual-physical: Virtual vs physical: one address in two processes, two frames
Processes A and B both map one page at the virtual address 0x7ffd12340000.
Each writes its own text there, through its own page tables.
Reading the same address back, each process finds its own bytes:
A's page is in frame 0x7, B's in frame 0xb.
Each process holds one resident page of its own: RSS 4 KiB each.
   [7 of 7 checks passed]

tour: 23 scenarios, 167 checks, 0 failed
? 0
