#!/usr/bin/env bash
# Hostile input and API fuzzing (issue #8): starts the demo server (fresh SQLite file, free port)
# from a built binary, runs scripts/hostile-input.py (oversized bodies, broken JSON, invalid
# UTF-8, huge numbers, SQL and HTML injection, CSRF, unknown and expired credentials), then
# fuzzes every operation of the served OpenAPI file with schemathesis (from PyPI) as a reporter
# and as the administrator: no 5xx, every status code, content type and body as documented.
# Stops the server and exits non-zero on any failure (or when the server logged a 5xx).
# Reports (JUnit XML, the text output of each run, the server's log) go to ci-artifacts/fuzz.
#
# Usage: scripts/fuzz-api.sh [BINARY]   (default .build/debug/giaoban; build it first with `swift build`)
# The whole run takes about 4 minutes on 2 cores. Tuning (environment):
#   FUZZ_EXAMPLES           examples per operation in the administrator's run (default 20)
#   FUZZ_REPORTER_EXAMPLES  examples per operation in the reporter's run (default 10)
#   FUZZ_PHASES             the administrator's phases (default examples,coverage,fuzzing,stateful)
#   FUZZ_REPORTER_PHASES    the reporter's phases (default examples,fuzzing,stateful)
#   FUZZ_SEED               the seed (default 20210814: the same run every time)
#   FUZZ_WORKERS            schemathesis workers (default 1: CPython 3.11 can fail with
#                           "AST constructor recursion depth mismatch" when several threads generate)
#   FUZZ_MAX_TIME           a time budget in seconds per run instead of a fixed number of examples
#   FUZZ_SPEC               fuzz against this OpenAPI file instead of the served /api/openapi.yaml
#   GIAOBAN_FUZZ_STRICT=1   hostile-input's judgement-call warnings become failures
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/giaoban}"
OUT="ci-artifacts/fuzz"
EXAMPLES="${FUZZ_EXAMPLES:-20}"
REPORTER_EXAMPLES="${FUZZ_REPORTER_EXAMPLES:-10}"
PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}"
REPORTER_PHASES="${FUZZ_REPORTER_PHASES:-examples,fuzzing,stateful}"
SEED="${FUZZ_SEED:-20210814}"
WORKERS="${FUZZ_WORKERS:-1}"
MAX_TIME="${FUZZ_MAX_TIME:-}"
PASSWORD="giaoban2021"
START=$(date +%s)

if [ ! -x "$BIN" ]; then
  echo "fuzz: no executable at $BIN (run swift build first, or give the binary's path)" >&2
  exit 2
fi

. scripts/lib/demo-server.sh
if ! python3 -c 'import schemathesis' >/dev/null 2>&1; then
  echo "== fuzz: installing schemathesis"
  pip_install /tmp/giaoban-fuzz-pip.log schemathesis || { echo "fuzz: pip install schemathesis failed"; tail -n 5 /tmp/giaoban-fuzz-pip.log; exit 2; }
fi
ST=(python3 -m schemathesis.cli)
echo "== fuzz: $("${ST[@]}" --version 2>/dev/null | head -n 1)"

rm -rf "$OUT"
mkdir -p "$OUT"
LOG="$OUT/server.log"
# The script's sign-ins claim client addresses through X-Forwarded-For (the server trusts this
# machine as its proxy), so the per-address sign-in throttle judges each check on its own.
start_demo_server fuzz "$BIN" "$LOG" GIAOBAN_REMINDER_SECONDS=0 GIAOBAN_TRUSTED_PROXIES=127.0.0.1,::1
WORK="$DEMO_WORK"
DB="$DEMO_WORK/fuzz.sqlite"
echo "   ready after $(( $(date +%s) - START )) s"

token_for() { # username → bearer token
  python3 - "$BASE" "$1" "$PASSWORD" <<'PY'
import json, sys, urllib.request
base, username, password = sys.argv[1:4]
request = urllib.request.Request(base + "/api/v1/auth/token", method="POST",
                                 data=json.dumps({"username": username, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
}
ADMIN_TOKEN=$(token_for admin) || { echo "fuzz: no token for admin"; exit 1; }
REPORTER_TOKEN=$(token_for nam.hs) || { echo "fuzz: no token for nam.hs"; exit 1; }

STATUS=0
echo "== fuzz: hostile input (scripts/hostile-input.py)"
GIAOBAN_FUZZ_FORWARDED=1 python3 scripts/hostile-input.py "$BASE" "$ADMIN_TOKEN" "$DB" >"$OUT/hostile-input.txt" 2>&1
HOSTILE=$?
grep -E "^(FAIL|WARN) |^hostile-input:" "$OUT/hostile-input.txt"
[ $HOSTILE -eq 0 ] || { echo "-- hostile input failed (exit $HOSTILE); see $OUT/hostile-input.txt"; STATUS=1; }

CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# No .schemathesis/ cache in the repository: it would replay earlier runs' requests (not deterministic).
printf '[cache]\nenabled = false\n' >"$WORK/schemathesis.toml"
export HYPOTHESIS_STORAGE_DIRECTORY="$WORK/hypothesis"  # not .hypothesis/ in the repository
SPEC=("$BASE/api/openapi.yaml")
[ -n "${FUZZ_SPEC:-}" ] && SPEC=("$FUZZ_SPEC" --url "$BASE")
run_schemathesis() { # name, token, examples, phases
  local name=$1 token=$2 examples=$3 phases=$4
  local started extra=()
  started=$(date +%s)
  [ -n "$MAX_TIME" ] && extra=(--max-time "$MAX_TIME")
  echo "== fuzz: schemathesis as $name ($examples examples per operation, seed $SEED, phases $phases)"
  "${ST[@]}" --no-color --config-file "$WORK/schemathesis.toml" run "${SPEC[@]}" \
    --header "Authorization: Bearer $token" \
    --checks "$CHECKS" \
    --exclude-operation-id revokeToken \
    --phases "$phases" \
    --max-examples "$examples" \
    "${extra[@]}" \
    --seed "$SEED" \
    --generation-database none \
    --workers "$WORKERS" \
    --request-timeout 30 \
    --suppress-health-check all \
    --report junit --report-dir "$OUT" --report-junit-path "$OUT/junit-$name.xml" \
    >"$OUT/schemathesis-$name.txt" 2>&1
  local code=$?
  if [ $code -ne 0 ]; then # what failed and how to reproduce it, for the CI log
    grep -E '^_{3,} .* _{3,}$|^- ST[0-9]+ |^    curl ' "$OUT/schemathesis-$name.txt" | head -n 60
  fi
  sed -n '/= SUMMARY =/,$p' "$OUT/schemathesis-$name.txt" | grep -vE '^\s*$' | head -n 30
  echo "   $name: exit $code in $(( $(date +%s) - started )) s; full output in $OUT/schemathesis-$name.txt"
  [ $code -eq 0 ] || STATUS=1
}
# `DELETE /api/v1/auth/token` would revoke the run's own token (hostile-input checks it instead).
# The reporter first: the administrator's run creates, changes and deactivates records.
run_schemathesis reporter "$REPORTER_TOKEN" "$REPORTER_EXAMPLES" "$REPORTER_PHASES"
run_schemathesis admin "$ADMIN_TOKEN" "$EXAMPLES" "$PHASES"

if grep -q "Unhandled error" "$LOG"; then
  echo "-- the server logged unhandled errors (5xx):"
  grep "Unhandled error" "$LOG" | sort | uniq -c | sort -rn | head -n 20
  STATUS=1
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "-- the server died during the run; last lines of $LOG:"; tail -n 30 "$LOG"; STATUS=1
fi
echo "== fuzz: exit $STATUS after $(( $(date +%s) - START )) s; reports in $OUT"
exit $STATUS
