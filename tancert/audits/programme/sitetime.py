"""Time per site on the audit plan (R7.3.3 "planned … and adjusted to the site";
IAF MD1 sampling as in the calculator).

The organisation's permanent sites are the plan's sites, the first one listed being the central
function (the site list of the application, R7.1-D8, starts with it); an organisation without a
site list has one pseudo-site at its address. The programme manager or team leader gives each site
its auditor-days; the allocation must add up to the audit's auditor-days, give the central function
time, and visit at least the IAF MD1 sample for the audit type (⌈√x⌉ / ⌈0.6√x⌉ / ⌈0.8√x⌉ of the
other sites plus the central function). An off-site stage 1 visits no site, so only the sum binds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.clients.estimate import AUDIT_TYPE_OF_KIND
from tancert.planning.audittime import sites_to_visit
from tancert.scheme.violations import require

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class SiteTime:
    site_id: int | None  # None: the pseudo-site of an organisation without a site list
    name: str
    address: str
    central: bool
    days: Decimal

    def as_dict(self) -> dict:
        return {"site_id": self.site_id, "name": self.name, "address": self.address, "central": self.central,
                "days": str(self.days)}


def plan_sites(audit: Audit) -> list[SiteTime]:
    """The sites of the plan with 0 days, central function first."""
    org = audit.organisation
    sites = list(org.sites.filter(kind="permanent").order_by("pk"))
    if not sites:
        return [SiteTime(None, "主要经营场所", org.address, True, Decimal(0))]
    return [SiteTime(s.pk, s.name, s.address, i == 0, Decimal(0)) for i, s in enumerate(sites)]


def required_visits(audit: Audit, n_sites: int) -> int:
    """Sites to visit (central function included) under IAF MD1 for the audit's type; 0 off site."""
    if audit.offsite:
        return 0
    return sites_to_visit(n_sites, AUDIT_TYPE_OF_KIND[audit.kind])


def default_allocation(audit: Audit) -> list[SiteTime]:
    """Equal shares (to a tenth of a day, rounded down) on the first sites of the MD1 sample; the rest
    of the days go to the central function, so the sum is always the audit's auditor-days."""
    sites = plan_sites(audit)
    visits = max(1, required_visits(audit, len(sites)))
    share = (audit.auditor_days / visits).quantize(TENTH, rounding=ROUND_DOWN)
    days = [share if i < visits else Decimal(0) for i in range(len(sites))]
    days[0] += audit.auditor_days - sum(days, Decimal(0))
    return [SiteTime(s.site_id, s.name, s.address, s.central, d) for s, d in zip(sites, days, strict=True)]


def _days(value) -> Decimal:
    try:
        d = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        d = Decimal(-1)
    require(d.is_finite() and d >= 0 and d == d.quantize(TENTH), "R7.3.3",
            _("Give the time per site in auditor-days: 0 or more, with at most one decimal."),
            field="site_allocation")
    return d


def check_allocation(audit: Audit, allocation: Mapping) -> list[SiteTime]:
    """``allocation``: site id (int or str; ``None`` / "" for the pseudo-site) → auditor-days.
    Sites left out get 0. Refused with R7.3.3 (field ``site_allocation``) when it does not fit."""
    sites = plan_sites(audit)
    by_key = {"" if s.site_id is None else str(s.site_id): s for s in sites}
    given = {"" if k is None else str(k): _days(v) for k, v in allocation.items()}
    require(set(given) <= set(by_key), "R7.3.3", _("A site named is not a site of this organisation."),
            field="site_allocation")
    out = [SiteTime(s.site_id, s.name, s.address, s.central, given.get(k, Decimal(0))) for k, s in by_key.items()]
    total = sum((s.days for s in out), Decimal(0))
    require(total == audit.auditor_days, "R7.3.3",
            _("The time per site adds up to %(sum)s auditor-days; the audit has %(days)s."),
            field="site_allocation", params={"sum": total, "days": audit.auditor_days})
    needed = required_visits(audit, len(out))
    if needed:
        require(out[0].days > 0, "R7.3.3", _("The central function (%(name)s) is visited on every audit (IAF "
                "MD1): give it time."), field="site_allocation", params={"name": out[0].name})
        visited = sum(1 for s in out if s.days > 0)
        require(visited >= needed, "R7.3.3",
                _("IAF MD1: visit at least %(needed)s of the %(sites)s sites (the central function included); "
                  "%(visited)s have time."), field="site_allocation",
                params={"needed": needed, "sites": len(out), "visited": visited})
    return out
