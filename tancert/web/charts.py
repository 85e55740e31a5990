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
