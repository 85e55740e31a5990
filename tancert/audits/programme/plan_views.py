"""The agenda page and the client's answer to the audit plan (docs/audits.md, "Audit plan and agenda").
Thin: forms → programme/plan_actions.py; walls through audits/access.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tancert.audits.access import audits_for
from tancert.audits.models import Audit, AuditAgenda, AuditPlanAnswer, AuditPlanDocument
from tancert.audits.programme import agenda, sitetime
from tancert.audits.programme import plan_actions as actions
from tancert.audits.programme.actions import may_issue_plan
from tancert.scheme.violations import RuleViolation
from tancert.ui.actionview import perform, violation_text
from tancert.ui.walls import get_or_404

EXTRA_ROWS = 3


class SlotForm(forms.Form):
    day = forms.ChoiceField(label=gettext_lazy("Day"), required=False)
    start = forms.CharField(label=gettext_lazy("Starts at"), required=False, max_length=5,
                            widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.CharField(label=gettext_lazy("Ends at"), required=False, max_length=5,
                          widget=forms.TimeInput(attrs={"type": "time"}))
    kind = forms.ChoiceField(label=gettext_lazy("Slot"), required=False)
    topic = forms.CharField(label=gettext_lazy("What is audited (processes, clauses)"), required=False,
                            max_length=agenda.MAX_TOPIC)
    site = forms.ChoiceField(label=gettext_lazy("Site"), required=False)
    auditors = forms.MultipleChoiceField(label=gettext_lazy("Who"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    delete = forms.BooleanField(label=gettext_lazy("Remove this slot"), required=False)

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", "—")] + [(d.isoformat(), d.isoformat()) for d in agenda.audit_days(audit)]
        self.fields["kind"].choices = [("", "—")] + list(agenda.KINDS)
        self.fields["site"].choices = [("", "—")] + [
            (agenda.site_key(s.site_id), s.name) for s in sitetime.plan_sites(audit)]
        self.fields["auditors"].choices = [
            (str(m.user_id), m.user.get_full_name() or m.user.username)
            for m in audit.team.select_related("user").order_by("pk")]

    def slot(self) -> dict | None:
        """The slot as the action takes it, or None for an empty or removed row."""
        d = self.cleaned_data
        if d.get("delete") or not any(d.get(k) for k in ("day", "start", "end", "kind", "topic", "auditors")):
            return None
        return {"day": d.get("day") or "", "start": d.get("start") or "", "end": d.get("end") or "",
                "kind": d.get("kind") or "", "topic": d.get("topic") or "", "site": d.get("site") or "",
                "auditors": list(d.get("auditors") or [])}


def _forms(audit: Audit, data=None, slots=()):
    rows = len(slots) + EXTRA_ROWS
    if data is not None:
        try:
            rows = max(1, min(int(data.get("rows") or 0), agenda.MAX_SLOTS + EXTRA_ROWS))
        except ValueError:
            rows = EXTRA_ROWS
    out = []
    for i in range(rows):
        initial = None
        if data is None and i < len(slots):
            initial = {**slots[i], "auditors": [str(u) for u in slots[i]["auditors"]]}
        out.append(SlotForm(data, audit=audit, prefix=f"s{i}", initial=initial))
    return out


@login_required
def agenda_page(request, pk: int):
    """The programme manager or team leader edits the agenda; the page opens with the saved agenda or a
    proposal that passes the checks (programme/agenda.proposed_agenda)."""
    a = get_or_404(audits_for(request.user).select_related("organisation"), pk=pk)
    if not may_issue_plan(a, request.user):
        raise PermissionDenied
    saved = AuditAgenda.objects.filter(audit=a).first()
    error = None
    if request.method == "POST":
        if a.status not in (Audit.PLANNED, Audit.IN_PROGRESS):
            raise PermissionDenied
        rows = _forms(a, request.POST)
        if all(f.is_valid() for f in rows):
            slots = [s for s in (f.slot() for f in rows) if s is not None]
            try:
                actions.set_agenda(a, by=request.user, slots=slots)
            except RuleViolation as v:
                error = violation_text(v, request.user)
            else:
                messages.success(request, _("Agenda saved. Issue the plan from the audit page."))
                return redirect("audit_agenda", a.pk)
        else:
            error = _("Check the marked slots: a time is HH:MM, the day and the people come from the lists.")
    else:
        rows = _forms(a, slots=saved.slots if saved and saved.slots else agenda.proposed_agenda(a))
    return render(request, "audits/planning/agenda.html", {
        "audit": a, "rows": rows, "saved": saved, "error": error, "proposed": saved is None,
        "editable": a.status in (Audit.PLANNED, Audit.IN_PROGRESS),
        "preview": agenda.display_rows(a, saved.slots) if saved else []})


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=AuditPlanAnswer.ANSWERS)
    reason = forms.CharField(label=gettext_lazy("What should change, and why"), required=False,
                             max_length=actions.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
@require_POST
def answer_plan(request, pk: int, version: int):
    a = get_or_404(audits_for(request.user), pk=pk)
    doc = get_or_404(AuditPlanDocument.objects.filter(audit=a), version=version)
    if not actions.may_answer(doc, request.user):  # the wall before the form: only the client answers
        raise PermissionDenied
    f = AnswerForm(request.POST)
    if not f.is_valid():
        messages.error(request, _("Confirm the plan or ask for a change."))
        return redirect("audit", pk)
    ok = _("Thank you: the audit plan is confirmed.") if f.cleaned_data["answer"] == AuditPlanAnswer.CONFIRMED \
        else _("Your request for a change was sent to the audit team.")
    perform(request, actions.answer_plan, doc, by=request.user, success=ok, **f.cleaned_data)
    return redirect("audit", pk)


def answer_panel(request, a: Audit) -> dict:
    """What the audit page shows of the client's answer (audits/planning/_audit_panel.html)."""
    state = actions.plan_state(a)
    doc = state["latest_plan"]
    state["can_answer"] = bool(doc and state["plan_answer"] is None and actions.may_answer(doc, request.user)
                               and a.status in (Audit.PLANNED, Audit.IN_PROGRESS))
    state["answer_form"] = AnswerForm()
    state["has_agenda"] = AuditAgenda.objects.filter(audit=a).exists()
    return state
