#!/usr/bin/env bash
# Writes the upgrade fixtures Tests/AppTests/Fixtures/upgrade-df69a08.{sqlite,postgres}.sql: SQL
# dumps of a database on the schema of commit df69a08 (before the ledger-regime migration) with
# the demo commune, ten weeks of history, an API token, a sign-in and planned reminders.
# How: the test UpgradeTests/writeFixtureDatabase builds the database with today's code, then
# reverts the migrations newer than df69a08 (their `revert` drops exactly what they added) — a
# second full build of df69a08 would cost 10–20 minutes here. Re-run this script when a release
# ships, with the schema of that release, and keep the old fixtures.
#   scripts/make-upgrade-fixture.sh            # SQLite and PostgreSQL (starts a private cluster)
#   scripts/make-upgrade-fixture.sh sqlite     # SQLite only
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=Tests/AppTests/Fixtures
WORK="$(mktemp -d /tmp/giaoban-fixture.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
command -v sqlite3 >/dev/null || { apt-get install -y -qq sqlite3 >/dev/null; }

echo "== SQLite"
GIAOBAN_WRITE_UPGRADE_FIXTURE="$WORK/fixture.sqlite" swift test --filter "UpgradeTests/writeFixtureDatabase" >"$WORK/test.log" 2>&1 \
  || { tail -n 40 "$WORK/test.log"; exit 1; }
{
  echo "-- GiaoBan database on the schema of commit df69a08 (SQLite), written by scripts/make-upgrade-fixture.sh."
  echo "-- Demo commune, passwords 'giaoban2021' (bcrypt cost 4). Loaded by UpgradeTests."
  sqlite3 "$WORK/fixture.sqlite" .dump
} > "$OUT/upgrade-df69a08.sqlite.sql"
echo "   $(grep -c '^INSERT' "$OUT/upgrade-df69a08.sqlite.sql") rows in $OUT/upgrade-df69a08.sqlite.sql"

if [ "${1:-all}" = "sqlite" ]; then exit 0; fi
echo "== PostgreSQL"
PG_PORT="${PG_PORT:-5435}" scripts/with-postgres.sh bash -c '
  set -euo pipefail
  psql -X -q "${GIAOBAN_TEST_POSTGRES_URL%%\?*}" -c "CREATE DATABASE giaoban_fixture"
  URL="${GIAOBAN_TEST_POSTGRES_URL%%/postgres\?*}/giaoban_fixture?sslmode=disable"
  GIAOBAN_WRITE_UPGRADE_FIXTURE="$URL" swift test --filter "UpgradeTests/writeFixtureDatabase" >"'"$WORK"'/test-pg.log" 2>&1 \
    || { tail -n 40 "'"$WORK"'/test-pg.log"; exit 1; }
  {
    echo "-- GiaoBan database on the schema of commit df69a08 (PostgreSQL), written by scripts/make-upgrade-fixture.sh."
    echo "-- Demo commune, passwords '"'"'giaoban2021'"'"' (bcrypt cost 4). Loaded by UpgradeTests."
    # One INSERT per row; no SET or search_path lines (each statement runs on its own connection).
    pg_dump --inserts --no-owner --no-privileges --no-comments --schema=public "${URL%%\?*}" \
      | grep -v -E "^(SET |SELECT pg_catalog.set_config|CREATE SCHEMA|COMMENT ON SCHEMA|ALTER SCHEMA|\\\\)"
  } > "'"$OUT"'/upgrade-df69a08.postgres.sql"
'
echo "   $(grep -c '^INSERT' "$OUT/upgrade-df69a08.postgres.sql") rows in $OUT/upgrade-df69a08.postgres.sql"
