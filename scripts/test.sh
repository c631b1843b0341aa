#!/usr/bin/env bash
# Runs every test against a throwaway PostgreSQL and ends with one line: N passed, N failed[, N skipped].
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
# shellcheck source=scripts/lib/common.sh
. scripts/lib/common.sh

ensure_postgres_installed
# Tools the record checks (pdfsig, qpdf, certutil, pdftotext) and the browser tests use.
apt_ensure pdfsig poppler-utils qpdf qpdf certutil libnss3-tools /usr/bin/chromium chromium unzip unzip

# A port another run still holds is skipped rather than fought over (free_port, scripts/lib/common.sh).
PG_PORT="$(free_port "${CONSENT_TEST_PG_PORT:-25432}")"
WORK="$(mktemp -d /tmp/consent-test.XXXXXX)"
chmod 755 "$WORK"
cleanup() { pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT

if ! pg_start "$WORK/pg" "$PG_PORT"; then
  log "Could not start the throwaway PostgreSQL on port $PG_PORT."
  echo "0 passed, 1 failed"
  exit 1
fi
# The bootstrap superuser: the tests create each database with it, owned by consent_owner (which
# pg_start created with consent_app), and run the service as consent_app.
export CONSENT_TEST_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=consent;Database=postgres"
export CONSENT_REPOSITORY_ROOT="$ROOT"

RESULTS="$ROOT/tests/test-output"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

if ! dotnet build Consent.sln -c Release -nologo -v quiet; then
  log "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

projects=(tests/*/*.csproj)
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$RESULTS/$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$RESULTS" || true
done

# When a browser test failed, CI keeps only this output: print what the service was doing, its
# warnings and errors and every request that took 5 s or more, from the logs ServiceHost leaves.
if grep -q 'outcome="Failed"' "$RESULTS"/Consent.EndToEnd.Tests.trx 2>/dev/null; then
  for service_log in "$RESULTS"/service-*.log; do
    [ -f "$service_log" ] || continue
    slow="$(grep -E '^(warn|fail|crit):|Request finished .* [0-9]{4,}(\.[0-9]+)?ms' "$service_log" \
      | grep -vE 'Request finished .* [0-9]{1,3}(\.[0-9]+)?ms|Request finished .* [1-4][0-9]{3}(\.[0-9]+)?ms' | tail -n 40)"
    [ -n "$slow" ] && printf 'service log %s (warnings, errors, requests of 5 s or more):\n%s\n' "$(basename "$service_log")" "$slow"
  done
fi

# Script-level checks (each counts as one test): the outside client's contract smoke (when present)
# against the real service process, for each shipped workflow.
SCRIPT_RESULTS="$RESULTS/script-checks.txt"
: > "$SCRIPT_RESULTS"
record() { printf '%s %s\n' "$1" "$2" >> "$SCRIPT_RESULTS"; }

SMOKE_PORT="$(free_port "${CONSENT_TEST_SMOKE_PORT:-25480}")"
pg_consent_roles "$PG_PORT" consent_smoke
export CONSENT_DEMO_PASSWORD="smoke-test-password-1"
SMOKE_DB="$(consent_connection "$PG_PORT" consent_smoke "$CONSENT_APP_ROLE")"
SMOKE_OWNER="$(consent_connection "$PG_PORT" consent_smoke "$CONSENT_OWNER_ROLE")"
ConnectionStrings__Consent="$SMOKE_DB" ConnectionStrings__ConsentOwner="$SMOKE_OWNER" \
  ASPNETCORE_ENVIRONMENT=Development CONSENT_DATA_DIR="$WORK/data" \
  dotnet src/Consent.Web/bin/Release/net10.0/Consent.Web.dll --urls "http://127.0.0.1:$SMOKE_PORT" \
  --contentRoot "$ROOT/src/Consent.Web" > "$RESULTS/smoke-service.log" 2>&1 &
SMOKE_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$SMOKE_PORT/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
# The outside client's smoke script lives beside our own checkout only; a fresh clone has nothing
# beside it, so the check is skipped there (and not counted) - the project's own tests walk the API.
SMOKE_SCRIPT="$ROOT/../shared/contract-smoke.py"
if [ -f "$SMOKE_SCRIPT" ]; then
  for workflow in ketamine-iv-depression esketamine-nasal-trd ketamine-chronic-pain; do
    if WORKFLOW="$workflow" python3 "$SMOKE_SCRIPT" "http://127.0.0.1:$SMOKE_PORT" 2>&1; then
      record pass "contract-smoke $workflow"
    else
      record fail "contract-smoke $workflow"
    fi
  done
else
  echo "contract-smoke skipped: no outside smoke script beside this checkout"
fi
# A body over the service's request limit is refused with 413 by the real server (Kestrel).
oversized=$(head -c 6000000 /dev/zero | tr '\0' 'a' | curl -s -o "$RESULTS/oversized.json" -w "%{http_code}" \
  -H "Content-Type: application/json" --data-binary @- "http://127.0.0.1:$SMOKE_PORT/api/v1/auth/login")
if [ "$oversized" = "413" ]; then record pass "oversized request refused"; else record fail "oversized request refused ($oversized)"; fi
# Data for the backup check that needs nothing outside the repository: a few whole consents
# (fault/load.py), then every record they caused issued (polled, at most 90 s).
python3 scripts/fault/load.py --nodes "http://127.0.0.1:$SMOKE_PORT" --password "$CONSENT_DEMO_PASSWORD" --seconds 8 --workers 2 \
  --out "$RESULTS/backup-load.json" > "$RESULTS/backup-load.txt" 2>&1
records_pending() { psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d consent_smoke -tAc \
  "SELECT count(*) FROM outbox_jobs WHERE kind = 'issue-record' AND completed_at IS NULL"; }
for _ in $(seq 1 450); do [ "$(records_pending)" = 0 ] && break; sleep 0.2; done
[ "$(records_pending)" = 0 ] || log "Records of consent_smoke still being issued after 90 s; the backup check compares what is there."
kill "$SMOKE_PID" 2>/dev/null; wait "$SMOKE_PID" 2>/dev/null

# Backup and restore: dump the smoke database, restore it into a fresh one (owned by the owner
# role, the runtime role granted again), and check as the runtime role that every chain and record
# in the copy verifies, and that sessions, events and records have the same counts and digests in
# both (fault/same-data.py, which also fails when there are no sessions or records to compare).
# The audit checks the event seals, so it needs the smoke service's key-encryption certificate
# (in its data folder), as any restore does.
if ConnectionStrings__Consent="$SMOKE_DB" ConnectionStrings__ConsentOwner="$SMOKE_OWNER" scripts/backup.sh "$WORK/smoke.dump" > "$RESULTS/backup.log" 2>&1 \
  && ConnectionStrings__Consent="$SMOKE_DB" ConnectionStrings__ConsentOwner="$SMOKE_OWNER" CONSENT_DATA_DIR="$WORK/data" \
     scripts/restore.sh "$WORK/smoke.dump" consent_restored > "$RESULTS/restore.log" 2>&1 \
  && grep -q "Every chain and record verifies." "$RESULTS/restore.log" \
  && python3 scripts/fault/same-data.py "$PG_PORT" consent_smoke consent_restored > "$RESULTS/backup-compare.txt" 2>&1 \
  && [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d consent_restored -tAc "SELECT pg_get_userbyid(relowner)
       || ' ' || has_table_privilege('$CONSENT_APP_ROLE', oid, 'INSERT') || ' ' || has_table_privilege('$CONSENT_APP_ROLE', oid, 'UPDATE')
       FROM pg_class WHERE oid = 'consent_events'::regclass")" = "$CONSENT_OWNER_ROLE true false" ]; then
  record pass "backup and restore"
  grep -h "Audit at" "$RESULTS/restore.log"
  cat "$RESULTS/backup-compare.txt"
else
  record fail "backup and restore"
  tail -n 20 "$RESULTS/backup.log" "$RESULTS/restore.log" "$RESULTS/backup-compare.txt" >&2
fi

# The workflow validator over the shipped workflows, as an author runs it.
if dotnet src/Consent.Web/bin/Release/net10.0/Consent.Web.dll validate-workflows "$ROOT" > "$RESULTS/validate-workflows.txt" 2>&1; then
  record pass "validate-workflows"
else
  record fail "validate-workflows"
  cat "$RESULTS/validate-workflows.txt" >&2
fi

# Fault tests (issue 6): kill -9 under load, database away, two nodes; (issue 18) on a primary and a
# synchronous standby: the primary killed and the standby promoted, the standby lost, the standby
# lagging. One check per scenario.
CONSENT_FAULT_OUT="$RESULTS/fault" scripts/fault-tests.sh > "$RESULTS/fault-tests.txt" 2>&1
cat "$RESULTS/fault-tests.txt"
for scenario in a b c d e f; do
  if grep -q "^PASS fault scenario $scenario" "$RESULTS/fault-tests.txt"; then
    record pass "fault scenario $scenario"
  else
    record fail "fault scenario $scenario"
  fi
done

# The development TSA as scripts/run.sh starts it (scripts/dev-tsa.sh): start twice, /health, stop twice.
scripts/dev-tsa-test.sh > "$RESULTS/dev-tsa-test.txt" 2>&1
if grep -q "^PASS dev-tsa start/stop" "$RESULTS/dev-tsa-test.txt"; then
  record pass "dev-tsa start/stop"
else
  record fail "dev-tsa start/stop"
  tail -n 20 "$RESULTS/dev-tsa-test.txt" >&2
fi

# TLS proxy (issue 11): the service in Production behind deploy/nginx.conf run by Debian's nginx; a
# consent walked over https, pages and API; forged forwarded headers ignored; no link token logged.
CONSENT_PROXY_OUT="$RESULTS/proxy" scripts/proxy-test.sh > "$RESULTS/proxy-test.txt" 2>&1
if grep -q "^PASS proxy test" "$RESULTS/proxy-test.txt"; then
  record pass "TLS proxy"
else
  record fail "TLS proxy"
  tail -n 30 "$RESULTS/proxy-test.txt" >&2
fi

python3 - "$RESULTS" "${#projects[@]}" "$SCRIPT_RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
results, expected, scripts = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = sorted(glob.glob(f"{results}/*.trx"))
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
for line in open(scripts, encoding="utf-8"):
    status, name = line.split(" ", 1)
    if status == "pass":
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {name.strip()}", file=sys.stderr)
missing = expected - len(files)
if missing > 0:
    print(f"{missing} test project(s) produced no results (crashed or did not run)", file=sys.stderr)
    failed += missing
line = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
print(line)
sys.exit(1 if failed or passed == 0 else 0)
PY
