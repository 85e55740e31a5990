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
    """Stratified by source; ⌈√n_s⌉ per stratum; reproducible for a seed (numpy PCG64)."""
    t = inv.table
    src = t.t("source_id")
    n = len(t)
    rng = np.random.default_rng(seed)
    counts = np.bincount(src.codes, minlength=len(src.levels))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    k = np.ceil(np.sqrt(counts)).astype(np.int64)
    if len(src.levels) <= 4096:
        # rows grouped by stratum (stable radix sort on 16-bit codes, O(n)), then k_s positions per stratum
        order = np.argsort(src.codes.astype(np.uint16), kind="stable")
        parts = [order[starts[s] + rng.choice(counts[s], k[s], replace=False)]
                 for s in range(len(src.levels)) if counts[s]]
        chosen = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    else:
        # many strata: one sort on (stratum + uniform key) orders every stratum randomly at once
        order = np.argsort(src.codes.astype(np.float64) + rng.random(n), kind="stable")
        pos = np.arange(n) - np.repeat(starts, counts)
        chosen = order[pos < np.repeat(k, counts)]
    chosen.sort()
    strata = {}
    rows_by = {}
    for i in chosen.tolist():
        rows_by.setdefault(src.levels[src.codes[i]], []).append(int(t.rows[i]))
    for code, name in enumerate(src.levels):
        if counts[code]:
            strata[name] = {"population": int(counts[code]), "sample": int(k[code]), "rows": rows_by.get(name, [])}
    return Sample(f"stratified random sample, {SAMPLE_RULE}", seed, n, strata, chosen)


def run_checks(inv: Inventory, findings: Findings | None = None) -> tuple[Findings, Sample]:
    f = findings if findings is not None else Findings()
    ds = inv.dataset
    t = inv.table
    sheet = t.sheet
    rows = t.rows
    blank = {k: v.blank() for k, v in t.text.items()}

    # R6.2-tiers: activity-data class on every datum; lower class needs a justification
    cls = t.t("data_class")
    f.add("R6.2-tiers", WARNING, "activity-data class (continuous / intermittent / estimated) not stated", sheet,
          rows[blank["data_class"]])
    lower = cls.level_mask(lambda c: c in ("intermittent", "estimated")) & blank["class_justification"]
    for code in np.unique(cls.codes[lower]).tolist():
        f.add("R6.2-tiers", WARNING, f"{cls.levels[code]} data used without a justification for the lower class",
              sheet, rows[lower & (cls.codes == code)])

    # R6.3-tiers: factor tier on every datum (fugitive rows use GWP only)
    not_fug = inv.kind != K_FUGITIVE
    f.add("R6.3-tiers", WARNING, "factor tier (a–f) not stated and not derivable", sheet, rows[not_fug & (inv.tier == 0)])
    low = not_fug & (inv.tier > 1) & blank["factor_justification"]
    for tier in np.unique(inv.tier[low]).tolist():
        f.add("R6.3-tiers", WARNING, f"tier {TIER_CODES[tier]} factor used without a justification for not using a "
              "higher tier", sheet, rows[low & (inv.tier == tier)])

    # R6.2-review: the review fields of every activity datum
    for k in REVIEW_FIELDS:
        f.add("R6.2-review", WARNING, f"{k} missing", sheet, rows[blank[k]])

    # R6.3-measured: review fields of measured / supplier factors
    ftype = t.t("factor_type")
    own = inv.given["NCV"] | inv.given["CC"] | inv.given["OF"] | inv.given["EF"]
    measured = ftype.level_mask(lambda x: x in ("measured", "supplier")) | (own & blank["factor_type"])
    for k in FACTOR_REVIEW_FIELDS:
        f.add("R6.3-measured", WARNING, f"measured factor: {k} missing", sheet, rows[measured & blank[k]])

    _check_defaults(inv, f, ftype)

    # R6.3-review: library values marked unverified are shown wherever they are used
    if inv.uses_unverified.any():
        for ci in np.unique(inv.combo[inv.uses_unverified]).tolist():
            c = inv.combos[ci]
            ids = [r.factor.id for r in c.resolutions.values() if r.factor and r.factor.unverified]
            f.add("R6.3-review", WARNING, "UNVERIFIED library value used (compare with the official document): "
                  + ", ".join(ids), sheet, rows[inv.uses_unverified & (inv.combo == ci)])

    _check_calibration(inv, f, cls, blank)
    _check_crosscheck(inv, f, blank)
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
    declared = ftype.level_mask(lambda x: x == "default")
    for p, col in (("NCV", "ncv"), ("CC", "cc"), ("OF", "of"), ("EF", "factor")):
        m = declared & inv.given[p]
        if not m.any():
            continue
        lib_val = np.full(len(inv.combos), np.nan)
        for i, c in enumerate(inv.combos):
            fac = c.factor(p)
            if fac is not None:
                lib_val[i] = fac.per_canonical
        ref = lib_val[inv.combo]
        used = inv.params[p]
        # relative 1e-12: the same decimal in another unit spelling is equal, anything else is not
        differs = m & (np.isnan(ref) | ~np.isclose(used, ref, rtol=1e-12, atol=0))
        idx = np.flatnonzero(differs)
        if len(idx):
            given_vals, combos = t.num[col][idx], inv.combo[idx]

            def detail(k: int, p=p, given_vals=given_vals, combos=combos) -> str:
                fac = inv.combos[combos[k]].factor(p)
                return (f"given {given_vals[k]:g}, library {fac.label()}" if fac
                        else f"given {given_vals[k]:g}; the method's tables have no single default")

            f.add("R6.3-default", BLOCKING, f"{p} declared as the guideline default differs from the guideline value",
                  t.sheet, t.rows[idx], detail)


def _check_calibration(inv: Inventory, f: Findings, cls, blank) -> None:
    """R6.2-calibration: data measured by a meter outside its calibration validity."""
    t = inv.table
    meters = inv.dataset.meters
    mid = t.t("meter_id")
    known = mid.level_mask(lambda m: m in meters)
    f.add("R6.2-calibration", BLOCKING, "meter not in the Meters register (no calibration evidence)", t.sheet,
          t.rows[~blank["meter_id"] & ~known])
    measured = cls.level_mask(lambda c: c in ("continuous", "intermittent"))
    f.add("R6.2-calibration", WARNING, "measured data without a meter id: calibration cannot be confirmed", t.sheet,
          t.rows[measured & blank["meter_id"]])
    if not meters:
        return
    # month index (year*12+month-1) of the first and last fully-covered month per meter
    far = 10**7
    lo = np.array([_month_index(meters[m].calibrated_on, up=True) if m in meters and meters[m].calibrated_on else -far
                   for m in mid.levels] or [-far])
    hi = np.array([_month_index(meters[m].valid_until, up=False) if m in meters and meters[m].valid_until else far
                   for m in mid.levels] or [far])
    first = t.year.astype(np.int64) * 12 + np.maximum(t.month, 1) - 1
    last = t.year.astype(np.int64) * 12 + np.where(t.month == 0, 12, t.month) - 1  # annual record: Jan–Dec
    out = known & ((first < lo[mid.codes]) | (last > hi[mid.codes]))
    for code in np.unique(mid.codes[out]).tolist():
        m = meters[mid.levels[code]]
        f.add("R6.2-calibration", BLOCKING,
              f"data from meter {m.meter_id} outside its calibration validity ({m.calibrated_on or '?'} – {m.valid_until})",
              t.sheet, t.rows[out & (mid.codes == code)])


def _month_index(d: dt.date, *, up: bool) -> int:
    """Months fully inside the validity: a calibration on the 15th covers from the next month."""
    idx = d.year * 12 + d.month - 1
    if up and d.day > 1:
        return idx + 1
    if not up and (d + dt.timedelta(days=1)).month == d.month:  # not the last day of its month
        return idx - 1
    return idx


def _check_crosscheck(inv: Inventory, f: Findings, blank) -> None:
    """R6.2-crosscheck: every datum against an independent source, deviation beyond tolerance."""
    t = inv.table
    tol = inv.dataset.settings.crosscheck_tolerance_pct
    x = t.num["crosscheck_quantity"]
    q = t.num["quantity"]
    f.add("R6.2-crosscheck", WARNING, "no independent source recorded for this datum", t.sheet,
          t.rows[blank["crosscheck_source"] & np.isnan(x)])
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.abs(q - x) / np.abs(x) * 100.0
    dev = np.where((x == 0) & (q == 0), 0.0, dev)
    off = ~np.isnan(x) & (dev > tol)
    idx = np.flatnonzero(off)
    if len(idx):
        src = t.t("crosscheck_source")
        qi, xi, di, si = q[idx], x[idx], dev[idx], src.codes[idx]

        def detail(k: int) -> str:
            return f"{qi[k]:g} vs {xi[k]:g} in {src.levels[si[k]] or 'the independent source'}: {di[k]:.2f}%"

        f.add("R6.2-crosscheck", BLOCKING, f"activity datum deviates from its independent source by more than {tol:g}%",
              t.sheet, t.rows[idx], detail)


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
    # months with data per source in one pass: counts[source, month] (month 0 = an annual record)
    sel = t.year == year
    counts = np.bincount(src.codes[sel].astype(np.int64) * 13 + t.month[sel],
                         minlength=13 * len(src.levels)).reshape(-1, 13)
    n_months = np.where(counts[:, 0] > 0, 12, (counts[:, 1:] > 0).sum(axis=1))
    months = {name: int(n_months[code]) for code, name in enumerate(src.levels)}
    with_data = {name for name, m in months.items() if m}
    declared = {s.source_id for s in ds.sources}
    missing = [s for s in ds.sources if s.source_id not in with_data]
    for s in missing:
        f.add("R6.1-b", BLOCKING, f"declared source {s.source_id} ({s.description or s.facility}) has no data in {year}",
              sheet, [s.row])
    undeclared = src.level_mask(lambda s: s not in declared and s != "")
    f.add("R6.1-b", WARNING, "source not in the declared source list", t.sheet, t.rows[undeclared])
    partial = [s for s in ds.sources if 0 < months.get(s.source_id, 0) < 12]
    for s in partial:
        f.add("R6.1-b", WARNING, f"source {s.source_id} has data for {months[s.source_id]} of 12 months in {year}",
              sheet, [s.row])


def sample_size(n: int) -> int:
    return math.ceil(math.sqrt(n)) if n > 0 else 0
