"""Carbon performance over the certification cycle (R8.1.3-F2/F4, R8.2.2-F3/F4; docs/audits.md §8): the series of
frozen figures, the boundary / method change without base-year recalculation as a blocking finding, the page, the
API walls and the report."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from tancert.audits.carbon import actions as carbon
from tancert.audits.carbon import cycle
from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.audits.report import actions as report
from tancert.people.actions import create_api_token

from flow import (
    certify,
    check_whole_sample,
    complete_application,
    inventory_bytes,
    issue_plan,
    team,
)

API = "/api/v1"


def _pt(audit, year, total, facilities, *, gwp="AR5", triggers=()):
    return {"audit": audit, "kind": "surveillance", "kind_zh": "监督审核", "start": f"{year + 1}-03-01", "year": year,
            "frozen": True, "total_tco2e": total, "by_category": {}, "facilities": list(facilities),
            "method": "iso14064-1", "gwp_basis": gwp, "base_year": 2020, "baseline_used": 100.0,
            "change_vs_base_pct": None, "intensity": [{"product": "熟料<b>", "unit": "tCO2e/t", "value": 0.8}],
            "targets": [], "recalculation": {"applied": False, "triggers": list(triggers)}}


def test_a_change_without_its_recalculation_trigger_is_a_finding_and_a_recorded_one_is_not():
    a = [_pt(1, 2023, 100.0, ["A"]), _pt(2, 2024, 120.0, ["A", "B"], gwp="AR6")]
    found = cycle.changes(a)
    assert [(c["kind"], c["recorded"]) for c in found] == [("boundary", False), ("method", False)]
    assert found[0]["added"] == ["B"] and "新增设施 B" in found[0]["zh"]
    audit = SimpleNamespace(pk=2, kind=Audit.SURVEILLANCE)
    (block,) = cycle.blocking(audit, a)
    assert block["rule"] == "R8.1.3-F2" and block["severity"] == "blocking" and block["count"] == 2
    assert "基准年" in block["message_zh"] and "iso14064" not in block["message_zh"]  # the method in words
    # Recorded as structural and methodology triggers (ISO 14064-1 §6.4.1): the team sees the change, no finding.
    b = [a[0], _pt(2, 2024, 120.0, ["A", "B"], gwp="AR6", triggers=("structural", "methodology"))]
    assert all(c["recorded"] for c in cycle.changes(b)) and cycle.blocking(audit, b) == []
    assert cycle.blocking(SimpleNamespace(pk=2, kind=Audit.RECERTIFICATION), a)[0]["rule"] == "R8.2.2-F3"
    # The chart is plain SVG, its labels escaped; the table states the change since the previous audit.
    svg = cycle.chart(a)
    assert svg.startswith("<svg") and "<script" not in svg and "熟料&lt;b&gt;" in svg and "<polyline" in svg
    assert [r["delta"] for r in cycle.table_rows(a)] == ["—", "+20.0%"]


def _bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _grown_and_restated(d):
    """A year on: a second plant in the boundary and the AR6 values, no BoundaryChanges row for either."""
    d["settings"]["gwp"] = "AR6"
    for row in d["sources"] + d["activity"]:
        if row.get("source_id") == "S2":
            row["facility"] = "粉磨站 Plant B"
    for meter in d.get("meters", []):
        meter["valid_until"] = "2030-12-31"


@pytest.mark.django_db
def test_surveillance_shows_the_cycle_and_the_unrecorded_change_blocks_until_answered(p, client):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    day = timezone.localdate() + timedelta(days=200)
    surv = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day, end_date=day,
                                        auditor_days=2.5, team=team(p), certificate=cert)
    issue_plan(surv, p)
    up = carbon.upload_inventory(surv, by=p.client_a, filename="inventory.json",
                                 content=inventory_bytes(_grown_and_restated))
    block = next(b for b in carbon.blocking_rules(up) if b["rule"] == "R8.1.3-F2")
    assert up.blocking and block["count"] == 2 and "粉磨站 Plant B" in block["message_zh"]

    # The page: the table of both audits and the chart, for the team leader and the client.
    for user in (p.lead, p.client_a):
        client.force_login(user)
        page = client.get(f"/audits/{surv.pk}/carbon/").content.decode()
        assert page.count('class="cycle-row"') == 2 and '<svg xmlns="http://www.w3.org/2000/svg" class="cycle-chart"' in page
        assert "初次认证第二阶段" in page and "核算边界变化" in page and "<script" not in page.split("cycle-chart")[1][:5000]
    assert "R8.1.3-F2" not in page.split('id="cycle"')[1].split("</h2>")[0]  # no rule key for the client

    # The API: the client and the team see the series; another client and an auditor not on the team do not.
    url = f"{API}/audits/{surv.pk}/carbon/cycle"
    r = _bearer(p.client_a).get(url)
    assert r.status_code == 200 and r.json()["rule"] == "R8.1.3-F2"
    assert [x["frozen"] for x in r.json()["points"]] == [True, False]
    assert {c["kind"] for c in r.json()["changes"]} == {"boundary", "method"}
    assert _bearer(p.auditor).get(url).status_code == 200
    assert _bearer(p.client_b).get(url).status_code == 404
    assert _bearer(p.outsider).get(url).status_code == 404

    # Not frozen while the finding is open; the team leader dismisses it with the reason, then it freezes.
    check_whole_sample(up, p.auditor)
    for b in carbon.blocking_rules(up):
        if b["rule"] != "R8.1.3-F2":
            carbon.confirm_data_finding(up, by=p.lead, rule=b["rule"], grade="minor")
    with pytest.raises(Exception) as exc:
        carbon.freeze_figures(surv, by=p.lead)
    assert getattr(exc.value, "key", None) == "R8.1.3-F2"
    carbon.dismiss_quality_finding(up, by=p.lead, rule="R8.1.3-F2", reason="并购粉磨站，已按基准年重算程序评估，变化低于阈值")
    frozen = carbon.freeze_figures(surv, by=p.lead)
    pts = frozen.figures["cycle"]["points"]
    assert [x["frozen"] for x in pts] == [True, True] and pts[1]["gwp_basis"] == "AR6"
    assert any(b["rule"] == "R8.1.3-F2" for b in frozen.figures["findings_summary"])

    # The report states the series (its focus items and its own table and chart) and renders as PDF.
    content = report.build_content(surv, objectives="监督", deviations="", evaluation="有效",
                                   recommendation=Audit.RECOMMEND)
    assert len(content["carbon"]["cycle"]) == 2
    focus = next(f for f in content["focus"] if f["key"] == "R8.1.3-F2")
    assert any("认证周期内经核查冻结的排放总量" in s for s in focus["statements"])
    assert report._charts(frozen.figures)["cycle"].startswith("<svg")
    pdf = report.render_pdf(content, version=1, signed_by="lead", signed_at="2026-01-01", frozen=frozen)
    assert pdf.startswith(b"%PDF")
