"""Scope levels of an application (R5.a–d, docs/scope-levels.md): recorded by the client through the action, the
page and the API; refused without a standard or what a level covers; used by audit time (R7.3.3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tancert.clients import actions as clients
from tancert.clients import estimate
from tancert.clients.models import ScopeLevel
from tancert.clients.profile.actions import set_scope_levels
from tancert.clients.scopes import rules as scopes
from tancert.people.actions import create_api_token
from tancert.records.labels import ACTIONS
from tancert.records.models import Event
from tancert.scheme.violations import RuleViolation

from flow import complete_application

pytestmark = pytest.mark.django_db
API = "/api/v1"
PRODUCT = {"standard": "gbt24067", "covers": ["聚乙烯树脂", "聚丙烯树脂"]}
PROJECT = {"standard": "methodology", "standard_name": "CCER-01-002-V01 并网海上风力发电", "covers": "一号海上风电场"}
EVENT = {"standard": "mee-event-guide", "covers": ["2026 年度供应商大会"]}


@pytest.fixture
def draft(p):
    return complete_application(p.org_a, p.client_a, submit=False)


def test_recorded_levels_are_read_by_audit_time_and_recorded_in_chinese(p, draft):
    days_org_only = estimate.audit_time_for_application(draft).planned_days
    assert estimate.profile_for_application(draft).scope_levels == frozenset({"organisation"})
    set_scope_levels(draft, by=p.client_a, levels={"product": PRODUCT, "project": PROJECT})
    assert estimate.profile_for_application(draft).scope_levels == frozenset({"organisation", "product", "project"})
    result = estimate.audit_time_for_application(draft)
    assert result.planned_days > days_org_only
    assert any("组织、产品、项目" in line["zh"] for line in result.as_dict()["lines"])
    entries = scopes.entries(draft)
    assert [e["level"] for e in entries] == ["organisation", "product", "project"]
    assert entries[2]["standard_zh"] == "CCER-01-002-V01 并网海上风力发电" and entries[2]["covers"] == ["一号海上风电场"]
    event = Event.objects.filter(action="application.scope_levels_set").get()
    assert "application.scope_levels_set" in ACTIONS
    assert "产品层面（GB/T 24067-2024" in event.summary and "聚乙烯树脂、聚丙烯树脂" in event.summary
    # Saving the same set again changes nothing and records nothing; leaving a level out removes it.
    set_scope_levels(draft, by=p.client_a, levels={"product": PRODUCT, "project": PROJECT})
    assert Event.objects.filter(action="application.scope_levels_set").count() == 1
    set_scope_levels(draft, by=p.client_a, levels={"project": PROJECT})
    assert list(draft.scope_levels.values_list("level", flat=True)) == ["project"]


@pytest.mark.parametrize("level,spec,key,field", [
    ("product", {"standard": "", "covers": ["甲"]}, "R5.b", "product_standard"),
    ("product", {"standard": "iso14067", "covers": []}, "R5.b", "product_covers"),
    ("project", {"standard": "methodology", "standard_name": "", "covers": ["甲"]}, "R5.c", "project_standard_name"),
    ("project", {"standard": "iso14064-2", "covers": "\n"}, "R5.c", "project_covers"),
    ("activity", {"standard": "gbt24067", "covers": ["年会"]}, "R5.d", "activity_standard"),
    ("activity", {"standard": "local", "standard_name": "GB/T 1-2020 标准化工作导则", "covers": ["年会"]}, "R5.d",
     "activity_standard_name"),
    ("activity", {"standard": "mee-event-guide", "covers": []}, "R5.d", "activity_covers"),
])
def test_a_level_without_its_standard_or_what_it_covers_is_refused(p, draft, rule, level, spec, key, field):
    set_scope_levels(draft, by=p.client_a, levels={"product": PRODUCT})
    with rule(key, field=field):
        set_scope_levels(draft, by=p.client_a, levels={"product": PRODUCT, level: spec})
    assert list(draft.scope_levels.values_list("level", flat=True)) == ["product"]  # nothing half-written


@pytest.mark.parametrize("level,key", [("product", "R5.b"), ("project", "R5.c"), ("activity", "R5.d")])
def test_an_incomplete_level_blocks_the_submission(p, draft, rule, level, key):
    # A level stored before the check existed (or whose standard left the catalogue) cannot be submitted.
    ScopeLevel.objects.create(application=draft, level=level, standard="withdrawn", covers=["甲"])
    assert key in {v.key for v in scopes.scope_problems(draft)}
    with rule(key, field=f"{level}_standard"):
        clients.submit_application(draft, by=p.client_a, declarant="张三 总经理", declared=True)


def test_only_the_client_changes_its_levels_and_only_in_a_draft(p, draft, rule):
    for user in (p.client_b, p.reviewer):
        with pytest.raises(PermissionDenied):
            set_scope_levels(draft, by=user, levels={"product": PRODUCT})
    set_scope_levels(draft, by=p.client_a, levels={"activity": EVENT})
    clients.submit_application(draft, by=p.client_a, declarant="张三 总经理", declared=True)
    with pytest.raises(RuleViolation, match="under review") as refused:  # the draft gate of the application data
        set_scope_levels(draft, by=p.client_a, levels={})
    assert refused.value.field == "status"
    assert scopes.level_codes(draft) == {"organisation", "activity"}


def test_the_page_shows_errors_at_the_top_and_on_the_field_and_keeps_the_input(p, draft):
    c = Client()
    c.force_login(p.client_a)
    url = f"/applications/{draft.pk}/scope-levels/"
    page = c.get(url).content.decode()
    assert "产品层面" in page and "GB/T 24067-2024" in page and 'id="scope-levels-form"' in page
    answer = c.post(url, {"product": "on", "product_standard": "", "product_covers": "聚乙烯树脂",
                          "activity": "on", "activity_standard": "group", "activity_standard_name": "年会标准",
                          "activity_covers": "年会"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'class="form-errors"' in html and html.count('data-rule="R5.b"') == 2  # the summary and the field
    assert 'data-rule="R5.d"' in html and "团体标准" in html
    assert "聚乙烯树脂" in html and "年会标准" in html  # the input is kept
    assert not draft.scope_levels.exists()
    answer = c.post(url, {"product": "on", "product_standard": "gbt24067", "product_covers": "聚乙烯树脂\n聚丙烯树脂",
                          "project_standard": "iso14064-2"})  # project not ticked: its choice is ignored
    assert answer.status_code == 302
    assert list(draft.scope_levels.values_list("level", "covers")) == [("product", ["聚乙烯树脂", "聚丙烯树脂"])]
    app_page = c.get(f"/applications/{draft.pk}/").content.decode()
    assert "聚丙烯树脂" in app_page and "产品层面" in app_page
    # Staff read the levels; the other client sees nothing; nobody else saves them.
    reviewer = Client()
    reviewer.force_login(p.reviewer)
    assert "聚丙烯树脂" in reviewer.get(url).content.decode()
    assert reviewer.post(url, {}).status_code == 403
    other = Client()
    other.force_login(p.client_b)
    assert other.get(url).status_code == 404


def test_the_api_reads_and_replaces_the_levels_with_keyed_errors(p, draft):
    _token, secret = create_api_token(p.client_a, "test", by=None)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"{API}/applications/{draft.pk}/scope-levels"

    def put(levels):
        return c.put(url, data={"levels": levels}, content_type="application/json")

    answer = put([{"level": "product", **PRODUCT}, {"level": "activity", "standard": "local",
                                                    "standard_name": "DB44/T 2639-2025 大型活动碳中和实施指南",
                                                    "covers": ["年会"]}])
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [lv["level"] for lv in body["levels"]] == ["organisation", "product", "activity"]
    assert body["levels"][1]["rule"] == "R5.b" and body["levels"][2]["standard_zh"].startswith("DB44/T 2639-2025")
    bad = put([{"level": "project", "standard": "iso14064-2", "covers": []}])
    assert bad.status_code == 422 and (bad.json()["rule"], bad.json()["field"]) == ("R5.c", "project_covers")
    twice = put([{"level": "product", **PRODUCT}, {"level": "product", **PRODUCT}])
    assert twice.status_code == 422 and twice.json()["rule"] == "R5.b"
    assert put([{"level": "organisation", "standard": "x", "covers": ["甲"]}]).status_code == 422
    assert put([{"level": "product", "standard": "gbt24067", "covers": ["长" * 201]}]).status_code == 422
    assert c.get(url).json()["levels"][1]["covers"] == PRODUCT["covers"]  # refused calls changed nothing
    catalogue = c.get(f"{API}/scope-levels/standards").json()
    assert [lv["rule"] for lv in catalogue] == ["R5.b", "R5.c", "R5.d"]
    _token, secret_b = create_api_token(p.client_b, "test", by=None)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret_b}").get(url).status_code == 404
