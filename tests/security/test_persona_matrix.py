"""The persona matrix (docs/security.md, Walls): every web route and every API operation — found by walking
the URL resolver and the OpenAPI document, not listed by hand — against every persona of tests/conftest.py, with
real objects of organisation A built through tests/flow.py (a certified client: application, contract, stage 1
and 2 audits with their checklist, carbon data and reports, decision, certificate).

`matrix_table.WEB` and `matrix_table.API` say, per route, who may use it. The test fails when a route has no
entry, and when a persona gets anything but the expected answer: 2xx/3xx for whoever is allowed (never the
login page, never 403/404); for everyone else 403/404 or, anonymous, the login page (401 on the API) — and
then no record event may have been appended. Never a 500; never organisation A's name or credit code in an
answer to anonymous, client_b or the outsider, outside the public register.

Each request runs in a savepoint rolled back afterwards: a POST an allowed persona may make (with an empty
body) changes nothing for the next one. The objects are built once per module, in a transaction rolled back at
the end."""

from __future__ import annotations

import matrix_table as table
import pytest
from django.db import transaction

from routes import api_operations, web_routes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    base = tmp_path_factory.getbasetemp()
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(base / "media"), DATA_DIR=base / "data", LANGUAGE_CODE="zh-hans",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        built = table.build_world()
        yield built
        transaction.set_rollback(True)


def _refused(status: int, location: str, anonymous: bool, api: bool) -> bool:
    if status in (403, 404):
        return True
    if anonymous and api:
        return status == 401
    return anonymous and status == 302 and "/accounts/login/" in location


def _allowed(status: int, location: str) -> bool:
    return 200 <= status < 400 and "/accounts/login/" not in location


def _request(client, method: str, url: str, headers: dict, api: bool):
    from tancert.records.models import Event

    before = Event.objects.count()
    sid = transaction.savepoint()
    try:
        if api:
            response = client.generic(method, url, data="{}", content_type="application/json", headers=headers)
        else:
            response = client.get(url) if method == "GET" else client.post(url)
        appended = Event.objects.count() - before
    finally:
        transaction.savepoint_rollback(sid)
    body = b"" if response.streaming else response.content
    return response.status_code, response.get("Location", ""), appended, body


def test_every_route_has_an_entry_in_the_table(client):
    web = {r.name for r in web_routes()}
    api = {op.key for op in api_operations(client)}
    assert not web - set(table.WEB), f"web routes without an entry in matrix_table.WEB: {sorted(web - set(table.WEB))}"
    assert not api - set(table.API), f"API operations without an entry in matrix_table.API: {sorted(api - set(table.API))}"
    assert not set(table.WEB) - web and not set(table.API) - api, "entries of routes that no longer exist"


@pytest.mark.parametrize("persona", table.PERSONAS)
def test_each_persona_gets_exactly_what_the_table_says(client, world, persona):
    user = world.users.get(persona)
    headers = {}
    if user is not None:
        client.force_login(user)
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"}
    wrong, seen = [], []
    for route in sorted(web_routes(), key=lambda r: r.name in table.LAST):
        entry = table.WEB[route.name]
        url = route.url(table.values(world, route.route, [n for _c, n in route.params], entry.ids))
        method = "GET"
        answer = _request(client, method, url, headers, api=False)
        if answer[0] == 405:  # a POST-only route: the wall must hold for the POST
            method = "POST"
            answer = _request(client, method, url, headers, api=False)
        seen.append(f"{persona} {method} {route.name} {answer[0]}")
        _judge(wrong, persona, f"{method} {url} ({route.name})", entry, answer, user, api=False)
        if route.name in table.LAST and user is not None:
            client.force_login(user)  # the log-out ended the session
    client.logout()
    for op in api_operations(client):
        entry = table.API[op.key]
        url = op.url(table.values(world, op.path, op.params, entry.ids)) + entry.query
        answer = _request(client, op.method, url, headers, api=True)
        seen.append(f"{persona} {op.key} {answer[0]}")
        _judge(wrong, persona, f"{op.method} {url}", entry, answer, user, api=True)
    if table.DUMP:
        table.dump(seen)
    assert not wrong, f"{len(wrong)} answers not as the table says:\n" + "\n".join(wrong)


def _judge(wrong, persona, what, entry, answer, user, api):
    status, location, appended, body = answer
    if persona in table.OUTSIDE_A and entry.allowed != table.PUBLIC and 200 <= status < 300:
        leaked = [s for s in table.SECRETS_OF_A if s.encode() in body]
        if leaked:
            wrong.append(f"{persona}: {what} → {status} shows organisation A's {leaked}")
    if status >= 500:
        wrong.append(f"{persona}: {what} → {status} (a server error)")
    elif entry.allows(persona):
        if what.startswith("GET"):
            ok = _allowed(status, location)
        else:  # an empty body: the input may be refused before anything happens, never the wall
            ok = status not in (401, 403, 404) and "/accounts/login/" not in location
        if not ok:
            wrong.append(f"{persona}: {what} → {status} {location} (allowed, expected 2xx/3xx)")
    elif not _refused(status, location, user is None, api):
        wrong.append(f"{persona}: {what} → {status} {location} (expected 403/404 or the login)")
    elif appended:
        wrong.append(f"{persona}: {what} → {status} but {appended} record event(s) appended")
