"""Personas (docs/architecture.md, Tests) and shared fixtures.

| persona              | rights                                                        |
|----------------------|---------------------------------------------------------------|
| client_a / client_b  | only their own organisation (A / B)                           |
| reviewer             | application reviewer: acceptance review                       |
| planner              | programme manager: plans audits and teams                     |
| lead, auditor        | auditors on the audit team of organisation A                  |
| outsider             | an auditor on no team: sees no audit                          |
| expert               | technical expert on the team                                  |
| decider              | decision maker who audited nothing                            |
| decider_who_audited  | decision maker AND auditor on A's team: may not decide for A  |
| certadmin            | certificate administrator                                     |
| sysadmin             | system administrator                                          |
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _media(settings, tmp_path_factory):
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "data"  # the seal and records keys live here in tests
    # Every test starts with an empty record table (rolled back or purged), so it starts without the
    # checkpoints an earlier test left: they describe a chain this test's database never held. The
    # directory is per xdist worker (its own base temp), like the worker's own test database.
    _forget_checkpoints(settings.DATA_DIR)
    # The lookup limit counts in the cache: start every test with an empty one.
    from django.core.cache import cache

    cache.clear()
    settings.LANGUAGE_CODE = "zh-hans"
    # Tests read the lookup log right after the request: written in the request (register/lookuplog.py).
    settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS = 0
    # Lookups a process claimed from the shared window (register/lookup.py, leases) die with the test's database.
    from tancert.certificates.register import lookup

    lookup.forget_leases()
    # Rendered certificate pages are kept per process (register/pagecache.py): a test that writes a certificate
    # directly, not through an action, must not meet a page an earlier test's database left.
    from tancert.certificates.register import pagecache

    pagecache.pages.clear()
    pagecache.shells.clear()
    # The name search's cost model keeps the table's size for a minute (register/search.py).
    from tancert.certificates.register import search

    search.forget_size()
    # Fast hashing: the suite creates many personas; production keeps Django's PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _forget_checkpoints(data_dir) -> None:
    from pathlib import Path

    (Path(data_dir) / "records" / "checkpoints.jsonl").unlink(missing_ok=True)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))) or bool(
        marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional tests end with a flush, which the append-only triggers would refuse.

    Before any fixture is torn down (so before the flush), we drop the triggers, empty the
    record table and put the triggers back; the flush then finds nothing to delete there. The
    signed checkpoints of the purged events go with them.
    """
    # Only when the database was really set up (a failed set-up has nothing to purge).
    if _is_transactional(item) and "_django_db_helper" in getattr(item, "funcargs", {}):
        from importlib import import_module

        from django.db import connection

        triggers = import_module("tancert.records.migrations.0002_append_only_triggers")
        with connection.cursor() as cur:
            for sql in triggers.statements(connection.vendor, drop=True):
                cur.execute(sql)
            cur.execute("DELETE FROM records_event")
            for sql in triggers.statements(connection.vendor):
                cur.execute(sql)
        from django.conf import settings

        _forget_checkpoints(settings.DATA_DIR)  # the events they vouch for are gone
    return (yield)


@pytest.fixture(autouse=True)
def _verified_test_client_logins():
    """Staff must verify a second factor (docs/security.md). The test client's force_login builds a bare request
    (no request method) and cannot answer the code page; for those logins only, the user's device — set up through the
    enrolment action — verifies the session, as the code page would. Real requests (the browser tests, the
    two-factor tests) go through the code page."""
    from django.contrib.auth.signals import user_logged_in
    from django_otp import DEVICE_ID_SESSION_KEY

    from tancert.people.accounts.twofactor import needs_second_factor

    from flow import enrol_second_factor

    def verify(sender, request, user, **kwargs):
        if request is None or "REQUEST_METHOD" in request.META or not needs_second_factor(user):
            return
        request.session[DEVICE_ID_SESSION_KEY] = enrol_second_factor(user).persistent_id

    user_logged_in.connect(verify, dispatch_uid="tests-verified-force-login")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-verified-force-login")


@pytest.fixture
def p(db):
    """All personas, two client organisations A and B."""
    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role

    from flow import register

    def staff(username, *roles):
        return create_staff_user(username, "test-pass-123", roles=list(roles), by=None, display_name=username)

    org_a, client_a = register("甲化工有限公司", "110108MA0A0001", "client_a")
    org_b, client_b = register("乙钢铁有限公司", "110108MA0B0002", "client_b")
    return SimpleNamespace(
        org_a=org_a, client_a=client_a, org_b=org_b, client_b=client_b,
        reviewer=staff("reviewer", Role.APPLICATION_REVIEWER),
        planner=staff("planner", Role.PROGRAMME_MANAGER),
        lead=staff("lead", Role.AUDITOR),
        auditor=staff("auditor", Role.AUDITOR),
        outsider=staff("outsider", Role.AUDITOR),
        expert=staff("expert", Role.TECHNICAL_EXPERT),
        decider=staff("decider", Role.DECISION_MAKER),
        decider_who_audited=staff("decider2", Role.DECISION_MAKER, Role.AUDITOR),
        certadmin=staff("certadmin", Role.CERTIFICATE_ADMIN),
        sysadmin=staff("sysadmin", Role.SYSTEM_ADMIN),
    )


@pytest.fixture
def rule():
    """`with rule("R7.2-review"): …` asserts the block raises a RuleViolation with that key."""
    from contextlib import contextmanager

    from tancert.scheme.violations import RuleViolation

    @contextmanager
    def check(key, field=None):
        with pytest.raises(RuleViolation) as info:
            yield info
        assert info.value.key == key, f"expected {key}, got {info.value.key}: {info.value.message_en}"
        if field is not None:
            assert info.value.field == field
        assert info.value.message_zh and info.value.message_en

    return check
