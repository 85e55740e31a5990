"""The settings of the tests (pyproject.toml, pytest-django): the production settings with the demo's
conveniences switched on (TANCERT_DEMO, tancert/settings.py): plain http on 127.0.0.1, a key made for this
machine. pytest-django loads the settings before any conftest runs, so the switch is set here; the tests'
subprocesses inherit it (tests/security starts production ones with an environment of their own)."""

import os

os.environ["TANCERT_DEMO"] = "1"

from tancert.settings import *  # noqa: E402, F403
