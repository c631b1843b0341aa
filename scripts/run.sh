#!/usr/bin/env bash
# Runs Consent locally: installs what is missing, starts PostgreSQL under .data/ (unless
# ConnectionStrings__Consent is set) with its two roles, applies migrations as the owner role,
# seeds the demo staff accounts and the shipped workflows, and serves on
# http://127.0.0.1:${CONSENT_PORT:-5080} as the runtime role.
# In Development the service makes its certificates on the first run and keeps them in .data/:
# records-signing.pfx and data-protection-keys.pfx (which encrypts the sign-in keys stored in the database).
#
# scripts/run.sh --demo-data does the same, and before serving runs the seed-demo-data command (as the
# service's own role): twenty fictional patients, MRNs DEMO-0001 to DEMO-0020, across every consent
# status, some consents signed more than a year back. Running it again adds only what is missing.
set -euo pipefail

DEMO_DATA=0
for arg in "$@"; do
  case "$arg" in
    --demo-data) DEMO_DATA=1 ;;
    *) echo "scripts/run.sh: ignoring '$arg' (the one option is --demo-data)" >&2 ;;
  esac
done
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
# shellcheck source=scripts/lib/common.sh
. scripts/lib/common.sh

PORT="${CONSENT_PORT:-5080}"
PG_PORT="${CONSENT_PG_PORT:-5433}"
DATA="$ROOT/.data"
mkdir -p "$DATA"
chmod 755 "$DATA"

if ! command -v dotnet >/dev/null 2>&1; then
  log "The .NET 10 SDK is needed (dotnet on PATH); see https://dot.net."
  exit 1
fi

if [ -z "${ConnectionStrings__Consent:-}" ]; then
  ensure_postgres_installed
  pg_start "$DATA/pg" "$PG_PORT"
  # The database, owned by the owner role; one an older version made (owned by the bootstrap
  # superuser 'consent') is handed to the owner role here, once.
  pg_consent_roles "$PG_PORT" consent
  # The service connects as the runtime role, which owns nothing; the migrate verb below runs as
  # the owner, whose connection string the service itself never gets.
  ConnectionStrings__Consent="$(consent_connection "$PG_PORT" consent "$CONSENT_APP_ROLE")"
  OWNER_CONNECTION="$(consent_connection "$PG_PORT" consent "$CONSENT_OWNER_ROLE")"
  export ConnectionStrings__Consent
  log "PostgreSQL: 127.0.0.1:$PG_PORT, data in .data/pg (service role $CONSENT_APP_ROLE, owner $CONSENT_OWNER_ROLE)"
fi

# Demo accounts (Development only): the password is CONSENT_DEMO_PASSWORD, else one generated
# on the first run and kept in .data/demo-password.
if [ -z "${CONSENT_DEMO_PASSWORD:-}" ]; then
  if [ ! -s "$DATA/demo-password" ]; then
    (umask 077; printf 'demo-%s' "$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14)" > "$DATA/demo-password")
  fi
  CONSENT_DEMO_PASSWORD="$(cat "$DATA/demo-password")"
fi
export CONSENT_DEMO_PASSWORD
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export CONSENT_DATA_DIR="$DATA"
export CONSENT_REPOSITORY_ROOT="$ROOT"
# The demo clinic's phone, shown to patients as a tap-to-call link on every page (a fictional
# 555-01xx number); set Consent__ClinicPhone to your clinic's.
export Consent__ClinicPhone="${Consent__ClinicPhone:-+1 555 0100}"

dotnet build src/Consent.Web -c Release -nologo -v quiet >&2

if [ -n "${OWNER_CONNECTION:-}" ]; then
  ConnectionStrings__ConsentOwner="$OWNER_CONNECTION" dotnet src/Consent.Web/bin/Release/net10.0/Consent.Web.dll migrate >&2
fi

if [ "$DEMO_DATA" = 1 ]; then
  dotnet src/Consent.Web/bin/Release/net10.0/Consent.Web.dll seed-demo-data "http://127.0.0.1:$PORT" --contentRoot "$ROOT/src/Consent.Web"
fi

cat <<MSG
Consent is starting on http://127.0.0.1:$PORT  (API reference: http://127.0.0.1:$PORT/scalar)
Demo staff accounts (development only), password: $CONSENT_DEMO_PASSWORD
  clinician@example.org   auditor@example.org   reviewer@example.org   admin@example.org
Stop with Ctrl+C; the data stays in .data/ for the next run.
MSG

exec dotnet src/Consent.Web/bin/Release/net10.0/Consent.Web.dll --urls "http://127.0.0.1:$PORT" --contentRoot "$ROOT/src/Consent.Web"
