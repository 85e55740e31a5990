"""Finding grades from settings.TANCERT_FINDING_GRADES (the four defaults of ISO/IEC 17021-1 practice).

A grade says what resolving it needs before a certification decision: "verify" (a major nonconformity:
correction and corrective action verified), "accept" (a minor one: the plan accepted) or nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

VERIFY, ACCEPT = "verify", "accept"


def all_grades() -> list[dict]:
    return list(settings.TANCERT_FINDING_GRADES)


def codes() -> list[str]:
    return [g["code"] for g in all_grades()]


def resolve(code: str) -> str:
    for g in all_grades():
        if g["code"] == code:
            return g.get("resolve") or ""
    return ""


def codes_to(need: str) -> list[str]:
    return [g["code"] for g in all_grades() if (g.get("resolve") or "") == need]


def label(code: str, lang: str | None = None) -> str:
    lang = lang or translation.get_language() or "zh-hans"
    for g in all_grades():
        if g["code"] == code:
            return g["name_zh"] if lang.lower().startswith("zh") else g["name_en"]
    return code


def choices() -> list[tuple[str, str]]:
    return [(g["code"], label(g["code"])) for g in all_grades()]
