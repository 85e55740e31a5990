"""Check-in windows, anomalies and the explanation deadline as pure functions (CB-checkin, docs/obligations.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tancert.audits.checklists import checkin_rules as r
from tancert.scheme.workdays import add_workdays

TZ = ZoneInfo("Asia/Shanghai")
MON, WED = date(2026, 3, 2), date(2026, 3, 4)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


TIMED = r.Meetings(MON, WED, opening_start=at(MON, 9), closing_start=at(WED, 15), closing_end=at(WED, 16))
DAYS = r.Meetings(MON, WED)


def kinds(found):
    return [(a.kind, a.meeting) for a in found]


def test_opening_window_is_that_day_up_to_two_hours_after_the_meeting_starts():
    assert not r.outside_window(r.Seen(r.OPENING, at(MON, 7)), TIMED)  # earlier, the same day
    assert not r.outside_window(r.Seen(r.OPENING, at(MON, 11)), TIMED)  # exactly 2 h after
    assert r.outside_window(r.Seen(r.OPENING, at(MON, 11, 1)), TIMED)
    assert r.outside_window(r.Seen(r.OPENING, at(MON, 23) - timedelta(days=1)), TIMED)  # the evening before


def test_closing_window_is_from_the_meeting_start_to_two_hours_after_its_end():
    assert r.outside_window(r.Seen(r.CLOSING, at(WED, 14, 59)), TIMED)
    assert not r.outside_window(r.Seen(r.CLOSING, at(WED, 15)), TIMED)
    assert not r.outside_window(r.Seen(r.CLOSING, at(WED, 18)), TIMED)
    assert r.outside_window(r.Seen(r.CLOSING, at(WED, 18, 1)), TIMED)


def test_without_meeting_times_only_the_day_is_judged():
    assert not r.outside_window(r.Seen(r.OPENING, at(MON, 17)), DAYS)
    assert r.outside_window(r.Seen(r.OPENING, at(MON + timedelta(days=1), 8)), DAYS)
    assert not r.outside_window(r.Seen(r.CLOSING, at(WED, 6)), DAYS)
    assert r.outside_window(r.Seen(r.CLOSING, at(MON, 17)), DAYS)
    _e, _l, text = r.window(r.OPENING, DAYS)
    assert "2026-03-02" in text


def test_missing_check_ins_are_anomalies_only_after_the_last_planned_day():
    assert r.anomalies(DAYS, [], today=WED) == []
    found = r.anomalies(DAYS, [r.Seen(r.OPENING, at(MON, 8))], today=WED + timedelta(days=1))
    assert kinds(found) == [(r.MISSING, r.CLOSING)]
    assert found[0].label == "末次会议未签到" and found[0].key == "missing:closing"
    late = r.anomalies(DAYS, [r.Seen(r.OPENING, at(MON + timedelta(days=1), 8)), r.Seen(r.CLOSING, at(WED, 17))],
                       today=WED + timedelta(days=9))
    assert kinds(late) == [(r.WINDOW, r.OPENING)] and "2026-03-03 08:00" in late[0].happened


def test_distance_is_judged_only_when_both_positions_exist():
    site = (39.9042, 116.4074)  # Beijing
    assert 100 < r.distance_km(site, (39.3434, 117.3616)) < 120  # Tianjin, about 110 km
    near, far = (39.92, 116.41), (39.99, 116.41)  # ~1.8 km and ~9.5 km north
    seen = [r.Seen(r.OPENING, at(MON, 8), near), r.Seen(r.CLOSING, at(WED, 17), far)]
    assert kinds(r.anomalies(DAYS, seen, today=WED, planned_position=site)) == [(r.LOCATION, r.CLOSING)]
    assert r.anomalies(DAYS, seen, today=WED) == []  # no planned position: nothing invented
    unplaced = [r.Seen(r.OPENING, at(MON, 8)), r.Seen(r.CLOSING, at(WED, 17))]
    assert r.anomalies(DAYS, unplaced, today=WED, planned_position=site) == []


def test_the_body_explains_within_five_working_days_after_the_audit_ends():
    def workdays(d, n):
        return add_workdays(d, n).date

    assert r.explanation_deadline(date(2026, 1, 9), workdays) == date(2026, 1, 16)  # Friday → next Friday
    # National Day 2025: 1–8 October off, Saturday 11 October a make-up working day (chinesecalendar).
    assert r.explanation_deadline(date(2025, 9, 30), workdays) == date(2025, 10, 14)
