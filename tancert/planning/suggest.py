"""Team suggestion: feasible teams for an audit, ranked, with the reason every other auditor is out.

Built for a body with ~500 auditors and ~5,000 audits a year (bench/team_suggestion.py):

1. :class:`AuditorIndex` is built once from the register: registration / GHG validity as day
   ordinals, flags, competence per area and function, CPD years, conflicts by organisation and all
   bookings as NumPy arrays.
2. Per audit, eligibility is a handful of vectorised comparisons over those arrays (no per-person
   Python), giving a reason bitmask per auditor. The rules are the same as :mod:`.teams`
   (``person_problems``); a test checks both agree.
3. The search is a capped beam over *leader × GHG holder × area coverers*, then the fewest fillers
   for the auditor-days: candidate pools are pruned to their best ``pool_cap`` people by the rank
   key before anything is combined, each step branches at most ``branch`` ways and keeps at most
   ``beam`` partial teams. Cost per audit is therefore bounded whatever the register size.
4. Complete teams are ranked by: competence (areas covered only by a technical expert, fewer is
   better), impartiality (members with an older, expired conflict with this client), availability
   (members with another booking the day before or after), then fewest people, least travel, and
   the members' positions in the register — so the output is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from tancert.scheme import host
from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import switched_off

from .teams import (
    AREA_FUNCTIONS,
    CPD_GRACE_MONTH,
    EXPERT,
    GRADES,
    LEADER,
    PROVISIONAL,
    AuditNeed,
    Auditor,
    TeamMember,
    TeamProblem,
    impartiality_limit,
)

NEVER, FOREVER = -(10**9), 10**9
# Reason bits, in the order they are reported; key = rule key.
REASONS = (
    ("impartiality", "R7.3.2", _("consulted for or worked for the client in the last 2 years")),
    ("busy", "R7.3.2", _("booked elsewhere on the audit days")),
    ("registration", "R4.A1", _("CCAA registration not valid on every audit day")),
    ("provisional", "R4.A1", _("provisional auditor: cannot lead and their time does not count")),
    ("experience", "R4.A2", _("no carbon, energy or environmental work experience recorded")),
    ("cms_competence", "R4.A3", _("no CMS competence evaluation recorded")),
    ("cpd", "R4.CPD", _("continuing education for the year not completed")),
    ("performance", "CB-auditor-evaluation", _("latest witness audit or performance evaluation not satisfactory")),
    ("no_expert_area", "R7.3.2", _("cannot act as auditor, and no technical-expert competence in the client's areas")),
    ("not_selected", "", _("eligible, but the proposed teams are better ranked without this person")),
)
BIT = {code: 1 << i for i, (code, _k, _m) in enumerate(REASONS)}
AUDITOR_BLOCKERS = (BIT["registration"] | BIT["provisional"] | BIT["experience"] | BIT["cms_competence"] | BIT["cpd"]
                    | BIT["performance"])
HARD = BIT["impartiality"] | BIT["busy"]


def _o(day: date | None, default: int) -> int:
    return day.toordinal() if day else default


class AuditorIndex:
    """The auditor register, precomputed once for many suggestions (read-only after build)."""

    def __init__(self, auditors: Sequence[Auditor]):
        self.auditors = tuple(auditors)
        n = len(self.auditors)
        self.position = {a.id: i for i, a in enumerate(self.auditors)}
        a = self.auditors
        self.reg_from = np.array([_o(x.registration_valid_from, FOREVER) for x in a], dtype=np.int64)
        self.reg_to = np.array([_o(x.registration_valid_to, NEVER) for x in a], dtype=np.int64)
        self.registered = np.array([x.registration_grade in GRADES for x in a], dtype=bool)
        self.provisional = np.array([x.registration_grade == PROVISIONAL for x in a], dtype=bool)
        self.ghg_from = np.array([_o(x.ghg_valid_from, FOREVER) for x in a], dtype=np.int64)
        self.ghg_to = np.array([_o(x.ghg_valid_to, NEVER) for x in a], dtype=np.int64)
        self.experience = np.array([x.experience for x in a], dtype=bool)
        self.cms = np.array([x.cms_competence for x in a], dtype=bool)
        self.performance = np.array([x.performance_ok for x in a], dtype=bool)
        self.leads = np.array([x.has("team_leader") for x in a], dtype=bool) & self.registered & ~self.provisional
        self._cpd: dict[int, np.ndarray] = {}
        self._cpd_sets = [x.cpd_years for x in a]
        areas = {ar for x in a for ar, _f in x.competences}
        # Area → who covers it (R7.3.2: a professional auditor or a technical expert of that area).
        self.covers = {ar: np.array([any((ar, f) in x.competences for f in AREA_FUNCTIONS) for x in a], dtype=bool)
                       for ar in areas}
        self.none = np.zeros(n, dtype=bool)
        self.conflicts: dict[Hashable, list[tuple[int, int, int]]] = {}
        for i, x in enumerate(a):
            for c in x.conflicts:
                self.conflicts.setdefault(c.organisation_id, []).append(
                    (i, _o(c.start, NEVER), _o(c.end, FOREVER)))
        rows = [(i, b0.toordinal(), b1.toordinal()) for i, x in enumerate(a) for b0, b1 in x.busy]
        self.busy_who = np.array([r[0] for r in rows], dtype=np.int64)
        self.busy_from = np.array([r[1] for r in rows], dtype=np.int64)
        self.busy_to = np.array([r[2] for r in rows], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.auditors)

    def cpd_mask(self, day: date) -> np.ndarray:
        key = day.year * 100 + min(day.month, CPD_GRACE_MONTH + 1)  # same mask for all months after grace
        mask = self._cpd.get(key)
        if mask is None:
            grace = day.month <= CPD_GRACE_MONTH
            mask = np.array([day.year in s or (grace and day.year - 1 in s) for s in self._cpd_sets], dtype=bool)
            self._cpd[key] = mask
        return mask

    def _booked(self, start: int, end: int) -> np.ndarray:
        hit = (self.busy_from <= end) & (self.busy_to >= start)
        mask = np.zeros(len(self), dtype=bool)
        mask[self.busy_who[hit]] = True
        return mask

    def reasons(self, need: AuditNeed) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(reason bits, GHG valid, older conflict, booked next to the audit) per auditor, vectorised."""
        s, e = need.start.toordinal(), need.end.toordinal()
        bits = np.zeros(len(self), dtype=np.int64)
        limit = impartiality_limit(need.start).toordinal()
        conflict = np.zeros(len(self), dtype=bool)
        older = np.zeros(len(self), dtype=bool)
        for i, c0, c1 in self.conflicts.get(need.organisation_id, ()):
            if c0 <= e and c1 >= limit:
                conflict[i] = True
            elif c0 <= e:
                older[i] = True  # allowed, but ranked after people with no history with the client
        bits[conflict] |= BIT["impartiality"]
        booked = self._booked(s, e)
        bits[booked] |= BIT["busy"]
        bits[~((self.reg_from <= s) & (self.reg_to >= e) & self.registered)] |= BIT["registration"]
        bits[self.provisional] |= BIT["provisional"]
        bits[~self.experience] |= BIT["experience"]
        bits[~self.cms] |= BIT["cms_competence"]
        bits[~self.cpd_mask(need.cpd_day)] |= BIT["cpd"]
        bits[~self.performance] |= BIT["performance"]
        ghg = (self.ghg_from <= s) & (self.ghg_to >= e)
        tight = self._booked(s - 1, e + 1) & ~booked
        return bits, ghg, older, tight


@dataclass(frozen=True)
class Exclusion:
    auditor_id: Hashable
    name: str
    codes: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for c, k, _m in REASONS if c in self.codes and k))

    def reasons(self, lang: str | None = None) -> list[str]:
        msgs = [m for c, _k, m in REASONS if c in self.codes]
        if lang is None:
            return [str(m) for m in msgs]
        with host.override(lang):
            return [str(m) for m in msgs]


@dataclass(frozen=True)
class SuggestedTeam:
    members: tuple[TeamMember, ...]
    auditor_days: Decimal
    travel_days: float
    rank_key: tuple

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Suggestion:
    need: AuditNeed
    teams: list[SuggestedTeam]
    problems: list[TeamProblem]  # why no team is feasible (empty when teams were found)
    _index: AuditorIndex
    _bits: np.ndarray
    _chosen: frozenset[int]

    @property
    def excluded(self) -> list[Exclusion]:
        """Every auditor on none of the proposed teams, with the reasons (built on demand)."""
        out = []
        memo: dict[int, tuple[str, ...]] = {}  # a register has few distinct reason combinations
        for i, (a, b) in enumerate(zip(self._index.auditors, self._bits.tolist(), strict=True)):
            if i in self._chosen:
                continue
            codes = memo.get(b)
            if codes is None:
                codes = memo[b] = tuple(c for c, _k, _m in REASONS if b & BIT[c]) or ("not_selected",)
            out.append(Exclusion(a.id, a.name, codes))
        return out


def _rank_order(idx: np.ndarray, *keys: np.ndarray) -> list[int]:
    """``idx`` sorted by ``keys`` (first key most significant), then by register position."""
    if idx.size == 0:
        return []
    order = np.lexsort((idx, *[k[idx] for k in reversed(keys)]))
    return idx[order].tolist()


def suggest_teams(need: AuditNeed, index: AuditorIndex | Sequence[Auditor], *,
                  travel_days: Callable[[Auditor, AuditNeed], float] | None = None,
                  limit: int = 5, beam: int = 24, branch: int = 4, pool_cap: int = 48,
                  max_size: int = 8) -> Suggestion:
    """Feasible teams for ``need``, best first, and why everyone else is out.

    Every returned team passes :func:`tancert.planning.teams.check_team` (tests check this).
    """
    if not isinstance(index, AuditorIndex):
        index = AuditorIndex(index)
    bits, ghg, older, tight = index.reasons(need)
    free = (bits & HARD) == 0
    can_audit = free & ((bits & AUDITOR_BLOCKERS) == 0)
    areas = sorted(need.technical_areas)
    area_masks = [index.covers.get(ar, index.none) for ar in areas]
    cover_bits = np.zeros(len(index), dtype=np.int64)
    for j, m in enumerate(area_masks):
        cover_bits[m] |= 1 << j
    can_expert = free & ~can_audit & (cover_bits != 0)
    bits[free & ~can_audit & (cover_bits == 0)] |= BIT["no_expert_area"]
    travel = np.zeros(len(index), dtype=float)
    if travel_days is not None:
        for i in np.flatnonzero(can_audit | can_expert).tolist():
            travel[i] = float(travel_days(index.auditors[i], need))
    ncover = np.array([bin(x).count("1") for x in range(1 << len(areas))], dtype=np.int64)[cover_bits] \
        if len(areas) <= 16 else np.zeros(len(index), dtype=np.int64)
    person_days = need.person_days
    needed = max(1, math.ceil(need.auditor_days / person_days)) if person_days > 0 else 1 << 30
    full = (1 << len(areas)) - 1

    # Candidate pools, pruned before any combination is tried. Each pool interleaves two orders —
    # competence first (covers more areas, holds GHG) and cost first (no old conflict, no adjacent
    # booking, least travel) — so the capped beam sees both the strongest and the cheapest people.
    older_i, tight_i, ghg_i = older.astype(np.int64), tight.astype(np.int64), ghg.astype(np.int64)

    def pool(mask: np.ndarray) -> list[int]:
        idx = np.flatnonzero(mask)
        strong = _rank_order(idx, -ncover, -ghg_i, older_i, tight_i, travel)[:pool_cap]
        cheap = _rank_order(idx, older_i, tight_i, travel, -ncover, -ghg_i)[:pool_cap]
        merged = dict.fromkeys(i for pair in zip(strong, cheap, strict=True) for i in pair)
        return list(merged)[:pool_cap]

    # Rotation (CB-rotation): who reached the body's limit of consecutive cycles leading at this client may
    # join as an auditor but is not proposed as leader.
    rotated = np.array([bool(need.rotated_out(x.id)) for x in index.auditors], dtype=bool) \
        if need.rotation_max is not None and need.led_cycles and not switched_off("CB-rotation") else index.none
    leaders = pool(can_audit & index.leads & ~rotated)
    ghg_pool = pool(can_audit & ghg)
    fillers = _rank_order(np.flatnonzero(can_audit), older_i, tight_i, travel, -ncover)[:pool_cap]
    area_auditors = [pool(can_audit & m) for m in area_masks]
    area_experts = [pool(can_expert & m) for m in area_masks]

    problems: list[TeamProblem] = []

    def lack(key, code, message, fix, **params):
        problems.append(TeamProblem(key, message, fix, None, "", params, code))

    if not leaders:
        lack("R7.3.2", "leader", _("No eligible team leader is available for these dates."),
             _("Evaluate a registered auditor as team leader, renew a registration, or move the dates."))
    if not ghg_pool:
        lack("R7.3.2", "ghg", _("No eligible auditor holds a valid GHG manager qualification on these dates."),
             _("Qualify an auditor as GHG manager or move the dates."))
    for j, ar in enumerate(areas):
        if not area_auditors[j] and not area_experts[j]:
            lack("R7.3.2", "area", _("Nobody eligible is competent for technical area %(area)s."),
                 _("Evaluate an auditor or engage a technical expert for this area."), area=ar)
    if int(can_audit.sum()) < needed:
        lack("R7.3.3", "days", _("Only %(n)s eligible auditors for %(needed)s auditor-days (%(per)s days each)."),
             _("Extend the audit dates or free auditors."), n=int(can_audit.sum()), needed=need.auditor_days,
             per=person_days)
    teams: list[SuggestedTeam] = []
    if problems:
        return Suggestion(need, teams, problems, index, bits, frozenset())

    # Plain lists for the combinatorial part: indexing NumPy scalars one by one is slow.
    cb, has_g, old, tig, tr = (cover_bits.tolist(), ghg.tolist(), older.astype(np.int64).tolist(),
                               tight.astype(np.int64).tolist(), travel.tolist())

    # A state: (auditors in register order, experts, covered-area bits, has GHG holder, and the sums
    # of older conflicts, adjacent bookings and travel — carried along so ranking a state is O(1)).
    State = tuple[tuple[int, ...], tuple[int, ...], int, bool, int, int, float]

    def cost(st: State) -> tuple:
        # The final rank key as far as a partial team knows it: experts stand in for "competence",
        # and the size is a lower bound of the final size (a team with gaps needs ≥ 1 more person),
        # so a nearly complete team is not pruned for a cheaper one that still has gaps.
        auds, exps, covered, has_ghg, o, t, trv = st
        more = max(needed - len(auds), 1 if (not has_ghg or covered != full) else 0)
        return (len(exps), o, t, len(auds) + len(exps) + more, trv, auds + exps)

    def grow(st: State, i: int, as_expert: bool) -> State:
        auds, exps, covered, has_ghg, o, t, trv = st
        if as_expert:
            auds, exps = auds, tuple(sorted(exps + (i,)))
        else:
            auds, has_ghg = tuple(sorted(auds + (i,))), has_ghg or has_g[i]
        return (auds, exps, covered | cb[i], has_ghg, o + old[i], t + tig[i], trv + tr[i])

    # Options pre-sorted once by the cost part of the rank key, as arrays: per state only an integer
    # key (new coverage, GHG, expert) is computed vectorised and sorted stably, so ties keep this order.
    def options_table(opts: list[tuple[int, bool]]):
        opts = sorted(opts, key=lambda o: (old[o[0]], tig[o[0]], tr[o[0]], o[0]))
        ids = np.array([i for i, _e in opts], dtype=np.int64)
        return (ids, np.array([e for _i, e in opts], dtype=np.int64), cover_bits[ids], (~ghg[ids]).astype(np.int64),
                {i: k for k, (i, _e) in enumerate(opts)}, [o for o in opts])

    ghg_table = options_table([(i, False) for i in ghg_pool])
    area_tables = [options_table([(i, False) for i in area_auditors[j]] + [(i, True) for i in area_experts[j]])
                   for j in range(len(areas))]
    n_experts = max(1, branch // 2)

    def pick(table, covered: int, has_ghg: bool, taken: set[int]) -> list[tuple[int, bool]]:
        ids, exp, cbv, no_ghg, pos, opts = table
        if not len(ids):
            return []
        key = exp - 4 * np.bitwise_count(cbv & ~np.int64(covered)).astype(np.int64)
        if not has_ghg:
            key = key + 2 * no_ghg
        for i in taken:
            k = pos.get(i)
            if k is not None:
                key[k] = 1 << 20
        out, n_a, n_e = [], 0, 0
        for k in np.argsort(key, kind="stable").tolist():
            if key[k] >= 1 << 20:
                break
            i, as_expert = opts[k]
            if as_expert and n_e < n_experts:
                out.append(opts[k])
                n_e += 1
            elif not as_expert and n_a < branch:
                out.append(opts[k])
                n_a += 1
            if n_a >= branch and n_e >= n_experts:
                break
        return out

    states: list[State] = [((i,), (), cb[i], has_g[i], old[i], tig[i], tr[i]) for i in leaders[:beam]]
    complete: dict[tuple, State] = {}
    for _depth in range(max_size):
        nxt: list[State] = []
        for st in states:
            auds, exps, covered, has_ghg = st[:4]
            taken = set(auds) | set(exps)
            if not has_ghg:
                picked = pick(ghg_table, covered, has_ghg, taken)
            elif covered != full:
                j = next(j for j in range(len(areas)) if not covered >> j & 1)
                picked = pick(area_tables[j], covered, has_ghg, taken)
            else:
                missing = needed - len(auds)
                if missing > 0:
                    extra = [i for i in fillers if i not in taken][:missing]
                    if len(extra) < missing:
                        continue
                    for i in extra:
                        st = grow(st, i, False)
                if len(st[0]) + len(st[1]) <= max_size:
                    complete.setdefault((st[0], st[1]), st)
                continue
            # pick(): the best new coverage first (a person who closes more gaps saves a team member),
            # then a GHG holder if the team still lacks one, auditors before experts, then the cost order;
            # branch on the best few auditors and, as an alternative, the best expert or two.
            nxt.extend(grow(st, i, as_expert) for i, as_expert in picked)
        if not nxt:
            break
        unique = {(s[0], s[1]): s for s in nxt}
        states = sorted(unique.values(), key=cost)[:beam]

    leader_pos = {i: r for r, i in enumerate(leaders)}
    ranked = []
    for auds, exps in complete:
        people = auds + exps
        expert_only = sum(1 for j in range(len(areas)) if not any(cb[i] >> j & 1 for i in auds))
        key = (expert_only, sum(old[i] for i in people), sum(tig[i] for i in people), len(people),
               round(sum(tr[i] for i in people), 6), tuple(sorted(people)))
        ranked.append((key, auds, exps))
    ranked.sort(key=lambda r: r[0])
    chosen: set[int] = set()
    for key, auds, exps in ranked[:limit]:
        # The leader: the team's eligible team leader ranked best in the leader pool.
        lead = min((i for i in auds if i in leader_pos), key=leader_pos.__getitem__)
        members = [TeamMember(index.auditors[lead].id, LEADER)]
        members += [TeamMember(index.auditors[i].id, "auditor") for i in auds if i != lead]
        members += [TeamMember(index.auditors[i].id, EXPERT) for i in exps]
        chosen.update(auds + exps)
        teams.append(SuggestedTeam(tuple(members), person_days * len(auds), key[4], key))
    if not teams:
        lack("R7.3.2", "search", _("No team satisfies every rule within the search limits."),
             _("Check the exclusions below, or widen the search (more auditors or dates)."))
    return Suggestion(need, teams, problems, index, bits, frozenset(chosen))


def naive_eligible(auditors: Sequence[Auditor], need: AuditNeed) -> list[tuple[Auditor, tuple[str, ...]]]:
    """The straightforward per-audit Python filter the benchmark compares against (same rules)."""
    from .teams import busy_on, conflict_with, cpd_done, registration_valid

    out = []
    for a in auditors:
        codes = []
        if conflict_with(a, need.organisation_id, need.start, need.end):
            codes.append("impartiality")
        if busy_on(a, need.start, need.end):
            codes.append("busy")
        if not registration_valid(a, need.start, need.end):
            codes.append("registration")
        if a.registration_grade == PROVISIONAL:
            codes.append("provisional")
        if not a.experience:
            codes.append("experience")
        if not a.cms_competence:
            codes.append("cms_competence")
        if not cpd_done(a, need.cpd_day):
            codes.append("cpd")
        if not a.performance_ok:
            codes.append("performance")
        out.append((a, tuple(codes)))
    return out

