"""A client applies with all documents; the reviewer asks for a supplement, then accepts — through the real UI.

Every step is done by the person whose job it is, logged in in their own browser context. Elements are
found by URLs, field names, ids, status classes and rule keys, never by translated text. The screenshots
in test-artifacts/guide/ are those of the user guides (docs/guide/, see docs/guide/README.md).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from flow import PDF, PNG

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}  # the guides' screenshots: one screen, small files

# The files the client has on disk, named as a client would name them.
FILES = {
    "D1": "认证申请书.pdf", "D2": "营业执照副本.pdf", "D3": "碳管理手册及程序文件.pdf", "D4": "排污许可证.pdf",
    "D5": "严重违法企业名单查询截图.png", "D6": "生产工艺流程图.pdf", "D7": "组织简介及组织机构图.pdf",
    "D8": "固定场所清单.pdf", "D9": "适用法律法规清单.pdf", "D10": "碳评审报告.pdf", "D11": "碳基准目标及措施计划.pdf",
}
MISSING = "1. D10 碳评审报告未覆盖 2024 年度全部排放源，请补充天然气锅炉部分。\n2. 请同时提供更新后的评审报告签字页。"


def submit(page, form: str):
    """Click the submit button of one specific form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def open_details(page, inner: str):
    """Open the collapsed <details> that holds `inner` (the "add" and "upload several" forms)."""
    details = page.locator("details", has=page.locator(inner)).last
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(page.locator(inner)).to_be_visible()


def test_client_applies_reviewer_requests_supplement_then_accepts(people, p, tmp_path, artifacts):
    from tancert.clients.models import Contract

    today = timezone.localdate()
    guide = artifacts / "guide"
    guide.mkdir(exist_ok=True)

    def shot(page, name: str, at: str | None = None, margin: int = 16):
        """A one-screen screenshot for the guide, with `at` (a selector) `margin` pixels below the top."""
        if at:
            page.locator(at).first.evaluate(
                "(e, m) => window.scrollTo({top: e.getBoundingClientRect().top + window.scrollY - m, "
                "behavior: 'instant'})", margin)
        else:
            page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
        page.screenshot(path=str(guide / f"{name}.png"))

    paths = {}
    for doc, name in FILES.items():
        paths[doc] = tmp_path / name
        paths[doc].write_bytes(PNG if name.endswith(".png") else PDF + doc.encode())
    d10_v2 = tmp_path / "碳评审报告（补充天然气锅炉）.pdf"
    d10_v2.write_bytes(PDF + b"D10 v2")

    # --- The client starts a new application from its home page -------------------------------------
    client = people.log_in("client_a")
    client.set_viewport_size(VIEWPORT)
    client.click('main a[href="/applications/new/"]')
    client.wait_for_url("**/applications/new/")
    client.select_option("select[name=kind]", "initial")
    client.fill("textarea[name=scope]", "基础化工原料（烧碱、液氯）生产及相关的碳管理活动")
    client.fill("input[name=cms_started_on]", (today - relativedelta(months=8)).isoformat())
    client.select_option("select[name=industry_code]", "7")
    client.select_option("select[name=industry_requirement]", "GB/T 32151.10-2015 化工")
    shot(client, "client-01-new-application")
    submit(client, "main form")
    client.wait_for_url(re.compile(r"/applications/\d+/$"))
    app_url = client.url.removeprefix(people.base_url)
    app_id = int(re.search(r"/applications/(\d+)/$", app_url).group(1))
    expect(client.locator("h1 .status.draft")).to_be_visible()

    # --- Details: the eligibility panel follows what the client types (htmx, unsaved) -----------------
    details = 'form[action$="/details/"]'
    c2 = client.locator('#eligibility [data-rule="R7.1-C2"]')
    expect(client.locator('#eligibility [data-rule="R7.1-C5"]')).to_be_visible()
    expect(c2).to_have_count(0)
    client.fill(f"{details} input[name=cms_started_on]", (today - relativedelta(months=1)).isoformat())
    expect(c2).to_be_visible()  # running for one month only: not eligible (R7.1-C2)
    client.fill(f"{details} input[name=base_year]", "2024")
    client.fill(f"{details} input[name=baseline_emissions]", "126500")
    shot(client, "client-02-details-eligibility", at="#eligibility")
    client.fill(f"{details} input[name=cms_started_on]", (today - relativedelta(months=8)).isoformat())
    expect(c2).to_have_count(0)  # corrected: the problem is gone before anything is saved
    client.check(f"{details} input[name=licences_applicable]")
    expect(client.locator('#eligibility [data-rule="R7.1-C3"]')).to_be_visible()
    client.fill(f"{details} textarea[name=licences]", "排污许可证 91110108MA0A0001001P，有效期至 2028-06-30")
    client.locator(f"{details} textarea[name=licences]").blur()
    expect(client.locator('#eligibility [data-rule="R7.1-C3"]')).to_have_count(0)
    submit(client, details)
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator(f"{details} input[name=base_year]")).to_have_value("2024")

    # --- One target and one action plan (R7.1-D11, structured data) --------------------------------
    target = 'form[action$="/data/target/"]'
    open_details(client, target)
    client.fill(f"{target} input[name=indicator]", "单位产品综合碳排放强度（烧碱）")
    client.select_option(f"{target} select[name=kind]", "intensity")
    client.fill(f"{target} input[name=unit]", "tCO2e/t")
    client.fill(f"{target} input[name=baseline_value]", "1.32")
    client.fill(f"{target} input[name=target_value]", "1.15")
    client.fill(f"{target} input[name=target_year]", "2027")
    submit(client, target)
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator('#data-target + table form[action*="/remove/"]')).to_have_count(1)

    plan = 'form[action$="/data/action-plan/"]'
    open_details(client, plan)
    client.fill(f"{plan} input[name=title]", "电解槽余热回收改造")
    client.fill(f"{plan} input[name=responsible]", "设备部 赵工")
    client.fill(f"{plan} input[name=due]", (today + relativedelta(months=10)).isoformat())
    client.fill(f"{plan} input[name=expected_reduction]", "5200")
    submit(client, plan)
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator('#data-action-plan + table form[action*="/remove/"]')).to_have_count(1)
    shot(client, "client-03-targets-plans", at="#data-target")

    # --- All 11 documents in one go; the D5 screenshot is 40 days old: a warning, not a block ---------
    open_details(client, "#upload-all")
    for doc, path in paths.items():
        client.set_input_files(f"#upload-all input[name=file_{doc}]", str(path))
    client.fill("#upload-all input[name=date_D5]", (today - timedelta(days=40)).isoformat())
    client.locator("#upload-all input[name=date_D5]").blur()
    shot(client, "client-04-bulk-upload", at="#upload-all", margin=70)
    submit(client, "#upload-all")
    expect(client.locator(".messages .error")).to_have_count(0)
    for doc in FILES:
        expect(client.locator(f"#doc-{doc} a[href*='/documents/file/']")).to_have_text(re.compile(r"^v1 "))
    expect(client.locator("#eligibility .warning")).to_have_count(1)  # D5 older than 30 days
    expect(client.locator("#eligibility .warning")).to_contain_text("D5")
    shot(client, "client-05-uploaded-d5-warning")

    # A current screenshot for D5, with the one-document form: version 2, the warning is gone.
    d5 = 'form[action$="/documents/D5/upload/"]'
    client.set_input_files(f"{d5} input[name=file]", str(paths["D5"]))
    client.fill(f"{d5} input[name=document_date]", today.isoformat())
    submit(client, d5)
    expect(client.locator("#doc-D5 a[href*='/documents/file/']")).to_have_text(re.compile(r"^v2 "))
    expect(client.locator("#eligibility .warning")).to_have_count(0)
    shot(client, "client-06-documents", at="#doc-D1", margin=110)

    # --- The commitment (R7.1-C5), then submit ---------------------------------------------------------
    client.fill("input[name=signed_by]", "张甲 总经理")
    client.fill("input[name=signed_on]", today.isoformat())
    submit(client, 'form[action$="/commitment/"]')
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator("#eligibility .card.next")).to_have_count(0)  # nothing left before submitting
    # The authorised person's declaration that the documents are true (CB-declaration).
    client.fill("form:has(#submit-application) input[name=declarant]", "张甲 总经理")
    client.check("form:has(#submit-application) input[name=declared]")
    with client.expect_navigation():
        client.click("#submit-application")
    expect(client.locator("h1 .status.submitted")).to_be_visible()
    expect(client.locator("#submit-application")).to_have_count(0)  # under review: no longer editable
    shot(client, "client-07-submitted")
    client.context.close()

    # --- The reviewer finds it in the review queue and asks for a supplement ---------------------------
    reviewer = people.log_in("reviewer")
    reviewer.set_viewport_size(VIEWPORT)
    queue_link = reviewer.locator(f'main a[href="/applications/{app_id}/"]')
    expect(queue_link).to_have_count(1)
    shot(reviewer, "reviewer-01-queue")
    queue_link.click()
    reviewer.wait_for_url(f"**/applications/{app_id}/")
    supplement = 'form[action$="/review/supplement/"]'
    reviewer.fill(f"{supplement} textarea[name=missing]", MISSING)
    shot(reviewer, "reviewer-02-supplement", at=supplement, margin=420)
    submit(reviewer, supplement)
    expect(reviewer.locator(".messages .error")).to_have_count(0)
    expect(reviewer.locator("h1 .status.supplement_requested")).to_be_visible()
    expect(reviewer.locator("#accept")).to_have_count(0)  # the clock is stopped until the client resubmits
    reviewer.context.close()

    # --- The client sees the notice, re-uploads D10 (version 2) and resubmits --------------------------
    client = people.log_in("client_a")
    client.set_viewport_size(VIEWPORT)
    expect(client.locator("#notifications-link .badge")).to_be_visible()
    client.click("#notifications-link")
    client.wait_for_url("**/notifications/")
    notice = client.locator(f'main tr.unread a[data-target="/applications/{app_id}/"]')
    expect(notice).to_have_count(1)
    expect(client.locator("main tr.unread")).to_contain_text("D10")  # the reviewer's list, as written
    shot(client, "client-08-supplement-notice")
    notice.click()  # opening it marks it read
    client.wait_for_url(f"**/applications/{app_id}/")
    expect(client.locator("#notifications-link .badge")).to_have_count(0)
    expect(client.locator("h1 .status.supplement_requested")).to_be_visible()
    expect(client.locator("main dl.facts")).to_contain_text("天然气锅炉")

    d10 = 'form[action$="/documents/D10/upload/"]'
    client.set_input_files(f"{d10} input[name=file]", str(d10_v2))
    submit(client, d10)
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator("#doc-D10 a[href*='/documents/file/']")).to_have_text(re.compile(r"^v2 "))
    expect(client.locator("#doc-D10 .muted", has_text=re.compile(r"\(2\b"))).to_have_count(1)  # "(2 versions)"
    shot(client, "client-09-supplement-request")
    # The authorised person's declaration that the documents are true (CB-declaration).
    client.fill("form:has(#submit-application) input[name=declarant]", "张甲 总经理")
    client.check("form:has(#submit-application) input[name=declared]")
    with client.expect_navigation():
        client.click("#submit-application")
    expect(client.locator("h1 .status.submitted")).to_be_visible()
    client.context.close()

    # --- The reviewer accepts with the three R7.2-review questions confirmed ---------------------------
    reviewer = people.log_in("reviewer")
    reviewer.set_viewport_size(VIEWPORT)
    reviewer.click(f'main a[href="/applications/{app_id}/"]')
    reviewer.wait_for_url(f"**/applications/{app_id}/")
    expect(reviewer.locator("#doc-D10 a[href*='/documents/file/']")).to_have_text(re.compile(r"^v2 "))
    for question in ("described", "understands", "competent"):
        reviewer.check(f"input[name={question}]")
    reviewer.fill("form[action$='/review/accept/'] textarea[name=reason]", "补充材料齐全，同意受理。")
    shot(reviewer, "reviewer-03-accept", at="form[action$='/review/accept/']", margin=90)
    with reviewer.expect_navigation():
        reviewer.click("#accept")
    expect(reviewer.locator(".messages .error")).to_have_count(0)
    expect(reviewer.locator("h1 .status.accepted")).to_be_visible()
    expect(reviewer.locator("#contract .status.issued")).to_be_visible()
    expect(reviewer.locator("#record-payment")).to_have_count(0)  # not before the client signs
    reviewer.context.close()

    # --- The client signs the contract --------------------------------------------------------------
    client = people.log_in("client_a")
    client.set_viewport_size(VIEWPORT)
    client.click("#notifications-link")
    client.wait_for_url("**/notifications/")
    client.locator(f'main tr.unread a[data-target="/applications/{app_id}/"]').first.click()
    client.wait_for_url(f"**/applications/{app_id}/")
    expect(client.locator("#contract .status.issued")).to_be_visible()
    expect(client.locator('#contract ~ .card a[href$="/contract.pdf"]')).to_be_visible()
    client.fill("#sign-contract input[name=signer_name]", "张甲 总经理")
    shot(client, "client-10-contract", at="#contract")
    submit(client, "#sign-contract")
    expect(client.locator(".messages .error")).to_have_count(0)
    expect(client.locator("#contract .status.signed")).to_be_visible()
    expect(client.locator("#sign-contract")).to_have_count(0)
    client.context.close()

    # --- The reviewer, notified of the signature, records the payment ------------------------------------
    total = Contract.objects.get(application_id=app_id).total
    reviewer = people.log_in("reviewer")
    reviewer.set_viewport_size(VIEWPORT)
    expect(reviewer.locator("#notifications-link .badge")).to_be_visible()
    reviewer.click("#notifications-link")
    reviewer.wait_for_url("**/notifications/")
    reviewer.locator(f'main tr.unread a[data-target="/applications/{app_id}/"]').first.click()
    reviewer.wait_for_url(f"**/applications/{app_id}/")
    expect(reviewer.locator("#contract .status.signed")).to_be_visible()
    reviewer.fill("#record-payment input[name=amount]", str(total))
    reviewer.fill("#record-payment input[name=reference]", f"银行回单 {today:%Y%m%d}-0031")
    shot(reviewer, "reviewer-04-payment", at="#contract")
    submit(reviewer, "#record-payment")
    expect(reviewer.locator(".messages .error")).to_have_count(0)
    expect(reviewer.locator("#contract .status.paid")).to_be_visible()
    assert Contract.objects.get(application_id=app_id).status == Contract.PAID
