"""The remote audit deviation in the browser (IAF MD4; docs/audits.md §8b): the programme manager requests it
on the audit page, the decision maker approves it; the client sees no deviation section."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tancert.audits.checklists import items as policy_file
from tancert.audits.models import Audit

from flow import accept_and_contract, complete_application, plan_initial

pytestmark = pytest.mark.browser


def test_programme_manager_requests_and_decision_maker_approves_a_remote_stage2(people, p, artifacts, monkeypatch):
    data = {**policy_file.load_policy(), "remote_deviation": {"allowed": True}}
    monkeypatch.setattr(policy_file, "load_policy", lambda: data)
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p, start=timezone.localdate() + timedelta(days=7))

    page = people.log_in("planner")
    page.goto(f"/audits/{s2.pk}/")
    form = page.locator("#request-deviation")
    form.locator("select[name=method]").select_option("FS03")
    form.locator("select[name=reason]").select_option("disaster")
    form.locator("textarea[name=explanation]").fill("台风登陆，厂区所在地停工停运三天")
    form.locator("textarea[name=ict_means]").fill("视频会议加移动端直播，电子文件共享")
    form.locator("input[name=ict_tested]").check()
    form.locator("textarea[name=security]").fill("加密会议，不录制")
    form.locator("textarea[name=not_remote]").fill("锅炉房现场：台风过后首个工作日由审核员现场验证")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#remote-deviation")).to_be_visible()
    expect(page.locator(".deviation .status")).to_have_text("待批准")
    expect(page.locator("#decide-deviation")).to_have_count(0)  # the requester does not decide
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"remote-deviation-requested-{width}.png"), full_page=True)

    decider = people.log_in("decider")
    decider.goto(f"/audits/{s2.pk}/")
    decide = decider.locator("#decide-deviation")
    decide.locator("input[name=decision][value=approve]").check()
    decide.locator("textarea[name=reason]").fill("台风属实，风险评估充分")
    with decider.expect_navigation():
        decide.locator("button[type=submit]").click()
    expect(decider.locator(".deviation .status")).to_have_text("已批准")
    for width in (1366, 390):
        decider.set_viewport_size({"width": width, "height": 900})
        decider.screenshot(path=str(artifacts / f"remote-deviation-approved-{width}.png"), full_page=True)
    assert Audit.objects.get(pk=s2.pk).method == "FS03"

    client = people.log_in("client_a")
    client.goto(f"/audits/{s2.pk}/")
    expect(client.locator("#remote-deviation")).to_have_count(0)
