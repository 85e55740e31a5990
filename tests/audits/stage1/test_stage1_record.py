"""The stage 1 record (R7.4.1-S1): stage 1 cannot close until it is filled in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from tancert.audits import actions
from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.audits.stage1 import actions as stage1
from tancert.records.models import Event

from flow import (
    STAGE1_TEXTS,
    accept_and_contract,
    complete_application,
    fill_stage1,
    issue_plan,
    plan_initial,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def audits(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return plan_initial(app, p)


def close(s1, p):
    actions.complete_audit(s1, by=p.lead, conclusion="具备第二阶段条件", recommendation=Audit.RECOMMEND)


def test_stage1_cannot_close_without_its_record(p, audits, rule):
    s1, _ = audits
    with rule("R7.4.1-S1", field="stage1"):
        close(s1, p)


def test_every_submitted_document_needs_a_review_result(p, audits, rule):
    s1, _ = audits
    docs = stage1.submitted_documents(s1)
    assert list(docs) == [f"D{i}" for i in range(1, 12)]
    reviews = {code: {"result": "adequate"} for code in docs if code != "D7"}
    stage1.save_stage1_record(s1, by=p.auditor, version=0, reviews=reviews, ready_for_stage2=True, **STAGE1_TEXTS)
    with rule("R7.4.1-S1", field="reviews.D7"):
        close(s1, p)
    with rule("R7.4.1-S1", field="reviews.D7"):
        stage1.save_stage1_record(s1, by=p.auditor, version=1, reviews={"D7": {"result": "inadequate", "note": ""}})
    with rule("R7.4.1-S1", field="reviews.D12"):
        stage1.save_stage1_record(s1, by=p.auditor, version=1, reviews={"D12": {"result": "adequate"}})
    stage1.save_stage1_record(s1, by=p.auditor, version=1,
                              reviews={"D7": {"result": "inadequate", "note": "能源计量器具清单缺少 2025 年新增表计"}})
    close(s1, p)
    record = stage1.record_for(s1)
    assert record.document_reviews.count() == 11
    assert record.document_reviews.get(code="D7").document.version == 1


def test_each_part_of_the_record_is_required(p, audits, rule):
    s1, _ = audits
    for missing in ["carbon_review", "baseline", "significant_sources", "key_parameters", "performance_evaluation",
                    "resources", "stage2_arrangements", "readiness"]:
        fill_stage1(s1, p.lead, **{missing: "  "})  # the whole record again, with this one part blank
        with rule("R7.4.1-S1", field=missing):
            close(s1, p)


def test_readiness_must_be_stated(p, audits, rule):
    s1, _ = audits
    reviews = {code: {"result": "adequate"} for code in stage1.submitted_documents(s1)}
    stage1.save_stage1_record(s1, by=p.lead, version=0, reviews=reviews, **STAGE1_TEXTS)
    with rule("R7.4.1-S1", field="ready_for_stage2"):
        close(s1, p)


def test_two_people_saving_the_record_no_silent_overwrite(p, audits, rule):
    s1, _ = audits
    stage1.save_stage1_record(s1, by=p.lead, version=0, baseline="2024 年基准")
    with rule("R7.4.1-S1", field="version") as info:
        stage1.save_stage1_record(s1, by=p.auditor, version=0, baseline="2023 年基准")
    assert "lead" in info.value.message_en
    assert stage1.record_for(s1).baseline == "2024 年基准"


def test_only_the_team_writes_the_record_and_only_for_stage1(p, audits, rule):
    s1, s2 = audits
    for person in (p.outsider, p.client_a, p.planner):
        with pytest.raises(PermissionDenied):
            stage1.save_stage1_record(s1, by=person, version=0, baseline="x")
    with rule("R7.4.1-S1", field="kind"):
        stage1.save_stage1_record(s2, by=p.lead, version=0, baseline="x")


def test_the_record_is_written_to_the_chain_and_frozen_when_stage1_closes(p, audits, rule):
    s1, s2 = audits
    fill_stage1(s1, p.lead)
    close(s1, p)
    assert Event.objects.filter(action="stage1.recorded").exists()
    with rule("R7.4.1-S1", field="status"):
        stage1.save_stage1_record(s1, by=p.lead, version=1, baseline="改")
    assert stage1.key_points(s2.application).significant_sources == STAGE1_TEXTS["significant_sources"]


def test_offsite_stage1_keeps_its_reason(p, rule):
    from django.utils import timezone

    from tancert.clients.profile.actions import add_held_certification

    from flow import team

    app = complete_application(p.org_a, p.client_a)
    add_held_certification(p.org_a, by=p.client_a, standard="EnMS", number="EN-2025-001", issuer="某认证机构",
                           valid_until=timezone.localdate() + timedelta(days=365))
    accept_and_contract(app, p)

    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE1, start_date=timezone.localdate(),
                            end_date=timezone.localdate(), auditor_days=1, team=team(p), application=app,
                            offsite=True, offsite_reason="R7.4.1-O1：持有能源管理体系认证证书")
    fill_stage1(s1, p.lead)
    issue_plan(s1, p)
    close(s1, p)
    assert Audit.objects.get(pk=s1.pk).offsite_reason.startswith("R7.4.1-O1")
