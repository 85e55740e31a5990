"""Entries made offline reach the server once (docs/audits.md §5): a key given by the device names each finding,
check-in, sample check and stage 1 save; sent again, it returns what the first send created and writes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tancert.audits.carbon import actions as carbon
from tancert.audits.checklists.actions import finding_with_photo, start_checklist
from tancert.audits.checklists.checkins import check_in
from tancert.audits.models import CheckIn, Finding, OfflineReceipt, SampleCheck
from tancert.audits.models.checklists import EvidenceEntry
from tancert.audits.stage1 import actions as stage1
from tancert.records.models import Event

from flow import PNG, accept_and_contract, complete_application, fill_stage1, inventory_bytes, plan_initial

pytestmark = pytest.mark.django_db


def open_stage2(p):
    """Stage 1 and stage 2 planned over the last days (stage 2 is open today)."""
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return plan_initial(app, p)[1]


def events(kind: str) -> int:
    return Event.objects.filter(action=kind).count()


def test_a_replayed_key_creates_nothing_twice(p, rule):
    s2 = open_stage2(p)
    item = start_checklist(s2, by=p.auditor).items.get(code="6.6")
    key = uuid.uuid4()
    args = dict(by=p.auditor, grade="minor", description="流量计铭牌与台账不一致", photo=("流量计.png", PNG), uuid=key)
    first = finding_with_photo(item, **args)
    again = finding_with_photo(item, **args)
    assert first.pk == again.pk and Finding.objects.filter(audit=s2).count() == 1
    photo = first.evidence_entries.get()
    assert photo.kind == EvidenceEntry.PHOTO and EvidenceEntry.objects.filter(item=item).count() == 1
    assert events("finding.raised") == 1 and events("checklist.evidence_added") == 1

    made = timezone.now() - timedelta(hours=3)
    ckey = str(uuid.uuid4())
    c1 = check_in(s2, by=p.auditor, meeting="opening", photos=[("团队.png", PNG)], uuid=ckey, made_offline_at=made)
    c2 = check_in(s2, by=p.auditor, meeting="opening", photos=[("团队.png", PNG)], uuid=ckey, made_offline_at=made)
    assert c1.pk == c2.pk and CheckIn.objects.filter(audit=s2).count() == 1
    assert abs((c1.at - made).total_seconds()) < 1  # the device's time, not the upload's
    assert "离线签到" in Event.objects.get(action="audit.checked_in").summary

    upload = carbon.upload_inventory(s2, by=p.lead, filename="inventory.json", content=inventory_bytes())
    row = upload.sample[0]
    skey = uuid.uuid4()
    kw = dict(by=p.auditor, row=row["row"], source_kind="invoice", reference="发票 0001", result="agrees", uuid=skey)
    assert carbon.record_sample_check(upload, **kw).pk == carbon.record_sample_check(upload, **kw).pk
    assert SampleCheck.objects.filter(upload=upload).count() == 1 and events("audit.sample_checked") == 1
    assert OfflineReceipt.objects.filter(audit=s2).count() == 3

    # The database holds the line: two copies arriving together cannot both be kept.
    with pytest.raises(IntegrityError), transaction.atomic():
        OfflineReceipt.objects.create(uuid=skey, kind=OfflineReceipt.SAMPLE_CHECK, audit=s2, by=p.auditor,
                                      object_id=1)

    # Two copies at the same moment: both pass the replay check, the second meets the unique key. Its action
    # is rolled back whole (no second check, no second record) and it is told to try again, never a 500.
    from unittest import mock

    from tancert.audits.offline import receipts
    from tancert.ui.outbox import EntryInFlight

    with mock.patch.object(receipts, "replayed", return_value=None), pytest.raises(EntryInFlight):
        finding_with_photo(item, **args)
    assert Finding.objects.filter(audit=s2).count() == 1 and events("finding.raised") == 1
    assert EvidenceEntry.objects.filter(item=item).count() == 1


def test_the_second_copy_in_flight_is_told_to_retry(rf):
    from tancert.ui.outbox import HEADER, EntryInFlight, OutboxReplyMiddleware

    middleware = OutboxReplyMiddleware(lambda request: None)
    request = rf.post("/audits/1/carbon/", headers={HEADER: "1"})
    response = middleware.process_exception(request, EntryInFlight("k"))
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert json.loads(response.content)["status"] == "retry"
    page = middleware.process_exception(rf.post("/audits/1/carbon/"), EntryInFlight("k"))
    assert page.status_code == 503 and "503" in page.content.decode()
    assert middleware.process_exception(request, ValueError()) is None


def test_a_key_belongs_to_one_person_in_one_audit(p, rule):
    s2 = open_stage2(p)
    item = start_checklist(s2, by=p.auditor).items.get(code="6.6")
    key = uuid.uuid4()
    finding_with_photo(item, by=p.auditor, grade="minor", description="记录缺失", evidence="现场查看", photo=None,
                       uuid=key)
    with rule("R7.4.2", field="uuid"):  # another team member's device cannot reuse (or read) the entry
        finding_with_photo(item, by=p.lead, grade="minor", description="记录缺失", evidence="现场查看", photo=None,
                           uuid=key)
    with rule("R7.4.2", field="uuid"):
        finding_with_photo(item, by=p.auditor, grade="minor", description="x", evidence="y", photo=None,
                           uuid="not-a-uuid")
    with rule("R7.4", field="uuid"):  # the finding's key is not a check-in's
        check_in(s2, by=p.auditor, meeting="opening", photos=[("a.png", PNG)], uuid=key)
    with rule("R7.4", field="made_at"):  # an offline check-in older than two days is not believed
        check_in(s2, by=p.auditor, meeting="opening", photos=[("a.png", PNG)], uuid=uuid.uuid4(),
                 made_offline_at=timezone.now() - timedelta(days=3))
    upload = carbon.upload_inventory(s2, by=p.lead, filename="inventory.json", content=inventory_bytes())
    with rule("R6.2-sampling", field="uuid"):
        carbon.record_sample_check(upload, by=p.auditor, row=upload.sample[0]["row"], source_kind="invoice",
                                   reference="发票 0001", result="agrees", uuid=key)
    # A refused photo leaves nothing behind: no finding, no evidence, no receipt.
    with rule(item.rule_key, field="file"):
        finding_with_photo(item, by=p.auditor, grade="minor", description="照片", photo=("a.jpg", b"GIF89a"),
                           uuid=uuid.uuid4())
    assert Finding.objects.filter(audit=s2).count() == 1 and not EvidenceEntry.objects.filter(item=item).exists()
    assert OfflineReceipt.objects.filter(audit=s2).count() == 1


def test_a_stage1_save_replayed_is_not_a_conflict(p, rule):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, _s2 = plan_initial(app, p)
    key = uuid.uuid4()
    first = fill_stage1(s1, p.lead, uuid=key)
    again = fill_stage1(s1, p.lead, uuid=key)  # the same version sent again: the first save, not a conflict
    assert first.version == again.version == 1 and events("stage1.recorded") == 1
    with rule("R7.4.1-S1", field="version"):  # a different save on the old version is one
        stage1.save_stage1_record(s1, by=p.lead, version=0, uuid=uuid.uuid4(), readiness="另一版本")
