"""Audit-time calculator (R7.3.1, R7.3.3, Appendix B [RB], R10-time; IAF MD5, MD1, MD11).

Shape (IAF MD5): Appendix B base → table increases (size, sites, scope, emission facilities) →
scaled for the audit type → maturity adjustments (percentages, reductions capped) → never below
the base → rounded to the nearest half day → on-site share ≥ 80 % → stage 1 / stage 2 split →
combined audit (≥ 80 % of the sum of separate times, R10-time).

Only the base (4 / 2 / 3 auditor-days) and the 80 % rule for combined audits come from the scheme.
Every other number is a *product default* read from a versioned policy file
(``data/audit-time-policy-default.json``) that a certification body replaces — see
``docs/planning.md``. Each justification line names its source: a scheme rule key, an IAF
mandatory document, or "body policy".

Arithmetic is exact (:class:`fractions.Fraction`) so that the 1/3 and 2/3 type factors and the
half-day rounding never drift; results are :class:`decimal.Decimal` for the models' DecimalFields.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from tancert.scheme import host, rulebook
from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import RuleViolation, require

DEFAULT_POLICY_FILE = Path(__file__).resolve().parent / "data" / "audit-time-policy-default.json"
POLICY_SETTING = "TANCERT_AUDIT_TIME_POLICY"

AUDIT_TYPES = rulebook.AUDIT_TYPES  # ("initial", "surveillance", "recertification")
SCOPE_LEVELS = ("organisation", "product", "project", "activity")  # R5.a–d
SCOPE_LABELS = {"organisation": ("组织", "organisation"), "product": ("产品", "product"),
                "project": ("项目", "project"), "activity": ("活动", "activity")}
TYPE_LABELS = {"initial": ("初次认证（一阶段+二阶段）", "initial (stage 1 + stage 2)"),
               "surveillance": ("监督审核", "surveillance"), "recertification": ("再认证", "recertification")}
# Certifications that make a CMS "mature" for the maturity adjustment (same family as R7.4.1-O1).
MATURE_SYSTEMS = frozenset({"enms", "ems", "iso 50001", "iso 14001", "gb/t 23331", "gb/t 24001"})
COMBINED_MIN_SHARE = Fraction(4, 5)  # R10-time: at least 80 % of the sum — scheme, not policy
MD5_MIN_ONSITE = Fraction(4, 5)  # IAF MD5: a policy may ask more on-site time, never less
MD5_MAX_REDUCTION = Fraction(30, 100)


class PolicyError(ValueError):
    """The policy file is malformed or breaks a rule it must respect."""


# ---------------------------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------------------------


def _fr(value: Any) -> Fraction:
    # Strings keep decimal values exact ("0.1" is not 0.1000000000000000055…).
    return Fraction(str(value)) if not isinstance(value, Fraction) else value


@dataclass(frozen=True)
class Band:
    up_to: int | None  # inclusive upper bound; None = no upper bound
    days: Fraction


def _bands(rows: Iterable[Mapping], what: str) -> tuple[Band, ...]:
    bands = tuple(Band(r["up_to"], _fr(r["days"])) for r in rows)
    if not bands or bands[-1].up_to is not None:
        raise PolicyError(f"{what}: the last band must have up_to = null")
    bounds = [b.up_to for b in bands[:-1]]
    if any(b is None for b in bounds) or bounds != sorted(set(bounds)):
        raise PolicyError(f"{what}: bands must be in increasing order of up_to")
    if any(b.days < 0 for b in bands):
        raise PolicyError(f"{what}: increases cannot be negative (Appendix B only increases)")
    return bands


def _band_for(bands: tuple[Band, ...], value: int) -> tuple[int, int | None, Fraction]:
    """(lower bound, upper bound, days) of the band holding ``value``."""
    lower = 0
    for b in bands:
        if b.up_to is None or value <= b.up_to:
            return lower, b.up_to, b.days
        lower = b.up_to + 1
    raise AssertionError("unreachable: the last band is open")


@dataclass(frozen=True)
class AuditTimePolicy:
    """A parsed, validated policy file (see the default JSON for the meaning of each value)."""

    version: str
    path: str
    raw: Mapping[str, Any] = field(repr=False)
    type_factor: Mapping[str, Fraction]
    employee_bands: tuple[Band, ...]
    per_visited_site: Fraction
    sampling: Mapping[str, Fraction]
    random_share: Fraction
    per_level: Fraction
    per_area: Fraction
    source_bands: tuple[Band, ...]
    kinds_included: int
    per_kind: Fraction
    kinds_max: Fraction
    process_emissions: Fraction
    cems_bands: tuple[Band, ...]
    young_months: int
    young_percent: Fraction
    certified_percent: Fraction
    max_reduction: Fraction
    onsite_min_share: Fraction
    stage1_share: Fraction
    stage1_min: Fraction
    combined_reduction: Fraction

    def source(self, section: str) -> str:
        """The source label of a policy section ("body policy", "IAF MD5", …)."""
        return str(self.raw.get(section, {}).get("source", "body policy"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: str = "<dict>") -> AuditTimePolicy:
        try:
            fac, mat = data["facilities"], data["maturity"]
            policy = cls(
                version=str(data["version"]), path=path, raw=data,
                type_factor={t: _fr(data["type_factor"][t]) for t in AUDIT_TYPES},
                employee_bands=_bands(data["employees"]["bands"], "employees"),
                per_visited_site=_fr(data["sites"]["per_additional_visited_site"]),
                sampling={t: _fr(data["sampling"][t]) for t in AUDIT_TYPES},
                random_share=_fr(data["sampling"]["random_share"]),
                per_level=_fr(data["scope"]["per_additional_level"]),
                per_area=_fr(data["scope"]["per_additional_technical_area"]),
                source_bands=_bands(fac["significant_sources_bands"], "significant_sources_bands"),
                kinds_included=int(fac["source_kinds_included"]),
                per_kind=_fr(fac["per_additional_source_kind"]),
                kinds_max=_fr(fac["source_kinds_max"]),
                process_emissions=_fr(fac["process_emissions"]),
                cems_bands=_bands(fac["continuous_measurement_bands"], "continuous_measurement_bands"),
                young_months=int(mat["young_cms_months"]),
                young_percent=_fr(mat["young_cms_percent"]),
                certified_percent=_fr(mat["certified_enms_or_ems_percent"]),
                max_reduction=_fr(mat["max_reduction_percent"]) / 100,
                onsite_min_share=_fr(data["onsite"]["min_share"]),
                stage1_share=_fr(data["initial_split"]["stage1_share"]),
                stage1_min=_fr(data["initial_split"]["stage1_min_days"]),
                combined_reduction=_fr(data["combined"]["default_reduction"]),
            )
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            if isinstance(exc, PolicyError):
                raise
            raise PolicyError(f"audit-time policy {path}: missing or malformed value ({exc!r})") from exc
        policy._validate()
        return policy

    def _validate(self) -> None:
        # The policy may make audits longer, never shorter than what the rules and IAF allow.
        checks = [
            (all(v >= 0 for v in self.type_factor.values()), "type_factor values must be ≥ 0"),
            (min(self.per_visited_site, self.per_level, self.per_area, self.per_kind, self.kinds_max,
                 self.process_emissions) >= 0, "increases must be ≥ 0"),
            (all(0 < v <= 1 for v in self.sampling.values()), "sampling factors must be in (0, 1]"),
            (0 <= self.random_share <= 1, "sampling.random_share must be in [0, 1]"),
            (MD5_MIN_ONSITE <= self.onsite_min_share <= 1, "onsite.min_share must be ≥ 0.8 (IAF MD5)"),
            (0 <= self.max_reduction <= MD5_MAX_REDUCTION, "maturity.max_reduction_percent must be ≤ 30 (IAF MD5)"),
            (0 <= self.combined_reduction <= 1 - COMBINED_MIN_SHARE,
             "combined.default_reduction must be ≤ 0.2 (R10-time, IAF MD11)"),
            (0 < self.stage1_share < 1 and self.stage1_min >= 0, "initial_split values out of range"),
        ]
        for ok, message in checks:
            if not ok:
                raise PolicyError(f"audit-time policy {self.path}: {message}")


def _configured_path() -> str | None:
    env = os.environ.get(POLICY_SETTING)
    if env:
        return env
    return host.setting(POLICY_SETTING)


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> AuditTimePolicy:  # mtime in the key: an edited file is re-read
    with open(path, encoding="utf-8") as f:
        return AuditTimePolicy.from_dict(json.load(f), path=path)


def load_policy(path: str | os.PathLike | None = None) -> AuditTimePolicy:
    """The audit-time policy: ``path``, else the env var / Django setting TANCERT_AUDIT_TIME_POLICY,
    else the shipped product default."""
    chosen = Path(path or _configured_path() or DEFAULT_POLICY_FILE).resolve()
    if not chosen.is_file():
        raise PolicyError(f"audit-time policy file not found: {chosen}")
    return _load(str(chosen), chosen.stat().st_mtime)


# ---------------------------------------------------------------------------------------------
# Arithmetic helpers
# ---------------------------------------------------------------------------------------------


def round_half_day(x: Fraction) -> Fraction:
    """Nearest half day, halves rounded up (IAF MD5): 2.24 → 2, 2.25 → 2.5, 2.75 → 3."""
    return Fraction(math.floor(x * 2 + Fraction(1, 2)), 2)


def ceil_half_day(x: Fraction) -> Fraction:
    """Smallest half day ≥ x — used where rounding must never go below a minimum."""
    return Fraction(math.ceil(x * 2), 2)


def to_decimal(x: Fraction, places: int = 2) -> Decimal:
    """Exact for half days; other values to ``places`` decimals, trailing zeros kept minimal."""
    d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(1).scaleb(-places))
    return d.normalize() if d != d.to_integral() else d.quantize(Decimal("1"))


def fmt(x: Fraction | Decimal | int) -> str:
    """"4", "4.5", "0.33" — how days appear in the justification."""
    d = to_decimal(_fr(x)) if not isinstance(x, Decimal) else x
    return format(d.normalize(), "f") if d != 0 else "0"


def _signed(x: Fraction) -> str:
    return ("+" if x >= 0 else "−") + fmt(abs(x))


def _ceil_k_sqrt(k: Fraction, x: int) -> int:
    """⌈k·√x⌉ computed exactly with integers (float sqrt could misround at perfect squares)."""
    if x <= 0:
        return 0
    p, q = k.numerator, k.denominator
    target, scale = p * p * x, q * q  # smallest n ≥ 0 with n²·q² ≥ p²·x
    n = math.isqrt(target // scale)
    while n * n * scale < target:
        n += 1
    return n


def sample_size(other_sites: int, audit_type: str, policy: AuditTimePolicy | None = None) -> int:
    """IAF MD1: how many of the ``other_sites`` (sites excluding the central function) to visit:
    ⌈√x⌉ initial, ⌈0.6·√x⌉ surveillance, ⌈0.8·√x⌉ recertification, never more than x."""
    require(other_sites >= 0, "R7.3.1", _("The number of sites cannot be negative."), field="sites")
    require(audit_type in AUDIT_TYPES, "RB", _("Unknown audit type %(type)s."), field="audit_type",
            params={"type": audit_type})
    factor = (policy or load_policy()).sampling[audit_type]
    return min(other_sites, _ceil_k_sqrt(factor, other_sites))


def sites_to_visit(sites: int, audit_type: str, policy: AuditTimePolicy | None = None) -> int:
    """Sites visited when ``sites`` (including the central function) may be sampled: the central
    function always, plus the MD1 sample of the others; 0 only when there are no sites."""
    require(sites >= 0, "R7.3.1", _("The number of sites cannot be negative."), field="sites")
    return 0 if sites == 0 else 1 + sample_size(sites - 1, audit_type, policy)


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherFactor:
    """A factor the planner adds (or, within the reduction cap, removes) with a stated reason."""

    days: Decimal
    reason_zh: str
    reason_en: str = ""


@dataclass(frozen=True)
class OtherSystem:
    """Another management system audited together with the CMS (R10), with its own separate time."""

    name: str
    days: Decimal


@dataclass(frozen=True)
class ClientProfile:
    """What the calculator needs to know about the client and the audit (R7.3.1 factors).

    ``employees`` is the effective personnel per IAF MD5 (all shifts; part-time staff pro rata);
    ``sites`` counts permanent sites *including* the central function; ``offsite_days`` is the part
    planned off site (remote interviews, document review).
    """

    audit_type: str
    employees: int
    sites: int = 1
    sampling_allowed: bool = True
    scope_levels: frozenset[str] = frozenset({"organisation"})
    technical_areas: frozenset[int] = frozenset()
    significant_sources: int = 0
    source_kinds: frozenset[str] = frozenset()
    process_emissions: bool = False
    continuous_measurement_systems: int = 0
    cms_months: int | None = None
    certified_systems: frozenset[str] = frozenset()
    other_factors: tuple[OtherFactor, ...] = ()
    other_systems: tuple[OtherSystem, ...] = ()
    proposed_combined_days: Decimal | None = None
    offsite_days: Decimal = Decimal(0)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClientProfile:
        """From the JSON description of a client (``tancert audit-time --json`` and the API)."""
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        require(not unknown, "R7.3.1", _("Unknown field(s) in the client description: %(fields)s."),
                field=", ".join(sorted(unknown)) or None, params={"fields": ", ".join(sorted(unknown))})
        try:
            d = dict(data)
            for name in ("scope_levels", "source_kinds", "certified_systems"):
                if name in d:
                    d[name] = frozenset(d[name])
            if "technical_areas" in d:
                d["technical_areas"] = frozenset(int(a) for a in d["technical_areas"])
            d["other_factors"] = tuple(OtherFactor(Decimal(str(f["days"])), f.get("reason_zh", ""),
                                                   f.get("reason_en", "")) for f in d.get("other_factors", ()))
            d["other_systems"] = tuple(OtherSystem(s["name"], Decimal(str(s["days"])))
                                       for s in d.get("other_systems", ()))
            for name in ("proposed_combined_days", "offsite_days"):
                if d.get(name) is not None:
                    d[name] = Decimal(str(d[name]))
            return cls(**d)
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            # Bad input is the caller's to fix (a 422 over the API), never a crash.
            missing = sorted(n for n, f in cls.__dataclass_fields__.items()
                             if f.default is MISSING and f.default_factory is MISSING and n not in data)
            raise RuleViolation("R7.3.1", _("The client description is incomplete or malformed (%(detail)s)."),
                                field=", ".join(missing) or None,
                                params={"detail": ("missing: " + ", ".join(missing)) if missing
                                        else type(exc).__name__}) from None


def _validate(p: ClientProfile) -> None:
    require(p.audit_type in AUDIT_TYPES, "RB", _("Unknown audit type %(type)s; use initial, surveillance "
            "or recertification."), field="audit_type", params={"type": p.audit_type})
    for name in ("employees", "sites", "significant_sources", "continuous_measurement_systems"):
        value = getattr(p, name)
        require(isinstance(value, int) and value >= 0, "R7.3.1",
                _("%(field)s cannot be negative (given %(value)s)."), field=name,
                params={"field": name, "value": value})
    require(p.sites >= 1, "R7.3.1", _("An organisation has at least one site (the central function)."),
            field="sites")
    require(p.cms_months is None or p.cms_months >= 0, "R7.3.1",
            _("The months the CMS has been running cannot be negative."), field="cms_months")
    bad_levels = sorted(set(p.scope_levels) - set(SCOPE_LEVELS))
    require(not bad_levels, "R7.3.1", _("Unknown scope level(s) %(levels)s; use organisation, product, "
            "project or activity (R5.a–d)."), field="scope_levels", params={"levels": ", ".join(bad_levels)})
    bad_areas = sorted(set(p.technical_areas) - set(rulebook.TECHNICAL_AREAS))
    require(not bad_areas, "RA", _("Unknown technical area(s) %(areas)s; use the codes of Appendix A."),
            field="technical_areas", params={"areas": ", ".join(map(str, bad_areas))})
    for f in p.other_factors:
        require(bool(f.reason_zh.strip() or f.reason_en.strip()), "R7.3.3",
                _("Every other factor needs its reason."), field="other_factors")
    for s in p.other_systems:
        require(s.days > 0 and bool(s.name.strip()), "R10-time",
                _("Each combined management system needs a name and its separate audit time."),
                field="other_systems")
    require(p.offsite_days >= 0, "R7.3.3", _("Off-site days cannot be negative."), field="offsite_days")


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JustificationLine:
    """One line of the justification: what changed, by how much, why, and on whose authority."""

    code: str
    days: Decimal  # the change this line makes (0 for information lines)
    total: Decimal  # the running audit time after this line
    source: str  # scheme rule key, "IAF MD5" / "IAF MD1" / "IAF MD11", or "body policy"
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        body = self.zh if lang.lower().startswith("zh") else self.en
        return f"{body}〔{self.source}〕" if lang.lower().startswith("zh") else f"{body} [{self.source}]"


@dataclass(frozen=True)
class CombinedTime:
    """A combined audit (R10-time, IAF MD11)."""

    cms_days: Decimal
    systems: tuple[OtherSystem, ...]
    separate_sum: Decimal
    minimum: Decimal  # ≥ 80 % of the sum, on a half day
    planned: Decimal
    reduction_percent: Decimal


@dataclass(frozen=True)
class AuditTimeResult:
    audit_type: str
    policy_version: str
    base_days: Decimal
    table_days: Decimal  # before rounding and the floor
    total_days: Decimal  # the CMS audit time alone
    onsite_days: Decimal
    offsite_days: Decimal
    stage1_days: Decimal | None
    stage2_days: Decimal | None
    sites: int
    sites_visited: int
    random_sites_min: int
    combined: CombinedTime | None
    lines: tuple[JustificationLine, ...]

    @property
    def planned_days(self) -> Decimal:
        """What the audit is planned with: the combined time when combined, else the CMS time."""
        return self.combined.planned if self.combined else self.total_days

    def justification(self, lang: str = "zh") -> list[str]:
        """The line-by-line justification for the contract and the audit plan."""
        return [line.text(lang) for line in self.lines]

    def as_dict(self) -> dict[str, Any]:
        c = self.combined
        return {
            "audit_type": self.audit_type, "policy_version": self.policy_version,
            "base_days": str(self.base_days), "table_days": str(self.table_days),
            "total_days": str(self.total_days), "planned_days": str(self.planned_days),
            "onsite_days": str(self.onsite_days), "offsite_days": str(self.offsite_days),
            "stage1_days": None if self.stage1_days is None else str(self.stage1_days),
            "stage2_days": None if self.stage2_days is None else str(self.stage2_days),
            "sites": self.sites, "sites_visited": self.sites_visited, "random_sites_min": self.random_sites_min,
            "combined": None if c is None else {
                "cms_days": str(c.cms_days), "systems": [{"name": s.name, "days": str(s.days)} for s in c.systems],
                "separate_sum": str(c.separate_sum), "minimum": str(c.minimum), "planned": str(c.planned),
                "reduction_percent": str(c.reduction_percent)},
            "lines": [{"code": ln.code, "days": str(ln.days), "total": str(ln.total), "source": ln.source,
                       "zh": ln.zh, "en": ln.en} for ln in self.lines],
        }


# ---------------------------------------------------------------------------------------------
# Calculator
# ---------------------------------------------------------------------------------------------


def _band_text(lower: int, upper: int | None) -> str:
    return f"{lower}–{upper}" if upper is not None else f"≥ {lower}"


class _Lines:
    def __init__(self) -> None:
        self.items: list[JustificationLine] = []
        self.total = Fraction(0)

    def add(self, code: str, days: Fraction, source: str, zh: str, en: str, *, set_total: Fraction | None = None):
        self.total = set_total if set_total is not None else self.total + days
        self.items.append(JustificationLine(code, to_decimal(days), to_decimal(self.total), source, zh, en))


def combined_time(cms_days: Decimal | Fraction, systems: Iterable[OtherSystem], proposed: Decimal | None = None,
                  policy: AuditTimePolicy | None = None) -> CombinedTime:
    """A combined audit's time: at least 80 % of the sum of the separate times (R10-time, IAF MD11).

    Without a proposal the policy's default reduction applies; a proposal below 80 % of the sum is
    refused with RuleViolation("R10-time").
    """
    policy = policy or load_policy()
    systems = tuple(systems)
    for s in systems:
        require(s.days > 0, "R10-time", _("The separate time of %(name)s must be positive."),
                field="other_systems", params={"name": s.name})
    total = _fr(cms_days) + sum((_fr(s.days) for s in systems), Fraction(0))
    minimum = ceil_half_day(total * COMBINED_MIN_SHARE)
    if proposed is None:
        planned = max(minimum, ceil_half_day(total * (1 - policy.combined_reduction)))
    else:
        check_combined_time([_fr(cms_days), *(s.days for s in systems)], proposed)
        planned = _fr(proposed)
    reduction = (1 - planned / total) * 100 if total else Fraction(0)
    return CombinedTime(to_decimal(_fr(cms_days)), systems, to_decimal(total), to_decimal(minimum),
                        to_decimal(planned), to_decimal(reduction, 1))


def calculate(profile: ClientProfile, policy: AuditTimePolicy | None = None) -> AuditTimeResult:
    """The audit time of one audit, with its justification in Chinese and English.

    Raises RuleViolation for bad input (R7.3.1, RB, RA, R7.3.3) and for a combined time below 80 %
    of the sum of separate times (R10-time).
    """
    policy = policy or load_policy()
    _validate(profile)
    t = profile.audit_type
    base = Fraction(rulebook.BASE_AUDITOR_DAYS[t])
    lines = _Lines()
    tz, te = TYPE_LABELS[t]
    lines.add("base", base, "RB", f"审核类型：{tz}，附录B基准 {fmt(base)} 人日",
              f"Audit type {te}: Appendix B base {fmt(base)} auditor-days")

    # --- table increases, computed for an initial audit (MD5 table) ------------------------------
    inc: list[tuple[str, Fraction, str, str, str]] = []
    lo, hi, d = _band_for(policy.employee_bands, profile.employees)
    inc.append(("employees", d, policy.source("employees"),
                f"有效人数 {profile.employees} 人（区间 {_band_text(lo, hi)}）：{_signed(d)} 人日",
                f"Effective personnel {profile.employees} (band {_band_text(lo, hi)}): {_signed(d)} auditor-days"))
    if profile.sampling_allowed:
        visited = sites_to_visit(profile.sites, t, policy)
        sample = visited - 1
        visit_zh = f"共 {profile.sites} 个场所，按 IAF MD1 抽样访问中心职能 + {sample} 个场所"
        visit_en = f"{profile.sites} site(s); IAF MD1 sample: central function + {sample} site(s)"
    else:
        visited, sample = profile.sites, profile.sites - 1
        visit_zh = f"共 {profile.sites} 个场所，不适用抽样，全部访问"
        visit_en = f"{profile.sites} site(s), not eligible for sampling: all visited"
    random_min = math.ceil(policy.random_share * sample) if sample else 0
    d = policy.per_visited_site * (visited - 1)
    inc.append(("sites", d, policy.source("sites"), f"{visit_zh}（其中至少 {random_min} 个随机抽取）：{_signed(d)} 人日",
                f"{visit_en} (at least {random_min} chosen at random): {_signed(d)} auditor-days"))
    levels = [lv for lv in SCOPE_LEVELS if lv in profile.scope_levels] or ["organisation"]
    d = policy.per_level * max(0, len(levels) - 1)
    inc.append(("scope_levels", d, policy.source("scope"),
                "碳管理范围层级：" + "、".join(SCOPE_LABELS[lv][0] for lv in levels) + f"：{_signed(d)} 人日",
                "Scope of carbon management: " + ", ".join(SCOPE_LABELS[lv][1] for lv in levels)
                + f": {_signed(d)} auditor-days"))
    areas = sorted(profile.technical_areas)
    d = policy.per_area * max(0, len(areas) - 1)
    if areas:
        inc.append(("technical_areas", d, policy.source("scope"),
                    "技术领域（附录A）：" + "、".join(rulebook.TECHNICAL_AREAS[a].name_zh for a in areas)
                    + f"：{_signed(d)} 人日",
                    "Technical areas (Appendix A): " + ", ".join(rulebook.TECHNICAL_AREAS[a].name_en for a in areas)
                    + f": {_signed(d)} auditor-days"))
    fsrc = policy.source("facilities")
    lo, hi, d = _band_for(policy.source_bands, profile.significant_sources)
    inc.append(("significant_sources", d, fsrc,
                f"重要排放源 {profile.significant_sources} 个（区间 {_band_text(lo, hi)}）：{_signed(d)} 人日",
                f"Significant emission sources {profile.significant_sources} (band {_band_text(lo, hi)}): "
                f"{_signed(d)} auditor-days"))
    kinds = len(profile.source_kinds)
    d = min(policy.kinds_max, policy.per_kind * max(0, kinds - policy.kinds_included))
    inc.append(("source_kinds", d, fsrc,
                f"排放源类别 {kinds} 类（{policy.kinds_included} 类以内不增加）：{_signed(d)} 人日",
                f"Kinds of emission sources {kinds} (up to {policy.kinds_included} included): {_signed(d)} auditor-days"))
    if profile.process_emissions:
        d = policy.process_emissions
        inc.append(("process_emissions", d, fsrc, f"存在工业过程排放：{_signed(d)} 人日",
                    f"Process emissions present: {_signed(d)} auditor-days"))
    n = profile.continuous_measurement_systems
    lo, hi, d = _band_for(policy.cems_bands, n)
    if n:
        inc.append(("continuous_measurement", d, fsrc,
                    f"连续监测系统 {n} 套（区间 {_band_text(lo, hi)}）：{_signed(d)} 人日",
                    f"Continuous-measurement systems {n} (band {_band_text(lo, hi)}): {_signed(d)} auditor-days"))
    for code, d, src, zh, en in inc:
        lines.add(code, d, src, zh, en)
    increases = sum((d for _c, d, *_r in inc), Fraction(0))

    factor = policy.type_factor[t]
    if factor != 1 and increases:
        scaled = increases * factor
        lines.add("type_factor", scaled - increases, policy.source("type_factor"),
                  f"{tz}按初次认证增加量的 {factor} 计：{fmt(increases)} → {fmt(scaled)} 人日",
                  f"{te.capitalize()} takes {factor} of the initial increases: {fmt(increases)} → {fmt(scaled)} "
                  "auditor-days")
    table = lines.total

    # --- adjustments (percentages of the table time); reductions capped --------------------------
    msrc = policy.source("maturity")
    if profile.cms_months is not None and profile.cms_months < policy.young_months:
        d = table * policy.young_percent / 100
        lines.add("young_cms", d, msrc,
                  f"碳管理体系运行 {profile.cms_months} 个月（不足 {policy.young_months} 个月）：{_signed(d)} 人日"
                  f"（{fmt(policy.young_percent)}%）",
                  f"CMS running {profile.cms_months} months (under {policy.young_months}): {_signed(d)} auditor-days "
                  f"({fmt(policy.young_percent)}%)")
    held = sorted(s for s in profile.certified_systems if s.strip().lower() in MATURE_SYSTEMS)
    if held:
        d = table * policy.certified_percent / 100
        lines.add("certified_systems", d, msrc, f"持有能源/环境管理体系认证（{'、'.join(held)}）：{_signed(d)} 人日",
                  f"Holds an EnMS/EMS certification ({', '.join(held)}): {_signed(d)} auditor-days")
    for f in profile.other_factors:
        lines.add("other_factor", _fr(f.days), "R7.3.3", f"其他因素：{f.reason_zh or f.reason_en}：{_signed(_fr(f.days))} 人日",
                  f"Other factor: {f.reason_en or f.reason_zh}: {_signed(_fr(f.days))} auditor-days")
    floor_reduction = table * (1 - policy.max_reduction)
    if lines.total < floor_reduction:
        lines.add("reduction_cap", floor_reduction - lines.total, "IAF MD5",
                  f"减少合计不超过 {fmt(policy.max_reduction * 100)}%：调整至 {fmt(floor_reduction)} 人日",
                  f"Reductions limited to {fmt(policy.max_reduction * 100)}% in total: back to "
                  f"{fmt(floor_reduction)} auditor-days", set_total=floor_reduction)
    if lines.total < base:
        lines.add("base_floor", base - lines.total, "RB", f"不得低于附录B基准：调整至 {fmt(base)} 人日",
                  f"Never below the Appendix B base: back to {fmt(base)} auditor-days", set_total=base)
    unrounded = lines.total
    total = round_half_day(unrounded)
    lines.add("rounding", total - unrounded, "IAF MD5", f"按半天取整：{fmt(unrounded)} → {fmt(total)} 人日",
              f"Rounded to the nearest half day: {fmt(unrounded)} → {fmt(total)} auditor-days", set_total=total)
    # Rounding a value ≥ base (an integer) can never go below the base, so the floor still holds.

    # --- on-site share, stage split ----------------------------------------------------------------
    onsite_min = ceil_half_day(total * policy.onsite_min_share)
    off = _fr(profile.offsite_days)
    require(off <= total - onsite_min, "R7.3.3",
            _("At most %(max)s of the %(total)s auditor-days may be off site (on-site share ≥ %(share)s%%, "
              "IAF MD5); %(off)s were planned."), field="offsite_days",
            params={"max": fmt(total - onsite_min), "total": fmt(total), "off": fmt(off),
                    "share": fmt(policy.onsite_min_share * 100)})
    onsite = total - off
    lines.add("onsite", Fraction(0), policy.source("onsite"),
              f"现场 {fmt(onsite)} 人日，非现场 {fmt(off)} 人日（现场不少于 {fmt(policy.onsite_min_share * 100)}%，"
              f"即 {fmt(onsite_min)} 人日）",
              f"On site {fmt(onsite)}, off site {fmt(off)} auditor-days (on site at least "
              f"{fmt(policy.onsite_min_share * 100)}%, i.e. {fmt(onsite_min)})")
    stage1 = stage2 = None
    if t == "initial":
        stage1 = min(total - Fraction(1, 2), max(policy.stage1_min, round_half_day(total * policy.stage1_share)))
        stage2 = total - stage1
        lines.add("stages", Fraction(0), policy.source("initial_split"),
                  f"一阶段 {fmt(stage1)} 人日，二阶段 {fmt(stage2)} 人日",
                  f"Stage 1 {fmt(stage1)}, stage 2 {fmt(stage2)} auditor-days")

    combined = None
    if profile.other_systems:
        combined = combined_time(total, profile.other_systems, profile.proposed_combined_days, policy)
        names = "、".join(s.name for s in combined.systems)
        lines.add("combined", _fr(combined.planned) - total, "R10-time",
                  f"与 {names} 结合审核：单独审核时间合计 {fmt(combined.separate_sum)} 人日，不少于 80% 即 "
                  f"{fmt(combined.minimum)} 人日；计划 {fmt(combined.planned)} 人日（减少 {fmt(combined.reduction_percent)}%）",
                  f"Combined with {', '.join(s.name for s in combined.systems)}: separate times sum to "
                  f"{fmt(combined.separate_sum)}, at least 80% = {fmt(combined.minimum)}; planned "
                  f"{fmt(combined.planned)} auditor-days ({fmt(combined.reduction_percent)}% reduction)",
                  set_total=_fr(combined.planned))

    return AuditTimeResult(
        audit_type=t, policy_version=policy.version, base_days=to_decimal(base), table_days=to_decimal(table),
        total_days=to_decimal(total), onsite_days=to_decimal(onsite), offsite_days=to_decimal(off),
        stage1_days=None if stage1 is None else to_decimal(stage1),
        stage2_days=None if stage2 is None else to_decimal(stage2),
        sites=profile.sites, sites_visited=visited, random_sites_min=random_min, combined=combined,
        lines=tuple(lines.items),
    )


def check_combined_time(separate_days: Iterable[Decimal | Fraction], proposed: Decimal | Fraction) -> None:
    """Refuse (R10-time) a proposed combined time below 80 % of the sum of the separate times."""
    days = [_fr(d) for d in separate_days]
    total = sum(days, Fraction(0))
    if _fr(proposed) < total * COMBINED_MIN_SHARE:
        raise RuleViolation(
            "R10-time",
            _("A combined audit needs at least 80%% of the sum of the separate times: %(sum)s × 80%% = "
              "%(minimum)s auditor-days; %(proposed)s were proposed."),
            field="proposed_combined_days",
            params={"sum": fmt(total), "minimum": fmt(total * COMBINED_MIN_SHARE), "proposed": fmt(_fr(proposed))})
