#!/usr/bin/env python3
"""Runs wrk against the main pages and API routes of a running-or-started GiaoBan release server
and prints requests/s, p50/p99 latency and the server's peak memory, next to the plain-text
/healthz route as the ceiling. Usage (Benchmarks/run.sh does all of this):

    python3 Benchmarks/bench.py BINARY DATABASE_PATH [--duration 15s] [--connections 64] [--user c001.p004]
                                [--sessions N] [--no-cache] [--bare BARE_BINARY] [--sequential-only]

--sessions N spreads every route over N office accounts of N communes (c001.p004, c002.p004, …),
each request the next one's: N communes' pages built in turn.
--no-cache sets GIAOBAN_PAGE_CACHE=off, for binaries made before issue 20 (which had a page cache):
since then every request builds its page and the flag changes nothing.
--bare runs Benchmarks/BareVapor (one plain-text route on the same Vapor) first, as the ceiling of
/healthz. Every route is also timed one request at a time (median of 15, after one warm-up);
--sequential-only skips wrk and prints only those.

Only the Python standard library and the `wrk` program are used.
"""
import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "lib"))
from giaoban_client import DEMO_PASSWORD as PASSWORD, free_port  # noqa: E402



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


def lua_rotation(requests):
    """A wrk script that sends the (path, header) pairs in turn."""
    lines = ["local requests = {"]
    for path, header in requests:
        name, value = header.split(": ", 1)
        lines.append(f"  {{{json.dumps(path)}, {{[{json.dumps(name)}] = {json.dumps(value)}}}}},")
    lines += ["}", "local n = 0", "request = function()", "  n = n % #requests + 1",
              "  return wrk.format(\"GET\", requests[n][1], requests[n][2])", "end"]
    return "\n".join(lines) + "\n"


def wrk(url, header, duration, connections, rotation=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency", url]
    script = None
    if rotation and len(rotation) > 1:
        script = f"/tmp/giaoban-bench-{os.getpid()}.lua"
        with open(script, "w") as f:
            f.write(lua_rotation(rotation))
        command[1:1] = ["-s", script]
    elif header:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    if script:
        os.remove(script)
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


def timed(url, header, count=20, built=False):
    """Median wall time of `count` sequential requests, in ms (for the year's ledger). `built`
    makes every address different (an ignored parameter), so that a binary made before issue 20,
    which had a page cache, builds every answer too."""
    times = []
    header = header or ""
    for index in range(count):
        address = f"{url}&bench={index}-{time.time()}" if built else url
        request = urllib.request.Request(address, headers=dict([header.split(": ", 1)]) if header else {})
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
    parser.add_argument("--sessions", type=int, default=1, help="spread each route over this many communes' office accounts")
    parser.add_argument("--no-cache", action="store_true", help="run the server with GIAOBAN_PAGE_CACHE=off")
    parser.add_argument("--bare", help="the BareVapor binary: its /healthz is measured first, as the ceiling")
    parser.add_argument("--sequential-only", action="store_true", help="only the one-at-a-time medians, no wrk")
    args = parser.parse_args()

    bare = None
    if args.bare and not args.sequential_only:
        bare_port = free_port()
        bare_server = subprocess.Popen([args.bare, "--hostname", "127.0.0.1", "--port", str(bare_port)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{bare_port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            bare = wrk(f"http://127.0.0.1:{bare_port}/healthz", None, args.duration, args.connections)
        finally:
            bare_server.terminate()
            bare_server.wait(timeout=30)

    port = free_port()
    env = dict(os.environ, DATABASE_PATH=args.database, GIAOBAN_REMINDER_SECONDS="0", GIAOBAN_SECURE_COOKIES="false", LOG_LEVEL="error",
               GIAOBAN_PAGE_CACHE="off" if args.no_cache else "on")
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
        users = [args.user] + [f"c{n:03d}.p004" for n in range(2, args.sessions + 1)]
        sessions = []
        for user in users:
            cookie, token = login(base, user)
            week = api(base, "/api/v1/weeks/current", token)
            groups = api(base, "/api/v1/groups", token)["items"]
            sessions.append({"page": f"Cookie: {cookie}", "bearer": f"Authorization: Bearer {token}",
                             "week": week["id"], "group": groups[0]["id"]})
        year = int(sessions[0]["week"][:4])
        routes = [
            ("plain text /healthz (ceiling)", lambda s: ("/healthz", None)),
            ("home page", lambda s: ("/", s["page"])),
            ("report form", lambda s: (f"/reports/{s['week']}", s["page"])),
            ("group week page", lambda s: (f"/groups/{s['group']}/weeks/{s['week']}", s["page"])),
            ("ledger week page", lambda s: (f"/ledger/weeks/{s['week']}", s["page"])),
            ("briefing page", lambda s: (f"/briefing/{s['week']}", s["page"])),
            ("schedule page", lambda s: (f"/schedule/{s['week']}", s["page"])),
            ("API ledger week", lambda s: (f"/api/v1/ledger/{s['week']}", s["bearer"])),
            ("API group week", lambda s: (f"/api/v1/groups/{s['group']}/weeks/{s['week']}", s["bearer"])),
            ("API year ledger", lambda s: (f"/api/v1/ledger?year={year}", s["bearer"])),
            ("year ledger summary page", lambda s: (f"/ledger/summary?year={year}", s["page"])),
        ]
        bearer, page = sessions[0]["bearer"], sessions[0]["page"]
        rows = []
        ceiling = None
        for name, route in routes:
            path, header = route(sessions[0])
            timed(base + path, header, count=1)  # warm-up: templates, statements, first connection
            sequential = timed(base + path, header, count=15)
            if args.sequential_only:
                rows.append((name, path, sequential, None))
                continue
            rotation = [route(session) for session in sessions] if header else None
            rps, p50, p99, non2xx, errors = wrk(base + path, header, args.duration, args.connections, rotation)
            ceiling = ceiling or rps
            rows.append((name, path, sequential, (rps, rps / ceiling * 100, p50, p99, non2xx, errors)))
        ledger_ms = timed(base + f"/api/v1/ledger?year={year}", bearer, built=True)
        ledger_page_ms = timed(base + f"/ledger/summary?year={year}", page, built=True)
        memory = peak_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    who = f"user {args.user}" if args.sessions == 1 else f"{args.sessions} office accounts of {args.sessions} communes in turn"
    print(f"\nwrk -t2 -c{args.connections} -d{args.duration} on {os.cpu_count()} cores; database {args.database}; {who}; "
          + ("GIAOBAN_PAGE_CACHE=off (binaries before issue 20)" if args.no_cache else "every page built"))
    if bare:
        share = f" (/healthz at {rows[0][3][0] / bare[0] * 100:.1f} % of it)" if rows[0][3] else ""
        print(f"bare Vapor /healthz (Benchmarks/BareVapor): {bare[0]:.0f} req/s, p50 {bare[1]:.2f} ms, p99 {bare[2]:.2f} ms{share}")
    print(f"{'route':32} {'1-by-1 ms':>9} {'req/s':>9} {'% plain':>8} {'p50 ms':>8} {'p99 ms':>8}  non-2xx")
    for name, path, sequential, measured in rows:
        if measured is None:
            print(f"{name:32} {sequential:9.2f}")
            continue
        rps, share, p50, p99, non2xx, errors = measured
        print(f"{name:32} {sequential:9.2f} {rps:9.0f} {share:7.1f}% {p50:8.2f} {p99:8.2f}  {non2xx} {errors}")
    print(f"a year's ledger for one commune, built (median of 20 sequential requests): API {ledger_ms:.1f} ms, "
          f"summary page {ledger_page_ms:.1f} ms")
    print(f"server peak memory (VmHWM): {memory:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
