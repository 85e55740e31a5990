"""The factor library: versioned tables of emission factors, GWP sets and method profiles.

Each file in data/factors/ is one table of one guideline/edition (never merged, never averaged).
Table-level fields (document, clause, validity, geography, tier, lineage, GWP basis) are inherited
by every value unless the value overrides them, so each `Factor` carries the full provenance the
issue asks for. A value that the reference does not pin down (sources disagree) is shipped as
`value: null` with its `candidates`; the resolver then reports it instead of guessing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from .units import rate_scale

DATA = Path(__file__).parent / "data"
CONFIDENCES = ("checked", "secondary", "unverified")
TIERS = ("a", "b", "c", "d", "e", "f")
NATIONAL = "CN"


# Chinese names of the activities, so that the library is searchable in Chinese (fuel names as
# printed in reference/quantification.md §4; carbonates by the formulas of §5; kinds as the
# template's validation lists spell them)
ACTIVITY_NAMES = {
    "fuel:crude_oil": "原油", "fuel:fuel_oil": "燃料油", "fuel:gasoline": "汽油", "fuel:diesel": "柴油",
    "fuel:kerosene": "一般煤油", "fuel:lpg": "液化石油气", "fuel:lng": "液化天然气", "fuel:tar": "焦油",
    "fuel:refinery_gas": "炼厂干气", "fuel:natural_gas": "天然气", "fuel:coke_oven_gas": "焦炉煤气",
    "fuel:blast_furnace_gas": "高炉煤气", "fuel:converter_gas": "转炉煤气", "fuel:anthracite": "无烟煤",
    "fuel:bituminous_coal": "烟煤", "fuel:lignite": "褐煤", "fuel:washed_coal": "洗精煤", "fuel:coke": "焦炭",
    "fuel:petroleum_coke": "石油焦",
    "process:limestone": "CaCO3", "process:dolomite": "CaMg(CO3)2", "process:magnesite": "MgCO3",
    "process:soda_ash": "Na2CO3", "process:sodium_bicarbonate": "NaHCO3", "process:siderite": "FeCO3",
}
KIND_NAMES = {"fuel": "燃料燃烧", "process": "工业过程", "electricity": "外购电力", "heat": "外购热力"}


# Activities named by their kind alone (electricity from the grid, purchased heat).
OWN_NAMES = {"electricity:grid": "电网", "heat:purchased": "外购热力", "heat:steam": "蒸汽"}
_BY_NAME = {key.split(":", 1)[1]: zh for key, zh in {**ACTIVITY_NAMES, **OWN_NAMES}.items()}


def activity_zh(name: str) -> str:
    """Chinese name of an activity given without its kind ("natural_gas" → "天然气", "grid" → "电网"); a name the
    library does not know is the client's own text."""
    return _BY_NAME.get(name, name)


def activity_name(activity: str) -> str:
    """Chinese name of a library activity ("fuel:diesel" → "燃料燃烧 柴油"), for search and display."""
    kind = activity.split(":", 1)[0]
    return " ".join(x for x in (KIND_NAMES.get(kind, ""), ACTIVITY_NAMES.get(activity, "")) if x)


@dataclass(frozen=True)
class Factor:
    id: str
    table_id: str
    table_version: int
    table_sha256: str
    activity: str
    parameter: str  # NCV, CC, OF or EF
    value: float | None
    unit: str
    gas: str | None
    gwp_basis: str | None
    document: str
    clause: str
    data_year: int | None
    valid_from: date | None
    valid_to: date | None
    geography_level: str
    geography: str
    lineage: str | None
    tier: str
    confidence: str
    note: str = ""
    candidates: tuple[float, ...] = ()

    @property
    def unverified(self) -> bool:
        return self.confidence == "unverified"

    @cached_property
    def per_canonical(self) -> float:
        """Value in canonical numerator per canonical activity unit (see units.CANONICAL)."""
        return float(self.value) * rate_scale(self.unit).scale

    def valid_in(self, year: int) -> bool:
        if self.valid_from and self.valid_from > date(year, 12, 31):
            return False
        if self.valid_to and self.valid_to < date(year, 1, 1):
            return False
        return True

    def label(self) -> str:
        mark = " [UNVERIFIED 未核实]" if self.unverified else ""
        return f"{self.id} = {self.value} {self.unit} ({self.document} {self.clause}; {self.confidence}){mark}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        d["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        d["candidates"] = list(self.candidates)
        return d


@dataclass(frozen=True)
class Method:
    id: str
    title: str
    gwp: str | None
    gwp_note: str
    tables: tuple[str, ...]
    electricity_lineages: tuple[str, ...]
    rule: str = "R5.a"


@dataclass
class Resolution:
    """What the resolver chose and why: `steps` is the fallback chain as it was walked."""

    activity: str
    parameter: str
    factor: Factor | None
    steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.factor is not None

    @property
    def reason(self) -> str:
        return "; ".join(self.steps)


class ResolutionError(LookupError):
    def __init__(self, resolution: Resolution):
        self.resolution = resolution
        super().__init__(f"no factor for {resolution.activity} {resolution.parameter}: {resolution.reason}")


def _date(s):
    return date.fromisoformat(s) if s else None


_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")


class Library:
    def __init__(self, data_dir: Path = DATA):
        self.data_dir = Path(data_dir)
        self.tables: dict[str, dict] = {}
        self.factors: list[Factor] = []
        self._by_key: dict[tuple[str, str], list[Factor]] = {}
        for path in sorted((self.data_dir / "factors").glob("*.json")):
            self._load_table(path)
        self.gwp_sets = json.loads((self.data_dir / "gwp.json").read_text(encoding="utf-8"))["sets"]
        m = json.loads((self.data_dir / "methods.json").read_text(encoding="utf-8"))["methods"]
        self.methods = {
            k: Method(k, v["title"], v["gwp"], v.get("gwp_note", ""), tuple(v["tables"]),
                      tuple(v["electricity_lineages"]), v.get("rule", "R5.a"))
            for k, v in m.items()
        }
        geo = json.loads((self.data_dir / "geography.json").read_text(encoding="utf-8"))
        self.grid_region_of = geo["grid_region_of_province"]
        self.geo_aliases = geo["aliases"]
        self.regions = set(self.grid_region_of.values())
        self.by_id = {f.id: f for f in self.factors}

    def _load_table(self, path: Path) -> None:
        raw = path.read_bytes()
        t = json.loads(raw)
        tid = t["table_id"]
        if tid in self.tables:
            raise ValueError(f"duplicate factor table {tid} in {path.name}")
        sha = hashlib.sha256(raw).hexdigest()
        self.tables[tid] = {k: v for k, v in t.items() if k != "factors"} | {"sha256": sha, "file": path.name}
        for row in t["factors"]:
            merged = {**t, **row}
            geo = merged.get("geography") or {"level": "national", "name": NATIONAL}
            dy = merged.get("data_year")
            fid = "/".join(
                [tid, merged["activity"], merged["parameter"]]
                + ([geo["name"]] if geo["level"] not in ("national", "international") else [])
                + ([str(dy)] if dy and not t.get("data_year") and not row.get("key") else [])
                + ([row["key"]] if row.get("key") else [])
            )
            if merged["tier"] not in TIERS or merged["confidence"] not in CONFIDENCES:
                raise ValueError(f"{path.name}: bad tier/confidence in {fid}")
            f = Factor(
                id=fid, table_id=tid, table_version=int(t["version"]), table_sha256=sha,
                activity=merged["activity"], parameter=merged["parameter"], value=merged["value"],
                unit=merged["unit"], gas=merged.get("gas"), gwp_basis=merged.get("gwp_basis"),
                document=merged["document"], clause=merged.get("clause", ""), data_year=dy,
                valid_from=_date(merged.get("valid_from")), valid_to=_date(merged.get("valid_to")),
                geography_level=geo["level"], geography=geo["name"], lineage=merged.get("lineage"),
                tier=merged["tier"], confidence=merged["confidence"], note=merged.get("note", "") or "",
                candidates=tuple(merged.get("candidates", ())),
            )
            if f.value is not None:
                rate_scale(f.unit)  # a table with a unit the engine cannot read must fail at load
            self.factors.append(f)
            self._by_key.setdefault((f.activity, f.parameter), []).append(f)

    # ----- look-ups
    def method(self, name: str) -> Method:
        try:
            return self.methods[name]
        except KeyError:
            raise KeyError(f"unknown method {name!r}; known: {', '.join(self.methods)}") from None

    def gwp(self, basis: str, gas: str) -> float:
        """GWP-100 of `gas` in `basis` (SAR, AR4, AR5, AR6 or CO2-only). CO2e passes through as 1."""
        if gas in ("CO2", "CO2e"):
            return 1.0
        if basis == "CO2-only":
            raise KeyError(f"the method covers CO2 only; {gas} cannot be reported")
        try:
            v = self.gwp_sets[basis]["values"][gas]
        except KeyError:
            raise KeyError(f"unknown GWP basis {basis!r} or gas {gas!r}") from None
        if v is None:
            raise KeyError(f"{basis} has no GWP value for {gas}")
        return float(v)

    def gases(self) -> list[str]:
        return sorted({g for s in self.gwp_sets.values() for g in s["values"]})

    def activities(self, prefix: str = "") -> list[str]:
        return sorted({a for a, _ in self._by_key if a.startswith(prefix)})

    def search(self, text: str | None = None) -> list[Factor]:
        if not text:
            return list(self.factors)
        needle = text.casefold()
        out = []
        for f in self.factors:
            hay = (" ".join(str(v) for v in asdict(f).values()) + " " + activity_name(f.activity)).casefold()
            if needle in hay:
                out.append(f)
        return out

    def gaps(self) -> list[dict]:
        """What the library does not ship, each with its reason: values without a single default
        (`value: null`, their candidates) and the table-level `not_shipped` entries (e.g. combustion
        CH4/N2O, which no guideline in the reference gives)."""
        out = [{"table_id": f.table_id, "activity": f.activity, "parameter": f.parameter, "gas": f.gas,
                "candidates": list(f.candidates), "confidence": f.confidence, "reason": f.note}
               for f in self.factors if f.value is None]
        for tid, t in self.tables.items():
            for g in t.get("not_shipped", ()):
                out.append({"table_id": tid, "activity": g["activity"], "parameter": g["parameter"],
                            "gas": g.get("gas"), "candidates": [], "confidence": None, "reason": g["reason"]})
        return out

    def normalise_region(self, region: str | None) -> tuple[str | None, str | None]:
        """(province, grid region) for a region text; unknown text gives (None, None)."""
        if not region:
            return None, None
        r = str(region).strip()
        r = self.geo_aliases.get(r, r)
        if r == NATIONAL:
            return None, None
        if r in self.regions:
            return None, r
        p = _PROVINCE_SUFFIX.sub("", r) if r not in self.grid_region_of else r
        if p == "内蒙古":  # split between two grids: provincial value or national, never a guessed region
            return p, None
        if p in self.grid_region_of:
            return p, self.grid_region_of[p]
        return None, None

    # ----- the resolver
    @staticmethod
    def _rank(f: Factor, year: int):
        explicit = f.valid_from is not None or f.valid_to is not None
        if f.data_year is None:
            dy = (1, 0)
        elif f.data_year == year:
            dy = (3, f.data_year)
        else:
            dy = (2, f.data_year)
        # most recent data year first, then the most conservative (highest) value
        return (explicit, dy, f.value)

    def _pick(self, cands: list[Factor], year: int, where: str, steps: list[str]) -> Factor | None:
        usable = []
        for f in cands:
            if not f.valid_in(year):
                steps.append(f"{where}: {f.id} not valid in {year} ({f.valid_from}–{f.valid_to})")
            elif f.data_year is not None and f.data_year > year:
                steps.append(f"{where}: {f.id} is for data year {f.data_year}, later than {year}")
            elif f.value is None:
                steps.append(f"{where}: {f.id} has no single default ({f.note})")
            else:
                usable.append(f)
        if not usable:
            return None
        best = max(usable, key=lambda f: self._rank(f, year))
        how = "exact data year" if best.data_year == year else (
            f"latest data year {best.data_year} (≤ {year})" if best.data_year else "no data year")
        steps.append(f"{where}: chose {best.id} ({how}; {best.confidence})")
        return best

    def resolve(self, activity: str, parameter: str, *, year: int, method: str = "iso14064-1",
                region: str | None = None, table: str | None = None,
                lineages: tuple[str, ...] | None = None) -> Resolution:
        """Pick the factor for (activity, parameter, region, year, method) and say why.

        Fuel, process and heat: the row's table (if named), then the method's tables in order.
        Electricity: the row's table (if named), then each lineage of the method in order; within
        each, province → grid region → national; within a geography the exact data year, else the
        latest earlier data year.
        """
        m = self.method(method)
        res = Resolution(activity, parameter, None)
        cands = [f for f in self._by_key.get((activity, parameter), [])]
        if not cands:
            res.steps.append(f"the library has no {activity} {parameter}")
            return res
        chain = None
        if activity.startswith("electricity:"):
            province, grid = self.normalise_region(region)
            if region and province is None and grid is None and region not in (NATIONAL, *self.geo_aliases):
                res.steps.append(f"region {region!r} not recognised; national values only")
            chain = [("province", province), ("grid-region", grid), ("national", NATIONAL)]
        if table:
            # a named table narrows the search to that table; the geography chain still applies
            # inside it (a grid factor of another province is never the "best" value of the table)
            tc = [f for f in cands if f.table_id == table]
            if not tc:
                res.steps.append(f"{table}: no {activity} {parameter}")
            else:
                res.factor = (self._walk(tc, chain, table, year, res.steps) if chain
                              else self._pick(tc, year, table, res.steps))
                if res.factor:
                    return res
        if chain:
            for lin in lineages or m.electricity_lineages:
                lc = [f for f in cands if f.lineage == lin]
                if not lc:
                    res.steps.append(f"lineage {lin}: no {activity}")
                    continue
                res.factor = self._walk(lc, chain, lin, year, res.steps)
                if res.factor:
                    return res
            return res
        for tid in (t for t in m.tables if t != table):
            tc = [f for f in cands if f.table_id == tid]
            if not tc:
                res.steps.append(f"{tid}: no {activity} {parameter}")
                continue
            res.factor = self._pick(tc, year, tid, res.steps)
            if res.factor:
                return res
        return res

    def _walk(self, cands: list[Factor], chain, label: str, year: int, steps: list[str]) -> Factor | None:
        """Province → grid region → national within one set of candidates (a lineage or a table)."""
        for level, name in chain:
            if name is None:
                continue
            gc = [f for f in cands if f.geography_level == level and f.geography == name]
            if not gc:
                steps.append(f"{label} {level} {name}: no value")
                continue
            best = self._pick(gc, year, f"{label} {level} {name}", steps)
            if best:
                return best
        return None


@lru_cache(maxsize=4)
def default_library(data_dir: str | None = None) -> Library:
    return Library(Path(data_dir) if data_dir else DATA)
