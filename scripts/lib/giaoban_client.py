"""What every script that drives a GiaoBan server needs: a free port, a JSON API call, and a
server started on a database and waited for. Only the Python standard library.

    import os, sys; sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
    from giaoban_client import DEMO_PASSWORD, free_port, call, start_server
"""
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

DEMO_PASSWORD = "giaoban2021"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None, timeout=15, errors="raise"):
    """(status, decoded JSON) of an API call. errors="return" gives an HTTP error's status and the
    start of its body instead of raising urllib's HTTPError."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        if errors == "return":
            return error.code, error.read().decode("utf-8", "replace")[:300]
        raise


def sign_in(base, username, password=DEMO_PASSWORD):
    """An API token."""
    return call(base, "POST", "/api/v1/auth/token", body={"username": username, "password": password})[1]["token"]


def start_server(binary, port, log, env, command="demo", ready="/healthz", attempts=600, arguments=()):
    """Starts `binary command` on 127.0.0.1:port with `env` added to the environment and waits
    until `ready` answers 200; returns (process, base URL). Stops the script if it never does."""
    process = subprocess.Popen([binary, command, *arguments, "--hostname", "127.0.0.1", "--port", str(port)],
                               env=dict(os.environ, **env), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(attempts):
        if process.poll() is not None:
            raise SystemExit(f"FAILED: the server on port {port} stopped while starting")
        try:
            with urllib.request.urlopen(base + ready, timeout=1) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"FAILED: the server on port {port} did not answer {ready}")
