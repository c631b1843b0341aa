#!/usr/bin/env bash
# Cold start: process launch to the first 200 from /health/ready, migrations already applied.
# Starts a PostgreSQL of its own, lets the service migrate and seed once, then starts it RUNS more
# times (default 7), each a new process, and prints the wall time and the CPU time (user + system)
# the process used until ready, each with its median. On a shared machine the wall time follows
# the other load; the CPU time hardly does. Loopback only.
#   benchmarks/startup/run.sh                   Development, as scripts/run.sh runs it
#   DEMO_ACCOUNTS=0 benchmarks/startup/run.sh   without the demo accounts' password reset (as in Production)
#   READY_TO_RUN=1 benchmarks/startup/run.sh    a ReadyToRun publish (dotnet publish -r linux-x64
#                                               -p:PublishReadyToRun=true) instead of the JIT build
#   OWNER_AT_START=0 benchmarks/startup/run.sh  timed starts without the owner role's connection
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${STARTUP_PORT:-18581}"
PG_PORT="${STARTUP_PG_PORT:-18533}"
RUNS="${RUNS:-7}"
WORK="$(mktemp -d /tmp/consent-startup.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
# A signal (Ctrl+C, a closed pipe) becomes a normal exit, so the EXIT trap stops what was started.
trap 'exit 130' INT TERM HUP PIPE

machine_line
build_web_release
if [ "${READY_TO_RUN:-0}" = 1 ]; then
  dotnet publish src/Consent.Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$WORK/publish" -nologo -v quiet >&2
  export SERVICE_DLL="$WORK/publish/Consent.Web.dll"
fi
bench_pg_start "$WORK/pg" "$PG_PORT"
bench_database "$PG_PORT" consent_startup
CONNECTION="$BENCH_CONNECTION"
export CONSENT_DEMO_PASSWORD="startup-test-password-1" CONSENT_DATA_DIR="$WORK/data"

# First start: applies the migrations, syncs the workflows, makes the demo accounts. Not timed.
service_start "$WORK/first.log" "$PORT" "$CONNECTION"
wait_ready "$PORT" 120 || { tail -20 "$WORK/first.log" >&2; exit 1; }
service_stop
[ "${DEMO_ACCOUNTS:-1}" = 1 ] || CONSENT_DEMO_PASSWORD=""
# Timed starts are given the owner's connection too (they check for migrations and grant again), as
# docker-compose.yml's are; OWNER_AT_START=0 leaves it out, as after a separate 'migrate'.
[ "${OWNER_AT_START:-1}" = 1 ] || OWNER_CONNECTION=""

walls=()
cpus=()
ticks="$(getconf CLK_TCK)"
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  service_start "$WORK/run-$i.log" "$PORT" "$CONNECTION"
  if ! wait_ready "$PORT" 60; then
    tail -20 "$WORK/run-$i.log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  walls+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.0f", ns / 1e6 }')")
  cpus+=("$(awk -v hz="$ticks" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$SERVICE_PID/stat")")
  service_stop
done
echo "cold start to /health/ready, wall ms: ${walls[*]}"
echo "cold start to /health/ready, CPU ms:  ${cpus[*]}"
echo "median: $(printf '%s\n' "${walls[@]}" | median) ms wall, $(printf '%s\n' "${cpus[@]}" | median) ms CPU over $RUNS runs" \
  "(demo accounts: ${DEMO_ACCOUNTS:-1}, ReadyToRun: ${READY_TO_RUN:-0}, owner at start: ${OWNER_AT_START:-1})"
machine_line
