#!/usr/bin/env bash
# The real servers the `services` tests use, provisioned from nothing (run by `make test`, idempotent):
#   1. PostgreSQL and Redis installed with apt-get when missing;
#   2. both started on 127.0.0.1 (5432, 6379) when not running, and waited for;
#   3. a test role with a password and its own database (no reliance on trust authentication: a stock
#      PostgreSQL asks for a password on 127.0.0.1), able to create the per-test databases and pg_trgm.
# The tests read the URL from DOSSIER_TEST_PG_URL (exported by the Makefile; printed below). Any step that
# fails stops here with the reason: `make test` must not go on to skip the production-path tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt.sh
. scripts/apt.sh

PG_ROLE=dossier_test PG_PASSWORD=dossier_test PG_DB=dossier_test
PG_PORT=5432 REDIS_PORT=6379

fail() {
  echo "services: $*" >&2
  exit 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

wait_for() { # wait_for SECONDS COMMAND...: true once COMMAND succeeds
  local seconds=$1
  shift
  for _ in $(seq "$((seconds * 2))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# 1. packages
need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && command -v pg_ctlcluster >/dev/null ||
  need+=(postgresql)
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}"
  apt_get update
  apt_get install -y --no-install-recommends "${need[@]}" || fail "apt-get install ${need[*]} failed"
fi

# 2. PostgreSQL: the newest installed version's cluster `main` (created when the package made none)
version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
[ -n "$version" ] || fail "PostgreSQL is not installed under /usr/lib/postgresql"
[ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >/dev/null
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    fail "pg_ctlcluster $version main start failed (see /var/log/postgresql/postgresql-$version-main.log)"
fi
wait_for 30 pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || fail "PostgreSQL $version not ready on 127.0.0.1:$PG_PORT"

#    Redis: no persistence (tests only), bound to 127.0.0.1
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || fail "redis-server did not start"
fi
wait_for 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || fail "Redis not answering on 127.0.0.1:$REDIS_PORT"

# 3. the test role and database (the role creates and drops the tests' own databases: CREATEDB)
as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL || fail "could not create role $PG_ROLE"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')
\gexec
SQL
as_postgres psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" >/dev/null \
  -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" ||
  fail "could not create the pg_trgm extension in $PG_DB (package postgresql-contrib?)"
PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" -c "SELECT 1" >/dev/null ||
  fail "cannot sign in as $PG_ROLE with its password on 127.0.0.1:$PG_PORT (pg_hba.conf?)"

echo "services: PostgreSQL $version and Redis ready on 127.0.0.1;" \
  "DOSSIER_TEST_PG_URL=postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
