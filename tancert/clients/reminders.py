"""The clients' part of the sweep: reviewers hear of acceptance deadlines due tomorrow (R7.2-deadline),
once per application and deadline."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from tancert.clients.models import Application
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once


def remind_acceptance_deadlines(today: date) -> list[str]:
    tomorrow = today + timedelta(days=1)
    sent = []
    for app in Application.objects.filter(status=Application.SUBMITTED, review_deadline=tomorrow).select_related(
            "organisation"):
        with transaction.atomic():
            if not remind_once("acceptance_deadline", f"application:{app.pk}", tomorrow):
                continue
            send("application.deadline_tomorrow", organisation=app.organisation, application=app, deadline=tomorrow)
        sent.append(str(app.pk))
    return sent
