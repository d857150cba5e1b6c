"""The copy-on-write story of a Python parent and its fork child, for
vmsim record (docs/USER_GUIDE.md, "The Python fork story, on the real
interpreter"; tests/record/pystory.sh compares it with the native run).

    python3 cow_sum.py [freeze] [report]

The parent builds a list of 10^6 ints, then starts one child with
multiprocessing's fork start method; the child only reads the list (sums
it) and sends the sum back. Reading an object in CPython still writes its
reference count, so the child's sum writes to every int's page and each
such page is copied. With "freeze", gc.freeze() runs before the fork, which
moves every object the collector tracks into a permanent generation the
collector no longer visits (and so no longer writes) in the child.
With "report" the child prints, natively, what Linux says of its memory
after the sum (/proc/self/smaps_rollup: pages it has to itself, pages
still shared with the parent), for comparison with the replay.
"""
import gc
import multiprocessing
import sys

N = 10**6


def rollup():
    fields = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def child(data, conn, report):
    total = sum(data)
    if report:
        r = rollup()
        print(f"child: Private_Dirty {r['Private_Dirty']} kB, "
              f"Shared_Dirty {r['Shared_Dirty']} kB, Anonymous {r['Anonymous']} kB")
    conn.send(total)
    conn.close()


def main():
    freeze = "freeze" in sys.argv[1:]
    report = "report" in sys.argv[1:]
    data = list(range(N))
    if freeze:
        gc.freeze()
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=child, args=(data, child_end, report))
    p.start()
    total = parent_end.recv()
    p.join()
    print(f"sum {total}, gc.freeze {'on' if freeze else 'off'}, child exit {p.exitcode}")
    return 0 if total == N * (N - 1) // 2 and p.exitcode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
