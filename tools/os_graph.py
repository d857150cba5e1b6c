#!/usr/bin/env python3
"""Who calls whom among the kernel's files (src/os/), through kernel.h.

kernel.h is sectioned by the file that defines the functions it declares
("/* ---- fault.c ---- */"). An edge Y -> X means src/os/Y calls a function
of X's section. Each section's "Called from the other os/ files: ..." line
must list exactly the files with an edge into it.

    tools/os_graph.py SRC_DIR            print the graph (Y -> X ...)
    tools/os_graph.py SRC_DIR --check    exit 1 when a section's callers
                                         line differs from the code
"""
import collections
import os
import re
import sys


def graph(src):
    header = open(os.path.join(src, 'os', 'kernel.h')).read()
    parts = re.split(r'/\* ---- (\w+\.c) -+ \*/', header)
    declared, stated = {}, {}
    for k in range(1, len(parts), 2):
        name, body = parts[k], parts[k + 1]
        path = os.path.join(src, 'os', name)
        code = open(path).read() if os.path.exists(path) else ''
        calls = set(re.findall(r'\b([a-z_][a-z0-9_]*)\s*\(', body))
        declared[name] = {n for n in calls
                          if re.search(r'^[a-z].*\b' + n + r'\s*\([^;]*$', code, re.M)}
        m = re.match(r'\s*/\* Called from the other os/ files: ([^.]*(?:\.c[^.]*)*)\. \*/',
                     body.replace('\n *', ''))
        stated[name] = sorted(m.group(1).replace(',', ' ').split()) if m else []
    edges = collections.defaultdict(set)
    for y in sorted(os.listdir(os.path.join(src, 'os'))):
        if not y.endswith('.c'):
            continue
        code = open(os.path.join(src, 'os', y)).read()
        for x, names in declared.items():
            if x != y and any(re.search(r'\b' + n + r'\s*\(', code) for n in names):
                edges[y].add(x)
    return edges, declared, stated


def main():
    src = sys.argv[1]
    edges, declared, stated = graph(src)
    if '--check' not in sys.argv:
        for y in sorted(edges):
            print(y, '->', ' '.join(sorted(edges[y])))
        return 0
    bad = 0
    for x in sorted(declared):
        callers = sorted(y for y in edges if x in edges[y])
        if callers != stated[x]:
            print('kernel.h section %s: callers are %s, the header says %s'
                  % (x, ' '.join(callers) or 'none', ' '.join(stated[x]) or 'none'))
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
