"""Findings of the data-quality checks, stored column-wise.

A check that hits 200,000 rows adds one block holding the row numbers as an array; individual
findings (`{"rule", "severity", "message", "sheet", "row"}`) are produced only when iterated.
That keeps the checks at numpy speed on a million records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

BLOCKING, WARNING, INFO = "blocking", "warning", "info"
SEVERITIES = (BLOCKING, WARNING, INFO)


@dataclass
class Block:
    rule: str
    severity: str
    message: str
    sheet: str
    rows: np.ndarray | None = None  # sheet row numbers; None = the finding is about the whole sheet
    # per-row addition to the message: a list, or a function of the position in `rows` — formatted
    # only when the finding is read, so a check over a million rows builds no strings
    details: list[str] | Callable[[int], str] | None = None

    def __len__(self) -> int:
        return 1 if self.rows is None else len(self.rows)


class Findings:
    def __init__(self):
        self.blocks: list[Block] = []

    def add(self, rule: str, severity: str, message: str, sheet: str, rows=None, details=None) -> None:
        if severity not in SEVERITIES:
            raise ValueError(severity)
        if rows is not None:
            rows = np.asarray(rows)
            if len(rows) == 0:
                return
        self.blocks.append(Block(rule, severity, message, sheet, rows, details))

    def __iter__(self) -> Iterator[dict]:
        for b in self.blocks:
            if b.rows is None:
                yield {"rule": b.rule, "severity": b.severity, "message": b.message, "sheet": b.sheet, "row": None}
                continue
            for i, r in enumerate(b.rows.tolist()):
                if b.details is None:
                    msg = b.message
                else:
                    msg = f"{b.message} ({b.details(i) if callable(b.details) else b.details[i]})"
                yield {"rule": b.rule, "severity": b.severity, "message": msg, "sheet": b.sheet, "row": int(r)}

    def __len__(self) -> int:
        return sum(len(b) for b in self.blocks)

    def count(self, severity: str | None = None, rule: str | None = None) -> int:
        return sum(len(b) for b in self.blocks
                   if (severity is None or b.severity == severity) and (rule is None or b.rule == rule))

    @property
    def blocking(self) -> bool:
        return any(b.severity == BLOCKING for b in self.blocks)

    def rules(self) -> set[str]:
        return {b.rule for b in self.blocks}

    def rows_for(self, rule: str) -> set[int]:
        return {int(r) for b in self.blocks if b.rule == rule and b.rows is not None for r in b.rows.tolist()}

    def summary(self) -> list[dict]:
        """One line per block: rule, severity, message, sheet, count and the first rows."""
        order = {s: i for i, s in enumerate(SEVERITIES)}
        out = []
        for b in sorted(self.blocks, key=lambda b: (order[b.severity], b.rule)):
            first = [] if b.rows is None else [int(r) for r in b.rows[:10].tolist()]
            out.append({"rule": b.rule, "severity": b.severity, "message": b.message, "sheet": b.sheet,
                        "count": len(b), "rows": first})
        return out
