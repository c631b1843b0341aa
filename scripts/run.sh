#!/usr/bin/env bash
# Runs Consent locally: installs what is missing, starts PostgreSQL under .data/ (unless
# ConnectionStrings__Consent is set) with its two roles, applies migrations as the owner role,
# seeds the demo staff accounts and the shipped workflows, and serves on
# http://127.0.0.1:${CONSENT_PORT:-5080} as the runtime role.
# In Development the service makes its certificates on the first run and keeps them in .data/:
# records-signing.pfx (only when no signing certificate is named, see below) and
# data-protection-keys.pfx (which encrypts the sign-in keys stored in the database).
# Unless Signing__TimestampUrl or Signing__CertificatePath is set, it also starts the development PKI
# and time-stamping authority (scripts/dev-tsa.sh, docs/development-pki.md) on
# http://127.0.0.1:${CONSENT_TSA_PORT:-5081}, keeps its files in .data/dev-pki, and signs records with its
# certificate (.data/dev-pki/records-signing.pfx), time-stamped by it. The TSA keeps running after
# Ctrl+C; scripts/dev-tsa.sh stop .data/dev-pki stops it.
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
  PG_WHERE="127.0.0.1:$PG_PORT"
  # The cluster is on this machine: by default the service talks to it over its Unix-domain socket in
  # .data/pg, which costs less per round trip than loopback TCP (docs/PERFORMANCE.md, "One round trip per submission").
  # CONSENT_PG_SOCKET=0 keeps TCP.
  if [ "${CONSENT_PG_SOCKET:-1}" = 1 ]; then
    if SOCKET_DIR="$(pg_socket_dir "$DATA/pg" "$PG_PORT")"; then
      ConnectionStrings__Consent="${ConnectionStrings__Consent/Host=127.0.0.1/Host=$SOCKET_DIR}"
      OWNER_CONNECTION="${OWNER_CONNECTION/Host=127.0.0.1/Host=$SOCKET_DIR}"
      PG_WHERE="Unix socket in .data/pg (port $PG_PORT)"
    else
      log "No Unix-domain socket in .data/pg (a path too long for one?): connecting over TCP."
    fi
  fi
  export ConnectionStrings__Consent
  log "PostgreSQL: $PG_WHERE, data in .data/pg (service role $CONSENT_APP_ROLE, owner $CONSENT_OWNER_ROLE)"
fi

# The development PKI and TSA (docs/development-pki.md), unless the operator names a signing
# certificate or a TSA of their own. The port is CONSENT_TSA_PORT (default 5081); when something
# other than our TSA listens there, the next free port is used (the certificates' CRL and CA
# addresses keep naming the port .data/dev-pki was first made for, .data/dev-pki/port).
# Each chain checkpoint's signed anchor file (docs/checkpoints.md); ship the folder off-site in production.
export Anchors__Directory="${Anchors__Directory:-$DATA/anchors}"

if [ -z "${Signing__TimestampUrl:-}" ] && [ -z "${Signing__CertificatePath:-}" ]; then
  apt_ensure openssl openssl python3 python3
  PKI="$DATA/dev-pki"
  TSA_PORT="${CONSENT_TSA_PORT:-5081}"
  ours() { [ -s "$PKI/tsa.pid" ] && kill -0 "$(cat "$PKI/tsa.pid")" 2>/dev/null && [ "$(cat "$PKI/tsa.serve-port" 2>/dev/null)" = "$TSA_PORT" ]; }
  if ss -ltn "sport = :$TSA_PORT" 2>/dev/null | grep -q LISTEN && ! ours; then
    TSA_PORT="$(free_port "$((TSA_PORT + 1))")"
    log "Port ${CONSENT_TSA_PORT:-5081} is taken by another program: the development TSA uses $TSA_PORT."
  fi
  scripts/dev-tsa.sh start "$PKI" "$TSA_PORT" >/dev/null
  export Signing__CertificatePath="$PKI/records-signing.pfx"
  export Signing__TimestampUrl="http://127.0.0.1:$TSA_PORT/tsa"
  export Signing__TimestampRootsPath="$PKI/ca.pem"
  export Signing__TrustedRootsPath="$PKI/ca.pem"
  # Records signed earlier on this machine used the self-signed certificate an older version made
  # (.data/records-signing.pfx, no password); its public certificate stays trusted.
  if [ -f "$DATA/records-signing.pfx" ] && [ ! -s "$PKI/previous-signing.pem" ]; then
    if ! openssl pkcs12 -in "$DATA/records-signing.pfx" -nokeys -clcerts -passin pass: 2>/dev/null \
        | openssl x509 -out "$PKI/previous-signing.pem" 2>/dev/null; then
      rm -f "$PKI/previous-signing.pem"
      log "Could not read the earlier certificate in .data/records-signing.pfx; records it signed will not show as trusted."
    fi
  fi
  if [ -s "$PKI/previous-signing.pem" ] && [ -z "${Signing__PreviousCertificatesPath:-}" ]; then
    export Signing__PreviousCertificatesPath="$PKI/previous-signing.pem"
  fi
  log "Development PKI in .data/dev-pki (CA .data/dev-pki/ca.pem); time-stamping authority on $Signing__TimestampUrl"
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
