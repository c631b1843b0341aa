#!/usr/bin/env bash
# Fault tests: real service processes, a real PostgreSQL, real failures. Prints one line of
# figures per scenario and exits non-zero if anything acknowledged was lost or answered wrongly, or
# if a scenario proved nothing (no load, no completed session, no record job; see fault/check.py).
# Nothing waits a fixed time for something to happen: each wait polls for its condition up to a
# generous limit (wait_for) and fails, saying what did not happen.
#   (a) kill -9 the service during a load of patient submissions, restart it
#   (b) stop PostgreSQL for 10 s during load: 503 + Retry-After, recovery within 5 s
#   (c) two service processes on one database, clients alternating between them
# Run by scripts/test.sh; by hand: scripts/fault-tests.sh [scenario...]   (default: a b c)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/lib/common.sh

SCENARIOS=("${@:-a b c}")
read -r -a SCENARIOS <<< "${SCENARIOS[*]}"
# Below Linux's ephemeral port range, and past any port another run still listens on (free_port).
PG_PORT="$(free_port "${CONSENT_FAULT_PG_PORT:-25490}")"
PORT_A="$(free_port "${CONSENT_FAULT_PORT_A:-$((PG_PORT + 1))}")"
PORT_B="$(free_port "${CONSENT_FAULT_PORT_B:-$((PORT_A + 1))}")"
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
  pg_stop "$WORK/pg"
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_postgres_installed
[ -f "$DLL" ] || dotnet build src/Consent.Web -c Release -nologo -v quiet
pg_start "$WORK/pg" "$PG_PORT" || exit 1

start_node() { # start_node PORT DATABASE LOG -> echoes pid
  if ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN; then
    echo "port $1 is already in use; a leftover service would answer instead" >&2
  fi
  ConnectionStrings__Consent="$(consent_connection "$PG_PORT" "$2" "$CONSENT_APP_ROLE")" \
    ConnectionStrings__ConsentOwner="$(consent_connection "$PG_PORT" "$2" "$CONSENT_OWNER_ROLE")" \
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
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d "$1" -tAc "$2"; }
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

audit() { # audit DATABASE
  ConnectionStrings__Consent="$(consent_connection "$PG_PORT" "$1" "$CONSENT_APP_ROLE")" ASPNETCORE_ENVIRONMENT=Development \
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

for s in "${SCENARIOS[@]}"; do
  echo "Scenario $s" >&2
  "scenario_$s" > "$OUT/$s-result.txt" 2>&1
  status=$?
  cat "$OUT/$s-result.txt"
  result "fault scenario $s" "$status"
done

echo "fault tests: $(( ${#SCENARIOS[@]} - failures )) passed, $failures failed"
[ "$failures" -eq 0 ]
