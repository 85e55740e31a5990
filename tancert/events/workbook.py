"""Reading an event workbook (or its JSON form) into an `Event` — all or nothing, every problem located.

Sheets (docs/events.md): Settings, Emissions (phase, category, quantity, unit, factor), Factors (the
organiser's own factors with their source) and Offsets (the ledger: type, serial, vintage, quantity, retirement
date and evidence).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tancert.ghg.errors import ErrorList
from tancert.ghg.sheets import Cells, Sheet, grids_from_dict, read_grids, records, settings

SHEETS = {
    "Settings": Sheet("Settings", "设置", (("key", "项目"), ("value", "值"))),
    "Emissions": Sheet("Emissions", "排放", (("phase", "阶段"), ("category", "排放源类别"), ("source", "排放源说明"),
                                             ("quantity", "活动数据"), ("unit", "单位"), ("factor_id", "排放因子编号"))),
    "Factors": Sheet("Factors", "排放因子", (("factor_id", "排放因子编号"), ("value", "数值"), ("unit", "单位"),
                                            ("source", "来源"), ("data_year", "数据年份"))),
    "Offsets": Sheet("Offsets", "抵销", (("type", "类型"), ("serial", "序列号"), ("vintage", "年份"),
                                         ("quantity", "数量"), ("unit", "单位"), ("retired_on", "注销日期"),
                                         ("evidence", "注销证明"), ("registry", "登记系统"))),
}
SETTINGS = {"event_name": "活动名称", "organiser": "主办方", "venue": "地点", "start": "举办开始日期", "end": "举办结束日期"}


@lru_cache(maxsize=1)
def _guide() -> dict:
    return json.loads((Path(__file__).parent / "data" / "guide.json").read_text(encoding="utf-8"))


def _options(section: str) -> dict[str, str]:
    out = {}
    for key, v in _guide()[section].items():
        out[key] = out[key.lower()] = key
        if "zh" in v:
            out[v["zh"]] = key
            out[v["zh"].split("（")[0].split(" ")[0]] = key
    return out


@dataclass
class Emission:
    phase: str
    category: str
    source: str
    quantity: float
    unit: str
    factor_id: str
    row: int


@dataclass
class OwnFactor:
    factor_id: str
    value: float
    unit: str
    source: str
    data_year: int | None
    row: int


@dataclass
class Offset:
    type: str
    serial: str
    vintage: int
    quantity: float
    unit: str
    retired_on: dt.date | None
    evidence: str
    registry: str
    row: int


@dataclass
class Event:
    name: str
    organiser: str
    venue: str
    start: dt.date
    end: dt.date
    emissions: list[Emission]
    factors: list[OwnFactor]
    offsets: list[Offset]
    origin: str = ""


def load(path: str | Path) -> Event:
    return from_grids(read_grids(Path(path), SHEETS), origin=Path(path).name)


def from_dict(data, origin: str = "") -> Event:
    return from_grids(grids_from_dict(data, SHEETS, origin=origin), origin=origin)


def from_grids(grids: dict, origin: str = "") -> Event:
    errors = ErrorList()
    spec = SHEETS["Settings"]
    c = Cells(spec, errors)
    raw = settings(grids, spec, SETTINGS, errors)

    def get(key):
        return raw.get(key, ("", None))

    name = c.text(*get("event_name"), "value", required=True, limit=200)
    organiser = c.text(*get("organiser"), "value", required=True, limit=200)
    venue = c.text(*get("venue"), "value", limit=200)
    start, end = c.date(*get("start"), "value"), c.date(*get("end"), "value")
    if start and end and end < start:
        errors.add(spec.title, get("end")[1], "value", "the event ends before it starts", "活动结束日期早于开始日期")
    emissions = _emissions(grids, errors)
    factors = _factors(grids, errors)
    offsets = _offsets(grids, errors)
    errors.raise_if_any()
    return Event(name, organiser, venue, start, end, emissions, factors, offsets, origin)


def _emissions(grids, errors) -> list[Emission]:
    spec = SHEETS["Emissions"]
    c = Cells(spec, errors)
    phases, cats = _options("phases"), _options("categories")
    out = []
    for row, r in records(grids, spec, errors):
        e = Emission(c.choice(r.get("phase"), row, "phase", phases), c.choice(r.get("category"), row, "category", cats),
                     c.text(r.get("source"), row, "source", limit=300), c.number(r.get("quantity"), row, "quantity", minimum=0),
                     c.text(r.get("unit"), row, "unit", required=True, limit=40),
                     c.text(r.get("factor_id"), row, "factor_id", required=True, limit=200), row)
        if e.phase and e.category and e.quantity is not None and e.unit and e.factor_id:
            out.append(e)
    if not out and not errors:
        errors.add(spec.title, None, None, "no emission rows", "没有排放数据")
    return out


def _factors(grids, errors) -> list[OwnFactor]:
    spec = SHEETS["Factors"]
    c = Cells(spec, errors)
    out, seen = [], set()
    for row, r in records(grids, spec, errors, required=False):
        x = OwnFactor(c.text(r.get("factor_id"), row, "factor_id", required=True, limit=200),
                      c.number(r.get("value"), row, "value", minimum=0), c.text(r.get("unit"), row, "unit", required=True, limit=40),
                      c.text(r.get("source"), row, "source", required=True, limit=500),
                      c.year(r.get("data_year"), row, "data_year", required=False), row)
        if x.factor_id in seen:
            errors.add(spec.title, row, "factor_id", f"factor {x.factor_id!r} appears twice", f"因子 {x.factor_id!r} 重复")
        elif x.factor_id and x.value is not None and x.unit and x.source:
            seen.add(x.factor_id)
            out.append(x)
    return out


def _offsets(grids, errors) -> list[Offset]:
    spec = SHEETS["Offsets"]
    c = Cells(spec, errors)
    kinds = {"CCER": "CCER", "ccer": "CCER", "CEA": "CEA", "cea": "CEA", "全国碳排放配额": "CEA", "pilot": "pilot",
             "地方试点配额": "pilot", "puhui": "puhui", "碳普惠": "puhui", "CER": "CER", "cer": "CER",
             "GEC": "GEC", "gec": "GEC", "绿证": "GEC", "绿色电力证书": "GEC"}
    out = []
    for row, r in records(grids, spec, errors, required=False):
        kind = c.choice(r.get("type"), row, "type", kinds)
        serial = c.text(r.get("serial"), row, "serial", required=True, limit=200)
        vintage = c.year(r.get("vintage"), row, "vintage")
        qty = c.number(r.get("quantity"), row, "quantity", minimum=0)
        unit = c.text(r.get("unit"), row, "unit", required=True, limit=20)
        expected = ("MWh",) if kind == "GEC" else ("tCO2e", "tCO2", "吨二氧化碳当量")
        if kind and unit and unit not in expected:
            errors.add(spec.title, row, "unit", f"{kind} is counted in {expected[0]}, not {unit[:20]!r}",
                       f"{kind} 的计量单位为 {expected[0]}，而不是 {unit[:20]!r}")
            continue
        o = Offset(kind, serial, vintage, qty, unit, c.date(r.get("retired_on"), row, "retired_on", required=False),
                   c.text(r.get("evidence"), row, "evidence", limit=300), c.text(r.get("registry"), row, "registry", limit=200),
                   row)
        if kind and serial and vintage and qty is not None:
            out.append(o)
    return out
