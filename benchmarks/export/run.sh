#!/usr/bin/env bash
# Bulk export: GET /api/v1/exports/records.zip over RECORDS (default 10,000) stored records.
# Starts a PostgreSQL of its own and the service (Development), inserts the sessions and their
# signed-record rows and the two chain events the export reads, with SQL (each PDF RECORD_KB kibibytes,
# default 16), then streams the export
# with curl as the demo auditor RUNS times (default 3). For each run: seconds, records/s, MiB/s,
# and the service's peak resident memory during the export (VmHWM, reset before each run through
# /proc/PID/clear_refs). Prints the medians. Loopback only; each download is bounded in time.
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${EXPORT_PORT:-18582}"
PG_PORT="${EXPORT_PG_PORT:-18534}"
RECORDS="${RECORDS:-10000}"
RECORD_KB="${RECORD_KB:-16}"
RUNS="${RUNS:-3}"
WORK="$(mktemp -d /tmp/consent-export.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
# A signal (Ctrl+C, a closed pipe) becomes a normal exit, so the EXIT trap stops what was started.
trap 'exit 130' INT TERM HUP PIPE
command -v unzip >/dev/null 2>&1 || apt_ensure unzip unzip

machine_line
build_web_release
bench_pg_start "$WORK/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -v ON_ERROR_STOP=1 -qAt)
bench_database "$PG_PORT" consent_export
export CONSENT_DEMO_PASSWORD="export-test-password-1" CONSENT_DATA_DIR="$WORK/data"
# The periodic audit and checkpoints are off: they would read every record while the export is measured.
service_start "$WORK/service.log" "$PORT" "$BENCH_CONNECTION" Audit__IntervalMinutes=0 Checkpoints__IntervalMinutes=0
wait_ready "$PORT" 120 || { tail -20 "$WORK/service.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"

# Completed sessions of the shipped workflow, each with one stored record. The PDF bytes are filler
# of the given size (the export copies them as they are, uncompressed); the SHA-256 is the real one.
"${PSQL[@]}" -d consent_export <<SQL
INSERT INTO patients (id, name, date_of_birth, created_by, created_at, updated_at)
SELECT md5('patient' || g)::uuid, 'Export Patient ' || g, date '1975-06-30', gen_random_uuid(), now(), now()
FROM generate_series(1, $RECORDS) AS g;
INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
    patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id)
SELECT md5('session' || g)::uuid, w.workflow_id, w.version, w.hash, 'en', 'Completed', 'Export Patient ' || g,
       date '1975-06-30', encode(sha256(('link' || g)::bytea), 'hex'), now() + interval '7 days', gen_random_uuid(),
       now() - interval '1 day', now(), now() - (g || ' seconds')::interval, 0, repeat('0', 64), md5('patient' || g)::uuid
FROM generate_series(1, $RECORDS) AS g,
     (SELECT workflow_id, version, hash FROM workflow_versions WHERE workflow_id = 'ketamine-iv-depression' ORDER BY version DESC LIMIT 1) AS w;
INSERT INTO consent_records (id, session_id, kind, pdf, sha256, issued_at)
SELECT md5('record' || g)::uuid, md5('session' || g)::uuid, 'Consent', pdf, encode(sha256(pdf), 'hex'), now() - (g || ' seconds')::interval
FROM generate_series(1, $RECORDS) AS g,
     LATERAL (SELECT decode('255044462d312e370a' || repeat(md5(g::text), ($RECORD_KB * 1024 - 9) / 16), 'hex') AS pdf) AS p;
-- The two events the export reads of each chain: the first (the workflow) and the RecordIssued that
-- names the PDF; the export leaves out a record no RecordIssued event names.
INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash)
SELECT s.id, 1, 'SessionCreated', jsonb_build_object('workflowId', s.workflow_id, 'workflowVersion', s.workflow_version),
       'clinician', s.created_at, repeat('0', 64), repeat('1', 64)
FROM consent_sessions s
UNION ALL
SELECT r.session_id, 2, 'RecordIssued', jsonb_build_object('sha256', r.sha256, 'kind', r.kind), 'system', r.issued_at, repeat('1', 64), repeat('2', 64)
FROM consent_records r;
VACUUM ANALYZE consent_sessions;
VACUUM ANALYZE consent_records;
VACUUM ANALYZE consent_events;
SQL
stored="$("${PSQL[@]}" -d consent_export -c "SELECT count(*), pg_size_pretty(sum(length(pdf))) FROM consent_records")"
echo "stored records: ${stored/|/, } of PDF bytes"

token="$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"email\":\"auditor@example.org\",\"password\":\"$CONSENT_DEMO_PASSWORD\"}" "$BASE/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')"

results=()
for i in $(seq 1 "$RUNS"); do
  echo 5 > "/proc/$SERVICE_PID/clear_refs"   # resets VmHWM to the current resident size
  before="$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVICE_PID/status")"
  read -r seconds bytes status < <(curl -sS --max-time 600 -H "Authorization: Bearer $token" -o "$WORK/export.zip" \
    -w '%{time_total} %{size_download} %{http_code}\n' "$BASE/api/v1/exports/records.zip")
  peak="$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVICE_PID/status")"
  [ "$status" = 200 ] || { echo "export answered $status" >&2; head -c 500 "$WORK/export.zip" >&2; exit 1; }
  entries="$(unzip -Z1 "$WORK/export.zip" | grep -c '^records/')"
  [ "$entries" = "$RECORDS" ] || { echo "export holds $entries records, expected $RECORDS" >&2; exit 1; }
  line="$(awk -v s="$seconds" -v b="$bytes" -v n="$RECORDS" -v p="$peak" -v r="$before" -v i="$i" -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    printf "run %d: %.2f s, %.0f records/s, %.1f MiB/s, %.1f MiB, peak RSS %.0f MiB (%.0f MiB before), load %s",
      i, s, n / s, b / s / 1048576, b / 1048576, p / 1024, r / 1024, l }')"
  echo "$line"
  results+=("$seconds $peak")
done
printf '%s\n' "${results[@]}" | awk '{ print $1 }' | median | awk -v n="$RECORDS" '{ printf "median: %.2f s, %.0f records/s", $1, n / $1 }'
printf '%s\n' "${results[@]}" | awk '{ print $2 }' | sort -n | tail -1 | awk '{ printf ", highest peak RSS %.0f MiB\n", $1 / 1024 }'
machine_line
