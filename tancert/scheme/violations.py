"""RuleViolation: the one error every scheme check raises (the action layer, docs/architecture.md).

It carries the rule key of CEC-7048CMS-A2.en.md, the field concerned and a message that
tells the user what to do. The message is a lazy translation so that the same
exception renders in Chinese for the UI and the records, and in English on request.
"""

from __future__ import annotations

from tancert.scheme import host


class RuleViolation(Exception):
    def __init__(self, key: str, message, *, field: str | None = None, params: dict | None = None):
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
    if not condition:
        raise RuleViolation(key, message, field=field, params=params)
