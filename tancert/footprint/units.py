"""Units of products and flows through pint, once per distinct unit string (as tancert/ghg/units.py does).

Products are counted in more kinds of unit than an organisation inventory: pieces (件, 个), areas, lengths.
A conversion between two unit strings is allowed only within one dimension; "kg" of an input can never be
read as "kWh" of its provider (an input error naming the exchange).
"""

from __future__ import annotations

from functools import lru_cache

import pint

from tancert.ghg.units import MAX_UNIT_CHARS, UnitError, _normalise

_COUNT = {"件": "piece", "个": "piece", "台": "piece", "只": "piece", "pcs": "piece", "pc": "piece",
          "unit": "piece", "item": "piece", "平方米": "m**2", "m2": "m**2", "米": "m", "公里": "km", "千米": "km"}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("normal_cubic_meter = [normal_volume] = Nm3")
    ureg.define("passenger_kilometer = [passenger_distance] = pkm")
    ureg.define("piece = [count]")
    return ureg


@lru_cache(maxsize=4096)
def quantity(text: str) -> tuple[float, str]:
    """(magnitude of 1 <text> in base units, dimensionality string). Raises UnitError."""
    if text is None or str(text).strip() == "":
        raise UnitError("no unit given", "未填写单位")
    if len(str(text)) > MAX_UNIT_CHARS:  # pint's parser is quadratic or worse on long strings (ghg/units.py)
        raise UnitError(f"a unit is a few characters, not {len(str(text)):,}",
                        f"单位应为几个字符，而不是 {len(str(text)):,} 个字符")
    s = _COUNT.get(str(text).strip(), str(text).strip())
    mult, s = _normalise(s)
    s = _COUNT.get(s, s)
    try:
        q = registry().Quantity(1.0, s).to_base_units()
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError,
            ValueError, AssertionError) as exc:
        raise UnitError(f"unknown unit {text!r}", f"无法识别的单位 {text!r}") from exc
    return float(f"{mult * q.magnitude:.15g}"), str(q.dimensionality)


def factor(from_unit: str, to_unit: str) -> float:
    """1 from_unit = factor × to_unit. Raises UnitError when the dimensions differ."""
    a, da = quantity(from_unit)
    b, db = quantity(to_unit)
    if da != db:
        raise UnitError(f"unit {from_unit!r} does not convert to {to_unit!r} (different quantities)",
                        f"单位 {from_unit!r} 无法换算为 {to_unit!r}（量纲不同）")
    return float(f"{a / b:.15g}")


def to_kg(unit: str) -> float:
    """Factor of a gas mass unit (t, kg, g) to kg. Raises UnitError for anything but a mass."""
    return factor(unit, "kg")
