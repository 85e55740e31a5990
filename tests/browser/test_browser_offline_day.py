"""The auditor's day without a network, on a phone (390×844; docs/audits.md §5).

Online in the morning the auditor downloads today's audits on the home page; then the network is cut. The
checklist, the audit page and the carbon page open from the service worker's cache; an answer and a note, a
finding with a photo, the opening check-in with a team photo and a sample check are made offline and wait on the
device. Back online they reach the server exactly once, each through its ordinary action with its record; sending
again sends nothing, and a replayed key changes nothing. Elements are found by names, ids and data attributes.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from playwright.sync_api import expect

from tancert.audits.carbon import actions as carbon
from tancert.audits.models import CheckIn, Finding, OfflineReceipt, SampleCheck
from tancert.audits.models.checklists import ChecklistAnswer, EvidenceEntry
from tancert.records.models import Event

from flow import (
    accept_and_contract,
    complete_application,
    inventory_bytes,
    plan_initial,
    prepare_second_factor,
    second_factor,
)

pytestmark = pytest.mark.browser
PASSWORD = "test-pass-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def today_audit(p):
    """Stage 2 planned over yesterday and today, the client's inventory uploaded (its sample drawn)."""
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p)
    upload = carbon.upload_inventory(s2, by=p.lead, filename="inventory.json", content=inventory_bytes())
    return s2, upload


def jpeg(path, color):
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (800, 600), color).save(buf, format="JPEG", quality=80)
    path.write_bytes(buf.getvalue())
    return str(path)


def log_in(context, username):
    prepare_second_factor(username)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    second_factor(page, username)
    return page


def counts(audit, upload) -> dict:
    return {"answers": ChecklistAnswer.objects.filter(item__checklist__audit=audit).count(),
            "evidence": EvidenceEntry.objects.filter(item__checklist__audit=audit).count(),
            "findings": Finding.objects.filter(audit=audit).count(),
            "checkins": CheckIn.objects.filter(audit=audit).count(),
            "checks": SampleCheck.objects.filter(upload=upload).count()}


def waiting(page) -> int:
    return page.evaluate("() => window.tancertOutbox.entries().then(e => e.length)")


def test_a_day_of_audit_work_without_network_syncs_exactly_once(browser, live_server, p, today_audit, tmp_path,
                                                                 artifacts):
    s2, upload = today_audit
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  service_workers="allow")
    context.set_default_timeout(15_000)
    blocked = []
    page = log_in(context, "auditor")
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    # Online: download today's audits (only those the auditor is on) for offline use.
    page.goto("/")
    button = page.locator("#offline-download")
    expect(button).to_have_text("下载今日审核供离线使用")
    assert page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0  # not yet
    button.click()
    expect(page.locator("#offline-download-status")).to_contain_text("可离线使用")
    page.screenshot(path=str(artifacts / "offline-day-1-downloaded-390.png"), full_page=False)
    page.goto(f"/audits/{s2.pk}/")  # the service worker now answers for the pages
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    before = counts(s2, upload)
    events_before = Event.objects.count()

    context.set_offline(True)
    response = page.goto(f"/audits/{s2.pk}/checklist/")
    assert response is not None and response.from_service_worker and response.ok
    expect(page.locator("#net-status")).to_have_class("net-status offline")
    expect(page.locator("#net-status")).to_contain_text("离线")

    # The checklist: an answer and a note (offline.js), then a finding with a photo (the outbox).
    item = page.locator('[data-item-code="R7.4.2-F1"]')
    item.locator('form[data-offline="answer"] select[name=conformity]').select_option("conforming")
    item.locator('form[data-offline="answer"] button[type=submit]').click()
    item.locator('form[data-offline="evidence"] input[name=text]').fill("合规性评价记录 2026 年版")
    item.locator('form[data-offline="evidence"] button[type=submit]').click()
    flow_item = page.locator('[data-item-code="6.6"]')
    flow_item.locator("details:has(form[data-role=finding]) summary").click()
    form = flow_item.locator("form[data-role=finding]")
    form.locator("select[name=grade]").select_option("minor")
    form.locator("textarea[name=description]").fill("天然气流量计 FT-203 超过检定有效期")
    form.locator("input[name=photo]").set_input_files(jpeg(tmp_path / "流量计.jpg", (40, 110, 160)))
    form.locator("button[type=submit]").click()
    expect(form.locator("p.pending")).to_have_text("已保存在本设备，联网后自动上传。")
    page.screenshot(path=str(artifacts / "offline-day-2-checklist-390.png"), full_page=False)

    # The audit page: the opening check-in with a team photo.
    response = page.goto(f"/audits/{s2.pk}/")
    assert response is not None and response.from_service_worker
    checkin = page.locator("#checkin-form")
    checkin.locator("select[name=meeting]").select_option("opening")
    checkin.locator("input[name=location]").fill("厂区一号会议室")
    checkin.locator("input[name=photos]").set_input_files(jpeg(tmp_path / "审核组.jpg", (160, 120, 40)))
    checkin.locator("button[type=submit]").click()
    expect(checkin.locator("p.pending")).to_be_visible()
    checkin.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "offline-day-3-checkin-390.png"), full_page=False)

    # The carbon page: a sample check against the invoice.
    response = page.goto(f"/audits/{s2.pk}/carbon/")
    assert response is not None and response.from_service_worker
    row = upload.sample[0]["row"]
    check = page.locator(f"#sample-row-{row} form.check-form")
    check.locator("input[name=reference]").fill("增值税发票 No. 0451")
    check.locator("select[name=result]").select_option("agrees")
    check.locator("button[type=submit]").click()
    expect(check.locator("p.pending")).to_be_visible()
    expect(page.locator("#net-status")).to_contain_text("待同步 5 条")
    check.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "offline-day-4-sample-check-390.png"), full_page=False)
    assert waiting(page) == 3
    assert counts(s2, upload) == before and Event.objects.count() == events_before  # nothing reached the server

    # A page that was not downloaded says so, in Chinese.
    page.goto("/certificates/")
    expect(page.locator("h1")).to_have_text("离线")

    # Back online: the outbox is sent at once; the checklist queue when the checklist opens again.
    page.goto(f"/audits/{s2.pk}/carbon/")
    context.set_offline(False)
    page.wait_for_function("() => window.tancertOutbox.state.outbox === 0", timeout=60_000)
    page.goto(f"/audits/{s2.pk}/checklist/")
    page.wait_for_function("() => window.tancertSync.queue().length === 0", timeout=60_000)
    expect(page.locator("#net-status")).to_have_class("net-status synced")
    after = counts(s2, upload)
    assert after == {"answers": before["answers"] + 1, "evidence": before["evidence"] + 2,  # the note and the photo
                     "findings": 1, "checkins": 1, "checks": 1}
    finding = Finding.objects.get(audit=s2)
    photo = finding.evidence_entries.get()
    assert photo.kind == "photo" and photo.content_type == "image/jpeg" and photo.original_name == "流量计.jpg"
    opening = CheckIn.objects.get(audit=s2)
    assert opening.location == "厂区一号会议室" and opening.photos.count() == 1
    assert SampleCheck.objects.get(upload=upload).reference == "增值税发票 No. 0451"
    for action in ("checklist.answered", "finding.raised", "audit.checked_in", "audit.sample_checked"):
        assert Event.objects.filter(action=action, seq__gt=0).exclude(summary="").filter(
            organisation_id=s2.organisation_id).exists(), action
    assert Event.objects.count() == events_before + 6  # answer, note, photo, finding, check-in, sample check
    assert OfflineReceipt.objects.filter(audit=s2).count() == 3
    expect(page.locator('[data-item-code="6.6"] [data-role="evidence"] a')).to_have_count(1)
    page.screenshot(path=str(artifacts / "offline-day-5-synced-390.png"), full_page=False)

    # A second sync sends nothing new.
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.evaluate("() => Promise.all([window.tancertOutbox.flush(), window.tancertSync.flush()])")
    assert posts == [] and counts(s2, upload) == after

    # The check-in's key replayed (a reply lost on the way back): the server answers saved and keeps one.
    receipt = OfflineReceipt.objects.get(audit=s2, kind=OfflineReceipt.CHECKIN)
    png = list(open(jpeg(tmp_path / "again.jpg", (1, 2, 3)), "rb").read())
    reply = page.evaluate("""([url, key, bytes]) => {
        const fd = new FormData();
        fd.append("meeting", "opening"); fd.append("uuid", key);
        fd.append("photos", new Blob([new Uint8Array(bytes)], {type: "image/jpeg"}), "again.jpg");
        const token = document.querySelector('input[name="csrfmiddlewaretoken"]').value;
        return fetch(url, {method: "POST", body: fd, credentials: "same-origin",
                           headers: {"X-Tancert-Outbox": "1", "X-CSRFToken": token}}).then(r => r.json());
    }""", [f"/audits/{s2.pk}/checkins/", str(receipt.uuid), png])
    assert reply == {"status": "saved"} and CheckIn.objects.filter(audit=s2).count() == 1
    assert Event.objects.count() == events_before + 6
    assert not blocked, blocked  # the service worker and the outbox live within the site's CSP

    # Log-out empties the caches: the next person on this phone opens nothing of this auditor's.
    page.goto("/")
    page.locator("#menu-toggle").check(force=True)
    with page.expect_navigation():
        page.locator('form[action$="/accounts/logout/"] button').click()
    assert page.evaluate("() => caches.keys()") == []
    assert page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    context.close()
