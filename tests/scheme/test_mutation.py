"""`tancert rules --mutate`: the hook switches exactly one key's checks off, and the runner classifies keys
without checks or tests without running anything (the killed/survived runs are in the test command)."""

from __future__ import annotations

import pytest

from tancert.scheme import mutation, violations
from tancert.scheme.violations import MutationReached, RuleViolation, require


def test_a_switched_off_key_passes_its_require_and_its_raise_is_reached_loudly(monkeypatch):
    monkeypatch.setattr(violations, "MUTATED", frozenset({"R7.5.1"}))
    require(False, "R7.5.1", "switched off")  # passes
    with pytest.raises(RuleViolation):
        require(False, "R9.1-a", "still on")
    with pytest.raises(MutationReached):
        raise RuleViolation("R7.5.1", "a raise of the switched-off key")


def test_without_the_hook_every_check_holds():
    assert violations.MUTATED == frozenset()
    with pytest.raises(RuleViolation):
        require(False, "R7.5.1", "on")


def test_informative_and_unknown_keys(capsys):
    [result] = mutation.mutate(["R1"])
    assert result == {"key": "R1", "mutation": "not-enforced", "tests_run": 0, "seconds": result["seconds"]}
    with pytest.raises(SystemExit, match="R99"):
        mutation.mutate(["R99"])
