"""From the decision to the certificate PDF, its QR code to the public page, then a suspension the
public page shows at once — through the real UI (docs/certificates.md).

The QR code is decoded from the rendered PDF page (poppler's pdftoppm, then zxing-cpp), not read
from the PDF's text: what a phone would scan.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flow import complete_application, through_audits

pytestmark = pytest.mark.browser


def submit(page, form: str):
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def decode_qr(pdf: bytes, tmp_path) -> str:
    import zxingcpp
    from PIL import Image

    (tmp_path / "cert.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(tmp_path / "cert.pdf"),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, codes
    return codes[0].text


def test_decision_to_pdf_qr_public_page_and_suspension(people, p, settings, live_server, tmp_path, artifacts):
    settings.TANCERT_BODY = {**settings.TANCERT_BODY, "public_url": live_server.url}
    stage2 = through_audits(complete_application(p.org_a, p.client_a), p)

    # --- The decision maker finds the audit in the queue and decides on the decision page -----------
    decider = people.log_in("decider")
    decider.click('header a[href="/decisions/"]')
    decider.wait_for_url("**/decisions/")
    decider.click(f'main a[href="/decisions/audit/{stage2.pk}/"]')
    decider.wait_for_url(f"**/decisions/audit/{stage2.pk}/")
    expect(decider.locator(f'#audit-link[href="/audits/{stage2.pk}/"]')).to_be_visible()
    form = 'form[action$="/decide/"]'
    decider.select_option(f"{form} select[name=outcome]", "grant")
    for condition in ("C1", "C2", "C3", "C4"):
        decider.select_option(f"{form} select[name={condition}_met]", "yes")
        decider.fill(f"{form} input[name={condition}_evidence]", f"审核报告第 {condition[1]} 节")
    submit(decider, form)
    expect(decider.locator(".messages .error")).to_have_count(0)
    expect(decider.locator(form)).to_have_count(0)

    # --- The certificate administrator issues it and downloads the PDF/A ---------------------------
    certadmin = people.log_in("certadmin")
    certadmin.click('header a[href="/decisions/"]')
    with certadmin.expect_navigation():
        certadmin.locator('main form[action$="/issue/"] button[type=submit]').click()
    certadmin.wait_for_url(re.compile(r"/certificates/\d+/$"))
    cert_url = certadmin.url
    pdf_href = certadmin.locator('main a[href$="/v1.pdf"]').get_attribute("href")
    pdf = certadmin.request.get(pdf_href).body()
    assert pdf.startswith(b"%PDF")

    # --- The QR code on the PDF leads the public to the certificate's page --------------------------
    url = decode_qr(pdf, tmp_path)
    assert url.startswith(live_server.url + "/register/"), url
    visitor = people.anonymous("public")
    visitor.goto(url)
    expect(visitor.locator("#cert-status")).to_have_class(re.compile(r"\bvalid\b"))
    expect(visitor.locator("main .messages .error")).to_have_count(0)
    visitor.screenshot(path=str(artifacts / "qr-public-valid.png"), full_page=True)

    # --- A decision maker suspends it; the public page shows it at once -----------------------------
    decider.goto(cert_url)
    form = 'form[action$="/suspend/"]'
    decider.select_option(f"{form} select[name=trigger]", "T3")
    decider.fill(f"{form} textarea[name=reason]", "受到生态环境部门行政处罚")
    decider.fill(f"{form} input[name=respond_by]", (timezone.localdate() + timedelta(days=30)).isoformat())
    submit(decider, form)
    expect(decider.locator(".messages .error")).to_have_count(0)
    expect(decider.locator("h1 .status.suspended")).to_be_visible()

    visitor.reload()
    expect(visitor.locator("#cert-status")).to_have_class(re.compile(r"\bsuspended\b"))
    expect(visitor.locator("#cert-status")).not_to_have_class(re.compile(r"\bvalid\b"))
    expect(visitor.locator("main .messages .error")).to_be_visible()  # the "NOT valid" banner
    visitor.screenshot(path=str(artifacts / "qr-public-suspended.png"), full_page=True)
