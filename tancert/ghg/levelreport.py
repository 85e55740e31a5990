"""A plain Chinese PDF/A for the project and event engines (tancert/projects/report.py, tancert/events/report.py):
a title, key figures, tables and the findings, through tancert/pdfkit.py (embedded CJK font, PDF/A-3b)."""

from __future__ import annotations

from html import escape

from tancert.pdfkit import html_to_pdf

from .located import SEVERITY_ZH

CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-size: 10pt; color: #222; } h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { border: 0.5pt solid #999; padding: 1.2mm 1.6mm;
text-align: left; vertical-align: top; overflow-wrap: anywhere; } th { background: #eef3f8; } td.n { text-align: right; white-space: nowrap; }
.verdict { font-size: 13pt; font-weight: bold; padding: 3mm; border: 1pt solid #333; margin: 4mm 0; } .small { font-size: 8pt; color: #555; }
"""


CHECK_ZH = {"baseline-factor": "基准线排放因子", "monitoring-plan": "监测计划", "monitoring-data": "监测数据",
            "monitoring-frequency": "监测频次", "calibration": "计量器具校准", "crediting-period": "计入期",
            "double-claim": "重复申报", "methodology": "方法学", "emission-factor": "排放因子", "completeness": "完整性",
            "serial": "序列号重复", "offset-type": "抵销类型", "retirement": "注销证明", "neutrality": "碳中和差额",
            "guide": "核算依据"}
CONFIDENCE_ZH = {"checked": "已核实", "secondary": "二手来源", "unverified": "未核实"}


def confidence_zh(text: str) -> str:
    return CONFIDENCE_ZH.get(text, "使用者填写" if text.startswith("as entered") else text)


def n(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def table(head: list[str], rows: list[list], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if j in numeric else ''}>{escape(str(c))}</td>"
                                    for j, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def findings_table(findings: list[dict]) -> str:
    if not findings:
        return "<p>无发现。</p>"
    return table(["规则", "检查项", "级别", "说明", "位置"],
                 [[f["rule"], CHECK_ZH.get(f["check"], f["check"]), SEVERITY_ZH[f["severity"]], f["message_zh"],
                   f"{f['sheet']} 第 {f['row']} 行" if f["row"] else f["sheet"]] for f in findings])


def render(title: str, sections: list[str]) -> bytes:
    html = (f"<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>{''.join(sections)}</body></html>")
    return html_to_pdf(html)
