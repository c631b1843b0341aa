#!/usr/bin/env bash
# Login timing: how long POST /api/v1/auth/login takes to refuse an unknown email and a known one
# (wrong password), and to accept a right one. A difference would tell an attacker which emails
# have accounts (issue 11: unknown answered in a median 4 ms, known in 61 ms).
#
# Builds Release, starts a PostgreSQL of its own (port LOGIN_PG_PORT) and the service
# (Development, port LOGIN_PORT, the sign-in rate limit raised), makes ACCOUNTS staff accounts,
# then ROUNDS rounds: for each account one unknown email, one wrong password (4 per account in all,
# below the lockout of 5) and one right password, timed by curl. Prints the medians in ms.
#
#   benchmarks/login/run.sh                   25 accounts x 4 rounds (about 2 minutes)
set -euo pipefail
. "$(dirname "$0")/../lib/bench.sh"
cd "$BENCH_ROOT"

PORT="${LOGIN_PORT:-18680}"
PG_PORT="${LOGIN_PG_PORT:-18632}"
ACCOUNTS="${ACCOUNTS:-25}"
ROUNDS=4
WORK="$(mktemp -d /tmp/consent-login.XXXXXX)"
chmod 755 "$WORK"
cleanup() { service_stop; pg_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

machine_line
build_web_release
bench_pg_start "$WORK/pg" "$PG_PORT"
psql -h 127.0.0.1 -p "$PG_PORT" -U consent -d postgres -qAt -c "CREATE DATABASE consent_login" >/dev/null
export CONSENT_DEMO_PASSWORD="login-timing-password-1" CONSENT_DATA_DIR="$WORK/data"
service_start "$WORK/service.log" "$PORT" "Host=127.0.0.1;Port=$PG_PORT;Database=consent_login;Username=consent" RateLimits__LoginPerMinute=1000000
wait_ready "$PORT" 120 || { tail -20 "$WORK/service.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"

login() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'content-type: application/json' \
  -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/auth/login"; }
ADMIN=$(curl -fsS -H 'content-type: application/json' -d "{\"email\":\"admin@example.org\",\"password\":\"$CONSENT_DEMO_PASSWORD\"}" \
  "$BASE/api/v1/auth/login" | python3 -c 'import sys, json; print(json.load(sys.stdin)["accessToken"])')
# Accounts made as a clinic makes them: invited, and each invitee sets the password with the link in the
# invitation mail (Development writes it as an .eml file under the data directory's mail/ folder).
for i in $(seq 1 "$ACCOUNTS"); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \
    -d "{\"email\":\"timing$i@example.org\",\"displayName\":\"Timing $i\",\"roles\":[\"Clinician\"]}" \
    "$BASE/api/v1/admin/users"
done
mailed_link() { # mailed_link EMAIL: the account link in the mail sent to EMAIL, once it is there
  python3 - "$CONSENT_DATA_DIR/mail" "$1" <<'PY'
import email, email.policy, pathlib, sys, time
folder, to = pathlib.Path(sys.argv[1]), sys.argv[2]
for _ in range(300):
    for f in sorted(folder.glob("*.eml")) if folder.exists() else []:
        m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
        if m["To"] and to in str(m["To"]):
            for line in m.get_body(("plain",)).get_content().splitlines():
                if "/account/link/" in line:
                    print(line.strip()); sys.exit(0)
    time.sleep(0.1)
sys.exit("no invitation mail for " + to)
PY
}
for i in $(seq 1 "$ACCOUNTS"); do
  curl -fsS -o /dev/null -H 'content-type: application/json' \
    -d "{\"token\":\"$(mailed_link "timing$i@example.org")\",\"password\":\"timing password $i\"}" "$BASE/api/v1/auth/link/password"
done

# Warm-up, not reported.
for i in $(seq 1 10); do login "warm$i@example.org" "x" >/dev/null; login "timing1@example.org" "timing password 1" >/dev/null; done

: > "$WORK/unknown"; : > "$WORK/known"; : > "$WORK/right"
for _ in $(seq 1 "$ROUNDS"); do
  for i in $(seq 1 "$ACCOUNTS"); do
    login "nobody$RANDOM$i@example.org" "timing password $i" >> "$WORK/unknown"
    login "timing$i@example.org" "not the password $RANDOM" >> "$WORK/known"
    login "timing$i@example.org" "timing password $i" >> "$WORK/right"
  done
done

report() { printf '%-32s %4d answers %-12s median %6.1f ms\n' "$1" "$(wc -l < "$2")" \
  "($(cut -d' ' -f1 "$2" | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }' | sed 's/ $//'))" \
  "$(cut -d' ' -f2 "$2" | median | awk '{ print $1 * 1000 }')"; }
report "unknown email" "$WORK/unknown"
report "known email, wrong password" "$WORK/known"
report "known email, right password" "$WORK/right"
