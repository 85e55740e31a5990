"""The project reductions report (Chinese, PDF/A): figures per period and for the crediting period, the
methodology with its provenance, the factors used and the R5.c findings."""

from __future__ import annotations

from html import escape

from tancert.ghg.levelreport import confidence_zh, findings_table, n, render, table


def render_pdf(result) -> bytes:
    d = result.to_json()
    m = d["methodology"]
    head = table(["项目", "内容"], [
        ["项目名称", d["project"]], ["方法学", f"{m['code']} {m['name_zh']}（版本 {m['version']}，可信度 {confidence_zh(m['confidence'])}）"],
        ["方法学来源", m["source"]], ["项目边界", d["boundary"]], ["基准线情景", d["baseline_scenario"]],
        ["计入期", f"{d['crediting_period']['start']} 至 {d['crediting_period']['end']}"]])
    totals = table(["基准线排放 BE", "项目排放 PE", "泄漏 LE", "减排量 ER = BE − PE − LE"],
                   [[n(d["baseline_tco2e"]), n(d["project_tco2e"]), n(d["leakage_tco2e"]), n(d["reductions_tco2e"])]],
                   {0, 1, 2, 3})
    periods = table(["监测期", "起止", "BE", "PE", "LE", "ER", "计入期内"],
                    [[p["period"], f"{p['start']} 至 {p['end']}", n(p["baseline_tco2e"]), n(p["project_tco2e"]),
                      n(p["leakage_tco2e"]), n(p["reductions_tco2e"]), "是" if p["in_crediting_period"] else "否"]
                     for p in d["by_period"]], {2, 3, 4, 5})
    factors = table(["因子", "数值", "单位", "来源", "可信度"],
                    [[f["id"], f["value"], f["unit"], f["source"], confidence_zh(f["confidence"])] for f in d["factors_used"]])
    return render("项目温室气体减排量报告", [
        head, "<h2>计入期合计（tCO2e）</h2>", totals, "<h2>各监测期</h2>", periods,
        f"<h2>基准线与公式</h2><p>{escape(m['baseline'])}</p><p>{escape(m['project_emissions'])}</p>",
        "<h2>所用因子</h2>", factors, "<h2>检查发现（R5.c）</h2>", findings_table(d["findings"]),
        "<p class=small>由 tancert 项目减排引擎生成；方法与来源见 docs/projects.md。</p>"])
