"""Sector methods of the GB/T 32151 parts and the MEE sector guidelines: the catalogue (data/sectors.json —
per sector its documents, source categories, formulas and each parameter's default or the reason none is
shipped) and the formulas as pure functions (docs/ghg.md §1 "Sector methods").

Every default a formula uses comes from the factor library by id (never a number typed here); where the
reference folder holds no default the parameter is required from the client (a measured value, R6.3-measured).
The only constants are the molar-mass ratios the guidelines write into their formulas (44/12, 44/56, 44/40),
mass balance in the sense of R6.3 tier a.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

from .library import DATA, Library, default_library

C_TO_CO2 = 44 / 12  # carbon → CO2
CAO_TO_CO2 = 44 / 56  # CaO from CaCO3 → CO2
MGO_TO_CO2 = 44 / 40  # MgO from MgCO3 → CO2


class SectorInputError(ValueError):
    """A formula input that is not a finite number in its range; `message_zh` for Chinese users."""

    def __init__(self, name: str, value, en: str, zh: str):
        self.name, self.value = name, value
        self.message_zh = f"{name}：{value!r} {zh}"
        super().__init__(f"{name}: {value!r} {en}")


def _num(name: str, v, *, fraction: bool = False) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise SectorInputError(name, v, "is not a number", "不是数字") from None
    if not math.isfinite(x):
        raise SectorInputError(name, v, "is not a finite number", "不是有限数值")
    if x < 0:
        raise SectorInputError(name, v, "is negative", "不能为负数")
    if fraction and x > 1:
        raise SectorInputError(name, v, "is a fraction and must be between 0 and 1", "是比例，须在 0 与 1 之间")
    return x


# ----- the catalogue

@dataclass(frozen=True)
class Parameter:
    name: str
    zh: str
    unit: str
    default: str | None  # a factor id, "library" (the method's tables), or None (no default shipped)
    reason: str = ""  # why no default is shipped


@dataclass(frozen=True)
class SourceCategory:
    code: str
    zh: str
    en: str
    kind: str
    formula: str
    equation: str
    parameters: tuple[Parameter, ...]
    note: str = ""


@dataclass(frozen=True)
class Sector:
    code: str
    zh: str
    en: str
    method: str | None  # the method profile the sector's guideline has in methods.json, if any
    documents: tuple[str, ...]
    document_confidence: str
    structure_confidence: str
    structure_note: str
    sources: tuple[SourceCategory, ...] = field(default_factory=tuple)

    def source(self, code: str) -> SourceCategory | None:
        return next((s for s in self.sources if s.code == code), None)


@lru_cache(maxsize=1)
def sectors() -> dict[str, Sector]:
    raw = json.loads((DATA / "sectors.json").read_text(encoding="utf-8"))["sectors"]
    out = {}
    for code, s in raw.items():
        srcs = tuple(SourceCategory(c["code"], c["zh"], c["en"], c["kind"], c["formula"], c["equation"],
                                    tuple(Parameter(p["name"], p["zh"], p["unit"], p["default"], p.get("reason", ""))
                                          for p in c["parameters"]), c.get("note", ""))
                     for c in s["sources"])
        out[code] = Sector(code, s["zh"], s["en"], s.get("method"), tuple(s["documents"]), s["document_confidence"],
                           s["structure_confidence"], s["structure_note"], srcs)
    return out


def sector_source_codes() -> list[str]:
    return [c.code for s in sectors().values() for c in s.sources]


def source_category(code: str) -> SourceCategory | None:
    sector = sectors().get(code.split(".", 1)[0])
    return sector.source(code) if sector else None


def gaps() -> list[dict]:
    """Every sector parameter without a shipped default, with the reason (docs/ghg.md, factor coverage)."""
    return [{"sector": s.code, "source": c.code, "parameter": p.name, "unit": p.unit, "reason": p.reason}
            for s in sectors().values() for c in s.sources for p in c.parameters if p.default is None]


# ----- the formulas (t of gas; every input validated; no default typed here)

def fuel_combustion(fc: float, ncv: float, cc: float, of: float) -> float:
    """E_CO2 = FC × NCV × CC × OF × 44/12 (t CO2; FC in t or 10⁴Nm³, NCV per that unit in GJ, CC tC/GJ)."""
    return _num("fc", fc) * _num("ncv", ncv) * _num("cc", cc) * _num("of", of, fraction=True) * C_TO_CO2


@dataclass(frozen=True)
class CoalMonth:
    month: dt.date  # the first day of the month
    heat_gj: float  # FC × NCV of the month
    cc: float | None = None  # the month's compliant measured elemental carbon content, tC/GJ (None: not measured)


@dataclass
class CoalCarbon:
    cc: list[float]  # per month, the carbon content used
    basis: list[str]  # per month: "measured", "mean-of-measured" or a factor id (the high default)
    measured_months: int
    mean_measured: float | None


def power_coal_cc(months: list[CoalMonth], library: Library | None = None) -> CoalCarbon:
    """The MEE power-facility rule for coal carbon content (reference/quantification.md §4, secondary):
    a measured month uses its measurement; with three or more compliant measured months in the year the other
    months use their mean (weighted by the months' heat — an arithmetic mean is a verification error the
    reference lists); otherwise the high default in force on the month's first day: 0.03356 tC/GJ (2021 guideline)
    or, from 2022-06-08, 0.03085 tC/GJ (环办气候函〔2022〕229号) — read from the library, never typed here."""
    lib = library or default_library()
    measured = [(m, _num("cc", m.cc)) for m in months if m.cc is not None]
    for m in months:
        _num("heat_gj", m.heat_gj)
    w = sum(m.heat_gj for m, _ in measured)
    mean = (sum(m.heat_gj * c for m, c in measured) / w if w > 0 else sum(c for _, c in measured) / len(measured)
            ) if measured else None
    cc, basis = [], []
    for m in months:
        if m.cc is not None:
            cc.append(float(m.cc))
            basis.append("measured")
        elif len(measured) >= 3:
            cc.append(mean)
            basis.append("mean-of-measured")
        else:
            f = _coal_default(lib, m.month)
            cc.append(float(f.value))
            basis.append(f.id)
    return CoalCarbon(cc, basis, len(measured), mean)


def _coal_default(lib: Library, day: dt.date):
    for fid in ("MEE-POWER-2022/fuel:coal/CC", "MEE-POWER-2021/fuel:coal/CC"):
        f = lib.by_id[fid]
        if (f.valid_from is None or f.valid_from <= day) and (f.valid_to is None or day <= f.valid_to):
            return f
    raise LookupError(f"no MEE power-facility coal carbon default in force on {day}")


def power_coal_emissions(months: list[CoalMonth], of: float, library: Library | None = None) -> tuple[float, CoalCarbon]:
    """E = Σ_month heat × CC_month × OF × 44/12 with CC by `power_coal_cc`."""
    c = power_coal_cc(months, library)
    of = _num("of", of, fraction=True)
    return sum(m.heat_gj * cc for m, cc in zip(months, c.cc, strict=True)) * of * C_TO_CO2, c


def carbonate(mass_t: float, ef: float, fraction: float = 1.0) -> float:
    """E = M × EF × F (EF tCO2/t of carbonate; F purity × calcination fraction)."""
    return _num("mass_t", mass_t) * _num("ef", ef) * _num("fraction", fraction, fraction=True)


def clinker_factor(cao: float, cao_nc: float, mgo: float, mgo_nc: float) -> float:
    """tCO2 per t clinker: (CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40 (mass fractions)."""
    cao, cao_nc = _num("cao", cao, fraction=True), _num("cao_nc", cao_nc, fraction=True)
    mgo, mgo_nc = _num("mgo", mgo, fraction=True), _num("mgo_nc", mgo_nc, fraction=True)
    if cao_nc > cao:
        raise SectorInputError("cao_nc", cao_nc, "exceeds the clinker's CaO", "大于熟料 CaO 含量")
    if mgo_nc > mgo:
        raise SectorInputError("mgo_nc", mgo_nc, "exceeds the clinker's MgO", "大于熟料 MgO 含量")
    return (cao - cao_nc) * CAO_TO_CO2 + (mgo - mgo_nc) * MGO_TO_CO2


def cement_clinker(clinker_t: float, cao: float, cao_nc: float, mgo: float, mgo_nc: float, dust_t: float = 0.0) -> float:
    """E = (Q_clinker + Q_dust) × clinker_factor (kiln and bypass dust leave the kiln calcined like clinker)."""
    return (_num("clinker_t", clinker_t) + _num("dust_t", dust_t)) * clinker_factor(cao, cao_nc, mgo, mgo_nc)


def organic_carbon(raw_meal_t: float, toc: float) -> float:
    """E = Q_raw_meal × TOC × 44/12."""
    return _num("raw_meal_t", raw_meal_t) * _num("toc", toc, fraction=True) * C_TO_CO2


def carbon_balance(inputs: list[tuple[float, float]], outputs: list[tuple[float, float]]) -> float:
    """E = (Σ M_in × C_in − Σ M_out × C_out) × 44/12; each pair (mass t, carbon content tC/t). A negative
    balance (more carbon out than in) is refused: the inputs or the carbon contents are incomplete."""
    cin = sum(_num("m_in", m) * _num("c_in", c, fraction=True) for m, c in inputs)
    cout = sum(_num("m_out", m) * _num("c_out", c, fraction=True) for m, c in outputs)
    if cout > cin:
        raise SectorInputError("c_out", round(cout, 6), f"exceeds the carbon in ({cin:.6g} tC): inputs incomplete",
                               f"超过投入碳量（{cin:.6g} tC）：投入数据不完整")
    return (cin - cout) * C_TO_CO2


def aluminium_anode(al_t: float, nc: float, s_a: float, a_a: float) -> float:
    """E = P_Al × NC × (1 − S_a − A_a) × 44/12 (NC t anode per t Al; S_a, A_a sulfur and ash fractions)."""
    s_a, a_a = _num("s_a", s_a, fraction=True), _num("a_a", a_a, fraction=True)
    if s_a + a_a > 1:
        raise SectorInputError("a_a", a_a, "with s_a exceeds 1", "与 s_a 之和超过 1")
    return _num("al_t", al_t) * _num("nc", nc) * (1 - s_a - a_a) * C_TO_CO2


def aluminium_pfc(al_t: float, ef_cf4_kg_t: float, ef_c2f6_kg_t: float, *, basis: str,
                  library: Library | None = None) -> dict[str, float]:
    """E_CF4 = P × EF_CF4, E_C2F6 = P × EF_C2F6 (kg per t Al → t); CO2e with the basis' GWP (gwp.json)."""
    lib = library or default_library()
    al = _num("al_t", al_t)
    cf4, c2f6 = al * _num("ef_cf4", ef_cf4_kg_t) / 1000, al * _num("ef_c2f6", ef_c2f6_kg_t) / 1000
    return {"CF4_t": cf4, "C2F6_t": c2f6, "tco2e": cf4 * lib.gwp(basis, "CF4") + c2f6 * lib.gwp(basis, "C2F6")}


def acid_n2o(product_t: float, ef_kg_t: float, abatement: float = 0.0, utilisation: float = 0.0) -> float:
    """E_N2O (t) = P × EF × (1 − η × μ) (EF kg N2O per t acid; η abatement efficiency, μ utilisation)."""
    return (_num("product_t", product_t) * _num("ef", ef_kg_t) / 1000
            * (1 - _num("abatement", abatement, fraction=True) * _num("utilisation", utilisation, fraction=True)))


def wastewater_ch4(tow_kgcod: float, sludge_kgcod: float, bo: float, mcf: float, recovered_kg: float = 0.0) -> float:
    """E_CH4 (t) = ((TOW − S) × Bo × MCF − R) / 1000 (COD in kg, Bo kgCH4/kgCOD, R kg CH4 recovered)."""
    tow, s = _num("tow", tow_kgcod), _num("sludge", sludge_kgcod)
    if s > tow:
        raise SectorInputError("sludge", s, "exceeds the COD in the wastewater", "大于废水 COD 总量")
    gen = (tow - s) * _num("bo", bo) * _num("mcf", mcf, fraction=True)
    r = _num("recovered", recovered_kg)
    if r > gen:
        raise SectorInputError("recovered", r, f"exceeds the CH4 generated ({gen:.6g} kg)", f"超过产生的甲烷量（{gen:.6g} kg）")
    return (gen - r) / 1000


def electricity(mwh: float, ef_t_mwh: float) -> float:
    return _num("mwh", mwh) * _num("ef", ef_t_mwh)


FORMULAS = {"fuel_combustion": fuel_combustion, "power_coal_cc": power_coal_emissions, "carbonate": carbonate,
            "cement_clinker": cement_clinker, "organic_carbon": organic_carbon, "carbon_balance": carbon_balance,
            "aluminium_anode": aluminium_anode, "aluminium_pfc": aluminium_pfc, "acid_n2o": acid_n2o,
            "wastewater_ch4": wastewater_ch4, "electricity": electricity, "heat": electricity}


# ----- the sector in an inventory (Settings `sector`, Sources `sector_source`)

def sector_summary(ds, summary: dict) -> dict | None:
    """The sector, its documents and the year's emissions per source category (from `by_source` and each
    source's `sector_source`; sources without one under "")."""
    sec = sectors().get(ds.settings.sector)
    if sec is None:
        return None
    cat_of = {s.source_id: s.sector_source for s in ds.sources}
    by: dict[str, float] = {c.code: 0.0 for c in sec.sources}
    for src, v in summary["by_source"].items():
        k = cat_of.get(src, "")
        by[k] = by.get(k, 0.0) + v
    return {"sector": sec.code, "name_zh": sec.zh, "name_en": sec.en, "documents": list(sec.documents),
            "document_confidence": sec.document_confidence, "structure_confidence": sec.structure_confidence,
            "by_source_category": {k: v for k, v in by.items() if k or v},
            "categories": {c.code: {"zh": c.zh, "en": c.en, "equation": c.equation} for c in sec.sources}}


def check_sector(ds, findings) -> None:
    """R5.a (info): the sector method used; R6.1-a (warning): a source whose kind differs from its sector source
    category's; R6.1-b (warning): declared sources without a sector source category (the sector's categories are
    the completeness checklist)."""
    from .findings import INFO, WARNING

    sec = sectors().get(ds.settings.sector)
    if sec is None:
        return
    findings.add("R5.a", INFO, f"sector method {sec.code} ({sec.en}): {'; '.join(sec.documents)}", "设置 Settings",
                 message_zh=f"行业核算方法 {sec.zh}：{'；'.join(sec.documents)}")
    bad = [s for s in ds.sources if s.sector_source and s.kind and sec.source(s.sector_source)
           and sec.source(s.sector_source).kind != s.kind]
    for s in bad:
        c = sec.source(s.sector_source)
        findings.add("R6.1-a", WARNING, f"source {s.source_id} is declared {s.kind!r} but its sector source category "
                     f"{c.code} ({c.en}) is {c.kind!r}", "排放源 Sources", [s.row],
                     message_zh=f"排放源 {s.source_id} 的类型为 {s.kind!r}，而其行业排放源类别 {c.code}（{c.zh}）为 {c.kind!r}")
    missing = [s.row for s in ds.sources if not s.sector_source]
    if missing:
        findings.add("R6.1-b", WARNING, f"{len(missing)} declared source(s) without a sector source category of {sec.code}: "
                     "the sector's categories are the completeness checklist", "排放源 Sources", missing,
                     message_zh=f"{len(missing)} 个排放源未填写行业（{sec.zh}）排放源类别：行业排放源类别是完整性核对清单")
