#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine, for testing the cluster launcher
# (hydra/launcher=cluster) end to end: tests/experiments/test_system_slurm.py.
#
#   scripts/slurm_single_node.sh start DIR   # install if absent, start munged, slurmctld, slurmd
#   scripts/slurm_single_node.sh stop DIR    # stop what `start DIR` started
#   scripts/slurm_single_node.sh status DIR  # sinfo of the running cluster
#
# Then point SLURM's commands at it: export SLURM_CONF=DIR/slurm.conf PATH=DIR/bin:$PATH
# (DIR/bin holds a `sacct` stand-in: without accounting, submitit's job-state polls are answered
# from squeue). DIR must be new or empty: job ids restart at 1 on a fresh cluster, so state and
# spool folders are never reused. Needs root (the daemons, and apt-get to install Debian's
# slurm-wlm and munge when they are missing); no systemd. Every wait has a wall-clock limit
# (SLURM_WAIT_S, default 30 s); on failure the daemons' logs are shown and the status is 1.
# How it was worked out: ../shared/environment.md (Debian 12, slurm-wlm 22.05).
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"  # the daemons, for a caller whose PATH lacks them
WAIT_S="${SLURM_WAIT_S:-30}"
CTLD_PORT="${SLURMCTLD_PORT:-6817}"
SLURMD_PORT="${SLURMD_PORT:-6818}"

die() { echo "slurm_single_node: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|status DIR"; }

# wait_for SECONDS DESCRIPTION CHECK...: run CHECK (a function of this script, each of its
# commands under `timeout`) every 0.2 s until it succeeds.
wait_for() {
    local limit="$1" what="$2"
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            echo "slurm_single_node: no $what after ${limit} s" >&2
            return 1
        fi
        sleep 0.2
    done
}

install_packages() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null \
        && return 0
    command -v apt-get >/dev/null || die "slurm-wlm and munge are missing and there is no apt-get"
    local install=(apt-get install -y -qq --no-install-recommends slurm-wlm munge)
    if ! DEBIAN_FRONTEND=noninteractive timeout 300 "${install[@]}" </dev/null >/dev/null; then
        timeout 300 apt-get update -qq </dev/null >/dev/null
        DEBIAN_FRONTEND=noninteractive timeout 300 "${install[@]}" </dev/null >/dev/null
    fi
}

munge_works() { timeout 10 munge -n </dev/null | timeout 10 unmunge >/dev/null; }

start_munge() {
    if munge_works 2>/dev/null; then
        return 0  # a munged is already running: share it, leave it running at stop
    fi
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        chown munge:munge /etc/munge/munge.key
        chmod 400 /etc/munge/munge.key
    fi
    # munged runs as the munge user and needs its socket folder first (no systemd to make it).
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    chmod 755 /run/munge
    runuser -u munge -- /usr/sbin/munged
    touch "$DIR/munged.started"
    wait_for "$WAIT_S" "working munged (munge -n | unmunge)" munge_works
}

write_config() {
    local node
    node="$(slurmd -C | head -n 1)"  # NodeName=... CPUs=...; the second line is UpTime=
    [[ "$node" == NodeName=* ]] || die "unexpected 'slurmd -C' output: $node"
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/bin"
    cat >"$DIR/slurm.conf" <<CONF
# Written by scripts/slurm_single_node.sh: a single-node cluster on 127.0.0.1, no cgroups,
# no accounting.
ClusterName=burnoutsim
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
MinJobAge=3600
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    # submitit polls `sacct -o JobID,State,NodeList --parsable2 -j ID ...`; without accounting
    # it is answered from squeue (finished jobs stay listed for MinJobAge seconds).
    cat >"$DIR/bin/sacct" <<'SACCT'
#!/bin/sh
# sacct stand-in (scripts/slurm_single_node.sh): JobID|State|NodeList of the -j jobs, from squeue.
ids=""
while [ $# -gt 0 ]; do
    case "$1" in
        -j) ids="${ids:+$ids,}$2"; shift 2 ;;
        -j*) ids="${ids:+$ids,}${1#-j}"; shift ;;
        *) shift ;;
    esac
done
echo "JobID|State|NodeList"
[ -n "$ids" ] || exit 0
squeue -h -r --states=all -j "$ids" -o '%i|%T|%N' 2>/dev/null || true
SACCT
    chmod 755 "$DIR/bin/sacct"
}

node_idle() { [[ "$(timeout 10 sinfo -h -o %T)" == idle* ]]; }
controller_up() { timeout 10 scontrol ping | grep -q UP; }

show_logs() {
    for log in "$DIR"/log/*.log; do
        [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
    return 1
}

start() {
    if [[ -d "$DIR" ]] && [[ -n "$(ls -A "$DIR")" ]]; then
        die "$DIR is not empty: use a fresh folder (job ids restart at 1)"
    fi
    [[ $EUID -eq 0 ]] || die "needs root (the SLURM daemons, apt-get)"
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    install_packages
    start_munge
    write_config
    export SLURM_CONF="$DIR/slurm.conf"
    timeout 10 slurmctld -i -f "$SLURM_CONF" || show_logs || die "slurmctld did not start"
    wait_for "$WAIT_S" "controller (scontrol ping)" controller_up || show_logs || exit 1
    timeout 10 slurmd -f "$SLURM_CONF" || show_logs || die "slurmd did not start"
    wait_for "$WAIT_S" "idle node (sinfo)" node_idle || show_logs || exit 1
    echo "SLURM_CONF=$DIR/slurm.conf PATH=$DIR/bin:\$PATH"
}

# stop_daemon NAME PIDFILE: SIGTERM, then SIGKILL if it is still there after WAIT_S.
stop_daemon() {
    local name="$1" pidfile="$2" pid
    [[ -s "$pidfile" ]] || return 0
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || return 0
    local deadline=$((SECONDS + WAIT_S))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            echo "slurm_single_node: $name ($pid) still running after ${WAIT_S} s: SIGKILL" >&2
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
}

no_jobs_left() { [[ -z "$(timeout 10 squeue -h -t PENDING,RUNNING,COMPLETING -o %i)" ]]; }

stop() {
    [[ -d "$DIR" ]] || return 0
    if [[ -s "$DIR/slurmctld.pid" ]] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
        # Jobs' steps outlive slurmd: cancel what is left (a test that timed out) first.
        export SLURM_CONF="$DIR/slurm.conf"
        timeout 10 scancel --partition=debug || true
        wait_for "$WAIT_S" "end of the cancelled jobs (squeue)" no_jobs_left || true
    fi
    stop_daemon slurmd "$DIR/slurmd.pid"  # the node first, then the controller
    stop_daemon slurmctld "$DIR/slurmctld.pid"
    if [[ -f "$DIR/munged.started" ]]; then
        stop_daemon munged /run/munge/munged.pid
        rm -f "$DIR/munged.started"
    fi
}

[[ $# -eq 2 ]] || usage
DIR="$2"
case "$1" in
    start) start ;;
    stop) stop ;;
    status) SLURM_CONF="$DIR/slurm.conf" timeout 10 sinfo ;;
    *) usage ;;
esac
