"""`check`: read a footprint workbook, solve it, and gather what a verifier needs — the footprint per unit by
stage, process, gas and origin, the primary data share, data quality, allocation sensitivity, uncertainty,
the findings with their rule keys, and the factors used with their sources (docs/footprint.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tancert.ghg.errors import InputError

from . import reader, results, system, uncertainty
from .background import gaps
from .model import Model
from .quality import check as quality_check
from .sheets import ALLOCATIONS


@dataclass
class FootprintResult:
    model: Model
    solved: system.Solved
    breakdown: dict
    primary: dict
    quality: dict
    sensitivity: dict
    approach1: dict
    monte_carlo: dict | None
    cutoff: dict
    findings: object

    @property
    def total(self) -> float:
        return self.solved.total

    @property
    def blocking(self) -> bool:
        return self.findings.blocking

    def factors_used(self) -> list[dict]:
        out = [{"id": d.id, "name": d.name, "value": d.value, "unit": f"kgCO2e/{d.unit}", "kind": d.kind,
                "source": d.source, "document": d.document, "confidence": d.confidence,
                "shipped": d.shipped, "unverified": d.confidence == "unverified"}
               for d in self.model.datasets.values()]
        gases = sorted({g for g, o in self.solved.system.flows if o != "background"})
        for g, cf in zip(*_gwp_of(self.solved.system, gases), strict=True):
            out.append({"id": f"GWP-{self.model.settings.gwp}-{g}", "name": f"GWP-100 {g}", "value": cf,
                        "unit": "kgCO2e/kg", "kind": "gwp", "source": "reference/quantification.md §1",
                        "document": f"IPCC {self.model.settings.gwp}", "confidence": "checked",
                        "shipped": True, "unverified": False})
        return out

    def to_json(self, findings_limit: int | None = None) -> dict:
        s = self.model.settings
        b = self.breakdown
        fl = list(self.findings)
        if findings_limit is not None:
            fl = fl[:findings_limit]
        o = b["by_origin"]
        return {
            "product": s.product, "organisation": s.organisation,
            "functional_unit": {"type": s.unit_type, "description": s.functional_unit, "amount": s.amount,
                                "unit": s.unit, "reference_process": s.reference_process},
            "boundary": s.boundary, "standard": s.standard, "gwp": s.gwp, "data_year": s.data_year,
            "allocation": {"method": s.allocation, "justification": s.allocation_justification},
            "total_kgco2e_per_unit": self.total,
            "by_stage": b["by_stage"], "by_process": b["by_process"], "by_gas": b["by_gas"],
            "by_origin": o,
            "fossil_kgco2e": o["fossil"], "background_kgco2e": o["background"],
            "biogenic": {"emissions_kgco2e": o["biogenic"], "removals_kgco2e": o["removal"],
                         "net_kgco2e": o["biogenic"] + o["removal"]},
            "land_use_change_kgco2e": o["luc"],
            "primary_data_share": self.primary["pct"], "primary_data_share_by_process": self.primary["by_process"],
            "data_quality": self.quality, "allocation_sensitivity": self.sensitivity,
            "uncertainty": {"approach1": self.approach1, "monte_carlo": self.monte_carlo},
            "cutoff": self.cutoff,
            "findings": fl, "findings_summary": self.findings.summary(),
            "blocking": self.blocking, "factors_used": self.factors_used(), "background_gaps": gaps(),
            "inputs_sha256": self.model.sha256, "processes": len(self.model.processes),
            "exchanges": len(self.model.exchanges),
        }


def _gwp_of(sysm, gases):
    cf = {g: float(c) for (g, _o), c in zip(sysm.flows, sysm.c, strict=True)}
    return gases, [cf[g] for g in gases]


def check(path: str | Path, *, monte_carlo_iterations: int | None = None, seed: int | None = None
          ) -> FootprintResult:
    return evaluate(reader.load(path), monte_carlo_iterations=monte_carlo_iterations, seed=seed)


def evaluate(model: Model, *, monte_carlo_iterations: int | None = None, seed: int | None = None
             ) -> FootprintResult:
    sysm = system.build(model)
    solved = system.Solved(sysm)
    bd = results.breakdown(model, solved)
    share = results.primary_share(model, solved)
    dq = results.data_quality(model, solved)
    sens = sensitivity(model, solved.total)
    a1 = uncertainty.approach1(solved, sysm)
    mc = None
    if monte_carlo_iterations:
        ents, _ = uncertainty.entries_of(sysm)
        totals, stats = uncertainty.draw(sysm.A, solved.lu, sysm.f, solved.s, solved.cB, sysm.c, ents,
                                         int(monte_carlo_iterations), seed)
        mc = uncertainty.summary(totals, stats) | {"seed": seed}
    cut = [e for e in model.exchanges if e.type == "cutoff"]
    cutoff_total = float(sum(e.cutoff_estimate_pct or 0.0 for e in cut))
    cutoff = {"criterion_pct": model.settings.cutoff_pct, "estimated_total_pct": cutoff_total,
              "flows": [{"process": e.process, "flow": e.flow, "estimate_pct": e.cutoff_estimate_pct, "row": e.row}
                        for e in cut]}
    findings = quality_check(model, share, dq, cutoff_total)
    return FootprintResult(model, solved, bd, share, dq, sens, a1, mc, cutoff, findings)


def sensitivity(model: Model, chosen_total: float) -> dict:
    """The result under each allocation method the data allow (only when a process has co-products)."""
    if not any(e.type == "coproduct" for e in model.exchanges):
        return {"applies": False, "methods": {}}
    out = {}
    for m in ALLOCATIONS:
        if m == model.settings.allocation:
            out[m] = {"total_kgco2e_per_unit": chosen_total, "difference_pct": 0.0, "chosen": True}
            continue
        try:
            t = system.Solved(system.build(model, m)).total
        except InputError as exc:
            out[m] = {"total_kgco2e_per_unit": None, "not_computable": exc.errors[0].message,
                      "not_computable_zh": exc.errors[0].message_zh}
            continue
        diff = 100.0 * (t - chosen_total) / abs(chosen_total) if chosen_total else float("nan")
        out[m] = {"total_kgco2e_per_unit": t, "difference_pct": diff, "chosen": False}
    vals = [v["total_kgco2e_per_unit"] for v in out.values() if v["total_kgco2e_per_unit"] is not None]
    spread = 100.0 * (max(vals) - min(vals)) / abs(chosen_total) if chosen_total and vals else 0.0
    return {"applies": True, "methods": out, "spread_pct": float(spread) if np.isfinite(spread) else None}
