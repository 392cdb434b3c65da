#!/usr/bin/env bash
# A province on one PostgreSQL: two app servers behind nginx on loopback share a private
# PostgreSQL cluster (scripts/with-postgres.sh). scripts/two-servers.py checks that a report
# submitted through one server is read through the other at once, that a reminder is sent once
# while both servers run reminders, that killing one server with SIGKILL during a burst through
# nginx loses nothing acknowledged, and that `giaoban backup DIR --keep N` works on PostgreSQL.
#   scripts/two-servers.sh [BINARY]   (default .build/debug/giaoban; installs nginx if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY="${1:-.build/debug/giaoban}"
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing nginx from Debian packages…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
PG_PORT="${PG_PORT:-5434}" exec scripts/with-postgres.sh python3 scripts/two-servers.py "$BINARY"
