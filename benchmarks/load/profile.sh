#!/usr/bin/env bash
# Profile of the service under submission load: where its CPU goes.
#
# Builds Release, starts a PostgreSQL of its own and the service (as benchmarks/load/run.sh does),
# seeds sessions, warms up, then drives patient step submissions with wrk at CONNECTIONS
# connections while dotnet-trace samples the service's CPU for SECONDS seconds. Prints the top
# methods by exclusive and by inclusive time; the .nettrace file is kept under OUT (open it in
# PerfView or `dotnet-trace convert --format speedscope` for a flame graph).
#
#   benchmarks/load/profile.sh                     32 connections, 15 s of samples
#   CONNECTIONS=128 SAMPLE_SECONDS=10 benchmarks/load/profile.sh
#   TRACE_CPU=0 benchmarks/load/profile.sh         only the CPU split (service, PostgreSQL) per submission
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${LOAD_PORT:-18581}"
PG_PORT="${LOAD_PG_PORT:-18533}"
CONNECTIONS="${CONNECTIONS:-32}"
SECONDS_SAMPLED="${SAMPLE_SECONDS:-15}"
OUT="${OUT:-$BENCH_ROOT/benchmarks/load/profiles}"
TOP="${TOP:-40}"
THREADS=2
apt_ensure wrk wrk
ensure_postgres_installed
# dotnet-trace only for the trace; TRACE_CPU=0 (the CPU split alone) needs nothing more.
if [ "${TRACE_CPU:-1}" = 1 ] && ! command -v dotnet-trace >/dev/null && [ ! -x "$HOME/.dotnet/tools/dotnet-trace" ]; then
  dotnet tool install --global dotnet-trace --version 10.0.750501 >&2
fi
TRACE="$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")"

WORK="$(mktemp -d /tmp/consent-profile.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

machine_line
dotnet build src/Consent.Web -c Release -nologo -v quiet >&2
dotnet build benchmarks/Consent.Benchmarks -c Release -nologo -v quiet >&2
TOOL="$BENCH_ROOT/benchmarks/Consent.Benchmarks/bin/Release/net10.0/Consent.Benchmarks"

bench_pg_start "$WORK/pg" "$PG_PORT"
bench_database "$PG_PORT" consent_load
export CONSENT_DEMO_PASSWORD="load-test-password-1" CONSENT_DATA_DIR="$WORK/data"
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION${CONNECTION_EXTRA:-}" \
  RateLimits__PatientVerifyPerMinute=1000000 RateLimits__LoginPerMinute=1000
wait_ready "$PORT" 120 || { tail -20 "$WORK/service.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"

drive() { # drive RUN SESSIONS_FILE SECONDS
  LOAD_RUN="$1" LOAD_SESSIONS="$2" LOAD_STEPS="$WORK/steps.tsv" LOAD_THREADS=$THREADS \
    wrk -t$THREADS -c"$CONNECTIONS" -d"$3s" --timeout 10s -s benchmarks/load/submit.lua "$BASE" | grep '^WRK '
}
"$TOOL" seed "$BASE" 400 "$WORK/warm.tsv" "$WORK/steps.tsv" >&2
drive warm "$WORK/warm.tsv" 20 >/dev/null
"$TOOL" seed "$BASE" $((16 * CONNECTIONS > 1200 ? 16 * CONNECTIONS : 1200)) "$WORK/sessions.tsv" "$WORK/steps.tsv" >&2

# cpu_ticks PID...: user+system clock ticks used so far by these processes.
cpu_ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
pg_pids() { pgrep -u postgres -d' ' postgres || true; }

# Where the machine's CPU goes per submission, without the profiler: service, PostgreSQL, wrk.
hz="$(getconf CLK_TCK)"
"$TOOL" seed "$BASE" $((16 * CONNECTIONS > 3000 ? 16 * CONNECTIONS : 3000)) "$WORK/split.tsv" "$WORK/steps.tsv" >&2
drive split "$WORK/split.tsv" 12 >"$WORK/split.out" &
WRK_PID=$!
sleep 1
pgs="$(pg_pids)"
# shellcheck disable=SC2086
read -r s0 p0 < <(echo "$(cpu_ticks "$SERVICE_PID") $(cpu_ticks $pgs)")
sleep 10
# shellcheck disable=SC2086
read -r s1 p1 < <(echo "$(cpu_ticks "$SERVICE_PID") $(cpu_ticks $pgs)")
wait "$WRK_PID"
rps="$(sed -E 's/.* rps=([0-9.]+).*/\1/' "$WORK/split.out")"
cat "$WORK/split.out"
awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$hz" -v rps="$rps" 'BEGIN {
  n = rps * 10
  printf "CPU per submission: service %.3f ms, PostgreSQL %.3f ms; cores busy: service %.2f, PostgreSQL %.2f\n",
    s / hz * 1000 / n, p / hz * 1000 / n, s / hz / 10, p / hz / 10 }'
# The service's resident memory now, with every session of this run in its state cache.
awk '/^VmRSS|^VmHWM/ { printf "%s %.0f MiB  ", $1, $2 / 1024 } END { print "(service)" }' "/proc/$SERVICE_PID/status"
[ "${TRACE_CPU:-1}" = 1 ] || exit 0

mkdir -p "$OUT"
file="$OUT/submissions-c$CONNECTIONS-$(date +%Y%m%d-%H%M%S).nettrace"
drive profiled "$WORK/sessions.tsv" $((SECONDS_SAMPLED + 4)) &
WRK_PID=$!
sleep 2
"$TRACE" collect -p "$SERVICE_PID" --profile dotnet-sampled-thread-time,dotnet-common --duration "00:00:00:$(printf '%02d' "$SECONDS_SAMPLED")" \
  -o "$file" >/dev/null
wait "$WRK_PID"
echo "trace: $file"
echo "--- top $TOP by exclusive time"
"$TRACE" report "$file" topN -n "$TOP"
echo "--- top $TOP by inclusive time"
"$TRACE" report "$file" topN -n "$TOP" --inclusive
