"""Programme windows of the 3-year cycle, hand-computed."""

from __future__ import annotations

from datetime import date

import pytest

from tancert.planning.programme import (
    check_recertification_date,
    check_renewal_application,
    check_surveillance_date,
    cycle_anchor,
    default_expiry,
    due_soon,
    extra_surveillance,
    first_surveillance_due,
    programme_windows,
    renewal_window,
)
from tancert.scheme.violations import RuleViolation

DECISION, ISSUE = date(2025, 3, 10), date(2025, 3, 20)


def test_planning_first_surveillance_from_the_earlier_date():
    assert first_surveillance_due(DECISION, ISSUE) == date(2026, 3, 10)
    assert first_surveillance_due(date(2025, 3, 10), date(2025, 3, 1)) == date(2026, 3, 1)
    assert cycle_anchor(ISSUE, DECISION) == DECISION


def test_planning_leap_day_anchor():
    assert first_surveillance_due(date(2024, 2, 29), date(2024, 2, 29)) == date(2025, 2, 28)


def test_planning_default_expiry_is_three_years_less_a_day():
    assert default_expiry(ISSUE) == date(2028, 3, 19)


def test_planning_programme_windows():
    p = programme_windows(DECISION, ISSUE)
    s1, s2 = p.window("surveillance", 1), p.window("surveillance", 2)
    assert (s1.earliest, s1.latest, s1.rule) == (date(2025, 12, 10), date(2026, 3, 10), "R8.1.1-interval")
    assert (s2.earliest, s2.latest) == (date(2026, 12, 10), date(2027, 3, 10))
    renewal = p.window("renewal_application")
    # 2028-03-19 − 90 days (2028 is a leap year) = 2027-12-20
    assert (renewal.earliest, renewal.latest, renewal.rule) == (date(2027, 12, 20), date(2028, 3, 19), "R9.3-renewal")
    recert = p.window("recertification")
    assert (recert.earliest, recert.latest) == (date(2027, 12, 20), date(2028, 3, 18))
    assert p.anchor == DECISION and p.expiry == date(2028, 3, 19)


def test_planning_windows_follow_the_actual_surveillance():
    p = programme_windows(DECISION, ISSUE, surveillance_ends=[date(2026, 1, 15)])
    assert p.window("surveillance", 2).latest == date(2027, 1, 15)
    assert p.window("surveillance", 2).contains(date(2026, 12, 1))


def test_planning_surveillance_thirteen_months_after_the_last_refused():
    with pytest.raises(RuleViolation) as e:
        check_surveillance_date(date(2027, 2, 15), decision_date=DECISION, issue_date=ISSUE,
                                last_surveillance_end=date(2026, 1, 15))
    assert e.value.key == "R8.1.1-interval"
    assert "2027-01-15" in e.value.message_en
    check_surveillance_date(date(2027, 1, 15), decision_date=DECISION, issue_date=ISSUE,
                            last_surveillance_end=date(2026, 1, 15))


def test_planning_first_surveillance_thirteen_months_after_decision_refused():
    with pytest.raises(RuleViolation) as e:
        check_surveillance_date(date(2026, 4, 10), decision_date=DECISION, issue_date=ISSUE)
    assert e.value.key == "R8.1.1-interval"
    assert "earlier" in e.value.message_en


def test_planning_surveillance_before_previous_refused():
    with pytest.raises(RuleViolation) as e:
        check_surveillance_date(date(2026, 1, 1), decision_date=DECISION, issue_date=ISSUE,
                                last_surveillance_end=date(2026, 1, 15))
    assert e.value.key == "R8.1.1-interval"


def test_planning_surveillance_after_expiry_refused():
    with pytest.raises(RuleViolation) as e:
        check_surveillance_date(date(2028, 3, 25), decision_date=DECISION, issue_date=ISSUE,
                                last_surveillance_end=date(2027, 6, 1))
    assert e.value.key == "R9.2-validity"


def test_planning_recertification_must_end_before_expiry():
    check_recertification_date(date(2028, 3, 18), date(2028, 3, 19))
    with pytest.raises(RuleViolation) as e:
        check_recertification_date(date(2028, 3, 19), date(2028, 3, 19))
    assert e.value.key == "R9.3-renewal"


@pytest.mark.parametrize("applied_on, ok", [(date(2027, 12, 19), False), (date(2027, 12, 20), True),
                                            (date(2028, 3, 19), True), (date(2028, 3, 20), False)])
def test_planning_renewal_application_window(applied_on, ok):
    if ok:
        check_renewal_application(applied_on, date(2028, 3, 19))
    else:
        with pytest.raises(RuleViolation) as e:
            check_renewal_application(applied_on, date(2028, 3, 19))
        assert e.value.key == "R9.3-renewal"
    assert renewal_window(date(2028, 3, 19)).contains(applied_on) is ok


def test_planning_extra_surveillance_needs_a_reason():
    w = extra_surveillance("major_incident", "锅炉爆炸导致停产", start=date(2026, 5, 1), expiry=date(2028, 3, 19))
    assert (w.kind, w.rule, w.reason, w.latest) == ("extra_surveillance", "R8.1.1-extra", "锅炉爆炸导致停产",
                                                    date(2026, 6, 30))
    with pytest.raises(RuleViolation) as e:
        extra_surveillance("major_change", " ", start=date(2026, 5, 1), expiry=date(2028, 3, 19))
    assert e.value.key == "R8.1.1-extra" and e.value.field == "reason"
    with pytest.raises(RuleViolation) as e:
        extra_surveillance("customer_wish", "x", start=date(2026, 5, 1), expiry=date(2028, 3, 19))
    assert e.value.key == "R8.1.1-extra"


def test_planning_due_soon_and_overdue():
    p = programme_windows(DECISION, ISSUE)
    assert [(w.kind, w.sequence, s) for w, s in due_soon(p, date(2026, 2, 20))] == [("surveillance", 1, "due")]
    assert [(w.sequence, s) for w, s in due_soon(p, date(2026, 3, 11))] == [(1, "overdue")]
    assert due_soon(p, date(2026, 3, 11), done=[("surveillance", 1)]) == []
