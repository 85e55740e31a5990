"""RuleViolation: the one error every scheme check raises (the action layer, docs/architecture.md).

It carries the rule key of CEC-7048CMS-A2.en.md, the field concerned and a message that
tells the user what to do. The message is a lazy translation so that the same
exception renders in Chinese for the UI and the records, and in English on request.
"""

from __future__ import annotations

import os

from tancert.scheme import host

# `tancert rules --mutate KEY` runs the key's tests with its checks switched off (scheme/mutation.py):
# every require() of that key then passes, and at least one of its tests must fail. A test-run hook only;
# a server is never started with TANCERT_MUTATE set (the settings refuse it outside tests, see there).
MUTATED: frozenset[str] = frozenset(k for k in os.environ.get("TANCERT_MUTATE", "").split(",") if k)


def switched_off(key: str) -> bool:
    return key in MUTATED


class MutationReached(Exception):
    """A raise of a switched-off key was reached (a check that is not a ``require``): in a mutation run
    the violation does not come, so a test expecting it fails."""


class RuleViolation(Exception):
    def __init__(self, key: str, message, *, field: str | None = None, params: dict | None = None):
        if key in MUTATED:
            raise MutationReached(key)
        self.key = key
        self._message = message
        self.field = field
        self.params = params or {}
        super().__init__(f"[{key}] {self.message_en}")

    def _render(self, lang: str | None = None) -> str:
        if lang is None:
            text = str(self._message)
        else:
            with host.override(lang):
                text = str(self._message)
        return text % self.params if self.params else text

    @property
    def message(self) -> str:
        """In the active language."""
        return self._render()

    @property
    def message_zh(self) -> str:
        return self._render("zh-hans")

    @property
    def message_en(self) -> str:
        return self._render("en")

    def as_dict(self) -> dict:
        return {
            "rule": self.key,
            "message": self.message,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "field": self.field,
        }


def require(condition: bool, key: str, message, *, field: str | None = None, params: dict | None = None) -> None:
    """Raise RuleViolation(key, …) unless condition holds."""
    if not condition and key not in MUTATED:
        raise RuleViolation(key, message, field=field, params=params)
