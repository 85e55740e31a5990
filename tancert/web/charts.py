"""Small charts drawn on the server as SVG (no script, no inline style: the page's CSP allows neither). A chart
is plain geometry here; the template draws it and site.css colours it by class."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 28
GAP = 8
WIDTH = 480  # the drawing's own units; the SVG scales to its box (viewBox), so phones see it whole
BAR_X = 120
BAR_SPACE = WIDTH - BAR_X - 40


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    total: int
    bar_x: int = BAR_X
    bar_height: int = BAR_HEIGHT


def bars(rows: list[tuple[str, str, int]]) -> BarChart:
    """(code, label, value) rows → a horizontal bar chart scaled to the largest value."""
    top = max((v for _c, _l, v in rows), default=0) or 1
    out = []
    for i, (code, label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        w = round(BAR_SPACE * value / top) if value else 0
        out.append(Bar(code, str(label), value, y, max(w, 2 if value else 0), y + BAR_HEIGHT * 2 // 3,
                       BAR_X + w + 6))
    height = len(rows) * (BAR_HEIGHT + GAP)
    return BarChart(out, WIDTH, max(height - GAP, 0), sum(v for _c, _l, v in rows))


# A month series reads left to right: one column per month, in a drawing about 2.5 times as wide as it is high, so
# it keeps its shape at any width — a third of a 390 px phone's width high, never a column of twelve bars.
COLUMN_TOP = 26  # room for the value above the highest column
COLUMN_PLOT = 120
COLUMN_LABELS = 48  # the month number, and the year under the first month and each January
COLUMN_SLOT = WIDTH // 12
COLUMN_WIDTH = 26


@dataclass(frozen=True)
class Column:
    label: str  # YYYY-MM
    month: str  # MM, under the column
    year: str  # under the first month and each January, else ""
    value: int
    x: int
    y: int
    height: int
    centre: int
    value_y: int


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    width: int
    height: int
    total: int
    baseline: int
    column_width: int = COLUMN_WIDTH
    month_y: int = COLUMN_TOP + COLUMN_PLOT + 20
    year_y: int = COLUMN_TOP + COLUMN_PLOT + 42


def months(rows: list[tuple[str, str, int]]) -> ColumnChart:
    """(code, "YYYY-MM", value) rows, oldest first → a column chart scaled to the largest value."""
    top = max((v for _c, _l, v in rows), default=0) or 1
    slot = WIDTH // max(len(rows), 1)
    baseline = COLUMN_TOP + COLUMN_PLOT
    out = []
    for i, (_code, label, value) in enumerate(rows):
        label = str(label)
        h = max(round(COLUMN_PLOT * value / top), 2) if value else 0
        centre = i * slot + slot // 2
        year = label[:4] if i == 0 or label[5:] == "01" else ""
        out.append(Column(label, label[5:], year, value, centre - COLUMN_WIDTH // 2, baseline - h, h, centre,
                          baseline - h - 6))
    return ColumnChart(out, WIDTH, baseline + COLUMN_LABELS, sum(v for _c, _l, v in rows), baseline)
