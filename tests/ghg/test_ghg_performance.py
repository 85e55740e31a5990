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
