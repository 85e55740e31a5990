"""Located findings of the project and event engines (tancert/projects, tancert/events).

A finding names its rule key (R5.c project, R5.d event, CEC-7048CMS-A2), a sub-check, its severity, the sheet
and row, and says what is wrong in English and Chinese. A key switched off by `tancert rules --mutate` adds no
finding (scheme/violations.py), so a test that expects the finding fails: that is how the key is proven.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tancert.scheme.violations import switched_off

BLOCKING, WARNING, INFO = "blocking", "warning", "info"
SEVERITY_ZH = {BLOCKING: "阻断", WARNING: "警告", INFO: "信息"}


@dataclass(frozen=True)
class Finding:
    rule: str
    check: str
    severity: str
    message: str
    message_zh: str
    sheet: str = ""
    row: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class Findings:
    def __init__(self):
        self.items: list[Finding] = []

    def add(self, rule: str, check: str, severity: str, message: str, message_zh: str, sheet: str = "",
            row: int | None = None) -> bool:
        """Add a finding; False (nothing added) when its rule is switched off for a mutation run."""
        if severity not in SEVERITY_ZH:
            raise ValueError(severity)
        if switched_off(rule):
            return False
        item = Finding(rule, check, severity, message, message_zh, sheet, row)
        if item not in self.items:  # the same finding from two periods is one finding
            self.items.append(item)
        return True

    @property
    def blocking(self) -> bool:
        return any(f.severity == BLOCKING for f in self.items)

    def checks(self, severity: str | None = None) -> set[str]:
        return {f.check for f in self.items if severity is None or f.severity == severity}

    def as_list(self) -> list[dict]:
        order = {BLOCKING: 0, WARNING: 1, INFO: 2}
        return [f.as_dict() for f in sorted(self.items, key=lambda f: order[f.severity])]
