"""Witness audits, performance evaluations and training records (CB-auditor-evaluation, CB-training), and
register entries ended with their history, never deleted (CB-register-history); docs/obligations.md."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.people.auditors import actions as reg
from tancert.people.auditors.snapshots import auditor_snapshot
from tancert.people.models.auditors import AuditorRecord, CcaaRegistration
from tancert.planning.teams import AuditNeed, person_problems
from tancert.records.labels import action_label
from tancert.records.models import Event

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _need():
    return AuditNeed(organisation_id=1, technical_areas=frozenset(), start=today(), end=today(), auditor_days=1)


def test_witness_and_evaluation_feed_the_team_check(p, rule):
    with rule("CB-auditor-evaluation", field="evaluator"):
        reg.add_monitoring(p.auditor, by=p.planner, kind="witness", on=today(), title="甲化工监督审核",
                           outcome="satisfactory", basis="观察首次会议", evaluator=p.auditor)
    with rule("CB-auditor-evaluation", field="outcome"):
        reg.add_monitoring(p.auditor, by=p.planner, kind="witness", on=today(), title="甲化工监督审核",
                           outcome="fine", basis="观察首次会议")
    with rule("CB-auditor-evaluation", field="kind"):
        reg.add_monitoring(p.auditor, by=p.planner, kind="training", on=today(), title="x", outcome="satisfactory",
                           basis="y")
    with rule("CB-auditor-evaluation", field="on"):
        reg.add_monitoring(p.auditor, by=p.planner, kind="evaluation", on=today() + timedelta(days=1), title="2026",
                           outcome="satisfactory", basis="y")
    with rule("CB-auditor-evaluation", field="basis"):
        reg.add_monitoring(p.auditor, by=p.planner, kind="evaluation", on=today(), title="2026",
                           outcome="satisfactory", basis=" ")
    with pytest.raises(PermissionDenied):
        reg.add_monitoring(p.auditor, by=p.lead, kind="witness", on=today(), title="t", outcome="satisfactory",
                           basis="b")
    reg.add_monitoring(p.auditor, by=p.planner, kind="witness", on=today() - timedelta(days=30),
                       title="甲化工监督审核", outcome="satisfactory", basis="观察首次会议", evaluator=p.lead)
    assert auditor_snapshot(p.auditor).performance_ok
    bad = reg.add_monitoring(p.auditor, by=p.planner, kind="evaluation", on=today(), title="2026 年度",
                             outcome="unsatisfactory", basis="两次报告返工")
    snap = auditor_snapshot(p.auditor)
    assert not snap.performance_ok
    assert "performance" in [q.code for q in person_problems(snap, _need(), "auditor")]
    assert "performance" not in [q.code for q in person_problems(snap, _need(), "technical_expert")]
    assert Event.objects.filter(action="register.evaluation_added").exists()

    # Ending the unsatisfactory evaluation keeps it in the history; the earlier satisfactory one counts again.
    with rule("CB-register-history", field="reason"):
        reg.remove_entry("monitoring", bad.pk, by=p.planner, reason=" ")
    reg.remove_entry("monitoring", bad.pk, by=p.planner, reason="评价依据有误，重新评价")
    assert auditor_snapshot(p.auditor).performance_ok
    assert AuditorRecord.history.filter(pk=bad.pk, ended_by=p.planner).exists()
    ended = Event.objects.get(action="register.monitoring_ended")
    assert ended.data["entry"]["outcome"] == "unsatisfactory" and action_label(ended.action).startswith("终止")
    assert [h["reason"] for h in reg.history(p.auditor)] == ["评价依据有误，重新评价"]


def test_training_records_and_ended_entries_stay_in_the_history(p, rule, client):
    with rule("CB-training", field="hours"):
        reg.add_training(p.auditor, by=p.planner, on=today(), title="碳核算培训（中国质量认证中心）", hours="nan",
                         basis="结业证书")
    with rule("CB-training", field="hours"):
        reg.add_training(p.auditor, by=p.planner, on=today(), title="碳核算培训", hours=0, basis="结业证书")
    with rule("CB-training", field="title"):
        reg.add_training(p.auditor, by=p.planner, on=today(), title="", hours=8, basis="结业证书")
    training = reg.add_training(p.auditor, by=p.planner, on=today(), title="碳核算培训", hours="16", basis="结业证书")
    assert training.kind == "training" and training.evaluator is None
    r = reg.add_registration(p.auditor, by=p.planner, grade="auditor", number="CCAA-2026-1",
                             valid_from=today() - timedelta(days=10), valid_to=today() + timedelta(days=700))
    client.force_login(p.planner)
    client.post(f"/auditors/{p.auditor.pk}/registration/{r.pk}/remove/", {"reason": "注册转至其他机构"})
    assert not CcaaRegistration.objects.filter(pk=r.pk).exists()  # no longer current …
    assert CcaaRegistration.history.get(pk=r.pk).end_reason == "注册转至其他机构"  # … never deleted
    page = client.get(f"/auditors/{p.auditor.pk}/").content.decode()
    assert 'id="register-history"' in page and "注册转至其他机构" in page and "碳核算培训" in page
    assert 'name="reason"' in page
