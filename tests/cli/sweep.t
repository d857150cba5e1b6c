# The points of a spec and their keys, in the order they run.
$ vmsim sweep ../data/sweep-small.sweep --list
0 workload=loop policy=fifo frames=128 rep=0
1 workload=loop policy=fifo frames=256 rep=0
2 workload=loop policy=lru frames=128 rep=0
3 workload=loop policy=lru frames=256 rep=0
4 workload=zipf policy=fifo frames=128 rep=0
5 workload=zipf policy=fifo frames=256 rep=0
6 workload=zipf policy=lru frames=128 rep=0
7 workload=zipf policy=lru frames=256 rep=0
? 0

# A local run on 2 workers: the summary (timing masked), then the CSV
# without its seconds column; a rerun skips every point (resume).
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" -j 2 --quiet | sed "s|$d|D|g; s/[0-9.]* s on/T s on/"; cut -d, -f1-9 "$d/r/results.csv"; "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" | sed "s|$d|D|g"; rm -rf "$d"
8 points: 8 run now (0 failed), 0 done before, T s on 2 workers
results: D/r/results.csv, D/r/results.jsonl
point,workload,policy,frames,rep,status,majors,minors,swap_outs
0,loop,fifo,128,0,ok,256,256,429
1,loop,fifo,256,0,ok,256,256,284
2,loop,lru,128,0,ok,256,256,429
3,loop,lru,256,0,ok,256,256,284
4,zipf,fifo,128,0,ok,1111,255,1287
5,zipf,fifo,256,0,ok,105,255,132
6,zipf,lru,128,0,ok,913,255,1089
7,zipf,lru,256,0,ok,58,255,84
8 points: all done before, nothing to run
results: D/r/results.csv, D/r/results.jsonl
? 0

# The JSON lines: one per point, the same values; the journal has them all.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" >/dev/null && sed 's/"seconds":[0-9.e-]*/"seconds":T/' "$d/r/results.jsonl" | head -n 2; wc -l <"$d/r/journal.jsonl"; rm -rf "$d"
{"point":0,"key":"workload=loop policy=fifo frames=128 rep=0","workload":"loop","settings":{"policy":"fifo","frames":"128"},"rep":0,"status":"ok","error":null,"metrics":{"majors":256,"minors":256,"swap_outs":429},"seconds":T}
{"point":1,"key":"workload=loop policy=fifo frames=256 rep=0","workload":"loop","settings":{"policy":"fifo","frames":"256"},"rep":0,"status":"ok","error":null,"metrics":{"majors":256,"minors":256,"swap_outs":284},"seconds":T}
8
? 0

# A point that fails is recorded with its error and the others go on;
# the status is 1.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-fail.sweep -o "$d/r" -j 2 --quiet >"$d/out"; echo "status $?"; sed "s|$d|D|g; s/[0-9.]* s on/T s on/" "$d/out"; cut -d, -f1-6 "$d/r/results.csv"; rm -rf "$d"
status 1
4 points: 4 run now (2 failed), 0 done before, T s on 2 workers
results: D/r/results.csv, D/r/results.jsonl
point,workload,frames,rep,status,faults
0,trace-bad,128,0,failed,
1,trace-bad,256,0,failed,
2,trace-tiny,128,0,ok,9
3,trace-tiny,256,0,ok,9
2>
vmsim sweep: point 0 failed (workload=trace-bad frames=128 rep=0): ../data/trace-bad.lackey:3:8: expected 8 to 16 hexadecimal digits in the address, found 'q'
vmsim sweep: point 1 failed (workload=trace-bad frames=256 rep=0): ../data/trace-bad.lackey:3:8: expected 8 to 16 hexadecimal digits in the address, found 'q'
? 0

# Resume: the points in a journal are not run again.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" --shard 0/2 >/dev/null && mv "$d/r/shard-0-of-2.jsonl" "$d/r/journal.jsonl" && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" | sed "s|$d|D|g; s/[0-9.]* s on/T s on/"; rm -rf "$d"
8 points: 4 run now (0 failed), 4 done before, T s on 2 workers
results: D/r/results.csv, D/r/results.jsonl
? 0


# SIGINT: the run stops, says how many points are done (status 130), and
# every one of them is in the journal; the rerun does only the rest.
$ d=$(mktemp -d) && { "$VMSIM" sweep ../data/sweep-slow.sweep -o "$d/r" -j 1 >"$d/out" & p=$!; }; for i in $(seq 1 400); do [ -s "$d/r/journal.jsonl" ] && break; sleep 0.05; done; kill -INT $p; wait $p; rc=$?; done=$(sed -n 's/^interrupted: \([0-9]*\) of 30 points are done.*/\1/p' "$d/out"); rows=$(wc -l <"$d/r/journal.jsonl"); "$VMSIM" sweep ../data/sweep-slow.sweep -o "$d/r" >"$d/out2"; [ $rc -eq 130 ] && [ -n "$done" ] && [ "$done" -eq "$rows" ] && [ "$done" -lt 30 ] && grep -q "^30 points: $((30 - done)) run now (0 failed), $done done before" "$d/out2" && [ "$(wc -l <"$d/r/results.jsonl")" -eq 30 ] && echo ok; rm -rf "$d"
ok
? 0


# A point whose run is killed (here by SIGKILL from outside, as a crash
# would end it) is recorded as failed with the signal; the others go on.
# (A child caught while already exiting keeps its result: then try again.)
$ d=$(mktemp -d) && for attempt in 1 2 3 4 5; do rm -rf "$d/r"; { "$VMSIM" sweep ../data/sweep-kill.sweep -o "$d/r" -j 1 >"$d/out" 2>"$d/err" & p=$!; }; for i in $(seq 1 400); do c=$(pgrep -P $p) && break; sleep 0.02; done; kill -KILL $c 2>/dev/null; wait $p; rc=$?; grep -q 'killed by signal' "$d/r/results.jsonl" && break; done; echo "status $rc"; grep -c '"status":"ok"' "$d/r/results.jsonl"; grep -o '"error":"the run was killed by signal 9 ([A-Za-z]*)"' "$d/r/results.jsonl"; grep -c 'failed (workload=random' "$d/err"; rm -rf "$d"
status 1
2
"error":"the run was killed by signal 9 (Killed)"
1
? 0


# Shards: each runs the points P with P mod N = I into its own journal;
# --collect merges them into the same results a local run writes.
$ d=$(mktemp -d) && for i in 0 1 2; do "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/s" --shard $i/3 | sed 's/[0-9.]* s on/T s on/'; done; "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/s" --collect | sed "s|$d|D|g"; "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/l" >/dev/null; for r in s l; do sed 's/"seconds":[0-9.e-]*//' "$d/$r/results.jsonl" >"$d/$r.rows"; done; cmp "$d/s.rows" "$d/l.rows" && echo "same rows"; rm -rf "$d"
shard 0/3: 3 points: 3 run now (0 failed), 0 done before, T s on 1 worker
shard 1/3: 3 points: 3 run now (0 failed), 0 done before, T s on 1 worker
shard 2/3: 2 points: 2 run now (0 failed), 0 done before, T s on 1 worker
collected 8 of 8 points: 8 ok, 0 failed, 0 missing
results: D/s/results.csv, D/s/results.jsonl
same rows
? 0


# --collect names a shard that never ran and one that died (its journal
# lost its last row), with the points they held; the status is 1.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/s" --shard 0/3 >/dev/null && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/s" --shard 2/3 >/dev/null && sed -i '$d' "$d/s/shard-2-of-3.jsonl" && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/s" --collect >"$d/out" 2>&1; echo "status $?"; sed "s|$d|D|g" "$d/out"; rm -rf "$d"
status 1
collected 4 of 8 points: 4 ok, 0 failed, 4 missing
results: D/s/results.csv, D/s/results.jsonl
vmsim sweep: shard 1/3 never ran (no D/s/shard-1-of-3.jsonl): its 3 points are missing: 1, 4, 7
vmsim sweep: shard 2/3 died or is still running: 1 of its 2 points are missing: 5
? 0


# --slurm writes a job array of --shard tasks; --no-submit stops there.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" --slurm --no-submit --partition short --time 10:00 --array-max 2 --shards 3 | sed "s|$d|D|g"; grep '^#SBATCH' "$d/r/sweep.sbatch" | sed "s|$d|D|g"; tail -n 1 "$d/r/sweep.sbatch" | sed "s|$d|D|g; s|'[^']*/vmsim'|VMSIM|; s|'[^']*/sweep-small.sweep'|SPEC|"; cat "$d/r/sweep.shards"; rm -rf "$d"
job script: D/r/sweep.sbatch (3 tasks, 8 points)
#SBATCH --job-name=vmsim-sweep
#SBATCH --array=0-2%2
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=D/r/slurm-%A_%a.out
#SBATCH --partition=short
#SBATCH --time=10:00
exec VMSIM sweep SPEC -o 'D/r' --shard "$SLURM_ARRAY_TASK_ID/3" -j 1 --quiet
3
? 0


# --slurm without sbatch on PATH: a clear message, nothing written.
$ d=$(mktemp -d) && PATH=/nonexistent "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" --slurm; echo "status $?"; ls "$d"; rm -rf "$d"
status 1
2>
vmsim sweep: --slurm: 'sbatch' is not on PATH: run this on a machine of the Slurm cluster (its client commands come with slurm-wlm), or write the job script only with --no-submit
? 0


# --plot without gnuplot: a message and status 1, nothing run (the plots
# themselves, gnuplot installed: plots_gnuplot.t).
$ d=$(mktemp -d) && VMSIM_GNUPLOT=/nonexistent/gnuplot "$VMSIM" sweep ../data/sweep-small.sweep -o "$d/r" --plot majors:frames:policy; rc=$?; ls "$d"; rm -rf "$d"; exit $rc
2>
vmsim sweep: --plot: plots need gnuplot, and '/nonexistent/gnuplot' was not found (install gnuplot-nox, or set VMSIM_GNUPLOT); no plot was drawn, the other outputs are written as usual
? 1


# Bad input: the spec's syntax (file:line:col and what was expected), an
# axis value out of range and an unknown metric path, each before anything
# runs (no results directory), and bad options.
$ d=$(mktemp -d) && "$VMSIM" sweep ../data/sweep-bad-syntax.sweep -o "$d/r"; echo "status $?"; ls "$d"; rm -rf "$d"
status 1
2>
vmsim sweep: ../data/sweep-bad-syntax.sweep:2:13: expected '=' after the axis name, found 'fifo'
? 0

$ vmsim sweep ../data/sweep-bad-value.sweep -o /nonexistent/r
2>
vmsim sweep: ../data/sweep-bad-value.sweep:1:23: axis frames: value '16' rejected: expected at least 64 frames (RAM of 256K), found '16'
? 1

$ vmsim sweep ../data/sweep-bad-metric.sweep -o /nonexistent/r
2>
vmsim sweep: ../data/sweep-bad-metric.sweep:3:16: metric walks: unknown metric path 'system.mmu.walk.walkz': 'system.mmu.walk' has no member 'walkz' (it has walks, mem_refs, refs_per_walk, faults, a_sets, d_sets, dirty_assists, refs_hist, pwc)
? 1

$ vmsim sweep ../data/missing.sweep -o /nonexistent/r
2>
vmsim sweep: cannot open '../data/missing.sweep': No such file or directory
? 1

$ vmsim sweep ../data/sweep-small.sweep
2>
vmsim sweep: expected -o DIR, the results directory
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r -j 0
2>
vmsim sweep: -j: expected a number from 1 to 256, found '0'
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r --shard 3/3
2>
vmsim sweep: --shard '3/3': expected I/N with 0 <= I < N
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r --shard 1/3 --collect
2>
vmsim sweep: --slurm, --shard, --collect and --list exclude each other
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r --time 1:00
2>
vmsim sweep: --partition, --time, --array-max, --shards and --no-submit go with --slurm
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r --plot walks:frames
2>
vmsim sweep: --plot 'walks:frames': expected METRIC:AXIS[:LINES] with a metric and axes of the spec (or 'workload')
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r --plot majors:ram
2>
vmsim sweep: --plot 'majors:ram': expected METRIC:AXIS[:LINES] with a metric and axes of the spec (or 'workload')
? 2

$ vmsim sweep ../data/sweep-small.sweep -o /nonexistent/r
2>
vmsim sweep: -o /nonexistent/r: cannot create the directory: No such file or directory
? 1
