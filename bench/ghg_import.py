"""Benchmark: import of a 100,000-row Excel workbook (the template layout, all 42 activity columns).

Ours: python-calamine read + full validation (units, choices, periods, numbers) into the columnar
table, all or nothing. Baseline measured in the same run: openpyxl's read-only mode, only iterating
the cell values of the same sheet (no validation at all).

Also in the same run: what an upload costs when the engine runs in the bounded child process
(tancert/ghg/isolated.py, as the server does it) instead of in the calling process, for this file and for
the worked example (a typical inventory), with the child's CPU time and peak memory.

    .venv/bin/python bench/ghg_import.py [ROWS]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import xlsxwriter

from tancert.ghg import isolated
from tancert.ghg.columns import ACTIVITY_COLUMNS
from tancert.ghg.example import example_dataset
from tancert.ghg.guard import check_workbook
from tancert.ghg.importer import SETTINGS_KEYS, load, sheet_title
from tancert.ghg.template import write_template


def write_big(path: Path, n: int) -> None:
    data = example_dataset()
    acts = [r for r in data["activity"] if r["period"].startswith("2024") and r.get("meter_id") != "EM-02"]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(sheet_title("Settings"))
    ws.write_row(0, 0, ["项目", "值"])
    ws.write_row(1, 0, ["key", "value"])
    for i, (k, _) in enumerate(SETTINGS_KEYS, start=2):
        ws.write_row(i, 0, [k, data["settings"].get(k, "")])
    ws = wb.add_worksheet(sheet_title("Activity"))
    ws.write_row(0, 0, [c.zh for c in ACTIVITY_COLUMNS])
    ws.write_row(1, 0, [c.key for c in ACTIVITY_COLUMNS])
    for i in range(n):
        r = dict(acts[i % len(acts)])
        r["facility"] = f"F{i % 200:03d}"
        r["quantity"] = float(r["quantity"]) * (1 + (i % 97) / 100)
        ws.write_row(i + 2, 0, [r.get(c.key, "") for c in ACTIVITY_COLUMNS])
    wb.close()


def ours(path: Path):
    return load(path)


def openpyxl_readonly(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for row in wb[sheet_title("Activity")].iter_rows(values_only=True):
        n += len(row)
    wb.close()
    return n


def in_child(path: Path) -> dict:
    return isolated.run("upload", path, memory=2 * 2**30, seconds=600, options={"findings_limit": 500})


def children_cpu() -> tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


def child_vs_worker(path: Path, label: str) -> None:
    """One upload's engine work in this process and in the bounded child, same file, same run: wall time
    (best of two) and CPU time (mean of two; the machine may be shared, CPU time is not)."""
    c0 = time.process_time()
    t_in, _ = best(lambda: isolated.upload_task(path, findings_limit=500))
    cpu_in = (time.process_time() - c0) / 2
    cpu0, _ = children_cpu()
    t_child, _ = best(lambda: in_child(path))
    cpu1, peak = children_cpu()
    cpu_child = (cpu1 - cpu0) / 2
    print(f"| {label} | {t_in:.2f} / {cpu_in:.2f} | {t_child:.2f} / {cpu_child:.2f} | "
          f"+{cpu_child - cpu_in:.2f} s CPU | {peak:.0f} MiB |")


def best(fn, repeat=2):
    t_best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        t_best = min(t_best, time.perf_counter() - t)
    return t_best, out


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.xlsx"
        write_big(path, n)
        size = path.stat().st_size / 2**20
        t_ours, ds = best(lambda: ours(path))
        t_base, _ = best(lambda: openpyxl_readonly(path), repeat=1)
        t_guard, _ = best(lambda: check_workbook(path))
        assert len(ds.activity) == n
        print("| upload's engine work | in the worker: wall / CPU (s) | in the bounded child: wall / CPU (s) | "
              "overhead | peak RSS of a child |")
        print("|---|---|---|---|---|")
        child_vs_worker(write_template(Path(d) / "example.xlsx", example=True), "worked example (.xlsx)")
        child_vs_worker(path, f"{n:,} rows")
        print()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| workload | ours (s) | rows/s | baseline: openpyxl read-only, values only (s) | rows/s | ratio |")
    print("|---|---|---|---|---|---|")
    print(f"| import {n:,} rows × {len(ACTIVITY_COLUMNS)} columns ({size:.1f} MiB .xlsx) with full validation | "
          f"{t_ours:.2f} | {n / t_ours:,.0f} | {t_base:.2f} | {n / t_base:,.0f} | {t_ours / t_base:.2f}× |")
    print(f"| of which the hostile-file guard (zip sizes, every cell address scanned) | {t_guard:.2f} | "
          f"{n / t_guard:,.0f} | — | — | {t_guard / t_ours:.0%} of the import |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
