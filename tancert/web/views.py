"""Home, sign-up and the public register (no login)."""

from __future__ import annotations

from django.contrib.auth import login
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tancert.audits import grades
from tancert.audits.models import Audit, Finding
from tancert.certificates import lookup
from tancert.certificates.models import Certificate, Decision
from tancert.clients.actions import register_organisation
from tancert.clients.models import Application
from tancert.people import access
from tancert.people.models import Role
from tancert.records.models import Event
from tancert.web.actionview import perform
from tancert.web.forms import SignupForm

REGISTER_PAGE_SIZE = 50


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


def decision_queue(user):
    """Completed stage 2 / recertification audits with no decision, excluding those the user audited."""
    unverified = Finding.objects.filter(grade__in=grades.codes_to(grades.VERIFY)).exclude(status=Finding.VERIFIED)
    return (Audit.objects.filter(kind__in=[Audit.STAGE2, Audit.RECERTIFICATION], status=Audit.COMPLETED,
                                 decisions__isnull=True)
            .exclude(application__audits__team__user=user)
            # R7.5.2: a decision is requested only once every major nonconformity is verified.
            .exclude(Exists(unverified.filter(audit__application=OuterRef("application"))))
            .exclude(Exists(unverified.filter(audit=OuterRef("pk"))))
            .select_related("organisation").distinct())


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, result = perform(request, register_organisation, form=form,
                             name=d["name"], credit_code=d["credit_code"], registered_address=d["registered_address"],
                             address=d["address"], username=d["username"], password=d["password"],
                             email=d["email"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                             legal_representative=d["legal_representative"], employees=d["employees"],
                             technical_areas=d["technical_areas"])
        if ok:
            login(request, result[1], backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "web/signup.html", {"form": form})


def _limited(request, query: str):
    """Apply the per-address limit; returns a 429 response when exceeded (and logs it)."""
    address = lookup.client_address(request)
    allowed, retry = lookup.allow(address)
    if allowed:
        return address, None
    lookup.log(address, "web", query, 0, limited=True)
    response = render(request, "web/too_many.html", {"retry": retry}, status=429)
    response["Retry-After"] = str(retry)
    return address, response


def search_certificates(q: str):
    """Search by number, organisation name or unified social credit code (R9.2-lookup)."""
    return Certificate.objects.filter(
        Q(number__iexact=q.replace(" ", "")) | Q(organisation_name__icontains=q) | Q(credit_code__iexact=q.upper())
    ).order_by("number")[:REGISTER_PAGE_SIZE]


def register(request):
    """Public register (R9.2-lookup): search by number, organisation name or credit code."""
    q = (request.GET.get("q") or "").strip()[:100]
    certs = []
    if q:
        address, refused = _limited(request, q)
        if refused:
            return refused
        certs = list(search_certificates(q))
        lookup.log(address, "web", q, len(certs))
    return render(request, "web/register.html", {"q": q, "certificates": certs})


def register_certificate(request, number: str):
    address, refused = _limited(request, number)
    if refused:
        return refused
    cert = Certificate.objects.filter(number=number.upper()).first()
    lookup.log(address, "web", number, int(cert is not None))
    if cert is None:
        from django.http import Http404

        raise Http404
    labels = public_history_labels()
    history = [(e.at, labels[e.action]) for e in
               Event.objects.filter(subject_type="certificate", subject_id=str(cert.pk), action__in=labels)
               .order_by("seq")]
    from tancert.certificates import seal

    current = cert.versions.order_by("-version").first()
    return render(request, "web/register_certificate.html", {
        "cert": cert, "history": history, "versions": cert.versions.order_by("version"),
        "seal_key_id": seal.key_id(seal.private_key().public_key()),
        "seal_ok": bool(current and current.seal),
    })


def register_version(request, number: str, version: int):
    """An earlier version of a certificate stays verifiable, shown as superseded (R9.4.2)."""
    cert = access.get_or_404(Certificate.objects.all(), number=number.upper())
    v = access.get_or_404(cert.versions.all(), version=version)
    return render(request, "web/register_version.html", {"cert": cert, "v": v, "c": v.content})


def public_history_labels() -> dict:
    """What the public sees of a certificate's history: the kind of change, never internal reasons."""
    return {
        "certificate.issued": _("Certificate issued"),
        "certificate.surveillance_recorded": _("Surveillance audit passed"),
        "certificate.suspended": _("Certificate suspended"),
        "certificate.restored": _("Certificate restored"),
        "certificate.withdrawn": _("Certificate withdrawn"),
        "certificate.cancelled": _("Certificate cancelled"),
        "certificate.expired": _("Certificate expired"),
        "certificate.changed": _("Certificate changed"),
    }


def seal_public_key(request):
    """The body's public key for offline verification of certificate seals (PEM, no login)."""
    from django.http import HttpResponse

    from tancert.certificates import seal

    response = HttpResponse(seal.public_pem(seal.private_key().public_key()), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="tancert-seal-public.pem"'
    return response
