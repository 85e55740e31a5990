"""Benchmark: 100 meters × one year of 15-minute readings (3,513,600) ingested, checked and reconciled.

Ours: `read_series` (pyarrow CSV or Parquet reader, every cell validated: numbers, NaN/inf, timestamps, meter
ids, units) + `check_series` (link to the Meters register, sort check, duplicate and interval checks, lapsed
calibration, gaps, flat-lines, monthly totals and the reconciliation with 1,200 monthly activity records).
Baseline in the same run: pandas reading the same CSV, parsing the timestamps and doing the same monthly
aggregation and comparison with the inventory (no validation, no gap, flat-line or calibration check).

The series: meter k reads a day-shaped load with a per-meter level; meters 0–4 have a 6-hour gap in March,
meters 5–9 a flat-line of 8 hours in May, meters 10–11 a calibration that lapsed on 2024-09-30, and the
inventory books meters 20–24 5 % high in June — so every check finds something.

    .venv/bin/python bench/ghg_meters.py [METERS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tancert.ghg import calculate, check_series, from_dict, read_series, run_checks
from tancert.ghg.findings import Findings

REVIEW = {"data_class": "continuous", "data_source": "meter", "monitoring_method": "meter",
          "monitoring_frequency": "15 min", "recording_frequency": "monthly", "missing_data_handling": "none",
          "crosscheck_source": "invoice"}


def build(n_meters: int):
    t = np.arange(np.datetime64("2024-01-01T00:00"), np.datetime64("2025-01-01T00:00"), np.timedelta64(15, "m"))
    per = len(t)
    meter = np.repeat(np.arange(n_meters), per)
    ts = np.tile(t, n_meters)
    minute_of_day = np.tile(((t - t.astype("datetime64[D]")).astype(np.int64)), n_meters)
    level = 10 + (np.arange(n_meters) % 17)
    rng = np.random.default_rng(1)
    value = np.round(level[meter] * (1 + 0.3 * np.sin((minute_of_day / 1440 - 0.25) * 2 * np.pi))
                     * (1 + 0.05 * rng.random(len(ts))), 3)
    keep = np.ones(len(ts), bool)
    may = (ts >= np.datetime64("2024-05-02T08:00")) & (ts < np.datetime64("2024-05-02T16:00"))
    value[may & (meter >= 5) & (meter < 10)] = 12.5
    keep &= ~((ts >= np.datetime64("2024-03-05T06:00")) & (ts < np.datetime64("2024-03-05T12:00")) & (meter < 5))
    meter, ts, value = meter[keep], ts[keep], value[keep]
    ids = np.array([f"M{k:03d}" for k in range(n_meters)])
    table = pa.table({"meter_id": pa.array(ids[meter]), "timestamp": pa.array(ts.astype("datetime64[s]")),
                      "value": value, "unit": pa.array(np.full(len(ts), "kWh"))})
    # the inventory: one record per meter and month, the metered total (5 % high for meters 20–24 in June)
    month = ts.astype("datetime64[M]").astype(np.int64) - (2024 - 1970) * 12
    sums = np.bincount(meter * 12 + month, weights=value, minlength=n_meters * 12).reshape(n_meters, 12)
    acts = []
    for k in range(n_meters):
        for mo in range(12):
            q = float(sums[k, mo]) * (1.05 if 20 <= k < 25 and mo == 5 else 1.0)
            acts.append({"facility": "F", "source_id": f"S{k:03d}", "period": f"2024-{mo + 1:02d}",
                         "kind": "electricity", "activity": "grid", "quantity": round(q, 3), "unit": "kWh",
                         "meter_id": ids[k], "crosscheck_quantity": round(q, 3), **REVIEW})
    meters = [{"meter_id": ids[k], "accuracy_pct": 0.5, "calibrated_on": "2023-10-01",
               "valid_until": "2024-09-30" if k in (10, 11) else "2025-09-30"} for k in range(n_meters)]
    inv = calculate(from_dict({"settings": {"reporting_year": 2024, "region": "广东"}, "activity": acts,
                               "meters": meters}))
    return table, inv


def ours(path: Path, inv):
    f = Findings()
    report = check_series(read_series(path), inv, f)
    return report, f


def pandas_baseline(path: Path, inv) -> int:
    import pandas as pd

    df = pd.read_csv(path, dtype={"meter_id": "string", "unit": "string"})
    df["month"] = pd.to_datetime(df["timestamp"]).dt.to_period("M")
    metered = df.groupby(["meter_id", "month"], sort=False)["value"].sum()
    t = inv.table
    act = pd.DataFrame({"meter_id": t.t("meter_id").values(), "month": pd.PeriodIndex(
        [f"{y}-{m:02d}" for y, m in zip(t.year.tolist(), t.month.tolist(), strict=True)], freq="M"),
        "inventory": t.num["quantity"]}).groupby(["meter_id", "month"])["inventory"].sum()
    both = pd.concat([metered.rename("metered"), act], axis=1, join="inner")
    off = (both["inventory"] - both["metered"]).abs() / both["metered"] > 0.02
    return int(off.sum())


def timed(fn, *a):
    t0 = time.perf_counter()
    out = fn(*a)
    return time.perf_counter() - t0, out


def main(n_meters: int = 100) -> None:
    load0 = os.getloadavg()
    t_build, (table, inv) = timed(build, n_meters)
    run_checks(inv)  # the inventory's own checks, as `tancert ghg check` runs them first (not timed)
    with tempfile.TemporaryDirectory() as d:
        csv_path, pq_path = Path(d) / "series.csv", Path(d) / "series.parquet"
        pacsv.write_csv(table, csv_path)
        pq.write_table(table, pq_path)
        print(f"{table.num_rows:,} readings of {n_meters} meters; CSV {csv_path.stat().st_size / 2**20:.0f} MB, "
              f"Parquet {pq_path.stat().st_size / 2**20:.0f} MB (built in {t_build:.1f} s)")
        t_csv, (report, f) = timed(ours, csv_path, inv)
        t_pq, _ = timed(ours, pq_path, inv)
        t_pd, n_off = timed(pandas_baseline, csv_path, inv)
    m = report["meters"]
    n_mis = sum(not x["within_tolerance"] for x in (y for mm in m for y in mm["months"]))
    print(f"findings: {f.count(rule='R6.2-crosscheck')} crosscheck, {f.count(rule='R6.2-calibration')} calibration "
          f"(lapsed + flat-lines), {f.count(rule='R6.2-review')} gaps; months off tolerance: ours {n_mis}, pandas {n_off}")
    print(f"tancert CSV     {t_csv:6.2f} s   (read + validate + link + checks + reconcile)")
    print(f"tancert Parquet {t_pq:6.2f} s")
    print(f"pandas CSV      {t_pd:6.2f} s   (read + parse timestamps + monthly groupby + compare, no validation)")
    print(f"ratio tancert CSV / pandas {t_csv / t_pd:.2f}, Parquet / pandas {t_pq / t_pd:.2f}")
    print(f"load average before {load0[0]:.2f}, after {os.getloadavg()[0]:.2f}; cores {os.cpu_count()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
