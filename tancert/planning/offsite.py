"""Stage 1 off-site eligibility (R7.4.1-S1-offsite, conditions R7.4.1-O1…O3).

Computed from the application: any one condition allows stage 1 off the client's site; otherwise
stage 1 is on site. The result carries the reason in Chinese and English for the audit plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import require


@dataclass(frozen=True)
class OffsiteFacts:
    enms_or_ems_certified: bool = False  # O1: an EnMS or EMS certificate held
    certificate_refs: str = ""
    simple_process_declared: bool = False  # O2: technology evident, processes simple …
    simple_process_grounds: str = ""  # … with sufficient grounds
    verified_reporting_years: frozenset[int] = frozenset()  # O3: carbon-market reports verified by a third party


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


def stage1_offsite(facts: OffsiteFacts) -> OffsiteDecision:
    """Which of O1–O3 hold, and therefore whether stage 1 may be off site."""
    met, zh, en = [], [], []
    if facts.enms_or_ems_certified:
        met.append("R7.4.1-O1")
        ref = f"（{facts.certificate_refs}）" if facts.certificate_refs else ""
        zh.append(f"持有能源管理体系或环境管理体系认证证书{ref}，文件审核可实现一阶段目的")
        en.append("holds an EnMS or EMS certification" + (f" ({facts.certificate_refs})" if facts.certificate_refs else "")
                  + "; document review can achieve the stage 1 aims")
    if facts.simple_process_declared and facts.simple_process_grounds.strip():
        met.append("R7.4.1-O2")
        zh.append(f"技术明晰、过程简单，依据：{facts.simple_process_grounds.strip()}")
        en.append(f"evident technology and simple processes, grounds: {facts.simple_process_grounds.strip()}")
    run = consecutive_run(facts.verified_reporting_years)
    if run:
        met.append("R7.4.1-O3")
        zh.append(f"连续三年（{run[0]}–{run[-1]}）完成碳市场数据报送并通过第三方核查")
        en.append(f"three consecutive years ({run[0]}–{run[-1]}) of carbon-market reporting verified by a third party")
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
              "process with stated grounds (O2) or three consecutive years of verified carbon-market reporting "
              "(O3)."), field="offsite")
    return decision
