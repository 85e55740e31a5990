"""`tancert backup` and `tancert restore` (docs/deployment.md, Backups): a backup restored into a new database
and a new TANCERT_HOME verifies, and the public register finds the certificate there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deployenv import pg_url, process_env, tancert
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tancert.certificates import actions as certs
from tancert.records.models import Event

from flow import complete_application, transferred_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the restore test restores into a second PostgreSQL database (the tests' SQLite "
                              "database lives in memory)"),
]

LOOKUP = """
import json
from django.test import Client
answer = Client().get("/api/v1/public/certificates/{number}")
print(json.dumps({{"http": answer.status_code, **answer.json()}}, ensure_ascii=False))
"""


@pytest.fixture
def restore_db():
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_new_database_verifies_and_finds_the_certificate(p, settings, tmp_path,
                                                                                   restore_db):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # this test's files only
    complete_application(p.org_a, p.client_a)  # uploaded documents: the file store has something to carry
    cert = certs.issue_certificate(transferred_in(p, 7), by=p.certadmin)
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["vendor"] == "postgresql" and "database.pgdump" in manifest["files"]
    assert "records/checkpoints.jsonl" in manifest["files"] and "keys/records-ed25519.pem" in manifest["files"]
    assert any(name.startswith("media/") for name in manifest["files"])

    home = tmp_path / "restored-home"
    env = process_env(home, pg_url(restore_db))
    out = tancert("restore", str(folder), env=env).stdout
    assert f"OK: {Event.objects.count()} events" in out, out
    verified = tancert("records", "verify", env=env).stdout
    assert verified.startswith(f"OK: {Event.objects.count()} events") and "checkpoint" in verified, verified
    found = json.loads(tancert("shell", "-c", LOOKUP.format(number=cert.number), env=env).stdout.splitlines()[-1])
    assert found["http"] == 200 and found["number"] == cert.number and found["status"] == "valid"
    # The certificate's PDF came back with the file store.
    pdf = cert.versions.get().pdf.name
    assert (home / "media" / pdf).read_bytes() == (Path(settings.MEDIA_ROOT) / pdf).read_bytes()


def test_restore_refuses_a_database_in_use_and_a_damaged_backup(p, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    folder = tmp_path / "backup"
    call_command("backup", str(folder), "--without-private-keys")
    files = json.loads((folder / "manifest.json").read_text())["files"]
    assert "keys/records-keyring.json" in files and "keys/records-ed25519.pem" not in files
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(folder))
    with pytest.raises(CommandError, match="exists|has tables"):  # this test's database and home are in use
        call_command("restore", str(folder))
    dump = folder / "database.pgdump"
    data = dump.read_bytes()
    dump.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit changed
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(folder))

