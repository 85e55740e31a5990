"""Baseline, intensity, targets and base-year recalculation (R7.4.2-F4/F7, R7.5.1)."""

import pytest
from ghg_helpers import ds, rec

from tancert.ghg import calculate, evaluate

NG = 2162.188809  # tCO2 of 100 ×10⁴Nm³ natural gas


def perf(records, **sheets):
    return evaluate(calculate(ds(*records, settings={"reporting_year": 2024, "base_year": 2020, **sheets.pop("s", {})},
                                 **sheets)))


def test_change_vs_baseline_and_target_achievement():
    p = perf([rec(period="2020-01", quantity=100), rec(period="2024-01", quantity=90)],
             targets=[{"target_id": "T1", "indicator": "absolute", "base_year": 2020, "target_year": 2025,
                       "reduction_pct": 20}])
    assert p.baseline_used == pytest.approx(NG) and p.change_vs_base_pct == pytest.approx(-10.0)
    t = p.targets[0]
    assert t["achieved_reduction_pct"] == pytest.approx(10.0) and t["achievement_pct"] == pytest.approx(50.0)
    assert t["status"] == "behind"  # 16% expected after 4 of 5 years
    assert any("[R7.4.2-F7]" in s and "T1" in s for s in p.statements)
    assert any("[R7.5.1]" in s for s in p.statements)


def test_intensity_indicator_and_target():
    out = [{"product": "cement", "year": 2020, "quantity": 1000, "unit": "t"},
           {"product": "cement", "year": 2024, "quantity": 1200, "unit": "t"}]
    p = perf([rec(period="2020-01"), rec(period="2024-01")], output=out,
             targets=[{"target_id": "I1", "indicator": "intensity:cement", "base_year": 2020, "target_year": 2024,
                       "reduction_pct": 10}])
    ind = p.indicators[1]
    assert ind["values"]["2024"] == pytest.approx(NG / 1200)
    assert p.targets[0]["status"] == "achieved"  # 16.7% lower intensity


def test_base_year_recalculated_for_a_divested_facility():
    p = perf([rec(facility="A", period="2020-01"), rec(facility="B", period="2020-01"), rec(facility="A", period="2024-01")],
             boundary_changes=[{"facility": "B", "change": "divested", "year": 2022}])
    assert p.recalculation["applied"] and p.baseline == pytest.approx(2 * NG)
    assert p.baseline_used == pytest.approx(NG) and p.change_vs_base_pct == pytest.approx(0.0, abs=1e-9)


def test_acquisition_below_threshold_is_not_applied():
    p = perf([rec(period="2020-01"), rec(period="2024-01")],
             boundary_changes=[{"facility": "C", "change": "acquired", "year": 2023, "base_year_tco2e": 50}])
    assert not p.recalculation["applied"] and p.recalculation["change_pct"] == pytest.approx(50 / NG * 100)
    assert p.baseline_used == pytest.approx(NG)


def test_missing_base_year_data_is_noted():
    p = perf([rec(period="2024-01")])
    assert p.baseline is None and any("base year 2020" in n for n in p.notes)


# ---------------------------------------------------------------- recalculation triggers (ISO 14064-1 §6.4.1)

def test_methodology_change_with_given_correction_is_applied_above_threshold():
    # base 2020: NG = 2,162.188809; correction −150 → 2,012.188809 = −6.937 % ≥ 5 % → recalculated
    p = perf([rec(period="2020-01"), rec(period="2024-01")],
             boundary_changes=[{"change": "methodology", "year": 2023, "base_year_tco2e": -150,
                                "note": "CC default revised"}])
    rc = p.recalculation
    assert rc["applied"] and rc["restated"] == pytest.approx(NG - 150)
    assert rc["change_pct"] == pytest.approx(-150 / NG * 100) and round(rc["change_pct"], 3) == -6.937
    assert [t["trigger"] for t in rc["triggers"]] == ["methodology"]
    assert "change in methodology or emission factors" in rc["statement"] and "reaches the 5%" in rc["statement"]
    assert p.baseline_used == pytest.approx(2012.188809)
    assert any("方法学或排放因子变更" in x and "[R7.4.2-F4]" in x for x in p.statements)


def test_significant_error_below_and_above_a_settable_threshold():
    # +80 t on 2,162.188809 = +3.69995 %: below the default 5 %, above a 3 % threshold
    changes = [{"change": "error", "year": 2024, "base_year_tco2e": 80, "note": "meter read twice"}]
    p = perf([rec(period="2020-01"), rec(period="2024-01")], boundary_changes=changes)
    assert not p.recalculation["applied"] and round(p.recalculation["change_pct"], 5) == 3.69995
    assert p.baseline_used == pytest.approx(NG) and "below the 5% significance" in p.recalculation["statement"]
    assert any("发现重大错误" in x and "不重算" in x for x in p.statements)
    p3 = perf([rec(period="2020-01"), rec(period="2024-01")], boundary_changes=changes,
              s={"recalculation_threshold_pct": 3})
    assert p3.recalculation["applied"] and p3.baseline_used == pytest.approx(NG + 80)
    assert p3.recalculation["threshold_pct"] == 3
    inv = calculate(ds(rec(period="2020-01"), rec(period="2024-01"), boundary_changes=changes,
                       settings={"reporting_year": 2024, "base_year": 2020}))
    assert evaluate(inv, threshold_pct=3.0).recalculation["applied"]


def test_emission_factor_change_computed_by_the_engine():
    # 1,000 MWh in 广东: 2020 uses the MEE reporting grid factor 0.6101 → 610.1 t; with the 2024
    # factors (广东 2023 provincial 0.4419) → 441.9 t: correction −168.2 t = −27.57 % → recalculated
    e = {"kind": "electricity", "activity": "grid", "quantity": 1000, "unit": "MWh", "region": "广东"}
    p = perf([rec(period="2020-01", **e), rec(period="2024-01", **e)],
             boundary_changes=[{"change": "methodology", "year": 2024, "note": "new grid factor table"}])
    rc = p.recalculation
    assert p.baseline == pytest.approx(610.1)
    assert rc["changes"][0]["computed"] and rc["changes"][0]["base_year_tco2e"] == pytest.approx(-168.2)
    assert rc["applied"] and p.baseline_used == pytest.approx(441.9)
    assert p.change_vs_base_pct == pytest.approx(0.0, abs=1e-9)


def test_triggers_accumulate_and_each_is_named():
    # divest B (−NG) and an error (+100): −2,062.188809 on 2·NG = −47.69 %
    p = perf([rec(facility="A", period="2020-01"), rec(facility="B", period="2020-01"), rec(facility="A", period="2024-01")],
             boundary_changes=[{"facility": "B", "change": "divested", "year": 2022},
                               {"change": "error", "year": 2024, "base_year_tco2e": 100}])
    rc = p.recalculation
    assert {t["trigger"]: round(t["change_tco2e"], 6) for t in rc["triggers"]} == {"structural": round(-NG, 6),
                                                                                   "error": 100.0}
    assert rc["restated"] == pytest.approx(NG + 100) and rc["change_pct"] == pytest.approx((100 - NG) / (2 * NG) * 100)
    assert "structural change" in rc["statement"] and "significant error" in rc["statement"]


def test_unknown_change_is_rejected():
    from tancert.ghg import InputError

    with pytest.raises(InputError, match="change must be one of"):
        perf([rec(period="2020-01")], boundary_changes=[{"facility": "B", "change": "merged", "year": 2022}])
