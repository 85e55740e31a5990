"""Findings linked to checklist items and evidence; corrective actions; majors verified before a decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.audits import grades
from tancert.audits.checklists.actions import add_evidence, start_checklist
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit, Finding
from tancert.audits.models.checklists import ChecklistItem
from tancert.audits.programme import actions as programme_actions
from tancert.certificates import actions as certs
from tancert.certificates.committee import decision_queue

from flow import (
    CONDITIONS_MET,
    PDF,
    accept_and_contract,
    close,
    complete_application,
    team,
    through_audits,
)

pytestmark = pytest.mark.django_db
RESPONSE = {"correction": "已调整碳基准", "root_cause": "程序未规定基准调整条件", "corrective_action": "修订碳基准管理程序"}


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    today = timezone.localdate()
    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE1, start_date=today, end_date=today,
                            auditor_days=1.5, team=team(p), application=app)
    s2 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE2, start_date=today + timedelta(days=1),
                            end_date=today + timedelta(days=2), auditor_days=4, team=team(p), application=app)
    close(s1, p.lead)
    start_checklist(s2, by=p.lead)
    return s2


def test_a_finding_links_to_its_item_and_evidence(p, stage2):
    f65 = ChecklistItem.objects.get(checklist__audit=stage2, code="6.5")
    photo = add_evidence(f65, by=p.auditor, kind="note", text="基准报告未包含 2025 年新增产线")
    f = finding_actions.raise_finding(stage2, by=p.auditor, grade="major", description="碳基准未调整", item=f65,
                              evidence_ids=[photo.pk])
    assert f.clause == "6.5" and f.checklist_item == f65 and list(f.evidence_entries.all()) == [photo]
    f65.refresh_from_db()
    assert f65.conformity == "finding" and f65.version == 1
    # A major's answer is due by the verification deadline (6 months after the last day of stage 2).
    assert f.due_date == finding_actions.verification_deadline(stage2) == stage2.end_date + relativedelta(months=6)


def test_no_finding_without_evidence(p, stage2, rule):
    with rule("R7.5.1", field="evidence"):
        finding_actions.raise_finding(stage2, by=p.auditor, grade="minor", description="问题", evidence="")
    s1 = stage2.application.audits.get(kind="stage1")
    with rule("R7.5.1", field="evidence_ids"):  # evidence of another audit does not count
        finding_actions.raise_finding(stage2, by=p.auditor, grade="minor", description="问题", evidence_ids=[999999])
    assert not stage2.findings.exists() and s1.findings.count() == 0


def test_a_finding_on_another_audits_item_is_refused(p, stage2, rule):
    other = complete_application(p.org_b, p.client_b, submit=True)
    s2_b = through_audits(other, p, start=timezone.localdate() + timedelta(days=10))
    foreign = ChecklistItem.objects.filter(checklist__audit=s2_b).first()
    with rule("R7.4.2", field="item"):
        finding_actions.raise_finding(stage2, by=p.auditor, grade="minor", description="问题", evidence="x", item=foreign)


def test_grades_are_configurable(p, stage2, settings, rule):
    settings.TANCERT_FINDING_GRADES = [*settings.TANCERT_FINDING_GRADES,
                                       {"code": "critical", "name_zh": "关键不符合", "name_en": "critical",
                                        "resolve": "verify"}]
    f = finding_actions.raise_finding(stage2, by=p.lead, grade="critical", description="重大排放源遗漏", evidence="清单")
    assert f.needs_verification and f.is_nonconformity and not f.is_resolved and f.grade_label == "关键不符合"
    assert grades.codes_to(grades.VERIFY) == ["major", "critical"]
    with rule("R7.4.2", field="grade"):
        finding_actions.raise_finding(stage2, by=p.lead, grade="catastrophic", description="x", evidence="y")
    close(stage2, p.lead)
    with rule("R7.5.2", field="findings"):
        certs.decide(stage2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)


def test_the_client_answers_with_files_checked_by_content(p, stage2, rule):
    f = finding_actions.raise_finding(stage2, by=p.lead, grade="major", description="碳基准未调整", evidence="报告")
    with rule("R8.1.3-F5", field="files"):
        finding_actions.respond_to_finding(f, by=p.client_a, files=[("新基准.pdf", b"plain text, not a pdf")], **RESPONSE)
    f.refresh_from_db()
    assert f.status == Finding.OPEN and not f.response_files.exists()
    finding_actions.respond_to_finding(f, by=p.client_a, files=[("新基准.pdf", PDF)], evidence="见附件", **RESPONSE)
    f.refresh_from_db()
    assert f.status == Finding.RESPONDED and f.response_files.get().content_type == "application/pdf"


def test_a_client_cannot_answer_another_organisations_nc(p, stage2):
    f = finding_actions.raise_finding(stage2, by=p.lead, grade="minor", description="问题", evidence="x")
    with pytest.raises(PermissionDenied):
        finding_actions.respond_to_finding(f, by=p.client_b, **RESPONSE)
    with pytest.raises(PermissionDenied):
        finding_actions.review_finding_response(f, by=p.outsider, outcome="accept")


def test_majors_must_be_verified_before_a_decision_and_the_queue_waits(p, stage2, rule):
    f = finding_actions.raise_finding(stage2, by=p.lead, grade="major", description="碳基准未调整", evidence="报告")
    close(stage2, p.lead)
    assert stage2 not in decision_queue(p.decider)
    with rule("R7.5.2", field="findings"):
        certs.decide(stage2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    finding_actions.respond_to_finding(f, by=p.client_a, **RESPONSE)
    finding_actions.review_finding_response(f, by=p.auditor, outcome="accept")
    assert stage2 not in decision_queue(p.decider)  # accepted is not verified
    finding_actions.review_finding_response(f, by=p.auditor, outcome="verify")
    assert stage2 in decision_queue(p.decider)
    certs.decide(stage2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)


def test_after_the_time_limit_stage2_must_be_repeated(p, rule, settings):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    long_ago = timezone.localdate() - timedelta(days=250)
    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE1, start_date=long_ago, end_date=long_ago,
                            auditor_days=1.5, team=team(p), application=app)
    s2 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE2, start_date=long_ago + timedelta(days=1),
                            end_date=long_ago + timedelta(days=2), auditor_days=4, team=team(p), application=app)
    close(s1, p.lead)
    f = finding_actions.raise_finding(s2, by=p.lead, grade="major", description="碳基准未调整", evidence="报告")
    close(s2, p.lead)
    finding_actions.respond_to_finding(f, by=p.client_a, **RESPONSE)
    assert finding_actions.verification_expired(s2)
    with rule("R7.4.1-S2", field="outcome"):
        finding_actions.review_finding_response(f, by=p.auditor, outcome="verify")
    with rule("R7.4.1-S2", field="findings"):
        certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    # The limit is the body's setting: with 12 months the same major can still be verified.
    settings.TANCERT_MAJOR_VERIFY_MONTHS = 12
    assert not finding_actions.verification_expired(s2)
    finding_actions.review_finding_response(f, by=p.auditor, outcome="verify")
