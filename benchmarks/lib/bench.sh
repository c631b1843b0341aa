# Shared by the benchmark scripts: repository root, build, a throwaway PostgreSQL and the service.
# shellcheck shell=bash
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
. "$BENCH_ROOT/scripts/lib/common.sh"

# median: reads numbers one per line, prints the median (the lower middle one for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

machine_line() {
  printf 'machine: %s cores, %s memory, %s; load: %s\n' "$(nproc)" \
    "$(free -h | awk '/^Mem:/ { print $2 }')" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

build_web_release() {
  dotnet build "$BENCH_ROOT/src/Consent.Web" -c Release -nologo -v quiet >&2
}

# bench_pg_start DIR PORT: a PostgreSQL of its own under DIR (made traversable for 'postgres').
bench_pg_start() {
  local dir="$1" port="$2"
  mkdir -p "$(dirname "$dir")"
  chmod 755 "$(dirname "$dir")"
  ensure_postgres_installed
  pg_start "$dir" "$port"
}

# bench_database PORT NAME: a database owned by the owner role (scripts/lib/common.sh); sets
# BENCH_CONNECTION, the runtime role's connection string to give service_start, and OWNER_CONNECTION,
# which service_start passes as ConnectionStrings__ConsentOwner so that start-up migrates as the owner.
bench_database() {
  pg_consent_roles "$1" "$2"
  BENCH_CONNECTION="$(consent_connection "$1" "$2" "$CONSENT_APP_ROLE")"
  OWNER_CONNECTION="$(consent_connection "$1" "$2" "$CONSENT_OWNER_ROLE")"
}

# service_start LOG PORT CONNECTION [extra env assignments...]: starts the Release build in the
# Development environment (demo accounts, workflows approved) and sets SERVICE_PID. SERVICE_DLL
# runs another build of the service (benchmarks/startup/run.sh uses it for a ReadyToRun publish).
service_start() {
  local log="$1" port="$2" connection="$3"
  shift 3
  env ConnectionStrings__Consent="$connection" ConnectionStrings__ConsentOwner="${OWNER_CONNECTION-}" ASPNETCORE_ENVIRONMENT=Development \
    CONSENT_DEMO_PASSWORD="${CONSENT_DEMO_PASSWORD-}" CONSENT_DATA_DIR="${CONSENT_DATA_DIR:?}" \
    CONSENT_REPOSITORY_ROOT="$BENCH_ROOT" "$@" \
    dotnet "${SERVICE_DLL:-$BENCH_ROOT/src/Consent.Web/bin/Release/net10.0/Consent.Web.dll}" \
    --urls "http://127.0.0.1:$port" --contentRoot "$BENCH_ROOT/src/Consent.Web" >"$log" 2>&1 &
  SERVICE_PID=$!
}

# wait_ready PORT SECONDS: polls /health/ready every 20 ms; fails when the time runs out or the service died.
wait_ready() {
  local port="$1" limit="$2" deadline
  deadline=$(($(date +%s) + limit))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; then return 0; fi
    if [ -n "${SERVICE_PID:-}" ] && ! kill -0 "$SERVICE_PID" 2>/dev/null; then return 1; fi
    sleep 0.02
  done
  return 1
}

service_stop() {
  if [ -n "${SERVICE_PID:-}" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}
