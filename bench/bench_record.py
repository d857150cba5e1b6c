#!/usr/bin/env python3
"""Capture speed of `vmsim record`: vmsim's Valgrind tool against lackey and
against the program run natively, on the same program in one run, as
ratios; then `vmsim run --record` (record and simulate, streamed) against
the capture alone.

    bench/bench_record.py [--build DIR] [--runs N] [--no-lackey] [--sort-n N]

Programs (compiled here with cc -O2): bench/record/capture_prog.c (fills and
sums a 2 MiB array, then sorts 30,000 ints) and tools/traceprogs/sort.c.
Each figure is the best of --runs runs (lackey: one run; native: ten in each
round), the commands taking turns round by round, of wall-clock time
and of CPU time (user + system of every process involved, from
getrusage(RUSAGE_CHILDREN)): on a shared machine the CPU time is the steadier
one. Traces go to /dev/null (--zstd 0), so the disk does not count.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(cmd):
    """Wall and CPU seconds of one run of @cmd (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("bench_record: %s failed (%d): %s" %
                 (" ".join(cmd), r.returncode, r.stderr.decode(errors="replace")))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(cmds, runs, repeat=None):
    """Best wall and CPU seconds of each command of @cmds over @runs rounds;
    a round runs each command once (@repeat[i] times for command i), in turn,
    so that a change in the machine's load falls on all of them alike."""
    best = [[None, None] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            for _ in range(repeat[i] if repeat else 1):
                w, c = run_once(cmd)
                b = best[i]
                b[0] = w if b[0] is None else min(b[0], w)
                b[1] = c if b[1] is None else min(b[1], c)
    return [tuple(b) for b in best]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-lackey", action="store_true", help="skip lackey (about 30 s)")
    ap.add_argument("--sort-n", type=int, default=1000000)
    a = ap.parse_args()
    vmsim = os.path.join(a.build, "vmsim")
    if not shutil.which("valgrind"):
        sys.exit("bench_record: valgrind is not installed (apt-get install -y valgrind)")
    tmp = tempfile.mkdtemp(prefix="vmsim-bench-record-")
    try:
        prog = os.path.join(tmp, "capture_prog")
        sort = os.path.join(tmp, "sort")
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-O2", "-o", prog, os.path.join(ROOT, "bench/record/capture_prog.c")],
                       check=True)
        subprocess.run([cc, "-O2", "-o", sort, os.path.join(ROOT, "tools/traceprogs/sort.c")],
                       check=True)
        rec = [vmsim, "record", "--zstd", "0", "-o", "/dev/null"]
        names = ["native", "vmsim tool", "vmsim tool --no-fetch", "valgrind --tool=none"]
        cmds = [[prog], rec + ["--", prog], rec + ["--no-fetch", "--", prog],
                ["valgrind", "--tool=none", "-q", prog]]
        rows = list(zip(names, measure(cmds, a.runs, repeat=[10, 1, 1, 1])))
        native = rows[0][1]
        if not a.no_lackey:
            rows.append(("lackey (vmsim record --tool lackey)",
                         measure([rec + ["--tool", "lackey", "--", prog]], 1)[0]))
        print("capture of bench/record/capture_prog.c (2 MiB fill+sum, sort 30,000 ints)")
        print("%-38s %10s %10s %12s %12s" % ("", "wall s", "CPU s", "wall/native", "CPU/native"))
        for name, (w, c) in rows:
            print("%-38s %10.3f %10.3f %12.1f %12.1f" % (name, w, c, w / native[0], c / native[1]))
        tool = dict(rows)["vmsim tool"]
        if not a.no_lackey:
            lk = dict(rows)["lackey (vmsim record --tool lackey)"]
            print("vmsim tool vs lackey: %.1fx faster (wall), %.1fx (CPU)" %
                  (lk[0] / tool[0], lk[1] / tool[1]))

        n = str(a.sort_n)
        cap, run = measure([rec + ["--", sort, n],
                            [vmsim, "run", "--quiet", "--record", "--", sort, n]], a.runs)
        print()
        print("tools/traceprogs/sort.c %s" % n)
        print("%-38s %10s %10s" % ("", "wall s", "CPU s"))
        print("%-38s %10.3f %10.3f" % ("capture alone (vmsim record)", cap[0], cap[1]))
        print("%-38s %10.3f %10.3f" % ("vmsim run --record (streamed)", run[0], run[1]))
        print("run --record / capture: %.2f (wall), %.2f (CPU)" % (run[0] / cap[0],
                                                                   run[1] / cap[1]))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
