"""Plain data types of the engine: the input dataset and its columnar activity table.

Activity records are held column-wise: text columns as `Categorical` (integer codes into a list
of distinct strings, so that a million rows with 20 fuels cost one small int array), numbers as
float64 arrays with NaN for "not given". Every check and formula then runs on whole arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

KINDS = ("fuel", "process", "fugitive", "electricity", "heat", "other")
DEFAULT_CATEGORY = {"fuel": 1, "process": 1, "fugitive": 1, "electricity": 2, "heat": 2}
DATA_CLASSES = ("continuous", "intermittent", "estimated")  # R6.2-tiers, best first
METER_CLASSES = ("continuous", "intermittent")  # a meter measures; estimation is what happens without one
FACTOR_TYPES = ("default", "measured", "supplier")
DISTRIBUTIONS = ("normal", "lognormal", "triangular", "uniform")
FLOWS = ("import", "export")

# Accepted spellings (Chinese entries of the template's validation lists) → canonical value
SYNONYMS = {
    "燃料燃烧": "fuel", "工业过程": "process", "逸散": "fugitive", "外购电力": "electricity",
    "外购热力": "heat", "其他": "other",
    "连续监测": "continuous", "连续": "continuous", "间歇监测": "intermittent", "间歇": "intermittent",
    "估算": "estimated", "连续测量": "continuous", "间断测量": "intermittent", "间歇测量": "intermittent",
    "缺省值": "default", "实测值": "measured", "供应商": "supplier",
    "输入": "import", "购入": "import", "输出": "export", "售出": "export",
    "是": "yes", "否": "no", "true": "yes", "false": "no", "1": "yes", "0": "no", "y": "yes", "n": "no",
    "正态": "normal", "对数正态": "lognormal", "三角": "triangular", "均匀": "uniform",
}


# categorical columns that decide a row's formula, factors and provenance (its class)
CLASS_COLUMNS = ("kind", "activity", "unit", "region", "factor_table", "flow", "biogenic", "gas", "factor_type",
                 "factor_tier", "ncv_unit", "factor_unit")


def blank_view(a: np.ndarray) -> bool:
    """An absent number column: the read-only all-NaN view (stride 0) the reader puts in its place."""
    return a.ndim == 1 and len(a) > 0 and a.strides[0] == 0 and bool(np.isnan(a[0]))


def select(codes: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Row mask `ok[codes]` by the cheapest whole-array pass: a constant when no level or every
    level holds, one comparison when one level holds (or all but one), two for one run of
    consecutive codes (or all but one run), else a gather.

    Codes are compared with Python ints: a NumPy int64 scalar would make NumPy cast the whole
    int32 code array to int64 first (NEP 50), an 8-byte copy per row."""
    n = len(codes)
    ok = np.asarray(ok, bool)
    hit = np.flatnonzero(ok).tolist()
    if not hit:
        return np.zeros(n, bool)
    if len(hit) == len(ok):
        return np.ones(n, bool)
    if len(hit) == 1:
        return codes == hit[0]
    miss = np.flatnonzero(~ok).tolist()
    if len(miss) == 1:
        return codes != miss[0]
    last = len(ok) - 1
    if hit[-1] - hit[0] == len(hit) - 1:
        return codes <= hit[-1] if hit[0] == 0 else codes >= hit[0] if hit[-1] == last else (
            (codes >= hit[0]) & (codes <= hit[-1]))
    if miss[-1] - miss[0] == len(miss) - 1:
        return codes > miss[-1] if miss[0] == 0 else codes < miss[0] if miss[-1] == last else (
            (codes < miss[0]) | (codes > miss[-1]))
    return ok[codes]


class Categorical:
    """Integer codes into `levels`; the empty string is the level of a blank cell."""

    __slots__ = ("codes", "levels")

    def __init__(self, codes: np.ndarray, levels: Sequence[str]):
        self.codes = np.asarray(codes, dtype=np.int32)
        self.levels = list(levels)

    @classmethod
    def from_values(cls, values: Iterable) -> Categorical:
        index: dict = {}
        codes = [index.setdefault(v, len(index)) for v in values]
        raw = list(index)
        levels = [_text(v) for v in raw]
        codes = np.asarray(codes, dtype=np.int32)
        if len(set(levels)) != len(levels):  # e.g. 101 and "101" both seen: merge their codes
            canon: dict[str, int] = {}
            remap = np.array([canon.setdefault(s, len(canon)) for s in levels], dtype=np.int32)
            return cls(remap[codes], list(canon))
        return cls(codes, levels)

    @classmethod
    def constant(cls, value: str, n: int) -> Categorical:
        """Every row the same value: the codes are a read-only zero-stride view (no memory)."""
        return cls(np.broadcast_to(np.int32(0), (n,)), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> list[str]:
        lv = self.levels
        return [lv[c] for c in self.codes.tolist()]

    def __getitem__(self, i: int) -> str:
        return self.levels[self.codes[i]]

    def level_mask(self, pred) -> np.ndarray:
        """Boolean row mask of rows whose level satisfies pred (evaluated once per level).

        No level or every level: a constant array; one level (or all but one): one comparison of
        the codes — a gather through the level table only when several levels match."""
        ok = np.fromiter((bool(pred(s)) for s in self.levels), dtype=bool, count=len(self.levels))
        return self.select(ok)

    def select(self, ok: np.ndarray) -> np.ndarray:
        """Row mask from a boolean per level (the cheapest whole-array pass that gives it)."""
        return select(self.codes, ok)

    def count(self) -> np.ndarray:
        """Rows per level."""
        return np.bincount(self.codes, minlength=len(self.levels))

    def blank(self) -> np.ndarray:
        """Rows whose cell is blank (levels are distinct: at most one blank level)."""
        if "" not in self.levels:
            return np.zeros(len(self.codes), bool)
        if len(self.levels) == 1:
            return np.ones(len(self.codes), bool)
        return self.codes == self.levels.index("")

    def map_levels(self, fn) -> Categorical:
        """Apply fn to each level (e.g. normalise synonyms); merges levels that become equal."""
        new = [fn(s) for s in self.levels]
        if new == self.levels:
            return self
        canon: dict[str, int] = {}
        remap = np.array([canon.setdefault(s, len(canon)) for s in new], dtype=np.int32)
        return Categorical(remap[self.codes] if len(new) else self.codes, list(canon))

    def take(self, idx) -> Categorical:
        return Categorical(self.codes[idx], self.levels)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def canonical(s: str) -> str:
    t = s.strip()
    return SYNONYMS.get(t, SYNONYMS.get(t.lower(), t.lower() if t.isascii() else t))


class ActivityTable:
    """Columnar activity records. `rows` are the sheet row numbers used in every message.

    The period is kept as codes into its distinct values (`period`) with the year and month of each
    distinct value (`period_year`, `period_month`; month 0 = an annual record); the per-row `year`
    and `month` arrays are built on first use."""

    def __init__(self, sheet: str, rows: np.ndarray, text: dict[str, Categorical], num: dict[str, np.ndarray],
                 period: np.ndarray, period_year: np.ndarray, period_month: np.ndarray):
        self.sheet, self.rows, self.text, self.num = sheet, rows, text, num
        self.period = np.asarray(period, dtype=np.int32)
        self.period_year = np.asarray(period_year, dtype=np.int32)
        self.period_month = np.asarray(period_month, dtype=np.int32)
        self._year = self._month = None

    @classmethod
    def from_year_month(cls, sheet, rows, text, num, year, month) -> ActivityTable:
        ym = np.asarray(year, np.int64) * 13 + np.asarray(month, np.int64)
        u, inv = np.unique(ym, return_inverse=True)
        return cls(sheet, rows, text, num, inv.reshape(-1), u // 13, u % 13)

    @property
    def year(self) -> np.ndarray:
        if self._year is None:
            self._year = self.period_year[self.period] if len(self.period_year) else np.zeros(0, np.int32)
        return self._year

    @property
    def month(self) -> np.ndarray:
        if self._month is None:
            self._month = self.period_month[self.period] if len(self.period_month) else np.zeros(0, np.int32)
        return self._month

    @property
    def years(self) -> list[int]:
        """Years present in the records."""
        present = np.bincount(self.period, minlength=len(self.period_year)) > 0
        return sorted(set(self.period_year[present].tolist()))

    def __len__(self) -> int:
        return len(self.rows)

    def class_parts(self) -> list[tuple[np.ndarray | None, int]]:
        """(codes, number of levels) of every column of the row-class key (CLASS_COLUMNS, then
        the period and the ISO category; a column with one level does not split classes)."""
        cat = self.num["category"]
        if blank_view(cat):
            cat_part = (None, 1)
        else:
            cat_nan = np.isnan(cat)
            cat_part = (None, 1) if cat_nan.all() else (np.where(cat_nan, 0, cat).astype(np.int64), 7)
        parts = [(self.t(k).codes, len(self.t(k).levels)) for k in CLASS_COLUMNS]
        return parts + [(self.period, len(self.period_year)), cat_part]

    def raw_classes(self):
        """keys.raw_classes of the class key, computed once per table: validation (which
        (kind, activity) pairs occur) and the inventory share it. None when the key space is large."""
        from .keys import raw_classes

        token = tuple(id(c) for c, _ in self.class_parts()[:-1]) + (id(self.num["category"]),)
        if getattr(self, "_raw_classes", (None,))[0] != token:
            self._raw_classes = (token, raw_classes(self.class_parts(), len(self)) if len(self) else None)
        return self._raw_classes[1]

    def t(self, key: str) -> Categorical:
        return self.text[key]

    def take(self, idx) -> ActivityTable:
        return ActivityTable(self.sheet, self.rows[idx], {k: v.take(idx) for k, v in self.text.items()},
                             {k: v[idx] for k, v in self.num.items()}, self.period[idx], self.period_year,
                             self.period_month)


@dataclass
class Settings:
    organisation: str = ""
    reporting_year: int = 0
    base_year: int | None = None
    method: str = "iso14064-1"
    gwp: str | None = None  # None: the method's basis
    region: str = ""  # default grid region/province for electricity rows
    boundary: str = "operational control"
    crosscheck_tolerance_pct: float = 5.0  # R6.2-crosscheck; a product setting, not a scheme number
    sampling_seed: int = 20240101
    recalculation_threshold_pct: float = 5.0  # base-year recalculation significance (product setting)
    sector: str = ""  # a sector method of data/sectors.json (sectors.py); "" = none


@dataclass
class Source:
    source_id: str
    facility: str = ""
    description: str = ""
    kind: str = ""
    category: int | None = None
    row: int = 0
    # R6.1-a (technical representativeness), optional: the fuel / material / energy type (the code
    # used in the Activity sheet) and the process, technology or equipment type of the source
    activity: str = ""
    technology: str = ""
    sector_source: str = ""  # the source category of the Settings sector (sectors.py), optional


@dataclass
class Meter:
    meter_id: str
    accuracy_pct: float | None = None
    accuracy_class: str = ""
    calibrated_on: object = None  # datetime.date
    valid_until: object = None
    row: int = 0
    measurement_class: str = ""  # METER_CLASSES: how the meter measures (R6.2-tiers); "" = not stated


@dataclass
class Output:
    """Production output for intensity indicators (e.g. tonnes of product)."""

    product: str
    year: int
    quantity: float
    unit: str
    facility: str = ""
    row: int = 0


@dataclass
class Target:
    target_id: str
    indicator: str  # "absolute" or "intensity:<product>"
    base_year: int
    target_year: int
    reduction_pct: float
    scope: str = "total"  # "total" or an ISO category "1".."6"
    row: int = 0


# base-year recalculation triggers (ISO 14064-1 §6.4.1): structural change, methodology or
# emission-factor change, discovery of a significant error
CHANGES = ("acquired", "divested", "methodology", "error")
CHANGE_SYNONYMS = {"收购": "acquired", "新增": "acquired", "剥离": "divested", "出售": "divested",
                   "方法学变更": "methodology", "方法变更": "methodology", "排放因子变更": "methodology",
                   "factor": "methodology", "emission-factor": "methodology", "重大错误": "error", "错误": "error"}


@dataclass
class BoundaryChange:
    """A base-year recalculation trigger (BoundaryChanges sheet).

    acquired / divested: `facility` and, when its base-year records are not in the file, its
    base-year emissions (`base_year_tco2e`). methodology (a changed method or emission factor) and
    error (a significant error found): `base_year_tco2e` is the signed correction of the base-year
    emissions (facility optional); a methodology change without it is computed by the engine."""

    facility: str
    change: str  # one of CHANGES
    year: int
    base_year_tco2e: float | None = None
    note: str = ""
    row: int = 0


LAB_PARAMETERS = ("ncv", "cc", "moisture")  # what a laboratory report states (LabReports sheet)
LAB_SYNONYMS = {"低位发热量": "ncv", "发热量": "ncv", "单位热值含碳量": "cc", "含碳量": "cc", "元素碳含量": "cc",
                "全水分": "moisture", "水分": "moisture", "收到基水分": "moisture"}


@dataclass
class LabReport:
    """One laboratory (chemical analysis) report behind a measured fuel parameter: the R6.2-crosscheck
    evidence the MEE's falsification cases turned on (back-dated or batch-issued monthly coal tests,
    invented moisture). Dates are datetime.date or None."""

    report_id: str
    source_id: str
    year: int
    month: int  # 0: a report covering the year
    parameter: str  # LAB_PARAMETERS
    value: float | None = None
    unit: str = ""
    laboratory: str = ""
    sampled_on: object = None
    tested_on: object = None
    issued_on: object = None
    used_on: object = None  # the day the value went into the ledger / the submitted report
    row: int = 0


INSTRUMENT_TYPES = ("gec", "green_power")  # 绿证 green electricity certificate; 绿电交易 green power trading contract
INSTRUMENT_SYNONYMS = {"绿证": "gec", "绿色电力证书": "gec", "GEC": "gec", "绿电": "green_power",
                       "绿电交易": "green_power", "绿色电力交易": "green_power", "green-power": "green_power"}


@dataclass
class Instrument:
    """A contractual instrument behind market-based Scope 2 (GHG Protocol Scope 2 Guidance; market.py):
    green electricity certificates (1 certificate = 1 MWh) or a green power trading contract with its
    certificates, claimed for one consumption site (facility) and period."""

    instrument_id: str
    type: str  # INSTRUMENT_TYPES
    certificate_ids: tuple[str, ...]
    quantity_mwh: float
    vintage_year: int  # the generation period of the certificates
    vintage_month: int  # 0: the year
    year: int  # the consumption period claimed
    month: int  # 0: the year
    facility: str
    note: str = ""
    row: int = 0


@dataclass
class Dataset:
    settings: Settings
    activity: ActivityTable
    sources: list[Source] = field(default_factory=list)
    meters: dict[str, Meter] = field(default_factory=dict)
    outputs: list[Output] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    boundary_changes: list[BoundaryChange] = field(default_factory=list)
    origin: str = ""  # file name, for messages
    lab_reports: list[LabReport] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
