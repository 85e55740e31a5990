"""Input errors that name the sheet, row and column and say what is wrong.

Import is all-or-nothing: readers collect every problem in an `ErrorList` and raise one
`InputError` at the end, so a user fixes the whole file in one round and nothing is half-loaded.
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

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class InputError(ValueError):
    def __init__(self, errors: list[CellError]):
        self.errors = list(errors)
        super().__init__(self.summary())

    def summary(self, limit: int = 50) -> str:
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"… and {len(self.errors) - limit} more problems")
        return "\n".join(lines)


class ErrorList:
    def __init__(self):
        self.errors: list[CellError] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(CellError(sheet, row, column, message))

    def add_rows(self, sheet: str, rows: np.ndarray, column: str | None, message: str) -> None:
        """One error per offending row, up to ROWS_LISTED; the remainder is summarised."""
        rows = np.asarray(rows)
        for r in rows[:ROWS_LISTED].tolist():
            self.add(sheet, int(r), column, message)
        if len(rows) > ROWS_LISTED:
            self.add(sheet, None, column, f"{message} — and {len(rows) - ROWS_LISTED} more rows")

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)
