"""Market-based Scope 2 in the audit: an inventory with green electricity certificates is uploaded, verified and
frozen the real way; the frozen figures carry both Scope 2 totals and the audit report shows them in Chinese."""

from __future__ import annotations

import pytest
from carbon_helpers import check_whole_sample, inventory_bytes, open_stage2

from tancert.audits.carbon import actions as carbon

pytestmark = pytest.mark.django_db


def _with_certificates(d):
    # 2024-01 grid electricity of the worked example: 378 MWh at 广东 0.4419; 100 certificates cover 100 MWh
    d["instruments"] = [{"instrument_id": "GEC-1", "type": "绿证", "certificate_ids": "GEC2401A; GEC2401B",
                         "quantity_mwh": 100, "vintage": "2024-01", "period": "2024-01", "facility": "水泥厂 Plant A"}]


def test_frozen_figures_and_report_show_both_scope2_totals(p, client):
    from django.template.loader import render_to_string

    from tancert.audits.report import actions as report

    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="inventory.json",
                                 content=inventory_bytes(_with_certificates))
    mk = up.results["market_based"]
    # by hand: 12 × 378 = 4,536 MWh; location 4,536 × 0.4419 = 2,004.46 t; market (4,536 − 100) × 0.6096 = 2,704.19 t
    assert mk["grid_electricity_mwh"] == pytest.approx(4536) and mk["covered_mwh"] == pytest.approx(100)
    assert mk["scope2_market_tco2e"] == pytest.approx(4436 * 0.6096)
    # the carbon page shows both, in Chinese, to the client who uploaded it
    client.force_login(p.client_a)
    page = client.get(f"/audits/{s2.pk}/carbon/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="scope2-market"' in page and "位置法 / 市场法" in page and "2,704.2" in page.replace("2704.2", "2,704.2")
    check_whole_sample(up, p.auditor)
    carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
    frozen = carbon.freeze_figures(s2, by=p.lead)
    assert frozen.figures["market_based"]["scope2_market_tco2e"] == pytest.approx(2704.1856)
    content = report.build_content(s2, objectives="目标", deviations="", evaluation="评价", recommendation="recommend")
    m = content["carbon"]["market"]
    assert m["market"] == "2,704.2" and m["location"] == "2,004.5" and "未核实" in m["factor"]
    html = render_to_string("audits/report_pdf.html", {"c": content, "charts": {}})
    assert "位置法与市场法" in html and "2,704.2" in html and "MEE/NBS" not in html
