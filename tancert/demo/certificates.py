"""The certificate lifecycle's part of the demo seed (called from web/demo.py): the certified chemical company has an
English version of its certificate and a change of address under review."""

from __future__ import annotations

from tancert.certificates import actions, changes
from tancert.certificates.models import Certificate


def seed_lifecycle() -> None:
    cert = Certificate.objects.filter(organisation__users__username="chemical", status=Certificate.VALID).first()
    if cert is None:
        return
    holder = cert.organisation.users.get(username="chemical")
    actions.english_version(cert, by=holder)
    changes.request_change(cert, by=holder, changes={"organisation_address": "山东省烟台市化工产业园区新区路 18 号"},
                           reason="生产基地整体搬迁，已取得新址营业执照变更登记")
