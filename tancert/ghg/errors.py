"""Input errors that name the sheet, row and column and say what is wrong.

Import is all-or-nothing: readers collect every problem in an `ErrorList` and raise one
`InputError` at the end, so a user fixes the whole file in one round and nothing is half-loaded.

Every error carries its message in English (`message`) and Simplified Chinese (`message_zh`);
`text("zh")` / `summary(lang="zh")` give the Chinese wording, `str()` stays English.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROWS_LISTED = 20  # per identical problem; the rest are counted, not listed


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str
    message_zh: str = ""

    def __str__(self) -> str:
        return self.text()

    def text(self, lang: str = "en") -> str:
        """The error with its place: English, or Chinese for lang "zh…" (English if no Chinese wording)."""
        if lang.lower().startswith("zh"):
            where = f"工作表 {self.sheet}"
            if self.row is not None:
                where += f" 第 {self.row} 行"
            if self.column:
                where += f"，列 {self.column}"
            return f"{where}：{self.message_zh or self.message}"
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message,
                "message_zh": self.message_zh}


class InputError(ValueError):
    def __init__(self, errors: list[CellError]):
        self.errors = list(errors)
        super().__init__(self.summary())

    def summary(self, limit: int = 50, lang: str = "en") -> str:
        zh = lang.lower().startswith("zh")
        lines = [e.text(lang) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            more = len(self.errors) - limit
            lines.append(f"……另有 {more} 个问题" if zh else f"… and {more} more problems")
        return "\n".join(lines)


class ErrorList:
    def __init__(self):
        self.errors: list[CellError] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str, message_zh: str = "") -> None:
        self.errors.append(CellError(sheet, row, column, message, message_zh))

    def add_rows(self, sheet: str, rows: np.ndarray, column: str | None, message: str, message_zh: str = "") -> None:
        """One error per offending row, up to ROWS_LISTED; the remainder is summarised."""
        rows = np.asarray(rows)
        for r in rows[:ROWS_LISTED].tolist():
            self.add(sheet, int(r), column, message, message_zh)
        if len(rows) > ROWS_LISTED:
            more = len(rows) - ROWS_LISTED
            self.add(sheet, None, column, f"{message} — and {more} more rows",
                     f"{message_zh}（另有 {more} 行）" if message_zh else "")

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)
