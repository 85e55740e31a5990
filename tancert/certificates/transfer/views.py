"""Transfer in (RT, IAF MD2): the pre-transfer review and its decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tancert.audits.models import Audit
from tancert.certificates.access import require_office
from tancert.certificates.models import TransferReview
from tancert.certificates.transfer import actions as transfer
from tancert.certificates.transfer.forms import TransferDecisionForm, TransferForm
from tancert.clients.access import organisations_for
from tancert.people.models import Role
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404


@login_required
def transfers(request):
    require_office(request.user)
    form = TransferForm(organisations=organisations_for(request.user).order_by("name"))
    if request.method == "POST":
        require_office(request.user, Role.CERTIFICATE_ADMIN)
        form = TransferForm(request.POST, organisations=organisations_for(request.user))
        if form.is_valid():
            d = dict(form.cleaned_data)
            org = d.pop("organisation")
            ok, review = perform(request, transfer.review_transfer, org, by=request.user, form=form,
                                 success=_("Pre-transfer review recorded."), **d)
            if ok:
                return redirect("transfer", review.pk)
        else:
            messages.error(request, _("Complete the pre-transfer review."))
    return render(request, "certificates/transfers.html", {
        "reviews": TransferReview.objects.select_related("organisation", "decision")[:200], "form": form,
        "can_review": request.user.has_role(Role.CERTIFICATE_ADMIN)})


@login_required
def transfer_page(request, pk: int):
    require_office(request.user)
    review = get_or_404(TransferReview.objects.select_related("organisation", "decision"), pk=pk)
    if request.method == "POST":
        form = TransferDecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            audit = get_or_404(Audit.objects.filter(organisation=review.organisation), pk=d["audit"]) \
                if d.get("audit") else None
            perform(request, transfer.decide_transfer, review, by=request.user, accept=d["accept"] == "yes",
                    reason=d["reason"], audit=audit, success=_("Decision recorded."))
        else:
            messages.error(request, _("Choose the decision and give the reasons."))
        return redirect("transfer", pk)
    return render(request, "certificates/transfer.html", {
        "r": review, "form": TransferDecisionForm(),
        "can_decide": request.user.has_role(Role.DECISION_MAKER) and review.outcome == TransferReview.PENDING,
        "can_issue": request.user.has_role(Role.CERTIFICATE_ADMIN)})
