"""Results are reproducible: inputs_sha256, freeze → replay without the factor library."""

import json

import pytest
from ghg_helpers import ds, rec

import tancert.ghg.library as library_module
from tancert.ghg import check
from tancert.ghg.cli import main
from tancert.ghg.example import example_dataset
from tancert.ghg.freeze import canonical_inputs, freeze, inputs_sha256, replay


def test_inputs_sha256_is_canonical_and_sensitive():
    a = ds(rec(quantity=100, data_source="ledger"), rec(activity="diesel", unit="t", quantity=5))
    # same data, other key order and a synonym spelling (燃料燃烧 = fuel): the parsed inputs are equal
    b = ds({"unit": "10^4Nm3", "quantity": 100, "activity": "natural_gas", "kind": "燃料燃烧", "period": "2024-01",
            "source_id": "S1", "facility": "F1", "data_source": "ledger"},
           rec(activity="diesel", unit="t", quantity=5))
    assert inputs_sha256(a) == inputs_sha256(b)
    assert len(inputs_sha256(a)) == 64
    c = ds(rec(quantity=100.0000001, data_source="ledger"), rec(activity="diesel", unit="t", quantity=5))
    assert inputs_sha256(c) != inputs_sha256(a)
    d = ds(rec(quantity=100, data_source="ledger"), rec(activity="diesel", unit="t", quantity=5),
           settings={"sampling_seed": 9})
    assert inputs_sha256(d) != inputs_sha256(a)  # the seed is an input of the sample
    assert "data_source" in canonical_inputs(a)["activity"]["columns"]
    assert "ncv" not in canonical_inputs(a)["activity"]["columns"]  # all-blank columns are omitted
    assert check(a).to_json()["inputs_sha256"] == inputs_sha256(a)


@pytest.fixture
def frozen(tmp_path, capsys):
    src = tmp_path / "ex.json"
    src.write_text(json.dumps(example_dataset(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "frozen.json"
    assert main(["check", str(src), "--freeze", str(out), "--monte-carlo", "300", "--seed", "3", "--json"]) == 2
    return out


@pytest.fixture
def no_library(monkeypatch):
    """Any attempt to read the factor library's data files fails."""
    def refuse(*a, **k):
        raise AssertionError("the factor library was consulted")

    library_module.default_library.cache_clear()
    monkeypatch.setattr(library_module.Library, "__init__", refuse)
    yield
    library_module.default_library.cache_clear()


def test_freeze_record_is_self_contained(frozen, capsys):
    out = json.loads(capsys.readouterr().out)
    record = json.loads(frozen.read_text(encoding="utf-8"))
    assert record["inputs_sha256"] == out["inputs_sha256"] == record["results"]["inputs_sha256"]
    assert record["results"]["total_tco2e"] == pytest.approx(5985.8, abs=0.05)
    ids = {f["id"] for f in record["factors"]}
    assert "GBT32150-2015-B/fuel:natural_gas/CC" in ids and "MEE-NBS-ELEC-2023/electricity:grid/EF/广东" in ids
    for f in record["factors"]:
        assert {"value", "unit", "table_id", "table_version", "table_sha256"} <= set(f)
        assert record["tables"][f["table_id"]]["version"] == f["table_version"]
    assert record["monte_carlo_iterations"] == 300


def test_replay_identical_without_the_factor_library(frozen, capsys, no_library):
    capsys.readouterr()
    assert main(["check", "--replay", str(frozen)]) == 0
    assert "replay identical" in capsys.readouterr().out


def test_replay_names_the_first_differing_figure(frozen, tmp_path, capsys, no_library):
    record = json.loads(frozen.read_text(encoding="utf-8"))
    gas = next(f for f in record["factors"] if f["id"] == "GBT32150-2015-B/fuel:natural_gas/CC")
    gas["value"] = 0.0154  # a different factor version than the one frozen with the results
    bad = tmp_path / "changed.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--replay", str(bad), "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["replay"] == "different" and out["first_difference"].startswith("total_tco2e: frozen 5985.8")
    diff, _ = replay(record)
    assert diff.startswith("total_tco2e")


def test_replay_detects_changed_inputs(frozen, tmp_path, capsys):
    record = json.loads(frozen.read_text(encoding="utf-8"))
    record["inputs"]["activity"]["columns"]["quantity"][0] += 1
    bad = tmp_path / "inputs.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--replay", str(bad)]) == 2
    assert "inputs_sha256: frozen" in capsys.readouterr().out


def test_replay_of_a_bad_record_is_bad_input(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}", encoding="utf-8")
    assert main(["check", "--replay", str(p)]) == 1
    assert main(["check"]) == 1


def test_freeze_api_with_a_computed_base_year_recalculation():
    # the computed methodology correction asks the resolver for base-year rows at the reporting
    # year: those answers are frozen too, so the replay reproduces the restated baseline
    e = {"kind": "electricity", "activity": "grid", "quantity": 1000, "unit": "MWh", "region": "广东"}
    data = ds(rec(period="2020-01", **e), rec(period="2024-01", **e),
              settings={"base_year": 2020}, boundary_changes=[{"change": "methodology", "year": 2024}])
    result = check(data)
    record = json.loads(json.dumps(freeze(result, data), ensure_ascii=False))
    assert record["results"]["performance"]["recalculation"]["applied"]
    library_module.default_library.cache_clear()
    diff, again = replay(record)
    assert diff is None and again.performance.baseline_used == pytest.approx(441.9)
