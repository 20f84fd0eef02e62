#!/usr/bin/env bash
# Proves on this machine that a sharded batch runs as a real Slurm job array
# and merges into exactly the bytes of one process.
#
#   bash scripts/slurm-smoke.sh
#
# As root, with apt reachable (CI runs it on a fresh Debian machine):
#   1. installs Debian's slurmctld, slurmd, slurm-client and munge (no
#      recommends) if they are missing;
#   2. starts, in a temporary directory, a munged of its own (as the munge
#      user, with its own key and socket) and a single-node cluster on
#      127.0.0.1 (proctrack/linuxproc, task/none, no accounting);
#   3. submits scripts/slurm/shards.sbatch as a 4-task array of
#      `ceasefire run --shard K/4`, then one of `ceasefire sweep --shard K/4`,
#      waits for each, merges the shards, and checks every CSV against a
#      single-process run, byte for byte;
#   4. stops every daemon it started, by PID, on every exit path.
# Every wait has a time limit. Nothing outside the temporary directory is
# touched except the apt packages.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARDS=4
RUNS=${SMOKE_RUNS:-8000}
SEED=7
PORT_CTLD=${SMOKE_PORT:-16817}
PORT_D=$((PORT_CTLD + 1))
started=$SECONDS

say() { echo "slurm-smoke: $*"; }
die() { echo "slurm-smoke: FAILED: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts daemons)"

# 1. Packages.
need=()
for pkg in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the packages' own services from starting (this script starts the
    # daemons it needs itself), unless the machine already has a policy.
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
    fi
    install_ok=1
    timeout 600 apt-get update -qq && \
        timeout 900 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || install_ok=
    [[ -n $own_policy ]] && rm -f "$policy"
    [[ -n $install_ok ]] || die "apt-get could not install ${need[*]}"
fi

# 2. The binary, and the reference: the same batch in one process.
say "building ceasefire (release)"
cargo build --locked --release --quiet
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/ceasefire

work=$(mktemp -d /tmp/ceasefire-slurm.XXXXXX)
chmod 755 "$work"
pids=()
stop_daemons() {
    local status=$?
    local i
    # Newest first: slurmd, slurmctld, then munged.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if ((status != 0)); then
        for log in "$work"/*.log "$work"/jobs/*.out; do
            [[ -f "$log" ]] && { echo "---- $log"; tail -n 30 "$log"; }
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

# Waits until "$@" succeeds, for at most $1 seconds.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what: not ready after ${limit}s"
        sleep 0.5
    done
}

VARY="--vary monitoring.detection=0.5:0.9:3"
say "reference: $RUNS runs, and a sweep of 3 points × $RUNS runs, in one process"
"$bin" run --runs "$RUNS" --seed "$SEED" --out "$work/single" --quiet >/dev/null
# shellcheck disable=SC2086 # VARY is two words
"$bin" sweep $VARY --runs "$RUNS" --seed "$SEED" --out "$work/single-sweep" --quiet >/dev/null

# 3. munge: own key, socket, pid, log and seed, as the munge user.
mkdir -p "$work/munge"
chown munge:munge "$work/munge"
chmod 711 "$work/munge"   # munged wants its socket's directory searchable by all
setpriv --reuid=munge --regid=munge --init-groups \
    mungekey --create --keyfile="$work/munge/munge.key"
socket=$work/munge/munge.socket
setpriv --reuid=munge --regid=munge --init-groups \
    munged --foreground --socket="$socket" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" \
    --seed-file="$work/munge/munged.seed" >>"$work/munged.log" 2>&1 &
pids+=($!)
wait_for 20 "munged" test -S "$socket"

# 4. A one-node cluster on 127.0.0.1.
mkdir -p "$work/ctld" "$work/d" "$work/jobs" "$work/shards"
conf=$work/slurm.conf
cat >"$conf" <<EOF
ClusterName=ceasefire-smoke
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$PORT_CTLD
SlurmdPort=$PORT_D
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$work/ctld
SlurmdSpoolDir=$work/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=smoke Nodes=localhost Default=YES MaxTime=30 State=UP
EOF
export SLURM_CONF=$conf

slurmctld -D -i -f "$conf" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
wait_for 30 "slurmctld" scontrol ping
slurmd -D -N localhost -f "$conf" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
node_idle() { [[ $(sinfo -h -n localhost -o %t) == idle ]]; }
wait_for 60 "node localhost" node_idle
say "cluster up: $(sinfo -h -o '%P %D %t %c CPUs')"

# 5. The job arrays (a batch, then a sweep), and the merges.
# Submits scripts/slurm/shards.sbatch as an array of $SHARDS tasks with the
# environment "$@" and waits for it; the shards go to $work/$name.
submit() {
    local name=$1
    shift
    say "submitting a $SHARDS-task array: $name"
    (
        cd "$work/jobs"
        env "$@" CEASEFIRE="$bin" RUNS="$RUNS" SEED="$SEED" OUT="$work/$name" \
            timeout 300 sbatch --wait --array=1-$SHARDS --time=10 \
            "$OLDPWD/scripts/slurm/shards.sbatch"
    ) || die "the $name job array failed or timed out"
    "$bin" merge "$work/$name"/shard-*-of-$SHARDS --out "$work/merged-$name" >/dev/null
}
same() {
    local a=$1 b=$2
    shift 2
    for f in "$@"; do
        cmp "$work/$a/$f" "$work/$b/$f" || die "$f of the merged shards differs from one process"
    done
}

submit shards COMMAND=run
for ((k = 1; k <= SHARDS; k++)); do
    test -s "$work/shards/shard-$k-of-$SHARDS/tally.json" || die "shard $k/$SHARDS wrote no tally"
done
same single merged-shards runs.csv daily.csv curves.csv daily_metrics.csv summary.csv
submit sweep-shards COMMAND=sweep EXTRA="$VARY"
same single-sweep merged-sweep-shards sweep.csv points.csv
say "OK: $SHARDS-task Slurm arrays (run and sweep) merged equal one process byte for byte ($((SECONDS - started))s)"
