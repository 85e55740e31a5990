"""Demo data: organisations at every stage, one login per role — all made through the actions,
so the demo's records are as real as production ones.

The older organisations' histories are played at their real past dates by moving the
clock (only here, in the demo), oldest first, so the record chain stays in time order.
"""

from __future__ import annotations

from base64 import b32decode
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from unittest import mock

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django_otp.oath import TOTP

from tancert.audits import actions as audits
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit, AuditTeamMember, Finding
from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme import agenda, plan_actions
from tancert.certificates import actions as certs
from tancert.clients import actions as clients
from tancert.clients.contracts import actions as contracts
from tancert.clients.profile import actions as profile
from tancert.clients.profile.actions import set_scope_levels
from tancert.demo import audits as demo_audit
from tancert.demo.carbon import seed_inventory, verify_carbon
from tancert.demo.certificates import seed_lifecycle  # English version, a change under review
from tancert.people.accounts.actions import enrol_second_factor
from tancert.people.accounts.twofactor import has_device
from tancert.people.actions import create_staff_user
from tancert.people.auditors import actions as register
from tancert.people.creditcode import check_character
from tancert.people.models import Role, User
from tancert.people.models.auditors import CpdRecord
from tancert.scheme import industry, rulebook

DEMO_PASSWORD = "tancert-demo"
# The demo's staff log in with a second factor like everyone's staff (docs/security.md), with one known secret so a
# visitor can add it to an authenticator app (printed by `tancert demo`) or ask `tancert otp-code` for the code.
# Published here, so only ever in the demo.
DEMO_OTP_SECRET = "TANCERTDEMOTOTPSECRETFORDEMOONLY"
STAFF = [
    ("admin", "系统管理员 王磊", [Role.SYSTEM_ADMIN]),
    ("reviewer", "申请评审员 李静", [Role.APPLICATION_REVIEWER]),
    ("planner", "方案管理员 张伟", [Role.PROGRAMME_MANAGER]),
    ("lead", "审核组长 陈晨", [Role.AUDITOR]),
    ("auditor", "审核员 刘洋", [Role.AUDITOR]),
    ("expert", "技术专家 赵敏", [Role.TECHNICAL_EXPERT]),
    ("decider", "认证决定人员 孙强", [Role.DECISION_MAKER]),
    ("certadmin", "证书管理员 周婷", [Role.CERTIFICATE_ADMIN]),
]


def _sample_pdf() -> bytes:
    """A blank A4 page written by pypdf: small, and a real PDF (the upload gate parses every PDF)."""
    from io import BytesIO

    from pypdf import PdfWriter

    out, writer = BytesIO(), PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


SAMPLE_PDF = _sample_pdf()
CONDITIONS_MET = {c: {"met": True, "evidence": e} for c, e in (
    ("C1", "查阅排污许可、能耗双控及碳排放相关合规评价记录，未发现违规"),
    ("C2", "暂无适用的行业认证要求"),
    ("C3", "碳排放强度较基准年下降，碳管理措施计划按期实施"),
    ("C4", "经查询信用中国及生态环境部门公开信息，审核期间未受行政处罚"),
)}


@contextmanager
def clock(when: datetime):
    """Run actions as if it were `when` (demo only)."""
    start = datetime.now(tz=UTC)  # the real time, so that clocks nest
    offset = when - start
    with mock.patch("django.utils.timezone.now", lambda: start.__class__.now(start.tzinfo) + offset):
        yield


def _closing_day(audit):
    """An audit closes from its last planned day on: wait for it when the demo's clock is earlier."""
    from contextlib import nullcontext

    if timezone.localdate() >= audit.end_date:
        return nullcontext()
    return clock(at(audit.end_date + timedelta(days=1)))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def credit_code(seed: str) -> str:
    first17 = ("91" + seed).ljust(17, "0")[:17]
    return first17 + check_character(first17)


def _staff() -> dict[str, User]:
    users = {}
    for username, name, roles in STAFF:
        users[username] = User.objects.filter(username=username).first() or create_staff_user(
            username, DEMO_PASSWORD, roles=roles, by=None, display_name=name, password_policy=False)
        if not has_device(users[username]):
            enrol_second_factor(users[username], key=demo_otp_key(), code=demo_otp_code(), by=users[username])
    return users


def demo_otp_key() -> str:
    """The demo secret as django-otp stores it (hex)."""
    return b32decode(DEMO_OTP_SECRET).hex()


def demo_otp_code() -> str:
    """The code an authenticator app with the demo secret shows now."""
    return f"{TOTP(b32decode(DEMO_OTP_SECRET)).token():06d}"


def _register(name, seed, area, username, employees=300):
    org, user = clients.sign_up_organisation(
        name=name, credit_code=credit_code(seed), registered_address=f"{name[:2]}市高新区创新路{len(name)}号",
        address=f"{name[:2]}市经济开发区{len(name) * 7}号", username=username, password=DEMO_PASSWORD,
        email=f"{username}@example.cn", contact_name=f"{name[:2]}联系人", contact_phone="010-88886666",
        legal_representative="法定代表人", employees=employees, technical_areas=[str(area)])
    return org, user


def _profile(org, user, app, *, market_years: int = 0, enms: bool = False):
    """The structured data a real client enters: site, certifications, carbon-market years, baseline, targets."""
    profile.add_site(org, by=user, name="主厂区", address=org.address)
    if enms:
        profile.add_held_certification(org, by=user, standard="EnMS", number=f"04524E{org.pk:05d}",
                                       issuer="某能源管理体系认证机构", valid_until=timezone.localdate() + relativedelta(years=2))
    this_year = timezone.localdate().year
    for year in range(this_year - market_years, this_year):
        profile.add_carbon_market_year(org, by=user, year=year, market="全国碳排放权交易市场", verified=True,
                                       verifier="某第三方核查机构")
    base = this_year - 3
    profile.update_application(app, by=user, base_year=base, baseline_emissions=Decimal(org.employees * 95))
    profile.add_target(app, by=user, indicator="单位产品碳排放强度", kind="intensity", unit="tCO2e/t",
                       baseline_value="1.250", target_value="1.125", target_year=this_year + 2)
    profile.add_action_plan(app, by=user, title="空压机变频改造及余热回收", responsible="能源管理部",
                            due=timezone.localdate() + relativedelta(months=9), expected_reduction="850")


DEMO_REQUIREMENTS = {1: "企业温室气体排放核算方法与报告指南 发电设施", 7: "GB/T 32151.10", 10: "GB/T 32151.8"}


def _apply(org, user, scope, started: date, submit=True, levels=None, **profile_kw):
    # The industry (Appendix A) is the area the organisation signed up with; the team covers it (R7.3.2). The
    # power, chemical and cement companies also name their industry accounting guideline as requirement (R3).
    area = int(org.technical_areas[0])
    wanted = DEMO_REQUIREMENTS.get(area, "")
    requirement = next((g for g in industry.for_area(area) if g.startswith(wanted)), "") if wanted else ""
    app = clients.create_application(org, by=user, scope=scope, cms_started_on=started, industry_code=area,
                                     industry_requirement=requirement)
    _profile(org, user, app, **profile_kw)
    if levels:  # the levels beyond the organisation its CMS covers (R5.b–d, docs/scope-levels.md)
        set_scope_levels(app, by=user, levels=levels)
    for meta in rulebook.APPLICATION_DOCUMENTS:
        if meta.code == "D4" and org.employees < 100:
            clients.mark_document_not_applicable(app, meta.code, by=user, reason="本组织无需额外行政许可")
            continue
        clients.upload_document(app, meta.code, by=user, filename=f"{meta.code}-{meta.name_zh[:20]}.pdf",
                                content=SAMPLE_PDF, document_date=timezone.localdate() if meta.dated else None)
    clients.give_commitment(app, by=user, signed_by="法定代表人", signed_on=timezone.localdate())
    if submit:
        clients.submit_application(app, by=user, declarant="法定代表人", declared=True)
    return app


REVIEW_OK = {"described": True, "understands": True, "competent": True}


def _accept_and_contract(app, user, staff, *, pay: bool = True):
    clients.accept_application(app, by=staff["reviewer"], review=REVIEW_OK, reason="资料齐全，具备认证能力")
    app.refresh_from_db()
    contracts.sign_contract(app.contract, by=user, signer_name="法定代表人")
    if pay:
        contracts.record_payment(app.contract, by=staff["reviewer"], amount=app.contract.total,
                                 reference=f"银行回单 {app.pk:04d}")


def _through_stage2(org, user, app, staff, day: date, *, major: bool = False, close: bool = True):
    """Acceptance → stage 1 → stage 2 (optionally with a major NC left open)."""
    _accept_and_contract(app, user, staff)
    _auditor_cpd_so_far(staff)  # the team check wants this year's training before planning (R4.CPD)
    team = [(staff["lead"], AuditTeamMember.LEADER), (staff["auditor"], AuditTeamMember.AUDITOR),
            (staff["expert"], AuditTeamMember.EXPERT)]
    s1 = programme_actions.plan_audit(org, by=staff["planner"], kind=Audit.STAGE1, start_date=day + timedelta(days=7),
                           end_date=day + timedelta(days=7), auditor_days=1.5, team=team, application=app)
    # Stage 2 takes the rest of the calculated audit time (R7.3.3); two auditors share it day by day.
    days2 = max(Decimal(3), app.contract.auditor_days - Decimal("1.5"))
    span = max(2, int((days2 / 2).to_integral_value(rounding=ROUND_CEILING)))
    s2 = programme_actions.plan_audit(org, by=staff["planner"], kind=Audit.STAGE2, start_date=day + timedelta(days=30),
                           end_date=day + timedelta(days=29 + span), auditor_days=days2, team=team,
                           application=app)
    for audit in (s1, s2):  # closing needs the issued audit plan (R7.3.1), the plan its agenda (CB-audit-plan)
        plan_actions.set_agenda(audit, by=staff["planner"], slots=agenda.proposed_agenda(audit))
        programme_actions.issue_audit_plan(audit, by=staff["planner"])
    demo_audit.fill_stage1(s1, staff["lead"])
    with _closing_day(s1):
        audits.complete_audit(s1, by=staff["lead"], conclusion="碳评审和碳基准建立基本充分，具备第二阶段审核条件",
                              recommendation=Audit.RECOMMEND)
        s1.refresh_from_db()
        demo_audit.sign_report(s1, staff["lead"])
    items = demo_audit.fill_checklist(s2, staff["lead"], staff["auditor"], leave_open=("6.5", "6.6"))
    finding_actions.raise_finding(s2, by=staff["auditor"], grade=Finding.MINOR, clause="6.6", item=items["6.6"],
                         description="部分天然气流量计未纳入计量器具检定计划",
                         evidence="计量器具台账第12页：FT-203 无检定记录", due_date=day + timedelta(days=60))
    if major:
        finding_actions.raise_finding(s2, by=staff["lead"], grade=Finding.MAJOR, clause="6.5", item=items["6.5"],
                             description="碳基准未随 2025 年新增生产线调整，碳绩效评价失真",
                             evidence="碳基准报告 v1.0 与 2025 年生产报表对比", due_date=day + timedelta(days=90))
    else:
        demo_audit.answer_open(s2, staff["lead"], "6.5")
    for code in ("6.5", "6.6"):
        demo_audit.note(s2, staff["auditor"], code)
    if close:
        minor = s2.findings.get(grade=Finding.MINOR)
        finding_actions.respond_to_finding(minor, by=user, correction="已将 FT-203 送检", root_cause="台账更新遗漏",
                                  corrective_action="修订计量器具管理程序，每季度核对台账", evidence="检定证书编号 JD-2026-118")
        finding_actions.review_finding_response(minor, by=staff["auditor"], outcome="accept")
        verify_carbon(s2, user, staff["auditor"], staff["lead"])
        with _closing_day(s2):
            audits.complete_audit(s2, by=staff["lead"], conclusion="碳管理体系符合 T/CCAA 39-2022 要求，运行有效",
                                  recommendation=Audit.RECOMMEND)
            s2.refresh_from_db()
            demo_audit.sign_report(s2, staff["lead"])
    return s2


def _certify(org, user, app, staff, day):
    s2 = _through_stage2(org, user, app, staff, day)
    decision = certs.decide(s2, by=staff["decider"], outcome="grant", conditions=CONDITIONS_MET,
                            reason="满足认证决定条件")
    return certs.issue_certificate(decision, by=staff["certadmin"])


def seed() -> None:
    if User.objects.filter(username="admin").exists():
        return
    today = timezone.localdate()
    old = today - relativedelta(years=3, months=2)
    with clock(at(old - timedelta(days=30))):
        staff = _staff()
        _auditor_register(staff, old)
    # Expired: certified three years and two months ago, never renewed.
    with clock(at(old)):
        org, user = _register("旧城纺织有限公司", "330100MA2B0001", 17, "textile")
        app = _apply(org, user, "纺织品印染加工及相关碳管理活动", old - relativedelta(months=6))
    with clock(at(old + timedelta(days=40))):
        _certify(org, user, app, staff, old)
    # Suspended: certified last year, suspended for a penalty (T3).
    year_ago = today - relativedelta(years=1)
    with clock(at(year_ago)):
        org, user = _register("远洋物流有限公司", "310115MA1C0002", 2, "logistics")
        app = _apply(org, user, "道路货物运输及仓储服务相关的碳管理活动", year_ago - relativedelta(months=8))
    with clock(at(year_ago + timedelta(days=40))):
        cert = _certify(org, user, app, staff, year_ago)
    with clock(at(today - timedelta(days=10))):
        certs.suspend_certificate(cert, by=staff["decider"], trigger="T3",
                                  reason="2026 年 10 月因车辆尾气排放超标被生态环境部门处罚",
                                  respond_by=today + timedelta(days=80))
    # Certified, valid.
    half = today - relativedelta(months=5)
    with clock(at(half)):
        org, user = _register("蓝天化工有限公司", "370600MA3D0003", 7, "chemical", employees=850)
        app = _apply(org, user, "基础化学原料（合成氨、甲醇）生产相关的碳管理活动", half - relativedelta(months=10),
                     market_years=3, enms=True)
    with clock(at(half + timedelta(days=40))):
        _certify(org, user, app, staff, half)
    chemical = org
    # Audited, open findings (major NC awaiting the client's answer).
    recent = today - relativedelta(months=2)
    with clock(at(recent)):
        org, user = _register("东方水泥集团有限公司", "340200MA4E0004", 10, "cement", employees=1200)
        app = _apply(org, user, "通用硅酸盐水泥熟料及水泥生产相关的碳管理活动", recent - relativedelta(months=12))
    with clock(at(recent + timedelta(days=10))):  # stage 1 (a week after acceptance) is over
        s2 = _through_stage2(org, user, app, staff, recent, major=True, close=False)
        seed_inventory(s2, user, staff["auditor"])  # inventory uploaded, sample partly checked
    # Accepted, waiting for planning.
    with clock(at(today - timedelta(days=5))):
        org, user = _register("江南精密机械股份有限公司", "320500MA5F0005", 12, "machinery", employees=460)
        app = _apply(org, user, "精密数控机床零部件设计和制造相关的碳管理活动", today - relativedelta(months=7),
                     levels={"product": {"standard": "gbt24067", "covers": ["数控车床主轴箱", "精密滚珠丝杠副"]}})
        _accept_and_contract(app, user, staff)
    # Applied: submitted, under review.
    org, user = _register("华北绿能电力有限公司", "130100MA6G0006", 1, "power", employees=220)
    power = org
    _apply(org, user, "燃气热电联产（发电、供热）相关的碳管理活动", today - relativedelta(months=9), market_years=3,
           levels={"project": {"standard": "iso14064-2", "covers": ["厂区屋顶分布式光伏项目"]}})
    # Just registered, draft application.
    org, user = _register("新苗食品有限公司", "440300MA7H0007", 14, "food", employees=80)
    _apply(org, user, "烘焙食品生产相关的碳管理活动", today - relativedelta(months=4), submit=False)
    certs.expire_certificates()
    _auditor_cpd_and_conflicts(staff, old, power)
    # The certified client's audit programme: stage 1 and 2 done, surveillance windows ahead (R8.1-programme).

    programme_actions.build_programme(chemical, by=staff["planner"])

    seed_lifecycle()


# The demo organisations' technical areas (Appendix A): who may audit what.
DEMO_AREAS = (1, 7, 10, 17, 2, 12, 14)


def _auditor_register(staff, old: date) -> None:
    """The staff auditors' register (R4, R7.3.2), entered by the administrator when they join."""
    admin, lead, auditor, expert = staff["admin"], staff["lead"], staff["auditor"], staff["expert"]
    evaluated = old - timedelta(days=40)
    for person, grade, number in ((lead, "senior", "2021-N1MS-1234567"), (auditor, "auditor", "2021-N1MS-2345678")):
        # A renewal chain: the first registration and its renewal, covering every demo audit.
        first_to = old + relativedelta(years=1, days=-1)
        register.add_registration(person, by=admin, grade=grade, number=number,
                                  valid_from=old - relativedelta(years=2), valid_to=first_to)
        register.add_registration(person, by=admin, grade=grade, number=number.replace("2021", "2024"),
                                  valid_from=first_to + timedelta(days=1), valid_to=first_to + relativedelta(years=3))
        register.add_experience(person, by=admin, field="energy", employer="某省节能监察中心",
                                started_on=old - relativedelta(years=9), ended_on=old - relativedelta(years=3),
                                description="重点用能单位能源审计及能源管理体系建设")
        register.add_competence(person, by=admin, kind="cms", evaluated_on=evaluated, evaluator="技术委员会",
                                evidence="T/CCAA 39-2022 内审员培训合格，见习审核 3 次")
    register.add_experience(expert, by=admin, field="carbon", employer="某碳资产管理有限公司",
                            started_on=old - relativedelta(years=6), description="碳排放核算与核查、碳资产管理")
    register.add_qualification(lead, by=admin, type="ghg-manager", issuer="中国质量认证中心", number="GHG-2022-0815",
                               valid_from=old - relativedelta(years=1), valid_to=old + relativedelta(years=6))
    competences = [(lead, area, f) for area in DEMO_AREAS for f in ("auditor", "team_leader")]
    competences += [(auditor, area, "auditor") for area in (7, 10, 17, 2)]
    competences += [(expert, area, "technical_expert") for area in (1, 12, 14, 10)]
    for person, area, function in competences:
        register.add_competence(person, by=admin, kind="area", area=area, function=function, evaluated_on=evaluated,
                                evaluator="技术委员会", evidence="专业领域工作经历及见证审核记录")


def _auditor_cpd_so_far(staff) -> None:
    """The auditors' completed training of every year up to the (demo clock's) current one."""
    today = timezone.localdate()
    for year in range(today.year - 4, today.year + 1):
        for person in (staff["lead"], staff["auditor"]):
            if not CpdRecord.objects.filter(user=person, year=year).exists():
                register.add_cpd(person, by=staff["admin"], year=year, content=CPD_CONTENT % {"year": year},
                                 hours=24, completed_on=min(date(year, 6, 15), today))


CPD_CONTENT = "%(year)s 年度：T/CCAA 39-2022 标准理解、碳排放核算方法及行业动态"


def _auditor_cpd_and_conflicts(staff, old: date, power) -> None:
    """Each year's continuing education (the expert has not finished this year's: a dashboard warning)
    and one conflict-of-interest declaration (the auditor consulted for the power company)."""
    admin = staff["admin"]
    today = timezone.localdate()
    for year in range(old.year, today.year + 1):
        register.set_cpd_plan(by=admin, year=year, content=f"{year} 年度：T/CCAA 39-2022 标准理解、碳排放核算方法及行业动态")
        done = min(date(year, 6, 15), today)
        for person in (staff["lead"], staff["auditor"], staff["expert"]):
            if person.cpd_records.filter(year=year).exists():
                continue  # entered before an audit was planned (_auditor_cpd_so_far)
            if person is staff["expert"] and year == today.year:
                register.add_cpd(person, by=admin, year=year)  # planned, not yet attended
            else:
                register.add_cpd(person, by=admin, year=year, hours=24, completed_on=done)
    register.declare_conflict(staff["auditor"], by=staff["auditor"], kind="consulted", organisation=power,
                              started_on=today - relativedelta(years=2), ended_on=today - relativedelta(months=8),
                              note="曾为该公司提供碳排放核算咨询服务")


LOGINS = [(u, n) for u, n, _r in STAFF] + [
    ("power", "华北绿能电力（已申请，评审中）"), ("machinery", "江南精密机械（已受理）"),
    ("cement", "东方水泥（已审核，有未关闭的严重不符合）"), ("chemical", "蓝天化工（已获证）"),
    ("logistics", "远洋物流（证书暂停）"), ("textile", "旧城纺织（证书过期）"), ("food", "新苗食品（申请草稿）"),
]
