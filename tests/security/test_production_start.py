"""A production start needs a secret key and passes Django's deployment checks (README, Running in
production); the demo and the tests make a key of their own (tancert/settings.py, DEMO)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from prodenv import production_env

TANCERT = str(Path(sys.executable).parent / "tancert")


def run(args, env):
    return subprocess.run([TANCERT, *args], env=env, capture_output=True, text=True, timeout=120)


def test_deploy_check_passes_with_a_key_at_warning_level(tmp_path):
    r = run(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_without_a_key_production_commands_refuse_with_one_clear_message(tmp_path):
    env = production_env(tmp_path, key=False)
    for args in (["check", "--deploy"], ["serve", "--port", "1"], ["migrate"]):
        r = run(args, env)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "TANCERT_SECRET_KEY" in r.stderr and "未设置" in r.stderr
        assert "Traceback" not in r.stderr
    assert not (tmp_path / "home" / "secret_key").exists()  # no key made silently
    assert run(["help"], env).returncode == 0  # the list of commands still shows


def test_the_demo_setting_makes_a_private_key_once(tmp_path):
    env = production_env(tmp_path, key=False, TANCERT_DEMO="1")
    assert run(["check"], env).returncode == 0
    key = tmp_path / "home" / "secret_key"
    first = key.read_text()
    assert len(first) >= 50 and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert run(["check"], env).returncode == 0
    assert key.read_text() == first
