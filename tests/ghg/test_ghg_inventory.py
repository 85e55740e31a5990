"""Hand-computed emissions for each formula, unit conversion, GWP sets, and property tests."""

import math

import numpy as np
import pytest
from ghg_helpers import ds, rec
from hypothesis import given, settings
from hypothesis import strategies as st

from tancert.ghg import InputError, calculate


def total(*records, **kw):
    return calculate(ds(*records, **kw)).summary()["total_tco2e"]


def test_natural_gas_by_the_guideline_formula():
    # 100 ×10⁴Nm³ × 389.31 GJ/10⁴Nm³ × 0.0153 tC/GJ × 0.99 × 44/12 = 2,162.2 tCO2
    assert total(rec()) == pytest.approx(2162.1888, abs=1e-3)
    assert round(total(rec()), 1) == 2162.2


def test_diesel_by_hand():
    # 10 t × 42.652 GJ/t = 426.52 GJ; × 0.0202 tC/GJ = 8.615704 tC; × 0.98 × 44/12 = 30.95910 tCO2
    assert total(rec(activity="diesel", quantity=10, unit="t")) == pytest.approx(30.959096, rel=1e-6)


def test_measured_parameters_replace_defaults():
    r = rec(activity="diesel", quantity=10, unit="t", ncv=43.0, ncv_unit="GJ/t", cc=0.02, of=1.0)
    assert total(r) == pytest.approx(10 * 43.0 * 0.02 * 1.0 * 44 / 12)


def test_fuel_given_in_energy_skips_ncv():
    assert total(rec(quantity=38931, unit="GJ")) == pytest.approx(total(rec()), rel=1e-12)


def test_purchased_electricity_net_of_exports_by_province():
    inv = calculate(ds(rec(kind="electricity", activity="grid", quantity=1000, unit="MWh", region="广东", period="2023-05"),
                       rec(kind="electricity", activity="grid", quantity=100, unit="MWh", region="广东", period="2023-05",
                           flow="export"), settings={"reporting_year": 2023}))
    s = inv.summary()
    assert s["total_tco2e"] == pytest.approx(900 * 0.4419)
    assert s["by_category"]["2"] == pytest.approx(397.71)


def test_kwh_and_kg_per_kwh_factor():
    # 0.5306 kgCO2/kWh national 2023 → 1,000,000 kWh = 530.6 t
    assert total(rec(kind="electricity", activity="grid", quantity=1_000_000, unit="kWh", period="2023-01"),
                 settings={"reporting_year": 2023}) == pytest.approx(530.6)


def test_purchased_heat_default():
    assert total(rec(kind="heat", activity="purchased", quantity=100, unit="GJ")) == pytest.approx(11.0)


def test_carbonate_process_emission_with_fraction():
    assert total(rec(kind="process", activity="limestone", quantity=10, unit="t", fraction=0.9)) == pytest.approx(3.9573)


@pytest.mark.parametrize("basis,expected", [("SAR", 13.0), ("AR4", 14.3), ("AR5", 13.0), ("AR6", 15.3)])
def test_refrigerant_leak_by_gwp_set(basis, expected):
    r = rec(kind="fugitive", activity="HFC-134a", quantity=10, unit="kg")
    assert total(r, settings={"gwp": basis}) == pytest.approx(expected)


def test_sf6_in_ar6():
    assert total(rec(kind="fugitive", activity="SF6", quantity=1, unit="kg"), settings={"gwp": "AR6"}) == pytest.approx(25.2)


def test_other_category_source_with_own_factor_and_gas():
    inv = calculate(ds(rec(kind="other", activity="road freight", quantity=1000, unit="t*km", factor=0.1,
                           factor_unit="kgCO2e/t*km", category=3),
                       rec(kind="other", activity="waste", quantity=2, unit="t", factor=0.5, factor_unit="tCH4/t",
                           category=6)))
    s = inv.summary()
    assert s["by_category"]["3"] == pytest.approx(0.1)
    assert s["by_category"]["6"] == pytest.approx(1.0 * 28)  # AR5 CH4
    assert s["gas_mass_t"]["CH4"] == pytest.approx(1.0)


def test_biogenic_co2_is_reported_separately():
    s = calculate(ds(rec(), rec(activity="diesel", quantity=10, unit="t", biogenic="yes"))).summary()
    assert s["total_tco2e"] == pytest.approx(2162.188809)
    assert s["biogenic_co2_t"] == pytest.approx(30.959096, rel=1e-6)


def test_breakdowns_by_facility_month_source_and_trace():
    inv = calculate(ds(rec(facility="A", period="2024-01"), rec(facility="B", source_id="S2", period="2024-03")))
    s = inv.summary()
    assert s["by_facility"] == pytest.approx({"A": 2162.188809, "B": 2162.188809})
    assert s["by_month"]["03"] == pytest.approx(2162.188809) and s["by_month"]["02"] == 0
    tr = inv.trace(1)
    assert tr["row"] == 2 and tr["parameters"]["NCV"]["source"] == "GBT32150-2015-B/fuel:natural_gas/NCV"
    assert tr["energy_gj"] == pytest.approx(38931.0)
    ids = {f["id"] for f in inv.factors_used()}
    assert ids == {"GBT32150-2015-B/fuel:natural_gas/NCV", "GBT32150-2015-B/fuel:natural_gas/CC",
                   "GBT32150-2015-B/fuel:natural_gas/OF"}


def test_missing_factor_names_row_and_column():
    with pytest.raises(InputError) as e:
        calculate(ds(rec(), rec(activity="anthracite", quantity=5, unit="t")))
    err = e.value.errors[0]
    assert (err.row, err.column) == (2, "ncv") and "missing factor" in err.message and "20.304" in err.message


def test_unit_that_does_not_fit_the_factor_is_rejected():
    with pytest.raises(InputError) as e:
        calculate(ds(rec(unit="t")))  # natural gas NCV is per 10⁴Nm³
    assert e.value.errors[0].column == "unit" and e.value.errors[0].row == 1


def test_method_without_gwp_basis_must_name_one():
    with pytest.raises(InputError, match="GWP"):
        calculate(ds(rec(), settings={"method": "gbt32150-2025"}))
    assert total(rec(), settings={"method": "gbt32150-2025", "gwp": "AR6"}) == pytest.approx(2162.188809)


# ---------------------------------------------------------------- properties

fuels = st.sampled_from([("natural_gas", "10^4Nm3"), ("diesel", "t"), ("gasoline", "t"), ("lpg", "t")])
record = st.builds(
    lambda f, q, fac, src, m: rec(activity=f[0], unit=f[1], quantity=q, facility=fac, source_id=src,
                                  period=f"2024-{m:02d}"),
    fuels, st.floats(0, 1e6, allow_nan=False), st.sampled_from(["A", "B", "C"]), st.sampled_from(["S1", "S2"]),
    st.integers(1, 12))
elec = st.builds(lambda q, reg: rec(kind="electricity", activity="grid", unit="MWh", quantity=q, region=reg,
                                    source_id="E"),
                 st.floats(0, 1e5, allow_nan=False), st.sampled_from(["广东", "四川", "", "内蒙古"]))


placed = st.fixed_dictionaries({"facility": st.sampled_from(["A", "B", "C"]), "source_id": st.sampled_from(["S1", "S2", "S3"]),
                                 "period": st.sampled_from([f"2024-{m:02d}" for m in range(1, 13)] + ["2024"])})
other_kinds = st.one_of(
    st.builds(lambda q, g: rec(kind="fugitive", activity=g, quantity=q, unit="kg"), st.floats(0, 100),
              st.sampled_from(["HFC-134a", "SF6", "CH4", "N2O"])),
    st.builds(lambda q, fl: rec(kind="electricity", activity="grid", unit="kWh", quantity=q, flow=fl),
              st.floats(0, 1e6), st.sampled_from(["import", "export"])),
    st.builds(lambda q, fr: rec(kind="process", activity="limestone", unit="t", quantity=q, fraction=fr),
              st.floats(0, 1e4), st.floats(0, 1)),
    st.builds(lambda q, c: rec(kind="other", activity="freight", unit="t*km", quantity=q, factor=0.078,
                               factor_unit="kgCO2e/t*km", category=c), st.floats(0, 1e6), st.integers(3, 6)),
    st.builds(lambda q: rec(kind="other", activity="wastewater", unit="t", quantity=q, factor=0.25,
                            factor_unit="tCH4/t", category=6), st.floats(0, 100)),
    st.builds(lambda q: rec(kind="heat", activity="purchased", unit="GJ", quantity=q, flow="export"), st.floats(0, 1e4)),
    st.builds(lambda q: rec(activity="diesel", unit="t", quantity=q, biogenic="yes"), st.floats(0, 1e3)),
)
any_kind = st.builds(lambda r, p: r | p, other_kinds, placed)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(record, elec, any_kind), min_size=1, max_size=30))
def test_total_equals_sum_of_parts_in_every_breakdown(records):
    """Every breakdown adds up to the total, for every kind of source (exports negative, several
    gases, categories 1–6, annual records); biogenic CO2 stays out of all of them."""
    s = calculate(ds(*records)).summary()
    for key in ("by_category", "by_gas", "by_facility", "by_source", "by_month"):
        assert math.fsum(s[key].values()) == pytest.approx(s["total_tco2e"], rel=1e-9, abs=1e-6), key
    bio = sum(r["quantity"] for r in records if r.get("biogenic") == "yes")
    assert (s["biogenic_co2_t"] > 0) == (bio > 0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(record, any_kind), min_size=1, max_size=20), st.floats(0.001, 1000))
def test_scaling_activity_data_scales_emissions(records, k):
    scaled = [dict(r, quantity=r["quantity"] * k) for r in records]
    a, b = calculate(ds(*records)), calculate(ds(*scaled))
    np.testing.assert_allclose(b.co2e, a.co2e * k, rtol=1e-9, atol=1e-9)


EQUIVALENT = [
    (("t", 1.0), ("kg", 1000.0)),
    (("t", 10000.0), ("万吨", 1.0)),
    (("10^4Nm3", 1.0), ("Nm3", 10000.0)),
    (("10⁴Nm³", 1.0), ("万Nm3", 1.0)),
    (("MWh", 1.0), ("kWh", 1000.0)),
    (("MWh", 1.0), ("度", 1000.0)),
    (("GJ", 1000.0), ("TJ", 1.0)),
    (("GJ", 1.0), ("MJ", 1000.0)),
]


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 1e6, allow_nan=False), st.sampled_from(EQUIVALENT))
def test_unit_equivalent_inputs_give_equal_results(q, pair):
    (u1, k1), (u2, k2) = pair
    kind = {"t": ("fuel", "diesel"), "10^4Nm3": ("fuel", "natural_gas"), "10⁴Nm³": ("fuel", "natural_gas"),
            "MWh": ("electricity", "grid"), "GJ": ("heat", "purchased")}[u1]
    a = total(rec(kind=kind[0], activity=kind[1], quantity=q * k1, unit=u1))
    b = total(rec(kind=kind[0], activity=kind[1], quantity=q * k2, unit=u2))
    assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 1e6, allow_nan=False), st.sampled_from([("t*km", 1.0), ("t·km", 1.0), ("tkm", 1.0), ("吨公里", 1.0)]),
       st.sampled_from([("kgCO2e/t*km", 1.0), ("tCO2e/t*km", 0.001), ("gCO2e/t*km", 1000.0)]))
def test_freight_in_t_km_spellings_and_factor_units_give_equal_results(q, unit, factor_unit):
    """Category 3 freight: every spelling of t·km and a factor in kg/t/g per t·km give the same CO2e."""
    base = total(rec(kind="other", activity="freight", quantity=q, unit="t*km", factor=0.078,
                     factor_unit="kgCO2e/t*km", category=3))
    got = total(rec(kind="other", activity="freight", quantity=q * unit[1], unit=unit[0], factor=0.078 * factor_unit[1],
                    factor_unit=factor_unit[0], category=3))
    assert got == pytest.approx(base, rel=1e-12, abs=1e-12)
