#!/usr/bin/env python3
"""Hostile-input checks against a running GiaoBan server (issue #8).

Usage: scripts/hostile-input.py BASE TOKEN [DATABASE_PATH]

BASE is the server's address (http://127.0.0.1:8080), TOKEN an administrator's bearer token
(POST /api/v1/auth/token). With DATABASE_PATH (the server's SQLite file) the expired-token and
expired-session checks are run too: they age a fresh token and a fresh session in the database.
The browser checks sign in with GIAOBAN_FUZZ_USER / GIAOBAN_FUZZ_PASSWORD (admin / giaoban2021).

Every check sends something hostile — an oversized body, broken JSON, invalid UTF-8, huge
numbers, SQL or HTML injection, a form without its CSRF token, an unknown or expired token —
and requires a 4xx (never a 5xx) and that nothing changed: the newest audit entry, the units,
rooms, people and targets, and the reporter's report stay as they were. Injected text that is
stored on purpose must come back verbatim, and escaped in the HTML pages.
Only the standard library is used. Exit status: 0 when every check passes, 1 otherwise.
"""
import datetime
import hashlib
import http.client
import json
import os
import re
import sqlite3
import sys
import time
import urllib.parse

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080"
TOKEN = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("GIAOBAN_TOKEN", "")
DB_PATH = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("DATABASE_PATH", "")
USER = os.environ.get("GIAOBAN_FUZZ_USER", "admin")
PASSWORD = os.environ.get("GIAOBAN_FUZZ_PASSWORD", "giaoban2021")
REPORTER = os.environ.get("GIAOBAN_FUZZ_REPORTER", "nam.hs")
URL = urllib.parse.urlsplit(BASE)
MARK = "hostile-%d" % int(time.time())

STRICT = os.environ.get("GIAOBAN_FUZZ_STRICT", "") not in ("", "0")
# Set by scripts/fuzz-api.sh, whose server trusts 127.0.0.1 as a proxy (GIAOBAN_TRUSTED_PROXIES):
# each sign-in then claims its own client address, so that the per-address throttle (issue 18)
# judges the checks below one by one, and the throttle checks use addresses of their own.
FORWARDED = os.environ.get("GIAOBAN_FUZZ_FORWARDED", "") not in ("", "0")
_client = [0]


def next_client():
    _client[0] += 1
    return "198.18.%d.%d" % (_client[0] // 250, _client[0] % 250 + 1)


def sign_in_headers(headers=None):
    hdrs = dict(headers or {})
    if FORWARDED and "X-Forwarded-For" not in hdrs:
        hdrs["X-Forwarded-For"] = next_client()
    return hdrs
results = []  # (ok, name, detail)
warnings = []  # (name, detail): deviations that are a judgement call; fatal with GIAOBAN_FUZZ_STRICT=1


# ---------------------------------------------------------------------------------------------
# HTTP without magic: raw bytes in, status/headers/bytes out, no redirects followed.

class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower(), "")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        snippet = self.text()[:300].replace("\n", " ")
        return "%d %s" % (self.status, snippet)


def request(method, path, body=None, headers=None, token=None, cookies=None, chunked=False, timeout=60):
    conn = http.client.HTTPConnection(URL.hostname, URL.port or 80, timeout=timeout)
    hdrs = dict(headers or {})
    if method == "POST" and path.split("?")[0] in ("/api/v1/auth/token", "/login"):
        hdrs = sign_in_headers(hdrs)
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if cookies:
        hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        if chunked:
            def pieces(data, size=65536):
                for i in range(0, len(data), size):
                    yield data[i:i + size]
            conn.request(method, path, body=pieces(body), headers=hdrs, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        headers_out = {}
        for k, v in resp.getheaders():
            k = k.lower()
            headers_out[k] = headers_out[k] + "\n" + v if k in headers_out else v
        return Reply(resp.status, headers_out, data)
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        # A server that hangs up on an oversized body has refused it; record it as status 0.
        return Reply(0, {}, ("connection closed: %s" % error).encode())
    finally:
        conn.close()


def api(method, path, payload=None, raw=None, token="__default__", content_type="application/json", **kw):
    token = TOKEN if token == "__default__" else token
    headers = kw.pop("headers", {})
    body = raw
    if payload is not None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if body is not None and content_type:
        headers.setdefault("Content-Type", content_type)
    return request(method, path, body=body, headers=headers, token=token, **kw)


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


# ---------------------------------------------------------------------------------------------
# Checks.

def check(name, ok, detail=""):
    results.append((bool(ok), name, detail))
    print(("PASS  " if ok else "FAIL  ") + name + ("" if ok or not detail else "\n      " + str(detail)[:600]))
    return ok


def warn_unless(name, ok, detail=""):
    """A deviation from the letter of issue #8 that is not a fault (reported, not fatal unless strict)."""
    if STRICT:
        return check(name, ok, detail)
    if not ok:
        warnings.append((name, detail))
    print(("PASS  " if ok else "WARN  ") + name + ("" if ok or not detail else "\n      " + str(detail)[:600]))
    return ok


def is_error_json(reply):
    body = reply.json()
    return (isinstance(body, dict) and isinstance(body.get("error"), dict)
            and isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str)
            and isinstance(body["error"].get("fields"), dict))


def refused(name, reply, allowed=(400, 413, 415, 422), json_error=True, soft=False):
    """A 4xx among `allowed` with the API's error shape (`soft`: only a warning otherwise)."""
    ok = reply.status in allowed and (not json_error or is_error_json(reply))
    detail = "expected %s with {\"error\": …}, got %r" % ("/".join(map(str, allowed)), reply)
    return (warn_unless if soft else check)(name, ok, detail)


def snapshot():
    """What must not move when a hostile request is refused."""
    state = {}
    audit = api("GET", q("/api/v1/audit", limit=1))
    items = (audit.json() or {}).get("items") or []
    state["audit"] = items[0]["id"] if items else None
    for name in ("units", "rooms", "people", "groups", "cells", "targets"):
        reply = api("GET", "/api/v1/" + name)
        state[name] = json.dumps(reply.json(), sort_keys=True) if reply.status == 200 else reply.status
    return state


def unchanged(name, before):
    after = snapshot()
    moved = [key for key in before if before[key] != after[key]]
    return check(name + ": nothing changed", not moved, "changed: %s" % ", ".join(moved))


def server_alive():
    return request("GET", "/healthz").status == 200


# ---------------------------------------------------------------------------------------------
# A browser, with its cookie jar, signing in through the form like a person would.

class Browser:
    def __init__(self):
        self.cookies = {}
        self.csrf = ""

    def _keep(self, reply):
        for line in reply.header("set-cookie").split("\n"):
            if "=" not in line:
                continue
            name, value = line.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()

    def get(self, path):
        reply = request("GET", path, cookies=self.cookies)
        self._keep(reply)
        match = re.search(r'name="_csrf" value="([^"]+)"', reply.text())
        if match:
            self.csrf = match.group(1)
        return reply

    def post(self, path, fields, csrf="__page__", headers=None):
        form = dict(fields)
        if csrf == "__page__":
            form["_csrf"] = self.csrf
        elif csrf is not None:
            form["_csrf"] = csrf
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        reply = request("POST", path, body=urllib.parse.urlencode(form, doseq=True), headers=hdrs, cookies=self.cookies)
        self._keep(reply)
        return reply

    def sign_in(self, username=USER, password=PASSWORD):
        self.get("/login")
        reply = self.post("/login", {"username": username, "password": password, "next": "/"})
        if reply.status in (302, 303) and "giaoban_session" in self.cookies:
            self.get("/")  # the session's own CSRF token for the next forms
            return True
        return False


def token_for(username, password=PASSWORD):
    reply = api("POST", "/api/v1/auth/token", {"username": username, "password": password}, token=None)
    return (reply.json() or {}).get("token")


def sql(statement, args=()):
    connection = sqlite3.connect(DB_PATH, timeout=30)
    try:
        connection.execute(statement, args)
        connection.commit()
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------

def main():
    if not TOKEN:
        print(__doc__)
        return 2
    if api("GET", "/api/v1/units").status != 200:
        print("hostile-input: the token is not accepted on %s" % BASE)
        return 2

    week = (api("GET", "/api/v1/weeks/current").json() or {}).get("id", "2021-W33")
    reporter_token = token_for(REPORTER)
    check("the reporter %s gets a token" % REPORTER, reporter_token)
    me = api("GET", "/api/v1/people", token=reporter_token).json() or {"items": []}
    reporter = next((p for p in me["items"] if p["username"] == REPORTER), None)
    year = int(week[:4])
    targets = (api("GET", q("/api/v1/targets", year=year)).json() or {}).get("items", [])
    my_targets = [t for t in targets if reporter and t["active"] and t["valueKind"] != "yesNo"
                  and (t["responsiblePersonId"] == reporter["id"] or t["responsibleUnitId"] in reporter["unitIds"])]
    report_path = "/api/v1/reports/" + week
    figure = None
    check("the reporter %s is responsible for a numeric target of %d (for the figure checks)" % (REPORTER, year), my_targets)
    if my_targets:
        figure = my_targets[0]["id"]
        saved = api("PUT", report_path, {"targets": [{"targetId": figure, "value": 7}]}, token=reporter_token)
        check("a reporter saves a plain figure (control)", saved.status == 200, saved)

    def report_state():
        return json.dumps(api("GET", report_path, token=reporter_token).json(), sort_keys=True)

    browser = Browser()
    signed_in = check("the browser signs in as %s through the form" % USER, browser.sign_in())
    base = snapshot()

    # --- 1. Oversized bodies -----------------------------------------------------------------
    big = b'{"name":"' + b"a" * (3 << 20) + b'","kind":"field"}'
    refused("oversized JSON body (3 MB) to POST /api/v1/units -> 413", api("POST", "/api/v1/units", raw=big), (413,))
    refused("oversized JSON body (3 MB, chunked, no Content-Length) -> 413",
            api("POST", "/api/v1/units", raw=big, chunked=True), (413,))
    before_report = report_state()
    big_report = json.dumps({"work": [{"description": "x" * 1000, "quantity": 1, "unit": "lần"}] * 3000}).encode()
    refused("oversized report (%d KB) to PUT /api/v1/reports/{weekId} -> 413" % (len(big_report) >> 10),
            api("PUT", report_path, raw=big_report, token=reporter_token), (413,))
    check("oversized report: the report is unchanged", report_state() == before_report)
    refused("oversized import (21 MB .csv) to POST /api/v1/targets/import -> 413",
            api("POST", q("/api/v1/targets/import", dryRun="false"), raw=b"a" * (21 << 20), content_type="text/csv"), (413,))
    started = time.time()
    many = json.dumps({"work": [{"description": "x", "quantity": 1, "unit": "l"}] * 40000}).encode()
    reply = api("PUT", report_path, raw=many, token=reporter_token)
    check("40 000 work lines (%d KB) -> 4xx within 10 s" % (len(many) >> 10),
          400 <= reply.status < 500 and time.time() - started < 10, "%r after %.1f s" % (reply, time.time() - started))
    if signed_in:
        for path in ("/login", "/admin/units"):
            reply = request("POST", path, body=b"name=" + b"x" * (3 << 20), cookies=browser.cookies,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
            check("oversized form (3 MB) to POST %s -> 413" % path, reply.status == 413, reply)
    check("oversized bodies: the report is unchanged", report_state() == before_report)
    unchanged("oversized bodies", base)

    # --- 2. Broken JSON ------------------------------------------------------------------------
    for label, raw in [("truncated object", b'{"name": "x", '), ("unquoted key", b'{name: "x", "kind": "field"}'),
                       ("missing value", b'{"name": , "kind": "field"}'), ("single quotes", b"{'name': 'x'}"),
                       ("lone bracket", b"["), ("two documents", b'{"name": "x", "kind": "field"} {"name": "y"}'),
                       ("NaN literal", b'{"name": "x", "kind": "field", "active": NaN}'),
                       ("empty body", b""), ("100000 nested arrays", b"[" * 100000),
                       ("nested objects", b'{"a":' * 50000 + b"1" + b"}" * 50000)]:
        refused("broken JSON (%s) to POST /api/v1/units -> 400" % label, api("POST", "/api/v1/units", raw=raw), (400,))
    # Swift's JSONDecoder accepts a trailing comma; the unit it creates is deactivated again below.
    trailing = api("POST", "/api/v1/units", raw=b'{"name": "trailing-comma-%s", "kind": "field",}' % MARK.encode())
    refused("broken JSON (trailing comma) to POST /api/v1/units -> 400", trailing, (400,), soft=True)
    if trailing.status == 201:
        api("PATCH", "/api/v1/units/" + trailing.json()["id"], {"active": False})
        base = snapshot()
    refused("broken JSON to PUT /api/v1/reports/{weekId} -> 400",
            api("PUT", report_path, raw=b'{"targets": [{"targetId": ', token=reporter_token), (400,))
    refused("broken JSON to PATCH /api/v1/rooms/{id} -> 400 or 404",
            api("PATCH", "/api/v1/rooms/00000000-0000-0000-0000-000000000000", raw=b'{"capacity": 1'), (400, 404))
    refused("broken JSON to POST /api/v1/auth/token -> 400",
            api("POST", "/api/v1/auth/token", raw=b'{"username": "admin", "password": ', token=None), (400,), soft=True)
    refused("broken JSON to POST /api/v1/auth/token -> 4xx",
            api("POST", "/api/v1/auth/token", raw=b'{"username": "admin", "password": ', token=None), (400, 422))
    refused("a JSON array where an object is expected -> 400/422",
            api("POST", "/api/v1/units", raw=b'["name", "kind"]'), (400, 422))
    refused("JSON sent as text/plain -> 400/415",
            api("POST", "/api/v1/units", raw=b'{"name": "x-%s", "kind": "field"}' % MARK.encode(), content_type="text/plain"),
            (400, 415))
    refused("wrong types (name: 12, active: \"yes\") -> 400/422",
            api("POST", "/api/v1/units", raw=b'{"name": 12, "kind": "field", "active": "yes"}'), (400, 422))
    refused("password as an object (NoSQL-style injection) at POST /api/v1/auth/token -> 400/422",
            api("POST", "/api/v1/auth/token", {"username": USER, "password": {"$ne": None}}, token=None), (400, 422))
    check("the server is still up after the broken JSON", server_alive())
    unchanged("broken JSON", base)

    # --- 3. Invalid UTF-8 ---------------------------------------------------------------------
    for label, raw in [("0xFF 0xFE bytes", b'{"name": "ab\xff\xfecd", "kind": "field"}'),
                       ("truncated multi-byte sequence", b'{"name": "Ph\xc6\xb0\xe1\xbb", "kind": "field"}'),
                       ("overlong encoding of '/'", b'{"name": "a\xc0\xafb", "kind": "field"}'),
                       ("CESU-8 surrogate", b'{"name": "a\xed\xa0\x80b", "kind": "field"}'),
                       ("lone surrogate escape", b'{"name": "a\\ud800b", "kind": "field"}')]:
        refused("invalid UTF-8 (%s) in a JSON string -> 4xx" % label, api("POST", "/api/v1/units", raw=raw), (400, 422))
    refused("invalid UTF-8 in a report line -> 4xx",
            api("PUT", report_path, raw=b'{"work": [{"description": "h\xe1p", "quantity": 1, "unit": "l\xff"}]}',
                token=reporter_token), (400, 422))
    refused("invalid UTF-8 in the username at POST /api/v1/auth/token -> 4xx",
            api("POST", "/api/v1/auth/token", raw=b'{"username": "adm\xffin", "password": "x"}', token=None), (400, 401, 422))
    if signed_in:
        reply = request("POST", "/admin/units", body=("_csrf=%s&kind=field&name=utf8-%s-%%FF%%FE" % (browser.csrf, MARK)).encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=browser.cookies)
        check("form POST /admin/units with a percent-encoded invalid UTF-8 name -> 400", reply.status == 400, reply.status)
        reply = request("POST", "/admin/units", body=("_csrf=%s&kind=field&name=utf8-raw-%s-" % (browser.csrf, MARK)).encode() + b"\xff\xfe",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=browser.cookies)
        raw_ok = 400 <= reply.status < 500
        warn_unless("form POST /admin/units with raw invalid UTF-8 bytes in the body -> 4xx", raw_ok,
                    "got %d; stored as %r" % (reply.status, [u["name"] for u in (api("GET", "/api/v1/units").json() or {}).get("items", [])
                                                             if u["name"].startswith("utf8-raw-")]))
        if not raw_ok:  # stored with U+FFFD: deactivate it so the next checks start from a known state
            for unit in (api("GET", "/api/v1/units").json() or {}).get("items", []):
                if unit["name"].startswith("utf8-raw-%s" % MARK):
                    api("PATCH", "/api/v1/units/" + unit["id"], {"active": False})
            base = snapshot()
    check("invalid UTF-8: the report is unchanged", report_state() == before_report)
    unchanged("invalid UTF-8", base)

    # --- 4. Huge numbers ----------------------------------------------------------------------
    huge = "99999999999999999999999999999999999999999"
    for label, raw in [("1e400", b"1e400"), (huge, huge.encode()), ("1e20", b"1e20"), ("-1e400", b"-1e400"),
                       ("2^63", b"9223372036854775808"), ("10001 (over the maximum)", b"10001"), ("0", b"0"),
                       ("-1", b"-1"), ("2.5", b"2.5")]:
        body = b'{"name": "' + MARK.encode() + b' room", "capacity": ' + raw + b"}"
        refused("capacity %s at POST /api/v1/rooms -> 4xx" % label, api("POST", "/api/v1/rooms", raw=body), (400, 422))
    if figure:
        for label, raw in [("1e400", b"1e400"), (huge, huge.encode()), ("-1e400", b"-1e400"),
                           ('"%s"' % huge, b'"' + huge.encode() + b'"'), ('"1e400"', b'"1e400"'),
                           ('"1.0e+400"', b'"1.0e+400"'), ("Infinity", b"Infinity"), ('"NaN"', b'"NaN"'),
                           ('"9.999.999.…,5" (40 digits)', b'"9.999.999.999.999.999.999.999.999.999.999.999.999.999,5"')]:
            body = b'{"targets": [{"targetId": "' + figure.encode() + b'", "value": ' + raw + b"}]}"
            refused("figure %s at PUT /api/v1/reports/{weekId} -> 4xx" % label,
                    api("PUT", report_path, raw=body, token=reporter_token), (400, 422))
        refused("quantity 1e400 in a work line -> 4xx",
                api("PUT", report_path, raw=b'{"work": [{"description": "x", "quantity": 1e400, "unit": "l"}]}',
                    token=reporter_token), (400, 422))
        refused("quantity %s (as text) in a work line -> 4xx" % huge,
                api("PUT", report_path, {"work": [{"description": "x", "quantity": huge, "unit": "l"}]},
                    token=reporter_token), (400, 422))
        check("huge figures: the report is unchanged", report_state() == before_report)
    if signed_in:
        for text in (huge, "99999999999999999999999999999999999999", "9223372036854775808", "1e400", "-5", "12,5", "Infinity"):
            reply = browser.post("/admin/rooms", {"name": "%s room %s" % (MARK, text[:6]), "capacity": text, "kind": "room"})
            check("form POST /admin/rooms with capacity %s -> 422" % text, reply.status == 422, reply.status)
    groups = (api("GET", "/api/v1/groups").json() or {}).get("items", [])
    if groups:
        for raw in (b"1e400", huge.encode(), b'"' + huge.encode() + b'"'):
            body = (b'{"year": %d, "groupId": "%s", "code": "HX1", "name": "%s", "unitOfMeasure": "ha", '
                    b'"valueKind": "decimal", "planned": %s}' % (year, groups[0]["id"].encode(), MARK.encode(), raw))
            refused("planned %s at POST /api/v1/targets -> 4xx" % raw.decode(), api("POST", "/api/v1/targets", raw=body), (400, 422))
    reply = api("GET", q("/api/v1/settings/webhook/deliveries", limit=huge))
    warn_unless("huge number in GET /api/v1/settings/webhook/deliveries?limit= -> 4xx (not silently the default)",
                400 <= reply.status < 500, reply)
    for path in (q("/api/v1/ledger", year=huge), q("/api/v1/ledger/monthly", year=huge), q("/api/v1/audit", limit=huge),
                 q("/api/v1/rooms/free", date="2021-08-16", start="08:00", end="09:00", capacity=huge),
                 q("/api/v1/rooms/free", date="2021-08-16", start="08:00", end="09:00", capacity="abc"),
                 "/api/v1/cells/rubrics/" + huge,
                 "/api/v1/cells/rotations/" + huge, q("/api/v1/targets", year="1e400"), "/api/v1/weeks/99999-W99",
                 q("/api/v1/weeks", date="99999-12-31"), "/api/v1/monthly-reports/99999-99/compilation",
                 q("/api/v1/ledger", year="-2147483649")):
        reply = api("GET", path)
        check("huge or malformed number in GET %s -> 4xx" % urllib.parse.unquote(path)[:110], 400 <= reply.status < 500 and is_error_json(reply), reply)
    check("the server is still up after the huge numbers", server_alive())
    unchanged("huge numbers", base)

    # --- 5. SQL injection -------------------------------------------------------------------------
    injections = ["' OR 1=1 --", "' OR '1'='1", '" OR ""="', "'; DROP TABLE people; --", "1; SELECT * FROM api_tokens",
                  "' UNION SELECT token_hash, person_id FROM api_tokens --", "admin'--", "%' OR 'x' LIKE '%", "\\'; --"]
    for text in injections:
        reply = api("GET", q("/api/v1/search", q=text))
        items = (reply.json() or {}).get("results")
        check("search q=%r -> 200 with no results" % text, reply.status == 200 and items == [], reply)
        for path in (q("/api/v1/audit", kind=text), q("/api/v1/audit", week=text), q("/api/v1/audit", personId=text),
                     q("/api/v1/ledger", personId=text), q("/api/v1/targets", groupId=text), q("/api/v1/monthly-reports", month=text),
                     q("/api/v1/reports/" + week, personId=text), "/api/v1/units/" + urllib.parse.quote(text, safe=""),
                     "/api/v1/weeks/" + urllib.parse.quote("2021-W33" + text, safe="")):
            reply = api("GET", path)
            body = reply.json() or {}
            leaked = reply.status == 200 and bool(body.get("items"))
            check("GET %s -> 4xx or empty" % path[:90], reply.status < 500 and not leaked and (reply.status == 200 or is_error_json(reply)),
                  reply)
        reply = api("POST", "/api/v1/auth/token", {"username": text, "password": text}, token=None)
        check("sign-in with username/password %r -> 401, no token" % text, reply.status in (401, 422) and "token" not in (reply.json() or {}),
              reply)
        reply = api("POST", "/api/v1/auth/token", {"username": USER + "' --", "password": text}, token=None)
        check("sign-in as %r' -- -> 401 (429 once throttled)" % USER, reply.status in (401, 429) and "token" not in (reply.json() or {}),
              reply)
    unchanged("SQL injection in queries", base)
    # Stored on purpose: the name comes back verbatim and nothing else moves.
    nasty = "Robert'); DROP TABLE units; -- " + MARK
    base = snapshot()
    created = api("POST", "/api/v1/units", {"name": nasty, "kind": "field"})
    check("a unit named %r is created as text (201)" % nasty, created.status == 201, created)
    unit_id = (created.json() or {}).get("id")
    if unit_id:
        again = api("GET", "/api/v1/units/" + unit_id).json() or {}
        check("the SQL-looking name comes back verbatim", again.get("name") == nasty, again)
        units_after = json.loads(snapshot()["units"])["items"]
        check("exactly one unit more, the others unchanged",
              len(units_after) == len(json.loads(base["units"])["items"]) + 1, len(units_after))
        api("PATCH", "/api/v1/units/" + unit_id, {"active": False})
    person_probe = api("POST", "/api/v1/people", {"fullName": "x' OR 1=1 -- " + MARK, "username": "' or 1=1 --",
                                                   "password": "giaoban2021x"})
    refused("a username with SQL in it is refused (422)", person_probe, (400, 422))
    for name in ("people", "rooms", "targets", "groups", "cells"):
        check("GET /api/v1/%s still works after the injections" % name, api("GET", "/api/v1/" + name).status == 200)
    base = snapshot()

    # --- 6. HTML injection ------------------------------------------------------------------------
    script = '<script>alert("xss-%s")</script><img src=x onerror=alert(1)>' % MARK
    created = api("POST", "/api/v1/units", {"name": script, "kind": "association"})
    check("a unit named <script>… is stored as text (201)", created.status == 201, created)
    html_unit = (created.json() or {}).get("id")
    if signed_in:
        for path in ("/admin/units", "/admin/units/%s" % html_unit, "/admin/people", "/search?" + urllib.parse.urlencode({"q": script}),
                     "/login?" + urllib.parse.urlencode({"next": '"><script>alert(1)</script>'})):
            page = browser.get(path)
            text = page.text()
            raw_present = "<script>alert(" in text or "<img src=x onerror" in text
            check("GET %s: no raw <script>/<img onerror> in the page" % path.split("?")[0], not raw_present and page.status < 500,
                  "status %d; raw markup %s" % (page.status, "present" if raw_present else "absent"))
        page = browser.get("/admin/units")
        check("the <script> unit name appears escaped (&lt;script&gt;) in /admin/units",
              "&lt;script&gt;alert(" in page.text() and "xss-" + MARK in page.text(), page.status)
        check("HTML pages carry a Content-Security-Policy without 'unsafe-inline' scripts",
              "script-src 'self'" in page.header("content-security-policy"), page.header("content-security-policy"))
    reply = api("GET", "/api/v1/units/" + (html_unit or "x"))
    check("the API returns the name verbatim as JSON text (application/json)",
          (reply.json() or {}).get("name") == script and reply.header("content-type").startswith("application/json"), reply)
    if html_unit:
        api("PATCH", "/api/v1/units/" + html_unit, {"active": False})
    base = snapshot()

    # --- 7. CSRF --------------------------------------------------------------------------------
    if signed_in:
        probe = "csrf-probe-" + MARK
        def unit_exists(name):
            return any(u["name"] == name for u in (api("GET", "/api/v1/units").json() or {}).get("items", []))
        reply = browser.post("/admin/units", {"name": probe, "kind": "field"}, csrf=None)
        check("form POST /admin/units without the CSRF token -> 403", reply.status == 403, reply)
        reply = browser.post("/admin/units", {"name": probe, "kind": "field"}, csrf="A" * len(browser.csrf))
        check("form POST /admin/units with a forged CSRF token -> 403", reply.status == 403, reply)
        reply = browser.post("/admin/units", {"name": probe, "kind": "field"}, csrf="")
        check("form POST /admin/units with an empty CSRF token -> 403", reply.status == 403, reply)
        anonymous = browser.cookies.get("giaoban_csrf", "")
        if anonymous:
            reply = browser.post("/admin/units", {"name": probe, "kind": "field"}, csrf=anonymous)
            check("form POST with the pre-login (anonymous) CSRF token -> 403", reply.status == 403, reply)
        reply = browser.post("/admin/units", {"name": probe, "kind": "field"}, csrf=None,
                             headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"})
        check("cross-site form POST (foreign Origin, no token) -> 403", reply.status == 403, reply)
        reply = browser.post("/admin/people/%s/active" % (reporter or {}).get("id", "x"), {"active": "false"}, csrf=None)
        check("form POST deactivating a person without the token -> 403", reply.status == 403, reply)
        reply = browser.post("/logout", {}, csrf=None)
        check("form POST /logout without the token -> 403 (the session survives)",
              reply.status == 403 and browser.get("/").status == 200, reply)
        check("no unit %r was created by the refused forms" % probe, not unit_exists(probe))
        unchanged("CSRF without a token", base)
        # The API never accepts the session cookie: a cross-site JSON POST cannot ride on it.
        reply = request("POST", "/api/v1/units", body=json.dumps({"name": probe, "kind": "field"}),
                        headers={"Content-Type": "application/json", "X-CSRF-Token": browser.csrf}, cookies=browser.cookies)
        check("POST /api/v1/units with the session cookie but no bearer token -> 401", reply.status == 401 and is_error_json(reply), reply)
        fresh = Browser()
        fresh.get("/login")
        reply = fresh.post("/login", {"username": USER, "password": PASSWORD}, csrf=None)
        check("sign-in form without the CSRF token -> 403 and no session",
              reply.status == 403 and "giaoban_session" not in fresh.cookies, reply)
        # Control: the same form with its token goes through, so the refusals above mean something.
        reply = browser.post("/admin/units", {"name": probe, "kind": "field"})
        check("control: the same form with its CSRF token is accepted (303)", reply.status in (302, 303) and unit_exists(probe), reply)
        base = snapshot()

    # --- 8. Unknown, malformed and expired credentials ---------------------------------------------
    for label, header in [("unknown bearer token", "Bearer " + "x" * 43), ("empty bearer token", "Bearer "),
                          ("token with SQL", "Bearer ' OR 1=1 --"), ("Basic credentials", "Basic YWRtaW46Z2lhb2JhbjIwMjE="),
                          ("huge token", "Bearer " + "A" * 8000)]:
        for method, path, body in (("GET", "/api/v1/units", None), ("POST", "/api/v1/units", {"name": MARK + label, "kind": "field"}),
                                   ("PUT", report_path, {"targets": []})):
            reply = api(method, path, body, token=None, headers={"Authorization": header})
            check("%s %s with %s -> 401" % (method, path.replace(week, "{weekId}"), label),
                  reply.status == 401 and is_error_json(reply), reply)
    reply = api("GET", "/api/v1/units", token=None)
    check("GET /api/v1/units without credentials -> 401", reply.status == 401 and is_error_json(reply), reply)
    unchanged("unknown tokens", base)

    if DB_PATH and os.path.exists(DB_PATH):
        old = token_for(USER)
        check("control: a fresh token works", old and api("GET", "/api/v1/units", token=old).status == 200)
        if old:
            past = time.time() - 3600
            sql("UPDATE api_tokens SET expires_at = ? WHERE token_hash = ?", (past, hashlib.sha256(old.encode()).hexdigest()))
            for method, path, body in (("GET", "/api/v1/units", None), ("POST", "/api/v1/units", {"name": MARK + " expired", "kind": "field"}),
                                       ("PATCH", "/api/v1/people/" + (reporter or {}).get("id", "x"), {"active": False})):
                reply = api(method, path, body, token=old)
                check("%s %s with an expired token -> 401" % (method, path.split("/people/")[0] + ("/people/{id}" if "/people/" in path else "")),
                      reply.status == 401 and is_error_json(reply), reply)
        stale = Browser()
        if check("a second browser session signs in", stale.sign_in()):
            session_hash = hashlib.sha256(stale.cookies["giaoban_session"].encode()).hexdigest()
            sql("UPDATE user_sessions SET expires_at = ? WHERE token_hash = ?", (time.time() - 60, session_hash))
            reply = stale.post("/admin/units", {"name": MARK + " stale", "kind": "field"})
            check("form POST with an expired session (and its old CSRF token) -> 4xx",
                  400 <= reply.status < 500, reply)
            reply = stale.get("/admin/units")
            check("GET /admin/units with an expired session -> the sign-in page, not the data",
                  reply.status in (302, 303, 401) and "/login" in reply.header("location") + reply.text()[:2000], reply)
        unchanged("expired token and session", base)
    else:
        print("SKIP  expired token and session (no DATABASE_PATH given)")

    # A person deactivated by the admin loses their token at once.
    username = "hostile.%d" % (int(time.time()) % 100000)
    made = api("POST", "/api/v1/people", {"fullName": "Người thử " + MARK, "username": username, "password": "giaoban2021-x",
                                           "roles": ["reporter"]})
    if check("a throwaway person is created for the deactivation check", made.status == 201, made):
        victim = token_for(username, "giaoban2021-x")
        check("control: their token works", victim and api("GET", "/api/v1/weeks/current", token=victim).status == 200)
        api("PATCH", "/api/v1/people/" + made.json()["id"], {"active": False})
        reply = api("GET", "/api/v1/weeks/current", token=victim)
        check("the token of a deactivated person -> 401", reply.status == 401 and is_error_json(reply), reply)
        reply = api("POST", "/api/v1/auth/token", {"username": username, "password": "giaoban2021-x"}, token=None)
        check("a deactivated person cannot get a new token -> 401", reply.status == 401, reply)

    # --- 9. Odd paths and query strings -----------------------------------------------------------
    for path in ("/../Package.swift", "/css/../../Package.swift", "/%2e%2e/%2e%2e/Package.swift", "/..%2fPackage.swift",
                 "/calendar/..%2f..%2fgiaoban-demo.sqlite", "/api/v1/weeks/2021-W33%00", "/api/v1/search?q=%ff%fe",
                 "/api/v1/search?q=%", "/api/v1/search?q=" + "a" * 5000, "/api/v1/units/%00", "/api/v1/reports/%E0%A4%A"):
        reply = api("GET", path)
        leaked = b"swift-tools-version" in reply.body or b"SQLite format" in reply.body
        check("GET %s -> no 5xx, nothing leaked" % path[:60], 0 < reply.status < 500 and not leaked, reply)

    # --- 10. Issue 18: hostile links, throttling, webhooks, search, roles, input, tokens, caching ---
    for next_value in ("/%0d%0aSet-Cookie:%20giaoban_session=ATTACKER%0d%0aX-Injected:%201", "/%0aX-Injected:%201",
                       "/%09/evil.example", "//evil.example", "/%5cevil.example", "/%2f%2fevil.example", "https://evil.example/",
                       "/%20/evil.example", "%2f%2fevil.example"):
        # The language switch is gone (issue 17): its old address answers 404 and sets nothing.
        reply = request("GET", "/lang/en?next=" + next_value)
        check("GET /lang/en?next=%s -> 404, no cookie, no injected header" % next_value[:40],
              reply.status == 404 and not reply.header("x-injected")
              and "ATTACKER" not in reply.header("set-cookie"), "%d Location=%r X-Injected=%r" % (reply.status, reply.header("location"), reply.header("x-injected")))
    for next_value in ("/\r\nX-Injected: 1", "/\t/evil.example", "//evil.example", "/\\evil.example", "/%2f%2fevil.example", "https://evil.example"):
        visitor = Browser()
        visitor.get("/login")
        reply = visitor.post("/login", {"username": USER, "password": PASSWORD, "next": next_value})
        check("sign-in with next=%r -> Location: /" % next_value, reply.status in (302, 303) and reply.header("location") == "/"
              and not reply.header("x-injected"), "%d Location=%r" % (reply.status, reply.header("location")))

    if FORWARDED:
        import threading
        victim_name = "khong.ton.tai.%s" % MARK
        statuses = []
        lock = threading.Lock()

        def guess(index):
            reply = api("POST", "/api/v1/auth/token", {"username": victim_name, "password": "sai-%d" % index}, token=None,
                        headers={"X-Forwarded-For": "198.19.0.%d" % (index + 1)})
            with lock:
                statuses.append(reply.status)
        threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        check("20 parallel wrong passwords for one account -> at most 5 checked (401), the rest 429",
              statuses.count(401) <= 5 and statuses.count(429) >= 15 and all(code in (401, 429) for code in statuses), sorted(statuses))
        for index in range(20):
            api("POST", "/api/v1/auth/token", {"username": "adresse.%d.%s" % (index, MARK), "password": "x"}, token=None,
                headers={"X-Forwarded-For": "198.19.1.1"})
        reply = api("POST", "/api/v1/auth/token", {"username": USER, "password": PASSWORD}, token=None, headers={"X-Forwarded-For": "198.19.1.1"})
        check("after 20 failures from one client address, even a right password from it -> 429", reply.status == 429 and is_error_json(reply), reply)
        reply = api("POST", "/api/v1/auth/token", {"username": USER, "password": PASSWORD}, token=None, headers={"X-Forwarded-For": "198.19.1.2"})
        check("another client address signs in (200)", reply.status == 200, reply)
    else:
        print("SKIP  throttling by account and address (set GIAOBAN_FUZZ_FORWARDED=1 against a server trusting this proxy)")

    before_hook = api("GET", "/api/v1/settings/webhook").json()
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0x7f000001/",
                "http://2130706433/", "http://localhost/", "http://10.0.0.1/", "http://192.168.0.1/", "http://[::ffff:127.0.0.1]/",
                "http://[fd00::1]/", "http://0.0.0.0/"):
        refused("webhook %s -> 422 (address policy)" % url,
                api("PUT", "/api/v1/settings/webhook", {"url": url, "enabled": True}), (422,))
    check("the refused webhooks changed nothing", api("GET", "/api/v1/settings/webhook").json() == before_hook)

    next_week = (api("GET", q("/api/v1/weeks", date=(datetime.date.today() + datetime.timedelta(days=7)).isoformat())).json() or {}).get("id")
    if next_week:
        item = api("POST", "/api/v1/schedule/%s/items" % next_week,
                   {"date": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(), "start": "08:00", "end": "09:00",
                    "title": "Unpublished %s" % MARK})
        check("control: the office adds an unpublished schedule item (201)", item.status == 201, item)
        found = (api("GET", q("/api/v1/search", q="unpublished %s" % MARK), token=reporter_token).json() or {}).get("results")
        check("a reporter's search does not show an unpublished schedule item", found == [], found)
        if item.status == 201:
            api("DELETE", "/api/v1/schedule/%s/items/%s" % (next_week, item.json()["id"]))
    for wildcard in ("%", "_", "%%", "_a", "\\"):
        reply = api("GET", q("/api/v1/search", q=wildcard), token=reporter_token)
        check("search q=%r matches nothing (LIKE wildcards escaped)" % wildcard,
              reply.status == 200 and (reply.json() or {}).get("results") == [], reply)

    regional_name = "tinh.%d" % (int(time.time()) % 100000)
    made = api("POST", "/api/v1/people", {"fullName": "Cán bộ tỉnh " + MARK, "username": regional_name, "password": "giaoban2021-x",
                                           "roles": ["regional"]})
    if check("a regional (province) account is created", made.status == 201, made):
        regional = token_for(regional_name, "giaoban2021-x")
        body = {"work": [{"description": "x", "quantity": 1, "unit": "l"}]}
        refused("a regional account's PUT /api/v1/reports/{weekId} -> 403", api("PUT", report_path, body, token=regional), (403,))
        refused("a regional account's POST /api/v1/reports/{weekId}/submit -> 403", api("POST", report_path + "/submit", token=regional), (403,))
        api("PATCH", "/api/v1/people/" + made.json()["id"], {"active": False})

    before_report = report_state()
    for label, work in (("a NUL description", {"description": "\u0000", "quantity": 1, "unit": "l"}),
                        ("0,0000000001 as a quantity", {"description": "x", "quantity": "0,0000000001", "unit": "l"}),
                        ("1e-10 as a quantity", {"description": "x", "quantity": 1e-10, "unit": "l"})):
        refused("%s -> 422" % label, api("PUT", report_path, {"work": [work]}, token=reporter_token), (422,))
    check("the refused lines changed nothing", report_state() == before_report)
    saved = api("PUT", report_path, {"work": [{"description": "\u0000nul B\u202eidi\u200b " + MARK, "quantity": 1, "unit": "l\ufeff\u2066"}]},
                token=reporter_token)
    lines = (saved.json() or {}).get("work") or [{}]
    check("NUL, bidi overrides and zero-width characters are dropped from a line", saved.status == 200
          and lines[0].get("description") == "nul Bidi " + MARK and lines[0].get("unit") == "l", saved)
    named = api("POST", "/api/v1/units", {"name": "Ban\u202e\u200b " + MARK, "kind": "field"})
    check("bidi and zero-width characters are dropped from a name", named.status == 201 and (named.json() or {}).get("name") == "Ban " + MARK, named)
    if named.status == 201:
        api("PATCH", "/api/v1/units/" + named.json()["id"], {"active": False})
    refused("a unit name of 25 000 characters -> 422", api("POST", "/api/v1/units", {"name": "x" * 25000, "kind": "field"}), (422,))
    if groups:
        refused("a group summary of 1.9 MB -> 422",
                api("POST", "/api/v1/groups/%s/weeks/%s/submit" % (groups[0]["id"], week), {"summary": "Tổng hợp. " * 135000}), (422,))
    base = snapshot()

    revocable = token_for(USER)
    reply = api("DELETE", "/api/v1/auth/token", token=revocable)
    check("DELETE /api/v1/auth/token -> 204", reply.status == 204, reply)
    reply = api("GET", "/api/v1/units", token=revocable)
    check("the revoked token -> 401", reply.status == 401 and is_error_json(reply), reply)
    check("other tokens still work after a revocation", api("GET", "/api/v1/units").status == 200)

    for path in ("/api/v1/units", "/api/v1/weeks/current"):
        reply = api("GET", path)
        check("GET %s carries Cache-Control: no-store" % path, "no-store" in reply.header("cache-control"), reply.header("cache-control"))
    reply = api("GET", "/api/v1/units", token=None)
    check("an API error carries Cache-Control: no-store", "no-store" in reply.header("cache-control"), reply.header("cache-control"))
    unchanged("issue 18 checks", base)

    check("the server is still up at the end", server_alive())
    failed = [r for r in results if not r[0]]
    print("\nhostile-input: %d checks, %d failed, %d warnings" % (len(results), len(failed), len(warnings)))
    for name, detail in warnings:
        print("  WARNING: %s\n          %s" % (name, str(detail)[:400]))
    for _, name, detail in failed:
        print("  FAILED: %s\n          %s" % (name, str(detail)[:400]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
