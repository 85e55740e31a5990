"""The stage 1 carbon review (R7.4.1-S1, R6): what stage 1 looks at in the client's inventory, read from the
engine's result of the latest upload if there is one — a preliminary look, never frozen figures — and what
stage 2 will verify. Pure: it reads the stored engine result and returns what the page shows
(docs/ghg.md, "Stage 1 carbon review").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tancert.audits.carbon import labels

OK, ATTENTION, MISSING = "ok", "attention", "missing"
# Which engine rules speak to which stage 1 area.
AREA_RULES = {
    "boundary": ("R5.a", "R6.1-b"),
    "methods": ("R6.1-a", "R6.1-c", "R6.2-review", "R6.2-crosscheck", "R6.2-sampling", "R6.3-review",
                "R6.3-default", "R6.3-measured", "R6.3-tiers"),
    "monitoring": ("R6.2-calibration", "R6.2-tiers"),
}


@dataclass
class Area:
    key: str
    title: str
    rules: tuple[str, ...]
    looks_at: str
    status: str = MISSING
    facts: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)


def _areas() -> list[Area]:
    return [
        Area("boundary", _("Organisational and operational boundary"), ("R7.4.1-S1", "R6.1-b"),
             _("Which sites, facilities and activities the inventory covers, against the scope of the application; "
               "nothing excluded without a reason.")),
        Area("sources", _("Emission sources identified"), ("R6.1-a", "R6.1-b"),
             _("Every emission source and category of the organisation is listed, with the gases it emits.")),
        Area("methods", _("Quantification methods and data management"), ("R6.2-review", "R6.3-review"),
             _("The method and emission factors chosen, where each activity datum comes from, who records it and how "
               "missing data are handled.")),
        Area("monitoring", _("Monitoring and metering plan"), ("R6.2-calibration", "R6.2-tiers"),
             _("The meters behind the activity data, their calibration, and whether data are measured continuously, "
               "intermittently or estimated.")),
        Area("baseline", _("Carbon baseline and carbon review"), ("R7.4.1-S1",),
             _("How the base year and the carbon baseline were established and when they are recalculated.")),
        Area("readiness", _("Readiness for stage 2"), ("R7.4.1-S1",),
             _("Whether the inventory can be verified at stage 2: the data-quality problems that block it are "
               "corrected before then.")),
    ]


def _summarised(results: dict, rules: tuple[str, ...]) -> list[dict]:
    # blocking and warnings only: the engine's information lines (method, sample) are not problems to look at
    return [b | {"severity_zh": labels.severity(b["severity"])}
            for b in results.get("findings_summary", []) if b["rule"] in rules and b["severity"] != "info"]


def stage1_review(results: dict | None) -> list[Area]:
    """The six stage 1 areas with what the inventory (if uploaded) shows of each."""
    areas = {a.key: a for a in _areas()}
    if not results:
        return list(areas.values())
    facilities, sources = results.get("by_facility") or {}, results.get("by_source") or {}
    cats = [labels.CATEGORIES.get(k, k) for k, v in (results.get("by_category") or {}).items() if v]

    a = areas["boundary"]
    a.facts = [_("%(n)d facilities or sites in the inventory: %(names)s") % {
        "n": len(facilities), "names": "、".join(list(facilities)[:10]) or "—"}]
    a.findings = _summarised(results, AREA_RULES["boundary"])
    a.status = OK if facilities and not a.findings else ATTENTION

    a = areas["sources"]
    a.facts = [_("%(n)d emission sources") % {"n": len(sources)},
               _("Categories with emissions: %(cats)s") % {"cats": "、".join(cats) or "—"}]
    a.status = OK if sources else ATTENTION

    a = areas["methods"]
    factors = results.get("factors_used") or []
    unverified = sum(1 for f in factors if f.get("unverified"))
    a.facts = [_("%(n)d emission factors used, %(u)d of them not confirmed against an official text") % {
        "n": len(factors), "u": unverified}]
    a.findings = _summarised(results, AREA_RULES["methods"])
    a.status = ATTENTION if a.findings or unverified else OK

    a = areas["monitoring"]
    a.findings = _summarised(results, AREA_RULES["monitoring"])
    a.facts = [_("Read the client's monitoring plan: the engine sees only the meters listed in the inventory.")]
    a.status = ATTENTION if a.findings else OK

    a = areas["baseline"]
    perf = results.get("performance") or {}
    if perf.get("base_year"):
        a.facts = [_("Base year %(year)s, baseline %(t)s tCO2e") % {
            "year": perf["base_year"], "t": "—" if perf.get("baseline_used") is None else f"{perf['baseline_used']:,.1f}"}]
        a.status = OK
    else:
        a.facts = [_("The inventory states no base year.")]
        a.status = ATTENTION

    a = areas["readiness"]
    blocking = [b for b in results.get("findings_summary", []) if b["severity"] == "blocking"]
    a.facts = [_("%(n)d kinds of blocking data-quality problem to correct before stage 2") % {"n": len(blocking)}]
    a.findings = [b | {"severity_zh": labels.severity(b["severity"])} for b in blocking]
    a.status = ATTENTION if blocking else OK
    return list(areas.values())


# What stage 2 verifies on the carbon page (R6.2, R6.3, R7.4.2-F3, R7.4.3), shown at stage 1 so the client can prepare.
STAGE2_VERIFIES = [
    ("R6.2-review", gettext_lazy("The source and value of every activity datum: unit, monitoring method and frequency, "
                                 "missing data.")),
    ("R6.2-sampling", gettext_lazy("A seeded random sample of records, each checked against an independent source "
                                   "(invoice, ledger, meter reading, laboratory report).")),
    ("R6.2-calibration", gettext_lazy("Maintenance and calibration of the meters behind the data.")),
    ("R6.3-default", gettext_lazy("Every emission factor: a default value equals the accounting guideline's default.")),
    ("R6.2-review", gettext_lazy("The uncertainty of the total by error propagation (Approach 1) and by Monte Carlo.")),
    ("R7.4.2-F3", gettext_lazy("The monitoring and control of the key audit points set at stage 1.")),
    ("R7.4.3", gettext_lazy("The verified figures frozen with the factor versions used, for the audit report.")),
]
