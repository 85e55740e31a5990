"""Records that cannot be forged (RR-system, docs/architecture.md, Records).

Each test plays someone who can write to the database — the append-only triggers dropped, raw SQL —
but cannot read the records key or rewrite the checkpoint file outside the database. Every manipulation
must make `tancert records verify` fail, naming what happened and where. Run on SQLite and, with
DATABASE_URL=postgres://…/tancert_<name>, on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import os
from importlib import import_module

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection, transaction

from tancert.records import chain, checkpoints, keys
from tancert.records.models import Event

triggers = import_module("tancert.records.migrations.0002_append_only_triggers")
N = 12

pytestmark = pytest.mark.django_db

COLUMNS = ("seq", "at", "actor_id", "actor_name", "action", "subject_type", "subject_id", "organisation_id",
           "summary", "data", "prev_hash", "hash", "signature", "key_id")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Append events as committed work: their checkpoints are written, as after a real commit."""

    def run(n=N, start=0):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(start, start + n):
                chain.append("test.event", subject=("thing", i), by=None, summary=f"事件 {i}", data={"i": i})

    return run


def _sql(*statements):
    """Run raw SQL with the append-only triggers dropped, as an intruder in the database would."""
    with connection.cursor() as cur:
        for stmt in triggers.statements(connection.vendor, drop=True):
            cur.execute(stmt)
        for sql, params in statements:
            cur.execute(sql, params)
        for stmt in triggers.statements(connection.vendor):
            cur.execute(stmt)


def _row(ev: Event) -> tuple:
    return (ev.seq, ev.at, ev.actor_id, ev.actor_name, ev.action, ev.subject_type, ev.subject_id,
            ev.organisation_id, ev.summary, json.dumps(ev.data, ensure_ascii=False), ev.prev_hash, ev.hash,
            ev.signature, ev.key_id)


def _insert(ev: Event):
    marks = ", ".join(["%s"] * len(COLUMNS))
    return (f"INSERT INTO records_event ({', '.join(COLUMNS)}) VALUES ({marks})", _row(ev))


def _rewrite(ev: Event):
    return ("UPDATE records_event SET summary = %s, data = %s, prev_hash = %s, hash = %s, signature = %s "
            "WHERE seq = %s", [ev.summary, json.dumps(ev.data, ensure_ascii=False), ev.prev_hash, ev.hash,
                               ev.signature, ev.seq])


def _forged_tail(head: Event, *, sign=None) -> Event:
    """The next event after `head`, with a correctly computed hash; signed only if `sign` is given."""
    ev = Event(seq=head.seq + 1, at=head.at, actor_id=None, actor_name="system", action="certificate.issued",
               subject_type="certificate", subject_id="999", organisation_id=None, summary="颁发证书（伪造）",
               data={}, prev_hash=head.hash)
    ev.hash = chain.compute_hash(ev)
    ev.signature, ev.key_id = sign(ev.hash) if sign else ("", "")
    return ev


def _broken(kind, seq):
    result = chain.verify()
    assert not result.ok, "the manipulation went unnoticed"
    assert (result.kind, result.broken_seq) == (kind, seq), result.reason
    assert f"#{seq}" in result.reason and f"#{seq}" in result.as_dict()["message_zh"]
    return result


def _command_fails(capsys, seq):
    with pytest.raises(SystemExit) as exit_info:
        call_command("records", "verify")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"#{seq}" in err and "BROKEN" in err and "记录链已被破坏" in err
    return err


def test_intact_record_verifies_with_signatures_and_checkpoints(committed, capsys):
    committed()
    result = chain.verify()
    assert result.ok and result.count == N and result.checkpoints == N
    assert result.latest_checkpoint["seq"] == N
    assert all(e.signature and e.key_id == keys.current_key_id() for e in Event.objects.all())
    call_command("records", "verify")
    assert f"OK: {N} events" in capsys.readouterr().out
    assert oct(keys.key_path().stat().st_mode & 0o777) == "0o600"


def test_forged_append_with_a_correct_hash_but_no_signature(committed, capsys):
    committed()
    _sql(_insert(_forged_tail(Event.objects.order_by("-seq").first())))
    assert "no signature" in _broken("unsigned", N + 1).reason
    _command_fails(capsys, N + 1)


def test_forged_append_signed_with_another_key(committed):
    committed()
    intruder = Ed25519PrivateKey.generate()

    def sign_as_intruder(h, claimed_id=None):
        sig = base64.b64encode(intruder.sign(keys.EVENT_CONTEXT + h.encode())).decode()
        return sig, claimed_id or keys.key_id(intruder.public_key())

    head = Event.objects.order_by("-seq").first()
    _sql(_insert(_forged_tail(head, sign=sign_as_intruder)))
    _broken("unknown_key", N + 1)
    # The intruder claims the real key's id: the signature does not match it.
    _sql(("DELETE FROM records_event WHERE seq = %s", [N + 1]),
         _insert(_forged_tail(head, sign=lambda h: sign_as_intruder(h, keys.current_key_id()))))
    _broken("bad_signature", N + 1)


def test_forged_append_reusing_a_genuine_signature(committed):
    committed()
    head = Event.objects.order_by("-seq").first()
    _sql(_insert(_forged_tail(head, sign=lambda h: (head.signature, head.key_id))))
    _broken("bad_signature", N + 1)


def test_altered_event(committed, capsys):
    committed()
    _sql(("UPDATE records_event SET summary = %s WHERE seq = 5", ["篡改的摘要"]))
    assert "altered" in _broken("altered", 5).reason
    _command_fails(capsys, 5)


def test_deleted_event_leaves_a_gap(committed):
    committed()
    _sql(("DELETE FROM records_event WHERE seq = 4", []))
    assert "missing" in _broken("missing", 4).reason


def test_reordered_events(committed):
    committed()
    _sql(("UPDATE records_event SET seq = 1000 WHERE seq = 6", []),
         ("UPDATE records_event SET seq = 6 WHERE seq = 7", []),
         ("UPDATE records_event SET seq = 7 WHERE seq = 1000", []))
    _broken("link", 6)


def test_inserted_event_with_every_later_hash_recomputed(committed):
    """An event slipped in at #5: later events renumbered, every hash and link recomputed."""
    committed()
    events = list(Event.objects.order_by("seq"))
    moved = [("UPDATE records_event SET seq = seq + 1000 WHERE seq >= 5", []),
             ("UPDATE records_event SET seq = seq - 999 WHERE seq >= 1000", [])]
    inserted = _forged_tail(events[3])  # follows #4, gets seq 5
    rewritten, prev = [], inserted
    for ev in events[4:]:
        ev.seq, ev.prev_hash = ev.seq + 1, prev.hash
        ev.hash = chain.compute_hash(ev)
        rewritten.append(_rewrite(ev))
        prev = ev
    _sql(*moved, *rewritten, _insert(inserted))
    _broken("unsigned", 5)


def test_cut_off_tail(committed, capsys):
    """The last five events deleted: chain, links and signatures are intact — only the checkpoint knows."""
    committed()
    _sql(("DELETE FROM records_event WHERE seq > %s", [N - 5]))
    result = _broken("cut_off", N - 4)
    assert f"#{N}" in result.reason and "cut off" in result.reason and "截断" in result.as_dict()["message_zh"]
    assert f"#{N - 4}" in _command_fails(capsys, N - 4)


def test_cut_off_tail_replaced_by_fewer_signed_looking_events(committed):
    """Cut and re-appended with forged events up to the old length: signatures and checkpoints disagree."""
    committed()
    events = list(Event.objects.order_by("seq"))
    _sql(("DELETE FROM records_event WHERE seq > %s", [N - 2]),
         _insert(_forged_tail(events[N - 3], sign=lambda h: (events[N - 2].signature, events[N - 2].key_id))))
    _broken("bad_signature", N - 1)


def test_full_rewrite_from_an_event_with_recomputed_hashes(committed):
    committed()
    events = list(Event.objects.order_by("seq"))
    prev, rewritten = events[2], []
    for ev in events[3:]:  # from #4 on
        if ev.seq == 4:
            ev.summary, ev.data = "改写的记录", {"i": 4, "改写": True}
        ev.prev_hash = prev.hash
        ev.hash = chain.compute_hash(ev)
        rewritten.append(_rewrite(ev))  # the genuine signatures are kept: they no longer match
        prev = ev
    _sql(*rewritten)
    _broken("bad_signature", 4)


def test_full_rewrite_by_someone_holding_the_key_still_disagrees_with_the_checkpoints(committed):
    """Even re-signed with the real key, a rewritten event differs from the checkpoint written when it was
    committed. (Rewriting the checkpoint file too is beyond what verify can see: docs/architecture.md.)"""
    committed()
    events = list(Event.objects.order_by("seq"))
    prev, rewritten = events[6], []
    for ev in events[7:]:
        ev.summary = ev.summary + "（改写）"
        ev.prev_hash = prev.hash
        ev.hash = chain.compute_hash(ev)
        ev.signature, _ = keys.sign_event(ev.hash)
        rewritten.append(_rewrite(ev))
        prev = ev
    _sql(*rewritten)
    assert "rewritten" in _broken("checkpoint_differs", 8).reason


def test_altered_checkpoint_file(committed):
    committed()
    lines = checkpoints.path().read_text().splitlines()
    cp = json.loads(lines[-1])
    cp["seq"] = N + 5
    lines[-1] = json.dumps(cp)
    checkpoints.path().write_text("\n".join(lines) + "\n")
    result = chain.verify()
    assert not result.ok and result.kind == "bad_checkpoint" and str(N) in result.reason


def test_checkpoint_line_rewritten_without_the_key(committed):
    """Someone rewrote a middle checkpoint to match a rewritten event: without the key its signature fails."""
    committed()
    lines = checkpoints.path().read_text().splitlines()
    cp = json.loads(lines[4])
    cp["head"] = "f" * 64
    lines[4] = json.dumps(cp)
    checkpoints.path().write_text("\n".join(lines) + "\n")
    result = chain.verify()
    assert not result.ok and result.kind == "bad_checkpoint" and result.params == {"line": 5}


def test_a_write_cut_short_by_a_crash_is_not_a_forgery(committed):
    committed()
    with open(checkpoints.path(), "ab") as fh:
        fh.write(b'{"seq": 99, "head": "ab')
    assert chain.verify().ok


def test_rolled_back_append_leaves_no_checkpoint(committed, django_capture_on_commit_callbacks):
    committed(3)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            chain.append("test.event", subject=("thing", 9), by=None, summary="回滚的事件")
            raise RuntimeError("the action failed after appending")
    assert len(checkpoints.path().read_text().splitlines()) == 3
    result = chain.verify()
    assert result.ok and result.latest_checkpoint["seq"] == 3


def test_without_checkpoint_file_verify_says_so_and_still_checks_signatures():
    chain.append("test.event", subject=("thing", 1), by=None, summary="事件")  # never committed: no checkpoint
    result = chain.verify()
    assert result.ok and not result.checkpoint_file and result.latest_checkpoint is None


def test_key_rotation_keeps_old_events_verifiable(committed, p, django_capture_on_commit_callbacks, capsys,
                                                  settings, tmp_path):
    from django.core.exceptions import PermissionDenied

    from tancert.records.actions import rotate_records_key

    # Keys of its own: this test rotates and then damages the keyring. The events `p` appended were
    # signed with the session's key, so they are re-signed under the new DATA_DIR's first key.
    settings.DATA_DIR = tmp_path
    _sql(*[("UPDATE records_event SET signature = %s, key_id = %s WHERE seq = %s", [*keys.sign_event(h), s])
           for s, h in Event.objects.values_list("seq", "hash")])
    committed(3)
    first = keys.current_key_id()
    with pytest.raises(PermissionDenied):
        rotate_records_key(by=p.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        old, new = rotate_records_key(by=p.sysadmin)
    assert old == first and new == keys.current_key_id() != first
    committed(2, start=3)
    assert oct(keys.key_path().stat().st_mode & 0o777) == "0o600"
    ring = keys.keyring_entries()
    assert [e["key_id"] for e in ring][-2:] == [old, new] and ring[-2]["retired"] and ring[-1]["endorsed_by"] == old
    rotation = Event.objects.get(action="records.key_rotated")
    assert rotation.key_id == new and rotation.data == {"old_key_id": old, "new_key_id": new}
    assert chain.verify().ok
    # The old private key is gone: what it signed can no longer be extended by anyone holding the file.
    assert not keys.key_path().with_name(keys.key_path().name + ".new").exists()
    # A keyring whose later key lost its endorsement is itself a sign of tampering.
    ring[-1]["endorsement"] = ring[-2]["endorsement"]
    keys.keyring_path().write_text(json.dumps({"algorithm": "Ed25519", "keys": ring}))
    result = chain.verify()
    assert not result.ok and result.kind == "keyring"
    keys.keyring_path().write_text("{not json")
    assert chain.verify().kind == "keyring"
    with pytest.raises(SystemExit):
        call_command("records", "verify")
    assert "outside the database" in capsys.readouterr().err


def test_register_publishes_the_signed_head(committed, client):
    committed()
    for url in ("/register/records/head", "/api/v1/public/records/head"):
        head = client.get(url).json()
        cp = head["checkpoint"]
        assert cp["seq"] == N and cp["head"] == Event.objects.get(seq=N).hash
        published = {k["key_id"]: keys.load_public(k["public_key"]) for k in head["keys"]}
        assert checkpoints.signature_valid(cp, published)  # verifiable with the published key alone
        assert "PRIVATE" not in json.dumps(head)


def test_admin_records_page_shows_the_break_in_chinese(committed, client, p):
    committed()
    last = Event.objects.order_by("-seq").first().seq
    client.force_login(p.sysadmin)
    page = client.get("/records/").content.decode()
    assert "记录链完整" in page and "签名" in page
    _sql(("DELETE FROM records_event WHERE seq > %s", [last - 3]))
    page = client.get("/records/").content.decode()
    assert "记录链已断裂" in page and f"#{last - 2}" in page and "截断" in page


def test_archive_carries_signatures_and_the_signed_head(committed, p, django_capture_on_commit_callbacks):
    import io
    import zipfile

    from tancert.records.archive import organisation_archive

    committed(2)
    with django_capture_on_commit_callbacks(execute=True):
        data = organisation_archive(p.org_a, by=p.sysadmin)
    zf = zipfile.ZipFile(io.BytesIO(data))
    events = json.loads(zf.read("events.json"))
    head = json.loads(zf.read("records-head.json"))
    signers = {k["key_id"]: keys.load_public(k["public_key"]) for k in head["keys"]}
    assert events and all(keys.event_signature_valid(e["hash"], e["signature"], signers[e["key_id"]])
                          for e in events)
    assert head["checkpoint"] is not None and checkpoints.signature_valid(head["checkpoint"], signers)


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_checkpoint_path_follows_data_dir_at_call_time(settings, tmp_path, committed):
    settings.DATA_DIR = tmp_path
    committed(1)
    assert (tmp_path / "records" / "checkpoints.jsonl").exists()
    assert (tmp_path / "keys" / "records-ed25519.pem").exists()


def test_a_head_saved_by_an_outsider_exposes_a_cut_the_checkpoint_file_no_longer_shows(committed, client,
                                                                                       tmp_path, capsys):
    """The intruder also truncated the checkpoint file; the head an outsider saved still proves the cut."""
    committed()
    saved = tmp_path / "head.json"
    saved.write_text(client.get("/register/records/head").content.decode())
    _sql(("DELETE FROM records_event WHERE seq > %s", [N - 3]))
    lines = checkpoints.path().read_text().splitlines()
    checkpoints.path().write_text("\n".join(lines[:N - 3]) + "\n")
    assert chain.verify().ok  # what the server alone can tell
    with pytest.raises(SystemExit):
        call_command("records", "verify", "--head", str(saved))
    assert f"#{N - 2}" in capsys.readouterr().err and "cut off" in chain.verify([json.loads(saved.read_text())]).reason
    forged = json.loads(saved.read_text())
    forged["checkpoint"]["seq"] = N - 3
    assert chain.verify([forged]).kind == "bad_saved_head"
