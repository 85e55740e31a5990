"""A real index for the register's name search (R9.2-lookup; docs/performance.md, Public register).

PostgreSQL: a pg_trgm GIN index on UPPER(organisation_name), the expression Django's `icontains` compares,
so `UPPER(name) LIKE UPPER('%…%')` is answered from the index. Where the extension cannot be created (no
privilege), the migration leaves the index out and the search scans, as before.

SQLite: an FTS5 table with the trigram tokenizer over the certificates' names (external content: it holds
the index only), kept in sync by triggers, so bulk loads and every save update it.
register/search.py narrows the candidates through it and then applies the same `icontains`, so results are
identical to the old substring search. A migration that rebuilds the certificates table on SQLite drops the
triggers: tests/certificates/register/test_register_index.py checks they are there.
"""

from django.db import migrations

FTS = "certificates_certificate_name_fts"
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(organisation_name, content='certificates_certificate', "
    "content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"CREATE TRIGGER certificate_name_fts_insert AFTER INSERT ON certificates_certificate BEGIN "
    f"INSERT INTO {FTS}(rowid, organisation_name) VALUES (new.id, new.organisation_name); END",
    f"CREATE TRIGGER certificate_name_fts_delete AFTER DELETE ON certificates_certificate BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, organisation_name) VALUES ('delete', old.id, old.organisation_name); END",
    f"CREATE TRIGGER certificate_name_fts_update AFTER UPDATE OF organisation_name ON certificates_certificate "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, organisation_name) VALUES ('delete', old.id, old.organisation_name); "
    f"INSERT INTO {FTS}(rowid, organisation_name) VALUES (new.id, new.organisation_name); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS certificate_name_fts_insert", "DROP TRIGGER IF EXISTS certificate_name_fts_delete",
               "DROP TRIGGER IF EXISTS certificate_name_fts_update", f"DROP TABLE IF EXISTS {FTS}"]
PG_INDEX = ("CREATE INDEX IF NOT EXISTS certificate_name_trgm ON certificates_certificate "
            "USING gin (UPPER(organisation_name::text) gin_trgm_ops)")


def up(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            for sql in SQLITE_UP:
                cur.execute(sql)
        elif conn.vendor == "postgresql":
            cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cur.fetchone() is None:
                return  # no pg_trgm on this server: the search scans (docs/performance.md)
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute(PG_INDEX)


def down(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            for sql in SQLITE_DOWN:
                cur.execute(sql)
        elif conn.vendor == "postgresql":
            cur.execute("DROP INDEX IF EXISTS certificate_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("certificates", "0017_lookup_log_time_of_lookup")]
    operations = [migrations.RunPython(up, down)]
