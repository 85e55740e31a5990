"""`tancert footprint template [--example] FILE.xlsx`: the workbook users fill in (docs/footprint.md).

Row 1 Chinese header, row 2 the English key the reader matches, data from row 3 (the GHG template's layout).
Coded columns carry a drop-down list (Excel data validation, Chinese and English words both accepted).
"""

from __future__ import annotations

from pathlib import Path

from .background import gaps, shipped
from .example import example
from .sheets import BACKGROUND, EXCHANGES, LISTS, PROCESSES, SETTINGS

DATA_ROWS = 20_000  # rows covered by the validation lists


def write_template(path: str | Path, *, example_data: bool = False) -> Path:
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    zh = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    en = wb.add_format({"italic": True, "font_color": "#555555", "bg_color": "#F2F2F2", "border": 1})
    text = wb.add_format({"num_format": "@"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    data = example() if example_data else {"settings": {}, "processes": [], "exchanges": [], "background": []}

    readme = wb.add_worksheet("说明 Readme")
    readme.set_column(0, 0, 30)
    readme.set_column(1, 1, 110)
    lines = [
        ("tancert 产品碳足迹模板 Product carbon footprint template", ""),
        ("依据 Basis", "GB/T 24067-2024 / ISO 14067:2018；CEC-7048CMS-A/2 R5.b、R6.3-pcf"),
        ("结构 Layout", "第1行中文表头，第2行英文列键（按列键识别，列顺序可调整），第3行起为数据。"
                      " Row 1 Chinese header, row 2 English key (the reader matches keys), data from row 3."),
        ("模型 Model", "每个过程有且仅有一个参考产品（过程表）；交换表列出每个过程相对于其参考产品数量的输入、联产品、排放与清除。"
                     " Each process makes one reference product (Processes); Exchanges lists its inputs, co-products, "
                     "emissions and removals per its reference amount."),
        ("符号 Signs", "数量一律填正数，方向由交换类型表示（输入、联产品、清除……）。"
                     " Amounts are never negative: the exchange type gives the direction."),
        ("初级数据 Primary data", "组织拥有、运营或控制的过程（组织拥有或控制=是）须使用初级数据；无法取得时须说明理由（R6.3-pcf）。"
                                " Processes the organisation controls need primary data, or a stated reason (R6.3-pcf)."),
        ("检查 Check", "tancert footprint check FILE.xlsx [--json] [--report OUT.pdf] [--monte-carlo N] — "
                     "任一错误则整个文件不计算，错误注明工作表、行、列。 Any error rejects the whole file, located."),
        ("背景数据 Background", "内置背景数据见“内置背景数据”工作表（含来源与可信度）；其他背景数据（如您持有许可的数据库）请填入“背景数据”工作表并注明来源。"
                              " Shipped data sets are listed on their own sheet with source and confidence; add others "
                              "(e.g. a database you hold a licence for) to the Background sheet with their source."),
    ]
    for i, (a, b) in enumerate(lines):
        readme.write(i, 0, a, zh if i == 0 else None)
        readme.write(i, 1, b, wrap)
    row = len(lines) + 1
    for sheet in (PROCESSES, EXCHANGES, BACKGROUND):
        readme.write(row, 0, f"{sheet.title} 列 columns", zh)
        row += 1
        for c in sheet.columns:
            readme.write(row, 0, f"{c.key}（{c.zh}）{' *' if c.required else ''}")
            readme.write(row, 1, c.help, wrap)
            row += 1
        row += 1

    lists_ws = wb.add_worksheet("代码 Lists")
    ranges = {}
    for j, (name, words) in enumerate(LISTS.items()):
        lists_ws.write_string(0, j, name, zh)
        for i, (k, z) in enumerate(words.items(), start=1):
            lists_ws.write_string(i, j, k)
            lists_ws.write_string(i + len(words), j, z) if z != k else None
        col = xl_col_to_name(j)
        n = len(words) + sum(1 for k, z in words.items() if z != k)
        ranges[name] = f"='代码 Lists'!${col}$2:${col}${n + 1}"

    ws = wb.add_worksheet("设置 Settings")
    for j, (a, b) in enumerate((("项目", "key"), ("值", "value"), ("说明", "help"))):
        ws.write_string(0, j, a, zh)
        ws.write_string(1, j, b, en)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 80)
    ws.freeze_panes(2, 0)
    for i, c in enumerate(SETTINGS, start=2):
        ws.write_string(i, 0, c.key)
        v = data["settings"].get(c.key, "")
        if isinstance(v, str):
            ws.write_string(i, 1, v, text) if v else None
        else:
            ws.write_number(i, 1, v)
        ws.write_string(i, 2, f"{c.zh}{' *' if c.required else ''} — {c.help}")
        if c.choices:
            ws.data_validation(i, 1, i, 1, {"validate": "list", "source": ranges[c.choices], "error_type": "warning"})

    for sheet, key in ((PROCESSES, "processes"), (EXCHANGES, "exchanges"), (BACKGROUND, "background")):
        ws = wb.add_worksheet(sheet.title)
        for j, c in enumerate(sheet.columns):
            ws.write_string(0, j, c.zh + (" *" if c.required else ""), zh)
            ws.write_string(1, j, c.key, en)
            ws.write_comment(1, j, c.help or c.zh)
            ws.set_column(j, j, max(12, min(28, len(c.zh) * 2 + 4)))
            if c.choices:
                ws.data_validation(2, j, DATA_ROWS + 1, j, {"validate": "list", "source": ranges[c.choices],
                                                            "error_type": "warning"})
        ws.freeze_panes(2, 0)
        ws.set_row(0, 30)
        for i, r in enumerate(data[key], start=2):
            for j, c in enumerate(sheet.columns):
                v = r.get(c.key, "")
                if v in ("", None):
                    continue
                if isinstance(v, str):
                    ws.write_string(i, j, v, text)
                else:
                    ws.write_number(i, j, v)

    ws = wb.add_worksheet("内置背景数据 Shipped")
    head = ("编号 id", "名称 name", "kgCO2e/单位 per unit", "单位 unit", "类型 kind", "可信度 confidence",
            "文件 document", "来源 source")
    for j, h in enumerate(head):
        ws.write_string(0, j, h, zh)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 60)
    ws.set_column(6, 7, 60)
    for i, d in enumerate(shipped().values(), start=1):
        for j, v in enumerate((d.id, d.name, d.value, d.unit, d.kind, d.confidence, d.document, d.source)):
            ws.write(i, j, v)
    r0 = len(shipped()) + 3
    ws.write_string(r0, 0, "未内置 Not shipped", zh)
    for i, g in enumerate(gaps(), start=r0 + 1):
        ws.write_string(i, 0, g["what"])
        ws.write_string(i, 1, g["why"])
    wb.close()
    return path
