"""Remote audit deviation on the audit page: the request (programme manager) and the decision (decision
maker or system administrator) — thin views over remote/actions.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.models import Audit, RemoteDeviation
from tancert.audits.remote import actions
from tancert.audits.remote.forms import DecideDeviationForm, RequestDeviationForm
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


def remote_panel(user, audit: Audit) -> dict:
    """The audit page's deviation section: staff only; each form only for the role that uses it."""
    if user.is_client:
        return {"remote": None}
    deviations = list(audit.remote_deviations.select_related("requested_by", "decided_by"))
    pending = next((d for d in deviations if d.status == RemoteDeviation.REQUESTED), None)
    open_ = any(d.status in RemoteDeviation.OPEN for d in deviations)
    can_request = (user.has_role(actions.REQUESTER) and audit.kind != Audit.STAGE1 and audit.status == Audit.PLANNED
                   and not open_ and actions.deviations_allowed())
    can_decide = bool(pending and user.has_role(*actions.APPROVERS) and user.pk != pending.requested_by_id)
    if not deviations and not can_request:
        return {"remote": None}
    return {"remote": {"deviations": deviations, "pending": pending, "can_request": can_request,
                       "can_decide": can_decide, "request_form": RequestDeviationForm() if can_request else None,
                       "decide_form": DecideDeviationForm() if can_decide else None}}


@login_required
@require_POST
def request_deviation(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    if request.user.is_client:
        raise PermissionDenied
    perform_form(request, RequestDeviationForm, actions.request_deviation, a, by=request.user,
                 success=_("Deviation requested: it awaits approval."),
                 invalid=_("Fill in every field of the deviation request."))
    return redirect("audit", pk)


@login_required
@require_POST
def decide_deviation(request, pk: int, deviation_id: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    if request.user.is_client:
        raise PermissionDenied
    dev = get_or_404(a.remote_deviations.all(), pk=deviation_id)
    form = DecideDeviationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject and give the reason."))
        return redirect("audit", pk)
    approve = form.cleaned_data["decision"] == "approve"
    perform(request, actions.decide_deviation, dev, by=request.user, approve=approve,
            reason=form.cleaned_data["reason"],
            success=_("Deviation approved: the audit method is changed.") if approve else _("Deviation rejected."))
    return redirect("audit", pk)
