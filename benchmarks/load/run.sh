#!/usr/bin/env bash
# Load test: patient step submissions through the real service against the database's own limit.
#
# Builds Release, starts a PostgreSQL of its own (port LOAD_PG_PORT, folder under /tmp) and the
# service (Development environment, port LOAD_PORT), seeds sessions through the API up to their
# first disclosure, then for 32 and 128 connections: wrk drives disclosure acknowledgments
# (POST /api/v1/patient/{token}/steps/{stepId}, bearer ticket, Idempotency-Key) for DURATION
# seconds, and pgbench runs the same SQL work as one submission (submission.sql, prepared: the
# database's limit) with as many clients for as long; then, for the record, every statement the
# service really sends per submission, in its round trips (submission-full.sql; FULL_SQL=0 skips it). REPEATS rounds,
# medians printed; the ratios pair each service run with the pgbench run right after it.
# Loopback only; every run is bounded in time and stops by itself.
#
#   benchmarks/load/run.sh                        3 rounds of 30 s runs (about 15 minutes)
#   REPEATS=1 DURATION=5 benchmarks/load/run.sh   a quick smoke
#   CONNECTION_EXTRA=';Max Auto Prepare=32' ...   appends to the service's connection string (experiments)
#   PG_SOCKET=1 benchmarks/load/run.sh            the service and pgbench both reach PostgreSQL over its
#                                                 Unix-domain socket instead of loopback TCP
#   LOAD_DATABASE=consent_10m LOAD_PG_PORT=29000 LOAD_DATA_DIR=DIR CONSENT_DEMO_PASSWORD=P ...
#                                                 runs against a pre-filled database (generate-history, PERFORMANCE 12) on a
#                                                 PostgreSQL already running there, instead of a new one; the seeded
#                                                 sessions and the submissions are added to it (docs/PERFORMANCE.md, 12)
#   LOAD_CONNECTIONS=32 ...                       only these connection counts (default "32 128")
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${LOAD_PORT:-18580}"
PG_PORT="${LOAD_PG_PORT:-18532}"
DURATION="${DURATION:-30}"
REPEATS="${REPEATS:-3}"
read -r -a CONNECTIONS <<<"${LOAD_CONNECTIONS:-32 128}"
THREADS=2
apt_ensure wrk wrk pgbench postgresql-contrib
ensure_postgres_installed

WORK="$(mktemp -d /tmp/consent-load.XXXXXX)"
chmod 755 "$WORK"
DATABASE="${LOAD_DATABASE:-consent_load}"
cleanup() { service_stop; [ -n "${LOAD_DATABASE:-}" ] || pg_stop "$WORK/pg"; [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
# A signal (Ctrl+C, a closed pipe) becomes a normal exit, so the EXIT trap stops what was started.
trap 'exit 130' INT TERM HUP PIPE

machine_line
dotnet build src/Consent.Web -c Release -nologo -v quiet >&2
dotnet build benchmarks/Consent.Benchmarks -c Release -nologo -v quiet >&2
TOOL="$BENCH_ROOT/benchmarks/Consent.Benchmarks/bin/Release/net10.0/Consent.Benchmarks"

[ -n "${LOAD_DATABASE:-}" ] || bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" "$DATABASE"
# PG_SOCKET=1: the service and pgbench alike connect through the cluster's Unix-domain socket (in its
# folder, pg_start's -k), so the ratio still compares the same transport on both sides. Only for the
# cluster this script starts (not with LOAD_DATABASE).
PG_HOST=127.0.0.1
if [ "${PG_SOCKET:-0}" = 1 ]; then
  PG_HOST="$(pg_socket_dir "$WORK/pg" "$PG_PORT")" || { log "No Unix-domain socket in $WORK/pg."; exit 1; }
  BENCH_CONNECTION="${BENCH_CONNECTION/Host=127.0.0.1/Host=$PG_HOST}"
  OWNER_CONNECTION="${OWNER_CONNECTION/Host=127.0.0.1/Host=$PG_HOST}"
fi
echo "PostgreSQL reached over: $([ "$PG_HOST" = 127.0.0.1 ] && echo "loopback TCP" || echo "Unix-domain socket")"
export CONSENT_DEMO_PASSWORD="${CONSENT_DEMO_PASSWORD:-load-test-password-1}" CONSENT_DATA_DIR="${LOAD_DATA_DIR:-$WORK/data}"
# Seeding verifies thousands of patients from one address: the per-address date-of-birth limit is
# raised for this run. The per-link limit on patient requests (the path measured) stays as shipped.
# The service runs as the runtime role; pgbench below runs as the superuser (privileges cost nothing there).
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION${CONNECTION_EXTRA:-}" \
  RateLimits__PatientVerifyPerMinute=1000000 RateLimits__LoginPerMinute=1000 \
  ${LOAD_DATABASE:+Audit__IntervalMinutes=0}  # a pre-filled database: the periodic full audit would run through the measurement
if ! wait_ready "$PORT" 120; then
  log "The service did not become ready; its log:"
  tail -20 "$WORK/service.log" >&2
  exit 1
fi
BASE="http://127.0.0.1:$PORT"

# seed N FILE: N more sessions waiting at their first disclosure; steps.tsv lists the disclosures.
seed() { "$TOOL" seed "$BASE" "$1" "$2" "$WORK/steps.tsv" >&2; }

# pgbench writes to the sessions this run seeds, as the service does: on a pre-filled database (LOAD_DATABASE) a
# random pick among all 390,000 sessions of a ten-million-event history would write all over the tables' and
# indexes' pages, which no clinic's traffic does (submissions go to sessions under way); at ten million events that
# made pgbench four times slower than the service's own writes to new sessions (docs/PERFORMANCE.md, section 12).
SINCE="$("${PSQL[@]}" -d "$DATABASE" -c "SELECT now()")"
# Warm-up, not reported: tiered JIT and dynamic PGO keep compiling for the first ~20 s of load.
seed 400 "$WORK/warm.tsv"
LOAD_RUN=warm LOAD_SESSIONS="$WORK/warm.tsv" LOAD_STEPS="$WORK/steps.tsv" LOAD_THREADS=$THREADS \
  wrk -t$THREADS -c32 -d20s --timeout 10s -s benchmarks/load/submit.lua "$BASE" >/dev/null
STEPS="$(wc -l < "$WORK/steps.tsv")"

# run_pgbench CLIENTS SCRIPT MODE LABEL: one bounded pgbench run; appends tps, p50/p99 and failures.
run_pgbench() {
  rm -f "$WORK"/pgbench_log*
  pgbench -h "$PG_HOST" -p "$PG_PORT" -U consent -n -M "$3" -c "$1" -j $THREADS -T "$DURATION" \
    -D sessions="$sessions" -f "$2" -l --log-prefix="$WORK/pgbench_log" "$DATABASE" >"$WORK/pgbench.out" 2>&1 ||
    { cat "$WORK/pgbench.out" >&2; exit 1; }
  local tps failed p50 p99
  tps="$(awk '/^tps = / { printf "%.1f", $3; exit }' "$WORK/pgbench.out")"
  failed="$(awk -F'[ :]+' '/number of failed transactions/ { print $5; exit }' "$WORK/pgbench.out")"
  # Per-transaction log: column 3 is the latency in microseconds.
  read -r p50 p99 < <(cat "$WORK"/pgbench_log* | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000 }')
  echo "$4 tps=$tps p50_ms=$p50 p99_ms=$p99 failed=${failed:-0}" | tee -a "$RESULTS"
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"
# A first guess above what this machine reaches; a run that used up its sessions doubles it.
declare -A RATE=([32]=4000 [128]=4000)
for round in $(seq 1 "$REPEATS"); do
  for c in "${CONNECTIONS[@]}"; do
    # Enough sessions for the requests expected (last measured rate, +50%) and at least 16 per
    # connection, so a session comes round again only long after its previous answer.
    need=$(awk -v r="${RATE[$c]}" -v d="$DURATION" -v s="$STEPS" -v c="$c" \
      'BEGIN { n = int(r * d * 1.5 / s) + 1; m = 16 * c; print (n > m ? n : m) }')
    seed "$need" "$WORK/sessions-$round-$c.tsv"
    "${PSQL[@]}" -d "$DATABASE" -c "DROP TABLE IF EXISTS bench_ids" \
      -c "CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id, link_token_hash FROM consent_sessions WHERE created_at >= '$SINCE'" \
      -c "ALTER TABLE bench_ids ADD PRIMARY KEY (n)" -c "VACUUM ANALYZE" >/dev/null
    sessions="$("${PSQL[@]}" -d "$DATABASE" -c "SELECT count(*) FROM bench_ids")"
    load="$(cut -d' ' -f1 /proc/loadavg)"

    line="$(LOAD_RUN="r$round-c$c" LOAD_SESSIONS="$WORK/sessions-$round-$c.tsv" LOAD_STEPS="$WORK/steps.tsv" LOAD_THREADS=$THREADS \
      wrk -t$THREADS -c"$c" -d"${DURATION}s" --timeout 10s -s benchmarks/load/submit.lua "$BASE" | grep '^WRK ')"
    rps="$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")"
    RATE[$c]="$rps"
    if grep -q 'pool_exhausted_threads=[1-9]' <<<"$line"; then
      log "round $round, $c connections: the seeded sessions ran out; this run's rate is a lower bound."
      RATE[$c]="$(awk -v r="$need" -v d="$DURATION" -v s="$STEPS" 'BEGIN { print int(r * s / d * 2) }')"
    fi
    echo "service c=$c round=$round load=$load $line" | tee -a "$RESULTS"

    run_pgbench "$c" benchmarks/load/submission.sql prepared "pgbench c=$c round=$round load=$load PGB"
    if [ "${FULL_SQL:-1}" = 1 ]; then
      run_pgbench "$c" benchmarks/load/submission-full.sql prepared "pgbench-full c=$c round=$round load=$load PGB"
    fi
  done
done

field() { sed -E "s/.* $1=([0-9.]+).*/\1/"; }
echo
echo "medians over $REPEATS round(s) of ${DURATION}s; submissions = disclosure acknowledgments"
printf '%-6s %-9s %10s %9s %9s %8s\n' conns what "per sec" "p50 ms" "p99 ms" "errors (most in a round)"
for c in "${CONNECTIONS[@]}"; do
  svc="$(grep "^service c=$c " "$RESULTS")"
  pgb="$(grep "^pgbench c=$c " "$RESULTS")"
  printf '%-6s %-9s %10s %9s %9s %8s\n' "$c" service \
    "$(field rps <<<"$svc" | median)" "$(field p50_ms <<<"$svc" | median)" "$(field p99_ms <<<"$svc" | median)" \
    "$(field errors <<<"$svc" | sort -n | tail -1)"
  printf '%-6s %-9s %10s %9s %9s %8s\n' "$c" pgbench \
    "$(field tps <<<"$pgb" | median)" "$(field p50_ms <<<"$pgb" | median)" "$(field p99_ms <<<"$pgb" | median)" \
    "$(field failed <<<"$pgb" | sort -n | tail -1)"
  if full="$(grep "^pgbench-full c=$c " "$RESULTS")"; then
    printf '%-6s %-9s %10s %9s %9s %8s\n' "$c" "full SQL" \
      "$(field tps <<<"$full" | median)" "$(field p50_ms <<<"$full" | median)" "$(field p99_ms <<<"$full" | median)" \
      "$(field failed <<<"$full" | sort -n | tail -1)"
  fi
done
machine_line
# Each round's ratio pairs a service run with the pgbench run right after it (same machine load).
for c in "${CONNECTIONS[@]}"; do
  paste <(grep "^service c=$c " "$RESULTS" | field rps) <(grep "^pgbench c=$c " "$RESULTS" | field tps) |
    awk '{ print $1 / $2 }' | median | awk -v c="$c" '{ printf "ratio at %d connections: %.2f\n", c, $1 }'
done
