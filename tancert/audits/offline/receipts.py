"""Apply an entry made offline once (docs/audits.md §5).

The auditor's device gives every entry a key (a UUID) when it is made; the entry may reach the server more than
once (a reply lost on the way back, a sync started twice). An action that takes a key asks :func:`replayed` first:
a key seen before returns what it created then, and nothing is written again. :func:`keep` stores the key in the
action's own transaction, so the key and the change are written together or not at all; the unique key in the
database stops two copies that arrive at the same moment.
"""

from __future__ import annotations

import uuid as uuidlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import OfflineReceipt
from tancert.scheme.violations import RuleViolation, require
from tancert.ui.outbox import EntryInFlight


def key_of(value, rule: str) -> uuidlib.UUID | None:
    """The entry's key, None when the caller sent none (an entry made online)."""
    if value in (None, ""):
        return None
    try:
        return uuidlib.UUID(str(value))
    except (ValueError, TypeError):
        raise RuleViolation(rule, _("Each entry needs a valid UUID."), field="uuid") from None


def replayed(key: uuidlib.UUID | None, *, kind: str, audit, by, model, rule: str):
    """What this key created before (the same entry sent again), or None the first time. A key is the entry of
    one person in one audit: another person's or another audit's key is refused, never read."""
    if key is None:
        return None
    receipt = OfflineReceipt.objects.filter(uuid=key).first()
    if receipt is None:
        return None
    # enforces: R7.4.2 R7.4 R6.2-sampling R7.4.1-S1
    require(receipt.kind == kind and receipt.audit_id == audit.pk and receipt.by_id == by.pk, rule,
            _("This UUID belongs to another entry."), field="uuid")
    return model.objects.filter(pk=receipt.object_id).first()


def keep(key: uuidlib.UUID | None, *, kind: str, audit, by, obj) -> None:
    """Store the key with what it created; call inside the action's transaction."""
    if key is not None:
        try:
            with transaction.atomic():  # a savepoint: the unique key may refuse it
                OfflineReceipt.objects.create(uuid=key, kind=kind, audit=audit, by=by, object_id=obj.pk)
        except IntegrityError:
            raise EntryInFlight(str(key)) from None
