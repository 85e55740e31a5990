"""`tancert rules --mutate`: the hook switches exactly one key's checks off, and the runner classifies keys
without checks or tests without running anything (the killed/survived runs are in the test command)."""

from __future__ import annotations

import pytest

from tancert.scheme import mutation, violations
from tancert.scheme.violations import MutationReached, RuleViolation, require

# Made-up keys: a real key named here would list this file among that key's tests, and a mutation run of
# that key would then "kill" it here.
OFF, ON = "X-switched-off", "X-still-on"


def test_a_switched_off_key_passes_its_require_and_its_raise_is_reached_loudly(monkeypatch):
    monkeypatch.setattr(violations, "MUTATED", frozenset({OFF}))
    require(False, OFF, "switched off")  # passes
    with pytest.raises(RuleViolation):
        require(False, ON, "still on")
    with pytest.raises(MutationReached):
        raise RuleViolation(OFF, "a raise of the switched-off key")


def test_without_the_hook_every_check_holds(monkeypatch):
    monkeypatch.setattr(violations, "MUTATED", frozenset())
    with pytest.raises(RuleViolation):
        require(False, OFF, "on")


def test_informative_and_unknown_keys():
    from tancert.scheme import rulebook

    informative = next(k for k, r in rulebook.RULES.items() if r.parent is None)  # a section of the scheme
    [result] = mutation.mutate([informative])
    assert result["mutation"] == "not-enforced" and result["tests_run"] == 0
    with pytest.raises(SystemExit, match="X-nothing"):
        mutation.mutate(["X-nothing"])


def test_tests_run_fastest_first_and_unmeasured_last():
    tests = ["t.py::slow", "t.py::new", "t.py::fast"]
    assert mutation.order_tests(tests, {"t.py::slow": 40.0, "t.py::fast": 2.5}) == ["t.py::fast", "t.py::slow",
                                                                                    "t.py::new"]


def test_the_output_names_the_failing_test_and_each_tests_time():
    out = ("F\n12.00s setup    tests/a.py::test_b[one]\n0.50s call     tests/a.py::test_b[one]\n"
           "3.25s setup    tests/a.py::test_b[two]\n"
           "FAILED tests/a.py::test_b[one] - AssertionError: X\n1 failed in 16.0s\n")
    assert mutation.parse_output(out) == ("tests/a.py::test_b[one]", {"tests/a.py::test_b": 15.75})
    assert mutation.parse_output("2 passed in 1.0s\n") == (None, {})


ENTRY = {"tested_by": ["t.py::a", "t.py::b"], "enforced_by": [{"kind": "call"}]}


def _runs(monkeypatch, outcomes):
    """Replace the pytest process: each call returns the next (exit code, output); the calls are kept."""
    calls = []

    def fake(key, tests, root, timeout):
        calls.append(tests)
        return outcomes.pop(0)

    monkeypatch.setattr(mutation, "_pytest", fake)
    return calls


def test_the_test_that_killed_a_key_runs_alone_first(monkeypatch):
    calls = _runs(monkeypatch, [(1, "FAILED t.py::b[x] - boom\n")])
    result, _ = mutation.run_key(OFF, ENTRY, "fp", None, prior={"killed_by": "t.py::b[x]"})
    assert calls == [["t.py::b[x]"]]
    assert result["mutation"] == "killed" and result["killed_by"] == "t.py::b[x]" and result["tests_run"] == 2


def test_when_it_no_longer_fails_every_test_runs_and_a_survivor_is_still_a_survivor(monkeypatch):
    calls = _runs(monkeypatch, [(0, "1 passed\n"), (0, "2 passed\n")])
    result, _ = mutation.run_key(OFF, ENTRY, "fp", None, prior={"killed_by": "t.py::b"},
                                 seconds={"t.py::b": 1.0, "t.py::a": 9.0})
    assert calls == [["t.py::b"], ["t.py::b", "t.py::a"]]
    assert result["mutation"] == "survived" and "killed_by" not in result


def test_a_killed_by_that_is_gone_falls_back_to_the_full_run(monkeypatch):
    calls = _runs(monkeypatch, [(1, "FAILED t.py::a - boom\n")])
    result, _ = mutation.run_key(OFF, ENTRY, "fp", None, prior={"killed_by": "t.py::removed"})
    assert calls == [["t.py::a", "t.py::b"]]
    assert result["killed_by"] == "t.py::a"


def test_the_written_file_keeps_its_format_and_adds_the_test_times(tmp_path):
    from tancert.scheme import proof

    path = tmp_path / "mutation.json"
    proof.save(path, {"K": {"mutation": "killed", "fingerprint": "f"}}, {"t.py::a": 1.5})
    assert proof.load_file(path) == {"K": {"mutation": "killed", "fingerprint": "f"}}
    proof.save(path, {"K": {"mutation": "killed", "fingerprint": "g"}})  # no times given: the old ones stay
    assert proof.load_test_seconds(path) == {"t.py::a": 1.5}


def test_parallel_workers_return_every_key_in_the_order_asked(monkeypatch):
    _runs(monkeypatch, [(1, "FAILED t.py::a - boom\n")] * 2)
    results = mutation.mutate(["R8.2.1", "R8.1.2"], jobs=2)
    assert [r["key"] for r in results] == ["R8.2.1", "R8.1.2"]
    assert all(r["mutation"] == "killed" and "_seconds" not in r for r in results)
