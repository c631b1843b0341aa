#!/usr/bin/env bash
# Fault tests: real service processes, a real PostgreSQL, real failures. Prints one line of
# figures per scenario and exits non-zero if anything acknowledged was lost or answered wrongly, or
# if a scenario proved nothing (no load, no completed session, no record job; see fault/check.py).
# Nothing waits a fixed time for something to happen: each wait polls for its condition up to a
# generous limit (wait_for) and fails, saying what did not happen.
#   (a) kill -9 the service during a load of patient submissions, restart it
#   (b) stop PostgreSQL for 10 s during load: 503 + Retry-After, recovery within 5 s
#   (c) two service processes on one database, clients alternating between them
# On a primary and a synchronous hot standby (scripts/ha/cluster.sh), the service writing through a
# multi-host connection string (Target Session Attributes=read-write) and reading for the auditor
# through a second one (prefer-standby):
#   (d) kill -9 the primary under load, then pg_ctl promote the standby: the service finds the new
#       primary by itself; prints the time from the kill to the first success
#   (e) kill -9 the synchronous standby under load for 10 s: writes wait Database:SynchronousCommitTimeoutSeconds,
#       then 503 + Retry-After (never 500, nothing acknowledged lost); the standby returns, writes resume
#   (f) pause the standby's replay under load: the auditor's searches, timelines and exports stay
#       correct by the staleness rule (fault/auditor.py checks each answer against the primary)
# Run by scripts/test.sh; by hand: scripts/fault-tests.sh [scenario...]   (default: a b c d e f)
# Ports: CONSENT_FAULT_PG_PORT (default 25490), CONSENT_FAULT_PORT_A and _B (the services, default the
# next two), CONSENT_FAULT_HA_PORT (the primary of d-f, default PG port + 10; its standby the next one).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/lib/common.sh

SCENARIOS=("${@:-a b c d e f}")
read -r -a SCENARIOS <<< "${SCENARIOS[*]}"
# Below Linux's ephemeral port range, and past any port another run still listens on (free_port).
PG_PORT="$(free_port "${CONSENT_FAULT_PG_PORT:-25490}")"
PORT_A="$(free_port "${CONSENT_FAULT_PORT_A:-$((PG_PORT + 1))}")"
PORT_B="$(free_port "${CONSENT_FAULT_PORT_B:-$((PORT_A + 1))}")"
HA_PRIMARY_PORT="$(free_port "${CONSENT_FAULT_HA_PORT:-$((PG_PORT + 10))}")"
HA_STANDBY_PORT="$(free_port "$((HA_PRIMARY_PORT + 1))")"
SECONDS_OF_LOAD="${CONSENT_FAULT_SECONDS:-20}"
PASSWORD="fault-test-password-1"
WORK="$(mktemp -d /tmp/consent-fault.XXXXXX)"
chmod 755 "$WORK"
OUT="${CONSENT_FAULT_OUT:-$ROOT/tests/test-output/fault}"
mkdir -p "$OUT"
DLL="$ROOT/src/Consent.Web/bin/Release/net10.0/Consent.Web.dll"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for cluster in "$WORK"/ha-*; do [ -d "$cluster" ] && scripts/ha/cluster.sh stop "$cluster"; done
  pg_stop "$WORK/pg"
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_postgres_installed
[ -f "$DLL" ] || dotnet build src/Consent.Web -c Release -nologo -v quiet
pg_start "$WORK/pg" "$PG_PORT" || exit 1

# The scenarios on the replicated pair set these (ha_connections); the others use the one cluster.
NODE_CONSENT="" NODE_OWNER="" NODE_READ=""
start_node() { # start_node PORT DATABASE LOG -> echoes pid
  if ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN; then
    echo "port $1 is already in use; a leftover service would answer instead" >&2
  fi
  ConnectionStrings__Consent="${NODE_CONSENT:-$(consent_connection "$PG_PORT" "$2" "$CONSENT_APP_ROLE")}" \
    ConnectionStrings__ConsentOwner="${NODE_OWNER:-$(consent_connection "$PG_PORT" "$2" "$CONSENT_OWNER_ROLE")}" \
    ConnectionStrings__ConsentRead="$NODE_READ" \
    ASPNETCORE_ENVIRONMENT=Development CONSENT_DEMO_PASSWORD="$PASSWORD" CONSENT_DATA_DIR="$WORK/data" \
    CONSENT_REPOSITORY_ROOT="$ROOT" RateLimits__PatientRequestsPerMinute=100000 RateLimits__LoginPerMinute=100000 \
    RateLimits__PatientVerifyPerMinute=100000 Audit__IntervalMinutes=0 \
    nohup dotnet "$DLL" --urls "http://127.0.0.1:$1" --contentRoot "$ROOT/src/Consent.Web" >> "$3" 2>&1 &
  echo $!
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds; after SECONDS it
# says what did not happen and fails.
wait_for() {
  local limit="$1" what="$2" deadline; shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "  not within $limit s: $what" >&2
      return 1
    fi
    sleep 0.2
  done
}

ready() { curl -fsS "http://127.0.0.1:$1/health/ready"; }
port_free() { ! ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN; }
# SQL_PORT: the cluster the scenario's checks read (the primary of the moment in d-f).
sql() { psql -h 127.0.0.1 -p "${SQL_PORT:-$PG_PORT}" -U consent -d "$1" -tAc "$2"; }
events_at_least() { [ "$(sql "$1" "SELECT count(*) FROM consent_events")" -ge "$2" ]; }
# completed_since DATABASE EPOCH: a session was countersigned after that moment (the load reached the restarted node).
completed_since() { [ "$(sql "$1" "SELECT count(*) FROM consent_sessions WHERE completed_at > to_timestamp($2)")" -ge 1 ]; }
records_done() { [ "$(sql "$1" "SELECT count(*) FROM outbox_jobs WHERE kind = 'issue-record' AND completed_at IS NULL")" = 0 ]; }

wait_ready() { # wait_ready PORT: the node answers /health/ready (the hosts allow 90 s)
  wait_for 90 "the node on port $1 ready" ready "$1"
}

# The load is under way: enough events written that a fault now interrupts real work.
wait_for_load() { wait_for 90 "the load under way (100 events in $1)" events_at_least "$1" 100; }

# Every record job the load caused has run (on a node still up), so --records can judge them.
wait_for_records() { wait_for 90 "every record job in $1 done" records_done "$1" || true; }

stop_node() { # stop_node PID PORT: stop a node and wait until its port is free again
  kill "$1" 2>/dev/null
  wait_for 10 "node $1 stopped" port_free "$2" && return 0
  kill -9 "$1" 2>/dev/null
  wait_for 30 "port $2 free after kill -9" port_free "$2"
}

new_database() { # owned by the owner role; the nodes run as the runtime role
  pg_consent_roles "$PG_PORT" "$1"
}

audit() { # audit DATABASE [PORT]
  ConnectionStrings__Consent="$(consent_connection "${2:-$PG_PORT}" "$1" "$CONSENT_APP_ROLE")" ASPNETCORE_ENVIRONMENT=Development \
    CONSENT_REPOSITORY_ROOT="$ROOT" CONSENT_DATA_DIR="$WORK/data" dotnet "$DLL" audit --contentRoot "$ROOT/src/Consent.Web" | grep -v "^info:"
}

failures=0
result() { # result NAME STATUS
  if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

scenario_a() {
  new_database fault_a
  local pid; pid=$(start_node "$PORT_A" fault_a "$OUT/a-service.log"); PIDS+=("$pid")
  wait_ready "$PORT_A" || { echo "node did not start"; return 1; }
  # The load runs until a session completes on the restarted node (or 300 s): a restart that is slow on
  # a busy machine must not leave the load over before the node is back, with nothing to judge.
  local enough="$WORK/a-enough"
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A" --password "$PASSWORD" \
    --seconds 300 --until-file "$enough" --workers 6 --out "$OUT/a-summary.json" > "$OUT/a-load.txt" &
  local load=$!
  wait_for_load fault_a || { touch "$enough"; wait "$load"; return 1; }
  kill -9 "$pid"
  echo "  killed the service (kill -9) under load; restarting" >&2
  wait_for 30 "port $PORT_A free after kill -9" port_free "$PORT_A"
  pid=$(start_node "$PORT_A" fault_a "$OUT/a-service.log"); PIDS+=("$pid")
  # The restarted node must come back; the check then wants a 2xx answered after this moment.
  wait_ready "$PORT_A" || { echo "the restarted node never became ready"; touch "$enough"; wait "$load"; return 1; }
  local restarted; restarted=$(date +%s.%N)
  wait_for 240 "a session completed after the restart" completed_since fault_a "$restarted"
  touch "$enough"
  wait "$load"
  wait_for_records fault_a # the outbox finishes what the restart picked up
  stop_node "$pid" "$PORT_A"
  python3 scripts/fault/check.py "$OUT/a-summary.json" "$PG_PORT" fault_a "(a) kill -9 under load" --records --after "$restarted" \
    && audit fault_a
}

scenario_b() {
  new_database fault_b
  local pid; pid=$(start_node "$PORT_A" fault_b "$OUT/b-service.log"); PIDS+=("$pid")
  wait_ready "$PORT_A" || { echo "node did not start"; return 1; }
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A" --password "$PASSWORD" \
    --seconds "$SECONDS_OF_LOAD" --workers 6 --out "$OUT/b-summary.json" > "$OUT/b-load.txt" &
  local load=$!
  wait_for_load fault_b || { wait "$load"; return 1; }
  local down; down=$(date +%s.%N)
  as_pg "$(pg_bindir)/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null
  echo "  stopped PostgreSQL under load for 10 s" >&2
  sleep 10 # the outage itself (what the scenario is), not a wait for something to happen
  as_pg "$(pg_bindir)/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  local up; up=$(date +%s.%N)
  wait "$load"
  wait_for_records fault_b # jobs that failed while the database was away run again after their back-off
  stop_node "$pid" "$PORT_A"
  python3 scripts/fault/check.py "$OUT/b-summary.json" "$PG_PORT" fault_b "(b) database away 10 s" --outage "$down" "$up" --records \
    && audit fault_b
}

scenario_c() {
  new_database fault_c
  local a b
  a=$(start_node "$PORT_A" fault_c "$OUT/c-node-a.log"); PIDS+=("$a")
  wait_ready "$PORT_A" || { echo "node A did not start"; return 1; }
  b=$(start_node "$PORT_B" fault_c "$OUT/c-node-b.log"); PIDS+=("$b")
  wait_ready "$PORT_B" || { echo "node B did not start"; return 1; }
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" --password "$PASSWORD" \
    --seconds "$SECONDS_OF_LOAD" --workers 6 --out "$OUT/c-summary.json" > "$OUT/c-load.txt"
  wait_for_records fault_c # both nodes' outbox workers drain the record jobs
  stop_node "$a" "$PORT_A"
  stop_node "$b" "$PORT_B"
  # One record per completed session, always checked; no record job at all is a failure too.
  python3 scripts/fault/check.py "$OUT/c-summary.json" "$PG_PORT" fault_c "(c) two nodes, alternating" --records && audit fault_c
}

# ha_connections DATABASE: the nodes' connection strings on the replicated pair. Writes and the owner's
# migrations go to whichever host is the primary (read-write); the auditor's reads prefer the standby.
# https://www.npgsql.org/doc/failover-and-load-balancing.html
ha_connections() {
  local hosts="127.0.0.1:$HA_PRIMARY_PORT,127.0.0.1:$HA_STANDBY_PORT" standby_first="127.0.0.1:$HA_STANDBY_PORT,127.0.0.1:$HA_PRIMARY_PORT"
  NODE_CONSENT="Host=$hosts;Database=$1;Username=$CONSENT_APP_ROLE;Target Session Attributes=read-write"
  NODE_OWNER="Host=$hosts;Database=$1;Username=$CONSENT_OWNER_ROLE;Target Session Attributes=read-write"
  NODE_READ="Host=$standby_first;Database=$1;Username=$CONSENT_APP_ROLE;Target Session Attributes=prefer-standby"
}

ha_start() { # ha_start NAME DATABASE: a fresh primary and synchronous standby in $WORK/ha-NAME, with DATABASE
  scripts/ha/cluster.sh start "$WORK/ha-$1" "$HA_PRIMARY_PORT" "$HA_STANDBY_PORT" || return 1
  pg_consent_roles "$HA_PRIMARY_PORT" "$2"
  ha_connections "$2"
}

kill_postgres() { # kill_postgres DATA_DIR: kill -9 the postmaster and every backend it started (a machine gone)
  local postmaster children
  postmaster="$(head -1 "$1/postmaster.pid")"
  children="$(pgrep -P "$postmaster" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill -9 "$postmaster" $children
}

scenario_d() {
  local SQL_PORT="$HA_PRIMARY_PORT" dir="$WORK/ha-d"
  ha_start d fault_d || { echo "the replicated pair did not start"; return 1; }
  local pid; pid=$(start_node "$PORT_A" fault_d "$OUT/d-service.log"); PIDS+=("$pid")
  wait_ready "$PORT_A" || { echo "node did not start"; return 1; }
  local enough="$WORK/d-enough"
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A" --password "$PASSWORD" \
    --seconds 120 --until-file "$enough" --workers 6 --out "$OUT/d-summary.json" > "$OUT/d-load.txt" &
  local load=$!
  wait_for_load fault_d || { touch "$enough"; wait "$load"; return 1; }
  local killed promoted
  kill_postgres "$dir/primary"
  killed=$(date +%s.%N)
  # What Patroni does once it has decided the primary is gone (after its TTL; here at once).
  scripts/ha/cluster.sh promote "$dir" || { echo "the standby was not promoted"; touch "$enough"; wait "$load"; return 1; }
  promoted=$(date +%s.%N)
  echo "  killed the primary (kill -9) under load; promoted the standby in $(python3 -c "print(f'{$promoted - $killed:.2f}')") s" >&2
  SQL_PORT="$HA_STANDBY_PORT"
  wait_for 120 "a session completed after the failover" completed_since fault_d "$killed"
  touch "$enough"
  wait "$load"
  wait_for_records fault_d
  stop_node "$pid" "$PORT_A"
  python3 scripts/fault/check.py "$OUT/d-summary.json" "$HA_STANDBY_PORT" fault_d "(d) primary killed, standby promoted" --records \
    --after "$killed" --failover "$killed" "$promoted" \
    && audit fault_d "$HA_STANDBY_PORT"
  local status=$?
  scripts/ha/cluster.sh stop "$dir"
  return "$status"
}

scenario_e() {
  local SQL_PORT="$HA_PRIMARY_PORT" dir="$WORK/ha-e"
  ha_start e fault_e || { echo "the replicated pair did not start"; return 1; }
  # The default policy, Database:SynchronousCommit=on with the default timeout: wait, then 503.
  local pid; pid=$(start_node "$PORT_A" fault_e "$OUT/e-service.log"); PIDS+=("$pid")
  wait_ready "$PORT_A" || { echo "node did not start"; return 1; }
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A" --password "$PASSWORD" \
    --seconds "$SECONDS_OF_LOAD" --workers 6 --out "$OUT/e-summary.json" > "$OUT/e-load.txt" &
  local load=$!
  wait_for_load fault_e || { wait "$load"; return 1; }
  local down up
  kill_postgres "$dir/standby"
  down=$(date +%s.%N)
  echo "  killed the synchronous standby (kill -9) under load for 10 s" >&2
  sleep 10 # the outage itself (what the scenario is), not a wait for something to happen
  scripts/ha/cluster.sh start "$dir" "$HA_PRIMARY_PORT" "$HA_STANDBY_PORT" \
    || { echo "the standby did not come back"; wait "$load"; return 1; }
  up=$(date +%s.%N)
  wait "$load"
  wait_for_records fault_e
  stop_node "$pid" "$PORT_A"
  python3 scripts/fault/check.py "$OUT/e-summary.json" "$HA_PRIMARY_PORT" fault_e "(e) synchronous standby away 10 s" --outage "$down" "$up" --records \
    && audit fault_e "$HA_PRIMARY_PORT"
  local status=$?
  scripts/ha/cluster.sh stop "$dir"
  return "$status"
}

scenario_f() {
  local SQL_PORT="$HA_PRIMARY_PORT" dir="$WORK/ha-f"
  ha_start f fault_f || { echo "the replicated pair did not start"; return 1; }
  local pid; pid=$(start_node "$PORT_A" fault_f "$OUT/f-service.log"); PIDS+=("$pid")
  wait_ready "$PORT_A" || { echo "node did not start"; return 1; }
  python3 scripts/fault/load.py --nodes "http://127.0.0.1:$PORT_A" --password "$PASSWORD" \
    --seconds "$SECONDS_OF_LOAD" --workers 6 --out "$OUT/f-summary.json" > "$OUT/f-load.txt" &
  local load=$!
  wait_for_load fault_f || { wait "$load"; return 1; }
  # The auditor reads all along: before the pause (the standby serves), during it (stale within the
  # limit, then the primary), after it.
  python3 scripts/fault/auditor.py --node "http://127.0.0.1:$PORT_A" --password "$PASSWORD" --pg-port "$HA_PRIMARY_PORT" \
    --database fault_f --seconds "$SECONDS_OF_LOAD" --max-lag 5 --out "$OUT/f-auditor.json" > "$OUT/f-auditor.txt" &
  local auditor=$!
  sleep 3 # reads while the standby keeps up
  local paused resumed
  psql -h 127.0.0.1 -p "$HA_STANDBY_PORT" -U consent -d postgres -tAqc "SELECT pg_wal_replay_pause()" >/dev/null
  paused=$(date +%s.%N)
  echo "  paused the standby's replay under load for 12 s" >&2
  sleep 12 # the lag itself: longer than Database:MaxReadLagSeconds (5)
  psql -h 127.0.0.1 -p "$HA_STANDBY_PORT" -U consent -d postgres -tAqc "SELECT pg_wal_replay_resume()" >/dev/null
  resumed=$(date +%s.%N)
  wait "$auditor"
  local auditor_status=$?
  wait "$load"
  wait_for_records fault_f
  stop_node "$pid" "$PORT_A"
  python3 scripts/fault/check.py "$OUT/f-summary.json" "$HA_PRIMARY_PORT" fault_f "(f) standby replay paused 12 s" --records \
    && python3 scripts/fault/auditor.py --judge "$OUT/f-auditor.json" --paused "$paused" "$resumed" --max-lag 5 \
    && [ "$auditor_status" -eq 0 ] && audit fault_f "$HA_PRIMARY_PORT"
  local status=$?
  scripts/ha/cluster.sh stop "$dir"
  return "$status"
}

for s in "${SCENARIOS[@]}"; do
  echo "Scenario $s" >&2
  "scenario_$s" > "$OUT/$s-result.txt" 2>&1
  status=$?
  cat "$OUT/$s-result.txt"
  result "fault scenario $s" "$status"
done

echo "fault tests: $(( ${#SCENARIOS[@]} - failures )) passed, $failures failed"
[ "$failures" -eq 0 ]
