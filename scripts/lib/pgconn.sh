# Sets PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD from ConnectionStrings__Consent, or from
# scripts/run.sh's local database when that is not set.
# shellcheck shell=bash
pg_from_connection_string() {
  if [ -n "${ConnectionStrings__Consent:-}" ]; then
    eval "$(python3 - <<'PY'
import os, shlex
parts = dict(p.split("=", 1) for p in os.environ["ConnectionStrings__Consent"].split(";") if "=" in p)
low = {k.strip().lower().replace(" ", ""): v.strip() for k, v in parts.items()}
pick = lambda *names, default="": next((low[n] for n in names if n in low), default)
print("export PGHOST=" + shlex.quote(pick("host", "server", default="127.0.0.1")))
print("export PGPORT=" + shlex.quote(pick("port", default="5432")))
print("export PGDATABASE=" + shlex.quote(pick("database", "db", default="consent")))
print("export PGUSER=" + shlex.quote(pick("username", "userid", "user", default="consent")))
print("export PGPASSWORD=" + shlex.quote(pick("password", default="")))
PY
)"
  else
    export PGHOST=127.0.0.1 PGPORT="${CONSENT_PG_PORT:-5433}" PGDATABASE=consent PGUSER=consent
  fi
}
