"""psutil's memory_info() in two worlds: a simulated process and the real
Python process running this example, both in the same terms.

The real process allocates a 64 MiB bytearray (which the C library gets
with mmap and the kernel zero-fills page by page as it is written); the
simulated process does the same with vmsim's mmap and one write per page.
"""

import os

import vmsim

MiB = 1 << 20

before = vmsim.inspect()
buf = bytearray(64 * MiB)           # written through: every page becomes resident
after = vmsim.inspect()

with vmsim.System(ram="1G") as sys:
    p = sys.process(text=2 * MiB, data=1 * MiB, stack=8 * MiB)
    base = p.memory_info()
    a = p.mmap(64 * MiB)
    p.touch(a, 64 * MiB, write=True)
    sim = p.memory_info()
    full = p.memory_full_info()

print("simulated process (vmsim.Process.memory_info)")
print("  RSS: %6.1f MB   VMS: %6.1f MB   (before the buffer: RSS %.1f MB, VMS %.1f MB)"
      % (sim.rss / 1e6, sim.vms / 1e6, base.rss / 1e6, base.vms / 1e6))
print("  USS: %6.1f MB   PSS: %6.1f MB" % (full.uss / 1e6, full.pss / 1e6))
print("this Python process, pid %d (vmsim.inspect, from /proc)" % os.getpid())
print("  RSS: %6.1f MB   VMS: %6.1f MB   (before the buffer: RSS %.1f MB, VMS %.1f MB)"
      % (after["rss"] / 1e6, after["vm_size"] / 1e6, before["rss"] / 1e6,
         before["vm_size"] / 1e6))
grew_real = after["rss"] - before["rss"]
grew_sim = sim.rss - base.rss
print("the buffer added %.1f MB of RSS in the simulation and %.1f MB in reality"
      % (grew_sim / 1e6, grew_real / 1e6))
assert grew_sim == 64 * MiB
assert abs(grew_real - 64 * MiB) < 8 * MiB
del buf
