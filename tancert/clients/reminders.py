"""The clients' part of the sweep: reviewers hear of acceptance deadlines due tomorrow (R7.2-deadline),
once per application and deadline."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from tancert.clients.models import Application
from tancert.ops.notify import notify, staff_with_role
from tancert.ops.reminders import remind_once
from tancert.people.models import Role


def remind_acceptance_deadlines(today: date) -> list[str]:
    tomorrow = today + timedelta(days=1)
    sent = []
    reviewers = staff_with_role(Role.APPLICATION_REVIEWER)
    for app in Application.objects.filter(status=Application.SUBMITTED, review_deadline=tomorrow).select_related(
            "organisation"):
        with transaction.atomic():
            if not remind_once("acceptance_deadline", f"application:{app.pk}", tomorrow):
                continue
            notify(reviewers, f"明天到期：{app.organisation.name} 的认证申请需在 {tomorrow} 前作出受理决定",
                   "R7.2-deadline：资料齐全后 3 个工作日内作出受理或不予受理的决定。", f"/applications/{app.pk}/")
        sent.append(str(app.pk))
    return sent
