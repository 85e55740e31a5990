"""Who may decide, and the decision committee (R7.5).

A decider is independent of the client when they were on no audit team of the organisation (any
audit, not only this application's: ISO/IEC 17021-1 9.5) and declared no conflict of interest with
it in the auditor register (`people/register.ConflictDeclaration`) that is ongoing or ended less than
`TANCERT_CONFLICT_YEARS` (2) ago.

The committee has `TANCERT_DECISION_COMMITTEE_SIZE` members (default 1: a single decider). Each
member votes independently; the decision takes effect when the last member has voted. It grants only
when every member granted (with the same scope); otherwise it is a refusal and the dissent is
recorded, so nobody can be outvoted into certifying.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tancert.audits import grades
from tancert.audits.models import Audit, AuditTeamMember, Finding
from tancert.certificates.models import Decision
from tancert.people.models.auditors import ConflictDeclaration


def committee_size() -> int:
    return max(1, int(getattr(settings, "TANCERT_DECISION_COMMITTEE_SIZE", 1)))


def audited_client(user, organisation_id: int) -> bool:
    return AuditTeamMember.objects.filter(audit__organisation_id=organisation_id, user=user).exclude(
        audit__status=Audit.CANCELLED).exists()


def declared_conflicts(user, organisation, *, today=None):
    """Conflict declarations that still bar the user from deciding on the organisation."""
    today = today or timezone.localdate()
    since = today - relativedelta(years=getattr(settings, "TANCERT_CONFLICT_YEARS", 2))
    match = Q(organisation=organisation)
    if organisation.credit_code:
        match |= Q(credit_code=organisation.credit_code)
    return ConflictDeclaration.objects.filter(user=user).filter(match).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since))


def combine(votes: list[dict]) -> tuple[str, str, dict, str]:
    """(outcome, scope, conditions, dissent) of a complete committee, from its members' votes."""
    outcomes = {(v["outcome"], v["scope"] if v["outcome"] == Decision.GRANT_REDUCED else "") for v in votes}
    conditions = {}
    for code in ("C1", "C2", "C3", "C4"):
        conditions[code] = {"met": all(v["conditions"][code]["met"] for v in votes),
                            "evidence": "；".join(f"{v['name']}：{v['conditions'][code]['evidence']}" for v in votes)}
    if len(outcomes) == 1:
        outcome, _scope = next(iter(outcomes))
        return outcome, votes[0]["scope"], conditions, ""
    dissent = "；".join(f"{v['name']}：{v['outcome_zh']}" + (f"（{v['reason']}）" if v["reason"] else "")
                       for v in votes)
    return Decision.REFUSE, votes[0]["scope"], conditions, f"委员会意见不一致，不予认证：{dissent}"


def decision_queue(user):
    """Completed stage 2 / recertification audits without a decision that this user may decide on:
    not an audit of a client they audited, no declared conflict, no vote of theirs yet."""
    today = timezone.localdate()
    since = today - relativedelta(years=getattr(settings, "TANCERT_CONFLICT_YEARS", 2))
    conflicts = ConflictDeclaration.objects.filter(user=user).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    barred_orgs = set(conflicts.exclude(organisation=None).values_list("organisation_id", flat=True))
    barred_codes = set(conflicts.exclude(credit_code="").values_list("credit_code", flat=True))
    audited = AuditTeamMember.objects.filter(user=user).exclude(audit__status=Audit.CANCELLED).values(
        "audit__organisation_id")
    # R7.5.2: a decision is requested only once every major nonconformity is verified.
    unverified = Finding.objects.filter(grade__in=grades.codes_to(grades.VERIFY)).exclude(status=Finding.VERIFIED)
    return (Audit.objects.filter(kind__in=[Audit.STAGE2, Audit.RECERTIFICATION], status=Audit.COMPLETED,
                                 decisions__isnull=True)
            .exclude(organisation_id__in=audited).exclude(organisation_id__in=barred_orgs)
            .exclude(organisation__credit_code__in=barred_codes).exclude(decision_votes__user=user)
            .exclude(Exists(unverified.filter(audit__application=OuterRef("application"))))
            .exclude(Exists(unverified.filter(audit=OuterRef("pk"))))
            .select_related("organisation").distinct())
