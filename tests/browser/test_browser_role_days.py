"""Each role's day in the browser, at 1366 px and at 390 px (docs/web.md, Tests): the person signs in, starts
from the home's work queue, follows its button, then opens the pages of their day — by clicking the links they
see where there is one. On every page: a 200, nothing wider than the screen, no Latin error text, and a
screenshot kept as a test artifact (test-artifacts/day-<role>-<step>-<width>.png).

One world serves every role: it is built once, the real way (tests/flow.py — actions, no shortcuts), then kept
as a Django fixture and loaded before each role's test, as ``serialized_rollback`` does. Each role's test is
then a few seconds instead of the minute the world takes to build.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = ((1366, 900), (390, 844))
KEEP_OUT = ["contenttypes", "auth.permission", "sessions", "axes"]


def _purge_records() -> None:
    """Empty the append-only record table the way tests/conftest.py does before a flush."""
    from importlib import import_module

    from django.db import connection

    triggers = import_module("tancert.records.migrations.0002_append_only_triggers")
    with connection.cursor() as cur:
        for sql in triggers.statements(connection.vendor, drop=True):
            cur.execute(sql)
        cur.execute("DELETE FROM records_event")
        for sql in triggers.statements(connection.vendor):
            cur.execute(sql)


@pytest.fixture(scope="module")
def world_dump(django_db_setup, django_db_blocker, tmp_path_factory):
    """A certified (its surveillance window ahead); B audited with a major nonconformity open for its answer;
    C an application waiting for review; A's audit team on both audits. Returns the fixture file."""
    from tancert.certificates import actions as certs
    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role

    from flow import CONDITIONS_MET, complete_application, enrol_second_factor, register, through_audits

    base = tmp_path_factory.getbasetemp()
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(base / "media"), DATA_DIR=base / "data", LANGUAGE_CODE="zh-hans",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        def staff(username, *roles):
            user = create_staff_user(username, "test-pass-123", roles=list(roles), by=None, display_name=username)
            enrol_second_factor(user)
            return user

        try:
            org_a, client_a = register("甲化工有限公司", "110108MA0A0001", "client_a")
            org_b, client_b = register("乙钢铁有限公司", "110108MA0B0002", "client_b")
            p = SimpleNamespace(
                org_a=org_a, client_a=client_a, org_b=org_b, client_b=client_b,
                reviewer=staff("reviewer", Role.APPLICATION_REVIEWER), planner=staff("planner", Role.PROGRAMME_MANAGER),
                lead=staff("lead", Role.AUDITOR), auditor=staff("auditor", Role.AUDITOR),
                expert=staff("expert", Role.TECHNICAL_EXPERT), decider=staff("decider", Role.DECISION_MAKER),
                decider_who_audited=staff("decider2", Role.DECISION_MAKER, Role.AUDITOR),
                certadmin=staff("certadmin", Role.CERTIFICATE_ADMIN), sysadmin=staff("sysadmin", Role.SYSTEM_ADMIN))
            s2a = through_audits(complete_application(org_a, client_a), p,
                                 start=timezone.localdate() - timedelta(days=12))
            certs.issue_certificate(certs.decide(s2a, by=p.decider, outcome="grant", conditions=CONDITIONS_MET),
                                    by=p.certadmin)
            through_audits(complete_application(org_b, client_b), p, major=True)
            org_c, client_c = register("丙食品有限公司", "110108MA0C0003", "client_c")
            complete_application(org_c, client_c)
            out = io.StringIO()
            call_command("dumpdata", natural_foreign=True, exclude=KEEP_OUT, stdout=out)
            path = base / "role-days-world.json"
            path.write_text(out.getvalue(), encoding="utf-8")
        finally:  # whatever happened, the next test starts from an empty database
            _purge_records()
            call_command("flush", interactive=False, verbosity=0)
    return path


@pytest.fixture
def world(world_dump, transactional_db):
    call_command("loaddata", str(world_dump), verbosity=0)
    from tancert.audits.models import Audit, Finding
    from tancert.certificates.models import Certificate
    from tancert.clients.models import Application

    return SimpleNamespace(
        cert=Certificate.objects.get(organisation__name="甲化工有限公司"),
        finding=Finding.objects.get(audit__organisation__name="乙钢铁有限公司", grade="major"),
        audit_b=Audit.objects.get(organisation__name="乙钢铁有限公司", kind=Audit.STAGE2),
        application_c=Application.objects.get(organisation__name="丙食品有限公司"),
    )


def look(page, artifacts, who: str, step: str, path: str | None = None) -> None:
    """The page at both widths: loads, fits the screen, screenshot kept. Without a path, the page the person
    reached by clicking is looked at as it is, at each width."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.status == 200, (who, step, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (who, step, width)
        assert "Traceback" not in page.content()
        page.screenshot(path=str(artifacts / f"day-{who}-{step}-{width}.png"), full_page=True)


def follow(page, selector: str) -> str:
    """Click a link or button the person sees and return where it led."""
    with page.expect_navigation():
        page.locator(selector).first.click()
    return page.url


def client_a_day(page, w, look):
    # certified: the next step is the surveillance window, its button the certificate
    expect(page.locator("#next-step")).to_contain_text("监督审核")
    follow(page, "#next-step-button")
    assert page.url.endswith(f"/certificates/{w.cert.pk}/")
    look("certificate")
    look("notifications", "/notifications/")
    look("account", "/me/")


def client_b_day(page, w, look):
    # a major nonconformity waits for its answer: the button opens it on the audit page
    follow(page, "#next-step-button")
    assert f"/audits/{w.audit_b.pk}/" in page.url
    expect(page.locator(f"#finding-{w.finding.pk}")).to_be_visible()
    look("finding")
    look("findings", "/findings/")


def reviewer_day(page, w, look):
    follow(page, f'main table a[href="/applications/{w.application_c.pk}/"]')
    look("application")
    look("applications", "/applications/")


def planner_day(page, w, look):
    expect(page.locator("#chart-auditors")).to_be_visible()
    look("audits", "/audits/")
    look("calendar", "/audits/calendar/")
    look("organisations", "/organisations/")
    look("auditors", "/auditors/")


def lead_day(page, w, look):
    follow(page, "header.top nav a[href='/audits/']")
    look("audits")
    look("audit", f"/audits/{w.audit_b.pk}/")
    look("checklist", f"/audits/{w.audit_b.pk}/checklist/")
    look("report", f"/audits/{w.audit_b.pk}/report/")


def decider_day(page, w, look):
    # B's stage 2 waits for its major nonconformity to be verified (R7.5.2): not in the queue, but its decision
    # page says why
    follow(page, "header.top nav a[href='/decisions/']")
    look("decisions")
    look("decision", f"/decisions/audit/{w.audit_b.pk}/")
    look("certificate", f"/certificates/{w.cert.pk}/")


def certadmin_day(page, w, look):
    look("certificates", "/certificates/")
    look("certificate", f"/certificates/{w.cert.pk}/")
    look("overview", "/certificates/dashboard/")


def sysadmin_day(page, w, look):
    expect(page.locator("#chain-status")).to_be_visible()
    follow(page, "#lockouts a[href='/accounts/users/']")
    look("users")
    look("records", "/records/")
    # The API's docs page works with no network beyond this server: Swagger UI is served from our static files.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)  # the schema is large
    origin = page.url.split("/api/")[0]
    assert requests and all(u.startswith(origin) or u.startswith("data:") for u in requests), requests
    look("api-docs")


DAYS = {"client_a": client_a_day, "client_b": client_b_day, "reviewer": reviewer_day, "planner": planner_day,
        "lead": lead_day, "decider": decider_day, "certadmin": certadmin_day, "sysadmin": sysadmin_day}


@pytest.mark.parametrize("who", list(DAYS))
def test_a_day_of(who, people, world, artifacts):
    page = people.log_in(who)
    look(page, artifacts, who, "home")
    page.set_viewport_size({"width": 1366, "height": 900})
    DAYS[who](page, world, lambda step, path=None: look(page, artifacts, who, step, path))
    page.context.close()
