"""The levels of carbon management a CMS covers and the quantification standard chosen for each (scheme clause 5:
R5.a organisation, R5.b product, R5.c project, R5.d activity/event) — pure data and checks, no Django.

The catalogue is data (``data/scope_levels.json``, each standard with its source and confidence). A client
chooses one standard per optional level, or names a national / industry / local / group standard (or, for
projects, the methodology of the field) itself, and lists what the level covers. ``check`` is the rule: a
level without its standard or without what it covers is refused with the level's key (docs/scope-levels.md).

Level codes are the planning engine's (``planning/audittime.SCOPE_LEVELS``): "activity" is the event level.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import require

DATA = Path(__file__).parent / "data" / "scope_levels.json"
ORGANISATION = "organisation"
OPTIONAL = ("product", "project", "activity")  # R5.b, R5.c, R5.d: chosen by the client
ORDER = (ORGANISATION, *OPTIONAL)
RULE = {"organisation": "R5.a", "product": "R5.b", "project": "R5.c", "activity": "R5.d"}
MAX_COVERS = 100  # items one level may list
MAX_TEXT = 200  # characters of one item, and of a named standard

# What a client may name itself, and the shape of the designation of each kind of Chinese standard
# (national GB / GB/T / GB/Z, local DBxx / DBxx/T, group T/<group code>, industry <sector code>[/T]) —
# a reading of the Standardization Law's designations, kept here so a body can loosen it
# (docs/scope-levels.md, Reading).
NAMED_LABELS = {
    "national": (_("a national standard (name its designation and title)"), "国家标准"),
    "industry": (_("an industry standard (name its designation and title)"), "行业标准"),
    "local": (_("a local standard (name its designation and title)"), "地方标准"),
    "group": (_("a group standard (name its designation and title)"), "团体标准"),
    "methodology": (_("the project emission-reduction methodology of the field (name it and its number)"),
                    "项目减排方法学"),
}
DESIGNATION = {
    "national": re.compile(r"^GB(/[TZ])?\s*\d"),
    "industry": re.compile(r"^(?!GB|DB|T/)[A-Z]{2,3}(/[TZ])?\s*\d"),
    "local": re.compile(r"^DB\s*\d{2}(/T)?\s*\d"),
    "group": re.compile(r"^T/[A-Z][A-Z0-9]*\s*\d"),
}
DESIGNATION_MESSAGES = {
    "national": _("A national standard's designation begins with GB, GB/T or GB/Z, e.g. “GB/T 24067-2024 温室气体 "
                  "产品碳足迹 量化要求和指南”."),
    "industry": _("An industry standard's designation begins with its sector code, e.g. “HJ 1234-2024 …” or "
                  "“SH/T 1234-2024 …”; national, local and group standards are separate choices."),
    "local": _("A local standard's designation begins with DB and the province code, e.g. “DB44/T 2639-2025 …”."),
    "group": _("A group standard's designation begins with T/ and the group's code, e.g. “T/CCAA 39-2022 …”."),
}
STANDARD_MESSAGES = {
    "product": _("Choose how the product carbon footprint is quantified: ISO 14067, GB/T 24067-2024, or a national, "
                 "industry, local or group standard."),
    "project": _("Choose how the project emission reductions are quantified: ISO 14064-2 or the project "
                 "emission-reduction methodology of the field."),
    "activity": _("Choose how the event emissions are quantified: the Large-scale Event Carbon Neutrality "
                  "Implementation Guide (trial) with its Annex 1, or a national, industry, local or group standard."),
}
COVERS_MESSAGES = {
    "product": _("List the products this level covers, one per line."),
    "project": _("List the emission-reduction projects this level covers, one per line."),
    "activity": _("List the events this level covers, one per line."),
}


@dataclass(frozen=True)
class Standard:
    code: str
    named: str = ""  # "" for a standard of the catalogue; else the kind the client names
    designation: str = ""
    title_zh: str = ""
    title_en: str = ""
    source: str = ""
    confidence: str = ""

    def label_zh(self) -> str:
        if self.named:
            return NAMED_LABELS[self.named][1]
        return f"{self.designation} {self.title_zh}".strip() if self.designation else self.title_zh

    def label_en(self) -> str:
        if self.named:
            return str(NAMED_LABELS[self.named][0])
        return f"{self.designation} {self.title_en}".strip() if self.designation else self.title_en


@dataclass(frozen=True)
class Level:
    code: str
    rule: str
    name_zh: str
    name_en: str
    covers_zh: str
    covers_en: str
    standards: tuple[Standard, ...]
    summary_zh: str = ""
    summary_en: str = ""

    def standard(self, code: str) -> Standard | None:
        return next((s for s in self.standards if s.code == code), None)


@cache
def catalogue() -> dict[str, Level]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    out = {}
    for code in ORDER:
        d = data["levels"][code]
        out[code] = Level(code=code, rule=d["rule"], name_zh=d["name_zh"], name_en=d["name_en"],
                          covers_zh=d["covers_zh"], covers_en=d["covers_en"],
                          summary_zh=d.get("summary_zh", ""), summary_en=d.get("summary_en", ""),
                          standards=tuple(Standard(**{k: v for k, v in s.items() if k != "note"})
                                          for s in d["standards"]))
    return out


def version() -> str:
    return json.loads(DATA.read_text(encoding="utf-8"))["version"]


def normalise(text: str) -> str:
    """Full-width slashes, letters and spaces typed in a Chinese input method read as their ASCII forms."""
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split())


def covers_list(covers) -> list[str]:
    """What a level covers as a list of items: a list as given, or text with one item per line."""
    if isinstance(covers, str):
        covers = covers.splitlines()
    return [normalise(c) for c in covers or () if normalise(c)]


@dataclass(frozen=True)
class Chosen:
    """A checked choice: what is stored and shown."""

    level: str
    standard: str
    standard_name: str
    covers: tuple[str, ...]


def check(level: str, standard: str, standard_name: str = "", covers=()) -> Chosen:
    """R5.b / R5.c / R5.d: the level's standard is one the scheme allows (a named one named, in the shape of its
    kind) and the level lists what it covers. Raises RuleViolation with the level's key on the field concerned."""
    if level not in OPTIONAL:
        raise ValueError(f"unknown optional scope level {level!r}")
    meta = catalogue()[level]
    key = RULE[level]
    option = meta.standard(str(standard or ""))
    # enforces: R5.b R5.c R5.d
    require(option is not None, key, STANDARD_MESSAGES[level], field=f"{level}_standard")
    name = normalise(standard_name) if option.named else ""
    if option.named:
        # enforces: R5.b R5.c R5.d
        require(bool(name), key, _("Name the standard or methodology: its designation (number) and title."),
                field=f"{level}_standard_name")
        # enforces: R5.b R5.c R5.d
        require(len(name) <= MAX_TEXT, key, _("Keep the name within %(n)d characters."),
                field=f"{level}_standard_name", params={"n": MAX_TEXT})
        pattern = DESIGNATION.get(option.named)
        # enforces: R5.b R5.c R5.d
        require(pattern is None or bool(pattern.match(name.upper())), key,
                DESIGNATION_MESSAGES.get(option.named, ""), field=f"{level}_standard_name")
    items = covers_list(covers)
    # enforces: R5.b R5.c R5.d
    require(bool(items), key, COVERS_MESSAGES[level], field=f"{level}_covers")
    # enforces: R5.b R5.c R5.d
    require(len(items) <= MAX_COVERS and all(len(i) <= MAX_TEXT for i in items), key,
            _("List at most %(n)d items of at most %(chars)d characters each."), field=f"{level}_covers",
            params={"n": MAX_COVERS, "chars": MAX_TEXT})
    # enforces: R5.b R5.c R5.d
    require(len(set(items)) == len(items), key, _("An item is listed twice; list each once."),
            field=f"{level}_covers")
    return Chosen(level, option.code, name, tuple(items))


def describe(level: str, standard: str = "", standard_name: str = "", covers=()) -> dict:
    """A level as shown and frozen into reports and certificates: labels in Chinese and English, the standard as
    people read it, what it covers. The organisation level states what R5.a allows (its method is the
    inventory's)."""
    meta = catalogue()[level]
    option = meta.standard(standard) if standard else None
    if level == ORGANISATION:
        std_zh, std_en = meta.summary_zh, meta.summary_en
    elif option is None:
        std_zh = std_en = ""
    elif option.named:
        std_zh = std_en = normalise(standard_name)
    else:
        std_zh, std_en = option.label_zh(), option.label_en()
    return {"level": level, "rule": meta.rule, "level_zh": meta.name_zh, "level_en": meta.name_en,
            "standard": standard, "standard_zh": std_zh, "standard_en": std_en,
            "covers_zh": meta.covers_zh, "covers_en": meta.covers_en, "covers": list(covers_list(covers))}


def text_zh(entries: list[dict]) -> str:
    """One line of Chinese for a record summary: 组织层面；产品层面（GB/T 24067-2024 …）：甲产品、乙产品."""
    parts = []
    for e in entries:
        part = e["level_zh"] + (f"（{e['standard_zh']}）" if e.get("standard_zh") else "")
        if e.get("covers"):
            part += "：" + "、".join(e["covers"])
        parts.append(part)
    return "；".join(parts)


def choices(level: str) -> list[tuple[str, str, str]]:
    """(code, Chinese label, English label) of the standards a level offers, in the catalogue's order."""
    return [(s.code, s.label_zh(), s.label_en()) for s in catalogue()[level].standards]
