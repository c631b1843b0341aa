#!/usr/bin/env bash
# Reads on a pre-filled database (generate-history, docs/PERFORMANCE.md section 12): the auditor's session search by date range, by status and
# by MRN, a session's timeline (its events, verified), each REQUESTS times (default 200) in turns, as the demo
# auditor, timed one by one (p50, p95, p99 in ms); then the export of the EXPORT_RECORDS (default 100,000) most
# recently issued records (GET /api/v1/exports/records.zip?from=…): seconds, records/s and the service's peak
# resident memory (VmHWM, reset just before). Starts the service (Release, Development) on the database, which must
# be running already: DATA_PG_PORT (default 29000), DATA_DB (default consent_10m), DATA_DIR (the CONSENT_DATA_DIR
# the database was made with: its key-encryption certificate seals the events), CONSENT_DEMO_PASSWORD (the one the
# demo accounts were created with). Loopback only.
#
#   DATA_DB=consent_10m DATA_DIR=/tmp/data-10m/data benchmarks/data/measure.sh
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${DATA_PORT:-5382}"
PG_PORT="${DATA_PG_PORT:-29000}"
DB="${DATA_DB:-consent_10m}"
REQUESTS="${REQUESTS:-200}"
EXPORT_RECORDS="${EXPORT_RECORDS:-100000}"
: "${DATA_DIR:?set DATA_DIR to the data folder the database was generated with}"
: "${CONSENT_DEMO_PASSWORD:?set CONSENT_DEMO_PASSWORD to the password of the demo accounts}"
WORK="$(mktemp -d /tmp/consent-data-measure.XXXXXX)"
cleanup() { service_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

machine_line
[ "${NO_BUILD:-0}" = 1 ] || build_web_release
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d "$DB" -v ON_ERROR_STOP=1 -qAt)
echo "database $DB: $("${PSQL[@]}" -c "SELECT (SELECT count(*) FROM consent_sessions) || ' sessions, ' || (SELECT count(*) FROM consent_events) || ' events, ' || (SELECT count(*) FROM consent_records) || ' records'")"
bench_database "$PG_PORT" "$DB"
export CONSENT_DATA_DIR="$DATA_DIR"
# The service's own periodic audit is off here: at millions of events it would run all through the measurement.
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION" Audit__IntervalMinutes=0 Checkpoints__IntervalMinutes=0
wait_ready "$PORT" 180 || { tail -20 "$WORK/service.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"

# Samples: MRNs, sessions, and week-long date ranges, drawn at random from the whole history.
"${PSQL[@]}" -c "SELECT patient_mrn FROM consent_sessions WHERE patient_mrn IS NOT NULL ORDER BY random() LIMIT $REQUESTS" > "$WORK/mrns"
"${PSQL[@]}" -c "SELECT id FROM consent_sessions ORDER BY random() LIMIT $REQUESTS" > "$WORK/sessions"
"${PSQL[@]}" -c "SELECT to_char(min(created_at), 'YYYY-MM-DD') || ' ' || to_char(max(created_at), 'YYYY-MM-DD') FROM consent_sessions" > "$WORK/span"

BASE="$BASE" WORK="$WORK" REQUESTS="$REQUESTS" python3 - <<'PY'
import datetime, http.client, json, os, random, time
base = os.environ["BASE"].removeprefix("http://")
host, port = base.split(":")
work, n = os.environ["WORK"], int(os.environ["REQUESTS"])
c = http.client.HTTPConnection(host, int(port), timeout=60)
def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return data
token = json.loads(call("POST", "/api/v1/auth/login", {"email": "auditor@example.org", "password": os.environ["CONSENT_DEMO_PASSWORD"]}))["accessToken"]
mrns = open(f"{work}/mrns").read().split()
sessions = open(f"{work}/sessions").read().split()
first, last = (datetime.date.fromisoformat(d) for d in open(f"{work}/span").read().split())
rnd = random.Random(18)
statuses = ["Completed", "InProgress", "Declined", "AwaitingCountersign", "Voided", "Withdrawn"]
def day():
    return first + datetime.timedelta(days=rnd.randrange(max((last - first).days - 7, 1)))
kinds = {
    "search by date range (7 days)": lambda i: (lambda d: f"/api/v1/sessions?from={d}T00:00:00Z&to={d + datetime.timedelta(days=7)}T00:00:00Z")(day()),
    "search by status": lambda i: f"/api/v1/sessions?status={statuses[i % len(statuses)]}",
    "search by status and date range (30 days)": lambda i: (lambda d: f"/api/v1/sessions?status={statuses[i % len(statuses)]}&from={d}T00:00:00Z&to={d + datetime.timedelta(days=30)}T00:00:00Z")(day()),
    "search by MRN": lambda i: f"/api/v1/sessions?mrn={mrns[i % len(mrns)]}",
    "session timeline (events, verified)": lambda i: f"/api/v1/sessions/{sessions[i % len(sessions)]}/events",
}
times = {k: [] for k in kinds}
rows = {k: [] for k in kinds}  # how many sessions or events each answer held: page sizes differ between small and large databases
for k, f in kinds.items():  # warm-up, not counted
    for i in range(10): call("GET", f(i), token=token)
for i in range(n):
    for k, f in kinds.items():
        path = f(i)
        t = time.perf_counter(); data = call("GET", path, token=token); times[k].append((time.perf_counter() - t) * 1000)
        body = json.loads(data); rows[k].append(len(body) if isinstance(body, list) else len(body.get("events", [])))
def pct(v, p): v = sorted(v); return v[min(len(v) - 1, int(len(v) * p))]
for k, v in times.items():
    print(f"{k:45s} p50 {pct(v, .5):7.1f} ms  p95 {pct(v, .95):7.1f} ms  p99 {pct(v, .99):7.1f} ms  ({len(v)} requests, {sum(rows[k]) / len(rows[k]):.0f} rows per answer)")
PY

from="$("${PSQL[@]}" -c "SELECT to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM consent_records ORDER BY issued_at DESC OFFSET $((EXPORT_RECORDS - 1)) LIMIT 1")"
if [ -z "$from" ]; then from="2000-01-01T00:00:00Z"; fi
expected="$("${PSQL[@]}" -c "SELECT count(*) FROM consent_records WHERE issued_at >= '$from'")"
token="$(curl -fsS -H 'Content-Type: application/json' -d "{\"email\":\"auditor@example.org\",\"password\":\"$CONSENT_DEMO_PASSWORD\"}" "$BASE/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')"
echo 5 > "/proc/$SERVICE_PID/clear_refs"
before="$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVICE_PID/status")"
read -r seconds bytes status < <(curl -sS --max-time 1200 -H "Authorization: Bearer $token" -o "$WORK/export.zip" \
  -w '%{time_total} %{size_download} %{http_code}\n' "$BASE/api/v1/exports/records.zip?from=$from")
peak="$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVICE_PID/status")"
[ "$status" = 200 ] || { echo "export answered $status" >&2; exit 1; }
entries="$(unzip -Z1 "$WORK/export.zip" | grep -c '^records/' || true)"
awk -v s="$seconds" -v b="$bytes" -v n="$entries" -v e="$expected" -v p="$peak" -v r="$before" 'BEGIN {
  printf "export of %d records (%d issued in the range): %.1f s, %.0f records/s, %.0f MiB, peak RSS %.0f MiB (%.0f MiB before)\n", n, e, s, n / s, b / 1048576, p / 1024, r / 1024 }'
machine_line
