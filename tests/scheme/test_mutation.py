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
