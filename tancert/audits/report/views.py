"""The audit report pages (R7.5.1): the team leader signs a new version; the team, office roles and —
after the decision — the client open it (``report.actions.can_open``); anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tancert.audits.access import audits_for
from tancert.audits.carbon.actions import current_frozen
from tancert.audits.models import Audit
from tancert.audits.report import actions as report
from tancert.audits.report.forms import SignReportForm
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404


def _report_audit(request, pk: int) -> Audit:
    a = get_or_404(audits_for(request.user).select_related("organisation"), pk=pk)
    if not report.can_open(a, request.user):
        raise Http404
    return a


@login_required
def report_page(request, pk: int):
    a = _report_audit(request, pk)
    member = a.team.filter(user=request.user).first()
    is_leader = bool(member and member.role == "leader")
    form = None
    if is_leader:
        form = SignReportForm(request.POST or None, focus_kind=report.focus_kind(a), initial={
            "recommendation": a.recommendation or Audit.RECOMMEND,
            "objectives": _("Confirm that the carbon management system conforms to T/CCAA 39-2022 and is effective "
                            "within the scope."),
        })
        if request.method == "POST" and form.is_valid():
            ok, rep = perform(request, report.sign_report, a, by=request.user, form=form, **form.action_kwargs())
            if ok:
                messages.success(request, _("Report version %(v)s signed.") % {"v": rep.version})
                return redirect("audit_report", pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "audits/report.html", {
        "audit": a, "reports": a.reports.select_related("signed_by").order_by("-version"), "form": form,
        "frozen": current_frozen(a), "needs_figures": a.kind in report.NEEDS_FIGURES,
    })


@login_required
def report_pdf(request, pk: int, version: int):
    a = _report_audit(request, pk)
    rep = get_or_404(a.reports.all(), version=version)
    return FileResponse(rep.pdf.open("rb"), as_attachment=False, filename=rep.filename,
                        content_type="application/pdf")
