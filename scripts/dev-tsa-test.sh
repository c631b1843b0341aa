#!/usr/bin/env bash
# Checks scripts/dev-tsa.sh as scripts/run.sh uses it: start twice (the second finds it running and
# changes nothing), /health answers, the keys are private, stop twice (the second has nothing to
# stop), and then nothing answers. Ends with "PASS dev-tsa start/stop" or "FAIL dev-tsa start/stop: why".
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
. scripts/lib/common.sh

PORT="$(free_port "${CONSENT_TEST_TSA_PORT:-25990}")"
DIR="$(mktemp -d /tmp/consent-dev-tsa-test.XXXXXX)"
cleanup() { scripts/dev-tsa.sh stop "$DIR" >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

fail() { echo "FAIL dev-tsa start/stop: $*"; exit 1; }

url="$(scripts/dev-tsa.sh start "$DIR" "$PORT")" || fail "first start"
[ "$url" = "http://127.0.0.1:$PORT/tsa" ] || fail "start printed '$url'"
pid="$(cat "$DIR/tsa.pid")"
[ "$(curl -fsS "http://127.0.0.1:$PORT/health")" = ok ] || fail "/health after the first start"
ca_key="$(sha256sum "$DIR/ca.key")"

scripts/dev-tsa.sh start "$DIR" "$PORT" >/dev/null || fail "second start"
[ "$(cat "$DIR/tsa.pid")" = "$pid" ] || fail "the second start started another server"
[ "$(sha256sum "$DIR/ca.key")" = "$ca_key" ] || fail "the second start made a new CA key"
[ "$(curl -fsS "http://127.0.0.1:$PORT/health")" = ok ] || fail "/health after the second start"
for key in ca.key tsa.key records-signing.key records-signing.pfx; do
  [ "$(stat -c %a "$DIR/$key")" = 600 ] || fail "$key is not 0600"
done
[ "$(cat "$DIR/port")" = "$PORT" ] || fail "the port was not recorded"

scripts/dev-tsa.sh stop "$DIR" || fail "first stop"
scripts/dev-tsa.sh stop "$DIR" || fail "second stop"
kill -0 "$pid" 2>/dev/null && fail "the server still runs after stop"
curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && fail "/health still answers after stop"
[ ! -e "$DIR/tsa.pid" ] || fail "stop left the pid file"
echo "PASS dev-tsa start/stop"
