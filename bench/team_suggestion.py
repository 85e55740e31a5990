"""Benchmark: team suggestion for a body with 500 auditors and 5,000 audits a year.

Workload (seeded, so every run is the same): 500 auditors (grades, registrations expiring through
the year, GHG qualifications for about half, 1–4 area competences, ~35 % team leaders, CPD gaps,
0–2 conflict declarations, ~25 bookings each) and 5,000 audits over 2026 at 1,500 clients in 31
provinces; each audit's auditor-days come from the audit-time calculator.

Rows, each with its baseline measured in the same run:

1. audit time for all 5,000 audits (calculator; no baseline);
2. eligibility with reasons, 500 × 5,000: vectorised index vs the straightforward per-audit
   Python filter (``naive_eligible``, the same rules);
3. full suggestion (ranked teams) for all 5,000 audits vs brute force over every single auditor
   and every pair of eligible people, on a subset of audits, extrapolated to 5,000;
4. building the per-auditor exclusion explanations for all 5,000 audits.

    .venv/bin/python bench/team_suggestion.py [AUDITS] [BRUTE_FORCE_SUBSET]
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from itertools import combinations

from tancert.planning.audittime import ClientProfile, calculate
from tancert.planning.suggest import AuditorIndex, naive_eligible, suggest_teams
from tancert.planning.teams import (
    AREA_FUNCTIONS,
    AuditNeed,
    Auditor,
    Conflict,
    busy_on,
    can_lead,
    ghg_valid,
    impartiality_limit,
)

AUDITORS, AUDITS, CLIENTS, PROVINCES = 500, 5000, 1500, 31
YEAR0 = date(2026, 1, 1)
AREA_WEIGHTS = [8, 6, 2, 2, 3, 2, 8, 6, 4, 5, 4, 10, 3, 4, 2, 6, 3, 8, 2, 4, 6]  # Appendix A 1…21


def build_register(rnd: random.Random) -> tuple[list[Auditor], dict]:
    people, home = [], {}
    for i in range(AUDITORS):
        areas = rnd.choices(range(1, 22), AREA_WEIGHTS, k=rnd.randint(1, 4))
        comps = {(a, rnd.choice(["auditor", "auditor", "technical_expert"])) for a in areas}
        if rnd.random() < 0.35:
            comps.add((areas[0], "team_leader"))
        busy = []
        for _ in range(25):
            s = YEAR0 + timedelta(days=rnd.randint(0, 364))
            busy.append((s, s + timedelta(days=rnd.randint(0, 3))))
        grade = rnd.choices(["provisional", "auditor", "senior", ""], [10, 60, 25, 5])[0]
        people.append(Auditor(
            id=i, name=f"审核员{i:03d}", registration_grade=grade, registration_number=f"2026-N1CMS-{i:06d}",
            registration_valid_from=date(2023, 1, 1), registration_valid_to=YEAR0 + timedelta(days=rnd.randint(-30, 900)),
            ghg_valid_from=date(2024, 1, 1) if rnd.random() < 0.5 else None, ghg_valid_to=date(2028, 12, 31),
            experience=rnd.random() < 0.95, cms_competence=rnd.random() < 0.95, competences=frozenset(comps),
            cpd_years=frozenset({2025, 2026}) if rnd.random() < 0.9 else frozenset({2025}),
            conflicts=tuple(Conflict(rnd.randrange(CLIENTS), date(2021, 1, 1),
                                     rnd.choice([None, date(2023, 3, 1), date(2025, 3, 1)]))
                            for _ in range(rnd.randint(0, 2))),
            busy=tuple(busy)))
        home[i] = rnd.randrange(PROVINCES)
    return people, home


def build_audits(rnd: random.Random) -> tuple[list[ClientProfile], list[tuple]]:
    profiles, audits = [], []
    client_area = {c: rnd.choices(range(1, 22), AREA_WEIGHTS, k=rnd.choice([1, 1, 1, 2, 2, 3])) for c in range(CLIENTS)}
    client_prov = {c: rnd.randrange(PROVINCES) for c in range(CLIENTS)}
    for _ in range(AUDITS):
        c = rnd.randrange(CLIENTS)
        kind = rnd.choices(["initial", "surveillance", "recertification"], [25, 55, 20])[0]
        profiles.append(ClientProfile(
            audit_type=kind, employees=int(rnd.lognormvariate(5, 1.2)), sites=rnd.choice([1, 1, 1, 2, 3, 5, 12]),
            technical_areas=frozenset(client_area[c]), significant_sources=rnd.randint(0, 60),
            source_kinds=frozenset(rnd.sample("abcdefg", rnd.randint(1, 6))), process_emissions=rnd.random() < 0.3,
            continuous_measurement_systems=rnd.choice([0, 0, 0, 1, 2, 5]), cms_months=rnd.randint(3, 60)))
        start = YEAR0 + timedelta(days=rnd.randint(0, 360))
        audits.append((c, client_prov[c], start))
    return profiles, audits


def _older_and_tight(a: Auditor, need: AuditNeed) -> tuple[int, int]:
    limit = impartiality_limit(need.start)
    older = any(c.organisation_id == need.organisation_id and (c.start is None or c.start <= need.end)
                and c.end is not None and c.end < limit for c in a.conflicts)
    tight = busy_on(a, need.start - timedelta(days=1), need.end + timedelta(days=1)) is not None
    return int(older), int(tight)


def brute_force(people: list[Auditor], need: AuditNeed, travel) -> tuple | None:
    """Every single person and every pair of eligible people, each checked in plain Python and
    ranked by the same key as the engine (competence, impartiality, availability, size, travel)."""
    eligible = naive_eligible(people, need)
    auditors = [a for a, codes in eligible if not codes]
    experts = [a for a, codes in eligible if codes and not set(codes) & {"impartiality", "busy"}
               and any((ar, f) in a.competences for ar in need.technical_areas for f in AREA_FUNCTIONS)]
    per = need.person_days
    best = None
    pool = [(a, False) for a in auditors] + [(a, True) for a in experts]
    for size in (1, 2):
        for combo in combinations(pool, size):
            counted = [a for a, ex in combo if not ex]
            if not counted or per * len(counted) < need.auditor_days:
                continue
            if not any(can_lead(a) for a in counted) or not any(ghg_valid(a, need.start, need.end) for a in counted):
                continue
            if not all(any((ar, f) in a.competences for a, _e in combo for f in AREA_FUNCTIONS)
                       for ar in need.technical_areas):
                continue
            expert_only = sum(1 for ar in need.technical_areas
                              if not any((ar, f) in a.competences for a in counted for f in AREA_FUNCTIONS))
            soft = [_older_and_tight(a, need) for a, _e in combo]
            key = (expert_only, sum(o for o, _t in soft), sum(t for _o, t in soft), len(combo),
                   round(sum(travel(a, need) for a, _e in combo), 6))
            best = key if best is None or key < best else best
    return best


def main() -> None:
    n_audits = int(sys.argv[1]) if len(sys.argv) > 1 else AUDITS
    subset = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rnd = random.Random(20260601)
    people, home = build_register(rnd)
    profiles, raw = build_audits(rnd)
    profiles, raw = profiles[:n_audits], raw[:n_audits]
    rows = []

    t0 = time.perf_counter()
    results = [calculate(p) for p in profiles]
    t_calc = time.perf_counter() - t0
    rows.append((f"audit time, {n_audits:,} audits (justification zh+en)", t_calc, None))

    needs = []
    for (client, _prov, start), r in zip(raw, results, strict=True):
        days = r.planned_days
        span = 1 + min(3, int(days // 3))
        needs.append(AuditNeed(client, frozenset(profiles[len(needs)].technical_areas), start,
                               start + timedelta(days=span - 1), days))
    province = {client: prov for client, prov, _start in raw}

    def travel(a: Auditor, need: AuditNeed) -> float:
        d = abs(home[a.id] - province.get(need.organisation_id, 0))
        return 0.0 if d == 0 else 0.5 if d <= 2 else 1.0

    t0 = time.perf_counter()
    index = AuditorIndex(people)
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    for need in needs:
        index.reasons(need)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for need in needs:
        naive_eligible(people, need)
    t_naive = time.perf_counter() - t0
    rows.append((f"eligibility + reasons, {AUDITORS} × {n_audits:,}", t_ours + t_index, t_naive))

    t0 = time.perf_counter()
    suggestions = [suggest_teams(need, index, travel_days=travel) for need in needs]
    t_suggest = time.perf_counter() - t0
    found = sum(bool(s.teams) for s in suggestions)

    picked = list(range(0, len(needs), max(1, len(needs) // subset)))[:subset]
    sample = [needs[k] for k in picked]
    t0 = time.perf_counter()
    brute = [brute_force(people, need, travel) for need in sample]
    t_brute = (time.perf_counter() - t0) * len(needs) / len(sample)
    rows.append((f"suggest ranked teams, {n_audits:,} audits (baseline: pairs on {len(sample)}, extrapolated)",
                 t_suggest + t_index, t_brute))

    t0 = time.perf_counter()
    excluded = sum(len(s.excluded) for s in suggestions)
    t_explain = time.perf_counter() - t0
    rows.append((f"exclusion explanations, {excluded:,} auditor × audit rows", t_explain, None))

    # Quality: on the subset, our best team ranks at least as well as the best single or pair.
    as_good = worse = 0
    for bf, ours in zip(brute, [suggestions[k] for k in picked], strict=True):
        if bf is None:
            continue
        mine = ours.teams[0].rank_key[:5] if ours.teams else (99,)
        as_good += mine <= bf
        worse += mine > bf
        if mine > bf and os.environ.get("BENCH_DEBUG"):
            print("worse:", ours.need, "ours", mine, "brute force", bf)

    print(f"{AUDITORS} auditors, {n_audits:,} audits; teams found for {found:,} ({found / len(needs):.0%}); "
          f"index build {t_index * 1000:.0f} ms")
    print(f"{'workload':<82} {'ours':>9} {'baseline':>10} {'ratio':>8}")
    for name, ours_t, base in rows:
        ratio = f"{base / ours_t:,.0f}×" if base else "—"
        print(f"{name:<82} {ours_t:>8.2f}s {(f'{base:.2f}s' if base else '—'):>10} {ratio:>8}")
    print(f"quality on the brute-force subset: our best team ranks as well or better on {as_good}, worse on "
          f"{worse} (of {sum(b is not None for b in brute)} audits where a team of ≤ 2 exists)")


if __name__ == "__main__":
    main()
