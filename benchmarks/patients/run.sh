#!/usr/bin/env bash
# The patients list of a clinic with PATIENTS (default 100,000) patients: POST /api/v1/patients/search
# as the demo clinician, timed REQUESTS (default 300) times each over one kept-alive connection:
#   - list:   no query, the first 50 patients by name (what /clinician/patients shows first);
#   - name:   two words of a name, forgiving accents and capitals (folded in the query);
#   - mrn:    an exact MRN;
#   - account (same-run baseline): GET /api/v1/account, the same sign-in, routing and JSON with no
#     patient query, so the difference is what the search itself costs.
# Starts a PostgreSQL of its own and the service (Development); patients are inserted with SQL.
# Prints p50 and p95 in milliseconds for each. Loopback only.
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${PATIENTS_PORT:-18583}"
PG_PORT="${PATIENTS_PG_PORT:-18535}"
PATIENTS="${PATIENTS:-100000}"
REQUESTS="${REQUESTS:-300}"
WORK="$(mktemp -d /tmp/consent-patients.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

machine_line
build_web_release
bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" consent_patients
export CONSENT_DEMO_PASSWORD="patients-bench-password-1" CONSENT_DATA_DIR="$WORK/data"
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION"
wait_ready "$PORT" 120 || { tail -20 "$WORK/service.log" >&2; exit 1; }

# Names from a few hundred given and family names (accented ones among them), so a name search
# matches a realistic share of the clinic rather than one row or all of them.
"${PSQL[@]}" -d consent_patients <<SQL
INSERT INTO patients (id, name, date_of_birth, mrn, email, preferred_language, created_by, created_at, updated_at)
SELECT md5('patient' || g)::uuid,
       (ARRAY['María','José','Ann','Lee','Ravi','Chen','Amara','Tomás','Olivia','Noah','Zoë','Björn','Fatima','Luca','Ines','Omar'])[1 + g % 16]
         || ' ' || (ARRAY['García','Núñez','Smith','O''Brien','Menon','Park','Okafor','Müller','Rossi','Kowalski','Nguyen','Haddad','Silva','Jensen','Ortiz','Brown','Dubois','Sato','Ivanova','Patel'])[1 + (g / 16) % 20]
         || '-' || (ARRAY['López','Lee','Khan','Moreau','Santos','Cohen','Adeyemi','Wright'])[1 + (g / 320) % 8] || ' ' || g,
       date '1940-01-01' + (g % 25000),
       'MRN-' || lpad(g::text, 7, '0'),
       CASE WHEN g % 3 = 0 THEN 'patient' || g || '@patient.example' END,
       CASE WHEN g % 4 = 0 THEN 'es' ELSE 'en' END,
       gen_random_uuid(), now(), now()
FROM generate_series(1, $PATIENTS) AS g;
VACUUM ANALYZE patients;
SQL
echo "patients: $("${PSQL[@]}" -d consent_patients -c "SELECT count(*) FROM patients")"

python3 - "$PORT" "$CONSENT_DEMO_PASSWORD" "$REQUESTS" "$PATIENTS" <<'PY'
import http.client, json, sys, time
port, password, n, patients = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)
token = call("POST", "/api/v1/auth/login", {"email": "clinician@example.org", "password": password})["accessToken"]
cases = [
    ("account (baseline)", "GET", "/api/v1/account", None, None),
    ("list, first 50 by name", "POST", "/api/v1/patients/search", {}, lambda r: len(r["patients"]) == 50 and r["more"]),
    ("name, two words", "POST", "/api/v1/patients/search", {"query": "jose nunez", "limit": 50}, lambda r: len(r["patients"]) > 0),
    ("exact MRN", "POST", "/api/v1/patients/search", {"query": f"MRN-{patients // 2:07d}"}, lambda r: len(r["patients"]) == 1),
]
for name, method, path, body, ok in cases:
    for _ in range(20): call(method, path, body, token)   # warm-up: JIT, plans, caches
    times = []
    for _ in range(n):
        t = time.perf_counter(); r = call(method, path, body, token); times.append((time.perf_counter() - t) * 1000)
        if ok and not ok(r): raise SystemExit(f"{name}: unexpected answer {str(r)[:300]}")
    times.sort()
    print(f"{name:24} p50 {times[len(times) // 2]:7.2f} ms   p95 {times[int(len(times) * 0.95) - 1]:7.2f} ms   ({n} requests)")
PY
