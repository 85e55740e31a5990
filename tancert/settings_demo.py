"""The settings of the tests (pyproject.toml, pytest-django): the production settings with the demo's
conveniences switched on (TANCERT_DEMO, tancert/settings.py). pytest-django loads the settings before any
conftest runs, so the switch is made here; tests/security starts production processes with an environment of
their own."""

from tancert import demo_mode  # noqa: F401 - first: the settings read TANCERT_DEMO as they load
from tancert.settings import *  # noqa: F403
