"""Retention is computed, never typed (RR-retention)."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from tancert.records.retention import certificate_retention, retention_until


class FakeCert:
    number = "X1"
    status = "valid"
    status_changed_at = None

    def __init__(self, issue, expiry):
        self.issue_date, self.expiry_date = issue, expiry


def test_retention_is_current_cycle_plus_one_for_a_running_certificate():
    cert = FakeCert(date(2026, 1, 1), date(2028, 12, 31))
    r = certificate_retention(cert)
    assert r.until == date(2032, 1, 1) and "周期" in r.basis and r.rule == "RR-retention"


def test_retention_after_early_withdrawal_still_covers_the_longest_rule():
    from django.utils import timezone

    cert = FakeCert(date(2026, 1, 1), date(2028, 12, 31))
    cert.status, cert.status_changed_at = "withdrawn", timezone.make_aware(timezone.datetime(2026, 6, 1))
    assert certificate_retention(cert).until == date(2032, 1, 1)


@pytest.mark.django_db
def test_retention_of_an_organisation_without_certificate_is_two_years_after_last_record(p):
    from django.utils import timezone

    r = retention_until(p.org_a)
    assert r.until == timezone.localdate() + relativedelta(years=2)
