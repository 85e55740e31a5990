"""The client's next step for every state (tancert/web/nextstep.py), as a pure function: no database."""

from datetime import date, timedelta

import pytest

from tancert.web.nextstep import (
    ApplicationState,
    CertificateState,
    ClientState,
    FindingState,
    PlanState,
    client_steps,
)

TODAY = date(2026, 6, 15)


def cert(status="valid", expiry=date(2028, 6, 1), **kw):
    return CertificateState(7, "CEC-2025-0001", status, expiry, **kw)


def first(state):
    steps = client_steps(state, TODAY)
    assert steps, "a client always has a next step"
    return steps[0]


def test_nothing_yet_starts_an_application():
    step = first(ClientState())
    assert (step.kind, step.url) == ("apply", "application_new")


@pytest.mark.parametrize("status,kind,button", [
    ("draft", "application_draft", "完成申请"),
    ("submitted", "application_submitted", "打开认证申请"),
    ("supplement_requested", "application_supplement_requested", "提交补充材料"),
])
def test_an_application_on_its_way(status, kind, button):
    step = first(ClientState(application=ApplicationState(3, status, review_deadline=TODAY + timedelta(days=2))))
    assert step.kind == kind and step.url == "application" and step.args == (3,)
    assert step.button == button


def test_a_contract_to_sign_comes_first_among_the_paperwork():
    step = first(ClientState(application=ApplicationState(3, "accepted", contract_to_sign=True)))
    assert step.kind == "sign_contract" and step.anchor == "contract"


def test_accepted_and_paid_waits_for_the_plan_then_shows_it():
    state = ClientState(application=ApplicationState(3, "accepted"))
    assert first(state).kind == "wait_plan"
    plan = PlanState(11, "第一阶段审核", TODAY + timedelta(days=5), TODAY + timedelta(days=5), 1)
    step = first(ClientState(application=ApplicationState(3, "accepted"), plans=[plan]))
    assert step.kind == "plan" and step.url == "audit_plan_pdf" and step.args == (11, 1)
    assert step.due == plan.start and step.soon


def test_an_open_nonconformity_comes_before_everything_and_is_red_when_late():
    late = FindingState(5, 2, 1, "一般不符合", TODAY - timedelta(days=1))
    later = FindingState(6, 2, 2, "严重不符合", TODAY + timedelta(days=20))
    steps = client_steps(ClientState(findings=[later, late], application=ApplicationState(3, "accepted"),
                                     certificates=[cert()]), TODAY)
    assert [s.kind for s in steps[:2]] == ["finding", "finding"]
    assert steps[0].overdue and steps[0].anchor == "finding-5" and steps[0].args == (2,)
    assert not steps[1].overdue


def test_certified_is_told_the_surveillance_window_with_dates_not_planning():
    window = (date(2026, 9, 1), date(2026, 12, 1))
    steps = client_steps(ClientState(application=ApplicationState(3, "accepted"),
                                     certificates=[cert(surveillance=window)]), TODAY)
    assert [s.kind for s in steps] == ["surveillance"]
    assert "2026-09-01" in steps[0].text and "2026-12-01" in steps[0].text
    assert "策划" not in steps[0].text
    assert steps[0].due == date(2026, 12, 1) and not steps[0].overdue


def test_within_90_days_of_expiry_apply_for_recertification():
    expiry = TODAY + timedelta(days=60)
    step = first(ClientState(certificates=[cert(expiry=expiry)]))
    assert step.kind == "renew" and step.url == "certificate_renew" and step.due == expiry
    # not before the 90 days …
    assert first(ClientState(certificates=[cert(expiry=TODAY + timedelta(days=120))])).kind == "certified"
    # … and not twice
    assert first(ClientState(certificates=[cert(expiry=expiry, renewal_applied=True)])).kind == "certified"
    # … nor after expiry, even before the expiry sweep marks it expired (R9.3-renewal)
    assert "renew" not in [s.kind for s in client_steps(ClientState(certificates=[
        cert(expiry=TODAY - timedelta(days=1))]), TODAY)]


def test_suspended_sends_evidence_by_the_deadline():
    step = first(ClientState(certificates=[cert("suspended", respond_by=TODAY - timedelta(days=2))]))
    assert step.kind == "suspended" and step.url == "certificate_evidence" and step.overdue
    sent = first(ClientState(certificates=[cert("suspended", respond_by=TODAY + timedelta(days=9),
                                                evidence_sent=True)]))
    assert "已提交" in sent.text and not sent.overdue


@pytest.mark.parametrize("status", ["expired", "withdrawn", "cancelled"])
def test_ended_certificate_applies_anew(status):
    # the initial application stays "accepted" after its decision; it is no application on its way
    step = first(ClientState(certificates=[cert(status, expiry=TODAY - timedelta(days=400))]))
    assert step.kind == "apply" and step.url == "application_new"
    assert "CEC-2025-0001" in step.text


def test_a_new_application_after_expiry_is_followed_not_restarted():
    step = first(ClientState(application=ApplicationState(9, "draft"),
                             certificates=[cert("expired", expiry=TODAY - timedelta(days=400))]))
    assert step.kind == "application_draft"
