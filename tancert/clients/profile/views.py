"""Pages for the structured application data (R7.1) and the live eligibility check."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tancert.clients import actions
from tancert.clients.access import application_in_wall
from tancert.clients.forms import (
    ActionPlanForm,
    ApplicationDetailsForm,
    CarbonMarketYearForm,
    HeldCertificationForm,
    SiteForm,
    TargetForm,
)
from tancert.clients.models import Application
from tancert.clients.profile import actions as profile
from tancert.clients.scopes.forms import ScopeLevelsForm
from tancert.clients.scopes.rules import check_levels
from tancert.clients.scopes.rules import entries as scope_entries
from tancert.ui.actionview import perform, perform_form, violation_text

# kind → (form, action, parent: "organisation" | "application", success message)
LIST_FORMS = {
    "site": (SiteForm, profile.add_site, "organisation"),
    "certification": (HeldCertificationForm, profile.add_held_certification, "organisation"),
    "market-year": (CarbonMarketYearForm, profile.add_carbon_market_year, "organisation"),
    "target": (TargetForm, profile.add_target, "application"),
    "action-plan": (ActionPlanForm, profile.add_action_plan, "application"),
}


@login_required
@require_POST
def details(request, pk: int):
    app = application_in_wall(request, pk)
    perform_form(request, ApplicationDetailsForm, profile.update_application, app, by=request.user,
                 success=_("Saved."), invalid=_("Check the highlighted fields: dates as YYYY-MM-DD, numbers as numbers."))
    return redirect("application", pk)


class SimpleProcessJudgementForm(forms.Form):
    holds = forms.TypedChoiceField(label=_l("Are the grounds sufficient?"), coerce=lambda v: v == "yes",
                                   choices=[("yes", _l("yes: technology evident, processes simple")),
                                            ("no", _l("no: stage 1 on site unless O1 or O3 holds"))])
    reason = forms.CharField(label=_l("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


@login_required
@require_POST
def judge_simple_process(request, pk: int):
    """The programme manager's judgement of the client's O2 grounds (R7.4.1-O2)."""
    app = application_in_wall(request, pk)
    perform_form(request, SimpleProcessJudgementForm, profile.judge_simple_process, app, by=request.user,
                 success=_("Judgement recorded."), invalid=_("Answer yes or no and give the reason."))
    return redirect("application", pk)


@login_required
@require_POST
def add_item(request, pk: int, kind: str):
    app = application_in_wall(request, pk)
    if kind not in LIST_FORMS:
        raise Http404
    form_class, action, parent = LIST_FORMS[kind]
    target = app.organisation if parent == "organisation" else app
    perform_form(request, form_class, action, target, by=request.user, success=_("Added."),
                 invalid=_("Fill in every required field of the new entry."))
    return redirect(f"/applications/{pk}/#data-{kind}")


@login_required
@require_POST
def remove_item(request, pk: int, kind: str, item_id: int):
    application_in_wall(request, pk)
    if kind not in profile.REMOVABLE:
        raise Http404
    perform(request, profile.remove_item, kind, item_id, by=request.user, success=_("Removed."))
    return redirect("application", pk)


@login_required
def eligibility(request, pk: int):
    """The eligibility panel, re-rendered as the client types (htmx): checks the typed values unsaved."""
    app = application_in_wall(request, pk)
    raw = request.GET.get("cms_started_on")
    if raw:
        try:
            app.cms_started_on = date.fromisoformat(raw)
        except ValueError:
            pass
    for flag in ("licences_applicable", "compliance_applicable"):
        if flag in request.GET:
            setattr(app, flag, request.GET.get(flag) in ("on", "true", "1"))
    for text in ("licences", "compliance_info"):
        if text in request.GET:
            setattr(app, text, request.GET.get(text, ""))
    return render(request, "clients/_eligibility.html", {
        "app": app, "editable": True,
        "problems": actions.eligibility_problems(app), "warnings": actions.document_warnings(app)})


def data_forms() -> dict:
    return {kind: form_class() for kind, (form_class, _action, _parent) in LIST_FORMS.items()}


def details_form(app) -> ApplicationDetailsForm:
    return ApplicationDetailsForm(initial={f: getattr(app, f) for f in profile.APPLICATION_FIELDS})


def data_sections(app) -> list[tuple]:
    """The lists shown on the application page: (form kind, title, rows, rule key)."""
    org = app.organisation

    def rows(qs, cells):
        return [{"model": obj._meta.model_name, "pk": obj.pk, "cells": cells(obj)} for obj in qs]

    return [
        ("site", _("Sites"), rows(org.sites.all(), lambda s: [s.name, s.address, s.get_kind_display()]), "R7.1-D8"),
        ("certification", _("Other certifications held"),
         rows(org.held_certifications.all(), lambda c: [c.get_standard_display(), c.number, c.issuer,
                                                        c.valid_until]), "R7.4.1-O1"),
        ("market-year", _("Carbon-market reporting"),
         rows(org.carbon_market_years.all(), lambda y: [y.year, y.market, _("verified by %(v)s") % {"v": y.verifier}
                                                         if y.verified else _("not verified")]), "R7.4.1-O3"),
        ("target", _("Carbon objectives and targets"),
         rows(app.targets.all(), lambda t: [t.indicator, t.get_kind_display(),
                                            f"{t.baseline_value} → {t.target_value} {t.unit}", t.target_year]),
         "R7.1-D11"),
        ("action-plan", _("Action plans"),
         rows(app.action_plans.all(), lambda a: [a.title, a.responsible, a.due,
                                                 a.expected_reduction if a.expected_reduction is not None else "—"]),
         "R7.1-D11"),
    ]


@login_required
def scope_levels(request, pk: int):
    app = application_in_wall(request, pk)
    is_owner = request.user.organisation_id == app.organisation_id
    editable = is_owner and app.status in (Application.DRAFT, Application.SUPPLEMENT)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        form = ScopeLevelsForm(request.POST)
        if form.is_valid():
            # Every level's first problem at once, on its field (the action would stop at the first).
            _chosen, problems = check_levels(form.levels())
            for v in problems:
                form.add_error(v.field, violation_text(v, request.user))
            if not problems:
                ok, _rows = perform(request, profile.set_scope_levels, app, by=request.user, levels=form.levels(),
                                    form=form, success=_("Scope levels saved."))
                if ok:
                    return redirect(f"/applications/{pk}/#scope-levels")
    else:
        form = ScopeLevelsForm(initial=ScopeLevelsForm.initial_for(app))
    return render(request, "clients/scope_levels.html", {
        "app": app, "form": form, "editable": editable, "levels": scope_entries(app)})
