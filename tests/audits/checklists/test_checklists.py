"""Checklists: built from versioned data, answered per item with evidence, closed only when complete (docs/audits.md §2)."""

from __future__ import annotations

import json
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from tancert.audits import actions
from tancert.audits.checklists import items as checklists
from tancert.audits.checklists.actions import add_evidence, answer_item, start_checklist, sync
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistAnswer, ChecklistItem, EvidenceEntry
from tancert.audits.programme import actions as programme_actions
from tancert.scheme import rulebook

from flow import (
    accept_and_contract,
    answer_checklist,
    complete_application,
    fill_stage1,
    plan_initial,
    verify_carbon,
)

pytestmark = pytest.mark.django_db
OVERLAYS = Path(__file__).resolve().parent / "data" / "overlays"


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)
    verify_carbon(s2, p.lead)  # the carbon gate holds too; these tests are about the checklist
    return s2


def item(audit, code):
    return ChecklistItem.objects.get(checklist__audit=audit, code=code)


def test_stage2_checklist_has_the_nine_focus_items_then_the_clause_tree(p, stage2):
    checklist = start_checklist(stage2, by=p.auditor)
    codes = list(checklist.items.values_list("code", flat=True))
    assert codes[:9] == [f"R7.4.2-F{i}" for i in range(1, 10)]
    tree = rulebook.clause_tree()
    assert codes[9:] == [c.number for c in tree.clauses if c.parent is not None]
    assert checklist.tree_version == rulebook.DEFAULT_CLAUSE_TREE_VERSION
    f3 = item(stage2, "R7.4.2-F3")
    assert f3.mandatory and f3.kind == "focus" and f3.rule_key == "R7.4.2-F3" and "6.6" in f3.clauses
    assert item(stage2, "5.2").status == "confirmed-term" and item(stage2, "4.1").status == "inferred"
    # Idempotent: a second start returns the same checklist.
    assert start_checklist(stage2, by=p.lead).pk == checklist.pk


def test_surveillance_and_recertification_get_their_own_focus_items(p, stage2):
    assert [s.code for s in checklists.specs_for("surveillance")[1] if s.kind == "focus"] == [
        f"R8.1.3-F{i}" for i in range(1, 6)]
    assert [s.code for s in checklists.specs_for("recertification")[1] if s.kind == "focus"] == [
        f"R8.2.2-F{i}" for i in range(1, 5)]
    # Which items are mandatory is data: at surveillance the clauses are optional.
    assert not any(s.mandatory for s in checklists.specs_for("surveillance")[1] if s.kind == "clause")
    assert checklists.specs_for("stage1")[1] == []


def test_a_new_clause_tree_version_replaces_the_inferred_one_without_code_changes(p, stage2, settings, tmp_path,
                                                                                   monkeypatch):
    old = start_checklist(stage2, by=p.lead)
    data = json.loads((rulebook.DATA_DIR / "clauses-tccaa39-2022-inferred.json").read_text(encoding="utf-8"))
    data["version"] = "official-test"
    data["clauses"] = [{"number": "4", "title_zh": "组织环境", "title_en": "Context", "parent": None,
                        "status": "confirmed"},
                       {"number": "4.1", "title_zh": "理解组织", "title_en": "Organisation", "parent": "4",
                        "status": "confirmed"}]
    for path in rulebook.DATA_DIR.glob("*.json"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "clauses-tccaa39-2022-official-test.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(rulebook, "DATA_DIR", tmp_path)
    rulebook._clause_tree_files.cache_clear()
    rulebook._load_clause_tree.cache_clear()
    try:
        settings.TANCERT_CLAUSE_TREE_VERSION = "official-test"
        s = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SPECIAL, start_date=stage2.start_date,
                               end_date=stage2.end_date, auditor_days=1, team=[(p.lead, "leader")],
                               application=None)
        new = start_checklist(s, by=p.lead)
        assert new.tree_version == "official-test"
        assert list(new.items.values_list("code", "status")) == [("4.1", "confirmed")]
        # The stage 2 checklist keeps the version it started with.
        old.refresh_from_db()
        assert old.tree_version == rulebook.DEFAULT_CLAUSE_TREE_VERSION and old.items.filter(code="9.1.2").exists()
    finally:
        rulebook._clause_tree_files.cache_clear()
        rulebook._load_clause_tree.cache_clear()


def test_industry_overlay_by_technical_area_is_marked_as_an_example(p, stage2, settings):
    settings.TANCERT_CHECKLIST_OVERLAY_DIR = OVERLAYS
    checklist = start_checklist(stage2, by=p.lead)  # organisation A is in technical area 7
    assert checklist.overlays[0]["id"] == "example-area-7" and checklist.overlays[0]["official"] is False
    ex1, ex2 = item(stage2, "EX7-1"), item(stage2, "EX7-2")
    assert ex1.kind == "overlay" and ex1.mandatory and not ex2.mandatory and ex1.status == "example"
    assert checklists.overlays_for([8]) == []


def test_a_malformed_overlay_is_refused_with_its_file_name(settings, tmp_path):
    (tmp_path / "broken.json").write_text('{"id": "x", "version": "1", "official": true, "technical_areas": [99], '
                                          '"items": [], "title_zh": "x", "title_en": "x"}', encoding="utf-8")
    settings.TANCERT_CHECKLIST_OVERLAY_DIR = tmp_path
    with pytest.raises(checklists.ChecklistDataError, match="broken.json"):
        checklists.load_overlays()


def test_the_audit_cannot_close_while_a_mandatory_item_is_unanswered(p, stage2, rule):
    with rule("R7.4.2-F1", field="checklist.R7.4.2-F1"):
        actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    answer_checklist(stage2, p.lead, {"*": ("conforming", "记录齐全"), "R7.4.2-F3": (None, "")})
    with rule("R7.4.2-F3", field="checklist.R7.4.2-F3"):
        actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    f3 = item(stage2, "R7.4.2-F3")
    answer_item(f3, by=p.auditor, conformity="conforming", version=f3.version)
    with rule("R7.4.2-F3", field="checklist.R7.4.2-F3"):  # conforming, but no evidence yet
        actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    add_evidence(f3, by=p.auditor, kind="interview", text="能源主管介绍在线监测", person="王工 能源主管")
    actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    assert Audit.objects.get(pk=stage2.pk).status == Audit.COMPLETED


def test_an_unanswered_clause_cites_the_focus_item_of_conformity_to_the_standard(p, stage2, rule):
    answer_checklist(stage2, p.lead, {"*": ("conforming", "符合"), "6.5": (None, "")})
    with rule("R7.4.2-F2", field="checklist.6.5"):
        actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)


def test_an_item_marked_finding_needs_a_finding_and_not_audited_needs_a_reason(p, stage2, rule):
    start_checklist(stage2, by=p.lead)
    f8 = item(stage2, "R7.4.2-F8")
    with rule("R7.4.2-F8", field="reason"):
        answer_item(f8, by=p.lead, conformity="not_audited", reason=" ", version=0)
    answer_checklist(stage2, p.lead, {"*": ("conforming", "符合"), "R7.4.2-F8": ("finding", "偏差未分析")})
    with rule("R7.4.2-F8", field="checklist.R7.4.2-F8"):
        actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    f8.refresh_from_db()
    finding_actions.raise_finding(stage2, by=p.lead, grade="minor", description="重大偏差未分析原因", item=f8,
                          evidence_ids=[f8.evidence.get().pk])
    actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)


def test_only_team_members_edit_the_checklist(p, stage2):
    checklist = start_checklist(stage2, by=p.lead)
    first = checklist.items.first()
    for person in (p.outsider, p.client_a, p.planner):
        with pytest.raises(PermissionDenied):
            answer_item(first, by=person, conformity="conforming", version=0)
        with pytest.raises(PermissionDenied):
            add_evidence(first, by=person, kind="note", text="x")
    with pytest.raises(PermissionDenied):
        start_checklist(stage2, by=p.outsider)


def test_two_auditors_on_one_item_the_later_save_sees_the_others_entry(p, stage2, rule):
    start_checklist(stage2, by=p.lead)
    seen_by_both = item(stage2, "R7.4.2-F4").version
    answer_item(item(stage2, "R7.4.2-F4"), by=p.lead, conformity="finding", reason="目标未达成",
                version=seen_by_both)
    with rule("R7.4.2-F4", field="version") as info:
        answer_item(item(stage2, "R7.4.2-F4"), by=p.auditor, conformity="conforming", version=seen_by_both)
    assert "lead" in info.value.message_en and "目标未达成" in info.value.message_zh
    f4 = item(stage2, "R7.4.2-F4")
    assert f4.conformity == "finding" and f4.auditor == p.lead and f4.version == 1


def test_the_same_uuid_twice_stores_one_answer_and_one_evidence_entry(p, stage2):
    start_checklist(stage2, by=p.lead)
    answer_id, note_id = uuid.uuid4(), uuid.uuid4()
    for _ in range(2):
        answer_item(item(stage2, "R7.4.2-F1"), by=p.lead, conformity="conforming", version=0, uuid=answer_id)
        add_evidence(item(stage2, "R7.4.2-F1"), by=p.lead, kind="note", text="合规性评价记录", uuid=note_id)
    assert ChecklistAnswer.objects.filter(uuid=answer_id).count() == 1
    assert EvidenceEntry.objects.filter(item__checklist__audit=stage2).count() == 1
    assert item(stage2, "R7.4.2-F1").version == 1


def test_sync_applies_a_queue_once_and_reports_each_entry(p, stage2):
    queue = [
        {"uuid": str(uuid.uuid4()), "type": "answer", "item": "R7.4.2-F1", "conformity": "conforming", "version": 0},
        {"uuid": str(uuid.uuid4()), "type": "evidence", "item": "R7.4.2-F1", "kind": "note", "text": "现场观察",
         "observed_at": "2026-12-01T09:30:00+08:00"},
        {"uuid": str(uuid.uuid4()), "type": "answer", "item": "R7.4.2-F1", "conformity": "finding", "version": 0},
        {"uuid": str(uuid.uuid4()), "type": "evidence", "item": "nope", "kind": "note", "text": "x"},
    ]
    first = sync(stage2, by=p.auditor, entries=queue)
    assert [r["status"] for r in first] == ["saved", "saved", "conflict", "error"]
    again = sync(stage2, by=p.auditor, entries=queue[:2])
    assert [r["status"] for r in again] == ["saved", "saved"]
    assert ChecklistAnswer.objects.filter(item__checklist__audit=stage2).count() == 1
    assert EvidenceEntry.objects.filter(item__checklist__audit=stage2).count() == 1


def test_photo_evidence_is_checked_by_content(p, stage2, rule):
    start_checklist(stage2, by=p.lead)
    f3 = item(stage2, "R7.4.2-F3")
    with rule("R7.4.2-F3", field="file"):
        add_evidence(f3, by=p.lead, kind="photo", filename="meter.jpg", content=b"not really a jpeg")
    with rule("R7.4.2-F3", field="file"):
        add_evidence(f3, by=p.lead, kind="photo", filename="meter.jpg")
    with rule("R7.4.2-F3", field="person"):
        add_evidence(f3, by=p.lead, kind="interview", text="说明", person="")
    entry = add_evidence(f3, by=p.lead, kind="photo", filename="meter.jpg", content=jpeg_bytes(), text="流量计")
    assert entry.content_type == "image/jpeg" and len(entry.sha256) == 64
    assert EvidenceEntry.objects.filter(item=f3).count() == 1  # the refused ones left nothing behind


def test_a_closed_audit_keeps_its_checklist(p, stage2, rule):
    answer_checklist(stage2, p.lead)
    actions.complete_audit(stage2, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    f1 = item(stage2, "R7.4.2-F1")
    with rule("R7.4.2-F1", field="status"):
        answer_item(f1, by=p.lead, conformity="finding", version=f1.version)


def test_report_items_lists_every_item_with_its_evidence_and_findings(p, stage2):
    answer_checklist(stage2, p.lead, {"*": ("conforming", "抽查记录"), "8.3": ("not_audited", "本次未涉及采购")})
    f6 = item(stage2, "R7.4.2-F6")
    finding_actions.raise_finding(stage2, by=p.auditor, grade="major", description="碳绩效参数未调整", item=f6,
                          evidence="参数表")
    rows = checklists.report_items(stage2)
    assert len(rows) == stage2.checklist.items.count()
    assert rows[0]["code"] == "R7.4.2-F1" and rows[0]["kind"] == "focus" and rows[0]["conformity"] == "conforming"
    assert set(rows[0]) >= {"code", "kind", "title_zh", "title_en", "mandatory", "conformity", "reason",
                            "evidence", "auditor", "findings"}
    assert rows[0]["evidence"][0]["text"] == "抽查记录" and rows[0]["evidence"][0]["who"] == "lead"
    assert set(rows[0]["evidence"][0]) >= {"kind", "text", "who", "when"}
    by_code = {r["code"]: r for r in rows}
    assert by_code["R7.4.2-F6"]["findings"] == [1]
    assert by_code["8.3"]["conformity"] == "not_audited" and by_code["8.3"]["reason"] == "本次未涉及采购"
    assert checklists.report_items(stage2.application.audits.get(kind="stage1")) == []


STAGE2_FOCUS = ("R7.4.2-F1", "R7.4.2-F2", "R7.4.2-F3", "R7.4.2-F4", "R7.4.2-F5", "R7.4.2-F6", "R7.4.2-F7",
                "R7.4.2-F8", "R7.4.2-F9")
SURVEILLANCE_FOCUS = ("R8.1.3-F1", "R8.1.3-F2", "R8.1.3-F3", "R8.1.3-F4", "R8.1.3-F5")
RECERTIFICATION_FOCUS = ("R8.2.2-F1", "R8.2.2-F2", "R8.2.2-F3", "R8.2.2-F4")


def _close_item_by_item(audit, p, rule, keys):
    """Every focus item of the audit type, in turn, is the one that keeps the audit open."""
    from flow import closing_day, issue_plan

    verify_carbon(audit, p.lead)
    if not audit.plan_documents.exists():
        issue_plan(audit, p)
    start_checklist(audit, by=p.lead)
    answer_checklist(audit, p.lead, {"*": ("conforming", "符合"), **{k: (None, "") for k in keys}})
    with closing_day(audit):
        for key in keys:
            with rule(key, field=f"checklist.{key}"):
                actions.complete_audit(audit, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
            answer_checklist(audit, p.lead, {key: ("conforming", "查阅记录")})
        actions.complete_audit(audit, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)


def test_each_stage2_focus_item_must_be_answered(p, stage2, rule):
    _close_item_by_item(stage2, p, rule, STAGE2_FOCUS)


def test_each_surveillance_and_recertification_focus_item_must_be_answered(p, rule):
    from datetime import timedelta

    from django.utils import timezone

    from flow import calculated_days, certify, team

    cert = certify(complete_application(p.org_a, p.client_a), p)
    day = timezone.localdate() + timedelta(days=200)
    surveillance = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day,
                                      end_date=day, auditor_days=2.5, team=team(p), certificate=cert)
    _close_item_by_item(surveillance, p, rule, SURVEILLANCE_FOCUS)
    recert = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.RECERTIFICATION, start_date=day,
                                end_date=day + timedelta(days=1), team=team(p), certificate=cert,
                                auditor_days=calculated_days(Audit.RECERTIFICATION, certificate=cert))
    _close_item_by_item(recert, p, rule, RECERTIFICATION_FOCUS)
