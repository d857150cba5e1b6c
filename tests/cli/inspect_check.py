"""Check a `vmsim inspect --json --maps PID` document read from stdin.

    vmsim inspect --json --maps PID | python3 inspect_check.py PID

Used by tests/cli/inspect.t. Prints one line per check that holds and
exits 1 (with the reason on stderr) at the first that does not.
"""
import json
import sys

COMMON = ["pid", "alive", "vm_size", "rss", "rss_anon", "rss_file", "rss_shmem",
          "pss", "uss", "swap", "pte_bytes", "nr_vmas", "faults_minor",
          "faults_major", "anon_huge", "hugetlb"]


def fail(why):
    print("inspect_check.py: " + why, file=sys.stderr)
    sys.exit(1)


doc = json.load(sys.stdin)
if (doc.get("schema"), doc.get("version"), doc.get("source")) != ("vmsim-report", 1, "linux"):
    fail("bad header")
print("schema vmsim-report 1 linux")
procs = doc["processes"]
if len(procs) != 1 or procs[0]["pid"] != int(sys.argv[1]):
    fail("expected the one process %s" % sys.argv[1])
p = procs[0]
for key in COMMON:
    if key not in p:
        fail("no member " + key)
    if key != "alive" and (not isinstance(p[key], int) or p[key] < 0):
        fail(key + " is not a count")
print("pid matches")
if p["rss"] != p["rss_anon"] + p["rss_file"] + p["rss_shmem"]:
    fail("rss is not the sum of its parts")
print("rss = anon + file + shmem")
if not (p["have_rollup"] and p["uss"] <= p["pss"] <= p["rss"]):
    fail("uss <= pss <= rss does not hold")
print("uss <= pss <= rss")
vmas = p["smaps"]
if len(vmas) != p["nr_vmas"]:
    fail("%d smaps records for %d VMAs" % (len(vmas), p["nr_vmas"]))
for v in vmas:
    if not (v["start"].startswith("0x") and int(v["end"], 16) - int(v["start"], 16) == v["size"]):
        fail("bad VMA bounds %r" % v)
print("one smaps record per VMA")
