"""The sweep's certificate enforcement: overdue surveillance, ended suspensions, renewal window —
each proposed or reminded once, however often the sweep runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tancert import sweep
from tancert.certificates import actions
from tancert.certificates.enforcement import next_surveillance_due
from tancert.certificates.models import Certificate
from tancert.ops.models import Notification
from tancert.records.models import Event

from flow import certify, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def test_first_surveillance_is_due_twelve_months_after_the_earlier_of_decision_and_issue(cert):
    assert next_surveillance_due(cert) == timezone.localdate() + relativedelta(months=12)


def test_overdue_surveillance_proposes_suspension_once(p, cert):
    late = next_surveillance_due(cert) + timedelta(days=1)
    assert sweep.run(late - timedelta(days=2)).suspension_proposed == []
    assert sweep.run(late).suspension_proposed == [cert.number]
    assert sweep.run(late).suspension_proposed == []
    cert.refresh_from_db()
    assert cert.surveillance_status == Certificate.SURV_OVERDUE and cert.status == Certificate.VALID
    assert Event.objects.filter(action="certificate.surveillance_overdue").count() == 1  # the change is recorded
    assert Event.objects.filter(action="certificate.suspension_proposed").count() == 1
    proposed = Event.objects.get(action="certificate.suspension_proposed").data
    assert proposed["rule"] == "R9.2-T1" and proposed["basis"] == "R9.3-surveillance"  # a proposal in the queue
    assert Notification.objects.filter(recipient=p.decider, subject__contains="监督审核逾期").count() == 1


def test_unresolved_suspension_proposes_withdrawal_once(p, cert):
    respond_by = timezone.localdate() + timedelta(days=10)
    actions.suspend_certificate(cert, by=p.decider, trigger="T4", reason="未按期整改", respond_by=respond_by)
    after = respond_by + timedelta(days=1)
    assert sweep.run(after).withdrawal_proposed == [cert.number]
    assert sweep.run(after).withdrawal_proposed == []
    assert Event.objects.filter(action="certificate.withdrawal_proposed").count() == 1


def test_renewal_window_reminds_the_holder_once(p, cert):
    opens = cert.expiry_date - timedelta(days=90)
    assert sweep.run(opens - timedelta(days=1)).renewal_reminded == []
    assert sweep.run(opens).renewal_reminded == [cert.number]
    assert sweep.run(opens + timedelta(days=5)).renewal_reminded == []
    assert Notification.objects.filter(recipient=p.client_a, subject__contains="再认证").count() == 1


def test_the_holder_is_notified_of_a_suspension(p, cert):
    actions.suspend_certificate(cert, by=p.decider, trigger="T3", reason="受到行政处罚",
                                respond_by=timezone.localdate() + timedelta(days=30))
    assert Notification.objects.filter(recipient=p.client_a, subject__contains="已暂停").exists()
