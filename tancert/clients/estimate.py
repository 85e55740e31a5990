"""The bridge from the database to the planning engine (tancert/planning is database-free):
an application or certificate becomes a ClientProfile / OffsiteFacts, and back come the audit time
with its justification and the stage-1 off-site decision."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tancert.clients.scopes.rules import level_codes
from tancert.planning import audittime, offsite

VALID_SYSTEM_CODES = {"EnMS": "enms", "EMS": "ems", "QMS": "qms", "OHSMS": "ohsms"}


def _months_running(app) -> int:
    delta = relativedelta(timezone.localdate(), app.cms_started_on)
    return max(0, delta.years * 12 + delta.months)


def profile_for_application(app, audit_type: str = "initial") -> audittime.ClientProfile:
    org = app.organisation
    today = timezone.localdate()
    held = [c for c in org.held_certifications.all() if c.valid_until >= today]
    return audittime.ClientProfile(
        audit_type=audit_type,
        employees=org.employees,
        sites=max(1, org.sites.filter(kind="permanent").count()),
        technical_areas=frozenset(int(a) for a in org.technical_areas if str(a).isdigit()),
        significant_sources=app.significant_sources,
        process_emissions=app.process_emissions,
        continuous_measurement_systems=app.continuous_measurement_systems,
        cms_months=_months_running(app),
        certified_systems=frozenset(VALID_SYSTEM_CODES[c.standard] for c in held if c.standard in VALID_SYSTEM_CODES),
        # R7.3.1 / R7.3.3 "scope of carbon management": the levels the CMS covers (R5.a–d).
        scope_levels=level_codes(app),
    )


def audit_time_for_application(app, audit_type: str = "initial", other_systems: tuple[audittime.OtherSystem, ...] = (),
                               proposed_combined_days: Decimal | None = None) -> audittime.AuditTimeResult:
    """The calculated time; with ``other_systems`` a combined audit's (R10-time), the policy's proposal
    or — given — the planned combined days (refused below 80 % of the sum)."""
    profile = profile_for_application(app, audit_type)
    if other_systems:
        profile = dataclasses.replace(profile, other_systems=tuple(other_systems),
                                      proposed_combined_days=proposed_combined_days)
    return audittime.calculate(profile)


# Which calculator type an audit kind is timed as; special audits are scoped to their change and take the
# surveillance time as guidance only (not enforced, see audits/timing.py).
AUDIT_TYPE_OF_KIND = {"stage1": "initial", "stage2": "initial", "surveillance": "surveillance",
                      "special": "surveillance", "recertification": "recertification"}


def application_for(application=None, certificate=None):
    """The application whose client description times an audit: the one named, else the one the
    certificate was decided on (the renewal application after a recertification); None for a
    certificate transferred in without an application here."""
    if application is not None:
        return application
    if certificate is not None and certificate.decision.audit_id and certificate.decision.audit.application_id:
        return certificate.decision.audit.application
    if certificate is not None and certificate.decision.application_id:
        return certificate.decision.application
    return None


def estimate_for_application(app) -> tuple[Decimal, list[dict]]:
    """Auditor-days and justification lines for the contract (R7.2-contract, R7.3.3)."""
    audit_type = "recertification" if app.kind == "recertification" else "initial"
    result = audit_time_for_application(app, audit_type)
    lines = [{"zh": ln["zh"], "en": ln["en"], "source": ln["source"]} for ln in result.as_dict()["lines"]]
    return Decimal(str(result.planned_days)), lines


def offsite_facts(app) -> offsite.OffsiteFacts:
    org = app.organisation
    today = timezone.localdate()
    held = [c for c in org.held_certifications.all() if c.standard in ("EnMS", "EMS") and c.valid_until >= today]
    return offsite.OffsiteFacts(
        enms_or_ems_certified=bool(held),
        certificate_refs="、".join(f"{c.standard} {c.number}" for c in held),
        simple_process_declared=app.simple_process,
        simple_process_grounds=app.simple_process_grounds,
        simple_process_judged=app.simple_process_judged,
        verified_reporting_years=frozenset(y.year for y in org.carbon_market_years.filter(verified=True)),
        application_date=timezone.localdate(app.submitted_at or app.created_at) if (app.submitted_at or app.created_at)
        else today,
    )


def stage1_offsite(app) -> offsite.OffsiteDecision:
    return offsite.stage1_offsite(offsite_facts(app))
