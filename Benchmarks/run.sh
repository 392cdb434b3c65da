#!/usr/bin/env bash
# Province-scale benchmark: builds release, generates the data once (kept in Benchmarks/data,
# not committed), and runs wrk against the main pages and API routes. Prints requests/s,
# p50/p99 latency and the server's peak memory next to the plain-text /healthz ceiling.
#   Benchmarks/run.sh                       # 150 communes x 60 people x 52 weeks, 15 s per route
#   COMMUNES=20 DURATION=10s Benchmarks/run.sh
#   Benchmarks/run.sh --sessions 24         # every route spread over 24 communes' office accounts
#   Benchmarks/run.sh --sessions 24         # each route spread over 24 communes
#   Benchmarks/run.sh --sequential-only     # one request at a time only (median of 15)
# The ceiling of /healthz is Benchmarks/BareVapor, the same Vapor with one plain-text route.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMUNES=${COMMUNES:-150}
PEOPLE=${PEOPLE:-60}
WEEKS=${WEEKS:-52}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}

command -v wrk >/dev/null || { apt-get update -qq >/dev/null 2>&1 || true; apt-get install -y -qq wrk >/dev/null; }
echo "== release build"
swift build -c release --product giaoban 2>&1 | tail -n 1
BIN=${BIN:-.build/release/giaoban}
echo "== release build of Benchmarks/BareVapor"
(cd Benchmarks/BareVapor && swift build -c release 2>&1 | tail -n 1)
BARE=Benchmarks/BareVapor/.build/release/BareVapor
mkdir -p Benchmarks/data
DB="Benchmarks/data/province-${COMMUNES}x${PEOPLE}x${WEEKS}.sqlite"
if [ ! -f "$DB" ]; then
  echo "== generating $COMMUNES communes x $PEOPLE people x $WEEKS weeks into $DB"
  start=$(date +%s)
  DATABASE_PATH="$DB" LOG_LEVEL=error "$BIN" generate --communes "$COMMUNES" --people "$PEOPLE" --weeks "$WEEKS" | tail -n 2
  echo "generated in $(( $(date +%s) - start )) s"

fi
ls -la "$DB"
python3 Benchmarks/bench.py "$BIN" "$DB" --duration "$DURATION" --connections "$CONNECTIONS" --bare "$BARE" "$@"
