"""The `tancert` command: wraps Django's manage.py and adds the engine's own commands.

    tancert demo [--port N]          seed the demo and serve on 127.0.0.1 (plain http, a local key)
    tancert otp-code                 the demo staff's current second-factor code
    tancert serve [--port N] …       the production server (gunicorn; README, Running in production)
    tancert rules [--json] …         rule keys with the code that enforces them and the tests
    tancert rules --mutate [KEY …]   switch a key's checks off: does one of its tests fail? (--jobs N)
    tancert records verify|export    the record chain, its signatures and signed checkpoints
    tancert records rotate-key       a new records signing key (old public keys stay in the keyring)
    tancert token USERNAME           a new API token
    tancert sweep                    idempotent periodic work (safe on every server at once)
    tancert backup FOLDER            database, files, checkpoints and keys (docs/deployment.md)
    tancert restore FOLDER           into an empty database and TANCERT_HOME, then verify the record
    tancert workdays add DATE N      Chinese working days
    tancert audit-time FILE.json     audit time with its justification (--json)
    tancert seal verify FILE         check a certificate's integrity seal offline
    tancert ghg …                    the GHG engine (no database needed)
    tancert project template|check … project emission reductions, R5.c (docs/projects.md)
    tancert event template|check …   large-event carbon neutrality, R5.d (docs/events.md)
    tancert footprint …              product carbon footprints (no database needed)
    tancert <any manage.py command>  e.g. migrate, createsuperuser, runserver
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "ghg":
        from tancert.ghg.cli import main as ghg_main

        return ghg_main(argv[1:])
    if argv and argv[0] in ("project", "event"):  # the project and event engines (no database needed)
        if argv[0] == "project":
            from tancert.projects.cli import main as level_main
        else:
            from tancert.events.cli import main as level_main

        return level_main(argv[1:])
    if argv and argv[0] == "footprint":
        from tancert.footprint.cli import main as footprint_main

        return footprint_main(argv[1:])
    if argv and argv[0] == "rules" and "--mutate" in argv:  # switch a key's checks off, run its tests
        from tancert.scheme.mutation import main as mutate_main

        return mutate_main([a for a in argv[1:] if a != "--mutate"])
    if argv and argv[0] == "rules":
        from tancert.scheme.coverage import main as rules_main

        return rules_main(argv[1:])
    if argv and argv[0] in ("audit-time", "otp-code"):
        argv[0] = argv[0].replace("-", "_")  # Django command modules cannot have a hyphen
    if argv and argv[0] in ("demo", "otp_code"):
        # The demo serves plain http on 127.0.0.1 with a key of its own (tancert/settings.py, DEMO).
        os.environ.setdefault("TANCERT_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tancert.settings")
    if argv and argv[0] not in HELP:
        refusal = _settings_refusal()
        if refusal:
            print(f"tancert: {refusal}", file=sys.stderr)
            return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tancert", *argv] if argv else ["tancert", "help"])
    return 0


HELP = {"help", "--help", "-h", "--version", "version"}


def _settings_refusal() -> str:
    """Production settings refuse to load without what they need (a secret key): say so in one message
    instead of the traceback Django's command runner would print."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        return str(exc)
    return ""


if __name__ == "__main__":
    sys.exit(main())
