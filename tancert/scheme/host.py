"""What the pure engines (scheme, ghg, planning) need from the program that runs them, without importing it.

The engines import no Django (docs/architecture.md, "Layers"). They mark their messages with
``_()`` from here — makemessages finds these calls as it finds Django's — and read a setting with
``setting()``. The web application installs Django's functions at start-up (``install``, called by
``tancert/settings.py``), so inside it a message here is exactly Django's lazy translation and a
setting is Django's; a plain Python user of the engines gets the English source texts and no
settings beyond the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any


class LazyText:
    """A message translated when it becomes a string (until a host installs its own lazy text)."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str):
        self.msgid = msgid

    def __str__(self) -> str:
        return _host["gettext"](self.msgid)

    def __mod__(self, params) -> str:
        return str(self) % params

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __repr__(self) -> str:
        return f"LazyText({self.msgid!r})"


class _LazyFormat:
    __slots__ = ("fmt", "args")

    def __init__(self, fmt, args):
        self.fmt, self.args = fmt, args

    def __str__(self) -> str:
        return str(self.fmt).format(*(str(a) for a in self.args))

    def __mod__(self, params) -> str:
        return str(self) % params


_host: dict[str, Any] = {
    "gettext": lambda s: s,
    "gettext_lazy": LazyText,
    "format_lazy": lambda fmt, *args: _LazyFormat(fmt, args),
    "override": lambda lang: nullcontext(),
    "setting": lambda name: None,
}


def install(*, gettext: Callable[[str], str], gettext_lazy: Callable[[str], Any],
            format_lazy: Callable[..., Any], override: Callable[[str], AbstractContextManager],
            setting: Callable[[str], Any]) -> None:
    """The host's translation functions and settings (Django's, installed by tancert/settings.py)."""
    _host.update(gettext=gettext, gettext_lazy=gettext_lazy, format_lazy=format_lazy, override=override,
                 setting=setting)


def gettext_lazy(msgid: str):
    return _host["gettext_lazy"](msgid)


_ = gettext_lazy


def format_lazy(fmt, *args):
    return _host["format_lazy"](fmt, *args)


def override(lang: str) -> AbstractContextManager:
    """Translate in ``lang`` inside the block (the host's own language switch)."""
    return _host["override"](lang)


def setting(name: str, default: Any = None) -> Any:
    value = _host["setting"](name)
    return default if value is None else value
