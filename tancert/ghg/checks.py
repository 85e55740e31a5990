"""Data-quality checks of R6 (scheme CEC-7048CMS-A/2), each finding citing its rule key and row.

Severity policy (a product decision, documented in docs/ghg.md):
  (R6.1-a, R6.1-c and R6.3-sampling: tancert.ghg.quality, warnings)
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

import numpy as np

from . import quality, sampling, screening
from .findings import BLOCKING, INFO, WARNING, Findings
from .importer import sheet_title
from .inventory import K_FUGITIVE, TIER_CODES, Inventory
from .model import DATA_CLASSES, select
from .sampling import SAMPLE_METHOD_ZH, SAMPLE_RULE, Sample, sample_size  # noqa: F401  (re-exported)
from .sources_zh import factor_zh

# Method titles in Chinese for message_zh (a Chinese message names no method in English; the other methods'
# titles in data/methods.json are Chinese already).
METHOD_TITLES_ZH = {"iso14064-1": "ISO 14064-1:2018 组织层面温室气体清单（采用国家缺省值）"}

CHUNK = 1 << 16  # rows per chunk of a fused element-wise pass (fits the CPU cache)
REVIEW_FIELDS = ("data_source", "monitoring_method", "monitoring_frequency", "recording_frequency",
                 "missing_data_handling")
FACTOR_REVIEW_FIELDS = ("factor_source", "factor_monitoring_method", "factor_monitoring_frequency",
                        "factor_recording_frequency", "factor_missing_data_handling")
# Chinese names of the review fields and classes for message_zh (scheme §6 wording, zh text binding)
REVIEW_FIELDS_ZH = {"data_source": "数据来源", "monitoring_method": "监测方法", "monitoring_frequency": "监测频次",
                    "recording_frequency": "记录频次", "missing_data_handling": "数据缺失处理方式",
                    "factor_source": "数据来源", "factor_monitoring_method": "监测方法",
                    "factor_monitoring_frequency": "监测频次", "factor_recording_frequency": "记录频次",
                    "factor_missing_data_handling": "数据缺失处理方式"}
CLASS_ZH = {"continuous": "连续测量", "intermittent": "间断测量", "estimated": "估算"}


def draw_sample(inv: Inventory, seed: int, screen: screening.Screen | None = None) -> Sample:
    """R6.2-sampling: stratified by source, ⌈√n_s⌉ per stratum without replacement, reproducible
    for a seed — the rule and how it is drawn: tancert.ghg.sampling. Rows the screening flagged
    (screening.py) are added to the draw, each with why: the random part stays as drawn."""
    t = inv.table
    src = t.t("source_id")
    counts = inv.source_period_counts().sum(axis=1) if len(t) else np.zeros(len(src.levels), np.int64)
    sample = sampling.draw(src.codes, src.levels, counts, seed, t.rows, inv.source_block_counts() if len(t) else None)
    if screen is not None and screen.blocks:
        pos = screen.index
        sample.index = np.union1d(sample.index if sample.index is not None else np.zeros(0, np.int64), pos)
        sample.forced_index = pos
        sample._reasons = lambda: screen.reasons(t.rows)
    return sample


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
        return t.t(k).blank

    def justified(cat, level_code, justification):  # rows of a level whose justification is blank
        if "" not in justification.levels:
            return lambda: np.zeros(len(rows), bool)
        if len(justification.levels) == 1:  # column absent or all blank
            return lambda: cat.codes == level_code
        return lambda: (cat.codes == level_code) & justification.blank()

    def by_class(rule, severity, message, cmask, row_cat=None, message_zh=""):
        """Rows of the classes in cmask (and, if given, whose row_cat column is blank)."""
        if not cmask.any() or (row_cat is not None and "" not in row_cat.levels):
            return
        if row_cat is None or _all_blank(row_cat):
            f.add_lazy(rule, severity, message, sheet, inv.count_where(cmask), lambda: rows[inv.rows_where(cmask)],
                       message_zh=message_zh)
        else:
            f.add_mask(rule, severity, message, sheet, rows, lambda: inv.rows_where(cmask) & row_cat.blank(),
                       message_zh=message_zh)

    # R6.2-tiers: activity-data class on every datum; lower class needs a justification
    cls = t.t("data_class")
    f.add_mask("R6.2-tiers", WARNING, "activity-data class (continuous / intermittent / estimated) not stated", sheet,
               rows, blank("data_class"), message_zh="未说明活动数据类别（连续测量 / 间断测量 / 估算）")
    cj = t.t("class_justification")
    for code, level in enumerate(cls.levels):
        if level in ("intermittent", "estimated"):
            f.add_mask("R6.2-tiers", WARNING, f"{level} data used without a justification for the lower class",
                       sheet, rows, justified(cls, code, cj),
                       message_zh=f"使用{CLASS_ZH[level]}的活动数据，但未说明采用较低类别的理由")

    _check_meter_class(inv, f, cls)

    # R6.3-tiers: factor tier on every datum (fugitive rows use GWP only)
    c = inv.cls
    not_fug = c["kind"] != K_FUGITIVE
    by_class("R6.3-tiers", WARNING, "factor tier (a–f) not stated and not derivable", not_fug & (c["tier"] == 0),
             message_zh="未说明排放因子等级（a–f），也无法推导")
    low = not_fug & (c["tier"] > 1)
    for tier in np.unique(c["tier"][low & (c["count"] > 0)]).tolist():
        by_class("R6.3-tiers", WARNING, f"tier {TIER_CODES[tier]} factor used without a justification for not using a "
                 "higher tier", low & (c["tier"] == tier), t.t("factor_justification"),
                 message_zh=f"使用 {TIER_CODES[tier]} 级排放因子，但未说明不采用更高等级的理由")

    # R6.2-review: the review fields of every activity datum
    for k in REVIEW_FIELDS:
        f.add_mask("R6.2-review", WARNING, f"{k} missing", sheet, rows, blank(k),
                   message_zh=f"活动数据缺少{REVIEW_FIELDS_ZH[k]}（{k}）")

    _check_duplicates(inv, f)

    # R6.3-measured: review fields of measured / supplier factors
    ftype = t.t("factor_type")
    fcode = inv.cls_codes["factor_type"]
    own = inv.cls_given["NCV"] | inv.cls_given["CC"] | inv.cls_given["OF"] | inv.cls_given["EF"]
    measured = (np.array([x in ("measured", "supplier") for x in ftype.levels] or [False])[fcode]
                | (own & np.array([x == "" for x in ftype.levels] or [True])[fcode]))
    for k in FACTOR_REVIEW_FIELDS:
        by_class("R6.3-measured", WARNING, f"measured factor: {k} missing", measured, t.t(k),
                 message_zh=f"实测排放因子缺少{REVIEW_FIELDS_ZH[k]}（{k}）")

    # R6.3-sampling: sampling method and number of samples of measured (tier a) factors
    # of the row's own measured values (NCV, CC, OF or EF given, factor_type measured or blank — a
    # supplier's factor is sampled by the supplier, a declared default is not sampled), whatever
    # tier the combination gets from the library values it also uses
    own_meas = own & np.array([x in ("measured", "") for x in ftype.levels] or [True])[fcode]
    quality.check_factor_sampling(inv, f, own_meas & not_fug & (c["count"] > 0))

    _check_defaults(inv, f, ftype)

    # R6.3-review: library values marked unverified are shown wherever they are used
    unver = c["unverified"] & (c["count"] > 0)
    for ci in np.unique(c["combo"][unver]).tolist():
        ids = [r.factor.id for r in inv.combos[ci].resolutions.values() if r.factor and r.factor.unverified]
        by_class("R6.3-review", WARNING, "UNVERIFIED library value used (compare with the official document): "
                 + ", ".join(ids), unver & (c["combo"] == ci),
                 message_zh="使用了未经核实的因子库数值（请与官方文件核对）：" + "、".join(map(factor_zh, ids)))

    _check_calibration(inv, f, cls)
    _check_crosscheck(inv, f)
    _check_completeness(inv, f)
    quality.check_representativeness(inv, f)  # R6.1-a
    quality.check_accuracy(inv, f)  # R6.1-c

    screen = screening.screen(inv, f)  # fraud and anomaly screening: flagged rows join the sample
    sample = draw_sample(inv, ds.settings.sampling_seed, screen)
    n_forced = 0 if sample.forced_index is None else len(sample.forced_index)
    extra = (f" (including {n_forced} flagged by the screening)", f"（含筛查标记的 {n_forced} 条）") if n_forced else ("", "")
    f.add("R6.2-sampling", INFO, f"verify {sample.size} of {sample.population} records{extra[0]}: {sample.method}; "
          f"seed {sample.seed}", sheet, None,
          message_zh=f"抽样核查 {sample.population} 条记录中的 {sample.size} 条{extra[1]}：{SAMPLE_METHOD_ZH}；"
          f"随机种子 {sample.seed}")
    m = inv.library.method(ds.settings.method)
    f.add("R5.a", INFO, f"method {m.id} ({m.title}); GWP basis {inv.gwp_basis}", sheet_title("Settings"), None,
          message_zh=f"量化方法：{METHOD_TITLES_ZH.get(m.id, m.title)}；全球变暖潜势依据 IPCC {inv.gwp_basis}")
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
                  t.sheet, t.rows[idx], detail, message_zh=f"声明为指南缺省值的{p}与指南数值不一致")


def _check_calibration(inv: Inventory, f: Findings, cls) -> None:
    """R6.2-calibration: data measured by a meter outside its calibration validity."""
    t = inv.table
    meters = inv.dataset.meters
    mid = t.t("meter_id")
    f.add_mask("R6.2-calibration", BLOCKING, "meter not in the Meters register (no calibration evidence)", t.sheet,
               t.rows, lambda: mid.level_mask(lambda m: m != "" and m not in meters),
               message_zh="计量器具不在计量器具台账（Meters）中（无校准证据）")
    if "" in mid.levels and any(c in ("continuous", "intermittent") for c in cls.levels):
        f.add_mask("R6.2-calibration", WARNING, "measured data without a meter id: calibration cannot be confirmed",
                   t.sheet, t.rows, lambda: cls.level_mask(lambda c: c in ("continuous", "intermittent")) & mid.blank(),
                   message_zh="测量数据未填写计量器具编号：无法确认校准")
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
                       f"{m.valid_until})", t.sheet, t.rows,
                       lambda code=code, out_period=out_period: (mid.codes == code) & select(t.period, out_period),
                       message_zh=f"数据来自校准有效期之外的计量器具 {m.meter_id}（{m.calibrated_on or '?'} – "
                       f"{m.valid_until}）")


DUPLICATE_KEY = ("source_id", "kind", "activity", "unit", "meter_id")  # with the period and the quantity


def _check_duplicates(inv: Inventory, f: Findings) -> None:
    """R6.2-review: two records with the same source, period, kind, activity, quantity, unit and
    meter are the same datum entered twice until shown otherwise — counted twice, the total is
    wrong. They are flagged (never dropped: a second delivery of the same size is possible).

    Equal records have bit-equal quantities: one sort of the quantities' bits finds the values
    that occur more than once (usually none in measured data: the check ends there); only the rows
    holding such a value are compared on the whole key."""
    t = inv.table
    n = len(t)
    if n < 2:
        return
    qbits = np.ascontiguousarray(t.num["quantity"]).view(np.uint64)
    qs_all = np.sort(qbits)
    twice = qs_all[1:][qs_all[1:] == qs_all[:-1]]
    if not len(twice):
        return
    live = np.arange(n) if len(twice) * 4 > n else np.flatnonzero(np.isin(qbits, np.unique(twice)))
    q = qbits[live]
    key = t.period[live].astype(np.int64)
    radix = max(len(t.period_year), 1)
    for name in DUPLICATE_KEY:
        c = t.t(name)
        size = max(len(c.levels), 1)
        if radix * size >= 2**62:  # too many levels for one integer: renumber the combined key
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
            radix = int(key.max()) + 1
        key = key * size + c.codes[live]
        radix *= size
    cand = live
    order = np.lexsort((q, key))
    ks, qs = key[order], q[order]
    same = (ks[1:] == ks[:-1]) & (qs[1:] == qs[:-1])
    if not same.any():
        return
    new_group = np.concatenate([[True], ~same])
    group = np.cumsum(new_group) - 1
    dup = np.bincount(group)[group] > 1
    rows_sorted = t.rows[cand[order]]
    first = rows_sorted[np.flatnonzero(new_group)]  # per group: its first and second row (sorted order
    second = rows_sorted[np.minimum(np.flatnonzero(new_group) + 1, len(rows_sorted) - 1)]  # keeps row order)
    by_row = np.argsort(rows_sorted[dup], kind="stable")
    row_list = rows_sorted[dup][by_row]
    g_of = group[dup][by_row]

    def other(k: int) -> str:  # the row this copy repeats (for the first of a group: the second)
        g = g_of[k]
        return f"= {first[g] if row_list[k] != first[g] else second[g]}"

    f.add("R6.2-review", WARNING,
          "duplicate record: same source, period, kind, activity, quantity, unit and meter as the row(s) named — "
          "counted twice; remove the copy or record why both are separate data", t.sheet, row_list, other,
          message_zh="重复记录：与所列行的排放源、期间、类型、活动、数量、单位和计量器具均相同——被重复计入；"
          "请删除重复项，或说明两者为何是不同的数据")


def _check_meter_class(inv: Inventory, f: Findings, cls) -> None:
    """R6.2-tiers: a record declared in a lower class than its registered meter measures (an
    estimate where a continuous meter exists): the higher class is available, so it must be used —
    a justification does not clear it, the meter's reading is the datum to verify."""
    t = inv.table
    meters = inv.dataset.meters
    mid = t.t("meter_id")
    rank = {c: i for i, c in enumerate(DATA_CLASSES)}
    for code, name in enumerate(mid.levels):
        m = meters.get(name)
        if m is None or not m.measurement_class:
            continue
        mr = rank[m.measurement_class]
        lower = [c for c in cls.levels if c in rank and rank[c] > mr]
        if not lower:
            continue
        f.add_mask("R6.2-tiers", WARNING,
                   f"record declared {' / '.join(lower)} although meter {name} measures it {m.measurement_class}: "
                   "use the meter's reading (the higher class)", t.sheet, t.rows,
                   lambda code=code, lower=lower: (mid.codes == code) & cls.level_mask(lower.__contains__),
                   message_zh=f"记录声明为{'/'.join(CLASS_ZH[c] for c in lower)}，但计量器具 {name} 为"
                   f"{CLASS_ZH[m.measurement_class]}：请采用该计量器具的读数（更高的数据类别）")


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
    src = t.t("crosscheck_source")
    n = len(q)
    no_x = np.empty(n, bool)
    off = np.empty(n, bool)
    lim = tol / 100.0
    absent = n and x.strides[0] == 0 and np.isnan(x[0])  # no crosscheck column: a blank view
    if absent:
        no_x[:], off[:] = True, False
    # |q − x| / x > tolerance, fused over cache-sized chunks: the temporaries never leave the cache
    for a in range(0, 0 if absent else n, CHUNK):
        xc = x[a:a + CHUNK]
        np.isnan(xc, out=no_x[a:a + CHUNK])
        dev = np.subtract(q[a:a + CHUNK], xc)
        np.abs(dev, out=dev)
        with np.errstate(divide="ignore", invalid="ignore"):  # x ≥ 0 (validated at import)
            dev /= xc
        np.greater(dev, lim, out=off[a:a + CHUNK])  # NaN (no source value, or 0 vs 0) is never beyond tolerance
    if "" in src.levels:
        f.add_mask("R6.2-crosscheck", WARNING, "no independent source recorded for this datum", t.sheet, t.rows,
                   lambda: src.blank() & no_x, message_zh="该活动数据未记录用于交叉核对的独立来源")
    cache: dict = {}

    def detail(k: int) -> str:
        if not cache:
            cache["i"] = np.flatnonzero(off)
        i = cache["i"][k]
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = abs(q[i] - x[i]) / x[i]  # the same IEEE operations as above
        return f"{q[i]:g} vs {x[i]:g} in {src.levels[src.codes[i]] or 'the independent source'}: {dev * 100:.2f}%"

    f.add_mask("R6.2-crosscheck", BLOCKING, f"activity datum deviates from its independent source by more than {tol:g}%",
               t.sheet, t.rows, off, detail, message_zh=f"活动数据与其独立来源的交叉核对偏差超过 {tol:g}%")


def _check_completeness(inv: Inventory, f: Findings) -> None:
    """R6.1-b: every declared source has data in the reporting year; every record has a declared source."""
    ds = inv.dataset
    t = inv.table
    sheet = sheet_title("Sources")
    if not ds.sources:
        f.add("R6.1-b", WARNING, "no declared source list (Sources sheet): completeness cannot be checked", sheet, None,
              message_zh="未提供排放源清单（Sources 工作表）：无法检查完整性")
        return
    src = t.t("source_id")
    year = ds.settings.reporting_year
    # months with data per source in one pass: counts[source, period], then per month (0 = annual)
    counts = inv.source_period_counts()
    has = np.zeros((len(src.levels), 13), bool)
    for j in np.flatnonzero(t.period_year == year).tolist():
        has[:, t.period_month[j]] |= counts[:, j] > 0
    n_months = np.where(has[:, 0], 12, has[:, 1:].sum(axis=1))
    code_of = {name: code for code, name in enumerate(src.levels)}
    codes = np.array([code_of.get(s.source_id, -1) for s in ds.sources], np.int64)
    decl_months = np.where(codes >= 0, n_months[codes], 0).tolist()
    for s, m in zip(ds.sources, decl_months, strict=True):
        if not m:
            f.add("R6.1-b", BLOCKING, f"declared source {s.source_id} ({s.description or s.facility}) has no data in {year}",
                  sheet, [s.row],
                  message_zh=f"已声明的排放源 {s.source_id}（{s.description or s.facility}）在 {year} 年没有数据")
    # undeclared: a property of the level; its row count comes from the per-source counts, the
    # rows are listed when the findings are read
    undeclared = np.ones(len(src.levels), bool)
    undeclared[codes[codes >= 0]] = False
    if "" in code_of:
        undeclared[code_of[""]] = False
    n_undeclared = int(counts.sum(axis=1)[undeclared].sum())
    f.add_lazy("R6.1-b", WARNING, "source not in the declared source list", t.sheet, n_undeclared,
               lambda: t.rows[src.select(undeclared)], message_zh="排放源不在已声明的排放源清单中")
    for s, m in zip(ds.sources, decl_months, strict=True):
        if 0 < m < 12:
            f.add("R6.1-b", WARNING, f"source {s.source_id} has data for {m} of 12 months in {year}", sheet, [s.row],
                  message_zh=f"排放源 {s.source_id} 在 {year} 年仅有 {m} 个月（共 12 个月）的数据")
