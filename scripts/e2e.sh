#!/usr/bin/env bash
# End-to-end browser tests: starts the demo server (fresh SQLite file, free port) from a built
# binary, runs scripts/e2e.py in headless Chromium, stops the server and exits with e2e.py's code.
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

pip_install() { # pip refuses a Debian-managed Python unless told otherwise (PEP 668)
  python3 -m pip install -q "$@" >/tmp/giaoban-e2e-pip.log 2>&1 \
    || python3 -m pip install -q --break-system-packages "$@" >>/tmp/giaoban-e2e-pip.log 2>&1
}
if ! python3 -m pip --version >/dev/null 2>&1; then
  apt-get install -y -qq python3-pip >/dev/null 2>&1 || true
fi
if ! python3 -c 'import selenium, requests' >/dev/null 2>&1; then
  echo "== e2e: installing selenium and requests"
  pip_install selenium requests || { echo "e2e: pip install selenium requests failed"; tail -n 5 /tmp/giaoban-e2e-pip.log; exit 2; }
fi
if ! python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("axe_playwright_python") is None)' >/dev/null 2>&1; then
  echo "== e2e: installing axe-core (axe-playwright-python, without Playwright)"
  pip_install --no-deps axe-playwright-python \
    || { echo "e2e: pip install axe-playwright-python failed"; tail -n 5 /tmp/giaoban-e2e-pip.log; exit 2; }
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d /tmp/giaoban-e2e.XXXXXX)
mkdir -p "$OUT"
LOG="$OUT/server.log"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== e2e: demo server from $BIN on 127.0.0.1:$PORT (database $WORK/e2e.sqlite)"
DATABASE_PATH="$WORK/e2e.sqlite" "$BIN" demo --hostname 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for i in $(seq 180); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: the server stopped while starting; last lines of $LOG:"; tail -n 30 "$LOG"; exit 1
  fi
  if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$BASE/healthz" >/dev/null 2>&1; then break; fi
  if [ "$i" = 180 ]; then echo "e2e: no answer on $BASE/healthz after 90 s"; tail -n 30 "$LOG"; exit 1; fi
  sleep 0.5
done

python3 scripts/e2e.py "$BASE" "$OUT"
STATUS=$?
echo "== e2e: exit $STATUS; screenshots and server log in $OUT"
exit $STATUS
