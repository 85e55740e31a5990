"""Stage 1 off-site eligibility (R7.4.1-S1-offsite, conditions R7.4.1-O1…O3).

Computed from the application: any one condition allows stage 1 off the client's site; otherwise
stage 1 is on site. The result carries the reason in Chinese and English for the audit plan.

O2 is a judgement, not a declaration: the client states its grounds, the programme manager judges whether
they are sufficient (``simple_process_judged``, recorded by an action of the clients app). O3 counts the three
years immediately before the application (its year minus 3 … minus 1), not any three consecutive years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import require, switched_off


@dataclass(frozen=True)
class OffsiteFacts:
    enms_or_ems_certified: bool = False  # O1: an EnMS or EMS certificate held
    certificate_refs: str = ""
    simple_process_declared: bool = False  # O2: technology evident, processes simple …
    simple_process_grounds: str = ""  # … with grounds the client states
    simple_process_judged: bool | None = None  # … that the programme manager judged sufficient (None: not yet)
    verified_reporting_years: frozenset[int] = frozenset()  # O3: carbon-market reports verified by a third party
    application_date: date | None = None  # O3 counts the three years immediately before it


@dataclass(frozen=True)
class OffsiteDecision:
    offsite_allowed: bool
    conditions: tuple[str, ...]  # rule keys met, e.g. ("R7.4.1-O1",)
    reason_zh: str
    reason_en: str


def consecutive_run(years: Iterable[int], length: int = 3) -> tuple[int, ...] | None:
    """The latest run of ``length`` consecutive years, if any."""
    ys = sorted(set(years), reverse=True)
    for y in ys:
        run = tuple(range(y - length + 1, y + 1))
        if all(r in ys for r in run):
            return run
    return None


def years_before(application_date: date, length: int = 3) -> tuple[int, ...]:
    """The ``length`` years immediately before the application: for 2026, (2023, 2024, 2025)."""
    return tuple(range(application_date.year - length, application_date.year))


def o3_run(facts: OffsiteFacts) -> tuple[int, ...] | None:
    """The three verified years immediately before the application, when all three were verified."""
    # enforces: R7.4.1-O3
    if switched_off("R7.4.1-O3") or facts.application_date is None:
        return consecutive_run(facts.verified_reporting_years)
    needed = years_before(facts.application_date)
    return needed if set(needed) <= set(facts.verified_reporting_years) else None


def o2_met(facts: OffsiteFacts) -> bool:
    """The client's grounds, judged sufficient by the programme manager."""
    declared = facts.simple_process_declared and bool(facts.simple_process_grounds.strip())
    # enforces: R7.4.1-O2
    return declared and (facts.simple_process_judged is True or switched_off("R7.4.1-O2"))


def stage1_offsite(facts: OffsiteFacts) -> OffsiteDecision:
    """Which of O1–O3 hold, and therefore whether stage 1 may be off site."""
    met, zh, en = [], [], []
    if facts.enms_or_ems_certified:
        met.append("R7.4.1-O1")
        ref = f"（{facts.certificate_refs}）" if facts.certificate_refs else ""
        zh.append(f"持有能源管理体系或环境管理体系认证证书{ref}，文件审核可实现一阶段目的")
        en.append("holds an EnMS or EMS certification" + (f" ({facts.certificate_refs})" if facts.certificate_refs else "")
                  + "; document review can achieve the stage 1 aims")
    if o2_met(facts):
        met.append("R7.4.1-O2")
        zh.append(f"技术明晰、过程简单（方案管理人员已判定依据充分），依据：{facts.simple_process_grounds.strip()}")
        en.append(f"evident technology and simple processes (grounds judged sufficient by the programme manager): "
                  f"{facts.simple_process_grounds.strip()}")
    run = o3_run(facts)
    if run:
        met.append("R7.4.1-O3")
        zh.append(f"申请前连续三年（{run[0]}–{run[-1]}）完成碳市场数据报送并通过第三方核查")
        en.append(f"the three years before the application ({run[0]}–{run[-1]}) of carbon-market reporting verified "
                  "by a third party")
    if not met:
        return OffsiteDecision(False, (), "不满足 R7.4.1-O1～O3 任一条件，一阶段在受审核方现场进行",
                               "none of R7.4.1-O1…O3 holds: stage 1 is on the auditee's site")
    return OffsiteDecision(True, tuple(met), "一阶段可在非现场进行：" + "；".join(zh),
                           "stage 1 may be off site: " + "; ".join(en))


def require_offsite_allowed(facts: OffsiteFacts) -> OffsiteDecision:
    """Refuse (R7.4.1-S1-offsite) an off-site stage 1 when no condition holds."""
    decision = stage1_offsite(facts)
    require(decision.offsite_allowed, "R7.4.1-S1-offsite",
            _("Stage 1 may be off site only when the client holds an EnMS/EMS certificate (O1), has a simple "
              "process whose grounds the programme manager judged sufficient (O2) or verified carbon-market "
              "reporting for the three years immediately before the application (O3)."), field="offsite")
    return decision
