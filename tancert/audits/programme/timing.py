"""Is the planned time enough? The audit-time check ``plan_audit`` makes (R7.3.3, Appendix B [RB], R10-time).

The calculator (``planning/audittime.py``) is database-free; this module applies its result to a
plan: the CMS time of the client's description for the audit's type, or — for an audit combined
with other management systems — at least 80 % of the sum of the separate times (R10-time).

Why the stage-2 check sums both stages: Appendix B and the calculator give the time of the initial
audit as a whole; the stage-1/stage-2 split is guidance, so only the total is binding.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tancert.clients.estimate import AUDIT_TYPE_OF_KIND, audit_time_for_application
from tancert.planning import audittime
from tancert.scheme import rulebook
from tancert.scheme.violations import require

MAX_COMBINED_SYSTEMS = 5


def combined_systems(raw) -> tuple[audittime.OtherSystem, ...]:
    """The other management systems of a combined audit, from [{"name", "days"}] or [(name, days)].

    Each needs a name and its separate audit time (> 0, what that system would need alone)."""
    systems: list[audittime.OtherSystem] = []
    for item in raw or ():
        name, days = (item.get("name"), item.get("days")) if isinstance(item, dict) else item
        name = str(name or "").strip()
        try:
            value = Decimal(str(days)) if days not in (None, "") else None
        except InvalidOperation:
            value = None
        require(bool(name) and value is not None and value.is_finite() and Decimal(0) < value <= 100,
                "R10-time", _("Each combined management system needs a name and its separate audit time."),
                field="combined_with")
        require(len(name) <= 80, "R10-time", _("The name of a combined management system is at most 80 "
                "characters."), field="combined_with")
        systems.append(audittime.OtherSystem(name, value.quantize(Decimal("0.1"))))
    names = [s.name.casefold() for s in systems]
    require(len(names) == len(set(names)), "R10-time", _("A combined management system is named twice."),
            field="combined_with")
    require(len(systems) <= MAX_COMBINED_SYSTEMS, "R10-time",
            _("At most %(max)s other management systems can be combined with one audit."),
            field="combined_with", params={"max": MAX_COMBINED_SYSTEMS})
    return tuple(systems)


def stored(systems: tuple[audittime.OtherSystem, ...]) -> list[dict]:
    """How ``Audit.combined_with`` keeps them (JSON)."""
    return [{"name": s.name, "days": str(s.days)} for s in systems]


def require_enough_time(kind: str, total: Decimal, application, systems: tuple[audittime.OtherSystem, ...]) -> None:
    """Refuse a plan whose auditor-days (for an initial audit: stage 1 + stage 2) are too few.

    ``application`` is the one that describes the client (``estimate.application_for``); without one
    (a certificate transferred in) only the Appendix B base can be checked. With
    ``TANCERT_ENFORCE_CALCULATED_AUDIT_TIME`` off, the base stands in for the calculated CMS time."""
    audit_type = AUDIT_TYPE_OF_KIND[kind]
    base = Decimal(rulebook.BASE_AUDITOR_DAYS[audit_type])
    initial = audit_type == "initial"
    require(total >= base, "RB",
            _("Stage 1 and stage 2 together need at least %(base)s auditor-days (Appendix B); planned "
              "%(total)s.") if initial else _("This audit type needs at least %(base)s auditor-days (Appendix B)."),
            field="auditor_days", params={"base": base, "total": total})
    cms = base
    calculated = settings.TANCERT_ENFORCE_CALCULATED_AUDIT_TIME and application is not None
    if calculated:
        # R7.3.3: the time comes from the client's size, scope, sources and maturity, not only the base.
        cms = audit_time_for_application(application, audit_type).total_days
    if systems:
        separate = cms + sum((s.days for s in systems), Decimal(0))
        minimum = separate * Decimal("0.8")
        require(total >= minimum, "R10-time",
                _("A combined audit needs at least 80%% of the sum of the separate times: %(sum)s × 80%% = "
                  "%(minimum)s auditor-days; %(proposed)s were proposed."), field="auditor_days",
                params={"sum": audittime.fmt(separate), "minimum": audittime.fmt(minimum),
                        "proposed": audittime.fmt(total)})
    elif calculated:
        require(total >= cms, "R7.3.3",
                _("Stage 1 and stage 2 together need the calculated audit time of %(needed)s auditor-days "
                  "(see the justification on the plan page); planned %(total)s.") if initial else
                _("This audit needs the calculated audit time of %(needed)s auditor-days (see the justification "
                  "on the plan page); planned %(total)s."),
                field="auditor_days", params={"needed": cms, "total": total})
