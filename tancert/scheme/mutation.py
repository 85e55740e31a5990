"""``tancert rules --mutate [KEY …] [--json]``: does switching a rule's check off make one of its tests fail?

``tancert rules`` finds, by reading the code, where a key is checked and which tests name it. That proves
neither that the check bites nor that a test would notice its absence. Here each key is *mutated*: its
tests (``tested_by`` of the coverage report) run in a fresh process with ``TANCERT_MUTATE=KEY``, which
makes every ``require(…, KEY, …)``, every team-rule problem and every GHG data-quality finding of that key
pass silently (scheme/violations.py, ghg/findings.py, audits/programme/teamcheck.py). The key is

- ``killed`` when at least one of its tests then fails — the check is real and tested;
- ``survived`` when all of them still pass — the tests do not depend on the check (or it is not switchable);
- ``no-tests`` when no test names the key;
- ``not-enforced`` when no raising call or engine check carries the key (a string constant does not count;
  an ``# enforces:`` marker on a check with a computed key is run, and the run decides).

The tests run on SQLite, one key at a time, stopping at the first failure (``pytest -x``). Stdlib only.

``--write docs/mutation.json`` merges the results, each with the fingerprint of the key's checks and tests
(scheme/proof.py), into the committed file that ``tancert rules`` reads: only a key killed under its current
fingerprint counts as enforced and tested. ``--stale`` runs the keys whose fingerprint changed since their
committed result (at most ``--limit N``, 12 by default; more means a full run is due).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tancert.scheme import coverage, proof

# Site kinds that are code which decides (a raising call, a call carrying the key); the others — a
# ``# enforces:`` comment, a string constant — are pointers, not checks.
CHECK_KINDS = {"raise", "call"}


def mutate(keys: list[str] | None, root: Path = coverage.DEFAULT_ROOT, *, timeout: int = 900,
           echo=None) -> list[dict]:
    report = coverage.build_report(root)
    entries = {k["key"]: k for k in report["keys"]}
    prints = proof.fingerprints(report, root)
    if not keys:
        keys = [k for k, e in entries.items() if proof.runnable(e)]
    unknown = [k for k in keys if k not in entries]
    if unknown:
        raise SystemExit(f"unknown rule key(s): {', '.join(unknown)}")
    results = []
    for key in keys:
        entry = entries[key]
        tests = list(entry["tested_by"])
        # A key checked under a computed name (a focus item's key read from the checklist data) is found by
        # its ``# enforces:`` marker; whether a real check stands behind it is what the run shows.
        checks = [s for s in entry["enforced_by"] if s["kind"] in CHECK_KINDS or s["kind"] == "marker"]
        started = time.monotonic()
        if not checks:
            outcome, code = "not-enforced", None
        elif not tests:
            outcome, code = "no-tests", None
        else:
            env = {**os.environ, "TANCERT_MUTATE": key}
            env.pop("DATABASE_URL", None)
            cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                   "-m", "not browser", *tests]
            try:
                code = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                code = -1
            outcome = {0: "survived", 1: "killed", 5: "no-tests"}.get(code, "error")
        result = {"key": key, "mutation": outcome, "tests_run": len(tests) if outcome in ("killed", "survived")
                  else 0, "seconds": round(time.monotonic() - started, 1), "fingerprint": prints[key]}
        if outcome == "error":
            result["exit_code"] = code
        results.append(result)
        if echo:
            echo(result)
    return results


def _option(argv: list[str], name: str) -> str | None:
    if name in argv:
        i = argv.index(name)
        if i + 1 < len(argv):
            return argv[i + 1]
        raise SystemExit(f"{name} needs a value")
    return None


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    write = _option(argv, "--write")
    limit = int(_option(argv, "--limit") or 12)
    values = {write, _option(argv, "--limit")}
    keys = [a for a in argv if not a.startswith("--") and a not in values]
    root = coverage.DEFAULT_ROOT
    if "--stale" in argv:
        keys = proof.stale(coverage.build_report(root), root)
        if not keys:
            print("mutation results are current for every key.")
            return 0
        if len(keys) > limit:
            print(f"{len(keys)} keys are stale (more than --limit {limit}): run the full mutation run, "
                  f"tancert rules --mutate --write {proof.FILE}")
            return 1
        print("stale: " + " ".join(keys), flush=True)

    def echo(r):
        if not as_json:
            print(f"{r['key']:<20} {r['mutation']:<13} {r['tests_run']:>3} tests  {r['seconds']:>6.1f} s", flush=True)

    def save(done):
        committed = proof.load_file(Path(write))
        committed.update({r["key"]: {k: v for k, v in r.items() if k != "key"} for r in done})
        proof.save(Path(write), committed)

    done: list[dict] = []

    def echo_and_save(r):
        echo(r)
        done.append(r)
        if write:  # after every key, so that an interrupted full run keeps what it proved
            save(done)

    results = mutate(keys, root, echo=echo_and_save)
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r["mutation"]] = counts.get(r["mutation"], 0) + 1
        print("Summary: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0 if all(r["mutation"] == "killed" for r in results) else 1
