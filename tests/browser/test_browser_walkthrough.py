"""A new organisation from registration to its certificate in the public register — through the real UI.

Every step is done by the person whose job it is, logged in in their own browser context, by
clicking the links and filling the forms they see. Elements are found by URLs, field names, ids and
status classes, never by visible text (the UI is translated).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from tancert.audits.models import Audit
from tancert.clients.models import Contract

from flow import PDF, code, sign_report, verify_carbon

pytestmark = pytest.mark.browser

ORG_NAME = "丙新材料科技有限公司"
CLIENT_USER, CLIENT_PASSWORD = "bing_admin", "bing-pass-2025"


def submit(page, form: str):
    """Click the submit button of one specific form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def fill_stage1_record(page, audit_id: int):
    """R7.4.1-S1: every submitted document reviewed and the stage 1 record filled in before closing."""
    page.click(f'main a[href="/audits/{audit_id}/stage1/"]')
    page.wait_for_url(f"**/audits/{audit_id}/stage1/")
    for select in page.locator('select[name^="review_"]').all():
        select.select_option("adequate")
    for name in ("readiness", "carbon_review", "baseline", "significant_sources", "key_parameters",
                 "performance_evaluation", "resources", "stage2_arrangements"):
        page.fill(f"textarea[name={name}]", "已在第一阶段确认。")
    page.select_option("select[name=ready_for_stage2]", "yes")
    submit(page, "#stage1-form")
    expect(page.locator(".messages .error")).to_have_count(0)
    page.goto(f"/audits/{audit_id}/")


def answer_checklist(page, audit_id: int):
    """Every checklist item answered with a note, through the page's (offline-capable) forms."""
    page.click(f'main a[href="/audits/{audit_id}/checklist/"]')
    page.wait_for_url(f"**/audits/{audit_id}/checklist/")
    for item in page.locator(".checklist-item").all():
        item.locator('form[data-offline="answer"] select[name=conformity]').select_option("conforming")
        item.locator('form[data-offline="answer"] button[type=submit]').click()
        item.locator('form[data-offline="evidence"] input[name=text]').fill("查阅记录并现场观察，符合要求。")
        item.locator('form[data-offline="evidence"] button[type=submit]').click()
    page.wait_for_function("() => window.tancertSync.queue().length === 0", timeout=60_000)
    expect(page.locator(".checklist-item p.error")).to_have_count(0)
    page.goto(f"/audits/{audit_id}/")


def test_new_organisation_from_registration_to_public_register(people, p, tmp_path, artifacts):
    today = timezone.localdate()
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(PDF)

    # --- The organisation registers itself on the public site -------------------------------------
    client = people.anonymous("client")
    client.goto("/")
    client.click('header a[href="/signup/"]')
    client.wait_for_url("**/signup/")
    client.fill("input[name=name]", ORG_NAME)
    client.fill("input[name=credit_code]", code("320506MA1X0007"))
    client.fill("input[name=registered_address]", "江苏省苏州市吴中区测试大道8号")
    client.fill("input[name=address]", "江苏省苏州市吴中区测试大道8号")
    client.fill("input[name=legal_representative]", "王丙")
    client.fill("input[name=employees]", "85")
    client.select_option("select[name=technical_areas]", ["7"])
    client.fill("input[name=contact_name]", "李联系")
    client.fill("input[name=contact_phone]", "0512-12345678")
    client.fill("input[name=email]", "cms@bing.example.cn")
    client.fill("input[name=username]", CLIENT_USER)
    client.fill("input[name=password]", CLIENT_PASSWORD)
    submit(client, "main form")
    client.wait_for_url(people.base_url + "/")  # signed up and logged in: the client's home

    # --- It starts an application, uploads D1…D11, signs the commitment and submits ----------------
    client.click('main a[href="/applications/new/"]')
    client.wait_for_url("**/applications/new/")
    client.select_option("select[name=kind]", "initial")
    client.fill("textarea[name=scope]", "新材料产品生产相关的碳管理活动")
    client.fill("input[name=cms_started_on]", (today - relativedelta(months=8)).isoformat())
    client.select_option("select[name=industry_code]", "7")
    submit(client, "main form")
    client.wait_for_url(re.compile(r"/applications/\d+/$"))
    app_url = client.url.removeprefix(people.base_url)
    app_id = int(re.search(r"/applications/(\d+)/$", app_url).group(1))

    for n in range(1, 12):
        doc = f"D{n}"
        form = f'form[action$="/documents/{doc}/upload/"]'
        client.set_input_files(f"{form} input[name=file]", str(pdf))
        if client.locator(f"{form} input[name=document_date]").count():
            client.fill(f"{form} input[name=document_date]", today.isoformat())
        submit(client, form)
        expect(client.locator(f"#doc-{doc} a[href*='/documents/file/']")).to_be_visible()
    expect(client.locator(".messages .error")).to_have_count(0)

    client.fill("input[name=signed_by]", "王丙 总经理")
    client.fill("input[name=signed_on]", today.isoformat())
    submit(client, 'form[action$="/commitment/"]')
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator("main .card.next")).to_have_count(0)  # nothing left before submitting
    # The authorised person's declaration that the documents are true (CB-declaration).
    client.fill("form:has(#submit-application) input[name=declarant]", "张甲 总经理")
    client.check("form:has(#submit-application) input[name=declared]")
    with client.expect_navigation():
        client.click("#submit-application")
    expect(client.locator("h1 .status.submitted")).to_be_visible()
    client.context.close()

    # --- The application reviewer finds it in the review queue and accepts it ----------------------
    reviewer = people.log_in("reviewer")
    reviewer.click(f'main a[href="/applications/{app_id}/"]')
    reviewer.wait_for_url(f"**/applications/{app_id}/")
    for question in ("described", "understands", "competent"):
        reviewer.check(f"input[name={question}]")
    with reviewer.expect_navigation():
        reviewer.click("#accept")
    expect(reviewer.locator("h1 .status.accepted")).to_be_visible()

    # --- The client signs the contract; the reviewer records the payment (R7.2-contract) ------------
    client = people.log_in(CLIENT_USER, CLIENT_PASSWORD)
    client.goto(f"/applications/{app_id}/")
    client.fill("#sign-contract input[name=signer_name]", "王丙 总经理")
    submit(client, "#sign-contract")
    expect(client.locator("#contract .status.signed")).to_be_visible()
    client.context.close()
    reviewer.reload()
    total = Contract.objects.get(application_id=app_id).total
    reviewer.fill("#record-payment input[name=amount]", str(total))
    reviewer.fill("#record-payment input[name=reference]", "银行回单 0001")
    submit(reviewer, "#record-payment")
    expect(reviewer.locator("#contract .status.paid")).to_be_visible()
    reviewer.context.close()

    # --- The programme manager plans stage 1 and stage 2 with the audit team ------------------------
    from flow import qualify_team

    qualify_team(p)  # the register entries that make this team valid (R4, R7.3.2)
    planner = people.log_in("planner")
    audit_ids = {}
    # 1.5 + 4 auditor-days: the calculated time of an 85-person client whose CMS runs 8 months (R7.3.3).
    # Planned so that both have taken place by today: an audit closes only from its last planned day (R7.4.1-S2).
    for kind, start, end, days in (("stage1", today - timedelta(days=2), today - timedelta(days=2), "1.5"),
                                   ("stage2", today - timedelta(days=1), today, "4")):
        planner.goto("/")
        planner.click(f'main a[href="/applications/{app_id}/plan/"]')
        planner.wait_for_url(f"**/applications/{app_id}/plan/")
        planner.select_option("select[name=kind]", kind)
        planner.fill("input[name=start_date]", start.isoformat())
        planner.fill("input[name=end_date]", end.isoformat())
        planner.fill("input[name=auditor_days]", days)
        planner.select_option("select[name=method]", "FS01")
        planner.select_option("select[name=leader]", str(p.lead.pk))
        planner.select_option("select[name=auditors]", [str(p.auditor.pk)])
        planner.select_option("select[name=experts]", [str(p.expert.pk)])
        submit(planner, "main form")
        planner.wait_for_url(re.compile(r"/audits/\d+/$"))
        audit_ids[kind] = int(re.search(r"/audits/(\d+)/$", planner.url).group(1))
        expect(planner.locator("h1 .status.planned")).to_be_visible()
        planner.click("#edit-agenda")
        submit(planner, "#agenda-form")  # the agenda the page proposes, saved (CB-audit-plan)
        expect(planner.locator("#agenda-saved")).to_be_visible()
        planner.click(f'main a[href="/audits/{audit_ids[kind]}/"]')
        planner.wait_for_url(re.compile(r"/audits/\d+/$"))
        submit(planner, "#issue-plan")  # the audit plan goes to the client and the team (R7.3.1)
        expect(planner.locator(".messages .error")).to_have_count(0)
    planner.context.close()

    # --- The team leader closes stage 1, then stage 2, recommending certification -------------------
    lead = people.log_in("lead")
    for kind in ("stage1", "stage2"):
        lead.goto("/")
        lead.click(f'main a[href="/audits/{audit_ids[kind]}/"]')
        lead.wait_for_url(f"**/audits/{audit_ids[kind]}/")
        if kind == "stage1":
            fill_stage1_record(lead, audit_ids[kind])
        else:
            answer_checklist(lead, audit_ids[kind])
            # The carbon data verified on the carbon page (its own browser test: test_browser_audit_report.py).
            verify_carbon(Audit.objects.get(pk=audit_ids[kind]), p.lead)
        form = 'form[action$="/complete/"]'
        lead.fill(f"{form} textarea[name=conclusion]", "管理体系运行有效，满足认证要求。")
        lead.select_option(f"{form} select[name=recommendation]", "recommend")
        submit(lead, form)
        expect(lead.locator(".messages .error")).to_have_count(0)
        expect(lead.locator("h1 .status.completed")).to_be_visible()
        sign_report(Audit.objects.get(pk=audit_ids[kind]), p.lead)  # the decision rests on it (R7.5.1)
    lead.context.close()

    # --- A decision maker who was not on the team grants certification ------------------------------
    decider = people.log_in("decider")
    decider.click(f'main a[href="/audits/{audit_ids["stage2"]}/"]')
    decider.wait_for_url(f"**/audits/{audit_ids['stage2']}/")
    # The audit page says the audit awaits the decision and leads to the decision page.
    decider.click(f'main a[href="/decisions/audit/{audit_ids["stage2"]}/"]')
    decider.wait_for_url(f"**/decisions/audit/{audit_ids['stage2']}/")
    form = 'form[action$="/decide/"]'
    decider.select_option(f"{form} select[name=outcome]", "grant")
    for condition in ("C1", "C2", "C3", "C4"):
        decider.select_option(f"{form} select[name={condition}_met]", "yes")
        decider.fill(f"{form} input[name={condition}_evidence]", f"审核报告第 {condition[1]} 节")
    submit(decider, form)
    expect(decider.locator(".messages .error")).to_have_count(0)
    expect(decider.locator(".messages .success")).to_be_visible()
    expect(decider.locator(form)).to_have_count(0)  # decided: the form is gone
    decider.context.close()

    # --- The certificate administrator issues the certificate from the decisions list ---------------
    certadmin = people.log_in("certadmin")
    certadmin.click('header a[href="/decisions/"]')
    certadmin.wait_for_url("**/decisions/")
    issue_forms = certadmin.locator('main form[action$="/issue/"]')
    expect(issue_forms).to_have_count(1)
    with certadmin.expect_navigation():
        issue_forms.locator("button[type=submit]").click()
    certadmin.wait_for_url(re.compile(r"/certificates/\d+/$"))
    expect(certadmin.locator("h1 .status.valid")).to_be_visible()
    public_link = certadmin.locator('main a[href^="/register/"]')
    number = re.fullmatch(r"/register/([^/]+)/", public_link.get_attribute("href")).group(1)
    certadmin.context.close()

    # --- Anyone, without logging in, finds the certificate in the public register -------------------
    visitor = people.anonymous("public")
    visitor.goto("/")
    visitor.click('header a[href="/register/"]')
    visitor.wait_for_url("**/register/")
    visitor.fill("input[name=q]", ORG_NAME)
    submit(visitor, "main form")
    row = visitor.locator("main table tr", has=visitor.locator(f'a[href="/register/{number}/"]'))
    expect(row).to_have_count(1)
    expect(row.locator(".status.valid")).to_be_visible()
    expect(visitor.locator("main table")).to_contain_text(ORG_NAME)
    visitor.screenshot(path=str(artifacts / "register.png"), full_page=True)

    row.locator("a").click()
    visitor.wait_for_url(f"**/register/{number}/")
    expect(visitor.locator("#cert-status")).to_have_class(re.compile(r"\bvalid\b"))
    expect(visitor.locator("main .messages .error")).to_have_count(0)  # no "NOT valid" banner
    expect(visitor.locator("main dl.facts")).to_contain_text(ORG_NAME)
    expect(visitor.locator("main dl.facts")).to_contain_text(code("320506MA1X0007"))
    visitor.screenshot(path=str(artifacts / "register-certificate.png"), full_page=True)


def test_client_of_b_gets_404_on_the_application_of_a(people, p):
    """Roles are walls: B's client, logged in, opening the address of A's application sees a 404 page."""
    from flow import complete_application

    app_a = complete_application(p.org_a, p.client_a)
    client_b = people.log_in("client_b")
    for url in (f"/applications/{app_a.pk}/", f"/organisations/{p.org_a.pk}/"):
        response = client_b.goto(url)
        assert response.status == 404, f"{url} gave {response.status}"
        expect(client_b.locator("main")).not_to_contain_text(p.org_a.name)
        expect(client_b.locator("main form")).to_have_count(0)
    # …while B's own organisation opens normally.
    response = client_b.goto(f"/organisations/{p.org_b.pk}/")
    assert response.status == 200
    expect(client_b.locator("main h1")).to_contain_text(p.org_b.name)
