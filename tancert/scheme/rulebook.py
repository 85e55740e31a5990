"""The rule book of CEC-7048CMS-A/2 as data: every rule key, its Chinese source, and the scheme's tables.

Pure Python (stdlib only, no Django), so that any layer — models, checks, the ``tancert rules``
command, tests — can ask "what does rule X say?" without a database.

Data files (``tancert/scheme/data``):

* ``rules.json`` — every ``[key]`` of the English rendering ``CEC-7048CMS-A2.en.md``, in document
  order, with its clause, parent key, short titles, English text, the verbatim Chinese source
  sentence(s) from ``CEC-7048CMS-A2.zh.txt`` and the rendering's *Reading* note where it has one.
* ``tables.json`` — Appendix A (technical areas), Appendix B (base auditor-days), the application
  documents, stage-1 off-site conditions, focus items, decision conditions, suspension triggers
  and certificate fields. Items that are rules name their key; their text comes from ``rules.json``.
* ``clauses-tccaa39-2022-*.json`` — the clause tree of the criterion T/CCAA 39-2022, versioned.
  The current tree is *inferred* (the standard's text was not available); an official tree is
  added as another file and selected with :data:`DEFAULT_CLAUSE_TREE_VERSION`.

Clause numbers: ``"8*"`` and ``"9*"`` are the original's second sections 8 (transfer, keys RT…)
and 9 (records, keys RR…) that follow section 10; ``"A"`` and ``"B"`` are the appendices.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_FILE = DATA_DIR / "rules.json"
# The certification body's own duties (ISO/IEC 17021-1 and Chinese regulation), kept apart from the scheme's
# keys: they are not in CEC-7048CMS-A/2, their key starts with "CB" and their section is the key "CB"
# (docs/obligations.md). ``tancert rules`` reports them like the scheme's keys, in a section of their own.
DUTIES_FILE = DATA_DIR / "duties.json"
DUTY_PREFIX = "CB"
TABLES_FILE = DATA_DIR / "tables.json"
CLAUSE_TREE_GLOB = "clauses-tccaa39-2022-*.json"
DEFAULT_CLAUSE_TREE_VERSION = "inferred-2026-11"

AUDIT_TYPES = ("initial", "surveillance", "recertification")

# Splits a joined source_zh back into its verbatim parts (parts are joined by one space,
# and each part but possibly the last ends with Chinese sentence punctuation).
_PART_SPLIT = re.compile(r"(?<=[。；：;:])\s+")


# ---------------------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One keyed rule of the scheme."""

    key: str
    clause: str
    parent: str | None
    title_en: str
    title_zh: str
    text_en: str
    source_zh: str
    reading: str | None

    def title(self, lang: str = "zh") -> str:
        """The short title in ``lang`` ("zh…" for Chinese, anything else for English)."""
        return self.title_zh if lang.lower().startswith("zh") else self.title_en

    @property
    def source_zh_parts(self) -> tuple[str, ...]:
        """The verbatim Chinese parts that ``source_zh`` joins (split at sentence punctuation)."""
        return tuple(p for p in _PART_SPLIT.split(self.source_zh) if p)

    def __str__(self) -> str:
        return f"[{self.key}] {self.title_en}"


@dataclass(frozen=True, slots=True)
class TechnicalArea:
    """A technical area of Appendix A (R7.3.2 competence is divided by these)."""

    code: int
    name_zh: str
    name_en: str
    source_zh: str
    correction: str | None = None

    def name(self, lang: str = "zh") -> str:
        """The area's name in ``lang``."""
        return self.name_zh if lang.lower().startswith("zh") else self.name_en


@dataclass(frozen=True, slots=True)
class ApplicationDocument:
    """One of the documents R7.1-D1…D11 a client submits with its application."""

    key: str
    code: str
    name_zh: str
    name_en: str
    dated: bool
    # Only a document the scheme asks for "where applicable" may be marked not applicable (D4: the other
    # documents the law requires, when it requires none); every other one must be submitted.
    if_applicable: bool = False

    @property
    def rule(self) -> Rule:
        """The rule that requires this document."""
        return rule(self.key)


@dataclass(frozen=True, slots=True)
class RuleItem:
    """An enumerated item of a rule (off-site condition, focus item, decision condition, trigger)."""

    key: str
    code: str
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str

    @property
    def rule(self) -> Rule:
        """The rule this item is."""
        return rule(self.key)


@dataclass(frozen=True, slots=True)
class CertificateField:
    """A field a certificate must show (R9.1-a…h); ``field`` is the name used in code."""

    key: str
    code: str
    field: str
    label_zh: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause of the criterion T/CCAA 39-2022."""

    number: str
    title_zh: str
    title_en: str
    parent: str | None
    status: str
    scheme_terms: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        """1 for a top-level clause such as "4", 2 for "4.1", 3 for "9.1.2"."""
        return self.number.count(".") + 1


@dataclass(frozen=True, slots=True)
class ClauseTree:
    """A versioned clause tree of a criterion."""

    standard: str
    version: str
    source: str
    clauses: tuple[Clause, ...]
    focus_clause_map: Mapping[str, tuple[str, ...]]
    focus_clause_basis: Mapping[str, str]

    def clause(self, number: str) -> Clause:
        """The clause with this number; KeyError if the tree has none."""
        for c in self.clauses:
            if c.number == number:
                return c
        raise KeyError(f"T/CCAA 39-2022 ({self.version}) has no clause {number!r}")

    def numbers(self) -> tuple[str, ...]:
        """All clause numbers, in tree order."""
        return tuple(c.number for c in self.clauses)

    def top_level(self) -> tuple[Clause, ...]:
        """The top-level clauses (4 … 10)."""
        return tuple(c for c in self.clauses if c.parent is None)

    def children(self, number: str) -> tuple[Clause, ...]:
        """The direct sub-clauses of ``number``."""
        return tuple(c for c in self.clauses if c.parent == number)


# ---------------------------------------------------------------------------------------------
# Loaders (cached)
# ---------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def load_rules() -> Mapping[str, Rule]:
    """All rules from ``rules.json``, key → Rule, in document order (read once, read-only)."""
    data = _read_json(RULES_FILE)
    duties = _read_json(DUTIES_FILE) if DUTIES_FILE.exists() else {"rules": []}
    rules: dict[str, Rule] = {}
    for row in [*data["rules"], *duties["rules"]]:
        r = Rule(**row)
        if r.key in rules:
            raise ValueError(f"duplicate rule key {r.key!r} in {RULES_FILE}")
        rules[r.key] = r
    for r in rules.values():
        if r.parent is not None and r.parent not in rules:
            raise ValueError(f"rule {r.key!r} has unknown parent {r.parent!r}")
    return MappingProxyType(rules)


@cache
def _tables() -> dict:
    return _read_json(TABLES_FILE)


def _item(key: str) -> RuleItem:
    r = rule(key)
    code = key.rsplit("-", 1)[-1]
    return RuleItem(
        key=key, code=code, title_zh=r.title_zh, title_en=r.title_en, text_zh=r.source_zh, text_en=r.text_en
    )


@cache
def _clause_tree_files() -> Mapping[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(DATA_DIR.glob(CLAUSE_TREE_GLOB)):
        version = _read_json(path)["version"]
        if version in files:
            raise ValueError(f"clause tree version {version!r} appears in {files[version]} and {path}")
        files[version] = path
    return MappingProxyType(files)


@cache
def _load_clause_tree(version: str) -> ClauseTree:
    data = _read_json(_clause_tree_files()[version])
    clauses = tuple(
        Clause(
            number=c["number"],
            title_zh=c["title_zh"],
            title_en=c["title_en"],
            parent=c["parent"],
            status=c["status"],
            scheme_terms=tuple(c.get("scheme_terms", ())),
        )
        for c in data["clauses"]
    )
    fmap = {m["focus"]: tuple(m["clauses"]) for m in data.get("focus_clause_map", ())}
    basis = {m["focus"]: m.get("basis", "") for m in data.get("focus_clause_map", ())}
    return ClauseTree(
        standard=data["standard"],
        version=data["version"],
        source=data["source"],
        clauses=clauses,
        focus_clause_map=MappingProxyType(fmap),
        focus_clause_basis=MappingProxyType(basis),
    )


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def rule(key: str) -> Rule:
    """The rule with this key, e.g. ``rule("R7.2-deadline")``.

    Raises KeyError naming the closest known keys when the key is unknown, so a typo in a
    check's citation is caught at once.
    """
    rules = load_rules()
    try:
        return rules[key]
    except KeyError:
        close = difflib.get_close_matches(str(key), list(rules), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(
            f"unknown rule key {key!r} — not a key of CEC-7048CMS-A2.en.md ({len(rules)} keys){hint}"
        ) from None


def citation(text: str) -> str:
    """A clause as anyone may read it: a scheme key (R6.2-crosscheck, the clause of a finding the carbon check
    raised) becomes the clause of the rules in Chinese (认证规则第6.2条, 认证规则附录B); any other text — a
    T/CCAA 39 clause typed by the auditor, an IAF code — is returned as it is. Keys are for staff
    (docs/i18n.md, Language discipline)."""
    text = str(text or "").strip()
    rules = load_rules()
    if text not in rules or is_duty(text):
        return text
    clause = rules[text].clause.rstrip("*")
    return f"认证规则附录{clause}" if re.fullmatch(r"[A-Z]", clause) else f"认证规则第{clause}条"


def is_duty(key: str) -> bool:
    """A duty of the body (duties.json), not a key of the scheme."""
    return key == DUTY_PREFIX or key.startswith(DUTY_PREFIX + "-")


def scheme_keys() -> tuple[str, ...]:
    """The keys of CEC-7048CMS-A/2 alone, in document order."""
    return tuple(k for k in load_rules() if not is_duty(k))


def all_keys() -> tuple[str, ...]:
    """Every rule key, in document order."""
    return tuple(load_rules())


def children(key: str) -> tuple[Rule, ...]:
    """The rules whose parent is ``key``, in document order."""
    rule(key)
    return tuple(r for r in load_rules().values() if r.parent == key)


def clause_tree_versions() -> tuple[str, ...]:
    """The versions of the T/CCAA 39-2022 clause tree available as data."""
    return tuple(_clause_tree_files())


def clause_tree(version: str | None = None) -> ClauseTree:
    """The T/CCAA 39-2022 clause tree; ``version=None`` gives :data:`DEFAULT_CLAUSE_TREE_VERSION`."""
    version = version or DEFAULT_CLAUSE_TREE_VERSION
    if version not in _clause_tree_files():
        raise KeyError(f"no clause tree version {version!r}; available: {', '.join(clause_tree_versions())}")
    return _load_clause_tree(version)


def clause_tree_label(version: str | None = None) -> str:
    """A clause tree version as people read it: "inferred-2026-11" → "推定版（2026-11）" (docs/i18n.md: no
    code in Latin script on a page or in a document)."""
    version = version or DEFAULT_CLAUSE_TREE_VERSION
    kind, _, when = version.partition("-")
    label = {"inferred": "推定版", "official": "正式版"}.get(kind)
    return f"{label}（{when}）" if label and when else version


def focus_clause_map(version: str | None = None) -> Mapping[str, tuple[str, ...]]:
    """Focus item key (e.g. "R7.4.2-F1") → clause numbers of the criterion it is audited against."""
    return clause_tree(version).focus_clause_map


def _build_constants() -> dict:
    t = _tables()
    areas = {
        a["code"]: TechnicalArea(
            code=a["code"],
            name_zh=a["name_zh"],
            name_en=a["name_en"],
            source_zh=a["source_zh"],
            correction=a.get("correction"),
        )
        for a in t["technical_areas"]["areas"]
    }
    documents = tuple(ApplicationDocument(**d) for d in t["application_documents"])
    for d in documents:
        rule(d.key)
    fields = tuple(CertificateField(**f) for f in t["certificate_fields"])
    for f in fields:
        rule(f.key)
    return {
        "areas": MappingProxyType(areas),
        "days": MappingProxyType(dict(t["base_auditor_days"]["days"])),
        "documents": documents,
        "offsite": tuple(_item(k) for k in t["offsite_conditions"]),
        "focus": MappingProxyType(
            {kind: tuple(_item(k) for k in t["focus_items"][kind]) for kind in AUDIT_TYPES}
        ),
        "conditions": tuple(_item(k) for k in t["decision_conditions"]),
        "triggers": tuple(_item(k) for k in t["suspension_triggers"]),
        "fields": fields,
    }


RULES: Mapping[str, Rule] = load_rules()
_C = _build_constants()
TECHNICAL_AREAS: Mapping[int, TechnicalArea] = _C["areas"]
BASE_AUDITOR_DAYS: Mapping[str, int] = _C["days"]
APPLICATION_DOCUMENTS: tuple[ApplicationDocument, ...] = _C["documents"]
OFFSITE_CONDITIONS: tuple[RuleItem, ...] = _C["offsite"]
FOCUS_ITEMS: Mapping[str, tuple[RuleItem, ...]] = _C["focus"]
DECISION_CONDITIONS: tuple[RuleItem, ...] = _C["conditions"]
SUSPENSION_TRIGGERS: tuple[RuleItem, ...] = _C["triggers"]
CERTIFICATE_FIELDS: tuple[CertificateField, ...] = _C["fields"]
del _C

__all__ = [
    "APPLICATION_DOCUMENTS",
    "AUDIT_TYPES",
    "BASE_AUDITOR_DAYS",
    "CERTIFICATE_FIELDS",
    "DECISION_CONDITIONS",
    "DEFAULT_CLAUSE_TREE_VERSION",
    "FOCUS_ITEMS",
    "OFFSITE_CONDITIONS",
    "RULES",
    "SUSPENSION_TRIGGERS",
    "TECHNICAL_AREAS",
    "ApplicationDocument",
    "CertificateField",
    "Clause",
    "ClauseTree",
    "Rule",
    "RuleItem",
    "TechnicalArea",
    "all_keys",
    "children",
    "clause_tree",
    "clause_tree_versions",
    "focus_clause_map",
    "is_duty",
    "load_rules",
    "rule",
    "scheme_keys",
]
