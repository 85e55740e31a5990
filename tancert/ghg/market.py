"""Market-based Scope 2 beside the location-based figure (GHG Protocol Scope 2 Guidance, 2015; docs/ghg.md
"Market-based Scope 2"): green electricity certificates (绿证, GEC) and green power trading contracts
(绿电交易) of the Instruments sheet, their double-counting check, and the market-based total.

The location-based total stays the inventory's total (ISO 14064-1 requires it; reference §6). The market-based
figure replaces only the grid electricity imported in the reporting year: the MWh an instrument covers at zero,
the rest at the national factor *excluding market-traded non-fossil power* of the MEE/NBS annual tables
(reference/quantification.md §2(b); the library's confidence mark is shown with it) — the factor from which
the power already sold with its attributes is removed, so what the certificates carry is not counted twice.
Supplier-specific rows (`supplier`), exports and heat keep their figures.

An instrument counts only when it passes every check; the findings name the Instruments row:
* R6.2-crosscheck (blocking): a certificate id claimed twice — within one row or in two rows of the
  inventory; every row holding it is left out;
* R6.2-crosscheck (blocking): more MWh claimed than the site consumed from the grid in the period (month,
  or year for an annual claim); the excess is not counted;
* R6.3-review (blocking): certificates generated (vintage) outside the reporting year — the zero factor is
  not the reporting year's;
* R6.2-crosscheck (warning): a claim for a period outside the reporting year (not counted).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .findings import BLOCKING, WARNING, Findings
from .library import Library
from .model import KINDS

GJ_PER_MWH = 3.6
GRID = ("grid", "grid-excl-market-nonfossil", "fossil-only")
RESIDUAL = "electricity:grid-excl-market-nonfossil"
SHEET = "绿证与绿电 Instruments"


def _period(y: int, m: int) -> str:
    return f"{y:04d}" if m == 0 else f"{y:04d}-{m:02d}"


def market_based(inv, findings: Findings, library: Library | None = None) -> dict | None:
    """The market-based Scope 2 of the reporting year (None when the inventory has no Instruments rows);
    adds the double-counting findings to `findings`."""
    ds = inv.dataset
    if not ds.instruments:
        return None
    lib = library or inv.library
    year = ds.settings.reporting_year
    t = inv.table
    elec = inv.kind == KINDS.index("electricity")
    act = t.t("activity")
    grid = np.isin(act.codes, [i for i, v in enumerate(act.levels) if v in GRID])
    flow = t.t("flow")
    export = np.isin(flow.codes, [i for i, v in enumerate(flow.levels) if v == "export"])
    rows = elec & grid & ~export & (t.year == year)
    fac = t.t("facility")
    cons: dict[str, np.ndarray] = {}  # facility → MWh per month (index 0: annual records)
    loc_t = float(inv.co2e[rows].sum())
    mwh = inv.quantity / GJ_PER_MWH
    for code, name in enumerate(fac.levels):
        sel = rows & (fac.codes == code)
        if sel.any():
            cons[name] = np.bincount(t.month[sel], weights=mwh[sel], minlength=13)

    # --- double counting: one certificate id in two places
    holders: dict[str, list] = defaultdict(list)
    for x in ds.instruments:
        for cid in x.certificate_ids:
            holders[cid].append(x)
    dup_rows: set[int] = set()
    for cid, xs in holders.items():
        if len(xs) > 1:
            rs = sorted({x.row for x in xs})
            dup_rows.update(rs)
            where = ", ".join(str(r) for r in rs)
            findings.add("R6.2-crosscheck", BLOCKING,
                         f"certificate {cid} is claimed {len(xs)} times (rows {where}): double counting; none of these "
                         "rows is counted until one claim remains", SHEET, rs,
                         message_zh=f"绿证 {cid} 被重复申报 {len(xs)} 次（第 {where} 行）：重复计算；在只保留一次申报之前，"
                                    "这些行均不计入")
    ok = []
    for x in ds.instruments:
        if x.row in dup_rows:
            continue
        if x.year != year:
            findings.add("R6.2-crosscheck", WARNING,
                         f"instrument {x.instrument_id} claims consumption of {_period(x.year, x.month)}, outside the "
                         f"reporting year {year}: not counted", SHEET, [x.row],
                         message_zh=f"凭证 {x.instrument_id} 申报的是 {_period(x.year, x.month)} 的用电，不在报告年度 {year} 内："
                                    "不计入")
            continue
        if x.vintage_year != year:
            findings.add("R6.3-review", BLOCKING,
                         f"instrument {x.instrument_id}: certificates generated in {_period(x.vintage_year, x.vintage_month)}"
                         f", outside the reporting year {year}: their zero factor is not this year's; not counted",
                         SHEET, [x.row],
                         message_zh=f"凭证 {x.instrument_id}：绿证生产时间 {_period(x.vintage_year, x.vintage_month)} 不在报告年度"
                                    f" {year} 内，其零排放因子不属于本年度；不计入")
            continue
        ok.append(x)

    # --- claims against consumption per site and period: monthly claims per month (where the site books
    # months), then everything against the site's year
    covered_by_site: dict[str, float] = {}
    over_rows = []
    for site in sorted({x.facility for x in ok}):
        xs = [x for x in ok if x.facility == site]
        c = cons.get(site, np.zeros(13))
        monthly_booked = c[1:].sum() > 0
        cov = 0.0
        for m in range(1, 13):
            mx = [x for x in xs if x.month == m]
            claim = sum(x.quantity_mwh for x in mx)
            if not mx:
                continue
            if monthly_booked and claim > c[m] + 1e-9:
                over_rows.append((mx, site, _period(year, m), claim, float(c[m])))
                cov += float(c[m])
            else:
                cov += claim
        cov += sum(x.quantity_mwh for x in xs if x.month == 0)
        total = float(c.sum())
        if cov > total + 1e-9:
            over_rows.append((xs, site, str(year), cov, total))
            cov = total
        covered_by_site[site] = cov
    for xs, site, per, claim, used in over_rows:
        rs = sorted({x.row for x in xs})
        findings.add("R6.2-crosscheck", BLOCKING,
                     f"{claim:,.3f} MWh of certificates claimed for {site} in {per}, but the site consumed {used:,.3f} MWh "
                     f"from the grid: the excess {claim - used:,.3f} MWh is not counted (double counting)", SHEET, rs,
                     message_zh=f"{site} 在 {per} 申报绿证 {claim:,.3f} MWh，但该设施电网用电只有 {used:,.3f} MWh："
                                f"超出的 {claim - used:,.3f} MWh 不计入（重复计算）")

    consumed = float(sum(c.sum() for c in cons.values()))
    covered = float(sum(covered_by_site.values()))
    res = lib.resolve(RESIDUAL, "EF", year=year, method=inv.method, lineages=("mee-nbs-annual",))
    f = res.factor
    total_loc = inv.summary(year)["total_tco2e"]
    out = {"year": year, "location_based_tco2e": total_loc, "grid_electricity_mwh": consumed,
           "covered_mwh": covered, "residual_mwh": consumed - covered, "location_grid_electricity_tco2e": loc_t,
           "instruments": len(ds.instruments), "instruments_counted": len(ok),
           "residual_factor": None, "market_grid_electricity_tco2e": None, "market_based_tco2e": None,
           "scope2_location_tco2e": inv.summary(year)["by_category"]["2"], "scope2_market_tco2e": None}
    if f is None:
        findings.add("R6.3-review", WARNING,
                     f"no residual factor ({RESIDUAL}) for {year}: the market-based total is not computed — "
                     f"{res.reason}", SHEET,
                     message_zh=f"{year} 年没有“全国电力平均二氧化碳排放因子（不包括市场化交易的非化石能源电量）”："
                                f"未计算市场法总量——{res.reason}")
        return out
    ef = f.per_canonical * GJ_PER_MWH  # tCO2/MWh
    market_t = (consumed - covered) * ef
    out |= {"residual_factor": {"id": f.id, "value": f.value, "unit": f.unit, "confidence": f.confidence,
                                "document": f.document, "title": lib.tables.get(f.table_id, {}).get("title", ""),
                                "data_year": f.data_year, "resolution": res.reason},
            "market_grid_electricity_tco2e": market_t, "market_based_tco2e": total_loc - loc_t + market_t,
            "scope2_market_tco2e": out["scope2_location_tco2e"] - loc_t + market_t}
    if f.unverified:
        findings.add("R6.3-review", WARNING,
                     f"the market-based residual factor {f.id} = {f.value} {f.unit} is unverified in the reference: "
                     "compare it with the official announcement", SHEET,
                     message_zh=f"市场法剩余电量因子 {f.id} = {f.value} {f.unit} 在参考资料中未核实：请与官方公告核对")
    return out
