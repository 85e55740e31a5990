"""Client portal and acceptance review pages (thin: forms → actions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tancert.clients import actions
from tancert.clients.access import applications_for, organisations_for
from tancert.clients.contracts.actions import contract_allows_planning
from tancert.clients.forms import (
    ApplicationForm,
    CommitmentForm,
    DocumentUploadForm,
    NotApplicableForm,
    PaymentForm,
    ReviewForm,
    SignContractForm,
    SupplementForm,
)
from tancert.clients.listing import APPLICATIONS, ORGANISATIONS
from tancert.clients.profile.views import SimpleProcessJudgementForm, data_forms, data_sections, details_form
from tancert.clients.scopes.rules import entries as scope_entries
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.records import uploads
from tancert.records.archive import organisation_archive
from tancert.scheme import rulebook
from tancert.ui import lists
from tancert.ui.actionview import perform, perform_form
from tancert.ui.walls import get_or_404


@login_required
def organisations(request):
    if request.user.is_client:
        return redirect("organisation", request.user.organisation_id)
    return lists.page(request, ORGANISATIONS, organisations_for(request.user), "clients/organisations.html")


@login_required
def organisations_export(request):
    return lists.export(request, ORGANISATIONS, organisations_for(request.user))


@login_required
def organisation_archive_download(request, pk: int):
    if not is_office(request.user):
        raise PermissionDenied
    org = get_or_404(organisations_for(request.user), pk=pk)
    data = organisation_archive(org, by=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="records-{org.credit_code}.zip"'
    return response


@login_required
def applications(request):
    return lists.page(request, APPLICATIONS, applications_for(request.user).select_related("organisation"),
                      "clients/applications.html")


@login_required
def applications_export(request):
    return lists.export(request, APPLICATIONS, applications_for(request.user).select_related("organisation"))


@login_required
def application_new(request):
    if not request.user.is_client:
        raise PermissionDenied
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, app = perform(request, actions.create_application, request.user.organisation, by=request.user, form=form,
                          scope=d["scope"], cms_started_on=d["cms_started_on"], kind=d["kind"],
                          industry_requirement=d["industry_requirement"], industry_code=d["industry_code"])
        if ok:
            return redirect("application", app.pk)
    return render(request, "clients/application_new.html", {"form": form})


@login_required
def application(request, pk: int):
    app = get_or_404(applications_for(request.user).select_related("organisation"), pk=pk)
    current = app.current_documents()
    documents = [{"meta": meta, "doc": current.get(meta.code),
                  "versions": [d for d in app.documents.all() if d.code == meta.code]}
                 for meta in rulebook.APPLICATION_DOCUMENTS]
    is_owner = request.user.organisation_id == app.organisation_id
    editable = is_owner and app.status in ("draft", "supplement_requested")
    org = app.organisation
    return render(request, "clients/application.html", {
        "app": app, "org": org, "documents": documents, "scope_levels": scope_entries(app), "is_owner": is_owner, "editable": editable,
        "problems": actions.eligibility_problems(app) if editable else [],
        "warnings": actions.document_warnings(app),
        "deadline_fallback": bool(app.complete_at and actions.deadline_uses_fallback(timezone.localdate(app.complete_at))),
        "contract": getattr(app, "contract", None),
        "can_pay": request.user.has_role(Role.APPLICATION_REVIEWER, Role.CERTIFICATE_ADMIN),
        "can_plan": (request.user.has_role(Role.PROGRAMME_MANAGER) and app.status == "accepted"
                     and contract_allows_planning(app)),
        "details_form": details_form(app), "data_forms": data_forms(), "data_sections": data_sections(app),
        "sign_form": SignContractForm(), "payment_form": PaymentForm(),
        "can_review": request.user.has_role(Role.APPLICATION_REVIEWER) and app.status == "submitted",
        "upload_form": DocumentUploadForm(), "na_form": NotApplicableForm(),
        "commitment_form": CommitmentForm(initial={"signed_by": app.commitment_signed_by,
                                                   "signed_on": app.commitment_date}),
        "supplement_form": SupplementForm(), "review_form": ReviewForm(),
        "can_judge": request.user.has_role(Role.PROGRAMME_MANAGER) and app.simple_process,
        "judgement_form": SimpleProcessJudgementForm(auto_id=False),
    })


@login_required
@require_POST
def document_upload(request, pk: int, code: str):
    app = get_or_404(applications_for(request.user), pk=pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("application", pk)
    f = form.cleaned_data["file"]
    perform(request, actions.upload_document, app, code, by=request.user, filename=f.name, content=uploads.read(f),
            document_date=form.cleaned_data.get("document_date"), success=_("Document %(code)s uploaded.") % {"code": code})
    return redirect("application", pk)


@login_required
@require_POST
def documents_upload_all(request, pk: int):
    """One form for all documents: every chosen file is uploaded, or none is."""
    from datetime import date

    app = get_or_404(applications_for(request.user), pk=pk)
    files = {}
    for meta in rulebook.APPLICATION_DOCUMENTS:
        upload = request.FILES.get(f"file_{meta.code}")
        if upload is None:
            continue
        raw_date = request.POST.get(f"date_{meta.code}") or ""
        try:
            day = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            day = None
        files[meta.code] = (upload.name, uploads.read(upload), day)
    ok, docs = perform(request, actions.upload_documents, app, files, by=request.user)
    if ok:
        messages.success(request, ngettext("%(n)d document uploaded.", "%(n)d documents uploaded.", len(docs))
                         % {"n": len(docs)})
    return redirect("application", pk)


@login_required
@require_POST
def document_not_applicable(request, pk: int, code: str):
    app = get_or_404(applications_for(request.user), pk=pk)
    perform(request, actions.mark_document_not_applicable, app, code, by=request.user,
            reason=request.POST.get("reason", ""))
    return redirect("application", pk)


@login_required
def document_download(request, pk: int, doc_id: int):
    app = get_or_404(applications_for(request.user), pk=pk)
    doc = get_or_404(app.documents.exclude(file=""), pk=doc_id)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name or doc.file.name)


@login_required
@require_POST
def commitment(request, pk: int):
    app = get_or_404(applications_for(request.user), pk=pk)
    perform_form(request, CommitmentForm, actions.give_commitment, app, by=request.user,
                 success=_("Commitment recorded."), invalid=_("Give the signer and the date of the commitment."))
    return redirect("application", pk)


@login_required
@require_POST
def submit(request, pk: int):
    app = get_or_404(applications_for(request.user), pk=pk)
    # The declaration's fields go to the action as typed: it refuses a missing one with CB-declaration.
    perform(request, actions.submit_application, app, by=request.user, success=_("Application submitted."),
            declarant=request.POST.get("declarant", "")[:500], declared=request.POST.get("declared") == "on")
    return redirect("application", pk)


@login_required
@require_POST
def review(request, pk: int, outcome: str):
    app = get_or_404(applications_for(request.user), pk=pk)
    if outcome == "supplement":
        perform(request, actions.request_supplement, app, by=request.user, missing=request.POST.get("missing", ""),
                success=_("The client has been asked for a supplement."))
    else:
        form = ReviewForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        review = {k: d.get(k, False) for k in actions.REVIEW_QUESTIONS}
        if outcome == "accept":
            perform(request, actions.accept_application, app, by=request.user, review=review,
                    reason=d.get("reason", ""), success=_("Application accepted."))
        elif outcome == "reject":
            perform(request, actions.reject_application, app, by=request.user, review=review,
                    reason=d.get("reason", ""), success=_("Application not accepted."))
        else:
            raise PermissionDenied
    return redirect("application", pk)


