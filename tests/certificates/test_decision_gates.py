"""No path around the scheme to a certificate: the decision rests on signed reports (R7.5.1), stage 2
closes only with its carbon data verified (R7.4.3), a report is signed only on an audit under way or
closed (R7.5.1) — in the actions, so the pages, the API and the tests all meet them."""

from __future__ import annotations

import pytest

from tancert.audits import actions as audits
from tancert.audits.models import Audit
from tancert.certificates import actions as certs

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    answer_checklist,
    complete_application,
    fill_stage1,
    plan_initial,
    sign_report,
    verify_carbon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return plan_initial(app, p)


def _close(audit, p):
    audits.complete_audit(audit, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    audit.refresh_from_db()


def test_no_decision_without_the_signed_reports_of_stage_1_and_stage_2(p, planned, rule):
    s1, s2 = planned
    fill_stage1(s1, p.lead)
    _close(s1, p)
    answer_checklist(s2, p.lead)
    verify_carbon(s2, p.lead)
    _close(s2, p)
    with rule("R7.5.1", field="report") as info:
        certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    assert "第一阶段" in info.value.message_zh and "签署" in info.value.message_zh
    sign_report(s1, p.lead)
    with rule("R7.5.1", field="report") as info:
        certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    assert "第二阶段" in info.value.message_zh
    sign_report(s2, p.lead)
    assert certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET).grants


def test_stage_2_closes_only_with_its_carbon_data_verified(p, planned, rule):
    s1, s2 = planned
    fill_stage1(s1, p.lead)
    _close(s1, p)
    answer_checklist(s2, p.lead)
    with rule("R7.4.3", field="carbon") as info:
        audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    assert "冻结" in info.value.message_zh
    s2.refresh_from_db()
    assert s2.status != Audit.COMPLETED
    verify_carbon(s2, p.lead)
    _close(s2, p)
    assert s2.status == Audit.COMPLETED


def test_a_report_is_signed_only_on_an_audit_under_way_or_closed(p, planned, rule):
    s1, _s2 = planned
    assert s1.status == Audit.PLANNED
    with rule("R7.5.1", field="status"):
        sign_report(s1, p.lead)
    fill_stage1(s1, p.lead)
    _close(s1, p)
    assert sign_report(s1, p.lead).version == 1
