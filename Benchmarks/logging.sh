#!/usr/bin/env bash
# What a log line per request costs: wrk -t2 -c64 -d10s on /healthz of a release server, with
# LOG_LEVEL=error (no request line), the default (info, plain lines) and LOG_FORMAT=json (info),
# the server's output going to a file as under journald. Rounds alternate the three settings so
# that drift on a shared machine spreads over all of them.
#   Benchmarks/logging.sh [BINARY] [ROUNDS]   (default .build-release/release/giaoban, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build-release/release/giaoban}"
ROUNDS="${2:-3}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
WORK="$(mktemp -d /tmp/giaoban-logbench.XXXXXX)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
# One database for all runs (created by the first start).
run() { # label, env…
  local label=$1; shift
  env DATABASE_PATH="$WORK/bench.sqlite" GIAOBAN_REMINDER_SECONDS=0 GIAOBAN_ADMIN_PASSWORD=bench-password-1 "$@" \
    "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$WORK/server-$label.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  wrk -t2 -c64 -d2s "http://127.0.0.1:$PORT/healthz" >/dev/null   # warm-up
  local rps
  rps=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/healthz" | awk '/Requests\/sec/ {print $2}')
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "$label $rps $(wc -l < "$WORK/server-$label.log")"
}
echo "round setting req/s log-lines"
for round in $(seq "$ROUNDS"); do
  run error LOG_LEVEL=error | sed "s/^/$round /"
  run info LOG_LEVEL=info | sed "s/^/$round /"
  run json LOG_LEVEL=info LOG_FORMAT=json | sed "s/^/$round /"
done | tee "$WORK/results.txt"
python3 - "$WORK/results.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
by = {}
for r in rows: by.setdefault(r[1], []).append(float(r[2]))
base = statistics.median(by["error"])
for name in ("error", "info", "json"):
    m = statistics.median(by[name])
    print(f"{name:6s} median {m:9.0f} req/s  (runs: {', '.join(f'{v:.0f}' for v in by[name])})  cost vs error: {100 * (1 - m / base):5.1f} %")
PY
