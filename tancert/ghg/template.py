"""The Excel template: Chinese headers in row 1, English keys in row 2, data from row 3,
validation lists on the coded columns, a read-me sheet and an example sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .columns import ACTIVITY_COLUMNS, ELECTRICITY_ACTIVITIES, HEAT_ACTIVITIES
from .example import EXAMPLE_LAB_REPORTS, example_dataset
from .importer import SETTINGS_KEYS, SHEETS, sheet_title
from .library import Library, default_library
from .model import (
    DATA_CLASSES,
    DISTRIBUTIONS,
    FACTOR_TYPES,
    FLOWS,
    INSTRUMENT_TYPES,
    KINDS,
    LAB_PARAMETERS,
    METER_CLASSES,
)
from .sectors import sector_source_codes, sectors

DATA_ROWS = 100_000  # rows covered by the validation lists
SETTINGS_HELP = {
    "organisation": "组织名称 organisation name",
    "reporting_year": "报告年度，必填 reporting year (required)",
    "base_year": "基准年 base year (optional; records of this year form the baseline)",
    "method": "iso14064-1 / gbt32150-2015 / gbt32150-2025 / gbt32151.34-2024 / mee-power-2022",
    "gwp": "SAR / AR4 / AR5 / AR6 (default: the method's basis)",
    "region": "电力默认地区 default province or grid region for electricity",
    "boundary": "operational control / financial control / equity share",
    "crosscheck_tolerance_pct": "R6.2-crosscheck tolerance, % (default 5)",
    "sampling_seed": "R6.2-sampling random seed",
    "recalculation_threshold_pct": "base-year recalculation significance, % (default 5)",
    "sector": "行业核算方法（可选）power 发电 / cement 水泥 / steel 钢铁 / aluminium 铝冶炼 / chemicals 化工 / paper 造纸 / "
              "aviation 民用航空 — 见“行业方法 Sectors”工作表 sector method (optional), see the Sectors sheet",
}
INSTRUMENT_HELP = {
    "instrument_id": "凭证编号（必填）instrument id (required)",
    "type": "gec 绿证 / green_power 绿电交易 (required)",
    "certificate_ids": "绿证编号，多个以分号、逗号或空格分隔；同一编号只能申报一次 certificate ids (required; one id claimed once)",
    "quantity_mwh": "电量 MWh（1 张绿证 = 1 MWh）quantity, MWh (required)",
    "vintage": "绿证生产年月 YYYY-MM 或 YYYY，须在报告年度内 generation period, within the reporting year (required)",
    "period": "申报抵扣的用电期间 YYYY-MM 或 YYYY consumption period claimed (required)",
    "facility": "消费设施，同活动数据表 facility consumption site (required)",
    "note": "说明 note",
}
EXAMPLE_INSTRUMENTS = [
    {"instrument_id": "GEC-2024-01", "type": "gec", "certificate_ids": "GEC240100001; GEC240100002",
     "quantity_mwh": 2, "vintage": "2024-01", "period": "2024-01", "facility": "水泥厂 Plant A",
     "note": "示例：两张绿证，各 1 MWh"},
]

SOURCE_HELP = [
    ("activity（燃料/物料类型）", "排放源实际使用的燃料、原料或能源类型，与活动数据表 activity 列同一代码；不一致时提示技术代表性问题。"
     " Fuel / material / energy type the source actually uses, same code as the Activity sheet's activity (R6.1-a)."),
    ("technology（工艺/技术/设备类型）", "排放源的工艺、技术或设备类型；与活动数据表 factor_technology（因子适用工艺/设备）比较。"
     " Process, technology or equipment type of the source; compared with the Activity sheet's factor_technology (R6.1-a)."),
]
LAB_HELP = {
    "report_id": "化验报告编号 report number (required)",
    "source_id": "排放源编号，同排放源表 source id as in Sources (required)",
    "period": "报告所属期间 YYYY-MM（或 YYYY） month the report covers (required)",
    "parameter": "ncv 低位发热量 / cc 单位热值含碳量 / moisture 全水分 (required)",
    "value": "检测值，有限非负数 measured value, finite, ≥ 0 (required)",
    "unit": "单位，如 GJ/t, tC/GJ, % unit",
    "laboratory": "检测机构 laboratory",
    "sampled_on": "采样日期 YYYY-MM-DD sampling date (within the period)",
    "tested_on": "检测日期 YYYY-MM-DD testing date (≥ sampling date)",
    "issued_on": "报告日期 YYYY-MM-DD report date (required, ≥ testing date)",
    "used_on": "数据使用/报送日期 YYYY-MM-DD day the value went into the ledger or submitted report (≥ report date)",
}


def _lists(lib: Library) -> dict[str, list[str]]:
    fuels = [a.split(":", 1)[1] for a in lib.activities("fuel:")]
    procs = [a.split(":", 1)[1] for a in lib.activities("process:")]
    return {
        "kinds": list(KINDS), "activities": fuels + procs + list(ELECTRICITY_ACTIVITIES) + list(HEAT_ACTIVITIES)
        + lib.gases(), "units": ["t", "kg", "Nm3", "10^4Nm3", "MWh", "kWh", "GJ", "TJ", "t*km", "pkm", "m3", "L"],
        "flows": list(FLOWS), "yesno": ["yes", "no"], "classes": list(DATA_CLASSES),
        "meter_classes": list(METER_CLASSES), "factor_types": list(FACTOR_TYPES),
        "tiers": list("abcdef"), "distributions": list(DISTRIBUTIONS), "gases": lib.gases() + ["CO2e"],
        "methods": list(lib.methods), "gwp": ["SAR", "AR4", "AR5", "AR6"], "tables": list(lib.tables),
        "lab_parameters": list(LAB_PARAMETERS), "sectors": list(sectors()), "sector_sources": sector_source_codes(),
        "instrument_types": list(INSTRUMENT_TYPES),
    }


def write_template(path: str | Path, *, example: bool = False, library: Library | None = None) -> Path:
    """Write the template; with example=True the data sheets hold the worked example."""
    import xlsxwriter

    lib = library or default_library()
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    zh = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    en = wb.add_format({"italic": True, "font_color": "#555555", "bg_color": "#F2F2F2", "border": 1})
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    lists = _lists(lib)
    data = example_dataset()

    readme = wb.add_worksheet("说明 Readme")
    readme.set_column(0, 0, 34)
    readme.set_column(1, 1, 110)
    lines = [
        ("tancert 温室气体数据模板 GHG data template", ""),
        ("结构 Layout", "第1行中文表头，第2行英文列键（导入按列键识别，列顺序可调整），第3行起为数据。"
                      " Row 1 Chinese header, row 2 English key (import matches keys), data from row 3."),
        ("导入 Import", "tancert ghg check FILE.xlsx — 任一错误则整个文件不导入，错误注明工作表、行、列。"
                      " Any error rejects the whole file; errors name sheet, row and column."),
        ("单位 Units", "t, kg, Nm3, 10^4Nm3, MWh, kWh, GJ, TJ, t*km, pkm, m3, L; 因子单位如 tCO2/MWh, kgCO2e/t*km, GJ/t"),
        ("示例 Example", "见“示例 Example”工作表；tancert ghg template --example 生成完整示例工作簿。"),
    ]
    for i, (a, b) in enumerate(lines):
        readme.write(i, 0, a, zh if i == 0 else None)
        readme.write(i, 1, b, wrap)
    r0 = len(lines) + 1
    readme.write(r0, 0, "活动数据列 Activity columns", zh)
    for i, c in enumerate(ACTIVITY_COLUMNS, start=r0 + 1):
        readme.write(i, 0, f"{c.key}（{c.zh}）{' *' if c.required else ''}")
        readme.write(i, 1, c.help, wrap)
    r1 = r0 + len(ACTIVITY_COLUMNS) + 2
    readme.write(r1 - 1, 0, "行业与绿证 Sectors, certificates", zh)
    readme.write(r1 - 1, 1, "设置表 sector 选择行业核算方法，排放源表 sector_source 选择其排放源类别（见“行业方法 Sectors”）；"
                 "“绿证与绿电 Instruments”工作表填写绿证/绿电交易，报告同时给出位置法与市场法。 Settings sector selects a "
                 "sector method and Sources sector_source its source category; the Instruments sheet holds green "
                 "electricity certificates for market-based Scope 2 beside the location-based figure.", wrap)
    readme.write(r1, 0, "排放源列 Sources columns (R6.1-a)", zh)
    for i, (a, b) in enumerate(SOURCE_HELP, start=r1 + 1):
        readme.write(i, 0, a)
        readme.write(i, 1, b, wrap)

    ws = wb.add_worksheet(sheet_title("Settings"))
    _header(ws, SHEETS["Settings"].columns, zh, en)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 70)
    for i, (key, label) in enumerate(SETTINGS_KEYS, start=2):
        ws.write_string(i, 0, key)
        v = data["settings"].get(key, "") if example else ("iso14064-1" if key == "method" else "")
        ws.write(i, 1, v)
        ws.write_string(i, 2, f"{label} — {SETTINGS_HELP[key]}")
    lists_ws = wb.add_worksheet("代码 Lists")
    ranges = {}
    for j, (name, vals) in enumerate(lists.items()):
        lists_ws.write_string(0, j, name, zh)
        for i, v in enumerate(vals, start=1):
            lists_ws.write_string(i, j, v)
        col = xlsxwriter.utility.xl_col_to_name(j)
        ranges[name] = f"='代码 Lists'!${col}$2:${col}${len(vals) + 1}"
    _validate(ws, 3, 1, ranges["methods"])
    _validate(ws, 4, 1, ranges["gwp"])
    _validate(ws, 2 + [k for k, _ in SETTINGS_KEYS].index("sector"), 1, ranges["sectors"])

    for en_name, key in (("Sources", "sources"), ("Activity", "activity"), ("Meters", "meters"), ("Output", "output"),
                         ("Targets", "targets"), ("BoundaryChanges", "boundary_changes")):
        ws = wb.add_worksheet(sheet_title(en_name))
        cols = SHEETS[en_name].columns
        _header(ws, cols, zh, en)
        if en_name == "Activity":
            for j, c in enumerate(ACTIVITY_COLUMNS):
                if c.choices:
                    ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": ranges[c.choices],
                                                                "error_type": "warning"})
                ws.write_comment(1, j, c.help)
        if en_name == "Sources":  # the declared fuel / material type uses the Activity sheet's codes
            j = [k for k, _ in cols].index("activity")
            ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": ranges["activities"],
                                                        "error_type": "warning"})
            j = [k for k, _ in cols].index("sector_source")
            ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": ranges["sector_sources"],
                                                        "error_type": "warning"})
            ws.write_comment(1, j, "行业排放源类别：设置表 sector 所选行业的类别，见“行业方法 Sectors” — the source category "
                             "of the Settings sector (Sectors sheet)")
        if en_name == "Meters":  # R6.2-tiers: how the meter measures
            j = [k for k, _ in cols].index("measurement_class")
            ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": ranges["meter_classes"],
                                                        "error_type": "warning"})
            ws.write_comment(1, j, "continuous (连续测量) / intermittent (间断测量): R6.2-tiers — a record from this "
                             "meter must not be declared estimated")
        if example:
            _rows(ws, cols, data[key], text, date)
    # optional LabReports sheet (fraud screening, docs/ghg.md): empty in both templates; its worked
    # example sits on a sheet the importer does not read, so the example workbook's inputs stay the
    # worked example's
    _optional_sheet(wb, "LabReports", "化验报告示例 LabReportsExample", EXAMPLE_LAB_REPORTS, "parameter",
                    ranges["lab_parameters"], LAB_HELP, zh, en, text, date)
    # optional Instruments sheet (market-based Scope 2, market.py): empty in both templates, the worked rows on a
    # sheet the importer does not read
    _optional_sheet(wb, "Instruments", "绿证与绿电示例 InstrumentsExample", EXAMPLE_INSTRUMENTS, "type",
                    ranges["instrument_types"], INSTRUMENT_HELP, zh, en, text, date)
    _sectors_sheet(wb, zh, en, wrap)
    ex = wb.add_worksheet("示例 Example")
    _header(ex, SHEETS["Activity"].columns, zh, en)
    _rows(ex, SHEETS["Activity"].columns, data["activity"][:30], text, date)
    wb.close()
    return path


SECTOR_COLS = (("sector", "行业"), ("source_category", "行业排放源类别"), ("name", "名称"), ("kind", "类型"),
               ("equation", "公式"), ("parameter", "参数"), ("unit", "单位"), ("default", "缺省值（因子编号）"),
               ("reason", "未提供缺省值的原因"), ("documents", "依据文件与可信度"))


def _optional_sheet(wb, sheet, example_title, example_rows, listed, source, helps, zh, en, text, date):
    """An optional input sheet, empty in both templates, and its worked rows on a sheet the importer does not read
    (so the example workbook's inputs stay the worked example's). `listed` takes its values from `source`."""
    cols = SHEETS[sheet].columns
    for name, records in ((sheet_title(sheet), []), (example_title, example_rows)):
        ws = wb.add_worksheet(name)
        _header(ws, cols, zh, en)
        j = [k for k, _ in cols].index(listed)
        ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": source, "error_type": "warning"})
        for k, (key, _) in enumerate(cols):
            ws.write_comment(1, k, helps[key])
        _rows(ws, cols, records, text, date)


def _sectors_sheet(wb, zh, en, wrap) -> None:
    """The sector methods (data/sectors.json) as a read-only reference sheet: one row per parameter of each source
    category, with the default's factor id or the reason no default is shipped. Not imported."""
    ws = wb.add_worksheet("行业方法 Sectors")
    _header(ws, SECTOR_COLS, zh, en)
    i = 2
    for sec in sectors().values():
        docs = "；".join(sec.documents) + f"（文件 {sec.document_confidence}；结构 {sec.structure_confidence}）"
        for c in sec.sources:
            for p in c.parameters:
                default = {"library": "方法学因子表 method's tables", None: "—（须实测 measured value required）"}.get(
                    p.default, p.default)
                vals = (f"{sec.code} {sec.zh}", c.code, f"{c.zh} {c.en}", c.kind, c.equation, f"{p.name} {p.zh}",
                        p.unit, default, p.reason, docs)
                for j, v in enumerate(vals):
                    ws.write_string(i, j, v or "", wrap if j in (4, 8, 9) else None)
                i += 1
    ws.set_column(4, 4, 50)
    ws.set_column(8, 9, 60)


def _header(ws, cols, zh, en) -> None:
    for j, (key, label) in enumerate(cols):
        ws.write_string(0, j, label, zh)
        ws.write_string(1, j, key, en)
        ws.set_column(j, j, max(12, min(30, len(label) * 2 + 4)))
    ws.freeze_panes(2, 0)
    ws.set_row(0, 30)


def _validate(ws, row, col, source) -> None:
    ws.data_validation(row, col, row, col, {"validate": "list", "source": source})


def _rows(ws, cols, records, text, date) -> None:
    for i, r in enumerate(records, start=2):
        for j, (key, _) in enumerate(cols):
            v = r.get(key, "")
            if v in ("", None):
                continue
            if key in ("calibrated_on", "valid_until", "sampled_on", "tested_on", "issued_on", "used_on"):  # dates
                ws.write_datetime(i, j, dt.datetime.fromisoformat(v), date)
            elif isinstance(v, str):
                ws.write_string(i, j, v, text)  # text cells: Excel must not turn "2024-01" into a date
            else:
                ws.write_number(i, j, v)
