"""Project emission reductions (R5.c: ISO 14064-2 or the field's methodology): ER = BE − PE − LE per monitoring
period and for the crediting period, with the checks of docs/projects.md.

Every check adds a located R5.c finding naming its sub-check: baseline-factor (source, grid, vintage and
weights as the methodology prescribes), monitoring-plan, monitoring-data, monitoring-frequency, calibration,
crediting-period and double-claim. Only periods inside the crediting period count towards the totals.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from tancert.ghg.located import BLOCKING, INFO, WARNING, Findings
from tancert.ghg.sheets import read_grids

from .methodology import Methodology, methodologies
from .workbook import MAX_SPAN_DAYS, SHEETS, Period, Project, from_dict, from_grids

C_PER_CO2 = 44 / 12  # molar masses of CO2 and C, as in the methodologies' combustion formula
EXAMPLE_MARK = ("示例", "EXAMPLE")


def _t(en: str) -> str:
    return SHEETS[en].title


@dataclass
class Result:
    project: Project
    methodology: Methodology
    by_period: list[dict]
    findings: Findings
    factors_used: list[dict]

    @property
    def blocking(self) -> bool:
        return self.findings.blocking

    def _total(self, key: str) -> float:
        return round(sum(p[key] for p in self.by_period if p["in_crediting_period"]), 6)

    def to_json(self) -> dict:
        p = self.project
        return {
            "project": p.name, "origin": p.origin, "methodology": self.methodology.describe(),
            "boundary": p.boundary, "baseline_scenario": p.baseline_scenario,
            "crediting_period": {"start": p.crediting_start.isoformat(), "end": p.crediting_end.isoformat()},
            "baseline_tco2e": self._total("baseline_tco2e"), "project_tco2e": self._total("project_tco2e"),
            "leakage_tco2e": self._total("leakage_tco2e"), "reductions_tco2e": self._total("reductions_tco2e"),
            "by_period": self.by_period, "blocking": self.blocking,
            "findings": self.findings.as_list(), "factors_used": self.factors_used,
        }


def check(path: str | Path) -> Result:
    return run(from_grids(read_grids(Path(path), SHEETS), origin=Path(path).name))


def check_dict(data, origin: str = "") -> Result:
    return run(from_dict(data, origin))


def run(p: Project) -> Result:
    meth = methodologies()[p.methodology]
    f = Findings()
    used: dict[str, dict] = {}
    _check_plan(p, meth, f)
    errors = _check_calibration(p, f)
    rows = []
    for per in p.periods:
        values = _values(p, meth, per, f, errors)
        be, pe, extra = _emissions(p, meth, per, values, f, used)
        le = values.get("LE", 0.0)
        inside = p.crediting_start <= per.start and per.end <= p.crediting_end
        rows.append({"period": per.id, "start": per.start.isoformat(), "end": per.end.isoformat(), "year": per.start.year,
                     "baseline_tco2e": round(be, 6), "project_tco2e": round(pe, 6), "leakage_tco2e": round(le, 6),
                     "reductions_tco2e": round(be - pe - le, 6), "in_crediting_period": inside} | extra)
        if not inside:
            f.add("R5.c", "crediting-period", BLOCKING,
                  f"period {per.id} ({per.start} – {per.end}) lies outside the crediting period "
                  f"({p.crediting_start} – {p.crediting_end}); its {be - pe - le:,.3f} tCO2e are not counted",
                  f"监测期 {per.id}（{per.start} 至 {per.end}）超出计入期（{p.crediting_start} 至 {p.crediting_end}），"
                  f"其减排量 {be - pe - le:,.3f} tCO2e 不予计入", _t("Periods"), per.row)
    _check_crediting_length(p, meth, f)
    if meth.kind == "grid_renewable":
        _check_double_claim(p, rows, f)
    f.add("R5.c", "methodology", INFO, f"methodology {meth.code} {meth.name_en} ({meth.source}; {meth.confidence})",
          f"方法学 {meth.code} {meth.name_zh}（{meth.source}；可信度 {meth.confidence}）", _t("Settings"),
          p.settings_rows.get("methodology"))
    return Result(p, meth, rows, f, list(used.values()))


# ----- values per period

def _values(p: Project, meth: Methodology, per: Period, f: Findings, uncalibrated: dict[int, float]
            ) -> dict[str, float]:
    """Each parameter's value in the period; a reading outside its meter's calibration is adjusted conservatively
    by the meter's error (uncalibrated: reading row → error as a fraction; levels.md §3.2)."""
    out = {}
    names = list(meth.parameters) + (["LE"] if "LE" in p.plan else [])
    for name in names:
        spec = meth.parameters.get(name)
        plan = p.plan.get(name)
        if plan is not None and plan.type == "default":
            out[name] = plan.value or 0.0
            continue
        sign = {"down": -1.0, "up": 1.0}.get(spec.conservative if spec else "", 0.0)
        rs = [r.value * (1 + sign * uncalibrated.get(r.row, 0.0))
              for r in p.readings if r.period == per.id and r.parameter == name]
        if not rs:
            out[name] = 0.0
            if plan is not None:  # a parameter missing from the plan is reported once, by _check_plan
                f.add("R5.c", "monitoring-data", BLOCKING,
                      f"no readings of {name} in period {per.id}; the period's figures are incomplete",
                      f"监测期 {per.id} 没有参数 {name} 的监测数据；该期数据不完整", _t("Readings"), None)
            continue
        out[name] = sum(rs) / len(rs) if spec is not None and spec.aggregate == "mean" else sum(rs)
    return out


def _emissions(p: Project, meth: Methodology, per: Period, v: dict, f: Findings, used: dict
               ) -> tuple[float, float, dict]:
    y = per.start.year
    if meth.kind == "grid_renewable":
        net = v["EG_export"] - v["EG_import"]
        ef, info = _combined_margin(p, meth, y, per, f, used)
        pe = v.get("FC", 0.0) * v.get("NCV", 0.0) * v.get("CC", 0.0) * v.get("OF", 0.0) * C_PER_CO2
        return net * ef, pe, {"net_mwh": round(net, 6)} | info
    from tancert.ghg.library import default_library

    lib = default_library()
    gwp = lib.gwp(p.gwp, "CH4")
    used.setdefault(f"GWP/{p.gwp}/CH4", {"id": f"GWP/{p.gwp}/CH4", "value": gwp, "unit": "tCO2e/tCH4",
                                         "source": lib.gwp_sets[p.gwp]["source"],
                                         "confidence": lib.gwp_sets[p.gwp]["confidence"]})
    ef = _electricity_factor(p, y, per, f, used)
    return v["MD"] * gwp, v["EC_PJ"] * ef, {"gwp_ch4": gwp, "ef_elec": ef}


# ----- the baseline factor as the methodology prescribes

def _combined_margin(p: Project, meth: Methodology, y: int, per: Period, f: Findings, used: dict
                     ) -> tuple[float, dict]:
    """EF_CM = ω_OM × OM + ω_BM × BM of year y, or of the latest earlier year given (levels.md §3.2)."""
    weights = dict(meth.weights)
    for w, given in p.weights.items():
        if abs(given - meth.weights[w]) > 1e-12:
            f.add("R5.c", "baseline-factor", BLOCKING,
                  f"ω_{w} = {given:g}, but {meth.code} prescribes {meth.weights[w]:g}; the methodology's weight is used",
                  f"ω_{w} = {given:g}，但 {meth.code} 规定为 {meth.weights[w]:g}；按方法学取值计算", _t("Settings"),
                  p.settings_rows.get(f"weight_{w.lower()}"))
    picked = {}
    for kind in ("OM", "BM"):
        rows = [x for x in p.factors if x.factor == kind]
        for x in rows:
            if x.grid != p.grid:
                f.add("R5.c", "baseline-factor", BLOCKING,
                      f"EF_{kind} of grid {x.grid or '—'} given, but the project is in grid {p.grid}",
                      f"给出的 EF_{kind} 属于 {x.grid or '—'} 电网，但项目位于 {p.grid} 电网", _t("Factors"), x.row)
        mine = [x for x in rows if x.grid == p.grid and x.data_year <= y]
        if not mine:
            later = [x for x in rows if x.grid == p.grid]
            why = (f"only later vintages ({', '.join(str(x.data_year) for x in later)}) than the period's year {y}"
                   if later else "none given")
            why_zh = (f"仅有晚于监测期年份 {y} 的数据年份（{', '.join(str(x.data_year) for x in later)}）" if later else "未填写")
            f.add("R5.c", "baseline-factor", BLOCKING,
                  f"period {per.id}: no EF_{kind} of grid {p.grid} for year {y} or earlier ({why}); the baseline is 0",
                  f"监测期 {per.id}：缺少 {p.grid} 电网 {y} 年或更早的 EF_{kind}（{why_zh}）；基准线排放按 0 计",
                  _t("Factors"), None)
            picked[kind] = None
            continue
        best = max(mine, key=lambda x: x.data_year)
        picked[kind] = best
        if best.data_year < y:
            f.add("R5.c", "baseline-factor", WARNING,
                  f"period {per.id}: EF_{kind} of {y} not given, the {best.data_year} value is used — allowed only if "
                  f"the {y} value was not yet published when the verification report was uploaded",
                  f"监测期 {per.id}：未给出 {y} 年的 EF_{kind}，采用 {best.data_year} 年数值——仅当核查报告上传时 {y} 年"
                  "数值尚未公布方可采用", _t("Factors"), best.row)
        if any(m in best.source for m in EXAMPLE_MARK):
            f.add("R5.c", "baseline-factor", WARNING,
                  f"EF_{kind} {best.data_year} is an illustrative value, not an official one; enter the MEE value",
                  f"EF_{kind} {best.data_year} 为示例值而非官方数值；请填写生态环境部公布的数值", _t("Factors"), best.row)
        fid = f"{kind}/{best.grid}/{best.data_year}"
        used.setdefault(fid, {"id": fid, "value": best.value, "unit": "tCO2/MWh", "source": best.source,
                              "data_year": best.data_year, "confidence": "as entered (not in the reference folder)"})
    om, bm = picked["OM"], picked["BM"]
    ef = (weights["OM"] * om.value if om else 0.0) + (weights["BM"] * bm.value if bm else 0.0)
    if not (om and bm):
        ef = 0.0
    return ef, {"ef_cm": round(ef, 9), "om_year": om.data_year if om else None, "bm_year": bm.data_year if bm else None}


def _electricity_factor(p: Project, y: int, per: Period, f: Findings, used: dict) -> float:
    """The electricity factor of a project's own consumption: checked against the factor library when its
    source names a library factor (tancert/ghg/data/factors), else reported as not checkable."""
    from tancert.ghg.library import default_library

    cands = [x for x in p.factors if x.factor == "EF_elec" and x.data_year <= y]
    if not cands:
        f.add("R5.c", "baseline-factor", BLOCKING, f"period {per.id}: no electricity factor (EF_elec) of year {y} or "
              "earlier; project emissions are understated", f"监测期 {per.id}：缺少 {y} 年或更早的电力排放因子 EF_elec；"
              "项目排放被低估", _t("Factors"), None)
        return 0.0
    x = max(cands, key=lambda c: c.data_year)
    lib = default_library()
    ref = lib.by_id.get(x.source)
    if ref is None:
        f.add("R5.c", "baseline-factor", WARNING,
              f"EF_elec source {x.source[:80]!r} is not a factor of the library; its value cannot be checked",
              f"EF_elec 的来源 {x.source[:80]!r} 不是因子库中的因子，无法核对数值", _t("Factors"), x.row)
    else:
        expected = ref.per_canonical * 3.6  # t per GJ → t per MWh
        if abs(expected - x.value) > 1e-9 * max(1.0, expected):
            f.add("R5.c", "baseline-factor", BLOCKING,
                  f"EF_elec = {x.value:g} tCO2/MWh, but {ref.id} ({ref.document}) is {expected:g} tCO2/MWh",
                  f"EF_elec = {x.value:g} tCO2/MWh，但 {ref.id}（{ref.document}）为 {expected:g} tCO2/MWh",
                  _t("Factors"), x.row)
        if ref.data_year and ref.data_year != x.data_year:
            f.add("R5.c", "baseline-factor", BLOCKING,
                  f"EF_elec data year {x.data_year}, but {ref.id} is of {ref.data_year}",
                  f"EF_elec 数据年份为 {x.data_year}，但 {ref.id} 为 {ref.data_year} 年", _t("Factors"), x.row)
    used.setdefault(x.source, {"id": x.source, "value": x.value, "unit": "tCO2/MWh", "data_year": x.data_year,
                               "source": ref.document if ref else x.source,
                               "confidence": ref.confidence if ref else "as entered"})
    return x.value


# ----- monitoring plan, data, frequency and calibration

def _check_plan(p: Project, meth: Methodology, f: Findings) -> None:
    for name, spec in meth.parameters.items():
        plan = p.plan.get(name)
        if plan is None:
            f.add("R5.c", "monitoring-plan", BLOCKING, f"the monitoring plan lacks {name} ({spec.name_en})",
                  f"监测计划缺少参数 {name}（{spec.name_zh}）", _t("Monitoring"), None)
            continue
        if spec.type == "measured" and plan.type != "measured":
            f.add("R5.c", "monitoring-plan", BLOCKING, f"{name} must be measured under {meth.code}, not {plan.type}",
                  f"按 {meth.code}，{name} 必须实测，而不是{'缺省' if plan.type == 'default' else '计算'}",
                  _t("Monitoring"), plan.row)
        if plan.type == "measured" and spec.meter:
            if not plan.meter_id or plan.meter_id not in p.meters:
                f.add("R5.c", "monitoring-plan", BLOCKING, f"{name}: meter {plan.meter_id or '—'} is not in the Meters sheet",
                      f"{name}：计量器具 {plan.meter_id or '—'} 不在计量器具工作表中", _t("Monitoring"), plan.row)
        if plan.type == "measured":
            _check_frequency(p, plan, f)


def _check_frequency(p: Project, plan, f: Findings) -> None:
    limit = MAX_SPAN_DAYS.get(plan.frequency, 366)
    for r in p.readings:
        if r.parameter == plan.name and (r.end - r.start).days + 1 > limit:
            f.add("R5.c", "monitoring-frequency", BLOCKING,
                  f"{plan.name}: one reading covers {(r.end - r.start).days + 1} days; the plan's frequency "
                  f"({plan.frequency}) allows at most {limit}",
                  f"{plan.name}：一条读数覆盖 {(r.end - r.start).days + 1} 天；监测计划的频次（{plan.frequency}）最多允许 {limit} 天",
                  _t("Readings"), r.row)
    for per in p.periods:
        spans = sorted((r.start, r.end) for r in p.readings if r.parameter == plan.name and r.period == per.id)
        if not spans:
            continue
        cursor = per.start
        for a, b in spans:
            if a > cursor:
                f.add("R5.c", "monitoring-frequency", BLOCKING,
                      f"{plan.name}: no reading covers {cursor} – {a - dt.timedelta(days=1)} of period {per.id}",
                      f"{plan.name}：监测期 {per.id} 中 {cursor} 至 {a - dt.timedelta(days=1)} 没有读数", _t("Readings"), None)
            cursor = max(cursor, b + dt.timedelta(days=1))
        if cursor <= per.end:
            f.add("R5.c", "monitoring-frequency", BLOCKING,
                  f"{plan.name}: no reading covers {cursor} – {per.end} of period {per.id}",
                  f"{plan.name}：监测期 {per.id} 中 {cursor} 至 {per.end} 没有读数", _t("Readings"), None)


def _error(accuracy_class: str) -> float | None:
    """The maximum permissible error of an accuracy class as a fraction ("0.5S" → 0.005), None if unreadable."""
    m = re.match(r"^\s*(\d+(?:\.\d+)?)", accuracy_class or "")
    return float(m.group(1)) / 100 if m and float(m.group(1)) < 10 else None


def _check_calibration(p: Project, f: Findings) -> dict[int, float]:
    """Readings outside their meter's calibration: a blocking finding each, and the error to adjust them by."""
    out: dict[int, float] = {}
    for r in p.readings:
        plan = p.plan.get(r.parameter)
        mid = r.meter_id or (plan.meter_id if plan else "")
        m = p.meters.get(mid)
        if not mid or (plan is not None and plan.type != "measured"):
            continue
        if m is None:
            f.add("R5.c", "calibration", BLOCKING, f"meter {mid} of this reading is not in the Meters sheet",
                  f"该读数的计量器具 {mid} 不在计量器具工作表中", _t("Readings"), r.row)
        elif m.calibrated_on is None or m.valid_until is None or r.start < m.calibrated_on or r.end > m.valid_until:
            err = _error(m.accuracy_class)
            if err is not None:
                out[r.row] = err
            if f.add("R5.c", "calibration", BLOCKING,
                  f"meter {mid} was not in calibration for {r.start} – {r.end} (calibrated {m.calibrated_on or '—'}, "
                  f"valid until {m.valid_until or '—'}); the reading is adjusted conservatively by the class error "
                  "(export × (1 − e), import and consumption × (1 + e))",
                  f"计量器具 {mid} 在 {r.start} 至 {r.end} 不在校准有效期内（校准日期 {m.calibrated_on or '—'}，有效期至 "
                  f"{m.valid_until or '—'}）；已按准确度等级误差作保守调整（上网电量 ×(1 − e)，下网电量和消耗量 ×(1 + e)）", _t("Readings"), r.row) and err is None:
                f.add("R5.c", "calibration", BLOCKING,
                      f"meter {mid}: accuracy class {m.accuracy_class or '—'} gives no error to adjust the reading by",
                      f"计量器具 {mid}：准确度等级 {m.accuracy_class or '—'} 无法确定调整所用的误差", _t("Meters"), m.row)
    return out


# ----- crediting period and double claiming

def _check_crediting_length(p: Project, meth: Methodology, f: Findings) -> None:
    s, e = p.crediting_start, p.crediting_end
    try:
        limit = s.replace(year=s.year + meth.crediting_years_max)
    except ValueError:  # 29 February
        limit = s.replace(year=s.year + meth.crediting_years_max, day=28)
    if e >= limit:
        f.add("R5.c", "crediting-period", BLOCKING,
              f"the crediting period {s} – {e} is longer than the {meth.crediting_years_max} years {meth.code} allows",
              f"计入期 {s} 至 {e} 超过 {meth.code} 允许的 {meth.crediting_years_max} 年", _t("Settings"),
              p.settings_rows.get("crediting_end"))


def _check_double_claim(p: Project, rows: list[dict], f: Findings) -> None:
    by_period = {r["period"]: r for r in rows}
    seen: dict[str, int] = {}
    for c in p.certificates:
        if c.serial in seen:
            f.add("R5.c", "double-claim", BLOCKING, f"green certificate {c.serial} is listed twice (rows {seen[c.serial]} "
                  f"and {c.row})", f"绿证 {c.serial} 重复列出（第 {seen[c.serial]} 行与第 {c.row} 行）",
                  _t("GreenCertificates"), c.row)
            continue
        seen[c.serial] = c.row
        r = by_period.get(c.period)
        if r and c.mwh > 0 and r["reductions_tco2e"] > 0:
            share = min(c.mwh, max(r["net_mwh"], 0.0)) * r["ef_cm"]
            f.add("R5.c", "double-claim", BLOCKING,
                  f"{c.mwh:,.3f} MWh of period {c.period} carry green certificate {c.serial} and are also claimed as "
                  f"reductions (about {share:,.3f} tCO2e); exclude them from one of the two claims",
                  f"监测期 {c.period} 的 {c.mwh:,.3f} MWh 已获绿证 {c.serial}，同时又申报为减排量（约 {share:,.3f} tCO2e）；"
                  "请从其中一项申报中剔除", _t("GreenCertificates"), c.row)
