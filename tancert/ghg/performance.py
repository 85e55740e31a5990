"""Carbon baseline, indicators, targets and the quantitative statements of R7.4.2-F4/F7 and R7.5.1.

Base-year recalculation (ISO 14064-1 §6.4.1): triggers are structural changes (facilities divested
since the base year are removed, facilities acquired are added with their base-year emissions),
changes in methodology or emission factors (a given correction, or computed: the base-year
activity data quantified with the reporting year's factors), and the discovery of significant
errors (a given correction). The restated value is used when the cumulative change is at least the
significance threshold (Settings; a product setting, default 5 %); the result names the triggers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .inventory import Inventory


@dataclass
class Performance:
    base_year: int | None
    reporting_year: int
    totals: dict[int, float]
    baseline: float | None = None
    baseline_used: float | None = None
    recalculation: dict = field(default_factory=dict)
    change_vs_base_pct: float | None = None
    indicators: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()} | {"totals": {str(k): v for k, v in self.totals.items()}}


def _pct(new: float, old: float) -> float | None:
    return None if not old else (new - old) / old * 100


TRIGGERS = {"structural": "structural change (acquisition / divestment)",
            "methodology": "change in methodology or emission factors",
            "error": "discovery of a significant error"}
TRIGGERS_ZH = {"structural": "边界变更", "methodology": "方法学或排放因子变更", "error": "发现重大错误"}


def methodology_delta(inv: Inventory) -> float:
    """Base-year emissions recomputed with the reporting year's factors and method, minus the
    base-year emissions as reported: the effect of a methodology / emission-factor change."""
    from .inventory import calculate
    from .model import Dataset

    ds = inv.dataset
    s = ds.settings
    t = ds.activity
    idx = (t.year == s.base_year).nonzero()[0]
    base = t.take(idx)
    base.period_year = np.where(base.period_year == s.base_year, s.reporting_year, base.period_year).astype(np.int32)
    base._year = None
    again = calculate(Dataset(s, base, meters=ds.meters), inv.library)
    return float(again.co2e.sum() - inv.co2e[idx].sum())


def recalculate(inv: Inventory, sums: dict[int, dict], threshold_pct: float | None = None,
                notes: list[str] | None = None) -> dict:
    """Base-year recalculation (ISO 14064-1 §6.4.1): the triggers of the BoundaryChanges sheet —
    structural change (acquired / divested facility), methodology or emission-factor change, and
    discovery of a significant error — each give a correction of the base-year emissions; the
    restated baseline is used when the cumulative correction reaches the significance threshold
    (Settings `recalculation_threshold_pct`, default 5 %, or `threshold_pct`)."""
    ds = inv.dataset
    s = ds.settings
    by = s.base_year
    notes = notes if notes is not None else []
    threshold = s.recalculation_threshold_pct if threshold_pct is None else threshold_pct
    base_fac = sums[by]["by_facility"]
    acquired = {c.facility: c for c in ds.boundary_changes if c.change == "acquired"}
    divested = {c.facility: c for c in ds.boundary_changes if c.change == "divested"}
    # acquired facilities' own base-year records are not part of the reported baseline
    original = sum(v for f, v in base_fac.items() if f not in acquired)
    delta = {"structural": 0.0, "methodology": 0.0, "error": 0.0}
    detail = []
    for f, c in acquired.items():
        v = base_fac.get(f, c.base_year_tco2e)
        if v is None:
            notes.append(f"acquired facility {f}: no base-year emissions (records or base_year_tco2e); "
                         "the restated baseline is incomplete")
            continue
        delta["structural"] += v
        detail.append({"trigger": "structural", "facility": f, "change": "acquired", "year": c.year,
                       "base_year_tco2e": v})
    for f, c in divested.items():
        v = base_fac.get(f, c.base_year_tco2e)
        if v is None:
            notes.append(f"divested facility {f}: base-year emissions unknown; not removed from the baseline")
            continue
        delta["structural"] -= v
        detail.append({"trigger": "structural", "facility": f, "change": "divested", "year": c.year,
                       "base_year_tco2e": v})
    for c in ds.boundary_changes:
        if c.change not in ("methodology", "error"):
            continue
        v = c.base_year_tco2e
        computed = False
        if v is None and c.change == "methodology":
            v, computed = methodology_delta(inv), True
        if v is None:
            notes.append(f"error found ({c.note or 'no note'}): correction of the base year (base_year_tco2e) not "
                         "given; not applied")
            continue
        delta[c.change] += v
        detail.append({"trigger": c.change, "facility": c.facility, "change": c.change, "year": c.year,
                       "base_year_tco2e": v, "computed": computed, "note": c.note})
    restated = original + sum(delta.values())
    change_pct = _pct(restated, original)
    applied = bool(detail) and change_pct is not None and abs(change_pct) >= threshold
    triggers = [{"trigger": k, "description": TRIGGERS[k], "change_tco2e": v, "change_pct": _pct(original + v, original)}
                for k, v in delta.items() if any(d["trigger"] == k for d in detail)]
    if not detail:
        statement = "no recalculation trigger recorded"
    else:
        parts = "; ".join(f"{t['description']} {t['change_tco2e']:+,.1f} tCO2e ({t['change_pct']:+.2f}%)"
                          for t in triggers)
        verdict = (f"cumulative {change_pct:+.2f}% reaches the {threshold:g}% significance threshold: the base year is "
                   "recalculated" if applied else
                   f"cumulative {change_pct:+.2f}% is below the {threshold:g}% significance threshold: the base year "
                   "is not recalculated")
        statement = f"{parts}; {verdict}"
    return {"changes": detail, "original": original, "restated": restated, "change_pct": change_pct,
            "threshold_pct": threshold, "applied": applied, "triggers": triggers, "statement": statement}


def evaluate(inv: Inventory, summaries: dict[int, dict] | None = None, *,
             threshold_pct: float | None = None) -> Performance:
    """Baseline, indicators, targets, base-year recalculation (threshold: Settings, or threshold_pct)."""
    ds = inv.dataset
    s = ds.settings
    sums = summaries or {y: inv.summary(y) for y in inv.years}
    perf = Performance(s.base_year, s.reporting_year, {y: v["total_tco2e"] for y, v in sums.items()})
    by = s.base_year
    if by is not None and by in sums:
        perf.baseline = sums[by]["total_tco2e"]
        perf.recalculation = recalculate(inv, sums, threshold_pct, perf.notes)
        perf.baseline = perf.recalculation["original"]
        perf.baseline_used = perf.recalculation["restated"] if perf.recalculation["applied"] else perf.baseline
        perf.change_vs_base_pct = _pct(perf.totals.get(s.reporting_year, 0.0), perf.baseline_used)
    elif by is not None:
        perf.notes.append(f"no records for base year {by}: change vs baseline not computed")

    # indicators: absolute and intensity per product and year
    outputs: dict[str, dict[int, float]] = {}
    units: dict[str, str] = {}
    for o in ds.outputs:
        outputs.setdefault(o.product, {}).setdefault(o.year, 0.0)
        outputs[o.product][o.year] += o.quantity
        units[o.product] = o.unit
    perf.indicators.append({"indicator": "absolute", "unit": "tCO2e", "values": {str(y): v for y, v in perf.totals.items()}})
    for prod, per_year in outputs.items():
        vals = {str(y): perf.totals[y] / q for y, q in per_year.items() if y in perf.totals}
        perf.indicators.append({"indicator": f"intensity:{prod}", "unit": f"tCO2e/{units[prod]}", "values": vals})

    def value(indicator: str, scope: str, year: int) -> float | None:
        if year not in sums:
            return None
        tot = sums[year]["total_tco2e"] if scope == "total" else sums[year]["by_category"][scope]
        if year == by and scope == "total" and perf.baseline_used is not None:
            tot = perf.baseline_used
        if indicator == "absolute":
            return tot
        q = outputs.get(indicator.split(":", 1)[1], {}).get(year)
        return tot / q if q else None

    ry = s.reporting_year
    for t in ds.targets:
        b, c = value(t.indicator, t.scope, t.base_year), value(t.indicator, t.scope, ry)
        row = {"target_id": t.target_id, "indicator": t.indicator, "scope": t.scope, "base_year": t.base_year,
               "target_year": t.target_year, "reduction_pct": t.reduction_pct, "base_value": b, "current_value": c,
               "target_value": None if b is None else b * (1 - t.reduction_pct / 100)}
        if b is None or c is None:
            row["status"] = "no data"
            perf.notes.append(f"target {t.target_id}: no data for base year {t.base_year} or {ry}")
        else:
            achieved = (b - c) / b * 100 if b else 0.0
            row["achieved_reduction_pct"] = achieved
            row["achievement_pct"] = achieved / t.reduction_pct * 100 if t.reduction_pct else None
            if ry >= t.target_year:
                row["status"] = "achieved" if achieved >= t.reduction_pct else "not achieved"
            else:
                expected = t.reduction_pct * (ry - t.base_year) / (t.target_year - t.base_year)
                row["expected_by_now_pct"] = expected
                row["status"] = "on track" if achieved >= expected else "behind"
        perf.targets.append(row)
    perf.statements = statements(inv, perf, sums)
    return perf


STATUS_ZH = {"achieved": "已实现", "not achieved": "未实现", "on track": "按进度", "behind": "落后于进度", "no data": "无数据"}


def statements(inv: Inventory, perf: Performance, sums: dict[int, dict]) -> list[str]:
    """The quantitative sentences the audit report needs (R7.5.1), in Chinese."""
    s = inv.dataset.settings
    ry = s.reporting_year
    cur = sums.get(ry, {})
    out = []
    if cur:
        out.append(f"[R7.5.1] {ry} 年温室气体排放总量 {cur['total_tco2e']:,.1f} tCO2e（IPCC {inv.gwp_basis}，{_method_zh(s.method)}），"
                   f"类别1 {cur['by_category']['1']:,.1f}，类别2 {cur['by_category']['2']:,.1f}；"
                   f"生物质 CO2 另行报告 {cur['biogenic_co2_t']:,.1f} t。")
    if perf.baseline_used is not None:
        rc = perf.recalculation
        why = "、".join(TRIGGERS_ZH[t["trigger"]] for t in rc.get("triggers", []))
        extra = (f"（因{why}重算：原基准 {perf.baseline:,.1f}，变化 {rc['change_pct']:+.1f}%，阈值 "
                 f"{rc['threshold_pct']:g}%）" if rc.get("applied") else "")
        out.append(f"[R7.4.2-F4] 基准年 {s.base_year} 排放 {perf.baseline_used:,.1f} tCO2e{extra}，"
                   f"报告年较基准年变化 {perf.change_vs_base_pct:+.1f}%。")
    rc = perf.recalculation
    if rc.get("triggers") and not rc.get("applied"):
        why = "、".join(TRIGGERS_ZH[t["trigger"]] for t in rc["triggers"])
        out.append(f"[R7.4.2-F4] 基准年重算触发条件（{why}）累计变化 {rc['change_pct']:+.2f}%，低于 "
                   f"{rc['threshold_pct']:g}% 的显著性阈值，基准年不重算。")
    for ind in perf.indicators[1:]:
        v = ind["values"]
        if str(ry) in v:
            line = f"[R7.4.2-F6] 强度指标 {ind['indicator'].split(':', 1)[1]}：{ry} 年 {v[str(ry)]:.4g} {ind['unit']}"
            if s.base_year and str(s.base_year) in v:
                line += f"，基准年 {v[str(s.base_year)]:.4g}"
            out.append(line + "。")
    for t in perf.targets:
        if t["status"] == "no data":
            out.append(f"[R7.4.2-F7] 目标 {t['target_id']}：无数据。")
            continue
        out.append(f"[R7.4.2-F7] 目标 {t['target_id']}（{_indicator_zh(t['indicator'])}，{t['target_year']} 年较 {t['base_year']} 年降低 "
                   f"{t['reduction_pct']:g}%）：已降低 {t['achieved_reduction_pct']:.1f}%，完成 "
                   f"{t['achievement_pct']:.0f}%，{STATUS_ZH[t['status']]}。")
    return out


def _indicator_zh(indicator: str) -> str:
    """"absolute" → 绝对排放, "intensity:熟料" → 熟料排放强度: a Chinese sentence names no indicator code."""
    if indicator == "absolute":
        return "绝对排放"
    kind, _, product = indicator.partition(":")
    return f"{product}排放强度" if kind == "intensity" and product else indicator


def _method_zh(method: str) -> str:
    """The quantification method as a Chinese sentence names it (the method id is a code)."""
    from .checks import METHOD_TITLES_ZH

    return "按" + METHOD_TITLES_ZH.get(method, method.upper().replace("GBT", "GB/T ") if method.startswith("gbt") else method)
