"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z); the 18th is a check
character computed with weights 3^i mod 31. Used for R7.1-C1 (a registered legal entity).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def normalise(code: str) -> str:
    """Upper-case without spaces (as CNCA reporting wants identifiers)."""
    return "".join((code or "").split()).upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None if the code is valid, else a short English reason (callers translate)."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return "character"
    if not code[2:8].isdigit():
        return "division"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
