"""Reading a dataset from Excel (python-calamine), CSV or JSON — all or nothing.

Every sheet has a Chinese header in row 1 and the English column key in row 2 (the template's
layout); CSV files may carry either both rows or only the key row. Columns are found by key, so
their order does not matter and unknown columns are reported, not silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .columns import ACTIVITY_COLUMNS, ACTIVITY_KEYS, NOT_FINITE, build_activity, parse_period
from .errors import CellError, ErrorList, InputError
from .guard import workbook_grids
from .library import Library, default_library
from .model import (
    CHANGE_SYNONYMS,
    CHANGES,
    INSTRUMENT_SYNONYMS,
    INSTRUMENT_TYPES,
    LAB_PARAMETERS,
    LAB_SYNONYMS,
    METER_CLASSES,
    BoundaryChange,
    Dataset,
    Instrument,
    LabReport,
    Meter,
    Output,
    Settings,
    Source,
    Target,
    canonical,
)


@dataclass(frozen=True)
class SheetSpec:
    en: str
    zh: str
    columns: tuple[tuple[str, str], ...]  # (key, Chinese header)


SETTINGS_KEYS = (
    ("organisation", "组织名称"), ("reporting_year", "报告年度"), ("base_year", "基准年"),
    ("method", "核算方法"), ("gwp", "GWP 基准"), ("region", "默认地区"), ("boundary", "组织边界"),
    ("crosscheck_tolerance_pct", "交叉核对容差%"), ("sampling_seed", "抽样随机种子"),
    ("recalculation_threshold_pct", "基准年重算阈值%"), ("sector", "行业核算方法"),
)
SHEETS = {
    "Settings": SheetSpec("Settings", "设置", (("key", "项目"), ("value", "值"))),
    "Sources": SheetSpec("Sources", "排放源", (("source_id", "排放源编号"), ("facility", "设施"), ("description", "描述"),
                                                ("kind", "类型"), ("category", "ISO 14064-1 类别"),
                                                ("activity", "燃料/物料类型"), ("technology", "工艺/技术/设备类型"),
                                                ("sector_source", "行业排放源类别"))),
    "Activity": SheetSpec("Activity", "活动数据", tuple((c.key, c.zh) for c in ACTIVITY_COLUMNS)),
    "Meters": SheetSpec("Meters", "计量器具", (("meter_id", "计量器具编号"), ("accuracy_class", "准确度等级"),
                                              ("accuracy_pct", "准确度%"), ("calibrated_on", "校准日期"),
                                              ("valid_until", "校准有效期至"), ("measurement_class", "测量类别"))),
    "Output": SheetSpec("Output", "产量", (("product", "产品"), ("year", "年度"), ("quantity", "产量"),
                                          ("unit", "单位"), ("facility", "设施"))),
    "Targets": SheetSpec("Targets", "目标", (("target_id", "目标编号"), ("indicator", "指标"), ("scope", "范围"),
                                            ("base_year", "基准年"), ("target_year", "目标年"),
                                            ("reduction_pct", "降低比例%"))),
    "BoundaryChanges": SheetSpec("BoundaryChanges", "边界变更", (("facility", "设施"), ("change", "变更"),
                                                              ("year", "年度"), ("base_year_tco2e", "基准年排放tCO2e"),
                                                              ("note", "说明"))),
    # optional: the laboratory reports behind measured NCV / carbon content / moisture (screening.py)
    "LabReports": SheetSpec("LabReports", "化验报告", (("report_id", "报告编号"), ("source_id", "排放源编号"),
                                                     ("period", "期间"), ("parameter", "检测项目"), ("value", "检测值"),
                                                     ("unit", "单位"), ("laboratory", "检测机构"),
                                                     ("sampled_on", "采样日期"), ("tested_on", "检测日期"),
                                                     ("issued_on", "报告日期"), ("used_on", "数据使用日期"))),
    # optional: green electricity certificates / green power contracts behind market-based Scope 2 (market.py)
    "Instruments": SheetSpec("Instruments", "绿证与绿电", (("instrument_id", "凭证编号"), ("type", "类型"),
                                                       ("certificate_ids", "绿证编号"), ("quantity_mwh", "电量MWh"),
                                                       ("vintage", "生产年月"), ("period", "消费期间"),
                                                       ("facility", "消费设施"), ("note", "说明"))),
}


def sheet_title(en: str) -> str:
    return f"{SHEETS[en].zh} {en}"


def load(path: str | Path, library: Library | None = None) -> Dataset:
    """Read a workbook (.xlsx/.xlsm), a .csv of activity rows or a .json dataset."""
    p = Path(path)
    if not p.is_file():
        raise InputError([CellError(p.name, None, None, "file not found", "找不到文件")])
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        grids = _read_workbook(p)
        return from_grids(grids, origin=p.name, library=library)
    if ext == ".csv":
        # activity rows; the other sheets as sidecars next to it: NAME.settings.csv, NAME.sources.csv …
        grids = {"Activity": _read_csv(p)}
        for en in SHEETS:
            side = p.with_name(f"{p.stem}.{_snake(en)}.csv")
            if en != "Activity" and side.is_file():
                grids[en] = _read_csv(side)
        return from_grids(grids, origin=p.name, library=library)
    if ext == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError([CellError(p.name, exc.lineno, None, f"invalid JSON: {exc.msg}",
                                         f"JSON 格式无效：{exc.msg}")]) from None
        return from_dict(data, origin=p.name, library=library)
    raise InputError([CellError(p.name, None, None, f"unsupported file type {ext!r}; use .xlsx, .csv or .json",
                                f"不支持的文件类型 {ext!r}；请使用 .xlsx、.csv 或 .json")])


def _read_csv(p: Path) -> list[list]:
    with p.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def _snake(en: str) -> str:
    return {"BoundaryChanges": "boundary_changes", "LabReports": "lab_reports"}.get(en, en.lower())  # Instruments: instruments


def _read_workbook(p: Path) -> dict[str, list[list]]:
    return workbook_grids(p, SHEETS)


def from_dict(data: dict, *, origin: str = "", library: Library | None = None) -> Dataset:
    """JSON shape: {"settings": {...}, "activity": [{col: value}], "sources": [...], "meters": [...],
    "output": [...], "targets": [...], "boundary_changes": [...]} (lists of objects keyed like the template)."""
    if not isinstance(data, dict):
        raise InputError([CellError(origin, None, None, "the JSON document must be an object",
                                    "JSON 文档必须是一个对象（object）")])
    grids: dict[str, list[list]] = {}
    settings = data.get("settings", {})
    grids["Settings"] = [["key", "value"]] + [[k, v] for k, v in settings.items()]
    for en, key in (("Activity", "activity"), ("Sources", "sources"), ("Meters", "meters"), ("Output", "output"),
                    ("Targets", "targets"), ("BoundaryChanges", "boundary_changes"), ("LabReports", "lab_reports"),
                    ("Instruments", "instruments")):
        recs = data.get(key)
        if recs is None:
            continue
        if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
            raise InputError([CellError(origin, None, key, f"{key!r} must be a list of objects",
                                        f"{key!r} 必须是对象（object）列表")])
        cols = list(dict.fromkeys(k for r in recs for k in r))
        grids[en] = [cols] + [[r.get(c, "") for c in cols] for r in recs]
    return from_grids(grids, origin=origin, library=library, header_rows=1, record_numbers=True)


def _split(grid: list[list], en: str, header_rows: int | None, record_numbers: bool = False
           ) -> tuple[list[str], list[list], int]:
    """Header keys, data rows, sheet row number of the first data row."""
    keys_known = {k for k, _ in SHEETS[en].columns}
    if header_rows is None:  # row 2 holds the keys in the template; a CSV may have only one header row
        header_rows = 2 if len(grid) > 1 and any(str(c).strip() in keys_known for c in grid[1]) else 1
    header = [str(c).strip() for c in (grid[header_rows - 1] if grid else [])]
    data = grid[header_rows:]
    # drop trailing blank rows (Excel keeps formatted empty rows)
    while data and all(c in ("", None) for c in data[-1]):
        data.pop()
    return header, data, 1 if record_numbers else header_rows + 1


def from_grids(grids: dict[str, list[list]], *, origin: str = "", library: Library | None = None,
               header_rows: int | None = None, record_numbers: bool = False) -> Dataset:
    """record_numbers: JSON input numbers records 1, 2, … instead of sheet rows."""
    lib = library or default_library()
    errors = ErrorList()
    settings = _settings(grids.get("Settings"), errors, header_rows)
    if "Activity" not in grids:
        errors.add(sheet_title("Activity"), None, None, "the Activity sheet is missing", "缺少 Activity 工作表")
        errors.raise_if_any()
    header, data, first = _split(grids["Activity"], "Activity", header_rows, record_numbers)
    sheet = sheet_title("Activity")
    for h in header:
        if h and h not in ACTIVITY_KEYS:
            errors.add(sheet, first - 1, h, f"unknown column {h!r} (keys are in row {first - 1})",
                       f"未知的列 {h!r}（列键在第 {first - 1} 行）")
    cols = {}
    width = len(header)
    for r in data:  # ragged rows from CSV
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    if data:
        transposed = list(zip(*data, strict=False))
        for j, h in enumerate(header):
            if h in ACTIVITY_KEYS:
                cols[h] = list(transposed[j])
    else:
        errors.add(sheet, None, None, "no activity records", "没有活动记录")
        cols = {h: [] for h in header if h in ACTIVITY_KEYS}
    rows = np.arange(first, first + len(data))
    if settings.reporting_year:
        table = build_activity(cols, rows=rows, sheet=sheet, settings=settings, library=lib, errors=errors)
    else:
        table = None
    sources = _records(grids, "Sources", errors, header_rows, _source, record_numbers)
    meters = {m.meter_id: m for m in _records(grids, "Meters", errors, header_rows, _meter, record_numbers)}
    outputs = _records(grids, "Output", errors, header_rows, _output, record_numbers)
    targets = _records(grids, "Targets", errors, header_rows, _target, record_numbers)
    changes = _records(grids, "BoundaryChanges", errors, header_rows, _change, record_numbers)
    labs = _records(grids, "LabReports", errors, header_rows, _lab_report, record_numbers)
    instruments = _records(grids, "Instruments", errors, header_rows, _instrument, record_numbers)
    _check_sector(settings, sources, errors)
    if settings.method not in lib.methods:
        known = ", ".join(lib.methods)
        errors.add(sheet_title("Settings"), None, "method", f"unknown method {settings.method!r}; use one of: {known}",
                   f"未知的方法学 {settings.method!r}；请使用以下之一：{known}")
    errors.raise_if_any()
    return Dataset(settings, table, sources, meters, outputs, targets, changes, origin, labs, instruments)


def _settings(grid, errors: ErrorList, header_rows) -> Settings:
    s = Settings()
    sheet = sheet_title("Settings")
    if not grid:
        errors.add(sheet, None, "reporting_year",
                   "the Settings sheet (with reporting_year) is missing; for a CSV put it in NAME.settings.csv",
                   "缺少 Settings 工作表（含 reporting_year）；CSV 文件请把设置放在 NAME.settings.csv 中")
        return s
    _, data, first = _split(grid, "Settings", header_rows)
    known = dict(SETTINGS_KEYS)
    for i, row in enumerate(data):
        if not row or str(row[0]).strip() == "":
            continue
        key, val = str(row[0]).strip(), row[1] if len(row) > 1 else ""
        rn = first + i
        if key not in known:
            errors.add(sheet, rn, "key", f"unknown setting {key!r}; known: {', '.join(known)}",
                       f"未知的设置项 {key!r}；已知设置项：{', '.join(known)}")
            continue
        if val in ("", None):
            continue
        try:
            if key in ("reporting_year", "base_year", "sampling_seed") or key.endswith("_pct"):
                x = float(val)
                if not math.isfinite(x):
                    errors.add(sheet, rn, "value", f"{key}: {val!r} {NOT_FINITE[0]}",
                               message_zh=f"{key}：{val!r} {NOT_FINITE[1]}")
                    continue
                setattr(s, key, x if key.endswith("_pct") else int(x))
            else:
                setattr(s, key, str(val).strip())
        except ValueError:
            errors.add(sheet, rn, "value", f"{key}: {val!r} is not a number", f"{key}：{val!r} 不是数字")
    if not s.reporting_year:
        errors.add(sheet, None, "reporting_year", "reporting_year is required", "必须填写 reporting_year（报告年度）")
    elif s.base_year and s.base_year > s.reporting_year:
        errors.add(sheet, None, "base_year", "base_year is after reporting_year",
                   "base_year（基准年）晚于 reporting_year（报告年度）")
    return s


def _records(grids, en, errors: ErrorList, header_rows, make, record_numbers=False):
    grid = grids.get(en)
    if not grid:
        return []
    header, data, first = _split(grid, en, header_rows, record_numbers)
    sheet = sheet_title(en)
    keys = {k for k, _ in SHEETS[en].columns}
    for h in header:
        if h and h not in keys:
            errors.add(sheet, first - 1, h, f"unknown column {h!r}", f"未知的列 {h!r}")
    out = []
    for i, row in enumerate(data):
        rec = {h: row[j] if j < len(row) else "" for j, h in enumerate(header) if h in keys}
        if all(v in ("", None) for v in rec.values()):
            continue
        try:
            out.append(make(rec, first + i))
        except _Bad as exc:
            errors.add(sheet, first + i, exc.column, exc.message, message_zh=exc.message_zh)
    return out


class _Bad(Exception):
    def __init__(self, column, message, message_zh=""):
        self.column, self.message, self.message_zh = column, message, message_zh


def _num(rec, key, *, required=False, integer=False):
    v = rec.get(key, "")
    if v in ("", None):
        if required:
            raise _Bad(key, "required value is empty", "必填值为空")
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise _Bad(key, f"{v!r} is not a number", f"{v!r} 不是数字") from None
    if not math.isfinite(x):  # "NaN", "inf", "1e999": never a blank, never a number
        raise _Bad(key, f"{v!r} {NOT_FINITE[0]}", message_zh=f"{v!r} {NOT_FINITE[1]}")
    return int(x) if integer else x


def _str(rec, key, *, required=False):
    v = rec.get(key, "")
    v = "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
    if required and not v:
        raise _Bad(key, "required value is empty", "必填值为空")
    return v


def _date(rec, key):
    v = rec.get(key, "")
    if v in ("", None):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        raise _Bad(key, f"{v!r} is not a date (YYYY-MM-DD)", f"{v!r} 不是日期（YYYY-MM-DD）") from None


def _source(rec, row):
    return Source(_str(rec, "source_id", required=True), _str(rec, "facility"), _str(rec, "description"),
                  _str(rec, "kind"), _num(rec, "category", integer=True), row, _str(rec, "activity"),
                  _str(rec, "technology"), _str(rec, "sector_source"))


def _check_sector(settings: Settings, sources: list[Source], errors: ErrorList) -> None:
    """The Settings sector must be a sector method of data/sectors.json, and a source's sector_source one of
    that sector's source categories (the template's list `sector_sources`)."""
    from .sectors import sectors

    known = sectors()
    if settings.sector and settings.sector not in known:
        names = ", ".join(f"{k} {v.zh}" for k, v in known.items())
        errors.add(sheet_title("Settings"), None, "sector", f"unknown sector {settings.sector!r}; use one of: {names}",
                   f"未知的行业 {settings.sector!r}；请使用以下之一：{names}")
        return
    for src in sources:
        if not src.sector_source:
            continue
        sec = known.get(settings.sector)
        if sec is None:
            errors.add(sheet_title("Sources"), src.row, "sector_source",
                       "a sector source category needs the sector in Settings (sector)",
                       "填写行业排放源类别时须在设置表中选择行业（sector）")
        elif sec.source(src.sector_source) is None:
            codes = ", ".join(c.code for c in sec.sources)
            errors.add(sheet_title("Sources"), src.row, "sector_source",
                       f"{src.sector_source!r} is not a source category of sector {sec.code}; use one of: {codes}",
                       f"{src.sector_source!r} 不是行业 {sec.code}（{sec.zh}）的排放源类别；请使用以下之一：{codes}")


def _meter(rec, row):
    m = Meter(_str(rec, "meter_id", required=True), _num(rec, "accuracy_pct"), _str(rec, "accuracy_class"),
              _date(rec, "calibrated_on"), _date(rec, "valid_until"), row, canonical(_str(rec, "measurement_class")))
    if m.measurement_class and m.measurement_class not in METER_CLASSES:
        allowed = ", ".join(METER_CLASSES)
        raise _Bad("measurement_class", f"unknown measurement class {m.measurement_class!r}; use one of: {allowed}",
                   f"未知的测量类别 {m.measurement_class!r}；请使用以下之一：{allowed}（连续测量、间断测量）")
    if m.valid_until is None:
        raise _Bad("valid_until", "calibration validity (valid_until) is required for a meter",
                   "计量器具必须填写校准有效期（valid_until）")
    return m


def _output(rec, row):
    year = rec.get("year", "")
    y = parse_period(f"{year}-01") if str(year).strip().isdigit() or isinstance(year, (int, float)) else None
    if isinstance(year, float) and year.is_integer():
        y = (int(year), 1)
    if not y:
        raise _Bad("year", f"{year!r} is not a year", f"{year!r} 不是年份")
    q = _num(rec, "quantity", required=True)
    if q <= 0:
        raise _Bad("quantity", "output must be positive", "产量必须为正数")
    return Output(_str(rec, "product", required=True), y[0], q, _str(rec, "unit", required=True), _str(rec, "facility"), row)


def _target(rec, row):
    ind = _str(rec, "indicator", required=True)
    if not (ind == "absolute" or ind.startswith("intensity:")):
        raise _Bad("indicator", "indicator must be 'absolute' or 'intensity:<product>'",
                   "indicator 必须为 'absolute' 或 'intensity:<product>'")
    scope = _str(rec, "scope") or "total"
    if scope != "total" and scope not in "123456":
        raise _Bad("scope", "scope must be 'total' or an ISO 14064-1 category 1–6",
                   "scope 必须为 'total' 或 ISO 14064-1 类别 1–6")
    t = Target(_str(rec, "target_id", required=True), ind, _num(rec, "base_year", required=True, integer=True),
               _num(rec, "target_year", required=True, integer=True), _num(rec, "reduction_pct", required=True), scope, row)
    if t.target_year <= t.base_year:
        raise _Bad("target_year", "target_year must be after base_year", "target_year（目标年）必须晚于 base_year（基准年）")
    return t


def _change(rec, row):
    ch = _str(rec, "change", required=True).lower()
    ch = CHANGE_SYNONYMS.get(ch, ch)
    if ch not in CHANGES:
        raise _Bad("change", "change must be one of: " + ", ".join(CHANGES), "change 必须为以下之一：" + ", ".join(CHANGES))
    return BoundaryChange(_str(rec, "facility", required=ch in ("acquired", "divested")), ch,
                          _num(rec, "year", required=True, integer=True), _num(rec, "base_year_tco2e"),
                          _str(rec, "note"), row)


def _lab_report(rec, row):
    """A LabReports row, as strict as the other sheets: a real period, a known parameter, a finite
    number, real dates (their order is screened, not refused: a back-dated report is evidence)."""
    period = rec.get("period", "")
    ym = parse_period(period) if period not in ("", None) else None
    if ym is None:
        raise _Bad("period", f"{period!r} is not a period (YYYY-MM or YYYY)", f"{period!r} 不是期间（YYYY-MM 或 YYYY）")
    par = _str(rec, "parameter", required=True)
    par = LAB_SYNONYMS.get(par, par.lower())
    if par not in LAB_PARAMETERS:
        allowed = ", ".join(LAB_PARAMETERS)
        raise _Bad("parameter", f"unknown parameter {par!r}; use one of: {allowed}",
                   f"未知的检测项目 {par!r}；请使用以下之一：{allowed}（低位发热量、单位热值含碳量、全水分）")
    value = _num(rec, "value", required=True)
    if value < 0:
        raise _Bad("value", "a measured value cannot be negative", "检测值不能为负数")
    issued = _date(rec, "issued_on")
    if issued is None:
        raise _Bad("issued_on", "the report date (issued_on) is required", "必须填写报告日期（issued_on）")
    return LabReport(_str(rec, "report_id", required=True), _str(rec, "source_id", required=True), ym[0], ym[1], par,
                     value, _str(rec, "unit"), _str(rec, "laboratory"), _date(rec, "sampled_on"),
                     _date(rec, "tested_on"), issued, _date(rec, "used_on"), row)


MAX_CERTIFICATES = 100_000  # certificate ids per instrument row (one GEC = 1 MWh; a bounded parameter)
_SPLIT = re.compile(r"[\s,;，；、]+")


def _instrument(rec, row):
    """An Instruments row: a green electricity certificate batch or a green power contract. Refused like the other
    sheets' bad cells; whether it may be claimed (double counting, vintage, consumption) is checked by market.py."""
    typ = _str(rec, "type", required=True)
    typ = INSTRUMENT_SYNONYMS.get(typ, typ.lower())
    if typ not in INSTRUMENT_TYPES:
        raise _Bad("type", f"unknown instrument type {typ!r}; use gec or green_power",
                   f"未知的凭证类型 {typ!r}；请使用 gec（绿证）或 green_power（绿电交易）")
    ids = tuple(x for x in _SPLIT.split(_str(rec, "certificate_ids", required=True)) if x)
    if not ids:
        raise _Bad("certificate_ids", "required value is empty", "必填值为空")
    if len(ids) > MAX_CERTIFICATES or any(len(x) > 64 for x in ids):
        raise _Bad("certificate_ids", f"at most {MAX_CERTIFICATES:,} certificate ids of at most 64 characters each",
                   f"每行最多 {MAX_CERTIFICATES:,} 个绿证编号，每个不超过 64 个字符")
    q = _num(rec, "quantity_mwh", required=True)
    if q < 0:
        raise _Bad("quantity_mwh", "a quantity cannot be negative", "电量不能为负数")
    ym = {}
    for key in ("vintage", "period"):
        v = rec.get(key, "")
        ym[key] = parse_period(v) if v not in ("", None) else None
        if ym[key] is None:
            raise _Bad(key, f"{v!r} is not a period (YYYY-MM or YYYY)", f"{v!r} 不是期间（YYYY-MM 或 YYYY）")
    return Instrument(_str(rec, "instrument_id", required=True), typ, ids, q, ym["vintage"][0], ym["vintage"][1],
                      ym["period"][0], ym["period"][1], _str(rec, "facility", required=True), _str(rec, "note"), row)
