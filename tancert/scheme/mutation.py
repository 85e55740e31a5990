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

The tests run on SQLite (in memory, one database per pytest process), stopping at the first failure
(``pytest -x``). A key is killed by one failing test, so the run is made short without being made weaker
(docs/performance.md, "Mutation of the rule keys"): the test that killed the key last time (``killed_by``,
with its parameter) runs alone first; when it no longer fails, all the key's tests run, the fastest first
by their last measured time (``test_seconds`` of the committed file). ``--jobs N`` mutates N keys at a
time in separate processes. Stdlib only.

``--write docs/mutation.json`` merges the results, each with the fingerprint of the key's checks and tests
(scheme/proof.py), into the committed file that ``tancert rules`` reads: only a key killed under its current
fingerprint counts as enforced and tested. ``--stale`` runs the keys whose fingerprint changed since their
committed result (at most ``--limit N``, 12 by default; more means a full run is due).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tancert.scheme import coverage, proof

# Site kinds that are code which decides (a raising call, a call carrying the key); the others — a
# ``# enforces:`` comment, a string constant — are pointers, not checks.
CHECK_KINDS = {"raise", "call"}

# pytest's own lines: "FAILED tests/a.py::test_b[p] - AssertionError…" (-rfE) and, from --durations=0,
# "12.34s setup    tests/a.py::test_b[p]".
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+?)(?: - .*)?$", re.MULTILINE)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s (?:setup|call|teardown)\s+(\S+)$", re.MULTILINE)


def base_id(node: str) -> str:
    """``tests/a.py::test_b[param]`` → ``tests/a.py::test_b`` (the form ``tested_by`` lists)."""
    return node.split("[", 1)[0]


def order_tests(tests: list[str], seconds: dict[str, float]) -> list[str]:
    """Fastest first by their last measured time (setup included): with ``-x`` the run ends at the first
    failure, so a cheap test that kills comes before an expensive one; tests never measured go last, in
    their listed order."""
    known = sorted((t for t in tests if t in seconds), key=lambda t: seconds[t])
    return known + [t for t in tests if t not in seconds]


def parse_output(text: str) -> tuple[str | None, dict[str, float]]:
    """The first failing test of a run and the seconds each test took (its parameters summed)."""
    failed = _FAILED.search(text)
    durations: dict[str, float] = {}
    for secs, node in _DURATION.findall(text):
        durations[base_id(node)] = round(durations.get(base_id(node), 0.0) + float(secs), 2)
    return (failed.group(1) if failed else None), durations


def _pytest(key: str, tests: list[str], root: Path, timeout: int) -> tuple[int, str]:
    env = {**os.environ, "TANCERT_MUTATE": key}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "--durations=0", "--durations-min=0",
           "-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not browser", *tests]
    try:
        done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, ""
    return done.returncode, done.stdout.decode("utf-8", "replace")


def run_key(key: str, entry: dict, fingerprint: str, root: Path, *, timeout: int = 900,
            prior: dict | None = None, seconds: dict[str, float] | None = None) -> tuple[dict, dict[str, float]]:
    """Mutate one key: (its result, the seconds of each test that ran).

    Killed means a test failed with the key switched off; which one does not change the verdict, so the
    test that killed it last time (``killed_by``, down to its parameter) runs alone first: nearly always
    the whole run. When it passes, or no longer exists, every listed test runs, fastest first, to the first
    failure. Survived still means every listed test passed."""
    tests = list(entry["tested_by"])
    # A key checked under a computed name (a focus item's key read from the checklist data) is found by
    # its ``# enforces:`` marker; whether a real check stands behind it is what the run shows.
    checks = [s for s in entry["enforced_by"] if s["kind"] in CHECK_KINDS or s["kind"] == "marker"]
    started = time.monotonic()
    measured: dict[str, float] = {}
    killed_by = None
    if not checks:
        outcome, code = "not-enforced", None
    elif not tests:
        outcome, code = "no-tests", None
    else:
        code = None
        previous = (prior or {}).get("killed_by")
        if previous and base_id(previous) in tests:
            code, out = _pytest(key, [previous], root, timeout)
            killed_by, durations = parse_output(out)
            measured.update(durations)
            if code != 1:  # passed now, renamed, or broken: the full run decides
                code, killed_by = None, None
        if code is None:
            code, out = _pytest(key, order_tests(tests, seconds or {}), root, timeout)
            killed_by, durations = parse_output(out)
            measured.update(durations)
        outcome = {0: "survived", 1: "killed", 5: "no-tests"}.get(code, "error")
    result = {"key": key, "mutation": outcome, "tests_run": len(tests) if outcome in ("killed", "survived")
              else 0, "seconds": round(time.monotonic() - started, 1), "fingerprint": fingerprint}
    if outcome == "killed" and killed_by:
        result["killed_by"] = killed_by
    if outcome == "error":
        result["exit_code"] = code
    return result, measured


def mutate(keys: list[str] | None, root: Path = coverage.DEFAULT_ROOT, *, timeout: int = 900,
           echo=None, jobs: int = 1, history: Path | None = None) -> list[dict]:
    """Mutate ``keys`` (all runnable keys when empty), ``jobs`` keys at a time, each in its own pytest
    process on its own in-memory SQLite database. ``history`` (by default the committed
    docs/mutation.json) gives each key's last ``killed_by`` and each test's last time; ``echo`` is called
    with each result as it arrives, with the tests' times in ``result["_seconds"]``."""
    report = coverage.build_report(root)
    entries = {k["key"]: k for k in report["keys"]}
    prints = proof.fingerprints(report, root)
    if not keys:
        keys = [k for k, e in entries.items() if proof.runnable(e)]
    unknown = [k for k in keys if k not in entries]
    if unknown:
        raise SystemExit(f"unknown rule key(s): {', '.join(unknown)}")
    history = history or (root / proof.FILE)
    prior, seconds = proof.load_file(history), proof.load_test_seconds(history)

    def one(key: str) -> dict:
        result, measured = run_key(key, entries[key], prints[key], root, timeout=timeout, prior=prior.get(key),
                                   seconds=seconds)
        return {**result, "_seconds": measured}

    by_key: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        # The slowest keys first (their last time), so that parallel workers finish together.
        ordered = sorted(keys, key=lambda k: -float(prior.get(k, {}).get("seconds", 0) or 0)) if jobs > 1 else keys
        for future in as_completed([pool.submit(one, k) for k in ordered]):
            result = future.result()
            if echo:
                echo(result)
            by_key[result["key"]] = result
    return [{k: v for k, v in by_key[key].items() if k != "_seconds"} for key in keys]


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
    jobs = int(_option(argv, "--jobs") or 1)
    values = {write, _option(argv, "--limit"), _option(argv, "--jobs")}
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
        committed.update({r["key"]: {k: v for k, v in r.items() if k not in ("key", "_seconds")} for r in done})
        seconds = proof.load_test_seconds(Path(write))
        for r in done:
            seconds.update(r.get("_seconds", {}))
        proof.save(Path(write), committed, seconds)

    done: list[dict] = []

    def echo_and_save(r):
        echo(r)
        done.append(r)
        if write:  # after every key, so that an interrupted full run keeps what it proved
            save(done)

    results = mutate(keys, root, echo=echo_and_save, jobs=jobs, history=Path(write) if write else None)
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r["mutation"]] = counts.get(r["mutation"], 0) + 1
        print("Summary: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0 if all(r["mutation"] == "killed" for r in results) else 1
