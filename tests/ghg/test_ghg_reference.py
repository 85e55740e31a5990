"""The vectorised engine (row classes, one multiplier per class, bincount breakdowns, class-level
checks) equals a plain row-by-row reference computation on small random inventories."""

import math

import numpy as np
import pytest
from ghg_helpers import ds, rec
from hypothesis import given, settings
from hypothesis import strategies as st

from tancert.ghg import calculate, default_library, run_checks
from tancert.ghg.units import rate_scale, unit_scale

LIB = default_library()
FUELS = [("natural_gas", "10^4Nm3"), ("natural_gas", "Nm3"), ("diesel", "t"), ("diesel", "kg"), ("gasoline", "t"),
         ("lpg", "t"), ("fuel_oil", "t"), ("natural_gas", "GJ")]


def reference_row(r: dict, year: int, region: str, basis: str) -> tuple[float, float]:
    """(tCO2e, biogenic tCO2) of one record, straight from the formulas and the resolver."""
    q = float(r["quantity"]) * unit_scale(r["unit"]).scale
    dim = unit_scale(r["unit"]).dimension
    kw = dict(year=year, method="iso14064-1", region=None, table=None)
    sign = -1.0 if r.get("flow") == "export" else 1.0
    kind, act = r["kind"], r["activity"]
    if kind == "fuel":
        if "ncv" in r:
            ncv = r["ncv"] * rate_scale(r["ncv_unit"]).scale
        else:
            ncv = LIB.resolve("fuel:" + act, "NCV", **kw).factor.per_canonical
        cc = r.get("cc", LIB.resolve("fuel:" + act, "CC", **kw).factor.per_canonical)
        of = r.get("of", LIB.resolve("fuel:" + act, "OF", **kw).factor.per_canonical)
        energy = q if dim == "energy" else q * ncv
        mass = energy * cc * of * 44 / 12
    elif kind == "electricity":
        mass = q * LIB.resolve("electricity:grid", "EF", **(kw | {"region": r.get("region") or region})).factor.per_canonical
    elif kind == "heat":
        mass = q * LIB.resolve("heat:purchased", "EF", **kw).factor.per_canonical
    elif kind == "process":
        mass = q * LIB.resolve("process:" + act, "EF", **kw).factor.per_canonical * r.get("fraction", 1.0)
    else:  # fugitive
        return q * LIB.gwp(basis, act), 0.0
    mass *= sign
    if r.get("biogenic") == "yes":
        return 0.0, mass
    return mass, 0.0


fuel = st.builds(lambda f, q: rec(activity=f[0], unit=f[1], quantity=q), st.sampled_from(FUELS), st.floats(0, 1e5))
measured = st.builds(lambda q, ncv, cc, of: rec(activity="diesel", unit="t", quantity=q, ncv=ncv, ncv_unit="GJ/t",
                                                cc=cc, of=of, factor_type="measured"),
                     st.floats(0, 1e4), st.floats(30, 50), st.floats(0.01, 0.03), st.floats(0.5, 1))
elec = st.builds(lambda q, reg, flow, u: rec(kind="electricity", activity="grid", unit=u, quantity=q, region=reg,
                                             flow=flow),
                 st.floats(0, 1e5), st.sampled_from(["广东", "四川", "", "江苏"]), st.sampled_from(["import", "export"]),
                 st.sampled_from(["MWh", "kWh"]))
heat = st.builds(lambda q, u: rec(kind="heat", activity="purchased", unit=u, quantity=q), st.floats(0, 1e4),
                 st.sampled_from(["GJ", "TJ"]))
process = st.builds(lambda q, fr: rec(kind="process", activity="limestone", unit="t", quantity=q, **fr),
                    st.floats(0, 1e4), st.sampled_from([{}, {"fraction": 0.9}, {"fraction": 0.5}]))
fugitive = st.builds(lambda q, g: rec(kind="fugitive", activity=g, unit="kg", quantity=q), st.floats(0, 100),
                     st.sampled_from(["HFC-134a", "SF6", "CH4"]))
biogenic = st.builds(lambda q: rec(activity="diesel", unit="t", quantity=q, biogenic="yes"), st.floats(0, 1e3))


def placed(record):
    return st.builds(lambda r, fac, src, m, dc, ds_: r | {"facility": fac, "source_id": src, "period": f"2024-{m:02d}",
                                                         "data_class": dc, "data_source": ds_},
                     record, st.sampled_from(["F1", "F2", "F3"]), st.sampled_from(["S1", "S2", "S3", "S4"]),
                     st.integers(1, 12), st.sampled_from(["continuous", "estimated", ""]), st.sampled_from(["ledger", ""]))


any_record = st.one_of(*(placed(x) for x in (fuel, measured, elec, heat, process, fugitive, biogenic)))


@settings(max_examples=40, deadline=None)
@given(st.lists(any_record, min_size=1, max_size=40))
def test_vectorised_equals_row_by_row_reference(records):
    data = ds(*records, settings={"region": "广东"})
    inv = calculate(data)
    ref = [reference_row(r, 2024, "广东", inv.gwp_basis) for r in records]
    e = np.array([x[0] for x in ref])
    np.testing.assert_allclose(inv.co2e, e, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(inv.biogenic_co2, [x[1] for x in ref], rtol=1e-12, atol=1e-9)
    s = inv.summary()
    assert s["total_tco2e"] == pytest.approx(math.fsum(e), rel=1e-12, abs=1e-9)
    assert s["biogenic_co2_t"] == pytest.approx(math.fsum(x[1] for x in ref), rel=1e-12, abs=1e-9)
    for col, key in (("facility", "by_facility"), ("source_id", "by_source")):
        expect: dict = {}
        for r, v in zip(records, e, strict=True):
            expect[r[col]] = expect.get(r[col], 0.0) + v
        assert s[key] == pytest.approx(expect, rel=1e-12, abs=1e-9)
    months: dict = {f"{m:02d}": 0.0 for m in range(1, 13)}
    for r, v in zip(records, e, strict=True):
        months[r["period"][5:]] += v
    assert s["by_month"] == pytest.approx(months, rel=1e-12, abs=1e-9)
    # checks: the rows of each class-level or row-level finding equal a row-by-row evaluation
    findings, sample = run_checks(inv)
    rows = [1 + i for i in range(len(records))]  # JSON records are numbered 1, 2, …
    blank_class = {rows[i] for i, r in enumerate(records) if not r.get("data_class")}
    assert {f["row"] for f in findings if f["message"].startswith("activity-data class")} == blank_class
    lower = {rows[i] for i, r in enumerate(records) if r.get("data_class") == "estimated"}
    assert {f["row"] for f in findings if f["message"].startswith("estimated data used")} == lower
    no_src = {rows[i] for i, r in enumerate(records) if not r.get("data_source")}
    assert {f["row"] for f in findings if f["message"] == "data_source missing"} == no_src
    unverified = {rows[i] for i, r in enumerate(records)
                  if any(inv.combos[int(inv.combo[i])].factor(p) and inv.combos[int(inv.combo[i])].factor(p).unverified
                         and not inv.given[p][i] and not np.isnan(inv.params[p][i]) for p in ("NCV", "CC", "OF", "EF"))}
    assert findings.rows_for("R6.3-review") == unverified
    assert len(findings) == sum(1 for _ in findings)
    by_src: dict = {}
    for r in records:
        by_src[r["source_id"]] = by_src.get(r["source_id"], 0) + 1
    assert {k: v["population"] for k, v in sample.strata.items()} == by_src
    assert all(v["sample"] == math.ceil(math.sqrt(v["population"])) == len(set(v["rows"])) for v in sample.strata.values())
