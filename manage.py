#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tancert.settings")
    # manage.py is the developer's tool in a checkout (makemessages, …): plain http and a local key.
    # Production uses the installed `tancert` command, which has no such default (tancert/settings.py, DEMO).
    os.environ.setdefault("TANCERT_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
