#!/usr/bin/env bash
# A PostgreSQL 15 primary and a synchronous hot standby on loopback, one data folder each, in the
# shape production uses (Patroni or a managed service does the same steps for you):
#
#   scripts/ha/cluster.sh start   DIR PRIMARY_PORT STANDBY_PORT   # make (once) and start both, wait for sync
#   scripts/ha/cluster.sh stop    DIR                             # stop both (fast shutdown)
#   scripts/ha/cluster.sh promote DIR                             # pg_ctl promote the standby (a failover)
#   scripts/ha/cluster.sh status  DIR PRIMARY_PORT STANDBY_PORT   # who is primary, replication state and lag
#
# DIR/primary is made by initdb (scripts/lib/common.sh pg_start: trust on loopback, superuser
# 'consent', Consent's two roles). DIR/standby is a copy made by `pg_basebackup -R` (it writes
# primary_conninfo and standby.signal) through a physical replication slot, so the primary keeps
# the WAL the standby has not received yet. The standby runs with hot_standby on (read-only
# queries) and cluster_name=consent_standby, the name its WAL receiver reports; the primary lists
# that name in synchronous_standby_names, so with synchronous_commit=on (the default) a commit
# returns only once the standby has flushed its WAL: RPO 0.
# PostgreSQL: https://www.postgresql.org/docs/15/warm-standby.html (26.2.5 streaming replication,
# 26.2.6 replication slots, 26.2.8 synchronous replication) and app-pgbasebackup.html.
#
# The standby's copy is made before synchronous_standby_names is set on the primary (with ALTER
# SYSTEM, into the primary's postgresql.auto.conf only): a promoted standby must not wait for a
# standby of its own that does not exist, or every commit after a failover would hang. After
# `promote` the old standby is a lone primary with asynchronous commits until a new standby is
# attached (what Patroni's non-strict synchronous_mode does too).
#
# Runs PostgreSQL as the postgres user when called as root (runuser). Idempotent: start on a
# running cluster only checks it; stop on a stopped one does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/common.sh

STANDBY_NAME=consent_standby
SLOT=consent_standby_slot

usage() { sed -n '2,9p' "$0" >&2; exit 2; }

psql_at() { psql -h 127.0.0.1 -p "$1" -U consent -d postgres -v ON_ERROR_STOP=1 -tAq -c "$2"; }

running() { [ -f "$1/postmaster.pid" ] && as_pg "$(pg_bindir)/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# wait_until SECONDS WHAT COMMAND...: polls every 0.2 s.
wait_until() {
  local limit="$1" what="$2" deadline; shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then log "not within $limit s: $what"; return 1; fi
    sleep 0.2
  done
}

standby_in_sync() { [ "$(psql_at "$1" "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$STANDBY_NAME' AND sync_state = 'sync' AND state = 'streaming'")" = 1 ]; }

start_standby() { # start_standby DIR PORT
  as_pg "$(pg_bindir)/pg_ctl" -D "$1" -l "$1/server.log" -w -t 60 \
    -o "-p $2 -k $1 -c listen_addresses=127.0.0.1 -c max_connections=300 -c hot_standby=on -c hot_standby_feedback=on -c cluster_name=$STANDBY_NAME" start >/dev/null
}

cmd_start() {
  local dir="$1" pport="$2" sport="$3" bin
  bin="$(pg_bindir)"
  ensure_postgres_installed
  mkdir -p "$dir"
  chmod 755 "$dir"
  # The primary: pg_start initialises it once (trust on loopback, replication allowed by initdb's
  # pg_hba.conf for local connections), starts it and creates Consent's roles.
  if [ -f "$dir/standby/PG_VERSION" ] && [ ! -f "$dir/standby/standby.signal" ] && [ ! -f "$dir/primary/PG_VERSION" ]; then
    log "$dir/standby was promoted and there is no old primary: start it as a lone primary with pg_start, or remove $dir."
    return 1
  fi
  pg_start "$dir/primary" "$pport"
  if [ "$(psql_at "$pport" "SELECT pg_is_in_recovery()")" = t ]; then
    log "$dir/primary is in recovery (a standby): this folder was failed over; remove $dir to start afresh."
    return 1
  fi
  if [ ! -f "$dir/standby/PG_VERSION" ]; then
    # A slot left by an earlier copy of the standby (the folder was removed) would make -C fail.
    psql_at "$pport" "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
    mkdir -p "$dir/standby"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/standby"; fi
    chmod 700 "$dir/standby"
    # -R: standby.signal and primary_conninfo; -C -S: the physical slot; -X stream: WAL during the copy.
    # (Its warnings about the primary's socket files, kept in the data folder, are left out.)
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U consent -D "$dir/standby" -R -X stream -C -S "$SLOT" >/dev/null \
      2> >(grep -v "skipping special file" >&2)
    # The copy came from the primary's data folder: its server.log and pid file are not the standby's.
    as_pg rm -f "$dir/standby/server.log"
  fi
  # Synchronous replication on the primary only (see the header), applied by a reload.
  if [ "$(psql_at "$pport" "SHOW synchronous_standby_names")" != "FIRST 1 ($STANDBY_NAME)" ]; then
    psql_at "$pport" "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 ($STANDBY_NAME)'" >/dev/null
    psql_at "$pport" "SELECT pg_reload_conf()" >/dev/null
  fi
  if ! running "$dir/standby"; then
    start_standby "$dir/standby" "$sport"
  fi
  wait_until 60 "the standby on port $sport streaming and synchronous" standby_in_sync "$pport"
  log "primary 127.0.0.1:$pport ($dir/primary), synchronous hot standby 127.0.0.1:$sport ($dir/standby)"
}

cmd_stop() {
  local dir="$1" node
  for node in standby primary; do
    if running "$dir/$node"; then
      as_pg "$(pg_bindir)/pg_ctl" -D "$dir/$node" -m fast -w -t 60 stop >/dev/null || true
    fi
  done
}

cmd_promote() {
  local dir="$1"
  running "$dir/standby" || { log "the standby in $dir/standby is not running"; return 1; }
  as_pg "$(pg_bindir)/pg_ctl" -D "$dir/standby" -w -t 60 promote >/dev/null
}

cmd_status() {
  local dir="$1" port role
  shift
  for port in "$@"; do
    if role="$(psql_at "$port" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null)"; then
      echo "127.0.0.1:$port $role"
      if [ "$role" = primary ]; then
        psql_at "$port" "SELECT '  replica ' || application_name || ': ' || state || ', ' || sync_state || ', replay lag ' || coalesce(replay_lag::text, '0') FROM pg_stat_replication"
      else
        psql_at "$port" "SELECT '  replay ' || CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'running' END || ', last replayed commit ' || coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 2)::text, '?') || ' s ago'"
      fi
    else
      echo "127.0.0.1:$port down"
    fi
  done
  [ -d "$dir" ] || echo "($dir does not exist)"
}

[ $# -ge 2 ] || usage
command="$1"; shift
case "$command" in
  start) [ $# -eq 3 ] || usage; cmd_start "$@" ;;
  stop) cmd_stop "$1" ;;
  promote) cmd_promote "$1" ;;
  status) [ $# -ge 2 ] || usage; cmd_status "$@" ;;
  *) usage ;;
esac
