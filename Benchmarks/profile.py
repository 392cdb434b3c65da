#!/usr/bin/env python3
"""Where one page's time goes: starts a release server with the page cache off (production
environment, so Leaf keeps its parsed templates), signs in as an office account, requests PATH in a
loop for SECONDS while `perf record -g` samples the server, and prints the time per request and the
shares of the parts that matter (Leaf, Fluent/SQLKit, SQLite itself, thread switches).

    python3 Benchmarks/profile.py BINARY DATABASE PATH [--seconds 15] [--user c001.p004]

PATH may use GROUP and WEEK for the user's first group and the current week, e.g.
/groups/GROUP/weeks/WEEK; an /api/ path is requested with the user's bearer token. Needs `perf` (linux-perf). Used for docs/performance.md (issue 20).
"""
import argparse, http.cookiejar, os, re, subprocess, sys, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "lib"))
from giaoban_client import DEMO_PASSWORD, call, free_port, sign_in, start_server  # noqa: E402

PARTS = [
    ("Leaf: page model to Leaf data", r"App4PageV6encode"),
    ("Leaf: render", r"LeafKit0A8RendererC0A0E6render4path"),
    ("Fluent/SQLKit: run a query", r"FluentKit8DatabasePAAE7execute5query"),
    ("SQLKit: serialise SQL", r"SQLKit11SQLDatabasePAAE9serialize"),
    ("Fluent: rows to models", r"FluentKit6FieldsPAAE6output"),
    ("SQLite itself", r"sqlite3VdbeExec"),
    ("kernel: thread switches", r"finish_task_switch"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("database")
    parser.add_argument("path")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--user", default="c001.p004")
    args = parser.parse_args()
    port = free_port()
    log = open("/tmp/giaoban-profile-server.log", "ab")
    # GIAOBAN_PAGE_CACHE=off: for binaries made before issue 20, which had a page cache.
    env = {"DATABASE_PATH": args.database, "GIAOBAN_REMINDER_SECONDS": "0", "GIAOBAN_PAGE_CACHE": "off",
           "LOG_LEVEL": "error", "GIAOBAN_SECURE_COOKIES": "false"}
    server, base = start_server(args.binary, port, log, env, command="serve", arguments=("--env", "production"))
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = opener.open(base + "/login").read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
        opener.open(base + "/login", urllib.parse.urlencode({"username": args.user, "password": DEMO_PASSWORD, "_csrf": csrf}).encode())
        path = args.path
        token = sign_in(base, args.user)
        if path.startswith("/api/"):
            # The API takes the bearer token, not the session cookie.
            opener.addheaders = [("Authorization", "Bearer " + token)]
        if "GROUP" in path or "WEEK" in path:
            path = path.replace("GROUP", call(base, "GET", "/api/v1/groups", token)[1]["items"][0]["id"])
            path = path.replace("WEEK", call(base, "GET", "/api/v1/weeks/current", token)[1]["id"])
        for _ in range(3):
            opener.open(base + path).read()
        data = "/tmp/giaoban-profile.data"
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(server.pid), "-o", data],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        started, count = time.time(), 0
        while time.time() - started < args.seconds:
            opener.open(base + path).read()
            count += 1
        perf.send_signal(2)
        perf.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "symbol", "-g", "none", "--stdio"],
                            capture_output=True, text=True).stdout
    print(f"{path}: {count} requests in {args.seconds:.0f} s, {args.seconds * 1000 / max(count, 1):.1f} ms each")
    for label, pattern in PARTS:
        shares = [float(line.split()[0].rstrip("%")) for line in report.splitlines()
                  if re.search(pattern, line) and line.strip()[:1].isdigit()]
        print(f"  {label:34} {max(shares) if shares else 0:5.1f} % of the samples (with callees)")


if __name__ == "__main__":
    sys.exit(main())
