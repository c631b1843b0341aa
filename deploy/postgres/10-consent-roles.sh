#!/usr/bin/env bash
# PostgreSQL image init script: docker-compose.yml mounts deploy/postgres/ at
# /docker-entrypoint-initdb.d/, and the image runs this once, on an empty volume, as its superuser
# (POSTGRES_USER). It creates Consent's owner and runtime roles with the passwords the compose file
# gives (CONSENT_OWNER_PASSWORD, CONSENT_APP_PASSWORD) and hands the database (POSTGRES_DB) to the
# owner. The image ignores consent-roles.psql itself (not *.sql), which this script feeds to psql.
# For a volume made before the two roles existed, run it once by hand; it changes nothing twice:
#   docker compose exec postgres bash /docker-entrypoint-initdb.d/10-consent-roles.sh
# The image may source this file instead of running it, so it defines and calls one function.
consent_roles() {
  local args=(-v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname postgres
    -v database="${POSTGRES_DB:-consent}"
    -v owner_role="${CONSENT_OWNER_ROLE:-consent_owner}" -v app_role="${CONSENT_APP_ROLE:-consent_app}")
  if [ -n "${CONSENT_OWNER_PASSWORD:-}" ]; then args+=(-v owner_password="$CONSENT_OWNER_PASSWORD"); fi
  if [ -n "${CONSENT_APP_PASSWORD:-}" ]; then args+=(-v app_password="$CONSENT_APP_PASSWORD"); fi
  psql "${args[@]}" -f "$(dirname "${BASH_SOURCE[0]}")/consent-roles.psql"
}
consent_roles
