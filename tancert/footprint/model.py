"""The product system as read from the workbook: plain, validated values (reader.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    product: str
    organisation: str
    unit_type: str  # functional / declared
    functional_unit: str
    reference_process: str
    amount: float
    unit: str
    boundary: str  # cradle-to-gate / cradle-to-grave
    standard: str
    gwp: str
    allocation: str  # physical / economic / system_expansion
    allocation_justification: str
    cutoff_pct: float | None
    data_year: int | None


@dataclass(frozen=True)
class Process:
    id: str
    name: str
    stage: str
    product: str
    amount: float
    unit: str
    controlled: bool
    data_type: str
    source: str
    secondary_justification: str
    price: float | None
    physical: float | None
    pedigree: tuple[int | None, ...]  # reliability, completeness, temporal, geographical, technological
    row: int


@dataclass(frozen=True)
class Exchange:
    process: str
    type: str
    flow: str
    amount: float
    unit: str
    data_type: str
    source: str
    uncertainty_pct: float | None
    price: float | None
    physical: float | None
    substitutes: str
    cutoff_estimate_pct: float | None
    row: int


@dataclass(frozen=True)
class Dataset:
    """A background data set: kgCO2e per one `unit` of its product."""
    id: str
    name: str
    value: float
    unit: str
    source: str
    confidence: str
    uncertainty_pct: float | None = None
    document: str = ""
    kind: str = "life-cycle"
    shipped: bool = False  # from tancert's own background (data/background.json), else the user's sheet
    row: int | None = None


@dataclass
class Model:
    settings: Settings
    processes: dict[str, Process]
    exchanges: list[Exchange]
    datasets: dict[str, Dataset]  # the ones the model uses, shipped or the user's
    origin: str = ""
    sha256: str = ""
    by_process: dict[str, list[Exchange]] = field(default_factory=dict)

    def __post_init__(self):
        self.by_process = {p: [] for p in self.processes}
        for e in self.exchanges:
            self.by_process.setdefault(e.process, []).append(e)
