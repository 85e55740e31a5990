"""Benchmark: Monte Carlo (IPCC Approach 2) with 10,000 iterations × 10,000 sources, chunked.

Reports time and peak memory. Baseline measured in the same run: the naive unchunked numpy
version (draw every AD and factor multiplier as one 10,000 × 10,000 array, multiply, sum, and take
per-source percentiles), which needs the whole sample matrix in memory at once.

    .venv/bin/python bench/ghg_montecarlo.py [SOURCES] [ITERATIONS]
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc

import numpy as np

from tancert.ghg.uncertainty import Z95, monte_carlo_arrays


def naive(E, u_ad, u_f, n_iter, seed):
    rng = np.random.default_rng(seed)
    a = 1 + rng.standard_normal((len(E), n_iter), dtype=np.float32) * (u_ad / Z95).astype(np.float32)[:, None]
    a *= 1 + rng.standard_normal((len(E), n_iter), dtype=np.float32) * (u_f / Z95).astype(np.float32)[:, None]
    a *= E.astype(np.float32)[:, None]
    total = a.sum(axis=0, dtype=np.float64)
    q = np.percentile(a, [2.5, 97.5], axis=1)
    return total, q


def timed(fn, repeat=3):
    """Best and median wall time of `repeat` runs (the machine may be shared), the CPU time of the
    process during the best run (all threads), then peak traced memory of one more."""
    runs = []
    out = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        runs.append((time.perf_counter() - t, time.process_time() - c))
    runs.sort()
    tracemalloc.start()  # traced separately: tracing slows numpy's allocations
    fn()
    _, pk = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return runs[0][0], runs[len(runs) // 2][0], runs[0][1], pk / 2**20, out


def main(n: int = 10_000, iters: int = 10_000) -> None:
    rng = np.random.default_rng(0)
    E = rng.uniform(1, 1000, n)
    u_ad = rng.uniform(0.01, 0.10, n)
    u_f = rng.uniform(0.01, 0.10, n)
    group = rng.integers(0, n // 4, n)  # factors reused by about four sources each: correlated draws
    monte_carlo_arrays(E[:100], u_ad[:100], u_f[:100], group[:100], 100, seed=1)  # warm-up
    t_ours, med_ours, c_ours, m_ours, r = timed(lambda: monte_carlo_arrays(E, u_ad, u_f, group, iters, seed=1))
    t_naive, med_naive, c_naive, m_naive, _ = timed(lambda: naive(E, u_ad, u_f, iters, 1), repeat=2)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| workload | ours (s) best / median | ours CPU s (2 threads) | ours peak MiB | baseline: unchunked numpy (s) "
          "best | baseline CPU s | baseline peak MiB | ratio (best) |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| Monte Carlo {iters:,} iterations × {n:,} sources, per-source and total 95% intervals | {t_ours:.2f} / "
          f"{med_ours:.2f} | {c_ours:.2f} | {m_ours:,.0f} | {t_naive:.2f} | {c_naive:.2f} | {m_naive:,.0f} | "
          f"{t_ours / t_naive:.2f}× |")
    print(f"\ntotal {r.total.mean:,.0f} ± {r.total.u_pct:.2f}% ; process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB (includes the baseline's matrix)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
