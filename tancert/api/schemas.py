"""Response and request shapes shared by the API modules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

# Ranges of every number and date the API accepts (docs/architecture.md, API): out of range is a 422
# naming the field, never a database overflow (500) or a long computation.
MAX_ID = 2**63 - 1  # the databases' bigint keys
MAX_INT = 2**31 - 1  # PostgreSQL's integer columns
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Version = Annotated[int, Field(ge=0, le=MAX_INT)]  # document versions and edit counters (from 0)
Year = Annotated[int, Field(ge=1900, le=2200)]
# A date's range is declared in the document too (JSON Schema's formatMinimum/formatMaximum): pydantic
# checks ge/le on a date but does not write them into the schema.
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2200, 12, 31),
                            json_schema_extra={"formatMinimum": "1900-01-01", "formatMaximum": "2200-12-31"})]
# A moment (evidence observed at, …): the same years as Day.
Moment = Annotated[datetime, Field(ge=datetime(1900, 1, 1), le=datetime(2200, 12, 31, 23, 59, 59),
                                   json_schema_extra={"formatMinimum": "1900-01-01T00:00:00",
                                                      "formatMaximum": "2200-12-31T23:59:59"})]
Amount = Annotated[Decimal, Field(ge=-10**10, le=10**10)]  # fits the smallest money/emission column (12, 2)
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Page = Annotated[int, Field(ge=1, le=100_000)]
Month = Annotated[str, Field(pattern=r"^([0-9]{4}-(0[1-9]|1[0-2]))?$")]  # YYYY-MM, empty for this month
Days = Annotated[Decimal, Field(ge=0, le=999)]  # auditor-days and hours: columns (5, 1)


class Problem(Schema):
    rule: str
    message: str
    field: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    credit_code: str
    registered_address: str
    address: str
    employees: int
    technical_areas: list[str]


class DocumentOut(Schema):
    id: int
    code: str
    version: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    not_applicable_reason: str
    uploaded_at: datetime


class ApplicationOut(Schema):
    id: int
    organisation_id: int
    kind: str
    status: str
    scope: str
    criterion: str
    industry_requirement: str
    industry_code: int | None
    cms_started_on: date
    commitment_signed_by: str
    commitment_date: date | None
    submitted_at: datetime | None
    review_deadline: date | None
    supplement_request: str
    decision_reason: str
    licences_applicable: bool
    licences: str
    compliance_applicable: bool
    compliance_info: str
    simple_process: bool
    simple_process_grounds: str
    base_year: int | None
    baseline_emissions: float | None


class TeamMemberOut(Schema):
    username: str
    name: str
    role: str


class FindingOut(Schema):
    id: int
    audit_id: int
    number: int
    grade: str
    clause: str
    description: str
    evidence: str
    status: str
    due_date: date | None
    correction: str
    root_cause: str
    corrective_action: str
    response_evidence: str = ""
    checklist_item_id: int | None = None


class CombinedSystem(Schema):
    name: str
    days: float  # the system's separate audit time, auditor-days


class CombinedSystemIn(Schema):
    """CombinedSystem as a plan sends it: the days within the columns' range of auditor-days (Days)."""
    name: str = Field(max_length=200)
    days: Annotated[float, Field(ge=0, le=999, allow_inf_nan=False)]


class AuditOut(Schema):
    id: int
    organisation_id: int
    application_id: int | None
    certificate_id: int | None
    kind: str
    sequence: int
    status: str
    start_date: date
    end_date: date
    auditor_days: float
    method: str
    offsite: bool
    conclusion: str
    recommendation: str
    team: list[TeamMemberOut]
    combined_with: list[CombinedSystem] = []  # R10-time: other systems audited together, separate times


class DecisionOut(Schema):
    id: int
    organisation_id: int
    audit_id: int | None  # None for a transfer-in decision
    outcome: str
    scope: str
    conditions: dict
    reason: str
    decided_by: str
    decided_at: datetime
    committee: list = []
    dissent: str = ""


class CertificateOut(Schema):
    id: int
    number: str
    organisation_id: int
    status: str
    surveillance_status: str
    organisation_name: str
    organisation_address: str
    credit_code: str
    scope: str
    criterion: str
    first_issue_date: date
    issue_date: date
    expiry_date: date
    version: int


class EventOut(Schema):
    seq: int
    at: datetime
    actor_name: str
    action: str
    subject_type: str
    subject_id: str
    summary: str
    data: dict
    prev_hash: str
    hash: str


def audit_out(a) -> dict:
    return {
        **{f: getattr(a, f) for f in ("id", "organisation_id", "application_id", "certificate_id", "kind", "sequence",
                                      "status", "start_date", "end_date", "method", "offsite", "conclusion",
                                      "recommendation")},
        "auditor_days": float(a.auditor_days),
        "combined_with": [{"name": x["name"], "days": float(x["days"])} for x in a.combined_with or []],
        "team": [{"username": m.user.username, "name": m.user.get_full_name(), "role": m.role}
                 for m in a.team.select_related("user")],
    }


def decision_out(d) -> dict:
    return {**{f: getattr(d, f) for f in ("id", "organisation_id", "audit_id", "outcome", "scope", "conditions",
                                          "reason", "decided_at", "committee", "dissent")},
            "decided_by": d.decided_by.username}
