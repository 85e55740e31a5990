"""A stage 2 audit through the real UI: carbon data uploaded, sampled, checked and frozen; one major NC
through the client's corrective action and the auditor's verification; the signed report PDF.

Each person logs in in their own browser context and clicks the links they see; elements are found
by URLs, names, ids and classes, never by visible text. The first page of the report is rendered to
PNG with pdftoppm and kept in test-artifacts/.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from playwright.sync_api import expect

from tancert.audits import actions as audits
from tancert.audits.models import Audit
from tancert.scheme import rulebook

from flow import accept_and_contract, complete_application, plan_initial

pytestmark = pytest.mark.browser


def submit(page, form: str):
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def inventory_json(*, spoil: bool = False) -> bytes:
    import copy
    import json

    from tancert.ghg.example import example_dataset

    data = copy.deepcopy(example_dataset())
    if spoil:  # two bad cells: a negative quantity and an unknown unit
        data["activity"][0]["quantity"] = -1
        data["activity"][1]["unit"] = "furlong"
    return json.dumps(data, ensure_ascii=False).encode()


def answer_mandatory_items(audit, p) -> None:
    """Closing needs the stage 1 record, or every mandatory checklist item answered (the checklist half of
    the audit work, walked through the UI in its own browser tests); here they are filled through the actions."""
    from flow import answer_checklist, fill_stage1

    if audit.kind == Audit.STAGE1:
        fill_stage1(audit, p.lead)
    else:
        answer_checklist(audit, p.lead)


def open_audit(page, audit_id: int):
    page.click(f'main a[href="/audits/{audit_id}/"]')
    page.wait_for_url(f"**/audits/{audit_id}/")


def test_stage2_with_major_nc_and_carbon_verification_to_the_signed_report(people, p, tmp_path, artifacts):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    answer_mandatory_items(s1, p)
    audits.complete_audit(s1, by=p.lead, conclusion="具备第二阶段审核条件", recommendation=Audit.RECOMMEND)
    good, bad = tmp_path / "inventory.json", tmp_path / "inventory-bad.json"
    good.write_bytes(inventory_json())
    bad.write_bytes(inventory_json(spoil=True))

    # --- The client uploads its inventory in the portal: first a file with errors, then the right one ---
    client = people.log_in("client_a")
    open_audit(client, s2.pk)
    client.click("#carbon-link")
    client.wait_for_url(f"**/audits/{s2.pk}/carbon/")
    client.set_input_files("#upload-inventory input[name=file]", str(bad))
    submit(client, "#upload-inventory")
    expect(client.locator("#upload-errors tr.upload-error")).to_have_count(2)
    expect(client.locator("#sample-table")).to_have_count(0)  # nothing imported
    client.set_input_files("#upload-inventory input[name=file]", str(good))
    submit(client, "#upload-inventory")
    expect(client.locator(".messages .success")).to_be_visible()
    expect(client.locator("#inventory-status")).to_have_class(re.compile(r"\bblocking\b"))
    expect(client.locator("#sample-table form.check-form")).to_have_count(0)  # the client does not verify
    client.context.close()

    # --- The auditor checks every sampled record against an independent source ---------------------------
    auditor = people.log_in("auditor")
    open_audit(auditor, s2.pk)
    auditor.click("#carbon-link")
    auditor.wait_for_url(f"**/audits/{s2.pk}/carbon/")
    rows = auditor.locator("#sample-table tr.unchecked")
    total = rows.count()
    assert total == 56  # 18 drawn at random + the months the fraud screening forced in (docs/ghg.md, Screening)
    for _ in range(total):
        row = auditor.locator("#sample-table tr.unchecked").first
        form = row.locator("form.check-form")
        form.locator("select[name=source_kind]").select_option("invoice")
        form.locator("input[name=reference]").fill("发票 No.2024-001")
        form.locator("input[name=value_found]").fill(row.get_attribute("data-quantity"))
        form.locator("select[name=result]").select_option("agrees")
        with auditor.expect_navigation():
            form.locator("button[type=submit]").click()
    expect(auditor.locator("#sample-table tr.checked.agrees")).to_have_count(56)
    auditor.context.close()

    # --- The team leader confirms the blocking calibration finding as a major NC and freezes the figures --
    lead = people.log_in("lead")
    open_audit(lead, s2.pk)
    lead.click("#carbon-link")
    lead.wait_for_url(f"**/audits/{s2.pk}/carbon/")
    confirm = '[id="blocking-R6.2-calibration"] form.confirm-form'
    lead.select_option(f"{confirm} select[name=grade]", "major")
    lead.fill(f"{confirm} input[name=evidence]", "EM-02 检定证书 2024-06-30 到期")
    submit(lead, confirm)
    expect(lead.locator('[id="blocking-R6.2-calibration"] .status.confirmed')).to_be_visible()
    submit(lead, "#freeze")
    expect(lead.locator(".messages .error")).to_have_count(0)
    expect(lead.locator("#frozen-table tr.frozen")).to_have_count(1)
    lead.screenshot(path=str(artifacts / "carbon-verification.png"), full_page=True)
    major = s2.findings.get(grade="major")
    lead.context.close()

    # --- The client answers the major NC ---------------------------------------------------------------
    client = people.log_in("client_a")
    open_audit(client, s2.pk)
    form = f'form[action$="/findings/{major.pk}/respond/"]'
    client.fill(f"{form} textarea[name=correction]", "EM-02 已送检并取得新检定证书")
    client.fill(f"{form} textarea[name=root_cause]", "计量器具检定计划未覆盖新装电表")
    client.fill(f"{form} textarea[name=corrective_action]", "修订计量器具管理程序，每季度核对检定有效期")
    client.fill(f"{form} textarea[name=evidence]", "检定证书 JD-2026-118")
    submit(client, form)
    expect(client.locator(f"#finding-{major.pk} .status.responded")).to_be_visible()
    client.context.close()

    # --- The auditor verifies the correction; the leader closes the audit and signs the report ----------
    answer_mandatory_items(s2, p)
    auditor = people.log_in("auditor")
    open_audit(auditor, s2.pk)
    with auditor.expect_navigation():
        auditor.click(f'form[action$="/findings/{major.pk}/review/"] button[name=outcome][value=verify]')
    expect(auditor.locator(f"#finding-{major.pk} .status.verified")).to_be_visible()
    auditor.context.close()

    lead = people.log_in("lead")
    open_audit(lead, s2.pk)
    form = 'form[action$="/complete/"]'
    lead.fill(f"{form} textarea[name=conclusion]", "碳管理体系符合 T/CCAA 39-2022 要求，运行有效。")
    lead.select_option(f"{form} select[name=recommendation]", "recommend")
    submit(lead, form)
    expect(lead.locator(".messages .error")).to_have_count(0)
    expect(lead.locator("h1 .status.completed")).to_be_visible()
    lead.click("#report-link")
    lead.wait_for_url(f"**/audits/{s2.pk}/report/")
    lead.fill("#sign-report textarea[name=objectives]", "确认碳管理体系符合 T/CCAA 39-2022 并有效运行")
    lead.fill("#sign-report textarea[name=evaluation]", "碳管理体系推动了碳绩效持续改进：2024 年排放较基准年下降。")
    lead.fill("#sign-report textarea[name=focus_R7_4_2_F4]", "碳目标 T1、T2 按进度推进。")
    submit(lead, "#sign-report")
    expect(lead.locator(".messages .error")).to_have_count(0)
    link = lead.locator("#report-versions tr.report-version a.report-pdf")
    expect(link).to_have_count(1)
    response = lead.request.get(people.base_url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    lead.context.close()

    # --- The report: every focus item, the quantitative statement; page 1 kept as PNG ------------------
    from pypdf import PdfReader

    (artifacts / "audit-report.pdf").write_bytes(pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for item in rulebook.FOCUS_ITEMS["initial"]:  # by code and title: the client's report shows no rule key
        assert item.code in text and item.title_zh[:6] in text, item.key
    assert "5,985.8" in text and "7,496.9" in text and "-20.2%" in text and "抽取 56 条" in text
    assert "EM-02" in text and "已验证" in text and "计量器具检定计划未覆盖新装电表" in text
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "80", "-png", "-singlefile",
                    str(artifacts / "audit-report.pdf"), str(artifacts / "audit-report-page1")], check=True)
    assert (artifacts / "audit-report-page1.png").stat().st_size > 10_000

    # --- The decision maker opens the signed report from the audit page ---------------------------------
    decider = people.log_in("decider")
    decider.goto(f"/audits/{s2.pk}/")
    decider.click("#report-link")
    decider.wait_for_url(f"**/audits/{s2.pk}/report/")
    expect(decider.locator("#report-versions a.report-pdf")).to_have_count(1)
    expect(decider.locator("#sign-report")).to_have_count(0)
    decider.context.close()

    # --- An auditor not on the team gets a 404 on the carbon page and the report ------------------------
    outsider = people.log_in("outsider")
    for url in (f"/audits/{s2.pk}/carbon/", f"/audits/{s2.pk}/report/"):
        assert outsider.goto(url).status == 404
