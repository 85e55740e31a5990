"""Findings of the data-quality checks, stored column-wise.

A check that hits 200,000 rows adds one block holding the row numbers as an array; individual
findings (`{"rule", "severity", "message", "message_zh", "sheet", "row"}`) are produced only when
iterated. `message` is English, `message_zh` the Simplified Chinese wording used in records and
reports (RR-language); the per-row `details` are appended to both.
That keeps the checks at numpy speed on a million records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from tancert.scheme.violations import switched_off

BLOCKING, WARNING, INFO = "blocking", "warning", "info"
SEVERITIES = (BLOCKING, WARNING, INFO)


class Block:
    """One check's findings: rule, severity, message, sheet and the rows it concerns.

    rows: sheet row numbers (array), None (the finding is about the whole sheet), or a function
    returning them — a check over a million rows then stores its row mask and a count and builds
    the row array only when the findings are read.
    details: per-row addition to the message: a list, or a function of the position in `rows` —
    formatted only when the finding is read, so a check over a million rows builds no strings."""

    __slots__ = ("rule", "severity", "message", "sheet", "_rows", "_n", "details", "message_zh")

    def __init__(self, rule: str, severity: str, message: str, sheet: str,
                 rows: np.ndarray | Callable[[], np.ndarray] | None = None,
                 details: list[str] | Callable[[int], str] | None = None, n: int | None = None,
                 message_zh: str = ""):
        self.rule, self.severity, self.message, self.sheet = rule, severity, message, sheet
        self._rows, self._n, self.details = rows, n, details
        self.message_zh = message_zh or message  # a check without a Chinese wording still shows its text

    @property
    def rows(self) -> np.ndarray | None:
        if callable(self._rows):
            self._rows = np.asarray(self._rows())
        return self._rows

    def __len__(self) -> int:
        if self._rows is None:
            return 1
        return self._n if callable(self._rows) else len(self._rows)


class Findings:
    def __init__(self):
        self.blocks: list[Block] = []

    def add(self, rule: str, severity: str, message: str, sheet: str, rows=None, details=None, *,
            message_zh: str = "") -> None:
        if severity not in SEVERITIES:
            raise ValueError(severity)
        if switched_off(rule):  # `tancert rules --mutate`: this check off for one test run
            return
        if rows is not None:
            rows = np.asarray(rows)
            if len(rows) == 0:
                return
        self.blocks.append(Block(rule, severity, message, sheet, rows, details, message_zh=message_zh))

    def add_lazy(self, rule: str, severity: str, message: str, sheet: str, count: int,
                 rows: Callable[[], np.ndarray], details=None, *, message_zh: str = "") -> None:
        """A block of `count` rows whose row numbers `rows()` gives when first read."""
        if severity not in SEVERITIES:
            raise ValueError(severity)
        if count and not switched_off(rule):
            self.blocks.append(Block(rule, severity, message, sheet, rows, details, int(count), message_zh))

    def add_mask(self, rule: str, severity: str, message: str, sheet: str, all_rows: np.ndarray,
                 mask: np.ndarray | Callable[[], np.ndarray], details=None, *, message_zh: str = "") -> None:
        """The rows of `all_rows` where `mask` holds (counted now, listed when read).

        `mask` may be a function building the mask: it is then built to count and dropped at
        once (the next check's mask reuses the freed memory instead of faulting in new pages),
        and built again only if the findings are read."""
        if callable(mask):
            count = np.count_nonzero(mask())
            self.add_lazy(rule, severity, message, sheet, count, lambda: all_rows[mask()], details,
                          message_zh=message_zh)
            return
        self.add_lazy(rule, severity, message, sheet, np.count_nonzero(mask), lambda: all_rows[mask], details,
                      message_zh=message_zh)

    def __iter__(self) -> Iterator[dict]:
        for b in self.blocks:
            if b.rows is None:
                yield {"rule": b.rule, "severity": b.severity, "message": b.message, "message_zh": b.message_zh,
                       "sheet": b.sheet, "row": None}
                continue
            for i, r in enumerate(b.rows.tolist()):
                if b.details is None:
                    msg, zh = b.message, b.message_zh
                else:
                    d = b.details(i) if callable(b.details) else b.details[i]
                    msg, zh = f"{b.message} ({d})", f"{b.message_zh}（{d}）"
                yield {"rule": b.rule, "severity": b.severity, "message": msg, "message_zh": zh, "sheet": b.sheet,
                       "row": int(r)}

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
            out.append({"rule": b.rule, "severity": b.severity, "message": b.message,
                        "message_zh": b.message_zh, "sheet": b.sheet, "count": len(b), "rows": first})
        return out
