"""Processes of a deployment for the tests (docs/deployment.md): `tancert` commands and servers started in
subprocesses against the test's PostgreSQL database and TANCERT_HOME, with the production settings."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

TANCERT = [sys.executable, "-m", "tancert.cli"]
# What the tests (TANCERT_DEMO, tests/conftest.py) or the developer's shell may have set.
CLEARED = ("TANCERT_DEMO", "TANCERT_SECRET_KEY", "TANCERT_DEBUG", "TANCERT_SSL_REDIRECT", "TANCERT_HSTS_SECONDS",
           "TANCERT_PROXY_SSL_HEADER", "GUNICORN_CMD_ARGS", "DJANGO_ALLOW_ASYNC_UNSAFE", "TANCERT_RECORDS_KEY",
           "TANCERT_SEAL_KEY", "TANCERT_SIGNING_KEY", "TANCERT_SIGNING_CERT", "REDIS_URL")
# One key for every process of a test, as production gives every server the same TANCERT_SECRET_KEY.
SECRET_KEY = secrets.token_urlsafe(50)


def pg_url(name: str | None = None) -> str:
    """The URL of the test's PostgreSQL database (or of another database `name` on the same server)."""
    db = connection.settings_dict
    auth = quote(db.get("USER") or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name or db['NAME']}"


def process_env(home, database_url: str) -> dict:
    """Production settings (no demo), plain http on 127.0.0.1: the proxy that ends TLS is left out."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(DJANGO_SETTINGS_MODULE="tancert.settings", TANCERT_SECRET_KEY=SECRET_KEY, TANCERT_HOME=str(home),
               DATABASE_URL=database_url, TANCERT_SSL_REDIRECT="0", TANCERT_DEBUG="0",
               TANCERT_ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, *, token: str = "", body: dict | None = None) -> tuple[int, dict]:
    """One HTTP request; (status, JSON body or {})."""
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        return status, {"raw": raw[:500].decode(errors="replace")}


@contextmanager
def servers(env: dict, logs: Path, *, count: int = 2, workers: int = 3):
    """`tancert serve` `count` times on free ports; yields their base URLs once every one answers."""
    procs, bases = [], []
    try:
        for i in range(count):
            port = free_port()
            log = open(logs / f"server-{i}.log", "w")  # closed with the process below
            procs.append((subprocess.Popen([*TANCERT, "serve", "--port", str(port), "--workers", str(workers)],
                                           env=env, stdout=log, stderr=subprocess.STDOUT), log))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 90
        for (proc, _log), base in zip(procs, bases, strict=True):
            while True:
                assert proc.poll() is None, (logs / f"server-{bases.index(base)}.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the server did not answer in time"
                try:
                    if call(base, "GET", "/api/v1/public/records/head")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
        yield bases
    finally:
        for proc, _log in procs:
            proc.terminate()
        for proc, log in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def tancert(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*TANCERT, *args], env=env, capture_output=True, text=True, timeout=180)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done
