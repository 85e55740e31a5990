"""Uncertainty of the footprint: Approach 1 (propagation of errors) and Monte Carlo (Approach 2).

Each exchange (and each background data set) may state the half-width of its 95 % interval in % of its
amount (`uncertainty_pct`); an exchange without one is taken as exact and listed as not covered.
Approach 1 combines the contributions as independent: U = √Σ(xᵢ·uᵢ)² / |Σx| — for a technosphere input
xᵢ is the input's whole upstream footprint (amount × scaling × the provider's footprint per unit, one
transposed solve with the factors of A, system.py).

Monte Carlo draws every uncertain amount from a lognormal whose median is the amount and whose 95 %
interval has the stated half-width (σ = ln(1 + u) / 1.96): amounts stay on their side of zero, as a
negative input would have no meaning. When technosphere amounts vary, each draw's A·s = f is solved by
iterative refinement started from the base solution with the *same* LU factors of A (a draw differs from A
by a few per cent); a draw the refinement cannot bring below 1e-12 is factorised afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

REFINE_TOL = 1e-12
REFINE_MAX = 30
CHUNK = 256  # draws per block of the vectorised path


@dataclass
class Entries:
    """Uncertain amounts: technosphere (row, col, value, sigma) and elementary (flow, col, value, sigma)."""
    a_rows: np.ndarray
    a_cols: np.ndarray
    a_vals: np.ndarray
    a_sigma: np.ndarray
    b_flows: np.ndarray
    b_cols: np.ndarray
    b_vals: np.ndarray
    b_sigma: np.ndarray


def sigma(u_pct: float) -> float:
    return float(np.log1p(u_pct / 100.0) / 1.96)


def entries_of(system) -> tuple[Entries, list]:
    """The uncertain matrix entries of a built system, and the exchanges without an uncertainty."""
    a, b, uncovered = [], [], []
    for kind, r, col, v, u, ex in system.entries:
        if u is None:
            uncovered.append((kind, r, col, v, ex))
            continue
        if u > 0:
            (a if kind == "A" else b).append((r, col, v, sigma(u)))
    A = np.array(a, dtype=float).reshape(-1, 4)
    B = np.array(b, dtype=float).reshape(-1, 4)
    return Entries(A[:, 0].astype(np.int64), A[:, 1].astype(np.int64), A[:, 2], A[:, 3],
                   B[:, 0].astype(np.int64), B[:, 1].astype(np.int64), B[:, 2], B[:, 3]), uncovered


def approach1(solved, system) -> dict:
    lam = solved.upstream
    total = solved.total
    sq, covered, uncovered_abs, all_abs = 0.0, 0, 0.0, 0.0
    names = []
    for kind, r, col, v, u, ex in system.entries:
        x = solved.s[col] * v * system.c[r] if kind == "B" else -v * solved.s[col] * lam[r]
        all_abs += abs(x)
        if u is None:
            uncovered_abs += abs(x)
            names.append(getattr(ex, "row", None))
            continue
        covered += 1
        sq += (x * u / 100.0) ** 2
    u_pct = 100.0 * np.sqrt(sq) / abs(total) if total else float("nan")
    half = abs(total) * u_pct / 100.0
    return {"approach": "1", "u_pct": float(u_pct), "lower": total - half, "upper": total + half, "exchanges_covered": covered,
            "not_covered_share_pct": 100.0 * uncovered_abs / all_abs if all_abs else 0.0,
            "not_covered_rows": [n for n in names if n is not None][:50]}


def draw(A: sp.csc_matrix, lu, f: np.ndarray, s0: np.ndarray, cB: np.ndarray, c: np.ndarray, e: Entries,
         n: int, seed: int | None = None) -> tuple[np.ndarray, dict]:
    """n Monte Carlo totals, and how the draws were solved (refined with the base LU / factorised afresh)."""
    rng = np.random.default_rng(seed)
    stats = {"refined": 0, "refactorised": 0, "refinement_steps": 0}
    out = np.empty(n)
    kb = len(e.b_vals)
    # elementary part: Δh = Σ_k s[col_k] · c[flow_k] · v_k · (m_k − 1), linear in the multipliers
    wb = c[e.b_flows] * e.b_vals if kb else np.zeros(0)
    if len(e.a_vals) == 0:
        base = float(s0 @ cB)
        w = s0[e.b_cols] * wb
        for a in range(0, n, CHUNK):
            m = min(CHUNK, n - a)
            mult = np.exp(rng.standard_normal((m, kb)) * e.b_sigma) if kb else np.ones((m, 0))
            out[a:a + m] = base + (mult - 1.0) @ w
        return out, stats
    csr = A.tocsr()
    for i in range(n):
        ma = np.exp(rng.standard_normal(len(e.a_vals)) * e.a_sigma)
        dA = sp.csr_matrix(((ma - 1.0) * e.a_vals, (e.a_rows, e.a_cols)), shape=A.shape)
        Ai = csr + dA
        s, ok, steps = _refine(Ai, lu, f, s0)
        stats["refinement_steps"] += steps
        if ok:
            stats["refined"] += 1
        else:
            stats["refactorised"] += 1
            s = splu(Ai.tocsc()).solve(f)
        cBi = cB.copy()
        if kb:
            mb = np.exp(rng.standard_normal(kb) * e.b_sigma)
            np.add.at(cBi, e.b_cols, (mb - 1.0) * wb)
        out[i] = float(s @ cBi)
    return out, stats


def _refine(Ai, lu, f, s0) -> tuple[np.ndarray, bool, int]:
    s = s0.copy()
    fn = max(float(np.linalg.norm(f)), 1e-300)
    last = np.inf
    for k in range(1, REFINE_MAX + 1):
        r = f - Ai @ s
        nr = float(np.linalg.norm(r))
        if nr <= REFINE_TOL * fn:
            return s, True, k
        if nr >= last:  # not converging: the draw is too far from A
            return s, False, k
        last = nr
        s = s + lu.solve(r)
    return s, False, REFINE_MAX


def summary(totals: np.ndarray, stats: dict) -> dict:
    finite = totals[np.isfinite(totals)]
    lo, med, hi = np.percentile(finite, [2.5, 50, 97.5]) if len(finite) else (np.nan,) * 3
    mean = float(finite.mean()) if len(finite) else float("nan")
    return {"approach": "monte-carlo", "iterations": int(len(totals)), "mean": mean, "median": float(med),
            "lower": float(lo), "upper": float(hi), "std": float(finite.std()) if len(finite) else float("nan"),
            "u_pct": 100.0 * (float(hi) - float(lo)) / 2.0 / abs(mean) if mean else float("nan"), "solves": stats}
