"""Closing an audit (docs/audits.md, "Closing an audit"): the audit plan issued (R7.3.1), the last planned day
reached (the audit type's on-site key), the carbon sample checked (R6.2-sampling), every blocking data-quality
finding confirmed or dismissed by the team leader with a reason (R6.2-review), and a mandatory checklist item is
never closed as "not audited" (its focus key)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.audits import actions
from tancert.audits.carbon import actions as carbon
from tancert.audits.checklists import items as checklists
from tancert.audits.checklists.actions import answer_item, start_checklist
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistItem
from tancert.records.models import Event

from flow import (
    accept_and_contract,
    answer_checklist,
    check_whole_sample,
    close,
    closing_day,
    complete_application,
    fill_stage1,
    inventory_bytes,
    issue_plan,
    plan_initial,
    team,
    verify_carbon,
)

pytestmark = pytest.mark.django_db


def _close(audit, by):
    actions.complete_audit(audit, by=by, conclusion="符合", recommendation=Audit.RECOMMEND)


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p)
    close(_s1, p.lead)
    return s2


def test_an_audit_without_its_issued_plan_is_not_closed(p, rule):
    from tancert.audits.programme import actions as programme_actions

    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    day = timezone.localdate() - timedelta(days=1)
    s1 = programme_actions.plan_audit(app.organisation, by=p.planner, kind=Audit.STAGE1, start_date=day,
                                      end_date=day, auditor_days=1.5, team=team(p), application=app)
    fill_stage1(s1, p.lead)
    with rule("R7.3.1", field="plan"):
        _close(s1, p.lead)
    issue_plan(s1, p)
    _close(s1, p.lead)
    assert Audit.objects.get(pk=s1.pk).status == Audit.COMPLETED


def test_stage2_is_not_closed_before_its_last_planned_day(p, rule):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p, start=timezone.localdate())  # stage 2 ends the day after tomorrow
    close(s1, p.lead)
    answer_checklist(s2, p.lead)
    verify_carbon(s2, p.lead)
    with rule("R7.4.1-S2", field="end_date") as info:
        _close(s2, p.lead)
    assert s2.end_date.isoformat() in info.value.message_zh
    assert Audit.objects.get(pk=s2.pk).status != Audit.COMPLETED
    assert not Event.objects.filter(action="audit.completed", subject_id=str(s2.pk)).exists()
    with closing_day(s2):  # waiting for the day
        _close(s2, p.lead)
    assert Audit.objects.get(pk=s2.pk).status == Audit.COMPLETED


def test_stage2_is_not_closed_with_the_sample_unchecked(p, stage2, rule):
    answer_checklist(stage2, p.lead)
    upload = carbon.upload_inventory(stage2, by=p.client_a, filename="inventory.json",
                                     content=inventory_bytes(lambda d: None))
    with rule("R6.2-sampling", field="sample"):
        _close(stage2, p.lead)
    verify_carbon(stage2, p.lead)
    # A newer inventory after freezing: its sample is unchecked and the frozen figures are of the old one.
    newer = carbon.upload_inventory(stage2, by=p.client_a, filename="inventory.json",
                                    content=inventory_bytes(lambda d: None))
    assert newer.version == upload.version + 2 and newer.sample
    with rule("R6.2-sampling", field="sample"):
        _close(stage2, p.lead)


def test_a_blocking_quality_finding_is_confirmed_or_dismissed_by_the_leader_with_a_reason(p, stage2, rule):
    answer_checklist(stage2, p.lead)
    upload = carbon.upload_inventory(stage2, by=p.client_a, filename="inventory.json",
                                     content=inventory_bytes(lambda d: None))  # meters uncalibrated: blocking
    blocks = carbon.blocking_rules(upload)
    assert blocks
    check_whole_sample(upload, p.lead)
    key = blocks[0]["rule"]
    with rule(key, field="rule"):
        _close(stage2, p.lead)
    with pytest.raises(PermissionDenied):
        carbon.dismiss_quality_finding(upload, by=p.auditor, rule=key, reason="已核对")
    with rule("R6.2-review", field="reason"):
        carbon.dismiss_quality_finding(upload, by=p.lead, rule=key, reason="  ")
    for b in blocks:
        carbon.dismiss_quality_finding(upload, by=p.lead, rule=b["rule"], reason="检定证书在有效期内，引擎读取日期有误")
    ev = Event.objects.filter(action="audit.data_finding_dismissed").first()
    assert ev and "检定证书" in ev.summary
    with rule("R6.2-review", field="rule"):
        carbon.confirm_data_finding(upload, by=p.lead, rule=key, grade="minor")
    with rule("R7.4.3", field="carbon"):
        _close(stage2, p.lead)
    frozen = carbon.freeze_figures(stage2, by=p.lead)
    assert {d["rule"] for d in frozen.figures["dismissed"]} == {b["rule"] for b in blocks}
    _close(stage2, p.lead)


def test_a_mandatory_item_is_not_closed_as_not_audited(p, stage2, rule):
    answer_checklist(stage2, p.lead)
    verify_carbon(stage2, p.lead)
    item = ChecklistItem.objects.get(checklist__audit=stage2, code="R7.4.2-F5")
    answer_item(item, by=p.lead, conformity="not_audited", reason="时间不够", version=item.version)
    with rule("R7.4.2-F5", field="checklist.R7.4.2-F5"):
        _close(stage2, p.lead)


def test_the_policy_file_cannot_turn_the_rule_books_focus_items_off(p, monkeypatch):
    policy = checklists.load_policy()
    policy["kinds"]["stage2"]["mandatory"]["focus"] = False
    policy["kinds"]["surveillance"]["focus"] = None
    del policy["kinds"]["recertification"]
    monkeypatch.setattr(checklists, "load_policy", lambda: policy)
    for kind, n in (("stage2", 9), ("surveillance", 5), ("recertification", 4)):
        focus = [s for s in checklists.specs_for(kind)[1] if s.kind == "focus"]
        assert len(focus) == n and all(s.mandatory for s in focus), kind
        assert checklists.has_checklist(kind)


def test_start_checklist_is_still_idempotent(p, stage2):
    assert start_checklist(stage2, by=p.lead).pk == start_checklist(stage2, by=p.lead).pk
