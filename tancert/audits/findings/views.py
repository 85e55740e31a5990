"""Findings on the audit page: the team raises one, the client answers, the team reviews the answer
(R7.4.2, R7.4.4). Thin: forms → actions; the audit page (audits/views.py) shows them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.findings import actions as finding_actions
from tancert.audits.findings import forward
from tancert.audits.findings.forms import FindingForm, ResponseForm
from tancert.audits.models import Finding
from tancert.records import uploads
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


@login_required
@require_POST
def raise_finding(request, pk: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    perform_form(request, FindingForm, finding_actions.raise_finding, a, by=request.user, success=_("Finding recorded."),
                 invalid=_("Fill in the grade and the description of the finding."))
    return redirect("audit", pk)


@login_required
@require_POST
def respond(request, pk: int, finding_id: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    finding = get_or_404(a.findings.all(), pk=finding_id)
    files = [(f.name, uploads.read(f)) for f in request.FILES.getlist("files")]
    perform_form(request, ResponseForm, finding_actions.respond_to_finding, finding, by=request.user, files=files,
                 success=_("Your answer has been sent to the audit team."),
                 invalid=_("Fill in the correction, the root cause and the corrective action."))
    return redirect("audit", pk)


@login_required
@require_POST
def review_response(request, pk: int, finding_id: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    finding = get_or_404(a.findings.all(), pk=finding_id)
    perform(request, finding_actions.review_finding_response, finding, by=request.user,
            outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""), success=_("Saved."))
    return redirect("audit", pk)


@login_required
@require_POST
def recheck(request, pk: int, finding_id: int):
    """The team re-checks an earlier audit's nonconformity in this audit (R8.1.3-F5, CB-findings-forward)."""
    a = get_or_404(audits_for(request.user), pk=pk)
    finding = get_or_404(Finding.objects.filter(audit__organisation_id=a.organisation_id), pk=finding_id)
    perform(request, forward.recheck_finding, a, finding, by=request.user,
            effective=request.POST.get("effective") == "yes", note=request.POST.get("note", "")[:5000],
            success=_("Saved."))
    return redirect(reverse("audit_checklist", args=[pk]) + "#carried")
