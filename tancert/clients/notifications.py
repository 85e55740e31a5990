"""Which notices the clients' recorded steps mean (the table: ops/notifications/table.py; the trigger:
ops/notifications/triggers.py). Registered when the app is ready."""

from __future__ import annotations

from decimal import Decimal

from tancert.clients.models import Application
from tancert.ops.notifications.triggers import on


def _app(ev) -> Application:
    return Application.objects.select_related("organisation").get(pk=ev.subject_id)


def _about(app) -> dict:
    return {"organisation": app.organisation, "application": app}


@on("application.supplement_requested")
def supplement(ev):
    app = _app(ev)
    return [("application.supplement_requested", {**_about(app), "missing": ev.data.get("missing", "")})]


@on("application.accepted", "application.rejected")
def decided(ev):
    app = _app(ev)
    return [(ev.action, {**_about(app), "reason": ev.data.get("reason") or ""})]


@on("contract.signed")
def signed(ev):
    return [("contract.signed", _about(_app(ev)))]


@on("contract.paid", "contract.partly_paid")
def paid(ev):
    app = _app(ev)
    short = app.contract.total - Decimal(ev.data["paid"])
    out = [("contract.payment_received", {**_about(app), "amount": ev.data["amount"],
                                          "shortfall": f"，尚欠 {short} 元" if short > 0 else ""})]
    if short <= 0:
        out.append(("contract.paid", _about(app)))
    return out
