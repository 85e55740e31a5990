"""The record log: append, verify, and tamper detection (RR-format, docs/architecture.md)."""

from __future__ import annotations

import io
import json
import zipfile
from importlib import import_module

import pytest
from django.db import DatabaseError, connection, transaction

from tancert.records import chain
from tancert.records.archive import organisation_archive
from tancert.records.models import Event

triggers = import_module("tancert.records.migrations.0002_append_only_triggers")


def _append(n):
    for i in range(n):
        chain.append("test.event", subject=("thing", i), by=None, summary=f"事件 {i}", data={"i": i, "名": "值"})


def _without_triggers(sql, params=()):
    with connection.cursor() as cur:
        for stmt in triggers.statements(connection.vendor, drop=True):
            cur.execute(stmt)
        cur.execute(sql, params)
        for stmt in triggers.statements(connection.vendor):
            cur.execute(stmt)


@pytest.mark.django_db
def test_appended_events_form_an_intact_chain():
    _append(5)
    result = chain.verify()
    assert result.ok and result.count == 5
    events = list(Event.objects.order_by("seq"))
    assert events[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


@pytest.mark.django_db
def test_database_refuses_update_and_delete_of_records():
    _append(2)
    for sql in ("UPDATE records_event SET summary = 'x'", "DELETE FROM records_event"):
        with pytest.raises(DatabaseError):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
    assert Event.objects.count() == 2


@pytest.mark.django_db
def test_verify_names_the_altered_event():
    _append(5)
    _without_triggers("UPDATE records_event SET summary = %s WHERE seq = 3", ["篡改"])
    result = chain.verify()
    assert not result.ok and result.broken_seq == 3 and "altered" in result.reason
    assert result.as_dict()["rule"] == "RR-system"


@pytest.mark.django_db
def test_verify_names_the_deleted_event():
    _append(5)
    _without_triggers("DELETE FROM records_event WHERE seq = 2")
    result = chain.verify()
    assert not result.ok and result.broken_seq == 2 and "missing" in result.reason


@pytest.mark.django_db
def test_verify_detects_reordered_events():
    _append(4)
    # Swap the contents of events 2 and 3 (keeping their sequence numbers).
    _without_triggers("UPDATE records_event SET seq = 1000 WHERE seq = 2")
    _without_triggers("UPDATE records_event SET seq = 2 WHERE seq = 3")
    _without_triggers("UPDATE records_event SET seq = 3 WHERE seq = 1000")
    result = chain.verify()
    assert not result.ok and result.broken_seq == 2


@pytest.mark.django_db
def test_records_verify_command_exit_codes(capsys):
    from django.core.management import call_command

    _append(3)
    call_command("records", "verify")
    assert "OK: 3 events" in capsys.readouterr().out
    _without_triggers("UPDATE records_event SET data = %s WHERE seq = 2", [json.dumps({"i": 99})])
    with pytest.raises(SystemExit) as exit_info:
        call_command("records", "verify")
    assert exit_info.value.code == 1
    assert "#2" in capsys.readouterr().err


@pytest.mark.django_db
def test_action_failure_leaves_no_record(p, rule):
    """A rule violation inside an action appends nothing and changes nothing."""
    from tancert.clients import actions

    from flow import complete_application

    app = complete_application(p.org_a, p.client_a)
    before = Event.objects.count()
    with rule("R7.2-review"):
        actions.accept_application(app, by=p.reviewer, review={"described": True})
    app.refresh_from_db()
    assert app.status == "submitted" and Event.objects.count() == before


@pytest.mark.django_db
def test_organisation_archive_contains_events_documents_and_verification(p):
    from flow import certify, complete_application

    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    data = organisation_archive(p.org_a, by=p.sysadmin)
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    assert {"events.json", "verification.json", "manifest.json", "README.txt"} <= set(names)
    assert f"documents/certificate-{cert.number}/v1.pdf" in names
    assert sum(1 for n in names if n.startswith(f"documents/application-{app.pk}/")) == 11
    events = json.loads(zf.read("events.json"))
    assert events[-1]["action"] == "records.exported"
    assert all(e["subject"] for e in events)
    assert not any("乙钢铁" in e["summary"] for e in events)  # only organisation A's records
    verification = json.loads(zf.read("verification.json"))
    assert verification["chain"]["ok"] is True
    manifest = json.loads(zf.read("manifest.json"))
    import hashlib

    assert manifest["events.json"] == hashlib.sha256(zf.read("events.json")).hexdigest()
    assert zf.read(f"documents/certificate-{cert.number}/v1.pdf").startswith(b"%PDF")


@pytest.mark.django_db
def test_signed_original_is_attached_with_its_hash(p, rule):
    from tancert.records.actions import attach_signed_original

    from flow import PDF

    ev = chain.append("test.event", subject=p.org_a, by=p.reviewer, summary="评审记录", organisation=p.org_a)
    original = attach_signed_original(ev, by=p.reviewer, filename="signed.pdf", content=PDF, kept_at="档案室 A-12")
    import hashlib

    assert original.sha256 == hashlib.sha256(PDF).hexdigest()
    last = Event.objects.order_by("-seq").first()
    assert last.action == "record.original_attached" and last.data["sha256"] == original.sha256
    with rule("RR-signed", field="file"):
        attach_signed_original(ev, by=p.reviewer, filename="x.txt", content=b"hello", kept_at="档案室")
    with rule("RR-signed", field="kept_at"):
        attach_signed_original(ev, by=p.reviewer, filename="y.pdf", content=PDF, kept_at=" ")


@pytest.mark.django_db
def test_signed_original_needs_office_role(p):
    from django.core.exceptions import PermissionDenied

    from tancert.records.actions import attach_signed_original

    from flow import PDF

    ev = chain.append("test.event", subject=p.org_a, by=None, summary="测试事件", organisation=p.org_a)
    with pytest.raises(PermissionDenied):
        attach_signed_original(ev, by=p.client_a, filename="s.pdf", content=PDF, kept_at="家里")


@pytest.mark.django_db
def test_a_record_summary_must_be_in_chinese(rule):
    with rule("RR-language", field="summary"):
        chain.append("test.event", subject=("thing", 1), by=None, summary="Application accepted")
    assert not Event.objects.exists()
    chain.append("test.event", subject=("thing", 1), by=None, summary="受理申请 CEC-2026-0001")
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_generated_record_documents_must_be_pdfa(rule):
    from tancert.pdfkit import html_to_pdf
    from tancert.records.documents import record_pdf

    with rule("RR-format", field="pdf"):
        record_pdf(b"PK\x03\x04 a zip, not a pdf")
    with rule("RR-format", field="pdf"):
        record_pdf(html_to_pdf("<p>普通 PDF</p>", pdfa=False))
    assert len(record_pdf(html_to_pdf("<p>PDF/A 记录</p>"))) == 64
