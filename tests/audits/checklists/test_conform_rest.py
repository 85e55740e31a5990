""""The remaining items conform" on a checklist (docs/audits.md §2): one confirmed action, one answer and one record
per item in one transaction; focus items never; evidence on every item it answers; a second click changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tancert.audits.checklists import items as checklists
from tancert.audits.checklists.actions import add_evidence, answer_remaining_conforming, start_checklist
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistAnswer, ChecklistItem, EvidenceEntry
from tancert.audits.programme import actions as programme_actions
from tancert.records.models import Event
from tancert.scheme.violations import RuleViolation

from flow import accept_and_contract, complete_application, team

pytestmark = pytest.mark.django_db
NOTE = "抽查管理手册第4–10章及运行记录，未发现不符合"


def test_the_remaining_items_conform_in_one_action_with_one_record_each(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    first = timezone.localdate()
    # Planned without the plan documents: the checklist needs none (and their PDFs are the slow part).
    programme_actions.plan_audit(app.organisation, by=p.planner, kind=Audit.STAGE1, start_date=first,
                                 end_date=first, auditor_days=1.5, team=team(p), application=app)
    s2 = programme_actions.plan_audit(app.organisation, by=p.planner, kind=Audit.STAGE2,
                                      start_date=first + timedelta(days=1), end_date=first + timedelta(days=2),
                                      auditor_days=4, team=team(p), application=app)
    checklist = start_checklist(s2, by=p.lead)
    clauses = list(checklist.items.filter(kind=ChecklistItem.CLAUSE).order_by("position"))
    focus = list(checklist.items.filter(kind=ChecklistItem.FOCUS))
    assert clauses and focus
    seen = add_evidence(clauses[-1], by=p.auditor, kind="note", text="现场查看能源计量器具台账")
    lead = Client()
    lead.force_login(p.lead)

    page = lead.get(f"/audits/{s2.pk}/checklist/").content.decode()
    assert 'id="conform-rest"' in page and "data-confirm-box" in page and 'class="checklist-group"' in page
    for persona in (p.planner, p.client_a):  # office roles read the checklist, clients never see it
        other = Client()
        other.force_login(persona)
        assert other.post(f"/audits/{s2.pk}/checklist/conform-rest/", {"note": NOTE}).status_code == 403

    before = Event.objects.count()
    with pytest.raises(RuleViolation) as refused:  # items without evidence: say what shows they conform
        answer_remaining_conforming(s2, by=p.lead, note="  ")
    assert (refused.value.key, refused.value.field) == ("R7.4.2", "note") and clauses[0].code in refused.value.message
    assert Event.objects.count() == before and not checklist.items.exclude(conformity="").exists()

    # What the page showed and the auditor confirmed: only those codes.
    r = lead.post(f"/audits/{s2.pk}/checklist/conform-rest/", {"note": NOTE, "codes": [c.code for c in clauses[:2]]})
    assert r.status_code == 302 and Event.objects.count() == before + 2
    answered = answer_remaining_conforming(s2, by=p.lead, note=NOTE)
    assert [i.code for i in answered] == [c.code for c in clauses[2:]] + [
        i.code for i in checklist.items.filter(kind=ChecklistItem.OVERLAY).order_by("position")]
    events = list(Event.objects.filter(seq__gt=before, action="checklist.answered").order_by("seq"))
    assert len(events) == len(clauses) and [e.data["item"] for e in events] == [c.code for c in clauses]
    assert ChecklistAnswer.objects.filter(item__in=clauses, conformity="conforming").count() == len(clauses)
    # The note is the evidence of each item that had none; an item with its own evidence keeps only that.
    assert EvidenceEntry.objects.filter(item__in=clauses[:-1], text=NOTE).count() == len(clauses) - 1
    assert list(clauses[-1].evidence.all()) == [seen]
    # Focus items stay for the auditor, one by one: closing still asks for them, for nothing else.
    assert not any(i.conformity for i in checklist.items.filter(kind=ChecklistItem.FOCUS))
    assert {(i.kind, why) for i, why in checklists.open_items(s2)} == {(ChecklistItem.FOCUS, "unanswered")}

    with pytest.raises(RuleViolation) as again:  # the double click
        answer_remaining_conforming(s2, by=p.lead, note=NOTE)
    assert again.value.field == "items" and Event.objects.filter(seq__gt=before).count() == len(clauses)
