"""Unified social credit code, GB 32100-2015 (R7.1-C1)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tancert.people import creditcode

REAL = ["91110000600037341L", "91110108551385082Q"]  # published on business licences


def test_real_codes_are_valid():
    assert all(creditcode.is_valid(c) for c in REAL)


def test_lower_case_and_spaces_are_normalised():
    assert creditcode.is_valid(" 9111 0108 5513 8508 2q ")
    assert creditcode.normalise(" 9111 0108 5513 8508 2q ") == "91110108551385082Q"


def test_each_problem_is_named():
    assert creditcode.problem("9111") == "length"
    assert creditcode.problem("91110108551385082I") == "character"  # I is not in the alphabet
    assert creditcode.problem("9111A108551385082Q") == "division"
    assert creditcode.problem("91110108551385082A") == "check"


# Generation time depends on the machine's load, not on the code under test: no health check on speed.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=creditcode.ALPHABET, min_size=9, max_size=9),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=creditcode.ALPHABET, min_size=2, max_size=2))
def test_a_computed_check_character_always_validates_and_any_other_does_not(org, division, head):
    first17 = head + division + org
    check = creditcode.check_character(first17)
    assert creditcode.is_valid(first17 + check)
    wrong = next(c for c in creditcode.ALPHABET if c != check)
    assert not creditcode.is_valid(first17 + wrong)
