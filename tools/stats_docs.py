#!/usr/bin/env python3
"""Write the counter tables of docs/FORMATS.md and docs/SCENARIOS.md from
include/vmsim/stats_table.h.

Each generated table sits between two marker comments,
<!-- stats:NAME --> and <!-- /stats:NAME -->; the text around them is left
alone. Usage: tools/stats_docs.py [--check] (from the source tree's root).
With --check nothing is written, and the exit status is 1 when a document
differs from what the table gives (tests/unit/test_stats_table.c checks the
same thing from C: every row named in the docs).
"""
import re
import sys

HEADER = "include/vmsim/stats_table.h"
UNITS = {"COUNT": "count", "PAGES": "4 KiB pages", "BYTES": "bytes", "FLAG": "bool",
         "SECONDS": "seconds", "RATIO": "0..1"}
FIG_UNITS = {"COUNT": "count", "PAGES": "bytes", "BYTES": "bytes", "FLAG": "0/1",
             "SECONDS": "seconds", "RATIO": "ratio"}


def rows(text, macro):
    """The rows of X-macro @macro as lists of fields (strings unquoted)."""
    start = text.index("#define " + macro + "(X)")
    body = []
    for line in text[start:].split("\n")[1:]:
        if not line.strip().startswith("X("):
            break
        body.append(line.strip().rstrip("\\").strip())
    out = []
    for line in body:
        inner = line[2:line.rindex(")")]
        fields = re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s][^,]*', inner)
        out.append([f.strip().strip('"') for f in fields])
    return out


def sys_json_table(sysrows):
    lines = ["| member | unit | kind | CSV column | meaning |",
             "|--------|------|------|------------|---------|"]
    for r in sysrows:
        field, typ, unit, kind, json, fig, csv, sec, label, doc = r
        lines.append("| `system.%s` | %s | %s | `%s` | %s |" %
                     (json, UNITS[unit], "cumulative" if kind == "CUM" else "now", csv, doc))
    return lines


def proc_json_table(procrows):
    lines = ["| member | unit | also for a real process | meaning |",
             "|--------|------|-------------------------|---------|"]
    for r in procrows:
        field, typ, unit, kind, scope, json, fig, csv, sec, label, doc = r
        lines.append("| `%s` | %s | %s | %s |" %
                     (json, UNITS[unit], "yes" if scope == "COMMON" else "no *(sim)*", doc))
    return lines


def sys_fig_table(sysrows):
    lines = ["| figure | unit | `last.` gives | meaning |",
             "|--------|------|---------------|---------|"]
    for r in sysrows:
        field, typ, unit, kind, json, fig, csv, sec, label, doc = r
        lines.append("| `%s` | %s | %s | %s |" %
                     (fig, FIG_UNITS[unit], "the change" if kind == "CUM" else "the value now",
                      doc))
    return lines


def proc_fig_table(procrows):
    lines = ["| figure | unit | meaning |", "|--------|------|---------|"]
    for r in procrows:
        field, typ, unit, kind, scope, json, fig, csv, sec, label, doc = r
        lines.append("| `P.%s` | %s | %s |" % (fig, FIG_UNITS[unit], doc))
    return lines


def replace(doc, name, lines):
    begin, end = "<!-- stats:%s -->" % name, "<!-- /stats:%s -->" % name
    i, j = doc.index(begin), doc.index(end)
    return doc[:i + len(begin)] + "\n" + "\n".join(lines) + "\n" + doc[j:]


def main():
    check = "--check" in sys.argv[1:]
    text = open(HEADER).read()
    sysrows = rows(text, "VMSIM_SYS_STATS") + rows(text, "VMSIM_SYS_MMU_STATS")
    procrows = rows(text, "VMSIM_PROC_STATS")
    status = 0
    for path, parts in (("docs/FORMATS.md", (("system", sys_json_table(sysrows)),
                                             ("process", proc_json_table(procrows)))),
                        ("docs/SCENARIOS.md", (("figures", sys_fig_table(sysrows)),
                                               ("proc-figures", proc_fig_table(procrows))))):
        old = open(path).read()
        new = old
        for name, lines in parts:
            new = replace(new, name, lines)
        if new != old:
            if check:
                print("%s: the counter tables differ from %s" % (path, HEADER))
                status = 1
            else:
                open(path, "w").write(new)
    return status


if __name__ == "__main__":
    sys.exit(main())
