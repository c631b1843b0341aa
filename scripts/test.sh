#!/usr/bin/env bash
# Runs every test against a throwaway PostgreSQL and ends with one line: N passed, N failed[, N skipped].
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
# shellcheck source=scripts/lib/common.sh
. scripts/lib/common.sh

ensure_postgres_installed
# Tools the record checks (pdfsig, qpdf, certutil, pdftotext) and the browser tests use.
apt_ensure pdfsig poppler-utils qpdf qpdf certutil libnss3-tools /usr/bin/chromium chromium

PG_PORT="${CONSENT_TEST_PG_PORT:-55432}"
WORK="$(mktemp -d /tmp/consent-test.XXXXXX)"
chmod 755 "$WORK"
cleanup() { pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT

if ! pg_start "$WORK/pg" "$PG_PORT"; then
  log "Could not start the throwaway PostgreSQL on port $PG_PORT."
  echo "0 passed, 1 failed"
  exit 1
fi
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

extra_failed=0
if [ -x scripts/fault-tests.sh ]; then :; fi

python3 - "$RESULTS" "${#projects[@]}" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
results, expected = sys.argv[1], int(sys.argv[2])
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = sorted(glob.glob(f"{results}/*.trx"))
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
missing = expected - len(files)
if missing > 0:
    print(f"{missing} test project(s) produced no results (crashed or did not run)", file=sys.stderr)
    failed += missing
line = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
print(line)
sys.exit(1 if failed or passed == 0 else 0)
PY
