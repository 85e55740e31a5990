"""Complaints and appeals through the real UI (docs/obligations.md): a member of the public lodges a complaint
from a certificate's register page, it is investigated by someone not involved and answered; a client appeals
a refusal and a decision maker independent of the decision and the audit decides it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tancert.certificates import actions as certs
from tancert.certificates.models import Complaint
from tancert.people.actions import create_staff_user
from tancert.people.models import Role

from flow import CONDITIONS_MET, certify, complete_application, through_audits

pytestmark = pytest.mark.browser


def submit(page, form: str):
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_public_complaint_investigated_and_answered(people, p, live_server, artifacts):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    create_staff_user("judge", "test-pass-123", roles=[Role.DECISION_MAKER], by=None, display_name="judge")

    visitor = people.anonymous()
    visitor.goto(f"/register/{cert.number}/")
    visitor.click("#lodge-complaint")
    visitor.fill("#complaint-form input[name=name]", "王先生")
    visitor.fill("#complaint-form input[name=contact]", "wang@example.com")
    visitor.fill("#complaint-form textarea[name=text]", "该企业的排放数据与公开报告不一致")
    visitor.screenshot(path=str(artifacts / "complaint-public-form.png"), full_page=True)
    submit(visitor, "#complaint-form")
    reference = visitor.locator("#complaint-reference").inner_text()
    assert reference.startswith("TS")
    visitor.screenshot(path=str(artifacts / "complaint-acknowledged.png"), full_page=True)
    complaint = Complaint.objects.get(reference=reference)

    planner = people.log_in("planner")
    planner.click('header a[href="/complaints/"]')
    planner.click(f"text={reference}")
    planner.select_option("#investigator-form select[name=investigator]", str(p.lead.pk))
    submit(planner, "#investigator-form")
    expect(planner.locator(".messages .error .rule")).to_have_text("CB-complaint-independent")
    planner.select_option("#investigator-form select[name=investigator]", str(p.outsider.pk))
    submit(planner, "#investigator-form")
    expect(planner.locator(".messages .error")).to_have_count(0)

    investigator = people.log_in("outsider")
    investigator.goto(f"/complaints/{complaint.pk}/")
    investigator.fill("#findings-form textarea[name=findings]", "核对了排放报告和台账，数据一致")
    submit(investigator, "#findings-form")

    judge = people.log_in("judge")
    judge.goto(f"/complaints/{complaint.pk}/")
    judge.select_option("#complaint-decision-form select[name=outcome]", "not_upheld")
    judge.fill("#complaint-decision-form textarea[name=response]", "经调查，排放数据一致，投诉不成立。")
    submit(judge, "#complaint-decision-form")
    expect(judge.locator("#complaint-state")).to_have_text("已决定")
    judge.screenshot(path=str(artifacts / "complaint-decided.png"), full_page=True)
    judge.set_viewport_size({"width": 390, "height": 844})
    judge.screenshot(path=str(artifacts / "complaint-decided-390.png"), full_page=True)


def test_appeal_decided_by_someone_independent(people, p, live_server, artifacts):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    certs.decide(s2, by=p.decider, outcome="refuse", conditions=CONDITIONS_MET, reason="碳数据不可信")
    create_staff_user("judge", "test-pass-123", roles=[Role.DECISION_MAKER], by=None, display_name="judge")

    client = people.log_in("client_a")
    client.click('header a[href="/complaints/"]')
    client.click("#appealable a")
    client.fill("#appeal-form textarea[name=grounds]", "已补充核实碳数据，请重新考虑")
    submit(client, "#appeal-form")
    expect(client.locator("#appeal-state")).to_have_text("已受理")
    appeal_url = client.url

    decider = people.log_in("decider")  # took the decision appealed
    decider.goto(appeal_url)
    decider.select_option("#appeal-decision-form select[name=outcome]", "upheld")
    decider.fill("#appeal-decision-form textarea[name=reasons]", "理由")
    submit(decider, "#appeal-decision-form")
    expect(decider.locator(".messages .error .rule")).to_have_text("CB-appeal-independent")

    judge = people.log_in("judge")
    judge.goto(appeal_url)
    judge.select_option("#appeal-decision-form select[name=outcome]", "upheld")
    judge.fill("#appeal-decision-form textarea[name=reasons]", "补充证据充分")
    judge.fill("#appeal-decision-form textarea[name=reconsideration]", "由另一决定人重新作出认证决定")
    submit(judge, "#appeal-decision-form")
    expect(judge.locator("#appeal-outcome")).to_have_text("成立")
    judge.screenshot(path=str(artifacts / "appeal-decided.png"), full_page=True)
