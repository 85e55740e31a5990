"""Audit planning and audit pages (thin: forms → actions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits import actions
from tancert.audits.forms import CompleteForm, FindingForm, PlanAuditForm, ResponseForm
from tancert.audits.models import Audit
from tancert.certificates.forms import DecisionForm
from tancert.people import access
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.web.actionview import perform, perform_form


@login_required
def audits(request):
    qs = access.audits_for(request.user).select_related("organisation").order_by("-start_date")
    return render(request, "audits/audits.html", {"audits": qs})


@login_required
def plan(request, application_id: int):
    if not request.user.has_role(Role.PROGRAMME_MANAGER):
        raise PermissionDenied
    app = access.get_or_404(access.applications_for(request.user).select_related("organisation"), pk=application_id)
    form = PlanAuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, audit = perform(request, actions.plan_audit, app.organisation, by=request.user, form=form,
                            kind=d["kind"], start_date=d["start_date"], end_date=d["end_date"],
                            auditor_days=d["auditor_days"], team=form.team(), application=app, method=d["method"],
                            offsite=d["offsite"], offsite_reason=d["offsite_reason"])
        if ok:
            messages.success(request, _("Audit planned."))
            return redirect("audit", audit.pk)
    return render(request, "audits/plan.html", {"form": form, "app": app,
                                                "existing": app.audits.all()})


@login_required
def audit(request, pk: int):
    a = access.get_or_404(access.audits_for(request.user).select_related("organisation", "application"), pk=pk)
    user = request.user
    member = a.team.filter(user=user).first() if not user.is_client else None
    findings = a.findings.select_related("checklist_item").prefetch_related("evidence_entries__recorded_by",
                                                                             "response_files")
    from tancert.audits.views_checklist import audit_context

    return render(request, "audits/audit.html", {
        **audit_context(a, user),
        "audit": a, "team": a.team.select_related("user"), "findings": findings, "member": member,
        "is_leader": bool(member and member.role == "leader"),
        "can_plan": user.has_role(Role.PROGRAMME_MANAGER),
        "is_client": user.is_client and user.organisation_id == a.organisation_id,
        "finding_form": FindingForm(), "response_form": ResponseForm(), "complete_form": CompleteForm(),
        "can_decide": (user.has_role(Role.DECISION_MAKER) and a.status == Audit.COMPLETED
                       and a.kind in (Audit.STAGE2, Audit.RECERTIFICATION) and not a.decisions.exists()),
        "decision_form": DecisionForm(initial={"scope": a.scope}),
        "events": Event.objects.filter(subject_type="audit", subject_id=str(a.pk)).order_by("seq")
        if not user.is_client else [],
    })


@login_required
@require_POST
def raise_finding(request, pk: int):
    a = access.get_or_404(access.audits_for(request.user), pk=pk)
    perform_form(request, FindingForm, actions.raise_finding, a, by=request.user, success=_("Finding recorded."),
                 invalid=_("Fill in the grade and the description of the finding."))
    return redirect("audit", pk)


@login_required
@require_POST
def respond(request, pk: int, finding_id: int):
    a = access.get_or_404(access.audits_for(request.user), pk=pk)
    finding = access.get_or_404(a.findings.all(), pk=finding_id)
    files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
    perform_form(request, ResponseForm, actions.respond_to_finding, finding, by=request.user, files=files,
                 success=_("Your answer has been sent to the audit team."),
                 invalid=_("Fill in the correction, the root cause and the corrective action."))
    return redirect("audit", pk)


@login_required
@require_POST
def review_response(request, pk: int, finding_id: int):
    a = access.get_or_404(access.audits_for(request.user), pk=pk)
    finding = access.get_or_404(a.findings.all(), pk=finding_id)
    perform(request, actions.review_finding_response, finding, by=request.user,
            outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""), success=_("Saved."))
    return redirect("audit", pk)


@login_required
@require_POST
def complete(request, pk: int):
    a = access.get_or_404(access.audits_for(request.user), pk=pk)
    perform_form(request, CompleteForm, actions.complete_audit, a, by=request.user, success=_("Audit closed."),
                 invalid=_("Write the conclusion and choose a recommendation."))
    return redirect("audit", pk)
