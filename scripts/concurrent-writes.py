#!/usr/bin/env python3
"""Concurrent writes on SQLite (issue 18): starts the server on a fresh SQLite file, then 16
people save and submit their reports for 10 weeks each, all at once (16 parallel writers), and
requires that no request got a server error (5xx) and that every submission is there.

Usage: python3 scripts/concurrent-writes.py [BINARY]   (default .build/debug/giaoban; run from the repo root)
Only the Python standard library is used. Exit status 0 when there were 0 server errors.
"""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from giaoban_client import DEMO_PASSWORD, call as client_call, free_port, start_server  # noqa: E402

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/giaoban"
PASSWORD = DEMO_PASSWORD
WRITERS = 16
WEEKS = 10


def call(base, method, path, token=None, body=None):
    return client_call(base, method, path, token, body, timeout=60, errors="return")


def main():
    work = tempfile.mkdtemp(prefix="giaoban-writes-")
    database = os.path.join(work, "writes.sqlite")
    log_path = os.path.join(work, "server.log")
    log = open(log_path, "ab")
    port = free_port()
    server, base = start_server(BINARY, port, log, {"DATABASE_PATH": database, "GIAOBAN_REMINDER_SECONDS": "0"})
    status = 1
    try:
        _, token = call(base, "POST", "/api/v1/auth/token", body={"username": "admin", "password": PASSWORD})
        admin = token["token"]
        _, people = call(base, "GET", "/api/v1/people", admin)
        _, week = call(base, "GET", "/api/v1/weeks/current", admin)
        year = int(week["id"][:4])
        usernames = [p["username"] for p in people["items"] if p.get("active", True) and p["username"] != "admin"][:WRITERS]
        tokens = {u: call(base, "POST", "/api/v1/auth/token", body={"username": u, "password": PASSWORD})[1]["token"] for u in usernames}

        def writer(username):
            codes = []
            for w in range(1, WEEKS + 1):
                week_id = f"{year}-W{w:02d}"
                body = {"work": [{"description": f"burst {username} {week_id}", "quantity": "1", "unit": "việc"}]}
                codes.append(call(base, "PUT", f"/api/v1/reports/{week_id}", tokens[username], body)[0])
                codes.append(call(base, "POST", f"/api/v1/reports/{week_id}/submit", tokens[username])[0])
            return codes

        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=WRITERS) as pool:
            results = list(pool.map(writer, usernames))
        codes = [code for codes in results for code in codes]
        errors = [code for code in codes if code >= 500]
        print(f"burst: {len(usernames)} writers x {WEEKS} weeks (save + submit): {len(codes)} requests in "
              f"{time.time() - started:.1f} s; {len(errors)} server errors; statuses {sorted(set(codes))}")
        missing = 0
        for username in usernames:
            person = next(p for p in people["items"] if p["username"] == username)
            for w in range(1, WEEKS + 1):
                code, report = call(base, "GET", f"/api/v1/reports/{year}-W{w:02d}?personId={person['id']}", admin)
                if code != 200 or report.get("status") != "submitted":
                    missing += 1
        if errors or missing or any(code != 200 for code in codes):
            print(f"FAILED: {len(errors)} server errors, {missing} submissions missing")
            return 1
        print(f"PASSED: 0 server errors, all {len(usernames) * WEEKS} submissions there")
        status = 0
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if status == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"server log and database kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
