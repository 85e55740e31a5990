"""The environment of a production start, for the tests that start tancert in a subprocess."""

from __future__ import annotations

import os
import secrets

# What the tests (TANCERT_DEMO, tests/conftest.py) or the developer's shell may have set.
CLEARED = ("TANCERT_DEMO", "TANCERT_SECRET_KEY", "TANCERT_DEBUG", "TANCERT_SSL_REDIRECT", "TANCERT_HSTS_SECONDS",
           "TANCERT_HSTS_INCLUDE_SUBDOMAINS", "TANCERT_HSTS_PRELOAD", "TANCERT_PROXY_SSL_HEADER",
           "GUNICORN_CMD_ARGS", "DJANGO_ALLOW_ASYNC_UNSAFE")


def production_env(tmp_path, *, key: bool = True, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(TANCERT_HOME=str(tmp_path / "home"), DJANGO_SETTINGS_MODULE="tancert.settings",
               TANCERT_DEBUG="0", HOME=str(tmp_path))
    env.pop("DATABASE_URL", None)  # nothing here needs the database; SQLite under TANCERT_HOME otherwise
    if key:
        env["TANCERT_SECRET_KEY"] = secrets.token_urlsafe(50)
    env.update(extra)
    return env
