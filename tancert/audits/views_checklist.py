"""Checklist, stage 1 record and check-in pages (thin: forms → actions; the offline queue uses the API)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tancert.audits import actions, checkins, grades, stage1
from tancert.audits.checklist_actions import add_evidence, answer_item, start_checklist
from tancert.audits.checklist_models import CheckIn, Checklist, ChecklistItem, EvidenceEntry
from tancert.audits.models import Audit
from tancert.audits.stage1_models import Stage1DocumentReview, Stage1Record
from tancert.people import access
from tancert.web.actionview import perform


def _audit_for_staff(request, pk):
    """Team members edit; office roles read; clients have no business with the working papers."""
    a = access.get_or_404(access.audits_for(request.user).select_related("organisation", "application"), pk=pk)
    if request.user.is_client:
        raise PermissionDenied
    return a


def _member(a, user) -> bool:
    return a.team.filter(user=user).exists()


@login_required
def checklist(request, pk: int):
    a = _audit_for_staff(request, pk)
    member = _member(a, request.user)
    is_open = a.status in (Audit.PLANNED, Audit.IN_PROGRESS)
    cl = Checklist.objects.filter(audit=a).first()
    if cl is None and member and is_open:
        ok, cl = perform(request, start_checklist, a, by=request.user)
    items = []
    if cl is not None:
        items = cl.items.select_related("auditor").prefetch_related("evidence__recorded_by", "findings")
    return render(request, "audits/checklist.html", {
        "audit": a, "checklist": cl, "items": items, "member": member and is_open,
        "conformities": ChecklistItem.CONFORMITIES, "evidence_kinds": EvidenceEntry.KINDS,
        "grades": grades.choices(), "problems": {i.pk: why for i, why in actions.checklists.open_items(a)},
    })


def _item(request, pk, item_id):
    a = _audit_for_staff(request, pk)
    return a, access.get_or_404(ChecklistItem.objects.filter(checklist__audit=a), pk=item_id)


@login_required
@require_POST
def answer(request, pk: int, item_id: int):
    a, item = _item(request, pk, item_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    perform(request, answer_item, item, by=request.user, conformity=request.POST.get("conformity", ""),
            reason=request.POST.get("reason", ""), version=version, uuid=request.POST.get("uuid") or None,
            success=_("Saved."))
    return redirect(f"{_checklist_url(a)}#item-{item.pk}")


def _checklist_url(a):
    from django.urls import reverse

    return reverse("audit_checklist", args=[a.pk])


@login_required
@require_POST
def evidence(request, pk: int, item_id: int):
    a, item = _item(request, pk, item_id)
    upload = request.FILES.get("file")
    perform(request, add_evidence, item, by=request.user, kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""), person=request.POST.get("person", ""),
            uuid=request.POST.get("uuid") or None, filename=upload.name if upload else "",
            content=upload.read() if upload else None, success=_("Evidence added."))
    return redirect(f"{_checklist_url(a)}#item-{item.pk}")


@login_required
@require_POST
def finding_on_item(request, pk: int, item_id: int):
    a, item = _item(request, pk, item_id)
    ids = [int(x) for x in request.POST.getlist("evidence_ids") if x.isdigit()]
    due = forms.DateField(required=False).clean(request.POST.get("due_date") or None)
    perform(request, actions.raise_finding, a, by=request.user, grade=request.POST.get("grade", ""),
            description=request.POST.get("description", ""), evidence=request.POST.get("evidence", ""),
            item=item, evidence_ids=ids, due_date=due, success=_("Finding recorded."))
    return redirect(f"{_checklist_url(a)}#item-{item.pk}")


class Stage1Form(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ready_for_stage2 = forms.TypedChoiceField(
        label=gettext_lazy("Ready for stage 2"), required=False, coerce=lambda v: v == "yes", empty_value=None,
        choices=[("", "—"), ("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))])


for _name in Stage1Record.TEXT_FIELDS:
    Stage1Form.base_fields[_name] = forms.CharField(
        label=Stage1Record._meta.get_field(_name).verbose_name, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def stage1_record(request, pk: int):
    a = _audit_for_staff(request, pk)
    if a.kind != Audit.STAGE1:
        raise PermissionDenied
    record = stage1.record_for(a)
    docs = stage1.submitted_documents(a)
    member = _member(a, request.user) and a.status in (Audit.PLANNED, Audit.IN_PROGRESS)
    initial = {"version": record.version if record else 0}
    if record:
        initial.update({n: getattr(record, n) for n in Stage1Record.TEXT_FIELDS})
        initial["ready_for_stage2"] = {True: "yes", False: "no"}.get(record.ready_for_stage2, "")
    form = Stage1Form(request.POST or None, initial=initial)
    if request.method == "POST":
        if not member:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            reviews = {}
            for code in docs:
                result = request.POST.get(f"review_{code}", "")
                if result:
                    reviews[code] = {"result": result, "note": request.POST.get(f"note_{code}", "")}
            ok, _r = perform(request, stage1.save_stage1_record, a, by=request.user, form=form,
                             version=d["version"], reviews=reviews, ready_for_stage2=d["ready_for_stage2"],
                             **{n: d[n] for n in Stage1Record.TEXT_FIELDS}, success=_("Stage 1 record saved."))
            if ok:
                return redirect("audit_stage1", a.pk)
    reviewed = {r.code: r for r in record.document_reviews.all()} if record else {}
    rows = [{"code": code, "doc": doc, "review": reviewed.get(code),
             "result": request.POST.get(f"review_{code}") or (reviewed[code].result if code in reviewed else ""),
             "note": request.POST.get(f"note_{code}") or (reviewed[code].note if code in reviewed else "")}
            for code, doc in docs.items()]
    return render(request, "audits/stage1.html", {"audit": a, "form": form, "rows": rows, "record": record,
                                                  "results": Stage1DocumentReview.RESULTS, "member": member})


@login_required
@require_POST
def checkin(request, pk: int):
    a = _audit_for_staff(request, pk)
    photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")]
    perform(request, checkins.check_in, a, by=request.user, meeting=request.POST.get("meeting", ""), photos=photos,
            location=request.POST.get("location", ""), success=_("Checked in."))
    return redirect("audit", a.pk)


@login_required
@require_POST
def checkin_setting(request, pk: int):
    a = _audit_for_staff(request, pk)
    perform(request, checkins.set_checkin_required, a, by=request.user,
            required=request.POST.get("required") == "yes", success=_("Saved."))
    return redirect("audit", a.pk)


@login_required
def evidence_file(request, pk: int, entry_id: int):
    from django.http import FileResponse, Http404

    a = _audit_for_staff(request, pk)
    entry = access.get_or_404(EvidenceEntry.objects.filter(item__checklist__audit=a), pk=entry_id)
    if not entry.file:
        raise Http404
    return FileResponse(entry.file.open("rb"), content_type=entry.content_type,
                        filename=entry.original_name or entry.file.name.rsplit("/", 1)[-1])


def audit_context(a, user) -> dict:
    """What the audit page adds for the audit work (docs/audits.md): stage 1's key points, the checklist summary, the deadline."""
    deadline = actions.verification_deadline(a)
    ctx = {
        "key_points": stage1.key_points(a.application) if a.kind in (Audit.STAGE2, Audit.STAGE1) else None,
        "checklist_summary": None, "verify_deadline": deadline,
        "verification_expired": actions.verification_expired(a), "checkins": a.checkins.prefetch_related("photos"),
        "meetings": CheckIn.MEETINGS, "has_checklist": actions.checklists.has_checklist(a.kind),
    }
    cl = Checklist.objects.filter(audit=a).first()
    if cl is not None:
        items = list(cl.items.all())
        ctx["checklist_summary"] = {"total": len(items), "answered": sum(1 for i in items if i.conformity),
                                    "open_mandatory": sum(1 for i in items if i.mandatory and not i.conformity)}
    return ctx
