"""Meter series in the audit (R6.2-crosscheck, R6.2-calibration; docs/ghg.md "Meter series"): uploaded on the carbon
page and over the API through the upload gate, reconciled in the engine's child, its blocking findings confirmed
or dismissed like the engine's and frozen with the figures; a hostile file is a 4xx and nothing is stored."""

from __future__ import annotations

import csv
import io

import pytest
from carbon_helpers import open_stage2
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tancert.audits.carbon import actions as carbon
from tancert.audits.carbon import meters
from tancert.audits.models.carbon import MeterSeriesUpload
from tancert.ghg.meterexample import example_series
from tancert.people.actions import create_api_token
from tancert.records import uploads

from flow import calibrated, check_whole_sample, inventory_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _series(*, march_factor: float = 1.0) -> bytes:
    """The example's hourly series; March of the gas meter scaled (a month off beyond the tolerance)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["meter_id", "timestamp", "value", "unit"])
    for mid, ts, v, unit in example_series():
        if mid == "FM-01" and ts.startswith("2024-03"):
            v = f"{float(v) * march_factor:.4f}"
        w.writerow([mid, ts, v, unit])
    return out.getvalue().encode()


def _bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_upload_gate_knows_meter_series_by_content():
    assert uploads.examine(b"meter_id,timestamp,value,unit\nFM-01,2024-01-01 00:00,1,Nm3\n", allowed=("csv",)).ok
    assert uploads.examine(b"PAR1" + b"\0" * 20 + b"PAR1", allowed=("csv", "parquet")).kind == "parquet"
    for hostile in (b"\xff\xfe\x00binary\x00", b"meter_id\n<script>alert(1)</script>\n", b"%PDF-1.7 ...",
                    b"PAR1 cut short"):
        assert not uploads.examine(hostile, allowed=("csv", "parquet")).ok, hostile


def test_meter_series_reconciled_on_the_page_and_api_answered_and_frozen(p, client):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="inventory.json", content=inventory_bytes(calibrated))
    url = f"/audits/{s2.pk}/carbon/uploads/{up.pk}/meters/"

    # Hostile files: a 4xx with the reason in Chinese, nothing stored (the gate, then the engine's reader).
    client.force_login(p.client_a)
    for name, content in (("evil.csv", b"meter_id,timestamp\n<script>alert(1)</script>\n"),
                          ("zip.csv", b"PK\x03\x04" + b"\0" * 64), ("bad.csv", b"meter_id,timestamp,value,unit\n"
                                                                              b"FM-01,not a time,abc,Nm3\n")):
        r = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert r.status_code in (400, 422), name
        assert "计量" in r.content.decode() or "文件" in r.content.decode()
    assert not MeterSeriesUpload.objects.exists()
    r = _bearer(p.client_a).post(f"{API}/audits/{s2.pk}/inventories/1/meter-series",
                                 {"file": SimpleUploadedFile("x.csv", b"\x00\x01\x02binary")})
    assert r.status_code == 422 and not MeterSeriesUpload.objects.exists()

    # March of the gas meter 30 % above the inventory: an R6.2-crosscheck month, blocking until answered.
    r = client.post(url, {"file": SimpleUploadedFile("meters.csv", _series(march_factor=1.3))})
    assert r.status_code == 302
    series = meters.current_series(up)
    assert series.blocking and {m["meter_id"] for m in series.report["meters"]} == {"FM-01", "EM-01"}
    block = next(b for b in carbon.blocking_rules(up) if b["rule"] == "meters/R6.2-crosscheck")
    assert block["key"] == "R6.2-crosscheck" and "FM-01" in block["message_zh"]
    page = client.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert 'id="meter-table"' in page and page.count('class="meter-row"') == 2 and "2024-03" in page

    # The API: the team sees it, another client does not; the team leader confirms it as an audit finding.
    listed = _bearer(p.auditor).get(f"{API}/audits/{s2.pk}/inventories/1/meter-series")
    assert listed.status_code == 200 and listed.json()[0]["blocking"]
    assert _bearer(p.client_b).get(f"{API}/audits/{s2.pk}/inventories/1/meter-series").status_code == 404
    check_whole_sample(up, p.auditor)
    for b in carbon.blocking_rules(up):
        if b["rule"] != "meters/R6.2-crosscheck":
            carbon.confirm_data_finding(up, by=p.lead, rule=b["rule"], grade="minor")
    with pytest.raises(Exception) as exc:
        carbon.freeze_figures(s2, by=p.lead)
    assert getattr(exc.value, "key", None) == "R6.2-crosscheck"
    finding = carbon.confirm_data_finding(up, by=p.lead, rule="meters/R6.2-crosscheck", grade="minor")
    assert finding.clause == "R6.2-crosscheck" and "计量数据序列" in finding.description
    frozen = carbon.freeze_figures(s2, by=p.lead)
    kept = frozen.figures["meters"]
    assert kept["sha256"] == series.sha256 and any(b["rule"] == "R6.2-crosscheck" for b in kept["findings_summary"])
    # The report states the reconciliation (its own table) from the frozen figures.
    from tancert.audits.report import actions as report

    content = report.build_content(s2, objectives="初审", deviations="", evaluation="有效", recommendation="recommend")
    assert content["carbon"]["meters"]["rows"][0]["off"] != "" and content["carbon"]["meters"]["findings"]
    assert any("2024-03" in r["off"] for r in content["carbon"]["meters"]["rows"])
