"""Every route of the application, found by walking what it serves — not a hand-kept list: the web URL patterns
(Django's resolver) and the API operations (the OpenAPI document). The persona matrix and the bounds tests use
them, so a new route is covered (or, missing from the matrix's table, fails) without anyone remembering it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "/api/v1"
PARAM = re.compile(r"<(?:(?P<conv>[a-z_]+):)?(?P<name>[a-z_0-9]+)>")
API_PARAM = re.compile(r"{(?P<name>[a-z_0-9]+)}")
GIANT = "99999999999999999999"  # 20 digits: more than any 64-bit key
LARGEST = "999999999999999999"  # 18 digits: the largest id a route takes, a key no row has


@dataclass(frozen=True)
class WebRoute:
    name: str
    route: str  # "audits/<id:pk>/carbon/"

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["conv"] or "str", m["name"]) for m in PARAM.finditer(self.route)]

    def url(self, values: dict[str, object]) -> str:
        return "/" + PARAM.sub(lambda m: str(values[m["name"]]), self.route)


@dataclass(frozen=True)
class ApiOperation:
    method: str  # "GET"
    path: str  # "/audits/{audit_id}/findings"
    id_params: frozenset[str]  # path parameters that are integers (bounded ids)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return API_PARAM.findall(self.path)

    def url(self, values: dict[str, object]) -> str:
        return API_PREFIX + API_PARAM.sub(lambda m: str(values[m["name"]]), self.path)


def web_routes() -> list[WebRoute]:
    """Every named web route (the API's own patterns excepted: they are the operations below)."""
    found: list[WebRoute] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "api-v1":
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append(WebRoute(pattern.name or "", prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "")
    return found


def api_operations(client) -> list[ApiOperation]:
    """Every operation of the OpenAPI document."""
    document = client.get(f"{API_PREFIX}/openapi.json").json()
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            ints = frozenset(p["name"] for p in operation.get("parameters", ())
                             if p["in"] == "path" and p.get("schema", {}).get("type") == "integer")
            operations.append(ApiOperation(method.upper(), path.removeprefix(API_PREFIX), ints))
    return operations
