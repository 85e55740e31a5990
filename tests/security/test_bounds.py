"""Bounded parameters (docs/security.md): a giant id in any web route or API path is a 404 (or the API's 422),
never a 500 (marking a missing notification read is a no-op, 204) — SQLite's integer overflowed on Django's unbounded `<int:…>`; the largest id a route takes reaches
the view and is an ordinary miss. Query parameters of the web pages (month, page, search, dates) out of range are
clamped or refused, never a 500. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest

from tancert.people.actions import create_staff_user
from tancert.people.models import Role

from routes import GIANT, LARGEST, api_operations, web_routes

pytestmark = pytest.mark.django_db

# A plausible value for the routes' text parameters, so that the id is what the request is about.
TEXT = {"kind": "pdf", "code": "A1", "outcome": "accept", "change": "suspend", "number": "CEC-X", "day": "2026-01-01",
        "uidb64": "MQ", "token": "x-y"}


@pytest.fixture
def everyone(p):
    """A member of staff holding every role, and a client: whoever may pass a wall reaches the lookup."""
    return [create_staff_user("all-roles", "test-pass-123", roles=list(Role.values), by=None), p.client_a]


def _web_url(route, id_value: str) -> str:
    return route.url({name: id_value if conv == "id" else TEXT.get(name, "x") for conv, name in route.params})


def test_every_web_route_takes_ids_through_the_bounded_converter():
    unbounded = [r.route for r in web_routes() if any(conv == "int" for conv, _ in r.params)]
    assert not unbounded, f"use <id:…> (tancert/ui/converters.py): {unbounded}"


def test_a_giant_id_in_a_web_route_is_a_404_never_a_500(client, everyone):
    routes = [r for r in web_routes() if any(conv == "id" for conv, _ in r.params)]
    assert len(routes) > 60
    wrong = []
    for user in everyone:
        client.force_login(user)
        for route in routes:
            for method in (client.get, client.post):
                giant = method(_web_url(route, GIANT)).status_code
                largest = method(_web_url(route, LARGEST)).status_code
                if giant != 404 or largest not in (403, 404, 405):
                    wrong.append(f"{user.username} {method.__name__.upper()} {route.route}: {giant} / {largest}")
    assert not wrong, "\n".join(wrong)


def test_a_giant_id_in_an_api_path_is_refused_never_a_500(client, everyone):
    from tancert.people.actions import create_api_token

    operations = [op for op in api_operations(client) if op.id_params]
    assert len(operations) > 60
    wrong = []
    for user in everyone:
        _token, secret = create_api_token(user, "bounds", by=None)
        headers = {"Authorization": f"Bearer {secret}"}
        for op in operations:
            for value, allowed in ((GIANT, {422}), (LARGEST, {204, 403, 404, 422})):
                url = op.url({name: value if name in op.id_params else TEXT.get(name, "x") for name in op.params})
                status = client.generic(op.method, url, data="{}", content_type="application/json",
                                        headers=headers).status_code
                if status not in allowed:
                    wrong.append(f"{user.username} {op.key} {value}: {status}")
    assert not wrong, "\n".join(wrong)


def test_query_parameters_out_of_range_are_clamped_never_a_500(client, p):
    from flow import complete_application

    app = complete_application(p.org_a, p.client_a, submit=False)
    giant = "9" * 30
    client.force_login(p.planner)
    for url in ("/audits/calendar/", "/audits/calendar/auditors/", "/audits/mine/"):
        for month in (f"2027-{giant}", f"{giant}-01", "2027-13", "2027-00", "-1--1", "x" * 5000):
            assert client.get(url, {"month": month}).status_code in (200, 403), (url, month)
    for page in (giant, "-1", "0", "x", ""):
        assert client.get("/audits/calendar/auditors/", {"page": page, "q": "x" * 5000}).status_code == 200, page
    assert client.get("/register/", {"q": "甲" * 10000}).status_code == 200
    client.force_login(p.client_a)
    for day in ("9999-12-31", "0001-01-01", giant, "2026-02-30"):
        response = client.get(f"/applications/{app.pk}/eligibility/", {"cms_started_on": day})
        assert response.status_code == 200, day


def _unbounded(document: dict) -> list[str]:
    """Every number, date and moment the API takes (path, query, body) without a declared range: integers and
    numbers need minimum and maximum, dates and moments formatMinimum and formatMaximum (api/schemas.py)."""
    components = document.get("components", {}).get("schemas", {})
    found: set[str] = set()

    def walk(schema, where: str, depth: int = 0) -> None:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        if not isinstance(schema, dict) or depth > 20:
            return
        for combined in ("anyOf", "oneOf", "allOf"):
            for part in schema.get(combined, ()):
                walk(part, where, depth + 1)
        kind = schema.get("type")
        if kind in ("integer", "number") and not (
                {"minimum", "exclusiveMinimum"} & set(schema) and {"maximum", "exclusiveMaximum"} & set(schema)):
            found.add(where)
        if kind == "string" and schema.get("format") in ("date", "date-time") and not (
                "formatMinimum" in schema and "formatMaximum" in schema):
            found.add(where)
        if kind == "array":
            walk(schema.get("items", {}), where + "[]", depth + 1)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}", depth + 1)

    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", ()):
                walk(param.get("schema", {}), f"{method.upper()} {path} {param['in']} {param['name']}")
            for body in op.get("requestBody", {}).get("content", {}).values():
                walk(body.get("schema", {}), f"{method.upper()} {path} body")
    return sorted(found)


def test_every_number_and_date_the_api_takes_has_a_declared_range():
    from tancert.api.router import api

    unbounded = _unbounded(api.get_openapi_schema())
    assert not unbounded, "use Id, Count, Version, Day, Moment … (tancert/api/schemas.py):\n" + "\n".join(unbounded)


def test_the_ranges_are_enforced_a_value_past_them_is_a_422_naming_the_field(client, p):
    from tancert.people.actions import create_api_token

    _token, secret = create_api_token(p.client_a, "bounds", by=None)
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"scope": "x", "cms_started_on": "2024-01-01", "industry_code": 10**30}
    r = client.post("/api/v1/applications", body, content_type="application/json", headers=headers)
    assert r.status_code == 422 and "industry_code" in r.content.decode()
    body = {"scope": "x", "cms_started_on": "9999-12-31"}
    r = client.post("/api/v1/applications", body, content_type="application/json", headers=headers)
    assert r.status_code == 422 and "cms_started_on" in r.content.decode()
