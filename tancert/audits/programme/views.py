"""Planning pages (docs/planning.md §7): the plan form with audit time, off-site decision, full team check and
team suggestion; the programme page per organisation; team confirmation; the audit plan PDF; the
calendars. Thin: forms → actions; walls through people/access.py."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.forms import PlanAuditForm
from tancert.audits.models import Audit, AuditPlanDocument, AuditTeamMember, ProgrammeEntry
from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme import daygrid, plandoc, sitetime, teamcheck, timing
from tancert.audits.programme.plan_views import answer_panel
from tancert.clients.access import applications_for, organisations_for
from tancert.clients.estimate import AUDIT_TYPE_OF_KIND, audit_time_for_application, stage1_offsite
from tancert.people.models import Role
from tancert.scheme.violations import RuleViolation
from tancert.ui.actionview import perform, violation_text
from tancert.ui.walls import get_or_404
from tancert.ui.widgets import DateInput

ROLE_FIELD = {AuditTeamMember.LEADER: "leader", AuditTeamMember.AUDITOR: "auditors",
              AuditTeamMember.EXPERT: "experts"}


def _require_pm(user) -> None:
    if not user.has_role(Role.PROGRAMME_MANAGER):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# The plan form
# ---------------------------------------------------------------------------------------------


def _audit_time(app, kind: str, combined=()):
    """The calculated time for the form's audit type; with the combined systems entered, the
    justification ends with the R10-time line (the 80 % minimum and the policy's proposal)."""
    try:
        result = audit_time_for_application(app, AUDIT_TYPE_OF_KIND.get(kind, "initial"),
                                            timing.combined_systems(combined))
    except Exception:  # a client description the calculator refuses: the page still opens  # noqa: BLE001
        return None, None
    days = {Audit.STAGE1: result.stage1_days, Audit.STAGE2: result.stage2_days}.get(kind) or result.planned_days
    return result, days


def _initial_kind(app) -> str:
    planned = set(app.audits.exclude(status=Audit.CANCELLED).values_list("kind", flat=True))
    if Audit.STAGE1 not in planned:
        return Audit.STAGE1
    if Audit.STAGE2 not in planned:
        return Audit.STAGE2
    return Audit.SURVEILLANCE


def _next_surveillance(org) -> int:
    cert = programme_actions._active_certificate(org)
    if cert is None:
        return 1
    return cert.audits.filter(kind=Audit.SURVEILLANCE).exclude(status=Audit.CANCELLED).count() + 1


def _show_problems(form, problems, user) -> None:
    """Each problem next to the team field of the person it names (team-level ones on the leader)."""
    roles = {}
    for name in ("leader", "auditors", "experts"):
        value = form.cleaned_data.get(name)
        for u in (value if hasattr(value, "__iter__") else [value] if value else []):
            roles[u.pk] = name
    for pr in problems:
        v: RuleViolation = pr.to_violation()
        form.add_error(roles.get(pr.auditor_id, "leader"), violation_text(v, user))


@login_required
def plan(request, application_id: int):
    _require_pm(request.user)
    app = get_or_404(applications_for(request.user).select_related("organisation"), pk=application_id)
    org = app.organisation
    data = request.POST if request.method == "POST" else (request.GET if "leader" in request.GET else None)
    kind = (data or request.GET).get("kind") or _initial_kind(app)
    result, days = _audit_time(app, kind)
    offsite = stage1_offsite(app)
    today = timezone.localdate()
    start = today + timedelta(days=14)
    entry = programme_actions.entry_for(org, kind, _next_surveillance(org) if kind == Audit.SURVEILLANCE else 0)
    if entry is not None and entry.earliest is not None and entry.latest is not None and entry.latest >= today:
        start = max(entry.earliest, today + timedelta(days=1))  # the opening of its programme window
    initial = {"kind": kind, "auditor_days": days, "method": "FS01",
               "offsite": kind == Audit.STAGE1 and offsite.offsite_allowed,
               "offsite_reason": offsite.reason_zh if offsite.offsite_allowed else "",
               "start_date": start, "end_date": start}
    form = PlanAuditForm(data, initial=initial)
    if data is not None and form.is_valid() and form.combined_with():
        result = _audit_time(app, kind, form.combined_with())[0] or result
    suggestion, people = None, {}
    if data is not None and form.is_valid() and "suggest" not in request.POST:
        d = form.cleaned_data
        team = form.team()
        need = teamcheck.need_for(org, start=d["start_date"], end=d["end_date"], auditor_days=d["auditor_days"])
        problems = teamcheck.team_problems(need, team) if d["end_date"] >= d["start_date"] else []
        if problems:
            _show_problems(form, problems, request.user)
        elif request.method == "POST":
            cert = None if d["kind"] in (Audit.STAGE1, Audit.STAGE2) else programme_actions._active_certificate(org)
            ok, audit = perform(request, programme_actions.plan_audit, org, by=request.user, form=form, kind=d["kind"],
                                start_date=d["start_date"], end_date=d["end_date"], auditor_days=d["auditor_days"],
                                team=team, application=app if cert is None else None, certificate=cert,
                                method=d["method"], offsite=d["offsite"], offsite_reason=d["offsite_reason"],
                                combined_with=form.combined_with())
            if ok:
                messages.success(request, _("Audit planned."))
                return redirect("audit", audit.pk)
    elif "suggest" in request.POST:
        form.is_valid()
        d = form.cleaned_data
        if all(d.get(k) is not None for k in ("start_date", "end_date", "auditor_days")) \
                and d["end_date"] >= d["start_date"]:
            need = teamcheck.need_for(org, start=d["start_date"], end=d["end_date"], auditor_days=d["auditor_days"])
            suggestion, people = teamcheck.suggest(need)
            form.errors.clear()
        else:
            messages.error(request, _("Give the dates and the auditor-days to get a team suggestion."))
    return render(request, "audits/planning/plan.html", {
        "form": form, "app": app, "existing": app.audits.all(), "result": result, "offsite": offsite,
        "suggestion": suggestion and _suggestion_rows(suggestion, people),
        "excluded": suggestion and _excluded_rows(suggestion, people),
        "no_team": suggestion is not None and not suggestion.teams,
        "problems_of_suggestion": suggestion and [teamcheck.problem_dict(p) for p in suggestion.problems],
        "fill": form.cleaned_data if suggestion else None,
    })


def _suggestion_rows(s, people):
    rows = []
    for t in s.teams:
        members = [(people[m.auditor_id], m.role) for m in t.members if m.auditor_id in people]
        rows.append({"members": members, "auditor_days": t.auditor_days,
                     "leader": next((u.pk for u, r in members if r == AuditTeamMember.LEADER), ""),
                     "auditors": [u.pk for u, r in members if r == AuditTeamMember.AUDITOR],
                     "experts": [u.pk for u, r in members if r == AuditTeamMember.EXPERT]})
    return rows


def _excluded_rows(s, people):
    return teamcheck.exclusions(s, people)


# ---------------------------------------------------------------------------------------------
# The programme page
# ---------------------------------------------------------------------------------------------


class ReplanForm(forms.Form):
    earliest = forms.DateField(label=gettext_lazy("Window opens"), widget=DateInput)
    latest = forms.DateField(label=gettext_lazy("Window closes"), widget=DateInput)
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtraForm(forms.Form):
    reason_kind = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ProgrammeEntry.REASONS)
    reason = forms.CharField(label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)
    start = forms.DateField(label=gettext_lazy("Known since"), widget=DateInput)


@login_required
def programme(request, org_id: int):
    _require_pm(request.user)
    org = get_or_404(organisations_for(request.user), pk=org_id)
    prog = programme_actions.current_programme(org)
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "build":
            perform(request, programme_actions.build_programme, org, by=request.user,
                    success=_("The audit programme is up to date."))
        elif what == "extra" and prog is not None:
            f = ExtraForm(request.POST)
            if f.is_valid():
                perform(request, programme_actions.add_extra_surveillance, prog, by=request.user,
                        success=_("Extra surveillance audit added."), **f.cleaned_data)
            else:
                messages.error(request, _("Choose the reason and give the date."))
        elif what == "replan" and prog is not None:
            entry = get_or_404(prog.entries.all(), pk=request.POST.get("entry") or 0)
            f = ReplanForm(request.POST)
            if f.is_valid():
                perform(request, programme_actions.replan_entry, entry, by=request.user,
                        success=_("The programme entry was replanned; the earlier version is kept."),
                        **f.cleaned_data)
            else:
                messages.error(request, _("Give both dates and the reason for the change."))
        return redirect("programme", org.pk)
    today = timezone.localdate()
    entries = list(prog.current_entries().select_related("audit")) if prog else []
    history = list(prog.entries.filter(superseded_at__isnull=False).order_by("kind", "sequence", "version")) \
        if prog else []
    app = org.applications.filter(status="accepted").order_by("-pk").first()
    return render(request, "audits/planning/programme.html", {
        "org": org, "prog": prog, "entries": [(e, e.status(today)) for e in entries], "history": history,
        "replan_form": ReplanForm(), "extra_form": ExtraForm(initial={"start": today}), "app": app,
    })


# ---------------------------------------------------------------------------------------------
# Team confirmation and the audit plan PDF
# ---------------------------------------------------------------------------------------------


class IssuePlanForm(forms.Form):
    """Key points, one auditor-days field per site (pre-filled with the even allocation over the
    IAF MD1 sample; checked by the action, R7.3.3) and a note on the time per site."""
    key_points = forms.CharField(label=gettext_lazy("Key audit points carried from stage 1"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    site_days = forms.CharField(label=gettext_lazy("Note on the time per site"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = sitetime.default_allocation(audit)
        for row in self.sites:
            label = row.name + (" · " + _("central function") if row.central else "")
            self.fields[f"site_{row.site_id or 0}"] = forms.DecimalField(
                label=_("Time at %(site)s (auditor-days)") % {"site": label}, min_value=0, max_digits=5,
                decimal_places=1, initial=row.days, required=False)

    def site_allocation(self) -> dict | None:
        """Site id → days; None (the default allocation) when every site field was left empty."""
        d = self.cleaned_data
        values = {row.site_id: d.get(f"site_{row.site_id or 0}") for row in self.sites}
        if all(v is None for v in values.values()):
            return None
        return {k: v or 0 for k, v in values.items()}


class MoveAuditForm(forms.Form):
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DateInput)
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DateInput)
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


@login_required
@require_POST
def move_audit(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    _require_pm(request.user)
    f = MoveAuditForm(request.POST)
    if f.is_valid():
        perform(request, programme_actions.replan_audit, a, by=request.user, success=_("The audit was moved."),
                **f.cleaned_data)
    else:
        messages.error(request, _("Give both dates and the reason for the change."))
    return redirect("audit", pk)


@login_required
@require_POST
def confirm_team(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    _require_pm(request.user)
    perform(request, programme_actions.confirm_team, a, by=request.user, success=_("Team confirmed."))
    return redirect("audit", pk)


@login_required
@require_POST
def issue_plan(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    f = IssuePlanForm(request.POST, audit=a)
    if not f.is_valid():
        messages.error(request, _("Give the time per site in auditor-days: 0 or more, with at most one decimal."))
        return redirect("audit", pk)
    perform(request, programme_actions.issue_audit_plan, a, by=request.user,
            key_points=f.cleaned_data.get("key_points", ""), site_days=f.cleaned_data.get("site_days", ""),
            site_allocation=f.site_allocation(), success=_("Audit plan issued."))
    return redirect("audit", pk)


@login_required
def plan_pdf(request, pk: int, version: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    doc = get_or_404(AuditPlanDocument.objects.filter(audit=a), version=version)
    return FileResponse(plan_file(doc).open("rb"), content_type="application/pdf",
                        filename=f"audit-plan-{a.pk}-v{version}.pdf")


def plan_file(doc: AuditPlanDocument):
    """The confirmed copy (with who confirmed and when) once the client confirmed, else the issued PDF."""
    ans = getattr(doc, "answer", None)  # the reverse one-to-one raises an AttributeError when missing
    return ans.pdf if ans is not None and ans.pdf else doc.pdf


def audit_panel(request, a: Audit) -> dict:
    """What the audit page shows of planning (used by the audit page template include)."""
    user = request.user
    return {"plan_documents": a.plan_documents.all(), "issue_plan_form": IssuePlanForm(
        audit=a, initial={"key_points": plandoc.default_key_points(a)}),
        "can_issue_plan": programme_actions.may_issue_plan(a, user) and a.status in (Audit.PLANNED, Audit.IN_PROGRESS),
        "can_confirm": user.has_role(Role.PROGRAMME_MANAGER) and a.status in (Audit.PLANNED, Audit.IN_PROGRESS),
        "can_move": user.has_role(Role.PROGRAMME_MANAGER) and a.status == Audit.PLANNED,
        "move_form": MoveAuditForm(initial={"start_date": a.start_date, "end_date": a.end_date}),
        "confirmation": a.team_confirmations.first(), "entry": a.programme_entries.filter(
            superseded_at__isnull=True).first(),
        **answer_panel(request, a)}  # the agenda and the client's answer to the plan


# ---------------------------------------------------------------------------------------------
# Calendars
# ---------------------------------------------------------------------------------------------


def my_calendar(user, today: date) -> dict:
    qs = Audit.objects.filter(team__user=user).exclude(status=Audit.CANCELLED).select_related("organisation") \
        .distinct().order_by("start_date")
    upcoming = [a for a in qs if a.status != Audit.COMPLETED and a.end_date >= today]
    overdue = [a for a in qs if a.status != Audit.COMPLETED and a.end_date < today]
    return {"upcoming": upcoming, "overdue": overdue, "done": [a for a in qs if a.status == Audit.COMPLETED]}


@login_required
def my_audits(request):
    if request.user.is_client or not request.user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        raise PermissionDenied
    today = timezone.localdate()
    grid = daygrid.month_grid([request.user], daygrid.parse_month(request.GET.get("month"), today))
    return render(request, "audits/planning/my_audits.html",
                  {**my_calendar(request.user, today), "grid": grid, "today": today})


@login_required
def auditor_calendar(request):
    """Who is booked or away on which day of a month: every auditor and technical expert (programme
    manager), 50 to a page, optionally narrowed by name."""
    _require_pm(request.user)
    today = timezone.localdate()
    month = daygrid.parse_month(request.GET.get("month"), today)
    q, page = daygrid.register_page(request.GET.get("q"), request.GET.get("page"))
    return render(request, "audits/planning/auditor_calendar.html", {
        "grid": daygrid.month_grid(page.object_list, month), "page": page, "q": q, "today": today,
        "keep": f"&q={quote(q)}" if q else ""})


def body_calendar(today: date, months: int = 12) -> list[dict]:
    """Every audit and open programme window by month, from the month before today."""
    first = date(today.year, today.month, 1) - timedelta(days=1)
    first = date(first.year, first.month, 1)
    out, keys = [], []
    for i in range(months + 1):
        y, m = first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1
        keys.append((y, m))
        out.append({"month": date(y, m, 1), "audits": [], "windows": []})
    index = {k: i for i, k in enumerate(keys)}
    end = date(keys[-1][0], keys[-1][1], 28) + timedelta(days=4)
    for a in Audit.objects.exclude(status=Audit.CANCELLED).filter(start_date__gte=first, start_date__lt=end) \
            .select_related("organisation").order_by("start_date"):
        out[index[(a.start_date.year, a.start_date.month)]]["audits"].append(
            (a, a.status != Audit.COMPLETED and a.end_date < today))
    for e in ProgrammeEntry.objects.filter(superseded_at__isnull=True, latest__isnull=False, audit__isnull=True) \
            .select_related("programme__organisation").order_by("latest"):
        month = max(e.latest, first) if e.latest >= first else first
        k = (month.year, month.month)
        if k in index:
            out[index[k]]["windows"].append((e, e.status(today)))
    return out


@login_required
def calendar(request):
    _require_pm(request.user)
    today = timezone.localdate()
    return render(request, "audits/planning/calendar.html", {"months": body_calendar(today), "today": today})


