#!/usr/bin/env bash
# Restores a backup into a NEW database on the same server, owned by the owner role; grants the
# runtime role its privileges (the service's 'migrate' command); then checks every event chain and
# every stored record in it, connected as the runtime role (the service's 'audit' command).
#   scripts/restore.sh FILE [NEW_DATABASE]     default: consent_restored_<UTC time>
# Roles: the owner from ConnectionStrings__ConsentOwner, the runtime role from
# ConnectionStrings__Consent (their Database= is replaced by NEW_DATABASE); without them,
# scripts/run.sh's local cluster and roles. Creating a database needs a superuser: CONSENT_PG_ADMIN
# (default 'consent', the bootstrap superuser of scripts/run.sh's cluster and of
# docker-compose.yml's PostgreSQL) with CONSENT_PG_ADMIN_PASSWORD if it needs one.
# It never overwrites an existing database. Point the service at the restored one by changing
# Database= in both connection strings.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/lib/pgconn.sh
file="${1:?usage: scripts/restore.sh FILE [NEW_DATABASE]}"
[ -f "$file" ] || { echo "No such backup file: $file" >&2; exit 2; }
local_cluster="Host=127.0.0.1;Port=${CONSENT_PG_PORT:-5433};Database=consent"
if [ -n "${ConnectionStrings__Consent:-}" ] && [ -z "${ConnectionStrings__ConsentOwner:-}" ]; then
  echo "Set ConnectionStrings__ConsentOwner too: the restored database belongs to the owner role." >&2
  exit 2
fi
owner="${ConnectionStrings__ConsentOwner:-$local_cluster;Username=consent_owner}"
runtime="${ConnectionStrings__Consent:-$local_cluster;Username=consent_app}"
PG_CONNECTION_RUNTIME="$runtime" pg_from_connection_string PG_CONNECTION_RUNTIME
runtime_role="$PGUSER"
PG_CONNECTION_OWNER="$owner" pg_from_connection_string PG_CONNECTION_OWNER
owner_role="$PGUSER"
target="${2:-consent_restored_$(date -u +%Y%m%dT%H%M%SZ | tr 'A-Z' 'a-z')}"
admin_psql() { PGUSER="${CONSENT_PG_ADMIN:-consent}" PGPASSWORD="${CONSENT_PG_ADMIN_PASSWORD:-}" psql -v ON_ERROR_STOP=1 -d postgres "$@"; }
if admin_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$target'" | grep -q 1; then
  echo "Database $target exists already; restore into a new name." >&2
  exit 2
fi
bindir="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"
admin_psql -qc "CREATE DATABASE \"$target\" OWNER \"$owner_role\"" >/dev/null
# Restored as the owner role, so it owns every object; the dump's owners and grants are not used.
"$bindir/pg_restore" --no-owner --no-privileges --exit-on-error --dbname "$target" "$file"
echo "Restored $file into database $target on $PGHOST:$PGPORT, owned by $owner_role."

dll="src/Consent.Web/bin/Release/net10.0/Consent.Web.dll"
[ -f "$dll" ] || dotnet build src/Consent.Web -c Release -nologo -v quiet >&2
run() { CONSENT_REPOSITORY_ROOT="$ROOT" ASPNETCORE_ENVIRONMENT=Development CONSENT_DEMO_PASSWORD= Database__RuntimeRole="$runtime_role" \
  dotnet "$dll" "$@" --contentRoot "$ROOT/src/Consent.Web"; }
ConnectionStrings__ConsentOwner="$(with_database "$owner" "$target")" run migrate
ConnectionStrings__Consent="$(with_database "$runtime" "$target")" ConnectionStrings__ConsentOwner= Database__MigrateOnStartup=false run audit
