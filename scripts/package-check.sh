#!/usr/bin/env bash
# Checks a release package as a server would get it: unpacks it into a fresh folder outside the
# checkout, checks with ldd that the binary needs no Swift library, starts it from another
# working directory with a clean environment (no toolchain on PATH), and checks that it serves
# the sign-in page and the OpenAPI file, signs in through the form (with its CSRF token) and the
# API, answers /readyz, writes JSON log lines (LOG_FORMAT=json), and that `backup DIR --keep N`
# rotates. Also checks that a folder without templates is refused with the folder named.
#   scripts/package-check.sh [dist/giaoban-…tar.gz]   (default: the newest in dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
TARBALL="${1:-$(ls -t dist/giaoban-*-linux-*.tar.gz 2>/dev/null | head -n 1)}"
[ -n "$TARBALL" ] && [ -f "$TARBALL" ] || { echo "no package: run scripts/package.sh first"; exit 1; }
TARBALL="$(cd "$(dirname "$TARBALL")" && pwd)/$(basename "$TARBALL")"
WORK="$(mktemp -d /tmp/giaoban-pkgcheck.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "package check FAILED: $*"; [ -f "$WORK/server.log" ] && tail -n 30 "$WORK/server.log"; exit 1; }

echo "== unpacking $(basename "$TARBALL") into $WORK/opt"
mkdir -p "$WORK/opt" "$WORK/data" "$WORK/elsewhere"
tar -C "$WORK/opt" -xzf "$TARBALL"
HOME_DIR="$(ls -d "$WORK"/opt/giaoban-*)"
for f in giaoban VERSION Resources/Views/error.leaf Resources/openapi.yaml Public/css/app.css \
         deploy/giaoban.service deploy/giaoban-backup.service deploy/giaoban-backup.timer \
         deploy/giaoban.env.example deploy/nginx-giaoban.conf; do
  [ -e "$HOME_DIR/$f" ] || fail "missing $f in the package"
done

echo "== ldd: no Swift runtime library needed"
ldd "$HOME_DIR/giaoban" | sed 's/^/   /'
if ldd "$HOME_DIR/giaoban" | grep -Eq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|not found'; then
  fail "the binary needs Swift runtime libraries"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
# A clean environment: no Swift toolchain on PATH, no HOME, started from an unrelated folder.
run_clean() { (cd "$WORK/elsewhere" && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"); }

echo "== the server's tasks run on the event loops (docs/decisions.md)"
# The static Swift runtime hides the hook from a lookup by name; TaskExecution finds it through
# the linker. A package whose server fell back to Swift's pool fails here.
run_clean LOG_LEVEL=debug "$HOME_DIR/giaoban" routes >"$WORK/executor.log" 2>&1 || true
grep -q "Swift tasks run on NIO's event loops" "$WORK/executor.log" || { cat "$WORK/executor.log"; fail "the tasks do not run on the event loops"; }

echo "== a folder without templates is refused"
if run_clean GIAOBAN_HOME="$WORK/data" DATABASE_PATH="$WORK/data/x.sqlite" "$HOME_DIR/giaoban" serve \
     --hostname 127.0.0.1 --port "$PORT" >"$WORK/refused.log" 2>&1; then
  fail "started without templates"
fi
grep -q "$WORK/data/" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "the message does not name the folder"; }

echo "== starting $HOME_DIR/giaoban from $WORK/elsewhere (env -i, PATH=/usr/bin:/bin)"
( cd "$WORK/elsewhere" && exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 DATABASE_PATH="$WORK/data/giaoban.sqlite" \
    GIAOBAN_ADMIN_PASSWORD=check-package-1 GIAOBAN_SECURE_COOKIES=false GIAOBAN_REMINDER_SECONDS=0 LOG_FORMAT=json LOG_LEVEL=info \
    "$HOME_DIR/giaoban" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 ) &
SERVER_PID=$!
for _ in $(seq 120); do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server stopped while starting"
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/readyz" | grep -q ready || fail "/readyz is not ready"

python3 - "$BASE" "$WORK/server.log" <<'PY' || fail "sign-in checks"
import http.cookiejar, json, re, sys, time, urllib.parse, urllib.request
base, log = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
def get(path):
    try: r = opener.open(base + path, timeout=10)
    except urllib.error.HTTPError as e: r = e
    return r.status, r.read().decode("utf-8", "replace"), r.headers
status, page, _ = get("/login")
assert status == 200 and "_csrf" in page, f"/login: {status}"
csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"username": "admin", "password": "check-package-1", "_csrf": csrf}).encode()
try: r = opener.open(urllib.request.Request(base + "/login", data=form, method="POST"), timeout=30)
except urllib.error.HTTPError as e: r = e
assert r.status == 303, f"POST /login: {r.status}"
status, page, _ = get("/")
assert status == 200 and "logout" in page, f"home after sign-in: {status}"
status, spec, _ = get("/api/openapi.yaml")
assert status == 200 and spec.startswith("openapi"), f"/api/openapi.yaml: {status}"
status, _, headers = get("/css/app.css")
assert status == 200, f"/css/app.css: {status}"
body = json.dumps({"username": "admin", "password": "check-package-1"}).encode()
r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/auth/token", data=body, method="POST",
                                                  headers={"Content-Type": "application/json"}), timeout=30)
token = json.load(r)["token"]
r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/weeks/current", headers={"Authorization": "Bearer " + token}), timeout=10)
assert r.status == 200
status, metrics, _ = get("/metrics")
assert status == 200 and 'route="/login",status="303"' in metrics, "metrics"
time.sleep(0.5)
lines = [l for l in open(log, encoding="utf-8") if l.startswith("{")]
requests = [json.loads(l) for l in lines if '"message":"request"' in l]
assert requests, "no JSON request lines"
for line in lines: json.loads(line)
assert any(r.get("route") == "/" and r.get("person_id") and r.get("status") == 200 for r in requests), "request line with person_id"
assert all({"time", "level", "request-id", "route", "status", "duration_ms"} <= r.keys() for r in requests)
text = open(log, encoding="utf-8").read()
assert "check-package-1" not in text and token not in text, "a secret in the logs"
print(f"   sign-in (form with CSRF, API token), pages, openapi.yaml, css, metrics: ok; {len(requests)} JSON request lines")
PY

echo "== backup DIR --keep 2 (while serving)"
for _ in 1 2 3; do
  run_clean DATABASE_PATH="$WORK/data/giaoban.sqlite" "$HOME_DIR/giaoban" backup "$WORK/data/backups" --keep 2 >/dev/null \
    || fail "backup"
  sleep 1.1
done
[ "$(ls "$WORK/data/backups" | wc -l)" = 2 ] || fail "backup rotation kept $(ls "$WORK/data/backups" | wc -l) copies"
echo "   $(ls "$WORK/data/backups" | tr '\n' ' ')"
echo "package check passed: $(cat "$HOME_DIR/VERSION")"
