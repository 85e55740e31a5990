"""One call from data to verdict: quantify, check, propagate uncertainty, evaluate performance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .canonical import inputs_sha256
from .checks import Sample, run_checks
from .findings import Findings
from .importer import load
from .inventory import Inventory, calculate
from .library import Library
from .market import market_based
from .model import Dataset
from .performance import Performance, evaluate
from .sectors import check_sector, sector_summary
from .uncertainty import UncertaintyResult, approach1, monte_carlo


@dataclass
class CheckResult:
    inventory: Inventory
    summaries: dict[int, dict]
    findings: Findings
    sample: Sample
    uncertainty: UncertaintyResult
    monte_carlo: UncertaintyResult | None
    performance: Performance
    meters: dict | None = None  # the meter-series report (meterchecks.check_series) when series were given
    market: dict | None = None  # market-based Scope 2 (market.py) when the Instruments sheet has rows

    @property
    def summary(self) -> dict:
        return self.summaries[self.inventory.dataset.settings.reporting_year]

    @property
    def inputs_sha256(self) -> str:
        """SHA-256 of the canonical serialisation of the parsed inputs (tancert.ghg.canonical)."""
        if not hasattr(self, "_inputs_sha256"):
            self._inputs_sha256 = inputs_sha256(self.inventory.dataset)
        return self._inputs_sha256

    @property
    def blocking(self) -> bool:
        return self.findings.blocking

    def to_json(self, findings_limit: int | None = None) -> dict:
        s = self.summary
        fl = []
        for i, f in enumerate(self.findings):
            if findings_limit is not None and i >= findings_limit:
                break
            fl.append(f)
        unc = {"approach1": self.uncertainty.as_dict()}
        if self.monte_carlo:
            unc["monte_carlo"] = self.monte_carlo.as_dict()
        inv = self.inventory
        return {
            "organisation": inv.dataset.settings.organisation, "inputs_sha256": self.inputs_sha256,
            "year": s["year"], "method": inv.method, "gwp_basis": inv.gwp_basis,
            "total_tco2e": s["total_tco2e"], "by_category": s["by_category"], "by_gas": s["by_gas"],
            "by_facility": s["by_facility"], "by_source": s["by_source"], "by_month": s["by_month"],
            "biogenic_co2_t": s["biogenic_co2_t"], "uncertainty": unc,
            "findings": fl, "findings_total": len(self.findings), "findings_summary": self.findings.summary(),
            "blocking": self.blocking, "sample": self.sample.as_dict(),
            "performance": self.performance.as_dict(), "factors_used": inv.factors_used(),
        } | ({"meters": self.meters} if self.meters is not None else {}) | (
            {"market_based": self.market} if self.market is not None else {}) | (
            {"sector": sector_summary(inv.dataset, s)} if inv.dataset.settings.sector else {})


def check(data: Dataset | str | Path, *, monte_carlo_iterations: int | None = None, seed: int | None = None,
          library: Library | None = None, meters=None, meter_options=None) -> CheckResult:
    """Run the whole engine on a dataset or a file (xlsx/csv/json). Raises InputError on bad input.

    meters: meter series files (.csv/.parquet, one path or a list) or a read `meterseries.Series`: linked to the
    Meters register, checked and reconciled with the monthly activity data (meterchecks.py, docs/ghg.md)."""
    ds = data if isinstance(data, Dataset) else load(data, library)
    if seed is not None:
        ds.settings.sampling_seed = seed
    inv = calculate(ds, library)
    summaries = {y: inv.summary(y) for y in inv.years}
    findings, sample = run_checks(inv)
    market = market_based(inv, findings, library)
    check_sector(ds, findings)
    meter_report = None
    if meters is not None:
        from .meterchecks import check_series
        from .meterseries import Series, read_series

        series = meters if isinstance(meters, Series) else read_series(meters)
        meter_report = check_series(series, inv, findings, meter_options)
    a1 = approach1(inv)
    mc = (monte_carlo(inv, monte_carlo_iterations, seed=ds.settings.sampling_seed if seed is None else seed)
          if monte_carlo_iterations else None)
    perf = evaluate(inv, summaries)
    return CheckResult(inv, summaries, findings, sample, a1, mc, perf, meter_report, market)
