#!/usr/bin/env bash
# End-to-end browser tests: starts the demo server (fresh SQLite file, free port) from a built
# binary, and a second server on an empty database (`serve`, for the fresh-install flow), runs
# scripts/e2e.py in headless Chromium, stops the servers and exits with e2e.py's code.
# Screenshots, the downloaded .docx and the server's log go to ci-artifacts/e2e (not committed).
# Usage: scripts/e2e.sh [BINARY]   (default .build/debug/giaoban; build it first with `swift build`)
# Installs what is missing: Debian's chromium and chromium-driver, Python selenium and requests,
# and axe-core from PyPI (the axe-playwright-python package ships axe.min.js; only that file is used).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/giaoban}"
OUT="ci-artifacts/e2e"
export DEBIAN_FRONTEND=noninteractive

if [ ! -x "$BIN" ]; then
  echo "e2e: no executable at $BIN (run swift build first, or give the binary's path)" >&2
  exit 2
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "== e2e: installing chromium and chromium-driver"
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq chromium chromium-driver fonts-noto-core >/tmp/giaoban-e2e-apt.log 2>&1 \
    || { echo "e2e: chromium could not be installed"; tail -n 5 /tmp/giaoban-e2e-apt.log; exit 2; }
fi

. scripts/lib/demo-server.sh
if ! python3 -c 'import selenium, requests' >/dev/null 2>&1; then
  echo "== e2e: installing selenium and requests"
  pip_install /tmp/giaoban-e2e-pip.log selenium requests || { echo "e2e: pip install selenium requests failed"; tail -n 5 /tmp/giaoban-e2e-pip.log; exit 2; }
fi
if ! python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("axe_playwright_python") is None)' >/dev/null 2>&1; then
  echo "== e2e: installing axe-core (axe-playwright-python, without Playwright)"
  pip_install /tmp/giaoban-e2e-pip.log --no-deps axe-playwright-python \
    || { echo "e2e: pip install axe-playwright-python failed"; tail -n 5 /tmp/giaoban-e2e-pip.log; exit 2; }
fi

mkdir -p "$OUT"
LOG="$OUT/server.log"
start_demo_server e2e "$BIN" "$LOG"

# A second server on an empty database (not the demo), for the fresh-install flow (step 10).
SETUP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
SETUP_WORK=$(mktemp -d /tmp/giaoban-setup.XXXXXX)
export SETUP_ADMIN_PASSWORD="e2e-admin-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
env DATABASE_PATH="$SETUP_WORK/setup.sqlite" GIAOBAN_ADMIN_PASSWORD="$SETUP_ADMIN_PASSWORD" GIAOBAN_REMINDER_SECONDS=0 \
  "$BIN" serve --hostname 127.0.0.1 --port "$SETUP_PORT" >"$OUT/setup-server.log" 2>&1 &
SETUP_PID=$!
trap 'stop_demo_server; kill "$SETUP_PID" 2>/dev/null; rm -rf "$SETUP_WORK"' EXIT
export SETUP_BASE="http://127.0.0.1:$SETUP_PORT"
for _ in $(seq 240); do
  python3 -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)' \
    "$SETUP_BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SETUP_PID" 2>/dev/null || { echo "e2e: the fresh server stopped; see $OUT/setup-server.log"; unset SETUP_BASE; break; }
  sleep 0.5
done
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  echo "== e2e: installing LibreOffice Writer and poppler-utils (the login slips are opened in LibreOffice)"
  apt-get install -y -qq libreoffice-writer-nogui poppler-utils >/tmp/giaoban-e2e-apt-lo.log 2>&1 \
    || apt-get install -y -qq libreoffice-writer poppler-utils >>/tmp/giaoban-e2e-apt-lo.log 2>&1 || true
fi

python3 scripts/e2e.py "$BASE" "$OUT"
STATUS=$?
echo "== e2e: exit $STATUS; screenshots and server log in $OUT"
exit $STATUS
