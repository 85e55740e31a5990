"""Operations: the administrator's working-day calendar, notifications and sweep reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day entered from the State Council's holiday notice for a year `chinesecalendar` does not know.

    Once any day of a year is entered, the year counts as known: days not listed follow Monday–Friday.
    """

    day = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]


class Notification(models.Model):
    """An in-app notice (also sent by e-mail when the user has an address and wants e-mail).

    ``event`` names its line in the table of events (ops/notifications/table.py)."""

    event = models.CharField(max_length=60, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Reminder(models.Model):
    """What a sweep already reminded, so that running it twice reminds once."""

    kind = models.CharField(max_length=60)
    subject_key = models.CharField(max_length=100)
    due = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "subject_key", "due"], name="unique_reminder")]
