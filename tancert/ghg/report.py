"""The carbon-data verification report: Chinese HTML with inline SVG charts, rendered to PDF/A
with an embedded CJK font by tancert.pdfkit (no matplotlib, no network)."""

from __future__ import annotations

import re
from html import escape

from .engine import CheckResult
from .sectors import sector_summary

CAT_ZH = {"1": "类别1 直接排放", "2": "类别2 输入能源间接排放", "3": "类别3 运输", "4": "类别4 组织使用的产品",
          "5": "类别5 组织产品的使用", "6": "类别6 其他"}
SEV_ZH = {"blocking": "阻断", "warning": "警告", "info": "信息"}
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def _n(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def _em(ch: str) -> float:
    """Width of a character in em: CJK and full-width forms one em, others at most 0.65 em."""
    return 1.0 if ord(ch) >= 0x2E80 else 0.65


def wrap_label(text: str, width_px: float, font_px: float = 11, max_lines: int = 3) -> list[str]:
    """Split a label into lines no wider than width_px (estimated per character, breaking anywhere:
    a name may have no spaces); past max_lines the last line ends with "…" (tables show it whole)."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = _em(ch) * font_px
        if cur and w + cw > width_px:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and sum(_em(c) for c in last) * font_px + font_px > width_px:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines or [""]


def bar_chart(items: list[tuple[str, float]], *, width: int = 640, unit: str = "tCO2e") -> str:
    """Horizontal bars; negative values (net exports) drawn to the left of the axis. Labels wrap
    inside their column (up to three lines), so a long source name never leaves the chart."""
    if not items:
        return ""
    font, line_h, gap, label_w = 11, 13, 6, 200
    labels = [wrap_label(label, label_w - 8, font) for label, _ in items]
    heights = [max(18, len(ls) * line_h + 4) for ls in labels]
    vmax = max(abs(v) for _, v in items) or 1.0
    height = sum(heights) + gap * len(items) + 10
    scale = (width - label_w - 90) / vmax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="{font}">']
    y = 5
    for i, ((_, v), ls, h_bar) in enumerate(zip(items, labels, heights, strict=True)):
        w = abs(v) * scale
        top = y + (h_bar - len(ls) * line_h) / 2
        for j, line in enumerate(ls):
            out.append(f'<text x="{label_w - 6}" y="{top + j * line_h + 10:.1f}" text-anchor="end">{escape(line)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{h_bar}" fill="{COLORS[i % len(COLORS)]}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + h_bar / 2 + 4:.1f}">{v:,.1f} {unit}</text>')
        y += h_bar + gap
    out.append("</svg>")
    return "".join(out)


def trend_chart(totals: dict[int, float], baseline: float | None, *, width: int = 640, height: int = 220) -> str:
    """Total per year as columns, with the (restated) baseline as a dashed line."""
    if not totals:
        return ""
    years = sorted(totals)
    vmax = max([abs(v) for v in totals.values()] + [baseline or 0]) or 1.0
    left, bottom, top = 60, 30, 15
    plot_h = height - bottom - top
    step = (width - left - 20) / len(years)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11">',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>']
    for i, y in enumerate(years):
        h = abs(totals[y]) / vmax * plot_h
        x = left + i * step + step * 0.2
        out.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" fill="#1f77b4"/>')
        out.append(f'<text x="{x + step * 0.3:.1f}" y="{height - 12}" text-anchor="middle">{y}</text>')
        out.append(f'<text x="{x + step * 0.3:.1f}" y="{height - bottom - h - 3:.1f}" text-anchor="middle">{totals[y]:,.0f}</text>')
    if baseline:
        yb = height - bottom - baseline / vmax * plot_h
        out.append(f'<line x1="{left}" y1="{yb:.1f}" x2="{width - 10}" y2="{yb:.1f}" stroke="#d62728" stroke-dasharray="6,4"/>')
        out.append(f'<text x="{left + 4}" y="{yb - 4:.1f}" fill="#d62728">基准 {baseline:,.0f}</text>')
    out.append("</svg>")
    return "".join(out)


_KEEP = re.compile(r"^(?:[-−+±]?[\d,.]+%?|R[\d.]+(?:-[\w-]+)?)$")  # a number or a rule key: never broken


def _td(c) -> str:
    text = str(c)
    return f'<td class="k">{escape(text)}</td>' if _KEEP.match(text) else f"<td>{escape(text)}</td>"


def _table(head: list[str], rows: list[list]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: CheckResult, *, findings_rows: int = 200) -> str:
    inv = result.inventory
    s = result.summary
    st = inv.dataset.settings
    unc = result.monte_carlo or result.uncertainty
    parts = [f"<h1>温室气体数据核查报告</h1><p>{escape(st.organisation)} · 报告年度 {st.reporting_year} · 方法 "
             f"{escape(inv.method)} · GWP {escape(inv.gwp_basis)} · 文件 {escape(inv.dataset.origin)}</p>"]
    parts.append("<h2>1 量化结果（R7.5.1）</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in result.performance.statements)
                 + "</ul>")
    parts.append(f"<p>排放总量 <b>{_n(s['total_tco2e'])} tCO2e</b>；95% 区间 {_n(unc.total.lower)} – {_n(unc.total.upper)}"
                 f"（±{unc.total.u_pct:.1f}%，{escape(unc.approach)}）；生物质 CO2 {_n(s['biogenic_co2_t'])} t（单独报告）。</p>")
    mk = result.market
    if mk is not None:  # both Scope 2 figures (GHG Protocol Scope 2 Guidance; market.py)
        rf = mk["residual_factor"]
        parts.append("<h3>外购电力：位置法与市场法</h3>" + _table(
            ["项目", "位置法", "市场法"],
            [["类别 2 排放 tCO2e", _n(mk["scope2_location_tco2e"]), _n(mk["scope2_market_tco2e"])],
             ["排放总量 tCO2e", _n(mk["location_based_tco2e"]), _n(mk["market_based_tco2e"])],
             ["电网用电 MWh", _n(mk["grid_electricity_mwh"], 3), f"绿证/绿电覆盖 {_n(mk['covered_mwh'], 3)}；"
              f"剩余 {_n(mk['residual_mwh'], 3)}"],
             ["剩余电量因子", "—", "未计算（无因子）" if rf is None else
              f"{rf['value']} {rf['unit']}（{rf.get('title') or rf['document']}，{rf['data_year']} 年，"
              f"{rf['confidence']}{' ⚠ 未核实' if rf['confidence'] == 'unverified' else ''}）"],
             ["计入的凭证", "—", f"{mk['instruments_counted']} / {mk['instruments']}"]]))
    sec = sector_summary(inv.dataset, s)
    if sec:
        parts.append(f"<h3>行业核算方法：{escape(sec['name_zh'])}</h3><p>{escape('；'.join(sec['documents']))}</p>" + _table(
            ["行业排放源类别", "公式", "tCO2e"],
            [[sec["categories"].get(k, {}).get("zh", k or "未归类"), sec["categories"].get(k, {}).get("equation", ""),
              _n(v)] for k, v in sec["by_source_category"].items()]))
    cats = [(CAT_ZH[k], v) for k, v in s["by_category"].items() if v]
    parts.append("<h3>按类别</h3>" + bar_chart(cats))
    srcs = sorted(s["by_source"].items(), key=lambda kv: -abs(kv[1]))[:15]
    parts.append("<h3>按排放源（前 15）</h3>" + bar_chart(srcs))
    parts.append("<h3>趋势与基准</h3>" + trend_chart(result.performance.totals, result.performance.baseline_used))
    parts.append("<h3>按气体</h3>" + _table(["气体", "质量 t", "tCO2e"],
                 [[g, _n(s["gas_mass_t"].get(g), 4), _n(v)] for g, v in s["by_gas"].items()]))
    parts.append("<h3>按设施</h3>" + _table(["设施", "tCO2e"], [[k, _n(v)] for k, v in s["by_facility"].items()]))
    parts.append("<h3>不确定性（按排放源）</h3>" + _table(
        ["排放源", "排放 tCO2e", "下限", "上限", "±%"],
        [[k, _n(v.mean), _n(v.lower), _n(v.upper), f"{v.u_pct:.1f}"] for k, v in list(unc.by_source.items())[:50]]))
    if result.performance.targets:
        parts.append("<h2>2 目标与绩效（R7.4.2-F4/F7）</h2>" + _table(
            ["目标", "指标", "基准年", "目标年", "目标降低%", "基准值", "当前值", "已降低%", "状态"],
            [[t["target_id"], t["indicator"], t["base_year"], t["target_year"], t["reduction_pct"], _n(t["base_value"], 4),
              _n(t["current_value"], 4), _n(t.get("achieved_reduction_pct")), t["status"]]
             for t in result.performance.targets]))
    f = result.findings
    parts.append(f"<h2>3 数据质量发现（R6）</h2><p>阻断 {f.count('blocking')} · 警告 {f.count('warning')} · "
                 f"信息 {f.count('info')}</p>")
    parts.append(_table(["规则", "级别", "说明", "工作表", "数量", "行（前 10）"],
                        [[b["rule"], SEV_ZH[b["severity"]], b["message_zh"], b["sheet"], b["count"],
                          ", ".join(map(str, b["rows"]))] for b in f.summary()[:findings_rows]]))
    smp = result.sample
    parts.append(f"<h3>抽样（R6.2-sampling）</h3><p>{escape(smp.method)}；随机种子 {smp.seed}；总体 {smp.population}，"
                 f"样本 {smp.size}。</p>" + _table(
                     ["排放源", "总体", "样本", "抽中行"],
                     [[k, v["population"], v["sample"], ", ".join(map(str, v["rows"][:30]))]
                      for k, v in list(smp.strata.items())[:100]]))
    used = inv.factors_used()
    parts.append("<h2>4 使用的排放因子</h2>" + _table(
        ["因子", "值", "单位", "来源", "条款", "等级", "可信度"],
        [[x["id"], x["value"], x["unit"], x["document"], x["clause"], x["tier"],
          x["confidence"] + (" ⚠ 未核实" if x["unverified"] else "")] for x in used]))
    css = ("body{font-size:10pt} h1{font-size:18pt} h2{font-size:14pt;margin-top:18pt} h3{font-size:11pt}"
           "table{border-collapse:collapse;width:100%;font-size:8pt;margin:4pt 0}"
           "th,td{border:0.5pt solid #999;padding:2pt 3pt;vertical-align:top} th{background:#eef}"
           # a name without spaces (a 200-character source id) breaks anywhere instead of leaving the page
           "body,td,th,p,li{overflow-wrap:anywhere;word-break:normal} td.k{white-space:nowrap}"
           "@page{size:A4;margin:15mm}")
    return (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>温室气体数据核查报告</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


def render_pdf(result: CheckResult) -> bytes:
    from tancert.pdfkit import html_to_pdf

    return html_to_pdf(render_html(result))
