#!/usr/bin/env python3
"""Two GiaoBan servers behind nginx on one PostgreSQL (issue 19). Run through scripts/two-servers.sh,
which starts a private PostgreSQL and sets GIAOBAN_TEST_POSTGRES_URL.

Checks, each with bounded waits, everything on 127.0.0.1:
1. a report submitted through server A is read through server B at once (and through nginx);
2. with reminders running every second on both servers, each reminder is written and notified once;
3. SIGKILL of server A during a burst of submissions through nginx loses nothing acknowledged;
4. `giaoban backup DIR --keep 2` (pg_dump) on PostgreSQL keeps two copies.
Only the Python standard library is used; psql is called for the database checks.
"""
import concurrent.futures, datetime, os, shutil, signal, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from giaoban_client import DEMO_PASSWORD, call, free_port, start_server  # noqa: E402

BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/giaoban")
PASSWORD = DEMO_PASSWORD
ADMIN_URL = os.environ["GIAOBAN_TEST_POSTGRES_URL"]
DB_NAME = "giaoban_two_servers"
parts = urllib.parse.urlsplit(ADMIN_URL)
DATABASE_URL = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + DB_NAME, parts.query, ""))


def psql(url, sql):
    out = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url.split("?")[0], "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Server:
    def __init__(self, name, work, reminder_seconds):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(work, f"server-{name}.log"), "ab")
        self.reminder_seconds = reminder_seconds
        self.process = None

    def start(self):
        env = dict(DATABASE_URL=DATABASE_URL, GIAOBAN_REMINDER_SECONDS=str(self.reminder_seconds),
                   GIAOBAN_TRUSTED_PROXIES="127.0.0.1", LOG_LEVEL="notice")
        self.process, _ = start_server(BINARY, self.port, self.log, env, ready="/readyz")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_nginx(work, servers):
    port = free_port()
    upstream = "\n".join(f"    server 127.0.0.1:{s.port} max_fails=1 fail_timeout=30s;" for s in servers)
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  upstream giaoban {{
{upstream}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 10m;
    location / {{
      proxy_pass http://giaoban;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502;
    }}
  }}
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", work, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.1)
    raise SystemExit("nginx did not start")


def check_read_through_other(a, b, nginx):
    _, answer = call(a.base, "POST", "/api/v1/auth/token", body={"username": "admin", "password": PASSWORD})
    admin = answer["token"]
    _, people = call(a.base, "GET", "/api/v1/people", admin)
    reporter = next(p for p in people["items"] if p["username"] not in ("admin",) and p.get("active", True))
    _, answer = call(a.base, "POST", "/api/v1/auth/token", body={"username": reporter["username"], "password": PASSWORD})
    token = answer["token"]
    _, week = call(a.base, "GET", "/api/v1/weeks/current", token)
    year = int(week["id"][:4])
    week_id = f"{year}-W01"
    # Read through B first, so that B has the page cached before the change.
    try:
        call(b.base, "GET", f"/api/v1/reports/{week_id}", token)
    except urllib.error.HTTPError:
        pass  # no report yet
    marker = f"two-servers {time.time()}"
    call(a.base, "PUT", f"/api/v1/reports/{week_id}", token, {"work": [{"description": marker, "quantity": "1", "unit": "việc"}]})
    status, submitted = call(a.base, "POST", f"/api/v1/reports/{week_id}/submit", token)
    assert status == 200 and submitted["status"] == "submitted", submitted
    for base in (b.base, nginx):
        status, report = call(base, "GET", f"/api/v1/reports/{week_id}", token)
        work = [line.get("description") for line in report.get("work", [])]
        assert status == 200 and report["status"] == "submitted" and marker in work, f"read through {base}: {report}"
    print(f"1. submitted through A, read through B and nginx at once: ok ({reporter['username']} {week_id})")
    return admin


def check_reminder_once(a, admin):
    baseline_notifications = int(psql(DATABASE_URL, "SELECT COUNT(*) FROM notifications"))
    baseline_messages = int(psql(DATABASE_URL, "SELECT COUNT(*) FROM outbox_messages"))
    # Leads that put the reminders of this week's deadlines ten minutes in the past (reminders are
    # planned for the current week only); after a deadline, the list of who is missing goes out.
    _, week = call(a.base, "GET", "/api/v1/weeks/current", admin)
    now = datetime.datetime.now(datetime.timezone.utc)
    leads = []
    for key in ("weeklyReport", "groupCompilation"):
        deadline = datetime.datetime.fromisoformat(week["deadlines"][key].replace("Z", "+00:00"))
        minutes = int((deadline - now).total_seconds() // 60) + 10
        if 11 <= minutes <= 10080 and f"t-{minutes}" not in leads:
            leads.append(f"t-{minutes}")
    status, _ = call(a.base, "PUT", "/api/v1/settings/reminders", admin,
                     {"leads": leads or ["t-120"], "sendMissingListAfterDeadline": True})
    assert status == 200
    # Both servers plan every second; wait until the messages stop growing (bounded).
    previous, stable = -1, 0
    for _ in range(60):
        time.sleep(1)
        count = int(psql(DATABASE_URL, "SELECT COUNT(*) FROM outbox_messages"))
        stable = stable + 1 if count == previous and count > baseline_messages else 0
        previous = count
        if stable >= 4:
            break
    messages = previous - baseline_messages
    if messages <= 0 and not leads:
        # Friday evening: both deadlines of the week are more than the 6-hour catch-up window ago.
        print("2. reminders: SKIPPED, no deadline of this week is near now (Friday evening); nothing to send")
        return
    assert messages > 0, "no reminder was planned"
    duplicates = psql(DATABASE_URL, "SELECT COUNT(*) FROM (SELECT dedupe_key FROM outbox_messages GROUP BY dedupe_key HAVING COUNT(*) > 1) d")
    assert duplicates == "0", f"{duplicates} duplicated reminders"
    in_app = int(psql(DATABASE_URL, "SELECT COUNT(*) FROM notifications")) - baseline_notifications
    assert in_app == messages, f"{messages} reminders but {in_app} in-app notifications"
    double = psql(DATABASE_URL, "SELECT COUNT(*) FROM (SELECT message_id, channel FROM outbox_deliveries GROUP BY message_id, channel HAVING COUNT(*) > 1) d")
    assert double == "0", "a delivery was made twice"
    print(f"2. reminders on both servers: {messages} reminder(s), each written and notified once: ok")


def check_sigkill_burst(a, b, nginx, admin):
    _, people = call(nginx, "GET", "/api/v1/people", admin)
    _, week = call(nginx, "GET", "/api/v1/weeks/current", admin)
    year = int(week["id"][:4])
    usernames = [p["username"] for p in people["items"] if p.get("active", True) and p["username"] != "admin"][:20]
    people_by_name = {p["username"]: p["id"] for p in people["items"]}
    tokens = {u: call(nginx, "POST", "/api/v1/auth/token", body={"username": u, "password": PASSWORD})[1]["token"] for u in usernames}
    jobs = [(u, f"{year}-W{w:02d}") for w in range(2, 9) for u in usernames]
    acknowledged, lock, killed = [], threading.Lock(), threading.Event()

    def submit(job):
        username, week_id = job
        marker = f"burst {username} {week_id}"
        try:
            status, _ = call(nginx, "PUT", f"/api/v1/reports/{week_id}", tokens[username],
                             {"work": [{"description": marker, "quantity": "1", "unit": "việc"}]})
            if status != 200:
                return
            status, answer = call(nginx, "POST", f"/api/v1/reports/{week_id}/submit", tokens[username])
            if status == 200 and answer.get("status") == "submitted":
                with lock:
                    acknowledged.append((username, week_id, marker))
        except (OSError, urllib.error.HTTPError):
            pass  # cut off by the kill: not acknowledged, nothing promised

    def killer():
        while not killed.is_set():
            with lock:
                count = len(acknowledged)
            if count >= len(jobs) // 3:
                a.process.send_signal(signal.SIGKILL)
                killed.set()
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=killer)
    watcher.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(submit, jobs))
    watcher.join(timeout=5)
    killed.set()
    a.process.wait(timeout=30)
    assert a.process.returncode == -signal.SIGKILL, f"server A was not killed during the burst (exit {a.process.returncode})"
    lost = []
    for username, week_id, marker in acknowledged:
        status, report = call(nginx, "GET", f"/api/v1/reports/{week_id}?personId={people_by_name[username]}", admin)
        work = [line.get("description") for line in (report or {}).get("work", [])]
        if status != 200 or report.get("status") != "submitted" or marker not in work:
            lost.append((username, week_id))
    assert not lost, f"{len(lost)} acknowledged submissions lost: {lost[:5]}"
    assert acknowledged, "nothing was acknowledged"
    print(f"3. SIGKILL of server A during a burst through nginx: {len(jobs)} sent, {len(acknowledged)} acknowledged, all there (read through B): ok")


def check_backup(work):
    folder = os.path.join(work, "backups")
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, LOG_LEVEL="error")
    for _ in range(3):
        subprocess.run([BINARY, "backup", folder, "--keep", "2"], env=env, check=True, capture_output=True)
    copies = sorted(os.listdir(folder))
    assert len(copies) == 2 and all(c.endswith(".dump") for c in copies), copies
    listing = subprocess.run(["pg_restore", "--list", os.path.join(folder, copies[-1])], check=True, capture_output=True, text=True).stdout
    assert "weekly_reports" in listing
    print(f"4. backup DIR --keep 2 on PostgreSQL (pg_dump): {copies}: ok")


def main():
    work = tempfile.mkdtemp(prefix="giaoban-two-")
    os.chmod(work, 0o755)
    psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(ADMIN_URL, f"CREATE DATABASE {DB_NAME}")
    a, b = Server("A", work, 1), Server("B", work, 1)
    nginx_process = None
    ok = False
    try:
        a.start()  # migrates and loads the demo commune
        b.start()
        nginx_process, nginx = start_nginx(work, [a, b])
        admin = check_read_through_other(a, b, nginx)
        check_reminder_once(a, admin)
        check_sigkill_burst(a, b, nginx, admin)
        check_backup(work)
        ok = True
        print("two servers on one PostgreSQL: PASSED")
    except (AssertionError, OSError, KeyError, ValueError) as error:
        print(f"FAILED: {type(error).__name__}: {error}")
    finally:
        for server in (a, b):
            server.stop()
        if nginx_process:
            nginx_process.terminate()
            nginx_process.wait(timeout=10)
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs kept in {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
