"""The audit report (R7.5.1): content from the audit, the rule book, the checklist and the frozen
carbon figures; rendered as PDF/A in Chinese; signed by the team leader as a new version each time."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tancert.audits.access import audits_for
from tancert.audits.carbon import cycle
from tancert.audits.carbon.actions import VERIFIED_KINDS, current_frozen
from tancert.audits.carbon.levels.actions import require_levels_frozen
from tancert.audits.carbon.levels.report import content as level_report
from tancert.audits.checklists import explanations
from tancert.audits.models import Audit
from tancert.audits.models.report import AuditReport
from tancert.audits.remote import actions as remote
from tancert.audits.stage1.actions import report_section as stage1_report_section
from tancert.audits.team import require_team
from tancert.clients.estimate import application_for
from tancert.clients.scopes.rules import entries as scope_entries
from tancert.ghg.report import bar_chart, trend_chart
from tancert.pdfkit import html_to_pdf
from tancert.records import chain
from tancert.records.documents import record_pdf
from tancert.scheme import rulebook
from tancert.scheme.violations import require

# Audits whose report must state frozen, verified carbon figures (R7.5.1; stage 1 has none yet).
COMBINED_RULE = "R10-common"  # CMS-specific points identifiable in a combined audit's report
NEEDS_FIGURES = VERIFIED_KINDS
CATEGORY_ZH = {"1": "类别1 直接排放", "2": "类别2 输入能源间接排放", "3": "类别3 运输", "4": "类别4 组织使用的产品",
               "5": "类别5 组织产品的使用", "6": "类别6 其他"}
SOURCE_ZH = {"invoice": "发票", "ledger": "能源台账", "meter_reading": "计量读数", "lab_report": "化验报告",
             "contract": "购销合同", "production_report": "生产报表", "other": "其他独立来源"}
STATUS_ZH = {"achieved": "已实现", "not achieved": "未实现", "on track": "按进度", "behind": "落后于进度",
             "no data": "无数据"}
SEVERITY_ZH = {"blocking": "阻断", "warning": "警告", "info": "信息"}
CONFORMITY_ZH = {"conforming": "符合", "finding": "有发现", "not_audited": "未审核", None: "未填写"}


def focus_kind(audit: Audit) -> str:
    return {Audit.SURVEILLANCE: "surveillance", Audit.RECERTIFICATION: "recertification"}.get(audit.kind, "initial")


def checklist_items(audit: Audit) -> list[dict]:
    """The checklist's items for the report (tancert.audits.checklists.items, from the checklist branch), or none."""
    try:
        from tancert.audits.checklists.items import report_items
    except ImportError:
        return []
    items = [dict(i) for i in report_items(audit)]
    for i in items:
        i["conformity_zh"] = CONFORMITY_ZH.get(i.get("conformity"), str(i.get("conformity")))
        # the report's content is stored as JSON: times become local "YYYY-MM-DD HH:MM" text
        i["evidence"] = [{k: _plain(v) for k, v in dict(e).items()} for e in i.get("evidence") or []]
    return items


def _plain(v):
    from datetime import date, datetime

    if isinstance(v, datetime):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(v) else v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return v


def can_open(report_audit: Audit, user) -> bool:
    """The team, office roles (decision maker …) and — only after the decision — the client."""
    if not audits_for(user).filter(pk=report_audit.pk).exists():
        return False
    if user.is_client:
        return report_audit.decisions.exists()
    return True


def _n(v, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def _charts(fig: dict) -> dict:
    perf = fig["performance"]
    cats = [(CATEGORY_ZH.get(k, k), v) for k, v in fig["by_category"].items() if v]
    totals = {int(y): v for y, v in (perf.get("totals") or {}).items()}
    targets = []
    for t in perf.get("targets") or []:
        if t.get("achieved_reduction_pct") is not None:
            targets.append((f"{t['target_id']} 目标降低", float(t["reduction_pct"])))
            targets.append((f"{t['target_id']} 已降低", float(t["achieved_reduction_pct"])))
    points = (fig.get("cycle") or {}).get("points") or []
    return {"cycle": mark_safe(cycle.chart(points)) if len(points) > 1 else "",  # noqa: S308 — escaped in chart()
            "categories": mark_safe(bar_chart(cats)),
            "trend": mark_safe(trend_chart(totals, perf.get("baseline_used"))),
            "targets": mark_safe(bar_chart(targets, unit="%")) if targets else ""}


def _uncertainty_rows(a1: dict, mc: dict | None) -> list[dict]:
    """Approach 1 and, when the auditor ran it, the Monte Carlo frozen with the figures (with its seed and
    iterations, so the reader can reproduce it), side by side."""
    rows = []
    if a1:
        rows.append({"approach": "方法一（误差传递）", "mean": _n(a1.get("mean")),
                     "interval": f"{_n(a1.get('lower'))} – {_n(a1.get('upper'))}", "u": f"±{a1.get('u_pct', 0):.1f}%"})
    if mc:
        t = mc["total"]
        rows.append({"approach": f"方法二（蒙特卡洛，{mc['iterations']:,} 次迭代，随机种子 {mc['seed']}）",
                     "mean": _n(t["mean"]), "interval": f"{_n(t['lower'])} – {_n(t['upper'])}",
                     "u": f"±{t['u_pct']:.1f}%"})
    return rows


def _market(mk: dict | None) -> dict | None:
    """Both Scope 2 figures (GHG Protocol Scope 2 Guidance; docs/ghg.md): location-based stays the total."""
    if not mk:
        return None
    rf = mk.get("residual_factor")
    return {"location": _n(mk["scope2_location_tco2e"]), "market": _n(mk.get("scope2_market_tco2e")),
            "total_location": _n(mk["location_based_tco2e"]), "total_market": _n(mk.get("market_based_tco2e")),
            "mwh": _n(mk["grid_electricity_mwh"], 3), "covered": _n(mk["covered_mwh"], 3),
            "residual_mwh": _n(mk["residual_mwh"], 3), "counted": f"{mk['instruments_counted']} / {mk['instruments']}",
            "factor": "—" if not rf else f"{rf['value']} {rf['unit']}（{rf.get('title') or rf['document']}，{rf['data_year']} 年，"
                                         "全国电力平均二氧化碳排放因子（不包括市场化交易的非化石能源电量）"
                                         f"{'，未核实' if rf.get('confidence') == 'unverified' else ''}）"}


def _meters(m: dict) -> dict | None:
    if not m:
        return None
    rows = [{"meter": f"{x['meter_id']}（{x['unit']}，{x['interval_minutes']} 分钟）", "readings": f"{x['readings']:,}",
             "period": f"{x.get('first') or '—'} – {x.get('last') or '—'}", "lapsed": f"{x['lapsed_readings']:,}",
             "gaps": x["gaps"], "flat": x["flat_lines"],
             "off": "；".join(f"{o['month']}：清单 {o['inventory']:,.6g}，计量 {o['metered']:,.6g}"
                             for o in x.get("months") or [] if not o.get("within_tolerance")) or "无"}
            for x in m.get("meters") or []]
    return {"file": m["file"], "sha256": m["sha256"], "tolerance": f"{m.get('tolerance_pct') or 0:g}%", "rows": rows,
            "findings": [{"severity": SEVERITY_ZH.get(b["severity"], b["severity"]),
                          "message": b.get("message_zh") or b["message"]} for b in m.get("findings_summary") or []]}


def _carbon(frozen) -> dict | None:
    if frozen is None:
        return None
    fig = frozen.figures
    perf = fig["performance"]
    unc = (fig.get("uncertainty") or {}).get("total") or {}
    sources = sorted(fig["by_source"].items(), key=lambda kv: -abs(kv[1]))
    return {
        "version": frozen.version, "frozen_at": timezone.localtime(frozen.frozen_at).strftime("%Y-%m-%d %H:%M"),
        "frozen_by": frozen.frozen_by.get_full_name() or frozen.frozen_by.username,
        "year": fig["year"], "method": fig["method"], "gwp": fig["gwp_basis"], "total": _n(fig["total_tco2e"]),
        "total_raw": fig["total_tco2e"], "biogenic": _n(fig["biogenic_co2_t"]),
        "categories": [(CATEGORY_ZH.get(k, k), _n(v)) for k, v in fig["by_category"].items()],
        "sources": [(k, _n(v)) for k, v in sources],
        "gases": [(k, _n(v)) for k, v in fig["by_gas"].items()],
        "uncertainty": (f"95% 区间 {_n(unc.get('lower'))} – {_n(unc.get('upper'))} tCO2e（±{unc.get('u_pct', 0):.1f}%）"
                        if unc else "—"),
        "uncertainty_rows": _uncertainty_rows(unc, fig.get("monte_carlo")),
        "market": _market(fig.get("market_based")),
        "base_year": perf.get("base_year"), "baseline": _n(perf.get("baseline_used")),
        "change_pct": None if perf.get("change_vs_base_pct") is None else f"{perf['change_vs_base_pct']:+.1f}%",
        "targets": [{"id": t["target_id"], "indicator": t["indicator"], "base_year": t["base_year"],
                     "target_year": t["target_year"], "reduction": f"{t['reduction_pct']:g}%",
                     "base_value": _n(t.get("base_value"), 2), "current": _n(t.get("current_value"), 2),
                     "achieved": "—" if t.get("achieved_reduction_pct") is None else f"{t['achieved_reduction_pct']:.1f}%",
                     "status": STATUS_ZH.get(t["status"], t["status"])} for t in perf.get("targets") or []],
        "indicators": [{"name": "绝对排放" if i["indicator"] == "absolute" else "强度 " + i["indicator"].split(":", 1)[-1],
                        "unit": i["unit"], "values": "；".join(f"{y}：{v:,.4g}" for y, v in sorted(i["values"].items()))}
                       for i in perf.get("indicators") or []],
        "statements": list(perf.get("statements") or []),
        "factors": fig["factors_used"], "inputs_sha256": fig["inputs_sha256"],
        "record_sha256": frozen.record_sha256, "upload": fig["upload"], "sample": fig["sample"],
        "verification": fig["verification"] | {
            "checks": [c | {"source_zh": SOURCE_ZH.get(c["source_kind"], c["source_kind"])}
                       for c in fig["verification"]["checks"]],
            "sources_zh": "、".join(f"{SOURCE_ZH.get(k, k)} {v} 条" for k, v in fig["verification"]["sources"].items())},
        # Performance over the cycle as frozen (R8.1.3-F2/F4, R8.2.2-F3/F4): rows and changes, in Chinese.
        "cycle": [{k: r[k] for k in ("kind_zh", "start", "year", "total", "delta", "vs_base", "intensity_zh",
                                     "targets_zh", "frozen")}
                  for r in cycle.table_rows((fig.get("cycle") or {}).get("points") or [])],
        "cycle_changes": [{"from_year": c["from_year"], "to_year": c["to_year"], "zh": c["zh"],
                           "recorded": c["recorded"]} for c in (fig.get("cycle") or {}).get("changes") or []],
        # The meter series reconciled with the frozen inventory (R6.2-crosscheck, R6.2-calibration), when uploaded.
        "meters": _meters(fig.get("meters") or {}),
        "dq": [b | {"severity": SEVERITY_ZH.get(b["severity"], b["severity"])} for b in fig["findings_summary"]], "confirmed": fig.get("confirmed", []),
    }


# The engine cites the initial-audit focus items (and R7.5.1) in its sentences; surveillance and
# recertification focus items that ask the same quantitative question get the same sentences.
STATEMENT_SOURCES = {
    "R8.1.3-F2": ("R7.5.1", "R7.4.2-F4", "R7.4.2-F6"), "R8.1.3-F4": ("R7.4.2-F4", "R7.4.2-F7"),
    "R8.2.2-F2": ("R7.4.2-F7",), "R8.2.2-F3": ("R7.5.1", "R7.4.2-F4"), "R8.2.2-F4": ("R7.4.2-F4", "R7.4.2-F7"),
}
# Focus items on performance over the cycle get the series of the frozen figures.
CYCLE_ITEMS = ("R8.1.3-F2", "R8.1.3-F4", "R8.2.2-F3", "R8.2.2-F4")
# Focus items on monitoring and measurement get the summary of the data verification.
VERIFICATION_ITEMS = ("R7.4.2-F3", "R8.1.3-F2", "R8.2.2-F3")


def _focus_statements(key: str, carbon: dict | None) -> list[str]:
    if not carbon:
        return []
    cited = STATEMENT_SOURCES.get(key, (key,))
    out = [s for s in carbon["statements"] if any(s.startswith(f"[{c}]") for c in cited)]
    if key in CYCLE_ITEMS and len(carbon.get("cycle") or []) > 1:
        rows = carbon["cycle"]
        out.append(f"[{key}] 认证周期内经核查冻结的排放总量：" + "；".join(
            f"{r['year']} 年 {r['total']} tCO2e（{r['kind_zh']}）" for r in rows)
            + f"；较上次审核变化 {rows[-1]['delta']}。" + "".join(
            f"{c['from_year']} 年至 {c['to_year']} 年{c['zh']}，"
            + ("已按基准年重算触发条件处理。" if c["recorded"] else "清单未记录基准年重算的触发条件。")
            for c in carbon.get("cycle_changes") or []))
    if key in VERIFICATION_ITEMS:
        v, smp = carbon["verification"], carbon["sample"]
        blocking = [b["rule"] for b in carbon["dq"] if b["severity"] == "阻断"]
        out.append(f"[R6.2-sampling] 碳数据监测和计量的验证：从 {smp['population']} 条活动数据中抽取 {smp['size']} 条与独立来源"
                   f"核对，一致 {v['agrees']} 条，不一致 {v['discrepancies']} 条；阻断性数据质量问题："
                   f"{'、'.join(blocking) if blocking else '无'}。")
    return out


def _finding_rows(audit: Audit) -> list[dict]:
    return [{"number": f.number, "grade": f.get_grade_display(), "grade_code": f.grade, "clause": f.clause,
             "description": f.description, "evidence": f.evidence, "status": f.get_status_display(),
             "correction": f.correction, "root_cause": f.root_cause, "corrective_action": f.corrective_action,
             "response_evidence": f.response_evidence} for f in audit.findings.order_by("number")]


def checkins_content(audit: Audit) -> dict:
    """The check-ins, their anomalies and both sides' explanations as they stand at signing (CB-checkin)."""
    view = explanations.overview(audit)
    items = [{"meeting": "首次会议" if c.meeting == "opening" else "末次会议",
              "at": f"{timezone.localtime(c.at):%Y-%m-%d %H:%M}", "location": c.location,
              "by": c.by.get_full_name() or c.by.username} for c in audit.checkins.select_related("by")]
    return {"required": view.required, "items": items, "deadline": view.deadline.isoformat(),
            "anomalies": [{"key": r.key, "label": r.anomaly.label, "expected": r.anomaly.expected,
                           "happened": r.anomaly.happened, "auditor": r.auditor.text if r.auditor else "",
                           "body": r.body.text if r.body else ""} for r in view.rows]}


def build_content(audit: Audit, *, objectives: str, deviations: str, evaluation: str, recommendation: str,
                  combined_with: str = "", focus_notes: dict | None = None, cms_specific: str = "") -> dict:
    """Everything the report states, in Chinese, as plain data (stored with the signed version)."""
    focus_notes = focus_notes or {}
    frozen = current_frozen(audit)
    carbon = _carbon(frozen)
    items = checklist_items(audit)
    findings = _finding_rows(audit)
    clause_map = rulebook.focus_clause_map()
    with translation.override("zh-hans"):
        focus = []
        for item in rulebook.FOCUS_ITEMS[focus_kind(audit)]:
            clauses = set(clause_map.get(item.key, ()))
            statements = _focus_statements(item.key, carbon)
            focus.append({
                "key": item.key, "code": item.code, "title": item.title_zh, "text": item.text_zh,
                "note": (focus_notes.get(item.key) or "").strip(),
                "checklist": [i for i in items if i.get("kind") == "focus" and i.get("code") in (item.key, item.code)],
                "clauses": sorted(clauses),
                "statements": statements,
                "findings": [f["number"] for f in findings if f["clause"] == item.key or f["clause"] in clauses],
            })
        order = {"leader": 0, "auditor": 1, "technical_expert": 2}
        team = [{"name": m.user.get_full_name() or m.user.username, "role": m.get_role_display()}
                for m in sorted(audit.team.select_related("user"), key=lambda m: (order.get(m.role, 9), m.pk))]
        org = audit.organisation
        criterion = (audit.application.criterion if audit.application_id
                     else audit.certificate.criterion if audit.certificate_id else "T/CCAA 39-2022")
        content = {
            "audit_id": audit.pk, "kind": audit.get_kind_display(), "kind_code": audit.kind,
            "organisation": org.name, "credit_code": org.credit_code, "address": getattr(org, "address", ""),
            "sites": [{"name": s.name, "address": s.address} for s in org.sites.all()],
            "criterion": criterion, "scheme": "CEC-7048CMS-A/2",
            "clause_tree": rulebook.DEFAULT_CLAUSE_TREE_VERSION,
            "start": audit.start_date.isoformat(), "end": audit.end_date.isoformat(),
            "method": audit.get_method_display(), "offsite": audit.offsite, "offsite_reason": audit.offsite_reason,
            "remote_deviation": remote.statement_zh(audit),  # IAF MD4: the report states how far ICT was used
            "auditor_days": str(audit.auditor_days), "scope": audit.scope, "team": team,
            # R5.a–d: the levels the CMS covers and the standard of each (clients/scopes).
            "scope_levels": scope_entries(application_for(audit.application, audit.certificate)),
            "objectives": objectives.strip(), "deviations": deviations.strip() or "无",
            "evaluation": evaluation.strip(), "conclusion": audit.conclusion,
            "recommendation": str(dict(Audit.RECOMMENDATIONS)[recommendation]), "recommendation_code": recommendation,
            # Without a text of the leader's, the systems the audit was planned as combined with (R10-time).
            "combined_with": combined_with.strip() or "、".join(x["name"] for x in audit.combined_with or []),
            "cms_specific": cms_specific.strip(),
            "focus": focus, "findings": findings,
            "other_items": [i for i in items if i.get("kind") != "focus"],
            "carbon": carbon, "levels": level_report(audit),  # frozen product / project / event figures
            "checkins": checkins_content(audit),
            # Stage 1: the document review and the conclusions for stage 2 (R7.4.1-S1).
            "stage1": stage1_report_section(audit),
        }
    return content


def render_pdf(content: dict, *, version: int, signed_by: str, signed_at: str, frozen=None) -> bytes:
    charts = _charts(frozen.figures) if frozen is not None else {}
    with translation.override("zh-hans"):
        html = render_to_string("audits/report_pdf.html", {
            "c": content, "version": version, "signed_by": signed_by, "signed_at": signed_at, "charts": charts,
            "body": settings.TANCERT_BODY,
        })
    return html_to_pdf(html)


def sign_report(audit: Audit, *, by, objectives: str, evaluation: str, recommendation: str, deviations: str = "",
                combined_with: str = "", focus_notes: dict | None = None, cms_specific: str = "") -> AuditReport:
    """The team leader signs the report: a new PDF/A version, recorded with its SHA-256."""
    require_team(audit, by, leader=True)
    require(audit.status in (Audit.IN_PROGRESS, Audit.COMPLETED), "R7.5.1",
            _("The report is signed on an audit that has begun or is closed; this one is not under way."),
            field="status")
    require(bool((objectives or "").strip()), "R7.5.1", _("State the audit objectives."), field="objectives")
    require(bool((evaluation or "").strip()), "R7.5.1",
            _("Write the evaluation of the CMS's role in improving carbon performance."), field="evaluation")
    require(recommendation in dict(Audit.RECOMMENDATIONS), "R7.5.1", _("Give the team's recommendation."),
            field="recommendation")
    frozen = current_frozen(audit)
    if audit.kind in NEEDS_FIGURES:
        require(frozen is not None, "R7.5.1",
                _("Freeze the verified carbon figures before signing the report: it must state carbon performance "
                  "quantitatively."), field="frozen")
        require_levels_frozen(audit)  # each covered product / project / event level too (R5.b–d)
    content = build_content(audit, objectives=objectives, deviations=deviations, evaluation=evaluation,
                            recommendation=recommendation, combined_with=combined_with, focus_notes=focus_notes,
                            cms_specific=cms_specific)
    # A combined audit (planned so, or stated by the leader) must keep the CMS's own requirements and key audit
    # points identifiable in the report, in words of their own (R10-common), not only a mark on shared text.
    require(not content["combined_with"] or bool(content["cms_specific"]), "R10-common",
            _("This is a combined audit: describe the carbon management system's specific requirements and key audit "
              "points, as audited, in their own section of the report."), field="cms_specific")
    # R10-common: in a combined audit the CMS-specific points stay identifiable (marked in the PDF).
    content["cms_specific_marked"] = bool(content["combined_with"])
    content["combined_rule"] = COMBINED_RULE if content["combined_with"] else None
    signer = by.get_full_name() or by.username
    now = timezone.now()
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        version = (locked.reports.aggregate(m=Max("version"))["m"] or 0) + 1
        pdf = render_pdf(content, version=version, signed_by=signer,
                         signed_at=timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), frozen=frozen)
        digest = record_pdf(pdf)  # RR-format: PDF/A, or refused
        locked.reports.filter(superseded_at__isnull=True).update(superseded_at=now)
        report = AuditReport(audit=audit, version=version, content=content, frozen=frozen, sha256=digest,
                             signed_by=by, signed_at=now)
        report.pdf.save(report.filename, ContentFile(pdf), save=False)
        report.save()
        chain.append("audit.report_signed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"审核组长签署审核报告第 {version} 版（{content['kind']}，建议：{content['recommendation']}）",
                     data={"version": version, "pdf_sha256": digest, "size": len(pdf),
                           "frozen_version": frozen.version if frozen else None,
                           "inputs_sha256": frozen.inputs_sha256 if frozen else None,
                           "recommendation": recommendation, "combined_with": content["combined_with"],
                           "cms_specific": bool(content["cms_specific"]),
                           "focus_items": [f["key"] for f in content["focus"]]})
    return report


def current_report(audit: Audit) -> AuditReport | None:
    return audit.reports.order_by("-version").first()


def require_can_open(audit: Audit, user) -> None:
    if not can_open(audit, user):
        raise PermissionDenied

