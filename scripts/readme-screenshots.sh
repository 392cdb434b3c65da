#!/usr/bin/env bash
# Refreshes the README's screenshots from the end-to-end run, so the pictures are what the browser
# tests saw: runs scripts/e2e.sh against a fresh demo server, then copies the steps the README shows
# from ci-artifacts/e2e into docs/screenshots (committed).
# Usage: scripts/readme-screenshots.sh [BINARY]   (default .build/debug/giaoban)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/e2e.sh "${1:-.build/debug/giaoban}"
SOURCE=ci-artifacts/e2e
TARGET=docs/screenshots
mkdir -p "$TARGET"
# e2e step screenshot -> README name
while read -r step name; do
  [ -f "$SOURCE/$step" ] || { echo "readme-screenshots: $SOURCE/$step is missing" >&2; exit 1; }
  cp "$SOURCE/$step" "$TARGET/$name"
  echo "   $TARGET/$name  <-  $step"
done <<'PICKS'
01-login-home.png home-phone.png
05a2-report-form-returned.png report-returned-phone.png
06c-schedule-room-conflict-top.png schedule-conflict-phone.png
07b-briefing-desktop.png briefing-desktop.png
PICKS
