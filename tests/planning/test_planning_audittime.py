"""Audit-time calculator: one hand-computed case per branch, bad inputs, policy loading, properties."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tancert.planning import audittime as at
from tancert.planning.audittime import (
    ClientProfile,
    OtherFactor,
    OtherSystem,
    PolicyError,
    calculate,
    check_combined_time,
    combined_time,
    load_policy,
    sample_size,
    sites_to_visit,
)
from tancert.scheme.violations import RuleViolation


def calc(audit_type="initial", employees=10, **kw):
    return calculate(ClientProfile(audit_type=audit_type, employees=employees, **kw))


def codes(result):
    return [ln.code for ln in result.lines]


# --- base and the table -------------------------------------------------------------------------


@pytest.mark.parametrize("audit_type, days", [("initial", 4), ("surveillance", 2), ("recertification", 3)])
def test_planning_base_days_for_small_single_site_client(audit_type, days):
    r = calc(audit_type)
    assert r.total_days == D(days) == r.base_days
    assert r.lines[0].source == "RB"
    assert r.onsite_days == D(days) and r.offsite_days == 0


def test_planning_initial_split_into_stages():
    r = calc()
    assert (r.stage1_days, r.stage2_days) == (D(1), D(3))  # max(1, round(4 × 0.25))
    assert calc("surveillance").stage1_days is None


@pytest.mark.parametrize("employees, days", [(25, "4"), (26, "4.5"), (65, "4.5"), (120, "5"), (1000, "6"),
                                             (10001, "10")])
def test_planning_employee_bands(employees, days):
    assert calc(employees=employees).total_days == D(days)


def test_planning_sites_sampled_per_md1_initial():
    # 10 sites: x = 9 others, ⌈√9⌉ = 3 sampled + central = 4 visited → 3 × 0.5 = +1.5
    r = calc(sites=10)
    assert (r.sites_visited, r.total_days) == (4, D("5.5"))
    assert r.random_sites_min == 1  # ⌈25 % × 3⌉


def test_planning_sites_surveillance_takes_a_third_of_the_increase():
    # ⌈0.6 × 3⌉ = 2 sampled → 3 visited → +1; surveillance adds 1/3: 2 + 1/3 = 2.33 → 2.5
    r = calc("surveillance", sites=10)
    assert r.sites_visited == 3
    assert r.total_days == D("2.5")
    assert "type_factor" in codes(r)


def test_planning_sites_recertification_takes_two_thirds():
    # ⌈0.8 × 3⌉ = 3 sampled → 4 visited → +1.5 × 2/3 = +1 → 4
    r = calc("recertification", sites=10)
    assert (r.sites_visited, r.total_days) == (4, D(4))


def test_planning_sites_without_sampling_are_all_visited():
    r = calc(sites=3, sampling_allowed=False)
    assert (r.sites_visited, r.total_days) == (3, D(5))


def test_planning_scope_levels_and_technical_areas():
    # product + project beyond organisation: +1; two areas: +0.5
    r = calc(scope_levels=frozenset({"organisation", "product", "project"}), technical_areas=frozenset({8, 1}))
    assert r.total_days == D("5.5")
    zh = "\n".join(r.justification("zh"))
    assert "钢铁" in zh and "产品" in zh


def test_planning_emission_facility_complexity():
    # 20 significant sources +1; 5 kinds (3 included) +0.5; process +0.5; 4 CEMS +1 → 7
    r = calc(significant_sources=20, source_kinds=frozenset("abcde"), process_emissions=True,
             continuous_measurement_systems=4)
    assert r.total_days == D(7)
    assert {"significant_sources", "source_kinds", "process_emissions", "continuous_measurement"} <= set(codes(r))


def test_planning_source_kinds_increase_is_capped():
    assert calc(source_kinds=frozenset("abcdefghij")).total_days == D(5)  # min(1, 7 × 0.25)


def test_planning_young_cms_adds_ten_percent():
    assert calc(employees=120, cms_months=6).total_days == D("5.5")  # table 5 + 0.5


def test_planning_certified_enms_reduces_ten_percent():
    assert calc(employees=120, certified_systems=frozenset({"ISO 50001"})).total_days == D("4.5")


def test_planning_reduction_never_below_base():
    r = calc("surveillance", certified_systems=frozenset({"EMS"}))
    assert r.total_days == D(2)
    assert "base_floor" in codes(r)
    assert next(ln for ln in r.lines if ln.code == "base_floor").source == "RB"


def test_planning_reductions_capped_at_thirty_percent():
    # 6000 employees: table 4 + 5 = 9; −4 other factor → 5 < 70 % × 9 = 6.3 → 6.3 → 6.5
    r = calc(employees=6000, other_factors=(OtherFactor(D(-4), "远程办公为主", "mostly remote work"),))
    assert "reduction_cap" in codes(r)
    assert r.total_days == D("6.5")


def test_planning_other_factor_with_reason_adds_days():
    r = calc(other_factors=(OtherFactor(D("1.5"), "高危场所安全培训", "safety induction at hazardous sites"),))
    assert r.total_days == D("5.5")
    assert any("高危场所安全培训" in line for line in r.justification("zh"))


def test_planning_round_to_nearest_half_day():
    assert at.round_half_day(Fraction(224, 100)) == 2
    assert at.round_half_day(Fraction(225, 100)) == Fraction(5, 2)
    assert at.round_half_day(Fraction(275, 100)) == 3
    assert at.ceil_half_day(Fraction(801, 100)) == Fraction(17, 2)


def test_planning_offsite_share_limited_to_twenty_percent():
    r = calc(employees=120, offsite_days=D(1))  # 5 days, on site ≥ 4
    assert (r.onsite_days, r.offsite_days) == (D(4), D(1))
    with pytest.raises(RuleViolation) as e:
        calc(employees=120, offsite_days=D("1.5"))
    assert e.value.key == "R7.3.3" and e.value.field == "offsite_days"


# --- combined audits (R10-time) -------------------------------------------------------------------


def test_planning_combined_default_reduction():
    r = calc(other_systems=(OtherSystem("ISO 9001", D(6)),))
    c = r.combined
    assert (c.separate_sum, c.minimum, c.planned) == (D(10), D(8), D(9))
    assert r.planned_days == D(9) and r.total_days == D(4)
    assert r.lines[-1].source == "R10-time"


def test_planning_combined_below_eighty_percent_refused():
    with pytest.raises(RuleViolation) as e:
        calc(other_systems=(OtherSystem("ISO 9001", D(6)),), proposed_combined_days=D("7.5"))
    assert e.value.key == "R10-time"
    assert "80%" in e.value.message_en and "7.5" in e.value.message_en


def test_planning_combined_exactly_eighty_percent_accepted():
    c = combined_time(D(4), [OtherSystem("ISO 14001", D(6))], proposed=D(8))
    assert c.planned == D(8) and c.reduction_percent == D(20)


def test_planning_check_combined_time():
    check_combined_time([D(4), D(6), D(5)], D(12))
    with pytest.raises(RuleViolation) as e:
        check_combined_time([D(4), D(6), D(5)], D("11.5"))
    assert e.value.key == "R10-time"


# --- multi-site sampling (IAF MD1) ----------------------------------------------------------------


@pytest.mark.parametrize("x, initial, surveillance, recert", [
    (0, 0, 0, 0), (1, 1, 1, 1), (2, 2, 1, 2), (9, 3, 2, 3), (25, 5, 3, 4), (100, 10, 6, 8), (101, 11, 7, 9)])
def test_planning_md1_sample_sizes(x, initial, surveillance, recert):
    assert [sample_size(x, t) for t in ("initial", "surveillance", "recertification")] == [initial, surveillance,
                                                                                           recert]


def test_planning_central_function_always_visited():
    assert sites_to_visit(1, "surveillance") == 1
    assert sites_to_visit(3, "surveillance") == 2  # central + ⌈0.6·√2⌉ = 1 + 1
    assert sites_to_visit(3, "initial") == 3  # central + ⌈√2⌉ = 1 + 2


# --- bad input ----------------------------------------------------------------------------------


def test_planning_negative_employee_count_refused():
    with pytest.raises(RuleViolation) as e:
        calc(employees=-5)
    assert e.value.key == "R7.3.1" and e.value.field == "employees"


@pytest.mark.parametrize("sites", [-1, 0])
def test_planning_negative_or_zero_sites_refused(sites):
    with pytest.raises(RuleViolation) as e:
        calc(sites=sites)
    assert e.value.key == "R7.3.1" and e.value.field == "sites"


def test_planning_negative_sites_refused_by_sampling():
    with pytest.raises(RuleViolation) as e:
        sample_size(-2, "initial")
    assert e.value.key == "R7.3.1"


def test_planning_unknown_audit_type_and_area_refused():
    with pytest.raises(RuleViolation) as e:
        calc("special")
    assert e.value.key == "RB"
    with pytest.raises(RuleViolation) as e:
        calc(technical_areas=frozenset({99}))
    assert e.value.key == "RA"


def test_planning_other_factor_needs_a_reason():
    with pytest.raises(RuleViolation) as e:
        calc(other_factors=(OtherFactor(D(1), "  "),))
    assert e.value.key == "R7.3.3"


# --- justification and serialisation ------------------------------------------------------------


SOURCE = re.compile(r"^(R[\w.\-]+|RA|RB|IAF MD(1|5|11)|body policy)$")


def test_planning_every_line_has_a_source_and_both_languages():
    r = calc(employees=500, sites=4, technical_areas=frozenset({8, 10}), process_emissions=True,
             other_systems=(OtherSystem("ISO 50001", D(5)),))
    for line in r.lines:
        assert SOURCE.match(line.source), line
        assert re.search(r"[\u4e00-\u9fff]", line.zh), line.zh
        assert line.en and not re.search(r"[\u4e00-\u9fff]", line.en), line.en
    assert r.lines[-1].total == r.planned_days
    assert r.justification("zh")[0].endswith("〔RB〕") and r.justification("en")[0].endswith("[RB]")


def test_planning_profile_from_json_and_result_as_dict():
    data = {"audit_type": "initial", "employees": 120, "sites": 10, "technical_areas": [8],
            "other_systems": [{"name": "ISO 9001", "days": 6}], "proposed_combined_days": "10"}
    r = calculate(ClientProfile.from_dict(json.loads(json.dumps(data))))
    d = json.loads(json.dumps(r.as_dict(), ensure_ascii=False))
    # 120 employees +1, 10 sites (4 visited) +1.5 → 6.5; combined with 6: sum 12.5, 80 % = 10
    assert (d["total_days"], d["planned_days"], d["combined"]["minimum"]) == ("6.5", "10", "10")
    assert d["lines"][0]["source"] == "RB"
    with pytest.raises(RuleViolation) as e:
        ClientProfile.from_dict({"audit_type": "initial", "employees": 1, "staff": 3})
    assert e.value.key == "R7.3.1"


# --- policy -------------------------------------------------------------------------------------


def test_planning_default_policy_is_marked_as_product_default():
    p = load_policy()
    assert p.version.startswith("default-")
    assert "PRODUCT DEFAULT" in p.raw["status"]


def _copy_policy(tmp_path, **changes):
    data = json.loads(at.DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        node = data
        for part in path:
            node = node[part]
        node[last] = value
    target = tmp_path / "policy.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_planning_policy_from_env_var(tmp_path, monkeypatch):
    path = _copy_policy(tmp_path, version="body-2027", **{"facilities.process_emissions": "1.5"})
    monkeypatch.setenv("TANCERT_AUDIT_TIME_POLICY", str(path))
    assert load_policy().version == "body-2027"
    assert calc(process_emissions=True).total_days == D("5.5")
    assert calc(process_emissions=True).policy_version == "body-2027"


def test_planning_policy_from_django_setting(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("TANCERT_AUDIT_TIME_POLICY", raising=False)
    settings.TANCERT_AUDIT_TIME_POLICY = str(_copy_policy(tmp_path, version="from-setting"))
    assert load_policy().version == "from-setting"


@pytest.mark.parametrize("change", [{"onsite.min_share": "0.7"}, {"combined.default_reduction": "0.25"},
                                    {"maturity.max_reduction_percent": "40"}, {"sites.per_additional_visited_site": "-1"}])
def test_planning_policy_cannot_break_the_rules(tmp_path, change):
    with pytest.raises(PolicyError):
        load_policy(_copy_policy(tmp_path, **change))


# --- properties ---------------------------------------------------------------------------------

profiles = st.builds(
    ClientProfile,
    audit_type=st.sampled_from(["initial", "surveillance", "recertification"]),
    employees=st.integers(0, 50_000),
    sites=st.integers(1, 400),
    sampling_allowed=st.booleans(),
    scope_levels=st.frozensets(st.sampled_from(at.SCOPE_LEVELS)),
    technical_areas=st.frozensets(st.integers(1, 21), max_size=4),
    significant_sources=st.integers(0, 200),
    source_kinds=st.frozensets(st.sampled_from(list("abcdefgh"))),
    process_emissions=st.booleans(),
    continuous_measurement_systems=st.integers(0, 10),
    cms_months=st.none() | st.integers(0, 120),
    certified_systems=st.frozensets(st.sampled_from(["EMS", "EnMS", "ISO 9001"])),
    other_factors=st.lists(st.builds(OtherFactor, st.decimals("-5", "5", places=1), st.just("理由")), max_size=2)
    .map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_planning_property_never_below_base(profile):
    r = calculate(profile)
    assert r.total_days >= r.base_days
    assert r.total_days * 2 == int(r.total_days * 2)  # on a half day
    assert r.onsite_days >= r.total_days * D("0.8")
    assert 1 <= r.sites_visited <= profile.sites


@settings(max_examples=300, deadline=None)
@given(st.decimals("0.5", "40", places=1), st.lists(st.decimals("0.5", "40", places=1), min_size=1, max_size=4),
       st.none() | st.decimals("0", "200", places=1))
def test_planning_property_combined_never_below_eighty_percent(cms, others, proposed):
    systems = [OtherSystem(f"MS{i}", d) for i, d in enumerate(others)]
    total = cms + sum(others)
    try:
        c = combined_time(cms, systems, proposed)
    except RuleViolation as e:
        assert e.key == "R10-time"
        assert proposed is not None and proposed < total * D("0.8")
        return
    assert c.planned >= total * D("0.8")
    assert c.minimum >= total * D("0.8")


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 100_000), st.sampled_from(["initial", "surveillance", "recertification"]))
def test_planning_property_sample_never_more_than_sites(x, audit_type):
    n = sample_size(x, audit_type)
    assert 0 <= n <= x
    assert (n >= 1) == (x >= 1)
    visited = sites_to_visit(x + 1, audit_type)
    assert 1 <= visited <= x + 1
