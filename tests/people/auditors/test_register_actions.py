"""The auditor register's actions: every validation with its rule key, who may act, and the records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tancert.people.auditors import actions as reg
from tancert.people.models.auditors import (
    CcaaRegistration,
    CompetenceEvaluation,
    ConflictDeclaration,
    CpdPlan,
    CpdRecord,
    Experience,
    Qualification,
    QualificationType,
    Unavailability,
)
from tancert.records.models import Event

from flow import code

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def registration(p, who=None, **kw):
    args = {"grade": "auditor", "number": "2024-N1MS-1000001", "valid_from": today() - timedelta(days=100),
            "valid_to": today() + timedelta(days=900)} | kw
    return reg.add_registration(who or p.auditor, by=p.planner, **args)


# ---------------------------------------------------------------------------------------------
# R4.A1 registration
# ---------------------------------------------------------------------------------------------


def test_programme_manager_registers_an_auditor_and_the_record_names_it_in_chinese(p):
    r = registration(p)
    assert CcaaRegistration.objects.get() == r
    ev = Event.objects.order_by("-seq").first()
    assert ev.action == "register.registration_added"
    assert ev.subject_type == "user" and ev.subject_id == str(p.auditor.pk)
    assert "CCAA 注册" in ev.summary and "审核员" in ev.summary and ev.actor_id == p.planner.pk
    assert ev.data["number"] == "2024-N1MS-1000001"


def test_unknown_grade_is_refused_under_r4_a1(p, rule):
    with rule("R4.A1", field="grade"):
        registration(p, grade="lead")


def test_registration_number_is_required(p, rule):
    with rule("R4.A1", field="number"):
        registration(p, number="  ")


def test_registration_dates_must_be_in_order(p, rule):
    with rule("R4.A1", field="valid_to"):
        registration(p, valid_from=today(), valid_to=today() - timedelta(days=1))
    assert not CcaaRegistration.objects.exists()


def test_registration_needs_both_dates(p, rule):
    with rule("R4.A1", field="valid_to"):
        registration(p, valid_to=None)


@pytest.mark.parametrize("persona", ["auditor", "lead", "expert", "reviewer", "decider", "certadmin", "client_a"])
def test_only_the_office_editors_register_auditors(p, persona):
    with pytest.raises(PermissionDenied):
        reg.add_registration(p.auditor, by=getattr(p, persona), grade="auditor", number="X1",
                             valid_from=today(), valid_to=today())
    assert not CcaaRegistration.objects.exists()


def test_system_administrator_also_edits_the_register(p):
    reg.add_registration(p.lead, by=p.sysadmin, grade="senior", number="X2", valid_from=today(), valid_to=today())
    assert p.lead.ccaa_registrations.count() == 1


def test_clients_have_no_register(p):
    with pytest.raises(PermissionDenied):
        reg.add_registration(p.client_a, by=p.planner, grade="auditor", number="X3", valid_from=today(),
                             valid_to=today())


# ---------------------------------------------------------------------------------------------
# R7.3.2 qualifications
# ---------------------------------------------------------------------------------------------


def test_the_ghg_manager_qualification_type_is_seeded():
    qt = QualificationType.objects.get(code="ghg-manager")
    assert qt.is_ghg_manager and qt.name_zh == "温室气体管理师" and qt.name_en == "GHG manager"


def test_ghg_manager_qualification_by_code(p):
    q = reg.add_qualification(p.lead, by=p.planner, type="ghg-manager", issuer="某培训机构", number="GHG-1",
                              valid_from=today(), valid_to=today() + timedelta(days=365))
    assert q.type.is_ghg_manager
    assert "温室气体管理师" in Event.objects.order_by("-seq").first().summary


@pytest.mark.parametrize("field,kw", [
    ("type", {"type": "no-such-type"}),
    ("issuer", {"issuer": ""}),
    ("number", {"number": " "}),
    ("valid_to", {"valid_to": date(2020, 1, 1)}),
])
def test_qualification_validation_cites_r7_3_2(p, rule, field, kw):
    args = {"type": "ghg-manager", "issuer": "某机构", "number": "GHG-1", "valid_from": date(2024, 1, 1),
            "valid_to": date(2027, 1, 1)} | kw
    with rule("R7.3.2", field=field):
        reg.add_qualification(p.lead, by=p.planner, **args)


def test_only_a_system_administrator_configures_qualification_types(p, rule):
    with pytest.raises(PermissionDenied):
        reg.add_qualification_type(by=p.planner, code="ets-verifier", name_zh="核查员", name_en="verifier")
    qt = reg.add_qualification_type(by=p.sysadmin, code="ETS-verifier", name_zh="碳排放核查员",
                                    name_en="ETS verifier", is_ghg_manager=True)
    assert qt.code == "ets-verifier" and qt.is_ghg_manager
    with rule("R7.3.2", field="code"):
        reg.add_qualification_type(by=p.sysadmin, code="ets-verifier", name_zh="重复", name_en="dup")
    with rule("R7.3.2", field="code"):
        reg.add_qualification_type(by=p.sysadmin, code="a b", name_zh="空格", name_en="space")
    with rule("R7.3.2", field="name_en"):
        reg.add_qualification_type(by=p.sysadmin, code="x", name_zh="名称", name_en="")


# ---------------------------------------------------------------------------------------------
# R4.A2 experience
# ---------------------------------------------------------------------------------------------


def test_experience_is_recorded(p):
    e = reg.add_experience(p.auditor, by=p.planner, field="carbon", employer="某碳资产公司",
                           started_on=date(2018, 3, 1), ended_on=None, description="碳核查")
    assert e.ended_on is None and Experience.objects.count() == 1


@pytest.mark.parametrize("field,kw", [
    ("field", {"field": "finance"}),
    ("employer", {"employer": ""}),
    ("started_on", {"started_on": None}),
    ("ended_on", {"started_on": date(2020, 1, 1), "ended_on": date(2019, 1, 1)}),
])
def test_experience_validation_cites_r4_a2(p, rule, field, kw):
    args = {"field": "energy", "employer": "某公司", "started_on": date(2015, 1, 1)} | kw
    with rule("R4.A2", field=field):
        reg.add_experience(p.auditor, by=p.planner, **args)


def test_experience_cannot_start_in_the_future(p, rule):
    with rule("R4.A2", field="started_on"):
        reg.add_experience(p.auditor, by=p.planner, field="energy", employer="某公司",
                           started_on=today() + timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# R4.A3 competence
# ---------------------------------------------------------------------------------------------


def test_cms_competence_and_area_competence(p):
    cms = reg.add_competence(p.auditor, by=p.planner, kind="cms", evaluated_on=today(), evidence="培训合格",
                             area=5, function="auditor")
    assert cms.area is None and cms.function == "" and cms.evaluator == p.planner.get_full_name()
    area = reg.add_competence(p.auditor, by=p.planner, kind="area", area="7", function="team_leader",
                              evaluated_on=today(), evidence="见证审核", evaluator="技术委员会")
    assert (area.area, area.function, area.evaluator) == (7, "team_leader", "技术委员会")
    assert "专业领域 7" in Event.objects.order_by("-seq").first().summary


@pytest.mark.parametrize("field,kw", [
    ("kind", {"kind": "other"}),
    ("area", {"area": 0}),
    ("area", {"area": 22}),
    ("area", {"area": "x"}),
    ("area", {"area": None}),
    ("function", {"function": "driver"}),
    ("function", {"function": ""}),
    ("evaluated_on", {"evaluated_on": None}),
    ("evidence", {"evidence": ""}),
])
def test_competence_validation_cites_r4_a3(p, rule, field, kw):
    args = {"kind": "area", "area": 7, "function": "auditor", "evaluated_on": date(2025, 5, 1),
            "evidence": "见证"} | kw
    with rule("R4.A3", field=field):
        reg.add_competence(p.auditor, by=p.planner, **args)


def test_competence_cannot_be_evaluated_in_the_future(p, rule):
    with rule("R4.A3", field="evaluated_on"):
        reg.add_competence(p.auditor, by=p.planner, kind="cms", evaluated_on=today() + timedelta(days=1),
                           evidence="x")


# ---------------------------------------------------------------------------------------------
# R4.CPD continuing education
# ---------------------------------------------------------------------------------------------


def test_cpd_content_defaults_to_the_bodys_plan_of_the_year(p, rule):
    year = today().year
    with rule("R4.CPD", field="content"):
        reg.add_cpd(p.auditor, by=p.planner, year=year)
    reg.set_cpd_plan(by=p.planner, year=year, content="标准理解")
    reg.set_cpd_plan(by=p.sysadmin, year=year, content="标准理解与行业动态")
    assert CpdPlan.objects.get(year=year).content == "标准理解与行业动态"
    planned = reg.add_cpd(p.auditor, by=p.planner, year=year)
    assert planned.content == "标准理解与行业动态" and planned.completed_on is None
    done = reg.complete_cpd(planned, by=p.planner, completed_on=date(year, 1, 1), hours="16")
    assert done.completed_on == date(year, 1, 1) and str(done.hours) == "16.0"
    with rule("R4.CPD", field="completed_on"):
        reg.complete_cpd(planned, by=p.planner, completed_on=date(year, 1, 1), hours=16)
    actions = list(Event.objects.filter(action__startswith="register.cpd").values_list("action", flat=True))
    assert actions == ["register.cpd_plan_set", "register.cpd_plan_set", "register.cpd_added",
                       "register.cpd_completed"]


@pytest.mark.parametrize("field,kw", [
    ("year", {"year": 1999}),
    ("year", {"year": "twenty"}),
    ("year", {"year": date.today().year + 2}),
    ("hours", {"hours": -1}),
    ("hours", {"hours": "abc"}),
    ("hours", {"hours": 5000}),
    ("completed_on", {"year": 2024, "completed_on": date(2025, 1, 2), "hours": 8}),
    ("hours", {"year": 2024, "completed_on": date(2024, 6, 1), "hours": 0}),
])
def test_cpd_validation_cites_r4_cpd(p, rule, field, kw):
    args = {"year": 2025, "content": "培训"} | kw
    with rule("R4.CPD", field=field):
        reg.add_cpd(p.auditor, by=p.planner, **args)
    assert not CpdRecord.objects.exists()


def test_cpd_cannot_be_completed_in_the_future(p, rule):
    year = today().year
    tomorrow = today() + timedelta(days=1)
    if tomorrow.year != year:
        pytest.skip("last day of the year")
    with rule("R4.CPD", field="completed_on"):
        reg.add_cpd(p.auditor, by=p.planner, year=year, content="x", hours=8, completed_on=tomorrow)


def test_cpd_plan_is_for_the_office(p, rule):
    with pytest.raises(PermissionDenied):
        reg.set_cpd_plan(by=p.auditor, year=2025, content="x")
    with rule("R4.CPD", field="content"):
        reg.set_cpd_plan(by=p.planner, year=2025, content=" ")
    with rule("R4.CPD", field="year"):
        reg.set_cpd_plan(by=p.planner, year=1980, content="x")


# ---------------------------------------------------------------------------------------------
# Conflicts of interest and unavailability (R7.3.2)
# ---------------------------------------------------------------------------------------------


def test_auditor_declares_own_conflict_with_a_client(p):
    c = reg.declare_conflict(p.auditor, by=p.auditor, kind="consulted", organisation=p.org_a,
                             started_on=date(2024, 1, 1), ended_on=date(2024, 12, 31))
    assert c.organisation == p.org_a and c.declared_on == today()
    ev = Event.objects.order_by("-seq").first()
    assert ev.action == "register.conflict_declared" and ev.organisation_id is None
    assert "曾为其提供咨询" in ev.summary and p.org_a.name in ev.summary


def test_a_conflict_with_an_unlisted_organisation_is_linked_by_credit_code_when_it_is_a_client(p):
    unlisted = reg.declare_conflict(p.expert, by=p.expert, kind="employed", organisation_name="某咨询公司",
                                    credit_code=code("110108MA0Y0009"))
    assert unlisted.organisation is None and unlisted.display_name == "某咨询公司"
    linked = reg.declare_conflict(p.expert, by=p.planner, kind="employed", credit_code=p.org_b.credit_code.lower())
    assert linked.organisation == p.org_b


@pytest.mark.parametrize("field,kw", [
    ("kind", {"kind": "friend"}),
    ("organisation_name", {"organisation_name": ""}),
    ("credit_code", {"credit_code": "123"}),
    ("ended_on", {"started_on": date(2024, 2, 1), "ended_on": date(2024, 1, 1)}),
    ("declared_on", {"declared_on": date.today() + timedelta(days=30)}),
])
def test_conflict_validation_cites_r7_3_2(p, rule, field, kw):
    args = {"kind": "consulted", "organisation_name": "某公司"} | kw
    with rule("R7.3.2", field=field):
        reg.declare_conflict(p.auditor, by=p.auditor, **args)


@pytest.mark.parametrize("persona", ["lead", "outsider", "reviewer", "decider", "client_a"])
def test_nobody_else_declares_an_auditors_conflict(p, persona):
    with pytest.raises(PermissionDenied):
        reg.declare_conflict(p.auditor, by=getattr(p, persona), kind="consulted", organisation_name="某公司")
    with pytest.raises(PermissionDenied):
        reg.add_unavailability(p.auditor, by=getattr(p, persona), starts_on=today(), ends_on=today())


def test_a_decision_maker_has_no_self_service(p):
    with pytest.raises(PermissionDenied):
        reg.add_unavailability(p.decider, by=p.decider, starts_on=today(), ends_on=today())


def test_unavailability_own_and_by_the_office(p, rule):
    own = reg.add_unavailability(p.expert, by=p.expert, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 3),
                                 reason="年假")
    reg.add_unavailability(p.expert, by=p.planner, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 1))
    assert Unavailability.objects.filter(user=p.expert).count() == 2
    with rule("R7.3.2", field="ends_on"):
        reg.add_unavailability(p.expert, by=p.expert, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1))
    with rule("R7.3.2", field="ends_on"):
        reg.add_unavailability(p.expert, by=p.expert, starts_on=date(2026, 3, 2), ends_on=None)
    reg.remove_entry("unavailability", own.pk, by=p.expert, reason="不再适用")
    assert not Unavailability.objects.filter(pk=own.pk).exists()


# ---------------------------------------------------------------------------------------------
# Removal
# ---------------------------------------------------------------------------------------------


def test_an_auditor_cannot_withdraw_their_own_conflict_declaration(p):
    c = reg.declare_conflict(p.auditor, by=p.auditor, kind="consulted", organisation=p.org_a)
    with pytest.raises(PermissionDenied):
        reg.remove_entry("conflict", c.pk, by=p.auditor, reason="不再适用")
    reg.remove_entry("conflict", c.pk, by=p.planner, reason="不再适用")
    assert not ConflictDeclaration.objects.exists()
    ev = Event.objects.order_by("-seq").first()
    assert ev.action == "register.conflict_ended" and "利益冲突声明" in ev.summary


def test_an_auditor_cannot_remove_someone_elses_unavailability(p):
    u = reg.add_unavailability(p.lead, by=p.lead, starts_on=today(), ends_on=today())
    with pytest.raises(PermissionDenied):
        reg.remove_entry("unavailability", u.pk, by=p.auditor, reason="不再适用")


def test_remove_checks_the_owner_and_the_kind(p):
    r = registration(p)
    with pytest.raises(Http404):
        reg.remove_entry("registration", r.pk, by=p.planner, user=p.lead, reason="不再适用")
    with pytest.raises(Http404):
        reg.remove_entry("password", r.pk, by=p.planner, reason="不再适用")
    with pytest.raises(Http404):
        reg.remove_entry("registration", r.pk + 1000, by=p.planner, reason="不再适用")
    with pytest.raises(PermissionDenied):
        reg.remove_entry("registration", r.pk, by=p.auditor, reason="不再适用")
    reg.remove_entry("registration", r.pk, by=p.planner, user=p.auditor, reason="不再适用")
    assert not CcaaRegistration.objects.exists()


@pytest.mark.parametrize("kind,model", [("qualification", Qualification), ("experience", Experience),
                                        ("competence", CompetenceEvaluation), ("cpd", CpdRecord)])
def test_every_kind_can_be_removed_by_the_office_with_a_record(p, kind, model):
    make = {
        "qualification": lambda: reg.add_qualification(p.lead, by=p.planner, type="ghg-manager", issuer="i",
                                                       number="n", valid_from=today(), valid_to=today()),
        "experience": lambda: reg.add_experience(p.lead, by=p.planner, field="energy", employer="e",
                                                 started_on=today()),
        "competence": lambda: reg.add_competence(p.lead, by=p.planner, kind="cms", evaluated_on=today(),
                                                 evidence="e"),
        "cpd": lambda: reg.add_cpd(p.lead, by=p.planner, year=today().year, content="c"),
    }
    obj = make[kind]()
    before = Event.objects.count()
    reg.remove_entry(kind, obj.pk, by=p.sysadmin, reason="不再适用")
    assert not model.objects.exists() and Event.objects.count() == before + 1
