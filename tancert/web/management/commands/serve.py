"""`tancert serve`: the production server, gunicorn with tancert.wsgi (README, Running in production).

The settings are the production ones (tancert/settings.py): the command does not start without
TANCERT_SECRET_KEY, and it runs Django's deployment checks first, printing what they find. Gunicorn replaces
this process (exec), so a process supervisor's signals reach it directly. Further gunicorn options go into
GUNICORN_CMD_ARGS (gunicorn's own environment variable).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    """Gunicorn's advice: two workers per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(*, port: int = 8000, binds: list[str] | None = None, workers: int | None = None,
                  timeout: int = 120) -> list[str]:
    """The command line of the server. Binds to 127.0.0.1 unless told otherwise: the proxy in front ends
    TLS (README). The timeout leaves room for the PDF documents, which are drawn while the client waits."""
    argv = [sys.executable, "-m", "gunicorn", "tancert.wsgi:application"]
    for bind in binds or [f"127.0.0.1:{port}"]:
        argv += ["--bind", bind]
    argv += ["--workers", str(workers or default_workers()), "--timeout", str(timeout),
             "--access-logfile", "-", "--error-logfile", "-"]
    return argv


class Command(BaseCommand):
    help = "Run the production server (gunicorn) on 127.0.0.1:PORT or the given --bind addresses."
    requires_system_checks = []  # handle() runs them with the deployment checks

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
        parser.add_argument("--bind", action="append", default=[], metavar="ADDRESS",
                            help="e.g. 0.0.0.0:8000 or unix:/run/tancert.sock; repeatable; replaces --port")
        parser.add_argument("--workers", type=int, default=None,
                            help="worker processes (default: 2 per core + 1)")
        parser.add_argument("--timeout", type=int, default=120, help="seconds before a silent worker is restarted")

    def handle(self, *args, port, bind, workers, timeout, **opts):
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        # Errors stop the start; warnings (e.g. DEBUG on, no HSTS) are printed and the server starts.
        self.check(include_deployment_checks=True)
        argv = gunicorn_argv(port=port, binds=bind, workers=workers, timeout=timeout)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(argv[0], argv)
