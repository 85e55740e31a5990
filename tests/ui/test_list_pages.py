"""Every list page with search, filters, sort, paging and its Excel export (docs/web.md, "Lists"): one world built
the real way (tests/flow.py), then per list — the filter finds organisation A's row and another filter drops it,
the export holds the same rows in a real .xlsx with the page's Chinese headers, and behind the wall (client B, an
auditor not on A's audits) neither the page nor the export shows A."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from flow import complete_application, enrol_second_factor, register, through_audits

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """A certified after a major nonconformity it corrected (verified); B with a submitted application; a
    complaint A's client lodged."""
    from django.test import override_settings

    from tancert.audits.findings import actions as findings
    from tancert.certificates import actions as certs
    from tancert.certificates.complaints.actions import lodge_complaint
    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role

    from flow import CONDITIONS_MET

    base = tmp_path_factory.getbasetemp()
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(base / "lists-media"), DATA_DIR=base / "lists-data", LANGUAGE_CODE="zh-hans",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        def staff(username, *roles):
            user = create_staff_user(username, "test-pass-123", roles=list(roles), by=None, display_name=username)
            enrol_second_factor(user)
            return user

        org_a, client_a = register("甲化工有限公司", "110108MA0A0001", "client_a")
        org_b, client_b = register("乙钢铁有限公司", "110108MA0B0002", "client_b")
        p = SimpleNamespace(
            org_a=org_a, client_a=client_a, org_b=org_b, client_b=client_b,
            reviewer=staff("reviewer", Role.APPLICATION_REVIEWER), planner=staff("planner", Role.PROGRAMME_MANAGER),
            lead=staff("lead", Role.AUDITOR), auditor=staff("auditor", Role.AUDITOR),
            outsider=staff("outsider", Role.AUDITOR), expert=staff("expert", Role.TECHNICAL_EXPERT),
            decider=staff("decider", Role.DECISION_MAKER),
            decider_who_audited=staff("decider2", Role.DECISION_MAKER, Role.AUDITOR),
            certadmin=staff("certadmin", Role.CERTIFICATE_ADMIN), sysadmin=staff("sysadmin", Role.SYSTEM_ADMIN))
        app = complete_application(org_a, client_a)
        s2 = through_audits(app, p, major=True)
        major = s2.findings.get()
        findings.respond_to_finding(major, by=client_a, correction="重新核算碳基准", root_cause="程序缺失",
                                    corrective_action="修订碳基准程序", evidence="碳基准报告 v2")
        findings.review_finding_response(major, by=p.lead, outcome="verify")
        cert = certs.issue_certificate(certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET),
                                       by=p.certadmin)
        complete_application(org_b, client_b)
        complaint = lodge_complaint(by=client_a, name="甲", contact="a@example.com", text="审核安排不合理")
        yield SimpleNamespace(p=p, cert=cert, complaint=complaint)
        transaction.set_rollback(True)


# list → (viewer, the query that finds A's row, one that drops it, A's mark, the first header, walled personas)
LISTS = {
    "records": ("planner", "subject=certificate&sort=seq", "subject=calendar", lambda w: w.cert.number, "#", ()),
    "organisations": ("planner", "q=甲化工&application=accepted&sort=-code", "application=draft",
                      lambda w: "甲化工有限公司", "名称", ("client_b", "outsider")),
    "applications": ("reviewer", "q=110108MA0A0001&status=accepted&kind=initial&sort=organisation", "status=draft",
                     lambda w: "甲化工有限公司", "组织", ("client_b", "outsider")),
    "audits": ("lead", "kind=stage2&status=completed&start_from=2000-01-01&sort=-kind", "status=planned",
               lambda w: "甲化工有限公司", "组织", ("client_b", "outsider")),
    "findings": ("client_a", "grade=major&status=verified&due=closed&q=碳基准&sort=due", "due=overdue",
                 lambda w: "碳基准未调整", "组织", ("client_b", "outsider")),
    "certificates": ("certadmin", "status=valid&q=甲化工&surveillance=none&sort=expiry", "status=suspended",
                     lambda w: w.cert.number, "编号", ("client_b", "outsider")),
    "complaints": ("planner", "state=received&channel=client&received_from=2000-01-01", "state=decided",
                   lambda w: w.complaint.reference, "编号", ("client_b", "outsider")),
    "auditors": ("planner", "role=auditor&q=lead&sort=-registration", "role=technical_expert",
                 lambda w: "lead", "名称", ()),
}
EXPORT = {"organisations": "/organisations/export.xlsx", "applications": "/applications/export.xlsx",
          "audits": "/audits/export.xlsx", "findings": "/findings/export.xlsx", "records": "/records/export.xlsx",
          "certificates": "/certificates/export.xlsx", "complaints": "/complaints/export.xlsx",
          "auditors": "/auditors/export.xlsx"}


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _table(client, name: str, query: str) -> str:
    r = client.get(f"/{name}/?{query}")
    assert r.status_code == 200, (name, query, r.status_code)
    return re.search(rf'<table class="list" id="{name}-table">.*?</table>', r.content.decode(), re.S).group(0)


def _cells(client, name: str, query: str) -> list[list]:
    r = client.get(f"{EXPORT[name]}?{query}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), r.status_code
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows()]


@pytest.mark.parametrize("name", LISTS)
def test_each_list_filters_sorts_exports_and_keeps_its_wall(world, name):
    viewer, hit, miss, mark, first_header, walled = LISTS[name]
    mark = mark(world)
    client = _as(getattr(world.p, viewer))
    assert mark in _table(client, name, hit)
    assert mark not in _table(client, name, miss)
    rows = _cells(client, name, hit)
    assert rows[0][0] == first_header and any(mark in str(v) for row in rows[1:] for v in row)
    assert not any(mark in str(v) for row in _cells(client, name, miss)[1:] for v in row)
    for persona in walled:
        other = _as(getattr(world.p, persona))
        page = other.get(f"/{name}/?{hit}")
        assert page.status_code in (302, 403) or "甲化工" not in _table(other, name, hit), persona
        export = other.get(f"{EXPORT[name]}?{hit}")
        assert export.status_code == 403 or not any(
            "甲化工" in str(v) or mark in str(v) for row in _cells(other, name, "")[1:] for v in row), persona


def test_office_only_lists_refuse_others_page_and_export(world):
    for name in ("records", "auditors"):
        for persona in ("client_a", "outsider"):
            client = _as(getattr(world.p, persona))
            assert client.get(EXPORT[name]).status_code == 403, (name, persona)
    assert _as(world.p.client_a).get("/records/").status_code == 403
    assert Client().get("/findings/export.xlsx").status_code == 302  # anonymous: to the log-in page


def test_paging_keeps_the_filters_and_a_page_past_the_end_is_the_last(world):
    client = _as(world.p.planner)
    page = client.get("/records/?subject=audit&size=25").content.decode()
    following = re.search(r'href="\?([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "subject=audit" in following and "page=2" in following
    last = client.get("/records/?subject=audit&page=" + "9" * 9)
    assert last.status_code == 200 and 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    assert client.get("/records/?page=" + "9" * 40 + "&size=" + "9" * 40 + "&sort=" + "x" * 500).status_code == 200
