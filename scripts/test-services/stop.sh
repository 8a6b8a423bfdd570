#!/usr/bin/env bash
# stop.sh DIR [--purge] — stop every service started by start.sh DIR
# (by the PIDs in DIR/pids; PostgreSQL via pg_ctl). --purge also deletes DIR.
set -uo pipefail
DIR=${1:?usage: $0 DIR [--purge]}; [ -d "$DIR" ] || exit 0; DIR=$(cd "$DIR" && pwd)
log() { echo "[test-services] $*" >&2; }
# alive and not a zombie (orphans are reparented to PID 1, which may reap them late)
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st:0:1}" != Z ]; }
if [ -f "$DIR/pids/pg.pid" ] && [ -f "$DIR/pg/data/postmaster.pid" ]; then
  BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null 2>&1 && log "pg stopped"
fi
for f in "$DIR"/pids/*.pid; do
  [ -f "$f" ] || continue; n=$(basename "$f" .pid); pid=$(cat "$f")
  if running "$pid"; then
    # each service was started with setsid => it leads its own process group; signal that group
    # (takes forked children such as smbd/sshd workers along), else just the PID
    t0=$(date +%s); tgt=$pid; [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] && tgt=-$pid
    kill -TERM -- "$tgt" 2>/dev/null
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.1; done
    running "$pid" && { log "$n ($pid) ignored SIGTERM, sending SIGKILL"; kill -KILL -- "$tgt" 2>/dev/null; }
    log "$n ($pid) stopped in $(( $(date +%s) - t0 ))s"
  fi
  rm -f "$f"
done
[ "${2:-}" = "--purge" ] && rm -rf "$DIR" && log "purged $DIR"
exit 0
