"""Rotation of team leaders (CB-rotation, body policy; docs/obligations.md): nobody leads the team at one client
after leading it in the body's limit of consecutive certification cycles — the team check refuses, the suggestion
proposes someone else as leader and may keep the person as an auditor. Pure: no database."""

from __future__ import annotations

from planning_factories import make_auditor, make_need

from tancert.planning.suggest import suggest_teams
from tancert.planning.teams import LEADER, TeamMember, check_team, consecutive_cycles


def test_consecutive_cycles_count_back_from_the_last_cycle():
    led = {1: {"a", "b"}, 2: {"a"}, 3: {"a", "c"}, 4: {"x"}}
    assert dict(consecutive_cycles(led, current=4)) == {"a": 3, "c": 1}  # b's run ended in cycle 1
    assert dict(consecutive_cycles(led, current=5)) == {"x": 1}  # the last cycle breaks a's run
    assert consecutive_cycles({}, current=1) == ()


def test_the_team_check_refuses_a_leader_at_the_limit_and_the_suggestion_avoids_them():
    a, b = make_auditor("a"), make_auditor("b")
    need = make_need(rotation_max=2, led_cycles=(("a", 2), ("b", 1)))
    problems = check_team(need, [TeamMember("a", LEADER), TeamMember("b", "auditor")], [a, b])
    assert [(q.key, q.code, q.auditor_id) for q in problems] == [("CB-rotation", "rotation", "a")]
    assert "2" in problems[0].message_en and problems[0].message_zh
    assert check_team(need, [TeamMember("b", LEADER), TeamMember("a", "auditor")], [a, b]) == []
    assert check_team(make_need(led_cycles=(("a", 5),)), [TeamMember("a", LEADER), TeamMember("b", "auditor")],
                      [a, b]) == []  # no limit set: no rotation rule
    s = suggest_teams(need, [a, b])
    assert s.teams and all(t.members[0].auditor_id == "b" for t in s.teams)
    assert any("a" in {m.auditor_id for m in t.members} for t in s.teams)  # a still serves as an auditor
    for t in s.teams:
        assert check_team(need, list(t.members), [a, b]) == []
