#!/usr/bin/env bash
# The cost of recording every staff read of patient data (docs/system-events.md): GET /api/v1/sessions/{id}
# as the demo clinician, on two nodes of the service on one database, started alike but for
# SystemEvents__RecordPatientDataReads (Development only):
#   - recorded:     true (the default, and the only behaviour outside Development): each answer puts a
#                   patient-data.read event in the queue, which the writer appends to the system chain;
#   - not recorded (same-run baseline): false, the read-audit middleware is not there at all.
# Each node gets its own kept-alive connection; REQUESTS (default 2000) requests each, timed one by one,
# in blocks of BLOCK (default 100) taken in turn, so both see the same load on the machine. Prints p50,
# p95 and p99 in milliseconds for each, the difference, and how many read events each node wrote.
# Starts a PostgreSQL of its own and the service (Development, Release build). Loopback only.
#
#   benchmarks/reads/run.sh                 2000 requests each (about a minute after the build)
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${READS_PORT:-18780}"
PORT_OFF="$((PORT + 1))"
PG_PORT="${READS_PG_PORT:-18732}"
REQUESTS="${REQUESTS:-2000}"
BLOCK="${BLOCK:-100}"
WORK="$(mktemp -d /tmp/consent-reads.XXXXXX)"
chmod 755 "$WORK"
OFF_PID=""
cleanup() {
  service_stop
  if [ -n "$OFF_PID" ] && kill -0 "$OFF_PID" 2>/dev/null; then kill "$OFF_PID" 2>/dev/null; wait "$OFF_PID" 2>/dev/null || true; fi
  pg_stop "$WORK/pg"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

machine_line
build_web_release
bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" consent_reads
export CONSENT_DEMO_PASSWORD="reads-bench-password-1" CONSENT_DATA_DIR="$WORK/data"

# The node that does not record starts first and alone (it migrates and seeds); then the recording one.
service_start "$WORK/service-off.log" "$PORT_OFF" "$BENCH_CONNECTION" SystemEvents__RecordPatientDataReads=false
OFF_PID="$SERVICE_PID"
wait_ready "$PORT_OFF" 180 || { tail -20 "$WORK/service-off.log" >&2; exit 1; }
grep -q "RecordPatientDataReads is false" "$WORK/service-off.log" || { echo "the baseline node records reads" >&2; exit 1; }
service_start "$WORK/service-on.log" "$PORT" "$BENCH_CONNECTION"
wait_ready "$PORT" 180 || { tail -20 "$WORK/service-on.log" >&2; exit 1; }

python3 - "$PORT" "$PORT_OFF" "$CONSENT_DEMO_PASSWORD" "$REQUESTS" "$BLOCK" <<'PY'
import http.client, json, sys, time
port_on, port_off, password, n, block = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def connect(port): return http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def call(c, method, path, body=None, token=None, expect=200):
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read()
    if r.status != expect: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return data
nodes = {"recorded": connect(port_on), "not recorded (baseline)": connect(port_off)}
login = {"email": "clinician@example.org", "password": password}
tokens = {name: json.loads(call(c, "POST", "/api/v1/auth/login", login))["accessToken"] for name, c in nodes.items()}
started = json.loads(call(nodes["recorded"], "POST", "/api/v1/sessions", {
    "workflowId": "ketamine-iv-depression", "language": "en",
    "patient": {"name": "Reads Benchmark", "dateOfBirth": "1980-04-02", "mrn": "MRN-READS-1"}}, tokens["recorded"], expect=201))
path = f"/api/v1/sessions/{started['id']}"
for name, c in nodes.items():
    for _ in range(50): call(c, "GET", path, token=tokens[name])   # warm-up: JIT, plans, caches
times = {name: [] for name in nodes}
for _ in range(0, n, block):
    for name, c in nodes.items():
        for _ in range(block):
            t = time.perf_counter(); call(c, "GET", path, token=tokens[name]); times[name].append((time.perf_counter() - t) * 1000)
def pct(v, p): return v[min(len(v) - 1, int(len(v) * p))]
summary = {}
for name in nodes:
    v = sorted(times[name]); summary[name] = (pct(v, 0.50), pct(v, 0.95), pct(v, 0.99))
    print(f"{name:26} p50 {summary[name][0]:7.2f} ms   p95 {summary[name][1]:7.2f} ms   p99 {summary[name][2]:7.2f} ms   ({len(v)} requests)")
on, off = summary["recorded"], summary["not recorded (baseline)"]
print(f"{'cost of recording':26} p50 {on[0] - off[0]:+7.2f} ms   p95 {on[1] - off[1]:+7.2f} ms   p99 {on[2] - off[2]:+7.2f} ms")
print(f"session {started['id']}")
PY

# The recording node's events reach the chain within a batch interval; give it a moment, then count.
sleep 2
echo "patient-data.read events on the chain (session.detail): $("${PSQL[@]}" -d consent_reads -c \
  "SELECT count(*) FROM system_events WHERE type = 'patient-data.read' AND detail->>'what' = 'session.detail'") (expected $((REQUESTS + 50)), all by the recording node)"
echo "system chain: $("${PSQL[@]}" -d consent_reads -c "SELECT count(*) || ' events, head seq ' || coalesce(max(seq), 0) FROM system_events")"
machine_line
