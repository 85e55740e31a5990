"""Scope levels through the whole certification (R5.a–d): contract, checklist, report, certificate and register
show the levels and standards the application recorded — the real way, through tests/flow.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tancert.audits.models import Audit
from tancert.certificates import actions as certs
from tancert.clients.scopes.rules import entries as scope_entries

from flow import certify, complete_application

pytestmark = pytest.mark.django_db
LEVELS = {"product": {"standard": "gbt24067", "covers": ["聚乙烯树脂"]},
          "activity": {"standard": "local", "standard_name": "DB44/T 2639-2025 大型活动碳中和实施指南",
                       "covers": ["年度供应商大会"]}}


def test_a_certified_cms_with_product_and_event_levels(p):
    app = complete_application(p.org_a, p.client_a, scope_levels=LEVELS)
    cert = certify(app, p)
    # The contract's time justification counts the levels (R7.3.3); its text names them.
    assert any("组织、产品、活动" in line["zh"] for line in app.contract.justification)
    # The stage 2 checklist has the items of each covered level, naming the standard and what it covers.
    s2 = app.audits.get(kind=Audit.STAGE2)
    items = {i.code: i for i in s2.checklist.items.filter(kind="level")}
    assert set(items) == {"产品-1", "产品-2", "活动-1", "活动-2"}
    assert "GB/T 24067-2024" in items["产品-1"].title_zh and "聚乙烯树脂" in items["产品-1"].title_zh
    assert "DB44/T 2639-2025" in items["活动-1"].title_zh and all(i.mandatory for i in items.values())
    assert not s2.checklist.items.filter(code__startswith="项目").exists()
    # The report states the levels and standards.
    report = s2.reports.order_by("-version").first()
    assert [lv["level"] for lv in report.content["scope_levels"]] == ["organisation", "product", "activity"]
    # Each covered level verified in the audit through the real upload and freeze (tests/flow.py verify_levels):
    # the report states the frozen figures of the product and the event (R5.b / R6.3-pcf, R5.d).
    assert [e["level"] for e in report.content["levels"]] == ["product", "activity"]
    assert s2.frozen_levels.get(level="product").figures["total_kgco2e_per_unit"] is not None
    assert s2.frozen_levels.get(level="activity").figures["neutral"] is True
    # The certificate freezes them into its content and shows them in the scope.
    assert [lv["level"] for lv in cert.scope_levels] == ["organisation", "product", "activity"]
    version = cert.versions.get()
    assert version.content["scope_levels"] == cert.scope_levels
    c = Client()
    c.force_login(p.client_a)
    page = c.get(f"/certificates/{cert.pk}/").content.decode()
    assert "聚乙烯树脂" in page and "年度供应商大会" in page
    public = Client().get(f"/register/{cert.number}/").content.decode()
    assert "GB/T 24067-2024" in public and "DB44/T 2639-2025" in public
    # The renewal application carries the levels over (R9.3-renewal), as a draft the client reviews.
    renewal = certs.apply_for_renewal(cert, by=p.client_a, today=cert.expiry_date - timedelta(days=30))
    assert [e["level"] for e in scope_entries(renewal)] == ["organisation", "product", "activity"]
