"""The structured application data (R7.1) and the eligibility rules C3/C4, D5 age warning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.clients import actions
from tancert.clients.profile import actions as profile
from tancert.records.models import Event

from flow import PNG, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(p):
    return complete_application(p.org_a, p.client_a, submit=False)


def test_licences_where_applicable(p, draft, rule):
    profile.update_application(draft, by=p.client_a, licences_applicable=True)
    assert "R7.1-C3" in {v.key for v in actions.eligibility_problems(draft)}
    with rule("R7.1-C3", field="licences"):
        actions.submit_application(draft, by=p.client_a, declarant="张三", declared=True)
    profile.update_application(draft, by=p.client_a, licences="排污许可证 9134…，有效期至 2028-06-30")
    assert not actions.eligibility_problems(draft)


def test_compliance_information_where_applicable(p, draft, rule):
    profile.update_application(draft, by=p.client_a, compliance_applicable=True)
    with rule("R7.1-C4", field="compliance_info"):
        actions.submit_application(draft, by=p.client_a, declarant="张三", declared=True)


def test_details_refuse_future_start_and_bad_years(p, draft, rule):
    with rule("R7.1-C2", field="cms_started_on"):
        profile.update_application(draft, by=p.client_a, cms_started_on=timezone.localdate() + timedelta(days=1))
    with rule("R7.1-D11", field="base_year"):
        profile.update_application(draft, by=p.client_a, base_year=1800)
    with rule("R7.1-D11", field="baseline_emissions"):
        profile.update_application(draft, by=p.client_a, baseline_emissions=-5)
    with rule("R7.4.1-O2", field="simple_process_grounds"):
        profile.update_application(draft, by=p.client_a, simple_process=True)
    before = Event.objects.count()
    profile.update_application(draft, by=p.client_a, base_year=2022, baseline_emissions="12345.6")
    draft.refresh_from_db()
    assert draft.base_year == 2022 and str(draft.baseline_emissions) == "12345.60"
    assert Event.objects.count() == before + 1


def test_structured_lists_with_their_rules(p, draft, rule):
    org = p.org_a
    with rule("R7.1-D8", field="name"):
        profile.add_site(org, by=p.client_a, name="", address="x")
    profile.add_site(org, by=p.client_a, name="二厂", address="天津市滨海新区", kind="temporary")
    with rule("R7.4.1-O1", field="standard"):
        profile.add_held_certification(org, by=p.client_a, standard="XYZ", number="1", issuer="x",
                                       valid_until=date(2028, 1, 1))
    profile.add_held_certification(org, by=p.client_a, standard="EnMS", number="04523E0001", issuer="某认证机构",
                                   valid_until=date(2028, 1, 1))
    with rule("R7.4.1-O3", field="verifier"):
        profile.add_carbon_market_year(org, by=p.client_a, year=2024, market="全国碳市场", verified=True)
    with rule("R7.4.1-O3", field="year"):
        profile.add_carbon_market_year(org, by=p.client_a, year=timezone.localdate().year + 1, market="全国碳市场",
                                       verified=False)
    profile.add_carbon_market_year(org, by=p.client_a, year=2024, market="全国碳市场", verified=True, verifier="某核查机构")
    with rule("R7.4.1-O3", field="year"):
        profile.add_carbon_market_year(org, by=p.client_a, year=2024, market="全国碳市场", verified=False)
    profile.update_application(draft, by=p.client_a, base_year=2022)
    with rule("R7.1-D11", field="target_year"):
        profile.add_target(draft, by=p.client_a, indicator="单位产品碳排放", kind="intensity", unit="tCO2e/t",
                           baseline_value="1.2", target_value="1.0", target_year=2021)
    t = profile.add_target(draft, by=p.client_a, indicator="单位产品碳排放", kind="intensity", unit="tCO2e/t",
                           baseline_value="1.2", target_value="1.08", target_year=2027)
    assert round(t.change_percent, 1) == -10.0
    a = profile.add_action_plan(draft, by=p.client_a, title="余热回收", responsible="动力部", due=date(2027, 6, 30),
                                expected_reduction="1500")
    assert org.sites.count() == 1 and org.held_certifications.count() == 1 and draft.targets.count() == 1
    profile.remove_item("actionplan", a.pk, by=p.client_a)
    assert not draft.action_plans.exists()
    with pytest.raises(PermissionDenied):
        profile.remove_item("site", org.sites.get().pk, by=p.client_b)


def test_client_b_cannot_edit_a(p, draft):
    with pytest.raises(PermissionDenied):
        profile.update_application(draft, by=p.client_b, scope="x")
    with pytest.raises(PermissionDenied):
        profile.add_site(p.org_a, by=p.client_b, name="x", address="y")


def test_organisation_update_checks_employees_and_areas(p, rule):
    with rule("R7.3.1", field="employees"):
        profile.update_organisation(p.org_a, by=p.client_a, employees=-3)
    with rule("RA", field="technical_areas"):
        profile.update_organisation(p.org_a, by=p.client_a, technical_areas=["0"])
    profile.update_organisation(p.org_a, by=p.client_a, employees=300, technical_areas=["7", "1"])
    p.org_a.refresh_from_db()
    assert p.org_a.employees == 300 and p.org_a.technical_areas == ["7", "1"]


def test_old_credit_screenshot_gives_a_warning_not_a_block(p):
    app = actions.create_application(p.org_b, by=p.client_b, scope="范围", cms_started_on=date(2025, 1, 1))
    actions.upload_document(app, "D5", by=p.client_b, filename="d5.png", content=PNG,
                            document_date=timezone.localdate() - timedelta(days=45))
    warnings = actions.document_warnings(app)
    assert len(warnings) == 1 and "D5" in warnings[0]
    actions.upload_document(app, "D5", by=p.client_b, filename="d5.png", content=PNG,
                            document_date=timezone.localdate())
    assert actions.document_warnings(app) == []


def test_live_eligibility_panel_checks_typed_values(client, p, draft):
    client.force_login(p.client_a)
    url = f"/applications/{draft.pk}/eligibility/"
    future = (timezone.localdate() - timedelta(days=20)).isoformat()
    assert "R7.1-C2" in client.get(url, {"cms_started_on": future}).content.decode()
    assert "R7.1-C3" in client.get(url, {"licences_applicable": "on", "licences": ""}).content.decode()
    assert "R7.1-C" not in client.get(url).content.decode()
    draft.refresh_from_db()
    assert draft.cms_started_on != date.fromisoformat(future)  # nothing saved
    client.force_login(p.client_b)
    assert client.get(url).status_code == 404


def test_data_pages_add_and_remove(client, p, draft):
    client.force_login(p.client_a)
    r = client.post(f"/applications/{draft.pk}/data/site/", {"name": "三厂", "address": "河北", "kind": "permanent"})
    assert r.status_code == 302 and p.org_a.sites.count() == 1
    r = client.post(f"/applications/{draft.pk}/data/target/", {"indicator": "x"}, follow=True)
    assert not draft.targets.exists()
    site = p.org_a.sites.get()
    client.post(f"/applications/{draft.pk}/data/site/{site.pk}/remove/")
    assert not p.org_a.sites.exists()
    page = client.get(f"/applications/{draft.pk}/").content.decode()
    assert 'id="data-target"' in page and 'id="eligibility"' in page


def test_the_programme_manager_judges_the_o2_grounds_and_new_grounds_are_judged_anew(p, draft, rule):
    from django.core.exceptions import PermissionDenied

    from tancert.clients.estimate import stage1_offsite

    with rule("R7.4.1-O2", field="simple_process"):
        profile.judge_simple_process(draft, by=p.planner, holds=True, reason="仅办公楼用电")
    profile.update_application(draft, by=p.client_a, simple_process=True, simple_process_grounds="仅办公楼用电，无工艺排放")
    assert stage1_offsite(draft).offsite_allowed is False  # the client's text alone is not O2
    with pytest.raises(PermissionDenied):
        profile.judge_simple_process(draft, by=p.client_a, holds=True, reason="自评")
    with rule("R7.4.1-O2", field="reason"):
        profile.judge_simple_process(draft, by=p.planner, holds=True, reason=" ")
    profile.judge_simple_process(draft, by=p.planner, holds=True, reason="现场资料显示仅有外购电力")
    assert stage1_offsite(draft).conditions == ("R7.4.1-O2",)
    assert Event.objects.filter(action="application.simple_process_judged").exists()
    profile.update_application(draft, by=p.client_a, simple_process_grounds="新增锅炉房")
    draft.refresh_from_db()
    assert draft.simple_process_judged is None and stage1_offsite(draft).offsite_allowed is False
