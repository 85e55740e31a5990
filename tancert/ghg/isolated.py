"""Running the engine on an uploaded file in a child process with bounded memory and time.

The static guard (guard.py) refuses the hostile workbooks we know of before the reader sees them; this is
the second wall for the ones we do not know. The child reads and quantifies the file under
``RLIMIT_AS`` (address space) and ``RLIMIT_CPU``, and the parent waits at most the same number of seconds:
a file that still explodes kills only the child, and the person gets "too large or too complex" in
Chinese and English (an InputError, like every other bad input). The server worker never holds the
parsed workbook; it receives the answer as JSON bytes (never a pickle: nothing the child sends is executed).

The child is a fresh interpreter (``python -m tancert.ghg.isolated``): it shares nothing with the worker,
and its start-up (numpy, the factor library) is the price, measured in docs/performance.md ("Inventories in a
child process"). Stdlib and the engine only: the engine stays pure.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path

from .errors import CellError, InputError

log = logging.getLogger(__name__)
TOO_COMPLEX = ("the file is too large or too complex: reading it went beyond the server's memory or time limit; "
               "split it into smaller files or use .csv",
               "文件过大或过于复杂：读取它超出了服务器的内存或时间限制；请拆分为较小的文件或使用 .csv")
# The numeric libraries start one thread per core, each reserving address space: one is enough here.
_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(task: str, path: Path, *, memory: int, seconds: float, options: dict | None = None) -> dict:
    """Run `task` on the file at `path` in a child: its JSON answer, or InputError (the engine's own
    errors, or "too large or too complex" when the child died or ran out of time)."""
    return ask_child("tancert.ghg.isolated", {"task": task, "path": str(path), "memory": int(memory),
                                              "seconds": float(seconds), "options": options or {}},
                     name=path.name, seconds=seconds)


def ask_child(module: str, request: dict, *, name: str, seconds: float) -> dict:
    """Send `request` as JSON to `python -m module` and read its JSON answer: the result, or InputError — the
    child's own errors, or "too large or too complex" when it died or ran out of time. Shared by every engine's
    child (footprint/isolated.py, audits/carbon/levels/child.py)."""
    try:
        done = subprocess.run([sys.executable, "-m", module], input=json.dumps(request).encode(),
                              capture_output=True, timeout=seconds, env=os.environ | _THREADS)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        done = None
    if done is None or done.returncode != 0:  # out of time, out of memory (MemoryError, the reader aborted)
        log.warning("%s child for %s failed: %s", module, name,
                    "timeout" if done is None else f"exit {done.returncode}: {done.stderr[-2000:].decode(errors='replace')}")
        raise InputError([CellError(name, None, None, *TOO_COMPLEX)])
    answer = json.loads(done.stdout)
    if "errors" in answer:
        raise InputError([CellError(**e) for e in answer["errors"]])
    return answer["result"]


# ----- the child

def upload_task(path: Path, *, findings_limit: int | None = None) -> dict:
    """What an upload keeps of a check: the results, the proposed sample as plain records, the hashes."""
    from .engine import check

    result = check(path)
    return {"results": result.to_json(findings_limit=findings_limit), "sample": sample_records(result),
            "inputs_sha256": result.inputs_sha256, "sample_method": result.sample.method,
            "sample_seed": int(result.sample.seed)}


def freeze_task(path: Path, *, monte_carlo_iterations: int | None = None) -> dict:
    """The frozen record; with `monte_carlo_iterations` the Monte Carlo (seeded by the inventory's own
    sampling seed) is part of it, and the freeze's own second run reproduces it (freeze.py)."""
    from .engine import check
    from .freeze import freeze

    return freeze(check(path, monte_carlo_iterations=monte_carlo_iterations))


def monte_carlo_task(path: Path, *, iterations: int) -> dict:
    """Approach 2 beside Approach 1, seeded by the inventory's sampling seed (the seed the sample and
    `tancert ghg check FILE --monte-carlo N` use), so the CLI reproduces it from the file alone."""
    from .engine import check

    result = check(path, monte_carlo_iterations=iterations)
    return {"approach1": result.uncertainty.as_dict(), "monte_carlo": result.monte_carlo.as_dict(),
            "inputs_sha256": result.inputs_sha256, "year": result.summary["year"]}


def meters_task(path: Path, *, series: str, tolerance_pct: float | None = None) -> dict:
    """A meter series (.csv/.parquet) linked to the inventory at `path`, checked and reconciled
    (meterchecks.check_series): the report and the series' own findings, apart from the inventory's."""
    from .engine import check
    from .findings import Findings
    from .meterchecks import MeterOptions, check_series
    from .meterseries import read_series

    result = check(path)
    findings = Findings()
    options = MeterOptions() if tolerance_pct is None else MeterOptions(tolerance_pct=float(tolerance_pct))
    report = check_series(read_series([Path(series)]), result.inventory, findings, options)
    return {"report": report, "findings_summary": findings.summary(), "inputs_sha256": result.inputs_sha256}


TASKS = {"upload": upload_task, "freeze": freeze_task, "monte_carlo": monte_carlo_task, "meters": meters_task}


def sample_records(result) -> list[dict]:
    """The proposed sample as plain records (what the auditor needs to look up the documents)."""
    t = result.inventory.table
    idx = result.sample.index
    if idx is None or not len(idx):
        return []
    out = []
    forced = result.sample.forced
    for i in idx.tolist():
        y, m = int(t.year[i]), int(t.month[i])
        why = forced.get(int(t.rows[i]))
        out.append(({"screening": why} if why else {}) | {
            "row": int(t.rows[i]), "source_id": t.t("source_id")[i], "facility": t.t("facility")[i],
            "period": f"{y:04d}" if m == 0 else f"{y:04d}-{m:02d}", "kind": t.t("kind")[i],
            "activity": t.t("activity")[i], "quantity": _cell(float(t.num["quantity"][i])), "unit": t.t("unit")[i],
            "crosscheck_source": t.t("crosscheck_source")[i], "tco2e": _cell(float(result.inventory.co2e[i])),
        })
    return out


def _cell(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def _limit(memory: int, seconds: float) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        _limit(request["memory"], request["seconds"])
        try:
            answer = {"result": TASKS[request["task"]](Path(request["path"]), **request["options"])}
        except InputError as exc:
            answer = {"errors": [e.as_dict() for e in exc.errors]}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str))
    except MemoryError:
        return 3  # no answer: the parent reports "too large or too complex"
    return 0


if __name__ == "__main__":
    sys.exit(main())
