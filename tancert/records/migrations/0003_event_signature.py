"""Each event carries an Ed25519 signature over its hash, with the id of the key that made it
(records/keys.py, docs/architecture.md, Records).

Events written before this migration are signed here, once, and a checkpoint of the head is written:
the upgrade vouches for the chain as it stands, so run `tancert records verify` before upgrading —
hash and link breaks stay visible afterwards, but a row forged before the upgrade would be signed too.

Adding a column makes SQLite rebuild the table, which drops its triggers: they are put back here.
"""

from importlib import import_module

from django.db import migrations, models, transaction

triggers = import_module("tancert.records.migrations.0002_append_only_triggers")


def sign_existing(apps, schema_editor):
    from tancert.records import checkpoints, keys

    Event = apps.get_model("records", "Event")
    vendor = schema_editor.connection.vendor
    for sql in triggers.statements(vendor, drop=True):
        schema_editor.execute(sql)
    batch, last = [], None
    for ev in Event.objects.filter(signature="").order_by("seq").iterator(chunk_size=1000):
        ev.signature, ev.key_id = keys.sign_event(ev.hash)
        batch.append(ev)
        last = ev
        if len(batch) == 1000:
            Event.objects.bulk_update(batch, ["signature", "key_id"])
            batch = []
    if batch:
        Event.objects.bulk_update(batch, ["signature", "key_id"])
    for sql in triggers.statements(vendor):
        schema_editor.execute(sql)
    head = Event.objects.order_by("-seq").values("seq", "hash").first()
    if last is not None and head is not None:
        transaction.on_commit(lambda: checkpoints.write(head["seq"], head["hash"]))


def restore_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in triggers.statements(vendor, drop=True) + triggers.statements(vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("records", "0002_append_only_triggers")]
    operations = [
        # Undoing this migration removes the columns, which rebuilds the SQLite table once more.
        migrations.RunPython(migrations.RunPython.noop, restore_triggers),
        migrations.AddField("event", "signature", models.CharField(blank=True, default="", max_length=88)),
        migrations.AddField("event", "key_id", models.CharField(blank=True, default="", max_length=16)),
        migrations.RunPython(sign_existing, restore_triggers),
    ]
