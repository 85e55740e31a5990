"""What the audit keeps of a level's engine answer (pure, no Django): the engine's findings grouped into one line
per rule and check (each with the key its answer is recorded under), the blocking ones, and the short figures the
page, the freeze record and the report state — per functional unit, by stage and the primary data share for a
product (R6.3-pcf); reductions by period for a project (R5.c); total, offsets retired, balance and neutrality for
an event (R5.d)."""

from __future__ import annotations

import tancert
from tancert.events.engine import guide
from tancert.footprint.sheets import STAGES

RULE = {"product": "R5.b", "project": "R5.c", "activity": "R5.d"}
ENGINE = {"product": "tancert.footprint", "project": "tancert.projects", "activity": "tancert.events"}


def engine_version(level: str) -> str:
    return f"{ENGINE[level]} {tancert.__version__}"


def findings(level: str, results: dict) -> list[dict]:
    """[{key, rule, check, severity, message, message_zh, sheet, count, rows}] — blocking first."""
    if level == "product":  # the footprint engine summarises by rule already
        return [{"key": b["rule"], "check": ""} | {k: b.get(k) for k in ("rule", "severity", "message", "message_zh",
                                                                         "sheet", "count", "rows")}
                for b in results.get("findings_summary", [])]
    grouped: dict[str, dict] = {}
    for f in results.get("findings", []):
        key = f"{f['rule']}/{f['check']}"[:80]
        g = grouped.setdefault(key, {"key": key, "rule": f["rule"], "check": f["check"], "severity": f["severity"],
                                     "message": f["message"], "message_zh": f["message_zh"], "sheet": f.get("sheet"),
                                     "count": 0, "rows": []})
        g["count"] += 1
        if f.get("row") is not None and len(g["rows"]) < 10:
            g["rows"].append(f["row"])
        if f["severity"] == "blocking":
            g["severity"] = "blocking"
    order = {"blocking": 0, "warning": 1, "info": 2}
    return sorted(grouped.values(), key=lambda g: (order.get(g["severity"], 3), g["key"]))


def blocking(lines: list[dict]) -> list[dict]:
    return [b for b in lines if b["severity"] == "blocking"]


def figures(level: str, r: dict) -> dict:
    if level == "product":
        fu = r.get("functional_unit") or {}
        return {"product": r.get("product"), "functional_unit": fu.get("description"), "amount": fu.get("amount"),
                "unit": fu.get("unit"), "boundary": r.get("boundary"), "standard": r.get("standard"),
                "gwp": r.get("gwp"), "data_year": r.get("data_year"),
                "total_kgco2e_per_unit": r.get("total_kgco2e_per_unit"), "by_stage": r.get("by_stage") or {},
                "stages": [{"stage": k, "zh": STAGES.get(k, k), "kgco2e": v} for k, v in (r.get("by_stage") or {}).items()],
                "primary_data_share": r.get("primary_data_share")}
    if level == "project":
        meth = r.get("methodology") or {}
        return {"project": r.get("project"), "methodology": meth.get("code") if isinstance(meth, dict) else meth,
                "methodology_zh": meth.get("name_zh") if isinstance(meth, dict) else "",
                "crediting_period": r.get("crediting_period"), "baseline_tco2e": r.get("baseline_tco2e"),
                "project_tco2e": r.get("project_tco2e"), "leakage_tco2e": r.get("leakage_tco2e"),
                "reductions_tco2e": r.get("reductions_tco2e"),
                "by_period": [{k: p.get(k) for k in ("period", "start", "end", "reductions_tco2e", "in_crediting_period")}
                              for p in r.get("by_period") or []]}
    return {"event": r.get("event"), "organiser": r.get("organiser"), "start": r.get("start"), "end": r.get("end"),
            "total_tco2e": r.get("total_tco2e"), "offsets_retired_tco2e": r.get("offsets_retired_tco2e"),
            "balance_tco2e": r.get("balance_tco2e"), "neutral": bool(r.get("neutral")),
            "by_category": r.get("by_category") or {},
            "categories": [{"category": k, "zh": guide()["categories"].get(k, {}).get("zh", k), "tco2e": v}
                           for k, v in (r.get("by_category") or {}).items()]}


def headline_zh(level: str, fig: dict) -> str:
    """One Chinese sentence of the level's result (records, the report)."""
    def n(v, d=3):
        return "—" if v is None else f"{v:,.{d}f}"
    if level == "product":
        share = fig.get("primary_data_share")
        return (f"产品 {fig.get('product') or '—'}：每功能单位（{fig.get('functional_unit') or '—'}）碳足迹 "
                f"{n(fig.get('total_kgco2e_per_unit'))} kgCO2e，初级数据占比 "
                f"{'—' if share is None else f'{share:.1f}%'}")
    if level == "project":
        return f"项目 {fig.get('project') or '—'}：计入期内减排量 {n(fig.get('reductions_tco2e'))} tCO2e"
    return (f"活动 {fig.get('event') or '—'}：排放总量 {n(fig.get('total_tco2e'))} tCO2e，已注销抵消量 "
            f"{n(fig.get('offsets_retired_tco2e'))} tCO2e，差额 {n(fig.get('balance_tco2e'))} tCO2e，"
            f"{'已实现碳中和' if fig.get('neutral') else '未实现碳中和'}")
