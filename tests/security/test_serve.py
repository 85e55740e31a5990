"""`tancert serve` runs gunicorn with tancert.wsgi and the production settings (README)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from prodenv import production_env

from tancert.web.management.commands.serve import default_workers, gunicorn_argv


def test_argv_defaults_to_localhost_and_workers_per_core():
    argv = gunicorn_argv()
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "tancert.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == str(default_workers())
    assert default_workers() >= 3


def test_argv_takes_port_workers_and_several_binds():
    argv = gunicorn_argv(port=9001, workers=4)
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9001" and argv[argv.index("--workers") + 1] == "4"
    argv = gunicorn_argv(port=9001, binds=["0.0.0.0:8080", "unix:/run/tancert.sock"])
    binds = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert binds == ["0.0.0.0:8080", "unix:/run/tancert.sock"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_serve_starts_gunicorn_with_production_settings(tmp_path):
    """Started briefly on a free port: plain http is sent to https (production), then it is stopped."""
    port = free_port()
    tancert = str(Path(sys.executable).parent / "tancert")
    proc = subprocess.Popen([tancert, "serve", "--port", str(port), "--workers", "1"], env=production_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        answer = None
        for _ in range(300):  # until gunicorn listens (or gives up)
            if proc.poll() is not None:
                break
            try:
                opener.open(f"http://127.0.0.1:{port}/register/", timeout=5)
            except urllib.error.HTTPError as e:
                answer = e
                break
            except OSError:
                time.sleep(0.2)
        assert answer is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert answer.code == 301
        assert answer.headers["Location"] == f"https://127.0.0.1:{port}/register/"
        assert answer.headers["Server"].startswith("gunicorn")
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "Booting worker" in out
