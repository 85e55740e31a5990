"""Large-event carbon neutrality (R5.d, docs/events.md): the hand-computed balance, the offsets ledger, bad input."""

from __future__ import annotations

import json

import pytest
from level_helpers import event_example

from tancert.events.cli import main
from tancert.events.engine import check_dict
from tancert.ghg.errors import InputError

# by hand: natural gas 1 × 10^4 Nm3 × 389.31 GJ/10^4Nm3 × 0.0153 tC/GJ × 0.99 × 44/12 (GB/T 32151.34—2024 C.1)
GAS = 389.31 * 0.0153 * 0.99 * 44 / 12
ELEC = 50_000 * 0.5306 / 1000  # kWh × kgCO2/kWh (MEE/NBS 2023 national)
HEAT = 200 * 0.11  # GJ × tCO2/GJ (GB/T 32150—2025)
TOTAL = GAS + ELEC + HEAT + 10 + 10 + 5 + 2 + 1.5  # the example's organiser factors (illustrative)


def test_cli_round_trips_the_worked_example(tmp_path, capsys):
    f = tmp_path / "e.xlsx"
    assert main(["template", "--example", str(f)]) == 0
    capsys.readouterr()
    assert main(["check", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total_tco2e"] == pytest.approx(TOTAL, abs=1e-6)
    assert d["by_category"]["venue_energy"] == pytest.approx(GAS + ELEC + HEAT, abs=1e-6)
    assert d["by_phase"] == pytest.approx({"preparation": GAS + 2, "holding": ELEC + HEAT + 25, "closing": 1.5}, abs=1e-6)
    assert d["offsets_retired_tco2e"] == 100  # CCER 60 + CEA 40; the green certificate is not counted
    assert d["balance_tco2e"] == pytest.approx(TOTAL - 100, abs=1e-6)
    assert d["neutral"] is True
    assert all(x["rule"] == "R5.d" for x in d["findings"])
    assert "GBT32151.34-2024-C1/fuel:natural_gas" in {x["id"] for x in d["factors_used"]}


def _blocking(result):
    return {(f.rule, f.check) for f in result.findings.items if f.severity == "blocking"}


def test_a_serial_used_twice_offsets_once():
    doc = event_example()
    doc["offsets"].append(dict(doc["offsets"][0]))  # CCER 示例-CCER-0001 again
    r = check_dict(doc)
    assert ("R5.d", "serial") in _blocking(r)
    assert r.retired == 100 and not r.neutral


def test_an_offset_without_retirement_evidence_does_not_count():
    doc = event_example()
    doc["offsets"][1]["evidence"] = ""
    r = check_dict(doc)
    assert ("R5.d", "retirement") in _blocking(r)
    assert r.retired == 60
    assert r.balance == pytest.approx(TOTAL - 60, abs=1e-6) and not r.neutral


def test_neutral_only_when_the_balance_is_not_positive():
    doc = event_example()
    doc["offsets"][1]["quantity"] = 38  # 98.65 − 98 > 0
    r = check_dict(doc)
    assert r.balance > 0 and not r.neutral
    assert ("R5.d", "neutrality") in _blocking(r)
    doc["offsets"][1]["quantity"] = TOTAL - 60  # exactly zero
    assert check_dict(doc).neutral


@pytest.mark.parametrize(("change", "where", "zh"), [
    (lambda d: d["emissions"][0].update(category="fireworks"), ("排放 Emissions", 3, "category"), "不是以下之一"),
    (lambda d: d["emissions"][1].update(quantity="inf"), ("排放 Emissions", 4, "quantity"), "不是有限数值"),
    (lambda d: d["emissions"][1].update(unit="t"), ("排放 Emissions", 4, "unit"), "不一致"),
    (lambda d: d["emissions"][2].update(factor_id="MADE-UP"), ("排放 Emissions", 5, "factor_id"), "未知的因子"),
    (lambda d: d["offsets"][0].update(unit="MWh"), ("抵销 Offsets", 3, "unit"), "计量单位"),
    (lambda d: d["factors"][0].update(source=""), ("排放因子 Factors", 3, "source"), "必须填写"),
])
def test_bad_input_is_located_in_chinese_and_english(change, where, zh):
    doc = event_example()
    change(doc)
    with pytest.raises(InputError) as exc:
        check_dict(doc)
    e = exc.value.errors[0]
    assert (e.sheet, e.row, e.column) == where
    assert zh in e.text("zh") and e.text("en").startswith(where[0])


def test_statements_and_reports_render(tmp_path, capsys):
    from tancert.projects.cli import main as project_main

    for run, name in ((main, "e"), (project_main, "p")):
        f = tmp_path / f"{name}.xlsx"
        run(["template", "--example", str(f)])
        assert run(["check", str(f), "--report", str(tmp_path / f"{name}.pdf")]) == 0
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    out = capsys.readouterr().out
    assert "碳中和" in out and "ER 71,280.000" in out
