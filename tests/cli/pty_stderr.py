#!/usr/bin/env python3
"""Run a command with its standard error on a pseudo-terminal (as in an
interactive shell) and its standard output on a pipe, as a script would
have it: print what the terminal showed, one line per redraw (the text
between carriage returns and newlines, blank ones left out), then
"stdout:" and the bytes standard output got, then "status: N".

usage: pty_stderr.py [--both] COMMAND [ARG...]

With --both standard output is on the terminal too (a user watching a
scenario's print lines): then "stdout:" counts nothing.
"""
import os
import pty
import subprocess
import sys


def main():
    args = sys.argv[1:]
    both = args[:1] == ["--both"]
    if both:
        args = args[1:]
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                         stdout=slave if both else subprocess.PIPE, stderr=slave)
    os.close(slave)
    term = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        term += chunk
    out = b"" if both else p.stdout.read()
    status = p.wait()
    os.close(master)
    for piece in term.replace(b"\r", b"\n").split(b"\n"):
        if piece.strip():
            sys.stdout.write(piece.decode(errors="replace").rstrip() + "\n")
    sys.stdout.write("stdout: %d bytes, %d carriage returns\n" % (len(out), out.count(b"\r")))
    sys.stdout.write("status: %d\n" % status)


main()
