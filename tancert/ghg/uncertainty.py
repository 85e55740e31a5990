"""Uncertainty of the inventory (IPCC 2006 Vol. 1 Ch. 3).

Approach 1 (error propagation, always): a row's emission is AD × factor, so its relative 95%
half-width is √(U_AD² + U_F²); sums combine absolute half-widths in quadrature. IPCC's sum rule
assumes independent terms, but rows that reuse the *same library factor* share its error, so
their factor terms are added linearly before squaring:

    H² = Σ_rows (U_AD,i·E_i)² + Σ_factor-groups (Σ_{i∈g} U_F,i·E_i)²,   U = H / |Σ E|

With one row per factor this is exactly IPCC equations 3.1/3.2.

Approach 2 (Monte Carlo, on request, seeded): rows are first pooled into cells (source × factor
group; pooling combines AD half-widths in quadrature, which is exact for normal AD); each cell gets
an AD multiplier and each factor group one multiplier shared by all its cells, so a reused factor is
fully correlated. Work runs in chunks of whole sources (bounded memory) on two threads; every chunk
and every block of factor groups draws from its own Philox stream keyed by (seed, index), so the
result depends on the seed and chunk size only, never on the number of threads.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .inventory import Inventory

Z95 = 1.959963984540054
BLOCK = 256  # factor groups per random stream
FACTOR_CACHE_BYTES = 512 * 2**20  # memory for kept factor multipliers
DIST = {"normal": 0, "lognormal": 1, "triangular": 2, "uniform": 3}


@dataclass
class Interval:
    mean: float
    lower: float
    upper: float

    @property
    def u_pct(self) -> float:
        """Half-width of the 95% interval as % of the mean (IPCC's U)."""
        return 0.0 if self.mean == 0 else (self.upper - self.lower) / 2 / abs(self.mean) * 100

    def as_dict(self) -> dict:
        return {"mean": self.mean, "lower": self.lower, "upper": self.upper, "u_pct": self.u_pct}


@dataclass
class UncertaintyResult:
    approach: str
    total: Interval
    by_source: dict[str, Interval]
    notes: list[str] = field(default_factory=list)
    iterations: int | None = None
    seed: int | None = None

    def as_dict(self) -> dict:
        return {"approach": self.approach, "total": self.total.as_dict(), "iterations": self.iterations,
                "seed": self.seed, "notes": self.notes,
                "by_source": {k: v.as_dict() for k, v in self.by_source.items()}}


def _inputs(inv: Inventory, year: int | None):
    m = inv.mask(year)
    pick = (lambda a: a) if m is None else (lambda a: a[m])
    e = pick(inv.co2e)
    u_ad, u_f = pick(inv.u_ad), pick(inv.u_f)
    notes = []
    if np.isnan(u_ad).any():
        notes.append(f"{int(np.isnan(u_ad).sum())} records state no activity-data uncertainty (counted as 0: the "
                     "interval is understated)")
    if np.isnan(u_f).any():
        notes.append(f"{int(np.isnan(u_f).sum())} records state no factor uncertainty (counted as 0: the interval "
                     "is understated)")
    src = inv.table.t("source_id")
    return (e, np.nan_to_num(u_ad) / 100, np.nan_to_num(u_f) / 100, pick(src.codes), src.levels, pick(inv.group),
            pick(inv.table.t("ad_distribution").codes), inv.table.t("ad_distribution").levels,
            pick(inv.table.t("factor_distribution").codes), inv.table.t("factor_distribution").levels, notes)


def approach1(inv: Inventory, year: int | None = None) -> UncertaintyResult:
    e, uad, uf, src, levels, group, *_, notes = _inputs(inv, year)
    ns = len(levels)
    ad2 = np.bincount(src, weights=(uad * e) ** 2, minlength=ns)
    # factor terms: linear within (source, factor group), quadrature across groups
    cell_key, cell = np.unique(src.astype(np.int64) * (int(group.max(initial=0)) + 1) + group, return_inverse=True)
    lin = np.bincount(cell, weights=uf * e, minlength=len(cell_key))
    cell_src = cell_key // (int(group.max(initial=0)) + 1)
    f2 = np.bincount(cell_src, weights=lin**2, minlength=ns)
    tot_s = np.bincount(src, weights=e, minlength=ns)
    h_s = np.sqrt(ad2 + f2)
    # the total: groups are shared across sources, so regroup the linear factor sums by group only
    glin = np.bincount(group, weights=uf * e)
    h = math.sqrt(float(ad2.sum() + (glin**2).sum()))
    total = float(e.sum())
    present = np.bincount(src, minlength=ns) > 0
    by_source = {levels[k]: Interval(float(tot_s[k]), float(tot_s[k] - h_s[k]), float(tot_s[k] + h_s[k]))
                 for k in np.flatnonzero(present).tolist()}
    if any(v.u_pct > 60 for v in by_source.values()):
        notes.append("some sources exceed ±60%: Approach 1 is unreliable there, use Monte Carlo (Approach 2)")
    return UncertaintyResult("IPCC Approach 1 (error propagation)", Interval(total, total - h, total + h),
                             by_source, notes)


def multiplier(rng: np.random.Generator, dist: int, u: float, shape) -> np.ndarray:
    """Mean-1 random factor whose central 95% interval is ±u (relative)."""
    if u == 0:
        return np.ones(shape, np.float32)
    if dist == 1:  # lognormal with the same coefficient of variation as the normal u/1.96
        s = math.sqrt(math.log1p((u / Z95) ** 2))
        return np.exp(rng.standard_normal(shape, dtype=np.float32) * s - s * s / 2)
    if dist == 2:  # symmetric triangular on [1-a, 1+a]: P(|x-1| > u) = (1 - u/a)² = 5%
        a = u / (1 - math.sqrt(0.05))
        return (1 + a * (rng.random(shape, dtype=np.float32) + rng.random(shape, dtype=np.float32) - 1)).astype(np.float32)
    if dist == 3:  # uniform on [1-a, 1+a] with 95% inside ±u
        a = u / 0.95
        return (1 + a * (2 * rng.random(shape, dtype=np.float32) - 1)).astype(np.float32)
    z = rng.standard_normal(shape, dtype=np.float32)
    z *= u / Z95
    z += 1
    return z


def _stream(seed: int, kind: int, index: int) -> np.random.Generator:
    return np.random.Generator(np.random.Philox(key=np.array([seed & (2**64 - 1), (kind << 48) | index], np.uint64)))


def monte_carlo(inv: Inventory, iterations: int = 10_000, seed: int = 0, year: int | None = None,
                chunk_cells: int = 256, workers: int = 2) -> UncertaintyResult:
    """Approach 2. Peak memory ≈ workers × 2 × chunk_cells × iterations × 4 bytes for the chunks, plus
    the kept factor multipliers (factor groups × iterations × 4 bytes, at most FACTOR_CACHE_BYTES)."""
    e, uad, uf, src, levels, group, adc, adl, fdc, fdl, notes = _inputs(inv, year)
    ad_dist = np.array([DIST.get(s, 0) for s in adl] or [0])[adc]
    f_dist = np.array([DIST.get(s, 0) for s in fdl] or [0])[fdc]
    # pool rows into cells (source × factor group)
    gmax = int(group.max(initial=0)) + 1
    keys, cell = np.unique(src.astype(np.int64) * gmax + group, return_inverse=True)
    E = np.bincount(cell, weights=e, minlength=len(keys))
    with np.errstate(divide="ignore", invalid="ignore"):
        u_ad = np.where(E != 0, np.sqrt(np.bincount(cell, weights=(uad * e) ** 2, minlength=len(keys))) / np.abs(E), 0)
        u_f = np.where(E != 0, np.bincount(cell, weights=uf * e, minlength=len(keys)) / E, 0)
    first = np.full(len(keys), -1)
    first[cell[::-1]] = np.arange(len(cell))[::-1]  # first row of each cell decides its distributions
    cell_ad_dist, cell_f_dist = ad_dist[first], f_dist[first]
    cell_src, cell_grp = keys // gmax, keys % gmax
    return _run_mc(E, np.abs(u_ad), np.abs(u_f), cell_src, cell_grp, cell_ad_dist, cell_f_dist, levels,
                   iterations, seed, chunk_cells, workers, notes)


def _run_mc(E, u_ad, u_f, cell_src, cell_grp, ad_dist, f_dist, levels, n_iter, seed, chunk_cells, workers, notes):
    n_cells = len(E)
    # chunks of whole sources (cells are sorted by source already: keys = source × gmax + group)
    bounds = [0]
    src_starts = np.flatnonzero(np.r_[True, cell_src[1:] != cell_src[:-1]]) if n_cells else np.array([], int)
    for s0 in src_starts.tolist():
        if s0 - bounds[-1] >= chunk_cells:
            bounds.append(s0)
    bounds.append(n_cells)
    chunks = list(zip(bounds[:-1], bounds[1:], strict=False))
    group_u: dict[int, float] = {}
    group_d: dict[int, int] = {}
    for g, u, d in zip(cell_grp.tolist(), u_f.tolist(), f_dist.tolist(), strict=False):
        group_u.setdefault(g, u)  # the first cell's relative u and distribution stand for the group
        group_d.setdefault(g, d)

    def factor_block(b: int) -> np.ndarray:
        """Multipliers of factor groups b·BLOCK … b·BLOCK+BLOCK-1, from the block's own stream."""
        gs = np.arange(b * BLOCK, (b + 1) * BLOCK)
        f = _stream(seed, 1, b).standard_normal((BLOCK, n_iter), dtype=np.float32)
        scale = np.array([group_u.get(g, 0.0) / Z95 for g in gs.tolist()], np.float32)
        f *= scale[:, None]
        f += 1
        for i, g in enumerate(gs.tolist()):
            if group_d.get(g, 0):  # rare: non-normal factor distributions get their own stream
                f[i] = multiplier(_stream(seed, 2, g), group_d[g], group_u[g], n_iter)
        return f

    # Factor blocks are kept (LRU) up to a memory budget: cells are ordered by source, so one factor
    # block is needed by many chunks; regenerating it each time would multiply the work.
    cache: OrderedDict[int, np.ndarray] = OrderedDict()
    lock = threading.Lock()
    budget = max(1, FACTOR_CACHE_BYTES // (BLOCK * n_iter * 4))

    def cached_block(b: int) -> np.ndarray:
        with lock:
            if b in cache:
                cache.move_to_end(b)
                return cache[b]
        fb = factor_block(b)  # deterministic: a race only costs a duplicate draw
        with lock:
            cache[b] = fb
            while len(cache) > budget:
                cache.popitem(last=False)
        return fb

    def run(ci):
        a, b = chunks[ci]
        # AD multipliers: one stream per chunk (chunks are fixed by chunk_cells, not by threads)
        x = _stream(seed, 0, ci).standard_normal((b - a, n_iter), dtype=np.float32)
        x *= (u_ad[a:b] / Z95).astype(np.float32)[:, None]
        x += 1
        for j in np.flatnonzero(ad_dist[a:b]).tolist():
            x[j] = multiplier(_stream(seed, 3, a + j), int(ad_dist[a + j]), float(u_ad[a + j]), n_iter)
        grp = cell_grp[a:b]
        for blk in np.unique(grp // BLOCK).tolist():
            sel = np.flatnonzero(grp // BLOCK == blk)
            x[sel] *= cached_block(blk)[grp[sel] - blk * BLOCK]
        x *= E[a:b].astype(np.float32)[:, None]
        starts = np.flatnonzero(np.r_[True, cell_src[a + 1:b] != cell_src[a:b - 1]])
        if len(starts) == b - a:  # one cell per source: the sum is the cell itself (an exact cast, ~15× faster)
            per_src = x.astype(np.float64)
        else:
            per_src = np.add.reduceat(x, starts, axis=0, dtype=np.float64) if b > a else np.zeros((0, n_iter))
        q = np.percentile(per_src, [2.5, 97.5], axis=1)
        return (cell_src[a + starts], per_src.mean(axis=1), q[0], q[1], x.sum(axis=0, dtype=np.float64))

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(run, range(len(chunks))))
    total = np.zeros(n_iter)
    by_source = {}
    for srcs, mean, lo, hi, tot in results:  # summed in chunk order: identical for any thread count
        total += tot
        for s, m_, l_, h_ in zip(srcs.tolist(), mean.tolist(), lo.tolist(), hi.tolist(), strict=False):
            by_source[levels[s]] = Interval(m_, l_, h_)
    lo, hi = np.percentile(total, [2.5, 97.5])
    return UncertaintyResult("IPCC Approach 2 (Monte Carlo)", Interval(float(total.mean()), float(lo), float(hi)),
                             by_source, notes, n_iter, seed)


def monte_carlo_arrays(E, u_ad, u_f, group, iterations: int, seed: int = 0, chunk_cells: int = 256,
                       workers: int = 2) -> UncertaintyResult:
    """Approach 2 on bare arrays, one source per entry (used by the benchmark and tests)."""
    n = len(E)
    z = np.zeros(n, np.int64)
    return _run_mc(np.asarray(E, float), np.asarray(u_ad, float), np.asarray(u_f, float), np.arange(n),
                   np.asarray(group), z, z, [str(i) for i in range(n)], iterations, seed, chunk_cells, workers, [])
