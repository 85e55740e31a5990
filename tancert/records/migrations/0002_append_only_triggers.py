"""Database triggers that refuse UPDATE and DELETE on the record log (RR-format, docs/architecture.md).

Row-level only: a PostgreSQL TRUNCATE needs table ownership, which the production
application role must not have (docs/operations.md).
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER records_event_no_update BEFORE UPDATE ON records_event "
    "BEGIN SELECT RAISE(ABORT, 'records are append-only (RR-format)'); END;",
    "CREATE TRIGGER records_event_no_delete BEFORE DELETE ON records_event "
    "BEGIN SELECT RAISE(ABORT, 'records are append-only (RR-format)'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS records_event_no_update;",
    "DROP TRIGGER IF EXISTS records_event_no_delete;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION records_event_refuse() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'records are append-only (RR-format)'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER records_event_no_change BEFORE UPDATE OR DELETE ON records_event "
    "FOR EACH ROW EXECUTE FUNCTION records_event_refuse();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS records_event_no_change ON records_event;",
    "DROP FUNCTION IF EXISTS records_event_refuse();",
]


def statements(vendor: str, drop: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES
    if vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    raise RuntimeError(f"no append-only triggers written for database vendor {vendor!r}")


def forwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, drop=True):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
