#!/usr/bin/env python3
"""Runs wrk against the main pages and API routes of a running-or-started GiaoBan release server
and prints requests/s, p50/p99 latency and the server's peak memory, next to the plain-text
/healthz route as the ceiling. Usage (Benchmarks/run.sh does all of this):

    python3 Benchmarks/bench.py BINARY DATABASE_PATH [--duration 15s] [--connections 64] [--user c001.p004]

Only the Python standard library and the `wrk` program are used.
"""
import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PASSWORD = "giaoban2021"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_memory_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def login(base, username):
    """A browser session cookie (the sign-in form with its CSRF token) and an API token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "_csrf": csrf}).encode()
    opener.open(base + "/login", form)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    request = urllib.request.Request(base + "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}).encode(),
                                     {"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(request).read())["token"]
    return cookie, token


def api(base, path, token):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    return json.loads(urllib.request.urlopen(request).read())


def wrk(url, header, duration, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def percentile(p):
        match = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rps, percentile(50), percentile(99), int(non2xx.group(1)) if non2xx else 0, errors.group(1) if errors else ""


def timed(url, header, count=20):
    """Median wall time of `count` sequential requests, in ms (for the year's ledger)."""
    times = []
    for _ in range(count):
        request = urllib.request.Request(url, headers=dict([header.split(": ", 1)]) if header else {})
        started = time.perf_counter()
        urllib.request.urlopen(request).read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("database")
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--user", default="c001.p004", help="an office account of the first generated commune")
    args = parser.parse_args()

    port = free_port()
    env = dict(os.environ, DATABASE_PATH=args.database, GIAOBAN_REMINDER_SECONDS="0", GIAOBAN_SECURE_COOKIES="false", LOG_LEVEL="error")
    server = subprocess.Popen([args.binary, "serve", "--env", "production", "--hostname", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookie, token = login(base, args.user)
        week = api(base, "/api/v1/weeks/current", token)
        week_id, year = week["id"], int(week["id"][:4])
        groups = api(base, "/api/v1/groups", token)["items"]
        group = groups[0]["id"]
        page = f"Cookie: {cookie}"
        bearer = f"Authorization: Bearer {token}"
        routes = [
            ("plain text /healthz (ceiling)", "/healthz", None),
            ("home page", "/", page),
            ("report form", f"/reports/{week_id}", page),
            ("group week page", f"/groups/{group}/weeks/{week_id}", page),
            ("ledger week page", f"/ledger/weeks/{week_id}", page),
            ("briefing page", f"/briefing/{week_id}", page),
            ("schedule page", f"/schedule/{week_id}", page),
            ("API ledger week", f"/api/v1/ledger/{week_id}", bearer),
            ("API group week", f"/api/v1/groups/{group}/weeks/{week_id}", bearer),
            ("API year ledger", f"/api/v1/ledger?year={year}", bearer),
            ("year ledger summary page", f"/ledger/summary?year={year}", page),
        ]
        rows = []
        ceiling = None
        for name, path, header in routes:
            rps, p50, p99, non2xx, errors = wrk(base + path, header, args.duration, args.connections)
            ceiling = ceiling or rps
            rows.append((name, path, rps, rps / ceiling * 100, p50, p99, non2xx, errors))
        ledger_ms = timed(base + f"/api/v1/ledger?year={year}", bearer)
        ledger_page_ms = timed(base + f"/ledger/summary?year={year}", page)
        memory = peak_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nwrk -t2 -c{args.connections} -d{args.duration} on {os.cpu_count()} cores; database {args.database}; user {args.user}")
    print(f"{'route':32} {'req/s':>9} {'% plain':>8} {'p50 ms':>8} {'p99 ms':>8}  non-2xx")
    for name, path, rps, share, p50, p99, non2xx, errors in rows:
        print(f"{name:32} {rps:9.0f} {share:7.1f}% {p50:8.2f} {p99:8.2f}  {non2xx} {errors}")
    print(f"a year's ledger for one commune (median of 20 sequential requests): API {ledger_ms:.1f} ms, "
          f"summary page {ledger_page_ms:.1f} ms")
    print(f"server peak memory (VmHWM): {memory:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
