"""Carbon performance across the certification cycle (R8.1.3-F2/F4, R8.2.2-F3/F4; docs/audits.md §8).

The frozen figures of every audit of a client that verifies carbon data (initial stage 2, surveillances,
recertification) form a series: emissions, intensity and target progress per audit. A surveillance or
recertification sees the series up to itself (its own point from its frozen figures, or, before freezing,
from its current inventory, marked provisional).

Between two consecutive points a change of the accounting boundary (facilities) or of the method (method
profile or GWP basis) without the base-year recalculation trigger recorded in the inventory's BoundaryChanges
sheet (ISO 14064-1 §6.4.1; tancert/ghg/performance.py ``recalculate``) is a blocking data-quality finding
under the audit's own focus key — R8.1.3-F2 at a surveillance, R8.2.2-F3 at a recertification — answered like
the engine's: confirmed as an audit finding or dismissed by the team leader with the reason (actions.py).

Pure functions of plain JSON (the figures), plus ``series`` which reads the client's audits.
"""

from __future__ import annotations

from html import escape

from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit

KIND_ZH = {Audit.STAGE2: "初次认证第二阶段", Audit.SURVEILLANCE: "监督审核", Audit.RECERTIFICATION: "再认证审核"}
STATUS_ZH = {"achieved": "已实现", "not achieved": "未实现", "on track": "按进度", "behind": "落后于进度",
             "no data": "无数据"}
SHEET = "BoundaryChanges"
# The audits that verify and freeze carbon data (actions.VERIFIED_KINDS; repeated: actions imports this module).
VERIFIED_KINDS = (Audit.STAGE2, Audit.SURVEILLANCE, Audit.RECERTIFICATION)


def current_frozen(audit: Audit):
    return audit.frozen_figures.order_by("-version").first()


def current_upload(audit: Audit):
    return audit.inventories.order_by("-version").first()


def cycle_key(audit: Audit) -> str:
    """The focus item a change over the cycle answers: surveillance R8.1.3-F2, otherwise R8.2.2-F3."""
    return "R8.1.3-F2" if audit.kind == Audit.SURVEILLANCE else "R8.2.2-F3"


def point(audit: Audit, results: dict, *, frozen: bool) -> dict:
    """One audit's figures (the engine's results or the frozen figures: the same keys) as a point."""
    perf = results.get("performance") or {}
    year = str(results["year"])
    intensity = [{"product": i["indicator"].split(":", 1)[1], "unit": i["unit"], "value": i["values"].get(year)}
                 for i in perf.get("indicators") or [] if i["indicator"].startswith("intensity:")]
    targets = [{"target_id": t["target_id"], "indicator": t["indicator"], "target_year": t["target_year"],
                "base_year": t["base_year"], "reduction_pct": t["reduction_pct"],
                "achieved_reduction_pct": t.get("achieved_reduction_pct"), "status": t["status"],
                "status_zh": STATUS_ZH.get(t["status"], t["status"])} for t in perf.get("targets") or []]
    rc = perf.get("recalculation") or {}
    return {"audit": audit.pk, "kind": audit.kind, "kind_zh": KIND_ZH.get(audit.kind, audit.get_kind_display()),
            "start": audit.start_date.isoformat(), "year": int(results["year"]), "frozen": frozen,
            "total_tco2e": float(results["total_tco2e"]), "by_category": dict(results.get("by_category") or {}),
            "facilities": sorted(str(f) for f in (results.get("by_facility") or {})),
            "method": results.get("method"), "gwp_basis": results.get("gwp_basis"),
            "base_year": perf.get("base_year"), "baseline_used": perf.get("baseline_used"),
            "change_vs_base_pct": perf.get("change_vs_base_pct"), "intensity": intensity, "targets": targets,
            "recalculation": {"applied": bool(rc.get("applied")),
                              "triggers": sorted({t["trigger"] for t in rc.get("triggers") or []})}}


def series(audit: Audit, *, current: dict | None = None) -> list[dict]:
    """The client's verified audits up to `audit` (by start date), each from its current frozen figures.
    `audit` itself: `current` (the results of an inventory being uploaded) if given, else its frozen figures,
    else its current inventory (provisional), else left out."""
    audits = (Audit.objects.filter(organisation_id=audit.organisation_id, kind__in=VERIFIED_KINDS,
                                   start_date__lte=audit.start_date)
              .exclude(status=Audit.CANCELLED).exclude(pk=audit.pk).order_by("start_date", "pk"))
    out = []
    for a in audits:
        f = current_frozen(a)
        if f is not None:
            out.append(point(a, f.figures, frozen=True))
    if current is not None:
        out.append(point(audit, current, frozen=False))
    else:
        f = current_frozen(audit)
        up = None if f is not None else current_upload(audit)
        if f is not None:
            out.append(point(audit, f.figures, frozen=True))
        elif up is not None:
            out.append(point(audit, up.results, frozen=False))
    return out


def changes(points: list[dict]) -> list[dict]:
    """Each boundary or method change between consecutive points, and whether the later inventory recorded the
    base-year recalculation trigger for it (structural for the boundary, methodology for the method)."""
    out = []
    for prev, cur in zip(points, points[1:], strict=False):
        added = sorted(set(cur["facilities"]) - set(prev["facilities"]))
        removed = sorted(set(prev["facilities"]) - set(cur["facilities"]))
        triggers = set(cur["recalculation"]["triggers"])
        if added or removed:
            out.append({"kind": "boundary", "from_audit": prev["audit"], "to_audit": cur["audit"],
                        "from_year": prev["year"], "to_year": cur["year"], "added": added, "removed": removed,
                        "recorded": "structural" in triggers,
                        "zh": "核算边界变化：" + "；".join(
                            ([f"新增设施 {'、'.join(added)}"] if added else [])
                            + ([f"移出设施 {'、'.join(removed)}"] if removed else []))})
        method_changed = (prev["method"], prev["gwp_basis"]) != (cur["method"], cur["gwp_basis"])
        if method_changed:
            out.append({"kind": "method", "from_audit": prev["audit"], "to_audit": cur["audit"],
                        "from_year": prev["year"], "to_year": cur["year"],
                        "before": {"method": prev["method"], "gwp_basis": prev["gwp_basis"]},
                        "after": {"method": cur["method"], "gwp_basis": cur["gwp_basis"]},
                        "recorded": "methodology" in triggers,
                        "zh": f"核算方法变化：{_method_zh(prev['method'])}（IPCC {prev['gwp_basis']}）→ "
                              f"{_method_zh(cur['method'])}（IPCC {cur['gwp_basis']}）"})
    return out


def _method_zh(method: str | None) -> str:
    from tancert.ghg.checks import METHOD_TITLES_ZH  # the engine's own wording of a method

    m = method or "—"
    return METHOD_TITLES_ZH.get(m, m.upper().replace("GBT", "GB/T ") if m.startswith("gbt") else m)


def blocking(audit: Audit, points: list[dict]) -> list[dict]:
    """The data-quality finding of the changes into `audit`'s point not recorded as a base-year recalculation
    trigger (ISO 14064-1 §6.4.1), in the engine's findings_summary shape; none when there is none."""
    if not points or points[-1]["audit"] != audit.pk:
        return []
    open_ = [c for c in changes(points) if c["to_audit"] == audit.pk and not c["recorded"]]
    if not open_:
        return []
    zh = "；".join(f"{c['from_year']} 年至 {c['to_year']} 年{c['zh']}" for c in open_)
    en = "; ".join(f"{c['kind']} change between {c['from_year']} and {c['to_year']}" for c in open_)
    return [{"rule": cycle_key(audit), "severity": "blocking", "sheet": SHEET, "rows": [], "count": len(open_),
             "cycle": True, "changes": open_,
             "message": f"{en} without a base-year recalculation trigger in the BoundaryChanges sheet "
                        "(ISO 14064-1 §6.4.1)",
             "message_zh": f"{zh}；清单的边界变更表未记录基准年重算的触发条件（ISO 14064-1 第 6.4.1 条），"
                           "请确认是否需要重算基准年。"}]


def table_rows(points: list[dict]) -> list[dict]:
    """The table of the page and the report: one row per audit, with the change against the previous."""
    rows, prev = [], None
    for p in points:
        delta = None if prev is None or not prev["total_tco2e"] else \
            (p["total_tco2e"] - prev["total_tco2e"]) / prev["total_tco2e"] * 100
        rows.append(p | {
            "total": f"{p['total_tco2e']:,.1f}", "delta": "—" if delta is None else f"{delta:+.1f}%",
            "vs_base": "—" if p["change_vs_base_pct"] is None else f"{p['change_vs_base_pct']:+.1f}%",
            "intensity_zh": "；".join(f"{i['product']} {i['value']:.4g} {i['unit']}" for i in p["intensity"]
                                     if i["value"] is not None) or "—",
            "targets_zh": "；".join(
                f"{t['target_id']} 已降低 {t['achieved_reduction_pct']:.1f}%（目标 {t['reduction_pct']:g}%，{t['status_zh']}）"
                if t["achieved_reduction_pct"] is not None else f"{t['target_id']} {t['status_zh']}"
                for t in p["targets"]) or "—"})
        prev = p
    return rows


def chart(points: list[dict], *, width: int = 640) -> str:
    """Emissions per audit as columns (tCO2e) and, in a band below, the first intensity indicator as a line on its
    own scale: plain SVG, no script (the page's CSP), and WeasyPrint draws it in the PDF."""
    if not points:
        return ""
    left, right, top, col_h, label_h = 56, 24, 36, 150, 40
    products = [i["product"] for i in points[-1]["intensity"]]
    name = products[0] if products else None
    vals = [next((i["value"] for i in p["intensity"] if i["product"] == name), None) for p in points] if name else []
    known = [v for v in vals if v is not None]
    band = 90 if known else 0
    height = top + col_h + label_h + band + 8
    plot_w = width - left - right
    vmax = max(abs(p["total_tco2e"]) for p in points) or 1.0
    step = plot_w / len(points)
    base_y = top + col_h
    title = escape(str(_("Emissions per audit (tCO2e)")))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="cycle-chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" font-size="11" role="img" aria-label="{title}">',
           f'<text x="{left}" y="14" font-weight="bold">{title}</text>',
           f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="#333"/>']
    for i, p in enumerate(points):
        h = abs(p["total_tco2e"]) / vmax * (col_h - 16)
        x = left + i * step + step * 0.2
        fill = "#1f77b4" if p["frozen"] else "#9ecae1"
        out.append(f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" fill="{fill}"/>')
        cx = x + step * 0.3
        out.append(f'<text x="{cx:.1f}" y="{base_y - h - 4:.1f}" text-anchor="middle">{p["total_tco2e"]:,.0f}</text>')
        out.append(f'<text x="{cx:.1f}" y="{base_y + 15}" text-anchor="middle">{p["year"]}</text>')
        out.append(f'<text x="{cx:.1f}" y="{base_y + 30}" text-anchor="middle">{escape(p["kind_zh"])}</text>')
    if known:
        unit = next(i["unit"] for i in points[-1]["intensity"] if i["product"] == name)
        band_top = base_y + label_h + 18
        out.append(f'<text x="{left}" y="{band_top - 4}" fill="#d62728">'
                   f'{escape(str(_("Intensity")))} {escape(name)}（{escape(unit)}）</text>')
        hi = max(abs(v) for v in known) or 1.0  # from zero, like the columns: a small change looks small
        pts = [(left + i * step + step * 0.5, band_top + 14 + (1 - abs(v) / hi) * (band - 40))
               for i, v in enumerate(vals) if v is not None]
        out.append('<polyline fill="none" stroke="#d62728" stroke-width="2" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for (x, y), v in zip(pts, known, strict=True):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#d62728"/>')
            out.append(f'<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" fill="#d62728">{v:.4g}</text>')
    out.append("</svg>")
    return "".join(out)
