"""Pages of the suspension proposals (thin: forms → actions): the decision maker accepts or dismisses a
proposal from the decisions queue; the holder reports a serious event on its certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.certificates.access import certificates_for
from tancert.certificates.models import SuspensionProposal
from tancert.certificates.proposals import actions
from tancert.certificates.proposals.forms import (
    AcceptProposalForm,
    DismissProposalForm,
    SeriousEventForm,
    SuspensionEvidenceForm,
)
from tancert.people.models import Role
from tancert.ui.actionview import perform_form
from tancert.ui.walls import get_or_404


def _proposal(request, pk: int) -> SuspensionProposal:
    if not request.user.has_role(Role.DECISION_MAKER):
        raise PermissionDenied
    return get_or_404(SuspensionProposal.objects.select_related("certificate"), pk=pk)


@login_required
@require_POST
def accept(request, pk: int):
    perform_form(request, AcceptProposalForm, actions.accept_proposal, _proposal(request, pk), by=request.user,
                 success=_("Certificate suspended."), invalid=_("Give the reason and the deadline."))
    return redirect("/decisions/#proposals")


@login_required
@require_POST
def dismiss(request, pk: int):
    perform_form(request, DismissProposalForm, actions.dismiss_proposal, _proposal(request, pk), by=request.user,
                 success=_("Proposal dismissed."), invalid=_("Say why the certificate is not suspended."))
    return redirect("/decisions/#proposals")


@login_required
def serious_event(request, pk: int):
    cert = get_or_404(certificates_for(request.user), pk=pk)
    if not (request.user.is_client and request.user.organisation_id == cert.organisation_id):
        raise PermissionDenied
    if request.method == "POST":
        ok, _result = perform_form(request, SeriousEventForm, actions.report_serious_event, cert, by=request.user,
                                   success=_("Your report was sent to the certification body."),
                                   invalid=_("Choose what happened, give the day and describe it."))
        if ok:
            return redirect("certificate", pk)
    return render(request, "certificates/serious_event.html", {"cert": cert, "form": SeriousEventForm()})


@login_required
def suspension_evidence(request, pk: int):
    """The holder of a suspended certificate sends what it corrected; the decision makers see it on their home."""
    cert = get_or_404(certificates_for(request.user), pk=pk)
    if not (request.user.is_client and request.user.organisation_id == cert.organisation_id):
        raise PermissionDenied
    form = SuspensionEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.send_suspension_evidence(cert, by=request.user, message=form.cleaned_data["message"])
        messages.success(request, _("Your evidence was sent to the certification body."))
        return redirect("home")
    return render(request, "certificates/suspension_evidence.html", {
        "cert": cert, "form": form, "sent": cert.suspension_evidence.all()[:20], "today": timezone.localdate()})
