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

python3 scripts/e2e.py "$BASE" "$OUT"
STATUS=$?
echo "== e2e: exit $STATUS; screenshots and server log in $OUT"
exit $STATUS
