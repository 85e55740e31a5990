"""The input columns (one definition shared by the template, the readers and the docs) and the
validation that turns raw cell columns into an `ActivityTable`.

Validation is column-wise: text columns are checked once per distinct value, numbers with array
operations, so a million rows cost little more than their arrays.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .errors import ErrorList
from .keys import digits_of
from .library import Library
from .model import (
    CLASS_COLUMNS,
    DATA_CLASSES,
    DISTRIBUTIONS,
    FACTOR_TYPES,
    FLOWS,
    KINDS,
    ActivityTable,
    Categorical,
    Settings,
    canonical,
)
from .units import UnitError, rate_scale, unit_scale


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    type: str  # text | number | period
    required: bool = False
    help: str = ""
    choices: str | None = None  # name of a validation list in the template


ACTIVITY_COLUMNS: list[Col] = [
    Col("facility", "设施", "text", True, "facility (site, plant) the record belongs to"),
    Col("source_id", "排放源编号", "text", True, "emission source id, as in the Sources sheet (R6.1-b)"),
    Col("period", "期间", "period", True, "month of the record, YYYY-MM; or YYYY for an annual total"),
    Col("kind", "类型", "text", True, "fuel / process / fugitive / electricity / heat / other", "kinds"),
    Col("activity", "活动", "text", True,
        "fuel code, carbonate code, gas (fugitive), grid / supplier (electricity), purchased (heat), free text (other)",
        "activities"),
    Col("quantity", "数量", "number", True, "activity data, ≥ 0"),
    Col("unit", "单位", "text", True, "t, kg, Nm3, 10^4Nm3, MWh, kWh, GJ, TJ, t*km, pkm …", "units"),
    Col("category", "ISO 14064-1 类别", "number", False, "1–6; default 1 for fuel/process/fugitive, 2 for electricity/heat"),
    Col("flow", "方向", "text", False, "import (default) or export, electricity and heat only", "flows"),
    Col("region", "地区", "text", False, "province or grid region of an electricity record; default from Settings"),
    Col("biogenic", "生物质", "text", False, "yes: CO2 is biogenic and reported separately", "yesno"),
    Col("fraction", "比例", "number", False, "process: purity × calcination fraction, 0–1 (default 1)"),
    Col("gas", "气体", "text", False, "other: gas of the factor when its unit does not name it (default CO2e)", "gases"),
    Col("data_class", "数据类别", "text", False, "continuous / intermittent / estimated (R6.2-tiers)", "classes"),
    Col("class_justification", "类别说明", "text", False, "why a lower class is used (R6.2-tiers)"),
    Col("data_source", "数据来源", "text", False, "ledger, meter reading, invoice … (R6.2-review)"),
    Col("monitoring_method", "监测方法", "text", False, "R6.2-review"),
    Col("monitoring_frequency", "监测频次", "text", False, "R6.2-review"),
    Col("recording_frequency", "记录频次", "text", False, "R6.2-review"),
    Col("missing_data_handling", "缺失数据处理", "text", False, "substitution rule used (R6.2-review)"),
    Col("source_justification", "数据来源说明", "text", False,
        "why a datum that is not from the organisation's production and operation statistics records (an estimate "
        "or an outside figure) is used (R6.1-c)"),
    Col("meter_id", "计量器具编号", "text", False, "meter in the Meters sheet (R6.2-calibration)"),
    Col("crosscheck_source", "交叉核对来源", "text", False, "invoice, ledger, contract … (R6.2-crosscheck)"),
    Col("crosscheck_quantity", "交叉核对数量", "number", False, "the same quantity from that source, same unit"),
    Col("factor_type", "因子类型", "text", False, "default / measured / supplier (R6.3)", "factor_types"),
    Col("factor_tier", "因子等级", "text", False, "a–f (R6.3-tiers); default: the library's tier, a for measured", "tiers"),
    Col("factor_justification", "因子等级说明", "text", False, "why a lower tier is used (R6.3-tiers)"),
    Col("factor_table", "因子表", "text", False, "library table id to use instead of the method's order"),
    Col("factor_technology", "因子适用工艺/设备", "text", False,
        "process, technology or equipment type the factor was determined for; compared with the source's "
        "technology in the Sources sheet (R6.1-a)"),
    Col("ncv", "低位发热量", "number", False, "fuel: measured or declared NCV"),
    Col("ncv_unit", "发热量单位", "text", False, "GJ/t, GJ/10^4Nm3 …"),
    Col("cc", "单位热值含碳量", "number", False, "fuel: carbon content, tC/GJ"),
    Col("of", "碳氧化率", "number", False, "fuel: oxidation rate, fraction 0–1"),
    Col("factor", "排放因子", "number", False, "emission factor (electricity, heat, process, other; or fuel instead of NCV×CC×OF)"),
    Col("factor_unit", "排放因子单位", "text", False, "tCO2/MWh, kgCO2e/t*km …"),
    Col("factor_source", "因子来源", "text", False, "R6.3-measured"),
    Col("factor_monitoring_method", "因子监测方法", "text", False, "R6.3-measured"),
    Col("factor_monitoring_frequency", "因子监测频次", "text", False, "R6.3-measured"),
    Col("factor_recording_frequency", "因子记录频次", "text", False, "R6.3-measured"),
    Col("factor_missing_data_handling", "因子缺失数据处理", "text", False, "R6.3-measured"),
    Col("factor_sampling_method", "因子抽样方法", "text", False,
        "measured factor: sampling principle and method, e.g. per delivery batch, GB/T 475 (R6.3-sampling)"),
    Col("factor_samples", "因子样本数", "number", False,
        "measured factor: number of samples analysed for the record's period, a whole number ≥ 1 (R6.3-sampling)"),
    Col("ad_uncertainty_pct", "活动数据不确定性%", "number", False, "95% half-width, %; default: meter accuracy, or 5 for fuels"),
    Col("factor_uncertainty_pct", "因子不确定性%", "number", False, "95% half-width, % (combined NCV×CC×OF)"),
    Col("ad_distribution", "活动数据分布", "text", False, "normal / lognormal / triangular / uniform", "distributions"),
    Col("factor_distribution", "因子分布", "text", False, "normal / lognormal / triangular / uniform", "distributions"),
]
ACTIVITY_KEYS = [c.key for c in ACTIVITY_COLUMNS]
TEXT_KEYS = [c.key for c in ACTIVITY_COLUMNS if c.type == "text"]
NUMBER_KEYS = [c.key for c in ACTIVITY_COLUMNS if c.type == "number"]

ELECTRICITY_ACTIVITIES = ("grid", "grid-excl-market-nonfossil", "fossil-only", "supplier")
HEAT_ACTIVITIES = ("purchased", "supplier")

# 2024-03, 2024/3, 202403, 2024年3月, and a date cell rendered as text (2024-03-01 00:00:00)
_PERIOD = re.compile(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2})?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


_YEAR = re.compile(r"^(\d{4})\s*年?$")


def parse_period(v) -> tuple[int, int] | None:
    """(year, month) of a cell; a bare year gives month 0 (an annual record)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.year, v.month
    y = _YEAR.match(str(v).strip())
    if y:
        return int(y.group(1)), 0
    m = _PERIOD.match(str(v).strip())
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    return (y, mo) if 1 <= mo <= 12 else None


NOT_FINITE = ("is not a finite number: NaN and infinity are not allowed; give the value or leave the cell blank",
              "不是有限数值：不接受 NaN（非数字）或无穷大；请填写数值或留空",
              "more cells that are not finite numbers", "个单元格不是有限数值")
NOT_NUMBER = ("is not a number", "不是数字", "more cells that are not numbers", "个单元格不是数字")


def to_float_column(values, sheet: str, column: str, rows: np.ndarray, errors: ErrorList) -> np.ndarray:
    """Cells → float64 with NaN for blanks; every non-numeric or non-finite cell is reported.

    A cell that reads as NaN or ±infinity ("NaN", "inf", "1e999") is refused, never taken as a blank:
    a NaN quantity would make the total NaN, a NaN factor would silently fall back to the library."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        out = values.astype(np.float64, copy=False)
        # bulk columns use NaN for a blank; infinity is refused (two reductions prove the common case)
        if len(out) and (np.fmax.reduce(out) == np.inf or np.fmin.reduce(out) == -np.inf):
            _report(np.flatnonzero(np.isinf(out)), out.tolist(), sheet, column, rows, errors, NOT_FINITE)
        return out
    vals = [np.nan if (v is None or v == "") else v for v in values]
    try:
        out = np.asarray(vals, dtype=np.float64)
        bad = []
    except (ValueError, TypeError):
        out = np.empty(len(vals))
        bad = []
        for i, v in enumerate(vals):
            try:
                out[i] = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
            except (ValueError, TypeError):
                out[i] = np.nan
                bad.append(i)
        _report(bad, vals, sheet, column, rows, errors, NOT_NUMBER)
    if len(out) and not np.isfinite(np.add.reduce(out)):  # some NaN or inf: blanks, or a refused cell
        given = np.fromiter((v is not None and v != "" for v in values), dtype=bool, count=len(out))
        nonfinite = ~np.isfinite(out) & given
        if bad:
            nonfinite[bad] = False
        if nonfinite.any():
            _report(np.flatnonzero(nonfinite), values, sheet, column, rows, errors, NOT_FINITE)
            out[nonfinite] = np.nan
    return out


def _report(idx, vals, sheet, column, rows, errors: ErrorList, what: tuple[str, str, str, str]) -> None:
    idx = list(idx)
    for i in idx[:20]:
        errors.add(sheet, int(rows[i]), column, f"{vals[i]!r} {what[0]}", message_zh=f"{vals[i]!r} {what[1]}")
    if len(idx) > 20:
        errors.add(sheet, None, column, f"… and {len(idx) - 20} {what[2]}", message_zh=f"……另有 {len(idx) - 20} {what[3]}")


def _cat(values) -> Categorical:
    return values if isinstance(values, Categorical) else Categorical.from_values(values)


def build_activity(raw: dict, *, rows: np.ndarray | None, sheet: str, settings: Settings, library: Library,
                   errors: ErrorList) -> ActivityTable | None:
    """Validate raw columns (lists of cells, numpy arrays or Categoricals) into an ActivityTable."""
    n = len(next(iter(raw.values()))) if raw else 0
    rows = np.arange(3, n + 3) if rows is None else np.asarray(rows)
    for c in ACTIVITY_COLUMNS:
        if c.required and c.key not in raw:
            errors.add(sheet, None, c.key, f"required column {c.key} ({c.zh}) is missing",
                       f"缺少必填列 {c.key}（{c.zh}）")
    if errors:
        return None
    text = {}
    for k in TEXT_KEYS:
        text[k] = _cat(raw[k]) if k in raw else Categorical.constant("", n)
    for k in ("kind", "flow", "biogenic", "data_class", "factor_type", "factor_tier", "ad_distribution",
              "factor_distribution"):
        text[k] = text[k].map_levels(canonical)
    num = {k: to_float_column(raw[k], sheet, k, rows, errors) if k in raw
           else np.broadcast_to(np.float64(np.nan), (n,))  # absent column: a read-only blank view, no memory
           for k in NUMBER_KEYS}

    def bad_rows(mask, column, message, message_zh):
        if mask.any():
            errors.add_rows(sheet, rows[mask], column, message, message_zh)

    for c in ACTIVITY_COLUMNS:
        if c.required and c.type == "text":
            bad_rows(text[c.key].blank(), c.key, "required value is empty", "必填值为空")
    q = num["quantity"]
    rq = raw["quantity"]
    blank_q = None if isinstance(rq, np.ndarray) else np.fromiter(
        (v is None or v == "" for v in rq), dtype=bool, count=n)
    # two reductions prove the common case (every quantity finite and ≥ 0; NaN fails both tests);
    # the row masks are built only when something is wrong
    if blank_q is not None or not (n == 0 or (np.min(q) >= 0 and np.max(q) < np.inf)):
        bad_rows(np.isnan(q) if blank_q is None else blank_q, "quantity", "required value is empty", "必填值为空")
        bad_rows(q < 0, "quantity", "negative quantity; record exports with flow = export, not a negative number",
                 "数量为负；外供（输出）请记为 flow = export，不要填负数")

    # choices, checked once per distinct value
    def choice(key, allowed, what, what_zh, allow_blank=True):
        cat = text[key]
        bad = cat.level_mask(lambda s: not ((allow_blank and s == "") or s in allowed))
        if bad.any():
            for code in np.unique(cat.codes[bad]).tolist():
                m = cat.codes == code
                errors.add_rows(sheet, rows[m], key, f"unknown {what} {cat.levels[code]!r}; use one of: {', '.join(allowed)}",
                                f"未知的{what_zh} {cat.levels[code]!r}；请使用以下之一：{', '.join(allowed)}")

    choice("kind", KINDS, "kind", "类型", allow_blank=False)
    choice("flow", FLOWS, "flow", "方向")
    choice("biogenic", ("yes", "no"), "yes/no value", "是/否取值")
    choice("data_class", DATA_CLASSES, "data class", "数据类别")
    choice("factor_type", FACTOR_TYPES, "factor type", "因子类型")
    choice("factor_tier", tuple("abcdef"), "factor tier", "因子等级")
    choice("ad_distribution", DISTRIBUTIONS, "distribution", "分布")
    choice("factor_distribution", DISTRIBUTIONS, "distribution", "分布")
    tables = text["factor_table"]
    for code, tid in enumerate(tables.levels):
        if tid and tid not in library.tables:
            errors.add_rows(sheet, rows[tables.codes == code], "factor_table", f"unknown factor table {tid!r}",
                            f"未知的因子表 {tid!r}")

    for key, parser, what, what_zh in (("unit", unit_scale, "unit", "单位"),
                                       ("ncv_unit", rate_scale, "NCV unit", "低位发热量单位"),
                                       ("factor_unit", rate_scale, "factor unit", "排放因子单位")):
        cat = text[key]
        for code, u in enumerate(cat.levels):
            if u == "":
                continue
            try:
                parser(u)
            except UnitError as exc:
                errors.add_rows(sheet, rows[cat.codes == code], key, f"unknown {what}: {exc}", f"未知的{what_zh}：{exc.zh}")

    kind, act = text["kind"], text["activity"]
    na = max(len(act.levels), 1)
    fuels = {a.split(":", 1)[1] for a in library.activities("fuel:")}
    processes = {a.split(":", 1)[1] for a in library.activities("process:")}
    gases = set(library.gases())

    def check_activities(pairs, rows_of):
        """The activity must be known for its kind ("unknown fuel" …): once per distinct
        (kind code, activity code) pair; rows_of(pair) gives its row mask."""
        for kc, ac in pairs:
            k, a = kind.levels[kc], act.levels[ac]
            msg = msg_zh = None
            if k == "fuel" and a not in fuels:
                known = ", ".join(sorted(fuels))
                msg = f"unknown fuel {a!r}; the library knows: {known}"
                msg_zh = f"未知的燃料 {a!r}；因子库中有：{known}"
            elif k == "process" and a not in processes and not (~np.isnan(num["factor"][rows_of(kc, ac)])).all():
                known = ", ".join(sorted(processes))
                msg = f"unknown process material {a!r}; give factor and factor_unit, or one of: {known}"
                msg_zh = f"未知的过程物料 {a!r}；请填写 factor 和 factor_unit，或使用以下之一：{known}"
            elif k == "fugitive" and a not in gases:
                known = ", ".join(sorted(gases))
                msg = f"unknown gas {a!r}; use one of: {known}"
                msg_zh = f"未知的气体 {a!r}；请使用以下之一：{known}"
            elif k == "electricity" and a not in ELECTRICITY_ACTIVITIES:
                known = ", ".join(ELECTRICITY_ACTIVITIES)
                msg = f"unknown electricity activity {a!r}; use one of: {known}"
                msg_zh = f"未知的电力活动 {a!r}；请使用以下之一：{known}"
            elif k == "heat" and a not in HEAT_ACTIVITIES:
                known = ", ".join(HEAT_ACTIVITIES)
                msg = f"unknown heat activity {a!r}; use one of: {known}"
                msg_zh = f"未知的热力活动 {a!r}；请使用以下之一：{known}"
            if msg:
                errors.add_rows(sheet, rows[rows_of(kc, ac)], "activity", msg, message_zh=msg_zh)

    # numbers in range (columns absent from the input are all blank: nothing to check)
    def present(k):
        return k in raw

    if present("of"):
        bad_rows((num["of"] <= 0) | (num["of"] > 1), "of", "oxidation rate must be a fraction in (0, 1]",
                 "碳氧化率必须是 (0, 1] 区间内的小数")
    if present("fraction"):
        bad_rows((num["fraction"] < 0) | (num["fraction"] > 1), "fraction", "fraction must be between 0 and 1",
                 "比例必须在 0 与 1 之间")
    for k in ("ncv", "cc", "factor", "crosscheck_quantity", "ad_uncertainty_pct", "factor_uncertainty_pct"):
        if present(k) and n and np.fmin.reduce(num[k]) < 0:  # one reduction (NaN ignored); rows only if any
            bad_rows(num[k] < 0, k, f"{k} must not be negative", f"{k} 不得为负数")
    if present("factor_samples"):
        fs = num["factor_samples"]
        bad_rows(~np.isnan(fs) & ((fs < 1) | (fs != np.floor(fs))), "factor_samples",
                 "number of samples must be a whole number ≥ 1", "样本数必须是 ≥ 1 的整数")
    cat_ = num["category"]
    if present("category"):
        bad_rows(~np.isnan(cat_) & ~np.isin(cat_, [1, 2, 3, 4, 5, 6]), "category", "ISO 14064-1 category must be 1–6",
                 "ISO 14064-1 类别必须为 1–6")
    if present("ncv"):
        bad_rows(~np.isnan(num["ncv"]) & text["ncv_unit"].blank(), "ncv_unit", "ncv given without its unit",
                 "填写了 ncv（低位发热量）但未填写其单位")
    if present("factor"):
        bad_rows(~np.isnan(num["factor"]) & text["factor_unit"].blank(), "factor_unit", "factor given without its unit",
                 "填写了 factor（排放因子）但未填写其单位")
    is_other = kind.level_mask(lambda s: s == "other")
    if is_other.any():
        bad_rows(is_other & np.isnan(num["factor"]), "factor", "missing factor: kind other needs factor and factor_unit",
                 "缺少排放因子：类型 other 需要填写 factor 和 factor_unit")
        bad_rows(is_other & np.isnan(cat_), "category", "kind other needs its ISO 14064-1 category (3–6)",
                 "类型 other 需要填写其 ISO 14064-1 类别（3–6）")
    supplier = act.level_mask(lambda s: s == "supplier")
    if supplier.any():
        bad_rows(supplier & np.isnan(num["factor"]), "factor", "missing factor: a supplier-specific factor must be given",
                 "缺少排放因子：必须填写供应商特定的排放因子")

    # periods: once per distinct value, then within the years the settings allow
    per = _cat(raw["period"])
    parsed = [parse_period(s) if s else None for s in per.levels]
    ym = np.array([(p[0], p[1]) if p else (0, 0) for p in parsed], dtype=np.int32).reshape(-1, 2)
    bad_rows(per.blank(), "period", "required value is empty", "必填值为空")
    for code, p in enumerate(parsed):
        if p is None and per.levels[code] != "":
            errors.add_rows(sheet, rows[per.codes == code], "period", f"{per.levels[code]!r} is not a month (YYYY-MM) or a year (YYYY)",
                            f"{per.levels[code]!r} 不是月（YYYY-MM）或年（YYYY）")
    lo = settings.base_year or settings.reporting_year
    py = ym[:, 0]
    outside = per.select((py != 0) & ((py < lo) | (py > settings.reporting_year)))
    allowed = f"{lo}–{settings.reporting_year}" if lo != settings.reporting_year else str(lo)
    bad_rows(outside, "period", f"period outside the year: records must fall in {allowed} (reporting/base year in Settings)",
             f"期间超出年度范围：记录必须在 {allowed} 之内（报告年度/基准年见 Settings 设置）")

    def pair_rows(kc, ac):
        return (kind.codes == kc) & (act.codes == ac)

    table = None if errors else ActivityTable(sheet, rows, text, num, per.codes, ym[:, 0], ym[:, 1])
    rc = table.raw_classes() if table is not None else None
    if rc is not None:
        # the pairs that occur are digits of the row classes the inventory uses anyway (one pass for both)
        parts = table.class_parts()
        digits = digits_of(np.flatnonzero(rc[2]), parts)
        ik, ia = CLASS_COLUMNS.index("kind"), CLASS_COLUMNS.index("activity")
        pairs = sorted(set(zip(digits[:, ik].tolist(), digits[:, ia].tolist(), strict=True)))
    else:  # distinct (kind, activity) pairs by a dense count (O(n), no sort)
        pair = kind.codes.astype(np.int64) * na + act.codes
        pairs = [divmod(p, na) for p in np.flatnonzero(np.bincount(pair, minlength=max(len(kind.levels), 1) * na)).tolist()]
    check_activities(pairs, pair_rows)
    if errors:
        return None
    return table
