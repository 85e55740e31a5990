"""On site with a bad connection: checklist entries are kept in the browser and synchronised exactly once;
photo evidence from a phone-sized screen (docs/audits.md §5). Elements are found by names and data attributes."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from playwright.sync_api import expect

from tancert.audits import actions
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistAnswer, ChecklistItem, EvidenceEntry

from flow import (
    accept_and_contract,
    complete_application,
    fill_stage1,
    plan_initial,
    prepare_second_factor,
    second_factor,
)

pytestmark = pytest.mark.browser
PASSWORD = "test-pass-123"


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)
    return s2


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


def card(page, code):
    return page.locator(f'[data-item-code="{code}"]')


def test_entries_made_offline_reach_the_server_exactly_once(people, p, stage2, artifacts):
    page = people.log_in("auditor")
    page.goto(f"/audits/{stage2.pk}/checklist/")
    expect(page.locator("#sync-status")).to_be_visible()
    context = page.context
    context.set_offline(True)
    for code, conformity, note in (("R7.4.2-F1", "conforming", "合规性评价记录 2026 年版"),
                                   ("R7.4.2-F3", "finding", "窑头温度计无校准记录")):
        item = card(page, code)
        item.locator('form[data-offline="answer"] select[name=conformity]').select_option(conformity)
        item.locator('form[data-offline="answer"] button[type=submit]').click()
        item.locator('form[data-offline="evidence"] input[name=text]').fill(note)
        item.locator('form[data-offline="evidence"] button[type=submit]').click()
    queued = page.evaluate("() => window.tancertSync.queue()")
    assert len(queued) == 4 and len({e["uuid"] for e in queued}) == 4
    expect(page.locator("#sync-status.error")).to_be_visible()  # says the entries wait on this device
    page.screenshot(path=str(artifacts / "offline-checklist-queued.png"), full_page=False)
    assert not ChecklistAnswer.objects.filter(item__checklist__audit=stage2).exists()

    context.set_offline(False)  # the browser fires "online"; the queue is sent
    page.wait_for_function("() => window.tancertSync.queue().length === 0", timeout=60_000)
    expect(page.locator("#sync-status.muted")).to_be_visible()
    answers = ChecklistAnswer.objects.filter(item__checklist__audit=stage2)
    notes = EvidenceEntry.objects.filter(item__checklist__audit=stage2)
    assert sorted(str(a.uuid) for a in answers) == sorted(e["uuid"] for e in queued if e["type"] == "answer")
    assert sorted(str(n.uuid) for n in notes) == sorted(e["uuid"] for e in queued if e["type"] == "evidence")
    assert ChecklistItem.objects.get(checklist__audit=stage2, code="R7.4.2-F3").conformity == "finding"

    # A reply lost on the way back means the same queue is sent again: nothing is stored twice.
    results = page.evaluate("""queue => fetch(document.getElementById('sync-status').dataset.syncUrl, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json',
                  'X-CSRFToken': document.getElementById('sync-status').dataset.csrf},
        body: JSON.stringify({entries: queue})}).then(r => r.json())""", queued)
    assert [r["status"] for r in results] == ["saved"] * 4
    assert answers.count() == 2 and notes.count() == 2
    page.reload()
    expect(card(page, "R7.4.2-F1").locator('[data-role="evidence"] li')).to_have_count(1)
    assert json.loads(page.evaluate("() => JSON.stringify(window.tancertSync.queue())")) == []


def test_photo_evidence_from_a_phone_sized_screen(browser, live_server, p, stage2, tmp_path, artifacts):
    from PIL import Image

    photo = tmp_path / "流量计.jpg"
    buf = BytesIO()
    Image.new("RGB", (1200, 900), (40, 110, 160)).save(buf, format="JPEG", quality=85)
    photo.write_bytes(buf.getvalue())
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = log_in(context, "auditor")
    page.goto(f"/audits/{stage2.pk}/checklist/")
    item = card(page, "6.6")
    form = item.locator('form[data-offline="evidence"]')
    form.scroll_into_view_if_needed()
    form.locator("select[name=kind]").select_option("photo")
    form.locator("input[name=text]").fill("天然气流量计 FT-203 铭牌")
    form.locator("input[type=file]").set_input_files(str(photo))
    button = form.locator("button[type=submit]")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # reachable without zooming out
    with page.expect_navigation():
        button.click()
    page.screenshot(path=str(artifacts / "phone-photo-evidence.png"), full_page=False)
    entry = EvidenceEntry.objects.get(item__checklist__audit=stage2, item__code="6.6")
    assert entry.kind == "photo" and entry.content_type == "image/jpeg" and entry.original_name == "流量计.jpg"
    expect(page.locator('[data-item-code="6.6"] [data-role="evidence"] a')).to_have_count(1)
    context.close()
