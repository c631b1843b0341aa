#!/usr/bin/env bash
# The CDS Hooks call (POST /cds-services/ketamine-consent, order-sign of ketamine) with PATIENTS (default 100,000)
# patients, each with a signed ketamine consent (sessions and record rows inserted with SQL: the gate reads rows, not
# chains), at CALLERS (default 32) concurrent callers, each over its own kept-alive connection. Every call carries its
# own JWT (RS384, a new jti), signed before the clock starts, so the service checks the signature and stores the jti as
# in production. The patient of each call is drawn at random; every answer must be the one warning card (consent valid,
# no check-in today), or the run fails.
#
# LOADGEN=wrk (default): wrk (C, one event loop per thread; benchmarks/cds/calls.lua) sends the calls for DURATION
# seconds (default 30) after an untimed warm-up, from TOKENS pre-signed tokens (python3-cryptography). THINK_MS (default
# 0) is each caller's pause between an answer and its next call: 0 is a closed loop that measures the most the machine
# can answer (each caller waits behind the others), a pause models clinicians who sign orders now and then.
# LOADGEN=python: the first version, a Python thread per caller sending REQUESTS (default 100) calls each.
#
# Prints p50, p95 and p99 in milliseconds and the throughput, and the CPU each call cost the service, PostgreSQL (its
# backends) and the load generator (all three share the machine's cores). Starts a PostgreSQL of its own; loopback only.
# SERVICE_DLL runs another build of the service (a same-run baseline); SERVICE_ENV="NAME=value ..." adds settings.
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${CDS_PORT:-18593}"
PG_PORT="${CDS_PG_PORT:-18545}"
PATIENTS="${PATIENTS:-100000}"
CALLERS="${CALLERS:-32}"
REQUESTS="${REQUESTS:-100}"          # LOADGEN=python: calls per caller
LOADGEN="${LOADGEN:-wrk}"            # wrk (default) or python (the first version's threads, one per caller)
DURATION="${DURATION:-30}"           # LOADGEN=wrk: seconds timed
TOKENS="${TOKENS:-60000}"            # LOADGEN=wrk: tokens signed for the timed run (more than it can send)
THINK_MS="${THINK_MS:-0}"            # LOADGEN=wrk: each caller waits this long between an answer and its next call
WORK="$(mktemp -d /tmp/consent-cds.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

ISSUER="https://ehr.bench.example"
MRN_SYSTEM="urn:example:mrn"
machine_line
[ -n "${SERVICE_DLL:-}" ] || build_web_release   # another build is built by whoever names it
[ "$LOADGEN" != wrk ] || apt_ensure wrk wrk
bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" consent_cds
scripts/ehr-client.sh keys "$WORK/ehr" "$ISSUER" > "$WORK/trusted-clients.json"
export CONSENT_DATA_DIR="$WORK/data"
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION" \
  CdsHooks__TrustedClientsPath="$WORK/trusted-clients.json" CdsHooks__MrnSystem="$MRN_SYSTEM" \
  CdsHooks__MaxTokenLifetimeSeconds=3600 Consent__PublicBaseUrl="http://127.0.0.1:$PORT" \
  Renewals__IntervalMinutes=0 DOTNET_EnableWriteXorExecute="$([ -n "${PERF:-}" ] && echo 0 || echo 1)" DOTNET_PerfMapEnabled="$([ -n "${PERF:-}" ] && echo 1 || echo 0)" \
  ${SERVICE_ENV:-}   # SERVICE_ENV="NAME=value ...": more settings for the service (runtime knobs), word-split
# The hourly renewal job is off: its first scan of the 100,000 patients would otherwise land in the measurement.
wait_ready "$PORT" 120 || { tail -20 "$WORK/service.log" >&2; exit 1; }

HASH=$("${PSQL[@]}" -d consent_cds -c "SELECT hash FROM workflow_versions WHERE workflow_id = 'ketamine-iv-depression' AND version = 1")
"${PSQL[@]}" -d consent_cds <<SQL
INSERT INTO patients (id, name, date_of_birth, mrn, created_by, created_at, updated_at)
SELECT md5('patient' || g)::uuid, 'Bench Patient ' || g, date '1940-01-01' + (g % 25000), 'MRN-' || lpad(g::text, 7, '0'),
       gen_random_uuid(), now(), now()
FROM generate_series(1, $PATIENTS) AS g;
INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
    patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id)
SELECT md5('session' || g)::uuid, 'ketamine-iv-depression', 1, '$HASH', 'en', 'Completed', 'Bench Patient ' || g,
       date '1940-01-01' + (g % 25000), md5('link' || g) || md5('token' || g), now() + interval '7 days', gen_random_uuid(),
       now() - interval '10 days', now() - interval '9 days', now() - interval '9 days', 0, repeat('0', 64), md5('patient' || g)::uuid
FROM generate_series(1, $PATIENTS) AS g;
INSERT INTO consent_records (id, session_id, kind, pdf, sha256, issued_at)
SELECT gen_random_uuid(), md5('session' || g)::uuid, 'Consent', convert_to('%PDF bench ' || g, 'UTF8'),
       encode(sha256(convert_to('%PDF bench ' || g, 'UTF8')), 'hex'), now() - interval '9 days'
FROM generate_series(1, $PATIENTS) AS g;
VACUUM ANALYZE patients, consent_sessions, consent_records;
SQL
echo "patients: $("${PSQL[@]}" -d consent_cds -c "SELECT count(*) FROM patients"), sessions: $("${PSQL[@]}" -d consent_cds -c "SELECT count(*) FROM consent_sessions")"

if [ -n "${PERF:-}" ]; then   # PERF=file: a CPU profile of the whole machine (perf record -a -g) over the warm-up and the timed calls
  perf record -q -F 499 -g -a -o "$PERF" >/dev/null 2>&1 & PERF_PID=$!
fi
if [ "$LOADGEN" = wrk ]; then
python3 - "$PORT" "$CALLERS" "$PATIENTS" "$WORK/ehr" "$ISSUER" "$MRN_SYSTEM" "$SERVICE_PID" "$(head -1 "$WORK/pg/postmaster.pid")" \
  "$DURATION" "$TOKENS" "$THINK_MS" "$WORK" "$(dirname "$0")/calls.lua" <<'PY'
# wrk (C, an event loop per thread) sends the calls, so that the load generator's own cost and queueing stay small.
import base64, json, multiprocessing, os, subprocess, sys, time
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
port, callers, patients, keys, issuer, system = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
service_pid, postmaster_pid, duration, count, think, work, script = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10]), int(sys.argv[11]), sys.argv[12], sys.argv[13]
tick = os.sysconf("SC_CLK_TCK")
def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f: fields = f.read().rsplit(")", 1)[1].split()
    except OSError: return None
    return int(fields[1]), int(fields[11]) + int(fields[12])
def cpu():
    pg = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (s := stat(int(entry))) and s[0] == postmaster_pid: pg[int(entry)] = s[1]
    return stat(service_pid)[1], pg
url = f"http://127.0.0.1:{port}/cds-services/ketamine-consent"
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
kid = json.load(open(os.path.join(work, "trusted-clients.json")))["clients"][0]["keys"][0]["kid"]
header = b64(json.dumps({"alg": "RS384", "typ": "JWT", "kid": kid}).encode())
key = None
def sign(n):
    global key
    key = key or serialization.load_pem_private_key(open(os.path.join(keys, "ehr-rs384.pem"), "rb").read(), None)
    now = int(time.time())
    out = []
    for _ in range(n):
        payload = b64(json.dumps({"iss": issuer, "sub": "bench", "aud": url, "iat": now, "exp": now + 3000, "jti": os.urandom(16).hex()}).encode())
        signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA384())
        out.append(f"{header}.{payload}.{b64(signature)}")
    return out
def tokens_file(name, n):
    t0 = time.time()
    with multiprocessing.Pool(os.cpu_count()) as pool: chunks = pool.map(sign, [1000] * (n // 1000 + 1))
    path = os.path.join(work, name)
    with open(path, "w") as f:
        for chunk in chunks: f.write("\n".join(chunk) + "\n")
    print(f"signed {sum(map(len, chunks))} tokens for {name} in {time.time() - t0:.1f} s (before timing)")
    return path
def wrk(tokens, seconds):
    run = subprocess.run(["wrk", "-t", "2", "-c", str(callers), "-d", f"{seconds}s", "--timeout", "10s", "-s", script, url, "--",
                          tokens, str(patients), system, str(think), "2"], capture_output=True, text=True)
    lines = [l for l in run.stdout.splitlines() if l.startswith("{") or l.startswith("first bad")]
    if run.returncode != 0 or not lines: raise SystemExit(f"wrk failed: {run.stdout}{run.stderr}")
    result = json.loads(lines[0])
    if result["bad"] or result["errors"]: raise SystemExit(f"{result['bad']} bad answers, {result['errors']} socket errors: {lines[1:] or run.stdout}")
    return result
# Warm-up, untimed (compiled code, a full pool, prepared statements), then the timed run over fresh tokens.
warm = wrk(tokens_file("warm.txt", int(os.environ.get("WARM_TOKENS", "20000"))), int(os.environ.get("WARM_SECONDS", "5")))
timed = tokens_file("timed.txt", count)
service0, pg0 = cpu(); own0 = os.times()
result = wrk(timed, duration)
service1, pg1 = cpu(); own1 = os.times()
calls, wall = result["requests"], result["duration_us"] / 1e6
ms = lambda us: us / 1000
print(f"cds order-sign, {callers} callers (wrk, think {think} ms): p50 {ms(result['p50']):7.2f} ms   p95 {ms(result['p95']):7.2f} ms   "
      f"p99 {ms(result['p99']):7.2f} ms   max {ms(result['max']):7.2f} ms   ({calls} calls, {calls / wall:.0f} calls/s)")
per_call = lambda ticks: ticks / tick * 1000 / calls
print(f"cpu per call: service {per_call(service1 - service0):.2f} ms, postgres {per_call(sum(v - pg0.get(k, 0) for k, v in pg1.items())):.2f} ms, "
      f"load generator {(own1.children_user + own1.children_system - own0.children_user - own0.children_system) * 1000 / calls:.2f} ms "
      f"(wall {wall:.1f} s, {os.cpu_count()} cores; load average after: {open('/proc/loadavg').read().split()[0]})")
PY
else
python3 - "$PORT" "$CALLERS" "$REQUESTS" "$PATIENTS" "$WORK/ehr" "$ISSUER" "$MRN_SYSTEM" "$SERVICE_PID" "$(head -1 "$WORK/pg/postmaster.pid")" <<'PY'
import base64, concurrent.futures, http.client, json, os, random, subprocess, sys, threading, time
port, callers, n, patients, keys, issuer, system = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
service_pid, postmaster_pid = int(sys.argv[8]), int(sys.argv[9])
tick = os.sysconf("SC_CLK_TCK")
def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f: fields = f.read().rsplit(")", 1)[1].split()
    except OSError: return None
    return int(fields[1]), int(fields[11]) + int(fields[12])   # ppid, utime + stime (ticks)
def cpu():
    """CPU ticks so far: the service, and each PostgreSQL process (the postmaster's children) by pid."""
    pg = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (s := stat(int(entry))) and s[0] == postmaster_pid: pg[int(entry)] = s[1]
    return stat(service_pid)[1], pg
url = f"http://127.0.0.1:{port}/cds-services/ketamine-consent"
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
kid = json.load(open(os.path.join(os.path.dirname(keys), "trusted-clients.json")))["clients"][0]["keys"][0]["kid"]
header = b64(json.dumps({"alg": "RS384", "typ": "JWT", "kid": kid}).encode())
def token():
    now = int(time.time())
    payload = b64(json.dumps({"iss": issuer, "sub": "bench", "aud": url, "iat": now, "exp": now + 3000, "jti": os.urandom(16).hex()}).encode())
    signed = subprocess.run(["openssl", "dgst", "-sha384", "-sign", os.path.join(keys, "ehr-rs384.pem")],
                            input=f"{header}.{payload}".encode(), capture_output=True, check=True).stdout
    return f"{header}.{payload}.{b64(signed)}"
def body(g):
    return json.dumps({
        "hook": "order-sign", "hookInstance": os.urandom(16).hex(),
        "context": {"userId": "PractitionerRole/1", "patientId": str(g), "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": {
            "resourceType": "MedicationRequest", "id": "k1", "status": "draft", "intent": "order",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6130"}]}}}]}},
        "prefetch": {"patient": {"resourceType": "Patient", "id": str(g),
            "identifier": [{"system": system, "value": f"MRN-{g:07d}"}]}}})
warm = int(os.environ.get("WARM", "20"))
t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(4) as signers: tokens = list(signers.map(lambda _: token(), range(callers * (n + warm))))
print(f"signed {len(tokens)} tokens in {time.time() - t0:.1f} s (before timing)")
def call(c, t, g):
    c.request("POST", "/cds-services/ketamine-consent", body(g), {"Content-Type": "application/json", "Authorization": "Bearer " + t})
    r = c.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{r.status} {data[:300]!r}")
    cards = json.loads(data)["cards"]
    if len(cards) != 1 or cards[0]["indicator"] != "warning": raise SystemExit(f"unexpected cards {data[:300]!r}")
# Warm-up, untimed: each caller sends WARM calls over its own connection, all at once, so that the service's code is
# compiled, its database pool holds the connections the load needs and their statements are prepared.
conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(callers)]
def warm_up(conn, mine):
    for t in mine: call(conn, t, random.randint(1, patients))
warmers = [threading.Thread(target=warm_up, args=(conns[i], tokens[callers * n + i * warm:callers * n + (i + 1) * warm])) for i in range(callers)]
for t in warmers: t.start()
for t in warmers: t.join()
times, lock = [], threading.Lock()
def caller(conn, mine):
    local = []
    for t in mine:
        g = random.randint(1, patients)
        s = time.perf_counter(); call(conn, t, g); local.append((time.perf_counter() - s) * 1000)
    with lock: times.extend(local)
threads = [threading.Thread(target=caller, args=(conns[i], tokens[i * n:(i + 1) * n])) for i in range(callers)]
service0, pg0 = cpu(); own0 = os.times()
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - start
service1, pg1 = cpu(); own1 = os.times()
times.sort()
q = lambda p: times[min(len(times) - 1, int(len(times) * p))]
print(f"cds order-sign, {callers} callers: p50 {q(0.50):7.2f} ms   p95 {q(0.95):7.2f} ms   p99 {q(0.99):7.2f} ms   "
      f"({len(times)} calls, {len(times) / wall:.0f} calls/s)")
per_call = lambda ticks: ticks / tick * 1000 / len(times)
print(f"cpu per call: service {per_call(service1 - service0):.2f} ms, postgres {per_call(sum(v - pg0.get(k, 0) for k, v in pg1.items())):.2f} ms, "
      f"load generator {(own1.user + own1.system - own0.user - own0.system) * 1000 / len(times):.2f} ms "
      f"(wall {wall:.1f} s, {os.cpu_count()} cores; load average after: {open('/proc/loadavg').read().split()[0]})")
PY
fi
if [ -n "${PERF:-}" ]; then   # and $PERF.pids: the service's pid, then PostgreSQL's (perf report --pid)
  kill -INT "$PERF_PID"; wait "$PERF_PID" || true
  { echo "$SERVICE_PID"; pgrep -P "$(head -1 "$WORK/pg/postmaster.pid")" | paste -sd, -; } > "$PERF.pids"
  cp /tmp/perf-"$SERVICE_PID".map "$(dirname "$PERF")/" 2>/dev/null || true
fi
# How PostgreSQL answered: a sequential scan of a large table here would be a missing index.
"${PSQL[@]}" -d consent_cds -F ' ' -c "SELECT 'tables:', string_agg(relname || ' seq ' || seq_scan || ' idx ' || coalesce(idx_scan, 0), ', ' ORDER BY relname)
  FROM pg_stat_user_tables WHERE relname IN ('patients', 'consent_sessions', 'consent_records', 'client_token_uses', 'workflow_versions', 'workflow_reviews')"
if [ -n "${AFTER_SQL:-}" ]; then psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d consent_cds -f "$AFTER_SQL"; fi   # AFTER_SQL=file: a look at the plans
