"""Reading a project workbook (or its JSON form) into a `Project` — all or nothing, every problem located.

Sheets (docs/projects.md): Settings, Periods, Monitoring (the monitoring plan), Meters, Readings, Factors and
GreenCertificates. Units go through pint (tancert/ghg/units.py) to the unit the methodology states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tancert.ghg.errors import ErrorList
from tancert.ghg.sheets import Cells, Sheet, grids_from_dict, read_grids, records, settings
from tancert.ghg.units import UnitError, rate_scale, unit_scale

from .methodology import methodologies

SHEETS = {
    "Settings": Sheet("Settings", "设置", (("key", "项目"), ("value", "值"))),
    "Periods": Sheet("Periods", "监测期", (("period", "监测期"), ("start", "开始日期"), ("end", "结束日期"))),
    "Monitoring": Sheet("Monitoring", "监测计划", (
        ("parameter", "参数"), ("unit", "单位"), ("type", "类型"), ("frequency", "监测频次"), ("meter_id", "计量器具编号"),
        ("qa", "质量保证/校准"), ("value", "缺省值"), ("source", "数据来源"))),
    "Meters": Sheet("Meters", "计量器具", (("meter_id", "计量器具编号"), ("accuracy_class", "准确度等级"),
                                          ("calibrated_on", "校准日期"), ("valid_until", "校准有效期至"))),
    "Readings": Sheet("Readings", "监测数据", (("period", "监测期"), ("parameter", "参数"), ("start", "开始日期"),
                                             ("end", "结束日期"), ("value", "数值"), ("unit", "单位"),
                                             ("meter_id", "计量器具编号"))),
    "Factors": Sheet("Factors", "排放因子", (("factor", "因子"), ("grid", "区域电网"), ("data_year", "数据年份"),
                                            ("value", "数值"), ("unit", "单位"), ("source", "来源（通知文号）"),
                                            ("published_on", "发布日期"))),
    "GreenCertificates": Sheet("GreenCertificates", "绿证", (("serial", "绿证编号"), ("period", "监测期"),
                                                            ("mwh", "电量MWh"))),
}
SETTINGS = {"project_name": "项目名称", "methodology": "方法学", "grid": "区域电网", "crediting_start": "计入期开始",
            "crediting_end": "计入期结束", "gwp": "GWP 基准", "boundary": "项目边界", "baseline_scenario": "基准线情景",
            "weight_om": "电量边际权重", "weight_bm": "容量边际权重"}
TYPES = {"measured": "measured", "实测": "measured", "default": "default", "缺省": "default", "缺省值": "default",
         "calculated": "calculated", "计算": "calculated"}
FREQUENCIES = {"continuous": "continuous", "连续": "continuous", "daily": "daily", "每日": "daily",
               "monthly": "monthly", "每月": "monthly", "quarterly": "quarterly", "每季": "quarterly",
               "yearly": "yearly", "每年": "yearly"}
# the longest span one reading may cover at each frequency; continuous metering is recorded at least monthly
# (levels.md §3.2: "continuous monitoring, recorded at least monthly")
MAX_SPAN_DAYS = {"continuous": 31, "daily": 1, "monthly": 31, "quarterly": 92, "yearly": 366}
FACTORS = {"OM": "OM", "EF_OM": "OM", "电量边际": "OM", "BM": "BM", "EF_BM": "BM", "容量边际": "BM",
           "EF_elec": "EF_elec", "电力排放因子": "EF_elec"}
GWP_SETS = {"SAR": "SAR", "AR4": "AR4", "AR5": "AR5", "AR6": "AR6"}


@dataclass
class Period:
    id: str
    start: dt.date
    end: dt.date
    row: int


@dataclass
class PlanParameter:
    name: str
    unit: str
    type: str
    frequency: str
    meter_id: str
    qa: str
    value: float | None  # a default value, in the methodology's unit
    source: str
    row: int


@dataclass
class Meter:
    meter_id: str
    accuracy_class: str
    calibrated_on: dt.date | None
    valid_until: dt.date | None
    row: int


@dataclass
class Reading:
    period: str
    parameter: str
    start: dt.date
    end: dt.date
    value: float  # in the methodology's unit
    meter_id: str
    row: int


@dataclass
class Factor:
    factor: str
    grid: str
    data_year: int
    value: float  # tCO2/MWh
    unit: str
    source: str
    published_on: dt.date | None
    row: int


@dataclass
class Certificate:
    serial: str
    period: str
    mwh: float
    row: int


@dataclass
class Project:
    name: str
    methodology: str
    grid: str
    crediting_start: dt.date
    crediting_end: dt.date
    gwp: str
    boundary: str
    baseline_scenario: str
    weights: dict[str, float]
    periods: list[Period]
    plan: dict[str, PlanParameter]
    meters: dict[str, Meter]
    readings: list[Reading]
    factors: list[Factor]
    certificates: list[Certificate]
    origin: str = ""
    settings_rows: dict[str, int] = field(default_factory=dict)


def load(path: str | Path) -> Project:
    return from_grids(read_grids(Path(path), SHEETS), origin=Path(path).name)


def from_dict(data, origin: str = "") -> Project:
    return from_grids(grids_from_dict(data, SHEETS, origin=origin), origin=origin)


def convert(value: float, unit: str, to: str) -> float:
    """value in `unit` expressed in `to` (pint, via the GHG engine's unit tables). Raises UnitError."""
    if to == "1":
        u = unit.strip()
        if u in ("", "1", "fraction", "-"):
            return value
        if u == "%":
            return value / 100
        raise UnitError(f"{unit!r} is not a fraction (use 1 or %)", f"{unit!r} 不是比例（请用 1 或 %）")
    if "/" in to:
        a, b = rate_scale(unit), rate_scale(to)
        if (a.numerator, a.per) != (b.numerator, b.per) or (a.gas or "C") != (b.gas or "C"):
            raise UnitError(f"unit {unit!r} cannot be converted to {to}", f"单位 {unit!r} 无法换算为 {to}")
        return value * a.scale / b.scale
    a, b = unit_scale(unit), unit_scale(to)
    if a.dimension != b.dimension:
        raise UnitError(f"unit {unit!r} is not a {b.dimension}; the methodology uses {to}",
                        f"单位 {unit!r} 与方法学所用单位 {to} 量纲不同")
    return value * a.scale / b.scale


def from_grids(grids: dict, origin: str = "") -> Project:
    errors = ErrorList()
    s = _settings(grids, errors)
    meth = methodologies().get(s["methodology"]) if s["methodology"] else None
    periods = _periods(grids, errors)
    plan = _plan(grids, errors, meth)
    meters = _meters(grids, errors)
    readings = _readings(grids, errors, meth, {p.id: p for p in periods})
    factors = _factors(grids, errors)
    certs = _certificates(grids, errors, {p.id for p in periods})
    errors.raise_if_any()
    return Project(s["project_name"], s["methodology"], s["grid"], s["crediting_start"], s["crediting_end"], s["gwp"],
                   s["boundary"], s["baseline_scenario"], s["weights"], periods, plan, meters, readings, factors,
                   certs, origin, s["rows"])


def _settings(grids, errors: ErrorList) -> dict:
    spec = SHEETS["Settings"]
    c = Cells(spec, errors)
    raw = settings(grids, spec, SETTINGS, errors)

    def get(key):
        return raw.get(key, ("", None))

    out = {"rows": {k: r for k, (_, r) in raw.items()}}
    out["project_name"] = c.text(*get("project_name"), "value", required=True, limit=200)
    code = c.text(*get("methodology"), "value", required=True, limit=40)
    if code and code not in methodologies():
        errors.add(spec.title, get("methodology")[1], "value",
                   f"unknown methodology {code!r}; use one of: {', '.join(methodologies())}",
                   f"未知的方法学 {code!r}；请使用以下之一：{', '.join(methodologies())}")
        code = ""
    out["methodology"] = code
    out["grid"] = c.text(*get("grid"), "value", limit=20)
    if code and methodologies()[code].kind == "grid_renewable" and not out["grid"]:
        errors.add(spec.title, get("grid")[1], "value", "the regional grid (区域电网) is required for this methodology",
                   "此方法学必须填写区域电网")
    out["crediting_start"] = c.date(*get("crediting_start"), "value")
    out["crediting_end"] = c.date(*get("crediting_end"), "value")
    cs, ce = out["crediting_start"], out["crediting_end"]
    if cs and ce and ce < cs:
        errors.add(spec.title, get("crediting_end")[1], "value", "the crediting period ends before it starts",
                   "计入期结束日期早于开始日期")
    out["gwp"] = c.choice(*get("gwp"), "value", GWP_SETS, required=bool(code) and
                          methodologies()[code].kind == "methane_destruction")
    out["boundary"] = c.text(*get("boundary"), "value", required=True)
    out["baseline_scenario"] = c.text(*get("baseline_scenario"), "value", required=True)
    out["weights"] = {}
    for key, w in (("weight_om", "OM"), ("weight_bm", "BM")):
        if key in raw:
            x = c.number(*get(key), "value", minimum=0)
            if x is not None:
                out["weights"][w] = x
    return out


def _periods(grids, errors) -> list[Period]:
    spec = SHEETS["Periods"]
    c = Cells(spec, errors)
    out, seen = [], set()
    for row, r in records(grids, spec, errors):
        pid = c.text(r.get("period"), row, "period", required=True, limit=40)
        start, end = c.date(r.get("start"), row, "start"), c.date(r.get("end"), row, "end")
        if pid in seen:
            errors.add(spec.title, row, "period", f"period {pid!r} appears twice", f"监测期 {pid!r} 重复")
            continue
        seen.add(pid)
        if start and end:
            if end < start:
                errors.add(spec.title, row, "end", "the period ends before it starts", "监测期结束日期早于开始日期")
            elif start.year != end.year:
                errors.add(spec.title, row, "end", "a period lies within one calendar year (the methodology computes "
                           "per year y); split it at the year end", "监测期须在同一日历年内（方法学按年度 y 计算）；请在年末拆分")
            elif pid:
                out.append(Period(pid, start, end, row))
    if not out and not errors:
        errors.add(spec.title, None, None, "no monitoring period", "没有监测期")
    return out


def _plan(grids, errors, meth) -> dict[str, PlanParameter]:
    spec = SHEETS["Monitoring"]
    c = Cells(spec, errors)
    out = {}
    for row, r in records(grids, spec, errors):
        name = c.text(r.get("parameter"), row, "parameter", required=True, limit=40)
        unit = c.text(r.get("unit"), row, "unit", required=True, limit=40)
        typ = c.choice(r.get("type"), row, "type", TYPES)
        freq = c.choice(r.get("frequency"), row, "frequency", FREQUENCIES, required=typ == "measured")
        value = c.number(r.get("value"), row, "value", required=typ == "default")
        if name in out:
            errors.add(spec.title, row, "parameter", f"parameter {name!r} appears twice", f"参数 {name!r} 重复")
            continue
        target = meth.parameters[name].unit if meth and name in meth.parameters else ("t" if name == "LE" else "")
        if value is not None and unit and target:
            try:
                value = convert(value, unit, target)
            except UnitError as exc:
                errors.add(spec.title, row, "unit", str(exc), exc.zh)
        if name:
            out[name] = PlanParameter(name, unit, typ, freq, c.text(r.get("meter_id"), row, "meter_id", limit=60),
                                      c.text(r.get("qa"), row, "qa"), value, c.text(r.get("source"), row, "source"), row)
    return out


def _meters(grids, errors) -> dict[str, Meter]:
    spec = SHEETS["Meters"]
    c = Cells(spec, errors)
    out = {}
    for row, r in records(grids, spec, errors, required=False):
        mid = c.text(r.get("meter_id"), row, "meter_id", required=True, limit=60)
        m = Meter(mid, c.text(r.get("accuracy_class"), row, "accuracy_class", limit=20),
                  c.date(r.get("calibrated_on"), row, "calibrated_on", required=False),
                  c.date(r.get("valid_until"), row, "valid_until", required=False), row)
        if mid in out:
            errors.add(spec.title, row, "meter_id", f"meter {mid!r} appears twice", f"计量器具 {mid!r} 重复")
        elif mid:
            out[mid] = m
    return out


def _readings(grids, errors, meth, periods: dict[str, Period]) -> list[Reading]:
    spec = SHEETS["Readings"]
    c = Cells(spec, errors)
    out = []
    for row, r in records(grids, spec, errors):
        pid = c.text(r.get("period"), row, "period", required=True, limit=40)
        name = c.text(r.get("parameter"), row, "parameter", required=True, limit=40)
        start, end = c.date(r.get("start"), row, "start"), c.date(r.get("end"), row, "end")
        value = c.number(r.get("value"), row, "value")
        unit = c.text(r.get("unit"), row, "unit", required=True, limit=40)
        if pid and pid not in periods:
            errors.add(spec.title, row, "period", f"unknown period {pid!r} (not in the Periods sheet)",
                       f"未知的监测期 {pid!r}（监测期工作表中没有）")
            continue
        target = meth.parameters[name].unit if meth and name in meth.parameters else ("t" if name == "LE" else "")
        if name and meth and not target:
            errors.add(spec.title, row, "parameter",
                       f"{name!r} is not a parameter of {meth.code}; use one of: {', '.join(meth.parameters)}, LE",
                       f"{name!r} 不是 {meth.code} 的参数；请使用：{', '.join(meth.parameters)}、LE")
            continue
        if start and end and pid in periods:
            p = periods[pid]
            if end < start:
                errors.add(spec.title, row, "end", "the reading ends before it starts", "该读数的结束日期早于开始日期")
                continue
            if start < p.start or end > p.end:
                errors.add(spec.title, row, "start", f"the reading ({start} – {end}) lies outside period {pid} "
                           f"({p.start} – {p.end})", f"该读数（{start} 至 {end}）超出监测期 {pid}（{p.start} 至 {p.end}）")
                continue
        if value is not None and unit and target:
            try:
                value = convert(value, unit, target)
            except UnitError as exc:
                errors.add(spec.title, row, "unit", str(exc), exc.zh)
                continue
        if None not in (start, end, value) and pid and name and target:
            out.append(Reading(pid, name, start, end, value, c.text(r.get("meter_id"), row, "meter_id", limit=60), row))
    return out


def _factors(grids, errors) -> list[Factor]:
    spec = SHEETS["Factors"]
    c = Cells(spec, errors)
    out = []
    for row, r in records(grids, spec, errors, required=False):
        kind = c.choice(r.get("factor"), row, "factor", FACTORS)
        year = c.year(r.get("data_year"), row, "data_year")
        value = c.number(r.get("value"), row, "value", minimum=0)
        unit = c.text(r.get("unit"), row, "unit", required=True, limit=40)
        source = c.text(r.get("source"), row, "source", required=True, limit=300)
        if value is not None and unit:
            try:
                value = convert(value, unit, "tCO2/MWh")
            except UnitError as exc:
                errors.add(spec.title, row, "unit", str(exc), exc.zh)
                continue
        if kind and year and value is not None and source:
            out.append(Factor(kind, c.text(r.get("grid"), row, "grid", limit=20), year, value, unit, source,
                              c.date(r.get("published_on"), row, "published_on", required=False), row))
    return out


def _certificates(grids, errors, periods: set[str]) -> list[Certificate]:
    spec = SHEETS["GreenCertificates"]
    c = Cells(spec, errors)
    out = []
    for row, r in records(grids, spec, errors, required=False):
        serial = c.text(r.get("serial"), row, "serial", required=True, limit=120)
        pid = c.text(r.get("period"), row, "period", required=True, limit=40)
        mwh = c.number(r.get("mwh"), row, "mwh", minimum=0)
        if pid and pid not in periods:
            errors.add(spec.title, row, "period", f"unknown period {pid!r}", f"未知的监测期 {pid!r}")
        elif serial and mwh is not None:
            out.append(Certificate(serial, pid, mwh, row))
    return out
