"""Checklist and check-in pages (thin: forms → actions; the offline queue uses the API)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.audits import grades
from tancert.audits.access import audit_for_staff
from tancert.audits.checklists import checkins, explanations
from tancert.audits.checklists import items as checklist_items
from tancert.audits.checklists.actions import (
    add_evidence,
    answer_item,
    answer_remaining_conforming,
    bulk_candidates,
    finding_with_photo,
    start_checklist,
)
from tancert.audits.findings import forward
from tancert.audits.models import Audit
from tancert.audits.models.checklists import Checklist, ChecklistItem, EvidenceEntry
from tancert.audits.team import on_team
from tancert.records import uploads
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404


@login_required
def checklist(request, pk: int):
    a = audit_for_staff(request, pk)
    member = on_team(a, request.user)
    is_open = a.status in (Audit.PLANNED, Audit.IN_PROGRESS)
    cl = Checklist.objects.filter(audit=a).first()
    if cl is None and member and is_open:
        ok, cl = perform(request, start_checklist, a, by=request.user)
    items = []
    if cl is not None:
        items = list(cl.items.select_related("auditor").prefetch_related("evidence__recorded_by", "findings"))
    problems = {i.pk: why for i, why in checklist_items.open_items(a)}
    rest = bulk_candidates(items)
    return render(request, "audits/checklist.html", {
        "audit": a, "checklist": cl, "items": items, "member": member and is_open,
        "conformities": ChecklistItem.CONFORMITIES, "evidence_kinds": EvidenceEntry.KINDS,
        "grades": grades.choices(), "problems": problems, "groups": sections(cl, items, problems),
        "rest": rest, "rest_bare": [i for i in rest if not i.evidence.all()],
        "focus_open": [i for i in items if not i.conformity and i.kind == ChecklistItem.FOCUS],
        "forward": forward.forward_rows(a),
    })


def sections(cl, items, problems) -> list[dict]:
    """The checklist in sections a phone can fold: the focus items, each chapter of the criterion, the industry
    overlays. A section with nothing left to answer and no problem starts folded."""
    from tancert.scheme import rulebook

    try:
        tree = rulebook.clause_tree(cl.tree_version) if cl else None
    except KeyError:
        tree = None
    groups: dict[str, dict] = {}
    for item in items:
        if item.kind == ChecklistItem.CLAUSE:
            chapter = item.code.split(".")[0]
            try:
                clause = tree.clause(chapter) if tree else None
                title = "" if clause is None else clause.title_zh if (get_language() or "zh").startswith("zh") \
                    else clause.title_en
            except (KeyError, AttributeError):
                title = ""
            key, title = f"clause-{chapter}", _("Clause %(n)s %(title)s") % {"n": chapter, "title": title}
        elif item.kind == ChecklistItem.FOCUS:
            key, title = "focus", _("Focus items")
        else:
            key, title = "overlay", _("Industry overlay")
        g = groups.setdefault(key, {"key": key, "title": title.strip(), "items": [], "answered": 0, "open": False})
        g["items"].append(item)
        g["answered"] += bool(item.conformity)
        g["open"] = g["open"] or not item.conformity or item.pk in problems
    return list(groups.values())


@login_required
@require_POST
def conform_rest(request, pk: int):
    """"The remaining items conform" (confirmed on the page, docs/web.md "Confirmations")."""
    a = audit_for_staff(request, pk)
    perform(request, answer_remaining_conforming, a, by=request.user, note=request.POST.get("note", ""),
            codes=request.POST.getlist("codes")[:1000] or None, success=_("The remaining items are recorded as conforming."))
    return redirect(_checklist_url(a))


def _item(request, pk, item_id):
    a = audit_for_staff(request, pk)
    return a, get_or_404(ChecklistItem.objects.filter(checklist__audit=a), pk=item_id)


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
    return reverse("audit_checklist", args=[a.pk])


@login_required
@require_POST
def evidence(request, pk: int, item_id: int):
    a, item = _item(request, pk, item_id)
    upload = request.FILES.get("file")
    perform(request, add_evidence, item, by=request.user, kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""), person=request.POST.get("person", ""),
            uuid=request.POST.get("uuid") or None, filename=upload.name if upload else "",
            content=uploads.read(upload) if upload else None, success=_("Evidence added."))
    return redirect(f"{_checklist_url(a)}#item-{item.pk}")


@login_required
@require_POST
def finding_on_item(request, pk: int, item_id: int):
    a, item = _item(request, pk, item_id)
    ids = [int(x) for x in request.POST.getlist("evidence_ids") if x.isdigit()]
    due = forms.DateField(required=False).clean(request.POST.get("due_date") or None)
    photo = request.FILES.get("photo")
    perform(request, finding_with_photo, item, by=request.user, grade=request.POST.get("grade", ""),
            description=request.POST.get("description", ""), evidence=request.POST.get("evidence", ""),
            evidence_ids=ids, due_date=due, uuid=request.POST.get("uuid") or None,
            photo=(photo.name, uploads.read(photo)) if photo else None, success=_("Finding recorded."))
    return redirect(f"{_checklist_url(a)}#item-{item.pk}")


@login_required
@require_POST
def checkin(request, pk: int):
    a = audit_for_staff(request, pk)
    photos = [(f.name, uploads.read(f)) for f in request.FILES.getlist("photos")]
    perform(request, checkins.check_in, a, by=request.user, meeting=request.POST.get("meeting", ""), photos=photos,
            location=request.POST.get("location", ""), uuid=request.POST.get("uuid") or None,
            made_offline_at=_device_time(request.POST.get("made_at", "")), success=_("Checked in."))
    return redirect("audit", a.pk)


def _device_time(value: str):
    """The device's time of an entry made offline (ISO 8601 from the outbox), None when absent or unreadable."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.strip()[:40].replace("Z", "+00:00")) if value.strip() else None
    except ValueError:
        return None


@login_required
@require_POST
def checkin_setting(request, pk: int):
    a = audit_for_staff(request, pk)
    perform(request, checkins.set_checkin_required, a, by=request.user,
            required=request.POST.get("required") == "yes", reason=request.POST.get("reason", ""),
            success=_("Saved."))
    return redirect("audit", a.pk)


@login_required
@require_POST
def checkin_explain(request, pk: int):
    a = audit_for_staff(request, pk)
    perform(request, explanations.explain, a, by=request.user, anomaly=request.POST.get("anomaly", ""),
            party=request.POST.get("party", ""), text=request.POST.get("text", ""), success=_("Explanation recorded."))
    return redirect(f"{reverse('audit', args=[a.pk])}#checkins")


@login_required
def evidence_file(request, pk: int, entry_id: int):
    from django.http import FileResponse, Http404

    a = audit_for_staff(request, pk)
    entry = get_or_404(EvidenceEntry.objects.filter(item__checklist__audit=a), pk=entry_id)
    if not entry.file:
        raise Http404
    return FileResponse(entry.file.open("rb"), content_type=entry.content_type,
                        filename=entry.original_name or entry.file.name.rsplit("/", 1)[-1])
