"""Audit team composition check (R7.3.2, R7.3.3, R4.A1–A3, R4.CPD) on plain dataclasses.

The models turn their auditor register, competence records, declarations and bookings into
:class:`Auditor` values and the audit into an :class:`AuditNeed`; :func:`check_team` returns *every*
problem (for the page), :func:`require_valid_team` raises the first (for actions that must not save
half a team). Team *suggestion* lives in :mod:`.suggest` and reuses the per-person rules here.

Rule keys, and why:

* R7.3.2 — one competent team leader; at least one auditor holding the GHG manager qualification;
  the client's technical areas (Appendix A) covered by a professional auditor or technical expert.
* R4.A1 / R4.A2 / R4.A3 / R4.CPD — for every member acting as an auditor (leader or auditor):
  CCAA registration valid on every audit day, experience recorded, CMS competence evaluated, this
  year's continuing education done. Technical experts are not auditors (ISO/IEC 17021-1), so R4
  does not apply to them; impartiality and availability do.
* Impartiality (consulted for / employed by the client in the last 2 years, ISO/IEC 17021-1 —
  reference/certification.md §1): the scheme has no personnel impartiality rule. R4.CB is about
  the *body's* legal record, not people, so we cite R7.3.2, the rule that makes the body compose a
  team fit to audit this client.
* Double booking: R7.3.2 too — a person who is elsewhere on the audit days is not on this team.
* Team auditor-days ≥ the calculated audit time: R7.3.3. Technical experts' and provisional
  auditors' (实习审核员) time is not counted (IAF MD5).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from tancert.scheme.host import format_lazy
from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.rulebook import TECHNICAL_AREAS  # local: keeps the per-person helpers import-light
from tancert.scheme.violations import RuleViolation, switched_off

FUNCTIONS = ("auditor", "technical_expert", "team_leader", "decision_maker", "application_reviewer")
LEADER, AUDITOR, EXPERT = "leader", "auditor", "technical_expert"  # = AuditTeamMember roles
ROLES = (LEADER, AUDITOR, EXPERT)
PROVISIONAL = "provisional"  # CCAA 实习审核员: may join, may not lead, time not counted
GRADES = (PROVISIONAL, "auditor", "senior")  # 实习审核员 / 审核员 / 高级(主任)审核员
IMPARTIALITY_YEARS = 2  # ISO/IEC 17021-1 (reference/certification.md §1), product default
# Body policy (product default): in the first months of a year this year's CPD plan may not have run
# yet, so last year's completed CPD still counts until the end of this month.
CPD_GRACE_MONTH = 3
AREA_FUNCTIONS = ("auditor", "technical_expert")  # functions that cover a technical area (R7.3.2)


@dataclass(frozen=True)
class Conflict:
    """A conflict-of-interest declaration: consulted for / employed by an organisation, with dates."""
    organisation_id: Hashable
    start: date | None
    end: date | None  # None = still going on
    kind: str = "consulted"  # consulted / employed / other


@dataclass(frozen=True)
class Auditor:
    id: Hashable
    name: str
    registration_grade: str = ""  # one of GRADES, "" when not registered
    registration_number: str = ""
    registration_valid_from: date | None = None
    registration_valid_to: date | None = None
    ghg_valid_from: date | None = None  # GHG manager (温室气体管理师) qualification
    ghg_valid_to: date | None = None
    experience: bool = False  # R4.A2 recorded
    cms_competence: bool = False  # R4.A3 evaluated
    competences: frozenset[tuple[int, str]] = frozenset()  # (Appendix A code, function)
    cpd_years: frozenset[int] = frozenset()  # calendar years with R4.CPD completed
    conflicts: tuple[Conflict, ...] = ()
    busy: tuple[tuple[date, date], ...] = ()  # other audits, days off (inclusive ranges)
    performance_ok: bool = True  # the latest witness audit / performance evaluation was not unsatisfactory

    def has(self, function: str, area: int | None = None) -> bool:
        """Competent for ``function`` in ``area`` (any area when None)."""
        if area is None:
            return any(f == function for _a, f in self.competences)
        return (area, function) in self.competences


@dataclass(frozen=True)
class AuditNeed:
    organisation_id: Hashable
    technical_areas: frozenset[int]
    start: date
    end: date
    auditor_days: Decimal  # the calculated audit time (audittime.calculate → planned_days)
    days_per_person: Decimal | None = None  # default: every calendar day from start to end
    # The day whose year's CPD counts (R4.CPD). Default: the start. Planning ahead into a year whose
    # training cannot have happened yet, the database bridge passes today (audits/teamcheck.py).
    cpd_on: date | None = None
    # Rotation (CB-rotation, body policy): nobody leads the team at this client after leading it in
    # ``rotation_max`` consecutive earlier certification cycles; ``led_cycles`` = (person, consecutive cycles led
    # up to the last one), from :func:`consecutive_cycles`. None: no rotation rule.
    rotation_max: int | None = None
    led_cycles: tuple[tuple[Hashable, int], ...] = ()

    def rotated_out(self, auditor_id: Hashable) -> int:
        """The consecutive cycles ``auditor_id`` led here when that reaches the limit, else 0."""
        n = dict(self.led_cycles).get(auditor_id, 0)
        return n if self.rotation_max is not None and n >= self.rotation_max else 0

    @property
    def cpd_day(self) -> date:
        return self.cpd_on or self.start

    @property
    def person_days(self) -> Decimal:
        return self.days_per_person if self.days_per_person is not None else Decimal((self.end - self.start).days + 1)


@dataclass(frozen=True)
class TeamMember:
    auditor_id: Hashable
    role: str  # leader / auditor / technical_expert
    days: Decimal | None = None  # default: need.person_days


@dataclass(frozen=True)
class TeamProblem:
    """One failure: the rule key, the person (if any), what is wrong and what would fix it."""
    key: str
    message: Any  # lazy string with %(…)s placeholders
    fix: Any
    auditor_id: Hashable | None = None
    name: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    code: str = ""  # short machine code, e.g. "registration", "ghg", "area"

    def to_violation(self) -> RuleViolation:
        return RuleViolation(self.key, format_lazy("{} {}", self.message, self.fix), field="team",
                             params={"name": self.name, **self.params})

    @property
    def message_en(self) -> str:
        return self.to_violation().message_en

    @property
    def message_zh(self) -> str:
        return self.to_violation().message_zh


def _d(day: date | None) -> str:
    return day.isoformat() if day else "—"


# ---------------------------------------------------------------------------------------------
# Per-person rules (shared with the suggestion engine and the benchmark baseline)
# ---------------------------------------------------------------------------------------------


def registration_valid(a: Auditor, start: date, end: date) -> bool:
    return (a.registration_grade in GRADES and a.registration_valid_from is not None
            and a.registration_valid_to is not None and a.registration_valid_from <= start
            and a.registration_valid_to >= end)


def ghg_valid(a: Auditor, start: date, end: date) -> bool:
    return a.ghg_valid_from is not None and a.ghg_valid_to is not None and a.ghg_valid_from <= start \
        and a.ghg_valid_to >= end


def cpd_done(a: Auditor, day: date) -> bool:
    return day.year in a.cpd_years or (day.month <= CPD_GRACE_MONTH and day.year - 1 in a.cpd_years)


def impartiality_limit(start: date) -> date:
    """Conflicts that ended on or after this day disqualify (the last 2 years before the audit)."""
    return start - relativedelta(years=IMPARTIALITY_YEARS)


def conflict_with(a: Auditor, organisation_id: Hashable, start: date, end: date) -> Conflict | None:
    limit = impartiality_limit(start)
    for c in a.conflicts:
        if c.organisation_id == organisation_id and (c.start is None or c.start <= end) \
                and (c.end is None or c.end >= limit):
            return c
    return None


def busy_on(a: Auditor, start: date, end: date) -> tuple[date, date] | None:
    for b0, b1 in a.busy:
        if b0 <= end and b1 >= start:
            return (b0, b1)
    return None


def can_lead(a: Auditor) -> bool:
    return a.registration_grade in GRADES and a.registration_grade != PROVISIONAL and a.has("team_leader")


def person_problems(a: Auditor, need: AuditNeed, role: str) -> list[TeamProblem]:
    """What keeps ``a`` from serving in ``role`` on this audit (empty list: nothing)."""
    out: list[TeamProblem] = []
    name = a.name

    def add(key, code, message, fix, **params):
        out.append(TeamProblem(key, message, fix, a.id, name, params, code))

    c = conflict_with(a, need.organisation_id, need.start, need.end)
    if c is not None:
        add("R7.3.2", "impartiality",
            _("%(name)s %(kind)s the client until %(until)s, within the last 2 years (impartiality)."),
            _("Choose another person; they may audit this client from %(free)s."),
            kind={"employed": _("was employed by")}.get(c.kind, _("consulted for")),
            until=_d(c.end) if c.end else _("now"),
            free=_d(c.end + relativedelta(years=IMPARTIALITY_YEARS, days=1)) if c.end else "—")
    b = busy_on(a, need.start, need.end)
    if b is not None:
        add("R7.3.2", "busy", _("%(name)s is booked elsewhere from %(b0)s to %(b1)s."),
            _("Move one of the bookings or choose another person."), b0=_d(b[0]), b1=_d(b[1]))
    if role == EXPERT:
        return out
    if not registration_valid(a, need.start, need.end):
        if a.registration_grade not in GRADES or a.registration_valid_to is None:
            add("R4.A1", "registration", _("%(name)s has no CCAA auditor registration on record."),
                _("Record the CCAA registration, or put the person on the team as a technical expert."))
        else:
            add("R4.A1", "registration",
                _("The CCAA registration of %(name)s (%(number)s) is valid from %(vfrom)s to %(vto)s, not on every "
                  "audit day (%(start)s to %(end)s)."),
                _("Renew the registration before the audit, move the audit dates, or choose another auditor."),
                number=a.registration_number or "—", vfrom=_d(a.registration_valid_from),
                vto=_d(a.registration_valid_to), start=_d(need.start), end=_d(need.end))
    if not a.experience:
        add("R4.A2", "experience", _("No energy, environmental or carbon work experience is recorded for %(name)s."),
            _("Record the work experience with its evidence."))
    if not a.cms_competence:
        add("R4.A3", "cms_competence", _("No CMS competence evaluation is recorded for %(name)s."),
            _("Evaluate and record the person's CMS competence."))
    if not a.performance_ok:  # enforces: CB-auditor-evaluation
        add("CB-auditor-evaluation", "performance",
            _("The latest witness audit or performance evaluation of %(name)s was not satisfactory."),
            _("Record a satisfactory evaluation after the improvement, or choose another auditor."))
    if not cpd_done(a, need.cpd_day):
        add("R4.CPD", "cpd", _("%(name)s has not completed continuing education for %(year)s."),
            _("Record the year's training attendance, or choose another auditor."), year=need.cpd_day.year)
    if role == LEADER and need.rotated_out(a.id) and not switched_off("CB-rotation"):  # enforces: CB-rotation
        add("CB-rotation", "rotation",
            _("%(name)s has led the audit team at this client in %(n)s consecutive certification cycles (the body's "
              "limit is %(max)s)."),
            _("Choose another team leader; %(name)s may stay on the team as an auditor."),
            n=need.rotated_out(a.id), max=need.rotation_max)
    if role == LEADER and not can_lead(a):
        add("R7.3.2", "leader", _("%(name)s is not qualified to lead an audit team."),
            _("Choose a registered auditor evaluated as team leader, or record that evaluation."))
    return out


def consecutive_cycles(leaders_by_cycle: Mapping[int, Iterable[Hashable]], current: int
                       ) -> tuple[tuple[Hashable, int], ...]:
    """For each person, the consecutive certification cycles before ``current`` in which they led at least one
    audit at the client, counted back from ``current - 1`` (CB-rotation). A cycle without their lead ends the run."""
    out: dict[Hashable, int] = {}
    people = {p for cycle, leads in leaders_by_cycle.items() if cycle < current for p in leads}
    for person in people:
        n, cycle = 0, current - 1
        while person in set(leaders_by_cycle.get(cycle, ())):
            n, cycle = n + 1, cycle - 1
        if n:
            out[person] = n
    return tuple(sorted(out.items(), key=lambda kv: str(kv[0])))


def counted_days(a: Auditor, member: TeamMember, need: AuditNeed) -> Decimal:
    """Auditor-days this member contributes to R7.3.3 (0 for experts and provisional auditors)."""
    if member.role == EXPERT or a.registration_grade == PROVISIONAL:
        return Decimal(0)
    return min(member.days if member.days is not None else need.person_days, need.person_days)


# ---------------------------------------------------------------------------------------------
# Team check
# ---------------------------------------------------------------------------------------------


def check_team(need: AuditNeed, members: Sequence[TeamMember], auditors: Mapping[Hashable, Auditor] | Iterable[Auditor]
               ) -> list[TeamProblem]:
    """Every problem of the proposed team, in a stable order (team-level first, then per person)."""
    register = auditors if isinstance(auditors, Mapping) else {a.id: a for a in auditors}
    problems: list[TeamProblem] = []

    def team(key, code, message, fix, **params):
        problems.append(TeamProblem(key, message, fix, None, "", params, code))

    if not members:
        team("R7.3.2", "empty", _("The audit team is empty."), _("Name a team leader and the auditors."))
        return problems
    seen: set[Hashable] = set()
    people: list[tuple[Auditor, TeamMember]] = []
    for m in members:
        if m.role not in ROLES:
            team("R7.3.2", "role", _("Unknown team role %(role)s."), _("Use leader, auditor or technical expert."),
                 role=m.role)
            continue
        if m.auditor_id in seen:
            team("R7.3.2", "duplicate", _("A person is named twice in the team (%(id)s)."),
                 _("Name each person once, in one role."), id=m.auditor_id)
            continue
        seen.add(m.auditor_id)
        a = register.get(m.auditor_id)
        if a is None:
            team("R7.3.2", "unknown", _("Person %(id)s is not in the auditor register."),
                 _("Register the person first."), id=m.auditor_id)
            continue
        people.append((a, m))

    leaders = [a for a, m in people if m.role == LEADER]
    if len(leaders) != 1:
        team("R7.3.2", "leader_count", _("The team has %(n)s team leaders; it needs exactly one."),
             _("Make exactly one member the team leader."), n=len(leaders))
    auditing = [(a, m) for a, m in people if m.role != EXPERT]
    if not any(ghg_valid(a, need.start, need.end) for a, _m in auditing):
        team("R7.3.2", "ghg", _("No auditor on the team holds a GHG manager qualification valid from %(start)s to "
                                "%(end)s."),
             _("Add an auditor with a valid GHG manager (温室气体管理师) qualification."),
             start=_d(need.start), end=_d(need.end))

    for area in sorted(need.technical_areas):
        if not any(a.has(f, area) for a, _m in people for f in AREA_FUNCTIONS):
            label = TECHNICAL_AREAS[area].name("en") if area in TECHNICAL_AREAS else str(area)
            team("R7.3.2", "area", _("Nobody on the team is competent for technical area %(area)s (%(label)s)."),
                 _("Add a professional auditor or technical expert evaluated for this area."), area=area, label=label)
    for a, m in people:
        problems.extend(person_problems(a, need, m.role))
    total = sum((counted_days(a, m, need) for a, m in people), Decimal(0))
    if total < need.auditor_days:
        team("R7.3.3", "days",
             _("The team provides %(total)s auditor-days; the audit needs %(needed)s."),
             _("Add auditors or audit days for %(missing)s more auditor-days (technical experts and provisional "
               "auditors do not count)."),
             total=total, needed=need.auditor_days, missing=need.auditor_days - total)
    return problems


def require_valid_team(need: AuditNeed, members: Sequence[TeamMember],
                       auditors: Mapping[Hashable, Auditor] | Iterable[Auditor]) -> None:
    """Raise the first problem of :func:`check_team` as a RuleViolation."""
    problems = check_team(need, members, auditors)
    if problems:
        raise problems[0].to_violation()


def double_bookings(assignments: Iterable[tuple[Hashable, Hashable, date, date]]
                    ) -> list[tuple[Hashable, Hashable, Hashable]]:
    """(auditor, audit, other audit) for every auditor booked on two overlapping audits.

    ``assignments`` are (auditor id, audit id, start, end) — e.g. all planned audits of a period;
    used by the calendar and the sweep. Sort-and-sweep per auditor: O(n log n).
    """
    by_person: dict[Hashable, list[tuple[date, date, Hashable]]] = {}
    for person, audit, start, end in assignments:
        by_person.setdefault(person, []).append((start, end, audit))
    out = []
    for person, rows in by_person.items():
        rows.sort(key=lambda r: (r[0], r[1], str(r[2])))
        active: list[tuple[date, date, Hashable]] = []
        for start, end, audit in rows:
            active = [r for r in active if r[1] >= start]
            out.extend((person, other, audit) for _s, _e, other in active)
            active.append((start, end, audit))
    return out
