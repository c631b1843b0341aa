#!/usr/bin/env bash
# Restores a backup into a NEW database on the same server, then checks every event chain and
# every stored record in it (the service's 'audit' command).
#   scripts/restore.sh FILE [NEW_DATABASE]     default: consent_restored_<UTC time>
# It never overwrites an existing database. Point the service at the restored one by changing
# Database= in ConnectionStrings__Consent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/lib/pgconn.sh
file="${1:?usage: scripts/restore.sh FILE [NEW_DATABASE]}"
[ -f "$file" ] || { echo "No such backup file: $file" >&2; exit 2; }
pg_from_connection_string
target="${2:-consent_restored_$(date -u +%Y%m%dT%H%M%SZ | tr 'A-Z' 'a-z')}"
if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$target'" | grep -q 1; then
  echo "Database $target exists already; restore into a new name." >&2
  exit 2
fi
bindir="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"
psql -d postgres -qc "CREATE DATABASE \"$target\"" >/dev/null
"$bindir/pg_restore" --no-owner --exit-on-error --dbname "$target" "$file"
echo "Restored $file into database $target on $PGHOST:$PGPORT."

conn="Host=$PGHOST;Port=$PGPORT;Database=$target;Username=$PGUSER"
[ -n "${PGPASSWORD:-}" ] && conn="$conn;Password=$PGPASSWORD"
dll="src/Consent.Web/bin/Release/net10.0/Consent.Web.dll"
[ -f "$dll" ] || dotnet build src/Consent.Web -c Release -nologo -v quiet >&2
ConnectionStrings__Consent="$conn" Database__MigrateOnStartup=false CONSENT_REPOSITORY_ROOT="$ROOT" \
  ASPNETCORE_ENVIRONMENT=Development CONSENT_DEMO_PASSWORD= \
  dotnet "$dll" audit --contentRoot "$ROOT/src/Consent.Web"
