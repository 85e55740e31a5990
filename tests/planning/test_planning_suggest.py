"""Team suggestion: feasible, ranked, explained, deterministic; agrees with the per-person rules."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from planning_factories import CLIENT, START, make_auditor, make_need

from tancert.planning.offsite import (
    OffsiteFacts,
    consecutive_run,
    require_offsite_allowed,
    stage1_offsite,
)
from tancert.planning.suggest import BIT, REASONS, AuditorIndex, naive_eligible, suggest_teams
from tancert.planning.teams import AuditNeed, Conflict, check_team
from tancert.scheme.violations import RuleViolation


def register():
    return [
        make_auditor("lead", competences=frozenset({(8, "auditor"), (8, "team_leader")})),
        make_auditor("far", competences=frozenset({(8, "auditor"), (8, "team_leader")})),
        make_auditor("aud", ghg_valid_to=None, competences=frozenset({(8, "auditor")})),
        make_auditor("cement", ghg_valid_to=None, competences=frozenset({(10, "auditor")})),
        make_auditor("consultant", conflicts=(Conflict(CLIENT, date(2023, 1, 1), date(2024, 12, 8), "consulted"),)),
        make_auditor("expired", registration_valid_to=date(2026, 6, 9)),
        make_auditor("booked", busy=((date(2026, 6, 10), date(2026, 6, 12)),)),
        make_auditor("nocpd", cpd_years=frozenset({2024})),
        make_auditor("expert", registration_grade="", registration_valid_to=None, experience=False,
                     cms_competence=False, competences=frozenset({(10, "technical_expert")})),
        make_auditor("nobody", registration_grade="", registration_valid_to=None, competences=frozenset()),
    ]


TRAVEL = {"lead": 0.5, "far": 2.0, "aud": 0.5, "cement": 1.0, "expert": 0.5}


def travel(a, need):
    return TRAVEL.get(a.id, 1.0)


def test_planning_suggestion_smallest_team_first_and_valid():
    need = make_need(auditor_days=D(3))  # one person for 3 days
    s = suggest_teams(need, register(), travel_days=travel)
    assert s.problems == []
    best = s.teams[0]
    assert [(m.auditor_id, m.role) for m in best.members] == [("lead", "leader")]
    for t in s.teams:
        assert check_team(need, list(t.members), register()) == []
    assert [t.size for t in s.teams] == sorted(t.size for t in s.teams)


def test_planning_suggestion_travel_breaks_ties():
    need = make_need(auditor_days=D(3))
    s = suggest_teams(need, register(), travel_days=travel)
    singles = [t for t in s.teams if t.size == 1]
    assert [t.members[0].auditor_id for t in singles][:2] == ["lead", "far"]
    assert singles[0].travel_days < singles[1].travel_days


def test_planning_suggestion_covers_a_second_area_with_auditor_before_expert():
    need = make_need(technical_areas=frozenset({8, 10}), auditor_days=D(6))
    s = suggest_teams(need, register(), travel_days=travel)
    best = s.teams[0]
    assert {(m.auditor_id, m.role) for m in best.members} == {("lead", "leader"), ("cement", "auditor")}
    assert all(check_team(need, list(t.members), register()) == [] for t in s.teams)
    # With 3 days needed the cement auditor is still preferred to an expert (competence ranks first).
    s3 = suggest_teams(make_need(technical_areas=frozenset({8, 10}), auditor_days=D(3)), register(),
                       travel_days=travel)
    assert ("cement", "auditor") in {(m.auditor_id, m.role) for m in s3.teams[0].members}
    assert any(m.role == "technical_expert" for t in s3.teams for m in t.members)


def test_planning_suggestion_explains_every_exclusion():
    need = make_need(auditor_days=D(3))
    s = suggest_teams(need, register(), travel_days=travel, limit=1)
    why = {e.auditor_id: e for e in s.excluded}
    assert "lead" not in why
    assert why["consultant"].codes == ("impartiality",) and why["consultant"].keys == ("R7.3.2",)
    assert why["expired"].keys == ("R4.A1",)
    assert why["booked"].codes == ("busy",)
    assert why["nocpd"].keys == ("R4.CPD",)
    assert "no_expert_area" in why["nobody"].codes
    assert why["far"].codes == ("not_selected",)
    assert "last 2 years" in why["consultant"].reasons("en")[0]
    assert why["consultant"].reasons("zh-hans")
    assert len(s.excluded) == len(register()) - 1


def test_planning_suggestion_reports_why_no_team_is_possible():
    need = make_need(auditor_days=D(3))
    people = [a for a in register() if a.id in ("aud", "cement", "expert")]
    s = suggest_teams(need, people)
    assert s.teams == []
    assert {(p.key, p.code) for p in s.problems} == {("R7.3.2", "leader"), ("R7.3.2", "ghg")}
    s = suggest_teams(make_need(auditor_days=D(30)), register())
    assert ("R7.3.3", "days") in {(p.key, p.code) for p in s.problems}


def test_planning_suggestion_is_deterministic():
    need = make_need(technical_areas=frozenset({8, 10}), auditor_days=D(6))
    index = AuditorIndex(register())
    a = suggest_teams(need, index, travel_days=travel)
    b = suggest_teams(need, index, travel_days=travel)
    assert [t.members for t in a.teams] == [t.members for t in b.teams]


def random_register(n, seed):
    rnd = random.Random(seed)
    people = []
    for i in range(n):
        comps = {(rnd.randint(1, 21), rnd.choice(["auditor", "auditor", "technical_expert"])) for _ in range(3)}
        if rnd.random() < 0.4:
            comps.add((rnd.randint(1, 21), "team_leader"))
        start = date(2026, 1, 1) + timedelta(days=rnd.randint(0, 360))
        people.append(make_auditor(
            i, registration_grade=rnd.choice(["provisional", "auditor", "auditor", "senior", ""]),
            registration_valid_from=date(2023, 1, 1), registration_valid_to=date(2026, 1, 1) + timedelta(rnd.randint(0, 700)),
            ghg_valid_to=None if rnd.random() < 0.5 else date(2027, 1, 1),
            experience=rnd.random() < 0.9, cms_competence=rnd.random() < 0.9, competences=frozenset(comps),
            cpd_years=frozenset({2025, 2026} if rnd.random() < 0.85 else {2024}),
            conflicts=tuple(Conflict(f"org-{rnd.randint(0, 30)}", date(2022, 1, 1),
                                     rnd.choice([None, date(2023, 6, 1), date(2025, 6, 1)])) for _ in range(rnd.randint(0, 2))),
            busy=((start, start + timedelta(days=rnd.randint(0, 3))),),
        ))
    return people


def random_need(rnd):
    start = date(2026, 1, 1) + timedelta(days=rnd.randint(0, 360))
    return AuditNeed(f"org-{rnd.randint(0, 30)}", frozenset(rnd.sample(range(1, 22), rnd.choice([1, 1, 2, 3]))),
                     start, start + timedelta(days=rnd.randint(0, 3)), D(rnd.choice([2, 3, 4, "5.5", 8, 12])))


def test_planning_vectorised_reasons_match_the_per_person_rules():
    people = random_register(150, seed=1)
    index = AuditorIndex(people)
    rnd = random.Random(2)
    for _ in range(40):
        need = random_need(rnd)
        bits, *_rest = index.reasons(need)
        for (a, codes), b in zip(naive_eligible(people, need), bits.tolist(), strict=True):
            assert set(codes) == {c for c, _k, _m in REASONS if b & BIT[c]}, (a.id, codes)


def test_planning_every_suggested_team_passes_the_check():
    people = random_register(200, seed=3)
    index = AuditorIndex(people)
    rnd = random.Random(4)
    found = 0
    for _ in range(60):
        need = random_need(rnd)
        s = suggest_teams(need, index, travel_days=lambda a, n: (hash(a.id) % 7) / 2)
        for t in s.teams:
            assert check_team(need, list(t.members), people) == [], (need, t)
        found += bool(s.teams)
        assert bool(s.teams) != bool(s.problems)
    assert found > 30


# --- stage 1 off site (R7.4.1-S1-offsite) ----------------------------------------------------------


def test_planning_stage1_offsite_conditions():
    assert stage1_offsite(OffsiteFacts(enms_or_ems_certified=True)).conditions == ("R7.4.1-O1",)
    assert stage1_offsite(OffsiteFacts(simple_process_declared=True)).offsite_allowed is False
    d = stage1_offsite(OffsiteFacts(simple_process_declared=True, simple_process_grounds="仅办公楼用电",
                                    simple_process_judged=True))
    assert d.conditions == ("R7.4.1-O2",) and "仅办公楼用电" in d.reason_zh
    d = stage1_offsite(OffsiteFacts(verified_reporting_years=frozenset({2021, 2023, 2024, 2025})))
    assert d.conditions == ("R7.4.1-O3",) and "2023–2025" in d.reason_en
    assert consecutive_run({2020, 2022, 2024}) is None


def test_o2_is_the_programme_managers_judgement_not_the_clients_text():
    # R7.4.1-O2: the client's grounds alone, or grounds judged insufficient, do not allow an off-site stage 1.
    grounds = dict(simple_process_declared=True, simple_process_grounds="仅办公楼用电")
    assert stage1_offsite(OffsiteFacts(**grounds)).offsite_allowed is False
    assert stage1_offsite(OffsiteFacts(**grounds, simple_process_judged=False)).offsite_allowed is False
    assert stage1_offsite(OffsiteFacts(**grounds, simple_process_judged=True)).conditions == ("R7.4.1-O2",)


def test_o3_counts_the_three_years_immediately_before_the_application():
    # R7.4.1-O3: verified reporting for 2023–2025 allows it for an application in 2026, not one in 2029.
    from datetime import date

    years = frozenset({2023, 2024, 2025})
    assert stage1_offsite(OffsiteFacts(verified_reporting_years=years,
                                       application_date=date(2026, 3, 1))).conditions == ("R7.4.1-O3",)
    assert stage1_offsite(OffsiteFacts(verified_reporting_years=years,
                                       application_date=date(2029, 3, 1))).offsite_allowed is False
    gap = frozenset({2022, 2023, 2024})  # three consecutive, but not the last three before 2026
    assert stage1_offsite(OffsiteFacts(verified_reporting_years=gap,
                                       application_date=date(2026, 3, 1))).offsite_allowed is False
    assert START.year == 2026


def test_planning_stage1_offsite_refused_without_condition():
    with pytest.raises(RuleViolation) as e:
        require_offsite_allowed(OffsiteFacts(verified_reporting_years=frozenset({2024, 2025})))
    assert e.value.key == "R7.4.1-S1-offsite"


def _brute_best(people, need):
    """Best rank key over every single person and pair (test oracle, plain Python)."""
    from itertools import combinations

    from tancert.planning.teams import AREA_FUNCTIONS, busy_on, can_lead, ghg_valid, impartiality_limit

    ok = {a.id: codes for a, codes in naive_eligible(people, need)}
    pool = [(a, False) for a in people if not ok[a.id]]
    pool += [(a, True) for a in people if ok[a.id] and not set(ok[a.id]) & {"impartiality", "busy"}
             and any((ar, f) in a.competences for ar in need.technical_areas for f in AREA_FUNCTIONS)]
    best = None
    for size in (1, 2):
        for combo in combinations(pool, size):
            counted = [a for a, ex in combo if not ex]
            if not counted or need.person_days * len(counted) < need.auditor_days:
                continue
            if not any(can_lead(a) for a in counted) or not any(ghg_valid(a, need.start, need.end) for a in counted):
                continue
            if not all(any((ar, f) in a.competences for a, _e in combo for f in AREA_FUNCTIONS)
                       for ar in need.technical_areas):
                continue
            limit = impartiality_limit(need.start)
            older = sum(any(c.organisation_id == need.organisation_id and c.start <= need.end and c.end is not None
                            and c.end < limit for c in a.conflicts) for a, _e in combo)
            tight = sum(busy_on(a, need.start - timedelta(1), need.end + timedelta(1)) is not None for a, _e in combo)
            expert_only = sum(1 for ar in need.technical_areas
                              if not any((ar, f) in a.competences for a in counted for f in AREA_FUNCTIONS))
            key = (expert_only, older, tight, size, round(sum((hash(a.id) % 7) / 2 for a, _e in combo), 6))
            best = key if best is None or key < best else best
    return best


def test_planning_suggestion_as_good_as_brute_force_on_small_registers():
    rnd = random.Random(7)
    compared = 0
    for seed in range(12):
        people = random_register(40, seed=100 + seed)
        index = AuditorIndex(people)
        for _ in range(8):
            need = random_need(rnd)
            best = _brute_best(people, need)
            if best is None:
                continue
            s = suggest_teams(need, index, travel_days=lambda a, n: (hash(a.id) % 7) / 2)
            assert s.teams and s.teams[0].rank_key[:5] <= best, (need, s.teams[0].rank_key, best)
            compared += 1
    assert compared >= 10
