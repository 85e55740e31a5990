"""The audit plan document (R7.4.3): its content as JSON (frozen in the record)
and the Chinese PDF/A rendered from it with ``pdfkit``.

Key audit points carried from stage 1: the stage-1 audit has no field of its own for them, so the
plan takes them as text; for a stage 2 the form is pre-filled with the stage-1 conclusion and the
key points of stage 1's latest plan.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from tancert.audits.models import Audit
from tancert.audits.programme import agenda, sitetime
from tancert.audits.programme.timing import combined_systems
from tancert.audits.remote import actions as remote
from tancert.clients.estimate import AUDIT_TYPE_OF_KIND, application_for, audit_time_for_application
from tancert.pdfkit import html_to_pdf
from tancert.people.models.auditors import CcaaRegistration
from tancert.scheme.violations import RuleViolation

OBJECTIVES = {
    Audit.STAGE1: "审查受审核方碳管理体系文件，评价碳评审、碳基准的建立及其对标准要求的理解，确认第二阶段审核的准备情况及关注重点。",
    Audit.STAGE2: "评价受审核方碳管理体系的实施情况和有效性，包括碳绩效、碳目标及碳管理措施计划的实现，确定能否推荐认证注册。",
    Audit.SURVEILLANCE: "确认获证组织碳管理体系持续符合认证要求并有效运行，碳绩效持续改进，上次审核不符合项纠正措施有效。",
    Audit.RECERTIFICATION: "评价碳管理体系在整个认证周期内的持续符合性和有效性，确定能否再次推荐认证注册。",
    Audit.SPECIAL: "针对重大变更或重大事故，确认碳管理体系是否仍满足认证要求。",
}
CRITERIA = ["T/CCAA 39-2022《碳管理体系 要求》", "CEC-7048CMS-A/2 碳管理体系认证规则",
            "受审核方碳管理体系文件", "适用的法律法规及其他要求"]
ROLE_ZH = {"leader": "审核组长", "auditor": "审核员", "technical_expert": "技术专家"}
METHOD_ZH = {"FS01": "现场审核（FS01）", "FS02": "远程审核（FS02）", "FS03": "现场与远程结合（FS03）"}


def justification(audit: Audit) -> list[dict]:
    """The audit-time justification lines (Chinese) for this audit's type; a combined audit's end with
    the R10-time line: the separate times, the 80 % minimum and the days planned."""
    app = application_for(audit.application, audit.certificate)
    if app is None:
        return []
    systems = combined_systems(audit.combined_with)
    planned = audit.auditor_days
    if audit.kind == Audit.STAGE2:  # the initial audit's time is stage 1 + stage 2
        stage1 = audit.application.audits.filter(kind=Audit.STAGE1).exclude(status=Audit.CANCELLED).first()
        planned += stage1.auditor_days if stage1 else 0
    audit_type = AUDIT_TYPE_OF_KIND[audit.kind]
    try:
        result = audit_time_for_application(app, audit_type, systems, planned if systems else None)
    except RuleViolation:  # the policy changed since planning: show the calculation without the plan's days
        result = audit_time_for_application(app, audit_type, systems)
    return [{"source": ln["source"], "zh": ln["zh"]} for ln in result.as_dict()["lines"]]


def default_key_points(audit: Audit) -> str:
    if audit.kind != Audit.STAGE2 or not audit.application_id:
        return ""
    stage1 = audit.application.audits.filter(kind=Audit.STAGE1).exclude(status=Audit.CANCELLED).first()
    if stage1 is None:
        return ""
    parts = []
    last = stage1.plan_documents.first()
    if last and last.key_points:
        parts.append(last.key_points)
    if stage1.conclusion:
        parts.append(f"第一阶段结论：{stage1.conclusion}")
    return "\n".join(parts)


def plan_content(audit: Audit, *, key_points: str, site_days: str = "", site_time=None, agenda_slots=()) -> dict:
    """The plan as data; ``site_time`` — checked ``sitetime.SiteTime`` rows — defaults to the even
    allocation over the IAF MD1 sample; ``site_days`` is the planner's note on it; ``agenda_slots`` the
    checked agenda (programme/agenda.py), frozen as Chinese rows with the assignments per person."""
    org = audit.organisation
    rows = site_time if site_time is not None else sitetime.default_allocation(audit)
    rows_of_agenda = agenda.display_rows(audit, list(agenda_slots))
    team = []
    for m in audit.team.select_related("user").order_by("pk"):
        reg = CcaaRegistration.objects.filter(user=m.user, valid_from__lte=audit.start_date,
                                              valid_to__gte=audit.end_date).first()
        team.append({"name": m.user.get_full_name() or m.user.username, "role": ROLE_ZH.get(m.role, m.role),
                     "registration": reg.number if reg else ""})
    return {
        "organisation": org.name, "address": org.address, "kind": audit.kind, "sequence": audit.sequence,
        "objectives": OBJECTIVES.get(audit.kind, ""), "criteria": CRITERIA, "scope": audit.scope,
        "start": audit.start_date.isoformat(), "end": audit.end_date.isoformat(),
        "auditor_days": str(audit.auditor_days), "method": audit.method, "method_zh": METHOD_ZH[audit.method],
        "offsite": audit.offsite, "offsite_reason": audit.offsite_reason,
        "sites": [{"name": r.name, "address": r.address} for r in rows], "team": team,
        "site_time": [r.as_dict() for r in rows], "required_visits": sitetime.required_visits(audit, len(rows)),
        "site_days": site_days, "key_points": key_points, "justification": justification(audit),
        "combined_with": list(audit.combined_with or []),
        "remote_deviation": remote.statement_zh(audit),  # IAF MD4: how far ICT is used, and on whose approval
        "agenda": rows_of_agenda, "assignments": agenda.assignments(rows_of_agenda),
    }


def render_plan_pdf(audit: Audit, content: dict, *, version: int, answer: dict | None = None) -> bytes:
    """The plan PDF of ``version``; ``answer`` ({"name", "at"}) adds the client's confirmation — the
    confirmed copy stored with the answer (CB-audit-plan-agreed)."""
    with translation.override("zh-hans"):  # records are in Chinese (RR-language)
        html = render_to_string("audits/planning/plan_pdf.html", {
            "c": content, "kind_zh": audit.get_kind_display(), "audit": audit, "version": version,
            "answer": answer})
    return html_to_pdf(html)
