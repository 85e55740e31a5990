"""The house: the shape docs/architecture.md promises, checked on every run (the import contracts are
checked by `lint-imports` in the test command)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

TANCERT = Path(__file__).resolve().parents[1] / "tancert"
MAX_LINES = 800


def _modules():
    return sorted(p for p in TANCERT.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_is_over_800_lines():
    long = [f"{p.relative_to(TANCERT)}: {n}" for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long


def test_no_import_hides_below_code():
    hidden = [str(p.relative_to(TANCERT)) for p in _modules() if "noqa: E402" in p.read_text(encoding="utf-8")]
    assert not hidden


def test_comments_cite_rule_keys_and_docs_not_issue_numbers():
    pattern = re.compile(r"[Ii]ssues? [0-9]|house rule|design §")
    found = [f"{p.relative_to(TANCERT)}:{i}" for p in _modules()
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not found


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """Moving models between modules must not change the database: no migration is missing."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
