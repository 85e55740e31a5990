"""Planning over the API (docs/planning.md §7): the audit programme, the audit-time calculator, the team
check and suggestion, team confirmation, the agenda, the audit plan PDF and the client's answer to it,
and the calendars. Every change goes
through audits/programme_actions.py or audits/actions.py; walls through people/access.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from ninja import Body, Router, Schema, Status

from tancert.api.schemas import Day, Id, Month, Number, Page, Version
from tancert.audits.access import audits_for
from tancert.audits.models import AuditAgenda, AuditPlanAnswer, AuditPlanDocument, ProgrammeEntry
from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme import agenda, daygrid, plan_actions, teamcheck
from tancert.audits.programme.views import body_calendar, my_calendar, plan_file
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.people.models import Role, User
from tancert.planning import audittime
from tancert.ui.walls import get_or_404

router = Router(tags=["planning"])


def _pm(request) -> None:
    if not request.user.has_role(Role.PROGRAMME_MANAGER):
        raise PermissionDenied


def _office(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied


class EntryOut(Schema):
    id: int
    kind: str
    sequence: int
    earliest: date | None
    latest: date | None
    rule: str
    reason_kind: str
    reason: str
    version: int
    change_reason: str
    current: bool
    status: str
    audit_id: int | None


class ProgrammeOut(Schema):
    id: int
    organisation_id: int
    cycle: int
    certificate_id: int | None
    anchor: date | None
    expiry: date | None
    entries: list[EntryOut]


def _entry(e: ProgrammeEntry, today: date) -> dict:
    return {"id": e.pk, "kind": e.kind, "sequence": e.sequence, "earliest": e.earliest, "latest": e.latest,
            "rule": e.rule, "reason_kind": e.reason_kind, "reason": e.reason, "version": e.version,
            "change_reason": e.change_reason, "current": e.superseded_at is None, "status": e.status(today),
            "audit_id": e.audit_id}


def _programme(prog) -> dict:
    today = timezone.localdate()
    return {"id": prog.pk, "organisation_id": prog.organisation_id, "cycle": prog.cycle,
            "certificate_id": prog.certificate_id, "anchor": prog.anchor, "expiry": prog.expiry,
            "entries": [_entry(e, today) for e in prog.entries.select_related("audit")
                        .order_by("order", "sequence", "version")]}


@router.get("/organisations/{org_id}/programme", response={200: ProgrammeOut, 404: dict})
def programme(request, org_id: Id):
    """The current cycle's programme, every entry version included (``current`` marks the live ones)."""
    _office(request)
    org = get_or_404(organisations_for(request.user), pk=org_id)
    prog = programme_actions.current_programme(org)
    if prog is None:
        return Status(404, {"detail": "no programme"})
    return _programme(prog)


@router.post("/organisations/{org_id}/programme", response=ProgrammeOut)
def build(request, org_id: Id):
    """Build or bring up to date the programme (idempotent)."""
    _pm(request)
    org = get_or_404(organisations_for(request.user), pk=org_id)
    return _programme(programme_actions.build_programme(org, by=request.user))


class ReplanIn(Schema):
    earliest: Day
    latest: Day
    reason: str


@router.post("/programme-entries/{entry_id}/replan", response=EntryOut)
def replan(request, entry_id: Id, payload: ReplanIn):
    _pm(request)
    entry = get_or_404(ProgrammeEntry.objects.filter(
        programme__organisation__in=organisations_for(request.user)), pk=entry_id)
    new = programme_actions.replan_entry(entry, by=request.user, earliest=payload.earliest, latest=payload.latest,
                                         reason=payload.reason)
    return _entry(new, timezone.localdate())


class ExtraIn(Schema):
    reason_kind: str
    reason: str
    start: Day


@router.post("/organisations/{org_id}/programme/extra", response={201: EntryOut, 404: dict})
def extra(request, org_id: Id, payload: ExtraIn):
    _pm(request)
    org = get_or_404(organisations_for(request.user), pk=org_id)
    prog = programme_actions.current_programme(org)
    if prog is None:
        return Status(404, {"detail": "no programme"})
    e = programme_actions.add_extra_surveillance(prog, by=request.user, reason_kind=payload.reason_kind,
                                                 reason=payload.reason, start=payload.start)
    return Status(201, _entry(e, timezone.localdate()))


@router.post("/planning/audit-time", response={200: dict[str, Any]})
def audit_time(request, payload: dict[str, Any] = Body(...)):  # noqa: B008
    """The audit-time calculator on a JSON description of the client (as ``tancert audit-time --json``):
    the result with its line-by-line justification in Chinese and English."""
    if request.user.is_client:
        raise PermissionDenied
    return audittime.calculate(audittime.ClientProfile.from_dict(payload)).as_dict()


class MemberIn(Schema):
    username: str
    role: str


class NeedIn(Schema):
    organisation_id: Id
    start_date: Day
    end_date: Day
    auditor_days: Number
    team: list[MemberIn] = []


def _need(request, payload: NeedIn):
    org = get_or_404(organisations_for(request.user), pk=payload.organisation_id)
    return teamcheck.need_for(org, start=payload.start_date, end=payload.end_date, auditor_days=payload.auditor_days)


@router.post("/planning/team-check", response={200: list[dict[str, Any]]})
def team_check(request, payload: NeedIn):
    """Every problem of a proposed team (empty list: the team is valid), each with the rule key, the
    person and the fix."""
    _pm(request)
    need = _need(request, payload)
    team = [(get_or_404(User.objects.filter(organisation__isnull=True), username=m.username), m.role)
            for m in payload.team]
    return [teamcheck.problem_dict(p) for p in teamcheck.team_problems(need, team)]


@router.post("/planning/team-suggestion", response={200: dict[str, Any]})
def team_suggestion(request, payload: NeedIn):
    """Ranked feasible teams and, for every auditor not proposed, why."""
    _pm(request)
    s, people = teamcheck.suggest(_need(request, payload))

    def name(uid):
        u = people.get(uid)
        return u.username if u else str(uid)

    return {"teams": [{"members": [{"username": name(m.auditor_id), "role": m.role} for m in t.members],
                       "auditor_days": str(t.auditor_days)} for t in s.teams],
            "problems": [teamcheck.problem_dict(p) for p in s.problems],
            "excluded": [{"username": x["username"], "name": x["name"], "codes": x["codes"], "rules": x["keys"],
                          "reasons": x["reasons"]} for x in teamcheck.exclusions(s, people)]}


class MoveIn(Schema):
    start_date: Day
    end_date: Day
    reason: str


@router.post("/audits/{audit_id}/replan", response={200: dict[str, Any]})
def move(request, audit_id: Id, payload: MoveIn):
    """Move a planned audit to new dates with the reason (all planning checks again)."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    a = programme_actions.replan_audit(a, by=request.user, start_date=payload.start_date, end_date=payload.end_date,
                                       reason=payload.reason)
    return _audit_row(a)


@router.post("/audits/{audit_id}/confirm-team", response={200: dict[str, Any]})
def confirm(request, audit_id: Id):
    a = get_or_404(audits_for(request.user), pk=audit_id)
    c = programme_actions.confirm_team(a, by=request.user)
    return {"audit_id": a.pk, "team": c.team, "confirmed_at": c.confirmed_at.isoformat()}


class PlanDocIn(Schema):
    key_points: str = ""
    site_days: str = ""  # a note on the time per site
    # Site id → auditor-days ("0" for an organisation without a site list); omitted: the even allocation
    # over the IAF MD1 sample. Must add up to the audit's auditor-days and cover the sample (R7.3.3).
    site_allocation: dict[str, float] | None = None


class PlanDocOut(Schema):
    audit_id: int
    version: int
    sha256: str
    key_points: str
    content: dict[str, Any]


@router.post("/audits/{audit_id}/plan-documents", response={201: PlanDocOut})
def issue_plan(request, audit_id: Id, payload: PlanDocIn):
    a = get_or_404(audits_for(request.user), pk=audit_id)
    alloc = None if payload.site_allocation is None else {
        (None if k in ("", "0") else k): v for k, v in payload.site_allocation.items()}
    d = programme_actions.issue_audit_plan(a, by=request.user, key_points=payload.key_points,
                                           site_days=payload.site_days, site_allocation=alloc)
    return Status(201, d)


@router.get("/audits/{audit_id}/plan-documents/{version}/pdf")
def plan_pdf(request, audit_id: Id, version: Version):
    """The audit plan PDF/A: the office, the audit team and the client of that organisation; once the
    client confirmed it, the confirmed copy (who and when on its last page)."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    d = get_or_404(AuditPlanDocument.objects.filter(audit=a), version=version)
    return FileResponse(plan_file(d).open("rb"), content_type="application/pdf",
                        filename=f"audit-plan-{a.pk}-v{version}.pdf")


class AgendaIn(Schema):
    # [{"day": "YYYY-MM-DD", "start": "HH:MM", "end": "HH:MM", "kind": "opening|audit|carbon|closing",
    #   "topic": "…", "site": "<site id>" ("0": an organisation without a site list), "auditors": [user ids]}]
    slots: list[dict[str, Any]] = []  # empty: refused by the action (after its wall), not by the parser


def _agenda_out(a, row) -> dict:
    """The saved agenda, or (``proposed``: true, version 0) the proposal the page offers, to change and PUT."""
    slots = row.slots if row else agenda.proposed_agenda(a)
    return {"audit_id": a.pk, "version": row.version if row else 0, "proposed": row is None, "slots": slots,
            "rows": agenda.display_rows(a, slots)}


@router.get("/audits/{audit_id}/agenda", response=dict[str, Any])
def agenda_get(request, audit_id: Id):
    """The saved agenda (the working draft; the issued plan holds its own copy): staff who see the audit."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    if request.user.is_client:
        raise PermissionDenied
    return _agenda_out(a, AuditAgenda.objects.filter(audit=a).first())


@router.put("/audits/{audit_id}/agenda", response=dict[str, Any])
def agenda_put(request, audit_id: Id, payload: AgendaIn):
    """The programme manager or the team leader saves the agenda (CB-audit-plan, R7.3.3, R7.4.3)."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    return _agenda_out(a, plan_actions.set_agenda(a, by=request.user, slots=payload.slots))


class PlanAnswerIn(Schema):
    answer: str = ""  # "confirmed" or "change_requested"; checked by the action, after its wall
    reason: str = ""


@router.post("/audits/{audit_id}/plan-documents/{version}/answer", response={201: dict[str, Any]})
def plan_answer(request, audit_id: Id, version: Version, payload: PlanAnswerIn):
    """The client confirms the latest plan version or asks for a change with its reason (CB-audit-plan-agreed)."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    d = get_or_404(AuditPlanDocument.objects.filter(audit=a), version=version)
    ans = plan_actions.answer_plan(d, by=request.user, answer=payload.answer, reason=payload.reason)
    return Status(201, _answer_out(d, ans))


@router.get("/audits/{audit_id}/plan-documents/{version}/answer", response={200: dict[str, Any]})
def plan_answer_get(request, audit_id: Id, version: Version):
    """The client's answer to a plan version (null fields while unanswered): whoever sees the audit."""
    a = get_or_404(audits_for(request.user), pk=audit_id)
    d = get_or_404(AuditPlanDocument.objects.filter(audit=a), version=version)
    return _answer_out(d, AuditPlanAnswer.objects.filter(plan=d).select_related("answered_by").first())


def _answer_out(d, ans) -> dict:
    return {"audit_id": d.audit_id, "version": d.version, "answer": ans.answer if ans else None,
            "reason": ans.reason if ans else "", "answered_by": (ans.answered_by.get_full_name() or ans.answered_by.username) if ans else None,
            "answered_at": ans.answered_at.isoformat() if ans else None,
            "confirmed_pdf_sha256": ans.sha256 if ans else None}


def _audit_row(a) -> dict:
    return {"id": a.pk, "organisation": a.organisation.name, "kind": a.kind, "start_date": a.start_date,
            "end_date": a.end_date, "status": a.status}


@router.get("/planning/calendar/mine", response=dict[str, list[dict[str, Any]]])
def calendar_mine(request):
    """The auditor's own audits: overdue (not closed after their end), upcoming, done."""
    if request.user.is_client:
        raise PermissionDenied
    cal = my_calendar(request.user, timezone.localdate())
    return {k: [_audit_row(a) for a in v] for k, v in cal.items()}


@router.get("/planning/calendar/body", response=list[dict[str, Any]])
def calendar_body(request):
    """Every audit and open programme window by month (programme manager)."""
    _pm(request)
    today = timezone.localdate()
    return [{"month": m["month"].strftime("%Y-%m"),
             "audits": [{**_audit_row(a), "overdue": late} for a, late in m["audits"]],
             "windows": [{"organisation_id": e.programme.organisation_id, "kind": e.kind, "sequence": e.sequence,
                          "earliest": e.earliest, "latest": e.latest, "status": st} for e, st in m["windows"]]}
            for m in body_calendar(today)]


@router.get("/planning/calendar/auditors", response=dict[str, Any])
def calendar_auditors(request, month: Month = "", q: str = "", page: Page = 1):
    """Who is on an audit or unavailable on which day of ``month`` (YYYY-MM; default this month):
    auditors and technical experts, 50 to a page, narrowed by name with ``q`` (programme manager)."""
    _pm(request)
    _q, pg = daygrid.register_page(q, page)
    grid = daygrid.month_grid(pg.object_list, daygrid.parse_month(month, timezone.localdate()))
    return {**daygrid.grid_as_dict(grid), "page": pg.number, "pages": pg.paginator.num_pages}


@router.get("/planning/calendar/mine/month", response=dict[str, Any])
def calendar_mine_month(request, month: Month = ""):
    """The caller's own month grid (auditors and technical experts)."""
    if request.user.is_client or not request.user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        raise PermissionDenied
    return daygrid.grid_as_dict(daygrid.month_grid([request.user],
                                                   daygrid.parse_month(month, timezone.localdate())))
