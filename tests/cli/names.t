# Names agree across outputs: a process the workload named (a scenario's
# A and B, a trace of several run together) carries its name next to its
# pid in the JSON report and the CSV header, as the text report shows it.

# The text report of ex09 names A and B.
$ vmsim run ex09-shared-dataset | grep -E '^ +[12] [AB] ' | awk '{print $1, $2}' | sort -u
1 A
2 B
? 0

# JSON: every process object has "name" (null where the workload gave none).
$ vmsim run ex09-shared-dataset --json - 2>/dev/null | python3 -c 'import json,sys; print([(p["pid"], p["name"]) for p in json.load(sys.stdin)["processes"]])'
[(1, 'A'), (2, 'B')]
? 0

$ vmsim run ../data/trace-tiny.lackey --json - 2>/dev/null | python3 -c 'import json,sys; print([(p["pid"], p["name"]) for p in json.load(sys.stdin)["processes"]])'
[(1, None)]
? 0

# Several traces at once: each process is named after its trace.
$ vmsim run ../data/trace-tiny.lackey ../../data/sort.vmt --json - 2>/dev/null | python3 -c 'import json,sys; print([(p["pid"], p["name"]) for p in json.load(sys.stdin)["processes"]])'
[(1, 'trace-tiny.lackey'), (2, 'sort.vmt')]
? 0

# CSV: the RSS column of a named process is rss_PID_NAME, of another rss_PID.
$ vmsim run ex09-shared-dataset --csv - 2>/dev/null | sed -n 1p | tr , '\n' | grep '^rss_'
rss_total
rss_1_A
rss_2_B
? 0

$ vmsim run ../data/trace-tiny.lackey --csv - 2>/dev/null | sed -n 1p | tr , '\n' | grep '^rss_'
rss_total
rss_1
? 0
