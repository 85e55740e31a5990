"""Engine defects found by an independent check: geography inside a named table, non-finite numbers,
duplicate records, Chinese unit messages, the meter's measurement class (R6.2-tiers) and the AR6
fossil-methane GWP."""

import json
import math

import pytest
from ghg_helpers import FULL_REVIEW, ds, rec

from tancert.ghg import InputError, calculate, run_checks
from tancert.ghg.cli import main
from tancert.ghg.library import default_library

GOOD = dict(FULL_REVIEW, crosscheck_quantity=100, meter_id="M1",
            factor_justification="national default is the guideline's rule")
METER = [{"meter_id": "M1", "accuracy_pct": 2, "calibrated_on": "2020-01-01", "valid_until": "2030-12-31"}]


def findings(*records, settings=None, **sheets):
    sheets.setdefault("meters", METER)
    f, _ = run_checks(calculate(ds(*records, settings=settings, **sheets)))
    return f


def errors_of(*records, settings=None, **sheets):
    with pytest.raises(InputError) as exc:
        ds(*records, settings=settings, **sheets)
    return exc.value.errors


# ----- geography inside a named factor table

@pytest.mark.parametrize("table, region, value, geography", [
    ("MEE-NBS-ELEC-2023", "广东", 0.4419, "广东"),
    ("MEE-NBS-ELEC-2022", "北京", 0.6776, "华北"),
    ("MEE-NBS-ELEC-2023", None, 0.5306, "CN"),
])
def test_a_named_table_keeps_province_region_national(table, region, value, geography):
    r = default_library().resolve("electricity:grid", "EF", year=2023, region=region, table=table)
    assert (r.factor.value, r.factor.geography, r.factor.table_id) == (value, geography, table), r.reason


def test_a_declared_national_default_in_a_named_table_raises_no_r63_default():
    row = rec(kind="electricity", activity="grid", quantity=100, unit="MWh", period="2023-01",
              factor_table="MEE-NBS-ELEC-2023", factor_type="default", factor=0.5306, factor_unit="kgCO2/kWh", **GOOD)
    f = findings(row, settings={"reporting_year": 2023})
    assert "R6.3-default" not in f.rules()
    inv = calculate(ds(row, settings={"reporting_year": 2023}))
    assert inv.summary()["total_tco2e"] == pytest.approx(53.06)


# ----- non-finite numbers are refused with their cell

NON_FINITE = ["NaN", "nan", "inf", "-inf", "1e999", "Infinity", float("nan"), float("inf")]


@pytest.mark.parametrize("text", NON_FINITE)
@pytest.mark.parametrize("column, extra", [("quantity", {}), ("factor", {"factor_unit": "tCO2/10^4Nm3"}),
                                           ("ncv", {"ncv_unit": "GJ/10^4Nm3"})])
def test_non_finite_numbers_are_refused_with_their_cell(text, column, extra):
    errs = errors_of(rec(), rec(**{column: text}, **extra))
    [e] = [e for e in errs if e.column == column]
    assert e.row == 2 and e.sheet
    assert "finite" in e.message and "有限" in e.message_zh
    assert "第 2 行，列 " + column in e.text("zh")


def test_non_finite_numbers_in_other_sheets_are_refused():
    errs = errors_of(rec(), meters=[{"meter_id": "M1", "accuracy_pct": "NaN", "valid_until": "2030-12-31"}])
    assert [(e.column, "有限" in e.message_zh) for e in errs] == [("accuracy_pct", True)]


def _strict(text):
    def refuse(c):
        raise ValueError(f"not JSON: {c}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("column, text", [("quantity", "NaN"), ("factor", "inf"), ("quantity", "1e999")])
def test_json_output_is_valid_json_for_non_finite_input(tmp_path, capsys, column, text):
    row = rec(**{column: text}, **({"factor_unit": "tCO2/10^4Nm3"} if column == "factor" else {}))
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"settings": {"reporting_year": 2024}, "activity": [row]}), encoding="utf-8")
    assert main(["check", str(p), "--json"]) == 1
    out = _strict(capsys.readouterr().out)
    assert out["error"] == "bad input" and out["errors"][0]["column"] == column


def test_an_overflowing_result_is_refused_not_printed_as_inf(tmp_path, capsys):
    p = tmp_path / "big.json"
    p.write_text(json.dumps({"settings": {"reporting_year": 2024},
                             "activity": [rec(quantity=1e307), rec(quantity=1e307)]}), encoding="utf-8")
    assert main(["check", str(p), "--json"]) == 1
    out = _strict(capsys.readouterr().out)
    assert out["errors"][0]["column"] == "quantity"


# ----- duplicate records

def test_identical_records_are_a_finding_not_silently_summed():
    f = findings(rec(**GOOD), rec(**GOOD), rec(**dict(GOOD, period="2024-02")), rec(**dict(GOOD, meter_id="")))
    assert f.rows_for("R6.2-review") == {1, 2}
    [x] = [x for x in f if x["rule"] == "R6.2-review" and x["row"] == 2]
    assert "duplicate" in x["message"] and "重复" in x["message_zh"] and "1" in x["message"]


def test_same_quantity_with_another_meter_or_activity_is_not_a_duplicate():
    f = findings(rec(**GOOD), rec(**dict(GOOD, meter_id="M2")), rec(**dict(GOOD, activity="diesel", unit="t")),
                 meters=METER + [dict(METER[0], meter_id="M2")])
    assert "R6.2-review" not in f.rules()


def test_duplicates_among_many_records_are_found_exactly():
    import numpy as np

    rng = np.random.default_rng(7)
    recs = [rec(quantity=float(x), period=f"2024-{i % 12 + 1:02d}", **GOOD)
            for i, x in enumerate(rng.uniform(1, 100, 6000))]
    recs += [dict(recs[10]), dict(recs[4321]), dict(recs[20], quantity=5.0), dict(recs[21], quantity=5.0)]
    f = findings(*recs)
    assert f.rows_for("R6.2-review") == {11, 6001, 4322, 6002}  # the last two differ in period


# ----- unit-parser messages in Chinese

@pytest.mark.parametrize("column, extra", [("unit", {}), ("factor_unit", {"factor": 1}), ("ncv_unit", {"ncv": 1})])
def test_unit_messages_are_chinese_in_chinese_text(column, extra):
    errs = errors_of(rec(**{column: "xyz"}, **extra))
    [e] = [e for e in errs if e.column == column]
    assert "xyz" in e.message_zh
    for english in ("unknown", "unit", "factor", "must be"):
        assert english not in e.message_zh.replace("'xyz'", ""), e.message_zh
    assert "unknown" in e.message


# ----- the meter's measurement class feeds R6.2-tiers

def test_an_estimated_record_from_a_continuous_meter_is_a_finding():
    meters = [dict(METER[0], measurement_class="continuous")]
    est = dict(GOOD, data_class="estimated", class_justification="meter reading lost")
    f = findings(rec(**est), rec(**dict(est, meter_id="")), rec(**GOOD), meters=meters)
    assert f.rows_for("R6.2-tiers") == {1}
    [x] = [x for x in f if x["rule"] == "R6.2-tiers"]
    assert "M1" in x["message"] and "连续测量" in x["message_zh"]


def test_measurement_class_is_validated_and_accepts_chinese():
    errs = errors_of(rec(), meters=[dict(METER[0], measurement_class="sometimes")])
    assert [e.column for e in errs] == ["measurement_class"]
    d = ds(rec(), meters=[dict(METER[0], measurement_class="连续测量")])
    assert d.meters["M1"].measurement_class == "continuous"


def test_template_meters_sheet_has_the_measurement_class(tmp_path):
    from python_calamine import CalamineWorkbook

    from tancert.ghg.template import write_template

    p = tmp_path / "t.xlsx"
    write_template(p, example=True)
    wb = CalamineWorkbook.from_path(str(p))
    name = next(n for n in wb.sheet_names if n.endswith("Meters"))
    grid = wb.get_sheet_by_name(name).to_python()
    j = grid[1].index("measurement_class")
    assert grid[0][j] == "测量类别"


# ----- AR6: fossil methane

@pytest.mark.parametrize("row, gwp", [
    (rec(kind="fugitive", activity="CH4", quantity=1, unit="t"), 29.8),
    (rec(kind="fugitive", activity="CH4", quantity=1, unit="t", biogenic="yes"), 27.0),
    (rec(kind="fuel", activity="diesel", quantity=1, unit="t", factor=1, factor_unit="tCH4/t"), 29.8),
    (rec(kind="other", activity="wastewater", quantity=1, unit="t", factor=1, factor_unit="tCH4/t", category=6,
         biogenic="yes"), 27.0),
    (rec(kind="other", activity="landfill", quantity=1, unit="t", factor=1, factor_unit="tCH4/t", category=6), 27.9),
])
def test_ar6_methane_takes_the_fossil_or_non_fossil_value(row, gwp):
    inv = calculate(ds(row, settings={"gwp": "AR6"}))
    s = inv.summary()
    assert s["total_tco2e"] == pytest.approx(gwp) and set(s["by_gas"]) == {"CH4"}
    assert inv.trace(0)["gwp"] == gwp
    assert math.isclose(calculate(ds(row, settings={"gwp": "AR5"})).summary()["total_tco2e"], 28)


def test_json_output_of_the_worked_example_is_strict_json(tmp_path, capsys):
    from tancert.ghg.example import example_dataset

    p = tmp_path / "ex.json"
    p.write_text(json.dumps(example_dataset(), ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(p), "--json", "--monte-carlo", "200"]) == 2
    out = _strict(capsys.readouterr().out)
    assert out["total_tco2e"] == pytest.approx(5985.8, abs=0.05)


# ----- coverage: what is not shipped says why

def test_every_value_not_shipped_states_why_and_its_candidates():
    gaps = default_library().gaps()
    nulls = [g for g in gaps if g["candidates"]]
    assert len(nulls) == 9
    for g in gaps:
        assert g["reason"].startswith("not shipped") or "reference folder gives no" in g["reason"], g
        assert "reference" in g["reason"]
    assert any(g["gas"] == "CH4, N2O" and g["activity"] == "fuel:*" for g in gaps)


def test_factors_gaps_command(capsys):
    assert main(["factors", "--gaps", "--json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert {(g["activity"], g["parameter"]) for g in out} >= {("fuel:lng", "NCV"), ("fuel:coke_oven_gas", "CC")}


def test_docs_list_every_value_not_shipped():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "ghg.md").read_text(encoding="utf-8")
    for g in default_library().gaps():
        if g["candidates"]:
            assert f"`{g['activity']}` {g['parameter']}" in doc, g
