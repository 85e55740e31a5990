"""Fraud and anomaly screening (tancert.ghg.screening): each check passes a clean series, flags an
injected anomaly with its rule key and row, forces the rows into the R6.2 sample with the reason;
the LabReports sheet is read as strictly as the other sheets."""

import pytest
from ghg_helpers import ds, rec

from tancert.ghg import calculate, run_checks
from tancert.ghg.errors import InputError
from tancert.ghg.screening import hampel, series_flags, too_round

# a clean monthly series: seasonal, noisy, five significant digits
CLEAN = [103.27, 98.614, 95.102, 90.377, 86.921, 84.556, 85.903, 88.417, 92.736, 97.158, 101.49, 104.83]


def monthly(values, **kw):
    return [rec(period=f"2024-{m:02d}", quantity=v, **kw) for m, v in enumerate(values, start=1)]


def screened(*records, **sheets):
    f, sample = run_checks(calculate(ds(*records, **sheets)))
    return f, sample


def screening_blocks(f, word):
    return [b for b in f.blocks if "screening" in b.message and word in b.message]


def lab(m, **kw):
    base = {"report_id": f"R{m:02d}", "source_id": "S1", "period": f"2024-{m:02d}", "parameter": "ncv",
            "value": 389.31 + m / 10, "unit": "GJ/10^4Nm3", "sampled_on": f"2024-{m:02d}-10",
            "tested_on": f"2024-{m:02d}-12", "issued_on": f"2024-{m:02d}-15", "used_on": f"2024-{m:02d}-25"}
    base.update(kw)
    return base


def test_a_clean_series_and_clean_reports_raise_no_screening_finding():
    f, sample = screened(*monthly(CLEAN), lab_reports=[lab(m) for m in range(1, 13)])
    assert not [b for b in f.blocks if "screening" in b.message]
    assert sample.forced == {}


def test_an_outlier_month_is_flagged_and_forced_into_the_sample_with_why():
    values = list(CLEAN)
    values[6] = values[6] * 2.4  # record 7 (July; JSON input numbers records 1, 2, …)
    f, sample = screened(*monthly(values))
    (b,) = screening_blocks(f, "outlier")
    assert b.rule == "R6.2-crosscheck" and b.rows.tolist() == [7] and "07:" in b.message
    assert "异常值" in b.message_zh
    assert list(sample.forced) == [7] and sample.forced[7][0]["rule"] == "R6.2-crosscheck"
    assert "异常值" in sample.forced[7][0]["message_zh"]
    assert 6 in sample.index.tolist()  # the record's position joins the random draw


def test_a_constant_series_is_flagged():
    f, sample = screened(*monthly([250.0] * 12))
    (b,) = screening_blocks(f, "constant")
    assert len(b) == 12 and "恒定" in b.message_zh
    assert sorted(sample.forced) == list(range(1, 13))


def test_a_too_round_series_is_flagged_and_a_precise_one_is_not():
    assert too_round([420, 380, 1300, 8.5, 0.66, 12]) is True
    assert too_round([421, 380]) is False
    f, _ = screened(*monthly([float(f"{v:.2g}") for v in CLEAN]))
    (b,) = screening_blocks(f, "too-round")
    assert b.rule == "R6.2-crosscheck" and len(b) == 12


def test_short_series_are_not_screened():
    out, const, rnd = series_flags([100.0] * 5)
    assert not out.any() and not const and not rnd


def test_hampel_floor_keeps_a_flat_series_with_small_wiggles_clean():
    assert not hampel([100.0] * 11 + [101.0]).any()
    assert hampel([100.0] * 11 + [300.0]).tolist() == [False] * 11 + [True]


def test_own_ncv_outside_the_band_is_flagged_under_r63_measured():
    recs = monthly(CLEAN, ncv=389.0, ncv_unit="GJ/10^4Nm3", factor_type="measured")
    recs[3]["ncv"] = 800.0  # record 4
    f, sample = screened(*recs)
    b = [b for b in f.blocks if b.rule == "R6.3-measured" and "screening" in b.message]
    assert b and b[0].rows.tolist() == [4]
    assert "合理性范围" in b[0].message_zh
    assert "R6.3-measured" in {r["rule"] for r in sample.forced[4]}


def test_lab_dates_out_of_order_are_flagged_on_the_report_row_and_force_the_month():
    reports = [lab(m) for m in range(1, 13)]
    reports[2]["tested_on"] = "2024-03-05"  # tested before sampled (record 3 of the LabReports sheet)
    f, sample = screened(*monthly(CLEAN), lab_reports=reports)
    (b,) = screening_blocks(f, "dates out of order")
    assert b.sheet.endswith("LabReports") and b.rows.tolist() == [3]
    assert "日期顺序错误" in b.message_zh
    assert list(sample.forced) == [3]  # the activity record of S1, 2024-03
    assert "R03" in sample.forced[3][0]["message"]


def test_sampling_outside_the_month_is_flagged():
    reports = [lab(m) for m in range(1, 13)]
    reports[4]["sampled_on"] = "2024-04-28"
    f, _ = screened(*monthly(CLEAN), lab_reports=reports)
    assert screening_blocks(f, "sampled outside")


def test_twelve_monthly_reports_issued_on_one_day_are_flagged():
    reports = [lab(m, issued_on="2025-01-10", used_on="") for m in range(1, 13)]
    f, sample = screened(*monthly(CLEAN), lab_reports=reports)
    (b,) = screening_blocks(f, "same day")
    assert len(b) == 12 and "同一天" in b.message_zh
    assert len(sample.forced) == 12


def test_a_report_issued_after_its_value_was_used_is_flagged():
    reports = [lab(m) for m in range(1, 13)]
    reports[7]["issued_on"] = "2024-09-30"
    f, _ = screened(*monthly(CLEAN), lab_reports=reports)
    (b,) = screening_blocks(f, "issued after")
    assert b.rows.tolist() == [8]


def test_moisture_outside_a_mass_fraction_and_invented_constant_moisture_are_flagged():
    reports = [lab(m, parameter="全水分", value=12.0, unit="%") for m in range(1, 13)]
    f, _ = screened(*monthly(CLEAN), lab_reports=reports)
    assert screening_blocks(f, "constant")
    reports[0]["value"] = 140
    f, _ = screened(*monthly(CLEAN), lab_reports=reports)
    assert [b for b in f.blocks if b.rule == "R6.3-measured" and "moisture" in b.message]


@pytest.mark.parametrize("field, value, column", [
    ("value", "NaN", "value"), ("value", "inf", "value"), ("value", "abc", "value"), ("value", -1, "value"),
    ("period", "2024-13", "period"), ("parameter", "ash", "parameter"), ("issued_on", "", "issued_on"),
    ("sampled_on", "yesterday", "sampled_on"), ("report_id", "", "report_id"),
])
def test_bad_lab_report_cells_are_refused_with_their_sheet_row_and_column(field, value, column):
    reports = [lab(1), lab(2, **{field: value})]
    with pytest.raises(InputError) as exc:
        ds(*monthly(CLEAN), lab_reports=reports)
    (e,) = exc.value.errors
    assert e.sheet.endswith("LabReports") and e.row == 2 and e.column == column
    assert e.message_zh


def test_lab_reports_change_the_inputs_hash_only_when_given():
    from tancert.ghg.canonical import canonical_inputs, dataset_from_canonical, inputs_sha256
    from tancert.ghg.library import default_library

    plain = ds(*monthly(CLEAN))
    assert "lab_reports" not in canonical_inputs(plain)
    with_labs = ds(*monthly(CLEAN), lab_reports=[lab(1)])
    assert inputs_sha256(with_labs) != inputs_sha256(plain)
    back = dataset_from_canonical(canonical_inputs(with_labs), default_library())
    assert back.lab_reports == with_labs.lab_reports


def test_the_template_carries_the_lab_sheet_with_a_worked_example(tmp_path):
    from python_calamine import CalamineWorkbook

    from tancert.ghg.template import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = CalamineWorkbook.from_path(str(p))
    assert "化验报告 LabReports" in wb.sheet_names
    ex = wb.get_sheet_by_name("化验报告示例 LabReportsExample").to_python()
    assert ex[0][0] == "报告编号" and ex[1][0] == "report_id" and len(ex) >= 5
    # the worked rows are valid input of the LabReports sheet
    from tancert.ghg.importer import from_grids

    grids = {"Settings": [["项目", "值"], ["key", "value"], ["reporting_year", 2024]],
             "Activity": [["activity"], *[[""]]], "LabReports": ex}
    del grids["Activity"]
    grids["Activity"] = [list(monthly(CLEAN)[0])] + [list(r.values()) for r in monthly(CLEAN)]
    d = from_grids(grids)
    assert len(d.lab_reports) == len(ex) - 2
