"""Checklist data: what items an audit's checklist has, built from versioned data (docs/audits.md §2).

Three sources, none of them code:

* the clause tree of T/CCAA 39-2022 (``tancert/scheme/data/clauses-tccaa39-2022-*.json``; the version in
  force is settings.TANCERT_CLAUSE_TREE_VERSION or the rule book's default), each clause with its
  inferred / confirmed flag;
* the focus items of the audit type (tables.json: R7.4.2-F1…F9, R8.1.3-F1…F5, R8.2.2-F1…F4) and which items
  are mandatory (``checklists/data/policy.json``);
* industry overlays keyed by Appendix A technical area (JSON files in settings.TANCERT_CHECKLIST_OVERLAY_DIR).

A checklist copies the items when the audit starts, so a later data change never rewrites an audit's checklist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tancert.audits.models.checklists import Checklist
from tancert.scheme import rulebook

POLICY_FILE = Path(__file__).resolve().parent / "data" / "policy.json"
LEVELS_FILE = Path(__file__).resolve().parent / "data" / "levels.json"
_FOCUS_KIND = {"initial": "initial", "surveillance": "surveillance", "recertification": "recertification"}
# Audit type → the rule book's focus items it must cover, whatever the policy file says.
RULE_BOOK_FOCUS = {"stage2": "initial", "surveillance": "surveillance", "recertification": "recertification"}
_DEFAULT_CLAUSE_KEY = {"stage2": "R7.4.2-F2", "surveillance": "R8.1.3-F1", "recertification": "R8.2.2-F1"}


@dataclass(frozen=True)
class ItemSpec:
    code: str
    kind: str  # focus / clause / overlay / level
    title_zh: str
    title_en: str
    mandatory: bool
    rule_key: str
    status: str = ""
    clauses: tuple[str, ...] = field(default=())


class ChecklistDataError(ValueError):
    """A policy or overlay file is malformed; the message names the file and the problem."""


def load_policy() -> dict:
    with POLICY_FILE.open(encoding="utf-8") as f:
        return json.load(f)


def tree_version() -> str:
    return settings.TANCERT_CLAUSE_TREE_VERSION or rulebook.DEFAULT_CLAUSE_TREE_VERSION


def load_overlays(directory: Path | None = None) -> list[dict]:
    """Every overlay file of the folder, checked; an overlay without ``official`` is refused."""
    directory = Path(directory or settings.TANCERT_CHECKLIST_OVERLAY_DIR)
    overlays = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ChecklistDataError(f"{path.name}: not valid JSON ({e})") from None
        for key in ("id", "version", "official", "technical_areas", "items", "title_zh", "title_en"):
            if key not in data:
                raise ChecklistDataError(f"{path.name}: missing {key!r}")
        for area in data["technical_areas"]:
            if int(area) not in rulebook.TECHNICAL_AREAS:
                raise ChecklistDataError(f"{path.name}: {area!r} is not an Appendix A technical area")
        for item in data["items"]:
            for key in ("code", "title_zh", "title_en"):
                if not item.get(key):
                    raise ChecklistDataError(f"{path.name}: an item has no {key!r}")
        overlays.append(data)
    return overlays


def overlays_for(areas) -> list[dict]:
    wanted = {int(a) for a in areas or () if str(a).isdigit()}
    return [o for o in load_overlays() if wanted & {int(a) for a in o["technical_areas"]}]


def policy_kind(audit_kind: str) -> dict | None:
    return load_policy()["kinds"].get(audit_kind)


def load_level_items() -> dict:
    with LEVELS_FILE.open(encoding="utf-8") as f:
        return json.load(f)


def level_specs(audit_kind: str, levels, clause_key: str) -> list[ItemSpec]:
    """The items of each level beyond the organisation that the CMS covers (R5.b–d, data/levels.json), naming
    the standard chosen and what the level covers. Mandatory on the audit types whose focus items the rule
    book fixes: the levels are part of the certified scope, not a policy choice."""
    data = load_level_items()["levels"]
    specs = []
    for entry in levels or ():
        for item in data.get(entry["level"], ()):
            fill = {"standard": entry.get("standard_zh") or "—", "covers": "、".join(entry.get("covers") or ())}
            fill_en = {"standard": entry.get("standard_en") or "—", "covers": ", ".join(entry.get("covers") or ())}
            specs.append(ItemSpec(code=item["code"], kind="level", title_zh=item["title_zh"].format(**fill),
                                  title_en=item["title_en"].format(**fill_en),
                                  mandatory=audit_kind in RULE_BOOK_FOCUS, rule_key=clause_key))
    return specs


def specs_for(audit_kind: str, areas=(), version: str | None = None,
              levels=()) -> tuple[str, list[ItemSpec], list[dict]]:
    """(policy version, items in order, overlays used) for a new checklist of this audit type; ``levels`` are
    the covered levels as clients/scopes/rules.entries gives them."""
    policy = load_policy()
    kind = policy["kinds"].get(audit_kind)
    if kind is None and audit_kind not in RULE_BOOK_FOCUS:
        return policy["version"], [], []
    kind = kind or {"focus": None, "clauses": False, "mandatory": {}}
    mandatory = kind.get("mandatory") or {}
    clause_key = policy.get("clause_rule_key", {}).get(audit_kind) or _DEFAULT_CLAUSE_KEY.get(audit_kind, "")
    tree = rulebook.clause_tree(version or tree_version())
    specs: list[ItemSpec] = []
    # The rule book's focus items of an audit type (R7.4.2, R8.1.3, R8.2.2) are always on its checklist and
    # always mandatory: the policy file may add mandatory items, it cannot turn the rule book's off.
    focus = RULE_BOOK_FOCUS.get(audit_kind) or kind.get("focus")
    if focus:
        for item in rulebook.FOCUS_ITEMS[_FOCUS_KIND[focus]]:
            specs.append(ItemSpec(code=item.key, kind="focus", title_zh=item.title_zh, title_en=item.title_en,
                                  mandatory=audit_kind in RULE_BOOK_FOCUS or bool(mandatory.get("focus")),
                                  rule_key=item.key,
                                  clauses=tuple(tree.focus_clause_map.get(item.key, ()))))
    if kind.get("clauses"):
        for c in tree.clauses:
            if c.parent is None:
                continue  # the top-level headings are covered through their sub-clauses
            specs.append(ItemSpec(code=c.number, kind="clause", title_zh=c.title_zh, title_en=c.title_en,
                                  mandatory=bool(mandatory.get("clause")), rule_key=clause_key, status=c.status))
    used = overlays_for(areas)
    for o in used:
        for item in o["items"]:
            specs.append(ItemSpec(code=item["code"], kind="overlay", title_zh=item["title_zh"],
                                  title_en=item["title_en"],
                                  mandatory=bool(mandatory.get("overlay")) and bool(item.get("mandatory", True)),
                                  rule_key=clause_key, status="official" if o["official"] else "example",
                                  clauses=tuple(item.get("clauses", ()))))
    specs.extend(level_specs(audit_kind, levels, clause_key))
    codes = [s.code for s in specs]
    if len(codes) != len(set(codes)):
        raise ChecklistDataError("two checklist items share a code: " + ", ".join(sorted(
            {c for c in codes if codes.count(c) > 1})))
    overlay_refs = [{"id": o["id"], "version": o["version"], "official": bool(o["official"]),
                     "title_zh": o["title_zh"], "title_en": o["title_en"]} for o in used]
    return policy["version"], specs, overlay_refs


def has_checklist(audit_kind: str) -> bool:
    return audit_kind in RULE_BOOK_FOCUS or policy_kind(audit_kind) is not None


def open_items(audit) -> list:
    """Problems that keep the audit from closing, as (item, reason code) in checklist order.

    reason: "unanswered" (a mandatory item), "not_audited_mandatory" (a mandatory item is answered with
    conforming or finding, never "not audited"), "no_evidence" (conforming or finding without evidence),
    "no_finding" (marked finding but no finding raised on it), "no_reason" (not audited without a reason).
    """
    checklist = Checklist.objects.filter(audit=audit).first()
    problems = []
    if checklist is None:
        return problems
    items = checklist.items.all().prefetch_related("evidence", "findings")
    for item in items:
        if not item.conformity:
            if item.mandatory:
                problems.append((item, "unanswered"))
            continue
        if item.conformity == item.NOT_AUDITED and item.mandatory:
            problems.append((item, "not_audited_mandatory"))
            continue
        if item.conformity == item.NOT_AUDITED and not item.reason.strip():
            problems.append((item, "no_reason"))
        if item.conformity in (item.CONFORMING, item.FINDING) and not list(item.evidence.all()):
            problems.append((item, "no_evidence"))
        if item.conformity == item.FINDING and not list(item.findings.all()):
            problems.append((item, "no_finding"))
    return problems


def report_items(audit) -> list[dict]:
    """Every checklist item of the audit in order, for the audit report (stable contract, docs/audits.md §9).

    {"code", "kind": "focus"|"clause"|"overlay", "title_zh", "title_en", "mandatory",
     "conformity": "conforming"|"finding"|"not_audited"|None, "reason",
     "evidence": [{"kind", "text", "who", "when"}], "auditor", "findings": [finding numbers]}
    An audit without a checklist gives [].
    """
    checklist = Checklist.objects.filter(audit=audit).first()
    if checklist is None:
        return []
    out = []
    items = checklist.items.select_related("auditor").prefetch_related("evidence__recorded_by", "findings")
    for item in items:
        out.append({
            "code": item.code,
            "kind": item.kind,
            "title_zh": item.title_zh,
            "title_en": item.title_en,
            "mandatory": item.mandatory,
            "status": item.status,
            "clauses": list(item.clauses),
            "conformity": item.conformity or None,
            "reason": item.reason,
            "evidence": [{"kind": e.kind, "text": e.text, "who": e.who(),
                          "recorded_by": e.recorded_by.get_full_name(), "when": e.observed_at,
                          "file": e.original_name} for e in item.evidence.all()],
            "auditor": item.auditor.get_full_name() if item.auditor else "",
            "findings": sorted(f.number for f in item.findings.all()),
        })
    return out
