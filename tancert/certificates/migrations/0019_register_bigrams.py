"""A real index for two-character name fragments in the register search (R9.2-lookup; docs/performance.md).

Trigram indexes (migration certificates 0018) cannot answer a two-character fragment such as 碳素, a common
length for a Chinese trade name. This indexes the distinct two-character substrings of UPPER(name) — the
same upper case Django's `icontains` compares on each database, so every name the substring search finds
is among the candidates; register/search.py applies the same `icontains` to decide.

PostgreSQL: an IMMUTABLE SQL function returning the array of a name's bigrams and a GIN index over it,
queried with `@> ARRAY[upper(q)]` (the planner estimates a gram's share from the array statistics and takes
the scan in number order for a common one).

SQLite: a side table (gram, certificate_id) WITHOUT ROWID, primary key (gram, certificate_id), filled by
triggers on insert, delete and a change of the name. CTEs are not allowed inside SQLite triggers, so the
positions 1 … 200 (the name's max_length) come from a small numbers table. SQLite's upper() folds ASCII
only, as its LIKE does. Bulk loads may drop the insert trigger and refill the table in one statement
(bench/register.py). A migration that rebuilds the certificates table on SQLite drops the triggers:
tests/certificates/register/test_register_index.py checks they are there.
"""

from django.db import migrations

TABLE = "certificates_certificate_name_bigram"
POSITIONS = "certificates_name_position"
MAX_NAME = 200  # Certificate.organisation_name max_length
GRAMS_OF = (f"SELECT DISTINCT substr(upper({{name}}), p.i, 2), {{pk}} FROM {POSITIONS} p "
            f"WHERE p.i < length({{name}})")
INSERT_NEW = f"INSERT OR IGNORE INTO {TABLE} (gram, certificate_id) " + GRAMS_OF.format(name="new.organisation_name",
                                                                                        pk="new.id")
DELETE_OLD = (f"DELETE FROM {TABLE} WHERE certificate_id = old.id AND gram IN (SELECT substr(upper("
              f"old.organisation_name), p.i, 2) FROM {POSITIONS} p WHERE p.i < length(old.organisation_name))")
# Fills the table from every certificate: the migration, and bench/register.py after a bulk load.
REBUILD = (f"INSERT OR IGNORE INTO {TABLE} (gram, certificate_id) SELECT substr(upper(c.organisation_name), p.i, 2), "
           f"c.id FROM certificates_certificate c JOIN {POSITIONS} p ON p.i < length(c.organisation_name) "
           "ORDER BY 1, 2")
SQLITE_UP = [
    f"CREATE TABLE {POSITIONS} (i INTEGER PRIMARY KEY)",
    f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {MAX_NAME}) "
    f"INSERT INTO {POSITIONS} (i) SELECT i FROM s",
    f"CREATE TABLE {TABLE} (gram TEXT NOT NULL, certificate_id INTEGER NOT NULL, "
    "PRIMARY KEY (gram, certificate_id)) WITHOUT ROWID",
    REBUILD,
    f"CREATE TRIGGER certificate_name_bigram_insert AFTER INSERT ON certificates_certificate BEGIN {INSERT_NEW}; END",
    f"CREATE TRIGGER certificate_name_bigram_delete AFTER DELETE ON certificates_certificate BEGIN {DELETE_OLD}; END",
    f"CREATE TRIGGER certificate_name_bigram_update AFTER UPDATE OF organisation_name ON certificates_certificate "
    f"BEGIN {DELETE_OLD}; {INSERT_NEW}; END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS certificate_name_bigram_insert",
               "DROP TRIGGER IF EXISTS certificate_name_bigram_delete",
               "DROP TRIGGER IF EXISTS certificate_name_bigram_update",
               f"DROP TABLE IF EXISTS {TABLE}", f"DROP TABLE IF EXISTS {POSITIONS}"]
# STRICT: NULL in, NULL out; IMMUTABLE: upper() and substr() depend on the argument only (the database's
# fixed collation), which an expression index requires.
PG_UP = [
    "CREATE OR REPLACE FUNCTION tancert_name_bigrams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT coalesce(array_agg(DISTINCT substr(upper(name), i, 2)), '{}') "
    "FROM generate_series(1, length(name) - 1) AS i $$",
    "CREATE INDEX IF NOT EXISTS certificate_name_bigrams ON certificates_certificate "
    "USING gin (tancert_name_bigrams(organisation_name::text))",
]
PG_DOWN = ["DROP INDEX IF EXISTS certificate_name_bigrams", "DROP FUNCTION IF EXISTS tancert_name_bigrams(text)"]


def _run(schema_editor, sqlite: list[str], pg: list[str]):
    conn = schema_editor.connection
    statements = {"sqlite": sqlite, "postgresql": pg}.get(conn.vendor, [])
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def up(apps, schema_editor):
    _run(schema_editor, SQLITE_UP, PG_UP)


def down(apps, schema_editor):
    _run(schema_editor, SQLITE_DOWN, PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0018_register_name_index")]
    operations = [migrations.RunPython(up, down)]
