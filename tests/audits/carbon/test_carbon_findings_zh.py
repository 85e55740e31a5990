"""The carbon page and the confirmed audit finding show the engine's Chinese finding message
(message_zh); the page shows the English one when the UI language is English."""

from __future__ import annotations

import pytest
from carbon_helpers import inventory_bytes, open_stage2

from tancert.audits.carbon import actions as carbon

pytestmark = pytest.mark.django_db

ZH = "数据来自校准有效期之外的计量器具"  # R6.2-calibration (blocking) in the fixture inventory
EN = "outside its calibration validity"


def test_confirmed_data_finding_is_described_in_chinese(p):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    assert all(b["message_zh"] for b in up.results["findings_summary"])
    finding = carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="major")
    assert ZH in finding.description and EN not in finding.description


def test_carbon_page_shows_the_message_in_the_ui_language(p, client):
    s2 = open_stage2(p)
    carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    client.force_login(p.lead)
    page = client.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert ZH in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert EN in page
