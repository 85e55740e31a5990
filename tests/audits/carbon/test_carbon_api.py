"""Carbon data verification and the audit report over the API: upload, sample, checks, freeze, sign."""

from __future__ import annotations

import pytest
from carbon_helpers import inventory_bytes, open_stage2
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tancert.audits.models.carbon import InventoryUpload
from tancert.people.actions import create_api_token

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(c, url, data=None):
    return c.post(API + url, data=data or {}, content_type="application/json")


def test_openapi_lists_the_carbon_and_report_endpoints():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/audits/{audit_id}/inventories", "/api/v1/audits/{audit_id}/inventories/{version}/sample",
                 "/api/v1/audits/{audit_id}/inventories/{version}/checks",
                 "/api/v1/audits/{audit_id}/inventories/{version}/confirm", "/api/v1/audits/{audit_id}/frozen-figures",
                 "/api/v1/audits/{audit_id}/reports", "/api/v1/audits/{audit_id}/reports/{version}/pdf"):
        assert path in paths, path


def test_carbon_verification_to_signed_report_through_the_api(p):
    s2 = open_stage2(p)
    client = bearer(p.client_a)
    url = f"{API}/audits/{s2.pk}/inventories"

    def spoil(d):
        d["activity"][0]["unit"] = "parsec"

    r = client.post(url, {"file": SimpleUploadedFile("bad.json", inventory_bytes(spoil))})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.3"
    assert {"sheet", "row", "column", "message", "message_zh"} <= set(r.json()["errors"][0])
    assert r.json()["errors"][0]["message_zh"].startswith("未知的单位")  # the API keeps the Chinese wording
    assert r.json()["errors"][0]["column"] == "unit" and not InventoryUpload.objects.exists()
    r = client.post(url, {"file": SimpleUploadedFile("good.json", inventory_bytes())})
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["blocking"]
    # B's client and an outsider see nothing of it
    assert bearer(p.client_b).get(url).status_code == 404
    assert bearer(p.outsider).get(url).status_code == 404
    auditor = bearer(p.auditor)
    rows = auditor.get(f"{url}/1/sample").json()
    # 18 drawn, plus the records the fraud screening flagged (the example's constant months): 56
    assert len(rows) == 56 and not any(r["checked"] for r in rows)
    for rec in rows:
        r = post(auditor, f"/audits/{s2.pk}/inventories/1/checks",
                 {"row": rec["row"], "source_kind": "meter_reading", "reference": "抄表记录", "result": "agrees",
                  "value_found": rec["quantity"]})
        assert r.status_code == 201, r.json()
    lead = bearer(p.lead)
    assert post(lead, f"/audits/{s2.pk}/frozen-figures").json()["rule"] == "R6.2-calibration"
    r = post(lead, f"/audits/{s2.pk}/inventories/1/confirm", {"rule": "R6.2-calibration", "grade": "major"})
    assert r.status_code == 201 and r.json()["clause"] == "R6.2-calibration"
    r = post(lead, f"/audits/{s2.pk}/frozen-figures")
    assert r.status_code == 201 and r.json()["figures"]["total_tco2e"] == pytest.approx(5985.8, abs=0.1)
    r = post(lead, f"/audits/{s2.pk}/reports", {"objectives": "确认符合性", "evaluation": "推动改进",
                                                "recommendation": "recommend"})
    assert r.status_code == 201 and r.json()["version"] == 1 and len(r.json()["focus_items"]) == 9
    assert post(auditor, f"/audits/{s2.pk}/reports", {"objectives": "x", "evaluation": "y",
                                                      "recommendation": "recommend"}).status_code == 403
    pdf = bearer(p.decider).get(f"{API}/audits/{s2.pk}/reports/1/pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"{API}/audits/{s2.pk}/reports").status_code == 404  # client: not before the decision


def test_a_hostile_workbook_is_a_422_and_the_server_lives_on(p, tmp_path):
    """A 1.5 KB .xlsx whose one cell sits at XFD1048576 used to abort the whole server process
    (tancert/ghg/guard.py); now it is refused with the sheet's extent, nothing stored."""
    import io
    import zipfile

    from tancert.ghg.template import write_template

    src = write_template(tmp_path / "t.xlsx", example=False)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            data = zin.read(m.filename)
            if m.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                                                     b"</sheetData>", 1)
            zout.writestr(m.filename, data)
    s2 = open_stage2(p)
    r = bearer(p.client_a).post(f"{API}/audits/{s2.pk}/inventories",
                                {"file": SimpleUploadedFile("far.xlsx", out.getvalue())})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.3"
    assert "1,048,576" in r.json()["errors"][0]["message_zh"]
    assert not InventoryUpload.objects.exists()
