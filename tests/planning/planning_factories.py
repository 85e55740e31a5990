"""Factories for the planning tests: plain dataclasses, no database (imported by the test modules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tancert.planning.teams import AuditNeed, Auditor

CLIENT = "org-1"
START, END = date(2026, 6, 8), date(2026, 6, 10)


def make_auditor(id, **kw) -> Auditor:
    """A fully qualified auditor (registered, GHG manager, experienced, CPD done) unless overridden."""
    defaults = dict(
        name=f"Auditor {id}", registration_grade="auditor", registration_number=f"CCAA-{id}",
        registration_valid_from=date(2024, 1, 1), registration_valid_to=date(2028, 12, 31),
        ghg_valid_from=date(2024, 1, 1), ghg_valid_to=date(2028, 12, 31),
        experience=True, cms_competence=True,
        competences=frozenset({(8, "auditor"), (8, "team_leader")}), cpd_years=frozenset({2025, 2026}),
    )
    defaults.update(kw)
    return Auditor(id=id, **defaults)


def make_need(**kw) -> AuditNeed:
    defaults = dict(organisation_id=CLIENT, technical_areas=frozenset({8}), start=START, end=END,
                    auditor_days=Decimal(6))
    defaults.update(kw)
    return AuditNeed(**defaults)

