"""Pages of the carbon data verification and of the audit report (thin: forms → actions).

Walls: the carbon page is for the audit team and the audited organisation only (anyone else gets a
404, like a missing audit); the report is for the team, office roles and — after the decision —
the client (tancert.audits.report.can_open).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits import carbon, report
from tancert.audits.actions import on_team
from tancert.audits.forms_carbon import (
    ConfirmDataFindingForm,
    InventoryUploadForm,
    SampleCheckForm,
    SignReportForm,
)
from tancert.audits.models import Audit
from tancert.people import access
from tancert.scheme.violations import RuleViolation
from tancert.web.actionview import perform, perform_form, violation_text


def _carbon_audit(request, pk: int) -> Audit:
    a = access.get_or_404(access.audits_for(request.user).select_related("organisation"), pk=pk)
    user = request.user
    if not (on_team(a, user) or (user.is_client and user.organisation_id == a.organisation_id)):
        raise Http404
    return a


def _carbon_page(request, a: Audit, *, upload_form=None, upload_errors=None, status=200):
    up = carbon.current_upload(a)
    checks = {c.row: c for c in up.checks.select_related("finding", "checked_by")} if up else {}
    sample = [r | {"check": checks.get(r["row"])} for r in (up.sample if up else [])]
    confirmed = {c.rule: c for c in up.confirmed.select_related("finding")} if up else {}
    blocking = [b | {"confirmed": confirmed.get(b["rule"])} for b in carbon.blocking_rules(up)] if up else []
    member = on_team(a, request.user)
    return render(request, "audits/carbon.html", {
        "audit": a, "upload": up, "sample": sample, "blocking": blocking, "member": member,
        "open": a.status in (Audit.PLANNED, Audit.IN_PROGRESS),
        "uploads": a.inventories.select_related("uploaded_by").order_by("-version"),
        "frozen": a.frozen_figures.select_related("frozen_by").order_by("-version"),
        "checked": len(checks), "upload_form": upload_form or InventoryUploadForm(),
        "upload_errors": upload_errors, "check_form": SampleCheckForm(auto_id=False), "confirm_form": ConfirmDataFindingForm(auto_id=False),
    }, status=status)


@login_required
def carbon_page(request, pk: int):
    return _carbon_page(request, _carbon_audit(request, pk))


@login_required
@require_POST
def carbon_upload(request, pk: int):
    a = _carbon_audit(request, pk)
    form = InventoryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the inventory file."))
        return _carbon_page(request, a, upload_form=form, status=400)
    f = form.cleaned_data["file"]
    try:
        up = carbon.upload_inventory(a, by=request.user, filename=f.name, content=f.read())
    except carbon.InventoryRejected as exc:
        messages.error(request, violation_text(exc))
        return _carbon_page(request, a, upload_form=form, upload_errors=exc.errors, status=422)
    except RuleViolation as exc:
        messages.error(request, violation_text(exc))
        return _carbon_page(request, a, upload_form=form, status=422)
    messages.success(request, _("Inventory version %(v)s uploaded and recomputed.") % {"v": up.version})
    return redirect("audit_carbon", pk)


def _upload(a: Audit, upload_id: int):
    return access.get_or_404(a.inventories.all(), pk=upload_id)


@login_required
@require_POST
def carbon_check(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, SampleCheckForm, carbon.record_sample_check, _upload(a, upload_id), by=request.user,
                 success=_("Check recorded."), invalid=_("Name the source, the document reference and the result."))
    return redirect(reverse("audit_carbon", args=[pk]) + "#sample")


@login_required
@require_POST
def carbon_confirm(request, pk: int, upload_id: int):
    a = _carbon_audit(request, pk)
    perform_form(request, ConfirmDataFindingForm, carbon.confirm_data_finding, _upload(a, upload_id),
                 by=request.user, success=_("Finding recorded."), invalid=_("Choose the grade of the finding."))
    return redirect("audit_carbon", pk)


@login_required
@require_POST
def carbon_freeze(request, pk: int):
    a = _carbon_audit(request, pk)
    perform(request, carbon.freeze_figures, a, by=request.user, success=_("The verified figures are frozen."))
    return redirect("audit_carbon", pk)


@login_required
def carbon_file(request, pk: int, upload_id: int):
    up = _upload(_carbon_audit(request, pk), upload_id)
    return FileResponse(up.file.open("rb"), as_attachment=True, filename=up.original_name)


def _report_audit(request, pk: int) -> Audit:
    a = access.get_or_404(access.audits_for(request.user).select_related("organisation"), pk=pk)
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
        "frozen": carbon.current_frozen(a), "needs_figures": a.kind in report.NEEDS_FIGURES,
    })


@login_required
def report_pdf(request, pk: int, version: int):
    a = _report_audit(request, pk)
    rep = access.get_or_404(a.reports.all(), version=version)
    return FileResponse(rep.pdf.open("rb"), as_attachment=False, filename=rep.filename,
                        content_type="application/pdf")
