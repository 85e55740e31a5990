"""Recall and false-positive rate of the fraud and anomaly screening (tancert.ghg.screening), per kind.

Clean synthetic inventories (seeded): S sources, each a monthly fuel series of one year with a
seasonal swing of ±15 % and ±4 % noise, a measured NCV per month (±1.5 % around the guideline
default) and one laboratory report per month (sampled in the month, tested 1–5 days later, issued
1–5 days after that, used 3–15 days after issue). One anomaly of one kind is injected into one
source per inventory; recall is the share of injected sources flagged for that kind, the
false-positive rate the share of clean sources (all others) flagged for it.

Kinds and how they are injected:
  outlier    one month's quantity × U(1.8, 3) or × U(0.1, 0.45)
  constant   every month's quantity set to one value
  round      every month's quantity rounded to 2 significant digits
  bounds     the NCV of one month × U(1.5, 2.5) or × U(0.3, 0.55)
  lab-dates  one report's test date set 1–20 days before its sampling date
  lab-batch  all twelve reports issued on the same day (after the year)
  lab-late   one report issued 1–20 days after its value was used

    .venv/bin/python bench/ghg_anomalies.py [--inventories 40] [--sources 25] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tancert.ghg.checks import run_checks  # noqa: E402
from tancert.ghg.importer import from_dict  # noqa: E402
from tancert.ghg.inventory import calculate  # noqa: E402

KINDS = ("outlier", "constant", "round", "bounds", "lab-dates", "lab-batch", "lab-late")
NCV_GAS = 389.31  # GJ/10^4Nm3, the library's natural-gas default (GB/T 32151.34 Table C.1)


def clean(rng: np.random.Generator, n_sources: int, noise: float = 0.04) -> dict:
    acts, labs = [], []
    for s in range(n_sources):
        sid = f"S{s:03d}"
        base = rng.uniform(5, 500)
        phase = rng.uniform(0, 2 * np.pi)
        for m in range(1, 13):
            q = base * (1 + 0.15 * np.sin(2 * np.pi * m / 12 + phase)) * (1 + rng.normal(0, noise))
            ncv = NCV_GAS * (1 + rng.normal(0, 0.015))
            acts.append({"facility": "F", "source_id": sid, "period": f"2024-{m:02d}", "kind": "fuel",
                         "activity": "natural_gas", "quantity": round(float(q), 3), "unit": "10^4Nm3",
                         "ncv": round(float(ncv), 2), "ncv_unit": "GJ/10^4Nm3", "factor_type": "measured"})
            sampled = dt.date(2024, m, int(rng.integers(1, 20)))
            tested = sampled + dt.timedelta(days=int(rng.integers(1, 6)))
            issued = tested + dt.timedelta(days=int(rng.integers(1, 6)))
            used = issued + dt.timedelta(days=int(rng.integers(3, 16)))
            labs.append({"report_id": f"{sid}-{m:02d}", "source_id": sid, "period": f"2024-{m:02d}",
                         "parameter": "ncv", "value": round(float(ncv), 2), "unit": "GJ/10^4Nm3",
                         "sampled_on": sampled.isoformat(), "tested_on": tested.isoformat(),
                         "issued_on": issued.isoformat(), "used_on": used.isoformat()})
    return {"settings": {"organisation": "bench", "reporting_year": 2024, "method": "gbt32151.34-2024", "gwp": "AR5"},
            "sources": [{"source_id": f"S{s:03d}", "kind": "fuel"} for s in range(n_sources)],
            "activity": acts, "lab_reports": labs}


def inject(rng: np.random.Generator, data: dict, kind: str, sid: str) -> None:
    rows = [r for r in data["activity"] if r["source_id"] == sid]
    labs = [r for r in data["lab_reports"] if r["source_id"] == sid]
    if kind == "outlier":
        r = rows[int(rng.integers(12))]
        r["quantity"] = round(r["quantity"] * (rng.uniform(1.8, 3) if rng.random() < 0.5 else rng.uniform(0.1, 0.45)), 3)
    elif kind == "constant":
        v = rows[0]["quantity"]
        for r in rows:
            r["quantity"] = v
    elif kind == "round":
        for r in rows:
            r["quantity"] = float(f"{r['quantity']:.2g}")
    elif kind == "bounds":
        r = rows[int(rng.integers(12))]
        r["ncv"] = round(r["ncv"] * (rng.uniform(1.5, 2.5) if rng.random() < 0.5 else rng.uniform(0.3, 0.55)), 2)
    elif kind == "lab-dates":
        r = labs[int(rng.integers(12))]
        r["tested_on"] = (dt.date.fromisoformat(r["sampled_on"]) - dt.timedelta(days=int(rng.integers(1, 21)))).isoformat()
    elif kind == "lab-batch":
        for r in labs:
            r["issued_on"] = "2025-01-10"
            r["used_on"] = ""
    elif kind == "lab-late":
        r = labs[int(rng.integers(12))]
        r["issued_on"] = (dt.date.fromisoformat(r["used_on"]) + dt.timedelta(days=int(rng.integers(1, 21)))).isoformat()


def flagged_sources(data: dict) -> dict[str, set[str]]:
    """Sources flagged per kind, read from the findings' messages and rows."""
    ds = from_dict(data)
    inv = calculate(ds)
    findings, _ = run_checks(inv)
    t = ds.activity
    src_of_row = dict(zip(t.rows.tolist(), t.t("source_id").values(), strict=True))
    lab_src = {r.row: r.source_id for r in ds.lab_reports}
    out = {k: set() for k in KINDS}
    for b in findings.blocks:
        m = b.message
        kind = ("outlier" if "outlier" in m and "laboratory" not in m else "constant" if "constant" in m
                else "round" if "too-round" in m else "bounds" if b.rule == "R6.3-measured" and "screening" in m
                else "lab-dates" if "dates out of order" in m or "sampled outside" in m
                else "lab-batch" if "same day" in m else "lab-late" if "issued after" in m else None)
        if kind is None or b.rows is None:
            continue
        rows = b.rows.tolist()
        names = lab_src if "laboratory" in m else src_of_row
        out[kind].update(names[r] for r in rows if r in names)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inventories", type=int, default=40, help="inventories per kind")
    ap.add_argument("--sources", type=int, default=25, help="sources per inventory")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--noise", type=float, default=0.04, help="month-to-month noise (σ, relative) of the clean series")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    print(f"{a.inventories} inventories per kind × {a.sources} sources × 12 months, seed {a.seed}, noise {a.noise:g}")
    print(f"{'kind':<10} {'recall':>8} {'FP rate':>8}   (injected / clean sources)")
    worst = (1.0, 0.0)
    for kind in KINDS:
        hit = inj = fp = negatives = 0
        for _ in range(a.inventories):
            data = clean(rng, a.sources, a.noise)
            target = f"S{int(rng.integers(a.sources)):03d}"
            inject(rng, data, kind, target)
            flags = flagged_sources(data)[kind]
            inj += 1
            hit += target in flags
            fp += len(flags - {target})
            negatives += a.sources - 1
        recall, fpr = hit / inj, fp / negatives
        worst = (min(worst[0], recall), max(worst[1], fpr))
        print(f"{kind:<10} {recall:>8.1%} {fpr:>8.2%}   ({inj} / {negatives})")
    print(f"worst recall {worst[0]:.1%}, worst false-positive rate {worst[1]:.2%} (goal ≥ 95 % at ≤ 5 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
