"""The decision committee and independence (R7.5), certificate content (R9.1), the English version,
the certification mark (R11) and late suspensions (R9.2-suspend)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.certificates import actions
from tancert.certificates.committee import decision_queue
from tancert.certificates.marks import actions as mark_actions
from tancert.certificates.marks import drawing as marks
from tancert.certificates.models import Certificate, Decision, DecisionVote
from tancert.people.actions import create_staff_user
from tancert.people.auditors.actions import declare_conflict
from tancert.people.models import Role
from tancert.records.models import Event

from flow import CONDITIONS_MET, certify, complete_application, pdf_text_streams, through_audits

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(p):
    return through_audits(complete_application(p.org_a, p.client_a), p)


def _decider(name):
    return create_staff_user(name, "test-pass-123", roles=[Role.DECISION_MAKER], by=None, display_name=name)


def test_a_declared_conflict_within_two_years_bars_the_decider(p, audited, rule):
    declare_conflict(p.decider, by=p.sysadmin, kind="consulted", organisation=p.org_a,
                     started_on=timezone.localdate() - relativedelta(years=3),
                     ended_on=timezone.localdate() - relativedelta(years=1))
    assert audited not in decision_queue(p.decider)
    with rule("R7.5", field="decided_by"):
        actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)


def test_a_conflict_that_ended_more_than_two_years_ago_does_not_bar(p, audited):
    declare_conflict(p.decider, by=p.sysadmin, kind="employed", credit_code=p.org_a.credit_code,
                     organisation_name=p.org_a.name, started_on=timezone.localdate() - relativedelta(years=6),
                     ended_on=timezone.localdate() - relativedelta(years=2, days=1))
    assert audited in decision_queue(p.decider)
    assert actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET).grants


def test_an_auditor_of_any_audit_of_the_client_cannot_decide_and_does_not_see_it(p, audited, rule):
    assert audited not in decision_queue(p.decider_who_audited)
    assert audited in decision_queue(p.decider)
    with rule("R7.5", field="decided_by"):
        actions.decide(audited, by=p.decider_who_audited, outcome="refuse", conditions=CONDITIONS_MET)


def test_committee_decides_when_complete_and_unanimous(p, audited, settings, rule):
    settings.TANCERT_DECISION_COMMITTEE_SIZE = 2
    second = _decider("decider_b")
    assert actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET) is None
    assert DecisionVote.objects.filter(audit=audited).count() == 1 and not Decision.objects.exists()
    assert audited not in decision_queue(p.decider) and audited in decision_queue(second)
    with rule("R7.5", field="decided_by"):
        actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    d = actions.decide(audited, by=second, outcome="grant", conditions=CONDITIONS_MET)
    assert d.outcome == Decision.GRANT and len(d.committee) == 2 and d.dissent == ""
    assert Event.objects.filter(action="decision.vote").count() == 1


def test_a_split_committee_refuses_and_records_the_dissent(p, audited, settings):
    settings.TANCERT_DECISION_COMMITTEE_SIZE = 2
    actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    d = actions.decide(audited, by=_decider("decider_b"), outcome="refuse", conditions=CONDITIONS_MET,
                       reason="碳绩效证据不足")
    assert d.outcome == Decision.REFUSE and "碳绩效证据不足" in d.dissent
    assert "委员会意见不一致" in Event.objects.get(action="decision.made").summary


def test_a_committee_member_cannot_vote_to_grant_with_an_unverified_major(p, settings, rule):
    settings.TANCERT_DECISION_COMMITTEE_SIZE = 3
    s2 = through_audits(complete_application(p.org_a, p.client_a), p, major=True)
    with rule("R7.5.2", field="findings"):
        actions.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    assert not DecisionVote.objects.exists()


def _decision(p, audited):
    return actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)


def test_pdf_and_content_carry_every_r91_item_and_our_mark(p, audited):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    content = cert.versions.get().content
    for key in ("number", "organisation_name", "organisation_address", "scope", "criterion", "issue_date",
                "expiry_date", "body_name", "body_address", "surveillance_status", "other_information"):
        assert content[key], key
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(cert.versions.get().pdf.open("rb")).pages)
    for value in (cert.number, "甲化工有限公司", "T/CCAA 39-2022", "中环联合", cert.expiry_date.isoformat(), "监督状态"):
        assert value in text, value
    assert "碳管理体系认证" in marks.svg() and marks.png().startswith(b"\x89PNG")


@pytest.mark.parametrize("key,setup", [
    ("R9.1-b", lambda p, s: type(p.org_a).objects.filter(pk=p.org_a.pk).update(address="")),
    ("R9.1-f", lambda p, s: s.TANCERT_BODY.update(address_zh="")),
])
def test_issuing_without_a_required_item_is_refused_and_leaves_nothing(p, audited, rule, settings, key, setup):
    settings.TANCERT_BODY = dict(settings.TANCERT_BODY)
    d = _decision(p, audited)
    setup(p, settings)
    d = Decision.objects.get(pk=d.pk)
    with rule(key):
        actions.issue_certificate(d, by=p.certadmin)
    assert not Certificate.objects.exists() and not Event.objects.filter(action="certificate.issued").exists()


def test_content_check_names_each_missing_item(p, audited, rule):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    for key, field in [("R9.1-a", "number"), ("R9.1-c", "scope"), ("R9.1-d", "criterion"),
                       ("R9.1-e", "expiry_date"), ("R9.1-g", "surveillance_status"),
                       ("R9.1-h", "other_information")]:
        content = dict(actions.certificate_content(cert), **{field: ""})
        with rule(key):
            actions.check_content(content)


def test_english_version_on_request_is_a_second_pdfa_of_the_same_version(p, audited, client):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    with pytest.raises(PermissionDenied):
        actions.english_version(cert, by=p.client_b)
    v = actions.english_version(cert, by=p.client_a)
    assert actions.english_version(cert, by=p.client_a).pk == v.pk  # once
    pdf = v.pdf_en.read()
    assert b"pdfaid:part" in pdf_text_streams(pdf)
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(v.pdf_en.open("rb")).pages)
    assert "System Certificate" in text and "Valid until" in text and cert.number in text
    assert Event.objects.filter(action="certificate.english_version").count() == 1


def test_only_the_holder_of_a_valid_certificate_may_use_the_mark(p, audited, rule):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    mark_actions.mark_allowed(cert, p.client_a)
    with pytest.raises(PermissionDenied):
        mark_actions.mark_allowed(cert, p.client_b)
    actions.suspend_certificate(cert, by=p.decider, trigger="T3", reason="受到行政处罚",
                                respond_by=timezone.localdate() + timedelta(days=30))
    with rule("R11.1", field="status"):
        mark_actions.mark_allowed(cert, p.client_a)


def test_mark_misuse_is_recorded_as_a_finding(p, audited, rule):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    with rule("R11.2", field="description"):
        mark_actions.record_mark_misuse(cert, by=p.certadmin, observed_on=timezone.localdate(), description="", evidence="")
    with pytest.raises(PermissionDenied):
        mark_actions.record_mark_misuse(cert, by=p.client_a, observed_on=timezone.localdate(), description="x",
                                   evidence="y")
    m = mark_actions.record_mark_misuse(cert, by=p.certadmin, observed_on=timezone.localdate(),
                                   description="产品包装上使用认证标志", evidence="包装照片", action="30 日内停止使用")
    assert cert.mark_misuses.get() == m
    assert Event.objects.filter(action="certificate.mark_misuse").exists()


def test_a_late_suspension_is_made_but_flagged(p, audited, settings, rule):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    today = timezone.localdate()
    with rule("R9.2-suspend", field="confirmed_on"):
        actions.suspend_certificate(cert, by=p.decider, trigger="T3", reason="x", respond_by=today + timedelta(days=9),
                                    confirmed_on=today + timedelta(days=1))
    actions.suspend_certificate(cert, by=p.decider, trigger="T3", reason="行政处罚", respond_by=today + timedelta(days=30),
                                confirmed_on=today - timedelta(days=8))
    cert.refresh_from_db()
    assert cert.suspended_late and cert.trigger_confirmed_on == today - timedelta(days=8)
    assert "超过 5 日时限" in Event.objects.get(action="certificate.suspended").summary


def test_a_suspension_without_a_trigger_is_refused(p, audited, rule):
    cert = actions.issue_certificate(_decision(p, audited), by=p.certadmin)
    with rule("R9.2-suspend", field="trigger"):
        actions.suspend_certificate(cert, by=p.decider, trigger="", reason="x",
                                    respond_by=timezone.localdate() + timedelta(days=9))
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.VALID


def test_certify_helper_still_works(p):
    assert certify(complete_application(p.org_b, p.client_b), p).status == Certificate.VALID
