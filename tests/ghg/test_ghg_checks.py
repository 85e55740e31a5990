"""Each data-quality rule: one failing and one passing case, the finding citing its key and row."""

import pytest
from ghg_helpers import FULL_REVIEW, ds, rec

from tancert.ghg import calculate, run_checks
from tancert.ghg.checks import draw_sample, sample_size

GOOD = dict(FULL_REVIEW, crosscheck_quantity=100, meter_id="M1",
            factor_justification="national default is the guideline's rule")
METER = [{"meter_id": "M1", "accuracy_pct": 2, "calibrated_on": "2020-01-01", "valid_until": "2030-12-31"}]
SOURCES = {"sources": [{"source_id": "S1", "facility": "F1", "description": "boiler", "kind": "fuel"}]}


def findings(*records, settings=None, **sheets):
    sheets.setdefault("meters", METER)
    f, _ = run_checks(calculate(ds(*records, settings=settings, **sheets)))
    return f


def rows(f, rule):
    return f.rows_for(rule)


def test_a_fully_documented_record_has_no_warning():
    # measured months vary (twelve identical readings are what the fraud screening questions)
    q = [101.37, 98.12, 95.46, 93.05, 96.88, 99.71, 102.93, 104.16, 100.42, 97.35, 99.08, 103.61]
    f = findings(*[rec(period=f"2024-{m:02d}", **GOOD | {"quantity": q[m - 1], "crosscheck_quantity": q[m - 1]})
                   for m in range(1, 13)], **SOURCES)
    assert f.count("warning") == 0 and not f.blocking
    assert f.rules() == {"R6.2-sampling", "R5.a"}


def test_r62_tiers_class_missing_or_lower_without_justification():
    f = findings(rec(**dict(GOOD, data_class="")), rec(**dict(GOOD, data_class="estimated")),
                 rec(**dict(GOOD, data_class="estimated", class_justification="no meter on this line")))
    assert rows(f, "R6.2-tiers") == {1, 2}


def test_r63_tiers_default_needs_justification():
    f = findings(rec(**dict(GOOD, factor_justification="")), rec(**GOOD))
    assert rows(f, "R6.3-tiers") == {1}


def test_r62_review_missing_fields_name_the_field():
    f = findings(rec(**dict(GOOD, recording_frequency="")), rec(**dict(GOOD, period="2024-02")))
    [b] = [b for b in f.blocks if b.rule == "R6.2-review"]
    assert "recording_frequency" in b.message and b.rows.tolist() == [1]


def test_r63_measured_factor_needs_its_review_fields():
    measured = dict(GOOD, ncv=390, ncv_unit="GJ/10^4Nm3", factor_type="measured")
    f = findings(rec(**measured), rec(**dict(measured, factor_source="lab report", factor_monitoring_method="GB/T 13610",
                                             factor_monitoring_frequency="monthly", factor_recording_frequency="monthly",
                                             factor_missing_data_handling="default value")))
    assert rows(f, "R6.3-measured") == {1}


def test_r63_default_must_equal_the_guideline_value():
    f = findings(rec(**dict(GOOD, factor_type="default", ncv=389.31, ncv_unit="GJ/10^4Nm3")),
                 rec(**dict(GOOD, factor_type="default", ncv=38.931, ncv_unit="GJ/10^3Nm3")),  # same value
                 rec(**dict(GOOD, factor_type="default", ncv=390.0, ncv_unit="GJ/10^4Nm3")))
    assert rows(f, "R6.3-default") == {3} and f.blocking
    msg = next(x for x in f if x["rule"] == "R6.3-default")["message"]
    assert "given 390" in msg and "389.31" in msg


def test_r62_calibration_outside_validity():
    meters = {"meters": [{"meter_id": "M1", "accuracy_pct": 2, "calibrated_on": "2023-06-15", "valid_until": "2024-06-14"}]}
    f = findings(rec(**dict(GOOD, meter_id="M1", period="2024-05")),
                 rec(**dict(GOOD, meter_id="M1", period="2024-06")),   # June is not fully covered
                 rec(**dict(GOOD, meter_id="M9", period="2024-01")),
                 rec(**dict(GOOD, meter_id="", period="2024-01")), **meters)
    assert rows(f, "R6.2-calibration") == {2, 3, 4} and f.blocking
    assert [x["severity"] for x in f if x["rule"] == "R6.2-calibration" and x["row"] == 4] == ["warning"]


def test_r62_calibration_meter_accuracy_feeds_uncertainty():
    meters = {"meters": [{"meter_id": "M1", "accuracy_pct": 2, "calibrated_on": "2023-01-01", "valid_until": "2025-12-31"}]}
    inv = calculate(ds(rec(**dict(GOOD, meter_id="M1")), **meters))
    assert inv.u_ad[0] == 2.0
    f, _ = run_checks(inv)
    assert "R6.2-calibration" not in f.rules()


def test_r62_crosscheck_deviation_beyond_tolerance():
    f = findings(rec(**dict(GOOD, quantity=100, crosscheck_quantity=104.9)),
                 rec(**dict(GOOD, quantity=100, crosscheck_quantity=110, crosscheck_source="gas invoices")),
                 rec(**dict(GOOD, crosscheck_source="", crosscheck_quantity=None)))
    assert rows(f, "R6.2-crosscheck") == {2, 3}
    blocking = [x for x in f if x["rule"] == "R6.2-crosscheck" and x["severity"] == "blocking"]
    assert [x["row"] for x in blocking] == [2] and "9.09%" in blocking[0]["message"]


def test_r62_crosscheck_tolerance_is_a_setting():
    f = findings(rec(**dict(GOOD, quantity=100, crosscheck_quantity=110)), settings={"crosscheck_tolerance_pct": 10})
    assert "R6.2-crosscheck" not in f.rules()


def test_r61b_declared_source_without_data_and_undeclared_source():
    sources = {"sources": [{"source_id": "S1"}, {"source_id": "S9", "description": "emergency generator"}]}
    f = findings(*[rec(period=f"2024-{m:02d}", **GOOD) for m in range(1, 13)], rec(source_id="X", **GOOD), **sources)
    blocking = [x for x in f if x["rule"] == "R6.1-b" and x["severity"] == "blocking"]
    assert len(blocking) == 1 and "S9" in blocking[0]["message"] and blocking[0]["row"] == 2
    assert 13 in rows(f, "R6.1-b")


def test_r61b_passes_when_every_source_has_twelve_months():
    f = findings(*[rec(period=f"2024-{m:02d}", **GOOD) for m in range(1, 13)], **SOURCES)
    assert "R6.1-b" not in f.rules()


def test_r63_review_marks_unverified_library_values():
    f = findings(rec(**dict(GOOD, kind="process", activity="limestone", unit="t", crosscheck_quantity=None)), rec(**GOOD))
    [b] = [b for b in f.blocks if b.rule == "R6.3-review"]
    assert "UNVERIFIED" in b.message and b.rows.tolist() == [1]


def test_r62_sampling_is_stratified_seeded_and_sqrt_n():
    records = [rec(source_id="A", quantity=i) for i in range(100)] + [rec(source_id="B", quantity=i) for i in range(10)]
    inv = calculate(ds(*records))
    s1, s2 = draw_sample(inv, 7), draw_sample(inv, 7)
    assert s1.strata["A"]["sample"] == 10 and s1.strata["B"]["sample"] == 4 and s1.size == 14
    assert s1.strata == s2.strata
    assert draw_sample(inv, 8).strata["A"]["rows"] != s1.strata["A"]["rows"]
    assert all(1 <= r <= 100 for r in s1.strata["A"]["rows"]) and all(r > 100 for r in s1.strata["B"]["rows"])
    assert [sample_size(n) for n in (0, 1, 2, 100, 101)] == [0, 1, 2, 10, 11]
    f, _ = run_checks(inv)
    assert any(x["rule"] == "R6.2-sampling" and "seed" in x["message"] for x in f)


@pytest.mark.parametrize("rule", ["R6.1-b", "R6.2-review", "R6.2-tiers", "R6.3-tiers", "R6.2-crosscheck"])
def test_every_finding_names_rule_sheet_and_row(rule):
    f = findings(rec(source_id="X"), **SOURCES)
    hits = [x for x in f if x["rule"] == rule and x["row"] is not None]
    assert hits and all(x["sheet"] and x["severity"] in ("blocking", "warning") for x in hits)
