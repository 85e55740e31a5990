"""The carbon page's template downloads, Monte Carlo beside Approach 1 (run, frozen, in the report) and the
stage 1 carbon review (docs/ghg.md, "Carbon page")."""

from __future__ import annotations

import pytest
from carbon_helpers import inventory_bytes, open_stage2
from django.template.loader import render_to_string
from django.utils import translation

from tancert.audits.carbon import actions as carbon
from tancert.audits.carbon import downloads, labels, montecarlo, review
from tancert.audits.models.carbon import MonteCarloRun
from tancert.audits.report import actions as report

from flow import accept_and_contract, check_whole_sample, complete_application, plan_initial

# ---------------------------------------------------------------- pure


def test_templates_follow_the_scope_levels():
    assert [t.key for t in downloads.templates_for(frozenset({"organisation"}))] == ["ghg-inventory",
                                                                                    "ghg-inventory-example"]
    keys = [t.key for t in downloads.templates_for(frozenset({"organisation", "product", "activity"}))]
    assert keys == ["ghg-inventory", "ghg-inventory-example", "product-footprint", "product-footprint-example",
                    "event-emissions", "event-emissions-example"]


def test_intervals_compare_and_sit_side_by_side():
    a = {"mean": 100.0, "lower": 90.0, "upper": 110.0, "u_pct": 10.0}
    assert montecarlo.same_interval(a, dict(a)) and not montecarlo.same_interval(a, a | {"upper": 110.01})
    assert montecarlo.interval(None) is None and montecarlo.interval(a) == a
    rows = montecarlo.side_by_side(a, a | {"u_pct": 9.0})
    assert [r["key"] for r in rows] == ["approach1", "monte_carlo"] and rows[1]["u_pct"] == 9.0
    assert [r["key"] for r in montecarlo.side_by_side(a, None)] == ["approach1"]


def test_uncertainty_notes_in_chinese():
    assert labels.uncertainty_note("3 records state no factor uncertainty (counted as 0: …)").startswith("3 条记录")
    assert "蒙特卡洛" in labels.uncertainty_note("some sources exceed ±60%: Approach 1 is unreliable there")
    assert labels.uncertainty_note("other") == "other"


def test_stage1_review_reads_the_engine_result():
    with translation.override("zh-hans"):
        empty = review.stage1_review(None)
        assert [a.key for a in empty] == ["boundary", "sources", "methods", "monitoring", "baseline", "readiness"]
        assert {a.status for a in empty} == {review.MISSING}
        results = {"by_facility": {"一厂": 10.0}, "by_source": {"S1": 10.0}, "by_category": {"1": 10.0, "3": 0},
                   "factors_used": [{"id": "f", "unverified": True}], "performance": {},
                   "findings_summary": [{"rule": "R6.2-calibration", "severity": "blocking", "message": "m",
                                         "message_zh": "计量器具未校准", "count": 1, "rows": [3], "sheet": "活动数据"}]}
        areas = {a.key: a for a in review.stage1_review(results)}
    assert areas["boundary"].status == review.OK and "一厂" in areas["boundary"].facts[0]
    assert areas["sources"].facts[1].endswith("类别1 直接排放")  # a category without emissions is not listed
    assert areas["methods"].status == review.ATTENTION  # an unconfirmed factor
    assert areas["monitoring"].status == review.ATTENTION and areas["monitoring"].findings[0]["severity_zh"] == "阻断"
    assert areas["baseline"].status == review.ATTENTION and areas["readiness"].status == review.ATTENTION


# ---------------------------------------------------------------- views and actions


@pytest.mark.django_db
def test_stage2_downloads_monte_carlo_frozen_and_in_the_report(p, client, rule):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="inventory.json", content=inventory_bytes())
    url = f"/audits/{s2.pk}/carbon/"
    # downloads: the client of the audit and the team; nobody else; only the levels covered
    for who, status in ((p.client_a, 200), (p.auditor, 200), (p.client_b, 404), (p.outsider, 404)):
        client.force_login(who)
        r = client.get(url + "templates/ghg-inventory-example/")
        assert r.status_code == status, who.username
        if status == 200:
            assert b"".join(r.streaming_content)[:2] == b"PK"  # an .xlsx (a zip)
    assert client.get(url + "templates/product-footprint/").status_code == 404  # organisation-only application
    client.force_login(p.auditor)
    assert client.get(url + "templates/nonsense/").status_code == 404
    # the client may not run the Monte Carlo; the auditor may, within the bounds
    client.force_login(p.client_a)
    assert client.post(url + f"uploads/{up.pk}/monte-carlo/", {"iterations": 2000}).status_code == 403
    client.force_login(p.auditor)
    client.post(url + f"uploads/{up.pk}/monte-carlo/", {"iterations": 50})
    assert not MonteCarloRun.objects.exists()
    r = client.post(url + f"uploads/{up.pk}/monte-carlo/", {"iterations": 2000})
    assert r.status_code == 302
    run = MonteCarloRun.objects.get()
    assert run.seed == up.sample_seed and run.iterations == 2000 and run.run_by == p.auditor
    assert run.total["lower"] < run.total["mean"] < run.total["upper"]
    with rule("R6.2-review"):  # the same run again would give the same figures
        carbon.run_monte_carlo(up, by=p.lead, iterations=2000)
    page = client.get(url).content.decode()
    assert 'id="uncertainty-approach1"' in page and 'id="uncertainty-monte_carlo"' in page
    assert f"随机种子 {run.seed}" in page and "Monte Carlo" not in page.split('id="uncertainty"')[1].split("</div>")[0]
    # frozen with the figures: run again in the freeze, reproduced from the seed
    check_whole_sample(up, p.auditor)
    carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
    frozen = carbon.freeze_figures(s2, by=p.lead)
    mc = frozen.figures["monte_carlo"]
    assert mc["reproduced"] and mc["seed"] == run.seed and mc["iterations"] == 2000
    assert mc["total"] == run.total
    assert frozen.record["monte_carlo_iterations"] == 2000
    content = report.build_content(s2, objectives="目标", deviations="", evaluation="评价", recommendation="recommend")
    rows = content["carbon"]["uncertainty_rows"]
    assert rows[0]["approach"].startswith("方法一") and f"随机种子 {run.seed}" in rows[1]["approach"]
    with translation.override("zh-hans"):
        html = render_to_string("audits/report_pdf.html", {"c": content, "version": 1, "signed_by": "x",
                                                            "signed_at": "2026-01-01", "charts": {}, "body": {}})
    assert "方法二（蒙特卡洛，2,000 次迭代" in html


@pytest.mark.django_db
def test_stage1_page_is_a_review_without_verification(p, client, rule):
    levels = {"product": {"standard": "iso14067", "standard_name": "", "covers": ["化工产品甲"]}}
    app = complete_application(p.org_a, p.client_a, scope_levels=levels)
    accept_and_contract(app, p)
    s1, _s2 = plan_initial(app, p)
    url = f"/audits/{s1.pk}/carbon/"
    client.force_login(p.lead)
    page = client.get(url).content.decode()
    assert 'id="stage1-areas"' in page and 'id="stage2-verifies"' in page and "尚无清单" in page
    client.force_login(p.client_a)
    assert client.get(url + "templates/product-footprint-example/").status_code == 200
    assert client.get(url + "templates/project-reductions/").status_code == 404
    up = carbon.upload_inventory(s1, by=p.client_a, filename="inventory.json", content=inventory_bytes())
    page = client.get(url).content.decode()
    assert f"第 {up.version} 版的初步查看" in page and 'id="area-readiness"' in page
    assert 'id="sample-table"' not in page and 'id="monte-carlo-form"' not in page and 'id="freeze"' not in page
    assert 'class="rule"' not in page  # rule keys are for staff only
    client.force_login(p.outsider)
    assert client.get(url).status_code == 404
    with rule("R7.4.1-S1"):
        carbon.freeze_figures(s1, by=p.lead)
    with rule("R7.4.1-S1"):
        carbon.run_monte_carlo(up, by=p.lead, iterations=1000)
