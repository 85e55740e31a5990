"""The industry requirement an application may name beside T/CCAA 39-2022 (R3), by Appendix A area (RA).

The rule book speaks of an industry certification requirement ("碳管理体系 行业认证要求") but lists none;
the list here is the industry GHG accounting guidelines of the reference, each under the Appendix A area
its title belongs to (data/industry_requirements.json says how it was read). A client chooses from it, it
never types one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "industry_requirements.json"


@cache
def requirements() -> tuple[dict, ...]:
    return tuple(json.loads(DATA.read_text(encoding="utf-8"))["requirements"])


def label(req: dict) -> str:
    return f"{req['designation']} {req['name_zh']}"


def for_area(area: int | None) -> list[str]:
    """The labels that an application in technical area ``area`` may name."""
    return [label(r) for r in requirements() if area is not None and int(area) in r["areas"]]


def choices() -> list[tuple[str, str]]:
    """(value, label) for a select: every requirement, with its areas; the blank choice first."""
    return [("", "—")] + [(label(r), f"{label(r)} (" + ", ".join(f"A{a}" for a in r["areas"]) + ")")
                          for r in requirements()]
