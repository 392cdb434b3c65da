# Shared by scripts/e2e.sh and scripts/fuzz-api.sh (source it): installing Python packages on a
# Debian-managed Python, and running a demo server on a fresh SQLite file and a free port.

# pip_install LOG ARGS...: pip refuses a Debian-managed Python unless told otherwise (PEP 668).
pip_install() {
  local log="$1"; shift
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get install -y -qq python3-pip >/dev/null 2>&1 || true
  fi
  python3 -m pip install -q "$@" >"$log" 2>&1 \
    || python3 -m pip install -q --break-system-packages "$@" >>"$log" 2>&1
}

# start_demo_server NAME BINARY LOG [ENV=VALUE...]: starts `BINARY demo` on 127.0.0.1 and a free
# port with a fresh database in a temporary folder, waits for /healthz (up to 120 s), and sets
# SERVER_PID, BASE and DEMO_WORK. The server is stopped and the folder removed on exit.
start_demo_server() {
  local name="$1" binary="$2" log="$3"; shift 3
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  DEMO_WORK=$(mktemp -d "/tmp/giaoban-$name.XXXXXX")
  SERVER_PID=""
  trap stop_demo_server EXIT
  echo "== $name: demo server from $binary on 127.0.0.1:$port (database $DEMO_WORK/$name.sqlite)"
  env DATABASE_PATH="$DEMO_WORK/$name.sqlite" "$@" "$binary" demo --hostname 127.0.0.1 --port "$port" >"$log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port"
  local i
  for i in $(seq 240); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$name: the server stopped while starting; last lines of $log:"; tail -n 30 "$log"; exit 1
    fi
    if python3 -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)' \
         "$BASE/healthz" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "$name: no answer on $BASE/healthz after 120 s"; tail -n 30 "$log"; exit 1
}

stop_demo_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "${DEMO_WORK:-}" ] && rm -rf "$DEMO_WORK"
  return 0
}
