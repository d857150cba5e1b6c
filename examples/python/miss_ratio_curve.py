"""A miss-ratio curve: LRU and FIFO misses for every memory size from 1 to
200 frames over a skewed reference string, LRU computed in one pass.
Plotted with matplotlib when it is installed (Debian: python3-matplotlib);
without it the curve is printed and the example says so."""

import os
import random
import sys

import vmsim

rng = random.Random(42)
refs = [min(int(rng.paretovariate(0.8)), 2000) for _ in range(200_000)]
sizes = list(range(1, 201))
lru = vmsim.paging(refs, "lru", sizes)
fifo = vmsim.paging(refs, "fifo", sizes[::10])
for f in (1, 10, 50, 100, 200):
    print("%4d frames  LRU miss ratio %.4f" % (f, lru[f] / len(refs)))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed (apt-get install python3-matplotlib): no plot drawn")
    sys.exit(77 if os.environ.get("VMSIM_LIBRARY") else 0)

out = os.environ.get("MRC_PNG", "miss_ratio_curve.png")
plt.figure(figsize=(6, 4))
plt.plot(sizes, [lru[f] / len(refs) for f in sizes], label="LRU (one pass)")
plt.plot(sizes[::10], [fifo[f] / len(refs) for f in sizes[::10]], "o", label="FIFO")
plt.xlabel("frames")
plt.ylabel("miss ratio")
plt.legend()
plt.savefig(out, dpi=100)
print("plot written to", out)
