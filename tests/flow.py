"""Test helpers that move organisations through the lifecycle — always through the actions."""

from __future__ import annotations

import functools
from contextlib import contextmanager, nullcontext
from datetime import UTC, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tancert.audits import actions as audits
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit, AuditTeamMember
from tancert.audits.programme import actions as programme_actions
from tancert.certificates import actions as certs
from tancert.clients import actions as clients
from tancert.people.creditcode import check_character
from tancert.scheme import rulebook


def _pdf() -> bytes:
    from pypdf import PdfWriter

    out = BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


# Real files: the upload gate parses PDFs and decodes images (tancert/records/uploads.py).
PDF = _pdf()
PNG = _png()
REVIEW_OK = {"described": True, "understands": True, "competent": True}
CONDITIONS_MET = {c: {"met": True, "evidence": f"evidence for {c}"} for c in ("C1", "C2", "C3", "C4")}


def code(seed: str) -> str:
    first = ("91" + seed).ljust(17, "0")[:17]
    return first + check_character(first)


def enrol_second_factor(user):
    """Set up a TOTP device for `user` the real way (the enrolment action with a valid code); returns it."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tancert.people.accounts.actions import enrol_second_factor as enrol
    from tancert.people.accounts.twofactor import new_secret

    existing = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if existing is not None:
        return existing
    key = new_secret()
    device, _codes = enrol(user, key=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}", by=user)
    return device


def otp_code(user) -> str:
    """The code `user`'s authenticator app would show now (one not used yet)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tancert.people.accounts.twofactor import current_code

    return current_code(TOTPDevice.objects.get(user=user, confirmed=True))


def second_factor(page, username: str) -> None:
    """After the password, a member of staff enters the code of the authenticator app (docs/security.md): the
    persona's device is set up through the enrolment action before, and the code is the one the app would
    show now. Clients are not asked."""
    from tancert.people.accounts.twofactor import needs_second_factor
    from tancert.people.models import User

    user = User.objects.get(username=username)
    if not needs_second_factor(user):
        return
    page.wait_for_url("**/accounts/verify/**")
    page.fill("input[name=otp]", otp_code(user))
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def prepare_second_factor(username: str) -> None:
    """Staff personas have their authenticator set up (the enrolment action) before they log in."""
    from tancert.people.accounts.twofactor import needs_second_factor
    from tancert.people.models import User

    user = User.objects.filter(username=username).first()
    if user is not None and needs_second_factor(user):
        enrol_second_factor(user)


def register(name: str, seed: str, username: str):
    return clients.sign_up_organisation(
        name=name, credit_code=code(seed), registered_address="北京市海淀区测试路1号", address="北京市海淀区测试路2号",
        username=username, password="test-pass-123", employees=120, technical_areas=["7"])


def complete_application(org, user, *, submit: bool = True, industry_code: int = 7, industry_requirement: str = "",
                         scope_levels: dict | None = None):
    # Industry 7 (chemicals, Appendix A): the team must cover it (R7.3.2) — qualify_team evaluates the lead.
    # scope_levels: {level: {"standard", "standard_name", "covers"}} beyond the organisation (R5.b–d); none by
    # default, an organisation-only CMS.
    app = clients.create_application(org, by=user, scope="化工产品生产相关的碳管理活动",
                                     cms_started_on=timezone.localdate() - relativedelta(months=6),
                                     industry_code=industry_code, industry_requirement=industry_requirement)
    if scope_levels:
        from tancert.clients.profile.actions import set_scope_levels

        set_scope_levels(app, by=user, levels=scope_levels)
    for meta in rulebook.APPLICATION_DOCUMENTS:
        clients.upload_document(app, meta.code, by=user, filename=f"{meta.code}.pdf", content=PDF,
                                document_date=timezone.localdate() if meta.dated else None)
    clients.give_commitment(app, by=user, signed_by="张三 总经理", signed_on=timezone.localdate())
    if submit:
        clients.submit_application(app, by=user, declarant="张三 总经理", declared=True)
    return app


def qualify_team(p):
    """Register entries that make the test team valid on audits from today on (R4, R7.3.2): lead,
    auditor and decider_who_audited are registered, experienced, CMS-evaluated, trained this year;
    the lead leads, holds the GHG manager qualification and covers areas 7 (the personas') and 1; the
    expert is evaluated for area 7. Idempotent: the first call does it, later calls nothing."""
    from tancert.people.auditors import actions as reg
    from tancert.people.models.auditors import CcaaRegistration, QualificationType

    if CcaaRegistration.objects.filter(user=p.lead).exists():
        return
    today = timezone.localdate()
    admin = p.sysadmin
    if not QualificationType.objects.filter(code="ghg-manager").exists():
        # Transactional tests flush the type seeded by migration people/0003: configure it again.
        reg.add_qualification_type(by=admin, code="ghg-manager", name_zh="温室气体管理师", name_en="GHG manager",
                                   is_ghg_manager=True)
    for i, person in enumerate((p.lead, p.auditor, p.decider_who_audited)):
        reg.add_registration(person, by=admin, grade="senior" if i == 0 else "auditor", number=f"2024-N1MS-00{i}",
                             valid_from=today - relativedelta(years=1), valid_to=today + relativedelta(years=4))
        reg.add_experience(person, by=admin, field="carbon", employer="某碳资产公司",
                           started_on=today - relativedelta(years=6))
        reg.add_competence(person, by=admin, kind="cms", evaluated_on=today, evidence="CMS 培训合格")
        reg.add_cpd(person, by=admin, year=today.year, content="年度继续教育", hours=24, completed_on=today)
        if (today - timedelta(days=2)).year != today.year:  # plan_initial's audits lie in the last two days
            reg.add_cpd(person, by=admin, year=today.year - 1, content="年度继续教育", hours=24,
                        completed_on=today - timedelta(days=2))
    for person, area, function in ((p.lead, 7, "auditor"), (p.lead, 1, "auditor"), (p.lead, 7, "team_leader"),
                                   (p.expert, 7, "technical_expert")):
        reg.add_competence(person, by=admin, kind="area", area=area, function=function, evaluated_on=today,
                           evidence="专业领域评价")
    reg.add_qualification(p.lead, by=admin, type="ghg-manager", issuer="中国质量认证中心", number="GHG-T-1",
                          valid_from=today - relativedelta(years=1), valid_to=today + relativedelta(years=4))


def train_team(p, year: int):
    """The test team's continuing education for another year (R4.CPD), e.g. for audits years ahead."""
    from tancert.people.auditors import actions as reg

    for person in (p.lead, p.auditor, p.decider_who_audited):
        reg.add_cpd(person, by=p.sysadmin, year=year, content="年度继续教育", hours=24,
                    completed_on=timezone.localdate())


def team(p):
    qualify_team(p)
    return [(p.lead, AuditTeamMember.LEADER), (p.auditor, AuditTeamMember.AUDITOR),
            (p.decider_who_audited, AuditTeamMember.AUDITOR), (p.expert, AuditTeamMember.EXPERT)]


def calculated_days(kind, *, application=None, certificate=None):
    """The calculated CMS audit time that plan_audit holds an audit of ``kind`` to (R7.3.3): it grows
    with the client and changes with the CMS's age, so tests ask instead of hard-coding it."""
    from tancert.clients.estimate import AUDIT_TYPE_OF_KIND, application_for, audit_time_for_application

    app = application_for(application, certificate)
    return audit_time_for_application(app, AUDIT_TYPE_OF_KIND[kind]).total_days


def fill_agenda(audit, by):
    """The agenda the page proposes, saved the real way (CB-audit-plan): issuing the plan needs one."""
    from tancert.audits.programme import agenda, plan_actions

    return plan_actions.set_agenda(audit, by=by, slots=agenda.proposed_agenda(audit))


def issue_plan(audit, p, **kwargs):
    """The programme manager sets the agenda and issues the audit plan (closing needs it, R7.3.1)."""
    fill_agenda(audit, p.planner)
    return programme_actions.issue_audit_plan(audit, by=p.planner, **kwargs)


def plan_initial(app, p, start=None):
    """Stage 1 and stage 2 planned with their audit plans issued. Without ``start`` the audits lie in the
    last two days (stage 2 ends today), so they can be closed today — their last planned day is reached."""
    first = start or timezone.localdate() - timedelta(days=2)
    s1 = programme_actions.plan_audit(app.organisation, by=p.planner, kind=Audit.STAGE1, start_date=first,
                           end_date=first, auditor_days=1.5, team=team(p), application=app)
    # 1.5 + 4 ≥ the calculated 5.5 auditor-days of a 120-person client whose CMS runs 6 months (R7.3.3); more when
    # the CMS covers further levels (R5.b–d).
    stage2_days = max(4, calculated_days(Audit.STAGE2, application=app) - Decimal("1.5"))
    s2 = programme_actions.plan_audit(app.organisation, by=p.planner, kind=Audit.STAGE2, start_date=first + timedelta(days=1),
                           end_date=first + timedelta(days=2), auditor_days=stage2_days, team=team(p), application=app)
    issue_plan(s1, p)
    issue_plan(s2, p)
    return s1, s2


@contextmanager
def clock(when):
    """Run actions as if it were ``when`` — waiting for the day, as the demo seed does (demo/seed.py)."""
    from datetime import datetime
    from unittest import mock

    start = datetime.now(tz=UTC)  # the real time, so that clocks nest
    offset = when - start
    with mock.patch("django.utils.timezone.now", lambda: start.__class__.now(start.tzinfo) + offset):
        yield


def closing_day(audit):
    """Wait until the audit's last planned day is reached (closing needs it): nothing to wait for when it
    has come already, else the clock moves to the day after the last planned day."""
    from datetime import datetime, time

    if timezone.localdate() >= audit.end_date:
        return nullcontext()
    return clock(timezone.make_aware(datetime.combine(audit.end_date + timedelta(days=1), time(10))))


def accept_and_contract(app, p):
    """Accepted, contract signed by the client and paid (and the test team qualified to plan)."""
    from tancert.clients.contracts import actions as contracts

    qualify_team(p)

    clients.accept_application(app, by=p.reviewer, review=REVIEW_OK)
    app.refresh_from_db()
    contracts.sign_contract(app.contract, by=app.organisation.users.first(), signer_name="张三 总经理")
    contracts.record_payment(app.contract, by=p.reviewer, amount=app.contract.total, reference="银行回单 001")


STAGE1_TEXTS = {
    "readiness": "体系已运行六个月，内审和管理评审已完成", "carbon_review": "按程序开展碳评审，识别了主要排放源",
    "baseline": "以 2024 年为碳基准年，边界与排放清单一致", "significant_sources": "回转窑燃料燃烧、熟料煅烧过程排放",
    "key_parameters": "熟料产量、煤耗、窑头温度", "performance_evaluation": "单位熟料排放强度与基准对比",
    "resources": "需建材行业技术专家一名", "stage2_arrangements": "第二阶段两天，首日生产现场，次日数据核查",
}


def fill_stage1(s1, by, **changes):
    """A complete stage 1 record: every submitted document reviewed, every field filled in."""
    from tancert.audits.stage1 import actions as stage1

    record = stage1.record_for(s1)
    reviews = {code: {"result": "adequate", "note": ""} for code in stage1.submitted_documents(s1)}
    return stage1.save_stage1_record(s1, by=by, version=record.version if record else 0, reviews=reviews,
                                     ready_for_stage2=True, **{**STAGE1_TEXTS, **changes})


def answer_checklist(audit, by, answers=None):
    """Answer every item of the audit's checklist as conforming, with a note as evidence."""
    from tancert.audits.checklists.actions import answer_items

    answer_items(audit, by=by, answers=answers or {"*": ("conforming", "查阅记录，现场观察，符合要求")})


def inventory_bytes(mutate=None) -> bytes:
    """The engine's worked example as the client's inventory (.json), optionally changed first."""
    import copy
    import json

    from tancert.ghg.example import example_dataset

    data = copy.deepcopy(example_dataset())
    if mutate:
        mutate(data)
    return json.dumps(data, ensure_ascii=False).encode()


def check_whole_sample(upload, by, *, discrepancy_row=None):
    """Check every sampled record against an invoice (R6.2-sampling), one row disagreeing if asked."""
    from tancert.audits.carbon import actions as carbon

    done = set(upload.checks.values_list("row", flat=True))
    for rec in upload.sample:
        if rec["row"] in done:
            continue
        bad = rec["row"] == discrepancy_row
        carbon.record_sample_check(upload, by=by, row=rec["row"], source_kind="invoice",
                                   reference=f"发票第 {rec['row']:04d} 号",
                                   value_found=(rec["quantity"] * 1.2 if bad else rec["quantity"]),
                                   result="discrepancy" if bad else "agrees")


def calibrated(data) -> None:
    """The worked example with every meter calibrated over the data (no blocking finding, R6.2-calibration)."""
    for meter in data.get("meters", []):
        meter["valid_until"] = "2030-12-31"


def verify_carbon(audit, by):
    """The carbon data verified inside the open audit (R6, R7.4.3), as the team does it on the carbon page:
    the inventory uploaded, the whole sample checked, each blocking data-quality finding confirmed as a
    minor nonconformity whose corrective action the client proposes and the team accepts, the figures
    frozen."""
    from tancert.audits.carbon import actions as carbon

    upload = carbon.upload_inventory(audit, by=by, filename="inventory.json", content=inventory_bytes(calibrated))
    check_whole_sample(upload, by)
    client = audit.organisation.users.first()
    for block in carbon.blocking_rules(upload):
        finding = carbon.confirm_data_finding(upload, by=by, rule=block["rule"], grade="minor")
        finding_actions.respond_to_finding(finding, by=client, correction="已校准并更新台账",
                                           root_cause="计量器具检定计划遗漏", corrective_action="纳入年度检定计划")
        finding_actions.review_finding_response(finding, by=by, outcome="accept")
    frozen = carbon.freeze_figures(audit, by=by)
    verify_levels(audit, by)
    return frozen


@functools.cache
def level_workbook(level: str) -> bytes:
    """The level engine's worked example (`tancert footprint|project|event template --example`) as the client's
    workbook for a product, project or event (activity) level."""
    import tempfile

    from tancert.events.template import write_template as event_template
    from tancert.footprint.template import write_template as footprint_template
    from tancert.projects.template import write_template as project_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{level}.xlsx"
        if level == "product":
            footprint_template(path, example_data=True)
        else:
            (project_template if level == "project" else event_template)(path, example=True)
        return path.read_bytes()


def verify_levels(audit, by):
    """Each scope level the application covers (R5.b–d) verified on the carbon page: the client's workbook
    uploaded, each blocking finding of its engine confirmed as a minor finding, the figures frozen by the team
    leader. Nothing for an organisation-only CMS."""
    from tancert.audits.carbon.levels import actions as levels

    for level in levels.covered_levels(audit):
        upload = levels.upload_level(audit, level, by=by, filename=f"{level}.xlsx", content=level_workbook(level))
        for block in [b for b in upload.findings if b["severity"] == "blocking"]:
            answer = levels.confirm_level_finding(upload, by=by, rule=block["key"], grade="minor")
            finding_actions.respond_to_finding(answer.finding, by=audit.organisation.users.first(),
                                               correction="已更正数据", root_cause="数据收集遗漏",
                                               corrective_action="完善数据收集程序")
            finding_actions.review_finding_response(answer.finding, by=by, outcome="accept")
        levels.freeze_level(audit, level, by=audit.leader())


def sign_report(audit, by=None):
    """The team leader signs the audit report (R7.5.1): the current version the decision rests on."""
    from tancert.audits.report import actions as report

    return report.sign_report(audit, by=by or audit.leader(), objectives="确认碳管理体系符合 T/CCAA 39-2022",
                              evaluation="碳管理体系在提升碳绩效方面发挥作用", recommendation=audit.recommendation
                              or Audit.RECOMMEND)


def close(audit, by, *, conclusion="符合", recommendation=Audit.RECOMMEND):
    """Fill what closing needs (stage 1 record, or checklist and the verified carbon data), close the audit
    and sign its report — the way the team leader does it."""
    from tancert.audits.models import AuditPlanDocument

    if audit.kind == Audit.STAGE1:
        fill_stage1(audit, by)
    else:
        answer_checklist(audit, by)
        if audit.kind in (Audit.STAGE2, Audit.SURVEILLANCE, Audit.RECERTIFICATION):
            verify_carbon(audit, by)
    from tancert.audits.findings import forward

    for row in forward.forward_rows(audit):  # the earlier audits' nonconformities re-checked (R8.1.3-F5)
        if row["recheck"] is None and not row["open"]:
            forward.recheck_finding(audit, row["finding"], by=by, effective=True, note="纠正措施已实施，复查有效")
    if not AuditPlanDocument.objects.filter(audit=audit).exists():
        fill_agenda(audit, by)  # the team leader may set the agenda and issue the plan too
        programme_actions.issue_audit_plan(audit, by=by)
    with closing_day(audit):
        audits.complete_audit(audit, by=by, conclusion=conclusion, recommendation=recommendation)
        audit.refresh_from_db()
        sign_report(audit, by)


def through_audits(app, p, *, major: bool = False, start=None):
    """Accepted → stage 1 done → stage 2 done with its carbon data verified (optionally with an unverified
    major NC), both reports signed.

    `start` moves the audits (the same test team cannot be booked on two clients the same days)."""
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p, start)
    fill_stage1(s1, p.lead)
    with closing_day(s1):
        audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation=Audit.RECOMMEND)
        s1.refresh_from_db()
        sign_report(s1, p.lead)
    answer_checklist(s2, p.lead)
    if major:
        finding_actions.raise_finding(s2, by=p.auditor, grade="major", clause="6.5", description="碳基准未调整",
                                      evidence="碳基准报告 v1")
    verify_carbon(s2, p.lead)
    with closing_day(s2):
        audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
        s2.refresh_from_db()
        sign_report(s2, p.lead)
    return s2


def certify(app, p, start=None):
    s2 = through_audits(app, p, start=start)
    decision = certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    return certs.issue_certificate(decision, by=p.certadmin)


def pdf_text_streams(pdf: bytes) -> bytes:
    """All streams of a PDF, inflated where compressed — to look for XMP metadata and fonts."""
    import re
    import zlib

    out = [pdf]
    for m in re.finditer(rb"stream\r?\n", pdf):
        start = m.end()
        end = pdf.find(b"endstream", start)
        try:
            out.append(zlib.decompressobj().decompress(pdf[start:end]))
        except zlib.error:
            continue
    return b"\n".join(out)


def change_certificate(cert, p, changes: dict, reason: str = "变更，经审查"):
    """A change the real way (R9.4): the holder requests it, the certificate administrator reviews it and the
    independent decision maker approves it; returns the changed certificate."""
    from tancert.certificates import changes as cert_changes

    holder = cert.organisation.users.first()
    req = cert_changes.request_change(cert, by=holder, changes=changes, reason=reason)
    cert_changes.review_change(req, by=p.certadmin, approve=True, note="已审查变更证据")
    cert_changes.decide_change(req, by=p.decider, approve=True, note="同意变更")
    cert.refresh_from_db()
    return cert


def transferred_in(p, n: int, *, expires_on=None):
    """A granting decision without audits here, the cheapest real path to a certificate: organisation number
    `n` (registered here) holds a valid certificate of another body; the certificate administrator reviews the
    transfer and a decision maker accepts it (RT). The certificate keeps the other body's expiry, `expires_on`
    (default two years from today); the caller issues it."""
    from tancert.certificates.transfer import actions as transfer

    today = timezone.localdate()
    org, _user = register(f"转入测试{n}有限公司", f"110108TR{n:04d}", f"transfer-{n}")
    review = transfer.review_transfer(
        org, by=p.certadmin, previous_body="某认证有限公司", previous_number=f"ABC24CMS{n:04d}R0",
        previous_status="valid", previous_issue_date=today - relativedelta(years=1),
        previous_expiry_date=expires_on or today + relativedelta(years=2), stage="s1",
        scope="化工产品生产相关的碳管理活动", authenticity="国家认监委认证信息查询系统核验有效", reason="原机构服务网点撤销",
        reports="初次认证审核报告、第一次监督审核报告")
    return transfer.decide_transfer(review, by=p.decider, accept=True, reason="评审充分，证书有效")
