"""Lists with search, filters, sort, paging and Excel export (docs/web.md, "Lists").

One :class:`ListSpec` per list names its columns (the header is the same on the page and in the workbook), the
sort keys it allows, its filters and the fields it searches. The view hands over the queryset *behind the user's
wall* (``applications_for(user)`` …), so the page and its export can only ever show the same rows, and calls
:func:`page` or :func:`export`. Nothing here knows an app: the specs live beside the views that use them.

Every parameter is bounded (docs/security.md, "Bounded parameters"): a page number past the end is the last page,
a page size, sort key or filter value outside its allow-list is the default, a date outside 2000–2100 or not a
date is no filter, the search is cut to 100 characters and 5 words. None of them can make a 500.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 5
# One export is one request: beyond this many rows the workbook says so in its last row (narrow the filter).
EXPORT_LIMIT = 20_000
# Excel's own limit of a cell's text (32,767 characters); a longer text is cut, never refused.
CELL_CHARS = 32_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: ``value(obj)`` is the typed value (text, number, date) the page shows and the workbook stores.
    ``sort`` is the sort key its header toggles; ``link`` and ``badge`` (a CSS class) are for the page only;
    ``code`` is a machine code shown small beside the value (staff pages)."""

    header: Any
    value: Callable[[Any], Any]
    sort: str = ""
    link: Callable[[Any], str] | None = None
    badge: Callable[[Any], str] | None = None
    code: Callable[[Any], str] | None = None
    width: int = 16


@dataclass(frozen=True)
class Choice:
    """A filter with a fixed set of values: ``choices`` (value, label) or a function giving them; ``lookup`` a
    field lookup (``status``) or a function (queryset, value) → queryset."""

    param: str
    label: Any
    choices: Sequence | Callable[[], Sequence]
    lookup: str | Callable[[QuerySet, str], QuerySet]

    def options(self) -> list[tuple[str, Any]]:
        return [(str(v), label) for v, label in (self.choices() if callable(self.choices) else self.choices)]

    def clean(self, raw: str) -> str:
        return raw if raw and raw in {v for v, _label in self.options()} else ""

    def apply(self, qs: QuerySet, value: str) -> QuerySet:
        return self.lookup(qs, value) if callable(self.lookup) else qs.filter(**{self.lookup: value})


@dataclass(frozen=True)
class Dates:
    """A date range: parameters ``<param>_from`` and ``<param>_to`` on a date field (``field__date`` for a
    time stamp), both ends included."""

    param: str
    label: Any
    field: str

    @property
    def params(self) -> tuple[str, str]:
        return f"{self.param}_from", f"{self.param}_to"


@dataclass(frozen=True)
class ListSpec:
    name: str  # the workbook's file name and the table's id
    title: Any  # the sheet's name
    columns: Sequence[Column]
    sorts: Mapping[str, tuple[str, ...]]  # sort key → order_by fields (ascending)
    default_sort: str  # "-start": newest first
    filters: Sequence[Choice | Dates] = ()
    search: Sequence[str] = ()  # fields searched (icontains; every word must match one of them)
    search_hint: Any = ""
    export_url: str = ""  # URL name of the export
    prepare: Callable[[list], list] | None = None  # rows of one page (or the export) → what the columns read


@dataclass
class Query:
    """The list's parameters, cleaned."""

    q: str = ""
    values: dict[str, str] = field(default_factory=dict)  # filter parameter → value ("" = none)
    sort: str = ""
    per_page: int = DEFAULT_PAGE_SIZE
    page: int = 1


def _date(raw: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw or ""):
        return ""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return ""
    return raw if 2000 <= day.year <= 2100 else ""


def _int(raw: str, default: int) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else default


def read(spec: ListSpec, params) -> Query:
    """The list's parameters from a query dict, each clamped to what the spec allows."""
    query = Query(q=" ".join((params.get("q") or "")[:MAX_QUERY_CHARS].split()[:MAX_QUERY_WORDS]))
    for f in spec.filters:
        if isinstance(f, Dates):
            for p in f.params:
                query.values[p] = _date(params.get(p, ""))
        else:
            query.values[f.param] = f.clean(params.get(f.param, ""))
    sort = params.get("sort") or ""
    query.sort = sort if sort.lstrip("-") in spec.sorts and sort.count("-") <= 1 else spec.default_sort
    size = _int(params.get("size", ""), DEFAULT_PAGE_SIZE)
    query.per_page = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    query.page = max(1, _int(params.get("page", ""), 1))
    return query


def apply(spec: ListSpec, qs: QuerySet, query: Query) -> QuerySet:
    """Search, filters and sort on the queryset behind the wall (never widens it: only filters and orders)."""
    for word in query.q.split():
        match = Q()
        for name in spec.search:
            match |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(match)
    for f in spec.filters:
        if isinstance(f, Dates):
            start, end = (query.values.get(p) for p in f.params)
            if start:
                qs = qs.filter(**{f"{f.field}__gte": start})
            if end:
                qs = qs.filter(**{f"{f.field}__lte": end})
        elif query.values.get(f.param):
            qs = f.apply(qs, query.values[f.param])
    descending = query.sort.startswith("-")
    order = [f"-{o}" if descending else o for o in spec.sorts[query.sort.lstrip("-")]]
    return qs.order_by(*order, "-pk" if descending else "pk")  # the key last: pages never overlap


def querystring(spec: ListSpec, query: Query, **changes) -> str:
    """The parameters that differ from the defaults, with ``changes``: paging and sorting keep the filters."""
    values = {"q": query.q, **query.values, "sort": query.sort if query.sort != spec.default_sort else "",
              "size": query.per_page if query.per_page != DEFAULT_PAGE_SIZE else "",
              "page": query.page if query.page != 1 else ""}
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)})


def text(value) -> str:
    """A cell as the page shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else \
            value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _headers(spec: ListSpec, query: Query) -> list[dict]:
    out = []
    current, descending = query.sort.lstrip("-"), query.sort.startswith("-")
    for col in spec.columns:
        h = {"label": col.header, "url": "", "state": ""}
        if col.sort:
            if col.sort == current:
                h["state"] = "desc" if descending else "asc"
            key = col.sort if (col.sort == current and descending) else f"-{col.sort}" if col.sort == current \
                else col.sort
            h["url"] = "?" + querystring(spec, query, sort=key, page="")
        out.append(h)
    return out


def _row(spec: ListSpec, obj) -> list[dict]:
    out = []
    for col in spec.columns:
        value = col.value(obj)
        out.append({"text": text(value), "link": col.link(obj) if col.link else "",
                    "badge": col.badge(obj) if col.badge else "", "code": col.code(obj) if col.code else "",
                    # dates and numbers on one line: a date broken after its year reads as two values
                    "nowrap": isinstance(value, (date, int, float, Decimal)) and not isinstance(value, bool)})
    return out


def page(request, spec: ListSpec, qs: QuerySet, template: str, context: dict | None = None):
    """Render ``template`` with ``table``: the filter form, the sortable header, one page of rows, the pager and
    the export link (all kept in the template include ``_list.html``)."""
    query = read(spec, request.GET)
    paginator = Paginator(apply(spec, qs, query), query.per_page)
    query.page = min(query.page, paginator.num_pages)
    current = paginator.page(query.page)
    objects = list(current.object_list)
    if spec.prepare:
        objects = spec.prepare(objects)
    filters = []
    for f in spec.filters:
        if isinstance(f, Dates):
            filters.append({"kind": "dates", "label": f.label, "params": [(p, query.values[p]) for p in f.params]})
        else:
            filters.append({"kind": "choice", "label": f.label, "param": f.param, "value": query.values[f.param],
                            "options": f.options()})
    table = {
        "spec": spec, "query": query, "filters": filters, "headers": _headers(spec, query),
        "rows": [_row(spec, obj) for obj in objects], "objects": objects, "page": current,
        "count": paginator.count, "sizes": PAGE_SIZES, "filtered": bool(query.q or any(query.values.values())),
        "previous": "?" + querystring(spec, query, page=current.previous_page_number())
        if current.has_previous() else "",
        "next": "?" + querystring(spec, query, page=current.next_page_number()) if current.has_next() else "",
        "first": "?" + querystring(spec, query, page="") if query.page > 2 else "",
        "last": "?" + querystring(spec, query, page=paginator.num_pages)
        if query.page < paginator.num_pages - 1 else "",
        "export": f"{reverse(spec.export_url)}?{querystring(spec, query, page='')}" if spec.export_url else "",
        "hidden": [("sort", query.sort)] if query.sort != spec.default_sort else [],
    }
    return render(request, template, {**(context or {}), "table": table})


def _cell(value):
    """A value as the workbook stores it: numbers and dates typed, text as text (never a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float, Decimal)):
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            return str(value)
        return float(value) if isinstance(value, Decimal) else value
    return text(value)[:CELL_CHARS]


def workbook(spec: ListSpec, objects: list, *, truncated: bool = False) -> bytes:
    """The rows as a real .xlsx: the page's headers in bold, frozen, with Excel's filter on them."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", str(spec.title))[:31] or "Sheet1")
    bold = book.add_format({"bold": True, "bg_color": "#E8F2EC"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for j, col in enumerate(spec.columns):
        sheet.write_string(0, j, str(col.header), bold)
        sheet.set_column(j, j, col.width)
    for i, obj in enumerate(objects, start=1):
        for j, col in enumerate(spec.columns):
            value = _cell(col.value(obj))
            if isinstance(value, datetime):
                sheet.write_datetime(i, j, value, stamp)
            elif isinstance(value, date):
                sheet.write_datetime(i, j, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, (int, float)):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, value)
    if truncated:
        sheet.write_string(len(objects) + 1, 0, _("Only the first %(n)d rows were exported: narrow the filter.")
                           % {"n": EXPORT_LIMIT})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(objects), 1), len(spec.columns) - 1)
    book.close()
    return out.getvalue()


def export(request, spec: ListSpec, qs: QuerySet) -> HttpResponse:
    """Every row the page would list with these parameters (not only one page), as .xlsx."""
    query = read(spec, request.GET)
    objects = list(apply(spec, qs, query)[:EXPORT_LIMIT + 1])
    truncated = len(objects) > EXPORT_LIMIT
    objects = objects[:EXPORT_LIMIT]
    if spec.prepare:
        objects = spec.prepare(objects)
    response = HttpResponse(workbook(spec, objects, truncated=truncated), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.name}-{timezone.localdate().isoformat()}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
