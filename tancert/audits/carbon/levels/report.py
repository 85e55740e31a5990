"""What the audit report states of each frozen level (R7.5.1 with R5.b / R6.3-pcf, R5.c, R5.d): plain Chinese data,
stored with the signed report's content and shown by audits/_levels_report.html."""

from __future__ import annotations

from django.utils import timezone

from tancert.audits.carbon.levels import actions, summary
from tancert.audits.models import Audit

TITLE_ZH = {"product": "产品碳足迹核查结果", "project": "项目减排量核查结果", "activity": "大型活动碳中和核查结果"}


def _n(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def _rows(level: str, f: dict) -> list[tuple[str, str]]:
    if level == "product":
        share = f.get("primary_data_share")
        return [("产品", f.get("product") or "—"), ("功能单位／声明单位", f.get("functional_unit") or "—"),
                ("量化标准", f.get("standard") or "—"),
                ("每功能单位碳足迹", f"{_n(f.get('total_kgco2e_per_unit'))} kgCO2e"),
                ("各生命周期阶段", "；".join(f"{s['zh']} {_n(s['kgco2e'])}" for s in f.get("stages", [])) or "—"),
                ("初级数据占比", "—" if share is None else f"{share:.1f}%")]
    if level == "project":
        cp = f.get("crediting_period") or {}
        return [("项目", f.get("project") or "—"),
                ("方法学", f"{f.get('methodology') or ''} {f.get('methodology_zh') or ''}".strip() or "—"),
                ("计入期", f"{cp.get('start', '—')} 至 {cp.get('end', '—')}"),
                ("基准线排放／项目排放／泄漏（tCO2e）",
                 f"{_n(f.get('baseline_tco2e'))}／{_n(f.get('project_tco2e'))}／{_n(f.get('leakage_tco2e'))}"),
                ("计入期内减排量", f"{_n(f.get('reductions_tco2e'))} tCO2e"),
                ("各监测期减排量", "；".join(f"{p['period']}（{p['start']} 至 {p['end']}）{_n(p['reductions_tco2e'])}"
                                      + ("" if p.get("in_crediting_period") else "（计入期外，不计入）")
                                      for p in f.get("by_period", [])) or "—")]
    return [("活动", f"{f.get('event') or '—'}（{f.get('start') or '—'} 至 {f.get('end') or '—'}）"),
            ("排放总量", f"{_n(f.get('total_tco2e'))} tCO2e"),
            ("各类排放", "；".join(f"{c['zh']} {_n(c['tco2e'])}" for c in f.get("categories", [])) or "—"),
            ("已注销抵消量", f"{_n(f.get('offsets_retired_tco2e'))} tCO2e"),
            ("差额", f"{_n(f.get('balance_tco2e'))} tCO2e"),
            ("碳中和结论", "已实现碳中和" if f.get("neutral") else "未实现碳中和")]


def content(audit: Audit) -> list[dict]:
    """One entry per covered level whose figures are frozen (the current version)."""
    out = []
    for level in actions.covered_levels(audit):
        frozen = actions.current_level_frozen(audit, level)
        if frozen is None:
            continue
        f = frozen.figures
        answers = f.get("answers") or []
        out.append({
            "level": level, "title": TITLE_ZH[level], "rows": _rows(level, f), "headline": summary.headline_zh(level, f),
            "version": frozen.version, "upload": frozen.upload.version, "file": f.get("file", ""),
            "inputs_sha256": frozen.inputs_sha256, "record_sha256": frozen.record_sha256, "engine": frozen.engine,
            "frozen_at": timezone.localtime(frozen.frozen_at).strftime("%Y-%m-%d %H:%M"),
            "frozen_by": frozen.frozen_by.get_full_name() or frozen.frozen_by.username,
            "confirmed": [a["finding"] for a in answers if a.get("finding")],
            "dismissed": len([a for a in answers if a["answer"] == "dismissed"]),
        })
    return out
