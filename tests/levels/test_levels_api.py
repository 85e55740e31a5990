"""The project and event engines over /api/v1/ (docs/projects.md, docs/events.md): the upload gate first,
the CLI's JSON keys back, bad workbooks a 422 located by sheet, row and column."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tancert.people.actions import create_api_token

API = "/api/v1"


@pytest.fixture
def c(p):
    _t, secret = create_api_token(p.client_a, "t", by=p.client_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _upload(c, path: str, content: bytes, name: str = "w.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return c.post(f"{API}{path}", {"file": f})


def test_templates_download_and_check_round_trip(c):
    for kind, keys in (("projects", {"baseline_tco2e", "project_tco2e", "leakage_tco2e", "reductions_tco2e",
                                     "by_period", "findings", "factors_used"}),
                       ("events", {"total_tco2e", "by_category", "by_phase", "offsets_retired_tco2e", "balance_tco2e",
                                   "neutral", "findings", "factors_used"})):
        r = c.get(f"{API}/{kind}/template?example=true")
        assert r.status_code == 200
        body = b"".join(r.streaming_content)
        r = _upload(c, f"/{kind}/check", body)
        assert r.status_code == 200, r.content
        assert keys <= set(r.json())
    assert r.json()["neutral"] is True


def test_bad_files_are_422_and_located(c, tmp_path):
    r = _upload(c, "/projects/check", b"%PDF-1.4 not a workbook")
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = Client().post(f"{API}/events/check")
    assert r.status_code in (401, 403)
    import openpyxl

    from tancert.events.template import write_template

    buf = io.BytesIO()
    wb = openpyxl.load_workbook(write_template(tmp_path / "e.xlsx", example=True))
    wb["排放 Emissions"]["D4"] = "lots"
    wb.save(buf)
    r = _upload(c, "/events/check", buf.getvalue())
    assert r.status_code == 422
    e = r.json()["errors"][0]
    assert (e["sheet"], e["row"], e["column"]) == ("排放 Emissions", 4, "quantity")
    assert "不是数字" in e["message_zh"] and "not a number" in e["message"]


def _client(user):
    _t, secret = create_api_token(user, "t", by=user if user.is_client else None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_serial_offsets_once_in_the_whole_platform(p, tmp_path):
    from tancert.clients.offsets.models import RetiredOffset
    from tancert.events.template import write_template
    from tancert.records.models import Event

    content = write_template(tmp_path / "e.xlsx", example=True).read_bytes()
    r = _upload(_client(p.reviewer), "/events/register", content)
    assert r.status_code == 403  # staff register nothing for an organisation
    r = _upload(_client(p.client_a), "/events/register", content)
    assert r.status_code == 201, r.content
    assert r.json()["registered"] == ["示例-CCER-0001", "示例-CEA-0001"]  # the green certificate does not count
    assert Event.objects.filter(action="organisation.event_offsets_registered", organisation_id=p.org_a.pk).count() == 1
    other = _client(p.client_b)
    before = Event.objects.count()
    r = _upload(other, "/events/register", content)  # the same serials for another event
    assert r.status_code == 422 and r.json()["rule"] == "R5.d"
    assert "示例-CCER-0001" in r.json()["message_zh"]
    assert RetiredOffset.objects.count() == 2 and Event.objects.count() == before  # nothing half-written


def test_the_database_refuses_a_serial_twice(p):
    from django.db import IntegrityError, transaction

    from tancert.clients.offsets.models import RetiredOffset

    row = {"serial": "CCER-1", "serial_as_given": "CCER-1", "kind": "CCER", "vintage": 2024, "tco2e": 1.0,
           "event_name": "x", "workbook_sha256": "0" * 64}
    RetiredOffset.objects.create(organisation=p.org_a, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        RetiredOffset.objects.create(organisation=p.org_b, **row)
