"""The Python range call against the C API on the same work: one write to
each of 10^6 fresh anonymous pages (bench/bench_touch.c does it in C).

usage: python3 bench/python_touch.py BUILD_DIR [PAGES [RUNS]]
Run with PYTHONPATH=python.  Prints both times (best of RUNS, machine setup
excluded) and their ratio; the target is a ratio of at most 1.2.
"""

import subprocess
import sys
import time

import vmsim

build = sys.argv[1] if len(sys.argv) > 1 else "build"
pages = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def once():
    with vmsim.System(ram="8G", swap=0) as s:
        p = s.process()
        a = p.mmap(pages * 4096)
        t0 = time.perf_counter()
        r = p.touch(a, pages * 4096, write=True)
        dt = time.perf_counter() - t0
        assert r["faults_minor"] == pages
        return dt


best_py = min(once() for _ in range(runs))
out = subprocess.run(["%s/bench_touch" % build, str(pages), str(runs)], check=True,
                     capture_output=True, text=True).stdout
best_c = float(out.split()[3])
print("c_api_touch      %d pages %.4f s" % (pages, best_c))
print("python_range     %d pages %.4f s" % (pages, best_py))
print("ratio python/C   %.3f (target <= 1.2)" % (best_py / best_c))
