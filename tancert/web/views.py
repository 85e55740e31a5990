"""The pages that bring several apps together: the home pages of each role, sign-up, and an
organisation's file (its applications, audits, certificates and record history)."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tancert.audits.access import audits_for
from tancert.audits.models import Audit
from tancert.certificates.access import certificates_for
from tancert.certificates.committee import decision_queue
from tancert.certificates.models import Certificate, Decision
from tancert.clients.access import applications_for, organisations_for
from tancert.clients.actions import sign_up_organisation
from tancert.clients.models import Application
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.records.retention import retention_until
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404
from tancert.web.forms import SignupForm


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html")
    if user.is_client:
        return client_home(request)
    return staff_home(request)


def client_home(request):
    org = request.user.organisation
    applications = org.applications.all()
    open_app = applications.exclude(status__in=[Application.REJECTED, Application.WITHDRAWN]).first()
    findings = [f for a in org.audits.all() for f in a.findings.all() if f.is_nonconformity and f.status in
                ("open", "returned")]
    return render(request, "web/client_home.html", {
        "org": org, "application": open_app, "applications": applications,
        "audits": org.audits.exclude(status=Audit.CANCELLED), "certificates": org.certificates.all(),
        "open_findings": findings, "next_step": client_next_step(open_app, findings, org),
    })


def client_next_step(app, findings, org) -> str:
    """One sentence telling the client what to do next."""
    if findings:
        return _("Answer the open nonconformities with your correction and corrective action.")
    if app is None:
        if org.certificates.filter(status=Certificate.VALID).exists():
            return _("Your certificate is valid. Keep your CMS running; surveillance audits come yearly.")
        return _("Start an application for certification.")
    return {
        Application.DRAFT: _("Complete the application: fill in the data, upload the 11 documents, sign the "
                             "commitment and submit."),
        Application.SUBMITTED: _("The certification body is reviewing your application (3 working days)."),
        Application.SUPPLEMENT: _("The reviewer asked for a supplement: see the request, upload the documents and "
                                  "submit again."),
        Application.ACCEPTED: _("Your application is accepted. The body plans your audits; watch for the audit "
                                "plan."),
    }.get(app.status, "")


def staff_home(request):
    user = request.user
    ctx = {"today": timezone.localdate()}
    if user.has_role(Role.APPLICATION_REVIEWER):
        ctx["review_queue"] = Application.objects.filter(status=Application.SUBMITTED).select_related(
            "organisation").order_by("review_deadline")
    if user.has_role(Role.APPLICATION_REVIEWER, Role.CERTIFICATE_ADMIN):
        from tancert.clients.models import Contract

        ctx["awaiting_payment"] = Contract.objects.filter(status=Contract.SIGNED).select_related(
            "application__organisation").order_by("signed_at")
    if user.has_role(Role.PROGRAMME_MANAGER):
        ctx["to_plan"] = Application.objects.filter(status=Application.ACCEPTED).exclude(
            audits__kind=Audit.STAGE2).select_related("organisation")
    if user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        ctx["my_audits"] = Audit.objects.filter(team__user=user).exclude(
            status__in=[Audit.COMPLETED, Audit.CANCELLED]).select_related("organisation").distinct()
    if user.has_role(Role.DECISION_MAKER):
        ctx["to_decide"] = decision_queue(user)
    if user.has_role(Role.CERTIFICATE_ADMIN):
        ctx["to_issue"] = Decision.objects.filter(outcome__in=[Decision.GRANT, Decision.GRANT_REDUCED],
                                                  certificates__isnull=True).select_related("organisation")
    return render(request, "web/staff_home.html", ctx)


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, result = perform(request, sign_up_organisation, form=form,
                             name=d["name"], credit_code=d["credit_code"], registered_address=d["registered_address"],
                             address=d["address"], username=d["username"], password=d["password"],
                             email=d["email"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                             legal_representative=d["legal_representative"], employees=d["employees"],
                             technical_areas=d["technical_areas"])
        if ok:
            login(request, result[1], backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "web/signup.html", {"form": form})


@login_required
def organisation(request, pk: int):
    org = get_or_404(organisations_for(request.user), pk=pk)
    events = Event.objects.filter(organisation_id=org.pk).order_by("-seq")
    if not is_office(request.user) and not request.user.is_client:
        # An auditor sees the history of the audits they are on, not the whole file.
        audit_ids = [str(a) for a in audits_for(request.user).filter(organisation=org).values_list("pk", flat=True)]
        events = events.filter(subject_type="audit", subject_id__in=audit_ids)
    return render(request, "clients/organisation.html", {
        "org": org,
        "applications": applications_for(request.user).filter(organisation=org),
        "audits": audits_for(request.user).filter(organisation=org),
        "certificates": certificates_for(request.user).filter(organisation=org),
        "events": events[:200],
        "retention": retention_until(org),
        "can_export": is_office(request.user),
    })
