"""Monte Carlo uncertainty (IPCC 2006 Vol. 1 Ch. 3, Approach 2) beside Approach 1 on the carbon page: the pure
pieces (intervals, the side-by-side rows, what the frozen figures keep); the action is actions.run_monte_carlo.

The auditor chooses the number of iterations (bounded: MonteCarloRun.MIN_ITERATIONS … MAX_ITERATIONS); the
seed is the inventory's own sampling seed (R6.2-sampling), recorded with the run, so
`tancert ghg check FILE --monte-carlo N` reproduces the figures from the uploaded file alone. The engine
runs in the same bounded child process as an upload (ghg/isolated.py: memory and time limits), so a run
holds a server worker for at most TANCERT_INVENTORY_SECONDS. Freezing the figures runs it once more
(actions.freeze_figures), and the frozen record carries it (docs/ghg.md, "Monte Carlo on the carbon page").
"""

from __future__ import annotations

import math

from tancert.audits.models.carbon import InventoryUpload, MonteCarloRun

REL_TOL = 1e-9  # a rerun from the same file, seed and iterations must agree to this


def interval(d: dict | None) -> dict | None:
    """An engine interval {"mean", "lower", "upper", "u_pct"} as plain floats, or None."""
    if not d or d.get("mean") is None:
        return None
    return {k: float(d[k]) for k in ("mean", "lower", "upper", "u_pct")}


def same_interval(a: dict | None, b: dict | None) -> bool:
    """Whether two runs gave the same interval (reproducibility from the seed)."""
    if a is None or b is None:
        return a is b
    return all(math.isclose(a[k], b[k], rel_tol=REL_TOL, abs_tol=1e-12) for k in ("mean", "lower", "upper"))


def side_by_side(approach1: dict | None, mc: dict | None) -> list[dict]:
    """The rows of the comparison table: approach, total (mean), 95 % interval, relative uncertainty."""
    rows = []
    for key, d in (("approach1", approach1), ("monte_carlo", mc)):
        if d:
            rows.append({"key": key, "mean": d["mean"], "lower": d["lower"], "upper": d["upper"], "u_pct": d["u_pct"]})
    return rows


def latest_run(upload: InventoryUpload | None) -> MonteCarloRun | None:
    return upload.monte_carlo_runs.order_by("-pk").first() if upload else None


def frozen_monte_carlo(record: dict, run: MonteCarloRun | None) -> dict | None:
    """What the frozen figures keep of the Monte Carlo: the freeze's own rerun (in the frozen record), its
    seed and iterations, and whether it reproduced the auditor's run."""
    mc = (record["results"].get("uncertainty") or {}).get("monte_carlo")
    if not mc or run is None:
        return None
    total = interval(mc["total"])
    return {"total": total, "iterations": int(mc["iterations"]), "seed": int(mc["seed"]),
            "approach": mc.get("approach"), "notes": mc.get("notes", []),
            "reproduced": same_interval(total, run.total), "run": run.pk}
