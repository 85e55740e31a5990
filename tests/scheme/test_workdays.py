"""Chinese working days (R7.2-deadline)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from tancert.scheme.workdays import CUSTOM, FALLBACK, OFFICIAL, add_workdays, classify


def test_saturday_start_counts_strictly_after_the_start():
    # Saturday 2026-03-07 + 3 → Wed 11th (the package's find_workday would give Thursday).
    assert add_workdays(date(2026, 3, 7), 3).date == date(2026, 3, 11)


def test_spring_festival_and_make_up_saturday():
    assert classify(date(2026, 2, 14)).workday and classify(date(2026, 2, 14)).source == OFFICIAL
    assert not classify(date(2026, 2, 16)).workday
    assert add_workdays(date(2026, 2, 13), 3).date == date(2026, 2, 25)


def test_unknown_year_falls_back_visibly_to_monday_to_friday():
    result = add_workdays(date(2030, 1, 4), 3)
    assert result.date == date(2030, 1, 9) and result.uses_fallback and 2030 in result.fallback_years
    assert classify(date(2030, 1, 5)).source == FALLBACK


def test_administrator_calendar_overrides_the_fallback():
    overrides = {date(2030, 1, 7): False}
    assert classify(date(2030, 1, 7), overrides).source == CUSTOM
    assert add_workdays(date(2030, 1, 4), 3, overrides).date == date(2030, 1, 10)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2026, 1, 5), -1)


def test_workdays_command(capsys):
    call_command("workdays", "add", "2026-02-13", "3")
    assert capsys.readouterr().out.strip() == "2026-02-25"


def test_issue_example_thursday_before_spring_festival_2026():
    # Complete Thursday 2026-02-12 → Fri 13th, make-up Sat 14th, holidays 15th–23rd → due Tuesday 24th.
    assert add_workdays(date(2026, 2, 12), 3).date == date(2026, 2, 24)


def test_national_day_2026_and_its_make_up_saturday():
    # Wed 2026-09-30 → holidays 1st–7th → Thu 8th, Fri 9th, make-up Sat 10th.
    assert add_workdays(date(2026, 9, 30), 3).date == date(2026, 10, 10)
    assert classify(date(2026, 10, 10)).workday


def test_weekend_start_in_a_normal_week():
    assert add_workdays(date(2026, 6, 6), 1).date == date(2026, 6, 8)  # Saturday → Monday
