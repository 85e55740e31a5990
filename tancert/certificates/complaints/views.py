"""Pages of complaints and appeals (thin: forms → actions; docs/obligations.md).

Public: the process page and lodging from a certificate's register page (rate-limited and logged like the
register, CSRF-protected, bounded fields). Staff: the list with search, filters and Excel export (ui/lists.py), a complaint's and an
appeal's page with the forms of the next step. Clients: their own complaints and appeals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.certificates.access import certificates_for
from tancert.certificates.complaints import actions
from tancert.certificates.complaints.access import appeals_for, complaints_for
from tancert.certificates.complaints.forms import (
    AppealDecisionForm,
    AppealForm,
    ComplaintDecisionForm,
    FindingsForm,
    InvestigatorForm,
    PublicComplaintForm,
)
from tancert.certificates.complaints.listing import COMPLAINTS
from tancert.certificates.models import Certificate, Decision
from tancert.certificates.register import lookup
from tancert.certificates.register.views import rate_limited
from tancert.ui import lists
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


def process(request):
    """How complaints and appeals are handled (public)."""
    return render(request, "certificates/complaints/process.html",
                  {"answer_days": actions.answer_days(), "appeal_days": actions.appeal_days()})


@rate_limited
def lodge_public(request, number: str):
    address = lookup.admit(request, "complaint", number)
    cert = Certificate.objects.filter(number="".join(number.split()).upper()).first()
    lookup.log(address, "complaint", number, int(cert is not None))
    if cert is None:
        raise Http404
    form = PublicComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, result = perform(request, actions.lodge_complaint, by=None, certificate=cert, form=form,
                             **form.cleaned_data)
        if ok:
            # The public sees its acknowledgment and nothing else: no link to the complaint's page.
            return render(request, "certificates/complaints/acknowledged.html", {"complaint": result})
    return render(request, "certificates/complaints/lodge_public.html", {"cert": cert, "form": form})


@login_required
def complaints(request):
    if request.GET.get("format") == "xlsx":  # the address of the export before it had its own
        return complaints_export(request)
    appealable = suspended = ()
    if request.user.is_client:
        # What the client may appeal (CB-appeal-window is checked by the action when it does).
        appealable = Decision.objects.filter(organisation_id=request.user.organisation_id,
                                             outcome__in=[Decision.REFUSE, Decision.GRANT_REDUCED])[:50]
        suspended = certificates_for(request.user).filter(
            status__in=[Certificate.SUSPENDED, Certificate.WITHDRAWN])[:50]
    return lists.page(request, COMPLAINTS, complaints_for(request.user), "certificates/complaints/list.html", {
        "appeals": appeals_for(request.user)[:500], "appealable": appealable, "suspended": suspended})


@login_required
def complaints_export(request):
    return lists.export(request, COMPLAINTS, complaints_for(request.user))


@login_required
def complaint(request, pk: int):
    c = get_or_404(complaints_for(request.user), pk=pk)
    return render(request, "certificates/complaints/complaint.html", {
        "complaint": c, "investigator_form": InvestigatorForm(), "findings_form": FindingsForm(),
        "decision_form": ComplaintDecisionForm()})


@login_required
@require_POST
def complaint_step(request, pk: int, step: str):
    c = get_or_404(complaints_for(request.user), pk=pk)
    forms = {"investigator": (InvestigatorForm, actions.assign_investigator),
             "findings": (FindingsForm, actions.record_findings),
             "decision": (ComplaintDecisionForm, actions.decide_complaint)}
    if step not in forms:
        raise Http404
    form_class, action = forms[step]
    perform_form(request, form_class, action, c, by=request.user, success=_("Saved."),
                 invalid=_("Please correct the form."))
    return redirect("complaint", pk=c.pk)


@login_required
def appeal_new(request):
    """The client appeals a decision (?decision=ID: refusal, reduced scope) or its certificate's suspension or
    withdrawal (?certificate=ID&kind=suspension|withdrawal)."""
    if not request.user.is_client:
        raise PermissionDenied
    decision = certificate = None
    kind = request.GET.get("kind", "")
    if request.GET.get("decision", "").isdigit():
        decision = get_or_404(Decision.objects.filter(organisation_id=request.user.organisation_id),
                              pk=int(request.GET["decision"][:18]))
    elif request.GET.get("certificate", "").isdigit():
        certificate = get_or_404(certificates_for(request.user), pk=int(request.GET["certificate"][:18]))
    else:
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, result = perform(request, actions.lodge_appeal, by=request.user, decision=decision,
                             certificate=certificate, kind=kind, form=form, **form.cleaned_data)
        if ok:
            return redirect("appeal", pk=result.pk)
    return render(request, "certificates/complaints/appeal_new.html",
                  {"form": form, "decision": decision, "certificate": certificate})


@login_required
def appeal(request, pk: int):
    a = get_or_404(appeals_for(request.user), pk=pk)
    return render(request, "certificates/complaints/appeal.html", {"appeal": a, "form": AppealDecisionForm()})


@login_required
@require_POST
def appeal_decide(request, pk: int):
    a = get_or_404(appeals_for(request.user), pk=pk)
    perform_form(request, AppealDecisionForm, actions.decide_appeal, a, by=request.user, success=_("Saved."),
                 invalid=_("Please correct the form."))
    return redirect("appeal", pk=a.pk)
