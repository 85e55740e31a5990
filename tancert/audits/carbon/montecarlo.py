"""Monte Carlo uncertainty (IPCC 2006 Vol. 1 Ch. 3, Approach 2) beside Approach 1 on the carbon page.

The auditor chooses the number of iterations (bounded: MonteCarloRun.MIN_ITERATIONS … MAX_ITERATIONS); the
seed is the inventory's own sampling seed (R6.2-sampling), recorded with the run, so
`tancert ghg check FILE --monte-carlo N` reproduces the figures from the uploaded file alone. The engine
runs in the same bounded child process as an upload (ghg/isolated.py: memory and time limits), so a run
holds a server worker for at most TANCERT_INVENTORY_SECONDS. Freezing the figures runs it once more
(actions.freeze_figures), and the frozen record carries it (docs/ghg.md, "Monte Carlo on the carbon page").
"""

from __future__ import annotations

import hashlib
import math

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.audits.models.carbon import InventoryUpload, MonteCarloRun
from tancert.audits.team import require_team
from tancert.ghg import InputError
from tancert.records import chain
from tancert.scheme.violations import require

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


def _require_verifying(audit: Audit, by) -> None:
    from tancert.audits.carbon.actions import _require_open

    require_team(audit, by)
    _require_open(audit)
    require(audit.kind != Audit.STAGE1, "R7.4.1-S1",
            _("Stage 1 reviews the inventory without verifying it; the Monte Carlo belongs to the stage 2 "
              "verification."), field="kind")


def run_monte_carlo(upload: InventoryUpload, *, by, iterations: int) -> MonteCarloRun:
    """The auditor runs Approach 2 on the current inventory version with `iterations` draws."""
    from tancert.audits.carbon.actions import _require_current, engine_in_child

    audit = upload.audit
    _require_verifying(audit, by)
    _require_current(upload)
    require(isinstance(iterations, int) and MonteCarloRun.MIN_ITERATIONS <= iterations <= MonteCarloRun.MAX_ITERATIONS,
            "R6.2-review", _("Choose between 1,000 and 20,000 iterations."), field="iterations")
    require(not upload.monte_carlo_runs.filter(iterations=iterations).exists(), "R6.2-review",
            _("This Monte Carlo has already been run on this version with the same seed and iterations; it would "
              "give the same figures."), field="iterations")
    with upload.file.open("rb") as fh:
        content = fh.read()
    require(hashlib.sha256(content).hexdigest() == upload.sha256, "RR",
            _("The stored inventory file does not match its recorded SHA-256."), field="upload")
    try:
        answer = engine_in_child(content, upload.original_name, "monte_carlo", iterations=iterations)
    except InputError:  # the file was read at upload: only the time or memory bound refuses it now
        require(False, "R6.2-review", _("The Monte Carlo went beyond the server's time or memory limit; choose fewer "
                                        "iterations."), field="iterations")
    mc, a1 = interval(answer["monte_carlo"]["total"]), interval(answer["approach1"]["total"])
    seed = int(answer["monte_carlo"]["seed"])
    with transaction.atomic():
        InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        require(not upload.monte_carlo_runs.filter(iterations=iterations).exists(), "R6.2-review",
                _("This Monte Carlo has already been run on this version with the same seed and iterations; it "
                  "would give the same figures."), field="iterations")
        run = MonteCarloRun.objects.create(upload=upload, iterations=iterations, seed=seed, total=mc, approach1=a1,
                                           notes=list(answer["monte_carlo"].get("notes") or [])[:20], run_by=by)
        chain.append("audit.monte_carlo_run", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"对碳排放清单第 {upload.version} 版运行蒙特卡洛不确定性分析：{iterations:,} 次迭代，"
                             f"随机种子 {seed}，95% 区间 {mc['lower']:,.1f} – {mc['upper']:,.1f} tCO2e"
                             f"（±{mc['u_pct']:.1f}%）；方法一 ±{a1['u_pct']:.1f}%",
                     data={"upload": upload.version, "inputs_sha256": answer["inputs_sha256"],
                           "iterations": iterations, "seed": seed, "monte_carlo": mc, "approach1": a1})
    return run


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
