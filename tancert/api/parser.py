"""The API's request parser: Ninja's, refusing the NUL character in any text.

PostgreSQL cannot store NUL (0x00) in a text column, so a NUL that reached an action would end in a database
error (a 500) on PostgreSQL while SQLite stored it. Django's form fields refuse it (ProhibitNullCharactersValidator);
this does the same for the API's JSON bodies and query strings, as a 422 naming the field (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser


def _nul_at(value: Any, loc: tuple) -> tuple | None:
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _nul_at(k, loc + (k,)) or _nul_at(v, loc + (k,))
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _nul_at(v, loc + (i,))
            if found:
                return found
    return None


def _refuse(loc: tuple) -> None:
    raise ValidationError([{"type": "value_error", "loc": loc,
                            "msg": _("The text contains a NUL character (0x00); remove it.")}])


class NulFreeParser(Parser):
    def parse_body(self, request):
        data = super().parse_body(request)
        where = _nul_at(data, ("body",))
        if where:
            _refuse(where)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        where = _nul_at(result, ("query",))
        if where:
            _refuse(where)
        return result
