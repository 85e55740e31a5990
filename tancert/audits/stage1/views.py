"""The stage 1 record page (R7.4.1-S1): the team records its review of each submitted document and what
it agreed for stage 2; office roles read it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tancert.audits.access import audit_for_staff
from tancert.audits.models import Audit
from tancert.audits.models.stage1 import Stage1DocumentReview, Stage1Record
from tancert.audits.stage1 import actions as stage1
from tancert.audits.team import on_team
from tancert.ui.actionview import perform


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
    a = audit_for_staff(request, pk)
    if a.kind != Audit.STAGE1:
        raise PermissionDenied
    record = stage1.record_for(a)
    docs = stage1.submitted_documents(a)
    member = on_team(a, request.user) and a.status in (Audit.PLANNED, Audit.IN_PROGRESS)
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
                             version=d["version"], reviews=reviews, uuid=request.POST.get("uuid") or None, ready_for_stage2=d["ready_for_stage2"],
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
