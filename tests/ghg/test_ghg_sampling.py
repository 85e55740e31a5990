"""R6.2-sampling: the sample rule of tancert.ghg.sampling (per-stratum positions drawn from
per-stratum counts, mapped to rows by a blocked stable counting order), checked against a plain
reference and for being representative (uniform inclusion, every subset possible)."""

import itertools
import math

import numpy as np
import pytest
from ghg_helpers import ds, rec
from hypothesis import given, settings
from hypothesis import strategies as st

from tancert.ghg import calculate, draw_sample
from tancert.ghg import sampling as sm
from tancert.ghg.model import select


def reference_sample(codes: np.ndarray, levels: list[str], seed: int) -> dict[str, list[int]]:
    """The documented rule, row by row: strata in source-id order, positions from the same
    stream, the p-th record of a stratum in row order."""
    counts = np.bincount(codes, minlength=len(levels))
    by_name = sorted(range(len(levels)), key=levels.__getitem__)
    strata, positions = sm.draw_positions(counts[by_name], seed)
    out: dict[str, list[int]] = {}
    for s, p in zip(strata.tolist(), positions.tolist(), strict=True):
        code = by_name[s]
        out.setdefault(levels[code], []).append(int(np.flatnonzero(codes == code)[p]))
    return out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=0, max_size=300), st.integers(0, 2**32 - 1))
def test_positions_are_ceil_sqrt_distinct_and_sorted(sizes, seed):
    n = np.array(sizes, np.int64)
    s, p = sm.draw_positions(n, seed)
    assert np.all(np.diff(s) >= 0)
    for j, size in enumerate(sizes):
        mine = p[s == j]
        assert len(mine) == math.ceil(math.sqrt(size)) == len(set(mine.tolist()))
        assert np.all(np.diff(mine) > 0) and np.all((mine >= 0) & (mine < max(size, 1)))


def test_draw_positions_large_strata_and_reproducible():
    n = np.array([1, 2, 3, 10, 1000, 250_000])
    a, b = sm.draw_positions(n, 5), sm.draw_positions(n, 5)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert np.bincount(a[0], minlength=len(n)).tolist() == [1, 2, 2, 4, 32, 500]
    assert not np.array_equal(sm.draw_positions(n, 6)[1], a[1])


@pytest.mark.parametrize("n", [0, 5, 1000, (1 << 17) + 123, 3 * (1 << 17)])
def test_blocked_counting_order_equals_a_global_stable_sort(n):
    rng = np.random.default_rng(n)
    codes = rng.integers(0, 300, n).astype(np.int32)
    counts = np.bincount(codes, minlength=300)
    strata = np.repeat(np.arange(300), counts)
    positions = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    order = np.argsort(codes, kind="stable")
    assert np.array_equal(sm.stratum_order_rows(codes, 300, strata, positions), order)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["S1", "S2", "S3", "b", "a"]), min_size=1, max_size=120), st.integers(0, 1000))
def test_engine_sample_equals_the_documented_rule(sources, seed):
    inv = calculate(ds(*[rec(source_id=s, quantity=i) for i, s in enumerate(sources)]))
    sample = draw_sample(inv, seed)
    src = inv.table.t("source_id")
    expect = reference_sample(src.codes, src.levels, seed)
    rows = inv.table.rows
    assert {k: v["rows"] for k, v in sample.strata.items()} == {k: rows[v].tolist() for k, v in expect.items()}
    assert sample.index.tolist() == sorted(i for v in expect.values() for i in v)
    assert sample.population == len(sources) and sample.seed == seed


def test_sample_does_not_depend_on_the_order_sources_first_appear():
    """Strata are drawn in source-id order: listing another source first changes nothing."""
    a = [rec(source_id="A", quantity=i) for i in range(30)] + [rec(source_id="B", quantity=i) for i in range(20)]
    b = [rec(source_id="B", quantity=i) for i in range(20)] + [rec(source_id="A", quantity=i) for i in range(30)]
    sa, sb = draw_sample(calculate(ds(*a)), 3), draw_sample(calculate(ds(*b)), 3)
    # the same positions within each stratum (row numbers shift by the other stratum's rows)
    pos_a = {k: [r - (3 if k == "A" else 33) for r in v["rows"]] for k, v in sa.strata.items()}
    pos_b = {k: [r - (23 if k == "A" else 3) for r in v["rows"]] for k, v in sb.strata.items()}
    assert pos_a == pos_b


def test_sample_is_representative_uniform_inclusion_and_every_subset():
    """Over many seeds every record of a stratum is drawn with probability k/n, and for a small
    stratum every k-subset occurs about equally often (simple random sampling)."""
    n, seeds = 10, 6000  # k = ⌈√10⌉ = 4
    hits = np.zeros(n)
    subsets: dict = {}
    for seed in range(seeds):
        _, p = sm.draw_positions(np.array([n]), seed)
        hits[p] += 1
        subsets[tuple(p.tolist())] = subsets.get(tuple(p.tolist()), 0) + 1
    expect = seeds * 4 / n
    assert np.all(np.abs(hits - expect) < 5 * math.sqrt(expect))  # ~5σ: no position favoured
    assert set(subsets) == set(itertools.combinations(range(n), 4))  # all 210 subsets occur
    per = seeds / 210
    chi2 = sum((c - per) ** 2 / per for c in subsets.values())
    assert chi2 < 209 + 6 * math.sqrt(2 * 209)  # χ²(209 dof) far below an implausible value


def test_select_equals_the_level_gather_for_every_level_set():
    rng = np.random.default_rng(0)
    for n_levels in range(1, 7):
        codes = rng.integers(0, n_levels, 200).astype(np.int32)
        for bits in itertools.product([False, True], repeat=n_levels):
            ok = np.array(bits)
            assert np.array_equal(select(codes, ok), ok[codes]), bits
