"""Benchmark: product systems solved by tancert's footprint engine and by Brightway (bw2calc), side by side.

The same random sparse systems (1,000 / 10,000 / 50,000 processes; each process takes ~10 inputs from
random providers, so loops abound, and releases 3 of 20 greenhouse gases) are given to both. Checked:
every process score (s_j · (c·B)_j) agrees within 1e-9 relative. Timed (best of 3, same run): building
the matrices and solving, for each. Then a 1,000-iteration Monte Carlo with lognormal uncertainty on every
technosphere input and elementary flow: tancert refines each draw from the one LU factorisation of A
(tancert/footprint/uncertainty.py); bw2calc draws and solves anew each iteration (its MonteCarlo mode,
`use_distributions=True`).

    .venv/bin/pip install -e '.[bench]'        # bw2calc (a bench dependency only)
    .venv/bin/python bench/footprint.py [SIZES…] [--mc-size N] [--mc-iterations N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

INPUTS_PER_PROCESS = 10
FLOWS, FLOWS_PER_PROCESS = 20, 3
SIGMA = 0.05  # lognormal σ of every uncertain amount in the Monte Carlo


def random_system(n: int, seed: int = 0, window: int | None = None):
    """A product system shaped like a life-cycle database: ~10 inputs per process, a third of them from a few
    hub processes (electricity, transport, fuels, basic materials: 1 % of the processes, all linked to each
    other — the database's big loop), the rest from processes further up the supply chain, and 5 % of them
    back down the chain within a short distance (local loops: recycling, own energy). Random inputs from
    anywhere would fill the LU factors almost completely (a 10,000-process system took 8 minutes to factorise
    with either engine's solver); supply chains do not look like that.

    A: n×n csc, 1 on the diagonal, inputs negative, column sums of |inputs| < 0.9 (solvable). B: FLOWS×n kg.
    c: GWP-like. f: one unit of process 0. window: suppliers only among the next `window` processes (a
    sector's own supply chain) — the structure general orderings factorise well."""
    rng = np.random.default_rng(seed)
    k = min(INPUTS_PER_PROCESS, n - 1)
    hubs = max(2, n // 100)
    first_hub = n - hubs
    cols = np.repeat(np.arange(n), k)
    kind = rng.random(n * k)
    rows = np.empty(n * k, dtype=np.int64)
    hub = kind < 1 / 3
    rows[hub] = rng.integers(first_hub, n, hub.sum())
    back = (kind >= 1 / 3) & (kind < 1 / 3 + 0.05)
    rows[back] = np.maximum(cols[back] - rng.integers(1, 20, back.sum()), 0)
    up = ~(hub | back)
    lo = np.minimum(cols[up] + 1, n - 1)
    hi = n if window is None else np.minimum(lo + window, n)
    rows[up] = lo + (rng.random(up.sum()) * (hi - lo)).astype(np.int64)
    keep = rows != cols
    rows, cols2 = rows[keep], cols[keep]
    vals = -rng.uniform(0.0, 0.9 / k, len(rows))
    A = sp.csc_matrix((np.concatenate([vals, np.ones(n)]),
                       (np.concatenate([rows, np.arange(n)]), np.concatenate([cols2, np.arange(n)]))), shape=(n, n))
    bcols = np.repeat(np.arange(n), FLOWS_PER_PROCESS)
    brows = rng.integers(0, FLOWS, n * FLOWS_PER_PROCESS)
    B = sp.csc_matrix((rng.lognormal(0.0, 1.0, n * FLOWS_PER_PROCESS), (brows, bcols)), shape=(FLOWS, n))
    c = rng.choice([1.0, 27.9, 273.0, 1530.0], FLOWS)
    f = np.zeros(n)
    f[0] = 1.0
    return A, B, c, f


def tancert_scores(A, B, c, f):
    """tancert's path (system.Solved): factorise once, solve, score every column."""
    from tancert.footprint.system import Solved, System

    system = System(A=A.tocsc(), B=B.tocsc(), c=c, f=f, columns=[], flows=[], row_of={}, substitution_rows=set(),
                    entries=[], method="physical")
    solved = Solved(system)
    return solved.score, solved


def _datapackage(A, B, c, distributions: bool):
    import bw_processing as bwp

    dp = bwp.create_datapackage()
    offset = 10 * A.shape[0]  # biosphere ids apart from activity ids

    def add(matrix, M, row_offset, uncertain):
        coo = M.tocoo()
        idx = np.empty(coo.nnz, dtype=bwp.INDICES_DTYPE)
        idx["row"], idx["col"] = coo.row + row_offset, coo.col
        kw = {}
        if uncertain:
            dist = np.zeros(coo.nnz, dtype=bwp.UNCERTAINTY_DTYPE)
            off_diagonal = coo.row != coo.col if matrix == "technosphere_matrix" else np.ones(coo.nnz, bool)
            dist["uncertainty_type"] = np.where(off_diagonal, 2, 0)  # 2 lognormal (stats_arrays), 0 none
            dist["loc"] = np.where(off_diagonal, np.log(np.abs(coo.data)), coo.data)
            dist["scale"] = np.where(off_diagonal, SIGMA, np.nan)
            dist["negative"] = coo.data < 0
            dist["shape"] = dist["minimum"] = dist["maximum"] = np.nan
            kw["distributions_array"] = dist
        dp.add_persistent_vector(matrix=matrix, indices_array=idx, data_array=coo.data.astype(float), **kw)

    add("technosphere_matrix", A, 0, distributions)
    add("biosphere_matrix", B, offset, distributions)
    cidx = np.empty(len(c), dtype=bwp.INDICES_DTYPE)
    cidx["row"] = cidx["col"] = np.arange(len(c)) + offset
    dp.add_persistent_vector(matrix="characterization_matrix", indices_array=cidx, data_array=np.asarray(c, float))
    return dp


def bw2calc_scores(bc, A, B, c, f, *, distributions: bool = False):
    """bw2calc's path: its datapackage, LCA, lci, lcia; the score of every activity."""
    dp = _datapackage(A, B, c, distributions)
    demand = {int(j): float(v) for j, v in enumerate(f) if v}
    lca = bc.LCA(demand=demand, data_objs=[dp], use_distributions=distributions, seed_override=1)
    lca.lci()
    lca.lcia()
    per_activity = np.asarray(lca.characterized_inventory.sum(axis=0)).ravel()
    order = np.array([lca.dicts.activity[j] for j in range(A.shape[1])])  # our column j → bw2calc's column
    return per_activity[order], lca


def timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def compare(n: int, bc) -> dict:
    A, B, c, f = random_system(n, seed=n)
    t_ours, (ours, solved) = timed(lambda: tancert_scores(A, B, c, f))
    t_bw, (theirs, _lca) = timed(lambda: bw2calc_scores(bc, A, B, c, f))
    scale = np.maximum(np.abs(theirs), 1e-300)
    nz = np.abs(theirs) > 0
    rel = float(np.max(np.abs(ours - theirs)[nz] / scale[nz])) if nz.any() else 0.0
    assert np.array_equal(ours == 0, theirs == 0), "different processes with a zero score"
    return {"n": n, "nnz": A.nnz, "tancert_s": t_ours, "bw2calc_s": t_bw, "max_rel_diff": rel,
            "total": float(ours.sum()), "equal_1e9": rel <= 1e-9}


def monte_carlo(n: int, iterations: int, bc) -> dict:
    from tancert.footprint.uncertainty import Entries, draw, summary

    A, B, c, f = random_system(n, seed=n)
    _, solved = tancert_scores(A, B, c, f)
    coo = A.tocoo()
    off = coo.row != coo.col
    bcoo = B.tocoo()
    ents = Entries(coo.row[off], coo.col[off], coo.data[off], np.full(off.sum(), SIGMA),
                   bcoo.row, bcoo.col, bcoo.data, np.full(bcoo.nnz, SIGMA))
    t = time.perf_counter()
    totals, stats = draw(A, solved.lu, f, solved.s, solved.cB, c, ents, iterations, seed=1)
    t_ours = time.perf_counter() - t
    ours = summary(totals, stats)

    t = time.perf_counter()
    _, lca = bw2calc_scores(bc, A, B, c, f, distributions=True)
    scores = [lca.score]
    for _ in range(iterations - 1):
        next(lca)
        scores.append(lca.score)
    t_bw = time.perf_counter() - t
    theirs = np.percentile(scores, [2.5, 50, 97.5])
    return {"n": n, "iterations": iterations, "tancert_s": t_ours, "bw2calc_s": t_bw, "deterministic": solved.total,
            "tancert_95": (ours["lower"], ours["median"], ours["upper"]), "bw2calc_95": tuple(theirs),
            "refined": stats["refined"], "refactorised": stats["refactorised"],
            "steps_per_draw": stats["refinement_steps"] / iterations}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 50_000])
    p.add_argument("--mc-size", type=int, default=1_000)
    p.add_argument("--mc-iterations", type=int, default=1_000)
    args = p.parse_args(argv)
    warnings.filterwarnings("ignore")
    import bw2calc as bc

    print(f"bw2calc {bc.__version__}, solver: {'pypardiso' if bc.PYPARDISO else 'scipy spsolve (SuperLU)'}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'processes':>10} {'nonzeros':>10} {'tancert s':>10} {'bw2calc s':>10} {'ratio':>6} {'max rel diff':>13}")
    ok = True
    for n in args.sizes:
        r = compare(n, bc)
        ok &= r["equal_1e9"]
        print(f"{r['n']:>10,} {r['nnz']:>10,} {r['tancert_s']:>10.3f} {r['bw2calc_s']:>10.3f} "
              f"{r['bw2calc_s'] / r['tancert_s']:>6.1f} {r['max_rel_diff']:>13.2e}")
    if args.mc_iterations:
        m = monte_carlo(args.mc_size, args.mc_iterations, bc)
        print(f"Monte Carlo {m['iterations']:,} iterations on {m['n']:,} processes: tancert {m['tancert_s']:.2f} s "
              f"({m['refined']} draws refined from one LU, {m['refactorised']} factorised afresh, "
              f"{m['steps_per_draw']:.1f} refinement steps per draw), bw2calc {m['bw2calc_s']:.2f} s")
        print(f"  deterministic {m['deterministic']:.6g}; 2.5/50/97.5 %: tancert "
              + " / ".join(f"{v:.6g}" for v in m["tancert_95"]) + "; bw2calc "
              + " / ".join(f"{v:.6g}" for v in m["bw2calc_95"]))
    print("every process score equal within 1e-9 relative" if ok else "SCORES DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
