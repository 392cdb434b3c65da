#!/usr/bin/env bash
# Runs a command with a private PostgreSQL cluster on 127.0.0.1:5433 and
# GIAOBAN_TEST_POSTGRES_URL pointing at it; installs PostgreSQL from Debian if missing.
# Usage: scripts/with-postgres.sh swift test
set -euo pipefail
PG_PORT="${PG_PORT:-5433}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$(mktemp -d /tmp/giaoban-pg.XXXXXX)
chown postgres:postgres "$PGDATA"
cleanup() { su postgres -c "$PG_BIN/pg_ctl -D $PGDATA -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap cleanup EXIT
su postgres -c "$PG_BIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $PGDATA -o '-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000' -l $PGDATA/server.log -w start" >/dev/null
export GIAOBAN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
"$@"
