"""Benchmark: hostile workbooks on the command line — time, exit code and peak memory of `tancert ghg check`.

Writes each file (made from the worked example, all under 400 KB) and runs the check in a child process
under a 4 GiB address-space limit (as `ulimit -v 4194304` would), measuring its wall time and peak resident
memory (getrusage of the child):

* string bomb: one 20,000-character text that 50,000 activity cells point at (a gigabyte of text);
* long text: a 30,000-character text in the first ten columns (unit among them) of one row: pint's unit parser
  is super-linear;
* far cell: one cell at XFD1048576.

    .venv/bin/python bench/hostile_files.py [OUTDIR]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tancert.ghg.template import write_template

LIMIT = 4 * 2**30


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for m in zin.infolist():
            zout.writestr(m.filename, change(m.filename, zin.read(m.filename)))
    return dst


def _shared_text_cells(src: Path, dst: Path, text: bytes, cells: int, columns: bytes) -> Path:
    with zipfile.ZipFile(src) as z:
        index = z.read("xl/sharedStrings.xml").count(b"<si>")
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%c%d" t="s"><v>%d</v></c>' % (c, r, index) for c in columns)
                    + b"</row>" for r in range(1000, 1000 + cells // len(columns)))

    def change(name, data):
        if name == "xl/sharedStrings.xml":
            return data.replace(b"</sst>", b"<si><t>" + text + b"</t></si></sst>")
        if name == "xl/worksheets/sheet5.xml":  # the Activity sheet
            return data.replace(b"</sheetData>", rows + b"</sheetData>", 1)
        return data
    return _rewrite(src, dst, change)


def make(out: Path) -> dict[str, Path]:
    src = write_template(out / "example.xlsx", example=True)
    text = ("abcdefghij" * 2_000).encode()
    far = _rewrite(src, out / "far-cell.xlsx", lambda n, d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>', 1)
        if n == "xl/worksheets/sheet1.xml" else d)
    return {"string bomb (50,000 cells × 20,000 characters)": _shared_text_cells(src, out / "string-bomb.xlsx", text,
                                                                               50_000, b"ABCDE"),
            "long text (one row × 30,000 characters)": _shared_text_cells(src, out / "long-text.xlsx",
                                                                        ("kWh" * 10_000).encode(), 10, b"ABCDEFGHIJ"),
            "far cell (XFD1048576)": far}


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(path: Path) -> tuple[float, float, int, float]:
    """(wall seconds, CPU seconds, exit code, peak RSS MiB) of `tancert ghg check PATH`."""
    code = ("import os, resource, sys\nfrom tancert.cli import main\nrc = main(sys.argv[1:])\n"
            "sys.stderr.write('PEAK %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(rc)")
    t, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([sys.executable, "-c", code, "ghg", "check", str(path), "--lang", "zh"],
                          capture_output=True, text=True, preexec_fn=_limit)
    wall, cpu = time.perf_counter() - t, _cpu() - cpu
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    return wall, cpu, done.returncode, (int(peak[-1].split()[1]) / 1024 if peak else float("nan"))


def main(out: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as d:
        out = out or Path(d)
        out.mkdir(parents=True, exist_ok=True)
        files = make(out)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("| file | size (KB) | wall (s) | CPU (s) | exit | peak RSS (MiB) |")
        print("|---|---|---|---|---|---|")
        for label, path in files.items():
            wall, cpu, rc, peak = run(path)
            print(f"| {label} | {path.stat().st_size / 1024:.0f} | {wall:.2f} | {cpu:.2f} | {rc} | {peak:.0f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
