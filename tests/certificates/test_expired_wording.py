"""An expired certificate says so in words (R9.1-g, R9.2-validity): the reason is "有效期届满", never the code
the sweep stores, and the surveillance line no longer speaks of a first surveillance to come — on the holder's
page and in the public register."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tancert.certificates import actions as certs

from flow import certify, clock, complete_application

pytestmark = pytest.mark.django_db


def test_an_expired_certificate_reads_expired_not_a_code_or_a_surveillance_to_come(client, p):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    before = cert.get_surveillance_display()
    assert before != "证书已失效，不再进行监督审核"
    later = timezone.make_aware(datetime.combine(cert.expiry_date + timedelta(days=1), time(10)))
    with clock(later):
        assert certs.expire_certificates() == [cert.number]
        cert.refresh_from_db()
        client.force_login(p.client_a)
        pages = [client.get(f"/certificates/{cert.pk}/"), client.get(f"/register/{cert.number}/")]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "证书已失效，不再进行监督审核" in html and "待第一次监督审核" not in html
    holder = pages[0].content.decode()
    assert "有效期届满" in holder and ">expiry<" not in holder

