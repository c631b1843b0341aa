#!/usr/bin/env bash
# The CDS Hooks call (POST /cds-services/ketamine-consent, order-sign of ketamine) with PATIENTS (default 100,000)
# patients, each with a signed ketamine consent (sessions and record rows inserted with SQL: the gate reads rows, not
# chains), at CALLERS (default 32) concurrent callers, each sending REQUESTS (default 100) calls over its own
# kept-alive connection. Every call carries its own JWT (RS384, a new jti), signed before the clock starts with
# openssl, so the service checks the signature and stores the jti as in production. The patient of each call is
# drawn at random; every answer must be the one warning card (consent valid, no check-in today).
# Prints p50, p95 and p99 in milliseconds and the throughput. Starts a PostgreSQL of its own; loopback only.
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${CDS_PORT:-18593}"
PG_PORT="${CDS_PG_PORT:-18545}"
PATIENTS="${PATIENTS:-100000}"
CALLERS="${CALLERS:-32}"
REQUESTS="${REQUESTS:-100}"
WORK="$(mktemp -d /tmp/consent-cds.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

ISSUER="https://ehr.bench.example"
MRN_SYSTEM="urn:example:mrn"
machine_line
build_web_release
bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" consent_cds
scripts/ehr-client.sh keys "$WORK/ehr" "$ISSUER" > "$WORK/trusted-clients.json"
export CONSENT_DATA_DIR="$WORK/data"
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION" \
  CdsHooks__TrustedClientsPath="$WORK/trusted-clients.json" CdsHooks__MrnSystem="$MRN_SYSTEM" \
  CdsHooks__MaxTokenLifetimeSeconds=3600 Consent__PublicBaseUrl="http://127.0.0.1:$PORT"
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

python3 - "$PORT" "$CALLERS" "$REQUESTS" "$PATIENTS" "$WORK/ehr" "$ISSUER" "$MRN_SYSTEM" <<'PY'
import base64, http.client, json, os, random, subprocess, sys, threading, time
port, callers, n, patients, keys, issuer, system = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
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
warm = 50
t0 = time.time()
tokens = [token() for _ in range(callers * n + warm)]
print(f"signed {len(tokens)} tokens in {time.time() - t0:.1f} s (before timing)")
def call(c, t, g):
    c.request("POST", "/cds-services/ketamine-consent", body(g), {"Content-Type": "application/json", "Authorization": "Bearer " + t})
    r = c.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{r.status} {data[:300]!r}")
    cards = json.loads(data)["cards"]
    if len(cards) != 1 or cards[0]["indicator"] != "warning": raise SystemExit(f"unexpected cards {data[:300]!r}")
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for i in range(warm): call(c, tokens.pop(), random.randint(1, patients))   # warm-up: JIT, plans, pools
times, lock = [], threading.Lock()
def caller(mine):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local = []
    for t in mine:
        g = random.randint(1, patients)
        s = time.perf_counter(); call(conn, t, g); local.append((time.perf_counter() - s) * 1000)
    with lock: times.extend(local)
threads = [threading.Thread(target=caller, args=(tokens[i * n:(i + 1) * n],)) for i in range(callers)]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - start
times.sort()
q = lambda p: times[min(len(times) - 1, int(len(times) * p))]
print(f"cds order-sign, {callers} callers: p50 {q(0.50):7.2f} ms   p95 {q(0.95):7.2f} ms   p99 {q(0.99):7.2f} ms   "
      f"({len(times)} calls, {len(times) / wall:.0f} calls/s)")
PY
