"""Pages of the auditor register: the staff dashboard and each person's register (thin: the
actions check the rules, the wall in auditors.people_for decides who sees whom)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.people.access import is_office
from tancert.people.actions import require_role
from tancert.people.auditors import actions
from tancert.people.auditors.forms import (
    CompetenceForm,
    CompleteCpdForm,
    ConflictForm,
    CpdForm,
    CpdPlanForm,
    ExperienceForm,
    MonitoringForm,
    QualificationForm,
    QualificationTypeForm,
    RegistrationForm,
    TrainingForm,
    UnavailabilityForm,
)
from tancert.people.auditors.listing import AUDITORS
from tancert.people.auditors.listing import people as auditor_list
from tancert.people.auditors.snapshots import (
    REGISTER_ROLES,
    people_for,
    register_warnings,
    snapshots,
)
from tancert.people.models import Role
from tancert.people.models.auditors import CpdPlan, QualificationType, client_organisations
from tancert.scheme import rulebook
from tancert.ui import lists
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404

# kind → (form, action, may the person themselves add it)
ADD_FORMS = {
    "registration": (RegistrationForm, actions.add_registration, False),
    "qualification": (QualificationForm, actions.add_qualification, False),
    "experience": (ExperienceForm, actions.add_experience, False),
    "competence": (CompetenceForm, actions.add_competence, False),
    "cpd": (CpdForm, actions.add_cpd, False),
    "conflict": (ConflictForm, actions.declare_conflict, True),
    "unavailability": (UnavailabilityForm, actions.add_unavailability, True),
    "monitoring": (MonitoringForm, actions.add_monitoring, False),
    "training": (TrainingForm, actions.add_training, False),
}


def _declarable(viewer):
    """The organisations a viewer may pick a conflict from: the office every client, an auditor those of
    the audits they are on (the same wall as clients/access.py, followed through the relation)."""
    orgs = client_organisations()
    if is_office(viewer):
        return orgs.all()
    return orgs.filter(audits__team__user=viewer).distinct()


def _form(form_class, viewer, data=None):
    if form_class is ConflictForm:
        return ConflictForm(data, organisations=_declarable(viewer).order_by("name"))
    return form_class(data)


def _person(request, pk):
    return get_or_404(people_for(request.user), pk=pk)


def _area(code: int) -> str:
    area = rulebook.TECHNICAL_AREAS.get(code)
    return f"{code} {area.name(get_language() or 'zh')}" if area else str(code)


def _sections(person) -> list[dict]:
    """The person's register, section by section: (kind, title, rule key, rows of cells)."""
    d = lambda day: day.isoformat() if day else "—"  # noqa: E731
    now = _("now")
    return [
        {"kind": "registration", "title": _("CCAA registration"), "rule": "R4.A1",
         "rows": [(r.pk, [r.get_grade_display(), r.number, f"{d(r.valid_from)} – {d(r.valid_to)}"])
                  for r in person.ccaa_registrations.all()]},
        {"kind": "qualification", "title": _("Qualifications (GHG manager)"), "rule": "R7.3.2",
         "rows": [(q.pk, [q.type.name, q.issuer, q.number, f"{d(q.valid_from)} – {d(q.valid_to)}"])
                  for q in person.qualifications.select_related("type")]},
        {"kind": "experience", "title": _("Work experience"), "rule": "R4.A2",
         "rows": [(e.pk, [e.get_field_display(), e.employer, f"{d(e.started_on)} – {d(e.ended_on) if e.ended_on else now}",
                          e.description]) for e in person.experiences.all()]},
        {"kind": "competence", "title": _("Competence evaluations"), "rule": "R4.A3",
         "rows": [(c.pk, [c.get_kind_display() if c.area is None else f"{_area(c.area)} · {c.get_function_display()}",
                          d(c.evaluated_on), c.evaluator, c.evidence]) for c in person.competences.all()]},
        {"kind": "cpd", "title": _("Continuing education"), "rule": "R4.CPD",
         "rows": [(c.pk, [c.year, c.content, c.hours, d(c.completed_on) if c.completed_on else _("planned")])
                  for c in person.cpd_records.all()],
         "open": [c for c in person.cpd_records.all() if c.completed_on is None]},
        {"kind": "conflict", "title": _("Conflict-of-interest declarations"), "rule": "R7.3.2",
         "rows": [(c.pk, [c.get_kind_display(), c.display_name, c.credit_code or "—",
                          f"{d(c.started_on)} – {d(c.ended_on) if c.ended_on else now}",
                          _("declared on %(day)s") % {"day": d(c.declared_on)}])
                  for c in person.conflict_declarations.select_related("organisation")]},
        {"kind": "unavailability", "title": _("Unavailability"), "rule": "R7.3.2",
         "rows": [(u.pk, [f"{d(u.starts_on)} – {d(u.ends_on)}", u.reason]) for u in person.unavailability.all()]},
        {"kind": "monitoring", "title": _("Witness audits and performance evaluations"),
         "rule": "CB-auditor-evaluation",
         "rows": [(r.pk, [r.get_kind_display(), d(r.on), r.title, r.get_outcome_display(),
                          r.evaluator.get_full_name() if r.evaluator else "—", r.basis])
                  for r in person.auditor_records.exclude(kind="training").select_related("evaluator")]},
        {"kind": "training", "title": _("Training records"), "rule": "CB-training",
         "rows": [(r.pk, [d(r.on), r.title, r.hours, r.basis]) for r in person.auditor_records.filter(kind="training")]},
    ]


@login_required
def dashboard(request):
    user = request.user
    if not is_office(user):
        if not user.is_client and user.has_role(*REGISTER_ROLES):
            return redirect("auditor", user.pk)
        raise PermissionDenied
    year = timezone.localdate().year
    editor = actions.can_edit(user)
    return lists.page(request, AUDITORS, auditor_list(), "people/auditors.html", {
        "year": year, "plan": CpdPlan.objects.filter(year=year).first(),
        "editor": editor, "plan_form": CpdPlanForm() if editor else None,
        "types": QualificationType.objects.all(),
        "type_form": QualificationTypeForm() if user.has_role(Role.SYSTEM_ADMIN) else None,
    })


@login_required
def export(request):
    if not is_office(request.user):
        raise PermissionDenied
    return lists.export(request, AUDITORS, auditor_list())


@login_required
def person(request, pk: int):
    target = _person(request, pk)
    editor = actions.can_edit(request.user)
    own = actions.can_self_serve(request.user, target)
    sections = _sections(target)
    for s in sections:
        form_class, _action, self_service = ADD_FORMS[s["kind"]]
        s["form"] = _form(form_class, request.user) if editor or (own and self_service) else None
        s["removable"] = editor or (own and s["kind"] in actions.SELF_REMOVABLE)
    snap = snapshots([target])[0]
    return render(request, "people/auditor.html", {
        "person": target, "sections": sections, "snapshot": snap, "editor": editor,
        "cpd_years": sorted(snap.cpd_years),
        "warnings": register_warnings(snap, is_auditor=target.has_role(Role.AUDITOR)),
        "complete_form": CompleteCpdForm() if editor else None,
        "history": actions.history(target) if editor or own else [],
    })


@login_required
@require_POST
def add(request, pk: int, kind: str):
    target = _person(request, pk)
    if kind not in ADD_FORMS:
        raise Http404
    form_class, action, self_service = ADD_FORMS[kind]
    if not (actions.can_edit(request.user) or (self_service and actions.can_self_serve(request.user, target))):
        raise PermissionDenied
    form = _form(form_class, request.user, request.POST)
    if form.is_valid():
        perform(request, action, target, by=request.user, success=_("Added."), **form.cleaned_data)
    else:
        messages.error(request, _("Check the entry: %(errors)s") % {
            "errors": "; ".join(f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                for f, e in form.errors.items())})
    return redirect(f"/auditors/{target.pk}/#{kind}")


@login_required
@require_POST
def remove(request, pk: int, kind: str, item_id: int):
    target = _person(request, pk)
    perform(request, actions.remove_entry, kind, item_id, by=request.user, user=target, success=_("Ended."),
            reason=request.POST.get("reason", "")[:1000])
    return redirect(f"/auditors/{target.pk}/#{kind}")


@login_required
@require_POST
def cpd_complete(request, pk: int, item_id: int):
    target = _person(request, pk)
    require_role(request.user, *actions.EDITORS)
    record = get_or_404(target.cpd_records.all(), pk=item_id)
    form = CompleteCpdForm(request.POST)
    if form.is_valid():
        perform(request, actions.complete_cpd, record, by=request.user, success=_("Saved."), **form.cleaned_data)
    else:
        messages.error(request, _("Give the completion date and the hours."))
    return redirect(f"/auditors/{target.pk}/#cpd")


@login_required
@require_POST
def cpd_plan(request):
    require_role(request.user, *actions.EDITORS)
    form = CpdPlanForm(request.POST)
    if form.is_valid():
        perform(request, actions.set_cpd_plan, by=request.user, success=_("Saved."), **form.cleaned_data)
    else:
        messages.error(request, _("Give the year and the content."))
    return redirect("auditors")


@login_required
@require_POST
def qualification_type(request):
    require_role(request.user, Role.SYSTEM_ADMIN)
    form = QualificationTypeForm(request.POST)
    if form.is_valid():
        perform(request, actions.add_qualification_type, by=request.user, success=_("Added."), **form.cleaned_data)
    else:
        messages.error(request, _("Give the code and both names."))
    return redirect("auditors")
