"""A numpy-style memmap of an 8 GB file on a machine with 1 GiB of RAM.

np.memmap("huge.dat", dtype="float64", mode="w+", shape=(1_000_000_000,))
creates an 8 GB file and maps it shared and writable.  Here the same
mapping is made in a simulated process over a real (sparse) 8 GB host
file; the program then writes one float64 every 4 MiB and reads a slice of
1,000 elements.  The virtual size is the whole 8 GB; the resident size is
only the pages the program touched (and what the kernel maps around them).
"""

import os
import tempfile

import vmsim

N = 1_000_000_000          # float64 elements, as in the np.memmap call
SIZE = N * 8               # 8,000,000,000 bytes
STRIDE = 4 << 20           # one write every 4 MiB

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "huge.dat")
    with open(path, "wb") as f:       # mode="w+": a new file of the full size
        f.truncate(SIZE)              # sparse: no disk blocks are written
    with vmsim.System(ram="1G", swap="0") as sys:
        p = sys.process()
        f = sys.open_file(path, writable=True)
        arr = p.mmap(SIZE, "rw", shared=True, file=f)
        w = p.touch(arr, SIZE, write=True, stride=STRIDE, size=8)
        r = p.touch(arr + 123_456 * 8, 1000 * 8, stride=8, size=8)
        info = p.memory_info()
        st = p.stats()
        print("mapping     %d bytes (%.1f GB) of a 1 GiB machine" % (SIZE, SIZE / 1e9))
        print("writes      %d (one float64 every 4 MiB), %d minor + %d major faults"
              % (w["accesses"], w["faults_minor"], w["faults_major"]))
        print("reads       %d (a slice of 1,000 elements), %d minor + %d major faults"
              % (r["accesses"], r["faults_minor"], r["faults_major"]))
        print("VMS         %.1f MB" % (info.vms / 1e6))
        print("RSS         %.1f MB (file pages %.1f MB)" % (info.rss / 1e6, st["rss_file"] / 1e6))
        print("resident    %.3f %% of the mapping" % (100.0 * info.rss / SIZE))
        assert info.vms == SIZE and info.rss < 64 << 20
        f.close()
