"""Checking an uploaded footprint workbook in a child process with bounded memory and time — the second
wall behind the workbook guard, as for GHG inventories (tancert/ghg/isolated.py, whose limits and
"too large or too complex" answer it shares). The child answers JSON, never a pickle.

    python -m tancert.footprint.isolated   (request on stdin: {"path", "memory", "seconds", "options"})
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tancert.ghg.errors import InputError
from tancert.ghg.isolated import _limit, ask_child


def run(path: Path, *, memory: int, seconds: float, options: dict | None = None) -> dict:
    """The check's JSON in a child: the result, or InputError (the engine's own, or "too large or too complex")."""
    return ask_child("tancert.footprint.isolated", {"path": str(path), "memory": int(memory),
                                                    "seconds": float(seconds), "options": options or {}},
                     name=path.name, seconds=seconds)


def task(path: Path, *, monte_carlo: int | None = None, findings_limit: int = 500) -> dict:
    from .engine import check

    return check(path, monte_carlo_iterations=monte_carlo, seed=0 if monte_carlo else None).to_json(
        findings_limit=findings_limit)


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        _limit(request["memory"], request["seconds"])
        try:
            answer = {"result": task(Path(request["path"]), **request["options"])}
        except InputError as exc:
            answer = {"errors": [e.as_dict() for e in exc.errors]}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str))
    except MemoryError:
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
