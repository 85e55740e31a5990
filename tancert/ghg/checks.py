"""Data-quality checks of R6 (scheme CEC-7048CMS-A/2), each finding citing its rule key and row.

Severity policy (a product decision, documented in docs/ghg.md):
  blocking — the quantified statement cannot stand as is: a declared source has no data (R6.1-b),
             a "default" factor differs from the guideline (R6.3-default), data from a meter outside
             its calibration validity or not in the register (R6.2-calibration), activity data off
             their independent source beyond tolerance (R6.2-crosscheck);
  warning  — evidence the auditor must obtain: missing review fields, lower class/tier without a
             justification, no cross-check source, unverified library values in use;
  info     — the sample to verify (R6.2-sampling), the method and GWP basis (R5.a).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from .findings import BLOCKING, INFO, WARNING, Findings
from .importer import sheet_title
from .inventory import K_FUGITIVE, TIER_CODES, Inventory
from .model import select

REVIEW_FIELDS = ("data_source", "monitoring_method", "monitoring_frequency", "recording_frequency",
                 "missing_data_handling")
FACTOR_REVIEW_FIELDS = ("factor_source", "factor_monitoring_method", "factor_monitoring_frequency",
                        "factor_recording_frequency", "factor_missing_data_handling")
# R6.2-sampling: for n similar records verification practice samples at least ⌈√n⌉ (reference §7, secondary)
SAMPLE_RULE = "⌈√n⌉ records per stratum (source), drawn without replacement"


@dataclass
class Sample:
    """R6.2-sampling: which records the auditor verifies, and how they were chosen."""

    method: str
    seed: int
    population: int
    strata: dict[str, dict] = field(default_factory=dict)  # source → {"population", "sample", "rows"}
    index: np.ndarray | None = None  # row positions in the activity table

    @property
    def size(self) -> int:
        return 0 if self.index is None else len(self.index)

    def as_dict(self) -> dict:
        return {"method": self.method, "seed": self.seed, "population": self.population, "size": self.size,
                "strata": self.strata}


def draw_sample(inv: Inventory, seed: int) -> Sample:
    """Stratified by source; ⌈√n_s⌉ per stratum without replacement; reproducible for a seed.

    Every record gets a uniform key from numpy's PCG64 seeded with `seed`; a stratum's sample is
    its ⌈√n_s⌉ records with the smallest keys (a uniformly random subset of that size; ties by row
    order). Only the records below a per-stratum threshold are sorted; a stratum whose candidates
    fall short (rare) is completed exactly from all its records."""
    t = inv.table
    src = t.t("source_id")
    n = len(t)
    rng = np.random.default_rng(seed)
    counts = inv.source_period_counts().sum(axis=1) if n else np.zeros(len(src.levels), np.int64)
    k = np.ceil(np.sqrt(counts)).astype(np.int64)
    u = rng.random(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        thr = np.minimum(1.0, (k + 4 * np.sqrt(k) + 8) / counts)  # ≈3.8σ margin: shortfalls are rare
    cand = np.flatnonzero(u < thr[src.codes])  # ascending rows
    cs = src.codes[cand].astype(np.int64)
    # (stratum, key) packed in one int64 (key's top 31 bits): a value sort gives each stratum's
    # k-th smallest key; the sample is then the candidates at or below it, already in row order
    packed = (cs << 31) | (u[cand] * 2.0**31).astype(np.int64)
    srt = np.sort(packed)
    ccount = np.bincount(cs, minlength=len(src.levels))
    start = np.cumsum(ccount) - ccount
    kth = np.full(len(src.levels), -1, np.int64)
    ok = (ccount >= k) & (k > 0)
    kth[ok] = srt[start[ok] + k[ok] - 1]
    sel = packed <= kth[cs]
    chosen = cand[sel]
    short = np.flatnonzero((np.bincount(cs[sel], minlength=len(src.levels)) != k) & (counts > 0))
    if len(short):  # too few candidates, or tied keys at the boundary: exact from the whole stratum
        keep = chosen[~np.isin(src.codes[chosen], short)]
        extra = []
        for s in short.tolist():
            rows_s = np.flatnonzero(src.codes == s)
            extra.append(rows_s[np.argsort(u[rows_s], kind="stable")[:k[s]]])
        chosen = np.sort(np.concatenate([keep, *extra]))
    # rows per stratum, ascending: one value sort of (stratum, position)
    grp = np.sort((src.codes[chosen].astype(np.int64) << 32) | chosen)
    grouped = t.rows[grp & 0xFFFFFFFF].tolist()
    strata = {}
    pos = 0
    levels = src.levels
    for code, kk, cnt in zip(np.flatnonzero(counts).tolist(), k[counts > 0].tolist(), counts[counts > 0].tolist(),
                             strict=True):
        strata[levels[code]] = {"population": cnt, "sample": kk, "rows": grouped[pos:pos + kk]}
        pos += kk
    return Sample(f"stratified random sample, {SAMPLE_RULE}", seed, n, strata, chosen)


def _all_blank(cat) -> bool:
    return all(v == "" for v in cat.levels)


def run_checks(inv: Inventory, findings: Findings | None = None) -> tuple[Findings, Sample]:
    """Every data-quality check, on whole columns and on row classes (inv.cls): masks are counted
    at once, the rows of a finding are listed only when the findings are read."""
    f = findings if findings is not None else Findings()
    ds = inv.dataset
    t = inv.table
    sheet = t.sheet
    rows = t.rows

    def blank(k):
        return t.t(k).blank()

    def by_class(rule, severity, message, cmask, row_cat=None):
        """Rows of the classes in cmask (and, if given, whose row_cat column is blank)."""
        if not cmask.any() or (row_cat is not None and "" not in row_cat.levels):
            return
        if row_cat is None or _all_blank(row_cat):
            f.add_lazy(rule, severity, message, sheet, inv.count_where(cmask), lambda: rows[inv.rows_where(cmask)])
        else:
            f.add_mask(rule, severity, message, sheet, rows, inv.rows_where(cmask) & row_cat.blank())

    # R6.2-tiers: activity-data class on every datum; lower class needs a justification
    cls = t.t("data_class")
    f.add_mask("R6.2-tiers", WARNING, "activity-data class (continuous / intermittent / estimated) not stated", sheet,
               rows, blank("data_class"))
    cj = blank("class_justification")
    for code, level in enumerate(cls.levels):
        if level in ("intermittent", "estimated"):
            f.add_mask("R6.2-tiers", WARNING, f"{level} data used without a justification for the lower class",
                       sheet, rows, (cls.codes == code) & cj)

    # R6.3-tiers: factor tier on every datum (fugitive rows use GWP only)
    c = inv.cls
    not_fug = c["kind"] != K_FUGITIVE
    by_class("R6.3-tiers", WARNING, "factor tier (a–f) not stated and not derivable", not_fug & (c["tier"] == 0))
    low = not_fug & (c["tier"] > 1)
    for tier in np.unique(c["tier"][low & (c["count"] > 0)]).tolist():
        by_class("R6.3-tiers", WARNING, f"tier {TIER_CODES[tier]} factor used without a justification for not using a "
                 "higher tier", low & (c["tier"] == tier), t.t("factor_justification"))

    # R6.2-review: the review fields of every activity datum
    for k in REVIEW_FIELDS:
        f.add_mask("R6.2-review", WARNING, f"{k} missing", sheet, rows, blank(k))

    # R6.3-measured: review fields of measured / supplier factors
    ftype = t.t("factor_type")
    fcode = inv.cls_codes["factor_type"]
    own = inv.cls_given["NCV"] | inv.cls_given["CC"] | inv.cls_given["OF"] | inv.cls_given["EF"]
    measured = (np.array([x in ("measured", "supplier") for x in ftype.levels] or [False])[fcode]
                | (own & np.array([x == "" for x in ftype.levels] or [True])[fcode]))
    for k in FACTOR_REVIEW_FIELDS:
        by_class("R6.3-measured", WARNING, f"measured factor: {k} missing", measured, t.t(k))

    _check_defaults(inv, f, ftype)

    # R6.3-review: library values marked unverified are shown wherever they are used
    unver = c["unverified"] & (c["count"] > 0)
    for ci in np.unique(c["combo"][unver]).tolist():
        ids = [r.factor.id for r in inv.combos[ci].resolutions.values() if r.factor and r.factor.unverified]
        by_class("R6.3-review", WARNING, "UNVERIFIED library value used (compare with the official document): "
                 + ", ".join(ids), unver & (c["combo"] == ci))

    _check_calibration(inv, f, cls)
    _check_crosscheck(inv, f)
    _check_completeness(inv, f)

    sample = draw_sample(inv, ds.settings.sampling_seed)
    f.add("R6.2-sampling", INFO, f"verify {sample.size} of {sample.population} records: {sample.method}; "
          f"seed {sample.seed}", sheet, None)
    m = inv.library.method(ds.settings.method)
    f.add("R5.a", INFO, f"method {m.id} ({m.title}); GWP basis {inv.gwp_basis}", sheet_title("Settings"), None)
    return f, sample


def _check_defaults(inv: Inventory, f: Findings, ftype) -> None:
    """R6.3-default: a value declared as the guideline default must equal the library's value exactly."""
    t = inv.table
    declared = np.array([x == "default" for x in ftype.levels] or [False])[inv.cls_codes["factor_type"]]
    for p, col in (("NCV", "ncv"), ("CC", "cc"), ("OF", "of"), ("EF", "factor")):
        m = declared & inv.cls_given[p]
        if not m.any():
            continue
        lib_val = np.full(len(inv.combos), np.nan)
        for i, c in enumerate(inv.combos):
            fac = c.factor(p)
            if fac is not None:
                lib_val[i] = fac.per_canonical
        ref = lib_val[inv.cls["combo"]]
        used = inv.cls_params[p]
        # relative 1e-12: the same decimal in another unit spelling is equal, anything else is not
        differs = m & (np.isnan(ref) | ~np.isclose(used, ref, rtol=1e-12, atol=0))
        idx = np.flatnonzero(inv.rows_where(differs)) if differs.any() else []
        if len(idx):
            given_vals, combos = t.num[col][idx], inv.combo[idx]

            def detail(k: int, p=p, given_vals=given_vals, combos=combos) -> str:
                fac = inv.combos[combos[k]].factor(p)
                return (f"given {given_vals[k]:g}, library {fac.label()}" if fac
                        else f"given {given_vals[k]:g}; the method's tables have no single default")

            f.add("R6.3-default", BLOCKING, f"{p} declared as the guideline default differs from the guideline value",
                  t.sheet, t.rows[idx], detail)


def _check_calibration(inv: Inventory, f: Findings, cls) -> None:
    """R6.2-calibration: data measured by a meter outside its calibration validity."""
    t = inv.table
    meters = inv.dataset.meters
    mid = t.t("meter_id")
    f.add_mask("R6.2-calibration", BLOCKING, "meter not in the Meters register (no calibration evidence)", t.sheet,
               t.rows, mid.level_mask(lambda m: m != "" and m not in meters))
    measured = cls.level_mask(lambda c: c in ("continuous", "intermittent"))
    if "" in mid.levels and measured.any():
        f.add_mask("R6.2-calibration", WARNING, "measured data without a meter id: calibration cannot be confirmed",
                   t.sheet, t.rows, measured & mid.blank())
    if not meters:
        return
    # month index (year*12+month-1) of the first and last fully-covered month per meter, and of the
    # first and last month of each distinct period: the test runs on (meter, period) pairs
    far = 10**7
    py, pm = t.period_year.astype(np.int64), t.period_month.astype(np.int64)
    first = py * 12 + np.maximum(pm, 1) - 1
    last = py * 12 + np.where(pm == 0, 12, pm) - 1  # annual record: Jan–Dec
    for code, name in enumerate(mid.levels):
        if name not in meters:
            continue
        m = meters[name]
        lo = _month_index(m.calibrated_on, up=True) if m.calibrated_on else -far
        hi = _month_index(m.valid_until, up=False) if m.valid_until else far
        out_period = (first < lo) | (last > hi)
        if out_period.any():
            f.add_mask("R6.2-calibration", BLOCKING,
                       f"data from meter {m.meter_id} outside its calibration validity ({m.calibrated_on or '?'} – "
                       f"{m.valid_until})", t.sheet, t.rows, (mid.codes == code) & select(t.period, out_period))


def _month_index(d: dt.date, *, up: bool) -> int:
    """Months fully inside the validity: a calibration on the 15th covers from the next month."""
    idx = d.year * 12 + d.month - 1
    if up and d.day > 1:
        return idx + 1
    if not up and (d + dt.timedelta(days=1)).month == d.month:  # not the last day of its month
        return idx - 1
    return idx


def _check_crosscheck(inv: Inventory, f: Findings) -> None:
    """R6.2-crosscheck: every datum against an independent source, deviation beyond tolerance."""
    t = inv.table
    tol = inv.dataset.settings.crosscheck_tolerance_pct
    x = t.num["crosscheck_quantity"]
    q = t.num["quantity"]
    no_x = np.isnan(x)
    src = t.t("crosscheck_source")
    if "" in src.levels:
        f.add_mask("R6.2-crosscheck", WARNING, "no independent source recorded for this datum", t.sheet, t.rows,
                   src.blank() & no_x)
    if no_x.all():
        return
    with np.errstate(divide="ignore", invalid="ignore"):  # x ≥ 0 (validated at import)
        dev = np.subtract(q, x)
        np.abs(dev, out=dev)
        dev /= x
    off = dev > tol / 100.0  # NaN (no source value, or 0 vs 0) is never beyond tolerance
    cache: dict = {}

    def detail(k: int) -> str:
        if not cache:
            cache["i"] = np.flatnonzero(off)
        i = cache["i"][k]
        return f"{q[i]:g} vs {x[i]:g} in {src.levels[src.codes[i]] or 'the independent source'}: {dev[i] * 100:.2f}%"

    f.add_mask("R6.2-crosscheck", BLOCKING, f"activity datum deviates from its independent source by more than {tol:g}%",
               t.sheet, t.rows, off, detail)


def _check_completeness(inv: Inventory, f: Findings) -> None:
    """R6.1-b: every declared source has data in the reporting year; every record has a declared source."""
    ds = inv.dataset
    t = inv.table
    sheet = sheet_title("Sources")
    if not ds.sources:
        f.add("R6.1-b", WARNING, "no declared source list (Sources sheet): completeness cannot be checked", sheet, None)
        return
    src = t.t("source_id")
    year = ds.settings.reporting_year
    # months with data per source in one pass: counts[source, period], then per month (0 = annual)
    counts = inv.source_period_counts()
    has = np.zeros((len(src.levels), 13), bool)
    for j in np.flatnonzero(t.period_year == year).tolist():
        has[:, t.period_month[j]] |= counts[:, j] > 0
    n_months = np.where(has[:, 0], 12, has[:, 1:].sum(axis=1))
    months = {name: int(n_months[code]) for code, name in enumerate(src.levels)}
    with_data = {name for name, m in months.items() if m}
    declared = {s.source_id for s in ds.sources}
    missing = [s for s in ds.sources if s.source_id not in with_data]
    for s in missing:
        f.add("R6.1-b", BLOCKING, f"declared source {s.source_id} ({s.description or s.facility}) has no data in {year}",
              sheet, [s.row])
    undeclared = src.level_mask(lambda s: s not in declared and s != "")
    f.add_mask("R6.1-b", WARNING, "source not in the declared source list", t.sheet, t.rows, undeclared)
    partial = [s for s in ds.sources if 0 < months.get(s.source_id, 0) < 12]
    for s in partial:
        f.add("R6.1-b", WARNING, f"source {s.source_id} has data for {months[s.source_id]} of 12 months in {year}",
              sheet, [s.row])


def sample_size(n: int) -> int:
    return math.ceil(math.sqrt(n)) if n > 0 else 0
