"""Checking a level's workbook (product footprint, project reductions, event neutrality) in a child process with
bounded memory and time — the second wall behind the workbook guard (tancert/ghg/guard.py), as for the
organisation's inventory (tancert/ghg/isolated.py, whose limits, thread settings and "too large or too complex"
answer it shares). The child answers JSON, never a pickle; it imports the pure engines and the stdlib only.

    python -m tancert.audits.carbon.levels.child   (request on stdin: {"level", "path", "memory", "seconds"})
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tancert.ghg.cli import _finite
from tancert.ghg.errors import InputError
from tancert.ghg.isolated import _limit, ask_child

FINDINGS_KEPT = 500  # engine findings kept per upload (the page shows them; the count is kept whole)


def run(level: str, path: Path, *, memory: int, seconds: float) -> dict:
    """The engine's JSON for `level` in a child: the result, or InputError."""
    return ask_child("tancert.audits.carbon.levels.child", {"level": level, "path": str(path), "memory": int(memory),
                                                            "seconds": float(seconds)},
                     name=path.name, seconds=seconds)


def task(level: str, path: Path) -> dict:
    if level == "product":
        from tancert.footprint.engine import check

        return check(path).to_json(findings_limit=FINDINGS_KEPT)
    if level == "project":
        from tancert.projects.engine import check
    elif level == "activity":
        from tancert.events.engine import check
    else:
        raise ValueError(level)
    return check(path).to_json()


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        _limit(request["memory"], request["seconds"])
        try:
            answer = {"result": _finite(task(request["level"], Path(request["path"])))}
        except InputError as exc:
            answer = {"errors": [e.as_dict() for e in exc.errors]}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str))
    except MemoryError:
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
