"""Reading and writing small keyed workbooks safely — shared by the project (tancert/projects) and event
(tancert/events) engines, which read their own templates with the GHG engine's reading safety.

A sheet is named "<中文> <English>" and holds a Chinese header in row 1 and the English column keys in row 2
(the layout of the GHG template, docs/ghg.md). The workbook is measured by the guard (guard.py: zip limits,
cell addresses, shared strings) before calamine opens it; every value is read into a bounded, finite
number, a date or a short text, and every problem becomes a located CellError in English and Chinese.
Reading is all or nothing: the caller raises one InputError with every problem.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path

from .errors import CellError, ErrorList, InputError
from .guard import workbook_grids

MAX_ABS = 1e12  # no quantity of one project or event comes near; larger is a typing error (or hostile)
MAX_TEXT = 2_000  # characters of one cell's text
MAX_ROWS = 50_000  # records of one sheet: a project or an event has hundreds, not millions


@dataclass(frozen=True)
class Sheet:
    en: str
    zh: str
    columns: tuple[tuple[str, str], ...]  # (key, Chinese header)

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.columns)


def read_grids(path: Path, sheets: dict[str, Sheet]) -> dict[str, list[list]]:
    """The grids of the known sheets of an .xlsx (guarded) or a .json ({"<en lower>": [{key: value}]})."""
    p = Path(path)
    if not p.is_file():
        raise InputError([CellError(p.name, None, None, "file not found", "找不到文件")])
    ext = p.suffix.lower()
    if ext == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([CellError(p.name, None, None, f"invalid JSON: {exc}", f"JSON 格式无效：{exc}")]) from None
        return grids_from_dict(data, sheets, origin=p.name)
    return workbook_grids(p, sheets)  # refuses anything but a measured .xlsx/.xlsm (guard.py)


def grids_from_dict(data, sheets: dict[str, Sheet], *, origin: str = "") -> dict[str, list[list]]:
    """JSON shape: {"settings": {key: value}, "<sheet in lower case>": [{column: value}, …]}; the header rows
    are rebuilt so that record numbers read like sheet rows (first record = row 3)."""
    if not isinstance(data, dict):
        raise InputError([CellError(origin, None, None, "the JSON document must be an object",
                                    "JSON 文档必须是一个对象（object）")])
    grids: dict[str, list[list]] = {}
    for en, spec in sheets.items():
        recs = data.get(en.lower())
        if recs is None:
            continue
        if en == "Settings" and isinstance(recs, dict):
            recs = [{"key": k, "value": v} for k, v in recs.items()]
        if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs) or len(recs) > MAX_ROWS:
            raise InputError([CellError(spec.title, None, None, f"{en.lower()!r} must be a list of objects",
                                        f"{en.lower()!r} 必须是对象（object）列表")])
        cols = list(dict.fromkeys(str(k) for r in recs for k in r))
        grids[en] = [cols, cols] + [[r.get(c, "") for c in cols] for r in recs]
    return grids


def records(grids: dict[str, list[list]], spec: Sheet, errors: ErrorList, *, required: bool = True
            ) -> list[tuple[int, dict]]:
    """(sheet row, {key: raw value}) per non-empty data row; unknown columns and a missing sheet are errors."""
    grid = grids.get(spec.en)
    if not grid:
        if required:
            errors.add(spec.title, None, None, f"the {spec.en} sheet is missing", f"缺少 {spec.zh} 工作表")
        return []
    header = [str(c).strip() for c in (grid[1] if len(grid) > 1 else [])]
    for j, h in enumerate(header):
        if h and h not in spec.keys:
            errors.add(spec.title, 2, h, f"unknown column {h!r} (column {j + 1}); the keys are: {', '.join(spec.keys)}",
                       f"未知的列 {h!r}（第 {j + 1} 列）；列键为：{', '.join(spec.keys)}")
    out = []
    for i, row in enumerate(grid[2:]):
        if all(c in ("", None) for c in row):
            continue
        if len(out) >= MAX_ROWS:
            errors.add(spec.title, None, None, f"more than {MAX_ROWS:,} rows", f"超过 {MAX_ROWS:,} 行")
            break
        out.append((i + 3, {h: (row[j] if j < len(row) else "") for j, h in enumerate(header) if h in spec.keys}))
    return out


def settings(grids: dict[str, list[list]], spec: Sheet, known: dict[str, str], errors: ErrorList) -> dict[str, tuple]:
    """{key: (value, row)} of a key/value Settings sheet; unknown keys are errors."""
    out: dict[str, tuple] = {}
    for row, rec in records(grids, spec, errors):
        key = str(rec.get("key", "")).strip()
        if not key:
            continue
        if key not in known:
            errors.add(spec.title, row, "key", f"unknown setting {key[:40]!r}; known: {', '.join(known)}",
                       f"未知的设置项 {key[:40]!r}；已知设置项：{', '.join(known)}")
            continue
        out[key] = (rec.get("value", ""), row)
    return out


class Cells:
    """Typed readers of one sheet that add a located error instead of raising."""

    def __init__(self, spec: Sheet, errors: ErrorList):
        self.spec, self.errors = spec, errors

    def _err(self, row, col, en, zh):
        self.errors.add(self.spec.title, row, col, en, zh)

    def text(self, raw, row, col, *, required: bool = False, limit: int = MAX_TEXT) -> str:
        s = "" if raw is None else (f"{raw:g}" if isinstance(raw, float) else str(raw)).strip()
        if "\x00" in s:
            self._err(row, col, "the text contains a NUL character", "文本中含有 NUL 字符")
            return ""
        if len(s) > limit:
            self._err(row, col, f"the text is {len(s):,} characters; the limit is {limit:,}",
                      f"文本有 {len(s):,} 个字符，上限为 {limit:,}")
            return ""
        if required and not s:
            self._err(row, col, "a value is required here", "此处必须填写")
        return s

    def number(self, raw, row, col, *, required: bool = True, minimum: float | None = None) -> float | None:
        if raw in ("", None):
            if required:
                self._err(row, col, "a number is required here", "此处必须填写数字")
            return None
        if isinstance(raw, bool):
            self._err(row, col, f"{raw!r} is not a number", f"{raw!r} 不是数字")
            return None
        try:
            x = float(str(raw).replace(",", "").strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError, OverflowError):
            self._err(row, col, f"{str(raw)[:40]!r} is not a number", f"{str(raw)[:40]!r} 不是数字")
            return None
        if not math.isfinite(x):
            self._err(row, col, f"{str(raw)[:40]!r} is not a finite number (NaN or infinity)",
                      f"{str(raw)[:40]!r} 不是有限数值（NaN 或无穷大）")
            return None
        if abs(x) > MAX_ABS:
            self._err(row, col, f"{x:.3g} is beyond {MAX_ABS:.0e}; check the unit or a typing error",
                      f"{x:.3g} 超过 {MAX_ABS:.0e}；请检查单位或输入错误")
            return None
        if minimum is not None and x < minimum:
            self._err(row, col, f"{x:g} is below the smallest allowed value {minimum:g}",
                      f"{x:g} 小于允许的最小值 {minimum:g}")
            return None
        return x

    def year(self, raw, row, col, *, required: bool = True) -> int | None:
        x = self.number(raw, row, col, required=required)
        if x is None:
            return None
        if x != int(x) or not 1990 <= x <= 2100:
            self._err(row, col, f"{x:g} is not a year between 1990 and 2100", f"{x:g} 不是 1990—2100 之间的年份")
            return None
        return int(x)

    def date(self, raw, row, col, *, required: bool = True) -> dt.date | None:
        if raw in ("", None):
            if required:
                self._err(row, col, "a date (YYYY-MM-DD) is required here", "此处必须填写日期（YYYY-MM-DD）")
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            d = dt.date.fromisoformat(str(raw).strip()[:10])
        except ValueError:
            self._err(row, col, f"{str(raw)[:40]!r} is not a date (YYYY-MM-DD)", f"{str(raw)[:40]!r} 不是日期（YYYY-MM-DD）")
            return None
        if not 1990 <= d.year <= 2100:
            self._err(row, col, f"{d} is outside 1990–2100", f"{d} 不在 1990—2100 年之间")
            return None
        return d

    def choice(self, raw, row, col, options: dict[str, str], *, required: bool = True) -> str:
        """One of `options` (value → canonical key; Chinese and English spellings may both be listed)."""
        s = self.text(raw, row, col, required=required, limit=100)
        if not s:
            return ""
        key = options.get(s) or options.get(s.lower())
        if key is None:
            shown = ", ".join(dict.fromkeys(options.values()))
            self._err(row, col, f"{s[:40]!r} is not one of: {shown}", f"{s[:40]!r} 不是以下之一：{shown}")
            return ""
        return key


def write_workbook(path: str | Path, sheets: list[tuple[Sheet, list[list]]], notes: list[str] | None = None) -> Path:
    """Write the template: per sheet the Chinese header, the key row and the rows; a Readme sheet with notes."""
    import xlsxwriter

    p = Path(path)
    wb = xlsxwriter.Workbook(str(p), {"strings_to_numbers": False, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    key = wb.add_format({"italic": True, "font_color": "#555555"})
    if notes:
        ws = wb.add_worksheet("说明 Readme")
        ws.set_column(0, 0, 120)
        for i, line in enumerate(notes):
            ws.write_string(i, 0, line)
    for spec, rows in sheets:
        ws = wb.add_worksheet(spec.title)
        for j, (k, zh) in enumerate(spec.columns):
            ws.write_string(0, j, zh, head)
            ws.write_string(1, j, k, key)
            ws.set_column(j, j, max(12, min(40, len(zh) * 2 + 4)))
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    ws.write_number(i + 2, j, v)
                elif isinstance(v, dt.date):
                    ws.write_string(i + 2, j, v.isoformat())
                elif v not in (None, ""):
                    ws.write_string(i + 2, j, str(v))
    wb.close()
    return p
