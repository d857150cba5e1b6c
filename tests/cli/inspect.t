# vmsim inspect: real Linux processes in vmsim's terms. The process
# inspected is the shell running each case ($$), so the values change from
# run to run (even its state: it may be running when read): the cases check
# the structure (numbers and sizes replaced by N, runs of blanks squeezed)
# and the relations between the values.
# tests/cli/inspect_real.sh checks exact amounts on a process that touches
# a known number of pages, and frame sharing after fork.

$ vmsim inspect $$ | sed -E 's/state . \([a-z ]+\)/state X (name)/; s/[0-9][0-9.,]*( [KMGTPE]?i?B)?/N/g' | tr -s ' '
pid N (bash) state X (name) ppid N uid N threads N
 VMS N peak N, N VMAs
 RSS N anon N, file N, shmem N; peak N
 PSS N anon N, file N, shmem N
 USS N private clean N, private dirty N
 swap N swap PSS N
 page tables N
 faults N minor, N major
 huge pages THP anon N, shmem N, file N; hugetlb N
? 0

# --maps: a pmap -X style table after the summary, one row per VMA and a total.
$ vmsim inspect --maps $$ | grep -E '^ +(Address|total) ' | sed -E 's/[0-9]+/N/g' | tr -s ' '
 Address Perm Offset Device Inode Size Rss Pss Shared Private Referenced Anonymous AnonHuge Swap Locked THP Mapping (sizes in KiB)
 total N N N N N N N N N N
? 0

# --json: the shared report schema; checked with python3's json module when
# it is there (the same lines are printed without it, so the case passes).
$ if command -v python3 >/dev/null; then "$VMSIM" inspect --json --maps $$ | python3 inspect_check.py $$; else printf 'schema vmsim-report 1 linux\npid matches\nrss = anon + file + shmem\nuss <= pss <= rss\none smaps record per VMA\n'; fi
schema vmsim-report 1 linux
pid matches
rss = anon + file + shmem
uss <= pss <= rss
one smaps record per VMA
? 0

# Errors name the pid; a process that is not there is a failure (1), a bad
# argument a usage error (2).
$ vmsim inspect 2147483647
2>
vmsim inspect: pid 2147483647: no such process
? 1

$ vmsim inspect $$ 2147483647 | sed -n 1p | sed -E 's/state . \([a-z ]+\)/state X (name)/; s/[0-9]+/N/g'
pid N (bash)  state X (name)  ppid N  uid N  threads N
2>
vmsim inspect: pid 2147483647: no such process
? 1

$ vmsim inspect --json 2147483647 | grep -A 4 '"errors"'
  "errors": [
    {
      "pid": 2147483647,
      "error": "SRCH",
      "message": "/proc/2147483647/status: no such process"
2>
vmsim inspect: pid 2147483647: no such process
? 1

$ vmsim inspect
2>
vmsim inspect: no process id given
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect 12x
2>
vmsim inspect: argument 1 '12x': column 3: expected a decimal digit (hexadecimal needs the prefix 0x)
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect 0
2>
vmsim inspect: argument 1 '0': expected a process id from 1 to 2147483647
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect --wss 0 1
2>
vmsim inspect: --wss '0': expected seconds, more than 0 and at most 3600
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect 1 --share
2>
vmsim inspect: option '--share' needs a value
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect --pid 1
2>
vmsim inspect: unknown option '--pid' (see 'vmsim inspect --help')
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 2

$ vmsim inspect --help | sed -n 1p
usage: vmsim inspect [--maps] [--json] [--share PID2] [--wss SECONDS] PID...
? 0
