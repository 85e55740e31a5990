"""Pages of the carbon verification and the report, against every persona (walls)."""

from __future__ import annotations

import pytest
from carbon_helpers import inventory_bytes, open_stage2, verified_and_frozen
from django.core.files.uploadedfile import SimpleUploadedFile

from tancert.audits.carbon import actions as carbon
from tancert.audits.models.carbon import InventoryUpload
from tancert.audits.report import actions as report

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def test_carbon_page_walls(p, client):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    urls = [f"/audits/{s2.pk}/carbon/", f"/audits/{s2.pk}/carbon/uploads/{up.pk}/file/"]
    for who, status in ((p.lead, 200), (p.auditor, 200), (p.expert, 200), (p.client_a, 200), (p.client_b, 404),
                        (p.outsider, 404), (p.decider, 404), (p.reviewer, 404)):
        c = client_for(client, who)
        for url in urls:
            assert c.get(url).status_code == status, (who.username, url)
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the log-in page


def test_client_uploads_in_the_portal_and_sees_errors_per_row(p, client):
    s2 = open_stage2(p)
    c = client_for(client, p.client_a)

    def spoil(d):
        d["activity"][3]["quantity"] = "abc"

    r = c.post(f"/audits/{s2.pk}/carbon/upload/",
               {"file": SimpleUploadedFile("bad.json", inventory_bytes(spoil), "application/json")})
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="upload-errors"' in body and "quantity" in body and "R7.4.3" in body
    assert not InventoryUpload.objects.exists()
    r = c.post(f"/audits/{s2.pk}/carbon/upload/",
               {"file": SimpleUploadedFile("good.json", inventory_bytes(), "application/json")})
    assert r.status_code == 302 and InventoryUpload.objects.get().uploaded_by == p.client_a
    page = c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert "5,985.8" in page or "5985.8" in page
    assert 'class="check-form"' not in page  # the client does not check its own data
    # B's client cannot upload into A's audit
    c = client_for(client, p.client_b)
    r = c.post(f"/audits/{s2.pk}/carbon/upload/",
               {"file": SimpleUploadedFile("good.json", inventory_bytes(), "application/json")})
    assert r.status_code == 404 and InventoryUpload.objects.count() == 1


def test_upload_errors_are_chinese_first_and_english_on_request(p, client):
    from django.conf import settings

    s2 = open_stage2(p)
    c = client_for(client, p.client_a)

    def spoil(d):
        d["activity"][3]["quantity"] = "abc"

    def post():
        r = c.post(f"/audits/{s2.pk}/carbon/upload/",
                   {"file": SimpleUploadedFile("bad.json", inventory_bytes(spoil), "application/json")})
        assert r.status_code == 422
        return r.content.decode().split('id="upload-errors"', 1)[1].split("</table>", 1)[0]

    table = post()
    assert "不是数字" in table and "is not a number" not in table
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    table = post()
    assert "is not a number" in table and "不是数字" not in table


def test_auditor_checks_confirms_and_freezes_through_the_page(p, client):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    c = client_for(client, p.auditor)
    assert 'class="check-form"' in c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    for rec in up.sample:
        r = c.post(f"/audits/{s2.pk}/carbon/uploads/{up.pk}/check/",
                   {"row": rec["row"], "source_kind": "ledger", "reference": "台账", "value_found": rec["quantity"],
                    "result": "agrees", "grade": "minor", "note": ""})
        assert r.status_code == 302
    assert up.checks.count() == len(up.sample)
    r = c.post(f"/audits/{s2.pk}/carbon/uploads/{up.pk}/confirm/", {"rule": "R6.2-calibration", "grade": "minor"})
    assert r.status_code == 302 and up.confirmed.count() == 1
    r = c.post(f"/audits/{s2.pk}/carbon/freeze/")
    assert r.status_code == 302 and s2.frozen_figures.count() == 1
    # an outsider cannot post a check
    c = client_for(client, p.outsider)
    assert c.post(f"/audits/{s2.pk}/carbon/freeze/").status_code == 404


def test_report_page_walls_and_signing(p, client):
    s2, _frozen = verified_and_frozen(p)
    c = client_for(client, p.lead)
    form = {"objectives": "确认符合性", "deviations": "", "combined_with": "", "evaluation": "推动改进",
            "recommendation": "recommend", "focus_R7_4_2_F1": "合规义务清单已更新"}
    r = c.post(f"/audits/{s2.pk}/report/", form)
    assert r.status_code == 302 and s2.reports.count() == 1
    pdf_url = f"/audits/{s2.pk}/report/v1.pdf"
    for who, status in ((p.lead, 200), (p.auditor, 200), (p.decider, 200), (p.client_a, 404), (p.client_b, 404),
                        (p.outsider, 404)):
        c = client_for(client, who)
        assert c.get(f"/audits/{s2.pk}/report/").status_code == status, who.username
        resp = c.get(pdf_url)
        assert resp.status_code == status, who.username
        if status == 200:
            assert b"".join(resp.streaming_content).startswith(b"%PDF")
    # only the leader signs: another team member's POST changes nothing
    c = client_for(client, p.auditor)
    assert c.post(f"/audits/{s2.pk}/report/", form).status_code == 404
    assert s2.reports.count() == 1
    assert report.current_report(s2).content["focus"][0]["note"] == "合规义务清单已更新"


def test_report_page_shows_the_r751_gate(p, client):
    s2 = open_stage2(p)
    c = client_for(client, p.lead)
    r = c.post(f"/audits/{s2.pk}/report/", {"objectives": "x", "evaluation": "y", "recommendation": "recommend"})
    assert r.status_code == 200 and "R7.5.1" in r.content.decode() and s2.reports.count() == 0


def test_pages_are_chinese_first_and_english_on_request(p, client):
    from django.conf import settings

    s2, _frozen = verified_and_frozen(p)
    c = client_for(client, p.lead)
    assert "碳数据核查" in c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert "签署审核报告" in c.get(f"/audits/{s2.pk}/report/").content.decode()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Carbon data verification" in c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    page = c.get(f"/audits/{s2.pk}/report/").content.decode()
    assert "Sign the report" in page and "Achievement of objectives" in page  # focus titles in English


def test_client_opens_the_report_only_after_the_decision(p, client):
    from tancert.audits import actions as audits
    from tancert.audits.findings import actions as finding_actions
    from tancert.certificates import actions as certs

    from flow import CONDITIONS_MET, answer_checklist

    s2, _frozen = verified_and_frozen(p)
    report.sign_report(s2, by=p.lead, objectives="目的", evaluation="评价", recommendation="recommend")
    c = client_for(client, p.client_a)
    assert c.get(f"/audits/{s2.pk}/report/").status_code == 404
    assert 'id="report-link"' not in c.get(f"/audits/{s2.pk}/").content.decode()
    minor = s2.findings.get(clause="R6.2-calibration")
    finding_actions.respond_to_finding(minor, by=p.client_a, correction="送检", root_cause="遗漏", corrective_action="修订程序")
    finding_actions.review_finding_response(minor, by=p.auditor, outcome="accept")
    answer_checklist(s2, p.lead)
    audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation="recommend")
    certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    assert 'id="report-link"' in c.get(f"/audits/{s2.pk}/").content.decode()
    page = c.get(f"/audits/{s2.pk}/report/").content.decode()
    assert 'class="report-pdf"' in page and 'id="sign-report"' not in page
    assert c.get(f"/audits/{s2.pk}/report/v1.pdf").status_code == 200
    assert client_for(client, p.client_b).get(f"/audits/{s2.pk}/report/v1.pdf").status_code == 404
