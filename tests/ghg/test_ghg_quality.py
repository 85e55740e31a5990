"""R6.1-a, R6.1-c and R6.3-sampling: one failing and one passing case each, the finding citing its
key and row; the new columns at import (errors naming sheet, row, column) and in the template."""

import pytest
from ghg_helpers import FULL_REVIEW, ds, rec

from tancert.ghg import InputError, calculate, check, load, run_checks
from tancert.ghg.freeze import canonical_inputs
from tancert.ghg.template import write_template

GOOD = dict(FULL_REVIEW, crosscheck_quantity=100, meter_id="M1",
            factor_justification="national default is the guideline's rule")
METER = [{"meter_id": "M1", "accuracy_pct": 2, "calibrated_on": "2020-01-01", "valid_until": "2030-12-31"}]
MEASURED = dict(GOOD, ncv=390, ncv_unit="GJ/10^4Nm3", factor_type="measured", factor_source="lab report",
                factor_monitoring_method="GB/T 13610", factor_monitoring_frequency="monthly",
                factor_recording_frequency="monthly", factor_missing_data_handling="default value")


def findings(*records, settings=None, **sheets):
    sheets.setdefault("meters", METER)
    f, _ = run_checks(calculate(ds(*records, settings=settings, **sheets)))
    return f


def messages(f, rule):
    return [x["message"] for x in f if x["rule"] == rule]


# R6.1-c — accuracy: activity data from the organisation's production and operation records

def test_r61c_estimate_without_justification_is_a_finding():
    f = findings(rec(**dict(GOOD, data_source="估算 estimated from last year")), rec(**GOOD),
                 rec(**dict(GOOD, data_source="行业平均值 industry average")))
    assert f.rows_for("R6.1-c") == {1, 3}
    [b] = [b for b in f.blocks if b.rule == "R6.1-c"]
    assert b.severity == "warning" and b.sheet == "活动数据 Activity" and "source_justification" in b.message


def test_r61c_passes_for_records_and_justified_estimates():
    f = findings(rec(**GOOD), rec(**dict(GOOD, data_source="抄表记录 meter reading")),
                 rec(**dict(GOOD, data_source="估算 estimate", source_justification="meter failed in March; "
                            "estimated from production output, approved by the energy manager")))
    assert "R6.1-c" not in f.rules()


# R6.1-a — technical representativeness: fuel / material type and technology of the source

SOURCES = {"sources": [{"source_id": "S1", "facility": "F1", "description": "boiler", "kind": "fuel",
                        "activity": "natural_gas", "technology": "燃气锅炉 gas boiler"}]}


def test_r61a_record_differing_from_the_declared_source_is_a_finding():
    f = findings(rec(**GOOD), rec(**dict(GOOD, activity="diesel", unit="t")),
                 rec(**dict(GOOD, factor_technology="gas turbine")), **SOURCES)
    assert f.rows_for("R6.1-a") == {2, 3}
    msgs = messages(f, "R6.1-a")
    assert any("'diesel'" in m and "'natural_gas'" in m for m in msgs)
    assert any("'gas turbine'" in m for m in msgs)
    assert all(b.severity == "warning" for b in f.blocks if b.rule == "R6.1-a")


def test_r61a_record_of_another_kind_than_the_declared_source():
    f = findings(rec(**GOOD), rec(**dict(GOOD, kind="electricity", activity="grid", unit="MWh", region="广东")),
                 sources=[{"source_id": "S1", "kind": "燃料燃烧"}])  # the Chinese list entry of fuel
    assert f.rows_for("R6.1-a") == {2}
    assert any("kind of source: record 'electricity'" in m and "'fuel'" in m for m in messages(f, "R6.1-a"))


def test_r61a_passes_when_the_record_matches_or_carries_no_technology():
    f = findings(rec(**GOOD), rec(**dict(GOOD, factor_technology="燃气锅炉  GAS boiler")),  # spacing and case
                 rec(**dict(GOOD, source_id="S2", activity="diesel", unit="t")), **SOURCES)  # S2 declares nothing
    assert "R6.1-a" not in f.rules()


# R6.3-sampling — sampling of measured emission-factor data

def test_r63_sampling_measured_factor_without_method_or_sample_count():
    f = findings(rec(**MEASURED),
                 rec(**dict(MEASURED, factor_sampling_method="per delivery batch, GB/T 13610")),
                 rec(**dict(MEASURED, factor_sampling_method="per batch", factor_samples=3)))
    assert f.rows_for("R6.3-sampling") == {1, 2}
    msgs = messages(f, "R6.3-sampling")
    assert sum("factor_sampling_method" in m for m in msgs) == 1 and sum("factor_samples" in m for m in msgs) == 2


def test_r63_sampling_passes_with_method_and_count_and_ignores_default_factors():
    supplier = dict(GOOD, kind="electricity", activity="supplier", unit="MWh", factor=0.5, factor_unit="tCO2/MWh",
                    factor_type="supplier", factor_tier="a")  # sampled by the supplier, not by the organisation
    f = findings(rec(**dict(MEASURED, factor_sampling_method="per batch", factor_samples=1)), rec(**GOOD),
                 rec(**supplier))
    assert "R6.3-sampling" not in f.rules()


COAL = dict(GOOD, kind="fuel", activity="coal", unit="t", period="2024", ncv=20.9, ncv_unit="GJ/t", cc=0.0265, of=0.93,
            factor_type="measured", factor_source="lab", factor_monitoring_method="GB/T 476",
            factor_monitoring_frequency="monthly", factor_recording_frequency="monthly",
            factor_missing_data_handling="guideline default", factor_sampling_method="daily composite, monthly analysis")


def test_r63_sampling_coal_carbon_content_below_monthly_under_the_power_guideline():
    power = {"method": "mee-power-2022", "gwp": "AR5"}
    f = findings(rec(**dict(COAL, factor_samples=4)), rec(**dict(COAL, source_id="S2", factor_samples=12)),
                 settings=power)
    assert f.rows_for("R6.3-sampling") == {1}
    [m] = messages(f, "R6.3-sampling")
    assert "monthly" in m and "4 samples for 12 month(s)" in m and "secondary" in m


def test_r63_sampling_coal_frequency_only_under_the_power_guideline():
    f = findings(rec(**dict(COAL, factor_samples=4)))  # iso14064-1: the reference gives no frequency
    assert "R6.3-sampling" not in f.rules()


# the new columns at import, in the template and in the frozen inputs

def test_factor_samples_must_be_a_whole_number_at_least_one():
    with pytest.raises(InputError) as e:
        ds(rec(factor_samples=0), rec(factor_samples=2.5), rec(factor_samples="many"), rec(factor_samples=3))
    errs = {(x.sheet, x.row, x.column) for x in e.value.errors}
    assert errs == {("活动数据 Activity", 1, "factor_samples"), ("活动数据 Activity", 2, "factor_samples"),
                    ("活动数据 Activity", 3, "factor_samples")}  # JSON records are numbered 1, 2, …


def test_template_carries_the_new_columns_and_imports_them(tmp_path):
    from python_calamine import CalamineWorkbook

    p = write_template(tmp_path / "t.xlsx", example=True)
    wb = CalamineWorkbook.from_path(str(p))
    act = wb.get_sheet_by_name("活动数据 Activity").to_python()
    for key, zh in (("source_justification", "数据来源说明"), ("factor_technology", "因子适用工艺/设备"),
                    ("factor_sampling_method", "因子抽样方法"), ("factor_samples", "因子样本数")):
        j = act[1].index(key)
        assert act[0][j] == zh
    src = wb.get_sheet_by_name("排放源 Sources").to_python()
    assert src[0][src[1].index("activity")] == "燃料/物料类型" and src[0][src[1].index("technology")] == "工艺/技术/设备类型"
    assert load(p).sources  # the example still imports with the wider Sources sheet


def test_sources_without_the_new_fields_keep_their_canonical_form():
    d = ds(rec(**GOOD), sources=[{"source_id": "S1", "facility": "F1"}])
    assert set(canonical_inputs(d)["sources"][0]) == {"source_id", "facility", "description", "kind", "category", "row"}
    d2 = ds(rec(**GOOD), sources=[{"source_id": "S1", "activity": "natural_gas"}])
    assert canonical_inputs(d2)["sources"][0]["activity"] == "natural_gas"


def test_check_json_lists_the_new_findings():
    r = check(ds(rec(**dict(GOOD, data_source="estimate")), rec(**dict(GOOD, factor_technology="turbine")), **SOURCES,
                 meters=METER))
    rules = {x["rule"] for x in r.to_json()["findings"]}
    assert {"R6.1-a", "R6.1-c"} <= rules
