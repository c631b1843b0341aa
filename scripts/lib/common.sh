# Shared by scripts/run.sh and scripts/test.sh: install what is missing, run a local PostgreSQL.
# shellcheck shell=bash

log() { printf '%s\n' "$*" >&2; }

# apt_ensure CMD PACKAGE [CMD PACKAGE ...]: installs each Debian package whose command is missing.
apt_ensure() {
  local missing=()
  while [ $# -gt 1 ]; do
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then missing+=("$2"); fi
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -f /var/lib/apt/periodic/consent-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    $sudo apt-get update -qq >&2
    $sudo mkdir -p /var/lib/apt/periodic && $sudo touch /var/lib/apt/periodic/consent-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

pg_bindir() {
  local dir
  dir="$(pg_config --bindir 2>/dev/null || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  fi
  printf '%s' "$dir"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
    apt_ensure /usr/lib/postgresql/15/bin/initdb postgresql
  fi
  command -v psql >/dev/null 2>&1 || apt_ensure psql postgresql-client
}

# As root, PostgreSQL runs as the 'postgres' user (it refuses to run as root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Consent's two database roles (README, "Deploying"): the owner owns each database and runs the
# migrations; the runtime role the service connects as owns nothing and may only read and append
# to the event log. 'consent', the local clusters' bootstrap superuser, only creates roles and databases.
CONSENT_OWNER_ROLE=consent_owner
CONSENT_APP_ROLE=consent_app
CONSENT_ROLES_SQL="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/deploy/postgres/consent-roles.psql"

# pg_consent_roles PORT [DATABASE]: creates both roles on the local cluster when missing and, with
# DATABASE, that database owned by the owner role; a database an older version made (owned by
# 'consent') is handed to the owner object by object. Idempotent (deploy/postgres/consent-roles.psql).
pg_consent_roles() {
  local args=(-h 127.0.0.1 -p "$1" -U consent -d postgres -v ON_ERROR_STOP=1 -q
    -v owner_role="$CONSENT_OWNER_ROLE" -v app_role="$CONSENT_APP_ROLE")
  if [ -n "${2:-}" ]; then args+=(-v database="$2"); fi
  psql "${args[@]}" -f "$CONSENT_ROLES_SQL" >/dev/null
}

# consent_connection PORT DATABASE ROLE: the Npgsql connection string of ROLE on a local cluster
# (trust authentication on loopback: no password).
consent_connection() { printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s' "$1" "$2" "$3"; }

# pg_socket_dir DIR PORT: DIR when the local cluster pg_start started in DIR listens on a Unix-domain
# socket there (pg_start passes -k DIR, PostgreSQL's unix_socket_directories), else nothing.
# Npgsql takes a directory as Host (Host=DIR;Port=PORT connects to DIR/.s.PGSQL.PORT), as psql does.
pg_socket_dir() { [ -S "$1/.s.PGSQL.$2" ] && printf '%s' "$1"; }

# pg_start DIR PORT: initialise DIR once (trust auth on loopback, superuser 'consent'), start it,
# and make sure Consent's two roles exist on it.
pg_start() {
  local dir="$1" port="$2" bin
  bin="$(pg_bindir)"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if ! runuser -u postgres -- test -x "$dir"; then
      log "PostgreSQL's user cannot reach $dir: make its parent folders traversable (chmod o+x)."
      return 1
    fi
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir" -U consent --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null || return 1
  fi
  pg_consent_roles "$port"
}

pg_stop() {
  local dir="$1"
  [ -f "$dir/postmaster.pid" ] || return 0
  as_pg "$(pg_bindir)/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# free_port PORT: PORT, or the next one up that nothing listens on. Callers start below 32768:
# ports in Linux's ephemeral range (32768-60999) may be taken at any moment by an outgoing
# connection (a pooled database connection, curl), and a listener then fails to bind.
free_port() { local port="$1"; while ss -ltn "sport = :$port" 2>/dev/null | grep -q LISTEN; do port=$((port + 1)); done; echo "$port"; }
