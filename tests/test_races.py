"""Two people at once (docs/architecture.md, "The action layer"): every check that decides whether to
create something holds on the locked row and has a database constraint behind it, so of four
simultaneous requests exactly one wins and the others get the rule's key — never a duplicate, never a
crash (a 500 over the web and the API). Threads need a database that serves connections in parallel:
these run on PostgreSQL (`./dev test` runs the suite on both databases)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from races import race

from tancert.certificates import actions as certs
from tancert.certificates.models import Certificate, Decision
from tancert.clients import actions as clients
from tancert.clients.models import Application, Organisation

from flow import CONDITIONS_MET, certify, complete_application, through_audits, transferred_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL's parallel connections"),
]


def _one_winner(results, refused, crashed, key):
    assert crashed == [], crashed
    assert len(results) == 1
    assert refused and {v.key for v in refused} == {key}


def test_four_certificate_requests_for_one_decision_make_one_certificate(p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    decision = certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    outcome = race(lambda: certs.issue_certificate(Decision.objects.get(pk=decision.pk), by=p.certadmin))
    _one_winner(*outcome, "R9.1-a")
    assert Certificate.objects.filter(decision=decision).count() == 1


def test_four_decisions_on_one_audit_make_one_decision(p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    outcome = race(lambda: certs.decide(type(s2).objects.get(pk=s2.pk), by=p.decider, outcome="grant",
                                        conditions=CONDITIONS_MET))
    _one_winner(*outcome, "R7.5")
    assert Decision.objects.filter(audit=s2).count() == 1


def test_four_new_applications_of_one_organisation_leave_one_open(p):
    outcome = race(lambda: clients.create_application(Organisation.objects.get(pk=p.org_a.pk), by=p.client_a,
                                                      scope="碳管理体系", cms_started_on=date(2025, 1, 1)))
    _one_winner(*outcome, "R7.1")
    assert Application.objects.filter(organisation=p.org_a).count() == 1


def test_four_sign_ups_with_one_credit_code_make_one_organisation():
    from flow import code

    credit = code("110108990011")
    counter = iter(range(100))

    def sign_up():
        n = next(counter)
        return clients.sign_up_organisation(name="并发测试有限公司", credit_code=credit, registered_address="北京",
                                            address="北京", username=f"race-{n}", password="Str0ng-enough-pass",
                                            email=f"race{n}@example.cn", employees=10)

    _one_winner(*race(sign_up), "R7.1-C1")
    assert Organisation.objects.filter(credit_code=credit).count() == 1


def test_a_certified_organisation_gets_one_certificate_per_decision_by_the_database(p):
    """The constraint itself, below the actions: a second certificate row for a decision is refused."""
    from django.db import IntegrityError, transaction

    cert = certify(complete_application(p.org_a, p.client_a), p)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(number="X-DUP", organisation=cert.organisation, decision=cert.decision,
                                   organisation_name="x", organisation_address="x", credit_code=cert.credit_code,
                                   scope="x", criterion="x", sites=[], cycle=0, first_issue_date=cert.issue_date,
                                   issue_date=cert.issue_date, expiry_date=cert.expiry_date,
                                   status_changed_at=cert.status_changed_at)


def test_four_certificates_issued_at_once_get_four_numbers(p):
    """Four decisions issued at the same moment (four workers, two servers): the serial is counted over all
    certificates, so without a lock the four counted the same number and only three retries were left."""
    decisions = iter([transferred_in(p, n) for n in range(4)])
    lock = threading.Lock()

    def issue():
        with lock:
            decision = Decision.objects.get(pk=next(decisions).pk)
        return certs.issue_certificate(decision, by=p.certadmin)

    results, refused, crashed = race(issue)
    assert crashed == [] and refused == [], (crashed, refused)
    numbers = sorted(c.number for c in results)
    assert len(set(numbers)) == 4 == Certificate.objects.count()


def test_four_sweeps_at_once_expire_each_certificate_once(p):
    """The sweep may run on every server at once (docs/deployment.md): each certificate expires once, and the
    sweeps that lost the race neither fail nor count it."""
    from datetime import timedelta

    from django.utils import timezone

    from tancert import sweep
    from tancert.records.models import Event

    ends = timezone.localdate() + timedelta(days=40)
    certs.issue_certificate(transferred_in(p, 1, expires_on=ends), by=p.certadmin)
    results, refused, crashed = race(lambda: sweep.run(ends + timedelta(days=1)))
    assert crashed == [] and refused == [], (crashed, refused)
    assert sorted(len(r.expired) for r in results) == [0, 0, 0, 1]
    assert Event.objects.filter(action="certificate.expired").count() == 1
