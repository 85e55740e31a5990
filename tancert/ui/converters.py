"""The `<id:…>` path converter of every web route: 1 to 18 digits, so any id it lets through fits the databases'
64-bit keys. Django's `<int:…>` takes any number of digits, and a giant one overflowed SQLite's integer (a 500
instead of a 404). The API bounds its ids with `tancert.api.schemas.Id` (docs/security.md, Bounded parameters)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
