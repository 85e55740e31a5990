"""Chinese working days for R7.2-deadline (3 working days).

Sources, in order: an administrator's calendar (overrides, for years the package does
not know yet), the `chinesecalendar` package (official holidays and make-up working
days), and — visibly — Monday to Friday when neither knows the year.

We count working days strictly *after* the start date ourselves, because the package's
find_workday() is off by one when the start date is not a working day
(reference/certification.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

OFFICIAL, CUSTOM, FALLBACK = "official", "custom", "fallback"


@dataclass
class DayKind:
    workday: bool
    source: str  # official / custom / fallback


def classify(day: date, overrides: dict[date, bool] | None = None, custom_years: set[int] | None = None) -> DayKind:
    """Is `day` a working day, and which calendar says so."""
    if overrides and day in overrides:
        return DayKind(overrides[day], CUSTOM)
    if custom_years and day.year in custom_years:
        # A year entered by an administrator: days not listed follow Monday–Friday.
        return DayKind(day.weekday() < 5, CUSTOM)
    try:
        return DayKind(bool(chinese_calendar.is_workday(day)), OFFICIAL)
    except NotImplementedError:
        return DayKind(day.weekday() < 5, FALLBACK)


@dataclass
class WorkdayResult:
    date: date
    fallback_years: set[int] = field(default_factory=set)

    @property
    def uses_fallback(self) -> bool:
        return bool(self.fallback_years)


def add_workdays(start: date, n: int, overrides: dict[date, bool] | None = None,
                 custom_years: set[int] | None = None) -> WorkdayResult:
    """The date n working days after start (n ≥ 0; n = 0 returns start)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    day, counted, fallback = start, 0, set()
    while counted < n:
        day += timedelta(days=1)
        kind = classify(day, overrides, custom_years)
        if kind.source == FALLBACK:
            fallback.add(day.year)
        if kind.workday:
            counted += 1
    return WorkdayResult(day, fallback)


def workdays_between(start: date, end: date, overrides: dict[date, bool] | None = None) -> int:
    """Working days strictly after start up to and including end."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if classify(day, overrides).workday:
            count += 1
    return count
