"""Importing this module switches the demo's conveniences on (TANCERT_DEMO=1, tancert/settings.py): plain http
on 127.0.0.1 and a key made for this machine. tancert/settings_demo.py imports it before the settings; the
processes started from here (the tests' `tancert …` runs, the mutation runner's pytest) inherit it."""

import os

os.environ["TANCERT_DEMO"] = "1"
