"""The lifecycle pages beyond views.py: the decision page, renewal, change requests, the English version,
the mark, transfers, the dashboard and the regulator export. Thin: forms → actions, walls via access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.models import Audit, Finding
from tancert.certificates import actions, dashboard, export, marks, transfer
from tancert.certificates.committee import committee_size
from tancert.certificates.forms import DecisionForm
from tancert.certificates.forms_more import (
    ChangeRequestForm,
    ChangeReviewForm,
    MisuseForm,
    TransferDecisionForm,
    TransferForm,
)
from tancert.certificates.models import ChangeRequest, DecisionVote, RegulatorExport, TransferReview
from tancert.people import access
from tancert.people.models import Role
from tancert.web.actionview import perform, perform_form


def _office(user, *roles):
    if not access.is_office(user) or (roles and not user.has_role(*roles)):
        raise PermissionDenied


@login_required
def decision_page(request, audit_id: int):
    """What the decider reviews (R7.5): the audit (its report is on the audit page), findings, carbon data."""
    _office(request.user)
    audit = access.get_or_404(access.audits_for(request.user).filter(
        kind__in=[Audit.STAGE2, Audit.RECERTIFICATION]), pk=audit_id)
    app = audit.application
    related = Audit.objects.filter(application=app) if app else Audit.objects.filter(pk=audit.pk)
    from tancert.certificates.committee import audited_client, declared_conflicts

    user = request.user
    independent = not audited_client(user, audit.organisation_id) and not declared_conflicts(
        user, audit.organisation).exists()
    return render(request, "certificates/decision_page.html", {
        "audit": audit, "app": app, "findings": Finding.objects.filter(audit__in=related).select_related("audit"),
        "targets": app.targets.all() if app else [], "plans": app.action_plans.all() if app else [],
        "market_years": audit.organisation.carbon_market_years.all(),
        "decision": audit.decisions.first(), "votes": DecisionVote.objects.filter(audit=audit).select_related("user"),
        "size": committee_size(), "can_decide": user.has_role(Role.DECISION_MAKER) and independent,
        "independent": independent, "form": DecisionForm(),
    })


def _cert(request, pk):
    return access.get_or_404(access.certificates_for(request.user), pk=pk)


@login_required
@require_POST
def renew(request, pk: int):
    cert = _cert(request, pk)
    ok, app = perform(request, actions.apply_for_renewal, cert, by=request.user,
                      success=_("Renewal application created: complete and submit it."))
    return redirect("application", app.pk) if ok else redirect("certificate", pk)


@login_required
@require_POST
def change_request(request, pk: int):
    cert = _cert(request, pk)
    form = ChangeRequestForm(request.POST)
    if form.is_valid():
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        if not d["sites"] and not cert.sites:
            d.pop("sites")  # no sites before, none given: not a change
        perform(request, actions.request_change, cert, by=request.user, changes=d, reason=reason,
                success=_("Change request sent to the certification body."))
    else:
        messages.error(request, _("Fill in the changed content and the reason.") + " "
                       + " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("certificate", pk)


@login_required
@require_POST
def change_review(request, pk: int, request_id: int, outcome: str):
    cert = _cert(request, pk)
    req = access.get_or_404(cert.change_requests.all(), pk=request_id)
    form = ChangeReviewForm(request.POST)
    if not form.is_valid() or outcome not in ("approve", "reject"):
        messages.error(request, _("Record how the change was reviewed."))
        return redirect("certificate", pk)
    audit = None
    if form.cleaned_data.get("audit"):
        audit = access.get_or_404(Audit.objects.filter(organisation_id=cert.organisation_id),
                                  pk=form.cleaned_data["audit"])
    perform(request, actions.review_change, req, by=request.user, approve=outcome == "approve",
            note=form.cleaned_data["note"], audit=audit, success=_("Saved."))
    return redirect("certificate", pk)


@login_required
@require_POST
def english(request, pk: int):
    cert = _cert(request, pk)
    ok, v = perform(request, actions.english_version, cert, by=request.user, success=_("English version made."))
    return redirect("certificate", pk)


@login_required
def english_pdf(request, pk: int, version: int):
    cert = _cert(request, pk)
    v = access.get_or_404(cert.versions.exclude(pdf_en="").exclude(pdf_en__isnull=True), version=version)
    return FileResponse(v.pdf_en.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}-en.pdf")


@login_required
def mark_file(request, pk: int, kind: str):
    """R11.1: the holder of a valid certificate downloads the mark (SVG vector, PNG raster)."""
    cert = _cert(request, pk)
    ok, _v = perform(request, actions.mark_allowed, cert, request.user)
    if not ok:
        return redirect("certificate", pk)
    if kind == "svg":
        response = HttpResponse(marks.svg(cert.number), content_type="image/svg+xml")
    elif kind == "png":
        response = HttpResponse(marks.png(cert.number), content_type="image/png")
    else:
        raise PermissionDenied
    response["Content-Disposition"] = f'attachment; filename="{cert.number}-mark.{kind}"'
    return response


def mark_rules(request):
    """The usage rules of the mark (R11.2), public like the register."""
    return render(request, "certificates/mark_rules.html", {"mark": marks.data_uri()})


@login_required
@require_POST
def misuse(request, pk: int):
    cert = _cert(request, pk)
    perform_form(request, MisuseForm, actions.record_mark_misuse, cert, by=request.user,
                 success=_("Misuse of the mark recorded."), invalid=_("Fill in the date, what was found and the "
                                                                       "evidence."))
    return redirect("certificate", pk)


@login_required
def transfers(request):
    _office(request.user)
    form = TransferForm(organisations=access.organisations_for(request.user).order_by("name"))
    if request.method == "POST":
        _office(request.user, Role.CERTIFICATE_ADMIN)
        form = TransferForm(request.POST, organisations=access.organisations_for(request.user))
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
    _office(request.user)
    review = access.get_or_404(TransferReview.objects.select_related("organisation", "decision"), pk=pk)
    if request.method == "POST":
        form = TransferDecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            audit = access.get_or_404(Audit.objects.filter(organisation=review.organisation), pk=d["audit"]) \
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


@login_required
def dashboard_page(request):
    _office(request.user)
    return render(request, "certificates/dashboard.html", dashboard.overview(timezone.localdate()))


@login_required
def export_page(request):
    _office(request.user, Role.CERTIFICATE_ADMIN, Role.SYSTEM_ADMIN)
    today = timezone.localdate()
    last = (today.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    if request.method == "POST":
        period, fmt = request.POST.get("period", ""), request.POST.get("format", "xlsx")
        try:
            xlsx, _record = export.generate(period, by=request.user)
        except export.BadPeriod as exc:
            messages.error(request, str(exc))
            return redirect("regulator_export")
        if fmt == "json":
            response = JsonResponse(export.as_json(period), json_dumps_params={"ensure_ascii": False, "indent": 1})
            response["Content-Disposition"] = f'attachment; filename="regulator-{period}.json"'
            return response
        response = HttpResponse(xlsx, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="regulator-{period}.xlsx"'
        return response
    return render(request, "certificates/export.html", {
        "exports": RegulatorExport.objects.all()[:36], "last": last, "due": export.due_date(last),
        "sheets": export.SHEETS, "version": export.MAPPING_VERSION,
        "done_last": RegulatorExport.objects.filter(period=last).exists()})


def change_requests_for(cert, user):
    if user.has_role(Role.CERTIFICATE_ADMIN) or user.organisation_id == cert.organisation_id:
        return cert.change_requests.all()
    return ChangeRequest.objects.none()
