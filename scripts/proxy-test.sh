#!/usr/bin/env bash
# The service in Production behind deploy/nginx.conf, as docker-compose.yml deploys it: Debian's
# nginx ends TLS with a self-signed certificate; a clinician and a patient complete a consent
# through it over https, pages and API (scripts/lib/proxy_walk.py); a forged X-Forwarded-For sent
# straight to the service from an address that is not the proxy is ignored; and neither the
# service's log (at Trace) nor nginx's access log holds a patient link token, also when the link is
# spelled another way (/%70/<token>, /P/<token>, a percent-encoded token, ...).
#
# Addresses: nginx connects to the service from 127.0.0.1, the only trusted proxy; the "browsers"
# connect to nginx from 127.0.0.3; the stranger connects to the service directly from 127.0.0.2
# (Linux routes all of 127.0.0.0/8 to the loopback device).
#
# Prints "PASS proxy test" or "FAIL proxy test: ..." last; exit 0 only on PASS.
# Run by scripts/test.sh; by hand: scripts/proxy-test.sh (after a Release build).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/lib/common.sh

PG_PORT="$(free_port "${CONSENT_PROXY_PG_PORT:-25560}")"
APP_PORT="$(free_port "${CONSENT_PROXY_APP_PORT:-$((PG_PORT + 1))}")"
HTTPS_PORT="$(free_port "${CONSENT_PROXY_HTTPS_PORT:-$((APP_PORT + 1))}")"
HTTP_PORT="$(free_port "${CONSENT_PROXY_HTTP_PORT:-$((HTTPS_PORT + 1))}")"
PASSWORD="proxy-test-password-1"
WORKFLOW="esketamine-nasal-trd"
CLIENT_IP=127.0.0.3
STRANGER_IP=127.0.0.2
WORK="$(mktemp -d /tmp/consent-proxy.XXXXXX)"
chmod 755 "$WORK"
OUT="${CONSENT_PROXY_OUT:-$ROOT/tests/test-output/proxy}"
mkdir -p "$OUT" "$WORK/nginx" "$WORK/certs"
DLL="$ROOT/src/Consent.Web/bin/Release/net10.0/Consent.Web.dll"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  pg_stop "$WORK/pg"
  cp "$WORK"/service.log "$WORK"/nginx/access.log "$WORK"/nginx/nginx.out "$WORK"/nginx/nginx.conf "$OUT"/ 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL proxy test: $*"; exit 1; }

ensure_postgres_installed
apt_ensure nginx nginx openssl openssl curl curl
[ -f "$DLL" ] || dotnet build src/Consent.Web -c Release -nologo -v quiet
pg_start "$WORK/pg" "$PG_PORT" || fail "could not start PostgreSQL on port $PG_PORT"
psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d postgres -qc "CREATE DATABASE consent_proxy OWNER consent_owner" >/dev/null || fail "no database"

# TLS: a self-signed certificate for 127.0.0.1, which the walk trusts as its only CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$WORK/certs/privkey.pem" -out "$WORK/certs/fullchain.pem" 2>/dev/null || fail "openssl could not make a certificate"
dotnet "$DLL" create-signing-certificate "$WORK/records-signing.pfx" --subject "Proxy test records" >/dev/null \
  || fail "could not make a record-signing certificate"
dotnet "$DLL" create-key-encryption-certificate "$WORK/data-protection-keys.pfx" --subject "Proxy test key ring" >/dev/null \
  || fail "could not make a key-encryption certificate"

# nginx: the shipped deploy/nginx.conf with only the upstream, ports, certificate paths and log file
# changed; each change is checked, so a reshaped shipped file fails here rather than going untested.
sed -e "s|server consent:8080;|server 127.0.0.1:$APP_PORT;|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$HTTPS_PORT ssl;|" \
    -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|/etc/nginx/certs/|$WORK/certs/|g" \
    -e "s|access_log /dev/stdout consent;|access_log $WORK/nginx/access.log consent;|" \
    deploy/nginx.conf > "$WORK/nginx/nginx.conf"
for expected in "server 127.0.0.1:$APP_PORT;" "listen 127.0.0.1:$HTTPS_PORT ssl;" "listen 127.0.0.1:$HTTP_PORT;" \
  "ssl_certificate     $WORK/certs/fullchain.pem;" "access_log $WORK/nginx/access.log consent;"; do
  grep -qF "$expected" "$WORK/nginx/nginx.conf" || fail "deploy/nginx.conf no longer has the line this test adapts into: $expected"
done
[ "$(diff deploy/nginx.conf "$WORK/nginx/nginx.conf" | grep -c '^>')" -eq 6 ] || fail "the test changed more of deploy/nginx.conf than it should"

# ---- The service's environment: Production behind the proxy. The ONE place to change it. --------
SERVICE_ENV=(
  ASPNETCORE_ENVIRONMENT=Production
  "ConnectionStrings__Consent=Host=127.0.0.1;Port=$PG_PORT;Database=consent_proxy;Username=consent_app"
  "ConnectionStrings__ConsentOwner=Host=127.0.0.1;Port=$PG_PORT;Database=consent_proxy;Username=consent_owner"
  "Signing__CertificatePath=$WORK/records-signing.pfx"
  "DataProtection__CertificatePath=$WORK/data-protection-keys.pfx"
  Proxy__KnownProxies=127.0.0.1
  "CONSENT_REPOSITORY_ROOT=$ROOT"
  "CONSENT_DATA_DIR=$WORK/data"
  Audit__IntervalMinutes=0
  Logging__LogLevel__Default=Trace
  Logging__LogLevel__Microsoft.AspNetCore=Trace
  Logging__LogLevel__Microsoft.EntityFrameworkCore=Information
)
# -------------------------------------------------------------------------------------------------
env "${SERVICE_ENV[@]}" dotnet "$DLL" --urls "http://127.0.0.1:$APP_PORT" --contentRoot "$ROOT/src/Consent.Web" \
  > "$WORK/service.log" 2>&1 &
PIDS+=($!)
nginx -e stderr -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g "daemon off; pid $WORK/nginx/nginx.pid;" \
  > "$WORK/nginx/nginx.out" 2>&1 &
PIDS+=($!)

ready=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$APP_PORT/health/ready" >/dev/null 2>&1 \
    && curl -fsS --cacert "$WORK/certs/fullchain.pem" "https://127.0.0.1:$HTTPS_PORT/health/ready" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
[ -n "$ready" ] || { tail -n 20 "$WORK/service.log" "$WORK/nginx/nginx.out" >&2; fail "the service or nginx did not come up"; }

# Staff accounts, as an operator creates the first ones outside Development (no demo accounts
# there): with the service's own command, which seals them (an account written with SQL signs in
# as nobody). The password comes from the environment, so it is a chosen one, not temporary.
for account in "clinician@proxy.example|Proxy Clinician|Clinician" "reviewer@proxy.example|Proxy Reviewer|EthicsReviewer" \
  "second.reviewer@proxy.example|Second Proxy Reviewer|EthicsReviewer"; do
  IFS='|' read -r email name role <<< "$account"
  env "${SERVICE_ENV[@]}" CONSENT_STAFF_PASSWORD="$PASSWORD" dotnet "$DLL" create-staff-account "$email" "$name" "$role" \
    >> "$WORK/accounts.txt" 2>&1 || { cat "$WORK/accounts.txt" >&2; fail "could not create the staff account $email"; }
done

redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/p/somewhere")"
case "$redirect" in
  "301 https://"*) echo "  ok  plain http to nginx is sent to https ($redirect)" >&2 ;;
  *) fail "plain http to nginx answered '$redirect', not a 301 to https" ;;
esac

: > "$WORK/tokens"
if ! python3 scripts/lib/proxy_walk.py walk "https://127.0.0.1:$HTTPS_PORT" "http://127.0.0.1:$APP_PORT" \
  "$WORK/certs/fullchain.pem" "$CLIENT_IP" "$STRANGER_IP" "$PASSWORD" "$ROOT/workflows/$WORKFLOW/v1.yaml" "$WORK/tokens" > "$WORK/walk.txt"; then
  cat "$WORK/walk.txt"
  tail -n 5 "$WORK/nginx/access.log" >&2
  fail "$(tail -n 1 "$WORK/walk.txt")"
fi
cat "$WORK/walk.txt" >&2

# Spellings nginx answers itself (plain http is redirected): a doubly encoded path, a token in a query.
[ "$(wc -l < "$WORK/tokens")" -ge 2 ] || fail "the walk recorded no link tokens to look for"
token="$(head -1 "$WORK/tokens")"
for path in "/%2570/$token" "/Account/Login?ReturnUrl=%2Fp%2F$token"; do
  curl -s --path-as-is -o /dev/null "http://127.0.0.1:$HTTP_PORT$path" || fail "nginx did not answer plain http"
done

# Let the service finish writing (the record job logs after the download), then read both logs for
# every token, as sent or percent-encoded (the walk also asked for /%70/<token> and other spellings).
sleep 1
if leaked="$(python3 scripts/lib/proxy_walk.py leaks "$WORK/tokens" "$WORK/service.log" "$WORK/nginx/access.log")"; then :; else
  fail "a patient link token is in the logs: $leaked"
fi
grep -qF '/p/***' "$WORK/nginx/access.log" || fail "nginx's access log has no masked patient path: is it logging?"
grep -qF 'GET /api/v1/patient/***/current' "$WORK/nginx/access.log" || fail "nginx's access log has no masked patient API path"
grep -qF '/api/v1/patient/***/' "$WORK/service.log" || fail "the service's log has no masked patient path: is it logging at Trace?"
echo "  ok  no link token in the service's log ($(wc -l < "$WORK/service.log") lines at Trace) or nginx's access log ($(wc -l < "$WORK/nginx/access.log") lines)" >&2

echo "PASS proxy test"
