"""Approach 1 against the closed form; Monte Carlo converging to it; seeding and correlation."""

import math

import numpy as np
import pytest
from ghg_helpers import ds, rec

from tancert.ghg import approach1, calculate, monte_carlo
from tancert.ghg.uncertainty import Z95, monte_carlo_arrays, multiplier


def inv_of(*records):
    return calculate(ds(*records))


def test_approach1_single_product_is_root_sum_of_squares():
    inv = inv_of(rec(ad_uncertainty_pct=3, factor_uncertainty_pct=4))
    r = approach1(inv)
    assert r.total.u_pct == pytest.approx(5.0)  # √(3² + 4²)


def test_approach1_sum_of_independent_sources_matches_ipcc_eq_3_2():
    # different fuels → different factors → independent terms
    inv = inv_of(rec(source_id="A", ad_uncertainty_pct=5, factor_uncertainty_pct=0),
                 rec(source_id="B", activity="diesel", quantity=50, unit="t", ad_uncertainty_pct=10,
                     factor_uncertainty_pct=0))
    e = inv.co2e
    expected = math.sqrt((0.05 * e[0]) ** 2 + (0.10 * e[1]) ** 2) / e.sum() * 100
    r = approach1(inv)
    assert r.total.u_pct == pytest.approx(expected)
    assert r.by_source["A"].u_pct == pytest.approx(5.0) and r.by_source["B"].u_pct == pytest.approx(10.0)


def test_approach1_reused_factor_is_correlated():
    # two rows, same library factor: factor errors add linearly, AD errors in quadrature
    inv = inv_of(rec(source_id="A", ad_uncertainty_pct=0, factor_uncertainty_pct=4),
                 rec(source_id="B", ad_uncertainty_pct=0, factor_uncertainty_pct=4))
    assert approach1(inv).total.u_pct == pytest.approx(4.0)  # not 4/√2


def test_unstated_uncertainty_is_noted():
    r = approach1(inv_of(rec(kind="heat", activity="purchased", quantity=10, unit="GJ")))
    assert any("understated" in n for n in r.notes)


def test_fuel_activity_data_default_is_five_percent():
    assert inv_of(rec()).u_ad[0] == 5.0


def test_monte_carlo_converges_to_approach1_for_normal_inputs():
    inv = inv_of(rec(source_id="A", ad_uncertainty_pct=5, factor_uncertainty_pct=3),
                 rec(source_id="B", activity="diesel", quantity=200, unit="t", ad_uncertainty_pct=8,
                     factor_uncertainty_pct=2),
                 rec(source_id="C", ad_uncertainty_pct=2, factor_uncertainty_pct=3))
    a1 = approach1(inv)
    mc = monte_carlo(inv, 40_000, seed=3)
    assert mc.total.mean == pytest.approx(a1.total.mean, rel=2e-3)
    assert mc.total.u_pct == pytest.approx(a1.total.u_pct, rel=0.04)
    for s in "ABC":
        assert mc.by_source[s].u_pct == pytest.approx(a1.by_source[s].u_pct, rel=0.05)


def test_monte_carlo_is_reproducible_and_thread_independent():
    inv = inv_of(*[rec(source_id=f"S{i}", quantity=10 + i, ad_uncertainty_pct=5, factor_uncertainty_pct=3)
                   for i in range(20)])
    a = monte_carlo(inv, 2000, seed=11, workers=1, chunk_cells=4)
    b = monte_carlo(inv, 2000, seed=11, workers=2, chunk_cells=4)
    c = monte_carlo(inv, 2000, seed=12, workers=2, chunk_cells=4)
    assert a.total.as_dict() == b.total.as_dict()
    assert a.total.lower != c.total.lower


def test_monte_carlo_shares_the_draw_of_a_reused_factor():
    E = np.ones(100)
    shared = monte_carlo_arrays(E, np.zeros(100), np.full(100, 0.1), np.zeros(100, int), 20_000, seed=1)
    indep = monte_carlo_arrays(E, np.zeros(100), np.full(100, 0.1), np.arange(100), 20_000, seed=1)
    assert shared.total.u_pct == pytest.approx(10.0, rel=0.05)
    assert indep.total.u_pct == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize("dist", [0, 1, 2, 3])
def test_each_distribution_has_mean_one_and_the_stated_95_interval(dist):
    x = multiplier(np.random.default_rng(0), dist, 0.2, 400_000).astype(float)
    assert x.mean() == pytest.approx(1.0, abs=2e-3)
    lo, hi = np.percentile(x, [2.5, 97.5])
    if dist != 1:  # lognormal is skewed: matched on its coefficient of variation instead
        assert (hi - lo) / 2 == pytest.approx(0.2, rel=0.02)
    else:
        assert x.std() == pytest.approx(0.2 / Z95, rel=0.02)
