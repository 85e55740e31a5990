"""Planning through the database actions: the programme (windows, extra surveillance, replanning with
history), the full team check in plan_audit and at confirmation, the off-site conditions and the
audit plan PDF — each bad-input refusal with its key, nothing saved half."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tancert.audits.models import Audit, AuditProgramme, AuditTeamMember, ProgrammeEntry
from tancert.audits.programme import actions as programme_actions
from tancert.people.auditors import actions as reg
from tancert.records.models import Event

from flow import (
    accept_and_contract,
    certify,
    close,
    complete_application,
    fill_agenda,
    pdf_text_streams,
    qualify_team,
    team,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _plan(p, app, *, start=None, end=None, days=1, members=None, kind=Audit.STAGE1, **kw):
    start = start or today() + timedelta(days=10)
    return programme_actions.plan_audit(app.organisation, by=p.planner, kind=kind, start_date=start, end_date=end or start,
                              auditor_days=days, team=members if members is not None else team(p), application=app,
                              **kw)


def _nothing_saved(app, events_before):
    assert not app.audits.exists() and not AuditTeamMember.objects.exists()
    assert Event.objects.count() == events_before


def test_team_without_a_ghg_manager_is_refused(p, accepted, rule):
    before = Event.objects.count()
    # auditor leads nothing: lead is the only GHG manager; a team of auditor + decider2 has none.
    reg.add_competence(p.auditor, by=p.sysadmin, kind="area", area=7, function="team_leader", evaluated_on=today(),
                       evidence="评价")
    before = Event.objects.count()
    with rule("R7.3.2", field="team") as info:
        _plan(p, accepted, members=[(p.auditor, "leader"), (p.decider_who_audited, "auditor"), (p.expert,
                                                                                               "technical_expert")])
    assert "GHG" in info.value.message_en
    _nothing_saved(accepted, before)


def test_the_team_must_cover_the_industry_of_the_application(p, rule):
    """R7.3.2: the technical area comes from the application's Appendix A industry code (10, cement), which
    nobody on the test team is evaluated for; an expert evaluated for it makes the team whole."""
    app = complete_application(p.org_b, p.client_b, industry_code=10)
    accept_and_contract(app, p)
    before = Event.objects.count()
    with rule("R7.3.2", field="team") as info:
        _plan(p, app)
    assert "technical area 10" in info.value.message_en
    _nothing_saved(app, before)
    reg.add_competence(p.expert, by=p.sysadmin, kind="area", area=10, function="technical_expert",
                       evaluated_on=today(), evidence="水泥行业专业评价")
    assert _plan(p, app).organisation == p.org_b


def test_leader_whose_registration_expires_mid_audit_is_refused(p, accepted, rule):
    qualify_team(p)
    # Someone else holds a GHG qualification beyond the lead's registration, so only R4.A1 remains.
    reg.add_qualification(p.auditor, by=p.sysadmin, type="ghg-manager", issuer="中国质量认证中心", number="G-2",
                          valid_from=today(), valid_to=today() + relativedelta(years=6))
    start = today() + relativedelta(years=4) - timedelta(days=1)  # registration ends today + 4 years
    before = Event.objects.count()
    with rule("R4.A1", field="team") as info:
        _plan(p, accepted, start=start, end=start + timedelta(days=2), days=1)
    assert "lead" in info.value.message_en
    _nothing_saved(accepted, before)


def test_auditor_who_consulted_for_the_client_18_months_ago_is_refused(p, accepted, rule):
    reg.declare_conflict(p.auditor, by=p.auditor, kind="consulted", organisation=p.org_a,
                         started_on=today() - relativedelta(years=3), ended_on=today() - relativedelta(months=18))
    before = Event.objects.count()
    with rule("R7.3.2", field="team") as info:
        _plan(p, accepted)
    assert "auditor" in info.value.message_en and "impartiality" in info.value.message_en
    _nothing_saved(accepted, before)


def test_auditor_booked_on_two_audits_the_same_day_is_refused(p, accepted, rule):
    other = complete_application(p.org_b, p.client_b)
    accept_and_contract(other, p)
    day = today() + timedelta(days=20)
    _plan(p, other, start=day)
    with rule("R7.3.2", field="team") as info:
        _plan(p, accepted, start=day)
    assert "booked elsewhere" in info.value.message_en
    assert not accepted.audits.exists()


def test_stage1_and_stage2_of_one_client_on_the_same_day_are_not_a_double_booking(p, accepted):
    day = today() + timedelta(days=20)
    _plan(p, accepted, start=day)
    s2 = _plan(p, accepted, start=day, end=day + timedelta(days=1), days=4.5, kind=Audit.STAGE2)
    assert s2.pk


def test_team_auditor_days_below_the_audit_time_are_refused(p, accepted, rule):
    # One auditor on one day gives 1 auditor-day; the expert's time does not count (IAF MD5).
    with rule("R7.3.3", field="team"):
        _plan(p, accepted, days=2, members=[(p.lead, "leader"), (p.expert, "technical_expert")])


def test_combined_audit_below_80_percent_is_refused_through_the_estimate(p, accepted, rule):
    from dataclasses import replace
    from decimal import Decimal

    from tancert.clients.estimate import profile_for_application
    from tancert.planning.audittime import OtherSystem, calculate

    combined = replace(profile_for_application(accepted), other_systems=(OtherSystem("ISO 14001", Decimal(6)),),
                       proposed_combined_days=Decimal(1))
    with rule("R10-time"):
        calculate(combined)


def test_negative_employee_count_is_refused_by_the_audit_time_api(p, client, rule):
    client.force_login(p.planner)
    r = client.post("/api/v1/planning/audit-time", {"audit_type": "initial", "employees": -5},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.3.1" and r.json()["field"] == "employees"


def test_surveillance_13_months_after_the_last_one_is_refused(p, rule):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    s1_day = today() + relativedelta(months=10)
    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=s1_day, end_date=s1_day,
                            auditor_days=2.5, team=team(p), certificate=cert)
    late = s1_day + relativedelta(months=13)
    with rule("R8.1.1-interval", field="end_date"):
        programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=late, end_date=late,
                           auditor_days=2.5, team=team(p), certificate=cert)
    assert cert.audits.filter(kind=Audit.SURVEILLANCE).get() == s1


def test_programme_windows_link_and_window_check(p, rule):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    entries = {(e.kind, e.sequence): e for e in prog.current_entries()}
    assert set(entries) == {("stage1", 0), ("stage2", 0), ("surveillance", 1), ("surveillance", 2),
                            ("recertification", 0)}
    assert entries[("stage1", 0)].audit.kind == "stage1" and entries[("stage2", 0)].audit.kind == "stage2"
    s1 = entries[("surveillance", 1)]
    decided = timezone.localdate(cert.decision.decided_at)
    assert s1.latest == min(decided, cert.issue_date) + relativedelta(months=12)
    assert entries[("recertification", 0)].latest == cert.expiry_date - timedelta(days=1)
    # Building again changes nothing (idempotent): no new version, no new event.
    n = Event.objects.count()
    programme_actions.build_programme(p.org_a, by=p.planner)
    assert Event.objects.count() == n and prog.entries.count() == 5
    # A surveillance before its window opens is refused with the programme's key.
    early = s1.earliest - timedelta(days=5)
    with rule("R8.1.1-interval", field="start_date"):
        programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=early, end_date=early,
                           auditor_days=2.5, team=team(p), certificate=cert)
    audit = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=s1.earliest,
                               end_date=s1.earliest, auditor_days=2.5, team=team(p), certificate=cert)
    s1.refresh_from_db()
    assert s1.audit == audit


def test_replanning_keeps_history_and_refuses_beyond_twelve_months(p, rule):
    app = complete_application(p.org_a, p.client_a)
    certify(app, p)
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    s1 = prog.current_entries().get(kind="surveillance", sequence=1)
    with rule("R8.1.1-interval", field="end_date"):
        programme_actions.replan_entry(s1, by=p.planner, earliest=s1.earliest, latest=s1.latest + timedelta(days=31),
                                       reason="客户要求推迟")
    with rule("R8.1-programme", field="reason"):
        programme_actions.replan_entry(s1, by=p.planner, earliest=s1.earliest, latest=s1.latest, reason=" ")
    new = programme_actions.replan_entry(s1, by=p.planner, earliest=s1.earliest + timedelta(days=10),
                                         latest=s1.latest - timedelta(days=20), reason="客户生产淡季")
    s1.refresh_from_db()
    assert s1.superseded_by == new and new.version == 2 and (s1.earliest, s1.latest) != (new.earliest, new.latest)
    assert prog.current_entries().filter(kind="surveillance", sequence=1).get() == new
    assert Event.objects.filter(action="programme.entry_replanned").count() == 1
    with rule("R8.1-programme", field="entry"):
        programme_actions.replan_entry(s1, by=p.planner, earliest=s1.earliest, latest=s1.latest, reason="again")


def test_extra_surveillance_needs_a_reason(p, rule):
    app = complete_application(p.org_a, p.client_a)
    certify(app, p)
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    with rule("R8.1.1-extra", field="reason"):
        programme_actions.add_extra_surveillance(prog, by=p.planner, reason_kind="major_change", reason="",
                                                 start=today())
    with rule("R8.1.1-extra", field="reason_kind"):
        programme_actions.add_extra_surveillance(prog, by=p.planner, reason_kind="whim", reason="x", start=today())
    e = programme_actions.add_extra_surveillance(prog, by=p.planner, reason_kind="major_incident",
                                                 reason="锅炉爆管停产", start=today())
    assert e.kind == ProgrammeEntry.EXTRA and e.latest == today() + timedelta(days=60) and e.reason == "锅炉爆管停产"
    assert "锅炉爆管停产" in Event.objects.get(action="programme.extra_surveillance_added").summary


def test_programme_needs_an_accepted_application_or_a_certificate(p, rule):
    complete_application(p.org_a, p.client_a)
    with rule("R8.1-programme"):
        programme_actions.build_programme(p.org_a, by=p.planner)
    assert not AuditProgramme.objects.exists()


def test_only_the_programme_manager_builds_and_confirms(p, accepted):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        programme_actions.build_programme(p.org_a, by=p.lead)
    audit = _plan(p, accepted)
    with pytest.raises(PermissionDenied):
        programme_actions.confirm_team(audit, by=p.lead)


def test_confirm_team_checks_again(p, accepted, rule):
    audit = _plan(p, accepted)
    assert programme_actions.confirm_team(audit, by=p.planner).team[0]["role"] == "leader"
    # Since planning, the auditor declared a conflict with the client: confirmation now fails.
    reg.declare_conflict(p.auditor, by=p.auditor, kind="employed", organisation=p.org_a,
                         started_on=today() - relativedelta(years=1), ended_on=None)
    with rule("R7.3.2", field="team"):
        programme_actions.confirm_team(audit, by=p.planner)
    assert audit.team_confirmations.count() == 1


def test_offsite_without_a_condition_is_refused(p, accepted, rule):
    with rule("R7.4.1-S1-offsite", field="offsite"):
        _plan(p, accepted, offsite=True, offsite_reason="文件审核即可")
    assert not accepted.audits.exists()


def test_audit_plan_pdf_is_chinese_pdfa_with_its_hash_in_the_record(p, accepted):
    s1 = _plan(p, accepted)
    fill_agenda(s1, p.planner)
    doc = programme_actions.issue_audit_plan(s1, by=p.planner, key_points="碳排放源识别的完整性")
    pdf = doc.pdf.open("rb").read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == doc.sha256
    assert b"pdfaid" in pdf_text_streams(pdf)
    ev = Event.objects.get(action="audit.plan_issued")
    assert ev.data["pdf_sha256"] == doc.sha256 and "审核计划" in ev.summary
    assert doc.content["method"] == "FS01" and doc.content["key_points"] == "碳排放源识别的完整性"
    assert doc.content["justification"] and doc.content["team"][0]["role"] == "审核组长"
    again = programme_actions.issue_audit_plan(s1, by=p.lead)
    assert again.version == 2 and s1.plan_documents.count() == 2


def test_audit_plan_only_by_programme_manager_or_leader(p, accepted):
    from django.core.exceptions import PermissionDenied

    s1 = _plan(p, accepted)
    for who in (p.auditor, p.client_a, p.outsider):
        with pytest.raises(PermissionDenied):
            programme_actions.issue_audit_plan(s1, by=who)


def test_initial_programme_links_stage_audits_as_they_are_planned(p, accepted):
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    assert [(e.kind, e.audit_id) for e in prog.current_entries()] == [("stage1", None), ("stage2", None)]
    s1 = _plan(p, accepted)
    assert prog.current_entries().get(kind="stage1").audit == s1
    assert Event.objects.filter(action="programme.built", organisation_id=p.org_a.pk).count() == 1


def test_extra_surveillance_audit_is_planned_in_its_window(p, rule):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    entry = programme_actions.add_extra_surveillance(prog, by=p.planner, reason_kind="major_change",
                                                     reason="新增熟料生产线", start=today() + timedelta(days=3))
    late = entry.latest + timedelta(days=1)
    with rule("R8.1.1-extra", field="end_date"):
        programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SPECIAL, start_date=late, end_date=late,
                           auditor_days=2.5, team=team(p), certificate=cert)
    day = entry.earliest + timedelta(days=7)
    audit = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SPECIAL, start_date=day, end_date=day,
                               auditor_days=2.5, team=team(p), certificate=cert)
    entry.refresh_from_db()
    assert entry.audit == audit


def test_a_window_moved_by_an_early_surveillance_is_a_new_version(p):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    prog = programme_actions.build_programme(p.org_a, by=p.planner)
    s1_entry = prog.current_entries().get(kind="surveillance", sequence=1)
    s2_before = prog.current_entries().get(kind="surveillance", sequence=2)
    day = s1_entry.earliest
    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day, end_date=day,
                            auditor_days=2.5, team=team(p), certificate=cert)
    close(s1, p.lead, conclusion="持续有效")
    programme_actions.build_programme(p.org_a, by=p.planner)
    s2_after = prog.current_entries().get(kind="surveillance", sequence=2)
    assert s2_after.version == 2 and s2_after.latest == day + relativedelta(months=12)
    s2_before.refresh_from_db()
    assert s2_before.superseded_by == s2_after and s2_before.latest > s2_after.latest  # history kept
    assert prog.current_entries().get(kind="surveillance", sequence=1).audit == s1


def test_moving_a_planned_audit_runs_the_checks_again_and_keeps_the_old_dates(p, accepted, rule):
    other = complete_application(p.org_b, p.client_b)
    accept_and_contract(other, p)
    busy_day = today() + timedelta(days=30)
    _plan(p, other, start=busy_day)
    s1 = _plan(p, accepted)
    old = s1.start_date
    with rule("R8.1-programme", field="reason"):
        programme_actions.replan_audit(s1, by=p.planner, start_date=old, end_date=old, reason="")
    with rule("R7.3.2", field="team"):  # the team is booked at B on that day
        programme_actions.replan_audit(s1, by=p.planner, start_date=busy_day, end_date=busy_day, reason="客户要求")
    s2 = _plan(p, accepted, start=old + timedelta(days=5), end=old + timedelta(days=6), days=4.5, kind=Audit.STAGE2)
    with rule("R7.4.1-S2", field="end_date"):
        programme_actions.replan_audit(s1, by=p.planner, start_date=s2.end_date, end_date=s2.end_date,
                                       reason="客户要求")
    new_day = old + timedelta(days=2)
    programme_actions.replan_audit(s1, by=p.planner, start_date=new_day, end_date=new_day, reason="客户生产安排调整")
    s1.refresh_from_db()
    assert s1.start_date == new_day
    ev = Event.objects.get(action="audit.replanned")
    assert ev.data["previous"] == [str(old), str(old)] and "客户生产安排调整" in ev.summary
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        programme_actions.replan_audit(s1, by=p.lead, start_date=old, end_date=old, reason="x")
