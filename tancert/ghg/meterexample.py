"""A small example meter series for the worked example (`tancert ghg template FILE --example --series S.csv`):
hourly readings of 2024 for the gas meter FM-01 (Nm3) and the electricity meter EM-01 (kWh) whose monthly sums
equal the example's activity data, with one gap (EM-01, 2024-03-10 06:00–12:00, within the month's tolerance)
and one flat-line (FM-01, all day 2024-05-01) to show those findings (docs/ghg.md, "Meter series")."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .example import example_dataset

# meter: (its source in the example, unit of the series, factor from the inventory's unit). The example books one
# gas month on the lapsed meter EM-02 (to show R6.2-calibration); the gas meter still measured it: the series is
# built from the source's records, whatever meter they name.
SERIES_METERS = {"FM-01": ("S1", "Nm3", 1e4), "EM-01": ("S3", "kWh", 1e3)}


def example_series() -> list[tuple[str, str, str, str]]:
    acts = example_dataset()["activity"]
    hours = np.arange(np.datetime64("2024-01-01T00", "h"), np.datetime64("2025-01-01T00", "h"))
    month = hours.astype("datetime64[M]").astype(np.int64) - (2024 - 1970) * 12
    hod = (hours - hours.astype("datetime64[D]")).astype(np.int64)
    out = []
    for mid, (source, unit, factor) in SERIES_METERS.items():
        totals = np.zeros(12)
        for r in acts:
            if r["source_id"] == source and r["period"].startswith("2024-"):
                totals[int(r["period"][5:]) - 1] += r["quantity"] * factor
        profile = 1.0 + 0.3 * np.sin((hod - 6) / 24 * 2 * np.pi)  # a day shape: more by day than by night
        keep = np.ones(len(hours), bool)
        if mid == "EM-01":
            keep &= ~((hours >= np.datetime64("2024-03-10T06")) & (hours < np.datetime64("2024-03-10T12")))
        else:
            profile = np.where(hours.astype("datetime64[D]") == np.datetime64("2024-05-01"), 1.0, profile)
        # the month's total spread over its hours by the profile; a gap's share is missing, as in a real gap
        full = np.bincount(month, weights=profile, minlength=12)
        vals = profile * keep * (totals / full)[month]
        for h, v, k in zip(hours.tolist(), vals.tolist(), keep.tolist(), strict=True):
            if k:
                out.append((mid, h.strftime("%Y-%m-%d %H:%M"), f"{v:.4f}", unit))
    return out


def write_example_series(path) -> Path:
    p = Path(path)
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["meter_id", "timestamp", "value", "unit"])
        w.writerows(example_series())
    return p
