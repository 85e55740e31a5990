"""The factor library: provenance on every value, GWP sets, and the resolver's fallback chain."""

import json
from pathlib import Path

import pytest

from tancert.ghg import default_library
from tancert.ghg.library import CONFIDENCES, DATA, TIERS


@pytest.fixture(scope="module")
def lib():
    return default_library()


def test_every_factor_carries_full_provenance(lib):
    assert len(lib.factors) > 100
    for f in lib.factors:
        assert f.document and f.unit and f.table_id and f.table_sha256
        assert f.confidence in CONFIDENCES and f.tier in TIERS
        assert f.geography_level and f.geography
        assert f.value is not None or f.candidates, f.id


def test_every_value_names_clause_gas_lineage_validity_and_gwp_basis(lib):
    """docs/ghg.md §2: value, unit, gas, GWP basis, document and table/clause, data year, validity,
    geography, lineage (electricity), tier and confidence — present on every value (None only
    where the source has none, e.g. an open-ended validity or a fuel parameter's gas)."""
    lineages = {"mee-reporting", "mee-nbs-annual", "footprint", "om-bm"}
    for f in lib.factors:
        assert f.clause, f.id
        for name in ("data_year", "valid_from", "valid_to", "gwp_basis", "lineage", "gas"):
            assert hasattr(f, name)
        if f.parameter == "EF":
            assert f.gas, f.id
        if f.activity.startswith("electricity:"):
            assert f.lineage in lineages, f.id
        if f.valid_from and f.valid_to:
            assert f.valid_from <= f.valid_to, f.id
    assert set(lib.gwp_sets) >= {"SAR", "AR4", "AR5", "AR6"}


def test_resolution_says_which_value_and_why(lib):
    r = lib.resolve("electricity:grid", "EF", year=2024, region="广东")
    assert r.ok and r.factor.data_year == 2023 and r.factor.geography == "广东"
    assert r.reason and ("2023" in r.reason or "latest" in r.reason)


def test_one_file_per_table_and_unique_ids(lib):
    files = list((DATA / "factors").glob("*.json"))
    assert len(files) == len(lib.tables)
    for p in files:
        assert json.loads(p.read_text(encoding="utf-8"))["table_id"] == p.stem
    assert len({f.id for f in lib.factors}) == len(lib.factors)


def test_natural_gas_values_of_gbt32151_34_are_checked(lib):
    f = lib.by_id["GBT32151.34-2024-C1/fuel:natural_gas/NCV"]
    assert (f.value, f.unit, f.confidence, f.clause) == (389.31, "GJ/10^4Nm3", "checked", "Annex C, Table C.1")


def test_disputed_defaults_are_not_shipped_but_listed_as_candidates(lib):
    f = lib.by_id["GBT32150-2015-B/fuel:anthracite/NCV"]
    assert f.value is None and f.candidates == (20.304, 24.515)
    r = lib.resolve("fuel:anthracite", "NCV", year=2024)
    assert not r.ok and "20.304" in r.reason


@pytest.mark.parametrize("basis,gas,value", [
    ("SAR", "CH4", 21), ("AR4", "N2O", 298), ("AR5", "SF6", 23500), ("AR6", "HFC-134a", 1530),
    ("AR6", "CH4-fossil", 29.8), ("AR5", "CO2e", 1),
])
def test_gwp_sets(lib, basis, gas, value):
    assert lib.gwp(basis, gas) == value


def test_gwp_missing_value_is_an_error_not_zero(lib):
    with pytest.raises(KeyError, match="NF3"):
        lib.gwp("SAR", "NF3")
    with pytest.raises(KeyError, match="CO2 only"):
        lib.gwp("CO2-only", "CH4")


def test_resolver_prefers_province_of_the_exact_year(lib):
    r = lib.resolve("electricity:grid", "EF", year=2023, region="广东省")
    assert r.factor.value == 0.4419 and r.factor.geography == "广东" and "exact data year" in r.reason


def test_resolver_falls_back_to_latest_published_year(lib):
    r = lib.resolve("electricity:grid", "EF", year=2025, region="广东")
    assert r.factor.data_year == 2023 and "latest data year 2023" in r.reason


def test_resolver_falls_back_from_province_to_grid_region(lib):
    r = lib.resolve("electricity:grid", "EF", year=2022, region="四川")
    assert r.factor.geography == "西南" and r.factor.value == 0.2268
    assert "later than 2022" in r.reason  # why the province value was skipped


def test_resolver_falls_back_to_national_and_then_to_the_next_lineage(lib):
    r = lib.resolve("electricity:grid", "EF", year=2022, region="内蒙古")
    assert r.factor.geography == "CN" and r.factor.value == 0.5366
    old = lib.resolve("electricity:grid", "EF", year=2020)
    assert old.factor.lineage == "mee-reporting" and old.factor.unverified


def test_resolver_respects_validity(lib):
    assert lib.resolve("fuel:coal", "CC", year=2021, method="mee-power-2022").factor.value == 0.03356
    assert lib.resolve("fuel:coal", "CC", year=2023, method="mee-power-2022").factor.value == 0.03085
    assert lib.resolve("electricity:grid", "EF", year=2022, method="mee-power-2022").factor.value == 0.5810
    assert lib.resolve("electricity:grid", "EF", year=2024, method="mee-power-2022").factor.value == 0.5703


def test_footprint_factors_never_enter_an_organisation_inventory(lib):
    r = lib.resolve("electricity:grid", "EF", year=2024)
    assert r.factor.lineage != "footprint"


def test_named_table_is_tried_first(lib):
    r = lib.resolve("fuel:natural_gas", "NCV", year=2024, table="GBT32151.34-2024-C1")
    assert r.factor.table_id == "GBT32151.34-2024-C1" and r.factor.confidence == "checked"


def test_search_finds_by_chinese_and_code(lib):
    assert any(f.geography == "广东" for f in lib.search("广东"))
    assert {f.activity for f in lib.search("natural_gas")} == {"fuel:natural_gas"}
    assert {f.activity for f in lib.search("柴油")} == {"fuel:diesel"}  # Chinese fuel names (reference §4)
    assert {f.activity for f in lib.search("天然气")} == {"fuel:natural_gas", "fuel:lng"}
    assert all(f.activity.startswith("electricity:") for f in lib.search("外购电力"))


def test_library_reads_any_directory(tmp_path):
    (tmp_path / "factors").mkdir()
    for name in ("gwp.json", "methods.json", "geography.json"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    src = DATA / "factors" / "STOICH-CARBONATES.json"
    (tmp_path / "factors" / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    from tancert.ghg.library import Library

    small = Library(Path(tmp_path))
    assert list(small.tables) == ["STOICH-CARBONATES"]


REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "quantification.md"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference/quantification.md not beside the repository")
def test_shipped_values_equal_the_reference_text(lib):
    import re

    ref = REFERENCE.read_text(encoding="utf-8")
    block = ref.split("Provincial 2023")[1].split("\n\n")[0]
    prov = re.findall(r"([\u4e00-\u9fff]{2,3}) (0\.\d{4})", block)
    assert len(prov) == 30
    for p, v in prov:
        assert lib.by_id[f"MEE-NBS-ELEC-2023/electricity:grid/EF/{p}"].value == float(v)
    for r, *vals in re.findall(r"\| [A-Za-z ]+ ([\u4e00-\u9fff]{2}) \| ([\d.—]+) \| ([\d.—]+) \| ([\d.—]+) \|", ref):
        for y, v in zip((2021, 2022, 2023), vals, strict=True):
            if v != "—":
                assert lib.by_id[f"MEE-NBS-ELEC-{y}/electricity:grid/EF/{r}"].value == float(v)
    fuels = re.findall(r"\| ([a-z -]+) [\u4e00-\u9fff]+ \| ([\d.]+) GJ/[^|]*\| ([\d.]+)[^|]*\| (\d+)% \|", ref)
    assert len(fuels) >= 10
    for name, ncv, cc, of in fuels:
        code = name.strip().replace(" ", "_").replace("-", "_")
        assert lib.by_id[f"GBT32150-2015-B/fuel:{code}/NCV"].value == float(ncv), code
        assert lib.by_id[f"GBT32150-2015-B/fuel:{code}/CC"].value == float(cc), code
        assert lib.by_id[f"GBT32150-2015-B/fuel:{code}/OF"].value == int(of) / 100, code
