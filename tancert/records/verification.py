"""Verify the whole record (RR-system, docs/architecture.md, Records): chain, signatures, checkpoints.

Detects, naming the first affected event:
- an altered row (its hash no longer matches), a deleted row (a gap in seq or a broken link),
  reordered rows (seq is in the hash);
- a row someone wrote with a correctly computed hash but without the records key: no signature,
  a signature by an unknown key, or one that does not match (inserted, forged or rewritten events);
- a chain cut short or rewritten from some event on, even with every hash and link recomputed: the
  signed checkpoints outside the database say how long the chain was and what its head was.

Checkpoints are checked when the checkpoint file exists; a missing file is reported, not a failure
(a new installation has none until its first commit). A checkpoint's signature is checked where it
decides the verdict — the latest one, and any that disagrees with the database — so that a line
written without the key is named as such rather than taken for evidence against the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tancert.records import checkpoints, keys
from tancert.records.hashing import GENESIS, compute_hash
from tancert.records.models import Event

MESSAGES = {
    "missing": _("event #%(seq)s is missing (next found: #%(next)s): an event was deleted"),
    "link": _("event #%(seq)s does not link to its predecessor: events were deleted, inserted or moved"),
    "altered": _("event #%(seq)s was altered (hash mismatch)"),
    "unsigned": _("event #%(seq)s has no signature: it was inserted or forged outside tancert"),
    "unknown_key": _("event #%(seq)s is signed with an unknown key %(key)s: it was inserted or forged"),
    "bad_signature": _("event #%(seq)s has an invalid signature: it was forged, inserted or rewritten"),
    "checkpoint_differs": _("event #%(seq)s differs from the signed checkpoint of %(at)s: "
                            "the record was rewritten from here on"),
    "cut_off": _("the record ends at #%(last)s but the signed checkpoint of %(at)s says it reached "
                 "#%(reached)s: events #%(seq)s to #%(reached)s were cut off"),
    "bad_checkpoint": _("line %(line)s of the checkpoint file is malformed or not validly signed: "
                        "the checkpoint file was altered"),
    "bad_saved_head": _("saved head %(number)s is malformed or not validly signed by the keys saved with it"),
    "keyring": _("the records keyring is inconsistent (%(detail)s): the keyring file was altered"),
}


@dataclass
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    kind: str = ""
    params: dict = field(default_factory=dict)
    rule: str = "RR-system"  # the record is the whole process, true and accurate: verify proves it
    checkpoint_file: bool = False
    checkpoints: int = 0
    latest_checkpoint: dict | None = None

    @property
    def message(self) -> str:
        """What happened, in the active language (Chinese on the admin's records page)."""
        return str(MESSAGES[self.kind]) % self.params if self.kind else ""

    @property
    def reason(self) -> str:
        """What happened, in English (the command line, logs)."""
        with translation.override("en"):
            return self.message

    def as_dict(self) -> dict:
        with translation.override("zh-hans"):
            message_zh = self.message
        return {"ok": self.ok, "count": self.count, "broken_seq": self.broken_seq, "kind": self.kind,
                "reason": self.reason, "message_zh": message_zh, "rule": self.rule,
                "checkpoint_file": self.checkpoint_file, "checkpoints": self.checkpoints,
                "checkpoint_seq": self.latest_checkpoint["seq"] if self.latest_checkpoint else None}


def verify(saved_heads: list[dict] | None = None) -> VerifyResult:
    """Recompute the whole chain, check every signature and every checkpoint; name the first break.

    `saved_heads`: signed heads someone kept from /register/records/head. Each is checked against the
    public keys saved with it — not the server's keyring, which an intruder may have replaced — and then
    counts as one more checkpoint: the database must still reach its seq with the same head hash.
    """
    try:
        problems = keys.endorsement_problems(keys.keyring_entries())
        signers = keys.public_keys()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # not even readable
        problems = [f"unreadable: {exc.__class__.__name__}"]
    if problems:
        return VerifyResult(False, 0, kind="keyring", params={"detail": problems[0]})
    reading = checkpoints.read()
    for number, saved in enumerate(saved_heads or (), start=1):
        cp = saved.get("checkpoint") if isinstance(saved, dict) else None
        own = {k.get("key_id"): keys.load_public(k["public_key"]) for k in (saved.get("keys") or [])} \
            if isinstance(saved, dict) else {}
        if not (isinstance(cp, dict) and isinstance(cp.get("seq"), int) and checkpoints.signature_valid(cp, own)):
            return VerifyResult(False, 0, kind="bad_saved_head", params={"number": number})
        # Checked above with the keys saved beside it: known from here on even if the server's keyring lost it.
        signers.setdefault(cp["key_id"], own[cp["key_id"]])
        reading.checkpoints.append({**cp, "line": f"saved head {number}"})
    latest = max(reading.checkpoints, key=lambda cp: cp["seq"], default=None)
    info = {"checkpoint_file": reading.exists, "checkpoints": len(reading.checkpoints), "latest_checkpoint": latest}

    def forged(cp):  # a checkpoint line nobody holding the records key wrote
        return VerifyResult(False, 0, kind="bad_checkpoint", params={"line": cp["line"]}, **info)

    if reading.bad_line is not None:
        return VerifyResult(False, 0, kind="bad_checkpoint", params={"line": reading.bad_line}, **info)
    if latest is not None and not checkpoints.signature_valid(latest, signers):
        return forged(latest)  # the head the page and the command show must be genuine
    heads: dict[int, list[dict]] = {}
    for cp in reading.checkpoints:
        heads.setdefault(cp["seq"], []).append(cp)

    def broken(count, seq, kind, **params):
        return VerifyResult(False, count, seq, kind, {"seq": seq, **params}, **info)

    prev_hash, expected_seq, count = GENESIS, 1, 0
    for ev in Event.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if ev.seq != expected_seq:
            return broken(count, expected_seq, "missing", next=ev.seq)
        if ev.prev_hash != prev_hash:
            return broken(count, ev.seq, "link")
        if compute_hash(ev) != ev.hash:
            return broken(count, ev.seq, "altered")
        if not ev.signature:
            return broken(count, ev.seq, "unsigned")
        if ev.key_id not in signers:
            return broken(count, ev.seq, "unknown_key", key=ev.key_id or "-")
        if not keys.event_signature_valid(ev.hash, ev.signature, signers[ev.key_id]):
            return broken(count, ev.seq, "bad_signature")
        for cp in heads.get(ev.seq, ()):
            if cp["head"] != ev.hash:
                if not checkpoints.signature_valid(cp, signers):
                    return forged(cp)
                return broken(count, ev.seq, "checkpoint_differs", at=cp["at"])
        prev_hash = ev.hash
        expected_seq += 1
    last = expected_seq - 1
    if latest is not None and latest["seq"] > last:
        return broken(count, last + 1, "cut_off", last=last, reached=latest["seq"], at=latest["at"])
    return VerifyResult(True, count, **info)
