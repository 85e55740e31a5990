"""Team composition check: every rule, bad teams, messages that name person and fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from planning_factories import CLIENT, END, START, make_auditor, make_need

from tancert.planning.teams import (
    Conflict,
    TeamMember,
    check_team,
    double_bookings,
    require_valid_team,
)
from tancert.scheme.violations import RuleViolation

LEAD, AUD, EXP = "leader", "auditor", "technical_expert"


def team(*pairs):
    return [TeamMember(i, role) for i, role in pairs]


def keys(problems):
    return [(p.key, p.code) for p in problems]


def test_planning_valid_team_has_no_problems():
    register = [make_auditor(1), make_auditor(2)]
    assert check_team(make_need(), team((1, LEAD), (2, AUD)), register) == []
    require_valid_team(make_need(), team((1, LEAD), (2, AUD)), register)


def test_planning_team_without_ghg_manager_refused():
    register = [make_auditor(1, ghg_valid_to=None), make_auditor(2, ghg_valid_from=None)]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert keys(problems) == [("R7.3.2", "ghg")]
    with pytest.raises(RuleViolation) as e:
        require_valid_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert e.value.key == "R7.3.2"
    assert "GHG manager" in e.value.message_en


def test_planning_ghg_holder_must_be_valid_on_every_audit_day():
    register = [make_auditor(1, ghg_valid_to=date(2026, 6, 9)), make_auditor(2, ghg_valid_to=None)]
    assert ("R7.3.2", "ghg") in keys(check_team(make_need(), team((1, LEAD), (2, AUD)), register))


def test_planning_technical_expert_with_ghg_does_not_count():
    register = [make_auditor(1, ghg_valid_to=None), make_auditor(2, ghg_valid_to=None), make_auditor(3)]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD), (3, EXP)), register)
    assert ("R7.3.2", "ghg") in keys(problems)


def test_planning_leader_registration_expiring_mid_audit_refused():
    register = [make_auditor(1, name="王敏", registration_valid_to=date(2026, 6, 9)), make_auditor(2)]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert keys(problems) == [("R4.A1", "registration")]
    p = problems[0]
    assert p.auditor_id == 1 and p.name == "王敏"
    assert "王敏" in p.message_en and "2026-06-09" in p.message_en and "Renew" in p.message_en
    with pytest.raises(RuleViolation) as e:
        require_valid_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert e.value.key == "R4.A1"


def test_planning_auditor_who_consulted_for_client_18_months_ago_refused():
    consulted = Conflict(CLIENT, date(2023, 1, 1), date(2024, 12, 8), "consulted")  # 18 months before START
    register = [make_auditor(1), make_auditor(2, name="李强", conflicts=(consulted,))]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert keys(problems) == [("R7.3.2", "impartiality")]
    assert "李强" in problems[0].message_en and "2026-12-09" in problems[0].message_en
    with pytest.raises(RuleViolation) as e:
        require_valid_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert e.value.key == "R7.3.2"


def test_planning_conflict_older_than_two_years_or_other_client_is_fine():
    old = Conflict(CLIENT, date(2020, 1, 1), date(2024, 6, 7), "employed")
    other = Conflict("org-2", date(2025, 1, 1), None, "consulted")
    register = [make_auditor(1), make_auditor(2, conflicts=(old, other))]
    assert check_team(make_need(), team((1, LEAD), (2, AUD)), register) == []


def test_planning_ongoing_employment_refused_for_technical_expert_too():
    register = [make_auditor(1), make_auditor(2), make_auditor(3, conflicts=(Conflict(CLIENT, None, None, "employed"),))]
    assert ("R7.3.2", "impartiality") in keys(check_team(make_need(), team((1, LEAD), (2, AUD), (3, EXP)), register))


def test_planning_auditor_booked_on_two_audits_same_day_refused():
    register = [make_auditor(1), make_auditor(2, name="赵六", busy=((date(2026, 6, 10), date(2026, 6, 10)),))]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert keys(problems) == [("R7.3.2", "busy")]
    with pytest.raises(RuleViolation) as e:
        require_valid_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert e.value.key == "R7.3.2" and "赵六" in e.value.message_en


def test_planning_double_bookings_across_audits():
    rows = [(7, "A", date(2026, 6, 8), date(2026, 6, 10)), (7, "B", date(2026, 6, 10), date(2026, 6, 11)),
            (7, "C", date(2026, 6, 12), date(2026, 6, 12)), (8, "A", date(2026, 6, 8), date(2026, 6, 10))]
    assert double_bookings(rows) == [(7, "A", "B")]


@pytest.mark.parametrize("roles", [((1, AUD), (2, AUD)), ((1, LEAD), (2, LEAD))])
def test_planning_exactly_one_leader(roles):
    register = [make_auditor(1), make_auditor(2)]
    assert ("R7.3.2", "leader_count") in keys(check_team(make_need(), team(*roles), register))


def test_planning_leader_must_be_qualified_to_lead():
    register = [make_auditor(1, competences=frozenset({(8, "auditor")})), make_auditor(2)]
    assert keys(check_team(make_need(), team((1, LEAD), (2, AUD)), register)) == [("R7.3.2", "leader")]
    register = [make_auditor(1, registration_grade="provisional"), make_auditor(2)]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert ("R7.3.2", "leader") in keys(problems)


def test_planning_technical_area_must_be_covered():
    register = [make_auditor(1), make_auditor(2)]
    need = make_need(technical_areas=frozenset({8, 10}))
    problems = check_team(need, team((1, LEAD), (2, AUD)), register)
    assert keys(problems) == [("R7.3.2", "area")]
    assert problems[0].params["area"] == 10


def test_planning_technical_expert_covers_area_without_registration():
    expert = make_auditor(3, registration_grade="", registration_valid_from=None, registration_valid_to=None,
                          experience=False, cms_competence=False, cpd_years=frozenset(),
                          competences=frozenset({(10, "technical_expert")}))
    register = [make_auditor(1), make_auditor(2), expert]
    need = make_need(technical_areas=frozenset({8, 10}))
    assert check_team(need, team((1, LEAD), (2, AUD), (3, EXP)), register) == []
    # … but as an auditor the same person fails R4:
    got = {k for k, _c in keys(check_team(need, team((1, LEAD), (2, AUD), (3, AUD)), register))}
    assert {"R4.A1", "R4.A2", "R4.A3", "R4.CPD"} <= got


@pytest.mark.parametrize("override, key", [({"experience": False}, "R4.A2"), ({"cms_competence": False}, "R4.A3"),
                                           ({"cpd_years": frozenset({2024})}, "R4.CPD")])
def test_planning_r4_records_required(override, key):
    register = [make_auditor(1), make_auditor(2, **override)]
    problems = check_team(make_need(), team((1, LEAD), (2, AUD)), register)
    assert [p.key for p in problems] == [key]
    assert problems[0].auditor_id == 2


def test_planning_cpd_grace_in_the_first_quarter():
    register = [make_auditor(1), make_auditor(2, cpd_years=frozenset({2025}))]
    early = make_need(start=date(2026, 2, 2), end=date(2026, 2, 4))
    assert check_team(early, team((1, LEAD), (2, AUD)), register) == []
    assert [p.key for p in check_team(make_need(), team((1, LEAD), (2, AUD)), register)] == ["R4.CPD"]


def test_planning_team_auditor_days_must_cover_the_calculated_time():
    register = [make_auditor(1), make_auditor(2), make_auditor(3, registration_grade="provisional")]
    need = make_need(auditor_days=D(7))  # 3 days each: 2 auditors give 6
    problems = check_team(need, team((1, LEAD), (2, AUD), (3, AUD)), register)
    assert keys(problems) == [("R7.3.3", "days")]
    assert problems[0].params["missing"] == D(1)
    with pytest.raises(RuleViolation) as e:
        require_valid_team(need, team((1, LEAD), (2, AUD), (3, AUD)), register)
    assert e.value.key == "R7.3.3"
    assert check_team(need, team((1, LEAD), (2, AUD), (3, AUD)), [*register[:2], make_auditor(3)]) == []


def test_planning_partial_days_count():
    register = [make_auditor(1), make_auditor(2)]
    need = make_need(auditor_days=D("4.5"))
    assert keys(check_team(need, [TeamMember(1, LEAD), TeamMember(2, AUD, D("1"))], register)) == [("R7.3.3", "days")]
    assert check_team(need, [TeamMember(1, LEAD), TeamMember(2, AUD, D("1.5"))], register) == []


def test_planning_all_problems_returned_and_first_raised():
    bad = make_auditor(2, experience=False, cpd_years=frozenset(), busy=((START, END),), ghg_valid_to=None)
    register = [make_auditor(1, ghg_valid_to=None), bad]
    problems = check_team(make_need(auditor_days=D(9)), team((1, LEAD), (2, AUD), (9, AUD), (2, AUD)), register)
    assert keys(problems) == [("R7.3.2", "unknown"), ("R7.3.2", "duplicate"), ("R7.3.2", "ghg"), ("R7.3.2", "busy"),
                              ("R4.A2", "experience"), ("R4.CPD", "cpd"), ("R7.3.3", "days")]
    assert check_team(make_need(), [], register)[0].key == "R7.3.2"


def test_planning_problem_messages_in_both_languages():
    register = [make_auditor(1, name="王敏", registration_valid_to=date(2026, 6, 9)), make_auditor(2)]
    p = check_team(make_need(), team((1, LEAD), (2, AUD)), register)[0]
    assert "王敏" in p.message_zh and "2026-06-09" in p.message_zh
    assert p.to_violation().as_dict()["rule"] == "R4.A1"
