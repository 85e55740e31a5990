"""The record log (scheme RR): one append-only, hash-chained table of events.

Rows are written only by tancert.records.chain.append(); database triggers (migration
0002) refuse UPDATE and DELETE so that even a direct SQL session cannot rewrite history
without first dropping the trigger — and then `tancert records verify` finds the break: each event
is signed with a key kept outside the database, and signed checkpoints of the chain's length and head
are written to a file beside it (records/keys.py, records/checkpoints.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    seq = models.BigIntegerField(primary_key=True, verbose_name=_("sequence"))
    at = models.DateTimeField(verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    # The actor's name at the time: a record must stay readable if the account is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64)
    # Organisation the event belongs to, for the per-organisation history and archive.
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, verbose_name=_("summary"))
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Ed25519 signature over the hash with the records key, which lives outside the database
    # (records/keys.py): a row with a correctly computed hash but no valid signature is a forgery.
    signature = models.CharField(max_length=88, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"

    @property
    def actor_label(self) -> str:
        """Who acted, as people read it: the system's own steps (sweep, seeding) are 系统, not "system"."""
        return "系统" if self.actor_name == "system" else self.actor_name

    @property
    def action_label(self) -> str:
        """What happened, in Chinese (records/labels.py); the code stays for staff who search by it."""
        from tancert.records.labels import action_label

        return action_label(self.action)


def _original_path(instance, filename):
    return f"records/originals/{instance.event_id}/{filename}"


class SignedOriginal(models.Model):
    """A scan of a signed paper original attached to a record event (RR-signed).

    The scan's SHA-256 goes into the chain (event `record.original_attached`), so
    swapping the file is detectable; the paper original stays where `kept_at` says.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="originals", db_constraint=False)
    file = models.FileField(upload_to=_original_path)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    kept_at = models.CharField(max_length=200, verbose_name=_("where the paper original is kept"))
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(auto_now_add=True)


class LogLeaf(models.Model):
    """One entry of the certificate transparency log (records/transparency.py, docs/verify.md).

    Written in the same transaction as the certificate's record event; `leaf` is the exact JSON text that is
    hashed (RFC 9162: SHA-256 of 0x00 and the leaf), so anyone can recompute the tree from the entries.
    Rows are only ever added; a rewritten or removed row changes the tree, which a monitor holding an
    earlier signed tree head detects with a consistency proof."""

    index = models.BigIntegerField(primary_key=True)
    event_seq = models.BigIntegerField(unique=True)
    number = models.CharField(max_length=40, db_index=True)
    leaf = models.TextField()
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["index"]
