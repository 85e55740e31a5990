"""The committed mutation result (``docs/mutation.json``) and the fingerprints that tell when it is stale.

A key counts as *enforced and tested* only when switching its checks off made one of its tests fail
(``tancert rules --mutate``, scheme/mutation.py). That run takes minutes for the whole rule book (once
``killed_by`` is known, docs/performance.md), so its result is committed, key by key, with a *fingerprint*: a hash of the source of every function
that checks the key (a raising call, a call carrying the key, an ``# enforces:`` marker) and of every test
that names it. When one of them changes, the result of that key is stale: ``tancert rules --check-mutation``
fails, and ``./dev test`` re-runs the mutation of the stale keys (a bounded number) and writes the file.

The fingerprint sees the checking functions and the tests, not the helpers they call (the flow of
tests/flow.py, a fixture): a change there is caught by the next full run, not by the staleness check.

Stdlib only, like the coverage report that reads it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

FILE = Path("docs") / "mutation.json"
# Site kinds that are code which decides; a string constant is a pointer, not a check (mutation.py).
CHECK_KINDS = ("raise", "call", "marker")

ABOUT = ("Result of `tancert rules --mutate` per rule key: killed (a test fails when the key's checks are "
         "switched off; killed_by names the first failing test, run first next time), survived, no-tests, "
         "not-enforced or error; with the fingerprint of the key's checking functions and tests at the time "
         "of the run. test_seconds: each test's last time in a mutation run (the fastest run first). Written by `tancert rules --mutate --write "
         "docs/mutation.json`; `tancert rules --check-mutation` fails when a fingerprint no longer matches.")


class _Sources:
    """Source segments of functions, by file and qualified name, parsed once per file."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, tuple[list[str], dict[str, tuple[int, int]]]] = {}

    def _load(self, rel: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
        if rel not in self.files:
            try:
                text = (self.root / rel).read_text(encoding="utf-8")
                tree = ast.parse(text)
            except (OSError, SyntaxError, ValueError):
                self.files[rel] = ([], {})
                return self.files[rel]
            spans: dict[str, tuple[int, int]] = {}

            def walk(node: ast.AST, prefix: str) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        name = f"{prefix}{child.name}"
                        first = min([child.lineno, *(d.lineno for d in getattr(child, "decorator_list", []))])
                        spans[name] = (first, child.end_lineno or child.lineno)
                        walk(child, name + ".")

            walk(tree, "")
            self.files[rel] = (text.splitlines(), spans)
        return self.files[rel]

    def has(self, rel: str, qualname: str) -> bool:
        return qualname in self._load(rel)[1]

    def function(self, rel: str, qualname: str, line: int | None = None) -> str:
        lines, spans = self._load(rel)
        if qualname in spans:
            first, last = spans[qualname]
            return "\n".join(lines[first - 1:last])
        if line is not None and 0 < line <= len(lines):  # a module-level site: its own line
            return lines[line - 1]
        return ""


def fingerprint(row: dict, sources: _Sources) -> str:
    """Hash of the key's checking functions and its tests (a row of coverage.build_report)."""
    parts = set()
    for site in row["enforced_by"]:
        if site["kind"] not in CHECK_KINDS:
            continue
        rel, parts_ = site["file"], site["function"].split(".")
        # "audits.programme.actions.Class.func": the longest tail that names a def of the file is its qualname.
        qualname = next((q for i in range(len(parts_)) if (q := ".".join(parts_[i:])) and sources.has(rel, q)), "")
        parts.add(f"{rel}::{qualname}\n{sources.function(rel, qualname, site['line'])}")
    for test in row["tested_by"]:
        rel, _, name = test.partition("::")
        parts.add(f"{test}\n{sources.function(rel, name.replace('::', '.'))}")
    digest = hashlib.sha256("\n\x00".join(sorted(parts)).encode("utf-8"))
    return digest.hexdigest()[:16]


def fingerprints(report: dict, root: Path) -> dict[str, str]:
    sources = _Sources(root)
    return {row["key"]: fingerprint(row, sources) for row in report["keys"]}


def load(root: Path) -> dict[str, dict]:
    """Key → committed result ({"mutation", "fingerprint", …}); empty when no run was committed."""
    return load_file(root / FILE)


def load_file(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = data.get("keys") if isinstance(data, dict) else None
    return keys if isinstance(keys, dict) else {}


def load_test_seconds(path: Path) -> dict[str, float]:
    """Test id → seconds it took in its last mutation run (setup included; scheme/mutation.py orders by it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    seconds = data.get("test_seconds") if isinstance(data, dict) else None
    return {str(k): float(v) for k, v in seconds.items() if isinstance(v, int | float)} if isinstance(
        seconds, dict) else {}


def save(path: Path, results: dict[str, dict], test_seconds: dict[str, float] | None = None) -> Path:
    """Write the results; ``test_seconds`` (kept from the file when not given) is an added top-level field,
    so that a reader of ``keys`` alone sees the format it always saw."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if test_seconds is None:
        test_seconds = load_test_seconds(path)
    data = {"about": ABOUT, "keys": dict(sorted(results.items())), "test_seconds": dict(sorted(test_seconds.items()))}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def proven(result: dict | None, current: str) -> str:
    """The mutation verdict that holds for the code as it is: the result, or "stale"/"not run"."""
    if not result:
        return "not run"
    if result.get("fingerprint") != current:
        return "stale"
    return str(result.get("mutation"))


def stale(report: dict, root: Path, results: dict[str, dict] | None = None) -> list[str]:
    """Keys whose committed result no longer matches their checks and tests. A key never run is not stale:
    it shows as unproven until a full run covers it."""
    results = load(root) if results is None else results
    prints = fingerprints(report, root)
    return [row["key"] for row in report["keys"] if runnable(row)
            and proven(results.get(row["key"]), prints[row["key"]]) == "stale"]


def runnable(row: dict) -> bool:
    """A key the full mutation run covers: every rule, and a heading only when code checks it."""
    return not row["informative"] or any(s["kind"] in CHECK_KINDS for s in row["enforced_by"])
