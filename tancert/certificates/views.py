"""Decisions and certificates for staff and holders (thin: forms → actions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits.models import Audit
from tancert.certificates import actions
from tancert.certificates.forms import ChangeForm, DecisionForm, ReasonForm, SuspendForm
from tancert.certificates.models import Decision
from tancert.people import access
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.web.actionview import perform, perform_form
from tancert.web.views import decision_queue


@login_required
def decisions(request):
    if not access.is_office(request.user):
        raise PermissionDenied
    user = request.user
    return render(request, "certificates/decisions.html", {
        "queue": decision_queue(user) if user.has_role(Role.DECISION_MAKER) else [],
        "decisions": Decision.objects.filter(organisation__in=access.organisations_for(user)).select_related(
            "organisation", "decided_by")[:200],
        "can_issue": user.has_role(Role.CERTIFICATE_ADMIN),
    })


@login_required
@require_POST
def decide(request, audit_id: int):
    audit = access.get_or_404(access.audits_for(request.user), pk=audit_id)
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
    return redirect("decision_page", audit_id) if request.POST.get("from") == "decision_page" else \
        redirect("audit", audit_id)


@login_required
@require_POST
def issue(request, decision_id: int):
    decision = access.get_or_404(Decision.objects.filter(organisation__in=access.organisations_for(request.user)),
                                 pk=decision_id)
    ok, cert = perform(request, actions.issue_certificate, decision, by=request.user)
    if ok:
        messages.success(request, _("Certificate %(n)s issued.") % {"n": cert.number})
        return redirect("certificate", cert.pk)
    return redirect("decisions")


@login_required
def certificates(request):
    qs = access.certificates_for(request.user).select_related("organisation")
    return render(request, "certificates/certificates.html", {"certificates": qs})


@login_required
def certificate(request, pk: int):
    cert = access.get_or_404(access.certificates_for(request.user), pk=pk)
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
    """Renewal, change requests, English version, mark and misuse (certificates/pages.py)."""
    from tancert.audits.planning.programme import renewal_window
    from tancert.certificates.forms_more import ChangeRequestForm, ChangeReviewForm, MisuseForm, sites_text
    from tancert.certificates.pages import change_requests_for

    holder = user.organisation_id == cert.organisation_id
    today = timezone.localdate()
    current = cert.versions.order_by("-version").first()
    return {
        "holder": holder, "renewal_opens": renewal_window(cert.expiry_date).earliest,
        "can_renew": holder and cert.renewal_application_id is None and cert.status in ("valid", "expired")
        and today >= renewal_window(cert.expiry_date).earliest,
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
    cert = access.get_or_404(access.certificates_for(request.user), pk=pk)
    v = access.get_or_404(cert.versions.exclude(pdf=""), version=version)
    return FileResponse(v.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}.pdf")


@login_required
@require_POST
def lifecycle(request, pk: int, change: str):
    cert = access.get_or_404(access.certificates_for(request.user), pk=pk)
    if change == "suspend":
        perform_form(request, SuspendForm, actions.suspend_certificate, cert, by=request.user,
                     success=_("Certificate suspended."), invalid=_("Choose a trigger, give the reason and the deadline."))
        return redirect("certificate", pk)
    if change == "change":
        form = ChangeForm(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            reason = d.pop("reason")
            perform(request, actions.change_certificate, cert, by=request.user, changes=d, reason=reason,
                    success=_("Certificate changed; a new version was issued."))
        else:
            messages.error(request, _("Fill in the changed content and the reason."))
        return redirect("certificate", pk)
    func = {"restore": actions.restore_certificate, "withdraw": actions.withdraw_certificate,
            "cancel": actions.cancel_certificate}.get(change)
    if func is None:
        raise PermissionDenied
    perform(request, func, cert, by=request.user, reason=request.POST.get("reason", ""), success=_("Saved."))
    return redirect("certificate", pk)
