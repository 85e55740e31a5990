"""tancert's own background data sets (data/background.json) and what is not shipped (its "gaps").

Values are those of the reference notes with their source and confidence. The fuel data sets are computed,
never typed in: CO2 = NCV × CC × OF × 44/12 from the guideline parameters (reference/quantification.md §4),
so the file shows where each number comes from.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .model import Dataset

DATA = Path(__file__).parent / "data" / "background.json"
_PER = {"GJ/t": 1000.0, "GJ/10^4Nm3": 1e-4 * 1000.0}  # tCO2 per (t | 10^4 Nm3) → kgCO2 per (t | Nm3)


def _value(d: dict) -> float:
    if "value" in d:
        return float(d["value"])
    # tCO2 per t of fuel (per 10^4 Nm3 of gas) → kg per the data set's unit (t, or Nm3)
    t_co2 = d["ncv"] * d["cc_tc_per_gj"] * d["of"] * 44.0 / 12.0
    return float(f"{t_co2 * _PER[d['ncv_unit']]:.12g}")


@lru_cache(maxsize=1)
def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def shipped() -> dict[str, Dataset]:
    return {d["id"]: Dataset(id=d["id"], name=d["name"], value=_value(d), unit=d["unit"], source=d["source"],
                             confidence=d["confidence"], document=d["document"], kind=d["kind"], shipped=True)
            for d in _raw()["datasets"]}


def gaps() -> list[dict]:
    return list(_raw()["gaps"])
