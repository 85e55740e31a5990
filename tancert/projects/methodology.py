"""The project methodologies as versioned data (data/methodologies.json), with their provenance and confidence.

The file says, per methodology, how the baseline, project and leakage emissions are computed, which parameters
the monitoring plan must hold (type, unit, frequency, meter) and what the baseline factor must be; the engine
(engine.py) reads it. No factor value is shipped: see the file's note and docs/projects.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "methodologies.json"
KINDS = ("grid_renewable", "methane_destruction")


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    type: str  # measured, default or calculated
    aggregate: str  # sum or mean over a period's readings
    frequency: str
    meter: bool
    name_zh: str
    name_en: str
    conservative: str = ""  # "down" or "up": the direction of an out-of-calibration adjustment


@dataclass(frozen=True)
class Methodology:
    code: str
    kind: str
    name_zh: str
    name_en: str
    effective: str
    source: str
    confidence: str
    baseline: str
    project_emissions: str
    leakage: str
    crediting_years_max: int
    parameters: dict[str, Parameter]
    weights: dict[str, float]
    raw: dict

    @property
    def version(self) -> str:
        return self.code.rsplit("-", 1)[-1]

    def describe(self) -> dict:
        keep = ("name_zh", "name_en", "effective", "source", "confidence", "baseline", "project_emissions",
                "leakage", "weights", "weights_confidence", "factor_source", "equations_confidence",
                "equations_note", "monitoring", "calibration_adjustment", "crediting_years_max")
        return {"code": self.code, "version": self.version, "table_sha256": table_sha256()} | {
            k: self.raw[k] for k in keep if k in self.raw}


@lru_cache(maxsize=1)
def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def table_sha256() -> str:
    return hashlib.sha256(DATA.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def methodologies() -> dict[str, Methodology]:
    out = {}
    for code, m in _raw()["methodologies"].items():
        if m["kind"] not in KINDS:
            raise ValueError(f"{code}: unknown kind {m['kind']}")
        params = {k: Parameter(k, p["unit"], p["type"], p["aggregate"], p.get("frequency", ""), bool(p.get("meter")),
                               p["name_zh"], p["name_en"], p.get("conservative", "")) for k, p in m["parameters"].items()}
        out[code] = Methodology(code, m["kind"], m["name_zh"], m["name_en"], m["effective"], m["source"],
                                m["confidence"], m["baseline"], m["project_emissions"], m["leakage"],
                                int(m["crediting_years_max"]), params, dict(m.get("weights", {})), m)
    return out


def grids() -> tuple[str, ...]:
    return tuple(_raw()["grids"])
