"""Units at the input boundary.

pint is used once per *distinct unit string*, never per row: `unit_scale("10^4Nm3")` returns the
dimension and the factor to the engine's canonical unit of that dimension, and the inventory
multiplies whole columns by that factor. Inside the engine everything is plain float64 in the
canonical units below.

Normal cubic metres (Nm³, gas volume at reference conditions) get their own dimension, so that a
volume in actual m³ can never be silently mixed with Nm³.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pint

# canonical unit per dimension (string understood by the registry below)
CANONICAL = {
    "mass": "t",
    "normal_volume": "Nm3",
    "energy": "GJ",
    "volume": "m**3",
    "freight": "t*km",
    "passenger_distance": "pkm",
    "dimensionless": "dimensionless",
}

# Chinese and typographic spellings → registry spellings (whole-string aliases)
_ALIASES = {
    "吨": "t", "千克": "kg", "公斤": "kg", "克": "g", "万吨": "10^4t",
    "千瓦时": "kWh", "度": "kWh", "兆瓦时": "MWh", "吉焦": "GJ", "太焦": "TJ", "兆焦": "MJ",
    "万Nm3": "10^4Nm3", "万Nm³": "10^4Nm3", "万标准立方米": "10^4Nm3", "标准立方米": "Nm3",
    "吨公里": "t*km", "吨·公里": "t*km", "tkm": "t*km", "人公里": "pkm", "人·公里": "pkm",
    "passenger·km": "pkm", "passenger*km": "pkm", "p·km": "pkm", "立方米": "m**3", "升": "L",
    "%": "percent", "m3": "m**3", "m^3": "m**3",
}
_SUPERSCRIPTS = str.maketrans({"³": "3", "²": "2", "⁴": "4", "·": "*", "×": "*"})
_POW10 = re.compile(r"^\s*10\^?(-?\d+)\s*\*?\s*(.+)$")


class UnitError(ValueError):
    """A unit string the engine cannot use (unknown, or wrong dimension); `zh` is the Chinese
    wording of the same message (the unit text itself stays as written)."""

    def __init__(self, message: str, zh: str = ""):
        super().__init__(message)
        self.zh = zh or message


DIMENSION_ZH = {"mass": "质量", "normal_volume": "标准状况体积", "energy": "能量", "volume": "体积",
                "freight": "货运周转量", "passenger_distance": "旅客周转量", "dimensionless": "无量纲"}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    # Separate base dimensions: gas at normal conditions and passenger counts.
    ureg.define("normal_cubic_meter = [normal_volume] = Nm3")
    ureg.define("passenger_kilometer = [passenger_distance] = pkm")
    return ureg


def _normalise(text: str) -> tuple[float, str]:
    s = str(text).strip()
    s = _ALIASES.get(s, s)
    s = s.translate(_SUPERSCRIPTS).replace(" ", "")
    mult = 1.0
    m = _POW10.match(s)
    if m:  # "10^4Nm3", "10⁴Nm³" → 1e4 × Nm3 (pint cannot name a unit that starts with a digit)
        mult = 10.0 ** int(m.group(1))
        s = m.group(2)
    s = _ALIASES.get(s, s)
    return mult, s


def _dimension_name(q: pint.Quantity) -> str:
    ureg = registry()
    for name, canon in CANONICAL.items():
        if q.dimensionality == ureg.Quantity(1, canon).dimensionality:
            return name
    raise UnitError(f"unit of dimension {q.dimensionality} is not used by the engine",
                    f"量纲为 {q.dimensionality} 的单位不被本引擎使用")


MAX_UNIT_CHARS = 64  # the longest unit of the template is a dozen characters


@dataclass(frozen=True)
class UnitInfo:
    text: str
    dimension: str  # key of CANONICAL
    scale: float  # 1 <text> = scale <canonical>


@lru_cache(maxsize=4096)
def unit_scale(text: str) -> UnitInfo:
    """Dimension of `text` and its factor to the canonical unit. Raises UnitError."""
    if text is None or str(text).strip() == "":
        raise UnitError("no unit given", "未填写单位")
    if len(str(text)) > MAX_UNIT_CHARS:  # pint's parser is quadratic or worse: a 30,000-character "unit" took 28 s
        raise UnitError(f"a unit is a few characters, not {len(str(text)):,}",
                        f"单位应为几个字符，而不是 {len(str(text)):,} 个字符")
    mult, s = _normalise(text)
    ureg = registry()
    try:
        q = ureg.Quantity(1.0, s)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError,
            ValueError, AssertionError) as exc:
        raise UnitError(f"unknown unit {text!r}", f"无法识别的单位 {text!r}") from exc
    try:
        dim = _dimension_name(q)
    except UnitError as exc:
        raise UnitError(f"unit {text!r}: {exc}", f"单位 {text!r}：{exc.zh}") from None
    # Unit factors are exact decimals; rounding to 15 digits removes binary noise (1 TJ = 1000 GJ,
    # not 1000.0000000000001) so that unit-equivalent inputs give identical results.
    scale = float(f"{mult * q.to(CANONICAL[dim]).magnitude:.15g}")
    return UnitInfo(str(text), dim, scale)


# ----- rates such as "tCO2/MWh", "kgCO2e/kWh", "GJ/10^4Nm3", "tC/GJ"
_GAS_MASS = re.compile(r"^(t|kg|g|Mt|kt)(CO2e|CO2|CH4|N2O|C)?$")


@dataclass(frozen=True)
class RateInfo:
    text: str
    numerator: str  # "mass" (of a gas or of carbon) or "energy" or "dimensionless"
    gas: str | None  # "CO2", "CO2e", "CH4", "N2O", "C" (carbon) or None
    per: str  # dimension of the denominator (key of CANONICAL)
    scale: float  # value × scale = value in canonical-numerator per canonical-denominator


@lru_cache(maxsize=4096)
def rate_scale(text: str) -> RateInfo:
    """Parse a factor unit `<numerator>/<denominator>`; numerator may carry a gas (tCO2, kgCO2e, tC)."""
    if text is None or str(text).strip() == "":
        raise UnitError("no factor unit given", "未填写因子单位")
    if len(str(text)) > MAX_UNIT_CHARS:
        raise UnitError(f"a factor unit is a few characters, not {len(str(text)):,}",
                        f"因子单位应为几个字符，而不是 {len(str(text)):,} 个字符")
    s = str(text).strip().translate(_SUPERSCRIPTS).replace(" ", "")
    if s in ("1", "fraction", "-"):
        return RateInfo(str(text), "dimensionless", None, "dimensionless", 1.0)
    if "/" not in s:
        raise UnitError(f"factor unit {text!r} must be <amount>/<activity unit>, e.g. tCO2/MWh",
                        f"因子单位 {text!r} 必须写成 <数量>/<活动数据单位>，例如 tCO2/MWh")
    num, den = s.split("/", 1)
    m = _GAS_MASS.match(num)
    if m:
        gas = m.group(2)
        num_scale = unit_scale(m.group(1)).scale  # to tonnes
        numerator = "mass"
    else:
        try:
            info = unit_scale(num)
        except UnitError as exc:
            raise UnitError(f"factor unit {text!r}: unknown numerator {num!r}",
                            f"因子单位 {text!r}：无法识别的分子 {num!r}") from exc
        if info.dimension != "energy":
            raise UnitError(f"factor unit {text!r}: numerator must be a gas mass (tCO2, kgCO2e …) or an energy",
                            f"因子单位 {text!r}：分子必须是气体质量（tCO2、kgCO2e 等）或能量")
        gas, num_scale, numerator = None, info.scale, "energy"
    try:
        d = unit_scale(den)
    except UnitError as exc:
        raise UnitError(f"factor unit {text!r}: unknown activity unit {den!r}",
                        f"因子单位 {text!r}：无法识别的活动数据单位 {den!r}") from exc
    return RateInfo(str(text), numerator, gas, d.dimension, float(f"{num_scale / d.scale:.15g}"))
