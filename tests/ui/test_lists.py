"""The list piece's parameters (tancert/ui/lists.py): every one bounded, garbage never a 500 (pure, no database)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from tancert.ui.lists import (
    DEFAULT_PAGE_SIZE,
    Choice,
    Column,
    Dates,
    ListSpec,
    Query,
    querystring,
    read,
    workbook,
)

SPEC = ListSpec(
    name="things", title="事项", default_sort="-day", sorts={"day": ("day",), "name": ("name",)},
    filters=(Choice("status", "状态", [("open", "进行中"), ("done", "完成")], "status"), Dates("day", "日期", "day")),
    search=("name",),
    columns=(Column("名称", lambda o: o.name), Column("日期", lambda o: o.day), Column("人日", lambda o: o.days),
             Column("时间", lambda o: o.at)),
)


@pytest.mark.parametrize("params, expected", [
    ("", Query(q="", values={"status": "", "day_from": "", "day_to": ""}, sort="-day", per_page=25, page=1)),
    ("status=open&day_from=2026-01-01&day_to=2026-12-31&sort=name&size=100&page=3&q=甲  化工",
     Query(q="甲 化工", values={"status": "open", "day_from": "2026-01-01", "day_to": "2026-12-31"}, sort="name",
           per_page=100, page=3)),
    # garbage and giants: the default, never an error
    ("status=%27%20OR%201=1&day_from=2026-02-30&day_to=99999-01-01&sort=--name&size=100000&page=" + "9" * 40,
     Query(q="", values={"status": "", "day_from": "", "day_to": ""}, sort="-day", per_page=25, page=1)),
    ("sort=password&size=-5&page=-3&day_from=1900-01-01&day_to=２０２６-01-01",
     Query(q="", values={"status": "", "day_from": "", "day_to": ""}, sort="-day", per_page=25, page=1)),
    ("q=" + "长" * 5000, Query(q="长" * 100, values={"status": "", "day_from": "", "day_to": ""}, sort="-day",
                              per_page=DEFAULT_PAGE_SIZE, page=1)),
    ("q=a+b+c+d+e+f+g", Query(q="a b c d e", values={"status": "", "day_from": "", "day_to": ""}, sort="-day",
                              per_page=25, page=1)),
])
def test_parameters_are_clamped_to_what_the_spec_allows(params, expected):
    assert read(SPEC, QueryDict(params)) == expected


def test_paging_links_keep_the_search_filters_and_sort():
    query = read(SPEC, QueryDict("status=done&q=甲&sort=name&size=50&page=2"))
    link = querystring(SPEC, query, page=3)
    assert QueryDict(link) == QueryDict("q=甲&status=done&sort=name&size=50&page=3")
    assert "page" not in QueryDict(querystring(SPEC, query, page=""))  # a new sort or filter starts at page 1


def test_the_workbook_is_a_real_xlsx_with_typed_cells_and_no_formulas():
    rows = [SimpleNamespace(name="=HYPERLINK(\"http://x\")", day=date(2026, 3, 1), days=Decimal("5.5"),
                            at=datetime(2026, 3, 1, 9, 30)),
            SimpleNamespace(name="长" * 40000, day=None, days=2, at=None)]
    sheet = load_workbook(io.BytesIO(workbook(SPEC, rows, truncated=True))).active
    assert sheet.title == "事项" and [c.value for c in sheet[1]] == ["名称", "日期", "人日", "时间"]
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["B2"].value == datetime(2026, 3, 1) and sheet["C2"].value == 5.5
    assert sheet["D2"].value == datetime(2026, 3, 1, 9, 30)
    assert len(sheet["A3"].value) == 32_000 and sheet["C3"].value == 2  # cut to Excel's limit
    assert "20000" in sheet["A4"].value  # the export says it stopped
