#!/bin/sh
# vmsim sweep on a real Slurm: this test starts a single-node cluster on
# this machine, submits a 6-point sweep as a job array, waits for it,
# collects the shards, compares the rows with a local run of the same spec
# (identical apart from the timing field), and stops the cluster.
#
#   sh tests/cli/sweep_slurm.sh /path/to/vmsim
#
# The cluster: munged as the munge user with a key generated here, then
# slurmctld and slurmd started directly (no systemd), with a generated
# slurm.conf (SlurmUser=root, proctrack/linuxproc, task/none, no
# accounting, one node with this machine's CPUs) on ports of their own.
# Everything lives in one temporary directory, removed at the end with
# the daemons (stopped by their pids, never by name).
#
# Exit status: 0 passed, 1 failed, 77 skipped (not root, or slurm-wlm or
# munge missing: the message says which).

VMSIM=$1
here=$(cd "$(dirname "$0")" && pwd)
case $VMSIM in
/*) ;;
*) VMSIM=$(pwd)/$VMSIM ;;
esac

skip() {
	echo "sweep_slurm: skipped: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (it starts munged, slurmctld and slurmd)"
for prog in munged slurmctld slurmd sbatch squeue sinfo runuser; do
	PATH=$PATH:/usr/sbin:/sbin command -v $prog >/dev/null ||
		skip "'$prog' is missing (install slurm-wlm and munge: apt-get install -y slurm-wlm munge)"
done
getent passwd munge >/dev/null || skip "there is no munge user (install munge)"
PATH=$PATH:/usr/sbin:/sbin

t=$(mktemp -d /tmp/vmsim-slurm.XXXXXX) || exit 1
chmod 755 "$t"
munged_pid=
ctld_pid=
slurmd_pid=
cleanup() {
	[ -n "$slurmd_pid" ] && kill "$slurmd_pid" 2>/dev/null
	[ -n "$ctld_pid" ] && kill "$ctld_pid" 2>/dev/null
	[ -n "$slurmd_pid" ] && wait "$slurmd_pid" 2>/dev/null
	[ -n "$ctld_pid" ] && wait "$ctld_pid" 2>/dev/null
	if [ -s "$t/munge/munged.pid" ]; then
		munged_pid=$(cat "$t/munge/munged.pid")
		kill "$munged_pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$munged_pid" 2>/dev/null || break
			sleep 0.2
		done
	fi
	rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
	echo "sweep_slurm: FAIL: $*"
	for log in slurmctld.log slurmd.log munge/munged.log; do
		if [ -s "$t/$log" ]; then
			echo "--- last lines of $log"
			tail -n 15 "$t/$log"
		fi
	done
	exit 1
}

# ---- munge: a key of our own, the munge user, a socket of our own
mkdir -p "$t/munge"
dd if=/dev/urandom of="$t/munge/munge.key" bs=1024 count=1 2>/dev/null
chown -R munge "$t/munge"
chmod 700 "$t/munge"
chmod 400 "$t/munge/munge.key"
runuser -u munge -- munged --key-file="$t/munge/munge.key" --socket="$t/munge/munge.socket" \
	--pid-file="$t/munge/munged.pid" --log-file="$t/munge/munged.log" \
	--seed-file="$t/munge/munged.seed" --force ||
	fail "munged did not start"

# ---- slurm.conf: one node with this machine's CPUs
host=$(hostname -s)
cpus=$(nproc)
port=$((20000 + $$ % 20000))
mkdir -p "$t/state" "$t/spool"
cat >"$t/slurm.conf" <<EOF
ClusterName=vmsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$t/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/slurmctld.log
SlurmdLogFile=$t/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmdTimeout=60
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_CONF=$t/slurm.conf
export SLURM_CONF

start=$(date +%s.%N)
slurmctld -D -i -f "$t/slurm.conf" >"$t/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$t/slurm.conf" -N "$host" >"$t/slurmd.out" 2>&1 &
slurmd_pid=$!
up=
for _ in $(seq 1 150); do
	state=$(sinfo -h -n "$host" -o %T 2>/dev/null)
	if [ "$state" = idle ]; then
		up=$(date +%s.%N)
		break
	fi
	kill -0 "$ctld_pid" 2>/dev/null || fail "slurmctld exited: $(cat "$t/slurmctld.out")"
	kill -0 "$slurmd_pid" 2>/dev/null || fail "slurmd exited: $(cat "$t/slurmd.out")"
	sleep 0.2
done
[ -n "$up" ] || fail "the node is not idle after 30 s (sinfo says '$state')"
echo "sweep_slurm: node $host idle after $(awk "BEGIN { printf \"%.1f\", $up - $start }") s ($cpus CPUs)"

# ---- the sweep: 6 points as a job array, then --collect
cat >"$t/six.sweep" <<EOF
axis policy = fifo lru clock
axis frames = 128 256
workload gen 1M write zipf alpha=0.9 count=4000 as zipf
metric majors = system.faults.major
metric minors = system.faults.minor
metric walks = system.mmu.walk.walks
EOF
"$VMSIM" sweep "$t/six.sweep" -o "$t/cluster" --slurm >"$t/submit.out" 2>&1 ||
	fail "vmsim sweep --slurm: $(cat "$t/submit.out")"
cat "$t/submit.out"
job=$(sed -n 's/^submitted job array \([0-9]*\):.*/\1/p' "$t/submit.out")
[ -n "$job" ] || fail "no job id in: $(cat "$t/submit.out")"
for _ in $(seq 1 600); do
	[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
	sleep 0.3
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] || fail "job $job still queued after 180 s: $(squeue -j "$job")"
ntask=$(ls "$t/cluster"/shard-*-of-6.jsonl 2>/dev/null | wc -l)
[ "$ntask" -eq 6 ] || fail "expected 6 shard journals, found $ntask: $(ls "$t/cluster"; cat "$t/cluster"/slurm-*.out)"
"$VMSIM" sweep "$t/six.sweep" -o "$t/cluster" --collect >"$t/collect.out" 2>&1 ||
	fail "vmsim sweep --collect: $(cat "$t/collect.out")"
cat "$t/collect.out"
grep -q "^collected 6 of 6 points: 6 ok, 0 failed, 0 missing" "$t/collect.out" ||
	fail "collect did not find the 6 points"

# ---- the same spec locally: the same rows, apart from the time taken
"$VMSIM" sweep "$t/six.sweep" -o "$t/local" --quiet >"$t/local.out" 2>&1 ||
	fail "local run: $(cat "$t/local.out")"
for r in cluster local; do
	sed 's/,"seconds":[0-9.e-]*//' "$t/$r/results.jsonl" >"$t/$r.rows"
	cut -d, -f1-9 "$t/$r/results.csv" >"$t/$r.csv"
done
cmp -s "$t/cluster.rows" "$t/local.rows" ||
	fail "the cluster's rows differ from the local ones: $(diff "$t/cluster.rows" "$t/local.rows")"
cmp -s "$t/cluster.csv" "$t/local.csv" || fail "the CSV files differ"
[ "$(wc -l <"$t/cluster.rows")" -eq 6 ] || fail "expected 6 rows"
echo "sweep_slurm: 6 points on Slurm (job $job) = 6 points locally: passed"
exit 0
