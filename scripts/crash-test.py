#!/usr/bin/env python3
"""Nothing acknowledged is lost (issue #8): starts the server on a fresh SQLite file, fires a burst
of concurrent report submissions, kills the server with SIGKILL in the middle of the burst,
restarts it on the same file and checks that every submission the server acknowledged (HTTP 200)
is there, with its content.

Usage: python3 scripts/crash-test.py [BINARY]   (default .build/debug/giaoban; run from the repo root)
Only the Python standard library is used.
"""
import concurrent.futures
import shutil
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from giaoban_client import DEMO_PASSWORD, call, free_port, start_server  # noqa: E402

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/giaoban"
PASSWORD = DEMO_PASSWORD


def start(database, port, log):
    return start_server(BINARY, port, log, {"DATABASE_PATH": database, "GIAOBAN_REMINDER_SECONDS": "0"})


def main():
    global WORK
    work = WORK = tempfile.mkdtemp(prefix="giaoban-crash-")
    database = os.path.join(work, "crash.sqlite")
    log = open(os.path.join(work, "server.log"), "ab")
    port = free_port()
    server, base = start(database, port, log)
    _, token = call(base, "POST", "/api/v1/auth/token", body={"username": "admin", "password": PASSWORD})
    admin = token["token"]
    _, people = call(base, "GET", "/api/v1/people", admin)
    _, week = call(base, "GET", "/api/v1/weeks/current", admin)
    year = int(week["id"][:4])
    usernames = [p["username"] for p in people["items"] if p.get("active", True) and p["username"] != "admin"]
    tokens = {}
    for username in usernames:
        _, answer = call(base, "POST", "/api/v1/auth/token", body={"username": username, "password": PASSWORD})
        tokens[username] = answer["token"]
    people_by_name = {p["username"]: p["id"] for p in people["items"]}
    # Weeks before the demo history: nobody has reported them yet.
    jobs = [(username, f"{year}-W{w:02d}") for w in range(1, 9) for username in usernames]
    acknowledged = []
    lock = threading.Lock()
    killed = threading.Event()

    def submit(job):
        username, week_id = job
        marker = f"crash-test {username} {week_id}"
        body = {"work": [{"description": marker, "quantity": "1", "unit": "việc"}]}
        try:
            status, _ = call(base, "PUT", f"/api/v1/reports/{week_id}", tokens[username], body)
            if status != 200:
                return
            status, answer = call(base, "POST", f"/api/v1/reports/{week_id}/submit", tokens[username])
            if status == 200 and answer.get("status") == "submitted":
                with lock:
                    acknowledged.append((username, week_id, marker))
        except (OSError, urllib.error.HTTPError):
            pass  # refused or cut off by the kill: not acknowledged, nothing promised

    def killer():
        # Kill once about a third of the burst has been acknowledged.
        target = len(jobs) // 3
        while not killed.is_set():
            with lock:
                count = len(acknowledged)
            if count >= target:
                server.send_signal(signal.SIGKILL)
                killed.set()
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=killer)
    watcher.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(submit, jobs))
    watcher.join(timeout=5)
    killed.set()
    server.wait()
    print(f"burst: {len(jobs)} submissions sent, {len(acknowledged)} acknowledged before SIGKILL (exit {server.returncode})")
    if server.returncode != -signal.SIGKILL:
        print(f"FAILED: the server was not killed by SIGKILL during the burst (exit {server.returncode})")
        return 1

    server, base = start(database, port, log)
    try:
        _, token = call(base, "POST", "/api/v1/auth/token", body={"username": "admin", "password": PASSWORD})
        admin = token["token"]
        lost = []
        for username, week_id, marker in acknowledged:
            status, report = call(base, "GET", f"/api/v1/reports/{week_id}?personId={people_by_name[username]}", admin)
            work = [line.get("description") for line in (report or {}).get("work", [])]
            if status != 200 or report.get("status") != "submitted" or marker not in work:
                lost.append((username, week_id, status, report and report.get("status")))
        if lost:
            print(f"FAILED: {len(lost)} acknowledged submission(s) missing after restart: {lost[:10]}")
            return 1
        print(f"PASSED: all {len(acknowledged)} acknowledged submissions are there after SIGKILL and restart")
        return 0 if acknowledged else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


WORK = None


def run():
    status = main()
    if status == 0 and WORK:
        shutil.rmtree(WORK, ignore_errors=True)
    elif WORK:
        print(f"server log and database kept in {WORK}")
    return status


if __name__ == "__main__":
    sys.exit(run())
