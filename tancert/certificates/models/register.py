"""The public register's lookup log (R9.2-lookup)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LookupLog(models.Model):
    """One public lookup of the register (R9.2-lookup): who asked (address), what, and what was found.

    Not a certification record (no hash chain): it is access logging, kept for abuse analysis.
    """

    # The time of the lookup, set when it is made: the row is written up to a second later (register/lookuplog.py).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    client = models.CharField(max_length=64)  # the client address as seen by the body's proxy
    channel = models.CharField(max_length=10)  # web / api
    query = models.CharField(max_length=100)
    found = models.PositiveIntegerField(default=0)
    limited = models.BooleanField(default=False)


class LookupWindow(models.Model):
    """The public register's rate limit (R9.2-lookup): lookups of one address in one minute, counted in the
    database so that every worker process shares the count (register/lookup.py). Rows of past minutes are
    purged as new minutes begin."""

    client = models.CharField(max_length=64)
    minute = models.BigIntegerField()  # Unix time // 60
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="one_lookup_window_per_minute")]
        indexes = [models.Index(fields=["minute"], name="lookup_window_minute")]
