"""Sector methods (tancert/ghg/sectors.py, data/sectors.json): the catalogue's provenance and the formulas,
each checked against a worked example computed by hand in the test."""

from __future__ import annotations

import datetime as dt

import pytest
from ghg_helpers import ds, rec

from tancert.ghg import check, default_library
from tancert.ghg.errors import InputError
from tancert.ghg.sectors import (
    CoalMonth,
    SectorInputError,
    acid_n2o,
    aluminium_anode,
    aluminium_pfc,
    carbon_balance,
    carbonate,
    cement_clinker,
    clinker_factor,
    fuel_combustion,
    gaps,
    organic_carbon,
    power_coal_cc,
    power_coal_emissions,
    sectors,
    wastewater_ch4,
)

SECTORS = ("power", "cement", "steel", "aluminium", "chemicals", "paper", "aviation")


def test_catalogue_every_default_is_a_library_factor_or_a_reason():
    lib = default_library()
    assert set(sectors()) == set(SECTORS)
    for sec in sectors().values():
        assert sec.documents and sec.document_confidence in ("checked", "secondary", "unverified")
        assert sec.structure_confidence == "unverified"  # the reference names the documents, not their clauses
        assert sec.method is None or sec.method in lib.methods
        for c in sec.sources:
            assert c.code.startswith(sec.code + ".") and c.equation and c.kind
            for p in c.parameters:
                if p.default is None:
                    assert len(p.reason) > 40, (c.code, p.name)  # never a silent gap
                elif p.default != "library":
                    f = lib.by_id[p.default]  # a shipped value with its provenance, never a typed number
                    assert f.value is not None and f.confidence
    # the gaps list says why, per parameter; aviation's jet fuel has no default in the reference
    g = {(x["source"], x["parameter"]) for x in gaps()}
    assert ("aviation.jet_fuel", "ncv") in g and ("aluminium.pfc", "ef_cf4") in g and ("paper.wastewater", "mcf") in g


def test_fuel_combustion_by_hand():
    # diesel 100 t × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 84.4338992 tC·… × 3.6667 = 309.590964 t
    assert fuel_combustion(100, 42.652, 0.0202, 0.98) == pytest.approx(309.590964, rel=1e-9)


def test_power_coal_default_below_three_measured_months():
    # 2024: Jan, Feb measured 0.026 tC/GJ (2 months < 3) → the other ten months take the high default 0.03085
    months = [CoalMonth(dt.date(2024, m, 1), 10_000, 0.026 if m <= 2 else None) for m in range(1, 13)]
    c = power_coal_cc(months)
    assert c.measured_months == 2 and c.cc[:2] == [0.026, 0.026] and set(c.cc[2:]) == {0.03085}
    assert c.basis[2] == "MEE-POWER-2022/fuel:coal/CC"
    # E = (2 × 10,000 × 0.026 + 10 × 10,000 × 0.03085) × 1.0 × 44/12 = (520 + 3,085) × 3.6667 = 13,218.333 t
    e, _ = power_coal_emissions(months, 1.0)
    assert e == pytest.approx(3605 * 44 / 12, rel=1e-12) and e == pytest.approx(13218.3333, rel=1e-8)


def test_power_coal_mean_of_three_measured_months_weighted_by_heat():
    # measured 0.026, 0.028, 0.030 with heat 10,000, 10,000, 20,000 GJ: weighted mean (260 + 280 + 600) / 40,000
    # = 0.0285 (the arithmetic 0.028 would be the verification error the reference lists)
    cc = {1: (10_000, 0.026), 2: (10_000, 0.028), 3: (20_000, 0.030)}
    months = [CoalMonth(dt.date(2024, m, 1), *cc.get(m, (10_000, None))) for m in range(1, 13)]
    c = power_coal_cc(months)
    assert c.mean_measured == pytest.approx(0.0285) and c.cc[5] == pytest.approx(0.0285)
    assert c.basis[:4] == ["measured"] * 3 + ["mean-of-measured"]


def test_power_coal_default_switches_on_2022_06_08():
    # a month takes the default in force on its first day: June 2022 → 2021 guideline 0.03356; July → 0.03085
    c = power_coal_cc([CoalMonth(dt.date(2022, 6, 1), 1.0), CoalMonth(dt.date(2022, 7, 1), 1.0)])
    assert c.cc == [0.03356, 0.03085]
    assert c.basis == ["MEE-POWER-2021/fuel:coal/CC", "MEE-POWER-2022/fuel:coal/CC"]


def test_cement_clinker_by_hand():
    # (CaO 0.65 − 0.01) × 44/56 + (MgO 0.02 − 0.005) × 44/40 = 0.502857143 + 0.0165 = 0.519357143 tCO2/t
    assert clinker_factor(0.65, 0.01, 0.02, 0.005) == pytest.approx(0.519357142857, rel=1e-11)
    # (1,000,000 t clinker + 10,000 t dust) × 0.519357143 = 524,550.714 t
    assert cement_clinker(1_000_000, 0.65, 0.01, 0.02, 0.005, dust_t=10_000) == pytest.approx(524550.7142857, rel=1e-10)
    # raw meal organic carbon: 1,500,000 t × 0.002 × 44/12 = 11,000 t
    assert organic_carbon(1_500_000, 0.002) == pytest.approx(11_000)
    with pytest.raises(SectorInputError):
        clinker_factor(0.65, 0.70, 0.02, 0.005)  # more non-carbonate CaO than CaO


def test_carbonate_uses_the_library_stoichiometric_factor():
    ef = default_library().by_id["STOICH-CARBONATES/process:limestone/EF"].value  # 0.4397, unverified
    # 4,500 t × 0.4397 × 0.95 = 1,879.7175 t (the worked example's limestone)
    assert carbonate(4500, ef, 0.95) == pytest.approx(1879.7175)


def test_steel_carbon_balance_by_hand():
    # in: coke 1,000 t × 0.85 + coal 500 t × 0.70 = 1,200 tC; out: pig iron 2,000 t × 0.045 + slag 100 t × 0.002
    # = 90.2 tC; E = 1,109.8 × 44/12 = 4,069.2667 t
    e = carbon_balance([(1000, 0.85), (500, 0.70)], [(2000, 0.045), (100, 0.002)])
    assert e == pytest.approx(4069.266667, rel=1e-9)
    with pytest.raises(SectorInputError):
        carbon_balance([(1, 0.1)], [(10, 0.5)])  # more carbon out than in: inputs incomplete


def test_aluminium_by_hand():
    # anode: 100,000 t Al × 0.41 t/t × (1 − 0.02 − 0.004) × 44/12 = 40,016 × 3.6667 = 146,725.333 t
    assert aluminium_anode(100_000, 0.41, 0.02, 0.004) == pytest.approx(146725.3333, rel=1e-9)
    # PFCs: CF4 100,000 × 0.034 kg/t = 3.4 t, C2F6 × 0.0034 = 0.34 t; AR5: 3.4 × 6,630 + 0.34 × 11,100 = 26,316
    p = aluminium_pfc(100_000, 0.034, 0.0034, basis="AR5")
    assert p["CF4_t"] == pytest.approx(3.4) and p["tco2e"] == pytest.approx(26316)


def test_chemicals_and_paper_by_hand():
    # nitric acid: 100,000 t × 6 kg/t = 600 t N2O × (1 − 0.8 × 0.9) = 168 t
    assert acid_n2o(100_000, 6, 0.8, 0.9) == pytest.approx(168)
    # wastewater: ((1,000,000 − 100,000) kgCOD × 0.25 × 0.8 − 50,000 kg recovered) / 1000 = 130 t CH4
    assert wastewater_ch4(1_000_000, 100_000, 0.25, 0.8, 50_000) == pytest.approx(130)


@pytest.mark.parametrize("bad", ["nan", "inf", -1, "x", None])
def test_formulas_refuse_non_finite_and_negative(bad):
    with pytest.raises(SectorInputError) as e:
        fuel_combustion(bad, 1, 1, 1)
    assert e.value.message_zh.startswith("fc：")
    with pytest.raises(SectorInputError):
        carbonate(1, 1, 1.5)  # a fraction above 1


def test_sector_in_the_inventory():
    d = ds(rec(source_id="K1", kind="process", activity="limestone", quantity=100, unit="t", fraction=0.9),
           rec(source_id="B1", quantity=10),
           settings={"sector": "cement", "gwp": "AR5"},
           sources=[{"source_id": "K1", "kind": "process", "sector_source": "cement.raw_material"},
                    {"source_id": "B1", "kind": "process", "sector_source": "cement.fuel"}])
    r = check(d)
    sec = r.to_json()["sector"]
    assert sec["sector"] == "cement" and sec["name_zh"] == "水泥"
    # 100 t × 0.4397 × 0.9 = 39.573 t under cement.raw_material
    assert sec["by_source_category"]["cement.raw_material"] == pytest.approx(39.573)
    # B1 is declared a process source but cement.fuel is a fuel category → R6.1-a
    assert any(f["rule"] == "R6.1-a" and "cement.fuel" in f["message"] for f in r.findings)
    assert any(f["rule"] == "R5.a" and "水泥" in f["message_zh"] for f in r.findings)


def test_unknown_sector_or_category_is_refused():
    with pytest.raises(InputError) as e:
        ds(rec(), settings={"sector": "mining"})
    assert "sector" in str(e.value)
    with pytest.raises(InputError) as e:
        ds(rec(), settings={"sector": "power"}, sources=[{"source_id": "S1", "sector_source": "cement.clinker"}])
    assert "cement.clinker" in str(e.value) and "power.coal" in str(e.value)


def test_no_sector_keeps_the_frozen_hash_shape():
    from tancert.ghg.canonical import canonical_inputs

    c = canonical_inputs(ds(rec(), sources=[{"source_id": "S1"}]))
    assert "sector" not in c["settings"] and "sector_source" not in c["sources"][0] and "instruments" not in c


def test_cli_lists_the_sectors(capsys):
    import json

    from tancert.ghg.cli import main

    assert main(["factors", "--sectors", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == set(SECTORS) and d["power"]["method"] == "mee-power-2022"
    assert main(["factors", "--sectors"]) == 0
    assert "MEE-POWER-2022/fuel:coal/CC" in capsys.readouterr().out
