"""The pages of complaints and appeals: the public process page, the staff list with filter and Excel export,
and the walls between clients."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tancert.certificates.complaints import actions

pytestmark = pytest.mark.django_db


def test_the_process_page_is_public_and_chinese():
    r = Client().get("/complaints/process/")
    assert r.status_code == 200 and "投诉与申诉" in r.content.decode() and "30 个工作日" in r.content.decode()


def test_staff_list_filters_and_exports(p, client):
    c = actions.lodge_complaint(by=p.planner, name="李女士", contact="010-1234", text="电话投诉：审核员态度")
    client.force_login(p.planner)
    page = client.get("/complaints/?state=received").content.decode()
    assert c.reference in page
    assert c.reference not in client.get("/complaints/?state=decided").content.decode()
    r = client.get("/complaints/?format=xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["编号", "渠道", "状态"] and sheet["A2"].value == c.reference


def test_a_client_sees_only_its_own_complaints(p):
    c = actions.lodge_complaint(by=p.client_a, name="甲", contact="a@example.com", text="审核安排不合理")
    own, other = Client(), Client()
    own.force_login(p.client_a)
    other.force_login(p.client_b)
    assert own.get(f"/complaints/{c.pk}/").status_code == 200
    assert other.get(f"/complaints/{c.pk}/").status_code == 404
    assert c.reference not in other.get("/complaints/").content.decode()
    assert Client().get(f"/complaints/{c.pk}/").status_code == 302  # the public: to the log-in page
