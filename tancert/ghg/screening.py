"""Fraud and anomaly screening (R6.2-crosscheck, R6.3-measured): patterns of falsified carbon data.

The MEE's 2022 enforcement cases were back-dated laboratory reports faking monthly coal tests,
reports issued in one batch, invented moisture data. None of these is proof; each is a reason to
verify the record itself. So every screening finding is a *warning* with its rule key, and every
activity record it concerns is forced into the R6.2 sample with the reason (`Screen.forced`, read by
checks.draw_sample) — the random draw stays as it is, the flagged records are added to it.

Rules (docs/ghg.md §"Fraud and anomaly screening"; the numbers below are this body's own
screening parameters, not scheme or guideline values — no reference gives bounds or thresholds):

  lab-dates     R6.2-crosscheck  sampled_on ≤ tested_on ≤ issued_on; sampling inside the month reported
  lab-batch     R6.2-crosscheck  ≥ BATCH_SAME_DAY monthly reports of one source and parameter issued on one day
  lab-late      R6.2-crosscheck  report issued after the day its value was used (used_on)
  bounds        R6.3-measured    own NCV / CC outside [lo, hi] × the guideline default of the fuel; moisture
                                 outside 0–100 % (physics: a mass fraction)
  outlier       R6.2-crosscheck  Hampel test on each monthly series: |x − median| > HAMPEL_K × max(1.4826·MAD,
                                 MAD_FLOOR·|median|)
  constant      R6.2-crosscheck  ≥ MIN_SERIES monthly values, all equal
  round         R6.2-crosscheck  ≥ MIN_SERIES monthly values, every one with at most ROUND_DIGITS significant digits

Series are taken per (source, activity, unit, year) over monthly records (the months' sums, so
several deliveries in a month are one value), and per (source, parameter, unit, year) over the
laboratory values. Energy balance (fuel in vs product out) is not screened: the Output sheet holds
annual product quantities without their energy content, so no physical balance can be formed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .findings import WARNING, Findings
from .importer import sheet_title
from .inventory import Inventory
from .keys import factorize
from .library import activity_zh

# screening parameters of the certification body (not factors, not from a guideline: see the module doc)
MIN_SERIES = 6  # monthly values a series needs before it is screened
HAMPEL_K = 3.0  # robust z beyond which a month is an outlier (the usual Hampel choice)
MAD_FLOOR = 0.10  # relative floor of the robust scale: a month must be ≥ 30 % off the median to be an outlier
BATCH_SAME_DAY = 3  # monthly reports of one source and parameter issued on one day
ROUND_DIGITS = 2  # significant digits of a "too round" value
BANDS = {"NCV": (0.6, 1.4), "CC": (0.8, 1.25)}  # × the guideline default of the fuel
MOISTURE_PCT = (0.0, 100.0)  # physical: a mass fraction, %
PARAMETER_ZH = {"ncv": "低位发热量", "cc": "单位热值含碳量", "moisture": "全水分", "quantity": "活动数据"}


@dataclass
class Screen:
    """Activity-row positions forced into the sample with their reasons: kept as (positions, reason)
    blocks — a screening that flags 100,000 rows stores arrays — and turned into a row → reasons
    mapping only when read (`reasons`)."""

    blocks: list[tuple[np.ndarray, tuple[str, str, str]]] = field(default_factory=list)

    def force(self, positions, rule: str, en: str, zh: str) -> None:
        pos = np.asarray(positions, np.int64)
        if len(pos):
            self.blocks.append((pos, (rule, en, zh)))

    @property
    def index(self) -> np.ndarray:
        """The forced row positions, ascending, each once."""
        if not self.blocks:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate([p for p, _ in self.blocks]))

    def reasons(self, rows: np.ndarray) -> dict[int, list[dict]]:
        """Sheet row (rows[position]) → [{"rule", "message", "message_zh"}], each reason once."""
        out: dict[int, list[dict]] = {}
        for pos, (rule, en, zh) in self.blocks:
            reason = {"rule": rule, "message": en, "message_zh": zh}
            for r in rows[pos].tolist():
                lst = out.setdefault(int(r), [])
                if reason not in lst:
                    lst.append(reason)
        return dict(sorted(out.items()))


def screen(inv: Inventory, f: Findings) -> Screen:
    s = Screen()
    t = inv.table
    if len(t):
        _activity_series(inv, f, s)
        _bounds(inv, f, s)
    _lab_reports(inv, f, s)
    return s


# ----- monthly series

def hampel(x: np.ndarray) -> np.ndarray:
    """Outlier mask of a series: robust z against the median and the MAD (scaled to σ for normal
    data), the scale floored at MAD_FLOOR × |median|."""
    x = np.asarray(x, float)
    med = np.median(x)
    scale = max(1.4826 * float(np.median(np.abs(x - med))), MAD_FLOOR * abs(float(med)))
    if scale == 0:
        return np.zeros(len(x), bool)
    return np.abs(x - med) > HAMPEL_K * scale


def too_round(x: np.ndarray) -> bool:
    """Every value non-zero with at most ROUND_DIGITS significant digits (e.g. 420, 8.5, 1300)."""
    x = np.asarray(x, float)
    if not len(x) or (x == 0).any():
        return False
    e = np.floor(np.log10(np.abs(x))) - (ROUND_DIGITS - 1)
    step = 10.0 ** e
    return bool(np.all(np.isclose(np.round(x / step) * step, x, rtol=1e-12, atol=0)))


def series_flags(values: np.ndarray) -> tuple[np.ndarray, bool, bool]:
    """(outlier mask, constant, too round) of one monthly series."""
    values = np.asarray(values, float)
    if len(values) < MIN_SERIES:
        return np.zeros(len(values), bool), False, False
    const = bool(np.all(values == values[0])) and values[0] != 0
    return (np.zeros(len(values), bool) if const else hampel(values)), const, (not const and too_round(values))


def series_matrix_flags(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """series_flags on every row of a (series × 12 months) matrix at once (NaN: month absent):
    (outlier mask per cell, constant per series, too round per series)."""
    present = ~np.isnan(m)
    live = present.sum(axis=1) >= MIN_SERIES
    out = np.zeros(m.shape, bool)
    const = np.zeros(len(m), bool)
    rnd = np.zeros(len(m), bool)
    if not live.any():
        return out, const, rnd
    x = m[live]
    with np.errstate(invalid="ignore", divide="ignore"):
        med = np.nanmedian(x, axis=1)
        dev = np.abs(x - med[:, None])
        scale = np.maximum(1.4826 * np.nanmedian(dev, axis=1), MAD_FLOOR * np.abs(med))
        c = (np.nanmax(x, axis=1) == np.nanmin(x, axis=1)) & (med != 0)
        o = (dev > HAMPEL_K * scale[:, None]) & (scale[:, None] > 0) & ~c[:, None]
        ax = np.abs(x)
        step = 10.0 ** (np.floor(np.log10(np.where(ax > 0, ax, 1.0))) - (ROUND_DIGITS - 1))
        is_round = np.isclose(np.round(x / step) * step, x, rtol=1e-12, atol=0) & (ax > 0)
        r = np.all(is_round | np.isnan(x), axis=1) & ~c & ~np.any(ax == 0, axis=1)
    out[live], const[live], rnd[live] = o, c, r
    return out, const, rnd


def _activity_series(inv: Inventory, f: Findings, s: Screen) -> None:
    """Monthly series per (source, activity, unit, year): the months' sums of the quantity and the
    months' means of a row's own NCV, screened as one matrix (no loop over series)."""
    t = inv.table
    if not (t.period_month > 0).any():
        return
    src, act, unit = t.t("source_id"), t.t("activity"), t.t("unit")
    parts = [(src.codes, len(src.levels)), (act.codes, len(act.levels)), (unit.codes, len(unit.levels)),
             (t.period, len(t.period_year))]
    cls, digits, _ = factorize(parts, len(t))  # one class per (source, activity, unit, period)
    per = digits[:, 3]
    pm, py = t.period_month[per], t.period_year[per]
    keep = pm > 0
    ser_key = np.stack([digits[:, 0], digits[:, 1], digits[:, 2], py])
    _, ser = np.unique(ser_key[:, keep], axis=1, return_inverse=True)
    ser = ser.reshape(-1)
    sid = np.full(len(digits), -1, np.int64)
    sid[keep] = ser
    nser = int(ser.max()) + 1 if len(ser) else 0
    q = np.bincount(cls, weights=t.num["quantity"], minlength=len(digits))
    ncv = t.num["ncv"]
    given = ~np.isnan(ncv)
    for what in ("quantity", "ncv"):
        if what == "quantity":
            val = q
        else:
            if not given.any():
                continue
            n_given = np.bincount(cls[given], minlength=len(digits))
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.bincount(cls[given], weights=ncv[given], minlength=len(digits)) / n_given
            val[n_given == 0] = np.nan
        m = np.full((nser, 12), np.nan)
        m[sid[keep], pm[keep] - 1] = val[keep]
        out, const, rnd = series_matrix_flags(m)
        flagged = np.flatnonzero(out.any(axis=1) | const | rnd)
        if not len(flagged):
            continue
        # rows of every flagged series at once: one pass over the rows, one sort of the flagged ones
        is_flagged = np.zeros(nser + 1, bool)
        is_flagged[flagged] = True
        row_ser = np.where(sid >= 0, sid, nser)[cls]
        hit = np.flatnonzero(is_flagged[row_ser] & (given if what == "ncv" else True))
        hit = hit[np.argsort(row_ser[hit], kind="stable")]
        starts = np.searchsorted(row_ser[hit], flagged)
        ends = np.searchsorted(row_ser[hit], flagged, side="right")
        first_cls = np.full(nser, -1, np.int64)
        first_cls[sid[keep][::-1]] = np.flatnonzero(keep)[::-1]
        for g, a, b in zip(flagged.tolist(), starts.tolist(), ends.tolist(), strict=True):
            c0 = first_cls[g]
            source, activity = src.levels[digits[c0, 0]], act.levels[digits[c0, 1]]
            tail = f"{unit.levels[digits[c0, 2]]} · {int(py[c0])}"
            # the Chinese message names the activity in Chinese (docs/i18n.md, Language discipline)
            labels = (f"{source} · {activity} · {tail}", f"{source} · {activity_zh(activity)} · {tail}")
            months = np.flatnonzero(~np.isnan(m[g])) + 1
            rows_g = hit[a:b]
            _flag_series(t, f, s, what, labels, m[g, months - 1], months, rows_g, t.month,
                         (out[g, months - 1], bool(const[g]), bool(rnd[g])))


def _flag_series(t, f: Findings, s: Screen, what: str, labels: tuple[str, str], values: np.ndarray, months: np.ndarray,
                 rows_g: np.ndarray, month: np.ndarray, flags) -> None:
    out, const, rnd = flags
    zh_what = PARAMETER_ZH[what]
    label, label_zh = labels
    if out.any():
        bad = months[out]
        sel = np.zeros(13, bool)
        sel[bad] = True
        hit = rows_g[sel[month[rows_g]]]
        med = float(np.median(values))
        detail = ", ".join(f"{m:02d}: {v:g}" for m, v in zip(bad.tolist(), values[out].tolist(), strict=True))
        en = f"{what} of month(s) {detail} far from the series median {med:g} ({label}): obtain the source document"
        zh = f"{zh_what}在月份 {detail} 远离序列中位数 {med:g}（{label_zh}）：请调取原始凭证核对"
        f.add("R6.2-crosscheck", WARNING, "screening — outlier in a monthly series: " + en, t.sheet, t.rows[hit],
              message_zh="筛查——月度序列异常值：" + zh)
        s.force(hit, "R6.2-crosscheck", "outlier: " + en, "异常值：" + zh)
    if const:
        en = f"{what} identical in all {len(values)} months ({values[0]:g}; {label}): measured data vary"
        zh = f"{zh_what}在全部 {len(values)} 个月完全相同（{values[0]:g}；{label_zh}）：实测数据应有波动"
        f.add("R6.2-crosscheck", WARNING, "screening — constant monthly series: " + en, t.sheet, t.rows[rows_g],
              message_zh="筛查——月度序列恒定：" + zh)
        s.force(rows_g, "R6.2-crosscheck", "constant series: " + en, "序列恒定：" + zh)
    if rnd:
        en = (f"{what} of every month has at most {ROUND_DIGITS} significant digits ({label}): "
              "readings look estimated or invented")
        zh = f"{zh_what}各月数值均不超过 {ROUND_DIGITS} 位有效数字（{label_zh}）：读数疑似估算或编造"
        f.add("R6.2-crosscheck", WARNING, "screening — too-round monthly series: " + en, t.sheet, t.rows[rows_g],
              message_zh="筛查——月度序列过于整齐：" + zh)
        s.force(rows_g, "R6.2-crosscheck", "too round: " + en, "过于整齐：" + zh)


# ----- physical / plausibility bounds

def _bounds(inv: Inventory, f: Findings, s: Screen) -> None:
    """R6.3-measured: a row's own NCV or CC against the guideline default of its fuel (band: BANDS,
    the body's screening parameter). A fuel whose library value is missing is not screened."""
    for p, (lo, hi) in BANDS.items():
        given = inv.cls_given[p] & (inv.cls["count"] > 0)
        if not given.any():
            continue
        ref = np.array([c.factor(p).per_canonical if c.factor(p) is not None else np.nan for c in inv.combos]
                       or [np.nan])[inv.cls["combo"]]
        used = inv.cls_params[p]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = used / ref
        bad = given & ~np.isnan(ratio) & ((ratio < lo) | (ratio > hi))
        if not bad.any():
            continue
        rows = np.flatnonzero(inv.rows_where(bad))
        combo = inv.combo[rows]

        def detail(k, combo=combo, p=p):
            fac = inv.combos[combo[k]].factor(p)
            return f"default {fac.label()}"

        en = f"screening — own {p} outside {lo:g}–{hi:g} × the guideline default of the fuel (body's plausibility band)"
        zh = f"筛查——自有{_zh(p)}超出该燃料指南缺省值的 {lo:g}–{hi:g} 倍（本机构的合理性范围）"
        f.add("R6.3-measured", WARNING, en, inv.table.sheet, inv.table.rows[rows], detail, message_zh=zh)
        s.force(rows, "R6.3-measured", en, zh)


def _zh(p: str) -> str:
    return {"NCV": "低位发热量", "CC": "单位热值含碳量"}[p]


# ----- laboratory reports

def _lab_reports(inv: Inventory, f: Findings, s: Screen) -> None:
    labs = inv.dataset.lab_reports
    if not labs:
        return
    sheet = sheet_title("LabReports")
    t = inv.table
    rows_of = _activity_rows_by_source_period(t) if len(t) else {}

    def flag(reports, en, zh):
        f.add("R6.2-crosscheck", WARNING, "screening — laboratory report: " + en, sheet, [r.row for r in reports],
              [f"{r.report_id}" for r in reports], message_zh="筛查——化验报告：" + zh)
        for r in reports:
            hit = rows_of.get((r.source_id, r.year, r.month), ())
            s.force(hit, "R6.2-crosscheck", f"laboratory report {r.report_id}: {en}", f"化验报告 {r.report_id}：{zh}")

    order = [r for r in labs if _out_of_order(r)]
    if order:
        flag(order, "dates out of order (sampling ≤ testing ≤ report date)", "日期顺序错误（采样 ≤ 检测 ≤ 报告日期）")
    outside = [r for r in labs if r.sampled_on and not _in_period(r.sampled_on, r.year, r.month)]
    if outside:
        flag(outside, "sampled outside the period it reports", "采样日期不在报告所属期间内")
    late = [r for r in labs if r.used_on and r.issued_on and r.issued_on > r.used_on]
    if late:
        flag(late, "issued after its value was used (used_on): the value cannot have come from this report",
             "报告日期晚于数据使用日期：所用数值不可能来自该报告")
    batches: dict[tuple, list] = {}
    for r in labs:
        if r.month:
            batches.setdefault((r.source_id, r.parameter, r.issued_on), []).append(r)
    for (_, _, day), group in batches.items():
        if len({(r.year, r.month) for r in group}) >= BATCH_SAME_DAY:
            flag(group, f"{len(group)} monthly reports issued on the same day {day}",
                 f"{len(group)} 份月度报告在同一天（{day}）出具")
    bad_moist = [r for r in labs if r.parameter == "moisture" and r.value is not None
                 and not (MOISTURE_PCT[0] <= r.value < MOISTURE_PCT[1])]
    if bad_moist:
        f.add("R6.3-measured", WARNING, "screening — moisture outside 0–100 % (a mass fraction)", sheet,
              [r.row for r in bad_moist], [r.report_id for r in bad_moist],
              message_zh="筛查——全水分超出 0–100 %（质量分数）")
        for r in bad_moist:
            s.force(rows_of.get((r.source_id, r.year, r.month), ()), "R6.3-measured", "moisture outside 0–100 %",
                    "全水分超出 0–100 %")
    series: dict[tuple, list] = {}
    for r in labs:
        if r.month and r.value is not None:
            series.setdefault((r.source_id, r.parameter, r.unit, r.year), []).append(r)
    for (src, par, unit, year), group in series.items():
        group.sort(key=lambda r: r.month)
        vals = np.array([r.value for r in group])
        out, const, rnd = series_flags(vals)
        label = f"{src} · {par} · {unit} · {year}"
        zh_par = PARAMETER_ZH[par]
        label_zh = f"{src} · {zh_par} · {unit} · {year}"
        if out.any():
            flag([g for g, o in zip(group, out.tolist(), strict=True) if o],
                 f"outlier: {par} far from the series median {float(np.median(vals)):g} ({label})",
                 f"异常值：{zh_par}远离序列中位数 {float(np.median(vals)):g}（{label_zh}）")
        if const:
            flag(group, f"constant series: {par} identical in all {len(vals)} months ({vals[0]:g}; {label})",
                 f"序列恒定：{zh_par}在全部 {len(vals)} 个月完全相同（{vals[0]:g}；{label_zh}）")
        if rnd:
            flag(group, f"too-round series: {par} of every month has at most {ROUND_DIGITS} significant digits ({label})",
                 f"过于整齐：{zh_par}各月数值均不超过 {ROUND_DIGITS} 位有效数字（{label_zh}）")


def _out_of_order(r) -> bool:
    d = [x for x in (r.sampled_on, r.tested_on, r.issued_on) if x]
    return any(a > b for a, b in zip(d, d[1:], strict=False))


def _in_period(day: dt.date, year: int, month: int) -> bool:
    return day.year == year and (month == 0 or day.month == month)


def _activity_rows_by_source_period(t) -> dict[tuple[str, int, int], np.ndarray]:
    """Activity-row positions per (source, year, month)."""
    src = t.t("source_id")
    nper = max(len(t.period_year), 1)
    key = src.codes.astype(np.int64) * nper + t.period
    order = np.argsort(key, kind="stable")
    u, start = np.unique(key[order], return_index=True)
    ends = [*start[1:].tolist(), len(order)]
    out = {}
    for k, a, b in zip(u.tolist(), start.tolist(), ends, strict=True):
        sc, pc = divmod(k, nper)
        out[(src.levels[sc], int(t.period_year[pc]), int(t.period_month[pc]))] = order[a:b]
    return out
