"""Integer keys over categorical columns: the engine's hot path runs on *row classes*.

Every activity row is described by a handful of categorical columns (kind, activity, unit, region,
period, …) whose codes are small integers. `factorize` combines those codes into one integer per
row (mixed radix) and maps the combinations that occur onto 0..m-1 with a dense count — O(n), no
sort, no strings — compressing the key whenever the radix product grows too large. Everything
that depends only on those columns (factor resolution, unit scale, formula multiplier, tier, …) is
then computed once per class and gathered back with one integer take.
"""

from __future__ import annotations

import numpy as np

LIMIT = 1 << 22  # largest dense key space (bins of one bincount)


def _compress(key: np.ndarray, size: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inverse codes per row, the distinct keys ascending, rows per distinct key)."""
    if size <= max(4 * n, LIMIT):
        counts = np.bincount(key, minlength=size)
        present = np.flatnonzero(counts)
        lookup = np.full(size, -1, np.int32 if len(present) < 2**31 else np.int64)
        lookup[present] = np.arange(len(present), dtype=lookup.dtype)
        return lookup[key], present, counts[present]
    present, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    return inv.reshape(-1).astype(np.int32 if len(present) < 2**31 else np.int64), present, counts


def factorize(parts: list[tuple[np.ndarray, int]], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row classes of the combination of categorical columns.

    parts: (codes per row, number of levels) per column. Returns (class per row, digits: one row per
    class holding each column's code, rows per class). Classes are in ascending mixed-radix order.
    Columns with a single level cost nothing."""
    ncol = len(parts)
    table = np.zeros((1, ncol), np.int64)  # digits of each compressed code
    key = None
    size = 1
    pending: list[int] = []  # columns multiplied into `key` since the last compression
    counts = np.array([n], np.int64)

    def flush():
        nonlocal key, size, table, pending, counts
        key, u, counts = _compress(key, size, n)
        digits = []
        for j in reversed(pending):
            r = parts[j][1]
            digits.append((j, u % r))
            u = u // r
        new = table[u].copy()
        for j, d in digits:
            new[:, j] = d
        table, size, pending = new, len(new), []

    for j, (codes, r) in enumerate(parts):
        if r <= 1:
            continue
        if key is None:
            key = np.asarray(codes)
        else:
            if size * r > LIMIT:
                flush()
            # int32 while the key space fits (half the memory traffic of int64)
            dtype = np.int32 if size * r < 2**31 else np.int64
            key = key.astype(dtype, copy=False) * dtype(r)
            key += codes
        size *= r
        pending.append(j)
    if key is None:
        return np.zeros(n, np.int32), (table if n else table[:0]), counts if n else counts[:0]
    flush()
    return key, table, counts


CHUNK = 1 << 16  # rows per chunk of a fused pass: a chunk's int32 keys and float64 values stay in cache


def raw_classes(parts: list[tuple[np.ndarray, int]], n: int) -> tuple[np.ndarray, int, np.ndarray] | None:
    """The mixed-radix key itself as the row class, when its space is small (≤ LIMIT bins):
    (raw key per row, int32; size of the key space; rows per key value). None when too large
    (then `factorize`). Built chunk by chunk — digit products, sums and the count of one chunk
    never leave the CPU cache — and without the gather that compressing the key would cost:
    callers index tables of `size` entries by the raw key instead."""
    used = [(np.asarray(c), r) for c, r in parts if r > 1]
    size = 1
    for _, r in used:
        size *= r
    if size > LIMIT:
        return None
    key = np.zeros(n, np.int32)
    counts = np.zeros(size, np.int64)
    for a in range(0, n, CHUNK):
        k = key[a:a + CHUNK]
        for j, (c, r) in enumerate(used):
            if j:
                k *= r
                k += c[a:a + CHUNK]
            else:
                k[:] = c[a:a + CHUNK]
        counts += np.bincount(k, minlength=size) if size <= 4 * CHUNK else 0
    if size > 4 * CHUNK:  # a large key space: one count over the whole key
        counts = np.bincount(key, minlength=size)
    return key, size, counts


def digits_of(present: np.ndarray, parts: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """Each column's code of the raw keys `present` (one row per key, one column per part)."""
    out = np.zeros((len(present), len(parts)), np.int64)
    u = present.astype(np.int64)
    for j in range(len(parts) - 1, -1, -1):
        r = parts[j][1]
        if r > 1:
            out[:, j] = u % r
            u = u // r
    return out
