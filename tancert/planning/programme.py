"""Audit programme windows for the 3-year cycle (R8.1-programme, R8.1.1-interval, R8.1.1-extra,
R9.2-validity, R9.3-renewal).

Pure functions: they compute windows and validate proposed dates; keeping the replanning history
is the models' job.

Readings (reference/certification.md §1, §3):

* the cycle is anchored on the **earlier** of the certification decision date (ISO/IEC 17021-1) and
  the certificate issue date (CNCA-QMS-01): the first surveillance ends within 12 months of it;
* each later surveillance ends within 12 months of the end of the previous one (R8.1.1-interval);
* the certificate's last valid day is ``issue + 3 years − 1 day`` (as ``certificates.actions``
  computes it); recertification ends before expiry, and the renewal application is made within
  the 90 days before expiry (R9.3-renewal), so the recertification window opens with it.

"Within 12 months" is calendar months (``relativedelta``), as the backbone ``plan_audit`` does:
the last allowed day is the same calendar day 12 months later (28 Feb for a 29 Feb anchor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tancert.scheme.host import gettext_lazy as _
from tancert.scheme.violations import require

SURVEILLANCE_MAX_MONTHS = 12  # R8.1.1-interval
RENEWAL_WINDOW_DAYS = 90  # R9.3-renewal
VALIDITY_YEARS = 3  # R9.2-validity
# Body policy (product default): a surveillance window opens this many months before it closes, so
# that an audit is not done so early that the next interval becomes impossible to plan well.
DEFAULT_OPENS_MONTHS_BEFORE = 3
EXTRA_REASONS = ("major_change", "major_incident")  # R8.1.1-extra
EXTRA_REASON_LABELS = {"major_change": ("认证的碳管理体系发生重大变更", "major change of the certified CMS"),
                       "major_incident": ("发生影响碳绩效的重大事故", "major accident affecting carbon performance")}


@dataclass(frozen=True)
class Window:
    """When an audit (or an application) must take place: ``earliest`` ≤ date ≤ ``latest``."""

    kind: str  # surveillance / recertification / renewal_application / extra_surveillance
    sequence: int  # 1, 2 for surveillance; 0 otherwise
    earliest: date
    latest: date
    rule: str
    label_zh: str
    label_en: str
    reason: str = ""

    def contains(self, day: date) -> bool:
        return self.earliest <= day <= self.latest

    def days_left(self, today: date) -> int:
        """Days until the window closes (negative when overdue) — for reminders and the sweep."""
        return (self.latest - today).days


@dataclass(frozen=True)
class Programme:
    anchor: date  # earlier of decision and issue date
    expiry: date
    windows: tuple[Window, ...]

    def window(self, kind: str, sequence: int = 0) -> Window:
        for w in self.windows:
            if w.kind == kind and w.sequence == sequence:
                return w
        raise KeyError(f"no {kind} window #{sequence} in this programme")


def cycle_anchor(decision_date: date, issue_date: date) -> date:
    """The earlier of the certification decision date and the certificate issue date."""
    return min(decision_date, issue_date)


def default_expiry(issue_date: date, validity_years: int = VALIDITY_YEARS) -> date:
    """Last valid day of a certificate issued on ``issue_date`` (R9.2-validity)."""
    return issue_date + relativedelta(years=validity_years) - timedelta(days=1)


def surveillance_deadline(previous: date) -> date:
    """The last day a surveillance may end, 12 months after ``previous`` (R8.1.1-interval)."""
    return previous + relativedelta(months=SURVEILLANCE_MAX_MONTHS)


def first_surveillance_due(decision_date: date, issue_date: date) -> date:
    """The first surveillance ends by this date: 12 months after the earlier of decision and issue."""
    return surveillance_deadline(cycle_anchor(decision_date, issue_date))


def renewal_window(expiry: date) -> Window:
    """R9.3-renewal: the client applies within the 90 days before expiry."""
    return Window("renewal_application", 0, expiry - timedelta(days=RENEWAL_WINDOW_DAYS), expiry, "R9.3-renewal",
                  "再认证申请", "renewal application")


def programme_windows(decision_date: date, issue_date: date, *, expiry: date | None = None,
                      surveillance_ends: Sequence[date] = (), surveillances: int = 2,
                      opens_months_before: int = DEFAULT_OPENS_MONTHS_BEFORE) -> Programme:
    """The windows of the cycle: surveillance 1…n, the renewal application and the recertification.

    ``surveillance_ends`` are the end dates of the regular surveillance audits already done (in
    order); each later window is computed from the actual previous end, otherwise from the previous
    window's last day — so replanning after an audit moves only the windows that follow it.
    """
    require(decision_date is not None and issue_date is not None, "R8.1-programme",
            _("The programme needs the certification decision and certificate issue dates."))
    anchor = cycle_anchor(decision_date, issue_date)
    expiry = expiry or default_expiry(issue_date)
    require(expiry > anchor, "R9.2-validity", _("The expiry date must come after the certification decision."),
            field="expiry")
    windows: list[Window] = []
    previous = anchor
    for n in range(1, surveillances + 1):
        latest = min(surveillance_deadline(previous), expiry - timedelta(days=1))
        earliest = max(previous + timedelta(days=1), latest - relativedelta(months=opens_months_before))
        windows.append(Window("surveillance", n, earliest, latest, "R8.1.1-interval", f"第{n}次监督审核",
                              f"surveillance {n}"))
        previous = surveillance_ends[n - 1] if n <= len(surveillance_ends) else latest
    renewal = renewal_window(expiry)
    windows.append(renewal)
    # Recertification follows the renewal application and ends before expiry (R9.3-renewal).
    windows.append(Window("recertification", 0, renewal.earliest, expiry - timedelta(days=1), "R9.3-renewal",
                          "再认证审核", "recertification audit"))
    return Programme(anchor, expiry, tuple(windows))


def check_surveillance_date(end_date: date, *, decision_date: date, issue_date: date,
                            last_surveillance_end: date | None = None, expiry: date | None = None) -> None:
    """Refuse a surveillance whose end is more than 12 months after the previous surveillance (or,
    for the first, after the earlier of decision and issue date) — R8.1.1-interval — or that is not
    within the certificate's validity (R9.2-validity)."""
    anchor = cycle_anchor(decision_date, issue_date)
    previous = last_surveillance_end or anchor
    limit = surveillance_deadline(previous)
    require(end_date > previous, "R8.1.1-interval",
            _("A surveillance audit must come after the previous audit (%(previous)s)."), field="end_date",
            params={"previous": previous.isoformat()})
    if last_surveillance_end is None:
        message = _("The first surveillance audit must end within 12 months of the certification decision or "
                    "the certificate issue date, whichever is earlier (by %(limit)s); planned %(date)s.")
    else:
        message = _("No more than 12 months may pass between two surveillance audits: the previous one ended "
                    "%(previous)s, so this one must end by %(limit)s; planned %(date)s.")
    require(end_date <= limit, "R8.1.1-interval", message, field="end_date",
            params={"limit": limit.isoformat(), "date": end_date.isoformat(), "previous": previous.isoformat()})
    expiry = expiry or default_expiry(issue_date)
    require(end_date <= expiry, "R9.2-validity",
            _("A surveillance audit must take place while the certificate is valid (until %(expiry)s)."),
            field="end_date", params={"expiry": expiry.isoformat()})


def check_recertification_date(end_date: date, expiry: date) -> None:
    """Refuse a recertification audit that ends on or after the expiry date (R9.3-renewal: continuing
    after expiry needs the recertification done before it)."""
    require(end_date < expiry, "R9.3-renewal",
            _("The recertification audit must be finished before the certificate expires (%(expiry)s); planned "
              "to end %(date)s."), field="end_date", params={"expiry": expiry.isoformat(), "date": end_date.isoformat()})


def check_renewal_application(applied_on: date, expiry: date) -> None:
    """Refuse a renewal application outside the 90 days before expiry (R9.3-renewal)."""
    w = renewal_window(expiry)
    require(applied_on <= expiry, "R9.3-renewal",
            _("The certificate expired on %(expiry)s; apply for initial certification instead."),
            field="applied_on", params={"expiry": expiry.isoformat()})
    require(applied_on >= w.earliest, "R9.3-renewal",
            _("A renewal application is made within the 90 days before expiry: from %(opens)s."),
            field="applied_on", params={"opens": w.earliest.isoformat()})


def extra_surveillance(reason_kind: str, reason: str, *, start: date, expiry: date,
                       within_days: int = 60) -> Window:
    """An extra surveillance audit for a major change or a major incident (R8.1.1-extra).

    ``within_days`` is body policy (product default 60 days from the day the event became known):
    the rule says "promptly" without a number. Extra audits do not move the regular windows: the
    12-month interval is counted between regular surveillances, so an extra audit never delays them.
    """
    require(reason_kind in EXTRA_REASONS, "R8.1.1-extra",
            _("An extra surveillance audit is for a major change of the CMS or a major incident affecting "
              "carbon performance."), field="reason_kind")
    require(bool(reason.strip()), "R8.1.1-extra", _("Record the reason for the extra surveillance audit."),
            field="reason")
    require(start <= expiry, "R9.2-validity",
            _("A surveillance audit must take place while the certificate is valid (until %(expiry)s)."),
            field="start", params={"expiry": expiry.isoformat()})
    zh, en = EXTRA_REASON_LABELS[reason_kind]
    return Window("extra_surveillance", 0, start, min(expiry, start + timedelta(days=within_days)), "R8.1.1-extra",
                  f"特别监督审核（{zh}）", f"extra surveillance ({en})", reason=reason.strip())


def due_soon(programme: Programme, today: date, *, within_days: int = 30,
             done: Sequence[tuple[str, int]] = ()) -> list[tuple[Window, str]]:
    """Windows not yet done that close within ``within_days`` ("due") or have closed ("overdue") —
    what the sweep reminds programme managers of. ``done`` lists (kind, sequence) already audited."""
    out = []
    for w in programme.windows:
        if (w.kind, w.sequence) in done or w.kind == "renewal_application":
            continue
        left = w.days_left(today)
        if left < 0:
            out.append((w, "overdue"))
        elif left <= within_days:
            out.append((w, "due"))
    return out
