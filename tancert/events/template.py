"""The event workbook template and its worked example (docs/events.md, "Worked example").

Library factors (MEE/NBS 2023 national grid average, GB/T 32151.34—2024 natural gas, GB/T 32150—2025 heat) are
named by their library id. The travel, accommodation, catering, materials and waste factors of the example are
**illustrative** round numbers marked "示例 EXAMPLE": the reference folder ships none for these sources (the
guide gives no factor values), so the organiser enters each with its source.
"""

from __future__ import annotations

from pathlib import Path

from tancert.ghg.sheets import write_workbook

from .workbook import SHEETS

NOTES = [
    "大型活动碳中和工作簿（R5.d，《大型活动碳中和实施指南（试行）》）。第 1 行为中文表头，第 2 行为列键（勿改），数据从第 3 行开始。",
    "Event carbon-neutrality workbook (R5.d). Row 1: Chinese header; row 2: column keys (keep them); data from row 3.",
    "阶段 phase: preparation 筹备 / holding 举办 / closing 收尾；类别 category: venue_energy 场馆能源 / travel 交通 / "
    "accommodation 住宿 / catering 餐饮 / materials 会议用品 / waste 废弃物处理。",
    "排放因子编号：因子库编号（见 tancert ghg factors，如 MEE-NBS-ELEC-2023/electricity:grid/EF；燃料写表名/燃料，如 "
    "GBT32151.34-2024-C1/fuel:natural_gas），或在“排放因子”工作表中自填并注明来源。",
    "抵销类型：CCER、CEA、pilot（地方试点配额）、puhui（碳普惠）、CER、GEC（绿证，不计入抵销量）。每一条须有序列号、年份、注销日期和注销证明。",
]
ELEC = "MEE-NBS-ELEC-2023/electricity:grid/EF"
GAS = "GBT32151.34-2024-C1/fuel:natural_gas"
HEAT = "GBT32150-2025-heat/heat:purchased/EF"


def example_rows() -> dict[str, list[list]]:
    ex = "示例 EXAMPLE — 请替换为有来源的因子 replace with a sourced factor"
    return {
        "Settings": [["event_name", "示例国际论坛 Example forum"], ["organiser", "示例主办单位 Example organiser"],
                     ["venue", "示例会展中心"], ["start", "2025-05-20"], ["end", "2025-05-22"]],
        "Emissions": [
            ["preparation", "venue_energy", "筹备期场馆燃气锅炉", 1, "10^4Nm3", GAS],
            ["holding", "venue_energy", "会场用电", 50_000, "kWh", ELEC],
            ["holding", "venue_energy", "会场外购热力", 200, "GJ", HEAT],
            ["holding", "travel", "参会人员航空和高铁出行", 100_000, "pkm", "EX-TRAVEL"],
            ["holding", "accommodation", "参会人员住宿", 500, "间夜", "EX-HOTEL"],
            ["holding", "catering", "会议餐饮", 1_000, "份", "EX-MEAL"],
            ["preparation", "materials", "会议物料与印刷品", 2, "t", "EX-PRINT"],
            ["closing", "waste", "会后废弃物处理", 3, "t", "EX-WASTE"]],
        "Factors": [["EX-TRAVEL", 0.1, "kgCO2e/pkm", ex, 2025], ["EX-HOTEL", 20, "kgCO2e/间夜", ex, 2025],
                    ["EX-MEAL", 5, "kgCO2e/份", ex, 2025], ["EX-PRINT", 1000, "kgCO2e/t", ex, 2025],
                    ["EX-WASTE", 500, "kgCO2e/t", ex, 2025]],
        "Offsets": [["CCER", "示例-CCER-0001", 2024, 60, "tCO2e", "2025-06-30", "示例注销证明 EX-001", "全国温室气体自愿减排注册登记系统"],
                    ["CEA", "示例-CEA-0001", 2023, 40, "tCO2e", "2025-06-30", "示例注销证明 EX-002", "全国碳排放权注册登记系统"],
                    ["GEC", "示例-GEC-0001", 2025, 10, "MWh", "2025-06-30", "示例核销证明 EX-003", "绿证核发交易系统"]],
    }


def write_template(path: str | Path, *, example: bool = False) -> Path:
    rows = example_rows() if example else {k: [] for k in SHEETS}
    return write_workbook(path, [(spec, rows.get(en, [])) for en, spec in SHEETS.items()], NOTES)
