"""Project emission reductions (R5.c, docs/projects.md): hand-computed methodologies, each check, bad input."""

from __future__ import annotations

import json

import pytest
from level_helpers import project_example, setting

from tancert.ghg.errors import InputError
from tancert.projects.cli import main
from tancert.projects.engine import check_dict


def _checks(result, severity="blocking"):
    return {(f.rule, f.check) for f in result.findings.items if f.severity == severity}


def test_cli_round_trips_the_worked_example(tmp_path, capsys):
    f = tmp_path / "p.xlsx"
    assert main(["template", "--example", str(f)]) == 0
    capsys.readouterr()
    assert main(["check", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    # by hand: 12 months × (10,000 − 100) MWh × (0.5 × 0.8 + 0.5 × 0.4) tCO2/MWh, PE = LE = 0
    assert d["baseline_tco2e"] == pytest.approx(12 * 9_900 * 0.6)
    assert d["reductions_tco2e"] == pytest.approx(71_280)
    assert d["project_tco2e"] == d["leakage_tco2e"] == 0
    assert [p["reductions_tco2e"] for p in d["by_period"]] == pytest.approx([35_640, 35_640])
    assert {x["id"] for x in d["factors_used"]} == {"OM/华东/2024", "BM/华东/2024"}
    assert all(x["rule"] == "R5.c" for x in d["findings"])
    assert main(["template", str(tmp_path / "empty.xlsx")]) == 0


def test_csp_project_emissions_by_hand():
    doc = project_example()
    setting(doc, "methodology", "CCER-01-001-V01")
    doc["monitoring"] += [
        {"parameter": "FC", "unit": "kg", "type": "measured", "frequency": "yearly", "meter_id": "M-EXP-01"},
        {"parameter": "NCV", "unit": "GJ/t", "type": "default", "value": 42.652, "source": "plan"},
        {"parameter": "CC", "unit": "tC/GJ", "type": "default", "value": 0.0202, "source": "plan"},
        {"parameter": "OF", "unit": "%", "type": "default", "value": 98, "source": "plan"}]
    doc["readings"] += [{"period": "2024H1", "parameter": "FC", "start": "2024-01-01", "end": "2024-06-30",
                         "value": 100_000, "unit": "kg", "meter_id": "M-EXP-01"},
                        {"period": "2024H2", "parameter": "FC", "start": "2024-07-01", "end": "2024-12-31",
                         "value": 0, "unit": "kg", "meter_id": "M-EXP-01"}]
    d = check_dict(doc).to_json()
    # 100 t × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 309.5909637 tCO2
    assert d["by_period"][0]["project_tco2e"] == pytest.approx(309.5909637, abs=1e-6)
    assert d["reductions_tco2e"] == pytest.approx(71_280 - 309.5909637, abs=1e-6)


def _cmm(ef_value=0.5703, source="MEE-REPORTING-GRID/electricity:grid/EF/2023-2025", year=2022) -> dict:
    doc = project_example()
    setting(doc, "methodology", "CCER-10-001-V01")
    setting(doc, "gwp", "AR5")
    plan = {"unit": "t", "type": "measured", "frequency": "monthly", "meter_id": "M-EXP-01"}
    doc["monitoring"] = [{"parameter": "MD"} | plan, {"parameter": "EC_PJ"} | plan | {"unit": "MWh"}]
    doc["readings"] = [{"period": p, "parameter": name, "start": f"2024-{m:02d}-01", "end": f"2024-{m:02d}-28",
                        "value": v, "unit": u, "meter_id": "M-EXP-01"}
                       for p, m in (("2024H1", 1),) for name, v, u in (("MD", 100, "t"), ("EC_PJ", 1_000_000, "kWh"))]
    doc["periods"] = [{"period": "2024H1", "start": "2024-01-01", "end": "2024-01-28"}]
    doc["factors"] = [{"factor": "EF_elec", "data_year": year, "value": ef_value, "unit": "tCO2/MWh", "source": source}]
    return doc


def test_coal_mine_methane_by_hand():
    d = check_dict(_cmm()).to_json()
    # BE = 100 t CH4 × 28 (AR5); PE = 1,000 MWh × 0.5703 tCO2/MWh
    assert d["baseline_tco2e"] == pytest.approx(2_800)
    assert d["project_tco2e"] == pytest.approx(570.3)
    assert d["reductions_tco2e"] == pytest.approx(2_229.7)
    assert not d["blocking"]


def test_cmm_electricity_factor_must_equal_the_notice():
    r = check_dict(_cmm(ef_value=0.58))
    assert ("R5.c", "baseline-factor") in _checks(r)


def _wrong_grid(doc):
    doc["factors"][0]["grid"] = "华北"


def _later_vintage(doc):
    for x in doc["factors"]:
        x["data_year"] = 2025


def _weights(doc):
    setting(doc, "weight_om", 0.75)


def _missing_parameter(doc):
    doc["monitoring"] = doc["monitoring"][:1]


def _calibration(doc):
    doc["meters"][0]["valid_until"] = "2024-09-30"


def _gap(doc):
    doc["readings"] = [r for r in doc["readings"] if not r["start"].startswith("2024-03")]


def _span(doc):
    doc["monitoring"][0]["frequency"] = "daily"


def _outside(doc):
    setting(doc, "crediting_start", "2024-07-01")


def _too_long(doc):
    setting(doc, "crediting_end", "2035-12-31")


def _double(doc):
    doc["greencertificates"] = [{"serial": "GEC-1", "period": "2024H2", "mwh": 500}]


@pytest.mark.parametrize(("change", "check"), [
    (_wrong_grid, "baseline-factor"), (_later_vintage, "baseline-factor"), (_weights, "baseline-factor"),
    (_missing_parameter, "monitoring-plan"), (_calibration, "calibration"), (_gap, "monitoring-frequency"),
    (_span, "monitoring-frequency"), (_outside, "crediting-period"), (_too_long, "crediting-period"),
    (_double, "double-claim")])
def test_each_check_blocks_with_its_rule(change, check):
    doc = project_example()
    assert not check_dict(doc).blocking
    change(doc)
    assert ("R5.c", check) in _checks(check_dict(doc))


def test_readings_outside_calibration_are_adjusted_conservatively():
    doc = project_example()
    _calibration(doc)  # October to December out of calibration; class 0.5S → e = 0.5 %
    r = check_dict(doc)
    assert ("R5.c", "calibration") in _checks(r)
    h2 = r.to_json()["by_period"][1]
    # by hand: 3 × 9,900 + 3 × (10,000 × 0.995 − 100 × 1.005) = 59,248.5 MWh × 0.6 tCO2/MWh
    assert h2["net_mwh"] == pytest.approx(59_248.5)
    assert h2["baseline_tco2e"] == pytest.approx(35_549.1)


def test_reductions_outside_the_crediting_period_are_not_counted():
    doc = setting(project_example(), "crediting_start", "2024-07-01")
    d = check_dict(doc).to_json()
    assert d["reductions_tco2e"] == pytest.approx(35_640)


@pytest.mark.parametrize(("change", "where", "zh"), [
    (lambda d: d["readings"][0].update(value="NaN"), ("监测数据 Readings", 3, "value"), "不是有限数值"),
    (lambda d: d["readings"][1].update(unit="kg"), ("监测数据 Readings", 4, "unit"), "量纲不同"),
    (lambda d: d["periods"][0].update(end="2024-13-01"), ("监测期 Periods", 3, "end"), "不是日期"),
    (lambda d: setting(d, "methodology", "CCER-99"), ("设置 Settings", 4, "value"), "未知的方法学"),
    (lambda d: d["readings"][0].update(value=1e300), ("监测数据 Readings", 3, "value"), "超过"),
    (lambda d: d["factors"][0].update(source=""), ("排放因子 Factors", 3, "source"), "必须填写"),
])
def test_bad_input_is_located_in_chinese_and_english(change, where, zh):
    doc = project_example()
    change(doc)
    with pytest.raises(InputError) as exc:
        check_dict(doc)
    e = exc.value.errors[0]
    assert (e.sheet, e.row, e.column) == where
    assert zh in e.text("zh") and e.message and e.text("en").startswith(where[0])


def test_hostile_files_are_refused(tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["check", str(bad), "--lang", "zh"]) == 1
    assert "不是有效的 .xlsx" in capsys.readouterr().err
    j = tmp_path / "x.json"
    j.write_text("[1, 2]")
    assert main(["check", str(j)]) == 1
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 1
