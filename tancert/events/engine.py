"""Large-event carbon neutrality (R5.d: the MEE Large-scale Event Carbon Neutrality Implementation Guide (trial)):
the inventory by the guide's source categories over the preparation, holding and closing phases, the offsets
ledger and the neutrality balance = emissions − retired offsets; "碳中和" only when the balance is ≤ 0 and no
finding blocks (docs/events.md).

Factors are the GHG engine's library values (with their document, clause and confidence) or factors the
organiser enters in the Factors sheet with their source; none is invented here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tancert.ghg.errors import ErrorList
from tancert.ghg.located import BLOCKING, INFO, WARNING, Findings
from tancert.ghg.sheets import Cells, read_grids
from tancert.ghg.units import UnitError, unit_scale

from .workbook import SHEETS, Event, from_dict, from_grids

C_PER_CO2 = 44 / 12
_GAS_MASS = re.compile(r"^(t|kg|g)(CO2e|CO2)?$")
_MASS = {"t": 1.0, "kg": 1e-3, "g": 1e-6}


@lru_cache(maxsize=1)
def guide() -> dict:
    return json.loads((Path(__file__).parent / "data" / "guide.json").read_text(encoding="utf-8"))


def _t(en: str) -> str:
    return SHEETS[en].title


@dataclass
class Result:
    event: Event
    rows: list[dict]
    offsets: list[dict]
    findings: Findings
    factors_used: list[dict]

    @property
    def total(self) -> float:
        return round(sum(r["tco2e"] for r in self.rows), 6)

    @property
    def retired(self) -> float:
        return round(sum(o["tco2e"] for o in self.offsets if o["counted"]), 6)

    @property
    def balance(self) -> float:
        return round(self.total - self.retired, 6)

    @property
    def blocking(self) -> bool:
        return self.findings.blocking

    @property
    def neutral(self) -> bool:
        return self.balance <= 0 and not self.blocking

    def to_json(self) -> dict:
        g = guide()
        by_cat = {k: 0.0 for k in g["categories"]}
        by_phase = {k: 0.0 for k in g["phases"]}
        for r in self.rows:
            by_cat[r["category"]] += r["tco2e"]
            by_phase[r["phase"]] += r["tco2e"]
        e = self.event
        return {"event": e.name, "organiser": e.organiser, "origin": e.origin, "start": e.start.isoformat(),
                "end": e.end.isoformat(), "guide": g["guide"],
                "total_tco2e": self.total, "by_category": {k: round(v, 6) for k, v in by_cat.items()},
                "by_phase": {k: round(v, 6) for k, v in by_phase.items()},
                "offsets_retired_tco2e": self.retired, "balance_tco2e": self.balance, "neutral": self.neutral,
                "blocking": self.blocking, "emissions": self.rows, "offsets": self.offsets,
                "findings": self.findings.as_list(), "factors_used": self.factors_used}


def check(path: str | Path) -> Result:
    return run(from_grids(read_grids(Path(path), SHEETS), origin=Path(path).name))


def check_dict(data, origin: str = "") -> Result:
    return run(from_dict(data, origin))


# ----- factors

def _library_factor(fid: str) -> tuple[float, str, dict] | None:
    """(value, unit, provenance) of a library EF, or the combustion EF of a library fuel (NCV × CC × OF × 44/12)."""
    from tancert.ghg.library import default_library

    lib = default_library()
    f = lib.by_id.get(fid)
    if f is not None and f.parameter == "EF" and f.value is not None:
        return f.value, f.unit, {"id": f.id, "value": f.value, "unit": f.unit, "source": f"{f.document} {f.clause}".strip(),
                                 "data_year": f.data_year, "confidence": f.confidence}
    parts = [lib.by_id.get(f"{fid}/{p}") for p in ("NCV", "CC", "OF")]
    if all(p is not None and p.value is not None for p in parts):
        ncv, cc, of = parts
        num, per = ncv.unit.split("/", 1)
        value = ncv.value * unit_scale(num).scale * cc.per_canonical * of.value * C_PER_CO2  # tCO2 per `per`
        conf = max((p.confidence for p in parts), key=("checked", "secondary", "unverified").index)
        return value, f"tCO2/{per}", {"id": fid, "value": round(value, 9), "unit": f"tCO2/{per}",
                                      "source": f"{ncv.document} {ncv.clause}: NCV × CC × OF × 44/12".strip(),
                                      "data_year": None, "confidence": conf}
    return None


def _tco2e(qty: float, qunit: str, value: float, funit: str) -> float:
    """quantity × factor in tCO2e; the factor's denominator is the quantity's unit, or converts to it (pint)."""
    if "/" not in funit:
        raise UnitError(f"factor unit {funit!r} must be <mass>/<activity unit>, e.g. kgCO2e/kWh",
                        f"因子单位 {funit!r} 必须写成 <质量>/<活动数据单位>，例如 kgCO2e/kWh")
    num, den = funit.replace(" ", "").split("/", 1)
    m = _GAS_MASS.match(num)
    if not m:
        raise UnitError(f"factor unit {funit!r}: the numerator must be t, kg or g of CO2e or CO2",
                        f"因子单位 {funit!r}：分子必须是 t、kg 或 g 的 CO2e 或 CO2")
    scale = _MASS[m.group(1)]
    if den == qunit.replace(" ", ""):
        return qty * value * scale
    a, b = unit_scale(qunit), unit_scale(den)
    if a.dimension != b.dimension:
        raise UnitError(f"the quantity's unit {qunit!r} does not match the factor's {den!r}",
                        f"活动数据单位 {qunit!r} 与因子单位分母 {den!r} 不一致")
    return qty * a.scale / b.scale * value * scale


def run(e: Event) -> Result:
    f = Findings()
    used: dict[str, dict] = {}
    errors = ErrorList()
    cells = Cells(SHEETS["Emissions"], errors)
    rows = []
    own = {x.factor_id: x for x in e.factors}
    for r in e.emissions:
        x = own.get(r.factor_id)
        if x is not None:
            value, unit = x.value, x.unit
            prov = {"id": x.factor_id, "value": x.value, "unit": x.unit, "source": x.source, "data_year": x.data_year,
                    "confidence": "as entered by the organiser"}
        else:
            lib = _library_factor(r.factor_id)
            if lib is None:
                cells._err(r.row, "factor_id", f"unknown factor {r.factor_id[:80]!r}: neither a library factor (tancert "
                           "ghg factors) nor a row of the Factors sheet", f"未知的因子 {r.factor_id[:80]!r}：既不是因子库中的因子"
                           "（tancert ghg factors），也不在因子工作表中")
                continue
            value, unit, prov = lib
        try:
            t = _tco2e(r.quantity, r.unit, value, unit)
        except UnitError as exc:
            cells._err(r.row, "unit", str(exc), exc.zh)
            continue
        used.setdefault(prov["id"], prov)
        if any(m in str(prov["source"]) for m in ("示例", "EXAMPLE")):
            f.add("R5.d", "emission-factor", WARNING, f"factor {prov['id']} is an illustrative value; enter a sourced one",
                  f"因子 {prov['id']} 为示例值；请填写有来源的因子", _t("Factors"), x.row if x else None)
        if prov["confidence"] == "unverified":
            f.add("R5.d", "emission-factor", WARNING, f"factor {prov['id']} is unverified in the reference",
                  f"因子 {prov['id']} 在参考资料中未核实", _t("Emissions"), r.row)
        rows.append({"row": r.row, "phase": r.phase, "category": r.category, "source": r.source, "quantity": r.quantity,
                     "unit": r.unit, "factor_id": prov["id"], "tco2e": round(t, 6)})
    errors.raise_if_any()
    _check_completeness(e, rows, f)
    offsets = _ledger(e, f)
    res = Result(e, rows, offsets, f, list(used.values()))
    if res.balance > 0:
        f.add("R5.d", "neutrality", BLOCKING,
              f"emissions {res.total:,.3f} tCO2e exceed the retired offsets {res.retired:,.3f} tCO2e by "
              f"{res.balance:,.3f} tCO2e: the event is not carbon neutral",
              f"排放量 {res.total:,.3f} tCO2e 超过已注销的抵销量 {res.retired:,.3f} tCO2e，差额 {res.balance:,.3f} tCO2e："
              "该活动未实现碳中和", _t("Offsets"), None)
    g = guide()["guide"]
    f.add("R5.d", "guide", INFO, f"accounted by {g['title_en']} ({g['issuer']} {g['year']}; {g['confidence']})",
          f"依据《{g['title_zh']}》（{g['year']}；可信度 {g['confidence']}）核算", _t("Settings"), None)
    return res


def _check_completeness(e: Event, rows: list[dict], f: Findings) -> None:
    g = guide()
    present = {r["category"] for r in rows}
    for key, cat in g["categories"].items():
        if key not in present:
            f.add("R5.d", "completeness", WARNING, f"no emissions in the guide's category {cat['en']}; state why it is "
                  "excluded (the guide's completeness principle, Art. 7)",
                  f"指南的排放源类别“{cat['zh']}”没有排放数据；请说明排除理由（指南第七条完整性原则）", _t("Emissions"), None)
    phases = {r["phase"] for r in rows}
    for key, ph in g["phases"].items():
        if key not in phases:
            f.add("R5.d", "completeness", WARNING, f"no emissions in the {ph['en']} phase", f"{ph['zh']}阶段没有排放数据",
                  _t("Emissions"), None)


def _ledger(e: Event, f: Findings) -> list[dict]:
    kinds = guide()["offsets"]
    seen: dict[str, int] = {}
    out = []
    for o in e.offsets:
        counted = True
        key = o.serial.replace(" ", "").upper()
        if key in seen:
            counted = not f.add("R5.d", "serial", BLOCKING,
                                f"serial {o.serial} was already used in row {seen[key]}: a retired unit offsets once",
                                f"序列号 {o.serial} 已在第 {seen[key]} 行使用：同一注销单位只能抵销一次", _t("Offsets"), o.row)
        else:
            seen[key] = o.row
        if not kinds[o.type]["counts"]:
            counted = False
            f.add("R5.d", "offset-type", WARNING, f"{o.type} {o.serial} is not counted: {kinds[o.type]['why']}",
                  f"{kinds[o.type]['zh']} {o.serial} 不计入抵销量：绿证不在指南所列的抵销方式中（参考资料 levels.md §5）",
                  _t("Offsets"), o.row)
        if not o.evidence or o.retired_on is None:
            counted = counted and not f.add(
                "R5.d", "retirement", BLOCKING, f"{o.serial}: no retirement (cancellation) evidence or date — not counted",
                f"{o.serial}：缺少注销证明或注销日期——不计入抵销量", _t("Offsets"), o.row)
        elif o.retired_on.year < o.vintage:
            counted = counted and not f.add(
                "R5.d", "retirement", BLOCKING, f"{o.serial}: retired on {o.retired_on}, before its vintage {o.vintage}",
                f"{o.serial}：注销日期 {o.retired_on} 早于其年份 {o.vintage}", _t("Offsets"), o.row)
        out.append({"row": o.row, "type": o.type, "serial": o.serial, "vintage": o.vintage, "tco2e": o.quantity,
                    "unit": o.unit, "retired_on": o.retired_on.isoformat() if o.retired_on else None,
                    "evidence": o.evidence, "registry": o.registry, "counted": counted})
    return out
