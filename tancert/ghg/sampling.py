"""R6.2-sampling: the seeded, stratified, representative sample of records the auditor verifies.

Rule (docs/ghg.md §3): strata are the sources; a stratum of n records gets k = ⌈√n⌉ records
drawn uniformly without replacement. Drawing, for a seed:

1. the strata are taken in order of their source id (text order, so neither the order of the
   rows nor the order in which ids first appear changes the draw);
2. one PCG64 stream (`numpy.random.default_rng(seed)`) draws, stratum after stratum, 2k uniform
   positions ⌊u·n⌋ of uniform doubles u ∈ [0, 1) (with replacement; bias below n·2⁻⁵³); a
   stratum's sample is the first k *distinct*
   positions in draw order — sequential sampling without replacement, so every k-subset of the
   stratum is equally likely. A stratum of n ≤ 2 is taken whole (k = n); the rare stratum whose
   2k draws hold fewer than k distinct positions is drawn again by `Generator.choice(n, k,
   replace=False)` on the same stream, after all strata;
3. position p of a stratum is its p-th record in row order.

Step 3 is a stable counting order of the rows by stratum. It is computed in blocks of 2¹⁷ rows:
numpy's stable argsort of 16-bit codes is a radix sort, and a block's keys and indices stay in
the CPU cache; blocks are consecutive row ranges, so the block-wise order *is* the global stable
order. Only the ~√n positions per stratum are drawn: no per-record random key, no sort of keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

SAMPLE_RULE = "⌈√n⌉ records per stratum (source), drawn without replacement"
SAMPLE_METHOD_ZH = "分层随机抽样：按排放源分层，每层不放回地抽取 ⌈√n⌉ 条记录"
BLOCK = 1 << 17  # rows per block of the counting order (in-block indices fit int32)


@dataclass
class Sample:
    """R6.2-sampling: which records the auditor verifies, and how they were chosen."""

    method: str
    seed: int
    population: int
    strata: dict[str, dict] = field(default_factory=dict)  # source → {"population", "sample", "rows"}
    index: np.ndarray | None = None  # row positions in the activity table
    # rows flagged by the screening (screening.py), added to the random draw: `forced` maps their
    # sheet row → reasons [{"rule", "message", "message_zh"}], built when first read
    forced_index: np.ndarray | None = None  # their positions
    _reasons: object = None  # a function giving `forced`, called on first read

    @property
    def forced(self) -> dict[int, list[dict]]:
        if callable(self._reasons):
            self._reasons = self._reasons()
        return self._reasons or {}

    @property
    def size(self) -> int:
        return 0 if self.index is None else len(self.index)

    def as_dict(self) -> dict:
        return {"method": self.method, "seed": self.seed, "population": self.population, "size": self.size,
                "strata": self.strata} | ({"forced": [{"row": r, "reasons": v} for r, v in self.forced.items()]}
                                          if self.forced else {})


def sample_size(n: int) -> int:
    return math.ceil(math.sqrt(n)) if n > 0 else 0


def draw_positions(n: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions drawn in strata of sizes `n` (in draw order): (stratum, position) per sampled
    record, grouped by stratum in the order given, positions ascending within a stratum.

    Step 2 of the module's rule; a stratum gets ⌈√n⌉ distinct positions."""
    n = np.asarray(n, np.int64)
    k = np.ceil(np.sqrt(n)).astype(np.int64)
    rng = np.random.default_rng(seed)
    drawn = k < n  # n ≤ 2: the whole stratum
    d = np.where(drawn, 2 * k, 0)
    m = int(d.sum())
    strat = np.repeat(np.arange(len(n)), d)
    offset = np.cumsum(n) - n  # a stratum's positions are the slots offset .. offset + n - 1
    total = int(n.sum())
    size = np.repeat(n, d)
    # uniform position ⌊u·n⌋ of a uniform double u ∈ [0, 1) (bias below n·2⁻⁵³)
    slot = offset[strat] + np.minimum((rng.random(m) * size).astype(np.int64), size - 1)
    # first occurrence of each slot in draw order: the smallest draw index that hit it
    idx_t = np.int32 if m < 2**31 - 1 else np.int64
    draw_idx = np.arange(m, dtype=idx_t)
    first_at = np.full(total, m, idx_t)
    np.minimum.at(first_at, slot, draw_idx)
    first = np.flatnonzero(first_at[slot] == draw_idx)  # in draw order, strata grouped
    fs = strat[first]
    distinct = np.bincount(fs, minlength=len(n))
    rank = np.arange(len(first)) - (np.cumsum(distinct) - distinct)[fs]
    take = np.zeros(total, bool)  # chosen slots; reading them back in slot order sorts them
    take[slot[first[rank < k[fs]]]] = True
    whole = np.flatnonzero(~drawn & (n > 0))
    take[np.repeat(offset[whole], n[whole]) + (np.arange(int(n[whole].sum())) - np.repeat(
        np.cumsum(n[whole]) - n[whole], n[whole]))] = True
    short = np.flatnonzero(drawn & (distinct < k))
    for s in short.tolist():  # rare: too many repeats among the 2k draws; redrawn on the same stream
        take[offset[s]:offset[s] + n[s]] = False
        take[offset[s] + rng.choice(n[s], k[s], replace=False)] = True
    chosen = np.flatnonzero(take)
    stratum = np.repeat(np.arange(len(n)), k)
    return stratum, chosen - offset[stratum]


def stratum_order_rows(codes: np.ndarray, n_levels: int, strata: np.ndarray, positions: np.ndarray,
                       block_counts: np.ndarray | None = None) -> np.ndarray:
    """Row index of the `positions[i]`-th row (row order) whose code is `strata[i]` (step 3).

    block_counts: rows per (block of BLOCK rows, code), if the caller has them."""
    n = len(codes)
    nb = max(-(-n // BLOCK), 1)
    small = np.uint16 if n_levels <= 1 << 16 else np.int64  # ≤16 bits: stable argsort is a radix sort
    c = codes.astype(small, copy=False)
    if block_counts is None:
        block_counts = np.stack([np.bincount(c[j * BLOCK:(j + 1) * BLOCK], minlength=n_levels)
                                 for j in range(nb)])
    cum = np.cumsum(block_counts, axis=0)  # rows of each code up to the end of each block
    j = np.zeros(len(strata), np.int64)  # the block holding each position
    for b in range(nb - 1):
        j += cum[b][strata] <= positions
    rank = positions - np.where(j > 0, cum[np.maximum(j - 1, 0), strata], 0)  # among the code's rows of the block
    slot = (np.cumsum(block_counts, axis=1) - block_counts)[j, strata] + rank  # in the block's stable order
    out = np.empty(len(strata), np.int64)
    for b in np.flatnonzero(np.bincount(j, minlength=nb)).tolist():
        at = np.flatnonzero(j == b)
        order = np.argsort(c[b * BLOCK:(b + 1) * BLOCK], kind="stable")
        out[at] = b * BLOCK + order[slot[at]]
    return out


def draw(source_codes: np.ndarray, levels: list[str], counts: np.ndarray, seed: int, rows: np.ndarray,
         block_counts: np.ndarray | None = None) -> Sample:
    """The sample of a table whose stratum (source) per row is `source_codes` into `levels`;
    counts: rows per level; rows: the sheet row numbers."""
    n = len(source_codes)
    by_name = np.array(sorted(range(len(levels)), key=levels.__getitem__), np.int64)
    s_ord, pos = draw_positions(counts[by_name], seed)
    strata_codes = by_name[s_ord]
    chosen = stratum_order_rows(source_codes, len(levels), strata_codes, pos, block_counts)
    grouped = rows[chosen].tolist()  # grouped by stratum (name order), ascending rows within
    k = np.ceil(np.sqrt(counts)).astype(np.int64)
    live = by_name[counts[by_name] > 0]
    kk = k[live]
    ends = np.cumsum(kk).tolist()
    strata = {levels[code]: {"population": c, "sample": ks, "rows": grouped[e - ks:e]}
              for code, c, ks, e in zip(live.tolist(), counts[live].tolist(), kk.tolist(), ends, strict=True)}
    mark = np.zeros(n, bool)  # the chosen rows ascending: a mark and one scan (no sort)
    mark[chosen] = True
    return Sample(f"stratified random sample, {SAMPLE_RULE}", seed, n, strata, np.flatnonzero(mark))
