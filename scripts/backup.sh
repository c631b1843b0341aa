#!/usr/bin/env bash
# Backs up the Consent database with pg_dump (custom format, compressed).
#   scripts/backup.sh [FILE]     default: .data/backups/consent-<UTC time>.dump
# Connects as the owner role (ConnectionStrings__ConsentOwner), else as ConnectionStrings__Consent,
# else to scripts/run.sh's local database as the owner role. Owners and privileges are not needed
# in the dump: scripts/restore.sh gives the copy to the owner role and grants the runtime role again.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/pgconn.sh
pg_from_connection_string
out="${1:-.data/backups/consent-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$out")"
"$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)/pg_dump" --format=custom --no-owner --file "$out" "$PGDATABASE"
printf 'Backed up %s@%s:%s/%s to %s (%s bytes, sha256 %s)\n' "$PGUSER" "$PGHOST" "$PGPORT" "$PGDATABASE" "$out" \
  "$(stat -c %s "$out")" "$(sha256sum "$out" | cut -d' ' -f1)"
