"""The footprint check as a PDF in Chinese (`tancert footprint check --report OUT.pdf`), through the same
PDF kit and table style as the GHG report (tancert/ghg/report.py)."""

from __future__ import annotations

from html import escape

from tancert.ghg.report import SEV_ZH, _table, bar_chart

from .sheets import ALLOCATIONS, BOUNDARIES, ORIGIN_ZH, STAGES, UNIT_TYPES


def _n(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def render_html(result) -> str:
    j = result.to_json()
    s = result.model.settings
    fu = j["functional_unit"]
    parts = [f"<h1>产品碳足迹核查报告</h1><p>{escape(s.product)} · {escape(s.organisation)} · "
             f"{UNIT_TYPES.get(s.unit_type, '')}：{escape(s.functional_unit)}（{_n(fu['amount'])} {escape(fu['unit'])}）· "
             f"{BOUNDARIES.get(s.boundary, '')} · {escape(s.standard)} · GWP {escape(s.gwp)} · "
             f"文件 {escape(result.model.origin)}</p>"]
    a1 = j["uncertainty"]["approach1"]
    mc = j["uncertainty"]["monte_carlo"]
    unc = (f"蒙特卡罗 {mc['iterations']} 次：95% 区间 {_n(mc['lower'])} – {_n(mc['upper'])}" if mc else
           f"方法1（误差传递）：±{a1['u_pct']:.1f}%，{_n(a1['lower'])} – {_n(a1['upper'])}")
    parts.append(f"<h2>1 结果（每{UNIT_TYPES.get(s.unit_type, '')}）</h2><p>碳足迹 <b>{_n(j['total_kgco2e_per_unit'])} "
                 f"kgCO2e</b>；{unc}；初级数据占比 {j['primary_data_share']:.1f}%。</p>")
    parts.append("<h3>按来源（单独报告）</h3>" + _table(["来源", "kgCO2e"],
                 [[ORIGIN_ZH[k], _n(v)] for k, v in j["by_origin"].items()]))
    parts.append("<h3>按生命周期阶段</h3>" + bar_chart([(STAGES[k], v) for k, v in j["by_stage"].items() if v],
                                                  unit="kgCO2e"))
    parts.append("<h3>按过程（前 20）</h3>" + _table(
        ["过程", "名称", "kgCO2e", "占比%", "单位产品上游碳足迹"],
        [[p["process"], p["name"], _n(p["kgco2e"]), _n(p["share_pct"], 1),
          f"{_n(p['upstream_kgco2e_per_unit'])} kgCO2e/{p['unit']}"] for p in j["by_process"][:20]]))
    parts.append("<h3>按气体</h3>" + _table(["气体", "kgCO2e"], [[g, _n(v)] for g, v in j["by_gas"].items()]))
    sens = j["allocation_sensitivity"]
    if sens["applies"]:
        parts.append("<h2>2 分配敏感性</h2><p>所选方法：" + ALLOCATIONS[s.allocation] + "；理由："
                     + escape(s.allocation_justification or "未说明") + "</p>" + _table(
                         ["方法", "kgCO2e", "差异%"],
                         [[ALLOCATIONS[m], _n(v["total_kgco2e_per_unit"]),
                           _n(v.get("difference_pct"), 1) if v["total_kgco2e_per_unit"] is not None
                           else v.get("not_computable_zh", "")] for m, v in sens["methods"].items()]))
    f = result.findings
    parts.append(f"<h2>3 数据质量发现</h2><p>阻断 {f.count('blocking')} · 警告 {f.count('warning')} · "
                 f"信息 {f.count('info')}；加权数据质量评分 {_n(j['data_quality']['weighted_dqr'], 2)}（1 最好，5 最差）</p>")
    parts.append(_table(["规则", "级别", "说明", "工作表", "行（前 10）"],
                        [[b["rule"], SEV_ZH[b["severity"]], b["message_zh"], b["sheet"], ", ".join(map(str, b["rows"]))]
                         for b in f.summary()]))
    parts.append("<h2>4 使用的背景数据与 GWP</h2>" + _table(
        ["编号", "名称", "值", "单位", "来源", "可信度"],
        [[x["id"], x["name"], x["value"], x["unit"], x["document"] or x["source"],
          x["confidence"] + (" ⚠ 未核实" if x["unverified"] else "")] for x in j["factors_used"]]))
    css = ("body{font-size:10pt} h1{font-size:18pt} h2{font-size:14pt;margin-top:18pt} h3{font-size:11pt}"
           "table{border-collapse:collapse;width:100%;font-size:8pt;margin:4pt 0}"
           "th,td{border:0.5pt solid #999;padding:2pt 3pt;vertical-align:top} th{background:#eef}"
           "body,td,th,p,li{overflow-wrap:anywhere;word-break:normal} td.k{white-space:nowrap}"
           "@page{size:A4;margin:15mm}")
    return (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>产品碳足迹核查报告</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


def render_pdf(result) -> bytes:
    from tancert.pdfkit import html_to_pdf

    return html_to_pdf(render_html(result))
