"""The event neutrality statement (Chinese, PDF/A): inventory by category and phase, the offsets ledger, the
balance and the verdict — "碳中和" only when the balance is ≤ 0 and no finding blocks (R5.d, docs/events.md)."""

from __future__ import annotations

from html import escape

from tancert.ghg.levelreport import confidence_zh, findings_table, n, render, table

from .engine import guide


def render_pdf(result) -> bytes:
    d = result.to_json()
    g = guide()
    head = table(["项目", "内容"], [["活动名称", d["event"]], ["主办方", d["organiser"]],
                                   ["举办日期", f"{d['start']} 至 {d['end']}"],
                                   ["核算依据", f"《{g['guide']['title_zh']}》（{g['guide']['year']}）"]])
    if d["neutral"]:
        verdict = (f"<div class=verdict>本活动已实现碳中和：排放 {n(d['total_tco2e'])} tCO2e，已注销抵销量 "
                   f"{n(d['offsets_retired_tco2e'])} tCO2e，差额 {n(d['balance_tco2e'])} tCO2e。</div>")
    else:
        verdict = (f"<div class=verdict>本活动未实现碳中和：排放 {n(d['total_tco2e'])} tCO2e，已注销并计入的抵销量 "
                   f"{n(d['offsets_retired_tco2e'])} tCO2e，差额 {n(d['balance_tco2e'])} tCO2e"
                   f"{'；存在阻断性发现' if d['blocking'] else ''}。</div>")
    cats = table(["排放源类别", "tCO2e"], [[g["categories"][k]["zh"], n(v)] for k, v in d["by_category"].items()], {1})
    phases = table(["阶段", "tCO2e"], [[g["phases"][k]["zh"], n(v)] for k, v in d["by_phase"].items()], {1})
    ledger = table(["类型", "序列号", "年份", "数量", "注销日期", "注销证明", "计入"],
                   [[g["offsets"][o["type"]]["zh"], o["serial"], o["vintage"], f"{n(o['tco2e'])} {o['unit']}",
                     o["retired_on"] or "—", o["evidence"] or "—", "是" if o["counted"] else "否"] for o in d["offsets"]])
    factors = table(["因子", "数值", "单位", "来源", "可信度"],
                    [[f["id"], f["value"], f["unit"], f["source"], confidence_zh(f["confidence"])] for f in d["factors_used"]])
    return render("大型活动碳中和声明", [
        head, verdict, "<h2>按排放源类别</h2>", cats, "<h2>按阶段</h2>", phases, "<h2>抵销台账</h2>", ledger,
        "<h2>所用因子</h2>", factors, "<h2>检查发现（R5.d）</h2>", findings_table(d["findings"]),
        f"<p class=small>{escape(g['guide']['note'])}</p>"])
