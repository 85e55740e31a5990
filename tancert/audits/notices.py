"""What the audit's notices say about it, in Chinese whatever the language of the session that acted
(notices are written like records, RR-language; the table: ops/notifications/table.py)."""

from __future__ import annotations

from django.utils import translation


def kind_zh(audit) -> str:
    with translation.override("zh-hans"):
        return str(audit.get_kind_display())
