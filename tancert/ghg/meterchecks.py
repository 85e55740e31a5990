"""Meter series against the inventory: calibration, gaps, flat-lines and the monthly reconciliation.

Every step runs on whole arrays of readings (sorted once by meter and time): the per-reading work is numpy
(comparisons, `bincount` by meter and month, run boundaries by `diff`); Python loops only over meters, months
and the spans found. docs/ghg.md, "Meter series".

Findings (rule keys of CEC-7048CMS-A/2):
  R6.2-calibration  blocking — readings taken while the meter's calibration had lapsed (before `calibrated_on`
                    or after `valid_until` of the Meters sheet): the data a lapsed meter gave are not confirmed.
  R6.2-crosscheck   blocking — a month (or the year, for an annual record) whose inventory quantity for the meter
                    differs from the metered total by more than the tolerance (default 2 %, docs/ghg.md).
  R6.2-review       warning — a gap: `gap_intervals` or more consecutive intervals without a reading; how the
                    missing data were handled must be stated (R6.2-review names "handling of missing data").
  R6.2-calibration  warning — a flat-line: the same value over `flat_intervals` or more consecutive intervals, the
                    signature of a stuck register or a copied value: is the device maintained?
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .errors import ErrorList
from .findings import BLOCKING, WARNING, Findings
from .inventory import Inventory
from .meterseries import Series
from .units import DIMENSION_ZH, unit_scale

INTERVALS = (900, 3600)  # 15-minute or hourly series
# The default tolerance is the largest maximum permissible error among the usual energy meters of GB 17167-2006
# (gas flow ±2.0 %; electricity classes up to 2.0; reference/quantification.md, *unverified*): a month off by
# more than that is not explained by the meter's own error. A product setting, not a scheme number.
DEFAULT_TOLERANCE_PCT = 2.0
DEFAULT_GAP_INTERVALS = 4  # one hour of 15-minute data
DEFAULT_FLAT_INTERVALS = 16  # four hours of 15-minute data, 16 hours of hourly data
SPANS_LISTED = 20  # per meter and kind of span; the rest are counted


@dataclass
class MeterOptions:
    tolerance_pct: float = DEFAULT_TOLERANCE_PCT
    gap_intervals: int = DEFAULT_GAP_INTERVALS
    flat_intervals: int = DEFAULT_FLAT_INTERVALS


def _fmt(t: int) -> str:
    return str(np.datetime64(int(t), "s")).replace("T", " ")[:16]


def _month_label(mi: int) -> str:
    return f"{1970 + mi // 12}-{mi % 12 + 1:02d}"


def _day_seconds(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days * 86400


class Linked:
    """The readings sorted by meter and time, their meter's interval, canonical values and the display unit."""

    def __init__(self, s: Series, order: np.ndarray | None, m: np.ndarray, t: np.ndarray, interval: np.ndarray,
                 scale: np.ndarray, unit_of: list[str], unit_scale_of: np.ndarray):
        self.s = s
        self.order = order  # sorted position → reading index (None: the file was sorted already)
        self.m, self.t = m, t  # meter code and timestamp in sorted order
        v = s.value if order is None else s.value[order]
        u = s.unit.codes if order is None else s.unit.codes[order]
        self.q = v * scale[u]  # canonical unit of the meter's dimension
        self.interval = interval  # per meter, seconds
        self.unit_of, self.unit_scale_of = unit_of, unit_scale_of  # display unit per meter

    def place(self, k: int) -> tuple[str, int]:
        return self.s.place(int(k if self.order is None else self.order[k]))


def link(s: Series, inv: Inventory) -> Linked:
    """Sort the readings, check them against the Meters register and the inventory's units. Raises InputError."""
    e = ErrorList()
    ds = inv.dataset
    levels = s.meter.levels
    name0 = s.files[0]["name"] if s.files else "series"

    def rows_of(code: int) -> np.ndarray:
        idx = np.flatnonzero(s.meter.codes == code)[:20]
        return idx

    for code, mid in enumerate(levels):
        if mid not in ds.meters:
            for i in rows_of(code).tolist():
                f, r = s.place(i)
                e.add(f, r, "meter_id", f"unknown meter {mid!r}: not in the inventory's Meters register",
                      f"未知的计量器具 {mid!r}：不在清单的计量器具台账（Meters）中")
    # units: one dimension per meter, the dimension of the inventory's records that name the meter
    uinfo = [unit_scale(u) for u in s.unit.levels]
    scale = np.array([x.scale for x in uinfo])
    udim = np.array([x.dimension for x in uinfo], dtype=object)
    nm, nu = len(levels), len(s.unit.levels)
    pair = np.bincount(s.meter.codes.astype(np.int64) * nu + s.unit.codes, minlength=nm * nu).reshape(nm, nu)
    t = inv.table
    mid_col, unit_col = t.t("meter_id"), t.t("unit")
    inv_dim: dict[str, set] = {}
    if len(t):
        mu = np.unique(mid_col.codes.astype(np.int64) * max(len(unit_col.levels), 1) + unit_col.codes)
        for k in mu.tolist():
            mname, uname = mid_col.levels[k // max(len(unit_col.levels), 1)], unit_col.levels[k % max(len(unit_col.levels), 1)]
            if mname:
                inv_dim.setdefault(mname, set()).add(unit_scale(uname).dimension)
    unit_of, unit_scale_of = [], np.ones(nm)
    for code, mid in enumerate(levels):
        used = np.flatnonzero(pair[code])
        dims = sorted(set(udim[used].tolist()))
        best = int(used[np.argmax(pair[code][used])]) if len(used) else 0
        unit_of.append(s.unit.levels[best] if len(used) else "")
        unit_scale_of[code] = scale[best] if len(used) else 1.0
        want = inv_dim.get(mid)
        bad = [d for d in dims if (want and d not in want)] or (dims[1:] if len(dims) > 1 else [])
        if bad:
            i = int(np.flatnonzero((s.meter.codes == code) & np.isin(s.unit.codes, used[udim[used] == bad[0]]))[0])
            f, r = s.place(i)
            w = sorted(want) if want else dims[:1]
            e.add(f, r, "unit", f"meter {mid}: unit {s.unit.levels[s.unit.codes[i]]!r} measures {bad[0]}, but the "
                  f"meter's records are in {' / '.join(w)}",
                  f"计量器具 {mid}：单位 {s.unit.levels[s.unit.codes[i]]!r} 的量纲为{DIMENSION_ZH.get(bad[0], bad[0])}，"
                  f"但该计量器具的记录为{'/'.join(DIMENSION_ZH.get(x, x) for x in w)}")
    e.raise_if_any()

    # one sort by (meter, time); a file already in that order is not sorted again
    tmin = int(s.ts.min())
    key = s.meter.codes.astype(np.int64) * (1 << 33) + (s.ts - tmin)
    order = None
    if len(key) > 1 and not (key[1:] > key[:-1]).all():
        order = np.argsort(key, kind="stable")
        key = key[order]
    dup = np.flatnonzero(key[1:] == key[:-1])
    for k in dup[:20].tolist():
        a = k if order is None else int(order[k])
        b = k + 1 if order is None else int(order[k + 1])
        f, r = s.place(b)
        f0, r0 = s.place(a)
        other, other_zh = ("", "") if f0 == f else (f"{f0} ", f"{f0} ")
        e.add(f, r, "timestamp", f"second reading of meter {levels[s.meter.codes[a]]} at {_fmt(s.ts[a])} (first: "
              f"{other}row {r0})", f"计量器具 {levels[s.meter.codes[a]]} 在 {_fmt(s.ts[a])} 有第二条读数（第一条：{other_zh}第 {r0} 行）")
    if len(dup) > 20:
        e.add(name0, None, "timestamp", f"and {len(dup) - 20} more repeated readings", f"另有 {len(dup) - 20} 条重复读数")
    e.raise_if_any()

    m = s.meter.codes if order is None else s.meter.codes[order]
    tt = s.ts if order is None else s.ts[order]
    big = np.int64(1) << 40
    d = np.append(np.where(m[1:] == m[:-1], np.diff(tt), big), big)
    starts = np.flatnonzero(np.r_[True, m[1:] != m[:-1]])
    interval = np.full(nm, big, np.int64)
    interval[m[starts]] = np.minimum.reduceat(d, starts)
    for code, mid in enumerate(levels):
        iv = int(interval[code])
        if iv == big:
            present = np.flatnonzero(s.meter.codes == code)
            if len(present):
                f, r = s.place(int(present[0]))
                e.add(f, r, "meter_id", f"meter {mid} has one reading; a series needs at least two",
                      f"计量器具 {mid} 只有一条读数；计量数据至少需要两条")
        elif iv not in INTERVALS:
            e.add(name0, None, "timestamp", f"meter {mid}: readings {iv} s apart; a series is 15-minute (900 s) or "
                  "hourly (3600 s)", f"计量器具 {mid}：读数间隔 {iv} 秒；计量数据应为 15 分钟（900 秒）或每小时（3600 秒）一条")
    e.raise_if_any()
    return Linked(s, order, m, tt, interval, scale, unit_of, unit_scale_of)


def _spans(mask_pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of True in a boolean array: (first index, one past the last index) of each."""
    edge = np.diff(np.r_[np.int8(0), mask_pairs.view(np.int8), np.int8(0)])
    return np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)


def check_series(s: Series, inv: Inventory, findings: Findings, options: MeterOptions | None = None) -> dict:
    """Link, check and reconcile; findings are added to `findings`; returns the report (JSON-ready)."""
    opt = options or MeterOptions()
    L = link(s, inv)
    levels = s.meter.levels
    m, t, q = L.m, L.t, L.q
    nm = len(levels)
    iv = L.interval[m]
    report = {"files": [{k: f[k] for k in ("name", "sha256", "readings")} for f in s.files],
              "tolerance_pct": opt.tolerance_pct, "gap_intervals": opt.gap_intervals,
              "flat_intervals": opt.flat_intervals, "meters": []}
    per: list[dict] = []
    seg = np.flatnonzero(np.r_[True, m[1:] != m[:-1]])
    seg_end = np.r_[seg[1:], len(m)]
    counts = np.bincount(m, minlength=nm)
    for code, mid in enumerate(levels):
        k = int(np.searchsorted(m[seg], code))
        a, b = (int(seg[k]), int(seg_end[k])) if counts[code] else (0, 0)
        per.append({"meter_id": mid, "unit": L.unit_of[code], "interval_minutes": int(L.interval[code]) // 60,
                    "readings": int(counts[code]), "first": _fmt(t[a]) if b else None,
                    "last": _fmt(t[b - 1] + L.interval[code]) if b else None, "lapsed_readings": 0,
                    "gaps": 0, "missing_intervals": 0, "flat_lines": 0, "months": [],
                    "not_covered": [], "unbooked": []})

    _calibration(L, inv, findings, per)
    same = m[1:] == m[:-1]
    d = np.diff(t)
    _gaps(L, findings, per, same, d, iv, opt)
    _flat(L, findings, per, same, d, iv, q, opt)
    _reconcile(L, inv, findings, per, opt)
    report["meters"] = per
    return report


def _calibration(L: Linked, inv: Inventory, f: Findings, per: list[dict]) -> None:
    s, m, t = L.s, L.m, L.t
    far = np.int64(1) << 40
    lo = np.full(len(s.meter.levels), -far, np.int64)
    hi = np.full(len(s.meter.levels), far, np.int64)
    for code, mid in enumerate(s.meter.levels):
        mt = inv.dataset.meters[mid]
        if mt.calibrated_on:
            lo[code] = _day_seconds(mt.calibrated_on)
        if mt.valid_until:
            hi[code] = _day_seconds(mt.valid_until) + 86400  # valid through the whole last day
    lapsed = (t < lo[m]) | (t >= hi[m])
    if not lapsed.any():
        return
    # a span of lapsed readings ends where the meter changes or a reading inside the validity comes between
    cont = lapsed[:-1] & lapsed[1:] & (m[1:] == m[:-1])
    bounds = np.flatnonzero(lapsed & np.r_[True, ~cont])
    ends = np.flatnonzero(lapsed & np.r_[~cont, True]) + 1
    listed: dict[int, int] = {}
    for i, j in zip(bounds.tolist(), ends.tolist(), strict=True):
        code = int(m[i])
        mid = s.meter.levels[code]
        mt = inv.dataset.meters[mid]
        n = j - i
        per[code]["lapsed_readings"] += n
        listed[code] = listed.get(code, 0) + 1
        if listed[code] > SPANS_LISTED:
            continue
        qty = float(L.q[i:j].sum() / L.unit_scale_of[code])
        start, end = _fmt(t[i]), _fmt(t[j - 1] + L.interval[code])
        validity = f"{mt.calibrated_on or '?'} – {mt.valid_until}"
        fname, row = L.place(i)
        f.add("R6.2-calibration", BLOCKING,
              f"meter {mid}: {n} readings from {start} to {end} ({qty:,.4g} {L.unit_of[code]}) taken while its "
              f"calibration had lapsed (valid {validity})", fname, [row],
              message_zh=f"计量器具 {mid}：{start} 至 {end} 的 {n} 条读数（{qty:,.4g} {L.unit_of[code]}）"
              f"是在校准失效期间采集的（校准有效期 {validity}）")


def _gaps(L: Linked, f: Findings, per, same, d, iv, opt: MeterOptions) -> None:
    # a gap of g missing intervals is a step of (g + 1) intervals: one comparison per reading, the count only at hits
    gap = np.flatnonzero(same & (d >= (opt.gap_intervals + 1) * iv[:-1]))
    missing = np.zeros(len(d), np.int64)
    missing[gap] = d[gap] // iv[gap] - 1
    listed: dict[int, int] = {}
    for k in gap.tolist():
        code = int(L.m[k])
        mid = L.s.meter.levels[code]
        n = int(missing[k])
        per[code]["gaps"] += 1
        per[code]["missing_intervals"] += n
        listed[code] = listed.get(code, 0) + 1
        if listed[code] > SPANS_LISTED:
            continue
        start, end = _fmt(L.t[k] + L.interval[code]), _fmt(L.t[k + 1])
        fname, row = L.place(k + 1)
        f.add("R6.2-review", WARNING,
              f"meter {mid}: no readings from {start} to {end} ({n} intervals missing); state how the missing data "
              "were handled", fname, [row],
              message_zh=f"计量器具 {mid}：{start} 至 {end} 无读数（缺 {n} 个时段）；请说明缺失数据的处理方式")
    _more(f, "R6.2-review", WARNING, per, listed, "gaps", "gaps", "处数据缺失")


def _more(f: Findings, rule, severity, per, listed: dict[int, int], key: str, en: str, zh: str) -> None:
    for code, n in listed.items():
        if n > SPANS_LISTED:
            mid = per[code]["meter_id"]
            f.add(rule, severity, f"meter {mid}: and {n - SPANS_LISTED} more {en} (see the meters report)", "",
                  message_zh=f"计量器具 {mid}：另有 {n - SPANS_LISTED} {zh}（见计量数据报告）")


def _flat(L: Linked, f: Findings, per, same, d, iv, q, opt: MeterOptions) -> None:
    eq = same & (d == iv[:-1]) & (q[1:] == q[:-1])
    a, b = _spans(eq)
    readings = b - a + 1  # a run of k equal pairs is k + 1 equal readings
    hit = np.flatnonzero(readings >= opt.flat_intervals)
    listed: dict[int, int] = {}
    for i, j, n in zip(a[hit].tolist(), b[hit].tolist(), readings[hit].tolist(), strict=True):
        code = int(L.m[i])
        mid = L.s.meter.levels[code]
        per[code]["flat_lines"] += 1
        listed[code] = listed.get(code, 0) + 1
        if listed[code] > SPANS_LISTED:
            continue
        val = float(q[i] / L.unit_scale_of[code])
        start, end = _fmt(L.t[i]), _fmt(L.t[j] + L.interval[code])
        fname, row = L.place(i)
        f.add("R6.2-calibration", WARNING,
              f"meter {mid}: the same value {val:g} {L.unit_of[code]} in {n} consecutive intervals from {start} to "
              f"{end} (a stuck register or a copied value?)", fname, [row],
              message_zh=f"计量器具 {mid}：{start} 至 {end} 连续 {n} 个时段读数均为 {val:g} {L.unit_of[code]}"
              "（计数器卡滞或数值被复制？）")
    _more(f, "R6.2-calibration", WARNING, per, listed, "flat-lines", "flat-lines", "处读数恒定")


def _reconcile(L: Linked, inv: Inventory, f: Findings, per, opt: MeterOptions) -> None:
    """Monthly totals of each meter (one bincount) against the inventory's records that name the meter."""
    levels = L.s.meter.levels
    nm = len(levels)
    month = L.t.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    m0 = int(month.min())
    nmon = int(month.max()) - m0 + 1
    key = L.m.astype(np.int64) * nmon + (month - m0)
    metered = np.bincount(key, weights=L.q, minlength=nm * nmon).reshape(nm, nmon)
    n_read = np.bincount(key, minlength=nm * nmon).reshape(nm, nmon)
    # the months each meter's series spans: a record of a period outside (the base year, say) is not compared
    has = n_read > 0
    span_lo = np.argmax(has, axis=1)
    span_hi = nmon - np.argmax(has[:, ::-1], axis=1)
    # the inventory's records that name a meter of the series, summed by (meter, year, month; 0 = annual)
    t = inv.table
    if not len(t):
        return
    mid = t.t("meter_id")
    code_of = {name: i for i, name in enumerate(levels)}
    to_series = np.array([code_of.get(x, -1) for x in mid.levels], np.int64)[mid.codes]
    sel = np.flatnonzero(to_series >= 0)
    if not len(sel):
        return
    qty = inv.quantity[sel]
    y, mo = t.year[sel].astype(np.int64), t.month[sel].astype(np.int64)
    gkey = (to_series[sel] * 10_000 + y) * 13 + mo
    groups, ginv = np.unique(gkey, return_inverse=True)
    ginv = ginv.reshape(-1)
    inv_sum = np.bincount(ginv, weights=qty)
    tol = opt.tolerance_pct / 100.0
    compared: dict[int, set] = {}  # per meter: month indices (since 1970) an inventory record covers
    record_years: dict[int, set] = {}
    for g, k in enumerate(groups.tolist()):
        code, rest = divmod(k, 10_000 * 13)
        year, mon = divmod(rest, 13)
        mid_name = levels[code]
        scale = L.unit_scale_of[code]
        unit = L.unit_of[code]
        if mon:
            lo_i = (year - 1970) * 12 + mon - 1 - m0
            hi_i = lo_i + 1
            label = f"{year}-{mon:02d}"
            days = (dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.date(year, mon, 1)).days
        else:
            lo_i = (year - 1970) * 12 - m0
            hi_i = lo_i + 12
            label = str(year)
            days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        compared.setdefault(code, set()).update(range(lo_i + m0, hi_i + m0))
        record_years.setdefault(code, set()).add(year)
        if hi_i <= span_lo[code] or lo_i >= span_hi[code]:
            per[code]["not_covered"].append(label)
            continue
        a, b = max(lo_i, 0), min(hi_i, nmon)
        met = float(metered[code, a:b].sum()) if a < b else 0.0
        nr = int(n_read[code, a:b].sum()) if a < b else 0
        expected = days * 86400 // int(L.interval[code])
        invq = float(inv_sum[g])
        diff = invq - met
        dev = abs(diff) / met if met else (0.0 if invq == 0 else float("inf"))
        ok = dev <= tol
        rows = t.rows[sel[ginv == g]]
        per[code]["months"].append({"month": label, "readings": nr, "expected_readings": int(expected),
                                    "metered": met / scale, "inventory": invq / scale, "difference": diff / scale,
                                    "difference_pct": dev * 100 if np.isfinite(dev) else None,
                                    "within_tolerance": bool(ok), "rows": [int(r) for r in rows[:10].tolist()]})
        if ok:
            continue
        pct = f"{dev * 100:.2f} %" if np.isfinite(dev) else "no metered quantity"
        pct_zh = f"{dev * 100:.2f} %" if np.isfinite(dev) else "无计量值"
        cover = f"; {nr} of {expected} readings" if nr < expected else ""
        cover_zh = f"；读数 {nr} 条（应有 {expected} 条）" if nr < expected else ""
        f.add("R6.2-crosscheck", BLOCKING,
              f"meter {mid_name}, {label}: inventory {invq / scale:,.6g} {unit} vs metered {met / scale:,.6g} {unit}, "
              f"difference {diff / scale:+,.6g} {unit} ({pct}; tolerance {opt.tolerance_pct:g} %){cover}",
              t.sheet, rows,
              message_zh=f"计量器具 {mid_name}，{label}：清单 {invq / scale:,.6g} {unit}，计量 {met / scale:,.6g} {unit}，"
              f"差值 {diff / scale:+,.6g} {unit}（{pct_zh}；容差 {opt.tolerance_pct:g} %）{cover_zh}")
    _unbooked(L, f, per, has, metered, m0, compared, record_years, t.sheet)


def _unbooked(L: Linked, f: Findings, per, has, metered, m0, compared, record_years, sheet) -> None:
    """R6.2-crosscheck: a month the meter measured in a year the inventory books the meter, without a record naming
    the meter for that month — the quantity is missing from the inventory or booked under another meter."""
    for code, months in compared.items():
        scale, unit, mid = L.unit_scale_of[code], L.unit_of[code], L.s.meter.levels[code]
        for i in np.flatnonzero(has[code]).tolist():
            mi = i + m0
            if mi in months or 1970 + mi // 12 not in record_years[code]:
                continue
            label = _month_label(mi)
            met = float(metered[code, i]) / scale
            per[code]["unbooked"].append({"month": label, "metered": met})
            f.add("R6.2-crosscheck", WARNING,
                  f"meter {mid}, {label}: metered {met:,.6g} {unit} but no inventory record names the meter for this "
                  "month (missing, or booked under another meter?)", sheet, None,
                  message_zh=f"计量器具 {mid}，{label}：计量 {met:,.6g} {unit}，但清单中没有该月注明此计量器具的记录"
                  "（遗漏，或记在其他计量器具名下？）")
