"""Monthly export of the certification lifecycle for the regulator (docs/certificates.md, Regulator export).

Modelled on the CNCA reporting format (`shared/reference/certification.md` §3, secondary): the whole
lifecycle each month, due by the 10th of the following month, Excel with fixed sheets, identifiers
upper-case without spaces, audit method codes FS01 / FS02 / FS03. The official field list and code
tables come from the reporting platform and are not available to us, so the columns below are OUR
documented, versioned mapping (`MAPPING_VERSION`; docs/certificates.md lists it). A change of columns
is a new version, never a silent edit.

Sheets (fixed names, fixed column order):
- 审核计划信息表  audits whose start date falls in the month (plans);
- 审核结果信息表  audits completed in the month (results, nonconformity counts);
- 证书信息表      certificates issued, changed or with a status change in the month (their state now);
- 证书状态变化表  every certificate event of the month from the record chain (issue, change,
                  suspension, restoration, withdrawal, cancellation, expiry, renewal).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, Finding
from tancert.certificates.models import Certificate, RegulatorExport
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.records.models import Event

MAPPING_VERSION = "1.0"
KIND_ZH = {"stage1": "初次认证第一阶段", "stage2": "初次认证第二阶段", "surveillance": "监督审核",
           "recertification": "再认证审核", "special": "特殊审核"}
STATUS_ZH = {"valid": "有效", "suspended": "暂停", "withdrawn": "撤销", "cancelled": "注销", "expired": "过期失效"}
EVENT_ZH = {"certificate.issued": "颁发", "certificate.changed": "变更", "certificate.suspended": "暂停",
            "certificate.restored": "恢复", "certificate.withdrawn": "撤销", "certificate.cancelled": "注销",
            "certificate.expired": "过期失效", "certificate.renewal_applied": "申请再认证"}

# (sheet, [(column header, key, meaning)]) — the versioned mapping.
SHEETS = [
    ("审核计划信息表", [
        ("审核计划编号", "plan_no", "plan number: prefix (TANCERT_REPORT_PLAN_PREFIX, else the body code) + year + "
                                  "audit id, upper case without spaces"),
        ("认证机构代码", "body_code", "the body's code"),
        ("组织名称", "organisation", "organisation name"),
        ("统一社会信用代码", "credit_code", "unified social credit code, upper case"),
        ("审核类型", "kind", "audit type in Chinese"),
        ("审核方式代码", "method", "FS01 on site, FS02 remote, FS03 mixed"),
        ("审核开始日期", "start", "YYYY-MM-DD"), ("审核结束日期", "end", "YYYY-MM-DD"),
        ("审核人日数", "days", "auditor-days"),
        ("审核组长", "leader", "team leader"), ("审核组成员", "members", "other members with their role, ；-separated"),
        ("审核范围", "scope", "audit scope"), ("证书编号", "certificate", "certificate (surveillance/recertification)"),
    ]),
    ("审核结果信息表", [
        ("审核计划编号", "plan_no", "as on the plan sheet"),
        ("组织名称", "organisation", ""), ("统一社会信用代码", "credit_code", ""),
        ("审核类型", "kind", ""), ("审核方式代码", "method", ""),
        ("审核完成日期", "completed", "YYYY-MM-DD"),
        ("严重不符合项数", "majors", "major nonconformities raised"), ("一般不符合项数", "minors", "minor nonconformities"),
        ("审核结论", "conclusion", ""), ("推荐意见", "recommendation", "推荐认证 / 不推荐"),
    ]),
    ("证书信息表", [
        ("证书编号", "number", "upper case without spaces"), ("组织名称", "organisation", ""),
        ("统一社会信用代码", "credit_code", ""), ("组织地址", "address", ""), ("认证范围", "scope", ""),
        ("认证依据", "criterion", ""), ("初次颁证日期", "first_issue", ""), ("颁证日期", "issue", ""),
        ("有效期至", "expiry", ""), ("证书状态", "status", "有效 / 暂停 / 撤销 / 注销 / 过期失效"),
        ("监督状态", "surveillance", ""), ("版本", "version", "content version (R9.4.2)"),
        ("变更日期", "change_date", ""), ("来源", "origin", "初次认证 / 转入"),
    ]),
    ("证书状态变化表", [
        ("证书编号", "number", ""), ("变化类型", "change", "颁发 / 变更 / 暂停 / 恢复 / 撤销 / 注销 / 过期失效 / 申请再认证"),
        ("变化日期", "date", "YYYY-MM-DD (local)"), ("原状态", "from", ""), ("新状态", "to", ""),
        ("原因", "reason", ""), ("记录序号", "seq", "the event's sequence number in the record chain"),
    ]),
]


def ident(value) -> str:
    """Identifiers are upper case without spaces (CNCA reporting)."""
    return "".join(str(value or "").split()).upper()


class BadPeriod(ValueError):
    """Not a scheme rule (the report is the regulator's, not CEC-7048CMS-A/2's): a plain input error."""


def parse_period(period: str) -> tuple[date, date]:
    try:
        start = datetime.strptime(str(period), "%Y-%m").date()
    except ValueError:
        raise BadPeriod(_("Give the month as YYYY-MM.")) from None
    return start, start + relativedelta(months=1)


def due_date(period: str) -> date:
    _start, end = parse_period(period)
    return end.replace(day=settings.TANCERT_REGULATOR_EXPORT_DAY)


def plan_no(audit: Audit) -> str:
    prefix = getattr(settings, "TANCERT_REPORT_PLAN_PREFIX", "") or settings.TANCERT_BODY["code"]
    return ident(f"{prefix}{audit.start_date:%Y}{audit.pk:06d}")


def _members(audit) -> tuple[str, str]:
    team = list(audit.team.select_related("user"))
    leader = next((m.user.get_full_name() or m.user.username for m in team if m.role == "leader"), "")
    role_zh = {"leader": "组长", "auditor": "审核员", "technical_expert": "技术专家"}
    others = "；".join(f"{m.user.get_full_name() or m.user.username}（{role_zh.get(m.role, m.role)}）"
                      for m in team if m.role != "leader")
    return leader, others


def collect(period: str) -> dict[str, list[dict]]:
    """The rows of every sheet for the month, keyed by the mapping's keys."""
    start, end = parse_period(period)
    tz = timezone.get_current_timezone()
    t0, t1 = timezone.make_aware(datetime.combine(start, time()), tz), timezone.make_aware(datetime.combine(end, time()), tz)
    body = settings.TANCERT_BODY["code"]
    plans = []
    for a in Audit.objects.filter(start_date__gte=start, start_date__lt=end).exclude(status=Audit.CANCELLED) \
            .select_related("organisation", "certificate").order_by("start_date", "pk"):
        leader, others = _members(a)
        plans.append({"plan_no": plan_no(a), "body_code": ident(body), "organisation": a.organisation.name,
                      "credit_code": ident(a.organisation.credit_code), "kind": KIND_ZH.get(a.kind, a.kind),
                      "method": ident(a.method), "start": a.start_date.isoformat(), "end": a.end_date.isoformat(),
                      "days": float(a.auditor_days), "leader": leader, "members": others, "scope": a.scope,
                      "certificate": ident(a.certificate.number) if a.certificate_id else ""})
    results = []
    for a in Audit.objects.filter(status=Audit.COMPLETED, completed_at__gte=t0, completed_at__lt=t1) \
            .select_related("organisation").order_by("completed_at", "pk"):
        results.append({"plan_no": plan_no(a), "organisation": a.organisation.name,
                        "credit_code": ident(a.organisation.credit_code), "kind": KIND_ZH.get(a.kind, a.kind),
                        "method": ident(a.method), "completed": timezone.localtime(a.completed_at).date().isoformat(),
                        "majors": a.findings.filter(grade=Finding.MAJOR).count(),
                        "minors": a.findings.filter(grade=Finding.MINOR).count(), "conclusion": a.conclusion,
                        "recommendation": "推荐认证" if a.recommendation == Audit.RECOMMEND else "不推荐"})
    events = list(Event.objects.filter(subject_type="certificate", action__in=list(EVENT_ZH), at__gte=t0, at__lt=t1)
                  .order_by("seq"))
    ids = {int(e.subject_id) for e in events if e.subject_id.isdigit()}
    certs = {c.pk: c for c in Certificate.objects.filter(pk__in=ids)}
    changes = []
    for e in events:
        c = certs.get(int(e.subject_id)) if e.subject_id.isdigit() else None
        if c is None:
            continue
        changes.append({"number": ident(c.number), "change": EVENT_ZH[e.action],
                        "date": timezone.localtime(e.at).date().isoformat(),
                        "from": STATUS_ZH.get(e.data.get("from", ""), ""),
                        "to": STATUS_ZH.get(e.data.get("to", "valid" if e.action == "certificate.issued" else ""), ""),
                        "reason": e.data.get("reason", "") if e.data.get("reason") != "expiry" else "有效期届满",
                        "seq": e.seq})
    with_surv = dict(Certificate.SURVEILLANCE)
    certificates = []
    from django.utils import translation

    with translation.override("zh-hans"):
        for c in sorted(certs.values(), key=lambda c: c.number):
            certificates.append({
                "number": ident(c.number), "organisation": c.organisation_name, "credit_code": ident(c.credit_code),
                "address": c.organisation_address, "scope": c.scope, "criterion": c.criterion,
                "first_issue": c.first_issue_date.isoformat(), "issue": c.issue_date.isoformat(),
                "expiry": c.expiry_date.isoformat(), "status": STATUS_ZH[c.status],
                "surveillance": str(with_surv[c.surveillance_status]), "version": c.version,
                "change_date": c.change_date.isoformat() if c.change_date else "",
                "origin": "转入" if c.origin == Certificate.TRANSFER else "初次认证"})
    names = [name for name, _cols in SHEETS]
    return dict(zip(names, [plans, results, certificates, changes], strict=True))


def workbook(period: str, data: dict[str, list[dict]] | None = None) -> bytes:
    import xlsxwriter

    data = data if data is not None else collect(period)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBE3", "border": 1})
    for name, cols in SHEETS:
        ws = wb.add_worksheet(name)
        for j, (header, _key, _meaning) in enumerate(cols):
            ws.write(0, j, header, head)
            ws.set_column(j, j, max(12, len(header) * 2 + 2))
        for i, row in enumerate(data[name], start=1):
            for j, (_header, key, _meaning) in enumerate(cols):
                ws.write(i, j, row.get(key, ""))
        ws.freeze_panes(1, 0)
    info = wb.add_worksheet("说明")
    info.write_column(0, 0, ["报送期间", "映射版本", "认证机构", "生成时间", "截止日期"])
    info.write_column(0, 1, [period, MAPPING_VERSION, settings.TANCERT_BODY["name_zh"],
                             timezone.localtime().strftime("%Y-%m-%d %H:%M"), due_date(period).isoformat()])
    wb.close()
    return out.getvalue()


def as_json(period: str, data: dict[str, list[dict]] | None = None) -> dict:
    data = data if data is not None else collect(period)
    return {"period": period, "mapping_version": MAPPING_VERSION, "body_code": ident(settings.TANCERT_BODY["code"]),
            "due": due_date(period).isoformat(),
            "sheets": {name: {"columns": [{"header": h, "key": k} for h, k, _m in cols], "rows": data[name]}
                       for name, cols in SHEETS}}


def generate(period: str, *, by=None) -> tuple[bytes, RegulatorExport]:
    """Make the month's workbook and record that it was made (the sweep then stops reminding)."""
    if by is not None:
        require_role(by, Role.CERTIFICATE_ADMIN, Role.SYSTEM_ADMIN)
    start, end = parse_period(period)
    if start > timezone.localdate():
        raise BadPeriod(_("The month %(period)s has not begun yet.") % {"period": period})
    data = collect(period)
    xlsx = workbook(period, data)
    counts = {name: len(rows) for name, rows in data.items()}
    with transaction.atomic():
        export, _created = RegulatorExport.objects.update_or_create(period=period, defaults={
            "generated_at": timezone.now(), "generated_by": by, "mapping_version": MAPPING_VERSION,
            "sha256": hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
            "counts": counts})
        chain.append("regulator.exported", subject=export, by=by, organisation=None,
                     summary=f"生成 {period} 监管报送数据（映射版本 {MAPPING_VERSION}）："
                             + "，".join(f"{k} {v} 条" for k, v in counts.items()),
                     data={"period": period, "counts": counts, "sha256": export.sha256})
    return xlsx, export


def remind(today: date) -> list[str]:
    """Sweep: from the 1st of the month, remind the certificate administrators of last month's report
    until it is generated, once before and once after the due day (Reminder rows make it idempotent)."""
    period = (today.replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")
    if RegulatorExport.objects.filter(period=period).exists():
        return []
    due = due_date(period)
    kind = "regulator_export" if today <= due else "regulator_export_overdue"
    with transaction.atomic():
        if not remind_once(kind, f"period:{period}", due):
            return []
        send("regulator.report_due", period=period, due=due, state="请按时完成" if today <= due else "已逾期")
    return [period]
