"""The solved system read back as the footprint of one functional unit: by stage, process, gas and origin,
the primary data share and the weighted data quality (docs/footprint.md, "Results")."""

from __future__ import annotations

import numpy as np

from .model import Model
from .sheets import PEDIGREE, STAGES


def column_stages(model: Model, solved) -> np.ndarray:
    """Each column's share per stage (columns × stages): a process's own stage; a background data set's
    contribution follows the stages of the processes that consume it."""
    sysm = solved.system
    stages = list(STAGES)
    n = len(sysm.columns)
    W = np.zeros((n, len(stages)))
    for j, col in enumerate(sysm.columns):
        if col.kind != "dataset":
            W[j, stages.index(model.processes[col.process].stage)] = 1.0
    A = sysm.A.tocsr()
    s = solved.s
    for j, col in enumerate(sysm.columns):
        if col.kind != "dataset":
            continue
        row = A.getrow(j)
        use = {}
        for k, v in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            if k != j:  # consumption by column k (an output under system expansion is a credit, < 0)
                use[k] = use.get(k, 0.0) - v * s[k]
        tot = sum(use.values())
        if tot:
            for k, amount in use.items():
                W[j] += (amount / tot) * W[k]
    return W


def breakdown(model: Model, solved) -> dict:
    sysm = solved.system
    score = solved.score
    total = solved.total
    W = column_stages(model, solved)
    by_stage = {st: float(v) for st, v in zip(STAGES, score @ W, strict=True)}
    by_process: dict[str, float] = {}
    for j, col in enumerate(sysm.columns):
        key = col.process if col.kind != "dataset" else f"background:{col.process}"
        by_process[key] = by_process.get(key, 0.0) + float(score[j])
    lam = solved.upstream
    rows = []
    for key, v in sorted(by_process.items(), key=lambda kv: -abs(kv[1])):
        pid = key.removeprefix("background:")
        p = model.processes.get(pid)
        d = model.datasets.get(pid)
        rows.append({"process": key, "name": p.name if p else d.name, "stage": p.stage if p else None,
                     "kgco2e": v, "share_pct": 100.0 * v / total if total else float("nan"),
                     "scaling": float(solved.s[sysm.row_of[pid]]),
                     "upstream_kgco2e_per_unit": float(lam[sysm.row_of[pid]]),
                     "unit": p.unit if p else d.unit})
    flows = sysm.B @ solved.s  # kg of each flow per functional unit
    by_gas: dict[str, float] = {}
    by_origin = {o: 0.0 for o in ("fossil", "biogenic", "removal", "luc", "background")}
    for (gas, origin), kg, cf in zip(sysm.flows, flows, sysm.c, strict=True):
        by_gas[gas] = by_gas.get(gas, 0.0) + float(kg * cf)
        by_origin[origin] += float(kg * cf)
    gas_kg = {}
    for (gas, origin), kg in zip(sysm.flows, flows, strict=True):
        if origin != "background":
            gas_kg[f"{gas} {origin}"] = float(kg)
    return {"by_stage": by_stage, "by_process": rows, "by_gas": by_gas, "by_origin": by_origin,
            "flows_kg": gas_kg}


def primary_share(model: Model, solved) -> dict:
    """Share of the result (by absolute contribution) computed from primary data: elementary flows whose
    amount is primary. A background data set is secondary by nature (its factor is not the organisation's)."""
    sysm = solved.system
    prim = tot = 0.0
    by_proc: dict[str, list[float]] = {}
    for kind, r, col, v, _u, ex in sysm.entries:
        if kind != "B":
            continue
        x = abs(solved.s[col] * v * sysm.c[r])
        tot += x
        primary = getattr(ex, "data_type", "secondary") == "primary"
        if primary:
            prim += x
        pid = sysm.columns[col].process
        acc = by_proc.setdefault(pid, [0.0, 0.0])
        acc[0] += x if primary else 0.0
        acc[1] += x
    return {"pct": 100.0 * prim / tot if tot else 0.0,
            "by_process": {k: (100.0 * a / b if b else None) for k, (a, b) in by_proc.items()}}


def data_quality(model: Model, solved) -> dict:
    """Pedigree-style scores (1 best … 5 worst): per process the mean of the five indicators; for the product
    the mean weighted by each process's share of the result (background data sets carry no scores)."""
    sysm = solved.system
    score = np.abs(solved.score)
    weights: dict[str, float] = {}
    for j, col in enumerate(sysm.columns):
        if col.kind != "dataset":
            weights[col.process] = weights.get(col.process, 0.0) + float(score[j])
    per, wsum, acc, missing = {}, 0.0, 0.0, []
    for pid, p in model.processes.items():
        vals = [v for v in p.pedigree if v is not None]
        if len(vals) < len(PEDIGREE):
            missing.append(pid)
        dqr = float(np.mean(vals)) if vals else None
        per[pid] = {"indicators": dict(zip(PEDIGREE, p.pedigree, strict=True)), "dqr": dqr}
        if dqr is not None and weights.get(pid):
            wsum += weights[pid]
            acc += weights[pid] * dqr
    return {"weighted_dqr": acc / wsum if wsum else None, "processes": per, "without_scores": missing}
