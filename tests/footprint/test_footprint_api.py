"""POST /api/v1/footprints/check: staff and client tokens get the footprint of an uploaded workbook, checked
in the bounded child; a bad workbook or a disguised file is a 422 with its errors, never a 500; nothing is
stored and no record is appended."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from tancert.footprint.template import write_template
from tancert.people.actions import create_api_token, create_staff_user
from tancert.people.models import Role
from tancert.records.models import Event

from flow import register

API = "/api/v1/footprints/check"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("fpapi") / "example.xlsx"
    write_template(path, example_data=True)
    return path.read_bytes()


def _client(user):
    _t, secret = create_api_token(user, "t", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(c, name, content, query=""):
    return c.post(API + query, {"file": _named(name, content)})


def _named(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.mark.django_db
def test_staff_and_client_check_a_workbook_and_bad_ones_are_422(workbook):
    auditor = create_staff_user("fp-auditor", "test-pass-123", roles=[Role.AUDITOR], by=None, display_name="审核员")
    _org, client_user = register("甲化工有限公司", "110108MA0A0001", "fp-client")
    staff, client = _client(auditor), _client(client_user)
    events = Event.objects.count()

    r = _post(staff, "example.xlsx", workbook, "?monte_carlo=100")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {"functional_unit", "total_kgco2e_per_unit", "by_stage", "by_process", "by_gas", "primary_data_share",
            "uncertainty", "findings", "factors_used"} <= set(body)
    assert body["uncertainty"]["monte_carlo"]["iterations"] == 100 and not body["blocking"]
    assert all(f["rule"] for f in body["findings"])

    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    ws = wb["过程 Processes"]
    ws.cell(row=3, column=[c.value for c in ws[2]].index("amount") + 1, value=-1)
    bad = io.BytesIO()
    wb.save(bad)
    r = _post(client, "bad.xlsx", bad.getvalue())
    assert r.status_code == 422 and r.json()["rule"] == "R6.3-pcf"
    errs = r.json()["errors"]
    assert errs[0]["sheet"] == "过程 Processes" and errs[0]["row"] == 3 and errs[0]["message_zh"]

    for name, content in (("fake.xlsx", b"%PDF-1.4\n%%EOF"), ("empty.xlsx", b""), ("junk.xlsx", b"PK\x03\x04junk")):
        r = _post(client, name, content)
        assert r.status_code == 422 and r.json()["rule"] == "R6.3-pcf", (name, r.content)
    r = _post(client, "example.xlsx", workbook, "?monte_carlo=99999999")
    assert r.status_code == 422 and r.json()["field"]
    assert Client().post(API, {"file": _named("x.xlsx", workbook)}).status_code == 401
    assert Event.objects.count() == events  # a check changes nothing
