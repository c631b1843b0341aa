# Sets PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD from a connection string: the first of the
# named variables that is set (default ConnectionStrings__ConsentOwner, then ConnectionStrings__Consent),
# or scripts/run.sh's local database as the owner role when none is.
# shellcheck shell=bash
pg_from_connection_string() {
  local names=("$@") name
  [ ${#names[@]} -eq 0 ] && names=(ConnectionStrings__ConsentOwner ConnectionStrings__Consent)
  for name in "${names[@]}"; do
    if [ -n "${!name:-}" ]; then
      eval "$(PG_CONNECTION="${!name}" python3 - <<'PY'
import os, shlex
parts = dict(p.split("=", 1) for p in os.environ["PG_CONNECTION"].split(";") if "=" in p)
low = {k.strip().lower().replace(" ", ""): v.strip() for k, v in parts.items()}
pick = lambda *names, default="": next((low[n] for n in names if n in low), default)
print("export PGHOST=" + shlex.quote(pick("host", "server", default="127.0.0.1")))
print("export PGPORT=" + shlex.quote(pick("port", default="5432")))
print("export PGDATABASE=" + shlex.quote(pick("database", "db", default="consent")))
print("export PGUSER=" + shlex.quote(pick("username", "userid", "user", default="consent")))
print("export PGPASSWORD=" + shlex.quote(pick("password", default="")))
PY
)"
      return 0
    fi
  done
  export PGHOST=127.0.0.1 PGPORT="${CONSENT_PG_PORT:-5433}" PGDATABASE=consent PGUSER=consent_owner
}

# with_database CONNECTION DATABASE: the connection string with Database= set to DATABASE.
with_database() {
  python3 - "$1" "$2" <<'PY'
import sys
parts = [p for p in sys.argv[1].split(";") if p.strip() and p.split("=", 1)[0].strip().lower() not in ("database", "db")]
print(";".join(parts + ["Database=" + sys.argv[2]]))
PY
}
