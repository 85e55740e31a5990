"""Decisions and certificates for staff and holders (thin: forms → actions): the decision queue and page,
issuing, the certificate page and PDFs, status changes, renewal, change requests, the English version
and the office dashboard. Transfers, the mark, the public register and the regulator export have their
own folders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.models import Audit, Finding
from tancert.certificates import actions, changes, dashboard
from tancert.certificates.access import certificate_for, certificates_for, require_office
from tancert.certificates.committee import audited_client, committee_size, decision_queue, declared_conflicts
from tancert.certificates.forms import (
    ChangeForm,
    ChangeRequestForm,
    ChangeReviewForm,
    DecisionForm,
    ReasonForm,
    SuspendForm,
    sites_text,
)
from tancert.certificates.listing import CERTIFICATES
from tancert.certificates.marks.forms import MisuseForm
from tancert.certificates.models import ChangeRequest, Decision, DecisionVote
from tancert.certificates.proposals import actions as proposals
from tancert.certificates.proposals.forms import AcceptProposalForm, DismissProposalForm
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.planning.programme import renewal_window
from tancert.records import uploads
from tancert.records.models import Event
from tancert.ui import lists
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


@login_required
def decisions(request):
    if not is_office(request.user):
        raise PermissionDenied
    user = request.user
    return render(request, "certificates/decisions.html", {
        "queue": decision_queue(user) if user.has_role(Role.DECISION_MAKER) else [],
        "decisions": Decision.objects.filter(organisation__in=organisations_for(user)).select_related(
            "organisation", "decided_by")[:200],
        "can_issue": user.has_role(Role.CERTIFICATE_ADMIN),
        # R9.2-T1…T4 detected by the system or reported by the holder, waiting for a decision maker.
        "proposals": proposals.open_proposals() if user.has_role(Role.DECISION_MAKER) else [],
        "accept_form": AcceptProposalForm(auto_id=False), "dismiss_form": DismissProposalForm(auto_id=False),
    })


@login_required
@require_POST
def decide(request, audit_id: int):
    audit = get_or_404(audits_for(request.user), pk=audit_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        ok, result = perform(request, actions.decide, audit, by=request.user, outcome=d["outcome"],
                             conditions=form.conditions(), scope=d["scope"], reason=d["reason"])
        if ok:
            messages.success(request, _("Decision recorded.") if result is not None else
                             _("Your vote is recorded; the decision is made when the committee is complete."))
    else:
        messages.error(request, _("Choose the decision and answer the conditions C1–C4."))
    return redirect("decision_page", audit_id)  # decisions are made on the decision page, never the audit page


@login_required
@require_POST
def issue(request, decision_id: int):
    decision = get_or_404(Decision.objects.filter(organisation__in=organisations_for(request.user)),
                                 pk=decision_id)
    ok, cert = perform(request, actions.issue_certificate, decision, by=request.user)
    if ok:
        messages.success(request, _("Certificate %(n)s issued.") % {"n": cert.number})
        return redirect("certificate", cert.pk)
    return redirect("decisions")


@login_required
def certificates(request):
    return lists.page(request, CERTIFICATES, certificates_for(request.user), "certificates/certificates.html")


@login_required
def certificates_export(request):
    return lists.export(request, CERTIFICATES, certificates_for(request.user))


@login_required
def certificate(request, pk: int):
    cert = get_or_404(certificates_for(request.user), pk=pk)
    user = request.user
    return render(request, "certificates/certificate.html", {
        "cert": cert, "versions": cert.versions.all(),
        "events": Event.objects.filter(subject_type="certificate", subject_id=str(cert.pk)).order_by("seq"),
        "surveillance": cert.audits.filter(kind=Audit.SURVEILLANCE),
        "can_decide": user.has_role(Role.DECISION_MAKER), "can_admin": user.has_role(Role.CERTIFICATE_ADMIN),
        "suspend_form": SuspendForm(), "reason_form": ReasonForm(),
        "change_form": ChangeForm(initial={"organisation_name": cert.organisation_name,
                                           "organisation_address": cert.organisation_address, "scope": cert.scope}),
        **_more_context(cert, user),
    })


def _more_context(cert, user) -> dict:
    """Renewal, change requests, English version, mark and misuse."""
    holder = user.organisation_id == cert.organisation_id
    today = timezone.localdate()
    current = cert.versions.order_by("-version").first()
    window = renewal_window(cert.expiry_date)
    # R9.3-renewal: renewed only while valid, within the 90 days before expiry (as apply_for_renewal checks);
    # a certificate no longer in force is followed by a new application instead.
    ended = cert.status in ("expired", "withdrawn", "cancelled") or today > cert.expiry_date
    return {
        "holder": holder, "renewal_opens": window.earliest, "renewal_ended": ended,
        "can_renew": holder and cert.renewal_application_id is None and cert.status == "valid"
        and window.contains(today),
        "change_requests": change_requests_for(cert, user),
        "change_request_form": ChangeRequestForm(initial={
            "organisation_name": cert.organisation_name, "organisation_address": cert.organisation_address,
            "scope": cert.scope, "sites": sites_text(cert.sites)}),
        "change_review_form": ChangeReviewForm(), "misuse_form": MisuseForm(initial={"observed_on": today}),
        "current": current, "misuses": cert.mark_misuses.all(), "chain": [c for c in (cert.renewal_of,
                                                                                     *cert.renewals.all()) if c],
        "can_misuse": user.has_role(Role.CERTIFICATE_ADMIN, Role.DECISION_MAKER),
    }


@login_required
def certificate_pdf(request, pk: int, version: int):
    cert = get_or_404(certificates_for(request.user), pk=pk)
    v = get_or_404(cert.versions.exclude(pdf=""), version=version)
    return FileResponse(v.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}.pdf")


@login_required
@require_POST
def lifecycle(request, pk: int, change: str):
    cert = get_or_404(certificates_for(request.user), pk=pk)
    if change == "suspend":
        perform_form(request, SuspendForm, actions.suspend_certificate, cert, by=request.user,
                     success=_("Certificate suspended."), invalid=_("Choose a trigger, give the reason and the deadline."))
        return redirect("certificate", pk)
    if change == "change":
        form = ChangeForm(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            reason = d.pop("reason")
            # The body's own change (e.g. a scope reduction after a finding) takes effect only by a decision.
            perform(request, changes.propose_change, cert, by=request.user, changes=d, reason=reason,
                    success=_("Change recorded; it takes effect when a decision maker approves it."))
        else:
            messages.error(request, _("Fill in the changed content and the reason."))
        return redirect("certificate", pk)
    func = {"restore": actions.restore_certificate, "withdraw": actions.withdraw_certificate,
            "cancel": actions.cancel_certificate}.get(change)
    if func is None:
        raise PermissionDenied
    perform(request, func, cert, by=request.user, reason=request.POST.get("reason", ""), success=_("Saved."))
    return redirect("certificate", pk)


@login_required
def decision_page(request, audit_id: int):
    """What the decider reviews (R7.5): the audit (its report is on the audit page), findings, carbon data."""
    require_office(request.user)
    audit = get_or_404(audits_for(request.user).filter(
        kind__in=[Audit.STAGE2, Audit.RECERTIFICATION]), pk=audit_id)
    app = audit.application
    related = Audit.objects.filter(application=app) if app else Audit.objects.filter(pk=audit.pk)
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


@login_required
@require_POST
def renew(request, pk: int):
    cert = certificate_for(request, pk)
    ok, app = perform(request, actions.apply_for_renewal, cert, by=request.user,
                      success=_("Renewal application created: complete and submit it."))
    return redirect("application", app.pk) if ok else redirect("certificate", pk)


@login_required
@require_POST
def change_request(request, pk: int):
    cert = certificate_for(request, pk)
    form = ChangeRequestForm(request.POST, request.FILES)
    if form.is_valid():
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        upload = d.pop("document", None)
        document = (upload.name, uploads.read(upload)) if upload else None
        if not d["sites"] and not cert.sites:
            d.pop("sites")  # no sites before, none given: not a change
        perform(request, changes.request_change, cert, by=request.user, changes=d, reason=reason, document=document,
                success=_("Change request sent to the certification body."))
    else:
        messages.error(request, _("Fill in the changed content and the reason.") + " "
                       + " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("certificate", pk)


def _change_step(request, pk: int, request_id: int, outcome: str):
    """The certificate, its change request and the valid review form (None when the form or outcome is bad)."""
    cert = certificate_for(request, pk)
    req = get_or_404(cert.change_requests.all(), pk=request_id)
    form = ChangeReviewForm(request.POST)
    return cert, req, form if form.is_valid() and outcome in ("approve", "reject") else None


@login_required
@require_POST
def change_review(request, pk: int, request_id: int, outcome: str):
    cert, req, form = _change_step(request, pk, request_id, outcome)
    if form is None:
        messages.error(request, _("Record how the change was reviewed."))
        return redirect("certificate", pk)
    audit = None
    if form.cleaned_data.get("audit"):
        audit = get_or_404(Audit.objects.filter(organisation_id=cert.organisation_id),
                                  pk=form.cleaned_data["audit"])
    perform(request, changes.review_change, req, by=request.user, approve=outcome == "approve",
            note=form.cleaned_data["note"], audit=audit, success=_("Saved."))
    return redirect("certificate", pk)


@login_required
@require_POST
def change_decide(request, pk: int, request_id: int, outcome: str):
    """A decision maker independent of the client decides the reviewed change (R9.4.2, R7.5)."""
    _cert, req, form = _change_step(request, pk, request_id, outcome)
    if form is None:
        messages.error(request, _("Give the reasons for the decision on the change."))
        return redirect("certificate", pk)
    perform(request, changes.decide_change, req, by=request.user, approve=outcome == "approve",
            note=form.cleaned_data["note"], success=_("Saved."))
    return redirect("certificate", pk)


@login_required
@require_POST
def english(request, pk: int):
    cert = certificate_for(request, pk)
    ok, v = perform(request, actions.english_version, cert, by=request.user, success=_("English version made."))
    return redirect("certificate", pk)


@login_required
def english_pdf(request, pk: int, version: int):
    cert = certificate_for(request, pk)
    v = get_or_404(cert.versions.exclude(pdf_en="").exclude(pdf_en__isnull=True), version=version)
    return FileResponse(v.pdf_en.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}-en.pdf")


@login_required
def dashboard_page(request):
    require_office(request.user)
    return render(request, "certificates/dashboard.html", dashboard.overview(timezone.localdate()))


def change_requests_for(cert, user):
    if user.has_role(Role.CERTIFICATE_ADMIN) or user.organisation_id == cert.organisation_id:
        return cert.change_requests.all()
    return ChangeRequest.objects.none()
